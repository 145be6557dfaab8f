/* Unit tests of vif behaviour against misbehaving guests, with a real
 * netback and vifs over the sim hypervisor and in-process sim guests:
 *   - the event storm hold (netback.h, vif.c): a guest whose notifications
 *     bring no new request gets its events unmasked later and later,
 *     counted; one that then produces a request is served again and the
 *     hold ends (these vifs are on no bridge: their frames go nowhere);
 *   - blame for a grant revoked mid-frame (vif_rx.c): on a bridge, a frame
 *     from A whose second slot A revoked fails when B's output copies it
 *     (straight into B's buffer, or into B's backlog when B has posted no
 *     buffer); the error is counted on A, not on B;
 *     -- the late path, where a frame keeps its payload in the guest's
 *     grants until the outputs copy it (tx_copy 0); with whole-frame TX
 *     copies (the default) the revoked grant fails at once, counted on A,
 *     and the frame goes nowhere;
 *   - TX completion before switching (vif_tx.c): a frame copied whole is
 *     answered to its guest before any output port sees it (the guest's
 *     response is visible while a port's output() runs); a frame switched
 *     with grant fragments (tx_copy 0) only after the outputs return;
 *   - the `mtu` key (vif_set_mtu): frames longer than mtu + 14 are dropped
 *     and counted both from and to the guest; a frame of exactly that
 *     length passes;
 *   - taking over rings with responses on them (an xvsd restart) sends the
 *     guest one event, in case the killed xvsd never sent it. */
#include <string.h>
#include <unistd.h>

#include "switch/bridge.h"
#include "tests/unit/test-vif-harness.h"

static struct vif *attach_rx(uint16_t domid, struct nf **nfp, int rx_buffers)
{
    return harness_attach(domid, nfp, rx_buffers, NULL);
}

static struct vif *attach(uint16_t domid, struct nf **nfp)
{
    return attach_rx(domid, nfp, -1);
}

static void test_storm_held_then_served(void)
{
    struct nf *g;
    struct vif *v = attach(1, &g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    spin(20);                                   /* the first post of RX buffers */
    const struct vif_stats *s = vif_get_stats(v);
    uint64_t ev0 = s->events;

    /* 200 kicks, none with a request: past NETBACK_SPURIOUS_FREE in a row
     * the events are held back, so most kicks coalesce */
    for (int i = 0; i < 200; i++) {
        nf_kick(g);
        spin(1);
    }
    spin(NETBACK_STORM_HOLD_MAX_MS + 50);
    CU_ASSERT_TRUE(s->spurious_events > NETBACK_SPURIOUS_FREE);
    CU_ASSERT_TRUE(s->storm_holds >= 1);
    CU_ASSERT_TRUE(s->events - ev0 < 150);
    CU_ASSERT_EQUAL(vif_state(v), VIF_CONNECTED);

    /* a real request is still served (within one hold), and ends the run
     * of spurious events */
    uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x16, 0x3e, 0x5c, 0, 1 };
    struct nf_offload off = { 0 };
    CU_ASSERT_EQUAL(nf_send(g, frame, sizeof frame, &off), 0);
    nf_flush(g);
    nf_kick(g);
    for (int i = 0; i < 50 && s->tx_frames < 1; i++)
        spin(10);
    CU_ASSERT_EQUAL(s->tx_frames, 1);
    uint64_t holds = s->storm_holds;
    for (int i = 0; i < NETBACK_SPURIOUS_FREE; i++) {
        nf_kick(g);
        spin(2);
    }
    CU_ASSERT_EQUAL(s->storm_holds, holds);     /* a fresh run: no hold yet */
    vif_destroy(v);
    nf_destroy(g);
}

static void test_busy_guest_never_held(void)
{
    struct nf *g;
    struct vif *v = attach(2, &g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    const struct vif_stats *s = vif_get_stats(v);
    uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x16, 0x3e, 0x5c, 0, 2 };
    struct nf_offload off = { 0 };

    /* every kick carries a request: never spurious in a row */
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(nf_send(g, frame, sizeof frame, &off), 0);
        nf_flush(g);
        nf_kick(g);
        spin(1);
        nf_poll(g);
    }
    for (int i = 0; i < 50 && s->tx_frames < 100; i++)
        spin(10);
    CU_ASSERT_EQUAL(s->tx_frames, 100);
    CU_ASSERT_EQUAL(s->storm_holds, 0);
    /* batching counters: at least one burst, at most one per frame, and
     * at most one completion notification per burst */
    CU_ASSERT_TRUE(s->tx_bursts >= 1 && s->tx_bursts <= 100);
    CU_ASSERT_TRUE(s->tx_notifies <= s->tx_bursts);
    vif_destroy(v);
    nf_destroy(g);
}

/* A broadcast of 500 + 100 + 100 bytes from `g` (source MAC ending in
 * `last`) whose middle grant is revoked before the backend reads it. */
static void send_revoked_broadcast(struct nf *g, uint8_t last)
{
    uint8_t fill[128] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x16, 0x3e, 0x5c, 0, last };
    struct nf_raw_slot s[3] = {
        { .size = 500, .flags = NETTXF_more_data },
        { .gref_kind = NF_GREF_REVOKED, .size = 100, .flags = NETTXF_more_data },
        { .size = 100 },
    };
    CU_ASSERT_EQUAL(nf_send_raw(g, s, 3, fill, sizeof fill), 3);
    nf_flush(g);
    nf_kick(g);
}

static void test_revoked_mid_frame_blames_sender(void)
{
    struct nf *ga, *gb;
    netback_set_tx_copy(nb, 0);                 /* payload stays in grants */
    struct bridge *br = bridge_create("tbr0", NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    struct nf *gc;
    struct vif *a = attach(3, &ga), *b = attach(4, &gb), *c = attach_rx(5, &gc, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(a)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(b)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(c)), 0);
    spin(20);

    /* a broadcast of 300 + 100 + 100 bytes; the middle grant is revoked
     * before the backend reads it (the head, in slot 1, is fine) */
    send_revoked_broadcast(ga, 3);
    const struct vif_stats *sa = vif_get_stats(a), *sb = vif_get_stats(b);
    for (int i = 0; i < 50 && !sa->tx_copy_errors; i++) {
        spin(10);
        nf_poll(gb);
    }
    spin(10);
    nf_poll(gb);
    const struct vif_stats *sc = vif_get_stats(c);
    CU_ASSERT_EQUAL(sa->tx_frames, 1);
    CU_ASSERT_EQUAL(sa->tx_copy_errors, 2);     /* A's doing, counted on A, twice */
    CU_ASSERT_EQUAL(sb->rx_copy_errors, 0);     /* B's buffers were fine */
    CU_ASSERT_EQUAL(sb->rx_frames, 0);
    CU_ASSERT_TRUE(sb->rx_batches >= 1);        /* the copy was tried */
    CU_ASSERT_TRUE(sb->rx_notifies <= sb->rx_batches);
    CU_ASSERT_EQUAL(vif_port(b)->stats.drops[DROP_TX_ERROR], 1);
    CU_ASSERT_EQUAL(nf_get_stats(gb)->rx_errors, 1);   /* B saw an error status */
    CU_ASSERT_EQUAL(sc->rx_copy_errors, 0);     /* C's backlog copy failed: A's grant */
    CU_ASSERT_EQUAL(sc->rx_queued, 0);
    CU_ASSERT_EQUAL(vif_port(c)->stats.drops[DROP_TX_ERROR], 1);
    CU_ASSERT_EQUAL(vif_state(a), VIF_CONNECTED);
    CU_ASSERT_EQUAL(vif_state(b), VIF_CONNECTED);
    CU_ASSERT_EQUAL(vif_state(c), VIF_CONNECTED);

    bridge_destroy(br);                          /* destroys the vifs */
    nf_destroy(ga);
    nf_destroy(gb);
    nf_destroy(gc);
    netback_set_tx_copy(nb, NETBACK_TX_COPY_BYTES);
}

static void test_revoked_caught_at_tx(void)
{
    struct bridge *br = bridge_create("tbr2", NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    struct nf *ga, *gb;
    struct vif *a = attach(8, &ga), *b = attach(9, &gb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(a)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(b)), 0);
    spin(20);

    send_revoked_broadcast(ga, 8);
    const struct vif_stats *sa = vif_get_stats(a), *sb = vif_get_stats(b);
    for (int i = 0; i < 50 && !sa->tx_copy_errors; i++)
        spin(10);
    spin(10);
    nf_poll(ga);
    CU_ASSERT_EQUAL(sa->tx_copy_errors, 1);     /* caught copying it in */
    CU_ASSERT_EQUAL(sa->tx_frames, 0);          /* never switched */
    CU_ASSERT_TRUE(nf_get_stats(ga)->tx_errors >= 1);  /* A was told */
    CU_ASSERT_EQUAL(sb->rx_batches, 0);
    CU_ASSERT_EQUAL(sb->rx_copy_errors, 0);
    CU_ASSERT_EQUAL(vif_state(a), VIF_CONNECTED);
    CU_ASSERT_EQUAL(vif_state(b), VIF_CONNECTED);
    bridge_destroy(br);
    nf_destroy(ga);
    nf_destroy(gb);
}

/* A port that records, when it is handed frames, how many TX responses
 * the sending guest can already see, and what it got. */
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
    nf_poll(pp->sender);                         /* what the guest sees now */
    pp->responses_seen = nf_get_stats(pp->sender)->tx_responses;
    pp->calls++;
    if (n)
        pp->got_len = frame_gather(frames[0], pp->got, sizeof pp->got);
}

static void probe_destroy(struct port *p) { (void)p; }

static const struct port_ops probe_ops = {
    .kind = "null", .output = probe_output, .destroy = probe_destroy,
};

/* One 1500-byte broadcast from a new guest to the probe; returns what the
 * probe saw of the guest's responses while it had the frame. */
static uint64_t responses_while_switching(uint16_t domid, const char *brname)
{
    struct bridge *br = bridge_create(brname, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    static struct probe_port pp;
    struct nf *ga;
    struct vif *a = attach(domid, &ga);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    memset(&pp, 0, sizeof pp);
    port_init(&pp.port, "probe0", &probe_ops);
    pp.sender = ga;
    pp.got_len = -1;
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(a)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, &pp.port), 0);
    spin(20);
    nf_poll(ga);
    uint64_t before = nf_get_stats(ga)->tx_responses;

    static uint8_t frame[1500];
    for (unsigned i = 0; i < sizeof frame; i++)
        frame[i] = (uint8_t)(i * 7);
    memset(frame, 0xff, 6);
    memcpy(frame + 6, (uint8_t[]){ 0x00, 0x16, 0x3e, 0x5c, 0, (uint8_t)domid }, 6);
    frame[12] = 0x08;
    frame[13] = 0x00;
    struct nf_offload off = { 0 };
    CU_ASSERT_EQUAL(nf_send(ga, frame, sizeof frame, &off), 0);
    nf_flush(ga);
    nf_kick(ga);
    for (int i = 0; i < 50 && !pp.calls; i++)
        spin(10);
    CU_ASSERT_EQUAL(pp.calls, 1);
    CU_ASSERT_EQUAL(pp.got_len, (int)sizeof frame);   /* all of it, intact */
    CU_ASSERT_TRUE(pp.got_len == (int)sizeof frame && !memcmp(pp.got, frame, sizeof frame));
    spin(10);
    nf_poll(ga);
    CU_ASSERT_EQUAL(nf_get_stats(ga)->tx_responses - before, 1);   /* answered once */
    CU_ASSERT_EQUAL(nf_tx_outstanding(ga), 0);
    uint64_t seen = pp.responses_seen - before;
    bridge_del_port(br, &pp.port);
    bridge_destroy(br);
    nf_destroy(ga);
    return seen;
}

static void test_tx_answered_before_switching(void)
{
    /* copied whole: the guest has its response while the port works */
    CU_ASSERT_EQUAL(responses_while_switching(10, "tbr3"), 1);
    /* switched with grant fragments: only after every output returned */
    netback_set_tx_copy(nb, 0);
    CU_ASSERT_EQUAL(responses_while_switching(11, "tbr4"), 0);
    netback_set_tx_copy(nb, NETBACK_TX_COPY_BYTES);
}

/* A broadcast of len bytes from g (source MAC 00:16:3e:5c:00:id). */
static void send_bcast(struct nf *g, uint8_t id, unsigned len)
{
    static uint8_t frame[2000];
    struct nf_offload off = { 0 };

    memset(frame, 0, sizeof frame);
    memset(frame, 0xff, 6);
    memcpy(frame + 6, (uint8_t[]){ 0x00, 0x16, 0x3e, 0x5c, 0, id }, 6);
    frame[12] = 0x08;                            /* IPv4: not a control frame */
    CU_ASSERT_EQUAL(nf_send(g, frame, len, &off), 0);
    nf_flush(g);
    nf_kick(g);
}

/* The TX budget counts ring slots, not frames: a guest whose frames take
 * many slots gets no larger share of a loop turn (XSA-423-style frames of
 * 18 tiny slots cost 18 times the copy segments of a 1-slot frame). */
static void test_tx_budget_counts_slots(void)
{
    struct nf *g;
    struct vif *v = attach(12, &g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    spin(20);
    const struct vif_stats *s = vif_get_stats(v);
    uint8_t hdr[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                        0x00, 0x16, 0x3e, 0x5c, 0, 12, 0x08, 0x00, 0x45, 0 };
    uint8_t fill[64];
    struct nf_raw_slot sl[16];
    const unsigned nslots = 16, nframes = 6, budget = 32;

    memset(fill, 0, sizeof fill);
    memcpy(fill, hdr, sizeof hdr);
    /* 6 legal frames of 16 slots: 15 one-byte slots of header, then the
     * rest of a 64-byte frame */
    for (unsigned f = 0; f < nframes; f++) {
        for (unsigned i = 0; i < nslots; i++) {
            bool last = i == nslots - 1;
            sl[i] = (struct nf_raw_slot){ .gref_kind = NF_GREF_GOOD, .offset = (uint16_t)i,
                                          .size = (uint16_t)(i == 0 ? sizeof fill
                                                             : last ? sizeof fill - (nslots - 1) : 1),
                                          .flags = last ? 0 : NETTXF_more_data };
        }
        CU_ASSERT_EQUAL_FATAL(nf_send_raw(g, sl, nslots, fill, sizeof fill), (int)nslots);
    }
    uint64_t b0 = s->tx_bursts, f0 = s->tx_frames;
    netback_set_tx_budget(nb, budget);
    nf_flush(g);
    nf_kick(g);
    for (int i = 0; i < 100 && s->tx_frames - f0 < nframes; i++)
        spin(5);
    netback_set_tx_budget(nb, 0);
    CU_ASSERT_EQUAL(s->tx_frames - f0, nframes);
    /* 32 slots a turn = 2 frames a turn: 3 turns, a burst each (with a
     * budget in frames, one turn would have taken all six) */
    CU_ASSERT_EQUAL(s->tx_bursts - b0, nframes * nslots / budget);
    CU_ASSERT_EQUAL(vif_state(v), VIF_CONNECTED);
    vif_destroy(v);
    nf_destroy(g);
}

static void test_mtu_both_ways(void)
{
    struct bridge *br = bridge_create("tbr1", NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    struct nf *ga, *gb;
    struct vif *a = attach(6, &ga), *b = attach(7, &gb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(a)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(b)), 0);
    vif_set_mtu(a, 1000);
    CU_ASSERT_EQUAL(vif_mtu(a), 1000);
    spin(20);
    const struct vif_stats *sa = vif_get_stats(a), *sb = vif_get_stats(b);

    /* from A: 1014 bytes pass, 1015 do not */
    send_bcast(ga, 6, 1014);
    send_bcast(ga, 6, 1015);
    for (int i = 0; i < 50 && sb->rx_frames < 1; i++) {
        spin(10);
        nf_poll(gb);
    }
    spin(20);
    CU_ASSERT_EQUAL(sb->rx_frames, 1);
    CU_ASSERT_EQUAL(sb->rx_bytes, 1014);
    CU_ASSERT_EQUAL(sa->tx_frames, 1);
    CU_ASSERT_EQUAL(vif_port(a)->stats.drops[DROP_MTU], 1);

    /* to A: B's 1500-byte frame is dropped at A's output, 1014 bytes pass */
    send_bcast(gb, 7, 1500);
    send_bcast(gb, 7, 1014);
    for (int i = 0; i < 50 && sa->rx_frames < 1; i++) {
        spin(10);
        nf_poll(ga);
    }
    spin(20);
    CU_ASSERT_EQUAL(sa->rx_frames, 1);
    CU_ASSERT_EQUAL(sa->rx_bytes, 1014);
    CU_ASSERT_EQUAL(vif_port(a)->stats.drops[DROP_MTU], 2);
    CU_ASSERT_EQUAL(vif_port(b)->stats.drops[DROP_MTU], 0);

    /* mtu 0: no limit but the protocol's */
    vif_set_mtu(a, 0);
    send_bcast(ga, 6, 1500);
    for (int i = 0; i < 50 && sb->rx_frames < 2; i++) {
        spin(10);
        nf_poll(gb);
    }
    CU_ASSERT_EQUAL(sb->rx_frames, 2);
    CU_ASSERT_EQUAL(vif_state(a), VIF_CONNECTED);
    bridge_destroy(br);
    nf_destroy(ga);
    nf_destroy(gb);
}

/* A killed xvsd may have pushed responses without notifying; the guest
 * then waits for an event no later push sends.  Taking the rings over
 * (what a restarted xvsd does) notifies the guest once; attaching to a
 * fresh ring does not. */
static void test_reattach_notifies_guest(void)
{
    struct nf *g, *fresh;
    struct vif *v = attach(12, &g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    const struct vif_frontend fe = *vif_get_frontend(v);
    spin(20);
    send_bcast(g, 12, 100);                  /* on no bridge: answered, dropped */
    for (int i = 0; i < 50 && !nf_get_stats(g)->tx_responses; i++) {
        spin(10);
        nf_poll(g);
    }
    CU_ASSERT_EQUAL(nf_get_stats(g)->tx_responses, 1);
    vif_destroy(v);                          /* xvsd gone; the guest stays */
    spin(10);
    nf_poll(g);
    uint64_t events = nf_get_stats(g)->events;

    char err[256];
    v = vif_attach(nb, 12, 0, NULL, &fe, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    spin(20);
    nf_poll(g);
    CU_ASSERT_EQUAL(nf_get_stats(g)->events - events, 1);

    struct vif *f = attach(13, &fresh);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    spin(20);
    nf_poll(fresh);
    CU_ASSERT_EQUAL(nf_get_stats(fresh)->events, 0);
    vif_destroy(v);
    vif_destroy(f);
    nf_destroy(g);
    nf_destroy(fresh);
}

/* After a restart the guests' rings hold what they queued meanwhile;
 * netback_run_now() (xvsd calls it between the vifs and the host ports)
 * serves it at once: A's frame reaches B and A has its response before
 * the event loop ever runs. */
static void test_run_now_serves_resumed_rings(void)
{
    struct bridge *br = bridge_create("tbr5", NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    struct nf *ga, *gb;
    struct vif *a = attach(14, &ga), *b = attach(15, &gb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    spin(20);
    const struct vif_frontend fa = *vif_get_frontend(a), fb = *vif_get_frontend(b);
    vif_destroy(a);                          /* xvsd gone; the guests stay */
    vif_destroy(b);
    send_bcast(ga, 14, 100);                 /* waits in A's TX ring */

    char err[256];
    a = vif_attach(nb, 14, 0, NULL, &fa, err, sizeof err);
    b = vif_attach(nb, 15, 0, NULL, &fb, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(a)), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, vif_port(b)), 0);
    nf_poll(ga);
    nf_poll(gb);
    CU_ASSERT_EQUAL(nf_get_stats(ga)->tx_responses, 0);     /* not served yet */
    CU_ASSERT_EQUAL(nf_get_stats(gb)->rx_frames, 0);
    netback_run_now(nb);
    nf_poll(ga);
    nf_poll(gb);
    CU_ASSERT_EQUAL(nf_get_stats(ga)->tx_responses, 1);
    CU_ASSERT_EQUAL(nf_get_stats(gb)->rx_frames, 1);
    CU_ASSERT_EQUAL(vif_get_stats(b)->rx_frames, 1);
    spin(20);                                /* nothing served twice */
    nf_poll(gb);
    CU_ASSERT_EQUAL(nf_get_stats(gb)->rx_frames, 1);
    CU_ASSERT_EQUAL(nf_get_stats(ga)->tx_responses, 1);
    netback_run_now(nb);                     /* nothing pending: harmless */
    bridge_destroy(br);
    nf_destroy(ga);
    nf_destroy(gb);
}

int main(void)
{
    static const struct harness_test tests[] = {
        HARNESS_TEST(test_storm_held_then_served),
        HARNESS_TEST(test_busy_guest_never_held),
        HARNESS_TEST(test_revoked_mid_frame_blames_sender),
        HARNESS_TEST(test_revoked_caught_at_tx),
        HARNESS_TEST(test_tx_answered_before_switching),
        HARNESS_TEST(test_tx_budget_counts_slots),
        HARNESS_TEST(test_mtu_both_ways),
        HARNESS_TEST(test_reattach_notifies_guest),
        HARNESS_TEST(test_run_now_serves_resumed_rings),
    };
    return harness_main("test-vif", "vif against hostile guests", tests,
                        sizeof tests / sizeof tests[0]);
}
