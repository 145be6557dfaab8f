/* netif_rx: RX ring slot accounting and responses (see netif_rx.h). */
#include <errno.h>
#include <string.h>

#include "netback/netif_rx.h"

static bool gso_ok(const struct netif_rx_meta *m, const struct netif_rx_features *f)
{
    if (m->gso_type == XEN_NETIF_GSO_TYPE_TCPV4)
        return f->gso_tcpv4 && f->csum_v4;
    if (m->gso_type == XEN_NETIF_GSO_TYPE_TCPV6)
        return f->gso_tcpv6 && f->csum_v6;
    return false;
}

static bool is_gso(const struct netif_rx_meta *m)
{
    return m->gso_type != XEN_NETIF_GSO_TYPE_NONE;
}

int netif_rx_slots_needed(const struct netif_rx_meta *m, const struct netif_rx_features *f)
{
    if (m->len == 0 || m->len > NETIF_RX_LEN_MAX)
        return -EMSGSIZE;
    if (is_gso(m) && (!gso_ok(m, f) || !m->gso_size))
        return -EOPNOTSUPP;
    if (m->len > NETIF_PAGE_SIZE && !f->sg)
        return -EMSGSIZE;
    return (int)((m->len + NETIF_PAGE_SIZE - 1) / NETIF_PAGE_SIZE) + is_gso(m);
}

bool netif_rx_csum_fixup(const struct netif_rx_meta *m, const struct netif_rx_features *f)
{
    if (!(m->flags & NETIF_RX_M_CSUM_PARTIAL))
        return false;
    return !((m->flags & NETIF_RX_M_IPV6) ? f->csum_v6 : f->csum_v4);
}

bool netif_rx_wait_slots(netif_rx_back_ring_t *r, unsigned needed)
{
    return netif_ring_wait_requests(NETIF_RING_IDX(r->sring), r->req_cons, needed);
}

int netif_rx_build(netif_rx_back_ring_t *r, const struct netif_rx_meta *m,
                   const struct netif_rx_features *f, struct netif_rx_pkt *pkt)
{
    int needed = netif_rx_slots_needed(m, f);
    if (needed < 0)
        return needed;

    /* More requests than the ring can hold outstanding: a broken guest. */
    RING_IDX prod = netif_ring_req_prod(NETIF_RING_IDX(r->sring));
    if ((RING_IDX)(prod - r->rsp_prod_pvt) > r->nr_ents)
        return -EPROTO;
    if (!netif_rx_wait_slots(r, (unsigned)needed))
        return -ENOSPC;

    memset(pkt, 0, offsetof(struct netif_rx_pkt, slots));
    pkt->first = r->req_cons;
    if (m->flags & NETIF_RX_M_CSUM_PARTIAL) {
        pkt->flags = netif_rx_csum_fixup(m, f) ? NETRXF_data_validated
                   : NETRXF_csum_blank | NETRXF_data_validated;
    } else if (m->flags & NETIF_RX_M_CSUM_VALID) {
        pkt->flags = NETRXF_data_validated;
    }
    if (is_gso(m)) {
        /* GSO frames are partial by nature. */
        pkt->flags |= NETRXF_csum_blank | NETRXF_data_validated | NETRXF_extra_info;
        pkt->gso.type = XEN_NETIF_EXTRA_TYPE_GSO;
        pkt->gso.flags = 0;
        pkt->gso.u.gso.size = m->gso_size;
        pkt->gso.u.gso.type = m->gso_type;
        pkt->gso.u.gso.pad = 0;
        pkt->gso.u.gso.features = 0;
    }

    uint32_t off = 0;
    for (int i = 0; i < needed; i++) {
        RING_IDX ri = r->req_cons++;
        const volatile netif_rx_request_t *q = &r->sring->ring[ri & (r->nr_ents - 1)].req;
        struct netif_rx_slot *s = &pkt->slots[i];
        s->id = q->id;
        s->gref = q->gref;
        s->extra = is_gso(m) && i == 1;
        if (s->extra) {
            s->len = 0;
            s->frame_off = off;
        } else {
            uint32_t chunk = m->len - off;
            s->len = (uint16_t)(chunk > NETIF_PAGE_SIZE ? NETIF_PAGE_SIZE : chunk);
            s->frame_off = off;
            off += s->len;
        }
    }
    pkt->nslots = (uint16_t)needed;
    return 0;
}

int netif_rx_respond(netif_rx_back_ring_t *r, const struct netif_rx_pkt *pkt, const bool *ok)
{
    if (pkt->first != r->rsp_prod_pvt || (RING_IDX)(r->req_cons - pkt->first) < pkt->nslots
        || pkt->nslots > NETIF_RX_SLOTS_MAX || !pkt->nslots)
        return -EINVAL;

    /* Index of the last data slot, to know where more_data stops. */
    unsigned last = pkt->nslots - 1;
    while (last > 0 && pkt->slots[last].extra)
        last--;
    unsigned data = 0;
    for (unsigned i = 0; i < pkt->nslots; i++) {
        const struct netif_rx_slot *s = &pkt->slots[i];
        RING_IDX ri = pkt->first + i;
        union netif_rx_sring_entry *e = &r->sring->ring[ri & (r->nr_ents - 1)];
        if (s->extra) {
            volatile netif_extra_info_t *x = (volatile netif_extra_info_t *)&e->rsp;
            x->type = pkt->gso.type;
            x->flags = pkt->gso.flags;
            for (unsigned k = 0; k < 3; k++)
                x->u.pad[k] = pkt->gso.u.pad[k];
            continue;
        }
        volatile netif_rx_response_t *rsp = &e->rsp;
        uint16_t flags = i == 0 ? pkt->flags : 0;
        if (i != last)
            flags |= NETRXF_more_data;
        rsp->id = s->id;
        rsp->offset = 0;
        rsp->flags = flags;
        rsp->status = (ok && !ok[data]) ? NETIF_RSP_ERROR : (int16_t)s->len;
        data++;
    }
    r->rsp_prod_pvt = pkt->first + pkt->nslots;
    return 0;
}

bool netif_rx_push(netif_rx_back_ring_t *r)
{
    return netif_ring_push_responses(NETIF_RING_IDX(r->sring), r->rsp_prod_pvt);
}
