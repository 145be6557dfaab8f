/* conf: parser of xvs.conf (format in conf.h).
 *
 * inih splits lines into sections and key/value pairs.  It does not tell its
 * handler the line number, does not report sections without keys and stops
 * reporting syntax errors after the first, so the file is fed to inih through
 * our own line reader (conf_reader), which counts lines, opens sections and
 * reports malformed lines itself; inih then only ever sees well-formed
 * lines.  Every error is collected with its line number, and cross-section
 * checks run once the whole file is read (conf_finish). */
#include "daemon/conf.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define CONF_PORT_SECTIONS_MAX (CONF_PORTS_MAX - 2 * CONF_BRIDGES_MAX)
#define WHY_MAX 512

enum sec_kind { SEC_NONE, SEC_BAD, SEC_GLOBAL, SEC_BRIDGE, SEC_PORT };

struct bridge_extra {           /* parse-time facts about one [bridge] */
    bool ageing_set, fdb_max_set;
    unsigned take_over_line;
};

struct port_extra {             /* parse-time facts about one [port] */
    unsigned vlan_line, trunk_line, native_line;
    uint16_t vlan, native;
};

struct error {
    unsigned line, seq;
    char *msg;
};

#define KEYS_MAX 8

struct parse {
    const char *source;
    const char *pos, *end;
    unsigned lineno;
    struct conf *conf;
    struct bridge_extra *bx;    /* parallel to conf->bridges */
    struct port_extra *px;      /* parallel to conf->ports */
    size_t bridges_cap, ports_cap;

    enum sec_kind sec;
    char label[64];             /* "bridge xenbr0", for messages */
    size_t idx;                 /* of the current bridge / port */
    unsigned key_lines[KEYS_MAX];
    unsigned global_line;

    struct error *errors;
    size_t n_errors;
    bool too_many;
};

/* ---- errors ---- */

static void __attribute__((format(printf, 3, 4)))
perr(struct parse *p, unsigned line, const char *fmt, ...)
{
    char buf[1024];
    int n = line ? snprintf(buf, sizeof buf, "%s:%u: ", p->source, line)
                 : snprintf(buf, sizeof buf, "%s: ", p->source);
    va_list ap;

    if (p->too_many)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    if (p->n_errors == CONF_ERRORS_MAX) {
        snprintf(buf, sizeof buf, "%s: too many errors, giving up", p->source);
        p->too_many = true;
        line = ~0u;
    }
    struct error *e = realloc(p->errors, (p->n_errors + 1) * sizeof *e);
    char *msg = strdup(buf);
    if (!e || !msg) {
        free(msg);
        if (e)
            p->errors = e;
        p->too_many = true;
        return;
    }
    p->errors = e;
    e[p->n_errors] = (struct error){ line, (unsigned)p->n_errors, msg };
    p->n_errors++;
}

static int error_cmp(const void *a_, const void *b_)
{
    const struct error *a = a_, *b = b_;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---- keys ---- */


static struct conf_bridge *cur_bridge(struct parse *p) { return &p->conf->bridges[p->idx]; }
static struct conf_port *cur_port(struct parse *p) { return &p->conf->ports[p->idx]; }

static int g_log_level(struct parse *p, const char *v, char *why, size_t n)
{
    p->conf->log_set = true;
    return conf_parse_log_levels(v, p->conf->log_levels, why, n);
}

static int g_control_socket(struct parse *p, const char *v, char *why, size_t n)
{
    if (v[0] != '/' || strlen(v) >= CONF_PATH_MAX) {
        snprintf(why, n, "'%s' is not an absolute path shorter than %d bytes",
                 v, CONF_PATH_MAX);
        return -EINVAL;
    }
    strcpy(p->conf->control_socket, v);
    return 0;
}

static int g_ageing(struct parse *p, const char *v, char *why, size_t n)
{
    return conf_parse_ageing(v, &p->conf->ageing_s, why, n);
}

static int g_fdb_max(struct parse *p, const char *v, char *why, size_t n)
{
    return conf_parse_fdb_max(v, &p->conf->fdb_max, why, n);
}

static int b_uplink(struct parse *p, const char *v, char *why, size_t n)
{
    int err = conf_check_ifname(v, why, n);
    if (!err)
        strcpy(cur_bridge(p)->uplink, v);
    return err;
}

static int b_host_port(struct parse *p, const char *v, char *why, size_t n)
{
    return conf_parse_yes_no(v, &cur_bridge(p)->host_port, why, n);
}

static int b_take_over(struct parse *p, const char *v, char *why, size_t n)
{
    int err = conf_parse_yes_no(v, &cur_bridge(p)->take_over, why, n);
    if (!err)
        p->bx[p->idx].take_over_line = p->lineno;
    return err;
}

static int b_ageing(struct parse *p, const char *v, char *why, size_t n)
{
    int err = conf_parse_ageing(v, &cur_bridge(p)->ageing_s, why, n);
    if (!err)
        p->bx[p->idx].ageing_set = true;
    return err;
}

static int b_fdb_max(struct parse *p, const char *v, char *why, size_t n)
{
    int err = conf_parse_fdb_max(v, &cur_bridge(p)->fdb_max, why, n);
    if (!err)
        p->bx[p->idx].fdb_max_set = true;
    return err;
}

static int b_mtu(struct parse *p, const char *v, char *why, size_t n)
{
    return conf_parse_mtu(v, &cur_bridge(p)->mtu, why, n);
}

static int p_vlan(struct parse *p, const char *v, char *why, size_t n)
{
    int err = conf_parse_vlan(v, &p->px[p->idx].vlan, why, n);
    if (!err)
        p->px[p->idx].vlan_line = p->lineno;
    return err;
}

static int p_trunk(struct parse *p, const char *v, char *why, size_t n)
{
    int err = conf_parse_trunk(v, cur_port(p)->trunk, why, n);
    if (!err)
        p->px[p->idx].trunk_line = p->lineno;
    return err;
}

static int p_native(struct parse *p, const char *v, char *why, size_t n)
{
    int err = conf_parse_vlan(v, &p->px[p->idx].native, why, n);
    if (!err)
        p->px[p->idx].native_line = p->lineno;
    return err;
}

static int p_promiscuous(struct parse *p, const char *v, char *why, size_t n)
{
    return conf_parse_yes_no(v, &cur_port(p)->promiscuous, why, n);
}

static int p_learning(struct parse *p, const char *v, char *why, size_t n)
{
    return conf_parse_yes_no(v, &cur_port(p)->learning, why, n);
}

struct key {
    const char *name;
    int (*set)(struct parse *, const char *value, char *why, size_t);
};

static const struct key global_keys[] = {
    { "log-level", g_log_level }, { "control-socket", g_control_socket },
    { "ageing", g_ageing }, { "fdb-max", g_fdb_max }, { NULL, NULL },
};
static const struct key bridge_keys[] = {
    { "uplink", b_uplink }, { "host-port", b_host_port },
    { "take-over-addresses", b_take_over }, { "ageing", b_ageing },
    { "fdb-max", b_fdb_max }, { "mtu", b_mtu }, { NULL, NULL },
};
static const struct key port_keys[] = {
    { "vlan", p_vlan }, { "trunk", p_trunk }, { "native", p_native },
    { "promiscuous", p_promiscuous }, { "learning", p_learning }, { NULL, NULL },
};

static const struct key *section_keys(enum sec_kind k)
{
    return k == SEC_GLOBAL ? global_keys : k == SEC_BRIDGE ? bridge_keys : port_keys;
}

static int conf_handler(void *p_, const char *section, const char *name,
                        const char *value)
{
    struct parse *p = p_;
    const struct key *keys, *k;
    char why[WHY_MAX];

    (void)section;              /* ours is in p->sec (see conf_reader) */
    if (p->sec == SEC_BAD)
        return 1;
    if (p->sec == SEC_NONE) {
        perr(p, p->lineno, "%s: key outside any section", name);
        return 1;
    }
    keys = section_keys(p->sec);
    for (k = keys; k->name && strcmp(k->name, name); k++)
        continue;
    if (!k->name) {
        char list[256];
        size_t used = 0;
        for (const struct key *q = keys; q->name && used < sizeof list; q++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                     q == keys ? "" : ", ", q->name);
        perr(p, p->lineno, "[%s] %s: unknown key (expected %s)", p->label, name, list);
        return 1;
    }
    unsigned *first = &p->key_lines[k - keys];
    if (*first) {
        perr(p, p->lineno, "[%s] %s: given twice (first on line %u)",
             p->label, name, *first);
        return 1;
    }
    *first = p->lineno;
    if (!*value)
        perr(p, p->lineno, "[%s] %s: empty value", p->label, name);
    else if (k->set(p, value, why, sizeof why))
        perr(p, p->lineno, "[%s] %s: %s", p->label, name, why);
    return 1;
}

/* ---- sections ---- */

static void *grow(void *arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(arr, ncap * elem);
    if (n) {
        memset((char *)n + *cap * elem, 0, (ncap - *cap) * elem);
        *cap = ncap;
    }
    return n;
}

/* Makes room for one more bridge/port; false on allocation failure. */
static bool room_for_bridge(struct parse *p)
{
    size_t cap = p->bridges_cap;
    struct conf_bridge *b = grow(p->conf->bridges, &cap, p->conf->n_bridges + 1,
                                 sizeof *b);
    if (!b)
        return false;
    p->conf->bridges = b;
    size_t cap2 = p->bridges_cap;
    struct bridge_extra *x = grow(p->bx, &cap2, p->conf->n_bridges + 1, sizeof *x);
    if (!x)
        return false;
    p->bx = x;
    p->bridges_cap = cap;
    return true;
}

static bool room_for_port(struct parse *p)
{
    size_t cap = p->ports_cap;
    struct conf_port *q = grow(p->conf->ports, &cap, p->conf->n_ports + 1, sizeof *q);
    if (!q)
        return false;
    p->conf->ports = q;
    size_t cap2 = p->ports_cap;
    struct port_extra *x = grow(p->px, &cap2, p->conf->n_ports + 1, sizeof *x);
    if (!x)
        return false;
    p->px = x;
    p->ports_cap = cap;
    return true;
}

static void open_global(struct parse *p)
{
    if (p->global_line) {
        perr(p, p->lineno, "[global]: duplicate section (first on line %u)",
             p->global_line);
        p->sec = SEC_BAD;
        return;
    }
    p->global_line = p->lineno;
    p->sec = SEC_GLOBAL;
}

static void open_bridge(struct parse *p, const char *name)
{
    char why[WHY_MAX];
    const struct conf_bridge *old;

    p->sec = SEC_BAD;
    if (conf_check_bridge_name(name, why, sizeof why)) {
        perr(p, p->lineno, "[%s]: %s", p->label, why);
    } else if ((old = conf_find_bridge(p->conf, name))) {
        perr(p, p->lineno, "[%s]: duplicate bridge (first on line %u)",
             p->label, old->line);
    } else if (p->conf->n_bridges >= CONF_BRIDGES_MAX) {
        perr(p, p->lineno, "[%s]: too many bridges (at most %d)", p->label,
             CONF_BRIDGES_MAX);
    } else if (!room_for_bridge(p)) {
        perr(p, p->lineno, "[%s]: out of memory", p->label);
    } else {
        p->idx = p->conf->n_bridges++;
        struct conf_bridge *b = cur_bridge(p);
        strcpy(b->name, name);
        b->host_port = true;
        b->line = p->lineno;
        p->sec = SEC_BRIDGE;
    }
}

static void open_port(struct parse *p, const char *br, const char *name)
{
    char why[WHY_MAX];
    const struct conf_port *old;

    p->sec = SEC_BAD;
    if (conf_check_bridge_name(br, why, sizeof why)
        || conf_check_ifname(name, why, sizeof why)) {
        perr(p, p->lineno, "[%s]: %s", p->label, why);
    } else if ((old = conf_find_port(p->conf, br, name))) {
        perr(p, p->lineno, "[%s]: duplicate port (first on line %u)",
             p->label, old->line);
    } else if (p->conf->n_ports >= CONF_PORT_SECTIONS_MAX) {
        perr(p, p->lineno, "[%s]: too many ports (at most %d)", p->label,
             CONF_PORT_SECTIONS_MAX);
    } else if (!room_for_port(p)) {
        perr(p, p->lineno, "[%s]: out of memory", p->label);
    } else {
        p->idx = p->conf->n_ports++;
        struct conf_port *q = cur_port(p);
        conf_port_init(q, br, name, CONF_PORT_EXTRA);
        q->line = p->lineno;
        p->sec = SEC_PORT;
    }
}

/* `line` starts with '['.  Returns false if the line is malformed. */
static bool open_section(struct parse *p, char *line)
{
    char *close = strchr(line, ']');
    char *words[4], *save = NULL;
    int n = 0;

    memset(p->key_lines, 0, sizeof p->key_lines);
    p->sec = SEC_BAD;
    if (!close) {
        perr(p, p->lineno, "syntax error: missing ']' in section header");
        return false;
    }
    for (char *c = close + 1; *c; c++) {
        if (*c == ';' || *c == '#')
            break;
        if (!isspace((unsigned char)*c)) {
            perr(p, p->lineno, "syntax error: text after ']' in section header");
            return false;
        }
    }
    *close = '\0';
    for (char *w = strtok_r(line + 1, " \t", &save); w && n < 4;
         w = strtok_r(NULL, " \t", &save))
        words[n++] = w;

    size_t used = 0;
    p->label[0] = '\0';
    for (int i = 0; i < n && used < sizeof p->label; i++)   /* long: cut */
        used += (size_t)snprintf(p->label + used, sizeof p->label - used, "%s%s",
                                 i ? " " : "", words[i]);

    if (n == 1 && !strcmp(words[0], "global"))
        open_global(p);
    else if (n == 2 && !strcmp(words[0], "bridge"))
        open_bridge(p, words[1]);
    else if (n == 3 && !strcmp(words[0], "port"))
        open_port(p, words[1], words[2]);
    else
        perr(p, p->lineno, "[%s]: unknown section (expected [global], "
             "[bridge NAME] or [port BRIDGE IFNAME])", p->label);
    return true;
}

/* inih's fgets-like reader: hands inih one line at a time (see top). */
static char *conf_reader(char *buf, int size, void *p_)
{
    struct parse *p = p_;

    if (p->pos >= p->end || p->too_many)
        return NULL;
    const char *nl = memchr(p->pos, '\n', (size_t)(p->end - p->pos));
    const char *s = p->pos, *e = nl ? nl : p->end;
    p->pos = nl ? nl + 1 : p->end;
    p->lineno++;

    if (p->lineno == 1 && e - s >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        s += 3;                 /* UTF-8 byte order mark */
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    size_t len = (size_t)(e - s);
    buf[0] = '\n';
    buf[1] = '\0';
    if (len > CONF_LINE_MAX || len + 3 > (size_t)size) {
        perr(p, p->lineno, "line too long (more than %d characters)", CONF_LINE_MAX);
        return buf;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (len == 0 || buf[0] == ';' || buf[0] == '#') {
        /* blank or comment */
    } else if (buf[0] == '[') {
        char copy[CONF_LINE_MAX + 1];
        strcpy(copy, buf);
        if (!open_section(p, copy))
            buf[0] = '\0';
    } else if (!strpbrk(buf, "=:")) {
        perr(p, p->lineno, "syntax error: expected [section], key = value or a comment");
        buf[0] = '\0';
    } else if (buf[0] == '=' || buf[0] == ':') {
        perr(p, p->lineno, "syntax error: missing key before '%c'", buf[0]);
        buf[0] = '\0';
    }
    strcat(buf, "\n");
    return buf;
}

/* ---- whole-file checks ---- */

/* Resolve a [port]'s role and VLAN settings. */
static void finish_port(struct parse *p, size_t i)
{
    struct conf_port *q = &p->conf->ports[i];
    const struct port_extra *x = &p->px[i];
    const struct conf_bridge *b = conf_find_bridge(p->conf, q->bridge);
    char label[64];

    snprintf(label, sizeof label, "port %s %s", q->bridge, q->name);
    if (!b) {
        perr(p, q->line, "[%s]: no bridge named '%s' in this file", label, q->bridge);
        return;
    }
    q->role = !strcmp(q->name, b->uplink) ? CONF_PORT_UPLINK
            : !strcmp(q->name, b->name) ? CONF_PORT_HOST : CONF_PORT_EXTRA;
    if (q->role == CONF_PORT_HOST && !b->host_port)
        perr(p, q->line, "[%s]: bridge %s has host-port = no (line %u)", label,
             b->name, b->line);
    if (x->vlan_line && x->trunk_line)
        perr(p, MAX(x->vlan_line, x->trunk_line), "[%s] %s: vlan and trunk "
             "exclude each other (vlan makes an access port)", label,
             x->vlan_line > x->trunk_line ? "vlan" : "trunk");
    if (x->native_line && !x->trunk_line)
        perr(p, x->native_line, "[%s] native: needs trunk (the native VLAN of "
             "an access port is its vlan)", label);

    if (x->trunk_line) {
        q->vlan_mode = PORT_VLAN_TRUNK;
        q->pvid = x->native;
    } else if (x->vlan_line) {
        q->vlan_mode = PORT_VLAN_ACCESS;
        q->pvid = x->vlan;
    } else {
        struct conf_port d;
        conf_port_init(&d, q->bridge, q->name, q->role);
        q->vlan_mode = d.vlan_mode;
        q->pvid = d.pvid;
        memcpy(q->trunk, d.trunk, sizeof q->trunk);
    }
}

struct use {                    /* one netdev name taken by the file */
    const char *name, *what, *bridge;
    unsigned line;
};

static void check_uses(struct parse *p)
{
    struct conf *c = p->conf;
    size_t n = 0;
    struct use *u = calloc(2 * c->n_bridges + c->n_ports + 1, sizeof *u);

    if (!u) {
        perr(p, 0, "out of memory");
        return;
    }
    for (size_t i = 0; i < c->n_bridges; i++) {
        const struct conf_bridge *b = &c->bridges[i];
        u[n++] = (struct use){ b->name, "the name of bridge", b->name, b->line };
        if (b->uplink[0])
            u[n++] = (struct use){ b->uplink, "the uplink of bridge", b->name, b->line };
    }
    for (size_t i = 0; i < c->n_ports; i++) {
        const struct conf_port *q = &c->ports[i];
        if (q->role == CONF_PORT_EXTRA && conf_find_bridge(c, q->bridge))
            u[n++] = (struct use){ q->name, "a port of bridge", q->bridge, q->line };
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const struct use *a = &u[j], *b = &u[i];
            if (j != i && !strcmp(a->name, b->name)
                && (a->line < b->line || (a->line == b->line && j < i))) {
                perr(p, b->line, "'%s' is already %s %s (line %u)", b->name,
                     a->what, a->bridge, a->line);
                break;
            }
        }
    free(u);
}

static void add_implicit_port(struct parse *p, const struct conf_bridge *b,
                              const char *name)
{
    if (conf_find_port(p->conf, b->name, name))
        return;
    if (!room_for_port(p)) {
        perr(p, 0, "out of memory");
        return;
    }
    size_t i = p->conf->n_ports++;
    conf_port_init(&p->conf->ports[i], b->name, name, CONF_PORT_EXTRA);
    memset(&p->px[i], 0, sizeof p->px[i]);
    finish_port(p, i);
}

static void conf_finish(struct parse *p)
{
    struct conf *c = p->conf;
    size_t n_sections = c->n_ports;

    for (size_t i = 0; i < c->n_bridges; i++) {
        struct conf_bridge *b = &c->bridges[i];
        if (!p->bx[i].ageing_set)
            b->ageing_s = c->ageing_s;
        if (!p->bx[i].fdb_max_set)
            b->fdb_max = c->fdb_max;
        if (b->take_over && (!b->uplink[0] || !b->host_port))
            perr(p, p->bx[i].take_over_line, "[bridge %s] take-over-addresses: "
                 "needs an uplink and host-port = yes", b->name);
    }
    for (size_t i = 0; i < n_sections; i++)
        finish_port(p, i);
    check_uses(p);
    for (size_t i = 0; i < c->n_bridges; i++) {
        const struct conf_bridge *b = &c->bridges[i];
        if (b->uplink[0])
            add_implicit_port(p, b, b->uplink);
        if (b->host_port)
            add_implicit_port(p, b, b->name);
    }
}

/* ---- entry points ---- */

struct conf *conf_default(void)
{
    struct conf *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    for (int i = 0; i < XLOG_N_MODULES; i++)
        c->log_levels[i] = XLOG_INFO;
    strcpy(c->control_socket, CONF_DEFAULT_CONTROL_SOCKET);
    c->ageing_s = FDB_DEFAULT_AGEING_S;
    c->fdb_max = FDB_DEFAULT_MAX;
    return c;
}

static void errors_out(struct parse *p, struct conf_errors *errs)
{
    if (p->n_errors)
        qsort(p->errors, p->n_errors, sizeof *p->errors, error_cmp);
    errs->msgs = calloc(p->n_errors + 1, sizeof *errs->msgs);
    errs->n = 0;
    for (size_t i = 0; i < p->n_errors; i++) {
        if (errs->msgs)
            errs->msgs[errs->n++] = p->errors[i].msg;
        else
            free(p->errors[i].msg);
    }
    free(p->errors);
}

struct conf *conf_parse_string(const char *text, const char *source,
                               struct conf_errors *errs)
{
    struct parse p = { .source = source, .pos = text, .end = text + strlen(text) };

    errs->msgs = NULL;
    errs->n = 0;
    p.conf = conf_default();
    if (!p.conf) {
        perr(&p, 0, "out of memory");
    } else {
        int r = ini_parse_stream(conf_reader, &p, conf_handler, &p);
        if (r == -2)
            perr(&p, 0, "out of memory");
        else if (r > 0 && !p.too_many) {
            bool known = false;
            for (size_t i = 0; i < p.n_errors; i++)
                known |= p.errors[i].line == (unsigned)r;
            if (!known)
                perr(&p, (unsigned)r, "syntax error");
        }
        if (!p.too_many)
            conf_finish(&p);
    }
    free(p.bx);
    free(p.px);
    if (p.n_errors) {
        conf_free(p.conf);
        p.conf = NULL;
    }
    errors_out(&p, errs);
    return p.conf;
}

struct conf *conf_parse_file(const char *path, struct conf_errors *errs)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0;
    const char *why = NULL;
    struct conf *c = NULL;

    if (!f) {
        why = strerror(errno);
    } else {
        buf = malloc(CONF_FILE_MAX + 1);
        if (!buf)
            why = "out of memory";
        else {
            len = fread(buf, 1, CONF_FILE_MAX + 1, f);
            if (ferror(f))
                why = strerror(errno);
            else if (len > CONF_FILE_MAX)
                why = "file larger than 1 MiB";
            else if (memchr(buf, '\0', len))
                why = "file contains a NUL byte (not a text file)";
            else
                buf[len] = '\0';
        }
        fclose(f);
    }
    if (why) {
        errs->msgs = calloc(2, sizeof *errs->msgs);
        errs->n = 0;
        if (errs->msgs && asprintf(&errs->msgs[0], "%s: %s", path, why) >= 0)
            errs->n = 1;
    } else {
        c = conf_parse_string(buf, path, errs);
    }
    free(buf);
    return c;
}

void conf_free(struct conf *c)
{
    if (c) {
        free(c->bridges);
        free(c->ports);
        free(c);
    }
}

void conf_errors_free(struct conf_errors *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        free(errs->msgs[i]);
    free(errs->msgs);
    errs->msgs = NULL;
    errs->n = 0;
}

const struct conf_bridge *conf_find_bridge(const struct conf *c, const char *name)
{
    for (size_t i = 0; i < c->n_bridges; i++)
        if (!strcmp(c->bridges[i].name, name))
            return &c->bridges[i];
    return NULL;
}

const struct conf_port *conf_find_port(const struct conf *c, const char *bridge,
                                       const char *name)
{
    for (size_t i = 0; i < c->n_ports; i++)
        if (!strcmp(c->ports[i].bridge, bridge) && !strcmp(c->ports[i].name, name))
            return &c->ports[i];
    return NULL;
}
