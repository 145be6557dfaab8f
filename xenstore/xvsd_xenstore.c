/* xvsd_xenstore: xenbus bound to netback's vifs and the switch.  See
 * xvsd_xenstore.h.
 *
 * A device's vif lives from ops->create to ops->destroy.  Once on a
 * bridge the bridge owns it (bridge_del_port() frees it), so "detach"
 * only takes the link down, and moving to another bridge re-creates the
 * vif and reconnects it to the same rings (netback resumes from the ring
 * indices, the guest notices nothing). */
#include "xenstore/xvsd_xenstore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon/ctl.h"
#include "daemon/xvsd_netback.h"
#include "lib/log.h"
#include "lib/util.h"
#include "netback/vif.h"
#include "switch/bridge.h"
#include "switch/port.h"
#include "xenstore/keys.h"
#include "xenstore/store.h"
#include "xenstore/xenbus.h"
#include "xenstore/xenbus_state.h"

#define FEATURES_MAX 32

struct gvif {
    struct vif *vif;
    struct bridge *br;              /* the bridge owning vif, or NULL */
    uint16_t domid;
    uint32_t devid;
    char name[IF_NAMESIZE];
    struct vif_frontend fe;         /* of the current connection */
    bool connected;
};

static struct store *st;
static struct xenbus *xb;
static struct xenbus_feature features[FEATURES_MAX + 1];

/* ---- the port follows the keys ------------------------------------------ */

static void
apply_policy(struct gvif *g, const struct keys_vif *cfg)
{
    struct port *p = vif_port(g->vif);
    enum port_vlan_mode mode;
    uint16_t pvid;
    uint64_t allowed[VLAN_BITMAP_WORDS];
    struct keys_err kerr;

    memcpy(p->mac, cfg->mac, ETH_ADDR_LEN);
    p->mac_locked = !cfg->forged_transmits || !cfg->mac_changes;
    p->promiscuous = cfg->promiscuous;
    p->n_ips = MIN(cfg->ip.n4, PORT_IPS_MAX);
    memcpy(p->ips, cfg->ip.v4, p->n_ips * sizeof p->ips[0]);
    /* keys.c already refused memberships the switch cannot express. */
    if (cfg->vlan.count && !keys_vlan_to_port(&cfg->vlan, &mode, &pvid, allowed, &kerr)) {
        if (mode == PORT_VLAN_ACCESS) {
            port_set_access(p, pvid);
        } else {
            port_set_trunk(p, allowed, pvid);
        }
    } else {
        port_set_access(p, 1);
    }
    if (cfg->set & (1u << KEY_RATE)) {
        vif_set_rate(g->vif, cfg->rate.bytes, cfg->rate.interval_us);
    } else {
        vif_set_rate(g->vif, 0, 0);
    }
}

static int
make_vif(struct gvif *g, const struct keys_vif *cfg, char *err, size_t errlen)
{
    struct bridge *br;

    if (xvsd_port_find(g->name, &br)) {
        snprintf(err, errlen, "port name %s is taken on bridge %s (set vifname=)", g->name,
                 bridge_name(br));
        return -EEXIST;
    }
    g->vif = vif_create(xvsd_netback(), g->domid, g->devid, g->name, err, errlen);
    if (!g->vif) {
        return -ENOMEM;
    }
    apply_policy(g, cfg);
    return 0;
}

static void
free_vif(struct gvif *g)
{
    if (!g->vif) {
        return;
    }
    if (g->br) {
        bridge_del_port(g->br, vif_port(g->vif));   /* frees the vif */
    } else {
        vif_destroy(g->vif);
    }
    g->vif = NULL;
    g->br = NULL;
}

/* Put the vif on `br`, re-creating it if it is on another bridge. */
static int
move_to(struct gvif *g, struct bridge *br, const struct keys_vif *cfg, char *err, size_t errlen)
{
    int r;

    if (g->br == br) {
        return 0;
    }
    if (g->br) {
        free_vif(g);
        if ((r = make_vif(g, cfg, err, errlen))) {
            return r;
        }
        if (g->connected && vif_connect(g->vif, &g->fe, err, errlen)) {
            g->connected = false;
            return -EIO;
        }
    }
    r = bridge_add_port(br, vif_port(g->vif));
    if (r) {
        snprintf(err, errlen, "bridge %s: cannot add %s: %s", bridge_name(br), g->name,
                 r == -ENOSPC ? "too many ports" : strerror(-r));
        return r;
    }
    g->br = br;
    return 0;
}

/* ---- xenbus ops -------------------------------------------------------------- */

static void *
op_create(void *ctx, const struct xenbus_vif_id *id, const struct keys_vif *cfg,
          char *err, size_t errlen)
{
    struct gvif *g = calloc(1, sizeof *g);

    (void) ctx;
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->domid = (uint16_t) id->domid;
    g->devid = id->devid;
    snprintf(g->name, sizeof g->name, "%s", id->name);
    if (make_vif(g, cfg, err, errlen)) {
        free(g);
        return NULL;
    }
    return g;
}

static int
op_attach(void *ctx, void *vif, const struct keys_vif *cfg, char *err, size_t errlen)
{
    struct gvif *g = vif;
    struct bridge *br = bridge_lookup(cfg->bridge.name);
    int r;

    (void) ctx;
    if (!br) {
        snprintf(err, errlen, "bridge %s: no such bridge (add it to xvs.conf or run "
                 "xvsctl add-br %s)", cfg->bridge.name, cfg->bridge.name);
        return -ENOENT;
    }
    if (!g->vif && (r = make_vif(g, cfg, err, errlen))) {
        return r;
    }
    apply_policy(g, cfg);
    if ((r = move_to(g, br, cfg, err, errlen))) {
        return r;
    }
    vif_port(g->vif)->link_up = true;
    return 0;
}

static void
op_detach(void *ctx, void *vif)
{
    struct gvif *g = vif;

    (void) ctx;
    if (g->vif) {
        vif_port(g->vif)->link_up = false;
    }
}

static int
op_connect(void *ctx, void *vif, const struct xenbus_rings *r, char *err, size_t errlen)
{
    struct gvif *g = vif;
    struct vif_frontend fe;

    (void) ctx;
    memset(&fe, 0, sizeof fe);
    fe.tx_ring_ref = r->tx_ring_ref;
    fe.rx_ring_ref = r->rx_ring_ref;
    fe.evtchn_tx = r->evtchn_tx;
    fe.evtchn_rx = r->evtchn_rx;
    fe.split = r->split_evtchn;
    fe.rx_notify = r->rx_notify;
    fe.mcast_control = r->multicast_control;
    fe.rx.sg = r->sg;
    fe.rx.gso_tcpv4 = r->gso_tcpv4;
    fe.rx.gso_tcpv6 = r->gso_tcpv6;
    fe.rx.csum_v4 = !r->no_csum_offload;
    fe.rx.csum_v6 = r->ipv6_csum_offload;
    if (!g->vif) {
        snprintf(err, errlen, "vif %s: no port", g->name);
        return -ENODEV;
    }
    if (vif_connect(g->vif, &fe, err, errlen)) {
        return -EIO;
    }
    g->fe = fe;
    g->connected = true;
    return 0;
}

static void
op_disconnect(void *ctx, void *vif)
{
    struct gvif *g = vif;

    (void) ctx;
    if (g->vif) {
        vif_disconnect(g->vif);
    }
    g->connected = false;
}

static int
op_update(void *ctx, void *vif, const struct keys_vif *cfg, uint32_t changed,
          char *err, size_t errlen)
{
    struct gvif *g = vif;

    (void) ctx;
    if (!g->vif) {
        return 0;
    }
    if (changed & (1u << KEY_VIFNAME)) {
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, "vif %s: vifname %s applies when the device is "
             "created again", g->name, cfg->vifname);
    }
    if (changed & (1u << KEY_MTU)) {
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, "vif %s: mtu %u noted (not enforced per port)",
             g->name, cfg->mtu);
    }
    apply_policy(g, cfg);
    if ((changed & (1u << KEY_BRIDGE)) && g->br) {
        struct bridge *br = bridge_lookup(cfg->bridge.name);
        bool up = vif_port(g->vif)->link_up;
        int r;
        if (!br) {
            snprintf(err, errlen, "bridge %s: no such bridge", cfg->bridge.name);
            return -ENOENT;
        }
        if ((r = move_to(g, br, cfg, err, errlen))) {
            return r;
        }
        vif_port(g->vif)->link_up = up;
    }
    return 0;
}

static void
op_destroy(void *ctx, void *vif)
{
    struct gvif *g = vif;

    (void) ctx;
    free_vif(g);
    free(g);
}

static const struct xenbus_ops ops = {
    .create = op_create,
    .attach = op_attach,
    .detach = op_detach,
    .connect = op_connect,
    .disconnect = op_disconnect,
    .update = op_update,
    .destroy = op_destroy,
};

/* ---- control commands ------------------------------------------------------ */

static json_t *
cmd_online(size_t argc, const char *const *argv, void *arg, char **err)
{
    char why[XENBUS_ERR_MAX];

    (void) arg;
    if (argc < 1 || argc > 2) {
        return ctl_errf(err, "usage: vif-online BACKEND_PATH [TAP_IFNAME]");
    }
    if (!xb) {
        return ctl_errf(err, "xvsd serves no vifs (no guest backend, or stopping)");
    }
    if (xenbus_vif_online(xb, argv[0], argc == 2 ? argv[1] : NULL, why, sizeof why)) {
        return ctl_errf(err, "%s", why);
    }
    return json_pack("{s:s}", "path", argv[0]);
}

static json_t *
cmd_offline(size_t argc, const char *const *argv, void *arg, char **err)
{
    char why[XENBUS_ERR_MAX];

    (void) arg;
    if (argc < 1 || argc > 2) {
        return ctl_errf(err, "usage: vif-offline BACKEND_PATH [TAP_IFNAME]");
    }
    if (!xb) {
        return ctl_errf(err, "xvsd serves no vifs (no guest backend, or stopping)");
    }
    if (xenbus_vif_offline(xb, argv[0], argc == 2 ? argv[1] : NULL, why, sizeof why)) {
        return ctl_errf(err, "%s", why);
    }
    return json_null();
}

static json_t *
cmd_list(size_t argc, const char *const *argv, void *arg, char **err)
{
    struct xenbus_vif_info in;
    json_t *a = json_array();

    (void) argv;
    (void) arg;
    if (argc) {
        json_decref(a);
        return ctl_errf(err, "usage: vif-xenstore");
    }
    if (!xb) {
        return a;
    }
    for (unsigned i = 0; a && xenbus_vif_at(xb, i, &in); i++) {
        json_array_append_new(a, json_pack(
            "{s:i, s:i, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:s?}",
            "domid", (int) in.domid, "devid", (int) in.devid, "name", in.name,
            "bridge", in.bridge, "backend_state", xb_state_name(in.be_state),
            "frontend_state", xb_state_name(in.fe_state), "online", in.online,
            "attached", in.attached, "connected", in.connected,
            "hotplug_connected", in.hotplug_connected,
            "error", in.error[0] ? in.error : NULL));
    }
    return a;
}

/* ---- module ----------------------------------------------------------------- */

int
xvsd_xenstore_start(struct evloop *loop, char *err, size_t errlen)
{
    static const struct { const char *name; ctl_handler *fn; } cmds[] = {
        { "vif-online", cmd_online },
        { "vif-offline", cmd_offline },
        { "vif-xenstore", cmd_list },
    };
    unsigned n = 0;
    int r;

    if (!xvsd_netback()) {
        xlog(XLOG_MOD_XENSTORE, XLOG_INFO, "no guest backend (%s): not watching xenstore",
             xvsd_netback_off_reason());
        return 0;
    }
    for (const struct vif_feature *f = vif_backend_features; f->key && n < FEATURES_MAX; f++) {
        features[n].key = f->key;
        features[n++].value = f->value;
    }
    features[n].key = features[n].value = NULL;
    st = store_open();
    if (!st) {
        snprintf(err, errlen, "xenstore: cannot connect (is xenstored running?): %s",
                 strerror(errno));
        return -errno;
    }
    xb = xenbus_create(st, loop, &ops, features, NULL);
    if (!xb) {
        snprintf(err, errlen, "xenstore: cannot watch backend/vif: %s", strerror(errno));
        store_close(st);
        st = NULL;
        return -EIO;
    }
    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
        r = ctl_register_command(cmds[i].name, cmds[i].fn, NULL);
        if (r && r != -EEXIST) {              /* EEXIST: started before */
            snprintf(err, errlen, "xenstore: control command %s: %s", cmds[i].name,
                     strerror(-r));
            xvsd_xenstore_stop();
            return r;
        }
    }
    return 0;
}

void
xvsd_xenstore_stop(void)
{
    xenbus_destroy(xb);
    xb = NULL;
    store_close(st);
    st = NULL;
}
