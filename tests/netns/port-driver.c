/* port-driver: one bridge with uplink and host ports, run for a bounded
 * time, for the port-level netns tests (tests/netns/test-ports.sh) and
 * forwarding measurements, before and independently of xvsd.
 *
 *   port-driver --bridge NAME [--uplink IF[,access=VID|,trunk=LIST[,native=VID]]]...
 *               [--host NAME [--takeover IF] [--mtu N] [--state-dir DIR]]
 *               [--seconds N] [--ageing S]
 *
 * Prints "ready" once every port is up, and the port counters and FDB
 * statistics ("stats" block) on SIGUSR1 and at exit (timeout, SIGTERM,
 * SIGINT).  Exit status 0, or 1 with a message if a port cannot be
 * created. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/util.h"
#include "ports/hostport.h"
#include "ports/uplink.h"
#include "switch/bridge.h"

#define DRIVER_UPLINKS_MAX 8
#define DRIVER_SECONDS_MAX 3600

static struct evloop *loop;
static struct bridge *br;

static void
print_stats(void)
{
    struct fdb_stats fs;
    struct port *p;
    unsigned i, r;

    printf("stats\n");
    for (i = 0; (p = bridge_port_at(br, i)); i++) {
        printf("port %s kind %s link %s rx_packets %llu rx_bytes %llu tx_packets %llu "
               "tx_bytes %llu fdb_learned %u", p->name, p->ops->kind,
               p->link_up ? "up" : "down",
               (unsigned long long) p->stats.rx_packets,
               (unsigned long long) p->stats.rx_bytes,
               (unsigned long long) p->stats.tx_packets,
               (unsigned long long) p->stats.tx_bytes, p->fdb_learned);
        for (r = 0; r < DROP_N_REASONS; r++) {
            printf(" drop_%s %llu", port_drop_reason_name(r),
                   (unsigned long long) p->stats.drops[r]);
        }
        if (p->ops->describe) {
            json_t *o = json_object();
            char *js;

            p->ops->describe(p, o);
            js = json_dumps(o, JSON_COMPACT);
            printf(" describe %s", js ? js : "{}");
            free(js);
            json_decref(o);
        }
        printf("\n");
    }
    fdb_get_stats(bridge_fdb(br), &fs);
    printf("fdb entries %u learned %llu aged %llu evicted %llu moved %llu\n", fs.entries,
           (unsigned long long) fs.learned, (unsigned long long) fs.aged,
           (unsigned long long) fs.evicted, (unsigned long long) fs.moved);
    printf("end\n");
    fflush(stdout);
}

static void
on_signal(int fd, uint32_t events, void *arg)
{
    struct signalfd_siginfo si;

    while (read(fd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGUSR1) {
            print_stats();
        } else {
            evloop_stop(loop);
        }
    }
}

static void
on_timeout(void *arg)
{
    evloop_stop(loop);
}

static void
on_tick(void *arg)
{
    bridge_run(br);
}

/* "veth1,access=10" / "veth1,trunk=10,20-30,native=1" */
static int
add_uplink(const char *spec, char *err, size_t errlen)
{
    char buf[256], *name, *opt;
    uint64_t allowed[VLAN_BITMAP_WORDS];
    unsigned long long v;
    bool trunk = false;
    uint16_t pvid = 1, native = 0;
    struct port *p;
    int r;

    if (str_copy(buf, sizeof buf, spec)) {
        snprintf(err, errlen, "--uplink %s: too long", spec);
        return -EINVAL;
    }
    name = buf;
    opt = strchr(buf, ',');
    if (opt) {
        *opt++ = '\0';
        if (!strncmp(opt, "access=", 7) && !parse_uint(opt + 7, VLAN_ID_MAX, &v) && v) {
            pvid = (uint16_t) v;
        } else if (!strncmp(opt, "trunk=", 6)) {
            char *nat = strstr(opt, ",native=");

            if (nat) {
                *nat = '\0';
                if (parse_uint(nat + 8, VLAN_ID_MAX, &v)) {
                    snprintf(err, errlen, "--uplink %s: bad native VLAN", spec);
                    return -EINVAL;
                }
                native = (uint16_t) v;
            }
            if (vlan_list_parse(opt + 6, allowed)) {
                snprintf(err, errlen, "--uplink %s: bad VLAN list", spec);
                return -EINVAL;
            }
            trunk = true;
        } else {
            snprintf(err, errlen, "--uplink %s: expected access=VID or trunk=LIST", spec);
            return -EINVAL;
        }
    }
    r = uplink_create(loop, name, &p, err, errlen);
    if (r) {
        return r;
    }
    if (trunk) {
        port_set_trunk(p, allowed, native);
    } else {
        port_set_access(p, pvid);
    }
    r = bridge_add_port(br, p);
    if (r) {
        snprintf(err, errlen, "bridge: cannot add %s: %s", name, strerror(-r));
        p->ops->destroy(p);
    }
    return r;
}

static void
usage(void)
{
    fprintf(stderr, "usage: port-driver --bridge NAME [--uplink IF[,access=VID|,trunk=LIST"
            "[,native=VID]]]... [--host NAME [--takeover IF] [--mtu N] [--state-dir DIR]] "
            "[--seconds N] [--ageing S] [--debug]\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "bridge", required_argument, NULL, 'b' },
        { "uplink", required_argument, NULL, 'u' },
        { "host", required_argument, NULL, 'h' },
        { "takeover", required_argument, NULL, 't' },
        { "mtu", required_argument, NULL, 'm' },
        { "seconds", required_argument, NULL, 's' },
        { "ageing", required_argument, NULL, 'a' },
        { "state-dir", required_argument, NULL, 'S' },
        { "debug", no_argument, NULL, 'd' },
        { NULL, 0, NULL, 0 },
    };
    const char *brname = NULL, *host = NULL, *uplinks[DRIVER_UPLINKS_MAX];
    struct bridge_config cfg = { FDB_DEFAULT_AGEING_S, FDB_DEFAULT_MAX };
    struct hostport_options hopts = { NULL, 0, NULL };
    unsigned long long seconds = 20, v;
    unsigned n_uplinks = 0, i;
    enum xlog_level level = XLOG_INFO;
    char err[512];
    sigset_t sigs;
    int c, sfd, status = 0;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'b': brname = optarg; break;
        case 'u':
            if (n_uplinks == DRIVER_UPLINKS_MAX) {
                usage();
            }
            uplinks[n_uplinks++] = optarg;
            break;
        case 'h': host = optarg; break;
        case 't': hopts.takeover_from = optarg; break;
        case 'm':
            if (parse_uint(optarg, HOSTPORT_MTU_MAX, &v)) {
                usage();
            }
            hopts.mtu = (unsigned) v;
            break;
        case 's':
            if (parse_uint(optarg, DRIVER_SECONDS_MAX, &seconds) || !seconds) {
                usage();
            }
            break;
        case 'a':
            if (parse_uint(optarg, 1000000, &v)) {
                usage();
            }
            cfg.ageing_s = (uint32_t) v;
            break;
        case 'S': hopts.state_dir = optarg; break;
        case 'd': level = XLOG_DBG; break;
        default: usage();
        }
    }
    if (!brname || optind != argc) {
        usage();
    }
    xlog_init(XLOG_TO_STDERR, level);

    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGUSR1);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);

    loop = evloop_create();
    br = bridge_create(brname, &cfg, NULL, NULL);
    if (!loop || !br || sfd < 0) {
        fprintf(stderr, "port-driver: cannot create loop/bridge/signalfd\n");
        return 1;
    }
    evloop_add_fd(loop, sfd, EPOLLIN, on_signal, NULL);

    for (i = 0; i < n_uplinks; i++) {
        if (add_uplink(uplinks[i], err, sizeof err)) {
            fprintf(stderr, "port-driver: %s\n", err);
            status = 1;
            goto out;
        }
    }
    if (host) {
        struct port *p;

        if (hostport_create(loop, host, &hopts, &p, err, sizeof err)) {
            fprintf(stderr, "port-driver: %s\n", err);
            status = 1;
            goto out;
        }
        if (bridge_add_port(br, p)) {
            fprintf(stderr, "port-driver: cannot add %s\n", host);
            p->ops->destroy(p);
            status = 1;
            goto out;
        }
    }
    evloop_timer_add(loop, seconds * 1000, 0, on_timeout, NULL);
    evloop_timer_add(loop, 1000, 1000, on_tick, NULL);
    printf("ready\n");
    fflush(stdout);
    evloop_run(loop);
    print_stats();
out:
    bridge_destroy(br);
    evloop_destroy(loop);
    return status;
}
