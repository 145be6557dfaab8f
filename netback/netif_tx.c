/* netif_tx: TX ring parsing and responses (see netif_tx.h). */
#include <errno.h>
#include <string.h>

#include "netback/netif_tx.h"

static const char *const reason_names[NETIF_TX_R_N] = {
    [NETIF_TX_R_NONE] = "none",
    [NETIF_TX_R_RUNT] = "runt",
    [NETIF_TX_R_SIZE_MISMATCH] = "size_mismatch",
    [NETIF_TX_R_TOO_MANY_SLOTS] = "too_many_slots",
    [NETIF_TX_R_IMPOSSIBLE_REQS] = "impossible_requests",
    [NETIF_TX_R_FATAL_SLOTS] = "fatal_tx_slots",
    [NETIF_TX_R_CROSS_PAGE] = "cross_page",
    [NETIF_TX_R_MISSING_EXTRA] = "missing_extra",
    [NETIF_TX_R_BAD_EXTRA_TYPE] = "bad_extra_type",
    [NETIF_TX_R_TOO_MANY_EXTRAS] = "too_many_extras",
    [NETIF_TX_R_GSO_SIZE_ZERO] = "gso_size_zero",
    [NETIF_TX_R_BAD_GSO_TYPE] = "bad_gso_type",
};

const char *netif_tx_reason_name(enum netif_tx_reason r)
{
    return (unsigned)r < NETIF_TX_R_N ? reason_names[r] : "unknown";
}

/* The one read of a slot: a local copy the guest cannot change under us. */
static void copy_req(const netif_tx_back_ring_t *r, RING_IDX i, netif_tx_request_t *out)
{
    const volatile netif_tx_request_t *s = &r->sring->ring[i & (r->nr_ents - 1)].req;
    out->gref = s->gref;
    out->offset = s->offset;
    out->flags = s->flags;
    out->id = s->id;
    out->size = s->size;
}

static void copy_extra(const netif_tx_back_ring_t *r, RING_IDX i, netif_extra_info_t *out)
{
    const volatile netif_extra_info_t *s =
        (const volatile netif_extra_info_t *)&r->sring->ring[i & (r->nr_ents - 1)].req;
    out->type = s->type;
    out->flags = s->flags;
    for (unsigned k = 0; k < 3; k++)
        out->u.pad[k] = s->u.pad[k];
}

static enum netif_tx_result fatal(struct netif_tx_pkt *pkt, enum netif_tx_reason why)
{
    pkt->reason = why;
    return NETIF_TX_FATAL;
}

/* Extras after the first slot; *cons points past them on success. */
static enum netif_tx_result parse_extras(const netif_tx_back_ring_t *r, RING_IDX prod,
                                         RING_IDX *cons, struct netif_tx_pkt *pkt)
{
    netif_extra_info_t ex;
    unsigned n = 0;

    do {
        if (*cons == prod)
            return fatal(pkt, NETIF_TX_R_MISSING_EXTRA);
        if (n == NETIF_TX_EXTRAS_MAX)
            return fatal(pkt, NETIF_TX_R_TOO_MANY_EXTRAS);
        copy_extra(r, *cons, &ex);
        pkt->ids[pkt->nslots] = 0;
        pkt->extra_mask |= 1u << pkt->nslots;
        pkt->nslots++;
        (*cons)++;
        n++;
        switch (ex.type) {
        case XEN_NETIF_EXTRA_TYPE_GSO:
            if (ex.u.gso.size == 0)
                return fatal(pkt, NETIF_TX_R_GSO_SIZE_ZERO);
            if (ex.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4
                && ex.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6)
                return fatal(pkt, NETIF_TX_R_BAD_GSO_TYPE);
            pkt->flags |= NETIF_TX_F_GSO;
            pkt->gso_size = ex.u.gso.size;
            pkt->gso_type = ex.u.gso.type;
            break;
        case XEN_NETIF_EXTRA_TYPE_MCAST_ADD:
        case XEN_NETIF_EXTRA_TYPE_MCAST_DEL:
            pkt->flags &= (uint16_t)~(NETIF_TX_F_MCAST_ADD | NETIF_TX_F_MCAST_DEL);
            pkt->flags |= ex.type == XEN_NETIF_EXTRA_TYPE_MCAST_ADD
                        ? NETIF_TX_F_MCAST_ADD : NETIF_TX_F_MCAST_DEL;
            memcpy(pkt->mcast_addr, ex.u.mcast.addr, 6);
            break;
        case XEN_NETIF_EXTRA_TYPE_HASH:
            break;                  /* accepted, not used (no control ring) */
        default:
            return fatal(pkt, NETIF_TX_R_BAD_EXTRA_TYPE);
        }
    } while (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE);
    return NETIF_TX_FRAME;
}

enum netif_tx_result netif_tx_parse(netif_tx_back_ring_t *r, struct netif_tx_pkt *pkt)
{
    struct netif_ring_idx *idx = NETIF_RING_IDX(r->sring);
    RING_IDX prod = netif_ring_req_prod(idx);
    RING_IDX cons = r->req_cons;
    netif_tx_request_t first, req;
    enum netif_tx_result res;

    memset(pkt, 0, offsetof(struct netif_tx_pkt, segs));
    pkt->extra_mask = 0;
    pkt->first = cons;

    /* The guest cannot have more requests outstanding than the ring holds
     * (responses not yet written count as outstanding). */
    if ((RING_IDX)(prod - r->rsp_prod_pvt) > r->nr_ents)
        return fatal(pkt, NETIF_TX_R_IMPOSSIBLE_REQS);
    if (prod == cons)
        return NETIF_TX_EMPTY;

    copy_req(r, cons++, &first);
    pkt->ids[pkt->nslots++] = first.id;
    if (first.flags & NETTXF_csum_blank)
        pkt->flags |= NETIF_TX_F_CSUM_BLANK;
    if (first.flags & NETTXF_data_validated)
        pkt->flags |= NETIF_TX_F_DATA_VALIDATED;
    if ((first.flags & NETTXF_extra_info)
        && (res = parse_extras(r, prod, &cons, pkt)) != NETIF_TX_FRAME)
        return res;

    if (pkt->flags & (NETIF_TX_F_MCAST_ADD | NETIF_TX_F_MCAST_DEL)) {
        /* A "dummy" request carrying a filter update: nothing to send. */
        r->req_cons = cons;
        return NETIF_TX_CONTROL;
    }

    /* Follow-on data slots. */
    enum netif_tx_reason drop = NETIF_TX_R_NONE;
    uint32_t rest = 0;              /* sum of follow-on sizes */
    unsigned follow = 0;
    bool more = first.flags & NETTXF_more_data;
    while (more) {
        /* Announcing slot 21 is enough to know the guest is malicious. */
        if (follow == NETIF_TX_SLOTS_FATAL)
            return fatal(pkt, NETIF_TX_R_FATAL_SLOTS);
        if (cons == prod) {
            pkt->nslots++;          /* at least one more slot needed */
            return NETIF_TX_NEED_MORE;
        }
        if (follow == NETIF_TX_SLOTS_DROP && !drop)
            drop = NETIF_TX_R_TOO_MANY_SLOTS;
        copy_req(r, cons++, &req);
        if ((unsigned)req.offset + req.size > NETIF_PAGE_SIZE)
            return fatal(pkt, NETIF_TX_R_CROSS_PAGE);
        if (!drop && rest + req.size > first.size)
            drop = NETIF_TX_R_SIZE_MISMATCH;
        rest += req.size;
        pkt->ids[pkt->nslots++] = req.id;
        if (!drop)
            pkt->segs[1 + follow] = (struct netif_tx_seg){ req.gref, req.offset, req.size };
        follow++;
        more = req.flags & NETTXF_more_data;
    }

    if (!drop && first.size < NETIF_ETH_HLEN)
        drop = NETIF_TX_R_RUNT;
    if (!drop) {
        uint16_t head = (uint16_t)(first.size - rest);
        if ((unsigned)first.offset + head > NETIF_PAGE_SIZE)
            return fatal(pkt, NETIF_TX_R_CROSS_PAGE);
        pkt->segs[0] = (struct netif_tx_seg){ first.gref, first.offset, head };
        pkt->nsegs = (uint16_t)(1 + follow);
        pkt->len = first.size;
    }
    r->req_cons = cons;
    if (drop) {
        pkt->reason = drop;
        return NETIF_TX_DROP;
    }
    return NETIF_TX_FRAME;
}

int netif_tx_respond(netif_tx_back_ring_t *r, const struct netif_tx_pkt *pkt, int16_t status)
{
    RING_IDX p = r->rsp_prod_pvt;

    if (pkt->first != p || (RING_IDX)(r->req_cons - p) < pkt->nslots
        || pkt->nslots > NETIF_TX_PKT_SLOTS_MAX)
        return -EINVAL;
    for (unsigned i = 0; i < pkt->nslots; i++, p++) {
        volatile netif_tx_response_t *rsp = &r->sring->ring[p & (r->nr_ents - 1)].rsp;
        rsp->id = pkt->ids[i];
        rsp->status = (pkt->extra_mask >> i & 1) ? NETIF_RSP_NULL : status;
    }
    r->rsp_prod_pvt = p;
    return 0;
}

bool netif_tx_push(netif_tx_back_ring_t *r)
{
    return netif_ring_push_responses(NETIF_RING_IDX(r->sring), r->rsp_prod_pvt);
}

bool netif_tx_final_check(netif_tx_back_ring_t *r)
{
    return netif_ring_wait_requests(NETIF_RING_IDX(r->sring), r->req_cons, 1);
}

bool netif_tx_wait_more(netif_tx_back_ring_t *r, const struct netif_tx_pkt *pkt)
{
    return netif_ring_wait_requests(NETIF_RING_IDX(r->sring), r->req_cons, pkt->nslots);
}
