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

/* Appenders of the picture (text, without printf: pictures are taken
 * twice per request and printf under ASan dominated the fuzzer's time). */
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

static void put_s(struct xvsd_state *s, const char *str)
{
    put_raw(s, str, strlen(str));
}

static void put_u(struct xvsd_state *s, const char *label, unsigned long long v)
{
    char buf[24], *e = buf + sizeof buf, *b = e;

    put_s(s, label);
    do
        *--b = (char)('0' + v % 10);
    while (v /= 10);
    put_raw(s, b, (size_t)(e - b));
}

/* "aa:bb:cc:dd:ee:ff" without snprintf (see put_u). */
static void mac_text(const uint8_t m[6], char out[ETH_ADDR_STRLEN])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        out[3 * i] = hex[m[i] >> 4];
        out[3 * i + 1] = hex[m[i] & 15];
        out[3 * i + 2] = i < 5 ? ':' : '\0';
    }
}

struct dump_ctx {
    struct xvsd_state *s;
    const char *bridge;
    uint32_t ageing_s;
};

static int dump_entry(const struct fdb_entry_info *e, void *arg)
{
    struct dump_ctx *d = arg;
    char mac[ETH_ADDR_STRLEN];

    mac_text(e->mac, mac);
    if (e->is_static) {
        put_s(d->s, "  static ");
        put_s(d->s, mac);
        put_u(d->s, " ", e->vlan);
        put_s(d->s, " ");
        put_s(d->s, e->port->name);
        put_s(d->s, "\n");
        return 0;
    }
    if (d->s->n_dyn == d->s->cap_dyn) {
        d->s->cap_dyn = d->s->cap_dyn ? d->s->cap_dyn * 2 : 64;
        d->s->dyn = realloc(d->s->dyn, d->s->cap_dyn * sizeof *d->s->dyn);
        if (!d->s->dyn)
            abort();
    }
    struct xvsd_dyn *x = &d->s->dyn[d->s->n_dyn++];
    /* bridge/port/vlan/mac, without snprintf; cut to the key's size */
    char vlan[8], *v = vlan + sizeof vlan;
    unsigned n = e->vlan;
    *--v = '\0';
    do
        *--v = (char)('0' + n % 10);
    while (n /= 10);
    const char *parts[] = { d->bridge, "/", e->port->name, "/", v, "/", mac };
    size_t len = 0;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        for (const char *c = parts[i]; *c && len < sizeof x->key - 1; c++)
            x->key[len++] = *c;
    x->key[len] = '\0';
    x->age_s = e->age_s;
    x->ageing_s = d->ageing_s;
    return 0;
}

static void put_port(struct xvsd_state *s, const struct port *p)
{
    char mac[ETH_ADDR_STRLEN];

    mac_text(p->mac, mac);
    put_s(s, " port ");
    put_s(s, p->name);
    put_s(s, " kind=");
    put_s(s, p->ops->kind);
    put_u(s, " ofport=", p->ofport);
    put_u(s, " link=", p->link_up);
    put_u(s, " mode=", p->vlan_mode);
    put_u(s, " pvid=", p->pvid);
    put_u(s, " promisc=", p->promiscuous);
    put_u(s, " locked=", p->mac_locked);
    put_u(s, " learning=", p->learning);
    put_s(s, " mac=");
    put_s(s, mac);
    if (p->vlan_mode == PORT_VLAN_TRUNK) {
        put_s(s, " allowed=");
        put_raw(s, p->allowed, sizeof p->allowed);
    }
    put_s(s, "\n");
}

void xvsd_state_take(struct xvsd_state *s)
{
    struct brmgr_bridge *rec;
    struct bridge *br;
    struct port *p;

    s->len = 0;
    s->n_dyn = 0;
    put_s(s, "log");
    for (int m = 0; m < XLOG_N_MODULES; m++)
        put_u(s, " ", xlog_get_level((enum xlog_module)m));
    put_s(s, "\n");
    for (unsigned i = 0; (br = bridge_at(i)); i++) {
        struct fdb *fdb = bridge_fdb(br);
        struct fdb_stats st;
        struct dump_ctx d = { s, bridge_name(br), fdb_get_ageing(fdb) };

        fdb_get_stats(fdb, &st);
        put_s(s, "bridge ");
        put_s(s, bridge_name(br));
        put_u(s, " ageing=", fdb_get_ageing(fdb));
        put_u(s, " max=", st.max_entries);
        put_s(s, "\n");
        for (unsigned j = 0; (p = bridge_port_at(br, j)); j++)
            put_port(s, p);
        fdb_dump(fdb, dump_entry, &d);
    }
    for (size_t i = 0; (rec = brmgr_at(i)); i++) {
        const struct conf_bridge *b = &rec->spec;
        put_s(s, "rec ");
        put_s(s, b->name);
        put_u(s, " origin=", rec->origin);
        put_s(s, " uplink=");
        put_s(s, b->uplink);
        put_u(s, " host=", b->host_port);
        put_u(s, " takeover=", b->take_over);
        put_u(s, " ageing=", b->ageing_s);
        put_u(s, " max=", b->fdb_max);
        put_u(s, " mtu=", b->mtu);
        put_s(s, "\n");
        for (size_t j = 0; j < rec->n_ports; j++) {
            put_s(s, " extra ");
            put_s(s, rec->ports[j].name);
            put_u(s, " origin=", rec->ports[j].origin);
            put_s(s, "\n");
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

static const struct xvsd_dyn *find_dyn(const struct xvsd_state *s, const char *key)
{
    for (size_t i = 0; i < s->n_dyn; i++)
        if (!strcmp(s->dyn[i].key, key))
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
        if (!find_dyn(a, b->dyn[i].key)) {
            snprintf(why, n, "learned entry %s appeared", b->dyn[i].key);
            return false;
        }
    for (size_t i = 0; i < a->n_dyn; i++) {
        const struct xvsd_dyn *x = &a->dyn[i];
        if (!find_dyn(b, x->key) && x->age_s + 1 < x->ageing_s) {
            snprintf(why, n, "learned entry %s (age %u s of %u) vanished", x->key,
                     x->age_s, x->ageing_s);
            return false;
        }
    }
    return true;
}

/* ---- invariants ---- */

struct entry_check {
    struct bridge *br;
    bool ok;
    char bad[64];
};

static int check_entry(const struct fdb_entry_info *e, void *arg)
{
    struct entry_check *c = arg;

    if (!e->port || e->port->bridge != c->br
        || bridge_find_port(c->br, e->port->name) != e->port) {
        c->ok = false;
        snprintf(c->bad, sizeof c->bad, "%s", e->port ? e->port->name : "(null)");
        return 1;
    }
    return 0;
}

static bool is_recorded_port(const struct brmgr_bridge *rec, const struct port *p)
{
    if (!strcmp(p->ops->kind, "host"))
        return rec->spec.host_port && !strcmp(p->name, rec->spec.name);
    if (!strcmp(p->ops->kind, "uplink"))
        return (rec->spec.uplink[0] && !strcmp(p->name, rec->spec.uplink))
               || brmgr_find_port((struct brmgr_bridge *)rec, p->name);
    return true;                        /* vifs are not brmgr's */
}

static bool check_bridge(struct brmgr_bridge *rec, char *why, size_t n)
{
    struct bridge *br = rec->br;
    const char *name = rec->spec.name;
    struct port *p, *q;

    if (bridge_lookup(name) != br || strcmp(bridge_name(br), name)) {
        snprintf(why, n, "I1: record %s is not the registered bridge of that name", name);
        return false;
    }
    for (unsigned i = 0; (p = bridge_port_at(br, i)); i++) {
        if (p->bridge != br || bridge_find_port(br, p->name) != p) {
            snprintf(why, n, "I2: port %s of %s does not point back", p->name, name);
            return false;
        }
        for (unsigned j = i + 1; (q = bridge_port_at(br, j)); j++)
            if (q->ofport == p->ofport) {
                snprintf(why, n, "I2: %s and %s share ofport %u", p->name, q->name,
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
    if (rec->spec.host_port && (!p || strcmp(p->ops->kind, "host"))) {
        snprintf(why, n, "I3: bridge %s has no host port", name);
        return false;
    }
    p = rec->spec.uplink[0] ? bridge_find_port(br, rec->spec.uplink) : NULL;
    if (rec->spec.uplink[0] && (!p || strcmp(p->ops->kind, "uplink"))) {
        snprintf(why, n, "I3: bridge %s has no uplink %s", name, rec->spec.uplink);
        return false;
    }
    for (size_t i = 0; i < rec->n_ports; i++) {
        p = bridge_find_port(br, rec->ports[i].name);
        if (!p || strcmp(p->ops->kind, "uplink")) {
            snprintf(why, n, "I3: bridge %s lacks its extra port %s", name,
                     rec->ports[i].name);
            return false;
        }
    }

    struct fdb_stats st;
    struct entry_check ec = { br, true, "" };
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

/* I4: netdevs (uplink-type ports, host ports) appear once over all bridges. */
static bool check_names(char *why, size_t n)
{
    struct bridge *a, *b;
    struct port *p;

    for (unsigned i = 0; (a = bridge_at(i)); i++)
        for (unsigned j = 0; (p = bridge_port_at(a, j)); j++) {
            if (!strcmp(p->ops->kind, "vif"))
                continue;
            for (unsigned k = 0; (b = bridge_at(k)); k++) {
                if (b == a)
                    continue;
                if (bridge_find_port(b, p->name)) {
                    snprintf(why, n, "I4: netdev %s is a port of both %s and %s",
                             p->name, bridge_name(a), bridge_name(b));
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
    size_t n_rec = 0, n_reg = 0;
    int ports = 0;

    for (; (rec = brmgr_at(n_rec)); n_rec++)
        if (!check_bridge(rec, why, n))
            return false;
    for (; (br = bridge_at((unsigned)n_reg)); n_reg++) {
        ports += (int)bridge_n_ports(br);
        if (!brmgr_find(bridge_name(br))) {
            snprintf(why, n, "I1: registered bridge %s has no brmgr record",
                     bridge_name(br));
            return false;
        }
    }
    if (n_rec != n_reg) {
        snprintf(why, n, "I1: %zu records, %zu registered bridges", n_rec, n_reg);
        return false;
    }
    if (!check_names(why, n))
        return false;
    if (ports != fake_live) {
        snprintf(why, n, "I6: %d ports on bridges but %d live fake ports", ports,
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
