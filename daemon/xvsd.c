/* xvsd: the xvs daemon -- options, start, signals, reload, shutdown.
 *
 * Life cycle:
 *   start:  options -> config file (any error: exit 1) -> [detach, unless
 *           -f or NOTIFY_SOCKET is set] -> control socket (another xvsd there: exit 1)
 *           -> bridges from the file (failures logged, the rest runs) ->
 *           modules (netback, xenstore: modules.h) -> READY=1; host ports
 *           a crashed xvsd left are adopted, or deleted if no longer
 *           configured (ports/hpstate.h)
 *   SIGHUP: RELOADING=1 -> parse the file again; with errors, log them all
 *           and keep running unchanged; else apply the difference
 *           (apply.h) -> READY=1.  [xen] (the guest backend) and
 *           control-socket changes are logged and wait for a restart.
 *   SIGTERM, SIGINT: STOPPING=1 -> close the control socket -> stop the
 *           modules (vifs leave their bridges) -> remove every
 *           bridge and port xvsd made (host ports give their addresses
 *           back, their persistent TAPs go away) -> exit 0
 * Signals arrive through a signalfd on the event loop, so handlers never
 * run in the middle of anything.  A 1-second timer runs each bridge's
 * periodic work (FDB ageing). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/apply.h"
#include "daemon/brmgr.h"
#include "daemon/conf.h"
#include "daemon/ctl.h"
#include "daemon/ctl_commands.h"
#include "daemon/ctl_server.h"
#include "daemon/detach.h"
#include "daemon/modules.h"
#include "daemon/xvsd_netback.h"
#include "daemon/xvsd_xenbus.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/sdload.h"
#include "netback/netback.h"
#include "ports/hostport.h"
#include "ports/hpstate.h"
#include "ports/tapport.h"
#include "ports/uplink.h"
#include "switch/bridge.h"
#include "xenstore/store.h"

#ifndef XVS_CONF_PATH
#define XVS_CONF_PATH "/etc/xvs/xvs.conf"
#endif
#define BRIDGE_RUN_MS 1000

struct options {
    bool foreground, check;
    const char *config;                 /* NULL: XVS_CONF_PATH */
    const char *control;                /* NULL: from the file */
    const char *log_level;              /* NULL: from the file */
    int log_target;                     /* -1: automatic */
};

static struct options opt = { .log_target = -1 };
static struct evloop *loop;
static struct conf *cur;                /* the configuration applied */
static const char *conf_path;

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: xvsd [OPTIONS]\n"
        "The xvs daemon: Xen network backend and learning switch.\n\n"
        "  -f, --foreground       do not detach (systemd runs xvsd -f)\n"
        "  -c, --config=PATH      configuration file (default %s)\n"
        "      --control=PATH     control socket (default: [global] control-socket,\n"
        "                         else %s)\n"
        "  -l, --log-level=SPEC   e.g. info or info,fdb=debug (overrides the file)\n"
        "      --log-target=T     stderr or journal (default: journal under systemd\n"
        "                         or when detached, else stderr)\n"
        "  -t, --check-config     check the configuration file and exit\n"
        "  -h, --help             show this help\n"
        "  -V, --version          show the version\n",
        XVS_CONF_PATH, CTL_DEFAULT_SOCKET);
}

static void parse_options(int argc, char *argv[])
{
    enum { OPT_CONTROL = 256, OPT_LOG_TARGET };
    static const struct option longs[] = {
        { "foreground", no_argument, NULL, 'f' },
        { "config", required_argument, NULL, 'c' },
        { "control", required_argument, NULL, OPT_CONTROL },
        { "log-level", required_argument, NULL, 'l' },
        { "log-target", required_argument, NULL, OPT_LOG_TARGET },
        { "check-config", no_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "fc:l:thV", longs, NULL)) != -1) {
        switch (c) {
        case 'f': opt.foreground = true; break;
        case 'c': opt.config = optarg; break;
        case OPT_CONTROL: opt.control = optarg; break;
        case 'l': opt.log_level = optarg; break;
        case 't': opt.check = true; break;
        case OPT_LOG_TARGET:
            if (!strcmp(optarg, "stderr"))
                opt.log_target = XLOG_TO_STDERR;
            else if (!strcmp(optarg, "journal"))
                opt.log_target = XLOG_TO_JOURNAL;
            else {
                fprintf(stderr, "xvsd: --log-target: '%s' is not stderr or journal\n",
                        optarg);
                exit(2);
            }
            break;
        case 'h': usage(stdout); exit(0);
        case 'V': printf("xvsd (xvs) %s\n", PACKAGE_VERSION); exit(0);
        default:
            fprintf(stderr, "Try 'xvsd --help'.\n");
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xvsd: unexpected argument '%s' (try 'xvsd --help')\n",
                argv[optind]);
        exit(2);
    }
}

/* Started by systemd (any service type): log to the journal by default. */
static bool under_systemd(void)
{
    return getenv("INVOCATION_ID") || getenv("JOURNAL_STREAM");
}

/* The file's log levels, unless -l overrides them. */
static void set_log_levels(const struct conf *c)
{
    enum xlog_level lv[XLOG_N_MODULES];
    char why[512];

    for (int m = 0; m < XLOG_N_MODULES; m++)
        lv[m] = c->log_levels[m];
    if (opt.log_level && conf_parse_log_levels(opt.log_level, lv, why, sizeof why)) {
        fprintf(stderr, "xvsd: --log-level: %s\n", why);
        exit(2);
    }
    for (int m = 0; m < XLOG_N_MODULES; m++)
        xlog_set_level(m, lv[m]);
}

/* Returns the configuration, or NULL after logging every error. */
static struct conf *load(bool at_start)
{
    struct conf_errors errs;
    struct conf *c;

    if (at_start && !opt.config && !opt.check && access(conf_path, F_OK) < 0
        && errno == ENOENT) {
        xlog(XLOG_MOD_CONFIG, XLOG_WARN, "%s does not exist: starting without "
             "bridges (add them with xvsctl add-br)", conf_path);
        return conf_default();
    }
    c = conf_parse_file(conf_path, &errs);
    for (size_t i = 0; i < errs.n; i++)
        xlog(XLOG_MOD_CONFIG, XLOG_ERR, "%s", errs.msgs[i]);
    if (!c)
        xlog(XLOG_MOD_CONFIG, XLOG_ERR, "%s: %zu error%s", conf_path, errs.n,
             errs.n == 1 ? "" : "s");
    conf_errors_free(&errs);
    return c;
}

/* sd_notify when under systemd (libsystemd is loaded then: sdload.h). */
static void __attribute__((format(printf, 1, 2))) notify(const char *fmt, ...)
{
    static bool warned;
    char state[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(state, sizeof state, fmt, ap);
    va_end(ap);
    if (sdload_notify(state) == -ELIBACC && !warned) {
        warned = true;
        xlog(XLOG_MOD_MAIN, XLOG_ERR, "NOTIFY_SOCKET is set but libsystemd cannot "
             "be loaded (%s): systemd is not told of the state", sdload_error());
    }
}

static void notify_status(const char *state, const char *extra)
{
    size_t nb = 0, np = 0;
    struct bridge *br;

    for (unsigned i = 0; (br = bridge_at(i)); i++, nb++)
        np += bridge_n_ports(br);
    notify("%sSTATUS=%zu bridge%s, %zu port%s%s%s", state, nb,
               nb == 1 ? "" : "s", np, np == 1 ? "" : "s", extra ? "; " : "",
               extra ? extra : "");
}

static bool xen_equal(const struct conf_xen *a, const struct conf_xen *b)
{
    return a->xenif == b->xenif && !strcmp(a->sim_dir, b->sim_dir)
        && a->rxq_bytes == b->rxq_bytes && a->tx_budget == b->tx_budget
        && a->rx_stall_s == b->rx_stall_s && a->rx_drain_s == b->rx_drain_s
        && a->bounce == b->bounce && a->xenstore == b->xenstore;
}

static void reload(void)
{
    struct timespec ts;
    struct conf *c;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    notify("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading %s",
               (unsigned long long)ts.tv_sec * 1000000ull
               + (unsigned long long)ts.tv_nsec / 1000, conf_path);
    xlog(XLOG_MOD_MAIN, XLOG_INFO, "SIGHUP: reloading %s", conf_path);
    c = load(false);
    if (!c) {
        xlog(XLOG_MOD_MAIN, XLOG_ERR, "reload failed: running on with the previous "
             "configuration");
        notify_status("READY=1\n", "last reload failed: errors in the configuration");
        return;
    }
    int failures = apply_conf(cur, c);
    if (memcmp(c->log_levels, cur->log_levels, sizeof c->log_levels))
        set_log_levels(c);
    if (!opt.control && strcmp(c->control_socket, cur->control_socket))
        xlog(XLOG_MOD_MAIN, XLOG_WARN, "control-socket changed to %s: takes effect "
             "at the next start", c->control_socket);
    if (!xen_equal(&c->xen, &cur->xen))
        xlog(XLOG_MOD_MAIN, XLOG_WARN, "[xen] changed: takes effect at the next start");
    ctl_commands_set_defaults(c->ageing_s, c->fdb_max);
    modules_set_conf(c);
    conf_free(cur);
    cur = c;
    xlog(XLOG_MOD_MAIN, failures ? XLOG_WARN : XLOG_INFO, "reload done%s",
         failures ? " with failures (see above)" : "");
    notify_status("READY=1\n", failures ? "last reload had failures" : NULL);
}

static void on_signal(int fd, uint32_t events, void *arg)
{
    struct signalfd_siginfo si;

    while (read(fd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGHUP) {
            reload();
        } else {
            xlog(XLOG_MOD_MAIN, XLOG_INFO, "%s: shutting down",
                 si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
            evloop_stop(loop);
        }
    }
}

static void run_bridges(void *arg)
{
    struct bridge *br;

    for (unsigned i = 0; (br = bridge_at(i)); i++)
        bridge_run(br);
}

/* The state directory: beside the control socket (/run/xvs by default).
 * Host port and takeover records live there, so a restart after kill -9
 * adopts the host port's TAP (ports/hpstate.h) or gives the uplink its
 * addresses back before taking them again (ports/ifaddr.h). */
static void state_dir(char *dir, size_t size)
{
    const char *sock = opt.control ? opt.control : cur->control_socket;
    const char *slash = strrchr(sock, '/');
    snprintf(dir, size, "%.*s", slash && slash != sock ? (int) (slash - sock) : 1,
             slash ? sock : "/");
}

static int host_create(struct evloop *l, const char *name, const char *takeover_from,
                       unsigned mtu, struct port **out, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    state_dir(dir, sizeof dir);
    struct hostport_options o = { .takeover_from = takeover_from, .mtu = mtu,
                                  .state_dir = dir };
    return hostport_create(l, name, &o, out, err, errlen);
}

static bool host_port_configured(const char *name, void *arg)
{
    const struct conf *c = arg;
    for (size_t i = 0; i < c->n_bridges; i++)
        if (c->bridges[i].host_port && !strcmp(c->bridges[i].name, name))
            return true;
    return false;
}

/* Host ports a crashed xvsd left that the file no longer has: removed
 * before any port is made, so their uplinks get their addresses back
 * before a configured bridge takes them over. */
static void remove_leftover_host_ports(void)
{
    char dir[PATH_MAX];
    state_dir(dir, sizeof dir);
    hpstate_remove_leftovers(dir, host_port_configured, cur);
}

/* A shallow copy of c whose bridges have no uplink, no host port and no
 * extra port (NULL if out of memory: the caller applies c at once). */
static struct conf *bare_conf(const struct conf *c)
{
    struct conf *b = malloc(sizeof *b);
    struct conf_bridge *br = calloc(c->n_bridges ? c->n_bridges : 1, sizeof *br);

    if (!b || !br) {
        free(b);
        free(br);
        return NULL;
    }
    *b = *c;
    for (size_t i = 0; i < c->n_bridges; i++) {
        br[i] = c->bridges[i];
        br[i].uplink[0] = '\0';
        br[i].host_port = false;
        br[i].take_over = false;
    }
    b->bridges = br;
    b->ports = NULL;
    b->n_ports = 0;
    return b;
}

/* Start-up timing, logged once running: milliseconds since the process
 * began (its fork: /proc/self/stat's start time, in clock ticks since
 * boot, read once) at each phase, so a slow restart shows where its time
 * went. */
#define START_PHASES 8
static struct { const char *name; long ms; } phases[START_PHASES];
static unsigned n_phases;
static long long fork_ms = -1;          /* CLOCK_BOOTTIME of the fork */

static long long boottime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void read_fork_time(void)
{
    char buf[1024], *p;
    unsigned long long start;
    FILE *f = fopen("/proc/self/stat", "re");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;

    if (f)
        fclose(f);
    buf[n] = '\0';
    /* field 22; the command name (field 2) may hold spaces: skip past ')' */
    p = strrchr(buf, ')');
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (p && sscanf(p, " %llu", &start) == 1)
        fork_ms = (long long) (start * 1000 / (unsigned long long) sysconf(_SC_CLK_TCK));
}

static void phase(const char *name)
{
    if (fork_ms < 0 && !n_phases)
        read_fork_time();
    if (n_phases < START_PHASES)
        phases[n_phases++] = (__typeof__(phases[0])) {
            name, fork_ms < 0 ? -1 : (long) (boottime_ms() - fork_ms) };
}

static void log_phases(void)
{
    char line[512];
    size_t len = 0;

    for (unsigned i = 0; i < n_phases && len < sizeof line; i++)
        len += (size_t) snprintf(line + len, sizeof line - len, "%s%s %ld", i ? ", " : "",
                                 phases[i].name, phases[i].ms);
    struct store_stats st;
    if (xvsd_xenbus_store_stats(&st) && len < sizeof line)
        snprintf(line + len, sizeof line - len, "; xenstore %llu requests, %llu ms",
                 (unsigned long long) st.requests, (unsigned long long) st.usec / 1000);
    xlog(XLOG_MOD_MAIN, XLOG_INFO, "start took (ms since fork, 10 ms ticks): %s", line);
}

static int setup_signals(void)
{
    sigset_t set;
    int fd;

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0
        || (fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
        return -errno;
    return evloop_add_fd(loop, fd, EPOLLIN, on_signal, NULL) ? -1 : fd;
}

int main(int argc, char *argv[])
{
    static const struct brmgr_factory factory = { uplink_create, host_create,
                                                   tapport_create };
    struct ctl_server *ctl;
    char err[512];
    bool detach;

    phase("main");
    parse_options(argc, argv);
    conf_path = opt.config ? opt.config : XVS_CONF_PATH;
    /* Type=notify: systemd watches this very process. */
    detach = !opt.foreground && !opt.check && !getenv("NOTIFY_SOCKET");
    /* Until detached, messages go where the user can see them. */
    enum xlog_target first = XLOG_TO_STDERR;
    if (!detach && opt.log_target >= 0)
        first = (enum xlog_target)opt.log_target;
    else if (!detach && under_systemd())
        first = XLOG_TO_JOURNAL;
    xlog_init(first, XLOG_INFO);

    cur = load(true);
    if (!cur)
        return 1;
    set_log_levels(cur);
    if (opt.check) {
        printf("%s: OK (%zu bridge%s)\n", conf_path, cur->n_bridges,
               cur->n_bridges == 1 ? "" : "s");
        conf_free(cur);
        return 0;
    }
    if (detach && detach_begin() < 0) {
        fprintf(stderr, "xvsd: cannot fork: %s\n", strerror(errno));
        return 1;
    }

    loop = evloop_create();
    int sigfd = loop ? setup_signals() : -1;
    if (sigfd < 0) {
        xlog(XLOG_MOD_MAIN, XLOG_ERR, "cannot set up the event loop or signals: %s",
             strerror(errno));
        return 1;
    }
    ctl = ctl_server_create(loop, opt.control ? opt.control : cur->control_socket,
                            err, sizeof err);
    if (!ctl) {
        xlog(XLOG_MOD_MAIN, XLOG_ERR, "%s", err);
        return 1;
    }
    phase("control-socket");
    brmgr_init(loop, &factory);
    if (ctl_commands_register()) {
        xlog(XLOG_MOD_MAIN, XLOG_ERR, "cannot register the control commands");
        return 1;
    }
    ctl_commands_set_defaults(cur->ageing_s, cur->fdb_max);
    /* Guests first: after a restart (kill -9) their rings wait, stopped,
     * until the guest backend has adopted them, and uplinks and host ports
     * cost time (a TAP device takes 0.1-0.5 s under load).  So the bridges
     * are made bare, the modules start, then the file's ports follow. */
    remove_leftover_host_ports();
    struct conf *bare = bare_conf(cur);
    int failures = apply_conf(NULL, bare ? bare : cur);
    evloop_timer_add(loop, BRIDGE_RUN_MS, BRIDGE_RUN_MS, run_bridges, NULL);
    phase("bridges");
    modules_set_conf(cur);
    char sdir[PATH_MAX];
    state_dir(sdir, sizeof sdir);
    modules_set_state_dir(sdir);
    if (modules_start(loop, err, sizeof err)) {
        xlog(XLOG_MOD_MAIN, XLOG_ERR, "%s", err);
        modules_stop();
        ctl_server_destroy(ctl);
        brmgr_destroy_all();
        free(bare ? bare->bridges : NULL);
        free(bare);
        return 1;
    }
    phase("guest-backend+vifs");
    /* Rings resumed after a restart carry what the guests queued while
     * xvsd was down: one turn of it now, before the host ports and
     * uplinks (tens of ms each), so the guests get going meanwhile. */
    if (xvsd_netback())
        netback_run_now(xvsd_netback());
    if (bare) {
        failures = apply_conf(bare, cur);
        free(bare->bridges);
        free(bare);
    }
    phase("ports");

    xlog(XLOG_MOD_MAIN, failures ? XLOG_WARN : XLOG_INFO, "xvsd %s running (pid %d): "
         "%zu bridge%s from %s%s", PACKAGE_VERSION, (int)getpid(), cur->n_bridges,
         cur->n_bridges == 1 ? "" : "s", conf_path,
         failures ? ", with failures (see above)" : "");
    log_phases();
    notify_status("READY=1\n", failures ? "some bridges or ports failed" : NULL);
    if (detach) {
        xlog_init(opt.log_target >= 0 ? (enum xlog_target)opt.log_target
                  : XLOG_TO_JOURNAL, XLOG_INFO);
        set_log_levels(cur);
        detach_ready(opt.log_target == XLOG_TO_STDERR);
    }

    evloop_run(loop);

    notify("STOPPING=1\nSTATUS=removing bridges");
    ctl_server_destroy(ctl);
    modules_stop();
    brmgr_destroy_all();
    xlog(XLOG_MOD_MAIN, XLOG_INFO, "stopped");
    evloop_destroy(loop);
    close(sigfd);
    conf_free(cur);
    return 0;
}
