/* ctl_fdb: learning table and counter commands (results in ctl_commands.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conf.h"
#include "daemon/ctl.h"
#include "daemon/ctl_args.h"
#include "lib/log.h"
#include "lib/util.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "switch/port.h"

int ctl_fdb_register(void);

/* ---- fdb-show ---- */

struct dump {
    struct fdb_entry_info *v;
    size_t n, cap;
    uint16_t vlan;                      /* 0: every VLAN */
    const uint8_t *mac;                 /* NULL: every MAC */
};

static int collect(const struct fdb_entry_info *e, void *d_)
{
    struct dump *d = d_;

    if ((d->vlan && e->vlan != d->vlan) || (d->mac && memcmp(e->mac, d->mac, 6)))
        return 0;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        struct fdb_entry_info *v = realloc(d->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n++] = *e;
    return 0;
}

static int entry_cmp(const void *a_, const void *b_)
{
    const struct fdb_entry_info *a = a_, *b = b_;
    return a->vlan != b->vlan ? (a->vlan < b->vlan ? -1 : 1) : memcmp(a->mac, b->mac, 6);
}

static json_t *cmd_fdb_show(size_t argc, const char *const *argv, void *arg,
                            char **err)
{
    struct dump d = { 0 };
    struct bridge *br;
    json_t *list;

    if (ctl_args_count(argc, 1, 1, "fdb-show BR", err)
        || !(br = ctl_args_bridge(argv[0], &d.vlan, err)))
        return NULL;
    fdb_dump(bridge_fdb(br), collect, &d);
    if (d.n)
        qsort(d.v, d.n, sizeof *d.v, entry_cmp);
    list = json_array();
    for (size_t i = 0; list && i < d.n; i++) {
        char mac[ETH_ADDR_STRLEN];
        eth_addr_format(d.v[i].mac, mac);
        json_array_append_new(list, json_pack("{s:s, s:i, s:s, s:I, s:b}",
            "port", d.v[i].port ? d.v[i].port->name : "", "vlan", d.v[i].vlan,
            "mac", mac, "age", (json_int_t)d.v[i].age_s, "static", d.v[i].is_static));
    }
    free(d.v);
    return list;
}

/* ---- changes ---- */

static int opt_vlan(const char *v, uint16_t bridge_vlan, uint16_t *out, char **err)
{
    char why[256];
    uint16_t x;

    if (!v) {
        *out = bridge_vlan;
        return 0;
    }
    if (conf_parse_vlan(v, &x, why, sizeof why)) {
        ctl_errf(err, "vlan: %s", why);
        return -1;
    }
    if (bridge_vlan && x != bridge_vlan) {
        ctl_errf(err, "vlan=%u contradicts the VLAN bridge's VLAN %u", x, bridge_vlan);
        return -1;
    }
    *out = x;
    return 0;
}

static json_t *cmd_fdb_flush(size_t argc, const char *const *argv, void *arg,
                             char **err)
{
    struct ctl_opt o[] = { { "port", NULL }, { "vlan", NULL }, { "static", NULL } };
    struct port *p = NULL;
    struct bridge *br;
    uint16_t bvlan, vlan;
    bool statics = false;
    char why[256];

    if (ctl_args_count(argc, 1, 4, "fdb-flush BR [port=P] [vlan=V] [static=yes|no]", err)
        || !(br = ctl_args_bridge(argv[0], &bvlan, err))
        || ctl_args_opts(argc, argv, 1, o, ARRAY_SIZE(o), err)
        || opt_vlan(o[1].value, bvlan, &vlan, err))
        return NULL;
    if (o[0].value && !(p = bridge_find_port(br, o[0].value)))
        return ctl_errf(err, "bridge %s has no port named '%s'", bridge_name(br),
                        o[0].value);
    if (o[2].value && conf_parse_yes_no(o[2].value, &statics, why, sizeof why))
        return ctl_errf(err, "static: %s", why);
    unsigned n = fdb_flush(bridge_fdb(br), p, vlan, statics);
    xlog(XLOG_MOD_CTL, XLOG_INFO, "bridge %s: %u FDB entries flushed", bridge_name(br), n);
    return json_pack("{s:I}", "flushed", (json_int_t)n);
}

static int parse_mac(const char *s, uint8_t mac[6], char **err)
{
    if (eth_addr_parse(s, mac)) {
        ctl_errf(err, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", s);
        return -1;
    }
    return 0;
}

static json_t *cmd_fdb_add(size_t argc, const char *const *argv, void *arg,
                           char **err)
{
    struct ctl_opt o[] = { { "vlan", NULL } };
    struct bridge *br;
    struct port *p;
    uint16_t bvlan, vlan;
    uint8_t mac[6];
    int e;

    if (ctl_args_count(argc, 3, 4, "fdb-add BR PORT MAC [vlan=V]", err)
        || !(br = ctl_args_bridge(argv[0], &bvlan, err))
        || ctl_args_opts(argc, argv, 3, o, ARRAY_SIZE(o), err)
        || opt_vlan(o[0].value, bvlan, &vlan, err)
        || parse_mac(argv[2], mac, err))
        return NULL;
    if (!(p = bridge_find_port(br, argv[1])))
        return ctl_errf(err, "bridge %s has no port named '%s'", bridge_name(br), argv[1]);
    if (eth_addr_is_multicast(mac) || eth_addr_is_zero(mac))
        return ctl_errf(err, "%s is a multicast or zero address; a static entry "
                        "needs a unicast one", argv[2]);
    if (!vlan)
        vlan = p->pvid;
    if (!vlan)
        return ctl_errf(err, "port %s is a trunk without native VLAN: give vlan=",
                        p->name);
    if (!port_vlan_allowed(p, vlan))
        return ctl_errf(err, "port %s does not carry VLAN %u", p->name, vlan);
    e = fdb_add_static(bridge_fdb(br), mac, vlan, p);
    if (e == -ENOSPC)
        return ctl_errf(err, "the table of %s is full of static entries", bridge_name(br));
    if (e)
        return ctl_errf(err, "%s", strerror(-e));
    return json_null();
}

static json_t *cmd_fdb_del(size_t argc, const char *const *argv, void *arg,
                           char **err)
{
    struct ctl_opt o[] = { { "vlan", NULL } };
    struct dump d = { 0 };
    struct bridge *br;
    uint16_t bvlan;
    uint8_t mac[6];
    unsigned n = 0;

    if (ctl_args_count(argc, 2, 3, "fdb-del BR MAC [vlan=V]", err)
        || !(br = ctl_args_bridge(argv[0], &bvlan, err))
        || ctl_args_opts(argc, argv, 2, o, ARRAY_SIZE(o), err)
        || opt_vlan(o[0].value, bvlan, &d.vlan, err)
        || parse_mac(argv[1], mac, err))
        return NULL;
    d.mac = mac;
    fdb_dump(bridge_fdb(br), collect, &d);
    for (size_t i = 0; i < d.n; i++)
        n += fdb_del(bridge_fdb(br), mac, d.v[i].vlan) == 0;
    free(d.v);
    if (!n && d.vlan)
        return ctl_errf(err, "no entry for %s in VLAN %u", argv[1], d.vlan);
    if (!n)
        return ctl_errf(err, "no entry for %s", argv[1]);
    return json_pack("{s:I}", "deleted", (json_int_t)n);
}

static json_t *cmd_fdb_stats(size_t argc, const char *const *argv, void *arg,
                             char **err)
{
    struct fdb_stats s;
    struct bridge *br;

    if (ctl_args_count(argc, 1, 1, "fdb-stats BR", err)
        || !(br = ctl_args_bridge(argv[0], NULL, err)))
        return NULL;
    fdb_get_stats(bridge_fdb(br), &s);
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                     "entries", (json_int_t)s.entries, "max", (json_int_t)s.max_entries,
                     "learned", (json_int_t)s.learned, "aged", (json_int_t)s.aged,
                     "evicted", (json_int_t)s.evicted, "moved", (json_int_t)s.moved,
                     "full_drops", (json_int_t)s.full_drops,
                     "ageing", (json_int_t)fdb_get_ageing(bridge_fdb(br)));
}

static json_t *cmd_set_ageing(size_t argc, const char *const *argv, void *arg,
                              char **err)
{
    struct bridge *br;
    uint32_t s;
    char why[256];

    if (ctl_args_count(argc, 2, 2, "set-ageing BR SECONDS", err)
        || !(br = ctl_args_bridge(argv[0], NULL, err)))
        return NULL;
    if (conf_parse_ageing(argv[1], &s, why, sizeof why))
        return ctl_errf(err, "%s", why);
    int e = fdb_set_ageing(bridge_fdb(br), s);
    if (e)
        return ctl_errf(err, "%s", strerror(-e));
    xlog(XLOG_MOD_CTL, XLOG_INFO, "bridge %s: ageing set to %u s", bridge_name(br), s);
    return json_null();
}

/* ---- port-stats ---- */

static json_t *stats_json(const struct bridge *br, const struct port *p)
{
    const struct port_stats *s = &p->stats;
    json_t *drops = json_object();

    for (int r = 0; drops && r < DROP_N_REASONS; r++)
        json_object_set_new(drops, port_drop_reason_name(r),
                            json_integer((json_int_t)s->drops[r]));
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o}",
                     "bridge", bridge_name(br), "port", p->name,
                     "rx_packets", (json_int_t)s->rx_packets,
                     "rx_bytes", (json_int_t)s->rx_bytes,
                     "tx_packets", (json_int_t)s->tx_packets,
                     "tx_bytes", (json_int_t)s->tx_bytes, "drops", drops);
}

static json_t *cmd_port_stats(size_t argc, const char *const *argv, void *arg,
                              char **err)
{
    struct bridge *br, *only = NULL;
    struct port *p;
    json_t *list;

    if (ctl_args_count(argc, 0, 2, "port-stats [BR [PORT]]", err)
        || (argc && !(only = ctl_args_bridge(argv[0], NULL, err))))
        return NULL;
    if (argc == 2 && !bridge_find_port(only, argv[1]))
        return ctl_errf(err, "bridge %s has no port named '%s'", argv[0], argv[1]);
    list = json_array();
    for (unsigned i = 0; list && (br = bridge_at(i)); i++) {
        if (only && br != only)
            continue;
        for (unsigned j = 0; (p = bridge_port_at(br, j)); j++)
            if (argc < 2 || !strcmp(p->name, argv[1]))
                json_array_append_new(list, stats_json(br, p));
    }
    return list;
}

int ctl_fdb_register(void)
{
    static const struct {
        const char *name;
        ctl_handler *fn;
    } cmds[] = {
        { "fdb-show", cmd_fdb_show }, { "fdb-flush", cmd_fdb_flush },
        { "fdb-add", cmd_fdb_add }, { "fdb-del", cmd_fdb_del },
        { "fdb-stats", cmd_fdb_stats }, { "set-ageing", cmd_set_ageing },
        { "port-stats", cmd_port_stats },
    };
    int err;

    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
        if ((err = ctl_register_command(cmds[i].name, cmds[i].fn, NULL)))
            return err;
    return 0;
}
