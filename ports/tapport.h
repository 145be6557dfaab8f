/* tapport: a bridge port on the dom0 side of a QEMU tap -- the emulated NIC
 * of an HVM guest (libxl's nictype vif_ioemu; the tap is "vifD.N-emu").
 *
 * It is an uplink (uplink.h: AF_PACKET rings, link state followed by
 * linkmon) with these differences:
 *   - kind "tap"; describe() adds "vif", the PV vif the tap belongs to;
 *   - its port MAC is the guest's (uplink_pin_mac()), so the bridge's
 *     source-MAC lock checks what the guest sends, not the address of the
 *     dom0 side of the tap;
 *   - the device is brought up (QEMU leaves it down, vif-bridge used to
 *     bring it up) with IPv6 off on it, so that dom0 sends nothing of its
 *     own to the guest through it;
 *   - the device going away (QEMU unplugs the NIC when the guest's PV
 *     driver takes over, or QEMU exits) is reported once, through `gone`,
 *     from a zero-delay timer rather than from within the link monitor's
 *     callback, so `gone` may destroy the port.
 * The port is destroyed by ops->destroy like any port. */
#ifndef XVS_PORTS_TAPPORT_H
#define XVS_PORTS_TAPPORT_H 1

#include <stddef.h>
#include <stdint.h>

struct evloop;
struct port;

/* The tap device is gone; `p` is still valid (and still on its bridge). */
typedef void tapport_gone_fn(void *arg, struct port *p);

/* Opens the port on tap `ifname` for the vif called `owner` (a buffer that
 * must outlive the port: the vif port's name, so renames show), with port
 * MAC `mac`.  Returns 0, or a negative errno with a message naming the device
 * ("tap vif5.0-emu: no such device"). */
int tapport_create(struct evloop *, const char *ifname, const char *owner,
                   const uint8_t mac[6], tapport_gone_fn *gone, void *arg,
                   struct port **out, char *err, size_t errlen);

#endif
