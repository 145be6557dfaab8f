/* conf_values: the values of xvs.conf -- names, numbers, booleans, log
 * levels -- checked the same way for the file, the command line and the
 * control socket (declared in conf.h). */
#include "daemon/conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "netback/netback.h"

int conf_check_bridge_name(const char *s, char *why, size_t n)
{
    size_t len = strlen(s);

    if (len == 0 || len >= BRIDGE_NAME_MAX) {
        snprintf(why, n, "bridge name '%s' must be 1..%d characters", s,
                 BRIDGE_NAME_MAX - 1);
        return -EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && !(i > 0 && (c == '_' || c == '-'))) {
            snprintf(why, n, "bridge name '%s' may only have letters, digits, "
                     "'_' and '-' (and start with a letter or digit)", s);
            return -EINVAL;
        }
    }
    return 0;
}

int conf_check_ifname(const char *s, char *why, size_t n)
{
    size_t len = strlen(s);

    if (len == 0 || len >= IF_NAMESIZE) {
        snprintf(why, n, "interface name '%s' must be 1..%d characters", s,
                 IF_NAMESIZE - 1);
        return -EINVAL;
    }
    if (!strcmp(s, ".") || !strcmp(s, "..")) {
        snprintf(why, n, "'%s' is not an interface name", s);
        return -EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
            snprintf(why, n, "interface name '%s' has a character not allowed "
                     "in a netdev name", s);
            return -EINVAL;
        }
    }
    return 0;
}

int conf_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i])) {
            *out = true;
            return 0;
        }
        if (!strcmp(s, no[i])) {
            *out = false;
            return 0;
        }
    }
    return -EINVAL;
}

static void list_names(char *buf, size_t n, const char *(*name)(int), int count)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < count && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", name(i));
}

static const char *module_name_(int i) { return xlog_module_name((enum xlog_module)i); }
static const char *level_name_(int i) { return xlog_level_name((enum xlog_level)i); }

int conf_parse_log_levels(const char *spec, enum xlog_level levels[XLOG_N_MODULES],
                          char *why, size_t n)
{
    enum xlog_level out[XLOG_N_MODULES];
    char names[256];
    char *copy = strdup(spec), *rest = copy, *item;
    int err = 0;

    if (!copy) {
        snprintf(why, n, "out of memory");
        return -ENOMEM;
    }
    memcpy(out, levels, sizeof out);
    while (!err && (item = strsep(&rest, ","))) {
        while (isspace((unsigned char)*item))
            item++;
        char *e = item + strlen(item);
        while (e > item && isspace((unsigned char)e[-1]))
            *--e = '\0';

        char *eq = strchr(item, '=');
        const char *mod = eq ? item : "all", *lvl = eq ? eq + 1 : item;
        enum xlog_module m = 0;
        enum xlog_level l;
        if (eq)
            *eq = '\0';
        if (!*item) {
            snprintf(why, n, "'%s' has an empty item (expected LEVEL or "
                     "MODULE=LEVEL, comma-separated)", spec);
            err = -EINVAL;
        } else if (strcmp(mod, "all") && xlog_module_from_name(mod, &m)) {
            list_names(names, sizeof names, module_name_, XLOG_N_MODULES);
            snprintf(why, n, "'%s' is not a module (%s, all)", mod, names);
            err = -EINVAL;
        } else if (xlog_level_from_name(lvl, &l)) {
            list_names(names, sizeof names, level_name_, XLOG_N_LEVELS);
            snprintf(why, n, "'%s' is not a log level (%s)", lvl, names);
            err = -EINVAL;
        } else if (!strcmp(mod, "all")) {
            for (int i = 0; i < XLOG_N_MODULES; i++)
                out[i] = l;
        } else {
            out[m] = l;
        }
    }
    free(copy);
    if (!err)
        memcpy(levels, out, sizeof out);
    return err;
}

static int num(const char *v, unsigned long long lo, unsigned long long hi,
               const char *what, unsigned long long *out, char *why, size_t n)
{
    if (parse_uint(v, hi, out) || *out < lo) {
        snprintf(why, n, "'%s' is not %s (%llu..%llu)", v, what, lo, hi);
        return -EINVAL;
    }
    return 0;
}

/* num() into a uint32_t (hi must fit). */
static int num_u32(const char *v, unsigned long long lo, unsigned long long hi,
                   const char *what, uint32_t *out, char *why, size_t n)
{
    unsigned long long x;
    int err = num(v, lo, hi, what, &x, why, n);
    if (!err)
        *out = (uint32_t)x;
    return err;
}

int conf_parse_ageing(const char *v, uint32_t *out, char *why, size_t n)
{
    return num_u32(v, 0, CONF_AGEING_MAX, "a number of seconds", out, why, n);
}

int conf_parse_fdb_max(const char *v, uint32_t *out, char *why, size_t n)
{
    return num_u32(v, 1, FDB_MAX_ENTRIES_LIMIT, "a number of entries", out, why, n);
}

int conf_parse_mtu(const char *v, unsigned *out, char *why, size_t n)
{
    unsigned long long x;
    int err = num(v, CONF_MTU_MIN, CONF_MTU_MAX, "an MTU", &x, why, n);
    if (!err)
        *out = (unsigned)x;
    return err;
}

int conf_parse_vlan(const char *v, uint16_t *out, char *why, size_t n)
{
    unsigned long long x;
    int err = num(v, VLAN_ID_MIN, VLAN_ID_MAX, "a VLAN", &x, why, n);
    if (!err)
        *out = (uint16_t)x;
    return err;
}

int conf_parse_trunk(const char *v, uint64_t bitmap[VLAN_BITMAP_WORDS], char *why,
                     size_t n)
{
    if (vlan_list_parse(v, bitmap)) {
        snprintf(why, n, "'%s' is not a VLAN list such as 10,20-30 (VLANs %d..%d)",
                 v, VLAN_ID_MIN, VLAN_ID_MAX);
        return -EINVAL;
    }
    return 0;
}

int conf_parse_yes_no(const char *v, bool *out, char *why, size_t n)
{
    if (conf_parse_bool(v, out)) {
        snprintf(why, n, "'%s' is not yes or no", v);
        return -EINVAL;
    }
    return 0;
}

void conf_port_init(struct conf_port *q, const char *bridge, const char *name,
                    enum conf_port_role role)
{
    memset(q, 0, sizeof *q);
    snprintf(q->bridge, sizeof q->bridge, "%s", bridge);
    snprintf(q->name, sizeof q->name, "%s", name);
    q->role = role;
    q->learning = true;
    q->pvid = 1;
    if (role == CONF_PORT_UPLINK) {
        q->vlan_mode = PORT_VLAN_TRUNK;    /* VLANs 1..4094: all but 0 and 4095 */
        memset(q->trunk, 0xff, sizeof q->trunk);
        q->trunk[0] &= ~1ull;
        q->trunk[VLAN_BITMAP_WORDS - 1] &= ~(1ull << 63);
    } else {
        q->vlan_mode = PORT_VLAN_ACCESS;
    }
}

/* ---- [xen] ---- */

void conf_xen_default(struct conf_xen *x)
{
    memset(x, 0, sizeof *x);
    x->xenif = CONF_XENIF_AUTO;
    x->rxq_bytes = NETBACK_RXQ_MAX_BYTES;
    x->tx_budget = NETBACK_TX_BUDGET;
    x->rx_stall_s = NETBACK_RX_STALL_MS / 1000;
    x->rx_drain_s = NETBACK_RX_DRAIN_MS / 1000;
}

int conf_parse_xenif(const char *v, struct conf_xen *x, char *why, size_t n)
{
    static const struct { const char *name; enum conf_xenif kind; } kinds[] = {
        { "auto", CONF_XENIF_AUTO }, { "xen", CONF_XENIF_XEN }, { "none", CONF_XENIF_NONE },
    };

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (!strcmp(v, kinds[i].name)) {
            x->xenif = kinds[i].kind;
            x->sim_dir[0] = '\0';
            return 0;
        }
    if (!strncmp(v, "sim:", 4) && v[4] == '/' && strlen(v + 4) <= CONF_SIM_DIR_MAX) {
        x->xenif = CONF_XENIF_SIM;
        strcpy(x->sim_dir, v + 4);
        return 0;
    }
    snprintf(why, n, "'%s' is not auto, xen, none or sim:DIR (DIR an absolute path "
             "of at most %d bytes)", v, CONF_SIM_DIR_MAX);
    return -EINVAL;
}

int conf_parse_xenstore(const char *v, enum conf_xenstore *out, char *why, size_t n)
{
    static const char *const names[] = { "auto", "yes", "no" };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (!strcmp(v, names[i])) {
            *out = (enum conf_xenstore)i;
            return 0;
        }
    snprintf(why, n, "'%s' is not auto, yes or no", v);
    return -EINVAL;
}

const char *conf_xenif_format(const struct conf_xen *x, char *buf, size_t n)
{
    static const char *const names[] = { "auto", "xen", "sim", "none" };

    if (x->xenif == CONF_XENIF_SIM)
        snprintf(buf, n, "sim:%s", x->sim_dir);
    else
        snprintf(buf, n, "%s", names[x->xenif]);
    return buf;
}

int conf_parse_rxq_bytes(const char *v, uint32_t *out, char *why, size_t n)
{
    return num_u32(v, CONF_RXQ_BYTES_MIN, CONF_RXQ_BYTES_MAX, "a number of bytes", out, why, n);
}

int conf_parse_tx_budget(const char *v, uint32_t *out, char *why, size_t n)
{
    return num_u32(v, 1, CONF_TX_BUDGET_MAX, "a number of ring slots", out, why, n);
}

int conf_parse_timeout(const char *v, uint32_t *out, char *why, size_t n)
{
    return num_u32(v, 1, CONF_TIMEOUT_S_MAX, "a number of seconds", out, why, n);
}
