/* xvsd_xenbus: the xenstore module of xvsd (see xvsd_xenbus.h).
 *
 * The xenbus module runs the handshake and parses the keys; this file
 * turns its calls into netback and switch operations.  Each device gets a
 * struct xx_vif (the handle xenbus holds), kept in a list so that port
 * names stay unique even for vifs that are on no bridge.  An HVM vif's
 * emulated NIC (xx_vif.tap) gets the vif's policy from set_policy() and
 * follows the vif on and off its bridge (tap_follow()). */
#include "daemon/xvsd_xenbus.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/brmgr.h"
#include "daemon/conf.h"
#include "daemon/ctl.h"
#include "daemon/ctl_args.h"
#include "daemon/ctl_vif.h"
#include "daemon/modules.h"
#include "daemon/xvsd_netback.h"
#include "lib/log.h"
#include "lib/util.h"
#include "netback/vif.h"
#include "switch/antispoof.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "switch/port.h"
#include "xenstore/keys.h"
#include "xenstore/store.h"
#include "xenstore/xenbus.h"
#include "xenstore/xenbus_state.h"

#define XX_VLAN_UNTAGGED 1      /* a vif without VLAN keys: VLAN 1, as other ports */
#define XX_BE_PATH_MAX 96       /* "backend/vif/D/N", maybe absolute */

struct xx_vif {
    struct vif *vif;
    struct port *tap;                   /* its emulated NIC (QEMU tap), or NULL */
    unsigned domid, devid;
    uint64_t rate_bytes, rate_us;       /* as given to vif_set_rate() */
    struct xx_vif *prev, *next;
};

static struct xx_vif *vifs;             /* every vif this module made */
static struct store *store;
static struct xenbus *xb;
static char off_reason[160] = "not started";
static bool commands_registered;

#define XX_FMT "vif %u.%u (%s)"
#define XX_ARGS(x) (x)->domid, (x)->devid, vif_port((x)->vif)->name

/* ---- port settings from the keys ---- */

/* Another port (on a bridge, or one of our vifs on none) called `name`. */
static int check_name(const char *name, const struct xx_vif *self, bool from_key,
                      char *err, size_t n)
{
    const char *what = from_key ? "vifname" : "port name";
    struct bridge *br;
    struct port *p = xvsd_port_find(name, &br);

    if (p && (!self || p != vif_port(self->vif))) {
        snprintf(err, n, "%s %s: already the name of port %s of bridge %s", what, name,
                 p->name, bridge_name(br));
        return -EEXIST;
    }
    for (const struct xx_vif *x = vifs; x; x = x->next) {
        if (x != self && !strcmp(vif_port(x->vif)->name, name)) {
            snprintf(err, n, "%s %s: already the name of vif %u.%u", what, name, x->domid,
                     x->devid);
            return -EEXIST;
        }
        if (x->tap && !strcmp(x->tap->name, name)) {
            snprintf(err, n, "%s %s: already the emulated NIC of vif %u.%u", what, name,
                     x->domid, x->devid);
            return -EEXIST;
        }
    }
    return 0;
}

/* A tap's name: no other port anywhere, no vif, no other vif's tap. */
static int check_tap_name(const char *name, const struct xx_vif *self, char *err, size_t n)
{
    struct bridge *br;
    struct port *p = xvsd_port_find(name, &br);

    if (p && p != self->tap) {
        snprintf(err, n, "tap %s: already port %s of bridge %s", name, p->name,
                 bridge_name(br));
        return -EEXIST;
    }
    for (const struct xx_vif *x = vifs; x; x = x->next)
        if (!strcmp(vif_port(x->vif)->name, name)
            || (x != self && x->tap && !strcmp(x->tap->name, name))) {
            snprintf(err, n, "tap %s: already a port of vif %u.%u", name, x->domid,
                     x->devid);
            return -EEXIST;
        }
    return 0;
}

/* The port's VLANs; returns whether they changed.  The keys module has
 * already refused memberships the switch cannot do, but check again. */
static int set_vlans(struct port *p, const struct keys_vif *cfg, bool *changed,
                     char *err, size_t n)
{
    enum port_vlan_mode mode = PORT_VLAN_ACCESS;
    uint16_t pvid = XX_VLAN_UNTAGGED, old_pvid = p->pvid;
    enum port_vlan_mode old_mode = p->vlan_mode;
    uint64_t allowed[VLAN_BITMAP_WORDS] = { 0 }, old_allowed[VLAN_BITMAP_WORDS];
    struct keys_err kerr;

    if (cfg->vlan.count && keys_vlan_to_port(&cfg->vlan, &mode, &pvid, allowed, &kerr)) {
        snprintf(err, n, "%s", kerr.msg);
        return -EINVAL;
    }
    memcpy(old_allowed, p->allowed, sizeof old_allowed);
    if (mode == PORT_VLAN_ACCESS)
        port_set_access(p, pvid);
    else
        port_set_trunk(p, allowed, pvid);
    *changed = p->vlan_mode != old_mode || p->pvid != old_pvid
               || memcmp(p->allowed, old_allowed, sizeof old_allowed);
    return 0;
}

/* What the keys make of a port -- the vif's, or its emulated NIC's, which
 * gets the same: VLANs, MAC, promiscuous, source MAC lock, sources and the
 * RA / DHCP-server guards. */
static int set_policy(struct port *p, const struct keys_vif *cfg, char *err, size_t n)
{
    bool vlans_changed;
    int e = set_vlans(p, cfg, &vlans_changed, err, n);

    if (e)
        return e;
    memcpy(p->mac, cfg->mac, sizeof p->mac);
    p->promiscuous = cfg->promiscuous;
    p->mac_locked = !cfg->forged_transmits || !cfg->mac_changes;
    p->ra_guard = keys_vif_guard(cfg, KEY_ROUTER_ADVERTISEMENTS);
    p->dhcp_guard = keys_vif_guard(cfg, KEY_DHCP_SERVER);
    /* keys_parse_ip() keeps n4 + n6 <= KEYS_IP_MAX, within both limits. */
    port_set_ips(p, cfg->ip.v4, MIN(cfg->ip.n4, PORT_IPS_MAX),
                 (const uint8_t (*)[16])cfg->ip.v6, MIN(cfg->ip.n6, PORT_IP6S_MAX));
    if (p->bridge) {
        /* Entries learned on VLANs the port left would misdirect frames. */
        if (vlans_changed)
            fdb_flush(bridge_fdb(p->bridge), p, 0, false);
        bridge_port_changed(p->bridge, p);
    }
    return 0;
}

/* Everything but the bridge and the name: policy (the emulated NIC's
 * too), rate, mtu.  The rate and mtu are netback's, on the PV path only:
 * the emulated NIC has neither (nor had it with Xen's vif-bridge). */
static int configure(struct xx_vif *x, const struct keys_vif *cfg, char *err, size_t n)
{
    uint64_t rate_bytes = 0, rate_us = 0;
    int e = set_policy(vif_port(x->vif), cfg, err, n);

    if (e)
        return e;
    if (x->tap && (e = set_policy(x->tap, cfg, err, n)))
        return e;
    if (cfg->set & (1u << KEY_RATE)) {
        rate_bytes = cfg->rate.bytes;
        rate_us = cfg->rate.interval_us;
    }
    if (rate_bytes != x->rate_bytes || rate_us != x->rate_us) {
        /* vif_set_rate() restarts the credit: only on a real change. */
        vif_set_rate(x->vif, rate_bytes, rate_us);
        x->rate_bytes = rate_bytes;
        x->rate_us = rate_us;
    }
    vif_set_mtu(x->vif, cfg->set & (1u << KEY_MTU) ? cfg->mtu : 0);
    return 0;
}

static const char *vlan_text(const struct port *p, char *buf, size_t n)
{
    char list[256];

    if (p->vlan_mode == PORT_VLAN_ACCESS) {
        snprintf(buf, n, "access VLAN %u", p->pvid);
    } else {
        vlan_list_format(p->allowed, list, sizeof list);
        if (p->pvid)
            snprintf(buf, n, "trunk %s, native VLAN %u", list, p->pvid);
        else
            snprintf(buf, n, "trunk %s", list);
    }
    return buf;
}

/* The emulated NIC is on its vif's bridge while the vif is on one, and
 * off while the vif is off (offline, bad key).  Returns 0 or why the
 * bridge refused it (logged; the vif is not affected). */
static int tap_follow(struct xx_vif *x, char *err, size_t n)
{
    struct port *t = x->tap;
    struct bridge *br = vif_port(x->vif)->bridge;
    int e;

    if (!t || t->bridge == br)
        return 0;
    if (t->bridge) {
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": emulated NIC %s off bridge %s",
             XX_ARGS(x), t->name, bridge_name(t->bridge));
        bridge_remove_port(t->bridge, t);
    }
    if (!br)
        return 0;
    e = bridge_add_port(br, t);
    if (e) {
        snprintf(err, n, "bridge %s: cannot add emulated NIC %s: %s", bridge_name(br),
                 t->name, e == -ENOSPC ? "too many ports" : strerror(-e));
        xlog(XLOG_MOD_XENSTORE, XLOG_ERR, XX_FMT ": %s", XX_ARGS(x), err);
        return e;
    }
    xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": emulated NIC %s on bridge %s", XX_ARGS(x),
         t->name, bridge_name(br));
    return 0;
}

/* Off its bridge and closed. */
static void tap_free(struct xx_vif *x)
{
    struct port *t = x->tap;

    if (!t)
        return;
    if (t->bridge)
        bridge_remove_port(t->bridge, t);
    x->tap = NULL;
    t->ops->destroy(t);
}

static int put_on(struct xx_vif *x, struct bridge *br, char *err, size_t n)
{
    struct port *p = vif_port(x->vif);
    char vl[300];
    int e;

    if (p->bridge == br)
        return 0;
    if (p->bridge)
        bridge_remove_port(p->bridge, p);
    e = bridge_add_port(br, p);
    if (e) {
        tap_follow(x, err, n);          /* off with the vif */
        if (e == -EEXIST)
            snprintf(err, n, "bridge %s: a port named %s exists already", bridge_name(br),
                     p->name);
        else if (e == -ENOSPC)
            snprintf(err, n, "bridge %s: already %d ports", bridge_name(br),
                     BRIDGE_PORTS_MAX);
        else
            snprintf(err, n, "bridge %s: cannot add %s: %s", bridge_name(br), p->name,
                     strerror(-e));
        return e;
    }
    xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": on bridge %s, %s%s%s%s%s", XX_ARGS(x),
         bridge_name(br), vlan_text(p, vl, sizeof vl), p->promiscuous ? ", promiscuous" : "",
         p->mac_locked ? ", source MAC locked" : "",
         antispoof_guard_on(p, p->ra_guard) ? ", RA guard" : "",
         antispoof_guard_on(p, p->dhcp_guard) ? ", DHCP-server guard" : "");
    tap_follow(x, err, n);
    return 0;
}

static struct bridge *find_bridge(const struct keys_vif *cfg, char *err, size_t n)
{
    struct bridge *br = bridge_lookup(cfg->bridge.name);

    if (!br)
        snprintf(err, n, "bridge %s: no such bridge", cfg->bridge.name);
    return br;
}

/* ---- the xenbus ops ---- */

static void *op_create(void *ctx, const struct xenbus_vif_id *id, const struct keys_vif *cfg,
                       char *err, size_t n)
{
    struct netback *nb = xvsd_netback();
    struct xx_vif *x;
    struct vif *v;

    (void)ctx;
    if (!nb) {
        snprintf(err, n, "no guest backend in this xvsd (%s)", xvsd_netback_off_reason());
        return NULL;
    }
    if (check_name(id->name, NULL, cfg->set & (1u << KEY_VIFNAME), err, n))
        return NULL;
    x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, n, "vif %u.%u: out of memory", id->domid, id->devid);
        return NULL;
    }
    v = vif_create(nb, (uint16_t)id->domid, id->devid, id->name, err, n);
    if (!v) {
        free(x);
        return NULL;
    }
    x->vif = v;
    x->domid = id->domid;
    x->devid = id->devid;
    if (configure(x, cfg, err, n)) {
        vif_destroy(v);
        free(x);
        return NULL;
    }
    x->next = vifs;
    if (vifs)
        vifs->prev = x;
    vifs = x;
    return x;
}

static int op_attach(void *ctx, void *h, const struct keys_vif *cfg, char *err, size_t n)
{
    struct xx_vif *x = h;
    struct bridge *br = find_bridge(cfg, err, n);
    int e;

    (void)ctx;
    if (!br)
        return -ENODEV;
    if ((e = configure(x, cfg, err, n)))
        return e;
    return put_on(x, br, err, n);
}

static void op_detach(void *ctx, void *h)
{
    struct xx_vif *x = h;
    struct port *p = vif_port(x->vif);

    (void)ctx;
    if (p->bridge) {
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": off bridge %s", XX_ARGS(x),
             bridge_name(p->bridge));
        bridge_remove_port(p->bridge, p);
    }
    tap_follow(x, NULL, 0);
}

static int op_connect(void *ctx, void *h, const struct xenbus_rings *r, char *err, size_t n)
{
    struct xx_vif *x = h;
    struct vif_frontend fe;

    (void)ctx;
    memset(&fe, 0, sizeof fe);
    fe.tx_ring_ref = r->tx_ring_ref;
    fe.rx_ring_ref = r->rx_ring_ref;
    fe.evtchn_tx = r->evtchn_tx;
    fe.evtchn_rx = r->split_evtchn ? r->evtchn_rx : r->evtchn_tx;
    fe.split = r->split_evtchn;
    fe.rx_notify = r->rx_notify;
    fe.mcast_control = r->multicast_control;
    fe.rx.sg = r->sg;
    fe.rx.gso_tcpv4 = r->gso_tcpv4;
    fe.rx.gso_tcpv6 = r->gso_tcpv6;
    fe.rx.csum_v4 = !r->no_csum_offload;
    fe.rx.csum_v6 = r->ipv6_csum_offload;
    /* vif_connect() always carries on from the responses in the shared
     * rings: 0 on fresh rings, the old position when resuming. */
    return vif_connect(x->vif, &fe, err, n);
}

static void op_disconnect(void *ctx, void *h)
{
    struct xx_vif *x = h;

    (void)ctx;
    vif_disconnect(x->vif);
}

static int rename_port(struct xx_vif *x, const struct keys_vif *cfg, char *err, size_t n)
{
    struct port *p = vif_port(x->vif);
    struct bridge *br = p->bridge;
    char name[IF_NAMESIZE];
    int e;

    if (cfg->set & (1u << KEY_VIFNAME))
        snprintf(name, sizeof name, "%s", cfg->vifname);
    else
        snprintf(name, sizeof name, "vif%u.%u", x->domid, x->devid);
    if (!strcmp(name, p->name))
        return 0;
    if ((e = check_name(name, x, cfg->set & (1u << KEY_VIFNAME), err, n)))
        return e;
    xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": renamed %s", XX_ARGS(x), name);
    if (br)
        bridge_remove_port(br, p);
    snprintf(p->name, sizeof p->name, "%s", name);
    return br ? put_on(x, br, err, n) : 0;
}

static int op_update(void *ctx, void *h, const struct keys_vif *cfg, uint32_t changed,
                     char *err, size_t n)
{
    struct xx_vif *x = h;
    struct port *p = vif_port(x->vif);
    int e;

    (void)ctx;
    if ((changed & (1u << KEY_VIFNAME)) && (e = rename_port(x, cfg, err, n)))
        return e;
    if ((e = configure(x, cfg, err, n)))
        return e;
    if (p->bridge && (changed & (1u << KEY_BRIDGE))) {
        struct bridge *br = find_bridge(cfg, err, n);
        if (!br)
            return -ENODEV;
        return put_on(x, br, err, n);
    }
    return 0;
}

static void op_destroy(void *ctx, void *h)
{
    struct xx_vif *x = h;
    struct port *p = vif_port(x->vif);

    (void)ctx;
    tap_free(x);
    if (p->bridge)
        bridge_remove_port(p->bridge, p);
    if (x->prev)
        x->prev->next = x->next;
    else
        vifs = x->next;
    if (x->next)
        x->next->prev = x->prev;
    vif_destroy(x->vif);
    free(x);
}

static bool op_feature_at(void *ctx, unsigned i, const char **key, const char **value)
{
    (void)ctx;
    return vif_feature_at(i, key, value);
}

/* QEMU let go of the tap (the PV driver took over, or QEMU is gone). */
static void tap_gone(void *arg, struct port *t)
{
    struct xx_vif *x = arg;

    xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": emulated NIC %s removed: its tap device "
         "is gone", XX_ARGS(x), t->name);
    tap_free(x);
}

static int op_tap_attach(void *ctx, void *h, const char *ifname, const struct keys_vif *cfg,
                         char *err, size_t n)
{
    struct xx_vif *x = h;
    struct port *t = NULL;
    int e;

    (void)ctx;
    if (x->tap && !strcmp(x->tap->name, ifname)) {
        /* Again (a second add, adoption): just the keys and the bridge. */
        if ((e = set_policy(x->tap, cfg, err, n)))
            return e;
        return tap_follow(x, err, n);
    }
    if ((e = check_tap_name(ifname, x, err, n)))
        return e;
    /* The owner's name is the vif port's own buffer (renames show; the tap
     * is freed before the vif). */
    e = brmgr_make_tap(ifname, vif_port(x->vif)->name, cfg->mac, tap_gone, x, &t, err, n);
    if (e)
        return e;
    if ((e = set_policy(t, cfg, err, n))) {
        t->ops->destroy(t);
        return e;
    }
    if (x->tap) {
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": emulated NIC %s replaced by %s",
             XX_ARGS(x), x->tap->name, ifname);
        tap_free(x);
    }
    x->tap = t;
    if ((e = tap_follow(x, err, n))) {
        tap_free(x);
        return e;
    }
    if (!t->bridge)
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": emulated NIC %s joins a bridge when "
             "the vif does", XX_ARGS(x), ifname);
    return 0;
}

static void op_tap_detach(void *ctx, void *h, const char *ifname)
{
    struct xx_vif *x = h;

    (void)ctx;
    if (!x->tap) {
        xlog(XLOG_MOD_XENSTORE, XLOG_DBG, XX_FMT ": emulated NIC %s: not a port (gone "
             "already)", XX_ARGS(x), ifname);
        return;
    }
    /* A vif has one emulated NIC: whatever its name, it goes. */
    xlog(XLOG_MOD_XENSTORE, XLOG_INFO, XX_FMT ": emulated NIC %s removed%s%s", XX_ARGS(x),
         x->tap->name, strcmp(x->tap->name, ifname) ? ", asked for " : "",
         strcmp(x->tap->name, ifname) ? ifname : "");
    tap_free(x);
}

static const struct xenbus_ops ops = {
    .create = op_create,
    .attach = op_attach,
    .detach = op_detach,
    .connect = op_connect,
    .disconnect = op_disconnect,
    .update = op_update,
    .destroy = op_destroy,
    .feature_at = op_feature_at,
    .tap_attach = op_tap_attach,
    .tap_detach = op_tap_detach,
};

/* A vif's emulated NIC as vif-show and vif-list show it: null, or its
 * port's name, bridge ("" while off one) and link. */
static json_t *tap_json(const struct port *t)
{
    return !t ? json_null()
              : json_pack("{s:s, s:s, s:b}", "name", t->name,
                          "bridge", t->bridge ? bridge_name(t->bridge) : "",
                          "link_up", t->link_up);
}

/* vif-show's "emulated_nic" for the vifs of this module. */
static void show_tap(const struct vif *v, json_t *o)
{
    for (const struct xx_vif *x = vifs; x; x = x->next)
        if (x->vif == v) {
            json_object_set_new(o, "emulated_nic", tap_json(x->tap));
            return;
        }
}

const struct xenbus_ops *xvsd_xenbus_ops(void) { return &ops; }

/* ---- control commands ---- */

static json_t *info_json(const struct xenbus_vif_info *i)
{
    const struct xx_vif *x = vifs;
    json_t *o;

    while (x && (x->domid != i->domid || x->devid != i->devid))
        x = x->next;
    o = json_pack("{s:i, s:i, s:s, s:s, s:i, s:s, s:i, s:s, s:b, s:b, s:b, s:b, s:s}",
                     "domid", (int)i->domid, "devid", (int)i->devid, "name", i->name,
                     "bridge", i->bridge, "backend_state", (int)i->be_state,
                     "backend_state_name", xb_state_name(i->be_state),
                     "frontend_state", (int)i->fe_state,
                     "frontend_state_name", xb_state_name(i->fe_state),
                     "online", i->online, "attached", i->attached,
                     "connected", i->connected, "hotplug_connected", i->hotplug_connected,
                     "error", i->error);
    if (o)
        json_object_set_new(o, "emulated_nic", tap_json(x ? x->tap : NULL));
    return o;
}

/* "backend/vif/D/N" (maybe absolute, maybe with a trailing '/') -> D, N. */
static bool parse_be_path(const char *path, unsigned *domid, unsigned *devid)
{
    const char *s = strstr(path, "backend/vif/");
    char tail[2];

    return s && sscanf(s, "backend/vif/%u/%u%1s", domid, devid, tail) >= 2;
}

static json_t *device_json(const char *path)
{
    struct xenbus_vif_info i;
    unsigned domid, devid;

    if (parse_be_path(path, &domid, &devid))
        for (unsigned k = 0; xenbus_vif_at(xb, k, &i); k++)
            if (i.domid == domid && i.devid == devid)
                return info_json(&i);
    return json_null();
}

/* Shared by vif-online / vif-offline: the path and the optional tap. */
static int hotplug_args(size_t argc, const char *const *argv, const char *usage,
                        const char **tap, char **err)
{
    if (ctl_args_count(argc, 1, 2, usage, err))
        return -1;
    if (!xb) {
        ctl_errf(err, "xvsd does not serve xenstore vifs (%s)", off_reason);
        return -1;
    }
    if (strlen(argv[0]) >= XX_BE_PATH_MAX) {
        ctl_errf(err, "%.40s...: not a vif backend path (backend/vif/DOMID/DEVID)", argv[0]);
        return -1;
    }
    *tap = NULL;
    if (argc == 2) {
        *tap = strncmp(argv[1], "tap=", 4) ? argv[1] : argv[1] + 4;
        if (!**tap || strlen(*tap) >= IF_NAMESIZE) {
            ctl_errf(err, "tap: '%.40s' is not an interface name", *tap);
            return -1;
        }
    }
    return 0;
}

static json_t *cmd_vif_online(size_t argc, const char *const *argv, void *arg, char **err)
{
    char why[XENBUS_ERR_MAX];
    const char *tap;

    (void)arg;
    if (hotplug_args(argc, argv, "vif-online BACKEND_PATH [tap=IFNAME]", &tap, err))
        return NULL;
    if (xenbus_vif_online(xb, argv[0], tap, why, sizeof why))
        return ctl_errf(err, "%s", why);
    return device_json(argv[0]);
}

static json_t *cmd_vif_offline(size_t argc, const char *const *argv, void *arg, char **err)
{
    char why[XENBUS_ERR_MAX];
    const char *tap;

    (void)arg;
    if (hotplug_args(argc, argv, "vif-offline BACKEND_PATH [tap=IFNAME]", &tap, err))
        return NULL;
    if (xenbus_vif_offline(xb, argv[0], tap, why, sizeof why))
        return ctl_errf(err, "%s", why);
    return device_json(argv[0]);
}

static json_t *cmd_vif_list(size_t argc, const char *const *argv, void *arg, char **err)
{
    struct xenbus_vif_info i;
    json_t *list;

    (void)argv;
    (void)arg;
    if (ctl_args_count(argc, 0, 0, "vif-list", err))
        return NULL;
    if (!xb)
        return ctl_errf(err, "xvsd does not serve xenstore vifs (%s)", off_reason);
    list = json_array();
    for (unsigned k = 0; list && xenbus_vif_at(xb, k, &i); k++)
        json_array_append_new(list, info_json(&i));
    return list;
}

/* ---- the module ---- */

int xvsd_xenbus_start(struct evloop *loop, char *err, size_t errlen)
{
    const struct conf *c = modules_conf();
    enum conf_xenstore mode = c ? c->xen.xenstore : CONF_XENSTORE_AUTO;
    int e;

    if (!commands_registered) {
        if ((e = ctl_register_command("vif-online", cmd_vif_online, NULL))
            || (e = ctl_register_command("vif-offline", cmd_vif_offline, NULL))
            || (e = ctl_register_command("vif-list", cmd_vif_list, NULL))) {
            snprintf(err, errlen, "cannot register the xenstore commands: %s", strerror(-e));
            return e;
        }
        commands_registered = true;
        ctl_vif_set_show_hook(show_tap);
    }
    if (!xvsd_netback()) {
        snprintf(off_reason, sizeof off_reason, "no guest backend: %s",
                 xvsd_netback_off_reason());
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, "not watching xenstore (%s)", off_reason);
        return 0;
    }
    if (mode == CONF_XENSTORE_NO) {
        snprintf(off_reason, sizeof off_reason, "[xen] xenstore = no");
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, "not watching xenstore (%s): vifs only by "
             "vif-attach", off_reason);
        return 0;
    }
    store = store_open();
    if (!store) {
        e = errno ? errno : EIO;
        snprintf(off_reason, sizeof off_reason, "xenstored not reachable: %s", strerror(e));
        if (mode == CONF_XENSTORE_YES) {
            snprintf(err, errlen, "%s ([xen] xenstore = yes)", off_reason);
            return -e;
        }
        xlog(XLOG_MOD_XENSTORE, XLOG_WARN, "%s: guests' vifs are not served (only "
             "vif-attach); [xen] xenstore = yes would make this fatal", off_reason);
        return 0;
    }
    /* Each connected vif's record (xenstore/vifrec.h) beside the host
     * ports' ones: after kill -9 the next xvsd resumes the rings from them
     * before its first xenstore round trip per vif. */
    xb = xenbus_create(store, loop, &ops, NULL,
                       modules_state_dir()[0] ? modules_state_dir() : NULL);
    if (!xb) {
        e = errno ? errno : EIO;
        snprintf(err, errlen, "cannot watch backend/vif in xenstore: %s", strerror(e));
        snprintf(off_reason, sizeof off_reason, "%s", err);
        store_close(store);
        store = NULL;
        return -e;
    }
    off_reason[0] = '\0';
    return 0;
}

bool xvsd_xenbus_store_stats(struct store_stats *out)
{
    if (!store)
        return false;
    store_get_stats(store, out);
    return true;
}

void xvsd_xenbus_stop(void)
{
    if (xb) {
        xenbus_destroy(xb);
        xb = NULL;
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, "stopped watching xenstore (vifs left for the "
             "next xvsd to resume)");
    }
    if (store) {
        store_close(store);
        store = NULL;
    }
    snprintf(off_reason, sizeof off_reason, "stopped");
}
