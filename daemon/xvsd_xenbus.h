/* xvsd_xenbus: the "xenstore" module of xvsd (modules.h) -- the xenbus
 * backend (xenstore/xenbus.h) bound to the netback's vifs and the switch.
 *
 * start: with a guest backend (xvsd_netback() != NULL) and [xen] xenstore
 *        not "no", opens xenstore (libxenstore: XENSTORED_PATH in tests),
 *        watches backend/vif and adopts the devices that exist already --
 *        a connected one gets its rings back without the guest noticing.
 *        Without a backend, or xenstored unreachable with xenstore = auto
 *        (logged): nothing is watched and start returns 0.
 * stop:  xenbus_destroy(): every vif it made is disconnected (rings
 *        unmapped, channels unbound), taken off its bridge and freed;
 *        nothing is written to xenstore or to the guests, so a restarted
 *        xvsd resumes them.  It stops before the netback module.
 *
 * What a vif's keys do to it (keys.h parses, man/xvs-xenstore.7 documents):
 *   vifname (else vif<D>.<N>)  the port's name, unique over every bridge
 *   mac                        port mac (the source MAC mac_locked allows)
 *   bridge                     bridge_lookup() of its name part; a suffix
 *                              (.10 access, :20:30 trunk) is its VLANs
 *   vlan                       access (one VLAN) or trunk (pvid = native)
 *   promiscuous                port promiscuous (every frame of its VLANs)
 *   forged-transmits, mac-changes   either "reject": mac_locked
 *   ip                         port_set_ips(): allowed IPv4 and IPv6
 *                              sources (switch/antispoof.h)
 *   router-advertisements, dhcp-server   port ra_guard, dhcp_guard:
 *                              unset AUTO, accept OFF, reject ON
 *   rate                       vif_set_rate()
 *   mtu                        validated, kept, not enforced (no per-port
 *                              MTU in the switch; netfront reads its own)
 * All of them are followed live (ops->update); a bridge change moves the
 * port, a VLAN change flushes its learned FDB entries.
 *
 * Ownership: the vifs are this module's, not the bridges'.  A vif is put
 * on its bridge with bridge_add_port() and taken off with
 * bridge_remove_port(), which does not free it (bridge_del_port() would,
 * behind xenbus's back); only ops->destroy frees it.  brmgr refuses to
 * delete a bridge that has vifs, so a bridge never frees one either.
 * Likewise a vif's emulated NIC (struct xx_vif.tap): made through
 * brmgr_make_tap() (the factory's tapport_create, so this library does not
 * link ports/), freed only by this module.
 *
 * Control commands (xvsctl COMMAND ARGS):
 *   vif-online BACKEND_PATH [tap=IFNAME]
 *       hotplug/vif-xvs `online` (BACKEND_PATH is its XENBUS_PATH,
 *       backend/vif/D/N): the vif goes on its bridge with its VLANs and
 *       policy and hotplug-status=connected is written; on failure the
 *       reason ("bridge xenbr9: no such bridge") is the command's error and
 *       is written to hotplug-error with hotplug-status=error.  tap=IFNAME
 *       (or IFNAME alone): type_if=tap, the emulated NIC of an HVM guest
 *       (QEMU's tap) becomes a port of kind "tap" (ports/tapport.h) on the
 *       vif's bridge, with the vif's policy (VLANs, MAC lock, promiscuous,
 *       IPv4 sources; not rate or mtu, which are netback's), following the
 *       vif on and off its bridge and its keys live.  It goes with
 *       vif-offline tap=, the vif's removal, the module's stop, or its
 *       device (QEMU unplugging the NIC or exiting).  Returns the device as
 *       vif-list shows it.
 *   vif-offline BACKEND_PATH [tap=IFNAME]
 *       The script's `offline`: the vif leaves its bridge (its FDB entries
 *       go with it); it is freed when libxl removes its directory.  With
 *       tap=: the emulated NIC's port is removed (whatever its name: a vif
 *       has one).
 *   vif-list
 *       Every device of backend/vif xvsd knows: domid, devid, name, bridge,
 *       backend_state / frontend_state (number and name), online, attached,
 *       connected, hotplug_connected, error ("" if none), emulated_nic
 *       (an HVM guest's QEMU tap attached by vif-online tap=: its port's
 *       name, bridge -- "" while off one -- and link_up; null if none).
 * Without a running xenbus each says why ("no guest backend: xenif =
 * none", "xenstored not reachable: ...", "[xen] xenstore = no"). */
#ifndef XVS_XVSD_XENBUS_H
#define XVS_XVSD_XENBUS_H 1

#include <stdbool.h>
#include <stddef.h>

struct evloop;
struct xenbus_ops;

int xvsd_xenbus_start(struct evloop *, char *err, size_t errlen);
void xvsd_xenbus_stop(void);

/* The xenstore requests made so far (store_get_stats()); false if the
 * module has no xenstore connection. */
struct store_stats;
bool xvsd_xenbus_store_stats(struct store_stats *);

/* The ops over xvsd_netback() and the registered bridges (ctx unused),
 * for unit tests that drive them without xenstore. */
const struct xenbus_ops *xvsd_xenbus_ops(void);

#endif
