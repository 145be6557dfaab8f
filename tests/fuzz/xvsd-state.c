/* xvsd_state: pictures of the daemon's switch state and its invariants
 * (see xvsd-state.h).
 *
 * Invariants checked by xvsd_state_check() (from brmgr.h, bridge.h, fdb.h):
 *   I1 brmgr records and the bridge registry are the same set, by name;
 *   I2 every port of a bridge points back to it and is found by its name;
 *      ofports are unique in a bridge;
 *   I3 a record's host port / uplink / extra ports exist, with the right
 *      kind, and every "host" or "uplink" port of a bridge is one of them;
 *   I4 a netdev name is a port of one bridge only, and no bridge (whose
 *      host port is a TAP of its name) is named like another bridge's port;
 *   I5 every FDB entry points at a port of its own bridge; entries <= max;
 *   I6 every live fake port is on a bridge (none leaked, none freed twice). */
#include "tests/fuzz/xvsd-state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/brmgr.h"
#include "lib/log.h"
#include "lib/util.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "switch/port.h"
#include "tests/unit/test-ctl-fake.h"

/* Appenders of the picture: text, without printf (pictures are taken about
 * once per request, and printf under ASan dominated the fuzzer's time) and
 * without a call per string or number: a line is written through a cursor
 * after one check for room (LINE_ROOM: its strings are names of at most
 * IF_NAMESIZE bytes, cut at STR_MAX anyway, and its numbers 20 digits).
 * strlen()/memcpy() per piece went through ASan's interceptors and were,
 * with a call per byte or piece, half of the harness's time. */
#define LINE_ROOM 1024
#define STR_MAX 64

static void grow_to(struct xvsd_state *s, size_t more)
{
    if (s->fixed && s->cap - s->len > more)
        return;
    if (!s->cap)
        s->cap = 4096;
    while (s->cap - s->len <= more)
        s->cap *= 2;
    if (!(s->fixed = realloc(s->fixed, s->cap)))
        abort();
}

static void put_raw(struct xvsd_state *s, const void *data, size_t len)
{
    grow_to(s, len);
    memcpy(s->fixed + s->len, data, len);
    s->len += len;
}

/* The cursor of a new line with LINE_ROOM + extra bytes of room. */
static inline char *line_start(struct xvsd_state *s, size_t extra)
{
    grow_to(s, LINE_ROOM + extra);
    return s->fixed + s->len;
}

static inline void line_end(struct xvsd_state *s, char *w)
{
    *w++ = '\n';
    s->len = (size_t)(w - s->fixed);
}

static inline __attribute__((always_inline)) char *w_s(char *w, const char *str)
{
    for (unsigned i = 0; i < STR_MAX && str[i]; i++)
        *w++ = str[i];
    return w;
}

static inline __attribute__((always_inline)) char *w_u(char *w, const char *label, unsigned long long v)
{
    char buf[20];
    unsigned n = 0;

    w = w_s(w, label);
    do
        buf[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        *w++ = buf[--n];
    return w;
}

/* "aa:bb:cc:dd:ee:ff" */
static inline __attribute__((always_inline)) char *w_mac(char *w, const uint8_t m[6])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        *w++ = hex[m[i] >> 4];
        *w++ = hex[m[i] & 15];
        if (i < 5)
            *w++ = ':';
    }
    return w;
}

struct dump_ctx {
    struct xvsd_state *s;
    const char *bridge;
    uint32_t ageing_s;
};

static int dump_entry(const struct fdb_entry_info *e, void *arg)
{
    struct dump_ctx *d = arg;

    if (e->is_static) {
        char *w = line_start(d->s, 0);
        w = w_s(w, "  static ");
        w = w_mac(w, e->mac);
        w = w_u(w, " ", e->vlan);
        w = w_s(w, " ");
        w = w_s(w, e->port->name);
        line_end(d->s, w);
        return 0;
    }
    if (d->s->n_dyn == d->s->cap_dyn) {
        d->s->cap_dyn = d->s->cap_dyn ? d->s->cap_dyn * 2 : 64;
        d->s->dyn = realloc(d->s->dyn, d->s->cap_dyn * sizeof *d->s->dyn);
        if (!d->s->dyn)
            abort();
    }
    struct xvsd_dyn *x = &d->s->dyn[d->s->n_dyn++];
    /* bridge/port/vlan/mac, cut to the key's size and padded with NULs
     * (keys are compared as whole arrays: key_eq()) */
    char key[3 * STR_MAX + 40], *w = key;
    w = w_s(w, d->bridge);
    *w++ = '/';
    w = w_s(w, e->port->name);
    w = w_u(w, "/", e->vlan);
    *w++ = '/';
    w = w_mac(w, e->mac);
    size_t len = MIN((size_t)(w - key), sizeof x->key - 1);
    memset(x->key, 0, sizeof x->key);
    memcpy(x->key, key, len);
    x->age_s = e->age_s;
    x->ageing_s = d->ageing_s;
    return 0;
}

static void put_port(struct xvsd_state *s, const struct port *p)
{
    char *w = line_start(s, sizeof p->allowed);

    w = w_s(w, " port ");
    w = w_s(w, p->name);
    w = w_s(w, " kind=");
    w = w_s(w, p->ops->kind);
    w = w_u(w, " ofport=", p->ofport);
    w = w_u(w, " link=", p->link_up);
    w = w_u(w, " mode=", p->vlan_mode);
    w = w_u(w, " pvid=", p->pvid);
    w = w_u(w, " promisc=", p->promiscuous);
    w = w_u(w, " locked=", p->mac_locked);
    w = w_u(w, " learning=", p->learning);
    w = w_s(w, " mac=");
    w = w_mac(w, p->mac);
    if (p->vlan_mode == PORT_VLAN_TRUNK) {
        w = w_s(w, " allowed=");
        memcpy(w, p->allowed, sizeof p->allowed);
        w += sizeof p->allowed;
    }
    line_end(s, w);
}

void xvsd_state_take(struct xvsd_state *s)
{
    struct brmgr_bridge *rec;
    struct bridge *br;
    struct port *p;
    char *w;

    s->len = 0;
    s->n_dyn = 0;
    w = line_start(s, XLOG_N_MODULES * 21);
    w = w_s(w, "log");
    for (int m = 0; m < XLOG_N_MODULES; m++)
        w = w_u(w, " ", xlog_get_level((enum xlog_module)m));
    line_end(s, w);
    for (unsigned i = 0; (br = bridge_at(i)); i++) {
        struct fdb *fdb = bridge_fdb(br);
        struct fdb_stats st;
        struct dump_ctx d = { s, bridge_name(br), fdb_get_ageing(fdb) };

        fdb_get_stats(fdb, &st);
        w = line_start(s, 0);
        w = w_s(w, "bridge ");
        w = w_s(w, bridge_name(br));
        w = w_u(w, " ageing=", fdb_get_ageing(fdb));
        w = w_u(w, " max=", st.max_entries);
        line_end(s, w);
        for (unsigned j = 0; (p = bridge_port_at(br, j)); j++)
            put_port(s, p);
        fdb_dump(fdb, dump_entry, &d);
    }
    for (size_t i = 0; (rec = brmgr_at(i)); i++) {
        const struct conf_bridge *b = &rec->spec;
        w = line_start(s, 0);
        w = w_s(w, "rec ");
        w = w_s(w, b->name);
        w = w_u(w, " origin=", rec->origin);
        w = w_s(w, " uplink=");
        w = w_s(w, b->uplink);
        w = w_u(w, " host=", b->host_port);
        w = w_u(w, " takeover=", b->take_over);
        w = w_u(w, " ageing=", b->ageing_s);
        w = w_u(w, " max=", b->fdb_max);
        w = w_u(w, " mtu=", b->mtu);
        line_end(s, w);
        for (size_t j = 0; j < rec->n_ports; j++) {
            w = line_start(s, 0);
            w = w_s(w, " extra ");
            w = w_s(w, rec->ports[j].name);
            w = w_u(w, " origin=", rec->ports[j].origin);
            line_end(s, w);
        }
    }
}

void xvsd_state_free(struct xvsd_state *s)
{
    free(s->fixed);
    free(s->dyn);
    memset(s, 0, sizeof *s);
}

void xvsd_state_copy(struct xvsd_state *dst, const struct xvsd_state *src)
{
    dst->len = 0;
    put_raw(dst, src->fixed, src->len);
    if (dst->cap_dyn < src->n_dyn) {
        dst->cap_dyn = src->cap_dyn;
        if (!(dst->dyn = realloc(dst->dyn, dst->cap_dyn * sizeof *dst->dyn)))
            abort();
    }
    if (src->n_dyn)
        memcpy(dst->dyn, src->dyn, src->n_dyn * sizeof *dst->dyn);
    dst->n_dyn = src->n_dyn;
}

/* Whole NUL-padded keys, a word at a time: no strcmp(), whose libFuzzer
 * hook would also file every harness comparison among the fuzzer's
 * compare operands (and cost a call through ASan's interceptor). */
static bool key_eq(const char *a, const char *b)
{
    uint64_t x, y, diff = 0;

    for (size_t i = 0; i < sizeof ((struct xvsd_dyn *)0)->key; i += sizeof x) {
        memcpy(&x, a + i, sizeof x);
        memcpy(&y, b + i, sizeof y);
        diff |= x ^ y;
    }
    return !diff;
}

/* The entry of s with `key`; tries index `hint` first (two pictures of
 * the same table list their entries in the same order). */
static const struct xvsd_dyn *find_dyn(const struct xvsd_state *s, const char *key,
                                       size_t hint)
{
    if (hint < s->n_dyn && key_eq(s->dyn[hint].key, key))
        return &s->dyn[hint];
    for (size_t i = 0; i < s->n_dyn; i++)
        if (key_eq(s->dyn[i].key, key))
            return &s->dyn[i];
    return NULL;
}

bool xvsd_state_same(const struct xvsd_state *a, const struct xvsd_state *b,
                     char *why, size_t n)
{
    if (a->len != b->len || memcmp(a->fixed, b->fixed, a->len)) {
        size_t i = 0;
        while (i < a->len && i < b->len && a->fixed[i] == b->fixed[i])
            i++;
        size_t line = i;
        while (line > 0 && a->fixed[line - 1] != '\n')
            line--;
        snprintf(why, n, "state differs: before \"%.*s\" after \"%.*s\"",
                 (int)strcspn(a->fixed + line, "\n"), a->fixed + line,
                 (int)strcspn(b->fixed + line, "\n"), b->fixed + line);
        return false;
    }
    for (size_t i = 0; i < b->n_dyn; i++)
        if (!find_dyn(a, b->dyn[i].key, i)) {
            snprintf(why, n, "learned entry %s appeared", b->dyn[i].key);
            return false;
        }
    for (size_t i = 0; i < a->n_dyn; i++) {
        const struct xvsd_dyn *x = &a->dyn[i];
        if (!find_dyn(b, x->key, i) && x->age_s + 1 < x->ageing_s) {
            snprintf(why, n, "learned entry %s (age %u s of %u) vanished", x->key,
                     x->age_s, x->ageing_s);
            return false;
        }
    }
    return true;
}

/* ---- invariants ---- */

/* String equality in the harness's own code: strcmp() goes through ASan's
 * interceptor and libFuzzer's hook, which files every harness comparison
 * among the fuzzer's compare operands. */
static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Every port of every bridge, gathered once per check (bridge_port_at()
 * per pair of ports was a third of the check's time). */
static struct port **all_ports;
static unsigned *first_port;            /* bridge i: all_ports[first_port[i]..] */
static unsigned n_all, cap_all, cap_first;

static void gather_ports(unsigned n_bridges)
{
    struct bridge *br;
    struct port *p;

    if (n_bridges + 1 > cap_first
        && !(first_port = realloc(first_port, (cap_first = 2 * (n_bridges + 1))
                                              * sizeof *first_port)))
        abort();
    n_all = 0;
    for (unsigned i = 0; i < n_bridges && (br = bridge_at(i)); i++) {
        first_port[i] = n_all;
        for (unsigned j = 0; (p = bridge_port_at(br, j)); j++) {
            if (n_all == cap_all
                && !(all_ports = realloc(all_ports, (cap_all = cap_all ? 2 * cap_all : 64)
                                                    * sizeof *all_ports)))
                abort();
            all_ports[n_all++] = p;
        }
    }
    first_port[n_bridges] = n_all;
}

struct entry_check {
    struct bridge *br;
    struct port **ports;                /* the bridge's ports (I2 checked) */
    unsigned n_ports;
    bool ok;
    char bad[64];
};

/* An entry's port must be one of its bridge's ports: by pointer, among the
 * ports I2 found by their names (no name lookup per entry). */
static int check_entry(const struct fdb_entry_info *e, void *arg)
{
    struct entry_check *c = arg;
    unsigned i = 0;

    while (i < c->n_ports && c->ports[i] != e->port)
        i++;
    if (i == c->n_ports || e->port->bridge != c->br) {
        c->ok = false;
        snprintf(c->bad, sizeof c->bad, "%s", e->port ? e->port->name : "(null)");
        return 1;
    }
    return 0;
}

static bool is_recorded_port(const struct brmgr_bridge *rec, const struct port *p)
{
    if (str_eq(p->ops->kind, "host"))
        return rec->spec.host_port && str_eq(p->name, rec->spec.name);
    if (str_eq(p->ops->kind, "uplink"))
        return (rec->spec.uplink[0] && str_eq(p->name, rec->spec.uplink))
               || brmgr_find_port((struct brmgr_bridge *)rec, p->name);
    return true;                        /* vifs are not brmgr's */
}

/* Record `rec`, whose bridge is the idx-th of the registry. */
static bool check_bridge(struct brmgr_bridge *rec, unsigned idx, char *why, size_t n)
{
    struct bridge *br = rec->br;
    const char *name = rec->spec.name;
    struct port **ports = all_ports + first_port[idx], *p;
    unsigned n_ports = first_port[idx + 1] - first_port[idx];

    if (bridge_at(idx) != br || bridge_lookup(name) != br || !str_eq(bridge_name(br), name)) {
        snprintf(why, n, "I1: record %s is not the registered bridge of that name", name);
        return false;
    }
    for (unsigned i = 0; i < n_ports; i++) {
        p = ports[i];
        if (p->bridge != br || bridge_find_port(br, p->name) != p) {
            snprintf(why, n, "I2: port %s of %s does not point back", p->name, name);
            return false;
        }
        for (unsigned j = i + 1; j < n_ports; j++)
            if (ports[j]->ofport == p->ofport) {
                snprintf(why, n, "I2: %s and %s share ofport %u", p->name, ports[j]->name,
                         p->ofport);
                return false;
            }
        if (!is_recorded_port(rec, p)) {
            snprintf(why, n, "I3: %s port %s of %s is not in brmgr's record",
                     p->ops->kind, p->name, name);
            return false;
        }
    }
    p = rec->spec.host_port ? bridge_find_port(br, name) : NULL;
    if (rec->spec.host_port && (!p || !str_eq(p->ops->kind, "host"))) {
        snprintf(why, n, "I3: bridge %s has no host port", name);
        return false;
    }
    p = rec->spec.uplink[0] ? bridge_find_port(br, rec->spec.uplink) : NULL;
    if (rec->spec.uplink[0] && (!p || !str_eq(p->ops->kind, "uplink"))) {
        snprintf(why, n, "I3: bridge %s has no uplink %s", name, rec->spec.uplink);
        return false;
    }
    for (size_t i = 0; i < rec->n_ports; i++) {
        p = bridge_find_port(br, rec->ports[i].name);
        if (!p || !str_eq(p->ops->kind, "uplink")) {
            snprintf(why, n, "I3: bridge %s lacks its extra port %s", name,
                     rec->ports[i].name);
            return false;
        }
    }

    struct fdb_stats st;
    struct entry_check ec = { br, ports, n_ports, true, "" };
    fdb_get_stats(bridge_fdb(br), &st);
    if (st.entries > st.max_entries) {
        snprintf(why, n, "I5: bridge %s has %u FDB entries, max %u", name, st.entries,
                 st.max_entries);
        return false;
    }
    fdb_dump(bridge_fdb(br), check_entry, &ec);
    if (!ec.ok) {
        snprintf(why, n, "I5: an FDB entry of %s points at port %s of another bridge",
                 name, ec.bad);
        return false;
    }
    return true;
}

/* I4: netdevs (uplink-type ports, host ports) appear once over all bridges.
 * Compared by name with the ports of the other bridges as gathered: the
 * same as bridge_find_port() there, which scans that list. */
static bool check_names(unsigned n_bridges, char *why, size_t n)
{
    for (unsigned a = 0; a < n_bridges; a++)
        for (unsigned i = first_port[a]; i < first_port[a + 1]; i++) {
            struct port *p = all_ports[i];
            if (str_eq(p->ops->kind, "vif"))
                continue;
            for (unsigned b = 0; b < n_bridges; b++) {
                if (b == a)
                    continue;
                for (unsigned j = first_port[b]; j < first_port[b + 1]; j++)
                    if (str_eq(all_ports[j]->name, p->name)) {
                        snprintf(why, n, "I4: netdev %s is a port of both %s and %s",
                                 p->name, bridge_name(bridge_at(a)),
                                 bridge_name(bridge_at(b)));
                        return false;
                    }
            }
        }
    return true;
}

bool xvsd_state_check(char *why, size_t n)
{
    struct brmgr_bridge *rec;
    struct bridge *br;
    size_t n_rec = 0;
    unsigned n_reg = 0;

    for (; (br = bridge_at(n_reg)); n_reg++)
        if (!brmgr_find(bridge_name(br))) {
            snprintf(why, n, "I1: registered bridge %s has no brmgr record",
                     bridge_name(br));
            return false;
        }
    while (brmgr_at(n_rec))
        n_rec++;
    if (n_rec != n_reg) {
        snprintf(why, n, "I1: %zu records, %u registered bridges", n_rec, n_reg);
        return false;
    }
    gather_ports(n_reg);
    for (size_t i = 0; (rec = brmgr_at(i)); i++) {
        unsigned idx = 0;
        while (idx < n_reg && bridge_at(idx) != rec->br)
            idx++;
        if (idx == n_reg) {
            snprintf(why, n, "I1: record %s is not the registered bridge of that name",
                     rec->spec.name);
            return false;
        }
        if (!check_bridge(rec, idx, why, n))
            return false;
    }
    if (!check_names(n_reg, why, n))
        return false;
    if ((int)n_all != fake_live) {
        snprintf(why, n, "I6: %u ports on bridges but %d live fake ports", n_all,
                 fake_live);
        return false;
    }
    return true;
}

void xvsd_fail(const char *what, const char *detail, const uint8_t *data, size_t size)
{
    fprintf(stderr, "\n==== FUZZ FINDING: %s\n     %s\n     input (%zu bytes): \"",
            what, detail, size);
    for (size_t i = 0; i < size && i < 2048; i++) {
        unsigned char c = data[i];
        if (c == '\n')
            fputs("\\n", stderr);
        else if (c < ' ' || c >= 0x7f || c == '"' || c == '\\')
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
    fputs(size > 2048 ? "...\"\n" : "\"\n", stderr);
    abort();
}
