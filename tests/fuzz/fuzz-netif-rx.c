/* libFuzzer target: the RX ring functions (netif_rx) against a hostile
 * guest.
 *
 * The input is a script.  Header (6 bytes): u32 start index (where
 * req_cons, rsp_prod and the guest's indices begin: 32-bit wrap), u8
 * guest features, u8 request pattern key.  Then operations, one byte of
 * opcode and its operands (missing bytes are zero):
 *
 *     'F' u16 len, u8 hi|flags, u8 gso_type, u16 gso_size
 *              a frame for the guest: netif_rx_build() it (as vif_rx does)
 *     'P' u8 n     the guest posts n more requests (req_prod += n)
 *     'J' u32 v    the guest writes req_prod = start + v (anything)
 *     'S' u8 slot, u8 x 8   the guest scribbles on a ring slot
 *     'R' u8 n, u8 okmask   answer the n oldest frames (okmask: failed
 *              copies), push, and read the responses back as netfront does
 *     'O'          answer the newest frame first (must be refused)
 *     'E' u8 k     the guest sets rsp_event = its rsp_cons + k
 *     'W' u8 n     netif_rx_wait_slots(n)
 *
 * Checked after every step, besides ASan/UBSan: the return codes are the
 * documented ones; a built frame consumed exactly netif_rx_slots_needed()
 * requests, all of them produced by the guest and never more than the ring
 * holds outstanding; its slots carry the requests' id and gref as they
 * were when built, data slots cover the frame contiguously in pieces of at
 * most one page, the GSO extra is in slot 1 iff the frame is GSO; a refused
 * frame consumed nothing (-ENOSPC leaves req_event asking for the slots);
 * responses are written in the frames' own slots, in order, and a netfront
 * reading them gets back every frame with its length (or an error status
 * where a copy failed), its flags and its GSO extra; the notify decision
 * follows rsp_event. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netback/netif_rx.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define FUZZ_OPS_MAX 512                /* operations per input */
#define FUZZ_INFLIGHT NETIF_RX_BATCH_FRAMES   /* built, not yet answered */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
    const uint8_t *p;
    size_t n;
};

static uint8_t u8(struct in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static uint16_t u16(struct in *in)
{
    uint16_t lo = u8(in);
    return (uint16_t)(lo | u8(in) << 8);
}

static uint32_t u32(struct in *in)
{
    uint32_t lo = u16(in);
    return lo | (uint32_t)u16(in) << 16;
}

struct inflight {
    struct netif_rx_pkt pkt;
    struct netif_rx_meta meta;
};

struct state {
    netif_rx_sring_t *s;
    netif_rx_back_ring_t r;
    RING_IDX guest_prod;                 /* the guest's req_prod_pvt */
    RING_IDX guest_cons;                 /* the guest's rsp_cons */
    uint8_t key;
    struct netif_rx_features f;
    struct inflight q[FUZZ_INFLIGHT];
    unsigned nq;
};

/* What the guest writes in request i (ids and grefs as a netfront would
 * vary them; the checks compare with the ring, not with this). */
static uint16_t pat_id(const struct state *st, RING_IDX i) { return (uint16_t)(i * 7 + st->key); }
static uint32_t pat_gref(const struct state *st, RING_IDX i) { return i * 13 + st->key + 8; }

static void guest_post(struct state *st, unsigned n)
{
    for (unsigned k = 0; k < n; k++, st->guest_prod++) {
        netif_rx_request_t *q = &st->s->ring[st->guest_prod & 255].req;
        q->id = pat_id(st, st->guest_prod);
        q->gref = pat_gref(st, st->guest_prod);
    }
    st->s->req_prod = st->guest_prod;
}

static void do_frame(struct state *st, struct in *in)
{
    struct netif_rx_meta m = { 0 };
    uint16_t len = u16(in);
    uint8_t fl = u8(in);
    m.len = len | (uint32_t)(fl >> 6) << 16;          /* up to 4 * 64 KiB */
    m.flags = fl & (NETIF_RX_M_CSUM_PARTIAL | NETIF_RX_M_CSUM_VALID | NETIF_RX_M_IPV6);
    m.gso_type = u8(in) % 4;
    m.gso_size = u16(in);

    int needed = netif_rx_slots_needed(&m, &st->f);
    CHECK(needed == -EMSGSIZE || needed == -EOPNOTSUPP
          || (needed >= 1 && needed <= NETIF_RX_SLOTS_MAX));
    if (needed > 0) {
        CHECK(m.len >= 1 && m.len <= NETIF_RX_LEN_MAX);
        CHECK(m.len <= NETIF_PAGE_SIZE || st->f.sg);
    }
    if (st->nq == FUZZ_INFLIGHT)
        return;                                        /* the batch is full */

    RING_IDX cons0 = st->r.req_cons, prod = st->s->req_prod;
    struct netif_rx_pkt *pkt = &st->q[st->nq].pkt;
    int e = netif_rx_build(&st->r, &m, &st->f, pkt);
    if (e) {
        CHECK(st->r.req_cons == cons0);
        CHECK(needed < 0 ? e == needed : e == -ENOSPC || e == -EPROTO);
        if (e == -ENOSPC) {
            CHECK((RING_IDX)(prod - cons0) < (unsigned)needed);
            CHECK(st->s->req_event == cons0 + (unsigned)needed);
        }
        if (e == -EPROTO)
            CHECK((RING_IDX)(prod - st->r.rsp_prod_pvt) > st->r.nr_ents
                  || (RING_IDX)(prod - cons0) > (RING_IDX)(prod - st->r.rsp_prod_pvt));
        return;
    }
    CHECK(needed > 0);
    CHECK(pkt->first == cons0 && pkt->nslots == needed);
    CHECK(st->r.req_cons == cons0 + (unsigned)needed);
    /* only what the guest produced, never more than the ring outstanding */
    CHECK((RING_IDX)(st->r.req_cons - st->r.rsp_prod_pvt)
          <= (RING_IDX)(prod - st->r.rsp_prod_pvt));
    CHECK((RING_IDX)(st->r.req_cons - st->r.rsp_prod_pvt) <= st->r.nr_ents);
    CHECK(!(pkt->flags & NETRXF_more_data));
    CHECK(!(pkt->flags & NETRXF_csum_blank) || (pkt->flags & NETRXF_data_validated));
    bool gso = m.gso_type != XEN_NETIF_GSO_TYPE_NONE;
    CHECK(!!(pkt->flags & NETRXF_extra_info) == gso);
    if (gso)
        CHECK(pkt->gso.type == XEN_NETIF_EXTRA_TYPE_GSO && pkt->gso.u.gso.size == m.gso_size
              && pkt->gso.u.gso.size && pkt->gso.u.gso.type == m.gso_type
              && (pkt->flags & NETRXF_csum_blank));
    uint32_t off = 0;
    for (unsigned i = 0; i < pkt->nslots; i++) {
        const struct netif_rx_slot *sl = &pkt->slots[i];
        CHECK(sl->extra == (gso && i == 1));
        /* copied from the request as it was (scribbles included) */
        CHECK(sl->id == st->s->ring[(cons0 + i) & 255].req.id);
        CHECK(sl->gref == st->s->ring[(cons0 + i) & 255].req.gref);
        if (sl->extra)
            continue;
        CHECK(sl->frame_off == off && sl->len >= 1 && sl->len <= NETIF_PAGE_SIZE);
        off += sl->len;
    }
    CHECK(off == m.len);
    st->q[st->nq++].meta = m;
}

/* What netfront reads back: frame by frame from its rsp_cons. */
static void guest_read(struct state *st, const struct inflight *fr, const bool *ok)
{
    const struct netif_rx_pkt *pkt = &fr->pkt;
    RING_IDX i = st->guest_cons;
    uint32_t len = 0;
    unsigned data = 0;
    bool failed = false;

    CHECK(i == pkt->first);
    for (unsigned k = 0; k < pkt->nslots; k++, i++) {
        const union netif_rx_sring_entry *e = &st->s->ring[i & 255];
        if (k == 1 && (pkt->flags & NETRXF_extra_info)) {
            const netif_extra_info_t *x = (const netif_extra_info_t *)&e->rsp;
            CHECK(x->type == XEN_NETIF_EXTRA_TYPE_GSO && !(x->flags & XEN_NETIF_EXTRA_FLAG_MORE));
            CHECK(x->u.gso.size == fr->meta.gso_size && x->u.gso.type == fr->meta.gso_type);
            continue;
        }
        const netif_rx_response_t *rsp = &e->rsp;
        CHECK(rsp->id == pkt->slots[k].id && rsp->offset == 0);
        if (k == 0)
            CHECK((rsp->flags & ~NETRXF_more_data) == pkt->flags);
        bool last = k + 1 == pkt->nslots || (k + 2 == pkt->nslots && pkt->slots[k + 1].extra);
        CHECK(!!(rsp->flags & NETRXF_more_data) == !last);
        if (ok && !ok[data]) {
            CHECK(rsp->status == NETIF_RSP_ERROR);
            failed = true;
        } else {
            CHECK(rsp->status > 0 && rsp->status <= NETIF_PAGE_SIZE);
            len += (uint32_t)rsp->status;
        }
        data++;
    }
    CHECK(failed || len == fr->meta.len);
    st->guest_cons = i;
}

static void do_respond(struct state *st, struct in *in)
{
    unsigned n = u8(in) % (FUZZ_INFLIGHT + 1);
    uint8_t mask = u8(in);
    if (n > st->nq)
        n = st->nq;
    if (!n)
        return;
    RING_IDX old = st->s->rsp_prod;
    for (unsigned k = 0; k < n; k++) {
        bool ok[NETIF_RX_SLOTS_MAX];
        for (unsigned d = 0; d < NETIF_RX_SLOTS_MAX; d++)
            ok[d] = !(mask >> ((k + d) & 7) & 1) || !(mask & 0x80);
        CHECK(netif_rx_respond(&st->r, &st->q[k].pkt, ok) == 0);
        CHECK(st->r.rsp_prod_pvt == st->q[k].pkt.first + st->q[k].pkt.nslots);
    }
    RING_IDX ev = st->s->rsp_event, prod = st->r.rsp_prod_pvt;
    bool notify = netif_rx_push(&st->r);
    CHECK(st->s->rsp_prod == prod);
    CHECK(notify == ((RING_IDX)(prod - ev) < (RING_IDX)(prod - old)));
    for (unsigned k = 0; k < n; k++) {
        bool ok[NETIF_RX_SLOTS_MAX];
        for (unsigned d = 0; d < NETIF_RX_SLOTS_MAX; d++)
            ok[d] = !(mask >> ((k + d) & 7) & 1) || !(mask & 0x80);
        guest_read(st, &st->q[k], ok);
    }
    memmove(st->q, st->q + n, (st->nq - n) * sizeof st->q[0]);
    st->nq -= n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static _Alignas(4096) uint8_t page[4096];
    static struct state st;
    struct in in = { data, size };

    memset(page, 0xee, sizeof page);                   /* stale junk */
    memset(&st, 0, sizeof st);
    st.s = (netif_rx_sring_t *)page;
    RING_IDX start = u32(&in);
    uint8_t feat = u8(&in);
    st.key = u8(&in);
    st.f = (struct netif_rx_features){
        .sg = feat & 1, .gso_tcpv4 = feat & 2, .gso_tcpv6 = feat & 4,
        .csum_v4 = feat & 8, .csum_v6 = feat & 16,
    };
    st.s->req_prod = st.s->rsp_prod = start;
    st.s->req_event = st.s->rsp_event = start + 1;
    BACK_RING_ATTACH(&st.r, st.s, start, 4096);
    CHECK(st.r.nr_ents == 256);
    st.guest_prod = st.guest_cons = start;

    for (unsigned ops = 0; in.n && ops < FUZZ_OPS_MAX; ops++) {
        switch (u8(&in)) {
        case 'F':
            do_frame(&st, &in);
            break;
        case 'P':
            guest_post(&st, u8(&in));
            break;
        case 'J': {
            RING_IDX v = start + u32(&in);
            st.s->req_prod = v;
            st.guest_prod = v;
            break;
        }
        case 'S': {
            uint8_t *slot = (uint8_t *)&st.s->ring[u8(&in)];
            for (unsigned k = 0; k < 8; k++)
                slot[k] = u8(&in);
            break;
        }
        case 'R':
            do_respond(&st, &in);
            break;
        case 'O':
            if (st.nq >= 2) {
                RING_IDX p = st.r.rsp_prod_pvt;
                CHECK(netif_rx_respond(&st.r, &st.q[st.nq - 1].pkt, NULL) == -EINVAL);
                CHECK(st.r.rsp_prod_pvt == p);
            }
            break;
        case 'E':
            st.s->rsp_event = st.guest_cons + u8(&in);
            break;
        case 'W': {
            unsigned n = u8(&in);
            RING_IDX cons = st.r.req_cons;
            bool have = netif_rx_wait_slots(&st.r, n);
            CHECK(have == ((RING_IDX)(st.s->req_prod - cons) >= n));
            CHECK(have || st.s->req_event == cons + n);
            CHECK(st.r.req_cons == cons);
            break;
        }
        default:
            break;
        }
    }
    return 0;
}
