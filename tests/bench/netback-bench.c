/* netback-bench: the netback's forwarding cost between two sim guests, in
 * one thread, so that process scheduling on a busy machine does not decide
 * the result.
 *
 * Guest 1 generates, guest 2 sinks (both simfront netfronts over the sim
 * hypervisor, no per-frame copies of their own); netback and a bridge run
 * on the event loop; the guests' work is a "more" callback of the same
 * loop.  For each frame size, rounds alternate three modes and compare the
 * medians of wall time and CPU time per frame: "direct" (heads only at TX,
 * then one grant copy from the sender's pages to the receiver's), "bounce"
 * (every frame through a dom0 buffer, netback_set_bounce) and "default"
 * (what xvsd runs: a TX burst copied whole into dom0 so the sender is
 * answered before switching, NETBACK_TX_COPY_BYTES, then dom0 -> guest).
 *
 * usage: netback-bench [-r ROUNDS] [-n SMALL_FRAMES] [-g GSO_FRAMES] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "netback/netback.h"
#include "netback/vif.h"
#include "netback/xenif.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "tests/sim/simfront.h"

#define ROUNDS_MAX 21
#define GSO_LEN 65000
#define GSO_MSS 1448

struct run {
    struct evloop *loop;
    struct nf *gen, *sink;
    uint8_t frame[GSO_LEN];
    uint32_t len;
    struct nf_offload off;
    uint64_t left, want;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
         + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The guests' turn: collect responses, re-post, generate. */
static void guests(void *arg)
{
    struct run *r = arg;
    nf_poll(r->sink);
    nf_poll(r->gen);
    while (r->left && nf_tx_fits(r->gen, r->len, r->off.gso_type)) {
        if (nf_send(r->gen, r->frame, r->len, &r->off))
            break;
        r->left--;
    }
    nf_flush(r->gen);
    if (nf_get_stats(r->sink)->rx_frames >= r->want)
        evloop_stop(r->loop);
    else
        evloop_want_more(r->loop, guests, r);
}

static void build(struct run *r, bool gso)
{
    uint8_t *f = r->frame;
    memset(f, 0, sizeof r->frame);
    memcpy(f, "\x00\x16\x3e\x5c\x00\x02\x00\x16\x3e\x5c\x00\x01\x08\x00", 14);
    r->len = gso ? GSO_LEN : 64;
    f[14] = 0x45;
    f[16] = (uint8_t)((r->len - 14) >> 8);
    f[17] = (uint8_t)(r->len - 14);
    f[22] = 64;
    f[23] = gso ? 6 : 17;
    memcpy(f + 26, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
    memset(&r->off, 0, sizeof r->off);
    if (gso) {
        f[46] = 5 << 4;
        r->off.csum_blank = true;
        r->off.gso_type = XEN_NETIF_GSO_TYPE_TCPV4;
        r->off.gso_size = GSO_MSS;
    } else {
        r->off.data_validated = true;
    }
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof *v, cmp);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    unsigned rounds = 5;
    uint64_t n_small = 1000000, n_gso = 20000;
    char dir[] = "/tmp/xvs-netback-bench.XXXXXX", err[256], path[300];
    int c;

    while ((c = getopt(argc, argv, "r:n:g:")) != -1) {
        switch (c) {
        case 'r': rounds = (unsigned)atoi(optarg); break;
        case 'n': n_small = strtoull(optarg, NULL, 10); break;
        case 'g': n_gso = strtoull(optarg, NULL, 10); break;
        default:
            fprintf(stderr, "usage: netback-bench [-r ROUNDS] [-n SMALL] [-g GSO]\n");
            return 2;
        }
    }
    if (rounds < 1 || rounds > ROUNDS_MAX) {
        fprintf(stderr, "netback-bench: rounds 1..%d\n", ROUNDS_MAX);
        return 2;
    }
    xlog_init(XLOG_TO_STDERR, XLOG_WARN);
    if (!mkdtemp(dir)) {
        perror("netback-bench: mkdtemp");
        return 1;
    }

    static struct run r;
    struct nf_options o = { .dir = dir, .domid = 1 };
    vif_frontend_linux_defaults(&o.features);
    r.loop = evloop_create();
    r.gen = nf_create(&o, err, sizeof err);
    o.domid = 2;
    r.sink = r.gen ? nf_create(&o, err, sizeof err) : NULL;
    struct xenif *x = r.sink ? xenif_sim_open(dir, 0, err, sizeof err) : NULL;
    struct netback *nb = x ? netback_create(r.loop, x, NULL, err, sizeof err) : NULL;
    struct bridge_config bc = { .ageing_s = 300, .fdb_max = 1024 };
    struct bridge *br = bridge_create("benchbr0", &bc, NULL, NULL);
    if (!nb || !br) {
        fprintf(stderr, "netback-bench: %s\n", err);
        return 1;
    }
    nf_set_tx_same_frame(r.gen, true);
    nf_set_rx_copy(r.sink, false);
    struct vif *v[2];
    struct nf *nfs[2] = { r.gen, r.sink };
    for (int i = 0; i < 2; i++) {
        struct vif_frontend fe;
        uint16_t domid;
        uint32_t devid;
        uint8_t mac[6];
        snprintf(path, sizeof path, "%s/dom%d.vif0", dir, i + 1);
        if (nf_write_info(nfs[i], path) || nf_read_info(path, &domid, &devid, &fe, mac)
            || !(v[i] = vif_attach(nb, domid, devid, NULL, &fe, err, sizeof err))
            || bridge_add_port(br, vif_port(v[i]))) {
            fprintf(stderr, "netback-bench: attach dom%d: %s\n", i + 1, err);
            return 1;
        }
        unlink(path);
        /* The sink never sends: its MAC is made known, as a real guest's
         * is (ARP), so frames to it are unicast, not floods. */
        if (i == 1 && fdb_add_static(bridge_fdb(br), mac, 1, vif_port(v[i]))) {
            fprintf(stderr, "netback-bench: fdb-add dom2\n");
            return 1;
        }
    }

    enum { DIRECT, BOUNCE, DEFAULT, N_MODES };
    static const char *const mode_names[N_MODES] = { "direct", "bounce", "default" };
    double wall[2][N_MODES][ROUNDS_MAX], cpus[2][N_MODES][ROUNDS_MAX];
    uint64_t queued[2][N_MODES] = { { 0 } };
    for (int kind = 0; kind < 2; kind++) {
        uint64_t n = kind ? n_gso : n_small;
        build(&r, kind);
        nf_set_tx_same_frame(r.gen, true);      /* forget pages of the old frame */
        for (unsigned k = 0; k < rounds; k++) {
            for (int mode = 0; mode < N_MODES; mode++) {
                netback_set_bounce(nb, mode == BOUNCE);
                netback_set_tx_copy(nb, mode == DEFAULT ? NETBACK_TX_COPY_BYTES : 0);
                uint64_t q0 = vif_get_stats(v[1])->rx_queued;
                r.left = n;
                r.want = nf_get_stats(r.sink)->rx_frames + n;
                double t0 = now(), c0 = cpu();
                evloop_want_more(r.loop, guests, &r);
                evloop_run(r.loop);
                wall[kind][mode][k] = (now() - t0) / (double)n * 1e9;
                cpus[kind][mode][k] = (cpu() - c0) / (double)n * 1e9;
                queued[kind][mode] += vif_get_stats(v[1])->rx_queued - q0;
            }
        }
    }

    printf("netback-bench: two sim guests, one bridge, one thread; median of %u rounds\n",
           rounds);
    printf("%-22s %-8s %14s %14s %9s %11s\n", "", "", "ns/frame wall", "ns/frame CPU",
           "rate", "backlogged");
    const char *names[2] = { "64-byte frames", "64 KiB GSO frames" };
    double med[2][N_MODES][2];
    for (int kind = 0; kind < 2; kind++)
        for (int mode = 0; mode < N_MODES; mode++) {
            double w = med[kind][mode][0] = median(wall[kind][mode], rounds);
            double cc = med[kind][mode][1] = median(cpus[kind][mode], rounds);
            char rate[32];
            if (kind)
                snprintf(rate, sizeof rate, "%.2f Gb/s", GSO_LEN * 8.0 / w);
            else
                snprintf(rate, sizeof rate, "%.2f Mf/s", 1e3 / w);
            printf("%-22s %-8s %14.0f %14.0f %9s %11llu\n", mode ? "" : names[kind],
                   mode_names[mode], w, cc, rate,
                   (unsigned long long)queued[kind][mode]);
        }
    for (int kind = 0; kind < 2; kind++) {
        printf("%s: direct is %.2fx the bounce path's rate (wall), %.2fx less CPU\n",
               names[kind], med[kind][BOUNCE][0] / med[kind][DIRECT][0],
               med[kind][BOUNCE][1] / med[kind][DIRECT][1]);
        printf("%s: default (early TX answer) is %.2fx the direct path's rate (wall)\n",
               names[kind], med[kind][DIRECT][0] / med[kind][DEFAULT][0]);
    }

    bridge_destroy(br);
    netback_destroy(nb);
    xenif_close(x);
    nf_destroy(r.gen);
    nf_destroy(r.sink);
    evloop_destroy(r.loop);
    rmdir(dir);
    return 0;
}
