/* vif_rx: switch -> guest.
 *
 * vif_output() gets a burst of frames from the bridge and, for each one the
 * guest has buffers for, plans grant copies straight from where the frame
 * lives into the guest's posted pages:
 *     head (dom0 memory)            -> GNTCOPY_dest_gref
 *     FRAME_FRAG_LOCAL (dom0)       -> GNTCOPY_dest_gref
 *     FRAME_FRAG_GRANT (other vif)  -> GNTCOPY_source_gref | GNTCOPY_dest_gref
 * so the payload of a frame that still lives in its sender's grants (one
 * its TX burst could not copy in whole, vif_tx.c) moves guest page to
 * guest page with no dom0 copy.
 * The whole burst is one xenif_copy() call, then responses, one push, at
 * most one notify.
 *
 * A frame goes through a dom0 buffer (the "bounce" path) only when it must
 * change on the way: an 802.1Q tag to insert, a partial checksum the guest
 * will not accept, a GSO frame for a guest without GSO (cut into MSS-sized
 * segments, netif_gso), or when the netback is told to (benchmark baseline).
 *
 * No buffers for a frame (netif_rx_build() -ENOSPC): the frame is copied
 * into the queue's backlog, a FIFO bounded by rxq_max_bytes (beyond:
 * DROP_QUEUE_FULL) counting each frame's bookkeeping too, so the bound is
 * on memory even for a stream of minimum-size frames; every later frame
 * queues behind it so order is kept.  The backlog drains when the guest
 * posts buffers.  A guest that posts none for rx_stall_ms loses its
 * carrier (bridge drops to it as DROP_LINK_DOWN, backlog dropped as
 * DROP_NO_BUFFERS) until it posts enough for a largest frame again;
 * backlogged frames older than rx_drain_ms are dropped. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "netback/netif_gso.h"
#include "netback/vif_private.h"

#define ETH_P_IPV6_ 0x86dd
#define VIF_RX_POLL_MS 30                /* no feature-rx-notify: poll this often */

/* A piece of a frame's bytes, in order. */
struct piece {
    bool grant;
    uint16_t len;
    const uint8_t *ptr;                  /* !grant */
    uint32_t gref;                       /* grant */
    uint16_t domid, offset;
    struct vif *src;                     /* grant: the vif it came from, if one */
};

static bool mcast_wanted(const struct vif *v, const uint8_t *dst)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    if (!v->fe.mcast_control || !eth_addr_is_multicast(dst) || !memcmp(dst, bcast, 6))
        return true;
    for (unsigned i = 0; i < v->n_mcast; i++)
        if (!memcmp(v->mcast[i], dst, 6))
            return true;
    return false;
}

static void meta_of(const struct frame *f, uint16_t tci, struct netif_rx_meta *m)
{
    memset(m, 0, sizeof *m);
    m->len = f->len + (tci ? VLAN_HLEN_ : 0);
    if (f->flags & FRAME_F_CSUM_PARTIAL) {
        m->flags |= NETIF_RX_M_CSUM_PARTIAL;
        if (frame_ethertype(f) == ETH_P_IPV6_)
            m->flags |= NETIF_RX_M_IPV6;
    } else if (f->flags & FRAME_F_CSUM_VALID) {
        m->flags |= NETIF_RX_M_CSUM_VALID;
    }
    if ((f->flags & FRAME_F_GSO) && f->gso_type != FRAME_GSO_NONE) {
        m->gso_type = f->gso_type == FRAME_GSO_TCPV4 ? XEN_NETIF_GSO_TYPE_TCPV4
                                                      : XEN_NETIF_GSO_TYPE_TCPV6;
        m->gso_size = f->gso_size;
    }
}

/* ---- the batch ---- */

static bool batch_room(const struct netback_rx_batch *b, size_t bounce)
{
    return b->n < NETIF_RX_BATCH_FRAMES
        && b->nsegs + VIF_RX_SEGS_PER_FRAME <= NETBACK_COPY_SEGS
        && b->bounce_used + bounce <= NETBACK_BOUNCE_BYTES;
}

static void add_seg(struct netback_rx_batch *b, const struct piece *p, uint32_t p_off,
                    uint16_t domid, uint32_t dref, uint16_t d_off, uint16_t len,
                    unsigned data_slot)
{
    struct xenif_copy_seg *s = &b->segs[b->nsegs];
    memset(s, 0, sizeof *s);
    s->len = len;
    s->flags = GNTCOPY_dest_gref;
    s->dest.foreign.ref = dref;
    s->dest.foreign.offset = d_off;
    s->dest.foreign.domid = domid;
    b->seg_src[b->nsegs] = NULL;
    if (p->grant) {
        s->flags |= GNTCOPY_source_gref;
        s->source.foreign.ref = p->gref;
        s->source.foreign.offset = (uint16_t)(p->offset + p_off);
        s->source.foreign.domid = p->domid;
        b->seg_src[b->nsegs] = p->src;
    } else {
        s->source.virt = (void *)(p->ptr + p_off);
    }
    b->seg_frame[b->nsegs] = (uint8_t)b->n;
    b->seg_slot[b->nsegs] = (uint8_t)data_slot;
    b->nsegs++;
}

/* Walk the data slots and the pieces together: one segment per overlap. */
static void add_copies(struct netback_rx_batch *b, uint16_t domid,
                       const struct netif_rx_pkt *pkt, const struct piece *pc, unsigned npc)
{
    unsigned k = 0, data = 0;
    uint32_t k_used = 0;
    for (unsigned i = 0; i < pkt->nslots; i++) {
        const struct netif_rx_slot *sl = &pkt->slots[i];
        if (sl->extra)
            continue;
        uint32_t done = 0;
        while (done < sl->len && k < npc) {
            uint32_t take = MIN(sl->len - done, (uint32_t)pc[k].len - k_used);
            if (take)
                add_seg(b, &pc[k], k_used, domid, sl->gref, (uint16_t)done,
                        (uint16_t)take, data);
            done += take;
            k_used += take;
            if (k_used == pc[k].len) {
                k++;
                k_used = 0;
            }
        }
        data++;
    }
}

static void batch_start_frame(struct netback_rx_batch *b, uint32_t len)
{
    memset(b->ok[b->n], 1, sizeof b->ok[b->n]);
    b->release[b->n] = NULL;
    b->bytes[b->n] = len;
}

/* A failed vif -> vif copy may be the source guest's doing (it revoked a
 * grant of a frame it sent, mid-frame: the head was copied at TX time, the
 * rest only now) or this guest's (a bad receive buffer).  One probe copy
 * of a byte of the source grant per failed frame tells which, so the
 * error is counted on the guest that caused it. */
static void blame_sources(struct vif *v, struct netback_rx_batch *b)
{
    unsigned n = 0;

    memset(b->blame, 0, sizeof b->blame);
    for (unsigned k = 0; k < b->nsegs && n < NETIF_RX_BATCH_FRAMES; k++) {
        unsigned i = b->seg_frame[k];
        if (b->segs[k].status == GNTST_okay || !b->seg_src[k] || b->blame[i])
            continue;
        struct xenif_copy_seg *p = &b->probe[n];
        memset(p, 0, sizeof *p);
        p->flags = GNTCOPY_source_gref;
        p->len = 1;
        p->source = b->segs[k].source;
        p->dest.virt = &b->probe_sink;
        b->probe_frame[n++] = (uint8_t)i;
        b->blame[i] = b->seg_src[k];         /* a candidate until the probe */
    }
    if (!n)
        return;
    if (xenif_copy(netback_xenif(v->nb), b->probe, n)) {
        memset(b->blame, 0, sizeof b->blame);
        return;
    }
    for (unsigned j = 0; j < n; j++)
        if (b->probe[j].status == GNTST_okay)
            b->blame[b->probe_frame[j]] = NULL;       /* source fine: ours */
}

static void blame_count(struct vif *v, struct vif *src, const char *why)
{
    src->stats.tx_copy_errors++;
    if (xlog_ratelimit(&src->rl))
        XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: a grant of a frame dom%u sent went bad (%s) "
                   "before %s copied it: frame lost", src->port.name, src->domid, why,
                   v->port.name);
}

/* A frame could not be copied into dom0 memory (linearised): only its
 * source grants can be at fault, so that is who is counted. */
static void gather_failed(struct vif *v, const struct frame *f, int err)
{
    struct vif *src = vif_from_port(f->in_port);

    port_count_drop(&v->port, DROP_TX_ERROR);
    if (err == -EIO && src)
        blame_count(v, src, "copy failed");
    else
        v->stats.rx_copy_errors++;
}

static void batch_flush(struct vif_queue *q)
{
    struct netback_rx_batch *b = netback_rx_batch(q->vif->nb);
    struct vif *v = q->vif;
    if (!b->n)
        return;
    v->stats.rx_batches++;
    int e = xenif_copy(netback_xenif(v->nb), b->segs, b->nsegs);
    int16_t bad = GNTST_okay;
    for (unsigned k = 0; k < b->nsegs; k++)
        if (e || b->segs[k].status != GNTST_okay) {
            b->ok[b->seg_frame[k]][b->seg_slot[k]] = false;
            if (bad == GNTST_okay)
                bad = e ? GNTST_general_error : b->segs[k].status;
        }
    if (bad != GNTST_okay && !e)
        blame_sources(v, b);
    else
        memset(b->blame, 0, sizeof b->blame);
    bool ours = false;
    for (unsigned i = 0; i < b->n; i++) {
        bool all = true;
        netif_rx_respond(&q->rx, &b->pkts[i], b->ok[i]);
        for (unsigned s = 0; s < NETIF_RX_SLOTS_MAX; s++)
            all &= b->ok[i][s];
        if (all) {
            v->stats.rx_frames++;
            v->stats.rx_bytes += b->bytes[i];
            v->port.stats.tx_packets++;
            v->port.stats.tx_bytes += b->bytes[i];
        } else if (b->blame[i]) {
            blame_count(v, b->blame[i], xenif_gntst_name(bad));
            port_count_drop(&v->port, DROP_TX_ERROR);
        } else {
            v->stats.rx_copy_errors++;
            port_count_drop(&v->port, DROP_TX_ERROR);
            ours = true;
        }
        free(b->release[i]);
    }
    if (ours && xlog_ratelimit(&v->rl))
        XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: rx grant copy failed: %s", v->port.name,
                   xenif_gntst_name(bad));
    b->n = b->nsegs = 0;
    b->bounce_used = 0;
    if (netif_rx_push(&q->rx)) {
        v->stats.rx_notifies++;
        xenif_notify(netback_xenif(v->nb), (uint32_t)q->port_rx);
    }
}

/* ---- carrier / stall ---- */

static unsigned carrier_slots(const struct vif *v)
{
    return v->fe.rx.sg ? NETIF_RX_SLOTS_MAX : 1;
}

static void carrier_on_if_posted(struct vif_queue *q)
{
    struct vif *v = q->vif;
    RING_IDX prod = netif_ring_req_prod(NETIF_RING_IDX(q->rx.sring));
    if (!v->stalled || (RING_IDX)(prod - q->rx.req_cons) < carrier_slots(v))
        return;
    v->stalled = false;
    v->port.link_up = true;
    q->rx_stall_since = 0;
    XLOG_INFO_(XLOG_MOD_NETBACK, "vif %s: guest posts receive buffers again: carrier on",
               v->port.name);
}

static void rx_refused(struct vif_queue *q)
{
    if (!q->rx_stall_since)
        q->rx_stall_since = evloop_now_ms();
}

/* ---- backlog ---- */

static void rxq_append(struct vif_queue *q, struct vif_rxbuf *rb)
{
    rb->next = NULL;
    *q->rxq_tail = rb;
    q->rxq_tail = &rb->next;
    q->rxq_frames++;
    q->rxq_bytes += RXBUF_COST(rb->meta.len);
}

static struct vif_rxbuf *rxq_pop(struct vif_queue *q)
{
    struct vif_rxbuf *rb = q->rxq_head;
    if (!rb)
        return NULL;
    q->rxq_head = rb->next;
    if (!q->rxq_head)
        q->rxq_tail = &q->rxq_head;
    q->rxq_frames--;
    q->rxq_bytes -= RXBUF_COST(rb->meta.len);
    return rb;
}

void vif_rxq_purge(struct vif_queue *q, enum port_drop_reason why)
{
    struct vif_rxbuf *rb;
    while ((rb = rxq_pop(q))) {
        port_count_drop(&q->vif->port, why);
        free(rb);
    }
}

/* Linearise (tag, checksum) into dst; returns the length or -errno. */
static int linearise(struct vif *v, const struct frame *f, uint16_t tci,
                     struct netif_rx_meta *m, uint8_t *dst, size_t size)
{
    int len = frame_gather_tagged(f, tci, dst, size);
    if (len < 0)
        return len;
    if (netif_rx_csum_fixup(m, &v->fe.rx)) {
        frame_csum_complete(dst, (size_t)len, (uint16_t)(f->csum_start + (tci ? VLAN_HLEN_ : 0)),
                            f->csum_offset);
        m->flags = (uint16_t)((m->flags & ~NETIF_RX_M_CSUM_PARTIAL) | NETIF_RX_M_CSUM_VALID);
        v->stats.rx_csum_fixups++;
    }
    return len;
}

/* Backlog a frame: from its descriptor (f), or already linear (lin, with
 * meta describing the linear bytes). */
static void rxq_push(struct vif_queue *q, const struct frame *f, uint16_t tci,
                     const struct netif_rx_meta *m, const uint8_t *lin)
{
    struct vif *v = q->vif;
    if (q->rxq_bytes + RXBUF_COST(m->len) > netback_config(v->nb)->rxq_max_bytes) {
        v->stats.rx_queue_drops++;
        port_count_drop(&v->port, DROP_QUEUE_FULL);
        return;
    }
    struct vif_rxbuf *rb = malloc(sizeof *rb + m->len);
    if (!rb) {
        port_count_drop(&v->port, DROP_QUEUE_FULL);
        return;
    }
    rb->meta = *m;
    int e = 0;
    if (lin)
        memcpy(rb->data, lin, m->len);
    else
        e = linearise(v, f, tci, &rb->meta, rb->data, m->len);
    if (e < 0) {
        free(rb);
        gather_failed(v, f, e);
        return;
    }
    rb->enq_ms = evloop_now_ms();
    v->stats.rx_queued++;
    rxq_append(q, rb);
}

/* Move backlogged frames into the batch while the guest has buffers. */
static void rx_drain(struct vif_queue *q)
{
    struct vif *v = q->vif;
    struct netback_rx_batch *b = netback_rx_batch(v->nb);

    while (q->rxq_head && v->state == VIF_CONNECTED) {
        struct vif_rxbuf *rb = q->rxq_head;
        if (!batch_room(b, 0))
            batch_flush(q);
        int r = netif_rx_build(&q->rx, &rb->meta, &v->fe.rx, &b->pkts[b->n]);
        if (r == -ENOSPC) {
            rx_refused(q);
            break;
        }
        if (r == -EPROTO) {
            vif_fatal(v, "impossible number of rx requests");
            break;
        }
        rxq_pop(q);
        if (r < 0) {                         /* features changed under it */
            port_count_drop(&v->port, DROP_MTU);
            free(rb);
            continue;
        }
        q->rx_stall_since = 0;
        struct piece pc = { .len = (uint16_t)rb->meta.len, .ptr = rb->data };
        batch_start_frame(b, rb->meta.len);
        b->release[b->n] = rb;
        add_copies(b, v->domid, &b->pkts[b->n], &pc, 1);
        b->n++;
    }
    batch_flush(q);
}

void vif_rx_kick(struct vif_queue *q)
{
    carrier_on_if_posted(q);
    rx_drain(q);
}

void vif_rx_tick(struct vif_queue *q, uint64_t now)
{
    struct vif *v = q->vif;
    const struct netback_config *cfg = netback_config(v->nb);

    if (!v->fe.rx_notify)
        rx_drain(q);                     /* the guest will not tell us */
    while (q->rxq_head && now - q->rxq_head->enq_ms >= cfg->rx_drain_ms) {
        free(rxq_pop(q));
        v->stats.rx_expired++;
        port_count_drop(&v->port, DROP_NO_BUFFERS);
    }
    carrier_on_if_posted(q);
    if (v->fe.rx_notify && !v->stalled && q->rx_stall_since
        && now - q->rx_stall_since >= cfg->rx_stall_ms) {
        v->stalled = true;
        v->port.link_up = false;
        v->stats.rx_stalls++;
        vif_rxq_purge(q, DROP_NO_BUFFERS);
        XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: guest dom%u posted no receive buffers for "
                   "%u ms: carrier off", v->port.name, v->domid, cfg->rx_stall_ms);
    }
}

unsigned vif_rx_tick_ms(const struct vif *v)
{
    unsigned t = netback_config(v->nb)->tick_ms;
    return v->fe.rx_notify ? t : MIN(t, (unsigned)VIF_RX_POLL_MS);
}

/* ---- software segmentation ---- */

/* Deliver one linear frame (a segment): batch it, or backlog it. */
static int deliver_linear(struct vif_queue *q, const uint8_t *data, const struct netif_rx_meta *m)
{
    struct vif *v = q->vif;
    struct netback_rx_batch *b = netback_rx_batch(v->nb);

    if (q->rxq_head) {
        rxq_push(q, NULL, 0, m, data);
        return 0;
    }
    if (!batch_room(b, m->len))
        batch_flush(q);
    int r = netif_rx_build(&q->rx, m, &v->fe.rx, &b->pkts[b->n]);
    if (r == -ENOSPC) {
        rx_refused(q);
        rxq_push(q, NULL, 0, m, data);
        return 0;
    }
    if (r == -EPROTO) {
        vif_fatal(v, "impossible number of rx requests");
        return r;
    }
    if (r < 0) {
        port_count_drop(&v->port, DROP_MTU);
        return 0;
    }
    q->rx_stall_since = 0;
    uint8_t *lin = b->bounce + b->bounce_used;
    memcpy(lin, data, m->len);
    b->bounce_used += m->len;
    struct piece pc = { .len = (uint16_t)m->len, .ptr = lin };
    batch_start_frame(b, m->len);
    add_copies(b, v->domid, &b->pkts[b->n], &pc, 1);
    b->n++;
    return 0;
}

static int emit_segment(void *ctx, const uint8_t *seg, size_t len)
{
    struct netif_rx_meta m = { .len = (uint32_t)len, .flags = NETIF_RX_M_CSUM_VALID };
    return deliver_linear(ctx, seg, &m);
}

/* A GSO frame for a guest that cannot take it whole. */
static void segment(struct vif_queue *q, const struct frame *f, uint16_t tci)
{
    struct vif *v = q->vif;
    struct netback_rx_batch *b = netback_rx_batch(v->nb);
    int len = frame_gather_tagged(f, tci, b->gso_frame, sizeof b->gso_frame);
    int n = -EINVAL;

    if (len > 0 && (f->flags & FRAME_F_CSUM_PARTIAL))
        n = netif_gso_segment(b->gso_frame, (size_t)len,
                              (uint16_t)(f->csum_start + (tci ? VLAN_HLEN_ : 0)), f->gso_size,
                              b->gso_seg, sizeof b->gso_seg, emit_segment, q);
    if (n > 0) {
        v->stats.rx_gso_segmented++;
        return;
    }
    if (n == -EPROTO)
        return;                           /* went FATAL meanwhile */
    if (len < 0) {
        gather_failed(v, f, len);
        return;
    }
    port_count_drop(&v->port, DROP_BAD_FRAME);
    if (xlog_ratelimit(&v->rl))
        XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: cannot segment a %u-byte GSO frame: dropped",
                   v->port.name, f->len);
}

/* ---- port output ---- */

bool vif_rx_direct_ok(struct vif *v, const struct frame *f, unsigned *claimed)
{
    struct vif_queue *q = &v->queues[0];
    struct netif_rx_meta m;

    if (v->state != VIF_CONNECTED || q->rxq_head || netback_config(v->nb)->bounce)
        return false;
    meta_of(f, 0, &m);
    int needed = netif_rx_slots_needed(&m, &v->fe.rx);
    if (needed < 0 || netif_rx_csum_fixup(&m, &v->fe.rx))
        return false;
    /* The guest's producer: a hint only, netif_rx_build() checks it. */
    RING_IDX posted = netif_ring_req_prod(NETIF_RING_IDX(q->rx.sring)) - q->rx.req_cons;
    if (posted > q->rx.nr_ents || posted < *claimed + (unsigned)needed)
        return false;
    *claimed += (unsigned)needed;
    return true;
}

void vif_output(struct port *p, struct frame **frames, const uint16_t *tci, unsigned n)
{
    struct vif *v = (struct vif *)p;
    struct vif_queue *q = &v->queues[0];
    struct netback_rx_batch *b = netback_rx_batch(v->nb);
    const struct netback_config *cfg = netback_config(v->nb);
    unsigned i;

    if (v->state != VIF_CONNECTED) {
        for (i = 0; i < n; i++)
            port_count_drop(p, DROP_LINK_DOWN);
        return;
    }
    if (q->rxq_head)
        rx_drain(q);                     /* older frames first */
    for (i = 0; i < n && v->state == VIF_CONNECTED; i++) {
        struct frame *f = frames[i];
        uint16_t t = tci ? tci[i] : 0;
        struct netif_rx_meta m;

        if (!mcast_wanted(v, frame_dst(f))) {
            v->stats.rx_mcast_filtered++;
            continue;
        }
        if (!vif_mtu_fits(v, f->len, f->flags & FRAME_F_GSO)) {
            port_count_drop(p, DROP_MTU);
            continue;
        }
        meta_of(f, t, &m);
        int needed = netif_rx_slots_needed(&m, &v->fe.rx);
        if (needed == -EOPNOTSUPP && m.gso_type) {
            segment(q, f, t);
            continue;
        }
        if (needed < 0) {
            port_count_drop(p, DROP_MTU);
            if (xlog_ratelimit(&v->rl))
                XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: %u-byte %sframe cannot be delivered "
                           "(guest features): dropped", p->name, m.len,
                           m.gso_type ? "GSO " : "");
            continue;
        }
        if (q->rxq_head) {
            rxq_push(q, f, t, &m, NULL);
            continue;
        }
        bool local = t || cfg->bounce || netif_rx_csum_fixup(&m, &v->fe.rx);
        if (!batch_room(b, local ? m.len : 0))
            batch_flush(q);
        struct netif_rx_meta built = m;
        uint8_t *lin = b->bounce + b->bounce_used;
        if (local) {
            /* Linearise first: the checksum fix changes the flags. */
            int len = linearise(v, f, t, &built, lin, NETBACK_BOUNCE_BYTES - b->bounce_used);
            if (len < 0) {
                gather_failed(v, f, len);
                continue;
            }
        }
        int r = netif_rx_build(&q->rx, &built, &v->fe.rx, &b->pkts[b->n]);
        if (r == -ENOSPC) {
            rx_refused(q);
            rxq_push(q, f, t, local ? &built : &m, local ? lin : NULL);
            continue;
        }
        if (r == -EPROTO) {
            vif_fatal(v, "impossible number of rx requests");
            break;
        }
        if (r < 0) {
            port_count_drop(p, DROP_MTU);
            continue;
        }
        q->rx_stall_since = 0;
        batch_start_frame(b, m.len);
        if (local) {
            struct piece pc = { .len = (uint16_t)m.len, .ptr = lin };
            b->bounce_used += m.len;
            add_copies(b, v->domid, &b->pkts[b->n], &pc, 1);
        } else {
            struct piece pc[1 + FRAME_FRAGS_MAX];
            unsigned npc = 0;
            pc[npc++] = (struct piece){ .len = f->head_len, .ptr = f->head };
            for (unsigned k = 0; k < f->nfrags && k < FRAME_FRAGS_MAX; k++) {
                const struct frame_frag *fr = &f->frags[k];
                if (fr->kind == FRAME_FRAG_GRANT)
                    pc[npc++] = (struct piece){ .grant = true, .len = fr->len,
                                                .gref = fr->u.gnt.gref,
                                                .domid = fr->u.gnt.domid,
                                                .offset = fr->u.gnt.offset,
                                                .src = vif_from_port(f->in_port) };
                else
                    pc[npc++] = (struct piece){ .len = fr->len, .ptr = fr->u.ptr };
            }
            add_copies(b, v->domid, &b->pkts[b->n], pc, npc);
        }
        b->n++;
    }
    for (; i < n; i++)
        port_count_drop(p, DROP_LINK_DOWN);
    batch_flush(q);
}
