/* xenstored-xvsd: xvsd's start sequence with the xenstore module, for the
 * end-to-end sim tests until xvsd itself lists that module
 * (daemon/modules.c): configuration file, control socket, bridges from
 * the file (host ports made with the real TAP driver, no uplinks), then
 * the netback module and the xenstore module, in that order; SIGTERM /
 * SIGINT stop them in reverse order.  Everything else is xvsd's code.
 *
 *   xenstored-xvsd -c xvs.conf -s CONTROL_SOCKET
 *
 * XENSTORED_PATH points the xenstore module at the fake xenstored. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "daemon/apply.h"
#include "daemon/brmgr.h"
#include "daemon/conf.h"
#include "daemon/ctl_commands.h"
#include "daemon/ctl_server.h"
#include "daemon/modules.h"
#include "daemon/xvsd_netback.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "ports/hostport.h"
#include "switch/bridge.h"
#include "xenstore/xvsd_xenstore.h"

static struct evloop *loop;

static void
on_signal(int fd, uint32_t events, void *arg)
{
    struct signalfd_siginfo si;

    (void) events;
    (void) arg;
    while (read(fd, &si, sizeof si) == sizeof si) {
        evloop_stop(loop);
    }
}

static void
run_bridges(void *arg)
{
    struct bridge *br;

    (void) arg;
    for (unsigned i = 0; (br = bridge_at(i)); i++) {
        bridge_run(br);
    }
}

static int
no_uplink(struct evloop *l, const char *ifname, struct port **p, char *err, size_t errlen)
{
    (void) l;
    (void) p;
    snprintf(err, errlen, "uplink %s: not in this test daemon", ifname);
    return -ENOTSUP;
}

static int
host_create(struct evloop *l, const char *name, const char *takeover_from, unsigned mtu,
            struct port **out, char *err, size_t errlen)
{
    struct hostport_options o = { .takeover_from = takeover_from, .mtu = mtu };
    return hostport_create(l, name, &o, out, err, errlen);
}

int
main(int argc, char **argv)
{
    static const struct brmgr_factory factory = { no_uplink, host_create };
    const char *conf_path = NULL, *sock = NULL;
    struct conf_errors errs = { 0 };
    struct conf *conf;
    struct ctl_server *ctl;
    char err[512];
    sigset_t set;
    int opt, sigfd;

    while ((opt = getopt(argc, argv, "c:s:")) != -1) {
        if (opt == 'c') {
            conf_path = optarg;
        } else if (opt == 's') {
            sock = optarg;
        } else {
            fputs("usage: xenstored-xvsd -c CONF -s SOCKET\n", stderr);
            return 2;
        }
    }
    if (!conf_path || !sock) {
        fputs("usage: xenstored-xvsd -c CONF -s SOCKET\n", stderr);
        return 2;
    }
    xlog_init(XLOG_TO_STDERR, XLOG_INFO);
    conf = conf_parse_file(conf_path, &errs);
    if (!conf) {
        for (size_t i = 0; i < errs.n; i++) {
            fprintf(stderr, "%s\n", errs.msgs[i]);
        }
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    loop = evloop_create();
    if (!loop || sigprocmask(SIG_BLOCK, &set, NULL)
        || (sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0
        || evloop_add_fd(loop, sigfd, EPOLLIN, on_signal, NULL)) {
        perror("xenstored-xvsd: event loop");
        return 1;
    }
    ctl = ctl_server_create(loop, sock, err, sizeof err);
    if (!ctl) {
        fprintf(stderr, "xenstored-xvsd: %s\n", err);
        return 1;
    }
    brmgr_init(loop, &factory);
    if (ctl_commands_register()) {
        fputs("xenstored-xvsd: cannot register the control commands\n", stderr);
        return 1;
    }
    ctl_commands_set_defaults(conf->ageing_s, conf->fdb_max);
    apply_conf(NULL, conf);
    evloop_timer_add(loop, 1000, 1000, run_bridges, NULL);
    modules_set_conf(conf);
    if (xvsd_netback_start(loop, err, sizeof err)) {
        fprintf(stderr, "xenstored-xvsd: netback: %s\n", err);
        return 1;
    }
    if (xvsd_xenstore_start(loop, err, sizeof err)) {
        fprintf(stderr, "xenstored-xvsd: xenstore: %s\n", err);
        xvsd_netback_stop();
        return 1;
    }
    xlog(XLOG_MOD_MAIN, XLOG_INFO, "running (pid %d)", (int) getpid());
    evloop_run(loop);
    xvsd_xenstore_stop();
    xvsd_netback_stop();
    ctl_server_destroy(ctl);
    brmgr_destroy_all();
    evloop_destroy(loop);
    conf_free(conf);
    return 0;
}
