/* xenstored-xl: libxl's (and netfront's) xenstore side of a vif, from the
 * shell, against the fake xenstored (XENSTORED_PATH=SOCK).
 *
 *   xenstored-xl domain-create D          introduce D, its home directory
 *   xenstored-xl domain-destroy D         release D (@releaseDomain), rm home
 *   xenstored-xl nic-add D N KEY=VALUE... libxl__device_nic_add: the
 *        transaction, wait <= 10 s for InitWait, then the script
 *        (`script=` key, default /etc/xen/scripts/vif-xvs) run as libxl
 *        runs it: argv [script, online, type_if=vif], environment script,
 *        XENBUS_TYPE, XENBUS_PATH, XENBUS_BASE_PATH, netdev, vif added to
 *        ours, 40 s limit.  type=vif_ioemu (an HVM guest's NIC): then a
 *        second run for the emulated NIC, [script, add, type_if=tap], and
 *        INTERFACE=vif<D>.<N>-emu in both runs' environment (libxl_linux.c:
 *        libxl__hotplug_nic, get_hotplug_env).  Keys: mac bridge script type vifname ip rate
 *        vlan mtu, any other goes to the backend directory as given.
 *        Prints  write_ms=W initwait_ms=X hotplug_ms=Y: libxl's transaction,
 *        its commit to backend InitWait, the script (and hotplug-error on
 *        failure).
 *        Exit: 0, 1 script failed, 3 no InitWait (libxl: "unable to add").
 *   xenstored-xl nic-remove D N [force]   online=0 + state=5, wait <= 10 s
 *        for Closed (then force: FE dir removed, 10 s more), script
 *        `offline` if Closed was reached (then `remove type_if=tap` for a
 *        vif_ioemu device), directories removed.  Prints
 *        closed_ms=X.
 *   xenstored-xl front-connect D N INFO   as guest D (SOCK.D): netfront's
 *        keys from a sim guest's info file (tests/sim/simfront.c), one
 *        transaction, then state=4; waits <= 5 s for backend Connected.
 *   xenstored-xl front-answer D N         as guest D: wait <= 10 s for
 *        backend Closing, answer with Closed (netfront on network-detach).
 *   xenstored-xl front-state D N S        as guest D: write FE state S. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "tests/sim/xenstored-libxl.h"
#include "tests/sim/xenstored-netfront.h"

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static unsigned
num(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > 0x7fff0) {
        fprintf(stderr, "xenstored-xl: '%s' is not a number\n", s);
        exit(2);
    }
    return (unsigned) v;
}

static struct xs_handle *
open_as(unsigned domid)
{
    const char *base = getenv("XENSTORED_PATH");
    char path[256];
    struct xs_handle *h;

    if (!base) {
        fputs("xenstored-xl: XENSTORED_PATH is not set\n", stderr);
        exit(2);
    }
    if (domid) {
        snprintf(path, sizeof path, "%s.%u", base, domid);
        setenv("XENSTORED_PATH", path, 1);
    }
    h = xs_open(0);
    if (!h) {
        perror("xenstored-xl: xs_open");
        exit(2);
    }
    return h;
}

struct script {
    const char *path;
    unsigned domid, devid;
    bool ioemu;                         /* type=vif_ioemu: INTERFACE set */
};

/* libxl__hotplug: the script with libxl's argv and environment, 40 s. */
static int
run_script(void *arg, const char *action, const char *be_path)
{
    const struct script *sc = arg;

    return xl_run_script(sc->path, sc->domid, sc->devid, sc->ioemu, action, be_path);
}

static int
nic_add(unsigned d, unsigned n, int argc, char **argv)
{
    struct xs_handle *h = open_as(0);
    struct xl_nic nic = { 0 };
    struct script s = { "/etc/xen/scripts/vif-xvs", d, n, false };
    unsigned nextra = 0;
    char path[128], err[512];
    double t0, t1, tw;
    int rc;

    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        const char *k = argv[i], *v = eq ? eq + 1 : "";
        if (!eq) {
            fprintf(stderr, "xenstored-xl: '%s': expected KEY=VALUE\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        if (!strcmp(k, "mac")) nic.mac = v;
        else if (!strcmp(k, "bridge")) nic.bridge = v;
        else if (!strcmp(k, "script")) nic.script = s.path = v;
        else if (!strcmp(k, "type")) nic.type = v, s.ioemu = !strcmp(v, "vif_ioemu");
        else if (!strcmp(k, "vifname")) nic.vifname = v;
        else if (!strcmp(k, "ip")) nic.ip = v;
        else if (!strcmp(k, "rate")) nic.rate = v;
        else if (!strcmp(k, "vlan")) nic.vlan = v;
        else if (!strcmp(k, "mtu")) nic.mtu = v;
        else if (nextra < 8) {
            nic.extra[nextra][0] = k;
            nic.extra[nextra++][1] = v;
        }
    }
    if (!nic.mac) {
        fputs("xenstored-xl: nic-add needs mac=\n", stderr);
        return 2;
    }
    t0 = now_ms();
    if ((rc = xl_nic_add(h, d, n, &nic))) {
        fprintf(stderr, "xenstored-xl: writing the device: %s\n", strerror(-rc));
        return 2;
    }
    tw = now_ms() - t0;                 /* libxl's own transaction */
    t0 = now_ms();
    snprintf(path, sizeof path, "/local/domain/0/backend/vif/%u/%u/state", d, n);
    if (xl_wait_state(h, path, 2, XL_INIT_TIMEOUT_MS)) {
        printf("initwait_ms=timeout\n");
        fprintf(stderr, "libxl: error: unable to add device with path "
                "/local/domain/0/backend/vif/%u/%u\n", d, n);
        return 3;
    }
    t1 = now_ms();
    rc = xl_nic_hotplug(h, d, n, "online", run_script, &s, err, sizeof err);
    if (!rc && s.ioemu) {
        rc = xl_nic_hotplug(h, d, n, "add", run_script, &s, err, sizeof err);
    }
    printf("write_ms=%.2f initwait_ms=%.2f hotplug_ms=%.2f\n", tw, t1 - t0, now_ms() - t1);
    if (rc) {
        printf("hotplug-error=%s\n", err);
        fprintf(stderr, "libxl: error: script: %s\n", err);
        return 1;
    }
    xs_close(h);
    return 0;
}

static int
nic_remove(unsigned d, unsigned n, bool force)
{
    struct xs_handle *h = open_as(0);
    char path[128];
    char *script, *type;
    struct script s = { NULL, d, n, false };
    double t0 = now_ms();
    int closed;

    snprintf(path, sizeof path, "/local/domain/0/backend/vif/%u/%u/script", d, n);
    script = xs_read(h, XBT_NULL, path, NULL);
    s.path = script ? script : "/etc/xen/scripts/vif-xvs";
    snprintf(path, sizeof path, "/local/domain/0/backend/vif/%u/%u/type", d, n);
    type = xs_read(h, XBT_NULL, path, NULL);
    s.ioemu = type && !strcmp(type, "vif_ioemu");
    free(type);
    xl_nic_remove_begin(h, d, n, force);
    closed = xl_nic_remove_wait(h, d, n, XL_DESTROY_TIMEOUT_MS);
    printf("closed_ms=%s%.2f\n", closed ? "timeout:" : "", now_ms() - t0);
    if (!closed) {
        char be[48];
        snprintf(be, sizeof be, "backend/vif/%u/%u", d, n);
        run_script(&s, "offline", be);
        if (s.ioemu) {
            run_script(&s, "remove", be);
        }
    }
    xl_nic_remove_finish(h, d, n);
    free(script);
    xs_close(h);
    return closed ? 1 : 0;
}

static int
front_connect(unsigned d, unsigned n, const char *info)
{
    struct xs_handle *h = open_as(d);
    FILE *f = fopen(info, "r");
    char line[256], p[128];
    struct nf nf;
    xs_transaction_t t;
    int r;

    if (!f) {
        perror(info);
        return 2;
    }
    if ((r = nf_init(&nf, h, n))) {
        fprintf(stderr, "xenstored-xl: device/vif/%u: %s\n", n, strerror(-r));
        return 2;
    }
    snprintf(p, sizeof p, "%s/state", nf.be);
    if (xl_wait_state(h, p, 2, NF_STEP_TIMEOUT_MS)) {
        fputs("xenstored-xl: backend never reached InitWait\n", stderr);
        return 1;
    }
again:
    t = xs_transaction_start(h);
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        char *eq = strchr(line, '=');
        line[strcspn(line, "\n")] = '\0';
        if (!eq || !strncmp(line, "domid=", 6) || !strncmp(line, "devid=", 6)
            || !strncmp(line, "mac=", 4)) {
            continue;
        }
        *eq = '\0';
        snprintf(p, sizeof p, "device/vif/%u/%.64s", n, line);
        xs_write(h, t, p, eq + 1, (unsigned) strlen(eq + 1));
    }
    if (!xs_transaction_end(h, t, false)) {
        if (errno == EAGAIN) {
            goto again;
        }
        perror("xenstored-xl: transaction");
        return 1;
    }
    fclose(f);
    r = nf_switch(&nf, 4, 1u << 4, NF_STEP_TIMEOUT_MS);
    if (r) {
        fprintf(stderr, "xenstored-xl: backend not Connected (state %d)\n", nf_be_state(&nf));
    }
    xs_close(h);
    return r ? 1 : 0;
}

static int
front_answer(unsigned d, unsigned n)
{
    struct xs_handle *h = open_as(d);
    struct nf nf;
    char p[128];

    if (nf_init(&nf, h, n)) {
        return 2;
    }
    snprintf(p, sizeof p, "%s/state", nf.be);
    if (xl_wait_state(h, p, 5, XL_DESTROY_TIMEOUT_MS)) {
        fputs("xenstored-xl: backend never Closing\n", stderr);
        return 1;
    }
    nf_switch(&nf, 6, 0, 0);
    xs_close(h);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";

    if (!strcmp(cmd, "domain-create") && argc == 3) {
        struct xs_handle *h = open_as(0);
        return xl_domain_create(h, num(argv[2])) ? 1 : 0;
    }
    if (!strcmp(cmd, "domain-destroy") && argc == 3) {
        struct xs_handle *h = open_as(0);
        return xl_domain_destroy(h, num(argv[2])) ? 1 : 0;
    }
    if (!strcmp(cmd, "nic-add") && argc >= 4) {
        return nic_add(num(argv[2]), num(argv[3]), argc - 4, argv + 4);
    }
    if (!strcmp(cmd, "nic-remove") && (argc == 4 || argc == 5)) {
        return nic_remove(num(argv[2]), num(argv[3]), argc == 5 && !strcmp(argv[4], "force"));
    }
    if (!strcmp(cmd, "front-connect") && argc == 5) {
        return front_connect(num(argv[2]), num(argv[3]), argv[4]);
    }
    if (!strcmp(cmd, "front-answer") && argc == 4) {
        return front_answer(num(argv[2]), num(argv[3]));
    }
    if (!strcmp(cmd, "front-state") && argc == 5) {
        struct xs_handle *h = open_as(num(argv[2]));
        struct nf nf;
        return nf_init(&nf, h, num(argv[3])) || nf_switch(&nf, num(argv[4]), 0, 0) ? 1 : 0;
    }
    fputs("usage: xenstored-xl domain-create D | domain-destroy D |\n"
          "       nic-add D N mac=M [KEY=VALUE...] | nic-remove D N [force] |\n"
          "       front-connect D N INFO | front-answer D N | front-state D N S\n", stderr);
    return 2;
}
