/* uplink: a bridge port on any Linux netdev (NIC, veth, bond, VXLAN...),
 * reached through one AF_PACKET socket with memory-mapped rings.
 *
 * Receive: a TPACKET_V2 ring of MTU-sized slots.  The payload stays in
 * the slot while the bridge switches it; slots go back to the kernel once
 * their frames went through bridge_input().  At most XVS_BURST_MAX frames
 * per bridge_input() call and per loop turn; if more may be waiting the
 * port asks for another turn (evloop_want_more), so one busy uplink cannot
 * starve the other sources.  Frames bigger than a slot (GRO/GSO, up to
 * 64 KiB) are queued whole by the kernel on the socket
 * (PACKET_COPY_THRESH) and read with recv(), at most one per burst.
 * TPACKET_V3 was measured and rejected: a block is only handed over when
 * full or when its timer (>= 1 ms) expires, which added ~0.7 ms per hop
 * at low rates and cut one TCP stream to a quarter; V2 with per-frame
 * status costs no syscall per frame either.
 *
 * Transmit: frames are copied into TX ring slots and the kernel is kicked
 * once per output() call (one sendto() per burst, not per frame).  Frames
 * longer than the link MTU (+14, +4 when tagged) are dropped (DROP_MTU),
 * except GSO frames, which the kernel segments (dropped only if their
 * segments would exceed the MTU).  Frames bigger than a ring slot (GSO,
 * or any frame after the MTU was raised) go through a second, ring-less
 * socket with sendmsg(), after the ring is kicked so order is kept.
 *
 * Offloads: both sockets use PACKET_VNET_HDR, so checksum-partial and GSO
 * frames pass between the switch and the kernel with their virtio_net_hdr
 * (no software checksum on this port: the kernel or the NIC completes it),
 * and received GRO frames arrive whole.
 *
 * Hygiene: PACKET_QDISC_BYPASS (no qdisc on TX), PACKET_IGNORE_OUTGOING (our
 * own and the host's transmissions are never received, hence never learned),
 * promiscuous mode through PACKET_MR_PROMISC membership (the kernel undoes
 * it when the socket closes, even if xvsd dies), VLAN tags the kernel
 * stripped into tp_vlan_tci put back into the frame (802.1Q: as the frame's
 * tci; other TPIDs such as 802.1ad: back into the bytes).
 *
 * Frames addressed to the device's own MAC belong to the host's stack on
 * that device and are not switched, unless a port of the bridge has
 * that MAC too (the host port after address takeover): counted as
 * rx_host_only in describe().
 *
 * Link state follows the netdev (ports/linkmon.h): port->link_up is true
 * while the device is up with carrier.  A device that disappears makes the
 * link go down (logged once); when a device of the same name appears again
 * the socket is bound to it again. */
#ifndef XVS_PORTS_UPLINK_H
#define XVS_PORTS_UPLINK_H 1

#include <stddef.h>

#include "switch/port.h"

struct evloop;

#define UPLINK_RX_SLOTS 1024             /* frames the kernel can queue */
#define UPLINK_TX_SLOTS 512              /* frames in flight on TX */

/* Open an uplink on `ifname` (port name = ifname, kind "uplink").  The port
 * starts in access mode VLAN 1 (port_init defaults); the caller configures
 * VLANs and adds it to a bridge.  Destroyed by ops->destroy
 * (bridge_del_port).  Returns 0, or a negative errno with a message in err
 * naming the interface ("uplink eth9: no such device"). */
int uplink_create(struct evloop *, const char *ifname, struct port **out,
                  char *err, size_t errlen);

/* From now on port->mac is `mac` and no longer follows the device's
 * address (a QEMU tap: the port's MAC is the guest's, for the bridge's
 * source-MAC lock, while the dom0 side of the tap has an address of its
 * own).  Frames to the device's own address still stay with the host
 * (rx_host_only).  `p` must be an uplink port. */
void uplink_pin_mac(struct port *p, const uint8_t mac[6]);

#endif
