/* Anti-spoofing (switch/antispoof.c) through the bridge: a guest port `pg`
 * with address lists, a peer `pp` that records what got through, drops
 * counted on pg by reason. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "switch/antispoof.h"
#include "switch/bridge.h"
#include "tests/unit/test-switch-common.h"

#define BCAST "ff:ff:ff:ff:ff:ff"
#define MAC_G "00:16:3e:00:00:0a"
#define MAC_P "00:16:3e:00:00:0b"

#define L2 14                       /* IPv6 header offset */
#define L3 (L2 + 40)                /* after the fixed IPv6 header */
#define NH_HOP 0
#define NH_UDP 17
#define NH_DSTOPTS 60
#define NH_ICMP6 58

static uint64_t now = 5000;
static struct bridge *br;
static struct test_port pg, pp;
static int tag = -1;                /* TCI of the frames built, -1: untagged */

static void
set_lists(const char *const *v4, const char *const *v6)
{
    uint32_t a4[PORT_IPS_MAX];
    uint8_t a6[PORT_IP6S_MAX][16];
    unsigned n4 = 0, n6 = 0;

    for (; v4 && *v4; v4++) {
        CU_ASSERT_FATAL(inet_pton(AF_INET, *v4, &a4[n4++]) == 1);
    }
    for (; v6 && *v6; v6++) {
        CU_ASSERT_FATAL(inet_pton(AF_INET6, *v6, a6[n6++]) == 1);
    }
    CU_ASSERT_EQUAL_FATAL(port_set_ips(&pg.port, a4, n4,
                                       (const uint8_t (*)[16]) a6, n6), 0);
}

static void
setup(const char *const *v4, const char *const *v6)
{
    br = bridge_create("br0", NULL, test_clock, &now);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    test_port_init(&pg, "pg");
    test_port_init(&pp, "pp");
    CU_ASSERT_EQUAL(bridge_add_port(br, &pg.port), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, &pp.port), 0);
    set_lists(v4, v6);
}

/* An IPv6 frame of `len` bytes from the guest, next header nh, the rest
 * of the payload zero. */
static void
build_ip6(struct test_frame *tf, const char *src, const char *dst, uint8_t nh,
          uint32_t len)
{
    uint8_t *h;

    test_frame_build(tf, BCAST, MAC_G, 0x86dd, tag, 0, len);
    h = tf->f.head;
    memset(h + L2, 0, len - L2);
    h[L2] = 0x60;
    h[L2 + 4] = (uint8_t) ((len - L3) >> 8);
    h[L2 + 5] = (uint8_t) (len - L3);
    h[L2 + 6] = nh;
    h[L2 + 7] = 255;
    CU_ASSERT_FATAL(inet_pton(AF_INET6, src, h + L2 + 8) == 1);
    CU_ASSERT_FATAL(inet_pton(AF_INET6, dst, h + L2 + 24) == 1);
}

/* ICMPv6 of `type` at offset `at`; NS/NA target (8 bytes in) if given. */
static void
put_icmp6(struct test_frame *tf, unsigned at, uint8_t type, const char *target)
{
    tf->f.head[at] = type;
    if (target) {
        CU_ASSERT_FATAL(inet_pton(AF_INET6, target, tf->f.head + at + 8) == 1);
    }
}

/* A Neighbor Advertisement (with a target link-layer address option). */
static void
build_na(struct test_frame *tf, const char *src, const char *target)
{
    build_ip6(tf, src, "ff02::1", NH_ICMP6, L3 + 32);
    put_icmp6(tf, L3, 136, target);
}

static void
build_ip4(struct test_frame *tf, const char *src)
{
    uint8_t *h;

    test_frame_build(tf, BCAST, MAC_G, 0x0800, -1, 0, 60);
    h = tf->f.head;
    memset(h + L2, 0, 60 - L2);
    h[L2] = 0x45;
    h[L2 + 9] = 6;
    CU_ASSERT_FATAL(inet_pton(AF_INET, src, h + L2 + 12) == 1);
}

static void
build_arp(struct test_frame *tf, const char *spa)
{
    uint8_t *h;

    test_frame_build(tf, BCAST, MAC_G, 0x0806, -1, 0, 60);
    h = tf->f.head;
    memset(h + L2, 0, 60 - L2);
    h[15] = 1;                  /* Ethernet */
    h[16] = 0x08;               /* IPv4 */
    h[18] = 6;
    h[19] = 4;
    h[21] = 1;
    CU_ASSERT_FATAL(inet_pton(AF_INET, spa, h + 28) == 1);
}

/* Sends tf in on pg; true if pp got it.  Otherwise *why is the reason it
 * was counted under on pg (exactly one drop counter moved). */
static bool
passes(struct test_frame *tf, int *why)
{
    struct port_stats before = pg.port.stats;
    unsigned n = pp.n;

    *why = -1;
    test_send(br, &pg, tf);
    if (pp.n == n + 1) {
        return true;
    }
    for (int r = 0; r < DROP_N_REASONS; r++) {
        if (pg.port.stats.drops[r] == before.drops[r] + 1) {
            CU_ASSERT_EQUAL(*why, -1);
            *why = r;
        }
    }
    return false;
}

#define PASS(tf) do { int why_; CU_ASSERT(passes(tf, &why_)); } while (0)
#define DROP(tf, reason) do {                                   \
        int why_;                                               \
        CU_ASSERT_FALSE(passes(tf, &why_));                     \
        CU_ASSERT_EQUAL(why_, reason);                          \
    } while (0)

/* PASS or DROP as `want` says (PASSES or a drop reason), for the rows of
 * a table; `row` names the row when it fails. */
#define PASSES (-1)
static void
expect(struct test_frame *tf, int want, unsigned row)
{
    int why;
    bool passed = passes(tf, &why);

    if (passed != (want == PASSES) || (!passed && why != want)) {
        fprintf(stderr, "\n  row %u: want %d, got %d\n", row, want, passed ? PASSES : why);
    }
    if (want == PASSES) {
        CU_ASSERT(passed);
    } else {
        CU_ASSERT_FALSE(passed);
        CU_ASSERT_EQUAL(why, want);
    }
}

static const char *const v6list[] = { "2001:db8::5", "2001:db8:1::6", NULL };
static const char *const v4list[] = { "10.0.0.5", NULL };

static void
test_v6_sources(void)
{
    struct test_frame tf;

    static const struct {
        const char *src, *dst;
        uint8_t nh, icmp6_type;     /* ICMPv6 type if nh is ICMPv6 */
        uint32_t len;
        int want;
    } rows[] = {
        { "2001:db8::5", "2001:db8::1", NH_UDP, 0, 100, PASSES },
        { "2001:db8:1::6", "2001:db8::1", NH_UDP, 0, 100, PASSES },
        { "2001:db8::7", "2001:db8::1", NH_UDP, 0, 100, DROP_SPOOF_IP },
        /* link-local is fe80::/10: febf:: is in, fec0:: (site-local) not */
        { "fe80::216:3eff:fe00:a", "ff02::2", NH_ICMP6, 133 /* RS */, 70, PASSES },
        { "febf::1", "ff02::1", NH_UDP, 0, 70, PASSES },
        { "fec0::5", "ff02::1", NH_UDP, 0, 70, DROP_SPOOF_IP },
        /* Other guests' addresses and multicast are not sources. */
        { "ff02::1", "2001:db8::1", NH_UDP, 0, 70, DROP_SPOOF_IP },
        { "::1", "2001:db8::1", NH_UDP, 0, 70, DROP_SPOOF_IP },
    };

    setup(NULL, v6list);
    for (unsigned i = 0; i < ARRAY_SIZE(rows); i++) {
        build_ip6(&tf, rows[i].src, rows[i].dst, rows[i].nh, rows[i].len);
        if (rows[i].nh == NH_ICMP6) {
            put_icmp6(&tf, L3, rows[i].icmp6_type, NULL);
        }
        expect(&tf, rows[i].want, i);
    }
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_SPOOF_IP], 4);
    CU_ASSERT_EQUAL(pg.port.stats.rx_packets, 4);
    bridge_destroy(br);
}

static void
test_v6_unspecified(void)
{
    struct test_frame tf;

    setup(NULL, v6list);
    /* DAD: NS from :: to the solicited-node group */
    build_ip6(&tf, "::", "ff02::1:ff00:5", NH_ICMP6, L3 + 24);
    put_icmp6(&tf, L3, 135, "2001:db8::5");
    PASS(&tf);
    /* ... but not unicast, and nothing else from :: */
    build_ip6(&tf, "::", "2001:db8::1", NH_ICMP6, L3 + 24);
    put_icmp6(&tf, L3, 135, "2001:db8::5");
    DROP(&tf, DROP_SPOOF_IP);
    build_ip6(&tf, "::", "ff02::1", NH_UDP, 80);
    DROP(&tf, DROP_SPOOF_IP);
    build_ip6(&tf, "::", "ff02::1", NH_ICMP6, L3 + 32);
    put_icmp6(&tf, L3, 136, "fe80::1");
    DROP(&tf, DROP_SPOOF_IP);
    /* MLDv2 report from :: behind a hop-by-hop header (RFC 3590) */
    build_ip6(&tf, "::", "ff02::16", NH_HOP, L3 + 8 + 28);
    tf.f.head[L3] = NH_ICMP6;           /* hop-by-hop: next, len 0 */
    put_icmp6(&tf, L3 + 8, 143, NULL);
    PASS(&tf);
    /* ICMPv6 with its type cut off: cannot be checked */
    build_ip6(&tf, "::", "ff02::1:ff00:5", NH_ICMP6, L3);
    DROP(&tf, DROP_BAD_FRAME);
    bridge_destroy(br);
}

static void
test_na_target(void)
{
    struct test_frame tf;

    setup(NULL, v6list);
    build_na(&tf, "fe80::1", "2001:db8::5");
    PASS(&tf);
    build_na(&tf, "2001:db8::5", "fe80::1");
    PASS(&tf);
    /* a listed or link-local source advertising someone else's address */
    build_na(&tf, "fe80::1", "2001:db8::99");
    DROP(&tf, DROP_SPOOF_IP);
    build_na(&tf, "2001:db8::5", "2001:db8::99");
    DROP(&tf, DROP_SPOOF_IP);
    /* hidden behind a destination options header: still found */
    build_ip6(&tf, "fe80::1", "ff02::1", NH_DSTOPTS, L3 + 8 + 32);
    tf.f.head[L3] = NH_ICMP6;
    put_icmp6(&tf, L3 + 8, 136, "2001:db8::99");
    DROP(&tf, DROP_SPOOF_IP);
    /* a Neighbor Solicitation's target is not checked (it asks) */
    build_ip6(&tf, "fe80::1", "ff02::1:ff00:99", NH_ICMP6, L3 + 24);
    put_icmp6(&tf, L3, 135, "2001:db8::99");
    PASS(&tf);
    /* an NA whose target is cut off */
    build_na(&tf, "fe80::1", "2001:db8::5");
    tf.f.len = tf.f.head_len = L3 + 8 + 15;
    DROP(&tf, DROP_BAD_FRAME);
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_SPOOF_IP], 3);
    bridge_destroy(br);
}

/* A list that names link-local addresses allows no other: the guest
 * cannot claim its router's fe80::1. */
static void
test_link_local_pinned(void)
{
    static const char *const pinned[] = { "2001:db8::5", "fe80::216:3eff:fe00:a", NULL };
    struct test_frame tf;

    setup(NULL, pinned);
    build_ip6(&tf, "fe80::216:3eff:fe00:a", "ff02::2", NH_ICMP6, 70);
    put_icmp6(&tf, L3, 133, NULL);
    PASS(&tf);
    build_ip6(&tf, "fe80::1", "ff02::1", NH_UDP, 70);
    DROP(&tf, DROP_SPOOF_IP);
    build_na(&tf, "fe80::216:3eff:fe00:a", "fe80::1");
    DROP(&tf, DROP_SPOOF_IP);
    build_na(&tf, "fe80::216:3eff:fe00:a", "fe80::216:3eff:fe00:a");
    PASS(&tf);
    build_na(&tf, "2001:db8::5", "2001:db8::5");
    PASS(&tf);
    build_ip6(&tf, "::", "ff02::1:ff00:a", NH_ICMP6, L3 + 24);
    put_icmp6(&tf, L3, 135, "fe80::216:3eff:fe00:a");
    PASS(&tf);
    /* without a link-local address in the list, fe80::1 is allowed */
    set_lists(NULL, v6list);
    build_na(&tf, "fe80::216:3eff:fe00:a", "fe80::1");
    PASS(&tf);
    bridge_destroy(br);
}

static void
test_v6_truncated(void)
{
    struct test_frame tf;

    setup(NULL, v6list);
    /* fixed header cut short */
    build_ip6(&tf, "2001:db8::5", "2001:db8::1", NH_UDP, 80);
    tf.f.len = tf.f.head_len = L3 - 1;
    DROP(&tf, DROP_BAD_FRAME);
    /* ethertype IPv6, version 4 */
    build_ip6(&tf, "2001:db8::5", "2001:db8::1", NH_UDP, 80);
    tf.f.head[L2] = 0x45;
    DROP(&tf, DROP_BAD_FRAME);
    /* an extension header chain that puts ICMPv6 past the head */
    build_ip6(&tf, "2001:db8::5", "2001:db8::1", NH_DSTOPTS, 80);
    tf.f.head[L3] = NH_ICMP6;
    tf.f.head[L3 + 1] = 10;             /* 88 bytes */
    DROP(&tf, DROP_BAD_FRAME);
    /* UDP there: a DHCPv6 server's reply could hide past the head */
    tf.f.head[L3] = NH_UDP;
    DROP(&tf, DROP_BAD_FRAME);
    pg.port.dhcp_guard = PORT_GUARD_OFF;    /* nothing to check there: passes */
    PASS(&tf);
    pg.port.dhcp_guard = PORT_GUARD_AUTO;
    /* an extension header whose own first two bytes are cut */
    build_ip6(&tf, "2001:db8::5", "2001:db8::1", NH_DSTOPTS, L3 + 1);
    DROP(&tf, DROP_BAD_FRAME);
    /* ANTISPOOF_IP6_EXT_MAX headers are walked, one more is not */
    build_ip6(&tf, "2001:db8::5", "2001:db8::1", NH_DSTOPTS,
              L3 + 8 * ANTISPOOF_IP6_EXT_MAX + 8);
    for (unsigned i = 0; i < ANTISPOOF_IP6_EXT_MAX; i++) {
        tf.f.head[L3 + 8 * i] = i + 1 < ANTISPOOF_IP6_EXT_MAX ? NH_DSTOPTS : NH_UDP;
    }
    PASS(&tf);
    tf.f.head[L3 + 8 * (ANTISPOOF_IP6_EXT_MAX - 1)] = NH_DSTOPTS;
    tf.f.head[L3 + 8 * ANTISPOOF_IP6_EXT_MAX] = NH_UDP;
    DROP(&tf, DROP_BAD_FRAME);
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_SPOOF_IP], 0);
    bridge_destroy(br);
}

/* Each family is checked only when the port lists addresses of it. */
static void
test_per_family(void)
{
    struct test_frame tf;

    setup(v4list, NULL);
    build_ip6(&tf, "2001:db8::99", "2001:db8::1", NH_UDP, 80);
    PASS(&tf);                          /* SLAAC address, unlisted */
    build_na(&tf, "fe80::1", "2001:db8::99");
    PASS(&tf);
    build_ip4(&tf, "10.0.0.9");
    DROP(&tf, DROP_SPOOF_IP);
    bridge_destroy(br);

    setup(NULL, v6list);
    build_ip4(&tf, "10.0.0.9");
    PASS(&tf);
    build_arp(&tf, "10.0.0.9");
    PASS(&tf);
    build_ip6(&tf, "2001:db8::99", "2001:db8::1", NH_UDP, 80);
    DROP(&tf, DROP_SPOOF_IP);
    bridge_destroy(br);

    setup(v4list, v6list);
    build_ip4(&tf, "10.0.0.5");
    PASS(&tf);
    build_arp(&tf, "10.0.0.9");
    DROP(&tf, DROP_SPOOF_IP);
    build_ip6(&tf, "2001:db8::5", "2001:db8::1", NH_UDP, 80);
    PASS(&tf);
    build_ip6(&tf, "2001:db8::99", "2001:db8::1", NH_UDP, 80);
    DROP(&tf, DROP_SPOOF_IP);
    /* No list at all: nothing checked, not even bad IPv6 headers. */
    set_lists(NULL, NULL);
    CU_ASSERT_FALSE(antispoof_active(&pg.port));
    build_ip6(&tf, "2001:db8::99", "2001:db8::1", NH_UDP, 80);
    tf.f.head[L2] = 0x45;
    PASS(&tf);
    bridge_destroy(br);
}

/* A second tag after a priority tag would hide the L3 header. */
static void
test_stacked_tags(void)
{
    struct test_frame tf;

    setup(NULL, v6list);
    test_frame_build(&tf, BCAST, MAC_G, 0x8100, 0 /* priority tag */, 0, 80);
    DROP(&tf, DROP_SPOOF_IP);
    test_frame_build(&tf, BCAST, MAC_G, 0x88a8, 0, 0, 80);
    DROP(&tf, DROP_SPOOF_IP);
    /* a priority-tagged IPv6 frame is checked like an untagged one */
    tag = 0;
    build_ip6(&tf, "2001:db8::5", "2001:db8::1", NH_UDP, 80);
    CU_ASSERT(tf.f.flags & FRAME_F_TAGGED);
    PASS(&tf);
    build_ip6(&tf, "2001:db8::99", "2001:db8::1", NH_UDP, 80);
    DROP(&tf, DROP_SPOOF_IP);
    tag = -1;
    set_lists(NULL, NULL);
    test_frame_build(&tf, BCAST, MAC_G, 0x8100, 0, 0, 80);
    PASS(&tf);
    bridge_destroy(br);
}

/* ---- link-layer addresses of a port whose source MAC is locked --------- */

#define MAC_X "00:16:3e:00:00:99"   /* another guest's MAC */

static void
setup_locked(const char *const *v4, const char *const *v6)
{
    setup(v4, v6);
    test_mac(MAC_G, pg.port.mac);
    pg.port.mac_locked = true;
}

static void
put_mac(struct test_frame *tf, unsigned at, const char *mac)
{
    test_mac(mac, tf->f.head + at);
}

static void
test_arp_sender_mac(void)
{
    struct test_frame tf;

    setup_locked(NULL, NULL);
    build_arp(&tf, "10.0.0.5");
    put_mac(&tf, L2 + 8, MAC_G);
    PASS(&tf);
    /* poisoning: own Ethernet source, someone else's MAC inside */
    put_mac(&tf, L2 + 8, MAC_X);
    DROP(&tf, DROP_SPOOF_MAC);
    /* not Ethernet hardware: the sender address cannot be judged */
    put_mac(&tf, L2 + 8, MAC_G);
    tf.f.head[L2 + 1] = 6;                  /* IEEE 802 */
    DROP(&tf, DROP_BAD_FRAME);
    tf.f.head[L2 + 1] = 1;
    tf.f.head[L2 + 4] = 8;                  /* hardware address length */
    DROP(&tf, DROP_BAD_FRAME);
    tf.f.head[L2 + 4] = 6;
    tf.f.len = tf.f.head_len = L2 + 8 + 5;  /* sender MAC cut */
    DROP(&tf, DROP_BAD_FRAME);
    /* with an address list too: both checked */
    set_lists(v4list, NULL);
    build_arp(&tf, "10.0.0.5");
    put_mac(&tf, L2 + 8, MAC_G);
    PASS(&tf);
    build_arp(&tf, "10.0.0.9");
    put_mac(&tf, L2 + 8, MAC_G);
    DROP(&tf, DROP_SPOOF_IP);
    build_arp(&tf, "10.0.0.5");
    put_mac(&tf, L2 + 8, MAC_X);
    DROP(&tf, DROP_SPOOF_MAC);
    /* the MAC is not locked: the sender MAC is the guest's business */
    pg.port.mac_locked = false;
    PASS(&tf);
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_SPOOF_MAC], 2);
    bridge_destroy(br);
}

/* An NDP message of `type` from fe80::a with one link-layer option of
 * option type `opt` (0: none) carrying `mac`, behind `ext` destination
 * options headers of 8 bytes. */
static void
build_nd(struct test_frame *tf, uint8_t type, uint8_t opt, const char *mac, unsigned ext)
{
    unsigned body = type == 133 ? 8 : type == 134 ? 16 : 24;
    unsigned at = L3 + 8 * ext;

    build_ip6(tf, "fe80::a", type == 136 ? "ff02::1" : "ff02::1:ff00:5",
              ext ? NH_DSTOPTS : NH_ICMP6, at + body + (opt ? 8 : 0));
    for (unsigned i = 0; i < ext; i++) {
        tf->f.head[L3 + 8 * i] = i + 1 < ext ? NH_DSTOPTS : NH_ICMP6;
    }
    put_icmp6(tf, at, type, type >= 135 ? "fe80::a" : NULL);
    if (opt) {
        tf->f.head[at + body] = opt;
        tf->f.head[at + body + 1] = 1;
        put_mac(tf, at + body + 2, mac);
    }
}

static void
test_nd_lladdr(void)
{
    struct test_frame tf;

    static const struct {
        uint8_t type, opt;          /* build_nd()'s */
        const char *mac;
        unsigned ext;
        int want;
    } rows[] = {
        { 135, 1, MAC_G, 0, PASSES },           /* NS, source lladdr */
        { 135, 1, MAC_X, 0, DROP_SPOOF_MAC },
        { 135, 0, NULL, 0, PASSES },            /* no option (DAD-like) */
        { 136, 2, MAC_G, 0, PASSES },           /* NA, target lladdr */
        { 136, 2, MAC_X, 0, DROP_SPOOF_MAC },
        { 133, 1, MAC_G, 0, PASSES },           /* RS */
        { 133, 1, MAC_X, 0, DROP_SPOOF_MAC },
        /* behind extension headers: still found */
        { 136, 2, MAC_X, 3, DROP_SPOOF_MAC },
        { 135, 1, MAC_X, 2, DROP_SPOOF_MAC },
    };

    setup_locked(NULL, v6list);
    for (unsigned i = 0; i < ARRAY_SIZE(rows); i++) {
        build_nd(&tf, rows[i].type, rows[i].opt, rows[i].mac, rows[i].ext);
        expect(&tf, rows[i].want, i);
    }
    /* after another option (a nonce, type 14) */
    build_ip6(&tf, "fe80::a", "ff02::1:ff00:5", NH_ICMP6, L3 + 24 + 16);
    put_icmp6(&tf, L3, 135, "fe80::a");
    tf.f.head[L3 + 24] = 14;
    tf.f.head[L3 + 25] = 1;
    tf.f.head[L3 + 32] = 1;
    tf.f.head[L3 + 33] = 1;
    put_mac(&tf, L3 + 34, MAC_X);
    DROP(&tf, DROP_SPOOF_MAC);
    /* an option of length 0 (RFC 4861: discard) */
    tf.f.head[L3 + 25] = 0;
    DROP(&tf, DROP_BAD_FRAME);
    /* options past the head */
    build_nd(&tf, 135, 1, MAC_G, 0);
    tf.f.head_len = L3 + 24 + 4;
    DROP(&tf, DROP_BAD_FRAME);
    /* payload length past the frame, or short of the NS itself (the
     * options would not be looked at) */
    build_nd(&tf, 135, 1, MAC_X, 0);
    tf.f.head[L2 + 5] += 8;
    DROP(&tf, DROP_BAD_FRAME);
    tf.f.head[L2 + 5] = 16;
    DROP(&tf, DROP_BAD_FRAME);
    /* the MAC not locked: the options are not checked */
    pg.port.mac_locked = false;
    build_nd(&tf, 136, 2, MAC_X, 0);
    PASS(&tf);
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_SPOOF_MAC], 6);
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_SPOOF_IP], 0);
    bridge_destroy(br);
}

/* ---- RA guard and DHCP-server guard ------------------------------------- */

static void
build_ra(struct test_frame *tf)
{
    build_nd(tf, 134, 1, MAC_G, 0);
}

static void
build_udp6(struct test_frame *tf, unsigned sport, unsigned dport)
{
    build_ip6(tf, "fe80::a", "ff02::1:2", NH_UDP, L3 + 8 + 20);
    tf->f.head[L3] = (uint8_t) (sport >> 8);
    tf->f.head[L3 + 1] = (uint8_t) sport;
    tf->f.head[L3 + 2] = (uint8_t) (dport >> 8);
    tf->f.head[L3 + 3] = (uint8_t) dport;
}

static void
build_udp4(struct test_frame *tf, const char *src, unsigned sport, unsigned dport)
{
    build_ip4(tf, src);
    tf->f.head[L2 + 9] = NH_UDP;
    tf->f.head[L2 + 20] = (uint8_t) (sport >> 8);
    tf->f.head[L2 + 21] = (uint8_t) sport;
    tf->f.head[L2 + 22] = (uint8_t) (dport >> 8);
    tf->f.head[L2 + 23] = (uint8_t) dport;
}

static void
test_ra_guard(void)
{
    struct test_frame tf;

    /* no port security: a router may sit there */
    setup(NULL, NULL);
    test_mac(MAC_G, pg.port.mac);
    build_ra(&tf);
    PASS(&tf);
    pg.port.ra_guard = PORT_GUARD_ON;       /* router-advertisements=reject */
    DROP(&tf, DROP_RA_GUARD);
    pg.port.ra_guard = PORT_GUARD_AUTO;
    /* a MAC lock or an address list turns it on */
    pg.port.mac_locked = true;
    DROP(&tf, DROP_RA_GUARD);
    pg.port.mac_locked = false;
    set_lists(v4list, NULL);
    DROP(&tf, DROP_RA_GUARD);
    set_lists(NULL, v6list);
    DROP(&tf, DROP_RA_GUARD);
    /* behind a hop-by-hop header, or in a first fragment */
    build_ip6(&tf, "fe80::a", "ff02::1", NH_HOP, L3 + 8 + 16);
    tf.f.head[L3] = NH_ICMP6;
    put_icmp6(&tf, L3 + 8, 134, NULL);
    DROP(&tf, DROP_RA_GUARD);
    build_ip6(&tf, "fe80::a", "ff02::1", 44, L3 + 8 + 16);
    tf.f.head[L3] = NH_ICMP6;
    tf.f.head[L3 + 3] = 1;                  /* more fragments, offset 0 */
    put_icmp6(&tf, L3 + 8, 134, NULL);
    DROP(&tf, DROP_RA_GUARD);
    tf.f.head[L3 + 3] = 8;                  /* offset 8: no ICMPv6 header */
    PASS(&tf);
    /* other ICMPv6 passes; allowed (a router guest), RAs pass */
    build_nd(&tf, 133, 1, MAC_G, 0);
    PASS(&tf);
    pg.port.ra_guard = PORT_GUARD_OFF;      /* router-advertisements=accept */
    build_ra(&tf);
    PASS(&tf);
    /* an allowed router's own MAC lock still covers its lladdr option */
    pg.port.mac_locked = true;
    PASS(&tf);
    build_nd(&tf, 134, 1, MAC_X, 0);
    DROP(&tf, DROP_SPOOF_MAC);
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_RA_GUARD], 6);
    bridge_destroy(br);
}

static void
test_dhcp_guard(void)
{
    struct test_frame tf;

    static const struct {
        const char *src4;           /* NULL: IPv6 from fe80::a */
        unsigned sport, dport;
        bool later_fragment;
        int want;
    } rows[] = {
        { "10.0.0.5", 67, 68, false, DROP_DHCP_GUARD },     /* a DHCPOFFER/ACK */
        { "10.0.0.5", 67, 67, false, DROP_DHCP_GUARD },     /* a relay agent */
        { "10.0.0.5", 68, 67, false, PASSES },              /* a client's renewal */
        { "0.0.0.0", 68, 67, false, PASSES },               /* a client's discover */
        { "10.0.0.5", 67, 68, true, PASSES },   /* a later fragment: no UDP header */
        { NULL, 547, 546, false, DROP_DHCP_GUARD },         /* DHCPv6 reply */
        { NULL, 547, 547, false, DROP_DHCP_GUARD },         /* DHCPv6 relay */
        { NULL, 546, 547, false, PASSES },                  /* DHCPv6 client */
    };

    setup(v4list, v6list);
    for (unsigned i = 0; i < ARRAY_SIZE(rows); i++) {
        if (rows[i].src4) {
            build_udp4(&tf, rows[i].src4, rows[i].sport, rows[i].dport);
            tf.f.head[L2 + 7] = rows[i].later_fragment;   /* fragment offset 1 */
        } else {
            build_udp6(&tf, rows[i].sport, rows[i].dport);
        }
        expect(&tf, rows[i].want, i);
    }
    /* in a first fragment */
    build_ip6(&tf, "fe80::a", "ff02::1:2", 44, L3 + 8 + 8);
    tf.f.head[L3] = NH_UDP;
    tf.f.head[L3 + 3] = 1;
    tf.f.head[L3 + 8] = 547 >> 8;
    tf.f.head[L3 + 9] = 547 & 0xff;
    DROP(&tf, DROP_DHCP_GUARD);
    /* allowed: a DHCP server guest */
    pg.port.dhcp_guard = PORT_GUARD_OFF;
    PASS(&tf);
    build_udp4(&tf, "10.0.0.5", 67, 68);
    PASS(&tf);
    /* the source list still applies to a server */
    build_udp4(&tf, "10.0.0.9", 67, 68);
    DROP(&tf, DROP_SPOOF_IP);
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_DHCP_GUARD], 5);
    /* MAC lock alone turns it on; no port security leaves it off */
    set_lists(NULL, NULL);
    pg.port.dhcp_guard = PORT_GUARD_AUTO;
    build_udp4(&tf, "192.168.0.1", 67, 68);
    PASS(&tf);
    build_udp6(&tf, 547, 546);
    PASS(&tf);
    test_mac(MAC_G, pg.port.mac);
    pg.port.mac_locked = true;
    build_udp4(&tf, "192.168.0.1", 67, 68);
    DROP(&tf, DROP_DHCP_GUARD);
    build_udp6(&tf, 547, 546);
    DROP(&tf, DROP_DHCP_GUARD);
    /* ...and ON without port security */
    pg.port.mac_locked = false;
    pg.port.dhcp_guard = PORT_GUARD_ON;
    CU_ASSERT(antispoof_active(&pg.port));
    build_udp4(&tf, "192.168.0.1", 67, 68);
    DROP(&tf, DROP_DHCP_GUARD);
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_DHCP_GUARD], 8);
    bridge_destroy(br);
}

/* Policy drops are logged with the port's name and the reason, at most
 * PORT_POLICY_LOG_BURST at once per port: one guest cannot mute another's
 * lines. */
static unsigned
count_lines(FILE *f, const char *needle)
{
    char line[512];
    unsigned n = 0;

    rewind(f);
    while (fgets(line, sizeof line, f)) {
        n += strstr(line, needle) != NULL;
    }
    return n;
}

static void
test_policy_log(void)
{
    struct test_frame tf;
    FILE *log = tmpfile();
    int saved = dup(STDERR_FILENO);
    unsigned a, b;

    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_FATAL(saved >= 0);
    setup_locked(NULL, NULL);
    test_mac(MAC_P, pp.port.mac);
    pp.port.mac_locked = true;
    fflush(stderr);
    dup2(fileno(log), STDERR_FILENO);
    for (unsigned i = 0; i < 4 * PORT_POLICY_LOG_BURST; i++) {
        build_arp(&tf, "10.0.0.5");
        put_mac(&tf, L2 + 8, MAC_X);
        test_send(br, &pg, &tf);
    }
    build_ra(&tf);
    memcpy(tf.f.head + 6, pp.port.mac, 6);
    put_mac(&tf, L3 + 16 + 2, MAC_P);
    test_send(br, &pp, &tf);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    a = count_lines(log, "bridge br0: port pg: dropped (spoof_mac): ARP sender MAC is not "
                    "the port's MAC, from 00:16:3e:00:00:0a");
    b = count_lines(log, "bridge br0: port pp: dropped (ra_guard): IPv6 Router Advertisement");
    CU_ASSERT_EQUAL(pg.port.stats.drops[DROP_SPOOF_MAC], 4 * PORT_POLICY_LOG_BURST);
    /* the bucket may refill by one if the loop crossed a second */
    CU_ASSERT(a >= PORT_POLICY_LOG_BURST && a <= PORT_POLICY_LOG_BURST + 1);
    CU_ASSERT_EQUAL(b, 1);
    fclose(log);
    bridge_destroy(br);
}

/* antispoof_check() on the first `len` bytes of tf, in a buffer of exactly
 * that size (a sanitizer build catches any read past it). */
static int
check_cut(const struct test_frame *tf, unsigned len)
{
    struct frame f = tf->f;
    uint8_t *b = malloc(len);
    int r;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    memcpy(b, tf->f.head, len);
    f.head = b;
    f.len = f.head_len = (uint16_t) len;
    r = antispoof_check(&pg.port, &f, NULL);
    free(b);
    return r;
}

/* Every cut of frames whose check needs bytes up to `need`: shorter is a
 * bad frame, from there on the verdict of the whole frame. */
static void
test_every_cut(void)
{
    static const struct {
        const char *src, *target;
        uint8_t nh, type;
        unsigned at, need;          /* ICMPv6 offset; bytes the check reads */
        int verdict;
    } cases[] = {
        { "2001:db8::5", NULL, NH_UDP, 0, 0, L3 + 2, 0 },    /* DHCP guard */
        { "2001:db8::99", NULL, NH_UDP, 0, 0, L3, DROP_SPOOF_IP },
        { "fe80::1", "2001:db8::99", NH_ICMP6, 136, L3, L3 + 24, DROP_SPOOF_IP },
        { "fe80::1", "2001:db8::5", NH_ICMP6, 136, L3, L3 + 24, 0 },
        { "fe80::1", "2001:db8::99", NH_DSTOPTS, 136, L3 + 16, L3 + 16 + 24,
          DROP_SPOOF_IP },
        { "::", "2001:db8::5", NH_ICMP6, 135, L3, L3 + 1, 0 },
        { "::", NULL, NH_HOP, 143, L3 + 8, L3 + 8 + 1, 0 },
    };
    struct test_frame tf;

    setup(NULL, v6list);
    for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        unsigned len = cases[c].need + 8;
        bool ok = true;

        build_ip6(&tf, cases[c].src, cases[c].src[0] == ':' ? "ff02::1:ff00:5" : "ff02::1",
                  cases[c].nh, len);
        if (cases[c].nh == NH_DSTOPTS) {
            tf.f.head[L3] = NH_ICMP6;
            tf.f.head[L3 + 1] = 1;      /* 16 bytes */
        } else if (cases[c].nh == NH_HOP) {
            tf.f.head[L3] = NH_ICMP6;
        }
        if (cases[c].at) {
            put_icmp6(&tf, cases[c].at, cases[c].type, cases[c].target);
        }
        for (unsigned cut = ETH_HLEN_; cut <= len; cut++) {
            int want = cut < cases[c].need ? DROP_BAD_FRAME : cases[c].verdict;
            int got = check_cut(&tf, cut);

            if (got != want) {
                printf("\ncase %u cut at %u: %d, expected %d", c, cut, got, want);
                ok = false;
            }
        }
        CU_ASSERT(ok);
    }
    bridge_destroy(br);
}

/* Random IPv6 frames of random lengths: the parse stays inside the frame
 * (under a sanitizer) and its verdict is one of those possible. */
static void
test_random_frames(void)
{
    struct test_frame tf;
    unsigned seed = 1, bad = 0;

    setup(v4list, v6list);
    test_mac(MAC_G, pg.port.mac);
    for (unsigned i = 0; i < 40000; i++) {
        unsigned len = ETH_HLEN_ + rand_r(&seed) % (FRAME_HEAD_MAX - ETH_HLEN_ + 1);
        int r;

        build_ip6(&tf, "fe80::1", "ff02::1", NH_UDP, FRAME_HEAD_MAX);
        for (unsigned j = L2 + 1; j < FRAME_HEAD_MAX; j++) {
            /* mostly chains of extension headers and ICMPv6 */
            static const uint8_t nhs[] = { NH_HOP, NH_DSTOPTS, 43, 44, NH_ICMP6, 136,
                                           135, 134, 133, 1, 2 };
            unsigned x = (unsigned) rand_r(&seed);

            tf.f.head[j] = x & 1 ? nhs[x % sizeof nhs] : (uint8_t) (x >> 8);
        }
        if (i % 3) {
            tf.f.head[L2] = 0x60;
        }
        pg.port.mac_locked = i >= 20000;    /* link-layer options too */
        r = check_cut(&tf, len);
        bad += r != 0 && r != DROP_SPOOF_IP && r != DROP_BAD_FRAME && r != DROP_RA_GUARD
               && r != DROP_DHCP_GUARD && r != DROP_SPOOF_MAC;
    }
    CU_ASSERT_EQUAL(bad, 0);
    bridge_destroy(br);
}

static void
test_set_ips_limits(void)
{
    uint32_t a4[PORT_IPS_MAX + 1] = { 0 };
    uint8_t a6[PORT_IP6S_MAX + 1][16] = { { 0 } };
    struct port p;

    port_init(&p, "p", NULL);
    CU_ASSERT_EQUAL(port_set_ips(&p, a4, PORT_IPS_MAX, (const uint8_t (*)[16]) a6,
                                 PORT_IP6S_MAX), 0);
    CU_ASSERT_EQUAL(p.n_ips, PORT_IPS_MAX);
    CU_ASSERT_EQUAL(p.n_ip6s, PORT_IP6S_MAX);
    CU_ASSERT_EQUAL(port_set_ips(&p, a4, PORT_IPS_MAX + 1, NULL, 0), -E2BIG);
    CU_ASSERT_EQUAL(port_set_ips(&p, NULL, 0, (const uint8_t (*)[16]) a6,
                                 PORT_IP6S_MAX + 1), -E2BIG);
    CU_ASSERT_EQUAL(p.n_ips, PORT_IPS_MAX);     /* unchanged */
    CU_ASSERT_EQUAL(p.n_ip6s, PORT_IP6S_MAX);
    CU_ASSERT_EQUAL(port_set_ips(&p, NULL, 0, NULL, 0), 0);
    CU_ASSERT_EQUAL(p.n_ips + p.n_ip6s, 0);
}

int
main(void)
{
    static const test_case cases[] = {
        { "IPv6 sources: listed, unlisted, link-local", test_v6_sources },
        { "IPv6 from :: (DAD NS, MLD report only)", test_v6_unspecified },
        { "NA target spoofing", test_na_target },
        { "listed link-local addresses pin them", test_link_local_pinned },
        { "truncated IPv6 headers", test_v6_truncated },
        { "families checked independently", test_per_family },
        { "stacked tags", test_stacked_tags },
        { "every cut of a frame", test_every_cut },
        { "random frames", test_random_frames },
        { "port_set_ips limits", test_set_ips_limits },
        { "ARP sender MAC of a MAC-locked port", test_arp_sender_mac },
        { "NDP link-layer options of a MAC-locked port", test_nd_lladdr },
        { "RA guard", test_ra_guard },
        { "DHCP server guard", test_dhcp_guard },
        { "policy drops logged, rate-limited per port", test_policy_log },
        { NULL, NULL }
    };

    return test_run_suite("switch-antispoof", cases);
}
