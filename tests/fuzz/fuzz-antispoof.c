/* fuzz-antispoof: libFuzzer target for the port-security checks of a port
 * (switch/antispoof.c): guest-controlled ARP, IPv4/UDP, IPv6 extension
 * header chains and fragments, NDP options, RA and DHCP guards.
 *
 * Input (FUZZ_HDR bytes, then the frame):
 *   [0] policy: bit 0 mac_locked, bits 1-2 ra_guard, bits 3-4 dhcp_guard
 *       (0 AUTO, 1 ON, 2 OFF, 3 AUTO)
 *   [1] which of the 8 IPv4 addresses of addr4[] the port lists
 *   [2] which of the 8 IPv6 addresses of addr6[] the port lists (3 of them
 *       link-local)
 *   [3] kind of a legal frame (low nibble) and how to forge it (bits 4-5),
 *   [4] its parameters (addresses picked, extension headers, options)
 *   [5] where the fuzzed frame's head ends, [6] the legal frame's
 *   rest: the fuzzed frame, as the guest sent it (untagged).
 * The frame is laid out as a port hands it to the bridge (switch/frame.h):
 * head_len >= MIN(len, FRAME_HEAD_MIN), <= FRAME_HEAD_MAX, the rest in up
 * to three local fragments; the head is a buffer of exactly head_len
 * bytes, so ASan catches a read past it.
 *
 * Checks (abort() on failure), for the fuzzed frame:
 *   - the result is 0 or one of the five reasons of antispoof.h; a drop
 *     sets *why to a non-empty text; the same result without `why`, and
 *     on a second call (no state); the frame is not written;
 *   - nothing is dropped on a port with nothing to check
 *     (!antispoof_active), a MAC drop needs mac_locked, a guard drop needs
 *     the guard on;
 *   - a laxer policy never drops what a stricter one passes (guards off,
 *     MAC lock off); a family without a list, lock or guard is not checked.
 * And for a legal frame built from bytes [3] [4] (an address the port
 * may use, the port's MAC in ARP and NDP, DHCP and RA only where the
 * guards allow, extension headers and filler from the input): it passes;
 * the same frame forged (another source or NA target, another MAC in ARP
 * or NDP, a server's message) gets exactly the verdict the policy gives
 * it (enum forge), the invariants above included.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "switch/antispoof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_HDR 7
#define LEGAL_MAX 512               /* bytes of a legal frame */

static const uint8_t port_mac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x0a };
static const char *const addr4_text[8] = {
    "10.0.0.1", "10.0.0.2", "10.0.0.3", "192.168.1.10",
    "192.168.1.11", "172.16.0.5", "198.51.100.7", "203.0.113.9",
};
static const char *const addr6_text[8] = {
    "2001:db8::1", "2001:db8::2", "2001:db8:1::10", "fd00::5",
    "fe80::216:3eff:fe00:a", "fe80::1", "2001:db8::dead", "febf::2",
};
static uint32_t addr4[8];
static uint8_t addr6[8][16];

static void
fail_if(bool bad)
{
    if (bad) {
        abort();
    }
}

static void
init_tables(void)
{
    static bool done;

    if (done) {
        return;
    }
    for (int i = 0; i < 8; i++) {
        fail_if(inet_pton(AF_INET, addr4_text[i], &addr4[i]) != 1);
        fail_if(inet_pton(AF_INET6, addr6_text[i], addr6[i]) != 1);
    }
    done = true;
}

static enum port_guard
guard_of(unsigned bits)
{
    return bits == 1 ? PORT_GUARD_ON : bits == 2 ? PORT_GUARD_OFF : PORT_GUARD_AUTO;
}

static void
policy_init(struct port *p, const uint8_t *in)
{
    memset(p, 0, sizeof *p);
    memcpy(p->mac, port_mac, 6);
    p->mac_locked = in[0] & 1;
    p->ra_guard = guard_of(in[0] >> 1 & 3);
    p->dhcp_guard = guard_of(in[0] >> 3 & 3);
    for (int i = 0; i < 8; i++) {
        if (in[1] >> i & 1) {
            p->ips[p->n_ips++] = addr4[i];
        }
        if (in[2] >> i & 1) {
            memcpy(p->ip6s[p->n_ip6s++], addr6[i], 16);
        }
    }
}

/* A frame of len bytes from buf as a port would give it: head_len picked
 * by `split` in its legal range, the rest in up to three fragments.  The
 * head and the tail are copies the caller frees (f->head, *tail). */
static void
frame_make(struct frame *f, const uint8_t *buf, uint32_t len, uint8_t split,
           uint8_t **tail)
{
    uint32_t lo = len < FRAME_HEAD_MIN ? len : FRAME_HEAD_MIN;
    uint32_t hi = len < FRAME_HEAD_MAX ? len : FRAME_HEAD_MAX;
    uint32_t rest, at = 0;

    memset(f, 0, sizeof *f);
    if (lo < ETH_HLEN_) {
        lo = ETH_HLEN_;
    }
    f->head_len = (uint16_t) (lo + split % (hi - lo + 1));
    f->len = len;
    f->head = malloc(f->head_len);
    fail_if(!f->head);
    memcpy(f->head, buf, f->head_len);
    rest = len - f->head_len;
    *tail = rest ? malloc(rest) : NULL;
    fail_if(rest && !*tail);
    if (rest) {
        memcpy(*tail, buf + f->head_len, rest);
    }
    /* fragments: a third, a third, the rest (fewer if short) */
    while (at < rest && f->nfrags < 3) {
        uint32_t n = f->nfrags == 2 ? rest - at : (rest - at + 2) / 3;

        f->frags[f->nfrags].kind = FRAME_FRAG_LOCAL;
        f->frags[f->nfrags].len = (uint16_t) n;
        f->frags[f->nfrags].u.ptr = *tail + at;
        f->nfrags++;
        at += n;
    }
}

static bool
is_reason(int r)
{
    return r == DROP_SPOOF_IP || r == DROP_SPOOF_MAC || r == DROP_RA_GUARD
           || r == DROP_DHCP_GUARD || r == DROP_BAD_FRAME;
}

/* The checks every result must pass; returns the result. */
static int
check_one(const struct port *p, const struct frame *f)
{
    const char *why = NULL, *why2 = NULL;
    uint8_t *copy = malloc(f->head_len);
    int r, r2;

    fail_if(!copy);
    memcpy(copy, f->head, f->head_len);
    r = antispoof_check(p, f, &why);
    fail_if(r != 0 && !is_reason(r));
    fail_if(r != 0 && (!why || !why[0]));
    fail_if(antispoof_check(p, f, NULL) != r);
    r2 = antispoof_check(p, f, &why2);
    fail_if(r2 != r || (r && why2 != why));
    fail_if(memcmp(copy, f->head, f->head_len) != 0);
    free(copy);

    fail_if(r && !antispoof_active(p));
    fail_if(r == DROP_SPOOF_MAC && !p->mac_locked);
    fail_if(r == DROP_RA_GUARD && !antispoof_guard_on(p, p->ra_guard));
    fail_if(r == DROP_DHCP_GUARD && !antispoof_guard_on(p, p->dhcp_guard));
    return r;
}

/* Laxer policies pass what a stricter one passes; unlisted families of a
 * port without lock or guards are not looked at. */
static void
check_laxer(const struct port *p, const struct frame *f, int r)
{
    struct port lax = *p;
    uint16_t type = frame_ethertype(f);

    if (r == 0) {
        lax.ra_guard = lax.dhcp_guard = PORT_GUARD_OFF;
        fail_if(check_one(&lax, f) != 0);
        lax = *p;
        lax.mac_locked = false;
        /* AUTO guards may go off with the lock: still laxer */
        fail_if(check_one(&lax, f) != 0);
    }
    lax = *p;
    lax.mac_locked = false;
    lax.ra_guard = lax.dhcp_guard = PORT_GUARD_OFF;
    if (type == 0x86dd || type == 0x0800 || type == 0x0806) {
        if (type == 0x86dd) {
            lax.n_ip6s = 0;
        } else {
            lax.n_ips = 0;
        }
        fail_if(check_one(&lax, f) != 0);
    }
}

/* ---- legal frames ---- */

struct builder {
    uint8_t b[LEGAL_MAX];
    uint32_t len;
    const uint8_t *fill;            /* filler bytes from the input */
    size_t n_fill, at_fill;
    const uint8_t *lla;             /* MAC of the SLLA/TLLA option checked */
};

static uint8_t
fill_byte(struct builder *bd)
{
    return bd->n_fill ? bd->fill[bd->at_fill++ % bd->n_fill] : 0;
}

static void
put(struct builder *bd, const void *p, uint32_t n)
{
    fail_if(bd->len + n > LEGAL_MAX);
    memcpy(bd->b + bd->len, p, n);
    bd->len += n;
}

static void
put8(struct builder *bd, uint8_t v)
{
    put(bd, &v, 1);
}

static void
put16(struct builder *bd, unsigned v)
{
    put8(bd, (uint8_t) (v >> 8));
    put8(bd, (uint8_t) v);
}

static void
put_fill(struct builder *bd, uint32_t n)
{
    while (n--) {
        put8(bd, fill_byte(bd));
    }
}

static void
put_eth(struct builder *bd, unsigned type)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    put(bd, bcast, 6);
    put(bd, port_mac, 6);
    put16(bd, type);
}

/* An IPv4 source the port may use. */
static const uint8_t *
legal4(const struct port *p, unsigned pick)
{
    return (const uint8_t *) (p->n_ips ? &p->ips[pick % p->n_ips] : &addr4[pick % 8]);
}

/* An IPv6 source the port may use: listed, or a link-local one of its own
 * while the list names none (fe80::xx from the input), or anything when
 * IPv6 is not listed. */
static bool
ll_listed(const struct port *p)
{
    for (unsigned i = 0; i < p->n_ip6s; i++) {
        if (p->ip6s[i][0] == 0xfe && (p->ip6s[i][1] & 0xc0) == 0x80) {
            return true;
        }
    }
    return false;
}

static void
legal6(const struct port *p, unsigned pick, uint8_t out[16])
{
    if (!p->n_ip6s) {
        memcpy(out, addr6[pick % 8], 16);
    } else if (!ll_listed(p) && pick & 0x80) {
        memset(out, 0, 16);
        out[0] = 0xfe;
        out[1] = 0x80;
        out[15] = (uint8_t) pick;
    } else {
        memcpy(out, p->ip6s[pick % p->n_ip6s], 16);
    }
}

static void
put_ip4(struct builder *bd, const uint8_t *src, uint8_t proto, unsigned opt_words,
        unsigned l4_len, bool later_fragment)
{
    static const uint8_t dst[4] = { 10, 0, 0, 254 };
    unsigned ihl = 5 + opt_words;

    put8(bd, (uint8_t) (0x40 | ihl));
    put8(bd, 0);
    put16(bd, ihl * 4 + l4_len);
    put16(bd, 0x1234);
    put16(bd, later_fragment ? 0x2000 | 0x00b9 : 0x4000);   /* MF + off, or DF */
    put8(bd, 64);
    put8(bd, proto);
    put16(bd, 0);
    put(bd, src, 4);
    put(bd, dst, 4);
    for (unsigned i = 0; i < opt_words; i++) {
        put(bd, (const uint8_t[]) { 1, 1, 1, 1 }, 4);      /* NOPs */
    }
}

static void
put_udp(struct builder *bd, unsigned sport, unsigned dport, unsigned payload)
{
    put16(bd, sport);
    put16(bd, dport);
    put16(bd, 8 + payload);
    put16(bd, 0);
    put_fill(bd, payload);
}

/* IPv6 fixed header (payload length patched by ip6_done) and the
 * extension headers of `ext` (bits: hop-by-hop, destination options,
 * routing, first fragment; an options or routing header is 16 bytes if
 * its bit in `wide` is set, else 8); returns the offset of the payload
 * length field. */
static uint32_t
put_ip6(struct builder *bd, const uint8_t src[16], const uint8_t dst[16],
        unsigned ext, unsigned wide, uint8_t upper)
{
    uint8_t chain[5];
    unsigned n = 0;
    uint32_t plen_at;

    if (ext & 1) {
        chain[n++] = 0;             /* hop-by-hop */
    }
    if (ext & 2) {
        chain[n++] = 60;            /* destination options */
    }
    if (ext & 4) {
        chain[n++] = 43;            /* routing (type 0, segments left 0) */
    }
    if (ext & 8) {
        chain[n++] = 44;            /* fragment, offset 0 */
    }
    chain[n] = upper;
    put8(bd, 0x60);
    put8(bd, 0);
    put16(bd, 0);
    plen_at = bd->len;
    put16(bd, 0);
    put8(bd, chain[0]);
    put8(bd, 255);
    put(bd, src, 16);
    put(bd, dst, 16);
    for (unsigned i = 0; i < n; i++) {
        if (chain[i] == 44) {
            put8(bd, chain[i + 1]);
            put8(bd, 0);
            put16(bd, 0x0001);      /* offset 0, more fragments */
            put(bd, (const uint8_t[]) { 0, 0, 0x12, 0x34 }, 4);
        } else {
            unsigned units = wide >> i & 1;    /* 8 or 16 bytes */

            put8(bd, chain[i + 1]);
            put8(bd, (uint8_t) units);
            put(bd, (const uint8_t[]) { 1, 4, 0, 0, 0, 0 }, 6);  /* PadN */
            if (units) {
                put(bd, (const uint8_t[]) { 1, 6, 0, 0, 0, 0, 0, 0 }, 8);
            }
        }
    }
    return plen_at;
}

static void
ip6_done(struct builder *bd, uint32_t plen_at)
{
    unsigned plen = bd->len - (plen_at + 36);

    bd->b[plen_at] = (uint8_t) (plen >> 8);
    bd->b[plen_at + 1] = (uint8_t) plen;
}

/* An NDP option of `type`: a link-layer address option carries `mac`;
 * other types: filler. */
static void
put_nd_opt(struct builder *bd, uint8_t type, unsigned units, const uint8_t *mac)
{
    put8(bd, type);
    put8(bd, (uint8_t) units);
    if (type == 1 || type == 2) {
        put(bd, mac, 6);
        put_fill(bd, units * 8 - 8);
    } else {
        put_fill(bd, units * 8 - 2);
    }
}

/* Options after an NDP message: `mine` (SLLA or TLLA) with bd->lla
 * somewhere among a few others (nonce, MTU, the other link-layer type,
 * which this message does not check, and for an RA prefix information).
 * Options of an RS, NS or NA must end inside the head (antispoof.h):
 * theirs are 8 bytes each. */
static void
put_nd_opts(struct builder *bd, uint8_t mine, unsigned sel, bool ra)
{
    static const uint8_t other[4] = { 14, 5, 3, 0 };
    unsigned n = sel & 3;

    for (unsigned i = 0; i <= n; i++) {
        if (i == (sel >> 2 & 3) % (n + 1)) {
            put_nd_opt(bd, mine, 1, bd->lla);
        } else {
            uint8_t t = other[(sel >> (4 + i)) & 3];

            if (t == 0) {
                t = mine == 1 ? 2 : 1;
            } else if (t == 3 && !ra) {
                t = 14;
            }
            put_nd_opt(bd, t, t == 3 ? 4 : 1, port_mac);
        }
    }
}

enum legal_kind {
    LEGAL_IP4, LEGAL_DHCP4_CLIENT, LEGAL_ARP, LEGAL_IP6, LEGAL_NS, LEGAL_DAD,
    LEGAL_NA, LEGAL_RS, LEGAL_RA, LEGAL_MLD, LEGAL_DHCP6_CLIENT, LEGAL_N
};

/* What build() makes of the legal frame: nothing, or a source the port
 * may not use (an unlisted IPv4 / IPv6 address: dropped if the family is
 * listed), another MAC in ARP's sender or the checked NDP link-layer
 * option (dropped if mac_locked), a server's message (a DHCP client
 * becomes a server, an RS an RA: dropped if the guard is on). */
enum forge { FORGE_NONE, FORGE_SRC, FORGE_MAC, FORGE_SERVER };

/* Builds the frame of `kind`, `prm`, forged by `forge`, into bd; returns
 * the verdict antispoof_check() must give it (0: passes). */
static int
build(struct builder *bd, const struct port *p, unsigned kind, uint8_t prm,
      enum forge forge)
{
    static const uint8_t other_mac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0xbb };
    static const uint8_t bad4[4] = { 10, 9, 9, 9 };
    static const uint8_t unlisted6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad, [15] = 1 };
    static const uint8_t unlisted_ll[16] = { 0xfe, 0x80, [14] = 0x0b, [15] = 0xad };
    static const uint8_t site_local[16] = { 0xfe, 0xc0, [15] = 5 };    /* not fe80::/10 */
    /* a link-local address is the port's unless the list names others */
    const uint8_t *bad6 = prm & 2 ? unlisted_ll : prm & 4 ? site_local : unlisted6;
    bool bad6_ok = prm & 2 && !ll_listed(p);
    static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
    static const uint8_t all_routers[16] = { 0xff, 0x02, [15] = 2 };
    static const uint8_t mld_routers[16] = { 0xff, 0x02, [15] = 0x16 };
    static const uint8_t dhcp6_servers[16] = { 0xff, 0x02, [13] = 1, [15] = 2 };
    static const uint8_t any[16];
    uint8_t src[16], dst[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
    bool ra_guard = antispoof_guard_on(p, p->ra_guard);
    bool dhcp_guard = antispoof_guard_on(p, p->dhcp_guard);
    bool ra = kind == LEGAL_RA && !ra_guard;
    unsigned ext = prm >> 4 & 0x0f;
    bool v6 = kind >= LEGAL_IP6;
    int verdict = 0;
    uint32_t at;

    bd->len = 0;
    bd->lla = port_mac;
    legal6(p, prm * 37u + kind, src);
    switch (forge) {
    case FORGE_NONE:
        break;
    case FORGE_SRC:                 /* (an NA: its source, or its target) */
        if (!(kind == LEGAL_NA && prm & 1)) {
            memcpy(src, bad6, 16);
        }
        verdict = (v6 ? p->n_ip6s && !bad6_ok : p->n_ips) ? DROP_SPOOF_IP : 0;
        break;
    case FORGE_MAC:
        bd->lla = other_mac;
        verdict = p->mac_locked && (kind == LEGAL_ARP || kind == LEGAL_NS || kind == LEGAL_NA
                                    || kind == LEGAL_RS || kind == LEGAL_RA)
                  ? DROP_SPOOF_MAC : 0;
        break;
    case FORGE_SERVER:
        if (kind == LEGAL_RS || kind == LEGAL_RA) {
            ra = true;
            verdict = ra_guard ? DROP_RA_GUARD : 0;
        } else if (kind == LEGAL_DHCP4_CLIENT || kind == LEGAL_DHCP6_CLIENT) {
            verdict = dhcp_guard ? DROP_DHCP_GUARD : 0;
        }
        break;
    }
    switch (kind) {
    case LEGAL_IP4: {
        bool udp = prm & 1, later = prm & 2;
        unsigned payload = fill_byte(bd) % 200;

        put_eth(bd, 0x0800);
        put_ip4(bd, forge == FORGE_SRC ? bad4 : legal4(p, prm >> 4), udp ? 17 : 6,
                prm >> 2 & 3, 8 + payload, later);
        if (udp) {
            /* a later fragment's bytes are not a UDP header: anything */
            put_udp(bd, later ? 67 : 40000 + fill_byte(bd), later ? 68 : 53, payload);
        } else {
            put_udp(bd, 67, 80, payload);   /* TCP: ports are no DHCP */
        }
        break;
    }
    case LEGAL_DHCP4_CLIENT:
        put_eth(bd, 0x0800);
        put_ip4(bd, forge == FORGE_SRC ? bad4
                    : prm & 1 && forge != FORGE_SERVER ? any : legal4(p, prm >> 1),
                17, 0, 8 + 240, false);
        if (forge == FORGE_SERVER) {
            put_udp(bd, 67, 68, 240);
        } else {
            put_udp(bd, 68, 67, 240);
        }
        break;
    case LEGAL_ARP:
        put_eth(bd, 0x0806);
        put16(bd, 1);
        put16(bd, 0x0800);
        put8(bd, 6);
        put8(bd, 4);
        put16(bd, prm & 1 ? 2 : 1);
        put(bd, bd->lla, 6);
        put(bd, forge == FORGE_SRC ? bad4 : prm & 2 ? any : legal4(p, prm >> 2),
            4);                     /* a probe: 0.0.0.0 */
        put_fill(bd, 6);
        put(bd, &addr4[prm >> 5 & 7], 4);
        put_fill(bd, 18);           /* padding to 60 */
        break;
    case LEGAL_IP6: {
        static const uint8_t uppers[4] = { 17, 6, 58, 59 };
        uint8_t upper = uppers[prm & 3];

        put_eth(bd, 0x86dd);
        at = put_ip6(bd, src, all_nodes, ext, prm, upper);
        if (upper == 17) {
            put_udp(bd, dhcp_guard ? 546 : 547, 547,
                    fill_byte(bd) % 100);
        } else if (upper == 58) {
            put8(bd, 128);          /* echo request */
            put_fill(bd, 7 + fill_byte(bd) % 100);
        } else {
            put_fill(bd, upper == 6 ? 20 : fill_byte(bd) % 100);
        }
        ip6_done(bd, at);
        break;
    }
    case LEGAL_NS:
    case LEGAL_DAD:
        put_eth(bd, 0x86dd);
        memcpy(dst + 13, addr6[prm & 7] + 13, 3);
        /* RS, NS, NA: options end inside FRAME_HEAD_MIN (one extension
         * header at most) */
        at = put_ip6(bd, kind == LEGAL_DAD && forge != FORGE_SRC ? any : src, dst, ext & 1,
                     prm, 58);
        put8(bd, 135);
        put_fill(bd, 7);
        put(bd, addr6[prm & 7], 16);    /* the target: not checked */
        if (kind == LEGAL_NS) {
            put_nd_opts(bd, 1, prm, false);
        }
        ip6_done(bd, at);
        break;
    case LEGAL_NA:
        put_eth(bd, 0x86dd);
        at = put_ip6(bd, src, all_nodes, ext & 1, prm, 58);
        put8(bd, 136);
        put_fill(bd, 7);
        legal6(p, prm, dst);        /* the target: one the port may use */
        if (forge == FORGE_SRC && prm & 1) {
            memcpy(dst, bad6, 16);  /* or someone else's */
        }
        put(bd, dst, 16);
        put_nd_opts(bd, 2, prm, false);
        ip6_done(bd, at);
        break;
    case LEGAL_RS:
    case LEGAL_RA:
        put_eth(bd, 0x86dd);
        /* a forged SLLA must be inside the head to be seen: no long
         * options before it */
        at = put_ip6(bd, src, all_routers, ra && forge != FORGE_MAC ? ext & 3 : ext & 1,
                     prm, 58);
        if (ra) {
            put8(bd, 134);
            put_fill(bd, 15);
            put_nd_opts(bd, 1, prm, forge != FORGE_MAC);
            for (unsigned i = 0; i < (prm & 7); i++) {      /* long: past the head */
                put_nd_opt(bd, 3, 4, port_mac);
            }
        } else {
            put8(bd, 133);
            put_fill(bd, 7);
            put_nd_opts(bd, 1, prm, false);
        }
        ip6_done(bd, at);
        break;
    case LEGAL_MLD:
        put_eth(bd, 0x86dd);
        at = put_ip6(bd, prm & 1 && forge != FORGE_SRC ? any : src, mld_routers, ext | 1,
                     prm, 58);
        put8(bd, prm & 2 ? 143 : 131);
        put_fill(bd, 27);
        ip6_done(bd, at);
        break;
    case LEGAL_DHCP6_CLIENT:
        put_eth(bd, 0x86dd);
        at = put_ip6(bd, src, dhcp6_servers, ext & 3, prm, 17);
        put_udp(bd, forge == FORGE_SERVER ? 547 : 546, forge == FORGE_SERVER ? 546 : 547,
                4 + fill_byte(bd) % 60);
        ip6_done(bd, at);
        break;
    }
    while (bd->len < 60) {
        put8(bd, 0);                /* Ethernet padding */
    }
    return verdict;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct builder bd;
    struct port p;
    struct frame f;
    uint8_t *tail;
    int r;

    if (size < FUZZ_HDR) {
        return 0;
    }
    init_tables();
    policy_init(&p, data);

    if (size - FUZZ_HDR >= ETH_HLEN_ && size - FUZZ_HDR <= FRAME_LEN_MAX) {
        frame_make(&f, data + FUZZ_HDR, (uint32_t) (size - FUZZ_HDR), data[5], &tail);
        r = check_one(&p, &f);
        check_laxer(&p, &f, r);
        free(f.head);
        free(tail);
    }

    /* the legal frame, then the same forged as byte [3] asks */
    for (int forged = 0; forged < 2; forged++) {
        enum forge forge = forged ? (enum forge) (data[3] >> 4 & 3) : FORGE_NONE;
        int want;

        memset(&bd, 0, sizeof bd);
        bd.fill = data + FUZZ_HDR;
        bd.n_fill = size - FUZZ_HDR;
        want = build(&bd, &p, (data[3] & 0x0f) % LEGAL_N, data[4], forge);
        fail_if(!forged && want != 0);
        frame_make(&f, bd.b, bd.len, data[6], &tail);
        r = check_one(&p, &f);
        fail_if(r != want);
        check_laxer(&p, &f, r);
        free(f.head);
        free(tail);
    }
    return 0;
}
