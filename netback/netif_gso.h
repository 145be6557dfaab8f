/* netif_gso: software TCP segmentation, for a guest that did not ask for
 * GSO (no feature-gso-tcpv4/-tcpv6) but is sent a GSO frame (from a guest
 * that did, or a GRO frame from the uplink or the host port).
 *
 * Input: one linear Ethernet frame (optionally 802.1Q tagged) carrying
 * IPv4 or IPv6 (with the extension headers netif_csum knows) and TCP, its
 * L4 offset and its MSS.  Each segment gets the headers copied, the IP
 * length (and IPv4 id + header checksum) fixed, the TCP sequence number
 * advanced, FIN/PSH kept for the last and CWR for the first segment only,
 * and a complete TCP checksum.  Pure: no I/O, writes only into `seg`. */
#ifndef XVS_NETIF_GSO_H
#define XVS_NETIF_GSO_H 1

#include <stddef.h>
#include <stdint.h>

#define NETIF_GSO_SEGS_MAX 256           /* 64 KiB / MSS 256: a floor on mss */
#define NETIF_GSO_MSS_MIN 256

/* Called once per segment with the segment's bytes (valid during the
 * call); a non-zero return stops the segmentation and is returned. */
typedef int netif_gso_emit(void *ctx, const uint8_t *seg, size_t len);

/* seg: scratch of at least hdr_len + mss bytes.  Returns the number of
 * segments emitted, or -EINVAL (headers not what they should be, mss below
 * NETIF_GSO_MSS_MIN, scratch too small), or the emit callback's error. */
int netif_gso_segment(const uint8_t *frame, size_t len, uint16_t l4_off, uint16_t mss,
                      uint8_t *seg, size_t seg_size, netif_gso_emit *, void *ctx);

#endif
