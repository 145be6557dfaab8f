/* netif_csum: where the L4 checksum of a partially checksummed frame is.
 *
 * A guest sends csum_blank frames (CHECKSUM_PARTIAL) without saying where
 * the checksum lives; like Linux netback (skb_checksum_setup) we find it by
 * parsing the untagged Ethernet head: IPv4 or IPv6 (skipping hop-by-hop,
 * routing and destination-options headers, at most NETIF_CSUM_IPV6_EXT_MAX)
 * then TCP or UDP.  Pure: reads only the bytes given. */
#ifndef XVS_NETIF_CSUM_H
#define XVS_NETIF_CSUM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETIF_CSUM_IPV6_EXT_MAX 8

struct netif_csum {
    uint16_t start;                 /* offset of the L4 header */
    uint16_t offset;                /* of the checksum field within it */
    uint8_t proto;                  /* IPPROTO_TCP / IPPROTO_UDP */
    bool ipv6;
};

/* Returns 0, -EPROTONOSUPPORT (not IPv4/IPv6 TCP/UDP, or an IP fragment),
 * or -EINVAL (headers truncated or inconsistent). */
int netif_csum_setup(const uint8_t *frame, size_t len, struct netif_csum *);

#endif
