/* netif_csum: see netif_csum.h. */
#include <errno.h>
#include <netinet/in.h>

#include "netback/netif_csum.h"

#define ETH_HLEN 14
#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define IPV6_HLEN 40

static int l4(uint8_t proto, size_t at, size_t len, struct netif_csum *c)
{
    if (proto == IPPROTO_TCP) {
        c->offset = 16;
        if (at + 20 > len)
            return -EINVAL;
    } else if (proto == IPPROTO_UDP) {
        c->offset = 6;
        if (at + 8 > len)
            return -EINVAL;
    } else {
        return -EPROTONOSUPPORT;
    }
    c->proto = proto;
    c->start = (uint16_t)at;
    return 0;
}

static int ipv4(const uint8_t *p, size_t len, struct netif_csum *c)
{
    const uint8_t *ip = p + ETH_HLEN;
    if (len < ETH_HLEN + 20 || ip[0] >> 4 != 4)
        return -EINVAL;
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    if (ihl < 20 || ETH_HLEN + ihl > len)
        return -EINVAL;
    if ((ip[6] & 0x3f) || ip[7])        /* MF or a fragment offset */
        return -EPROTONOSUPPORT;
    c->ipv6 = false;
    return l4(ip[9], ETH_HLEN + ihl, len, c);
}

static int ipv6(const uint8_t *p, size_t len, struct netif_csum *c)
{
    if (len < ETH_HLEN + IPV6_HLEN || p[ETH_HLEN] >> 4 != 6)
        return -EINVAL;
    uint8_t next = p[ETH_HLEN + 6];
    size_t at = ETH_HLEN + IPV6_HLEN;
    for (unsigned n = 0; ; n++) {
        if (next != 0 && next != 43 && next != 60)   /* hop-by-hop, routing, dstopts */
            break;
        if (n == NETIF_CSUM_IPV6_EXT_MAX || at + 8 > len)
            return -EINVAL;
        next = p[at];
        at += ((size_t)p[at + 1] + 1) * 8;
    }
    c->ipv6 = true;
    return l4(next, at, len, c);
}

int netif_csum_setup(const uint8_t *p, size_t len, struct netif_csum *c)
{
    if (len < ETH_HLEN)
        return -EINVAL;
    uint16_t type = (uint16_t)(p[12] << 8 | p[13]);
    if (type == ETH_P_IPV4)
        return ipv4(p, len, c);
    if (type == ETH_P_IPV6)
        return ipv6(p, len, c);
    return -EPROTONOSUPPORT;
}
