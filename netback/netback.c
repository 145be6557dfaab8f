/* netback: event dispatch, per-queue budgets, the grant copier (see
 * netback.h).
 *
 * State: a table from local event channel port to (queue, tx?, rx?); a
 * singly linked "busy" list of queues with work left; a "reap" list of
 * vifs that went FATAL inside a path that still uses their rings (the rings
 * are released at the start of the next turn, outside any vif code).
 * Both lists are only touched on the loop thread; a destroyed vif removes
 * itself from both, so no callback ever sees a freed vif. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "lib/util.h"
#include "netback/netback.h"
#include "netback/vif_private.h"

struct port_ref {
    struct vif_queue *q;
    bool tx, rx;
};

struct netback {
    struct evloop *loop;
    struct xenif *xif;
    struct netback_config cfg;
    struct port_ref *ports;
    unsigned nports;                 /* table size */
    struct vif_queue *busy;
    struct vif *reap;
    bool more_scheduled;
    bool in_turn;                    /* the end of the turn reschedules */
    struct netback_rx_batch *batch;
    uint8_t *tx_area;                /* NETBACK_TX_COPY_BYTES: one TX burst's frames */
};

void netback_config_default(struct netback_config *c)
{
    *c = (struct netback_config){
        .tx_budget = NETBACK_TX_BUDGET,
        .rxq_max_bytes = NETBACK_RXQ_MAX_BYTES,
        .rx_stall_ms = NETBACK_RX_STALL_MS,
        .rx_drain_ms = NETBACK_RX_DRAIN_MS,
        .tick_ms = NETBACK_TICK_MS,
        .tx_copy_bytes = NETBACK_TX_COPY_BYTES,
    };
}

struct xenif *netback_xenif(const struct netback *nb) { return nb->xif; }
struct evloop *netback_loop(const struct netback *nb) { return nb->loop; }
const struct netback_config *netback_config(const struct netback *nb) { return &nb->cfg; }
void netback_set_bounce(struct netback *nb, bool on) { nb->cfg.bounce = on; }
struct netback_rx_batch *netback_rx_batch(struct netback *nb) { return nb->batch; }
uint8_t *netback_tx_area(struct netback *nb) { return nb->tx_area; }

void netback_set_tx_copy(struct netback *nb, uint32_t bytes)
{
    nb->cfg.tx_copy_bytes = MIN(bytes, NETBACK_TX_COPY_BYTES);
}

void netback_set_tx_budget(struct netback *nb, uint32_t slots)
{
    nb->cfg.tx_budget = slots ? slots : NETBACK_TX_BUDGET;
}

/* ---- ports ---- */

int netback_bind_port(struct netback *nb, int port, struct vif_queue *q, bool tx, bool rx)
{
    if (port < 0 || (unsigned)port >= NETBACK_PORTS_MAX)
        return -ERANGE;
    if ((unsigned)port >= nb->nports) {
        unsigned n = nb->nports ? nb->nports : 64;
        while (n <= (unsigned)port)
            n *= 2;
        struct port_ref *t = realloc(nb->ports, n * sizeof *t);
        if (!t)
            return -ENOMEM;
        memset(t + nb->nports, 0, (n - nb->nports) * sizeof *t);
        nb->ports = t;
        nb->nports = n;
    }
    nb->ports[port] = (struct port_ref){ q, tx, rx };
    return 0;
}

void netback_unbind_port(struct netback *nb, int port)
{
    if (port >= 0 && (unsigned)port < nb->nports)
        nb->ports[port] = (struct port_ref){ 0 };
}

/* ---- scheduling ---- */

static void netback_more(void *arg);

static void schedule(struct netback *nb)
{
    if (!nb->more_scheduled && !nb->in_turn) {
        nb->more_scheduled = true;
        evloop_want_more(nb->loop, netback_more, nb);
    }
}

void netback_queue_kick(struct netback *nb, struct vif_queue *q, bool tx, bool rx)
{
    q->tx_kick |= tx;
    q->rx_kick |= rx;
    if (!q->busy) {
        q->busy = true;
        q->busy_next = nb->busy;
        nb->busy = q;
    }
    schedule(nb);
}

void netback_queue_forget(struct netback *nb, struct vif_queue *q)
{
    for (struct vif_queue **pp = &nb->busy; *pp; pp = &(*pp)->busy_next)
        if (*pp == q) {
            *pp = q->busy_next;
            break;
        }
    q->busy = false;
    q->tx_kick = q->rx_kick = q->evt = false;
}

void netback_reap_later(struct netback *nb, struct vif *v)
{
    if (v->reap)
        return;
    v->reap = true;
    v->reap_next = nb->reap;
    nb->reap = v;
    schedule(nb);
}

void netback_reap_forget(struct netback *nb, struct vif *v)
{
    for (struct vif **pp = &nb->reap; *pp; pp = &(*pp)->reap_next)
        if (*pp == v) {
            *pp = v->reap_next;
            break;
        }
    v->reap = false;
}

static void reap(struct netback *nb)
{
    while (nb->reap) {
        struct vif *v = nb->reap;
        nb->reap = v->reap_next;
        v->reap = false;
        vif_release_rings(v);
    }
}

/* Run every busy queue once; those with work left stay on the list. */
static void run_busy(struct netback *nb)
{
    struct vif_queue *list = nb->busy, *keep = NULL;
    nb->busy = NULL;
    while (list) {
        struct vif_queue *q = list;
        list = q->busy_next;
        q->busy = false;
        if (vif_queue_run(q, nb->cfg.tx_budget) && !q->busy) {
            q->busy = true;
            q->busy_next = keep;
            keep = q;
        }
        /* A queue kicked again during its own run is already back on
         * nb->busy. */
    }
    while (keep) {
        struct vif_queue *q = keep;
        keep = q->busy_next;
        q->busy_next = nb->busy;
        nb->busy = q;
    }
    reap(nb);
}

static unsigned drain_events(struct netback *nb)
{
    unsigned n;
    for (n = 0; n < NETBACK_EVENTS_PER_TURN; n++) {
        int port = xenif_pending(nb->xif);
        if (port < 0)
            break;
        if ((unsigned)port < nb->nports && nb->ports[port].q) {
            struct port_ref *r = &nb->ports[port];
            r->q->vif->stats.events++;
            r->q->evt = true;
            netback_queue_kick(nb, r->q, r->tx, r->rx);
        } else {
            /* Not ours (any more): leave it masked; unbind closes it. */
        }
    }
    return n;
}

static void netback_turn(struct netback *nb)
{
    nb->in_turn = true;
    unsigned n = drain_events(nb);
    reap(nb);
    run_busy(nb);
    nb->in_turn = false;
    if (nb->busy || nb->reap || n == NETBACK_EVENTS_PER_TURN)
        schedule(nb);
}

static void netback_more(void *arg)
{
    struct netback *nb = arg;
    nb->more_scheduled = false;
    netback_turn(nb);
}

void netback_run_now(struct netback *nb)
{
    if (!nb->in_turn)
        netback_turn(nb);
}

static void netback_on_evtchn(int fd, uint32_t events, void *arg)
{
    netback_turn(arg);
}

/* ---- grant copier for other ports (frame_gather) ---- */

static int netback_copy_frags(void *ctx, const struct frame_frag *frags, unsigned n,
                              uint8_t *dst)
{
    struct netback *nb = ctx;
    struct xenif_copy_seg segs[FRAME_FRAGS_MAX];
    unsigned k = 0;

    if (n > FRAME_FRAGS_MAX)
        return -EIO;
    for (unsigned i = 0; i < n; i++) {
        const struct frame_frag *f = &frags[i];
        if (f->kind == FRAME_FRAG_LOCAL) {
            memcpy(dst, f->u.ptr, f->len);
        } else if (f->len) {
            struct xenif_copy_seg *s = &segs[k++];
            memset(s, 0, sizeof *s);
            s->flags = GNTCOPY_source_gref;
            s->len = f->len;
            s->source.foreign.ref = f->u.gnt.gref;
            s->source.foreign.offset = f->u.gnt.offset;
            s->source.foreign.domid = f->u.gnt.domid;
            s->dest.virt = dst;
        }
        dst += f->len;
    }
    if (xenif_copy(nb->xif, segs, k))
        return -EIO;
    for (unsigned i = 0; i < k; i++)
        if (segs[i].status != GNTST_okay)
            return -EIO;
    return 0;
}

/* ---- life cycle ---- */

struct netback *netback_create(struct evloop *loop, struct xenif *xif,
                               const struct netback_config *cfg, char *err, size_t errlen)
{
    struct netback *nb = calloc(1, sizeof *nb);
    if (nb) {
        nb->batch = calloc(1, sizeof *nb->batch);
        nb->tx_area = malloc(NETBACK_TX_COPY_BYTES);
    }
    if (!nb || !nb->batch || !nb->tx_area) {
        if (nb) {
            free(nb->batch);
            free(nb->tx_area);
            free(nb);
        }
        snprintf(err, errlen, "netback: out of memory");
        return NULL;
    }
    nb->loop = loop;
    nb->xif = xif;
    if (cfg)
        nb->cfg = *cfg;
    else
        netback_config_default(&nb->cfg);
    if (!nb->cfg.tx_budget)
        nb->cfg.tx_budget = NETBACK_TX_BUDGET;
    if (!nb->cfg.tick_ms)
        nb->cfg.tick_ms = NETBACK_TICK_MS;
    nb->cfg.tx_copy_bytes = MIN(nb->cfg.tx_copy_bytes, NETBACK_TX_COPY_BYTES);
    int e = evloop_add_fd(loop, xenif_fd(xif), EPOLLIN, netback_on_evtchn, nb);
    if (e) {
        snprintf(err, errlen, "netback: event channel fd: %s", strerror(-e));
        free(nb->batch);
        free(nb->tx_area);
        free(nb);
        return NULL;
    }
    frame_set_grant_copier(netback_copy_frags, nb);
    return nb;
}

void netback_destroy(struct netback *nb)
{
    if (!nb)
        return;
    frame_set_grant_copier(NULL, NULL);
    evloop_del_fd(nb->loop, xenif_fd(nb->xif));
    evloop_cancel_more(nb->loop, netback_more, nb);
    free(nb->ports);
    free(nb->batch);
    free(nb->tx_area);
    free(nb);
}
