/* Bridge: ports, flooding, unicast forwarding, promiscuous ports, link
 * state, anti-spoofing, bursts, registry. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "switch/bridge.h"
#include "tests/unit/test-switch-common.h"

#define BCAST "ff:ff:ff:ff:ff:ff"
#define MCAST "01:00:5e:00:00:fb"
#define MAC_A "00:16:3e:00:00:0a"
#define MAC_B "00:16:3e:00:00:0b"
#define MAC_C "00:16:3e:00:00:0c"
#define MAC_X "00:16:3e:00:00:99"

static uint64_t now = 5000;
static struct bridge *br;
static struct test_port pa, pb, pc;

static void
setup3(void)
{
    br = test_bridge3(&now, &pa, &pb, &pc);
}

static void
reset3(void)
{
    test_port_reset(&pa);
    test_port_reset(&pb);
    test_port_reset(&pc);
}

static void
send1(struct test_port *in, const char *dst, const char *src, uint32_t id)
{
    struct test_frame tf;

    test_frame_build(&tf, dst, src, 0x0800, -1, id, 60);
    test_send(br, in, &tf);
}

static void
test_ports_add_del(void)
{
    struct test_port dup, other;
    struct bridge *br2;

    setup3();
    CU_ASSERT_EQUAL(bridge_n_ports(br), 3);
    CU_ASSERT_EQUAL(pa.port.ofport, 1);
    CU_ASSERT_EQUAL(pb.port.ofport, 2);
    CU_ASSERT_EQUAL(pc.port.ofport, 3);
    CU_ASSERT_PTR_EQUAL(pa.port.bridge, br);
    CU_ASSERT_PTR_EQUAL(bridge_find_port(br, "pb"), &pb.port);
    CU_ASSERT_PTR_NULL(bridge_find_port(br, "nope"));
    CU_ASSERT_PTR_EQUAL(bridge_port_at(br, 0), &pa.port);
    CU_ASSERT_PTR_EQUAL(bridge_port_at(br, 2), &pc.port);
    CU_ASSERT_PTR_NULL(bridge_port_at(br, 3));

    test_port_init(&dup, "pb");
    CU_ASSERT_EQUAL(bridge_add_port(br, &dup.port), -EEXIST);
    CU_ASSERT_EQUAL(bridge_add_port(br, &pa.port), -EBUSY);
    br2 = bridge_create("br1", NULL, test_clock, &now);
    CU_ASSERT_EQUAL(bridge_add_port(br2, &pa.port), -EBUSY);
    bridge_destroy(br2);
    test_port_init(&other, "");
    CU_ASSERT_EQUAL(bridge_add_port(br, &other.port), -EINVAL);
    test_port_init(&other, "noops");
    other.port.ops = NULL;
    CU_ASSERT_EQUAL(bridge_add_port(br, &other.port), -EINVAL);
    CU_ASSERT_EQUAL(bridge_n_ports(br), 3);

    /* Delete: destroy called, FDB entries (static too) gone, ofport reused. */
    send1(&pb, BCAST, MAC_B, 1);
    uint8_t m[6];
    test_mac(MAC_C, m);
    CU_ASSERT_EQUAL(fdb_add_static(bridge_fdb(br), m, 1, &pb.port), 0);
    bridge_del_port(br, &pb.port);
    CU_ASSERT(pb.destroyed);
    CU_ASSERT_PTR_NULL(pb.port.bridge);
    CU_ASSERT_EQUAL(bridge_n_ports(br), 2);
    CU_ASSERT_PTR_EQUAL(bridge_port_at(br, 1), &pc.port);   /* order kept */
    test_mac(MAC_B, m);
    CU_ASSERT_PTR_NULL(fdb_lookup(bridge_fdb(br), m, 1));
    test_mac(MAC_C, m);
    CU_ASSERT_PTR_NULL(fdb_lookup(bridge_fdb(br), m, 1));
    test_port_init(&other, "pd");
    CU_ASSERT_EQUAL(bridge_add_port(br, &other.port), 0);
    CU_ASSERT_EQUAL(other.port.ofport, 2);
    bridge_destroy(br);
    CU_ASSERT(pa.destroyed && pc.destroyed && other.destroyed);
}

static void
test_ports_max(void)
{
    struct test_port *ports = calloc(BRIDGE_PORTS_MAX + 1, sizeof *ports);
    unsigned ok = 0;
    bool ofports_unique = true;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ports);
    br = bridge_create("big", NULL, test_clock, &now);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    for (unsigned i = 0; i <= BRIDGE_PORTS_MAX; i++) {
        char name[16];

        snprintf(name, sizeof name, "p%u", i);
        test_port_init(&ports[i], name);
        ok += bridge_add_port(br, &ports[i].port) == 0;
    }
    CU_ASSERT_EQUAL(ok, BRIDGE_PORTS_MAX);
    CU_ASSERT_EQUAL(bridge_n_ports(br), BRIDGE_PORTS_MAX);
    CU_ASSERT_PTR_NULL(ports[BRIDGE_PORTS_MAX].port.bridge);
    for (unsigned i = 0; i < BRIDGE_PORTS_MAX; i++) {
        ofports_unique &= ports[i].port.ofport == i + 1;
    }
    CU_ASSERT(ofports_unique);
    bridge_del_port(br, &ports[500].port);
    CU_ASSERT_EQUAL(bridge_add_port(br, &ports[BRIDGE_PORTS_MAX].port), 0);
    CU_ASSERT_EQUAL(ports[BRIDGE_PORTS_MAX].port.ofport, 501);
    bridge_destroy(br);
    free(ports);
}

static void
test_flood_broadcast(void)
{
    setup3();
    send1(&pa, BCAST, MAC_A, 1);
    CU_ASSERT_EQUAL(pa.n, 0);                 /* never back to input */
    CU_ASSERT_EQUAL(pb.n, 1);
    CU_ASSERT_EQUAL(pc.n, 1);
    CU_ASSERT_EQUAL(pb.rec[0].id, 1);
    CU_ASSERT_EQUAL(pb.port.stats.tx_packets, 1);
    send1(&pa, MCAST, MAC_A, 2);
    CU_ASSERT_EQUAL(pb.n, 2);
    CU_ASSERT_EQUAL(pc.n, 2);
    CU_ASSERT_EQUAL(pa.n, 0);
    bridge_destroy(br);
}

static void
test_unknown_then_learned_unicast(void)
{
    setup3();
    send1(&pa, MAC_B, MAC_A, 1);              /* B unknown: flood */
    CU_ASSERT_EQUAL(pb.n, 1);
    CU_ASSERT_EQUAL(pc.n, 1);
    reset3();
    send1(&pb, MAC_A, MAC_B, 2);              /* A learned: unicast */
    CU_ASSERT_EQUAL(pa.n, 1);
    CU_ASSERT_EQUAL(pc.n, 0);
    CU_ASSERT_EQUAL(pa.rec[0].id, 2);
    reset3();
    send1(&pa, MAC_B, MAC_A, 3);              /* B learned now */
    CU_ASSERT_EQUAL(pb.n, 1);
    CU_ASSERT_EQUAL(pc.n, 0);

    /* After ageing, B is unknown again. */
    now += 301000;
    bridge_run(br);
    reset3();
    send1(&pc, MAC_B, MAC_C, 4);
    CU_ASSERT_EQUAL(pa.n, 1);
    CU_ASSERT_EQUAL(pb.n, 1);
    bridge_destroy(br);
}

static void
test_hairpin_dropped(void)
{
    setup3();
    send1(&pa, BCAST, MAC_A, 1);
    send1(&pa, BCAST, MAC_X, 2);              /* X also behind pa */
    reset3();
    send1(&pa, MAC_X, MAC_A, 3);
    CU_ASSERT_EQUAL(pa.n + pb.n + pc.n, 0);
    for (int r = 0; r < DROP_N_REASONS; r++) {
        CU_ASSERT_EQUAL(pa.port.stats.drops[r], 0);
    }
    bridge_destroy(br);
}

static void
test_mac_move_followed(void)
{
    setup3();
    send1(&pa, BCAST, MAC_X, 1);
    send1(&pb, BCAST, MAC_X, 2);              /* X moved to pb */
    reset3();
    send1(&pc, MAC_X, MAC_C, 3);
    CU_ASSERT_EQUAL(pb.n, 1);
    CU_ASSERT_EQUAL(pa.n, 0);
    struct fdb_stats s;
    fdb_get_stats(bridge_fdb(br), &s);
    CU_ASSERT_EQUAL(s.moved, 1);
    bridge_destroy(br);
}

static void
test_promiscuous(void)
{
    struct test_port pd;

    setup3();
    test_port_init(&pd, "pd");
    port_set_access(&pd.port, 2);
    pd.port.promiscuous = true;               /* but in another VLAN */
    CU_ASSERT_EQUAL(bridge_add_port(br, &pd.port), 0);
    pc.port.promiscuous = true;
    bridge_port_changed(br, &pc.port);
    send1(&pb, BCAST, MAC_B, 1);
    reset3();
    /* Known unicast A -> B: B and the promiscuous C, once each. */
    send1(&pa, MAC_B, MAC_A, 2);
    CU_ASSERT_EQUAL(pb.n, 1);
    CU_ASSERT_EQUAL(pc.n, 1);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 2), 1);
    CU_ASSERT_EQUAL(pa.n, 0);
    CU_ASSERT_EQUAL(pd.n, 0);
    /* Flooded: C still once. */
    send1(&pa, BCAST, MAC_A, 3);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 3), 1);
    /* Unicast to C itself: once. */
    send1(&pb, MAC_C, MAC_B, 4);
    send1(&pc, BCAST, MAC_C, 5);
    send1(&pb, MAC_C, MAC_B, 6);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 6), 1);
    /* A promiscuous input port does not get its own frame back. */
    send1(&pc, MAC_A, MAC_C, 7);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 7), 0);
    /* Hairpin traffic behind A is still seen by C. */
    send1(&pa, BCAST, MAC_X, 8);
    send1(&pa, MAC_X, MAC_A, 9);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 9), 1);
    CU_ASSERT_EQUAL(test_port_count_id(&pb, 9), 0);
    CU_ASSERT_EQUAL(pd.n, 0);
    bridge_destroy(br);
}

static void
test_promiscuous_changes(void)
{
    setup3();
    send1(&pb, BCAST, MAC_B, 1);
    /* Set without bridge_port_changed(): seen within a millisecond. */
    pc.port.promiscuous = true;
    now += 1;
    send1(&pa, MAC_B, MAC_A, 2);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 2), 1);
    /* Cleared and announced: at once. */
    pc.port.promiscuous = false;
    bridge_port_changed(br, &pc.port);
    send1(&pa, MAC_B, MAC_A, 3);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 3), 0);
    CU_ASSERT_EQUAL(test_port_count_id(&pb, 3), 1);
    /* A promiscuous port that leaves is never staged on again. */
    pc.port.promiscuous = true;
    bridge_port_changed(br, &pc.port);
    bridge_del_port(br, &pc.port);
    test_port_reset(&pc);
    send1(&pa, MAC_B, MAC_A, 4);
    CU_ASSERT_EQUAL(pc.n, 0);
    CU_ASSERT_EQUAL(test_port_count_id(&pb, 4), 1);
    bridge_destroy(br);
}

static void
test_link_down(void)
{
    setup3();
    pc.port.link_up = false;
    send1(&pa, BCAST, MAC_A, 1);
    CU_ASSERT_EQUAL(pb.n, 1);
    CU_ASSERT_EQUAL(pc.n, 0);
    CU_ASSERT_EQUAL(pc.n_calls, 0);
    CU_ASSERT_EQUAL(pc.port.stats.drops[DROP_LINK_DOWN], 1);
    send1(&pc, BCAST, MAC_C, 2);              /* learn C */
    send1(&pa, MAC_C, MAC_A, 3);
    CU_ASSERT_EQUAL(pc.port.stats.drops[DROP_LINK_DOWN], 2);
    pc.port.link_up = true;
    send1(&pa, MAC_C, MAC_A, 4);
    CU_ASSERT_EQUAL(pc.n, 1);
    bridge_destroy(br);
}

static void
test_learning_off(void)
{
    uint8_t m[6];

    setup3();
    pa.port.learning = false;
    send1(&pa, BCAST, MAC_A, 1);
    test_mac(MAC_A, m);
    CU_ASSERT_PTR_NULL(fdb_lookup(bridge_fdb(br), m, 1));
    reset3();
    send1(&pb, MAC_A, MAC_B, 2);              /* still flooded */
    CU_ASSERT_EQUAL(pa.n, 1);
    CU_ASSERT_EQUAL(pc.n, 1);
    bridge_destroy(br);
}

static void
test_hub_bridge(void)
{
    setup3();
    CU_ASSERT_EQUAL(fdb_set_ageing(bridge_fdb(br), 0), 0);
    send1(&pa, BCAST, MAC_A, 1);
    reset3();
    send1(&pb, MAC_A, MAC_B, 2);
    CU_ASSERT_EQUAL(pa.n, 1);
    CU_ASSERT_EQUAL(pc.n, 1);                 /* a hub repeats everywhere */
    bridge_destroy(br);
}

static void
test_bad_source_macs(void)
{
    setup3();
    send1(&pa, BCAST, MCAST, 1);
    send1(&pa, BCAST, BCAST, 2);
    send1(&pa, BCAST, "00:00:00:00:00:00", 3);
    CU_ASSERT_EQUAL(pa.port.stats.drops[DROP_BAD_FRAME], 3);
    CU_ASSERT_EQUAL(pa.port.stats.rx_packets, 0);
    CU_ASSERT_EQUAL(pb.n + pc.n, 0);
    bridge_destroy(br);
}

static void
test_bad_descriptor(void)
{
    struct test_frame tf;

    setup3();
    test_frame_build(&tf, BCAST, MAC_A, 0x0800, -1, 1, 60);
    tf.f.head_len = 10;
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pa.port.stats.drops[DROP_BAD_FRAME], 1);
    CU_ASSERT_EQUAL(pb.n + pc.n, 0);
    bridge_destroy(br);
}

static void
test_spoof_mac(void)
{
    setup3();
    test_mac(MAC_A, pa.port.mac);
    pa.port.mac_locked = true;
    send1(&pa, BCAST, MAC_X, 1);
    CU_ASSERT_EQUAL(pa.port.stats.drops[DROP_SPOOF_MAC], 1);
    CU_ASSERT_EQUAL(pb.n, 0);
    send1(&pa, BCAST, MAC_A, 2);
    CU_ASSERT_EQUAL(pb.n, 1);
    CU_ASSERT_EQUAL(pa.port.stats.rx_packets, 1);
    /* The forged source was not learned either. */
    uint8_t m[6];
    test_mac(MAC_X, m);
    CU_ASSERT_PTR_NULL(fdb_lookup(bridge_fdb(br), m, 1));
    bridge_destroy(br);
}

/* IPv4 frame from src_ip (a.b.c.d as uint32 host order) with UDP ports. */
static void
build_ipv4(struct test_frame *tf, uint32_t src_ip, uint8_t proto,
           uint16_t sport, uint16_t dport)
{
    uint8_t *h;

    test_frame_build(tf, BCAST, MAC_A, 0x0800, -1, 0, 60);
    h = tf->f.head;
    memset(h + 14, 0, 46);
    h[14] = 0x45;
    h[23] = proto;
    h[26] = (uint8_t) (src_ip >> 24);
    h[27] = (uint8_t) (src_ip >> 16);
    h[28] = (uint8_t) (src_ip >> 8);
    h[29] = (uint8_t) src_ip;
    h[34] = (uint8_t) (sport >> 8);
    h[35] = (uint8_t) sport;
    h[36] = (uint8_t) (dport >> 8);
    h[37] = (uint8_t) dport;
}

static void
build_arp(struct test_frame *tf, uint32_t spa)
{
    uint8_t *h;

    test_frame_build(tf, BCAST, MAC_A, 0x0806, -1, 0, 60);
    h = tf->f.head;
    memset(h + 14, 0, 46);
    h[15] = 1;                  /* Ethernet */
    h[16] = 0x08;               /* IPv4 */
    h[18] = 6;
    h[19] = 4;
    h[21] = 1;                  /* request */
    h[28] = (uint8_t) (spa >> 24);
    h[29] = (uint8_t) (spa >> 16);
    h[30] = (uint8_t) (spa >> 8);
    h[31] = (uint8_t) spa;
}

#define IP(a, b, c, d) ((uint32_t) (a) << 24 | (b) << 16 | (c) << 8 | (d))

static void
test_spoof_ip(void)
{
    struct test_frame tf;
    uint32_t be;

    setup3();
    be = htonl(IP(10, 0, 0, 5));
    pa.port.ips[0] = be;
    be = htonl(IP(10, 0, 0, 6));
    pa.port.ips[1] = be;
    pa.port.n_ips = 2;

    build_ipv4(&tf, IP(10, 0, 0, 6), 6, 1, 2);
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pb.n, 1);
    build_ipv4(&tf, IP(10, 0, 0, 7), 6, 1, 2);
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pb.n, 1);
    CU_ASSERT_EQUAL(pa.port.stats.drops[DROP_SPOOF_IP], 1);
    /* DHCP client from 0.0.0.0 passes; other traffic from 0.0.0.0 not. */
    build_ipv4(&tf, 0, 17, 68, 67);
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pb.n, 2);
    build_ipv4(&tf, 0, 17, 68, 53);
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pa.port.stats.drops[DROP_SPOOF_IP], 2);
    /* ARP: sender address checked, probes (0.0.0.0) pass. */
    build_arp(&tf, IP(10, 0, 0, 5));
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pb.n, 3);
    build_arp(&tf, IP(10, 0, 0, 9));
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pa.port.stats.drops[DROP_SPOOF_IP], 3);
    build_arp(&tf, 0);
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pb.n, 4);
    /* Truncated IPv4 header: a bad frame. */
    build_ipv4(&tf, IP(10, 0, 0, 5), 6, 1, 2);
    tf.f.len = tf.f.head_len = 30;
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pa.port.stats.drops[DROP_BAD_FRAME], 1);
    /* IHL below 5 words (from 0.0.0.0, as a fake DHCP request): bad. */
    build_ipv4(&tf, 0, 17, 68, 67);
    tf.f.head[14] = 0x41;
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pa.port.stats.drops[DROP_BAD_FRAME], 2);
    /* Other protocols (IPv6 here) are not filtered by an IPv4 list. */
    test_frame_build(&tf, BCAST, MAC_A, 0x86dd, -1, 0, 60);
    test_send(br, &pa, &tf);
    CU_ASSERT_EQUAL(pb.n, 5);
    /* Another port without a list is not affected. */
    build_ipv4(&tf, IP(192, 168, 1, 1), 6, 1, 2);
    memcpy(tf.f.head + 6, (uint8_t[]) { 0x00, 0x16, 0x3e, 0, 0, 0x0b }, 6);
    test_send(br, &pb, &tf);
    CU_ASSERT_EQUAL(pa.n, 1);
    CU_ASSERT_EQUAL(pa.port.stats.rx_packets, 5);
    bridge_destroy(br);
}

static void
test_burst_over_max(void)
{
    enum { N = XVS_BURST_MAX + 36 };
    static struct test_frame tf[N];
    struct frame *fp[N];

    setup3();
    send1(&pb, BCAST, MAC_B, 0);
    reset3();
    for (unsigned i = 0; i < N; i++) {
        test_frame_build(&tf[i], i % 2 ? MAC_B : BCAST, MAC_A, 0x0800, -1,
                         100 + i, 60);
        fp[i] = &tf[i].f;
    }
    bridge_input(br, &pa.port, fp, N);
    CU_ASSERT_EQUAL(pb.n, N);
    CU_ASSERT_EQUAL(pc.n, N / 2);
    CU_ASSERT_EQUAL(pb.n_calls, 2);           /* one output per burst */
    CU_ASSERT_EQUAL(pc.n_calls, 2);
    /* Order kept. */
    bool ordered = true;
    for (unsigned i = 0; i < N; i++) {
        ordered &= pb.rec[i].id == 100 + i;
    }
    CU_ASSERT(ordered);
    CU_ASSERT_EQUAL(pa.port.stats.rx_packets, N);
    CU_ASSERT_EQUAL(pa.port.stats.rx_bytes, 60 * N);
    bridge_destroy(br);
}

static void
test_learned_within_burst(void)
{
    struct test_frame tf[2];
    struct frame *fp[2] = { &tf[0].f, &tf[1].f };

    setup3();
    /* In one burst from pb, frame 0 teaches that X is behind pb, so
     * frame 1 (to X) is a hairpin and not flooded as unknown. */
    test_frame_build(&tf[0], BCAST, MAC_X, 0x0800, -1, 2, 60);
    test_frame_build(&tf[1], MAC_X, MAC_B, 0x0800, -1, 3, 60);
    bridge_input(br, &pb.port, fp, 2);
    CU_ASSERT_EQUAL(test_port_count_id(&pa, 2), 1);
    CU_ASSERT_EQUAL(test_port_count_id(&pa, 3), 0);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 3), 0);
    bridge_destroy(br);
}

/* Enough MACs for the prefetching path (thousands of entries). */
static void
test_many_macs(void)
{
    enum { N = 5000 };
    static struct test_frame tf[XVS_BURST_MAX];
    struct frame *fp[XVS_BURST_MAX];
    unsigned to_a = 0, wrong = 0;
    struct fdb_stats s;

    setup3();
    for (unsigned base = 0; base < N; base += XVS_BURST_MAX) {
        unsigned n = MIN(XVS_BURST_MAX, N - base);

        for (unsigned k = 0; k < n; k++) {
            test_frame_build(&tf[k], BCAST, MAC_A, 0x0800, -1, base + k, 60);
            test_mac_n(base + k, tf[k].f.head + 6);
            fp[k] = &tf[k].f;
        }
        bridge_input(br, &pa.port, fp, n);
    }
    fdb_get_stats(bridge_fdb(br), &s);
    CU_ASSERT_EQUAL(s.entries, N);
    for (unsigned base = 0; base < N; base += XVS_BURST_MAX) {
        unsigned n = MIN(XVS_BURST_MAX, N - base);

        reset3();
        for (unsigned k = 0; k < n; k++) {
            /* Every other frame to an unknown MAC: flooded. */
            test_frame_build(&tf[k], MAC_B, MAC_B, 0x0800, -1, base + k, 60);
            test_mac_n(k % 2 ? base + k : N + base + k, tf[k].f.head);
            fp[k] = &tf[k].f;
        }
        bridge_input(br, &pb.port, fp, n);
        for (unsigned r = 0; r < pa.n; r++) {
            to_a++;
            wrong += pa.rec[r].dst[5] != (uint8_t) (pa.rec[r].id % 2
                                                    ? pa.rec[r].id
                                                    : N + pa.rec[r].id);
        }
        wrong += pc.n != (n + 1) / 2;     /* the unknown ones only */
    }
    CU_ASSERT_EQUAL(to_a, N);
    CU_ASSERT_EQUAL(wrong, 0);
    bridge_destroy(br);
}

/* A port whose output() sends what it gets back into the bridge. */
static struct test_port looper;
static unsigned looper_calls;

static void
looper_output(struct port *p, struct frame **frames, const uint16_t *tci,
              unsigned n)
{
    (void) tci;
    looper_calls++;
    bridge_input(p->bridge, p, frames, n);
}

static const struct port_ops looper_ops = { .kind = "looper", .output = looper_output };

static void
test_output_reentry_refused(void)
{
    setup3();
    test_port_init(&looper, "loop");
    looper.port.ops = &looper_ops;
    CU_ASSERT_EQUAL(bridge_add_port(br, &looper.port), 0);
    send1(&pa, BCAST, MAC_A, 1);
    CU_ASSERT_EQUAL(looper_calls, 1);
    CU_ASSERT_EQUAL(looper.port.stats.drops[DROP_TX_ERROR], 1);
    CU_ASSERT_EQUAL(pb.n, 1);                 /* delivered once, no loop */
    /* The bridge still works afterwards. */
    send1(&pb, MAC_A, MAC_B, 2);
    CU_ASSERT_EQUAL(pa.n, 1);
    bridge_destroy(br);
}

static void
test_input_from_foreign_port(void)
{
    struct test_port stray;
    struct test_frame tf;

    setup3();
    test_port_init(&stray, "stray");
    test_frame_build(&tf, BCAST, MAC_X, 0x0800, -1, 1, 60);
    test_send(br, &stray, &tf);
    CU_ASSERT_EQUAL(pa.n + pb.n + pc.n, 0);
    bridge_destroy(br);
}

static void
test_registry(void)
{
    struct bridge *b0, *b1, *dup;
    uint16_t vlan = 99;

    b0 = bridge_create("xenbr0", NULL, test_clock, &now);
    b1 = bridge_create("xenbr1", NULL, test_clock, &now);
    dup = bridge_create("xenbr0", NULL, test_clock, &now);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dup);
    CU_ASSERT_EQUAL(bridge_register(b0), 0);
    CU_ASSERT_EQUAL(bridge_register(b1), 0);
    CU_ASSERT_EQUAL(bridge_register(dup), -EEXIST);
    CU_ASSERT_PTR_EQUAL(bridge_lookup("xenbr0"), b0);
    CU_ASSERT_PTR_EQUAL(bridge_lookup("xenbr1"), b1);
    CU_ASSERT_PTR_NULL(bridge_lookup("xenbr2"));
    CU_ASSERT_PTR_EQUAL(bridge_at(0), b0);
    CU_ASSERT_PTR_EQUAL(bridge_at(1), b1);
    CU_ASSERT_PTR_NULL(bridge_at(2));

    CU_ASSERT_PTR_EQUAL(bridge_lookup_vlan("xenbr0", &vlan), b0);
    CU_ASSERT_EQUAL(vlan, 0);
    CU_ASSERT_PTR_EQUAL(bridge_lookup_vlan("xenbr0.10", &vlan), b0);
    CU_ASSERT_EQUAL(vlan, 10);
    CU_ASSERT_PTR_EQUAL(bridge_lookup_vlan("xenbr1.4094", &vlan), b1);
    CU_ASSERT_EQUAL(vlan, 4094);
    vlan = 7;
    CU_ASSERT_PTR_NULL(bridge_lookup_vlan("xenbr0.0", &vlan));
    CU_ASSERT_PTR_NULL(bridge_lookup_vlan("xenbr0.4095", &vlan));
    CU_ASSERT_PTR_NULL(bridge_lookup_vlan("xenbr0.", &vlan));
    CU_ASSERT_PTR_NULL(bridge_lookup_vlan("xenbr0.1x", &vlan));
    CU_ASSERT_PTR_NULL(bridge_lookup_vlan("xenbr9.10", &vlan));
    CU_ASSERT_PTR_NULL(bridge_lookup_vlan("averyveryverylongname.10", &vlan));
    CU_ASSERT_EQUAL(vlan, 7);

    bridge_unregister(b0);
    CU_ASSERT_PTR_NULL(bridge_lookup("xenbr0"));
    CU_ASSERT_PTR_EQUAL(bridge_at(0), b1);
    CU_ASSERT_EQUAL(bridge_register(dup), 0);   /* the name is free now */
    bridge_destroy(dup);                        /* destroy unregisters */
    CU_ASSERT_PTR_NULL(bridge_lookup("xenbr0"));
    bridge_destroy(b1);
    CU_ASSERT_PTR_NULL(bridge_at(0));
    bridge_destroy(b0);
}

static void
test_create_bad(void)
{
    struct bridge_config bad_max = { .ageing_s = 300, .fdb_max = 0 };
    struct bridge_config bad_age = { .ageing_s = FDB_AGEING_MAX_S + 1,
                                     .fdb_max = 100 };
    struct bridge_config ok = { .ageing_s = 10, .fdb_max = 100 };
    struct bridge *b;
    struct fdb_stats s;

    CU_ASSERT_PTR_NULL(bridge_create("", NULL, NULL, NULL));
    CU_ASSERT_PTR_NULL(bridge_create(NULL, NULL, NULL, NULL));
    CU_ASSERT_PTR_NULL(bridge_create("a/b", NULL, NULL, NULL));
    CU_ASSERT_PTR_NULL(bridge_create("a b", NULL, NULL, NULL));
    CU_ASSERT_PTR_NULL(bridge_create("..", NULL, NULL, NULL));
    CU_ASSERT_PTR_NULL(bridge_create("0123456789abcdef", NULL, NULL, NULL));
    errno = 0;
    CU_ASSERT_PTR_NULL(bridge_create("x", &bad_max, NULL, NULL));
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_PTR_NULL(bridge_create("x", &bad_age, NULL, NULL));
    b = bridge_create("0123456789abcde", &ok, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(bridge_name(b), "0123456789abcde");
    CU_ASSERT_EQUAL(fdb_get_ageing(bridge_fdb(b)), 10);
    fdb_get_stats(bridge_fdb(b), &s);
    CU_ASSERT_EQUAL(s.max_entries, 100);
    bridge_destroy(b);
    b = bridge_create("d", NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(fdb_get_ageing(bridge_fdb(b)), FDB_DEFAULT_AGEING_S);
    fdb_get_stats(bridge_fdb(b), &s);
    CU_ASSERT_EQUAL(s.max_entries, FDB_DEFAULT_MAX);
    bridge_destroy(b);
}

int
main(void)
{
    static const test_case cases[] = {
        { "ports: add, delete, errors", test_ports_add_del },
        { "ports: BRIDGE_PORTS_MAX", test_ports_max },
        { "flood broadcast/multicast", test_flood_broadcast },
        { "unknown then learned unicast", test_unknown_then_learned_unicast },
        { "hairpin dropped silently", test_hairpin_dropped },
        { "MAC move followed", test_mac_move_followed },
        { "promiscuous ports", test_promiscuous },
        { "promiscuous flag changes", test_promiscuous_changes },
        { "link down", test_link_down },
        { "learning off", test_learning_off },
        { "hub (ageing 0)", test_hub_bridge },
        { "bad source MACs", test_bad_source_macs },
        { "bad descriptor", test_bad_descriptor },
        { "spoof: MAC", test_spoof_mac },
        { "spoof: IPv4 and ARP", test_spoof_ip },
        { "burst over XVS_BURST_MAX", test_burst_over_max },
        { "learned within a burst", test_learned_within_burst },
        { "many MACs (prefetch path)", test_many_macs },
        { "input from a foreign port", test_input_from_foreign_port },
        { "output() re-entering the bridge is refused", test_output_reentry_refused },
        { "registry and VLAN bridges", test_registry },
        { "create: bad args, defaults", test_create_bad },
        { NULL, NULL },
    };

    return test_run_suite("bridge", cases);
}
