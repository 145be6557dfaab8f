/* vif_tx: guest -> switch.
 *
 * One burst (at most NETIF_TX_BATCH_FRAMES frames) goes:
 *   1. parse frames off the ring (netif_tx_parse), stopping at the budget,
 *      an empty ring, an incomplete frame, the rate limit, or a FATAL;
 *   2. one grant copy brings every frame into dom0: whole, while the
 *      netback's TX area (tx_copy_bytes) lasts, else its first
 *      VIF_TX_HEAD_COPY bytes (enough to switch on and to find the
 *      checksum) with the rest left in the guest's pages, described as
 *      FRAME_FRAG_GRANT fragments.  Heads only when the last burst's large
 *      frames all went straight to other guests (tx_direct);
 *   3. destination first: each large frame's output is looked up
 *      (bridge_peek_output); one bound to another guest with buffers
 *      posted stays in the sender's pages and is later copied guest page to
 *      guest page (no dom0 copy); any other (host port, uplink, flood, full
 *      ring) still in the guest's pages is brought in whole by a second
 *      grant copy -- rare: it happens when the traffic changes;
 *   4. the leading frames that need the guest's pages no more (copied
 *      whole, dropped, control) are answered, pushed and notified *before*
 *      switching: the guest frees those buffers while dom0 still works on
 *      the frames (a TCP sender's small-queue budget waits on exactly
 *      that);
 *   5. bridge_input() switches the burst; every output port has copied what
 *      it needs when it returns;
 *   6. only then the other responses go out (the guest may reuse and
 *      revoke its pages as soon as it sees them), one push and at most one
 *      notify.
 * A FATAL frame stops the ring for good: frames before it are completed,
 * then the vif is disabled. */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "netback/netif_csum.h"
#include "netback/vif_private.h"
#include "switch/bridge.h"

#define ETH_P_8021Q 0x8100
#define ETH_P_IPV6_ 0x86dd

/* ---- rate limit: `rate` bytes per usecs, as Linux netback's credit ---- */

static uint64_t credit_ms(const struct vif *v)
{
    uint64_t ms = (v->credit_usec + 999) / 1000;
    return ms ? ms : 1;
}

static void add_credit(struct vif *v)
{
    uint64_t max_burst = MAX(v->credit_bytes, (uint64_t)VIF_CREDIT_BURST_MIN);
    v->remaining_credit = MIN(v->remaining_credit + v->credit_bytes, max_burst);
}

static void credit_cb(void *arg)
{
    struct vif *v = arg;
    v->credit_timer = NULL;             /* one-shot: freed by the loop */
    v->credit_window_ms = evloop_now_ms();
    add_credit(v);
    for (unsigned i = 0; i < v->nqueues; i++)
        netback_queue_kick(v->nb, &v->queues[i], true, false);
}

void vif_tx_rate_init(struct vif *v)
{
    v->remaining_credit = v->credit_bytes;
    v->credit_window_ms = evloop_now_ms();
}

bool vif_tx_rate_ok(struct vif *v, uint32_t len)
{
    if (!v->credit_bytes)
        return true;
    if (v->credit_timer)
        return false;
    uint64_t now = evloop_now_ms(), next = v->credit_window_ms + credit_ms(v);
    if (now >= next) {
        v->credit_window_ms = now;
        add_credit(v);
        next = now + credit_ms(v);
    }
    if (len <= v->remaining_credit) {
        v->remaining_credit -= len;
        return true;
    }
    v->stats.tx_rate_waits++;
    v->credit_timer = evloop_timer_add(netback_loop(v->nb), next - now, 0, credit_cb, v);
    return false;
}

void vif_set_mtu(struct vif *v, unsigned mtu) { v->mtu = mtu; }
unsigned vif_mtu(const struct vif *v) { return v->mtu; }

bool vif_mtu_fits(const struct vif *v, unsigned len, bool gso)
{
    return !v->mtu || gso || len <= v->mtu + ETH_HLEN_;
}

void vif_set_rate(struct vif *v, uint64_t bytes, uint64_t usecs)
{
    v->credit_bytes = bytes;
    v->credit_usec = usecs;
    vif_tx_rate_init(v);
    if (v->credit_timer) {
        evloop_timer_del(netback_loop(v->nb), v->credit_timer);
        v->credit_timer = NULL;
        if (v->state == VIF_CONNECTED)
            for (unsigned i = 0; i < v->nqueues; i++)
                netback_queue_kick(v->nb, &v->queues[i], true, false);
    }
}

/* ---- multicast filter updates (XEN_NETIF_EXTRA_TYPE_MCAST_*) ---- */

static int16_t mcast_update(struct vif *v, const struct netif_tx_pkt *pkt)
{
    unsigned i;
    v->stats.tx_mcast_updates++;
    for (i = 0; i < v->n_mcast && memcmp(v->mcast[i], pkt->mcast_addr, 6); i++)
        continue;
    if (pkt->flags & NETIF_TX_F_MCAST_DEL) {
        if (i < v->n_mcast)
            memcpy(v->mcast[i], v->mcast[--v->n_mcast], 6);
        return NETIF_RSP_OKAY;
    }
    if (i < v->n_mcast)
        return NETIF_RSP_OKAY;
    if (v->n_mcast == VIF_MCAST_MAX) {
        if (xlog_ratelimit(&v->rl))
            XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: multicast filter full (%d entries)",
                       v->port.name, VIF_MCAST_MAX);
        return NETIF_RSP_ERROR;
    }
    memcpy(v->mcast[v->n_mcast++], pkt->mcast_addr, 6);
    return NETIF_RSP_OKAY;
}

/* ---- one burst ---- */

/* Grant copy segments for bytes [from, to) of frame i, to dst. */
static unsigned plan_copy(struct vif_queue *q, unsigned i, unsigned from, unsigned to,
                          uint8_t *dst, struct netback_rx_batch *b, unsigned nseg)
{
    const struct netif_tx_pkt *pkt = &q->pkts[i];
    unsigned pos = 0;

    for (unsigned k = 0; k < pkt->nsegs && pos < to; k++) {
        unsigned size = pkt->segs[k].size, lo = MAX(pos, from), hi = MIN(pos + size, to);
        if (lo < hi) {
            struct xenif_copy_seg *s = &b->segs[nseg];
            memset(s, 0, sizeof *s);
            s->flags = GNTCOPY_source_gref;
            s->len = (uint16_t)(hi - lo);
            s->source.foreign.ref = pkt->segs[k].gref;
            s->source.foreign.offset = (uint16_t)(pkt->segs[k].offset + (lo - pos));
            s->source.foreign.domid = q->vif->domid;
            s->dest.virt = dst + (lo - from);
            b->seg_frame[nseg++] = (uint8_t)i;
        }
        pos += size;
    }
    return nseg;
}

/* One grant copy; a frame with a failed segment is answered with an error. */
static void run_copy(struct vif_queue *q, struct netback_rx_batch *b, unsigned nseg)
{
    struct vif *v = q->vif;
    int e = nseg ? xenif_copy(netback_xenif(v->nb), b->segs, nseg) : 0;

    for (unsigned k = 0; k < nseg; k++) {
        unsigned i = b->seg_frame[k];
        if (!e && b->segs[k].status == GNTST_okay)
            continue;
        if (q->status[i] == NETIF_RSP_OKAY) {
            q->status[i] = NETIF_RSP_ERROR;
            v->stats.tx_copy_errors++;
            if (xlog_ratelimit(&v->rl))
                XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: tx grant copy failed: %s", v->port.name,
                           e ? strerror(-e) : xenif_gntst_name(b->segs[k].status));
        }
    }
}

/* Step 2: one grant copy for the burst: heads only when the last burst's
 * large frames all went straight to other guests (tx_direct), else whole
 * frames while the TX area lasts.  *used: bytes of the area taken. */
static void copy_in(struct vif_queue *q, size_t *used)
{
    struct vif *v = q->vif;
    struct netback_rx_batch *b = netback_rx_batch(v->nb);   /* idle scratch */
    uint8_t *area = netback_tx_area(v->nb);
    size_t room = netback_config(v->nb)->tx_copy_bytes;
    unsigned nseg = 0;

    for (unsigned i = 0; i < q->n_tx; i++) {
        if (q->kinds[i] != NETIF_TX_FRAME)
            continue;
        const struct netif_tx_pkt *pkt = &q->pkts[i];
        unsigned want = MIN(pkt->len, (unsigned)VIF_TX_HEAD_COPY);
        if (pkt->len > want && !q->tx_direct && pkt->len <= room - *used) {
            want = pkt->len;
            q->data[i] = area + *used;
            *used += pkt->len;
        } else {
            q->data[i] = q->heads[i];
        }
        q->whole[i] = want == pkt->len;
        nseg = plan_copy(q, i, 0, want, q->data[i], b, nseg);
    }
    run_copy(q, b, nseg);
}

/* The guest a frame would go straight to with no change on the way (no
 * tag to insert), or NULL. */
static struct vif *direct_dest(struct vif *v, const struct frame *f)
{
    struct port *out = bridge_peek_output(v->port.bridge, &v->port, f);
    struct vif *dst = out ? vif_from_port(out) : NULL;

    if (!dst || (f->flags & FRAME_F_TAGGED)
        || (out->vlan_mode != PORT_VLAN_ACCESS && out->pvid != v->port.pvid))
        return NULL;
    return dst;
}

/* Step 3 (destination first): a switched frame left in the guest's pages
 * (heads-only copy) that will not go straight to another guest with free
 * buffers -- for the host port, an uplink, a flood, a guest with a full
 * ring -- is brought in whole now (a second grant copy, only when the
 * traffic changed since the last burst).  out/idx: the n frames to switch
 * and their burst entries; returns how many are left (failed copies out). */
static unsigned bring_in(struct vif_queue *q, struct frame **out, unsigned *idx, unsigned n,
                         size_t *used)
{
    struct vif *v = q->vif;
    struct netback_rx_batch *b = netback_rx_batch(v->nb);
    uint8_t *area = netback_tx_area(v->nb);
    size_t room = netback_config(v->nb)->tx_copy_bytes;
    struct vif *last = NULL;
    unsigned nseg = 0, claimed = 0, kept = 0;
    bool local = false;

    for (unsigned j = 0; j < n; j++) {
        unsigned i = idx[j], head = VIF_TX_HEAD_COPY, len = q->pkts[i].len;
        struct vif *dst;
        if (len <= head)
            continue;                       /* all in dom0 anyway */
        if ((dst = direct_dest(v, out[j]))) {
            if (dst != last)
                claimed = 0;
            last = dst;
            if (vif_rx_direct_ok(dst, out[j], &claimed)) {
                v->stats.tx_direct += !q->whole[i];
                continue;
            }
        }
        local = true;
        if (q->whole[i] || len - head > room - *used)
            continue;
        struct frame *f = out[j];
        nseg = plan_copy(q, i, head, len, area + *used, b, nseg);
        f->nfrags = 1;
        f->frags[0] = (struct frame_frag){ .kind = FRAME_FRAG_LOCAL,
                                           .len = (uint16_t)(len - head),
                                           .u.ptr = area + *used };
        *used += len - head;
        q->whole[i] = true;
        v->stats.tx_refetches++;
    }
    q->tx_direct = !local;
    if (!nseg)
        return n;
    run_copy(q, b, nseg);
    for (unsigned j = 0; j < n; j++) {
        if (q->status[idx[j]] != NETIF_RSP_OKAY) {
            port_count_drop(&v->port, DROP_BAD_FRAME);
            continue;
        }
        out[kept] = out[j];
        idx[kept++] = idx[j];
    }
    return kept;
}

/* Offloads of a parsed frame onto its descriptor; false to drop it. */
static bool set_offloads(struct vif *v, const struct netif_tx_pkt *pkt, struct frame *f)
{
    bool gso = pkt->flags & NETIF_TX_F_GSO;
    if ((pkt->flags & NETIF_TX_F_CSUM_BLANK) || gso) {
        struct netif_csum c;
        if (netif_csum_setup(f->head, f->head_len, &c)
            || (gso && (c.proto != 6 || c.ipv6 != (pkt->gso_type == XEN_NETIF_GSO_TYPE_TCPV6)))) {
            v->stats.tx_csum_bad++;
            if (xlog_ratelimit(&v->rl))
                XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: %s frame without a TCP/UDP header "
                           "we can find: dropped", v->port.name, gso ? "GSO" : "csum_blank");
            return false;
        }
        f->flags |= FRAME_F_CSUM_PARTIAL;
        f->csum_start = c.start;
        f->csum_offset = c.offset;
    } else if (pkt->flags & NETIF_TX_F_DATA_VALIDATED) {
        f->flags |= FRAME_F_CSUM_VALID;
    }
    if (gso) {
        f->flags |= FRAME_F_GSO;
        f->gso_type = pkt->gso_type == XEN_NETIF_GSO_TYPE_TCPV4 ? FRAME_GSO_TCPV4
                                                               : FRAME_GSO_TCPV6;
        f->gso_size = pkt->gso_size;
    }
    return true;
}

/* The descriptor of frame i: its head, then the rest from dom0 memory
 * (copied whole) or from the guest's grants. */
static bool build_frame(struct vif_queue *q, unsigned i)
{
    struct vif *v = q->vif;
    const struct netif_tx_pkt *pkt = &q->pkts[i];
    struct frame *f = &q->frames[i];
    unsigned head = MIN(pkt->len, (unsigned)VIF_TX_HEAD_COPY);

    memset(f, 0, offsetof(struct frame, frags));
    f->head = q->data[i];
    f->head_len = (uint16_t)head;
    f->len = pkt->len;
    if (q->whole[i] && pkt->len > head) {
        struct frame_frag *fr = &f->frags[f->nfrags++];
        fr->kind = FRAME_FRAG_LOCAL;
        fr->len = (uint16_t)(pkt->len - head);
        fr->u.ptr = q->data[i] + head;
    } else if (!q->whole[i]) {
        /* The rest: from where the head copy stopped, zero-size slots
         * skipped. */
        unsigned skip = head;
        for (unsigned k = 0; k < pkt->nsegs; k++) {
            const struct netif_tx_seg *s = &pkt->segs[k];
            unsigned used = MIN(skip, (unsigned)s->size);
            skip -= used;
            if (s->size == used)
                continue;
            struct frame_frag *fr = &f->frags[f->nfrags++];
            fr->kind = FRAME_FRAG_GRANT;
            fr->len = (uint16_t)(s->size - used);
            fr->u.gnt.gref = s->gref;
            fr->u.gnt.domid = v->domid;
            fr->u.gnt.offset = (uint16_t)(s->offset + used);
        }
    }
    /* The tag goes after the fragments are laid out: it moves only the
     * head's start, the bytes stay where they are. */
    if (head >= ETH_HLEN_ + VLAN_HLEN_ && (f->head[12] << 8 | f->head[13]) == ETH_P_8021Q) {
        f->tci = (uint16_t)(f->head[14] << 8 | f->head[15]);
        f->flags |= FRAME_F_TAGGED;
        memmove(f->head + VLAN_HLEN_, f->head, 12);
        f->head += VLAN_HLEN_;
        f->head_len -= VLAN_HLEN_;
        f->len -= VLAN_HLEN_;
    }
    return set_offloads(v, pkt, f);
}

/* Responses for burst entries [from, to), one push, at most one notify. */
static void respond(struct vif_queue *q, unsigned from, unsigned to)
{
    struct vif *v = q->vif;

    for (unsigned i = from; i < to; i++)
        netif_tx_respond(&q->tx, &q->pkts[i], q->status[i]);
    if (from < to && netif_tx_push(&q->tx)) {
        v->stats.tx_notifies++;
        xenif_notify(netback_xenif(v->nb), (uint32_t)q->port_tx);
    }
}

static void tx_burst(struct vif_queue *q)
{
    struct vif *v = q->vif;
    struct frame *out[NETIF_TX_BATCH_FRAMES];
    unsigned idx[NETIF_TX_BATCH_FRAMES];
    unsigned n_out = 0, early = 0;
    size_t used = 0;

    v->stats.tx_bursts++;
    copy_in(q, &used);
    for (unsigned i = 0; i < q->n_tx; i++) {
        if (q->kinds[i] == NETIF_TX_CONTROL) {
            q->status[i] = mcast_update(v, &q->pkts[i]);
        } else if (q->kinds[i] == NETIF_TX_FRAME && q->status[i] == NETIF_RSP_OKAY) {
            struct frame *f = &q->frames[i];

            if (!build_frame(q, i)) {
                port_count_drop(&v->port, DROP_BAD_FRAME);
            } else if (!vif_mtu_fits(v, f->len, f->flags & FRAME_F_GSO)) {
                port_count_drop(&v->port, DROP_MTU);
                if (xlog_ratelimit(&v->rl))
                    XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: %u-byte frame from the guest "
                               "exceeds mtu %u: dropped", v->port.name, f->len, v->mtu);
            } else {
                idx[n_out] = i;
                out[n_out++] = f;
            }
        }
    }
    if (n_out && v->port.bridge)
        n_out = bring_in(q, out, idx, n_out, &used);
    for (unsigned j = 0; j < n_out; j++) {
        v->stats.tx_frames++;
        v->stats.tx_bytes += out[j]->len;
    }
    /* Responses must follow ring order: answer the leading entries whose
     * pages nobody reads any more (copied whole, dropped, control). */
    bool late[NETIF_TX_BATCH_FRAMES] = { false };
    for (unsigned j = 0; j < n_out; j++)
        late[idx[j]] = !q->whole[idx[j]];
    while (early < q->n_tx && !late[early])
        early++;
    respond(q, 0, early);
    if (n_out && v->port.bridge)
        bridge_input(v->port.bridge, &v->port, out, n_out);
    respond(q, early, q->n_tx);
    q->n_tx = 0;
}

static void count_drop(struct vif *v, const struct netif_tx_pkt *pkt)
{
    v->stats.tx_drop[pkt->reason]++;
    port_count_drop(&v->port, DROP_BAD_FRAME);
    if (xlog_ratelimit(&v->rl))
        XLOG_WARN_(XLOG_MOD_NETBACK, "vif %s: dropped a frame from dom%u: %s",
                   v->port.name, v->domid, netif_tx_reason_name(pkt->reason));
}

enum stop { STOP_FULL, STOP_EMPTY, STOP_NEED_MORE, STOP_RATE, STOP_FATAL };

bool vif_tx_run(struct vif_queue *q, unsigned budget)
{
    struct vif *v = q->vif;
    unsigned done = 0;          /* ring slots taken in this run */

    while (v->state == VIF_CONNECTED && !v->credit_timer) {
        enum stop stop = STOP_FULL;
        uint16_t need = 0;
        enum netif_tx_reason why = NETIF_TX_R_NONE;

        if (done >= budget)
            return true;
        q->n_tx = 0;
        /* The budget counts slots, not frames: a frame's cost (grant copy
         * segments, parsing) follows its slots, and a guest sending
         * 19-slot frames must not get 19 times another's share of a turn.
         * The last frame may pass the budget by its own slots. */
        while (q->n_tx < NETIF_TX_BATCH_FRAMES && done < budget) {
            struct netif_tx_pkt *pkt = &q->pkts[q->n_tx];
            enum netif_tx_result res = netif_tx_parse(&q->tx, pkt);
            if (res == NETIF_TX_EMPTY) {
                stop = STOP_EMPTY;
                break;
            }
            if (res == NETIF_TX_NEED_MORE) {
                need = pkt->nslots;
                stop = STOP_NEED_MORE;
                break;
            }
            if (res == NETIF_TX_FATAL) {
                why = pkt->reason;
                stop = STOP_FATAL;
                break;
            }
            if (res == NETIF_TX_FRAME && !vif_tx_rate_ok(v, pkt->len)) {
                q->tx.req_cons = pkt->first;     /* not consumed after all */
                stop = STOP_RATE;
                break;
            }
            done += pkt->nslots;
            q->kinds[q->n_tx] = (uint8_t)res;
            q->status[q->n_tx] = NETIF_RSP_OKAY;
            if (res == NETIF_TX_DROP) {
                q->status[q->n_tx] = NETIF_RSP_ERROR;
                count_drop(v, pkt);
            }
            q->n_tx++;
        }
        if (q->n_tx)
            tx_burst(q);

        switch (stop) {
        case STOP_FULL:
            break;
        case STOP_EMPTY:
            if (!netif_tx_final_check(&q->tx))
                return false;
            break;
        case STOP_NEED_MORE: {
            struct netif_tx_pkt w = { .nslots = need };
            if (!netif_tx_wait_more(&q->tx, &w))
                return false;
            break;
        }
        case STOP_RATE:
            return false;                       /* credit_cb kicks us */
        case STOP_FATAL:
            v->stats.tx_drop[why]++;
            vif_fatal(v, "%s", netif_tx_reason_name(why));
            return false;
        }
    }
    return false;
}
