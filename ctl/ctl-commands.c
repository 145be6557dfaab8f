/* ctl-commands: the commands xvsctl knows, their usage and argument checks.
 *
 * The checks here are the cheap, obvious ones (counts, numbers, names, MAC
 * syntax) so that a typo gets a precise message without a round trip; xvsd
 * checks everything again and has the last word. */
#include "ctl/ctl.h"

#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "lib/util.h"
#include "switch/fdb.h"
#include "switch/port.h"

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(err, errlen, fmt, args);
    va_end(args);
    return -1;
}

/* A bridge or interface name: what fits a Linux netdev name. */
static int
check_name(const char *s, const char *what, char *err, size_t errlen)
{
    if (!*s) {
        return fail(err, errlen, "%s name is empty", what);
    }
    if (strlen(s) >= IF_NAMESIZE) {
        return fail(err, errlen, "%s name \"%s\" is too long (at most %d characters)",
                    what, s, IF_NAMESIZE - 1);
    }
    if (strpbrk(s, "/ \t\n=:") || !strcmp(s, ".") || !strcmp(s, "..")) {
        return fail(err, errlen, "%s name \"%s\" is not a valid interface name",
                    what, s);
    }
    return 0;
}

static int
check_uint(const char *s, unsigned long long min, unsigned long long max,
           const char *what, char *err, size_t errlen)
{
    unsigned long long v;
    int error = parse_uint(s, max, &v);
    if (error == -ERANGE || (!error && v < min)) {
        return fail(err, errlen, "%s \"%s\" is out of range (%llu..%llu)",
                    what, s, min, max);
    } else if (error) {
        return fail(err, errlen, "%s \"%s\" is not a number", what, s);
    }
    return 0;
}

static int
check_vlan(const char *s, char *err, size_t errlen)
{
    return check_uint(s, VLAN_ID_MIN, VLAN_ID_MAX, "VLAN", err, errlen);
}

/* "10,20,30-40": each VLAN in range, ranges not reversed. */
static int
check_vlan_list(const char *s, char *err, size_t errlen)
{
    char buf[256];
    if (str_copy(buf, sizeof buf, s) || !*s) {
        return fail(err, errlen, "VLAN list \"%s\" is empty or too long", s);
    }
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(item, '-');
        if (dash) {
            *dash = '\0';
        }
        unsigned long long lo, hi;
        if (parse_uint(item, VLAN_ID_MAX, &lo) || lo < VLAN_ID_MIN
            || (dash && (parse_uint(dash + 1, VLAN_ID_MAX, &hi) || hi < lo))) {
            return fail(err, errlen, "bad VLAN list \"%s\" (expected e.g. 10,20-30 "
                        "with VLANs in %d..%d)", s, VLAN_ID_MIN, VLAN_ID_MAX);
        }
    }
    if (s[strlen(s) - 1] == ',' || s[0] == ',' || strstr(s, ",,")) {
        return fail(err, errlen, "bad VLAN list \"%s\" (empty item)", s);
    }
    return 0;
}

static int
check_mac(const char *s, char *err, size_t errlen)
{
    uint8_t mac[ETH_ADDR_LEN];
    if (eth_addr_parse(s, mac)) {
        return fail(err, errlen, "bad MAC address \"%s\" (expected aa:bb:cc:dd:ee:ff)", s);
    }
    if (eth_addr_is_multicast(mac) || eth_addr_is_zero(mac)) {
        return fail(err, errlen, "MAC address \"%s\" is multicast or zero", s);
    }
    return 0;
}

/* The spellings xvs.conf accepts. */
static int
check_bool(const char *s, const char *what, char *err, size_t errlen)
{
    static const char *const words[] = {
        "yes", "no", "true", "false", "on", "off", "1", "0",
    };
    for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
        if (!strcmp(s, words[i])) {
            return 0;
        }
    }
    return fail(err, errlen, "%s must be yes or no, not \"%s\"", what, s);
}

/* key=value options after the positional arguments. */
enum opt_kind { OPT_NAME, OPT_UINT, OPT_VLAN, OPT_VLAN_LIST, OPT_BOOL };
struct opt_spec {
    const char *key;
    enum opt_kind kind;
    unsigned long long min, max;      /* OPT_UINT */
};

/* Checks argv[first..argc) against specs; found[i] tells which were given. */
static int
check_opts(int argc, char *argv[], int first, const struct opt_spec *specs,
           size_t n_specs, bool found[], char *err, size_t errlen)
{
    for (int i = first; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        size_t klen = eq ? (size_t) (eq - argv[i]) : 0;
        const struct opt_spec *spec = NULL;
        size_t j;
        for (j = 0; eq && j < n_specs; j++) {
            if (strlen(specs[j].key) == klen && !strncmp(argv[i], specs[j].key, klen)) {
                spec = &specs[j];
                break;
            }
        }
        if (!spec) {
            char keys[128] = "";
            for (size_t k = 0; k < n_specs; k++) {
                snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s=",
                         k ? ", " : "", specs[k].key);
            }
            return fail(err, errlen, "unexpected argument \"%s\" (expected %s)",
                        argv[i], keys);
        }
        if (found[j]) {
            return fail(err, errlen, "%s given twice", spec->key);
        }
        found[j] = true;

        const char *v = eq + 1;
        int error = 0;
        switch (spec->kind) {
        case OPT_NAME:
            error = check_name(v, spec->key, err, errlen);
            break;
        case OPT_UINT:
            error = check_uint(v, spec->min, spec->max, spec->key, err, errlen);
            break;
        case OPT_VLAN:
            error = check_vlan(v, err, errlen);
            break;
        case OPT_VLAN_LIST:
            error = check_vlan_list(v, err, errlen);
            break;
        case OPT_BOOL:
            error = check_bool(v, spec->key, err, errlen);
            break;
        }
        if (error) {
            return error;
        }
    }
    return 0;
}

/* ---- Per-command checks ---- */

/* What a command's arguments must be: the positional ones first (checked
 * as far as they are given; the counts are checked before), then key=value
 * options, then a rule across options (found[i]: opts[i] was given). */
enum pos_kind { POS_END, POS_BRIDGE, POS_PORT, POS_MAC, POS_AGEING };
#define POS_MAX 3                       /* positional arguments checked */
#define OPTS_MAX 8                      /* key=value options of one command */
struct ctl_arg_spec {
    enum pos_kind pos[POS_MAX];
    const struct opt_spec *opts;
    size_t n_opts;
    int (*rule)(const bool found[], char *err, size_t errlen);
};

static int
check_pos(enum pos_kind kind, const char *s, char *err, size_t errlen)
{
    switch (kind) {
    case POS_BRIDGE:
        return check_name(s, "bridge", err, errlen);
    case POS_PORT:
        return check_name(s, "port", err, errlen);
    case POS_MAC:
        return check_mac(s, err, errlen);
    case POS_AGEING:
        return check_uint(s, 0, UINT32_MAX, "ageing time", err, errlen);
    case POS_END:
        break;
    }
    return 0;
}

static int
check_args(const struct ctl_arg_spec *spec, int argc, char *argv[], char *err, size_t errlen)
{
    bool found[OPTS_MAX] = { false };
    int n_pos = 0;

    for (; n_pos < POS_MAX && spec->pos[n_pos] != POS_END; n_pos++) {
        if (n_pos < argc && check_pos(spec->pos[n_pos], argv[n_pos], err, errlen)) {
            return -1;
        }
    }
    if (check_opts(argc, argv, n_pos, spec->opts, spec->n_opts, found, err, errlen)) {
        return -1;
    }
    return spec->rule ? spec->rule(found, err, errlen) : 0;
}

static const struct ctl_arg_spec args_br = { .pos = { POS_BRIDGE } };
static const struct ctl_arg_spec args_br_port = { .pos = { POS_BRIDGE, POS_PORT } };
static const struct ctl_arg_spec args_set_ageing = { .pos = { POS_BRIDGE, POS_AGEING } };

static const struct opt_spec add_br_opts[] = {
    { "uplink", OPT_NAME, 0, 0 },
    { "host-port", OPT_BOOL, 0, 0 },
    { "take-over-addresses", OPT_BOOL, 0, 0 },
    { "ageing", OPT_UINT, 0, UINT32_MAX },
    { "fdb-max", OPT_UINT, 1, FDB_MAX_ENTRIES_LIMIT },
    { "mtu", OPT_UINT, CTL_MTU_MIN, CTL_MTU_MAX },
};
static const struct ctl_arg_spec args_add_br = {
    .pos = { POS_BRIDGE }, .opts = add_br_opts, .n_opts = ARRAY_SIZE(add_br_opts),
};

enum { ADD_PORT_VLAN, ADD_PORT_TRUNK, ADD_PORT_NATIVE };
static const struct opt_spec add_port_opts[] = {
    [ADD_PORT_VLAN] = { "vlan", OPT_VLAN, 0, 0 },
    [ADD_PORT_TRUNK] = { "trunk", OPT_VLAN_LIST, 0, 0 },
    [ADD_PORT_NATIVE] = { "native", OPT_VLAN, 0, 0 },
    { "promiscuous", OPT_BOOL, 0, 0 },
    { "learning", OPT_BOOL, 0, 0 },
};

static int
add_port_rule(const bool found[], char *err, size_t errlen)
{
    if (found[ADD_PORT_VLAN] && (found[ADD_PORT_TRUNK] || found[ADD_PORT_NATIVE])) {
        return fail(err, errlen, "vlan= (access port) cannot be combined with "
                    "trunk= or native=");
    }
    if (found[ADD_PORT_NATIVE] && !found[ADD_PORT_TRUNK]) {
        return fail(err, errlen, "native= needs trunk=");
    }
    return 0;
}
static const struct ctl_arg_spec args_add_port = {
    .pos = { POS_BRIDGE, POS_PORT }, .opts = add_port_opts,
    .n_opts = ARRAY_SIZE(add_port_opts), .rule = add_port_rule,
};

static const struct opt_spec fdb_flush_opts[] = {
    { "port", OPT_NAME, 0, 0 },
    { "vlan", OPT_VLAN, 0, 0 },
    { "static", OPT_BOOL, 0, 0 },
};
static const struct ctl_arg_spec args_fdb_flush = {
    .pos = { POS_BRIDGE }, .opts = fdb_flush_opts, .n_opts = ARRAY_SIZE(fdb_flush_opts),
};

static const struct opt_spec vlan_opt[] = { { "vlan", OPT_VLAN, 0, 0 } };
static const struct ctl_arg_spec args_fdb_add = {
    .pos = { POS_BRIDGE, POS_PORT, POS_MAC }, .opts = vlan_opt, .n_opts = 1,
};
static const struct ctl_arg_spec args_fdb_del = {
    .pos = { POS_BRIDGE, POS_MAC }, .opts = vlan_opt, .n_opts = 1,
};

static const struct ctl_command commands[] = {
    { "show", "", "show bridges, their ports and settings",
      0, 0, NULL, ctl_render_show },
    { "list-br", "", "list bridge names",
      0, 0, NULL, ctl_render_names },
    { "list-ports", "BR", "list the ports of bridge BR",
      1, 1, &args_br, ctl_render_names },
    { "br-to-vlan", "BR", "print the VLAN of a VLAN bridge such as xenbr0.10 (0: none)",
      1, 1, &args_br, ctl_render_br_to_vlan },
    { "add-br", "BR [uplink=IF] [host-port=yes|no] [take-over-addresses=yes|no] "
      "[ageing=S] [fdb-max=N] [mtu=N]",
      "create bridge BR", 1, 7, &args_add_br, ctl_render_generic },
    { "del-br", "BR", "delete bridge BR and all its ports",
      1, 1, &args_br, ctl_render_generic },
    { "add-port", "BR IF [vlan=N | trunk=LIST [native=N]] [promiscuous=yes|no] "
      "[learning=yes|no]",
      "attach network device IF to BR (access VLAN N or a trunk)",
      2, 7, &args_add_port, ctl_render_generic },
    { "del-port", "BR PORT", "detach PORT from BR",
      2, 2, &args_br_port, ctl_render_generic },
    { "fdb-show", "BR", "list learned and static MAC addresses of BR",
      1, 1, &args_br, ctl_render_fdb_show },
    { "fdb-flush", "BR [port=P] [vlan=V] [static=yes|no]",
      "forget learned (and with static=yes static) MAC addresses",
      1, 4, &args_fdb_flush, ctl_render_fdb_flush },
    { "fdb-add", "BR PORT MAC [vlan=V]", "add a static MAC address on PORT",
      3, 4, &args_fdb_add, ctl_render_generic },
    { "fdb-del", "BR MAC [vlan=V]", "delete a MAC address entry",
      2, 3, &args_fdb_del, ctl_render_generic },
    { "fdb-stats", "BR", "show learning table counters of BR",
      1, 1, &args_br, ctl_render_fdb_stats },
    { "set-ageing", "BR SECONDS", "set the ageing time (0: no learning, BR is a hub)",
      2, 2, &args_set_ageing, ctl_render_generic },
    { "port-stats", "[BR [PORT]]", "show per-port packet, byte and drop counters",
      0, 2, &args_br_port, ctl_render_port_stats },
    { "log-level", "[SPEC | MODULE|all LEVEL]",
      "show or set log levels (err, warn, info, debug; SPEC: info,fdb=debug)",
      0, 2, NULL, ctl_render_log_level },
    { "version", "", "show the version of xvsd",
      0, 0, NULL, ctl_render_version },
};

const struct ctl_command *
ctl_command_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

const struct ctl_command *
ctl_command_at(unsigned idx)
{
    return idx < ARRAY_SIZE(commands) ? &commands[idx] : NULL;
}

int
ctl_command_check(const struct ctl_command *c, int argc, char *argv[],
                  char *err, size_t errlen)
{
    if (argc < (int) c->min_args || argc > (int) c->max_args) {
        return fail(err, errlen, "%s: %s arguments (usage: %s%s%s)", c->name,
                    argc < (int) c->min_args ? "missing" : "too many",
                    c->name, *c->args ? " " : "", c->args);
    }
    if (c->check && check_args(c->check, argc, argv, err, errlen)) {
        char tmp[256];
        snprintf(tmp, sizeof tmp, "%s", err);
        snprintf(err, errlen, "%s: %s", c->name, tmp);
        return -1;
    }
    return 0;
}
