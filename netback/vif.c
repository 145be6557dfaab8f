/* vif: life cycle, event handling and the port ops of a guest device (see
 * vif.h for the state machine).
 *
 * Resources of a connection: per queue, the two mapped ring pages and one
 * or two bound event channel ports registered with the netback.  They are
 * acquired all-or-nothing by vif_connect() and released by
 * vif_release_rings(), which is only ever called outside packet processing
 * (vif_disconnect(), or the netback's reap step after a FATAL). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/util.h"
#include "netback/vif_private.h"

#define VIF_LOG_PER_SEC 5               /* guest-triggered messages per vif */
#define VIF_LOG_BURST 20

static void vif_port_destroy(struct port *);
static void vif_port_describe(const struct port *, json_t *);

static const struct port_ops vif_port_ops = {
    .kind = "vif",
    .output = vif_output,
    .destroy = vif_port_destroy,
    .describe = vif_port_describe,
};

static const char *const state_names[] = { "disconnected", "connected", "fatal" };

const char *vif_state_name(enum vif_state s)
{
    return (unsigned)s < 3 ? state_names[s] : "unknown";
}

void vif_frontend_linux_defaults(struct vif_frontend *fe)
{
    memset(fe, 0, sizeof *fe);
    fe->rx_notify = true;
    fe->rx = (struct netif_rx_features){
        .sg = true, .gso_tcpv4 = true, .gso_tcpv6 = true, .csum_v4 = true, .csum_v6 = true,
    };
}

struct port *vif_port(struct vif *v) { return &v->port; }

void vif_set_mcast_control(struct vif *v, bool on)
{
    v->fe.mcast_control = on;
}

struct vif *vif_from_port(struct port *p)
{
    return p && p->ops == &vif_port_ops ? (struct vif *)p : NULL;
}

enum vif_state vif_state(const struct vif *v) { return v->state; }
const char *vif_fatal_reason(const struct vif *v) { return v->fatal_reason; }
const struct vif_stats *vif_get_stats(const struct vif *v) { return &v->stats; }
uint16_t vif_domid(const struct vif *v) { return v->domid; }
uint32_t vif_devid(const struct vif *v) { return v->devid; }
const struct vif_frontend *vif_get_frontend(const struct vif *v) { return &v->fe; }
unsigned vif_n_queues(const struct vif *v) { return v->nqueues; }
bool vif_carrier_stalled(const struct vif *v) { return v->stalled; }

void vif_get_rate(const struct vif *v, uint64_t *bytes, uint64_t *usecs)
{
    *bytes = v->credit_bytes;
    *usecs = v->credit_usec;
}

/* ---- timers ---- */

static void vif_tick(void *arg)
{
    struct vif *v = arg;
    uint64_t now = evloop_now_ms();
    if (v->state != VIF_CONNECTED)
        return;
    for (unsigned i = 0; i < v->nqueues; i++)
        vif_rx_tick(&v->queues[i], now);
}

/* ---- life cycle ---- */

struct vif *vif_create(struct netback *nb, uint16_t domid, uint32_t devid,
                       const char *name, char *err, size_t errlen)
{
    char buf[IF_NAMESIZE + 8];
    if (!name) {
        snprintf(buf, sizeof buf, "vif%u.%u", (unsigned)domid, devid);
        name = buf;
    }
    if (!*name || strlen(name) >= IF_NAMESIZE) {
        snprintf(err, errlen, "vif %s: name empty or longer than %d", name, IF_NAMESIZE - 1);
        return NULL;
    }
    struct vif *v = calloc(1, sizeof *v);
    if (!v) {
        snprintf(err, errlen, "vif %s: out of memory", name);
        return NULL;
    }
    port_init(&v->port, name, &vif_port_ops);
    v->port.link_up = false;
    v->nb = nb;
    v->domid = domid;
    v->devid = devid;
    v->state = VIF_DISCONNECTED;
    v->nqueues = 1;
    v->rl = (struct xlog_ratelimit)XLOG_RATELIMIT_INIT(VIF_LOG_PER_SEC, VIF_LOG_BURST);
    for (unsigned i = 0; i < VIF_QUEUES_MAX; i++) {
        struct vif_queue *q = &v->queues[i];
        q->vif = v;
        q->idx = i;
        q->port_tx = q->port_rx = -1;
        q->rxq_tail = &q->rxq_head;
    }
    return v;
}

static int queue_connect(struct vif_queue *q, const struct vif_frontend *fe,
                         char *err, size_t errlen)
{
    struct vif *v = q->vif;
    struct xenif *x = netback_xenif(v->nb);

    q->tx_page = xenif_map_page(x, v->domid, fe->tx_ring_ref);
    if (!q->tx_page) {
        snprintf(err, errlen, "vif %s: map tx ring (gref %u): %s", v->port.name,
                 fe->tx_ring_ref, strerror(errno));
        return -EIO;
    }
    q->rx_page = xenif_map_page(x, v->domid, fe->rx_ring_ref);
    if (!q->rx_page) {
        snprintf(err, errlen, "vif %s: map rx ring (gref %u): %s", v->port.name,
                 fe->rx_ring_ref, strerror(errno));
        return -EIO;
    }
    /* Resume where the responses stop: 0 on a fresh ring, the old
     * position after an xvsd restart. */
    netif_tx_sring_t *ts = q->tx_page;
    netif_rx_sring_t *rs = q->rx_page;
    RING_IDX tx_at = __atomic_load_n(&ts->rsp_prod, __ATOMIC_ACQUIRE);
    RING_IDX rx_at = __atomic_load_n(&rs->rsp_prod, __ATOMIC_ACQUIRE);
    BACK_RING_ATTACH(&q->tx, ts, tx_at, NETIF_PAGE_SIZE);
    BACK_RING_ATTACH(&q->rx, rs, rx_at, NETIF_PAGE_SIZE);
    q->seen_tx_prod = netif_ring_req_prod(NETIF_RING_IDX(ts));
    q->seen_rx_prod = netif_ring_req_prod(NETIF_RING_IDX(rs));
    q->spurious_run = 0;
    q->resumed = tx_at != 0 || rx_at != 0;

    int p = xenif_bind(x, v->domid, fe->evtchn_tx);
    if (p < 0) {
        snprintf(err, errlen, "vif %s: bind event channel %u: %s", v->port.name,
                 fe->evtchn_tx, strerror(-p));
        return p;
    }
    q->port_tx = q->port_rx = p;
    if (fe->split) {
        p = xenif_bind(x, v->domid, fe->evtchn_rx);
        if (p < 0) {
            snprintf(err, errlen, "vif %s: bind rx event channel %u: %s", v->port.name,
                     fe->evtchn_rx, strerror(-p));
            return p;
        }
        q->port_rx = p;
    }
    int e = netback_bind_port(v->nb, q->port_tx, q, true, !fe->split);
    if (!e && fe->split)
        e = netback_bind_port(v->nb, q->port_rx, q, false, true);
    if (e) {
        snprintf(err, errlen, "vif %s: event channel port table: %s", v->port.name,
                 strerror(-e));
        return e;
    }
    return 0;
}

int vif_connect(struct vif *v, const struct vif_frontend *fe, char *err, size_t errlen)
{
    if (v->state != VIF_DISCONNECTED)
        vif_disconnect(v);
    v->fe = *fe;
    for (unsigned i = 0; i < v->nqueues; i++) {
        int e = queue_connect(&v->queues[i], fe, err, errlen);
        if (e) {
            vif_release_rings(v);
            return e;
        }
    }
    v->fatal_reason[0] = 0;
    v->n_mcast = 0;
    v->stalled = false;
    vif_tx_rate_init(v);
    v->tick = evloop_timer_add(netback_loop(v->nb), vif_rx_tick_ms(v), vif_rx_tick_ms(v),
                               vif_tick, v);
    v->state = VIF_CONNECTED;
    v->port.link_up = true;
    XLOG_INFO_(XLOG_MOD_NETBACK, "vif %s: connected (dom%u, %s event channel%s, %s%s%s)",
               v->port.name, v->domid, fe->split ? "split" : "shared", fe->split ? "s" : "",
               fe->rx.sg ? "sg" : "no-sg", fe->rx.gso_tcpv4 ? " gso4" : "",
               fe->rx.gso_tcpv6 ? " gso6" : "");
    /* Work may be waiting already (restart, or a frontend that was quick). */
    for (unsigned i = 0; i < v->nqueues; i++)
        netback_queue_kick(v->nb, &v->queues[i], true, true);
    /* A ring taken over from a killed xvsd may hold responses its
     * predecessor pushed but did not live to notify; the guest then sleeps
     * until an event that no later push sends (its rsp_event is behind).
     * One event with nothing new is harmless to a frontend. */
    for (unsigned i = 0; i < v->nqueues; i++) {
        struct vif_queue *q = &v->queues[i];
        if (!q->resumed)
            continue;
        xenif_notify(netback_xenif(v->nb), (uint32_t)q->port_tx);
        if (q->port_rx != q->port_tx)
            xenif_notify(netback_xenif(v->nb), (uint32_t)q->port_rx);
    }
    return 0;
}

void vif_release_rings(struct vif *v)
{
    struct xenif *x = netback_xenif(v->nb);
    netback_reap_forget(v->nb, v);
    if (v->tick) {
        evloop_timer_del(netback_loop(v->nb), v->tick);
        v->tick = NULL;
    }
    if (v->credit_timer) {
        evloop_timer_del(netback_loop(v->nb), v->credit_timer);
        v->credit_timer = NULL;
    }
    for (unsigned i = 0; i < v->nqueues; i++) {
        struct vif_queue *q = &v->queues[i];
        netback_queue_forget(v->nb, q);
        if (q->hold_timer) {
            evloop_timer_del(netback_loop(v->nb), q->hold_timer);
            q->hold_timer = NULL;
        }
        q->held_tx = q->held_rx = false;
        q->spurious_run = 0;
        vif_rxq_purge(q, DROP_LINK_DOWN);
        if (q->port_rx >= 0 && q->port_rx != q->port_tx) {
            netback_unbind_port(v->nb, q->port_rx);
            xenif_unbind(x, (uint32_t)q->port_rx);
        }
        if (q->port_tx >= 0) {
            netback_unbind_port(v->nb, q->port_tx);
            xenif_unbind(x, (uint32_t)q->port_tx);
        }
        q->port_tx = q->port_rx = -1;
        if (q->tx_page)
            xenif_unmap_page(x, q->tx_page);
        if (q->rx_page)
            xenif_unmap_page(x, q->rx_page);
        q->tx_page = q->rx_page = NULL;
        q->n_tx = 0;
        q->rx_stall_since = 0;
    }
    v->port.link_up = false;
}

void vif_disconnect(struct vif *v)
{
    if (v->state == VIF_CONNECTED)
        XLOG_INFO_(XLOG_MOD_NETBACK, "vif %s: disconnected", v->port.name);
    vif_release_rings(v);
    v->state = VIF_DISCONNECTED;
}

void vif_fatal(struct vif *v, const char *fmt, ...)
{
    va_list ap;
    if (v->state != VIF_CONNECTED)
        return;
    va_start(ap, fmt);
    vsnprintf(v->fatal_reason, sizeof v->fatal_reason, fmt, ap);
    va_end(ap);
    v->state = VIF_FATAL;
    v->port.link_up = false;
    v->stats.fatal++;
    /* Once per connection: not rate limited. */
    XLOG_ERR_(XLOG_MOD_NETBACK, "vif %s: guest dom%u broke the protocol (%s): vif disabled "
              "until the frontend reconnects", v->port.name, v->domid, v->fatal_reason);
    netback_reap_later(v->nb, v);
}

void vif_destroy(struct vif *v)
{
    if (!v)
        return;
    vif_release_rings(v);
    free(v);
}

struct vif *vif_attach(struct netback *nb, uint16_t domid, uint32_t devid,
                       const char *name, const struct vif_frontend *fe,
                       char *err, size_t errlen)
{
    struct vif *v = vif_create(nb, domid, devid, name, err, errlen);
    if (v && vif_connect(v, fe, err, errlen)) {
        vif_destroy(v);
        return NULL;
    }
    return v;
}

/* ---- events ---- */

/* An event that finds neither producer moved is spurious (see netback.h);
 * returns how long to hold the unmask back, 0 for not at all. */
static unsigned storm_check(struct vif_queue *q)
{
    struct vif *v = q->vif;
    RING_IDX tx = netif_ring_req_prod(NETIF_RING_IDX(q->tx.sring));
    RING_IDX rx = netif_ring_req_prod(NETIF_RING_IDX(q->rx.sring));

    if (tx != q->seen_tx_prod || rx != q->seen_rx_prod) {
        q->seen_tx_prod = tx;
        q->seen_rx_prod = rx;
        q->spurious_run = 0;
        return 0;
    }
    v->stats.spurious_events++;
    if (++q->spurious_run <= NETBACK_SPURIOUS_FREE)
        return 0;
    unsigned n = q->spurious_run - NETBACK_SPURIOUS_FREE - 1;
    unsigned ms = n >= 8 ? NETBACK_STORM_HOLD_MAX_MS : MIN(1u << n, NETBACK_STORM_HOLD_MAX_MS);
    if (n == 0 && xlog_ratelimit(&v->rl))
        XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: dom%u sent %u notifications in a row without "
                   "a new request (event storm): its events are held back, up to %u ms "
                   "each", v->port.name, v->domid, q->spurious_run, NETBACK_STORM_HOLD_MAX_MS);
    return ms;
}

static void hold_expired(void *arg)
{
    struct vif_queue *q = arg;
    struct xenif *x = netback_xenif(q->vif->nb);

    q->hold_timer = NULL;               /* one-shot: freed by the loop */
    if (q->vif->state != VIF_CONNECTED)
        return;
    if (q->held_rx)
        xenif_unmask(x, (uint32_t)q->port_rx);
    if (q->held_tx)
        xenif_unmask(x, (uint32_t)q->port_tx);
    q->held_tx = q->held_rx = false;
}

/* Unmask a port now, or when the storm hold is over. */
static void unmask(struct vif_queue *q, bool rx_port, unsigned hold_ms)
{
    struct vif *v = q->vif;

    if (!hold_ms) {
        xenif_unmask(netback_xenif(v->nb), (uint32_t)(rx_port ? q->port_rx : q->port_tx));
        return;
    }
    if (rx_port)
        q->held_rx = true;
    else
        q->held_tx = true;
    if (!q->hold_timer) {
        v->stats.storm_holds++;
        q->hold_timer = evloop_timer_add(netback_loop(v->nb), hold_ms, 0, hold_expired, q);
        if (!q->hold_timer)
            hold_expired(q);            /* no memory for a timer: no hold */
    }
}

bool vif_queue_run(struct vif_queue *q, unsigned budget)
{
    struct vif *v = q->vif;
    bool shared = q->port_tx == q->port_rx;
    bool did_tx = q->tx_kick, did_rx = q->rx_kick;
    unsigned hold = 0;

    if (v->state != VIF_CONNECTED) {
        q->tx_kick = q->rx_kick = q->evt = false;
        return false;
    }
    if (q->evt) {
        q->evt = false;
        hold = storm_check(q);
    }
    if (q->rx_kick) {
        q->rx_kick = false;
        vif_rx_kick(q);
        if (!shared && v->state == VIF_CONNECTED)
            unmask(q, true, hold);
    }
    if (q->tx_kick && v->state == VIF_CONNECTED) {
        if (vif_tx_run(q, budget))
            return true;            /* stays masked: next turn */
        q->tx_kick = false;
    }
    /* Unmask only after the work is done (late EOI): a guest kicking
     * meanwhile costs nothing more. */
    if (v->state == VIF_CONNECTED && (did_tx || (shared && did_rx)))
        unmask(q, false, hold);
    return false;
}

/* ---- port ops ---- */

static void vif_port_destroy(struct port *p)
{
    vif_destroy((struct vif *)p);
}

int vif_ring_info(const struct vif *v, unsigned qi, struct vif_ring_info *ri)
{
    if (qi >= v->nqueues)
        return -EINVAL;
    const struct vif_queue *q = &v->queues[qi];
    memset(ri, 0, sizeof *ri);
    ri->rxq_frames = q->rxq_frames;
    ri->rxq_bytes = q->rxq_bytes;
    if (!q->tx_page)
        return -ENOTCONN;
    ri->tx_req_prod = q->tx.sring->req_prod;
    ri->tx_req_cons = q->tx.req_cons;
    ri->tx_rsp_prod = q->tx.rsp_prod_pvt;
    ri->rx_req_prod = q->rx.sring->req_prod;
    ri->rx_req_cons = q->rx.req_cons;
    ri->rx_rsp_prod = q->rx.rsp_prod_pvt;
    return 0;
}

static void vif_port_describe(const struct port *p, json_t *o)
{
    const struct vif *v = (const struct vif *)p;
    const struct vif_stats *s = &v->stats;
    struct vif_ring_info ri;

    json_object_set_new(o, "domid", json_integer(v->domid));
    json_object_set_new(o, "devid", json_integer(v->devid));
    json_object_set_new(o, "state", json_string(vif_state_name(v->state)));
    if (v->state == VIF_FATAL || v->fatal_reason[0])
        json_object_set_new(o, "fatal_reason", json_string(v->fatal_reason));
    json_object_set_new(o, "carrier_stalled", json_boolean(v->stalled));
    json_object_set_new(o, "split_event_channels", json_boolean(v->fe.split));
    if (v->credit_bytes) {
        json_object_set_new(o, "rate_bytes", json_integer((json_int_t)v->credit_bytes));
        json_object_set_new(o, "rate_usecs", json_integer((json_int_t)v->credit_usec));
    }
    if (!vif_ring_info(v, 0, &ri)) {
        json_t *r = json_object();
        json_object_set_new(r, "tx_req_prod", json_integer(ri.tx_req_prod));
        json_object_set_new(r, "tx_req_cons", json_integer(ri.tx_req_cons));
        json_object_set_new(r, "tx_rsp_prod", json_integer(ri.tx_rsp_prod));
        json_object_set_new(r, "rx_req_prod", json_integer(ri.rx_req_prod));
        json_object_set_new(r, "rx_req_cons", json_integer(ri.rx_req_cons));
        json_object_set_new(r, "rx_rsp_prod", json_integer(ri.rx_rsp_prod));
        json_object_set_new(r, "rxq_frames", json_integer(ri.rxq_frames));
        json_object_set_new(r, "rxq_bytes", json_integer(ri.rxq_bytes));
        json_object_set_new(o, "rings", r);
    }
    json_t *c = json_object();
#define C(name) json_object_set_new(c, #name, json_integer((json_int_t)s->name))
    C(tx_frames); C(tx_bytes); C(tx_copy_errors); C(tx_csum_bad); C(tx_rate_waits);
    C(tx_mcast_updates); C(rx_frames); C(rx_bytes); C(rx_copy_errors); C(rx_csum_fixups); C(rx_gso_segmented);
    C(rx_queued); C(rx_queue_drops); C(rx_expired); C(rx_mcast_filtered); C(rx_stalls);
    C(fatal); C(events); C(spurious_events); C(storm_holds);
#undef C
    for (int r = NETIF_TX_R_RUNT; r < NETIF_TX_R_N; r++)
        if (s->tx_drop[r])
            json_object_set_new(c, netif_tx_reason_name(r),
                                json_integer((json_int_t)s->tx_drop[r]));
    json_object_set_new(o, "counters", c);
}
