/* antispoof: source address checks of a port (policy in antispoof.h). */
#include "switch/antispoof.h"

#include <string.h>

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_QINQ 0x88a8

#define IP4_HLEN 20
#define IP4_PROTO_UDP 17
#define DHCP_CLIENT_PORT 68
#define DHCP_SERVER_PORT 67

#define IP6_HLEN 40
#define IP6_NEXT (ETH_HLEN_ + 6)
#define IP6_SRC (ETH_HLEN_ + 8)
#define IP6_DST (ETH_HLEN_ + 24)
#define IP6_NH_HOPOPTS 0
#define IP6_NH_ROUTING 43
#define IP6_NH_DSTOPTS 60
#define IP6_NH_ICMP6 58
#define ICMP6_MLD_REPORT 131
#define ICMP6_NS 135
#define ICMP6_NA 136
#define ICMP6_MLD2_REPORT 143
#define ND_TARGET 8                 /* offset of the target in NS/NA */

static const uint8_t any4[4], any6[16];

static bool
ip4_listed(const struct port *p, const uint8_t *ip)
{
    uint32_t a;

    memcpy(&a, ip, 4);
    for (unsigned i = 0; i < p->n_ips && i < PORT_IPS_MAX; i++) {
        if (p->ips[i] == a) {
            return true;
        }
    }
    return false;
}

static bool
ip6_is_link_local(const uint8_t *ip)
{
    return ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;     /* fe80::/10 */
}

/* Listed, or link-local while the list names no link-local address. */
static bool
ip6_allowed(const struct port *p, const uint8_t *ip)
{
    bool ll_listed = false;

    for (unsigned i = 0; i < p->n_ip6s && i < PORT_IP6S_MAX; i++) {
        if (!memcmp(p->ip6s[i], ip, 16)) {
            return true;
        }
        ll_listed |= ip6_is_link_local(p->ip6s[i]);
    }
    return !ll_listed && ip6_is_link_local(ip);
}

static int
check_ip4(const struct port *p, const struct frame *f)
{
    const uint8_t *h = f->head;
    unsigned ihl, l4;

    if (f->head_len < ETH_HLEN_ + IP4_HLEN || h[ETH_HLEN_] >> 4 != 4) {
        return DROP_BAD_FRAME;
    }
    if (ip4_listed(p, h + 26)) {
        return 0;
    }
    ihl = (h[ETH_HLEN_] & 0xf) * 4u;
    if (ihl < IP4_HLEN) {
        return DROP_BAD_FRAME;
    }
    l4 = ETH_HLEN_ + ihl;
    if (!memcmp(h + 26, any4, 4) && h[23] == IP4_PROTO_UDP
        && f->head_len >= l4 + 4
        && (h[l4] << 8 | h[l4 + 1]) == DHCP_CLIENT_PORT
        && (h[l4 + 2] << 8 | h[l4 + 3]) == DHCP_SERVER_PORT) {
        return 0;
    }
    return DROP_SPOOF_IP;
}

static int
check_arp(const struct port *p, const struct frame *f)
{
    const uint8_t *h = f->head;
    unsigned spa;

    if (f->head_len < ETH_HLEN_ + 8) {
        return DROP_BAD_FRAME;
    }
    if ((h[16] << 8 | h[17]) != ETH_TYPE_IPV4 || h[19] != 4) {
        return 0;                   /* not about IPv4 addresses */
    }
    spa = ETH_HLEN_ + 8 + h[18];    /* past the sender hardware address */
    if (f->head_len < spa + 4) {
        return DROP_BAD_FRAME;
    }
    return ip4_listed(p, h + spa) || !memcmp(h + spa, any4, 4)
           ? 0 : DROP_SPOOF_IP;
}

/* The upper-layer protocol of an IPv6 packet, past hop-by-hop, routing and
 * destination options headers, with its offset in *off; -1 if the header
 * chain does not end inside the head within ANTISPOOF_IP6_EXT_MAX headers.
 * The fixed header is in the head. */
static int
ip6_upper(const struct frame *f, unsigned *off)
{
    const uint8_t *h = f->head;
    unsigned nh = h[IP6_NEXT], o = ETH_HLEN_ + IP6_HLEN;

    for (unsigned i = 0;; i++) {
        if (nh != IP6_NH_HOPOPTS && nh != IP6_NH_ROUTING && nh != IP6_NH_DSTOPTS) {
            *off = o;
            return (int) nh;
        }
        if (i == ANTISPOOF_IP6_EXT_MAX || f->head_len < o + 2) {
            return -1;
        }
        nh = h[o];
        o += (h[o + 1] + 1u) * 8;   /* length in 8-byte units, first excluded */
    }
}

static int
check_ip6(const struct port *p, const struct frame *f)
{
    const uint8_t *h = f->head;
    unsigned off;
    int proto, type = -1;

    if (f->head_len < ETH_HLEN_ + IP6_HLEN || h[ETH_HLEN_] >> 4 != 6
        || (proto = ip6_upper(f, &off)) < 0) {
        return DROP_BAD_FRAME;
    }
    if (proto == IP6_NH_ICMP6) {
        if (f->head_len < off + 1) {
            return DROP_BAD_FRAME;
        }
        type = h[off];
    }
    if (!memcmp(h + IP6_SRC, any6, 16)) {
        return h[IP6_DST] == 0xff && (type == ICMP6_NS || type == ICMP6_MLD_REPORT
                                      || type == ICMP6_MLD2_REPORT)
               ? 0 : DROP_SPOOF_IP;
    }
    if (!ip6_allowed(p, h + IP6_SRC)) {
        return DROP_SPOOF_IP;
    }
    if (type == ICMP6_NA) {
        if (f->head_len < off + ND_TARGET + 16) {
            return DROP_BAD_FRAME;
        }
        if (!ip6_allowed(p, h + off + ND_TARGET)) {
            return DROP_SPOOF_IP;
        }
    }
    return 0;
}

int
antispoof_check(const struct port *p, const struct frame *f)
{
    switch (frame_ethertype(f)) {
    case ETH_TYPE_IPV4:
        return p->n_ips ? check_ip4(p, f) : 0;
    case ETH_TYPE_ARP:
        return p->n_ips ? check_arp(p, f) : 0;
    case ETH_TYPE_IPV6:
        return p->n_ip6s ? check_ip6(p, f) : 0;
    case ETH_TYPE_VLAN:
    case ETH_TYPE_QINQ:
        return antispoof_active(p) ? DROP_SPOOF_IP : 0;
    default:
        return 0;
    }
}
