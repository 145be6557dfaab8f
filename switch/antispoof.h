/* antispoof: source address checks of a port with an allowed-address list
 * (the xenstore key `ip`, vif-attach ips=).
 *
 * Policy, per address family: a family is checked only if the port lists
 * addresses of it (port->n_ips for IPv4, port->n_ip6s for IPv6), so an
 * IPv4-only list leaves IPv6 (SLAAC) alone and the other way round.
 *
 *   IPv4  the source must be listed, or 0.0.0.0 for a DHCP client's
 *         request (UDP 68 -> 67), as Xen's vif-common.sh allows.
 *   ARP   (with IPv4 checked) the sender protocol address must be listed,
 *         or 0.0.0.0 (RFC 5227 probes).
 *   IPv6  the source must be listed, or link-local (fe80::/10: the guest
 *         needs one for NDP and SLAAC before any listed address is
 *         usable), or :: for a multicast Neighbor Solicitation (DAD, RFC
 *         4862) or MLD report (RFC 3590: sent while the link-local address
 *         is tentative).  A Neighbor Advertisement's target must be listed
 *         or link-local too (the analogue of the ARP sender check: it
 *         would take over another host's address in its neighbours'
 *         caches).  "Link-local" is any fe80::/10 address while the list
 *         names none; if it names some, only those: then the guest cannot
 *         claim another host's link-local address, its router's included
 *         (guests' link-local addresses are not always EUI-64, RFC 7217,
 *         so only the administrator can name them).
 *         ICMPv6 is found past hop-by-hop, routing and destination options
 *         headers (at most ANTISPOOF_IP6_EXT_MAX), so they cannot hide an
 *         advertisement; fragments are not followed (hosts drop fragmented
 *         NDP, RFC 6980).
 *   stacked 802.1Q/802.1ad tags (an inner tag after the one the port took
 *         off) hide the L3 header: dropped while any family is checked.
 *   Everything else passes.
 *
 * Every parse is bounded by the frame's head (head_len >= MIN(len,
 * FRAME_HEAD_MIN), frame.h); a frame too short to check, or whose IPv6
 * header chain does not end inside the head, is a bad frame. */
#ifndef XVS_ANTISPOOF_H
#define XVS_ANTISPOOF_H 1

#include <stdbool.h>

#include "switch/frame.h"
#include "switch/port.h"

#define ANTISPOOF_IP6_EXT_MAX 8     /* IPv6 extension headers walked */

static inline bool
antispoof_active(const struct port *p)
{
    return p->n_ips || p->n_ip6s;
}

/* 0 if `f`, received on `p`, passes p's address lists; else the drop
 * reason (DROP_SPOOF_IP or DROP_BAD_FRAME).  f->head_len >= ETH_HLEN_. */
int antispoof_check(const struct port *p, const struct frame *f);

#endif
