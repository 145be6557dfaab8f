/* antispoof: port security of a port (policy in antispoof.h). */
#include "switch/antispoof.h"

#include <string.h>

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_QINQ 0x88a8

#define ARP_HTYPE_ETHER 1
#define ARP_SHA (ETH_HLEN_ + 8)     /* sender hardware address */

#define IP4_HLEN 20
#define IP4_PROTO_UDP 17
#define IP4_SRC (ETH_HLEN_ + 12)
#define DHCP_CLIENT_PORT 68
#define DHCP_SERVER_PORT 67
#define DHCP6_SERVER_PORT 547

#define IP6_HLEN 40
#define IP6_PLEN (ETH_HLEN_ + 4)
#define IP6_NEXT (ETH_HLEN_ + 6)
#define IP6_SRC (ETH_HLEN_ + 8)
#define IP6_DST (ETH_HLEN_ + 24)
#define IP6_NH_HOPOPTS 0
#define IP6_NH_UDP 17
#define IP6_NH_ROUTING 43
#define IP6_NH_FRAGMENT 44
#define IP6_NH_DSTOPTS 60
#define IP6_NH_ICMP6 58
#define ICMP6_MLD_REPORT 131
#define ICMP6_RS 133
#define ICMP6_RA 134
#define ICMP6_NS 135
#define ICMP6_NA 136
#define ICMP6_MLD2_REPORT 143
#define ND_TARGET 8                 /* offset of the target in NS/NA */
#define ND_OPT_SLLA 1               /* source link-layer address option */
#define ND_OPT_TLLA 2               /* target link-layer address option */

static const uint8_t any4[4], any6[16];

static inline int
drop(const char **why, const char *text, int reason)
{
    if (why) {
        *why = text;
    }
    return reason;
}

static inline unsigned
be16(const uint8_t *p)
{
    return (unsigned) p[0] << 8 | p[1];
}

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
check_ip4(const struct port *p, const struct frame *f, const char **why)
{
    const uint8_t *h = f->head;
    bool listed, udp, guard = antispoof_guard_on(p, p->dhcp_guard);
    unsigned ihl, l4, sport = 0, dport = 0;

    if (f->head_len < ETH_HLEN_ + IP4_HLEN || h[ETH_HLEN_] >> 4 != 4
        || (ihl = (h[ETH_HLEN_] & 0xf) * 4u) < IP4_HLEN) {
        /* No host takes it for IPv4: only a source list needs it gone. */
        return p->n_ips ? drop(why, "bad IPv4 header", DROP_BAD_FRAME) : 0;
    }
    l4 = ETH_HLEN_ + ihl;
    /* A later fragment (offset != 0) has no UDP header. */
    udp = h[ETH_HLEN_ + 9] == IP4_PROTO_UDP && !(be16(h + ETH_HLEN_ + 6) & 0x1fff)
          && f->head_len >= l4 + 4;
    if (udp) {
        sport = be16(h + l4);
        dport = be16(h + l4 + 2);
    }
    listed = ip4_listed(p, h + IP4_SRC);
    if (p->n_ips && !listed
        && !(!memcmp(h + IP4_SRC, any4, 4) && udp && sport == DHCP_CLIENT_PORT
             && dport == DHCP_SERVER_PORT)) {
        return drop(why, "IPv4 source not in the port's ip list", DROP_SPOOF_IP);
    }
    if (guard && udp && sport == DHCP_SERVER_PORT) {
        return drop(why, "DHCPv4 server message (UDP source port 67)", DROP_DHCP_GUARD);
    }
    return 0;
}

static int
check_arp(const struct port *p, const struct frame *f, const char **why)
{
    const uint8_t *h = f->head;
    unsigned spa;

    if (f->head_len < ETH_HLEN_ + 8) {
        return drop(why, "ARP header cut short", DROP_BAD_FRAME);
    }
    if (p->mac_locked) {
        if (be16(h + ETH_HLEN_) != ARP_HTYPE_ETHER || h[ETH_HLEN_ + 4] != 6) {
            return drop(why, "ARP hardware not Ethernet", DROP_BAD_FRAME);
        }
        if (f->head_len < ARP_SHA + 6) {
            return drop(why, "ARP header cut short", DROP_BAD_FRAME);
        }
        if (memcmp(h + ARP_SHA, p->mac, 6)) {
            return drop(why, "ARP sender MAC is not the port's MAC", DROP_SPOOF_MAC);
        }
    }
    if (!p->n_ips || be16(h + ETH_HLEN_ + 2) != ETH_TYPE_IPV4 || h[ETH_HLEN_ + 5] != 4) {
        return 0;                   /* not about IPv4 addresses */
    }
    spa = ARP_SHA + h[ETH_HLEN_ + 4];
    if (f->head_len < spa + 4) {
        return drop(why, "ARP header cut short", DROP_BAD_FRAME);
    }
    return ip4_listed(p, h + spa) || !memcmp(h + spa, any4, 4)
           ? 0 : drop(why, "ARP sender IPv4 address not in the port's ip list",
                      DROP_SPOOF_IP);
}

/* The upper-layer protocol of an IPv6 packet, past hop-by-hop, routing and
 * destination options headers and a first fragment's fragment header,
 * with its offset in *off (IP6_NH_FRAGMENT for a later fragment: no
 * upper-layer header); -1 if the header chain does not end inside the
 * head within ANTISPOOF_IP6_EXT_MAX headers.  The fixed header is in the
 * head. */
static int
ip6_upper(const struct frame *f, unsigned *off)
{
    const uint8_t *h = f->head;
    unsigned nh = h[IP6_NEXT], o = ETH_HLEN_ + IP6_HLEN;

    for (unsigned i = 0;; i++) {
        if (nh != IP6_NH_HOPOPTS && nh != IP6_NH_ROUTING && nh != IP6_NH_DSTOPTS
            && nh != IP6_NH_FRAGMENT) {
            *off = o;
            return (int) nh;
        }
        if (i == ANTISPOOF_IP6_EXT_MAX || f->head_len < o + 4) {
            return -1;
        }
        if (nh == IP6_NH_FRAGMENT) {
            if (be16(h + o + 2) & 0xfff8) {   /* offset != 0: a later fragment */
                *off = o;
                return IP6_NH_FRAGMENT;
            }
            nh = h[o];
            o += 8;
            continue;
        }
        nh = h[o];
        o += (h[o + 1] + 1u) * 8;   /* length in 8-byte units, first excluded */
    }
}

/* NDP link-layer address options of a message of `type` at `off` (port
 * mac_locked): every source (SLLA) or target (TLLA) option must carry the
 * port's MAC. */
static int
check_nd_opts(const struct port *p, const struct frame *f, unsigned off, int type,
              const char **why)
{
    const uint8_t *h = f->head;
    unsigned o = off + (type == ICMP6_RS ? 8 : type == ICMP6_RA ? 16 : 24);
    unsigned end = ETH_HLEN_ + IP6_HLEN + be16(h + IP6_PLEN);
    unsigned want = type == ICMP6_NA ? ND_OPT_TLLA : ND_OPT_SLLA;

    if (end > f->len || end < o) {
        /* hosts drop an NDP message shorter than its fixed part too */
        return drop(why, "IPv6 payload length past the frame or short of the NDP message",
                    DROP_BAD_FRAME);
    }
    if (end > f->head_len) {
        if (type != ICMP6_RA) {
            return drop(why, "NDP options past the head", DROP_BAD_FRAME);
        }
        end = f->head_len;          /* antispoof.h: as far as the head goes */
    }
    while (o + 2 <= end) {
        unsigned len = h[o + 1] * 8u;

        if (!len) {
            return drop(why, "NDP option of length 0", DROP_BAD_FRAME);
        }
        if (h[o] == want && o + 8 <= end && memcmp(h + o + 2, p->mac, 6)) {
            return drop(why, type == ICMP6_NA
                        ? "NDP target link-layer address is not the port's MAC"
                        : "NDP source link-layer address is not the port's MAC",
                        DROP_SPOOF_MAC);
        }
        o += len;
    }
    return 0;
}

/* The address list's checks of an IPv6 packet (p->n_ip6s). */
static int
check_ip6_sources(const struct port *p, const struct frame *f, unsigned off, int type,
                  const char **why)
{
    const uint8_t *h = f->head;

    if (!memcmp(h + IP6_SRC, any6, 16)) {
        return h[IP6_DST] == 0xff && (type == ICMP6_NS || type == ICMP6_MLD_REPORT
                                      || type == ICMP6_MLD2_REPORT)
               ? 0 : drop(why, "IPv6 source :: outside DAD and MLD", DROP_SPOOF_IP);
    }
    if (!ip6_allowed(p, h + IP6_SRC)) {
        return drop(why, "IPv6 source not in the port's ip list", DROP_SPOOF_IP);
    }
    if (type == ICMP6_NA) {
        if (f->head_len < off + ND_TARGET + 16) {
            return drop(why, "Neighbor Advertisement cut short", DROP_BAD_FRAME);
        }
        if (!ip6_allowed(p, h + off + ND_TARGET)) {
            return drop(why, "Neighbor Advertisement target not in the port's ip list",
                        DROP_SPOOF_IP);
        }
    }
    return 0;
}

static int
check_ip6(const struct port *p, const struct frame *f, const char **why)
{
    const uint8_t *h = f->head;
    unsigned off;
    int proto, type = -1, r;

    if (f->head_len < ETH_HLEN_ + IP6_HLEN || h[ETH_HLEN_] >> 4 != 6) {
        /* No host takes it for IPv6 (and a frame shorter than the fixed
         * header is all in the head): only a source list needs it gone. */
        return p->n_ip6s ? drop(why, "bad IPv6 header", DROP_BAD_FRAME) : 0;
    }
    if ((proto = ip6_upper(f, &off)) < 0) {
        return drop(why, "IPv6 header chain past the head", DROP_BAD_FRAME);
    }
    if (proto == IP6_NH_ICMP6) {
        if (f->head_len < off + 1) {
            return drop(why, "ICMPv6 type past the head", DROP_BAD_FRAME);
        }
        type = h[off];
    }
    if (p->n_ip6s && (r = check_ip6_sources(p, f, off, type, why))) {
        return r;
    }
    if (type == ICMP6_RA && antispoof_guard_on(p, p->ra_guard)) {
        return drop(why, "IPv6 Router Advertisement", DROP_RA_GUARD);
    }
    if (proto == IP6_NH_UDP && antispoof_guard_on(p, p->dhcp_guard)) {
        if (f->head_len < off + 2) {
            return drop(why, "UDP header past the head", DROP_BAD_FRAME);
        }
        if (be16(h + off) == DHCP6_SERVER_PORT) {
            return drop(why, "DHCPv6 server message (UDP source port 547)",
                        DROP_DHCP_GUARD);
        }
    }
    if (p->mac_locked && (type == ICMP6_RS || type == ICMP6_RA || type == ICMP6_NS
                          || type == ICMP6_NA)) {
        return check_nd_opts(p, f, off, type, why);
    }
    return 0;
}

int
antispoof_check(const struct port *p, const struct frame *f, const char **why)
{
    switch (frame_ethertype(f)) {
    case ETH_TYPE_IPV4:
        return p->n_ips || antispoof_guard_on(p, p->dhcp_guard) ? check_ip4(p, f, why) : 0;
    case ETH_TYPE_ARP:
        return p->n_ips || p->mac_locked ? check_arp(p, f, why) : 0;
    case ETH_TYPE_IPV6:
        return p->n_ip6s || p->mac_locked || antispoof_guard_on(p, p->ra_guard)
               || antispoof_guard_on(p, p->dhcp_guard) ? check_ip6(p, f, why) : 0;
    case ETH_TYPE_VLAN:
    case ETH_TYPE_QINQ:
        return antispoof_active(p) ? drop(why, "stacked VLAN tag", DROP_SPOOF_IP) : 0;
    default:
        return 0;
    }
}
