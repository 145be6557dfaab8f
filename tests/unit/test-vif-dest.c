/* Unit tests of the destination-first TX copy (vif_tx.c), with a real
 * netback and vifs over the sim hypervisor and in-process sim guests, with
 * the default TX area (frames may be copied whole into dom0):
 *   - guest to guest: once a burst's large frames all went to a guest with
 *     buffers posted, the next bursts copy only heads and the payload goes
 *     from the sender's pages straight into the receiver's (tx_direct), the
 *     frames arriving intact;
 *   - the same sender then sending to a port that is not a guest: the frame
 *     is brought in whole by a second copy (tx_refetches), arrives intact,
 *     and the guest is still answered before the port sees the frame;
 *   - a receiver with no buffers posted: never direct (its frames wait in
 *     its backlog, copied whole at TX). */
#include <string.h>
#include <unistd.h>

#include "switch/bridge.h"
#include "switch/fdb.h"
#include "tests/unit/test-vif-harness.h"

#define LEN 1500                         /* > the head copy: a "large" frame */
#define WARMUP 2                         /* bursts before the vif goes direct */

static const uint8_t *mac_of(uint8_t id)
{
    static uint8_t m[6];
    memcpy(m, (uint8_t[]){ 0x00, 0x16, 0x3e, 0x5c, 0, id }, 6);
    return m;
}

/* A guest on its own domid with MAC mac_of(domid), attached; rx_buffers
 * < 0: all. */
static struct vif *attach(uint16_t domid, struct nf **nfp, int rx_buffers)
{
    return harness_attach(domid, nfp, rx_buffers, mac_of((uint8_t)domid));
}

/* Frame k from guest `src` to `dst`: a pattern that differs per frame. */
static void make_frame(uint8_t *f, uint8_t src, uint8_t dst, unsigned k)
{
    for (unsigned i = 0; i < LEN; i++)
        f[i] = (uint8_t)(i * 7 + k * 13);
    memcpy(f, mac_of(dst), 6);
    memcpy(f + 6, mac_of(src), 6);
    f[12] = 0x08;
    f[13] = 0x00;
}

static void send_one(struct nf *g, uint8_t src, uint8_t dst, unsigned k)
{
    static uint8_t f[LEN];
    struct nf_offload off = { 0 };
    make_frame(f, src, dst, k);
    CU_ASSERT_EQUAL(nf_send(g, f, LEN, &off), 0);
    nf_flush(g);
    nf_kick(g);
}

/* What guest b received, checked against the frames sent. */
struct sink {
    unsigned got, intact;
    uint8_t src, dst;
};

static void sink_rx(void *ctx, const uint8_t *frame, uint32_t len, const struct nf_offload *o)
{
    struct sink *s = ctx;
    static uint8_t want[LEN];
    (void)o;
    make_frame(want, s->src, s->dst, s->got);
    s->intact += len == LEN && !memcmp(frame, want, LEN);
    s->got++;
}

static void wait_for(struct nf *g, const unsigned *count, unsigned n)
{
    for (int i = 0; i < 100 && *count < n; i++) {
        spin(5);
        nf_poll(g);
    }
}

static void test_guest_to_guest_direct(void)
{
    struct bridge *br = bridge_create("dbr0", NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    struct nf *ga, *gb;
    struct vif *a = attach(21, &ga, -1), *b = attach(22, &gb, -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(a)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(b)), 0);
    CU_ASSERT_EQUAL(fdb_add_static(bridge_fdb(br), mac_of(22), 1, vif_port(b)), 0);
    struct sink s = { .src = 21, .dst = 22 };
    nf_set_rx_cb(gb, sink_rx, &s);
    spin(20);
    nf_poll(gb);

    /* one frame per burst; the first ones teach the vif where its frames
     * go (they are copied whole), then every burst goes direct */
    const struct vif_stats *sa = vif_get_stats(a);
    uint64_t d0 = 0;
    for (unsigned k = 0; k < WARMUP + 3; k++) {
        if (k == WARMUP)
            d0 = sa->tx_direct;
        send_one(ga, 21, 22, k);
        wait_for(gb, &s.got, k + 1);
    }
    CU_ASSERT_EQUAL(s.got, WARMUP + 3);
    CU_ASSERT_EQUAL(s.intact, WARMUP + 3);
    CU_ASSERT_EQUAL(sa->tx_bursts, WARMUP + 3);
    CU_ASSERT_EQUAL(sa->tx_direct - d0, 3);
    CU_ASSERT_EQUAL(sa->tx_refetches, 0);
    CU_ASSERT_EQUAL(sa->tx_copy_errors, 0);
    spin(10);
    nf_poll(ga);
    CU_ASSERT_EQUAL(nf_tx_outstanding(ga), 0);
    bridge_destroy(br);
    nf_destroy(ga);
    nf_destroy(gb);
}

/* A port that records how many TX responses its sender could see when it
 * was handed a frame, and the frame. */
struct probe_port {
    struct port port;
    struct nf *sender;
    unsigned calls;
    uint64_t responses_seen;
    uint8_t got[2000];
    int got_len;
};

static void probe_output(struct port *p, struct frame **frames, const uint16_t *tci, unsigned n)
{
    struct probe_port *pp = (struct probe_port *)p;
    (void)tci;
    nf_poll(pp->sender);
    pp->responses_seen = nf_get_stats(pp->sender)->tx_responses;
    pp->calls++;
    if (n)
        pp->got_len = frame_gather(frames[0], pp->got, sizeof pp->got);
}

static void probe_destroy(struct port *p) { (void)p; }

static const struct port_ops probe_ops = {
    .kind = "null", .output = probe_output, .destroy = probe_destroy,
};

static void test_host_bound_refetched(void)
{
    struct bridge *br = bridge_create("dbr1", NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    static struct probe_port pp;
    struct nf *ga, *gb;
    struct vif *a = attach(23, &ga, -1), *b = attach(24, &gb, -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    memset(&pp, 0, sizeof pp);
    port_init(&pp.port, "probe1", &probe_ops);
    pp.sender = ga;
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(a)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(b)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, &pp.port), 0);
    CU_ASSERT_EQUAL(fdb_add_static(bridge_fdb(br), mac_of(24), 1, vif_port(b)), 0);
    CU_ASSERT_EQUAL(fdb_add_static(bridge_fdb(br), mac_of(99), 1, &pp.port), 0);
    struct sink s = { .src = 23, .dst = 24 };
    nf_set_rx_cb(gb, sink_rx, &s);
    spin(20);
    nf_poll(gb);

    for (unsigned k = 0; k < WARMUP + 1; k++) {     /* then heads only */
        send_one(ga, 23, 24, k);
        wait_for(gb, &s.got, k + 1);
    }
    const struct vif_stats *sa = vif_get_stats(a);
    uint64_t direct = sa->tx_direct;
    CU_ASSERT_EQUAL(direct, 1);
    spin(10);
    nf_poll(ga);
    uint64_t before = nf_get_stats(ga)->tx_responses;

    send_one(ga, 23, 99, 7);
    wait_for(ga, &pp.calls, 1);
    static uint8_t want[LEN];
    make_frame(want, 23, 99, 7);
    CU_ASSERT_EQUAL(pp.calls, 1);
    CU_ASSERT_EQUAL(pp.got_len, LEN);
    CU_ASSERT_TRUE(pp.got_len == LEN && !memcmp(pp.got, want, LEN));
    CU_ASSERT_EQUAL(sa->tx_refetches, 1);
    CU_ASSERT_EQUAL(pp.responses_seen - before, 1);   /* answered before switching */
    CU_ASSERT_EQUAL(sa->tx_direct, direct);

    bridge_del_port(br, &pp.port);
    bridge_destroy(br);
    nf_destroy(ga);
    nf_destroy(gb);
}

static void test_full_ring_not_direct(void)
{
    struct bridge *br = bridge_create("dbr2", NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    struct nf *ga, *gb;
    struct vif *a = attach(25, &ga, -1), *b = attach(26, &gb, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(a)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(b)), 0);
    CU_ASSERT_EQUAL(fdb_add_static(bridge_fdb(br), mac_of(26), 1, vif_port(b)), 0);
    spin(20);

    const struct vif_stats *sa = vif_get_stats(a), *sb = vif_get_stats(b);
    for (unsigned k = 0; k < 3; k++) {
        send_one(ga, 25, 26, k);
        for (int i = 0; i < 100 && sb->rx_queued < k + 1; i++)
            spin(5);
    }
    CU_ASSERT_EQUAL(sb->rx_queued, 3);           /* backlogged, whole */
    CU_ASSERT_EQUAL(sa->tx_direct, 0);
    CU_ASSERT_EQUAL(sa->tx_refetches, 0);        /* copied whole at once */
    CU_ASSERT_EQUAL(sa->tx_copy_errors, 0);
    CU_ASSERT_EQUAL(sb->rx_copy_errors, 0);
    bridge_destroy(br);
    nf_destroy(ga);
    nf_destroy(gb);
}

int main(void)
{
    static const struct harness_test tests[] = {
        HARNESS_TEST(test_guest_to_guest_direct),
        HARNESS_TEST(test_host_bound_refetched),
        HARNESS_TEST(test_full_ring_not_direct),
    };
    return harness_main("test-vifd", "vif TX destination first", tests,
                        sizeof tests / sizeof tests[0]);
}
