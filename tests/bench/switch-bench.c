/* switch-bench: frames/s through the switch core on one core.
 *
 * Two "null" ports (output() only counts) on one bridge, frames pushed
 * with bridge_input() in bursts of 64, like FD.io CSIT's L2 bridge-domain
 * tests:
 *   l2bdbase   2 MACs: port A sends A->B, port B sends B->A.
 *   l2bdscale  M MACs (default 100000): M/2 behind A, M/2 behind B; flow i
 *              is a_i <-> b_i, so M distinct (source, destination) pairs
 *              cross the bridge.  All are learned first, then the timed
 *              run visits the flows in a random order (no cache luck).
 * Every frame costs classification, policy, learn (refresh), lookup and
 * staging; a run fails if a frame was flooded or lost.
 *
 * For scale, the same loops are timed with bridge_input() replaced by a
 * copy of each frame's head to a sink (the "memcpy baseline"): what the
 * harness itself costs and how fast this machine moves bytes right now.
 *
 * Usage: switch-bench [-d SECONDS] [-m MACS] [-r REPEAT] [-t base|scale]
 * Output: one line per test with the best of REPEAT runs, in Mpps, and the
 * ratio to the targets of issue 3 (>= 20 Mpps base, >= 10 Mpps scale). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/util.h"
#include "switch/bridge.h"

#define BURST XVS_BURST_MAX
#define FRAME_BYTES 64
#define TARGET_BASE_MPPS 20.0
#define TARGET_SCALE_MPPS 10.0
#define MACS_MAX 2000000

struct null_port {
    struct port port;
};

static void
null_output(struct port *p, struct frame **frames, const uint16_t *tci,
            unsigned n)
{
    uint64_t bytes = 0;

    (void) tci;
    for (unsigned i = 0; i < n; i++) {
        bytes += frames[i]->len;
    }
    p->stats.tx_packets += n;
    p->stats.tx_bytes += bytes;
}

static const struct port_ops null_ops = { .kind = "null", .output = null_output };

/* One side's burst: frames with their own 64-byte buffers. */
struct burst {
    struct frame frames[BURST];
    struct frame *ptrs[BURST];
    uint8_t bufs[BURST][FRAME_BYTES];
};

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static void
mac_of(uint32_t side, uint32_t i, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = (uint8_t) side;
    mac[2] = (uint8_t) (i >> 24);
    mac[3] = (uint8_t) (i >> 16);
    mac[4] = (uint8_t) (i >> 8);
    mac[5] = (uint8_t) i;
}

static void
burst_init(struct burst *b)
{
    memset(b, 0, sizeof *b);
    for (unsigned i = 0; i < BURST; i++) {
        b->bufs[i][12] = 0x08;          /* IPv4 */
        b->bufs[i][13] = 0x00;
        b->bufs[i][14] = 0x45;
        if (frame_init_local(&b->frames[i], b->bufs[i], FRAME_BYTES)) {
            abort();
        }
        b->ptrs[i] = &b->frames[i];
    }
}

/* Frame k of the burst carries flow `flow`, from side `from`. */
static inline void
burst_set(struct burst *b, unsigned k, uint32_t from, uint32_t flow)
{
    mac_of(from ^ 1, flow, b->bufs[k]);
    mac_of(from, flow, b->bufs[k] + 6);
}

struct bench {
    struct bridge *br;
    struct null_port a, b;
    struct burst ba, bb;
    uint32_t n_flows;
    uint32_t *order;              /* flow visiting order */
    uint8_t sink[BURST][FRAME_BYTES];
};

static uint64_t
delivered(const struct bench *t)
{
    return t->a.port.stats.tx_packets + t->b.port.stats.tx_packets;
}

/* The whole loop, once through bridge_input(), once through memcpy. */
static void
push(struct bench *t, struct port *in, struct burst *b, bool baseline)
{
    if (!baseline) {
        bridge_input(t->br, in, b->ptrs, BURST);
    } else {
        for (unsigned i = 0; i < BURST; i++) {
            memcpy(t->sink[i], b->frames[i].head, FRAME_BYTES);
        }
        __asm__ __volatile__("" : : "r"(t->sink) : "memory");
    }
}

/* Runs for `secs`; returns frames per second. */
static double
run(struct bench *t, double secs, bool scale, bool baseline,
    uint64_t *sent_out)
{
    uint64_t sent = 0;
    uint32_t pos = 0;
    double start = now_s(), end = start + secs, elapsed;

    for (;;) {
        for (int rep = 0; rep < 64; rep++) {
            if (scale) {
                for (unsigned k = 0; k < BURST; k++) {
                    uint32_t flow = t->order[pos];

                    burst_set(&t->ba, k, 0, flow);
                    burst_set(&t->bb, k, 1, flow);
                    if (++pos == t->n_flows) {
                        pos = 0;
                    }
                }
            }
            push(t, &t->a.port, &t->ba, baseline);
            push(t, &t->b.port, &t->bb, baseline);
            sent += 2 * BURST;
        }
        elapsed = now_s() - start;
        if (start + elapsed >= end) {
            break;
        }
    }
    *sent_out = sent;
    return (double) sent / elapsed;
}

static int
setup(struct bench *t, uint32_t n_macs, bool scale)
{
    struct bridge_config cfg = {
        .ageing_s = FDB_DEFAULT_AGEING_S,
        .fdb_max = MAX(n_macs + 1024, (uint32_t) FDB_DEFAULT_MAX),
    };

    memset(&t->a, 0, sizeof t->a);
    memset(&t->b, 0, sizeof t->b);
    t->br = bridge_create("bench0", &cfg, NULL, NULL);
    if (!t->br) {
        return -errno;
    }
    port_init(&t->a.port, "a", &null_ops);
    port_init(&t->b.port, "b", &null_ops);
    if (bridge_add_port(t->br, &t->a.port) || bridge_add_port(t->br, &t->b.port)) {
        return -EINVAL;
    }
    burst_init(&t->ba);
    burst_init(&t->bb);
    t->n_flows = scale ? n_macs / 2 : 1;
    t->order = malloc(t->n_flows * sizeof *t->order);
    if (!t->order) {
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < t->n_flows; i++) {
        t->order[i] = i;
    }
    srand(1);
    for (uint32_t i = t->n_flows - 1; i > 0; i--) {   /* Fisher-Yates */
        uint32_t j = (uint32_t) (((uint64_t) rand() << 16 ^ (uint64_t) rand())
                                 % (i + 1));
        uint32_t tmp = t->order[i];

        t->order[i] = t->order[j];
        t->order[j] = tmp;
    }
    if (!scale) {
        for (unsigned k = 0; k < BURST; k++) {
            burst_set(&t->ba, k, 0, 0);
            burst_set(&t->bb, k, 1, 0);
        }
    }

    /* Learning pass: every source from both sides, then both again so the
     * first A->B frames (flooded while B was unknown) are forwarded. */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t f0 = 0; f0 < t->n_flows; f0 += BURST) {
            for (unsigned k = 0; k < BURST; k++) {
                uint32_t flow = (f0 + k) % t->n_flows;

                burst_set(&t->ba, k, 0, flow);
                burst_set(&t->bb, k, 1, flow);
            }
            bridge_input(t->br, &t->a.port, t->ba.ptrs, BURST);
            bridge_input(t->br, &t->b.port, t->bb.ptrs, BURST);
        }
    }
    return 0;
}

static void
teardown(struct bench *t)
{
    bridge_destroy(t->br);
    free(t->order);
    t->order = NULL;
}

struct result {
    double best_fps;
    bool exact;                   /* every frame delivered exactly once */
    uint64_t frames;              /* sent in all timed runs */
    uint32_t fdb_entries;
};

static int
bench_one(uint32_t n_macs, bool scale, bool baseline, double secs,
          int repeat, struct result *res)
{
    static struct bench t;
    struct fdb_stats fs;
    int error = setup(&t, n_macs, scale);

    if (error) {
        fprintf(stderr, "switch-bench: setup failed: %s\n", strerror(-error));
        return error;
    }
    res->best_fps = 0;
    res->exact = true;
    res->frames = 0;
    for (int r = 0; r < repeat; r++) {
        uint64_t before = delivered(&t), sent;
        double fps = run(&t, secs, scale, baseline, &sent);

        if (!baseline && delivered(&t) - before != sent) {
            res->exact = false;
        }
        res->best_fps = MAX(res->best_fps, fps);
        res->frames += sent;
    }
    fdb_get_stats(bridge_fdb(t.br), &fs);
    res->fdb_entries = fs.entries;
    teardown(&t);
    return 0;
}

static void
usage(void)
{
    printf("usage: switch-bench [-d SECONDS] [-m MACS] [-r REPEAT] [-t base|scale]\n"
           "  -d  seconds per timed run (default 0.5)\n"
           "  -m  MACs of the scale test, even, 4..%d (default 100000)\n"
           "  -r  runs per test, the best is reported (default 3)\n"
           "  -t  run only this test, without its baseline (for profiling)\n",
           MACS_MAX);
}

int
main(int argc, char **argv)
{
    double secs = 0.5;
    unsigned long long macs = 100000, repeat = 3;
    struct result base = { 0 }, scale = { 0 }, base_cp = { 0 }, scale_cp = { 0 };
    const char *only = NULL;
    int c;

    xlog_init(XLOG_TO_STDERR, XLOG_WARN);   /* no per-run port chatter */
    while ((c = getopt(argc, argv, "d:m:r:t:h")) != -1) {
        switch (c) {
        case 't':
            if (strcmp(optarg, "base") && strcmp(optarg, "scale")) {
                fprintf(stderr, "switch-bench: -t %s: want base or scale\n", optarg);
                return 2;
            }
            only = optarg;
            break;
        case 'd':
            secs = atof(optarg);
            if (secs <= 0 || secs > 60) {
                fprintf(stderr, "switch-bench: -d %s: want 0 < SECONDS <= 60\n", optarg);
                return 2;
            }
            break;
        case 'm':
            if (parse_uint(optarg, MACS_MAX, &macs) || macs < 4 || macs % 2) {
                fprintf(stderr, "switch-bench: -m %s: want an even number "
                        "in 4..%d\n", optarg, MACS_MAX);
                return 2;
            }
            break;
        case 'r':
            if (parse_uint(optarg, 100, &repeat) || !repeat) {
                fprintf(stderr, "switch-bench: -r %s: want 1..100\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }

    if (only) {
        bool sc = !strcmp(only, "scale");
        struct result *r = sc ? &scale : &base;

        if (bench_one(sc ? (uint32_t) macs : 2, sc, false, secs, (int) repeat, r)) {
            return 1;
        }
        printf("%s: %.2f Mpps %s (%llu frames)\n", only, r->best_fps / 1e6,
               r->exact ? "ok" : "LOST/FLOODED", (unsigned long long) r->frames);
        return r->exact ? 0 : 1;
    }
    if (bench_one(2, false, false, secs, (int) repeat, &base)
        || bench_one(2, false, true, secs, (int) repeat, &base_cp)
        || bench_one((uint32_t) macs, true, false, secs, (int) repeat, &scale)
        || bench_one((uint32_t) macs, true, true, secs, (int) repeat, &scale_cp)) {
        return 1;
    }

    printf("switch-bench: one core, bursts of %d, %d-byte frames, best of %llu x %.2f s\n",
           BURST, FRAME_BYTES, repeat, secs);
    printf("%-10s %8s %11s %8s %14s %9s %s\n", "test", "MACs", "Mpps",
           "target", "ratio", "memcpy", "check");
    printf("%-10s %8u %11.2f %8.1f %13.2fx %8.2f %s (fdb %u entries)\n",
           "l2bdbase", 2u, base.best_fps / 1e6, TARGET_BASE_MPPS,
           base.best_fps / 1e6 / TARGET_BASE_MPPS, base_cp.best_fps / 1e6,
           base.exact ? "ok" : "LOST/FLOODED", base.fdb_entries);
    printf("%-10s %8llu %11.2f %8.1f %13.2fx %8.2f %s (fdb %u entries)\n",
           "l2bdscale", macs, scale.best_fps / 1e6, TARGET_SCALE_MPPS,
           scale.best_fps / 1e6 / TARGET_SCALE_MPPS, scale_cp.best_fps / 1e6,
           scale.exact ? "ok" : "LOST/FLOODED", scale.fdb_entries);
    return base.exact && scale.exact ? 0 : 1;
}
