/* antispoof: port security of a port -- source address checks (the
 * xenstore key `ip`, vif-attach ips=), link-layer address checks (a port
 * whose source MAC is locked) and the RA / DHCP-server guards.
 *
 * Address lists, per family: a family is checked only if the port lists
 * addresses of it (port->n_ips for IPv4, port->n_ip6s for IPv6), so an
 * IPv4-only list leaves IPv6 (SLAAC) alone and the other way round.
 *
 *   IPv4  the source must be listed, or 0.0.0.0 for a DHCP client's
 *         request (UDP 68 -> 67, not a later fragment), as Xen's
 *         vif-common.sh allows.
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
 *
 * Link-layer addresses (port->mac_locked, i.e. forged-transmits or
 * mac-changes = reject; the Ethernet source is p->mac already): the
 * addresses a guest announces inside a packet, which its neighbours put
 * in their caches, must be p->mac too -- DROP_SPOOF_MAC otherwise:
 *   ARP   the sender hardware address (and the hardware must be Ethernet:
 *         type 1, length 6, else a bad frame);
 *   NDP   the source link-layer address option of a Router / Neighbor
 *         Solicitation and of a Router Advertisement, the target
 *         link-layer address option of a Neighbor Advertisement.  The
 *         options of an RS, NS or NA must end inside the head (they are
 *         short: else a bad frame); those of an RA (long, and sent only by
 *         a port allowed to) are checked as far as the head goes.  An
 *         option of length 0 is a bad frame (RFC 4861 4.6).
 *
 * Guards (port->ra_guard, port->dhcp_guard; enum port_guard: ON, OFF, or
 * AUTO = on while the port is mac_locked or has an address list -- a
 * guest behind port security is a host, not a router or a server, as in
 * OpenStack port security and Cisco's RA guard / DHCP snooping):
 *   RA    ICMPv6 type 134 (RFC 6105): DROP_RA_GUARD.
 *   DHCP  UDP from source port 67 over IPv4 (a server's or relay's
 *         message; clients send from 68) or 547 over IPv6 (DHCPv6 servers
 *         and relays; clients use 546): DROP_DHCP_GUARD.
 *
 * IPv6 upper layers are found past hop-by-hop, routing and destination
 * options headers (at most ANTISPOOF_IP6_EXT_MAX) and the fragment header
 * of a first fragment, so they cannot hide an advertisement or a DHCPv6
 * reply; a later fragment has no upper-layer header (hosts drop
 * fragmented NDP, RFC 6980).  While anything IPv6 is checked (a list, a
 * MAC lock, a guard), a frame whose header chain does not end inside the
 * head is a bad frame.  Stacked 802.1Q/802.1ad tags (an inner tag after
 * the one the port took off) hide the L3 header: dropped (DROP_SPOOF_IP)
 * while anything is checked.  Everything else passes.
 *
 * Every parse is bounded by the frame's head (head_len >= MIN(len,
 * FRAME_HEAD_MIN), frame.h), which also bounds the NDP option walk (every
 * option is at least 8 bytes). */
#ifndef XVS_ANTISPOOF_H
#define XVS_ANTISPOOF_H 1

#include <stdbool.h>

#include "switch/frame.h"
#include "switch/port.h"

#define ANTISPOOF_IP6_EXT_MAX 8     /* IPv6 extension headers walked */

/* Whether guard `g` (p->ra_guard or p->dhcp_guard) is on for p. */
static inline bool
antispoof_guard_on(const struct port *p, enum port_guard g)
{
    return g == PORT_GUARD_ON
           || (g == PORT_GUARD_AUTO && (p->mac_locked || p->n_ips || p->n_ip6s));
}

/* Whether antispoof_check() has anything to check on p. */
static inline bool
antispoof_active(const struct port *p)
{
    return p->n_ips || p->n_ip6s || p->mac_locked || p->ra_guard == PORT_GUARD_ON
           || p->dhcp_guard == PORT_GUARD_ON;
}

/* 0 if `f`, received on `p`, passes p's port security; else the drop
 * reason (DROP_SPOOF_IP, DROP_SPOOF_MAC, DROP_RA_GUARD, DROP_DHCP_GUARD
 * or DROP_BAD_FRAME) and, if why != NULL, *why = a short static text
 * saying what was wrong, for the log.  f->head_len >= ETH_HLEN_. */
int antispoof_check(const struct port *p, const struct frame *f, const char **why);

#endif
