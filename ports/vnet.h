/* vnet: the virtio_net_hdr that TAP (IFF_VNET_HDR) and AF_PACKET
 * (PACKET_VNET_HDR) put in front of a frame, mapped to and from the offload
 * fields of struct frame (FRAME_F_CSUM_PARTIAL, FRAME_F_CSUM_VALID,
 * FRAME_F_GSO).
 *
 * Offsets: a virtio_net_hdr's csum_start counts from the first byte of the
 * data it precedes; a frame's csum_start counts from the first byte of its
 * *untagged* head.  Callers pass the difference (`adjust`, bytes to add to
 * the header's offset to get the frame's one, e.g. -4 when an 802.1Q tag
 * was removed from the data in front of the L3 header).
 *
 * Everything the header says is validated against the frame: a bad header
 * (offsets past the frame, GSO without a checksum request, GSO types the
 * switch cannot carry) is rejected, never trusted.  The header is in the
 * host's byte order (legacy virtio, as both TAP and AF_PACKET use it on
 * little-endian hosts without TUNSETVNETBE). */
#ifndef XVS_PORTS_VNET_H
#define XVS_PORTS_VNET_H 1

#include <linux/virtio_net.h>
#include <stdint.h>

#include "switch/frame.h"

#define VNET_HDR_LEN ((unsigned) sizeof(struct virtio_net_hdr))

/* Fill f's offload fields from h.  f is already initialised
 * (frame_init_local).  Returns 0, -EINVAL (inconsistent header) or
 * -EOPNOTSUPP (GSO type other than TCPv4/TCPv6, e.g. UDP or ECN-marked
 * TCP). */
int vnet_hdr_to_frame(const struct virtio_net_hdr *h, int adjust, struct frame *f);

/* Header for sending f with `tag_len` (0 or 4) bytes of 802.1Q tag
 * inserted after the MAC addresses.  `copy_len` is the number of bytes the
 * kernel should copy into the socket buffer's linear part (AF_PACKET TX
 * rings: the whole frame, so the ring slot is not referenced after send;
 * 0: no hint). */
void vnet_hdr_from_frame(const struct frame *f, unsigned tag_len, unsigned copy_len,
                         struct virtio_net_hdr *h);

#endif
