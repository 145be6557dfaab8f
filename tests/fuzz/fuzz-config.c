/* libFuzzer target: the configuration file (daemon/conf.c) and what a
 * reload does with it (daemon/apply.c), on fake ports.
 *
 * Input: a configuration file, optionally followed by a line "%%" and a
 * second one (the file after an edit).  A part with a NUL byte is written
 * to a memfd and read with conf_parse_file(), as xvsd reads its file (which
 * must refuse it); the others go to conf_parse_string(), what
 * conf_parse_file() calls once it has read a file (reading 1 MiB buffers
 * every time would slow the fuzzer tenfold).  Checked:
 *   - a parse gives a configuration or errors, never both, never neither;
 *     every error names the file ("PATH:" or "PATH:LINE:");
 *   - a configuration keeps every promise of conf.h (names, ranges, one
 *     entry per uplink and host port, a netdev on one bridge only, ...);
 *   - applied at start (apply_conf(NULL, A)), then reloaded (A -> B), then
 *     reloaded to an empty file, next to a bridge made at run time (as by
 *     `xvsctl add-br rt0 uplink=eth9` + `add-port rt0 eth8`), which a file
 *     may adopt by naming it but whose netdevs it may not take: when apply
 *     reports no failure, the file's bridges and ports are exactly as it
 *     says; the invariants of xvsd_state_check() always hold (a netdev is
 *     on one bridge only); after the empty file only run-time bridges are
 *     left, and removing them leaves no fake port.
 * Harness limit: before applying, every fdb-max above FUZZ_CONF_FDB_CLAMP
 * is lowered to it (FDB entries are allocated up front: 256 bridges of the
 * default 65536 entries are legal but would make each run take 100 ms). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daemon/apply.h"
#include "daemon/brmgr.h"
#include "daemon/conf.h"
#include "lib/log.h"
#include "lib/util.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "tests/fuzz/xvsd-state.h"
#include "tests/unit/test-ctl-fake.h"

#define FUZZ_CONF_FDB_CLAMP 64
#define WHY 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *cur_data;
static size_t cur_size;
static int memfd = -1;
static char path[64];

static void fail(const char *what, const char *detail)
{
    xvsd_fail(what, detail, cur_data, cur_size);
}

/* The fake port makers, plus what the kernel would say: a TAP cannot take
 * the name of an existing netdev (any port of any bridge but a vif). */
static bool netdev_exists(const char *name)
{
    struct bridge *br;
    struct port *p;

    for (unsigned i = 0; (br = bridge_at(i)); i++)
        if ((p = bridge_find_port(br, name)) && strcmp(p->ops->kind, "vif"))
            return true;
    return false;
}

static int host_create(struct evloop *l, const char *name, const char *takeover_from,
                       unsigned mtu, struct port **out, char *err, size_t errlen)
{
    if (netdev_exists(name)) {
        snprintf(err, errlen, "host port %s: a network device of that name already exists",
                 name);
        return -EEXIST;
    }
    return fake_factory.host_create(l, name, takeover_from, mtu, out, err, errlen);
}

static void setup_once(void)
{
    if (memfd >= 0)
        return;
    xlog_init(XLOG_TO_STDERR, XLOG_ERR);
    for (int m = 0; m < XLOG_N_MODULES; m++)
        xlog_set_level((enum xlog_module)m, XLOG_ERR);
    static struct brmgr_factory factory;
    factory = fake_factory;
    factory.host_create = host_create;
    brmgr_init(NULL, &factory);
    memfd = memfd_create("fuzz-config", MFD_CLOEXEC);
    if (memfd < 0)
        abort();
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
}

static bool valid_vlans(const uint64_t *bm)
{
    return !(bm[0] & 1) && !(bm[VLAN_BITMAP_WORDS - 1] >> 63);   /* 0, 4095 */
}

/* The promises of conf.h about a configuration that parsed. */
static void check_conf(const struct conf *c)
{
    char why[WHY], tmp[512];

    if (c->n_bridges > CONF_BRIDGES_MAX || c->n_ports > CONF_PORTS_MAX
        || c->ageing_s > CONF_AGEING_MAX || !c->fdb_max
        || c->fdb_max > FDB_MAX_ENTRIES_LIMIT || c->control_socket[0] != '/') {
        snprintf(why, sizeof why, "%zu bridges, %zu ports, ageing %u, fdb-max %u, "
                 "socket '%s'", c->n_bridges, c->n_ports, c->ageing_s, c->fdb_max,
                 c->control_socket);
        fail("global value out of range", why);
    }
    for (int m = 0; m < XLOG_N_MODULES; m++)
        if ((unsigned)c->log_levels[m] >= XLOG_N_LEVELS)
            fail("log level out of range", xlog_module_name((enum xlog_module)m));
    for (size_t i = 0; i < c->n_bridges; i++) {
        const struct conf_bridge *b = &c->bridges[i];
        if (conf_check_bridge_name(b->name, tmp, sizeof tmp)
            || (b->uplink[0] && conf_check_ifname(b->uplink, tmp, sizeof tmp))
            || b->ageing_s > CONF_AGEING_MAX || !b->fdb_max
            || b->fdb_max > FDB_MAX_ENTRIES_LIMIT
            || (b->mtu && (b->mtu < CONF_MTU_MIN || b->mtu > CONF_MTU_MAX))
            || (b->take_over && (!b->uplink[0] || !b->host_port))) {
            snprintf(why, sizeof why, "bridge '%s' uplink '%s' ageing %u fdb-max %u "
                     "mtu %u take-over %d host-port %d", b->name, b->uplink,
                     b->ageing_s, b->fdb_max, b->mtu, b->take_over, b->host_port);
            fail("bridge breaks conf.h", why);
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(c->bridges[j].name, b->name))
                fail("bridge given twice", b->name);
        if ((b->uplink[0] && !conf_find_port(c, b->name, b->uplink))
            || (b->host_port && !conf_find_port(c, b->name, b->name)))
            fail("uplink or host port without its port entry", b->name);
    }
    for (size_t i = 0; i < c->n_ports; i++) {
        const struct conf_port *q = &c->ports[i];
        const struct conf_bridge *b = conf_find_bridge(c, q->bridge);
        bool access = q->vlan_mode == PORT_VLAN_ACCESS;
        snprintf(why, sizeof why, "[port %s %s] role %d mode %d pvid %u", q->bridge,
                 q->name, q->role, q->vlan_mode, q->pvid);
        if (!b || conf_check_ifname(q->name, tmp, sizeof tmp))
            fail("port of no bridge, or a bad name", why);
        if (q->role != (!strcmp(q->name, b->uplink) ? CONF_PORT_UPLINK
                        : !strcmp(q->name, b->name) ? CONF_PORT_HOST : CONF_PORT_EXTRA)
            || (q->role == CONF_PORT_HOST && !b->host_port))
            fail("port role does not match its bridge", why);
        if ((access && (q->pvid < VLAN_ID_MIN || q->pvid > VLAN_ID_MAX))
            || (!access && (q->vlan_mode != PORT_VLAN_TRUNK || q->pvid > VLAN_ID_MAX
                            || !valid_vlans(q->trunk))))
            fail("port VLAN settings out of range", why);
        for (size_t j = 0; j < i; j++) {
            const struct conf_port *o = &c->ports[j];
            if (!strcmp(o->name, q->name)
                && (strcmp(o->bridge, q->bridge) || o->role == q->role))
                fail("a netdev is two ports", why);
        }
        if (q->role != CONF_PORT_HOST)
            for (size_t j = 0; j < c->n_bridges; j++)
                if (!strcmp(c->bridges[j].name, q->name))
                    fail("a port is named like a bridge", why);
    }
}

/* After an apply without failures: the bridges are those of c. */
static void check_applied(const struct conf *c)
{
    char why[WHY];

    for (size_t i = 0; i < c->n_bridges; i++) {
        const struct conf_bridge *b = &c->bridges[i];
        struct brmgr_bridge *rec = brmgr_find(b->name);
        if (!rec || rec->origin != BRMGR_CONFIG || strcmp(rec->spec.uplink, b->uplink)
            || rec->spec.host_port != b->host_port
            || fdb_get_ageing(bridge_fdb(rec->br)) != b->ageing_s) {
            snprintf(why, sizeof why, "bridge %s: record %p origin %d uplink '%s' "
                     "host %d ageing %u", b->name, (void *)rec, rec ? rec->origin : -1,
                     rec ? rec->spec.uplink : "", rec ? rec->spec.host_port : -1,
                     rec ? fdb_get_ageing(bridge_fdb(rec->br)) : 0);
            fail("bridge not as in the file", why);
        }
    }
    for (size_t i = 0; i < c->n_ports; i++) {
        const struct conf_port *q = &c->ports[i];
        struct bridge *br = bridge_lookup(q->bridge);
        struct port *p = br ? bridge_find_port(br, q->name) : NULL;
        if (!p || p->vlan_mode != q->vlan_mode || p->pvid != q->pvid
            || p->promiscuous != q->promiscuous || p->learning != q->learning
            || (q->vlan_mode == PORT_VLAN_TRUNK
                && memcmp(p->allowed, q->trunk, sizeof p->allowed))) {
            snprintf(why, sizeof why, "port %s of %s: %s", q->name, q->bridge,
                     p ? "settings differ" : "missing");
            fail("port not as in the file", why);
        }
    }
    size_t n = 0;
    for (struct brmgr_bridge *rec; (rec = brmgr_at(n)); n++)
        if (!conf_find_bridge(c, rec->spec.name) && rec->origin != BRMGR_RUNTIME)
            fail("bridge of an earlier file survived a reload", rec->spec.name);
}

/* Parses one part of the input (see the top); NULL if it has errors. */
static struct conf *parse(const uint8_t *text, size_t len)
{
    struct conf_errors errs;
    const char *source = "fuzz.conf";
    struct conf *c;

    if (memchr(text, '\0', len)) {
        if (ftruncate(memfd, 0) || pwrite(memfd, text, len, 0) != (ssize_t)len)
            abort();
        source = path;
        c = conf_parse_file(path, &errs);
        if (c)
            fail("a file with a NUL byte was accepted", "");
    } else {
        char *copy = malloc(len + 1);
        if (!copy)
            return NULL;
        memcpy(copy, text, len);
        copy[len] = '\0';
        c = conf_parse_string(copy, source, &errs);
        free(copy);
    }
    size_t slen = strlen(source);
    if (!c == !errs.n)
        fail(c ? "a configuration and errors" : "no configuration and no error", "");
    for (size_t i = 0; i < errs.n; i++)
        if (strncmp(errs.msgs[i], source, slen) || errs.msgs[i][slen] != ':')
            fail("an error does not name the file", errs.msgs[i]);
    conf_errors_free(&errs);
    if (c)
        check_conf(c);
    return c;
}

static void clamp(struct conf *c)
{
    c->fdb_max = MIN(c->fdb_max, FUZZ_CONF_FDB_CLAMP);
    for (size_t i = 0; i < c->n_bridges; i++)
        c->bridges[i].fdb_max = MIN(c->bridges[i].fdb_max, FUZZ_CONF_FDB_CLAMP);
}

static void apply_checked(const struct conf *old, const struct conf *c)
{
    char why[WHY];
    int failures = apply_conf(old, c);

    if (!failures)
        check_applied(c);
    if (!xvsd_state_check(why, sizeof why))
        fail("invariant broken after apply", why);
}

/* The run-time bridge rt0: uplink eth9, extra port eth8, host port. */
static void make_runtime(void)
{
    struct conf_bridge b = { .name = "rt0", .uplink = "eth9", .host_port = true,
                             .ageing_s = 300, .fdb_max = 16 };
    struct conf_port q;
    char err[256];

    conf_port_init(&q, "rt0", "eth8", CONF_PORT_EXTRA);
    if (brmgr_add_bridge(&b, BRMGR_RUNTIME, false, err, sizeof err)
        || brmgr_add_port(&q, BRMGR_RUNTIME, err, sizeof err)) {
        fprintf(stderr, "fuzz-config: run-time bridge: %s\n", err);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t sep[] = "\n%%\n";
    const uint8_t *b_text = memmem(data, size, sep, sizeof sep - 1);
    size_t a_len = b_text ? (size_t)(b_text - data) + 1 : size;
    struct conf *a, *b = NULL, *empty;

    setup_once();
    cur_data = data;
    cur_size = size;
    a = parse(data, a_len);
    if (b_text) {
        b_text += sizeof sep - 1;
        b = parse(b_text, size - (size_t)(b_text - data));
    }
    if (a) {
        clamp(a);
        if (b)
            clamp(b);
        empty = conf_default();
        make_runtime();
        apply_checked(NULL, a);
        if (b)
            apply_checked(a, b);
        apply_checked(b ? b : a, empty);
        for (size_t i = 0; brmgr_at(i); i++)
            if (brmgr_at(i)->origin != BRMGR_RUNTIME)
                fail("a reload to an empty file left a bridge", brmgr_at(i)->spec.name);
        brmgr_destroy_all();
        if (bridge_at(0) || fake_live)
            fail("removing every bridge left bridges or ports", "");
        conf_free(empty);
    }
    conf_free(a);
    conf_free(b);
    return 0;
}
