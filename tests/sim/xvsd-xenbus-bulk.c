/* xvsd-xenbus-bulk: N guests, each with one vif, brought up one after
 * another exactly as on a Xen host, against a running xvsd (its xenstore
 * module) and the fake xenstored (XENSTORED_PATH), timing each step.
 *
 * Per guest D (first .. first+count-1), in this process:
 *   - a sim domain with a netfront (tests/sim/simfront.c: real rings, grant
 *     refs and event channels on the sim hypervisor of XVS_SIM_DIR / --dir);
 *   - libxl's side (tests/sim/xenstored-libxl.c): domain introduced, the
 *     FE and BE directories in one transaction, wait for InitWait, then the
 *     hotplug script run as libxl runs it (argv `SCRIPT online
 *     type_if=vif`, environment script, XENBUS_TYPE, XENBUS_PATH,
 *     XENBUS_BASE_PATH, netdev, vif on top of ours, 40 s limit);
 *   - netfront's side, on the guest's own xenstore connection (SOCK.D):
 *     ring refs, event channel and features in one transaction, then
 *     state=4, wait for the backend's Connected.
 * One line per vif:  vif=D initwait_ms= hotplug_ms= connect_ms= total_ms=
 * (total: BE directory written -> BE Connected), then percentiles.
 *
 * With --ready FILE --go FILE: once all are up, FILE is created (the
 * caller checks xvsd), and removal starts when the go file appears:
 * network-detach as libxl + netfront do it (online=0, state=5; the guest
 * answers Closing with Closed; wait for 6; script `offline`; directories
 * removed), then the domain is released.  Exit 0 only if every step of
 * every vif succeeded. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "tests/sim/simfront.h"
#include "tests/sim/xenstored-libxl.h"

#define BULK_MAX 1000                 /* guests in one run */
#define GO_WAIT_MS 300000             /* the caller's checks, at most */
#define NF_STEP_MS 5000               /* netfront waits 5 s per step */

struct guest {
    unsigned domid;
    struct nf *nf;
    struct xs_handle *xs;             /* the guest's own connection */
    char info[256];
    char mac[18];
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *script;

/* libxl__hotplug_nic (the environment is built before fork: this process
 * has threads). */
static int run_script(void *arg, const char *action, const char *be_path)
{
    return xl_run_script(script, *(const unsigned *)arg, 0, false, action, be_path);
}

static struct xs_handle *open_as(const char *sock, unsigned domid)
{
    char path[256];

    if (domid)
        snprintf(path, sizeof path, "%s.%u", sock, domid);
    else
        snprintf(path, sizeof path, "%s", sock);
    setenv("XENSTORED_PATH", path, 1);
    struct xs_handle *h = xs_open(0);
    setenv("XENSTORED_PATH", sock, 1);
    return h;
}

/* Netfront's connect: its keys (from the info file: what simfront set
 * up) in one transaction, then state=4 outside it. */
static int front_connect(struct guest *g)
{
    char line[256], p[160];
    xs_transaction_t t;
    FILE *f;

again:
    if (!(f = fopen(g->info, "r")))
        return -errno;
    t = xs_transaction_start(g->xs);
    if (t == XBT_NULL) {
        fclose(f);
        return -errno;
    }
    while (fgets(line, sizeof line, f)) {
        char *eq = strchr(line, '=');
        line[strcspn(line, "\n")] = '\0';
        if (!eq || !strncmp(line, "domid=", 6) || !strncmp(line, "devid=", 6)
            || !strncmp(line, "mac=", 4))
            continue;
        *eq = '\0';
        snprintf(p, sizeof p, "device/vif/0/%.64s", line);
        xs_write(g->xs, t, p, eq + 1, (unsigned)strlen(eq + 1));
    }
    fclose(f);
    if (!xs_transaction_end(g->xs, t, false)) {
        if (errno == EAGAIN)
            goto again;
        return -errno;
    }
    return xs_write(g->xs, XBT_NULL, "device/vif/0/state", "4", 1) ? 0 : -errno;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, unsigned n, unsigned p)
{
    unsigned i = n * p / 100;
    return v[i < n ? i : n - 1];
}

static void summary(const char *what, double *v, unsigned n)
{
    qsort(v, n, sizeof *v, cmp_double);
    printf("# %-22s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", what, pct(v, n, 50),
           pct(v, n, 99), v[n - 1]);
}

static bool wait_file(const char *path, int timeout_ms)
{
    double end = now_ms() + timeout_ms;
    while (access(path, F_OK)) {
        if (now_ms() > end)
            return false;
        usleep(20000);
    }
    return true;
}

static void usage(void)
{
    fprintf(stderr, "usage: xvsd-xenbus-bulk --dir SIMDIR --script PATH --bridge BR\n"
            "         [--first DOMID] [--count N] [--ready FILE --go FILE]\n"
            "       (XENSTORED_PATH: the fake xenstored's dom0 socket)\n");
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "dir", 1, NULL, 'd' }, { "script", 1, NULL, 's' }, { "bridge", 1, NULL, 'b' },
        { "first", 1, NULL, 'f' }, { "count", 1, NULL, 'n' }, { "ready", 1, NULL, 'r' },
        { "go", 1, NULL, 'g' }, { NULL, 0, NULL, 0 },
    };
    const char *dir = getenv("XVS_SIM_DIR"), *bridge = NULL, *ready = NULL, *go = NULL;
    const char *sock = getenv("XENSTORED_PATH");
    unsigned first = 100, count = 100, up = 0;
    struct guest *gs;
    double *lat[4];
    struct xs_handle *h0;
    int opt, rc = 0;

    while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (opt) {
        case 'd': dir = optarg; break;
        case 's': script = optarg; break;
        case 'b': bridge = optarg; break;
        case 'f': first = (unsigned)atoi(optarg); break;
        case 'n': count = (unsigned)atoi(optarg); break;
        case 'r': ready = optarg; break;
        case 'g': go = optarg; break;
        default: usage(); return 2;
        }
    }
    if (!dir || !script || !bridge || !sock || !count || count > BULK_MAX || !first
        || first + count > 0x7ff0 || !ready != !go) {
        usage();
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    gs = calloc(count, sizeof *gs);
    for (int k = 0; k < 4; k++)
        lat[k] = calloc(count, sizeof *lat[k]);
    h0 = open_as(sock, 0);
    if (!gs || !lat[3] || !h0) {
        perror("bulk: setup");
        return 2;
    }

    for (unsigned i = 0; i < count; i++) {
        struct guest *g = &gs[i];
        struct nf_options o = { .dir = dir, .domid = (uint16_t)(first + i) };
        struct xl_nic nic = { 0 };
        char err[512], path[128];
        double t0, t1, t2, t3;
        int r;

        g->domid = first + i;
        vif_frontend_linux_defaults(&o.features);
        if (!(g->nf = nf_create(&o, err, sizeof err))) {
            fprintf(stderr, "bulk: guest %u: %s\n", g->domid, err);
            rc = 1;
            break;
        }
        snprintf(g->info, sizeof g->info, "%s/dom%u.vif0", dir, g->domid);
        nf_write_info(g->nf, g->info);
        {
            uint16_t d;
            uint32_t devid;
            struct vif_frontend fe;
            uint8_t m[6];
            nf_read_info(g->info, &d, &devid, &fe, m);
            snprintf(g->mac, sizeof g->mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
                     m[2], m[3], m[4], m[5]);
        }
        if ((r = xl_domain_create(h0, g->domid)) || !(g->xs = open_as(sock, g->domid))) {
            fprintf(stderr, "bulk: domain %u: %s\n", g->domid, strerror(r ? -r : errno));
            rc = 1;
            break;
        }
        nic.mac = g->mac;
        nic.bridge = bridge;
        nic.script = script;
        t0 = now_ms();
        if ((r = xl_nic_add(h0, g->domid, 0, &nic))) {
            fprintf(stderr, "bulk: vif %u: writing the device: %s\n", g->domid, strerror(-r));
            rc = 1;
            break;
        }
        snprintf(path, sizeof path, "/local/domain/0/backend/vif/%u/0/state", g->domid);
        if (xl_wait_state(h0, path, 2, XL_INIT_TIMEOUT_MS)) {
            fprintf(stderr, "bulk: vif %u: no InitWait within 10 s\n", g->domid);
            rc = 1;
            break;
        }
        t1 = now_ms();
        if (xl_nic_hotplug(h0, g->domid, 0, "online", run_script, &g->domid, err,
                           sizeof err)) {
            fprintf(stderr, "bulk: vif %u: hotplug script failed: %s\n", g->domid, err);
            rc = 1;
            break;
        }
        t2 = now_ms();
        if ((r = front_connect(g)) || xl_wait_state(h0, path, 4, NF_STEP_MS)) {
            fprintf(stderr, "bulk: vif %u: not Connected: %s\n", g->domid,
                    r ? strerror(-r) : "backend state is not 4 after 5 s");
            rc = 1;
            break;
        }
        t3 = now_ms();
        lat[0][i] = t1 - t0;
        lat[1][i] = t2 - t1;
        lat[2][i] = t3 - t2;
        lat[3][i] = t3 - t0;
        printf("vif=%u initwait_ms=%.2f hotplug_ms=%.2f connect_ms=%.2f total_ms=%.2f\n",
               g->domid, lat[0][i], lat[1][i], lat[2][i], lat[3][i]);
        up++;
    }
    if (up) {
        printf("# %u vifs, one after another (BE directory written -> ...):\n", up);
        summary("InitWait", lat[0], up);
        summary("vif-xvs online", lat[1], up);
        summary("FE 4 -> BE Connected", lat[2], up);
        summary("total (-> Connected)", lat[3], up);
    }

    if (ready && !rc) {
        FILE *f = fopen(ready, "w");
        if (f)
            fclose(f);
        if (!wait_file(go, GO_WAIT_MS)) {
            fprintf(stderr, "bulk: %s never appeared\n", go);
            rc = 1;
        }
    }
    if (ready) {
        double *closed = lat[0];
        unsigned n_closed = 0;
        for (unsigned i = 0; i < up; i++) {
            struct guest *g = &gs[i];
            char be[96], path[128];
            double t0 = now_ms();
            snprintf(path, sizeof path, "/local/domain/0/backend/vif/%u/0/state", g->domid);
            xl_nic_remove_begin(h0, g->domid, 0, false);
            /* netfront: backend Closing -> frontend Closed */
            if (xl_wait_state(g->xs, path, 5, NF_STEP_MS)
                || !xs_write(g->xs, XBT_NULL, "device/vif/0/state", "6", 1)) {
                fprintf(stderr, "bulk: vif %u: backend never Closing\n", g->domid);
                rc = 1;
            }
            if (xl_nic_remove_wait(h0, g->domid, 0, XL_DESTROY_TIMEOUT_MS)) {
                fprintf(stderr, "bulk: vif %u: backend never Closed\n", g->domid);
                rc = 1;
            } else {
                closed[n_closed++] = now_ms() - t0;
                snprintf(be, sizeof be, "backend/vif/%u/0", g->domid);
                run_script(&g->domid, "offline", be);
            }
            xl_nic_remove_finish(h0, g->domid, 0);
        }
        if (n_closed) {
            printf("# %u vifs removed (network-detach):\n", n_closed);
            summary("online=0 -> BE Closed", closed, n_closed);
        }
    }
    for (unsigned i = 0; i < count; i++) {
        if (gs[i].xs)
            xs_close(gs[i].xs);
        if (gs[i].domid && ready)
            xl_domain_destroy(h0, gs[i].domid);
        if (gs[i].nf)
            nf_destroy(gs[i].nf);
    }
    xs_close(h0);
    free(gs);
    for (int k = 0; k < 4; k++)
        free(lat[k]);
    return rc;
}
