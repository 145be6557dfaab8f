/* ctl_commands: bridge and port commands, show, log-level, version
 * (results in ctl_commands.h; FDB and counters in ctl_fdb.c). */
#include <config.h>

#include "daemon/ctl_commands.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/brmgr.h"
#include "daemon/conf.h"
#include "daemon/ctl.h"
#include "daemon/ctl_args.h"
#include "lib/log.h"
#include "lib/util.h"
#include "switch/antispoof.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "switch/port.h"

int ctl_fdb_register(void);             /* ctl_fdb.c */

static uint32_t default_ageing = FDB_DEFAULT_AGEING_S;
static uint32_t default_fdb_max = FDB_DEFAULT_MAX;

void ctl_commands_set_defaults(uint32_t ageing_s, uint32_t fdb_max)
{
    default_ageing = ageing_s;
    default_fdb_max = fdb_max;
}

/* ---- show ---- */

static json_t *port_json(const struct brmgr_bridge *rec, const struct port *p)
{
    char mac[ETH_ADDR_STRLEN], trunks[VLAN_ID_MAX * 5 + 1] = "";
    const char *origin = rec ? brmgr_port_origin(rec, p) : NULL;
    json_t *o;

    eth_addr_format(p->mac, mac);
    if (p->vlan_mode == PORT_VLAN_TRUNK)
        vlan_list_format(p->allowed, trunks, sizeof trunks);
    o = json_pack("{s:s, s:s, s:I, s:b, s:s, s:i, s:s, s:b, s:b, s:b, s:s, s:o}",
                  "name", p->name, "kind", p->ops->kind,
                  "ofport", (json_int_t)p->ofport, "link_up", p->link_up,
                  "vlan_mode", p->vlan_mode == PORT_VLAN_TRUNK ? "trunk" : "access",
                  "pvid", p->pvid, "trunks", trunks,
                  "promiscuous", p->promiscuous, "mac_locked", p->mac_locked,
                  "learning", p->learning, "mac", mac,
                  "origin", origin ? json_string(origin) : json_null());
    if (o) {
        json_object_set_new(o, "ra_guard", json_boolean(antispoof_guard_on(p, p->ra_guard)));
        json_object_set_new(o, "dhcp_guard",
                            json_boolean(antispoof_guard_on(p, p->dhcp_guard)));
    }
    if (o && p->ops->describe)
        p->ops->describe(p, o);
    return o;
}

static json_t *bridge_json(struct bridge *br)
{
    struct brmgr_bridge *rec = brmgr_find(bridge_name(br));
    struct fdb_stats st;
    json_t *ports = json_array(), *o;
    struct port *p;

    fdb_get_stats(bridge_fdb(br), &st);
    for (unsigned i = 0; ports && (p = bridge_port_at(br, i)); i++)
        json_array_append_new(ports, port_json(rec, p));
    o = json_pack("{s:s, s:I, s:I, s:b, s:o, s:o, s:o}",
                  "name", bridge_name(br),
                  "ageing", (json_int_t)fdb_get_ageing(bridge_fdb(br)),
                  "fdb_max", (json_int_t)st.max_entries,
                  "host_port", rec && rec->spec.host_port,
                  "uplink", rec && rec->spec.uplink[0] ? json_string(rec->spec.uplink)
                                                       : json_null(),
                  "origin", rec ? json_string(brmgr_origin_name(rec->origin))
                                : json_null(),
                  "ports", ports);
    return o;
}

static json_t *cmd_show(size_t argc, const char *const *argv, void *arg, char **err)
{
    json_t *list = json_array();
    struct bridge *br;

    if (ctl_args_count(argc, 0, 1, "show [BR]", err)) {
        json_decref(list);
        return NULL;
    }
    if (argc) {
        if (!(br = ctl_args_bridge(argv[0], NULL, err))) {
            json_decref(list);
            return NULL;
        }
        json_array_append_new(list, bridge_json(br));
    } else {
        for (unsigned i = 0; (br = bridge_at(i)); i++)
            json_array_append_new(list, bridge_json(br));
    }
    return json_pack("{s:o}", "bridges", list);
}

/* ---- names ---- */

static int str_cmp(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a),
                  json_string_value(*(json_t *const *)b));
}

static json_t *sorted(json_t *names)
{
    size_t n = json_array_size(names);
    json_t **v = calloc(n + 1, sizeof *v), *out = json_array();

    for (size_t i = 0; v && i < n; i++)
        v[i] = json_incref(json_array_get(names, i));
    if (v)
        qsort(v, n, sizeof *v, str_cmp);
    for (size_t i = 0; v && i < n; i++)
        json_array_append_new(out, v[i]);
    free(v);
    json_decref(names);
    return out;
}

static json_t *cmd_list_br(size_t argc, const char *const *argv, void *arg, char **err)
{
    json_t *names = json_array();
    struct bridge *br;
    struct port *p;

    if (ctl_args_count(argc, 0, 0, "list-br", err)) {
        json_decref(names);
        return NULL;
    }
    for (unsigned i = 0; (br = bridge_at(i)); i++) {
        uint64_t used[VLAN_BITMAP_WORDS] = { 0 };
        char name[BRIDGE_NAME_MAX + 6];

        json_array_append_new(names, json_string(bridge_name(br)));
        for (unsigned j = 0; (p = bridge_port_at(br, j)); j++)
            if (p->vlan_mode == PORT_VLAN_ACCESS && p->pvid > 1 && p->pvid <= VLAN_ID_MAX)
                used[p->pvid / 64] |= 1ull << (p->pvid % 64);
        for (unsigned v = 2; v <= VLAN_ID_MAX; v++)
            if (used[v / 64] >> (v % 64) & 1) {
                snprintf(name, sizeof name, "%s.%u", bridge_name(br), v);
                json_array_append_new(names, json_string(name));
            }
    }
    return names;
}

static json_t *cmd_list_ports(size_t argc, const char *const *argv, void *arg,
                              char **err)
{
    struct bridge *br;
    uint16_t vlan;
    struct port *p;
    json_t *names;

    if (ctl_args_count(argc, 1, 1, "list-ports BR", err)
        || !(br = ctl_args_bridge(argv[0], &vlan, err)))
        return NULL;
    names = json_array();
    for (unsigned i = 0; (p = bridge_port_at(br, i)); i++)
        if (!vlan || (p->vlan_mode == PORT_VLAN_ACCESS && p->pvid == vlan))
            json_array_append_new(names, json_string(p->name));
    return sorted(names);
}

static json_t *cmd_br_to_vlan(size_t argc, const char *const *argv, void *arg,
                              char **err)
{
    struct bridge *br;
    uint16_t vlan;

    if (ctl_args_count(argc, 1, 1, "br-to-vlan BR", err)
        || !(br = ctl_args_bridge(argv[0], &vlan, err)))
        return NULL;
    return json_pack("{s:s, s:i}", "bridge", bridge_name(br), "vlan", vlan);
}

/* ---- bridges and ports ---- */

/* Which bridge already has a port called `name` (a netdev is on one only). */
static struct bridge *bridge_with_port(const char *name)
{
    struct bridge *br;

    for (unsigned i = 0; (br = bridge_at(i)); i++)
        if (bridge_find_port(br, name))
            return br;
    return NULL;
}

static json_t *cmd_add_br(size_t argc, const char *const *argv, void *arg, char **err)
{
    static const char usage[] = "add-br BR [uplink=IF] [host-port=yes|no] "
        "[take-over-addresses=yes|no] [ageing=S] [fdb-max=N] [mtu=N]";
    struct ctl_opt o[] = { { "uplink", NULL }, { "host-port", NULL },
                           { "take-over-addresses", NULL }, { "ageing", NULL },
                           { "fdb-max", NULL }, { "mtu", NULL } };
    struct conf_bridge b = { .host_port = true, .ageing_s = default_ageing,
                             .fdb_max = default_fdb_max };
    char why[BRMGR_ERR_MAX];
    struct bridge *other;

    if (ctl_args_count(argc, 1, 1 + ARRAY_SIZE(o), usage, err)
        || ctl_args_opts(argc, argv, 1, o, ARRAY_SIZE(o), err))
        return NULL;
    if (conf_check_bridge_name(argv[0], why, sizeof why)
        || (o[0].value && conf_check_ifname(o[0].value, why, sizeof why)))
        return ctl_errf(err, "%s", why);
    if ((o[1].value && conf_parse_yes_no(o[1].value, &b.host_port, why, sizeof why))
        || (o[2].value && conf_parse_yes_no(o[2].value, &b.take_over, why, sizeof why))
        || (o[3].value && conf_parse_ageing(o[3].value, &b.ageing_s, why, sizeof why))
        || (o[4].value && conf_parse_fdb_max(o[4].value, &b.fdb_max, why, sizeof why))
        || (o[5].value && conf_parse_mtu(o[5].value, &b.mtu, why, sizeof why)))
        return ctl_errf(err, "%s", why);
    strcpy(b.name, argv[0]);
    if (o[0].value)
        strcpy(b.uplink, o[0].value);
    if (bridge_lookup(b.name))
        return ctl_errf(err, "bridge %s already exists", b.name);
    if ((other = bridge_with_port(b.name)))
        return ctl_errf(err, "%s is a port of bridge %s", b.name, bridge_name(other));
    if (b.uplink[0] && (other = bridge_with_port(b.uplink)))
        return ctl_errf(err, "%s is already a port of bridge %s", b.uplink,
                        bridge_name(other));
    if (b.uplink[0] && bridge_lookup(b.uplink))
        return ctl_errf(err, "%s is a bridge", b.uplink);
    if (b.take_over && (!b.uplink[0] || !b.host_port))
        return ctl_errf(err, "take-over-addresses=yes needs uplink= and host-port=yes");
    if (brmgr_add_bridge(&b, BRMGR_RUNTIME, false, why, sizeof why))
        return ctl_errf(err, "%s", why);
    xlog(XLOG_MOD_CTL, XLOG_INFO, "bridge %s added", b.name);
    return json_null();
}

static json_t *cmd_del_br(size_t argc, const char *const *argv, void *arg, char **err)
{
    char why[BRMGR_ERR_MAX];

    if (ctl_args_count(argc, 1, 1, "del-br BR", err)
        || !ctl_args_bridge(argv[0], NULL, err))
        return NULL;
    if (brmgr_del_bridge(argv[0], false, why, sizeof why))
        return ctl_errf(err, "%s", why);
    xlog(XLOG_MOD_CTL, XLOG_INFO, "bridge %s deleted", argv[0]);
    return json_null();
}

static json_t *cmd_add_port(size_t argc, const char *const *argv, void *arg,
                            char **err)
{
    static const char usage[] = "add-port BR IF [vlan=N | trunk=LIST [native=N]] "
        "[promiscuous=yes|no] [learning=yes|no]";
    struct ctl_opt o[] = { { "vlan", NULL }, { "trunk", NULL }, { "native", NULL },
                           { "promiscuous", NULL }, { "learning", NULL } };
    char why[BRMGR_ERR_MAX];
    struct bridge *br, *other;
    struct conf_port q;
    uint16_t vlan;

    if (ctl_args_count(argc, 2, 2 + ARRAY_SIZE(o), usage, err)
        || !(br = ctl_args_bridge(argv[0], &vlan, err))
        || ctl_args_opts(argc, argv, 2, o, ARRAY_SIZE(o), err))
        return NULL;
    if (conf_check_ifname(argv[1], why, sizeof why))
        return ctl_errf(err, "%s", why);
    conf_port_init(&q, bridge_name(br), argv[1], CONF_PORT_EXTRA);
    if (vlan && (o[0].value || o[1].value || o[2].value))
        return ctl_errf(err, "%s is VLAN %u of %s: vlan=, trunk= and native= do "
                        "not apply", argv[0], vlan, bridge_name(br));
    if (o[0].value && (o[1].value || o[2].value))
        return ctl_errf(err, "vlan= (access port) cannot be combined with trunk= "
                        "or native=");
    if (o[2].value && !o[1].value)
        return ctl_errf(err, "native= needs trunk=");
    q.pvid = vlan ? vlan : 1;
    if ((o[0].value && conf_parse_vlan(o[0].value, &q.pvid, why, sizeof why))
        || (o[1].value && conf_parse_trunk(o[1].value, q.trunk, why, sizeof why))
        || (o[3].value && conf_parse_yes_no(o[3].value, &q.promiscuous, why, sizeof why))
        || (o[4].value && conf_parse_yes_no(o[4].value, &q.learning, why, sizeof why)))
        return ctl_errf(err, "%s", why);
    if (o[1].value) {
        q.vlan_mode = PORT_VLAN_TRUNK;
        q.pvid = 0;
        if (o[2].value && conf_parse_vlan(o[2].value, &q.pvid, why, sizeof why))
            return ctl_errf(err, "%s", why);
    }
    if (bridge_lookup(q.name))
        return ctl_errf(err, "%s is a bridge", q.name);
    if ((other = bridge_with_port(q.name)))
        return ctl_errf(err, "%s is already a port of bridge %s", q.name,
                        bridge_name(other));
    if (brmgr_add_port(&q, BRMGR_RUNTIME, why, sizeof why))
        return ctl_errf(err, "%s", why);
    xlog(XLOG_MOD_CTL, XLOG_INFO, "bridge %s: port %s added", q.bridge, q.name);
    return json_null();
}

static json_t *cmd_del_port(size_t argc, const char *const *argv, void *arg,
                            char **err)
{
    char why[BRMGR_ERR_MAX];
    struct bridge *br;
    uint16_t vlan;

    if (ctl_args_count(argc, 2, 2, "del-port BR PORT", err)
        || !(br = ctl_args_bridge(argv[0], &vlan, err)))
        return NULL;
    if (brmgr_del_port(bridge_name(br), argv[1], why, sizeof why))
        return ctl_errf(err, "%s", why);
    xlog(XLOG_MOD_CTL, XLOG_INFO, "bridge %s: port %s deleted", bridge_name(br), argv[1]);
    return json_null();
}

/* ---- log-level, version ---- */

static json_t *levels_json(void)
{
    json_t *o = json_object();

    for (int m = 0; o && m < XLOG_N_MODULES; m++)
        json_object_set_new(o, xlog_module_name(m),
                            json_string(xlog_level_name(xlog_get_level(m))));
    return o;
}

static json_t *cmd_log_level(size_t argc, const char *const *argv, void *arg,
                             char **err)
{
    enum xlog_level lv[XLOG_N_MODULES];
    char *spec = NULL, why[512];
    int bad;

    if (ctl_args_count(argc, 0, 2, "log-level [SPEC | MODULE|all LEVEL]", err))
        return NULL;
    if (argc == 0)
        return levels_json();
    for (int m = 0; m < XLOG_N_MODULES; m++)
        lv[m] = xlog_get_level(m);
    if (argc == 2 && (strchr(argv[0], ',') || strchr(argv[0], '=')))
        return ctl_errf(err, "'%s' is not a module", argv[0]);
    if (asprintf(&spec, "%s%s%s", argv[0], argc == 2 ? "=" : "",
                 argc == 2 ? argv[1] : "") < 0)
        return ctl_errf(err, "out of memory");
    bad = conf_parse_log_levels(spec, lv, why, sizeof why);
    free(spec);
    if (bad)
        return ctl_errf(err, "%s", why);
    for (int m = 0; m < XLOG_N_MODULES; m++)
        if (lv[m] != xlog_get_level(m)) {
            xlog_set_level(m, lv[m]);
            xlog(XLOG_MOD_CTL, XLOG_INFO, "log level of %s set to %s",
                 xlog_module_name(m), xlog_level_name(lv[m]));
        }
    return levels_json();
}

static json_t *cmd_version(size_t argc, const char *const *argv, void *arg, char **err)
{
    if (ctl_args_count(argc, 0, 0, "version", err))
        return NULL;
    return json_pack("{s:s}", "version", PACKAGE_VERSION);
}

int ctl_commands_register(void)
{
    static const struct {
        const char *name;
        ctl_handler *fn;
    } cmds[] = {
        { "show", cmd_show }, { "list-br", cmd_list_br },
        { "list-ports", cmd_list_ports }, { "br-to-vlan", cmd_br_to_vlan },
        { "add-br", cmd_add_br }, { "del-br", cmd_del_br },
        { "add-port", cmd_add_port }, { "del-port", cmd_del_port },
        { "log-level", cmd_log_level }, { "version", cmd_version },
    };
    int err;

    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
        if ((err = ctl_register_command(cmds[i].name, cmds[i].fn, NULL)))
            return err;
    return ctl_fdb_register();
}
