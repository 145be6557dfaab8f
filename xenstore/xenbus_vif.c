/* xenbus_vif: one vif device -- adoption, keys, the frontend handshake and
 * the hotplug requests.  See xenbus.h (protocol), xenbus_state.h (states)
 * and xenbus_int.h (invariants). */
#include "xenstore/xenbus_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore/vifrec.h"

#define XB_TX_RETRIES 8             /* transaction conflicts before giving up */
#define XB_MAX_HOPS 8               /* state steps in one run() (longest is 4) */

/* Messages a guest can cause (its frontend keys and states). */
static struct xlog_ratelimit guest_rl = XLOG_RATELIMIT_INIT(5, 20);

#define VIF_FMT "vif %u.%u (%s)"
#define VIF_ARGS(v) (v)->domid, (v)->devid, (v)->name

/* ---- xenstore helpers ------------------------------------------------- */

/* Set (value) or remove (NULL) keys of the backend directory in one
 * transaction, only while the directory exists: writing into a directory
 * libxl just removed would create it again. */
static int
be_update(struct xb_vif *v, const char *const kv[][2], unsigned n)
{
    struct store *st = v->xb->st;

    if (v->xb->exiting) {
        return 0;
    }
    for (int attempt = 0; attempt < XB_TX_RETRIES; attempt++) {
        char path[sizeof v->be_path + 64];
        store_tx t;
        int r = store_tx_start(st, &t);

        if (r) {
            return r;
        }
        if (!store_exists(st, t, v->be_path)) {
            store_tx_end(st, t, true);
            return -ENOENT;
        }
        for (unsigned i = 0; i < n && !r; i++) {
            snprintf(path, sizeof path, "%s/%s", v->be_path, kv[i][0]);
            r = kv[i][1] ? store_write(st, t, path, kv[i][1]) : store_rm(st, t, path);
        }
        if (r) {
            store_tx_end(st, t, true);
            return r;
        }
        r = store_tx_end(st, t, false);
        if (r != -EAGAIN) {
            return r;
        }
    }
    return -EAGAIN;
}

static int
be_read(const struct xb_vif *v, const char *key, char **value)
{
    char path[sizeof v->be_path + 64];
    snprintf(path, sizeof path, "%s/%s", v->be_path, key);
    return store_read(v->xb->st, STORE_TX_NONE, path, value, NULL);
}

enum xb_state
xbv_read_be_state(struct xenbus *xb, const char *be_path)
{
    char path[128];
    unsigned long long s;

    snprintf(path, sizeof path, "%s/state", be_path);
    return store_read_uint(xb->st, STORE_TX_NONE, path, XB_RECONFIGURED, &s)
           ? XB_UNKNOWN : (enum xb_state) s;
}

/* The frontend directory's listing (names == NULL: not listed), so that
 * keys it lacks cost no round trip through xenstored. */
struct fe_list {
    char **names;
    unsigned n;
};

static bool
fe_listed(const struct fe_list *l, const char *key)
{
    if (!l->names) {
        return true;                /* unknown: read it */
    }
    for (unsigned i = 0; i < l->n; i++) {
        if (!strcmp(l->names[i], key)) {
            return true;
        }
    }
    return false;
}

/* A frontend number: "missing" and "not a number" are errors naming the
 * key, since a guest wrote them. */
static int
fe_uint(const struct xb_vif *v, const struct fe_list *l, const char *key,
        unsigned long long max, bool required, unsigned long long *out, char *err,
        size_t errlen)
{
    char path[XB_PATH_MAX + 64];
    int r = -ENOENT;

    snprintf(path, sizeof path, "%s/%s", v->fe_path, key);
    if (fe_listed(l, key)) {
        r = store_read_uint(v->xb->st, STORE_TX_NONE, path, max, out);
    }
    if (r == -ENOENT && !required) {
        *out = 0;
        return 0;
    }
    if (r) {
        snprintf(err, errlen, "frontend %s: %s", key,
                 r == -ENOENT ? "missing" : r == -ERANGE ? "out of range" : "not a number");
    }
    return r;
}

/* Like Linux's xenbus_dev_fatal(): the reason goes to
 * error/backend/vif/D/N/error in our own domain, and to the log. */
static void
fatal(struct xb_vif *v, const char *msg)
{
    char path[sizeof v->be_path + 16];

    if (xlog_ratelimit(&guest_rl)) {
        XLOG_ERR_(XLOG_MOD_XENSTORE, VIF_FMT ": %s", VIF_ARGS(v), msg);
    }
    snprintf(v->last_err, sizeof v->last_err, "%s", msg);
    snprintf(path, sizeof path, "error/%s/error", v->be_path);
    if (!v->xb->exiting) {
        store_write(v->xb->st, STORE_TX_NONE, path, msg);
    }
}

/* ---- the restart record (vifrec.h) -------------------------------------- */

/* Keep the vif's record in step: there while its rings are served on its
 * bridge, gone otherwise.  Kept when xvsd exits, for the next one. */
static void
record_sync(struct xb_vif *v)
{
    static struct xlog_ratelimit rl = XLOG_RATELIMIT_INIT(1, 5);
    const char *dir = v->xb->record_dir;
    struct vifrec r;
    int e;

    if (!dir || v->xb->exiting) {
        return;
    }
    if (v->connected && v->attached && v->hotplug_connected && !v->key_err[0]) {
        memset(&r, 0, sizeof r);
        r.domid = v->domid;
        r.devid = v->devid;
        snprintf(r.fe_path, sizeof r.fe_path, "%s", v->fe_path);
        memcpy(r.raw, v->raw, sizeof r.raw);   /* borrowed, not freed */
        r.rings = v->rings;
        e = vifrec_write(dir, &r);
        if (!e) {
            v->recorded = true;
            return;
        }
        if (xlog_ratelimit(&rl)) {
            XLOG_WARN_(XLOG_MOD_XENSTORE, VIF_FMT ": cannot record it in %s (a restart "
                       "will take it back from xenstore only): %s", VIF_ARGS(v), dir,
                       strerror(-e));
        }
    }
    if (v->recorded) {
        vifrec_remove(dir, v->domid, v->devid);
        v->recorded = false;
    }
}

/* ---- keys ------------------------------------------------------------- */

/* One listing, then reads of the keys that exist only (libxl writes
 * about half of them): fewer round trips on the way to InitWait.  Returns
 * whether hotplug-error is (or may be: no listing) there. */
static bool
read_keys(struct xb_vif *v)
{
    char **names = NULL;
    unsigned n = 0;
    bool listed = !store_directory(v->xb->st, STORE_TX_NONE, v->be_path, &names, &n);
    bool hotplug_error = !listed;

    for (unsigned i = 0; i < n && !hotplug_error; i++) {
        hotplug_error = !strcmp(names[i], "hotplug-error");
    }

    for (unsigned k = 0; k < KEY_N; k++) {
        const char *key = keys_vif_key_name(k);
        bool present = !listed;
        for (unsigned i = 0; i < n && !present; i++) {
            present = !strcmp(names[i], key);
        }
        free(v->raw[k]);
        v->raw[k] = NULL;
        if (present && be_read(v, key, &v->raw[k])) {
            v->raw[k] = NULL;
        }
    }
    free(names);
    return hotplug_error;
}

/* The configuration the raw values give, or why they give none. */
static int
build_cfg(const struct xb_vif *v, struct keys_vif *cfg, char *err, size_t errlen)
{
    struct keys_err kerr;
    enum port_vlan_mode mode;
    uint16_t pvid;
    uint64_t allowed[VLAN_BITMAP_WORDS];

    keys_vif_init(cfg);
    for (unsigned k = 0; k < KEY_N; k++) {
        if (v->raw[k] && keys_vif_set(cfg, keys_vif_key_name(k), v->raw[k], &kerr) < 0) {
            snprintf(err, errlen, "%s", kerr.msg);
            return -EINVAL;
        }
    }
    if (!v->raw[KEY_MAC]) {
        snprintf(err, errlen, "mac: missing from %s", v->be_path);
        return -EINVAL;
    }
    if (!v->raw[KEY_BRIDGE]) {
        snprintf(err, errlen, "bridge: missing from %s (give bridge= in the vif spec)",
                 v->be_path);
        return -EINVAL;
    }
    if (keys_vif_finish(cfg, &kerr)
        || (cfg->vlan.count && keys_vlan_to_port(&cfg->vlan, &mode, &pvid, allowed, &kerr))) {
        snprintf(err, errlen, "%s", kerr.msg);
        return -EINVAL;
    }
    return 0;
}

static void
set_name(struct xb_vif *v)
{
    if (v->cfg.set & (1u << KEY_VIFNAME)) {
        snprintf(v->name, sizeof v->name, "%s", v->cfg.vifname);
    } else {
        snprintf(v->name, sizeof v->name, "vif%u.%u", v->domid, v->devid);
    }
}

static struct xenbus_vif_id
vif_id(const struct xb_vif *v)
{
    return (struct xenbus_vif_id) { v->domid, v->devid, v->be_path, v->fe_path, v->name };
}

/* Take the vif down for `msg` (a bad key, a refused attach): off its
 * bridge, hotplug-error set, until the cause is fixed. */
static void
set_down(struct xb_vif *v, const char *msg)
{
    const char *kv[][2] = { { "hotplug-error", msg }, { "hotplug-status", "error" } };

    /* Once per reason: the hotplug script's vif-online finds the vif down
     * for the reason already logged when the device was created. */
    if (!v->down_logged || strcmp(msg, v->key_err)) {
        XLOG_WARN_(XLOG_MOD_XENSTORE, VIF_FMT ": %s", VIF_ARGS(v), msg);
    }
    v->down_logged = true;
    if (msg != v->key_err) {
        snprintf(v->key_err, sizeof v->key_err, "%s", msg);
    }
    snprintf(v->last_err, sizeof v->last_err, "%s", v->key_err);
    if (v->attached) {
        v->xb->ops->detach(v->xb->ctx, v->handle);
        v->attached = false;
    }
    v->hotplug_connected = false;
    record_sync(v);
    be_update(v, kv, 2);
}

/* published: hotplug-status already says connected and there is no
 * hotplug-error (an adopted device): nothing to write. */
static int
attach(struct xb_vif *v, bool published, char *err, size_t errlen)
{
    const char *kv[][2] = { { "hotplug-status", "connected" }, { "hotplug-error", NULL } };
    int r;

    if (!v->attached) {
        r = v->xb->ops->attach(v->xb->ctx, v->handle, &v->cfg, err, errlen);
        if (r) {
            set_down(v, err);
            return r;
        }
        v->attached = true;
    }
    r = published ? 0 : be_update(v, kv, 2);
    if (r) {
        snprintf(err, errlen, "%s: cannot write hotplug-status: %s", v->be_path, strerror(-r));
        return r;
    }
    v->hotplug_connected = true;
    v->last_err[0] = '\0';
    v->down_logged = false;
    record_sync(v);
    return 0;
}

/* ---- the state machine -------------------------------------------------- */

static void
publish(struct xb_vif *v)
{
    char value[4];
    const char *kv[1][2] = { { "state", value } };
    int r;

    if (v->be_state == v->published
        || (v->be_state == XB_CONNECTED && !v->hotplug_connected)) {
        return;                     /* Connected waits for the hotplug script */
    }
    if (v->toolstack_closing && v->be_state != XB_CLOSING && v->be_state != XB_CLOSED) {
        return;                     /* never undo libxl's Closing */
    }
    snprintf(value, sizeof value, "%u", v->be_state);
    r = be_update(v, kv, 1);
    if (r) {
        if (r != -ENOENT) {
            XLOG_WARN_(XLOG_MOD_XENSTORE, VIF_FMT ": cannot publish state %u: %s",
                       VIF_ARGS(v), v->be_state, strerror(-r));
        }
        return;
    }
    XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": %s -> %s", VIF_ARGS(v),
               xb_state_name(v->published), xb_state_name(v->be_state));
    v->published = v->be_state;
}

static int
read_rings_from(struct xb_vif *v, const struct fe_list *l, struct xenbus_rings *r,
                char *err, size_t errlen)
{
    unsigned long long x;

    memset(r, 0, sizeof *r);
    if (fe_uint(v, l, "multi-queue-num-queues", UINT32_MAX, false, &x, err, errlen)) {
        return -EINVAL;
    }
    if (x > 1) {
        snprintf(err, errlen, "frontend asks for %llu queues; xvs offers one", x);
        return -EINVAL;
    }
    if (fe_uint(v, l, "tx-ring-ref", UINT32_MAX, true, &x, err, errlen)) {
        return -EINVAL;
    }
    r->tx_ring_ref = (uint32_t) x;
    if (fe_uint(v, l, "rx-ring-ref", UINT32_MAX, true, &x, err, errlen)) {
        return -EINVAL;
    }
    r->rx_ring_ref = (uint32_t) x;
    if (!fe_uint(v, l, "event-channel", UINT32_MAX, true, &x, err, errlen)) {
        r->evtchn_tx = r->evtchn_rx = (uint32_t) x;
    } else {
        if (fe_uint(v, l, "event-channel-tx", UINT32_MAX, true, &x, err, errlen)) {
            return -EINVAL;
        }
        r->evtchn_tx = (uint32_t) x;
        if (fe_uint(v, l, "event-channel-rx", UINT32_MAX, true, &x, err, errlen)) {
            return -EINVAL;
        }
        r->evtchn_rx = (uint32_t) x;
        r->split_evtchn = true;
    }
#define FLAG(key, field)                                                      \
    do {                                                                      \
        if (fe_uint(v, l, key, UINT32_MAX, false, &x, err, errlen)) {            \
            return -EINVAL;                                                   \
        }                                                                     \
        r->field = x != 0;                                                    \
    } while (0)
    FLAG("request-rx-copy", rx_copy);
    FLAG("feature-rx-notify", rx_notify);
    FLAG("feature-sg", sg);
    FLAG("feature-gso-tcpv4", gso_tcpv4);
    FLAG("feature-gso-tcpv6", gso_tcpv6);
    FLAG("feature-ipv6-csum-offload", ipv6_csum_offload);
    FLAG("feature-no-csum-offload", no_csum_offload);
    FLAG("request-multicast-control", multicast_control);
#undef FLAG
    if (!r->rx_copy) {
        snprintf(err, errlen, "frontend does not request rx-copy (request-rx-copy), "
                 "the only receive mode xvs has");
        return -EINVAL;
    }
    return 0;
}

/* The frontend's rings, event channels and features: one listing, then a
 * read of each key it has (about 11 of 14 for Linux netfront). */
static int
read_rings(struct xb_vif *v, struct xenbus_rings *r, char *err, size_t errlen)
{
    struct fe_list l = { NULL, 0 };
    int ret;

    if (store_directory(v->xb->st, STORE_TX_NONE, v->fe_path, &l.names, &l.n)) {
        l.names = NULL;
    }
    ret = read_rings_from(v, &l, r, err, errlen);
    free(l.names);
    return ret;
}

static int
do_connect(struct xb_vif *v, bool resume)
{
    struct xenbus_rings rings;
    char err[XENBUS_ERR_MAX];

    if (!v->handle) {
        return -ENODEV;
    }
    if (read_rings(v, &rings, err, sizeof err)) {
        fatal(v, err);
        return -EINVAL;
    }
    rings.resume = resume;
    if (v->pre_connected) {
        /* Rings already taken from the record: keep them if the frontend
         * says the same (no state change, nothing for the guest to see). */
        v->pre_connected = false;
        if (vifrec_rings_equal(&rings, &v->rings)) {
            v->connected = true;
            v->resume = false;
            record_sync(v);
            return 0;
        }
        XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": frontend's rings are not the recorded "
                   "ones (tx %u rx %u, event channel %u): taken again from xenstore",
                   VIF_ARGS(v), v->rings.tx_ring_ref, v->rings.rx_ring_ref,
                   v->rings.evtchn_tx);
        v->xb->ops->disconnect(v->xb->ctx, v->handle);
        v->xb->records_redone++;
    }
    if (v->xb->ops->connect(v->xb->ctx, v->handle, &rings, err, sizeof err)) {
        fatal(v, err);
        return -EIO;
    }
    v->connected = true;
    v->resume = false;
    v->rings = rings;
    record_sync(v);
    XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": rings tx %u rx %u, event channel%s %u/%u%s",
               VIF_ARGS(v), rings.tx_ring_ref, rings.rx_ring_ref,
               rings.split_evtchn ? "s" : "", rings.evtchn_tx, rings.evtchn_rx,
               resume ? " (resumed)" : "");
    return 0;
}

static void
do_disconnect(struct xb_vif *v)
{
    if (v->connected) {
        v->xb->ops->disconnect(v->xb->ctx, v->handle);
        v->connected = false;
        record_sync(v);
        XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": rings released", VIF_ARGS(v));
    }
}

/* Bring the backend to where the frontend, online and the toolstack say. */
static void
run(struct xb_vif *v)
{
    enum xb_state fe = v->domain_dead ? XB_UNKNOWN : v->fe_state;
    enum xb_state target;
    bool destroy;

    if (v->finished) {
        return;
    }
    target = xb_state_target(v->be_state, fe, v->online, &destroy);
    /* libxl closes (online=0, state=5) a device whose frontend will not
     * answer (never connected, closed, gone): close at once rather than
     * make libxl wait 10 s.  A connected netfront answers 5 with 6. */
    if (v->toolstack_closing && !v->online
        && (fe == XB_INITIALISING || fe == XB_UNKNOWN || fe == XB_CLOSED)) {
        target = XB_CLOSED;
        destroy = true;
    }
    if (target == XB_CONNECTED && v->key_err[0]) {
        target = v->be_state == XB_CONNECTED ? XB_CONNECTED : XB_INITWAIT;
    }
    /* Adopted while Connected: take the rings back without a state change. */
    if (target == XB_CONNECTED && v->be_state == XB_CONNECTED && !v->connected
        && !v->key_err[0] && do_connect(v, v->resume)) {
        target = XB_CLOSING;
    }
    for (int hops = 0; v->be_state != target && hops < XB_MAX_HOPS; hops++) {
        enum xb_state next = xb_state_step(v->be_state, target);

        if (xb_state_hop_connects(v->be_state, next) && do_connect(v, false)) {
            target = XB_CLOSING;    /* like xenbus_dev_fatal() */
            continue;
        }
        if (xb_state_hop_disconnects(v->be_state, next)) {
            do_disconnect(v);
        }
        v->be_state = next;
        publish(v);
    }
    if (destroy && v->be_state == XB_CLOSED) {
        do_disconnect(v);
        v->finished = true;         /* freed when libxl removes the directory */
    }
}

/* The frontend's state changed (or the vif was just adopted): re-read it
 * and run. */
static void
on_frontend(void *arg, const char *path)
{
    struct xb_vif *v = arg;
    char p[XB_PATH_MAX + 8];
    unsigned long long s;
    enum xb_state old = v->fe_state;

    (void) path;
    snprintf(p, sizeof p, "%s/state", v->fe_path);
    /* Missing or garbage reads as Unknown, as in Linux. */
    v->fe_state = store_read_uint(v->xb->st, STORE_TX_NONE, p, XB_RECONFIGURED, &s)
                  ? XB_UNKNOWN : (enum xb_state) s;
    if (v->fe_state != old) {
        XLOG_DBG_(XLOG_MOD_XENSTORE, VIF_FMT ": frontend %s", VIF_ARGS(v),
                  xb_state_name(v->fe_state));
    }
    run(v);
}

/* ---- life cycle ------------------------------------------------------------ */

static void
vif_free(struct xb_vif *v)
{
    for (unsigned k = 0; k < KEY_N; k++) {
        free(v->raw[k]);
    }
    free(v);
}

/* An HVM device's emulated NIC, after a restart: the script ran for the
 * previous xvsd, so take the tap back if QEMU still has it, under the name
 * libxl gives it (libxl__device_nic_devname: vif<D>.<N>-emu). */
static void
adopt_tap(struct xb_vif *v)
{
    char tap[32], err[XENBUS_ERR_MAX];

    if (!v->attached || v->cfg.type != KEYS_TYPE_VIF_IOEMU || !v->xb->ops->tap_attach) {
        return;
    }
    snprintf(tap, sizeof tap, "vif%u.%u-emu", v->domid, v->devid);
    if (strlen(tap) >= IF_NAMESIZE) {
        return;
    }
    if (v->xb->ops->tap_attach(v->xb->ctx, v->handle, tap, &v->cfg, err, sizeof err)) {
        XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": emulated NIC not taken back: %s",
                   VIF_ARGS(v), err);
    } else {
        XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": emulated NIC %s taken back", VIF_ARGS(v),
                   tap);
    }
}

/* Why the record-made `pre` cannot stand for the device xenstore
 * describes in `v` (NULL: it can). */
static const char *
record_differs(const struct xb_vif *pre, const struct xb_vif *v, enum xb_state state,
               bool hotplug_error, char *why, size_t size)
{
    if (state != XB_CONNECTED) {
        snprintf(why, size, "backend %s", xb_state_name(state));
    } else if (strcmp(pre->fe_path, v->fe_path)) {
        snprintf(why, size, "frontend %.64s", v->fe_path);
    } else if (!v->hotplug_connected || hotplug_error) {
        snprintf(why, size, "hotplug status");
    } else if (v->key_err[0]) {
        snprintf(why, size, "%.96s", v->key_err);
    } else {
        for (unsigned k = 0; k < KEY_N; k++) {
            if (pre->raw[k] && v->raw[k] ? strcmp(pre->raw[k], v->raw[k])
                                         : pre->raw[k] != v->raw[k]) {
                snprintf(why, size, "key %s", keys_vif_key_name(k));
                return why;
            }
        }
        return NULL;
    }
    return why;
}

/* Undo a record-made vif entirely (it is not in xb->vifs). */
static void
record_vif_undo(struct xb_vif *pre)
{
    const struct xenbus_ops *ops = pre->xb->ops;

    if (pre->connected || pre->pre_connected) {
        ops->disconnect(pre->xb->ctx, pre->handle);
    }
    if (pre->attached) {
        ops->detach(pre->xb->ctx, pre->handle);
    }
    if (pre->handle) {
        ops->destroy(pre->xb->ctx, pre->handle);
    }
    vif_free(pre);
}

struct xb_vif *
xbv_from_record(struct xenbus *xb, struct vifrec *r)
{
    struct xb_vif *v = calloc(1, sizeof *v);
    char err[XENBUS_ERR_MAX];
    struct xenbus_vif_id id;
    struct xenbus_rings rings = r->rings;

    if (!v) {
        return NULL;
    }
    v->xb = xb;
    v->domid = r->domid;
    v->devid = r->devid;
    snprintf(v->be_path, sizeof v->be_path, "backend/vif/%u/%u", r->domid, r->devid);
    snprintf(v->name, sizeof v->name, "vif%u.%u", r->domid, r->devid);
    snprintf(v->fe_path, sizeof v->fe_path, "%s", r->fe_path);
    memcpy(v->raw, r->raw, sizeof v->raw);     /* taken over */
    memset(r->raw, 0, sizeof r->raw);
    if (build_cfg(v, &v->cfg, err, sizeof err)) {
        goto fail;
    }
    set_name(v);
    id = vif_id(v);
    v->handle = xb->ops->create(xb->ctx, &id, &v->cfg, err, sizeof err);
    if (!v->handle || xb->ops->attach(xb->ctx, v->handle, &v->cfg, err, sizeof err)) {
        goto fail;
    }
    v->attached = true;
    rings.resume = true;
    if (xb->ops->connect(xb->ctx, v->handle, &rings, err, sizeof err)) {
        goto fail;
    }
    v->connected = true;
    v->rings = r->rings;
    v->from_record = v->recorded = true;
    v->hotplug_connected = true;
    v->online = v->raw[KEY_ONLINE] && !strcmp(v->raw[KEY_ONLINE], "1");
    v->be_state = v->published = v->fe_state = XB_CONNECTED;
    XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": rings tx %u rx %u, event channel%s %u/%u "
               "(resumed) from its record, on bridge %s; checked against xenstore next",
               VIF_ARGS(v), rings.tx_ring_ref, rings.rx_ring_ref,
               rings.split_evtchn ? "s" : "", rings.evtchn_tx, rings.evtchn_rx,
               v->cfg.bridge.name);
    return v;

fail:
    XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": record not used (%s); taken back from "
               "xenstore", VIF_ARGS(v), err);
    record_vif_undo(v);
    return NULL;
}

struct xb_vif *
xbv_adopt(struct xenbus *xb, unsigned domid, unsigned devid, struct xb_vif *pre)
{
    struct xb_vif *v = calloc(1, sizeof *v);
    char err[XENBUS_ERR_MAX];
    char path[XB_PATH_MAX + 8];
    char *s = NULL;
    unsigned long long fe_domid;
    enum xb_state state;

    if (!v) {
        return NULL;
    }
    v->xb = xb;
    v->domid = domid;
    v->devid = devid;
    snprintf(v->be_path, sizeof v->be_path, "backend/vif/%u/%u", domid, devid);
    snprintf(v->name, sizeof v->name, "vif%u.%u", domid, devid);

    /* libxl writes the whole directory in one transaction: without state
     * and frontend it is not (or no longer) a device. */
    state = xbv_read_be_state(xb, v->be_path);
    if (state == XB_UNKNOWN || be_read(v, "frontend", &s)) {
        goto not_a_device;
    }
    if (s[0] != '/' || strlen(s) >= sizeof v->fe_path) {
        XLOG_ERR_(XLOG_MOD_XENSTORE, "%s: frontend \"%.64s\" is not a xenstore path",
                  v->be_path, s);
        free(s);
        goto not_a_device;
    }
    snprintf(v->fe_path, sizeof v->fe_path, "%s", s);
    free(s);
    snprintf(path, sizeof path, "%s/frontend-id", v->be_path);
    if (store_read_uint(xb->st, STORE_TX_NONE, path, KEYS_DOMID_MAX, &fe_domid)
        || fe_domid != domid) {
        XLOG_ERR_(XLOG_MOD_XENSTORE, "%s: frontend-id missing or not %u", v->be_path, domid);
        goto not_a_device;
    }
    if (!be_read(v, "hotplug-status", &s)) {
        v->hotplug_connected = !strcmp(s, "connected");
        free(s);
    }
    bool hotplug_error = read_keys(v);
    v->online = v->raw[KEY_ONLINE] && !strcmp(v->raw[KEY_ONLINE], "1");
    if (build_cfg(v, &v->cfg, err, sizeof err)) {
        snprintf(v->key_err, sizeof v->key_err, "%s", err);
        keys_vif_init(&v->cfg);
    }
    if (pre) {
        char why[128];
        if (record_differs(pre, v, state, hotplug_error, why, sizeof why)) {
            XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": xenstore differs from its record (%s): "
                       "taken back from xenstore", VIF_ARGS(pre), why);
            xb->records_redone++;
            record_vif_undo(pre);
            pre = NULL;
        }
    }
    if (pre) {
        /* The record said what xenstore says: keep its port, on its
         * bridge, and its rings until do_connect() compares them. */
        set_name(v);
        v->handle = pre->handle;
        v->attached = pre->attached;
        v->pre_connected = pre->connected;
        v->rings = pre->rings;
        v->recorded = pre->recorded;
        pre->handle = NULL;
        vif_free(pre);
        pre = NULL;
    } else if (!v->key_err[0]) {
        struct xenbus_vif_id id;
        set_name(v);
        id = vif_id(v);
        v->handle = xb->ops->create(xb->ctx, &id, &v->cfg, err, sizeof err);
        if (!v->handle) {
            snprintf(v->key_err, sizeof v->key_err, "%s", err);
        }
    }
    v->be_state = v->published = state;
    v->fe_state = XB_UNKNOWN;
    XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": %s, bridge %s, mac %s, backend %s%s%s",
               VIF_ARGS(v), state == XB_INITIALISING ? "new"
               : v->pre_connected ? "adopted as recorded" : "adopted",
               v->raw[KEY_BRIDGE] ? v->raw[KEY_BRIDGE] : "-",
               v->raw[KEY_MAC] ? v->raw[KEY_MAC] : "-", xb_state_name(state),
               v->key_err[0] ? ", down: " : "", v->key_err);

    if (state == XB_INITIALISING) {
        const char *kv[XENBUS_FEATURES_MAX + 1][2];
        unsigned n = 0;
        while (xb->ops->feature_at && n < XENBUS_FEATURES_MAX
               && xb->ops->feature_at(xb->ctx, n, &kv[n][0], &kv[n][1])) {
            n++;
        }
        kv[n][0] = "state";
        kv[n++][1] = "2";
        if (be_update(v, kv, n)) {
            XLOG_WARN_(XLOG_MOD_XENSTORE, "%s: removed while being set up", v->be_path);
            if (v->handle) {
                xb->ops->destroy(xb->ctx, v->handle);
            }
            vif_free(v);
            return NULL;
        }
        v->be_state = v->published = XB_INITWAIT;
        XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": Initialising -> InitWait", VIF_ARGS(v));
    } else {
        /* Adopted after a restart: the hotplug script ran for the previous
         * xvsd, so put the port back on its bridge now (its keys say so
         * already: writing them again would cost five round trips through
         * xenstored while the guests wait). */
        v->resume = state == XB_CONNECTED;
        if (v->hotplug_connected && v->handle && !v->key_err[0]
            && (state == XB_INITWAIT || state == XB_CONNECTED)) {
            attach(v, !hotplug_error, err, sizeof err);
            adopt_tap(v);
        }
    }
    if (v->key_err[0]) {
        set_down(v, v->key_err);
    }
    if (v->raw[KEY_TYPE] && !strcmp(v->raw[KEY_TYPE], "vif_ioemu")) {
        XLOG_DBG_(XLOG_MOD_XENSTORE, VIF_FMT ": HVM device (emulated NIC too)", VIF_ARGS(v));
    }
    /* Registered first, then the state read: a change after the read
     * fires the watch again, so its registration event is not needed. */
    snprintf(path, sizeof path, "%s/state", v->fe_path);
    v->fe_watch = store_watch_changes(xb->st, path, on_frontend, v);
    if (!v->fe_watch) {
        snprintf(err, sizeof err, "cannot watch %.200s: %s", path, strerror(errno));
        set_down(v, err);
    } else {
        /* Adopted while Connected (xvsd restarted): this takes the rings
         * back now, not a loop turn later -- each round trip through
         * xenstored is part of the pause the guests see. */
        on_frontend(v, path);
    }
    if (v->pre_connected) {
        /* The frontend is not Connected (or its rings are unreadable): the
         * rings taken from the record go. */
        v->pre_connected = false;
        xb->ops->disconnect(xb->ctx, v->handle);
        xb->records_redone++;
        record_sync(v);
    }
    return v;

not_a_device:
    if (pre) {
        record_vif_undo(pre);       /* its record named a device that is not there */
    }
    vif_free(v);
    return NULL;
}

void
xbv_gone(struct xb_vif *v)
{
    struct xenbus *xb = v->xb;

    if (!xb->exiting) {
        XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": removed", VIF_ARGS(v));
    }
    do_disconnect(v);
    if (v->attached) {
        xb->ops->detach(xb->ctx, v->handle);
        v->attached = false;
    }
    record_sync(v);
    if (v->handle) {
        xb->ops->destroy(xb->ctx, v->handle);
        v->handle = NULL;
    }
    if (v->fe_watch) {
        store_unwatch(xb->st, v->fe_watch);
    }
    if (!xb->exiting && v->last_err[0]) {
        char path[sizeof v->be_path + 8];
        snprintf(path, sizeof path, "error/%s", v->be_path);
        store_rm(xb->st, STORE_TX_NONE, path);
    }
    xb_vif_unlink(xb, v);
    vif_free(v);
}

void
xbv_domain_gone(struct xb_vif *v)
{
    XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": domain %u is gone", VIF_ARGS(v), v->domid);
    v->domain_dead = true;
    run(v);
}

/* A configuration key changed: re-read it, and apply, refuse or recover. */
static void
config_key_changed(struct xb_vif *v, unsigned k)
{
    struct keys_vif cfg;
    char err[XENBUS_ERR_MAX];
    char *val = NULL;
    bool was_down = v->key_err[0] != '\0';

    if (be_read(v, keys_vif_key_name(k), &val)) {
        val = NULL;
    }
    if (val && v->raw[k] ? !strcmp(val, v->raw[k]) : val == v->raw[k]) {
        free(val);
        return;
    }
    free(v->raw[k]);
    v->raw[k] = val;
    if (k == KEY_TYPE || k == KEY_HANDLE) {
        XLOG_WARN_(XLOG_MOD_XENSTORE, VIF_FMT ": %s changed; ignored until the device "
                   "is created again", VIF_ARGS(v), keys_vif_key_name(k));
        return;
    }
    if (build_cfg(v, &cfg, err, sizeof err)) {
        set_down(v, err);
        return;
    }
    v->cfg = cfg;
    set_name(v);
    XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": %s = \"%.64s\"", VIF_ARGS(v),
               keys_vif_key_name(k), val ? val : "(removed)");
    if (!v->handle) {
        struct xenbus_vif_id id = vif_id(v);
        v->handle = v->xb->ops->create(v->xb->ctx, &id, &v->cfg, err, sizeof err);
        if (!v->handle) {
            set_down(v, err);
            return;
        }
    } else if (v->xb->ops->update(v->xb->ctx, v->handle, &v->cfg, 1u << k, err, sizeof err)) {
        set_down(v, err);
        return;
    }
    record_sync(v);                 /* the new value, for a restart */
    if (was_down) {
        XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": configuration valid again", VIF_ARGS(v));
        v->key_err[0] = '\0';
        v->down_logged = false;     /* the same bad value again is logged again */
        if (v->online_requested) {
            attach(v, false, err, sizeof err);
        }
        run(v);
    }
}

void
xbv_key_changed(struct xb_vif *v, const char *key)
{
    char *s = NULL;

    if (!strcmp(key, "online")) {
        /* Parsed with the others (keys_vif), but it drives the state
         * machine rather than the port. */
        bool online = !be_read(v, "online", &s) && !strcmp(s, "1");
        free(v->raw[KEY_ONLINE]);
        v->raw[KEY_ONLINE] = s;
        v->cfg.online = online;
        if (online != v->online) {
            v->online = online;
            run(v);
        }
        record_sync(v);
        return;
    }
    for (unsigned k = 0; k < KEY_N; k++) {
        if (!strcmp(key, keys_vif_key_name(k))) {
            config_key_changed(v, k);
            return;
        }
    }
    if (!strcmp(key, "state")) {
        enum xb_state st = xbv_read_be_state(v->xb, v->be_path);
        if (st == XB_CLOSING && v->published != XB_CLOSING && !v->toolstack_closing) {
            XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": toolstack closes the device",
                       VIF_ARGS(v));
            v->toolstack_closing = true;
            v->published = XB_CLOSING;
            run(v);
        }
    } else if (!strcmp(key, "hotplug-status")) {
        bool connected = !be_read(v, "hotplug-status", &s) && !strcmp(s, "connected");
        free(s);
        if (connected != v->hotplug_connected) {
            v->hotplug_connected = connected;
            publish(v);
            record_sync(v);
        }
    } else if (!strcmp(key, "script") && !v->script_warned) {
        if (!be_read(v, "script", &s)) {
            const char *base = strrchr(s, '/');
            base = base ? base + 1 : s;
            if (strcmp(base, "vif-xvs")) {
                XLOG_WARN_(XLOG_MOD_XENSTORE, VIF_FMT ": hotplug script is %s, not vif-xvs: "
                           "set vif.default.script=\"vif-xvs\" in xl.conf", VIF_ARGS(v), s);
            }
            free(s);
        }
        v->script_warned = true;
    }
}

int
xbv_online(struct xb_vif *v, const char *tap, char *err, size_t errlen)
{
    int r;

    if (v->key_err[0]) {
        set_down(v, v->key_err);
        snprintf(err, errlen, "%s", v->key_err);
        return -EINVAL;
    }
    if (tap) {
        if (!v->xb->ops->tap_attach) {
            XLOG_WARN_(XLOG_MOD_XENSTORE, VIF_FMT ": emulated NIC %s left unconnected: "
                       "xvs serves PV vifs (the guest's PV driver takes over)",
                       VIF_ARGS(v), tap);
            return 0;
        }
        r = v->xb->ops->tap_attach(v->xb->ctx, v->handle, tap, &v->cfg, err, errlen);
        if (r) {
            const char *kv[][2] = { { "hotplug-error", err }, { "hotplug-status", "error" } };
            be_update(v, kv, 2);
        }
        return r;
    }
    v->online_requested = true;
    r = attach(v, false, err, errlen);
    if (r) {
        return r;
    }
    XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": online on bridge %s", VIF_ARGS(v),
               v->cfg.bridge.name);
    publish(v);
    return 0;
}

int
xbv_offline(struct xb_vif *v, const char *tap)
{
    if (tap) {
        if (v->xb->ops->tap_detach && v->handle) {
            v->xb->ops->tap_detach(v->xb->ctx, v->handle, tap);
        }
        return 0;
    }
    v->online_requested = false;
    if (v->attached) {
        v->xb->ops->detach(v->xb->ctx, v->handle);
        v->attached = false;
        record_sync(v);
        XLOG_INFO_(XLOG_MOD_XENSTORE, VIF_FMT ": offline", VIF_ARGS(v));
    }
    return 0;
}
