/* xvsd_xenstore: the "xenstore" module of xvsd (daemon/modules.h) -- the
 * xenbus backend (xenbus.h) bound to netback's vifs and the switch.
 *
 * start: if xvsd has a guest backend (xvsd_netback() != NULL), opens
 *        xenstore (XENSTORED_PATH for the fake of the tests), watches
 *        backend/vif, adopts the devices that exist, and registers the
 *        control commands below.  No guest backend: logs and does nothing.
 *        xenstored unreachable while there is a backend: start fails.
 * stop:  frees every vif it made -- rings released, nothing written to
 *        xenstore or the guest -- so that a restarted xvsd adopts them.
 *
 * Control commands (xvsctl COMMAND ARGS; what hotplug/vif-xvs runs):
 *   vif-online BACKEND_PATH [TAP_IFNAME]
 *       The hotplug script's `online`: put the vif of backend/vif/D/N on
 *       its bridge with its VLANs and policy and write
 *       hotplug-status=connected; on failure hotplug-error (also the
 *       command's error) and hotplug-status=error.  TAP_IFNAME: the
 *       emulated NIC of a type=vif_ioemu device (not bridged by xvs: left
 *       unconnected with a warning; the guest's PV driver takes over).
 *   vif-offline BACKEND_PATH [TAP_IFNAME]
 *       The script's `offline`: the vif leaves service (link down) until
 *       the toolstack removes the device.
 *   vif-xenstore
 *       Every device of backend/vif: domid, devid, name, bridge, backend
 *       and frontend states, online, attached, connected, error.
 *
 * The vif's port follows the keys: mac -> port mac; forged-transmits or
 * mac-changes = reject -> mac_locked; promiscuous; ip (IPv4) -> allowed
 * sources; vlan / bridge suffix -> access or trunk; rate -> vif_set_rate.
 * mtu is accepted and validated but not enforced (the switch has no
 * per-port MTU). */
#ifndef XVS_XVSD_XENSTORE_H
#define XVS_XVSD_XENSTORE_H 1

#include <stddef.h>

struct evloop;

int xvsd_xenstore_start(struct evloop *, char *err, size_t errlen);
void xvsd_xenstore_stop(void);

#endif
