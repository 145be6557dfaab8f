/* brmgr: creating and destroying bridges and xvsd-made ports (see brmgr.h). */
#include "daemon/brmgr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "switch/port.h"

static struct evloop *loop;
static struct brmgr_factory factory;
static struct brmgr_bridge *bridges[BRMGR_BRIDGES_MAX];
static size_t n_bridges;

void brmgr_init(struct evloop *l, const struct brmgr_factory *f)
{
    loop = l;
    factory = *f;
}

const char *brmgr_origin_name(enum brmgr_origin o)
{
    return o == BRMGR_CONFIG ? "config" : "runtime";
}

struct brmgr_bridge *brmgr_find(const char *name)
{
    for (size_t i = 0; i < n_bridges; i++)
        if (!strcmp(bridges[i]->spec.name, name))
            return bridges[i];
    return NULL;
}

struct brmgr_bridge *brmgr_at(size_t idx)
{
    return idx < n_bridges ? bridges[idx] : NULL;
}

struct brmgr_port *brmgr_find_port(struct brmgr_bridge *rec, const char *name)
{
    for (size_t i = 0; i < rec->n_ports; i++)
        if (!strcmp(rec->ports[i].name, name))
            return &rec->ports[i];
    return NULL;
}

const char *brmgr_port_origin(const struct brmgr_bridge *rec, const struct port *p)
{
    if ((rec->spec.host_port && !strcmp(p->name, rec->spec.name))
        || (rec->spec.uplink[0] && !strcmp(p->name, rec->spec.uplink)))
        return brmgr_origin_name(rec->origin);
    for (size_t i = 0; i < rec->n_ports; i++)
        if (!strcmp(rec->ports[i].name, p->name))
            return brmgr_origin_name(rec->ports[i].origin);
    return NULL;
}

void brmgr_port_settings(struct port *p, const struct conf_port *q)
{
    bool changed = p->vlan_mode != q->vlan_mode || p->pvid != q->pvid
                   || (q->vlan_mode == PORT_VLAN_TRUNK
                       && memcmp(p->allowed, q->trunk, sizeof p->allowed));

    if (q->vlan_mode == PORT_VLAN_TRUNK)
        port_set_trunk(p, q->trunk, q->pvid);
    else
        port_set_access(p, q->pvid);
    p->promiscuous = q->promiscuous;
    p->learning = q->learning;
    if (changed && p->bridge)
        fdb_flush(bridge_fdb(p->bridge), p, 0, false);
}

int brmgr_make_tap(const char *ifname, const char *owner, const uint8_t mac[6],
                   void (*gone)(void *arg, struct port *), void *arg,
                   struct port **out, char *err, size_t errlen)
{
    if (!factory.tap_create) {
        snprintf(err, errlen, "tap %s: emulated NICs are not supported by this xvsd",
                 ifname);
        return -EOPNOTSUPP;
    }
    return factory.tap_create(loop, ifname, owner, mac, gone, arg, out, err, errlen);
}

/* Attaches a port just made (err_in: how making it went; the maker's
 * message, which names the device, is in err).  On failure nothing is left
 * and err says what failed. */
static int attach(struct bridge *br, struct port *p, int err_in,
                  const char *what, const char *name, char *err, size_t errlen)
{
    int e;

    if (err_in) {
        if (!err[0])
            snprintf(err, errlen, "%s %s: %s", what, name, strerror(-err_in));
        return err_in;
    }
    e = bridge_add_port(br, p);
    if (e) {
        snprintf(err, errlen, "%s %s: %s", what, name,
                 e == -EEXIST ? "a port of that name is already on the bridge"
                 : e == -ENOSPC ? "the bridge has too many ports" : strerror(-e));
        p->ops->destroy(p);
    }
    return e;
}

/* A netdev serves one bridge: a second AF_PACKET socket on it would loop
 * frames between the two.  Returns the bridge that has it, or NULL. */
static struct bridge *netdev_owner(const char *ifname)
{
    struct bridge *br;

    for (unsigned i = 0; (br = bridge_at(i)); i++)
        if (bridge_find_port(br, ifname))
            return br;
    return NULL;
}

static int add_uplink(struct bridge *br, const char *ifname, char *err, size_t errlen)
{
    struct bridge *other = netdev_owner(ifname);
    struct port *p = NULL;
    int e;

    if (other) {
        snprintf(err, errlen, "uplink %s: already a port of bridge %s", ifname,
                 bridge_name(other));
        return -EBUSY;
    }
    err[0] = '\0';
    e = factory.uplink_create(loop, ifname, &p, err, errlen);
    if (!e) {
        struct conf_port d;
        conf_port_init(&d, bridge_name(br), ifname, CONF_PORT_UPLINK);
        brmgr_port_settings(p, &d);
    }
    return attach(br, p, e, "uplink", ifname, err, errlen);
}

static int add_host(struct bridge *br, const struct conf_bridge *s, char *err,
                    size_t errlen)
{
    struct port *p = NULL;
    int e;

    err[0] = '\0';
    e = factory.host_create(loop, s->name, s->take_over ? s->uplink : NULL,
                            s->mtu, &p, err, errlen);
    return attach(br, p, e, "host port", s->name, err, errlen);
}

static void del_named_port(struct bridge *br, const char *name)
{
    struct port *p = bridge_find_port(br, name);
    if (p)
        bridge_del_port(br, p);
}

int brmgr_add_bridge(const struct conf_bridge *spec, enum brmgr_origin origin,
                     bool best_effort, char *err, size_t errlen)
{
    struct bridge_config bc = { .ageing_s = spec->ageing_s, .fdb_max = spec->fdb_max };
    struct brmgr_bridge *rec;
    char why[BRMGR_ERR_MAX];
    int e;

    if (bridge_lookup(spec->name)) {
        snprintf(err, errlen, "bridge %s already exists", spec->name);
        return -EEXIST;
    }
    if (n_bridges >= BRMGR_BRIDGES_MAX) {
        snprintf(err, errlen, "too many bridges (at most %d)", BRMGR_BRIDGES_MAX);
        return -ENOSPC;
    }
    rec = calloc(1, sizeof *rec);
    if (!rec || !(rec->br = bridge_create(spec->name, &bc, NULL, NULL))) {
        free(rec);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    e = bridge_register(rec->br);
    if (e) {
        snprintf(err, errlen, "bridge %s: cannot register: %s", spec->name, strerror(-e));
        bridge_destroy(rec->br);
        free(rec);
        return e;
    }
    rec->spec = *spec;
    rec->origin = origin;
    rec->spec.uplink[0] = '\0';
    rec->spec.host_port = false;
    bridges[n_bridges++] = rec;

    /* Uplink first: a host port taking over addresses needs it there. */
    struct conf_bridge want = *spec;
    if (spec->uplink[0]) {
        e = add_uplink(rec->br, spec->uplink, why, sizeof why);
        if (!e)
            strcpy(rec->spec.uplink, spec->uplink);
        else if (best_effort) {
            xlog(XLOG_MOD_MAIN, XLOG_ERR, "bridge %s: %s", spec->name, why);
            want.take_over = false;     /* nothing to take over from */
        } else
            goto fail;
    }
    if (spec->host_port) {
        e = add_host(rec->br, &want, why, sizeof why);
        if (!e)
            rec->spec.host_port = true;
        else if (best_effort)
            xlog(XLOG_MOD_MAIN, XLOG_ERR, "bridge %s: %s", spec->name, why);
        else
            goto fail;
    }
    rec->spec.take_over = rec->spec.host_port && rec->spec.uplink[0] && spec->take_over;
    return 0;

fail:
    snprintf(err, errlen, "bridge %s: %s", spec->name, why);
    brmgr_del_bridge(spec->name, true, why, sizeof why);
    return e;
}

static void remove_rec(struct brmgr_bridge *rec)
{
    for (size_t i = 0; i < n_bridges; i++)
        if (bridges[i] == rec) {
            memmove(&bridges[i], &bridges[i + 1], (n_bridges - i - 1) * sizeof *bridges);
            n_bridges--;
            break;
        }
    free(rec->ports);
    free(rec);
}

int brmgr_del_bridge(const char *name, bool force, char *err, size_t errlen)
{
    struct brmgr_bridge *rec = brmgr_find(name);
    struct port *p;

    if (!rec) {
        snprintf(err, errlen, "no bridge named '%s'", name);
        return -ENOENT;
    }
    if (!force) {
        char list[128] = "";
        size_t used = 0;
        unsigned n = 0;
        for (unsigned i = 0; (p = bridge_port_at(rec->br, i)); i++)
            if (!brmgr_port_origin(rec, p)) {
                if (used < sizeof list)
                    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                             n ? ", " : "", p->name);
                n++;
            }
        if (n) {
            snprintf(err, errlen, "bridge %s still has %u port%s not made by xvsd "
                     "(%s); detach %s first", name, n, n == 1 ? "" : "s", list,
                     n == 1 ? "it" : "them");
            return -EBUSY;
        }
    }
    bridge_unregister(rec->br);
    /* Host port first: it gives addresses back to the uplink's netdev. */
    if (rec->spec.host_port)
        del_named_port(rec->br, rec->spec.name);
    for (size_t i = 0; i < rec->n_ports; i++)
        del_named_port(rec->br, rec->ports[i].name);
    if (rec->spec.uplink[0])
        del_named_port(rec->br, rec->spec.uplink);
    bridge_destroy(rec->br);
    remove_rec(rec);
    return 0;
}

int brmgr_reshape_bridge(struct brmgr_bridge *rec, const struct conf_bridge *spec)
{
    struct conf_bridge *cur = &rec->spec;
    char why[BRMGR_ERR_MAX];
    int failures = 0;
    bool new_uplink = strcmp(cur->uplink, spec->uplink) != 0;
    /* The host port follows the uplink only when it took its addresses. */
    bool new_host = cur->host_port != spec->host_port
                    || cur->take_over != spec->take_over || cur->mtu != spec->mtu
                    || (new_uplink && (cur->take_over || spec->take_over));

    if (new_host && cur->host_port) {
        del_named_port(rec->br, cur->name);
        cur->host_port = cur->take_over = false;
    }
    if (new_uplink) {
        if (cur->uplink[0]) {
            del_named_port(rec->br, cur->uplink);
            cur->uplink[0] = '\0';
        }
        if (spec->uplink[0]) {
            if (add_uplink(rec->br, spec->uplink, why, sizeof why)) {
                xlog(XLOG_MOD_MAIN, XLOG_ERR, "bridge %s: %s", cur->name, why);
                failures++;
            } else
                strcpy(cur->uplink, spec->uplink);
        }
    }
    cur->mtu = spec->mtu;
    if (new_host && spec->host_port) {
        struct conf_bridge want = *spec;
        want.take_over = spec->take_over && cur->uplink[0];
        if (add_host(rec->br, &want, why, sizeof why)) {
            xlog(XLOG_MOD_MAIN, XLOG_ERR, "bridge %s: %s", cur->name, why);
            failures++;
        } else {
            cur->host_port = true;
            cur->take_over = want.take_over;
        }
    }
    return failures;
}

int brmgr_add_port(const struct conf_port *q, enum brmgr_origin origin,
                   char *err, size_t errlen)
{
    struct brmgr_bridge *rec = brmgr_find(q->bridge);
    struct brmgr_port *np;
    struct port *p = NULL;
    char why[BRMGR_ERR_MAX];
    int e;

    if (!rec) {
        snprintf(err, errlen, "no bridge named '%s'", q->bridge);
        return -ENOENT;
    }
    if (bridge_find_port(rec->br, q->name)) {
        snprintf(err, errlen, "bridge %s already has a port named %s", q->bridge, q->name);
        return -EEXIST;
    }
    struct bridge *other = netdev_owner(q->name);
    if (other) {
        snprintf(err, errlen, "bridge %s: port %s: already a port of bridge %s",
                 q->bridge, q->name, bridge_name(other));
        return -EBUSY;
    }
    np = realloc(rec->ports, (rec->n_ports + 1) * sizeof *np);
    if (!np) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    rec->ports = np;
    why[0] = '\0';
    e = factory.uplink_create(loop, q->name, &p, why, sizeof why);
    if (!e)
        brmgr_port_settings(p, q);
    e = attach(rec->br, p, e, "port", q->name, why, sizeof why);
    if (e) {
        snprintf(err, errlen, "bridge %s: %s", q->bridge, why);
        return e;
    }
    np = &rec->ports[rec->n_ports++];
    memset(np, 0, sizeof *np);
    strcpy(np->name, q->name);
    np->origin = origin;
    return 0;
}

int brmgr_del_port(const char *bridge, const char *name, char *err, size_t errlen)
{
    struct brmgr_bridge *rec = brmgr_find(bridge);
    struct brmgr_port *bp;
    struct port *p;

    if (!rec) {
        snprintf(err, errlen, "no bridge named '%s'", bridge);
        return -ENOENT;
    }
    p = bridge_find_port(rec->br, name);
    if (!p) {
        snprintf(err, errlen, "bridge %s has no port named '%s'", bridge, name);
        return -ENOENT;
    }
    if (rec->spec.host_port && !strcmp(name, rec->spec.name)) {
        snprintf(err, errlen, "%s is the host port of bridge %s; it goes with the "
                 "bridge (del-br)", name, bridge);
        return -EPERM;
    }
    if (rec->spec.uplink[0] && !strcmp(name, rec->spec.uplink)) {
        struct conf_bridge want = rec->spec;
        want.uplink[0] = '\0';
        want.take_over = false;
        if (brmgr_reshape_bridge(rec, &want)) {
            snprintf(err, errlen, "uplink %s removed, but the host port could not "
                     "be recreated (see the log)", name);
            return -EIO;
        }
        return 0;
    }
    bp = brmgr_find_port(rec, name);
    if (!bp) {
        snprintf(err, errlen, "port %s (%s) was not made by xvsd; it goes away with "
                 "what made it", name, p->ops->kind);
        return -EPERM;
    }
    bridge_del_port(rec->br, p);
    *bp = rec->ports[--rec->n_ports];
    return 0;
}

void brmgr_destroy_all(void)
{
    char why[BRMGR_ERR_MAX];

    while (n_bridges)
        brmgr_del_bridge(bridges[n_bridges - 1]->spec.name, true, why, sizeof why);
}
