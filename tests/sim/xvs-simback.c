/* xvs-simback: a minimal backend for sim tests and benchmarks: one bridge,
 * the netback over the sim xenif, and one vif per --vif INFO file written
 * by xvs-simfront (what the xenbus handshake will provide in xvsd).  It is
 * also the reference for wiring vif_attach() into the daemon.
 *
 *   xvs-simback --dir DIR --vif DIR/dom1.vif0 --vif DIR/dom2.vif0
 *               [--bridge NAME] [--bounce] [--wait SEC] [--duration SEC]
 *               [--rate D:BYTES,USECS] [--rx-stall-ms N] [--rx-drain-ms N]
 *               [--tick-ms N] [--rxq-bytes N] [--log-level LEVEL]
 *               [--uplink IFNAME] [--hostport NAME]
 *
 * It runs until SIGINT/SIGTERM (or --duration), then prints one JSON object:
 * every port's stats and vif description. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "netback/netback.h"
#include "netback/vif.h"
#include "netback/xenif.h"
#include "ports/hostport.h"
#include "ports/uplink.h"
#include "switch/bridge.h"
#include "tests/sim/simfront.h"

#define SIMBACK_VIFS_MAX 64

struct rate { uint16_t domid; uint64_t bytes, usecs; };

static void on_signal(int fd, uint32_t ev, void *arg)
{
    struct signalfd_siginfo si;
    if (read(fd, &si, sizeof si) > 0)
        evloop_stop(arg);
}

static void on_timeout(void *arg) { evloop_stop(arg); }

static json_t *port_json(struct port *p)
{
    json_t *o = json_object(), *d = json_object();
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "rx_packets", json_integer((json_int_t)p->stats.rx_packets));
    json_object_set_new(o, "rx_bytes", json_integer((json_int_t)p->stats.rx_bytes));
    json_object_set_new(o, "tx_packets", json_integer((json_int_t)p->stats.tx_packets));
    json_object_set_new(o, "tx_bytes", json_integer((json_int_t)p->stats.tx_bytes));
    for (int r = 0; r < DROP_N_REASONS; r++)
        if (p->stats.drops[r])
            json_object_set_new(d, port_drop_reason_name(r),
                                json_integer((json_int_t)p->stats.drops[r]));
    json_object_set_new(o, "drops", d);
    json_object_set_new(o, "link_up", json_boolean(p->link_up));
    if (p->ops->describe)
        p->ops->describe(p, o);
    return o;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "dir", 1, 0, 'D' }, { "vif", 1, 0, 'v' }, { "bridge", 1, 0, 'b' },
        { "bounce", 0, 0, 'B' }, { "wait", 1, 0, 'w' }, { "duration", 1, 0, 't' },
        { "rate", 1, 0, 'r' }, { "rx-stall-ms", 1, 0, 'S' }, { "rx-drain-ms", 1, 0, 'R' },
        { "tick-ms", 1, 0, 'k' }, { "rxq-bytes", 1, 0, 'q' },
        { "uplink", 1, 0, 'U' }, { "hostport", 1, 0, 'H' }, { "log-level", 1, 0, 'l' }, { 0 },
    };
    const char *dir = NULL, *brname = "simbr0", *vifs[SIMBACK_VIFS_MAX];
    const char *uplink = NULL, *hostport = NULL;
    struct rate rates[SIMBACK_VIFS_MAX];
    unsigned nvifs = 0, nrates = 0;
    double wait_s = 10, duration = 0;
    struct netback_config cfg;
    enum xlog_level level = XLOG_INFO;
    char err[256];
    int c;

    netback_config_default(&cfg);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'D': dir = optarg; break;
        case 'v': if (nvifs < SIMBACK_VIFS_MAX) vifs[nvifs++] = optarg; break;
        case 'b': brname = optarg; break;
        case 'B': cfg.bounce = true; break;
        case 'w': wait_s = atof(optarg); break;
        case 't': duration = atof(optarg); break;
        case 'r': {
            unsigned d;
            unsigned long long b, u;
            if (nrates < SIMBACK_VIFS_MAX && sscanf(optarg, "%u:%llu,%llu", &d, &b, &u) == 3)
                rates[nrates++] = (struct rate){ (uint16_t)d, b, u };
            break;
        }
        case 'S': cfg.rx_stall_ms = (uint32_t)atoi(optarg); break;
        case 'R': cfg.rx_drain_ms = (uint32_t)atoi(optarg); break;
        case 'k': cfg.tick_ms = (uint32_t)atoi(optarg); break;
        case 'q': cfg.rxq_max_bytes = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'U': uplink = optarg; break;
        case 'H': hostport = optarg; break;
        case 'l': xlog_level_from_name(optarg, &level); break;
        default:
            fprintf(stderr, "usage: xvs-simback --dir DIR --vif INFO... [options]\n");
            return 2;
        }
    }
    if (!dir)
        dir = getenv("XVS_SIM_DIR") ? getenv("XVS_SIM_DIR") : "/run/xvs-sim";
    xlog_init(XLOG_TO_STDERR, level);

    struct evloop *loop = evloop_create();
    struct xenif *xif = xenif_sim_open(dir, 0, err, sizeof err);
    if (!loop || !xif) {
        fprintf(stderr, "xvs-simback: %s\n", xif ? "event loop" : err);
        return 1;
    }
    struct netback *nb = netback_create(loop, xif, &cfg, err, sizeof err);
    struct bridge_config bc = { .ageing_s = 300, .fdb_max = 4096 };
    struct bridge *br = bridge_create(brname, &bc, NULL, NULL);
    if (!nb || !br) {
        fprintf(stderr, "xvs-simback: %s\n", nb ? "bridge" : err);
        return 1;
    }

    struct port *extra[2] = { NULL, NULL };
    int pe = 0;
    if (uplink)
        pe = uplink_create(loop, uplink, &extra[0], err, sizeof err);
    if (!pe && hostport) {
        struct hostport_options ho = { 0 };
        pe = hostport_create(loop, hostport, &ho, &extra[1], err, sizeof err);
    }
    for (int i = 0; !pe && i < 2; i++)
        if (extra[i] && (pe = bridge_add_port(br, extra[i])))
            snprintf(err, sizeof err, "bridge %s: add %s: %s", brname, extra[i]->name,
                     strerror(-pe));
    if (pe) {
        fprintf(stderr, "xvs-simback: %s\n", err);
        return 1;
    }

    for (unsigned i = 0; i < nvifs; i++) {
        struct vif_frontend fe;
        uint16_t domid = 0;
        uint32_t devid = 0;
        uint8_t mac[6] = { 0 };
        int e = -ENOENT;
        for (double t = 0; t < wait_s; t += 0.05) {
            if (!(e = nf_read_info(vifs[i], &domid, &devid, &fe, mac)))
                break;
            usleep(50000);
        }
        if (e) {
            fprintf(stderr, "xvs-simback: %s: %s\n", vifs[i], strerror(-e));
            return 1;
        }
        struct vif *v = vif_attach(nb, domid, devid, NULL, &fe, err, sizeof err);
        if (!v) {
            fprintf(stderr, "xvs-simback: %s\n", err);
            return 1;
        }
        memcpy(vif_port(v)->mac, mac, 6);
        for (unsigned r = 0; r < nrates; r++)
            if (rates[r].domid == domid)
                vif_set_rate(v, rates[r].bytes, rates[r].usecs);
        if ((e = bridge_add_port(br, vif_port(v)))) {
            fprintf(stderr, "xvs-simback: bridge %s: add %s: %s\n", brname,
                    vif_port(v)->name, strerror(-e));
            return 1;
        }
    }

    sigset_t ss;
    sigemptyset(&ss);
    sigaddset(&ss, SIGINT);
    sigaddset(&ss, SIGTERM);
    sigprocmask(SIG_BLOCK, &ss, NULL);
    int sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
    evloop_add_fd(loop, sfd, EPOLLIN, on_signal, loop);
    if (duration > 0)
        evloop_timer_add(loop, (uint64_t)(duration * 1000), 0, on_timeout, loop);
    printf("{\"ready\":true}\n");
    fflush(stdout);
    evloop_run(loop);

    json_t *out = json_object(), *ports = json_array();
    struct port *p;
    for (unsigned i = 0; (p = bridge_port_at(br, i)); i++)
        json_array_append_new(ports, port_json(p));
    json_object_set_new(out, "ports", ports);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    json_object_set_new(out, "cpu_us", json_integer(
        (json_int_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000
        + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
    char *txt = json_dumps(out, JSON_COMPACT);
    printf("%s\n", txt);
    free(txt);
    json_decref(out);

    bridge_destroy(br);
    netback_destroy(nb);
    xenif_close(xif);
    evloop_del_fd(loop, sfd);
    close(sfd);
    evloop_destroy(loop);
    return 0;
}
