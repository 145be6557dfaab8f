/* simfront: a netfront over the simulated hypervisor (see simfront.h).
 *
 * Guest memory layout (pfns):
 *     0            TX shared ring
 *     1            RX shared ring
 *     2..257       TX buffers: id i uses page 2+i, granted read-only
 *     258..513     RX buffers: ring slot i uses page 258+i, granted writable
 *     514..577     spare pages for raw (hostile) sends
 * TX ids are recycled from the responses; RX buffers are found by ring
 * position (rsp_cons & 255), as Linux netfront does. */
/* ring.h's frontend barriers (xen-compat maps xen_mb to mb) */
#define mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netback/xenif_sim.h"
#include "tests/sim/simfront.h"

#define PFN_TX_RING 0
#define PFN_RX_RING 1
#define PFN_TX0 2
#define PFN_RX0 (PFN_TX0 + NF_TX_IDS)
#define PFN_SPARE0 (PFN_RX0 + NF_RX_BUFS)
#define NF_SPARE_PAGES 64
#define NF_PAGES (PFN_SPARE0 + NF_SPARE_PAGES)
#define NF_GRANTS 1024
#define NF_RX_SLOTS_MAX (XEN_NETIF_NR_SLOTS_MIN + 1)
#define NF_EVENTS_PER_POLL 64           /* event channel reads per nf_poll() */

struct nf {
    struct xsim_dom *dom;
    struct nf_options opt;
    uint8_t mac[6];
    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    uint32_t tx_ring_ref, rx_ring_ref;
    int port_tx, port_rx;
    uint32_t tx_gref[NF_TX_IDS], rx_gref[NF_RX_BUFS], spare_gref[NF_SPARE_PAGES];
    uint32_t revoked_gref;              /* granted once, then made invalid */
    uint16_t free_ids[NF_TX_IDS];
    unsigned n_free_ids;
    bool inflight[NF_TX_IDS];
    unsigned rx_posting;
    bool tx_pending_kick;
    bool tx_same_frame, rx_nocopy;
    uint8_t tx_chunk[NF_TX_IDS];        /* same-frame chunk + 1 a page holds */
    nf_rx_cb *rx_cb;
    void *rx_ctx;
    struct nf_stats stats;
    uint8_t frame[NF_FRAME_MAX + 4096];
};

static inline unsigned MIN_U(unsigned a, unsigned b) { return a < b ? a : b; }

static uint8_t *page(struct nf *nf, uint32_t pfn) { return xsim_dom_page(nf->dom, pfn); }

struct nf *nf_create(const struct nf_options *o, char *err, size_t errlen)
{
    struct nf *nf = calloc(1, sizeof *nf);
    if (!nf) {
        snprintf(err, errlen, "simfront: out of memory");
        return NULL;
    }
    nf->opt = *o;
    nf->dom = xsim_dom_create(o->dir, o->domid, NF_PAGES, NF_GRANTS, err, errlen);
    if (!nf->dom) {
        free(nf);
        return NULL;
    }
    for (unsigned i = 0; i < NF_PAGES; i++)
        xsim_dom_alloc_page(nf->dom);
    uint16_t be = o->backend_domid;

    netif_tx_sring_t *ts = (netif_tx_sring_t *)page(nf, PFN_TX_RING);
    netif_rx_sring_t *rs = (netif_rx_sring_t *)page(nf, PFN_RX_RING);
    SHARED_RING_INIT(ts);
    SHARED_RING_INIT(rs);
    FRONT_RING_INIT(&nf->tx, ts, 4096);
    FRONT_RING_INIT(&nf->rx, rs, 4096);
    nf->tx_ring_ref = (uint32_t)xsim_gnt_grant(nf->dom, PFN_TX_RING, be, false);
    nf->rx_ring_ref = (uint32_t)xsim_gnt_grant(nf->dom, PFN_RX_RING, be, false);
    for (unsigned i = 0; i < NF_TX_IDS; i++) {
        nf->tx_gref[i] = (uint32_t)xsim_gnt_grant(nf->dom, PFN_TX0 + i, be, true);
        nf->free_ids[nf->n_free_ids++] = (uint16_t)(NF_TX_IDS - 1 - i);
    }
    for (unsigned i = 0; i < NF_RX_BUFS; i++)
        nf->rx_gref[i] = (uint32_t)xsim_gnt_grant(nf->dom, PFN_RX0 + i, be, false);
    for (unsigned i = 0; i < NF_SPARE_PAGES; i++)
        nf->spare_gref[i] = (uint32_t)xsim_gnt_grant(nf->dom, PFN_SPARE0 + i, be, true);
    /* A revoked ref that stays allocated, so it is never handed out (and
     * valid) again: a copy through it fails every time. */
    nf->revoked_gref = (uint32_t)xsim_gnt_grant(nf->dom, PFN_SPARE0, be, true);
    xsim_gnt_set_raw(nf->dom, nf->revoked_gref, 0);

    nf->port_tx = nf->port_rx = xsim_evtchn_alloc_unbound(nf->dom, be);
    if (o->split)
        nf->port_rx = xsim_evtchn_alloc_unbound(nf->dom, be);
    if (nf->port_tx < 0 || nf->port_rx < 0) {
        snprintf(err, errlen, "simfront dom%u: event channel: %s", o->domid,
                 strerror(-(nf->port_tx < 0 ? nf->port_tx : nf->port_rx)));
        nf_destroy(nf);
        return NULL;
    }
    /* A locally administered MAC derived from the domid. */
    uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x5c, (uint8_t)(o->domid >> 8), (uint8_t)o->domid };
    memcpy(nf->mac, mac, 6);
    nf_set_rx_posting(nf, o->rx_limit ? o->rx_buffers : NF_RX_BUFS);
    return nf;
}

void nf_destroy(struct nf *nf)
{
    if (!nf)
        return;
    xsim_dom_destroy(nf->dom);
    free(nf);
}

void nf_set_rx_cb(struct nf *nf, nf_rx_cb *cb, void *ctx)
{
    nf->rx_cb = cb;
    nf->rx_ctx = ctx;
}

void nf_set_mac(struct nf *nf, const uint8_t mac[6]) { memcpy(nf->mac, mac, 6); }

void nf_set_tx_same_frame(struct nf *nf, bool on)
{
    nf->tx_same_frame = on;
    memset(nf->tx_chunk, 0, sizeof nf->tx_chunk);
}

void nf_set_rx_copy(struct nf *nf, bool on) { nf->rx_nocopy = !on; }
int nf_fd(struct nf *nf) { return xsim_evtchn_fd(nf->dom); }

bool nf_backend_attached(struct nf *nf)
{
    return xsim_evtchn_is_bound(nf->dom, (uint32_t)nf->port_tx)
        && xsim_evtchn_is_bound(nf->dom, (uint32_t)nf->port_rx);
}
const struct nf_stats *nf_get_stats(const struct nf *nf) { return &nf->stats; }

/* ---- info file (what netfront would write in xenstore) ---- */

#ifndef SIMFRONT_NO_INFO_READER     /* it reads the file back: nf_read_info() */
int nf_publish(struct nf *nf, struct vif_frontend *fe)
{
    char path[512];
    uint16_t d;
    uint32_t devid;
    uint8_t mac[6];
    int e;

    if (snprintf(path, sizeof path, "%s/dom%u.info", nf->opt.dir, nf->opt.domid)
        >= (int)sizeof path)
        return -ENAMETOOLONG;
    e = nf_write_info(nf, path);
    return e ? e : nf_read_info(path, &d, &devid, fe, mac);
}
#endif

int nf_write_info(struct nf *nf, const char *path)
{
    char tmp[512];
    const struct vif_frontend *f = &nf->opt.features;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return -ENAMETOOLONG;
    FILE *fp = fopen(tmp, "w");
    if (!fp)
        return -errno;
    fprintf(fp, "domid=%u\ndevid=%u\n", nf->opt.domid, nf->opt.devid);
    fprintf(fp, "tx-ring-ref=%u\nrx-ring-ref=%u\n", nf->tx_ring_ref, nf->rx_ring_ref);
    if (nf->opt.split)
        fprintf(fp, "event-channel-tx=%d\nevent-channel-rx=%d\n", nf->port_tx, nf->port_rx);
    else
        fprintf(fp, "event-channel=%d\n", nf->port_tx);
    fprintf(fp, "request-rx-copy=1\nfeature-rx-notify=%d\nfeature-sg=%d\n"
            "feature-gso-tcpv4=%d\nfeature-gso-tcpv6=%d\nfeature-ipv6-csum-offload=%d\n"
            "feature-no-csum-offload=%d\nrequest-multicast-control=%d\n",
            f->rx_notify, f->rx.sg, f->rx.gso_tcpv4, f->rx.gso_tcpv6, f->rx.csum_v6,
            !f->rx.csum_v4, f->mcast_control);
    fprintf(fp, "mac=%02x:%02x:%02x:%02x:%02x:%02x\n", nf->mac[0], nf->mac[1], nf->mac[2],
            nf->mac[3], nf->mac[4], nf->mac[5]);
    if (fclose(fp))
        return -errno;
    return rename(tmp, path) ? -errno : 0;
}

#ifndef SIMFRONT_NO_INFO_READER     /* tests/xen/guest-evilfront.c: no vif_frontend_parse() */
#define INFO_KEYS_MAX 32

struct info_kv {
    unsigned n;
    char key[INFO_KEYS_MAX][64], val[INFO_KEYS_MAX][64];
};

static const char *info_get(void *ctx, const char *key)
{
    struct info_kv *kv = ctx;
    for (unsigned i = 0; i < kv->n; i++)
        if (!strcmp(kv->key[i], key))
            return kv->val[i];
    return NULL;
}

/* The info file is read like the frontend's xenstore directory: through
 * vif_frontend_parse(), the validation the daemon uses. */
int nf_read_info(const char *path, uint16_t *domid, uint32_t *devid,
                 struct vif_frontend *fe, uint8_t mac[6])
{
    static struct info_kv kv;
    char line[256], err[160];
    unsigned m[6];
    FILE *fp = fopen(path, "r");

    if (!fp)
        return -errno;
    kv.n = 0;
    while (fgets(line, sizeof line, fp) && kv.n < INFO_KEYS_MAX)
        if (sscanf(line, "%63[^=]=%63s", kv.key[kv.n], kv.val[kv.n]) == 2)
            kv.n++;
    fclose(fp);
    const char *d = info_get(&kv, "domid"), *n = info_get(&kv, "devid");
    const char *mc = info_get(&kv, "mac");
    if (!d || !n || !mc || sscanf(mc, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
                                  &m[4], &m[5]) != 6)
        return -EINVAL;
    *domid = (uint16_t)atoi(d);
    *devid = (uint32_t)atoi(n);
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)m[i];
    int e = vif_frontend_parse(fe, info_get, &kv, err, sizeof err);
    if (e)
        fprintf(stderr, "simfront: %s: %s\n", path, err);
    return e;
}
#endif

/* ---- TX ---- */

unsigned nf_tx_free(const struct nf *nf)
{
    unsigned ring = RING_FREE_REQUESTS(&nf->tx);
    return MIN_U(ring, nf->n_free_ids);
}

static unsigned tx_slots(uint32_t len)
{
    return len ? (len + 4095) / 4096 : 1;
}

bool nf_tx_fits(const struct nf *nf, uint32_t len, bool gso)
{
    unsigned ring = RING_FREE_REQUESTS(&nf->tx);
    unsigned need = tx_slots(len);
    return nf->n_free_ids >= need && ring >= need + gso;
}

static netif_tx_request_t *tx_next(struct nf *nf)
{
    return RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt++);
}

int nf_send(struct nf *nf, const uint8_t *frame, uint32_t len, const struct nf_offload *off)
{
    bool gso = off && off->gso_type;
    unsigned n = tx_slots(len);
    if (len > NF_FRAME_MAX || n > XEN_NETIF_NR_SLOTS_MIN)
        return -EMSGSIZE;
    if (!nf_tx_fits(nf, len, gso))
        return -ENOSPC;
    for (unsigned k = 0; k < n; k++) {
        uint16_t id = nf->free_ids[--nf->n_free_ids];
        uint32_t chunk = MIN_U(len - k * 4096u, 4096u);
        if (!nf->tx_same_frame || nf->tx_chunk[id] != k + 1) {
            memcpy(page(nf, PFN_TX0 + id), frame + k * 4096u, chunk);
            nf->tx_chunk[id] = nf->tx_same_frame ? (uint8_t)(k + 1) : 0;
        }
        nf->inflight[id] = true;
        netif_tx_request_t *q = tx_next(nf);
        q->gref = nf->tx_gref[id];
        q->offset = 0;
        q->id = id;
        q->size = (uint16_t)(k == 0 ? len : chunk);
        q->flags = k + 1 < n ? NETTXF_more_data : 0;
        if (k == 0) {
            if (off && off->csum_blank)
                q->flags |= NETTXF_csum_blank | NETTXF_data_validated;
            else if (off && off->data_validated)
                q->flags |= NETTXF_data_validated;
            if (gso) {
                q->flags |= NETTXF_extra_info;
                netif_extra_info_t *x = (netif_extra_info_t *)tx_next(nf);
                memset(x, 0, sizeof *x);
                x->type = XEN_NETIF_EXTRA_TYPE_GSO;
                x->u.gso.size = off->gso_size;
                x->u.gso.type = off->gso_type;
            }
        }
    }
    nf->stats.tx_frames++;
    nf->stats.tx_bytes += len;
    nf->tx_pending_kick = true;
    return 0;
}

void nf_flush(struct nf *nf)
{
    int notify;
    if (!nf->tx_pending_kick)
        return;
    nf->tx_pending_kick = false;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
    if (notify) {
        xsim_evtchn_notify(nf->dom, (uint32_t)nf->port_tx);
        nf->stats.kicks_sent++;
    }
}

static void tx_responses(struct nf *nf)
{
    int more;
    do {
        RING_IDX prod = nf->tx.sring->rsp_prod;
        rmb();
        for (RING_IDX i = nf->tx.rsp_cons; i != prod; i++) {
            netif_tx_response_t *r = RING_GET_RESPONSE(&nf->tx, i);
            if (r->status == NETIF_RSP_NULL)
                continue;
            nf->stats.tx_responses++;
            if (r->id >= NF_TX_IDS || !nf->inflight[r->id]) {
                nf->stats.tx_errors++;          /* netfront would call it broken */
                continue;
            }
            nf->inflight[r->id] = false;
            nf->free_ids[nf->n_free_ids++] = r->id;
            if (r->status != NETIF_RSP_OKAY)
                nf->stats.tx_errors++;
        }
        nf->tx.rsp_cons = prod;
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->tx, more);
    } while (more);
}

uint32_t nf_tx_outstanding(const struct nf *nf)
{
    return nf->tx.req_prod_pvt - nf->tx.rsp_cons;
}

/* ---- RX ---- */

static void rx_post(struct nf *nf)
{
    int notify;
    bool any = false;
    while (nf->rx.req_prod_pvt - nf->rx.rsp_cons < nf->rx_posting) {
        RING_IDX i = nf->rx.req_prod_pvt++;
        netif_rx_request_t *q = RING_GET_REQUEST(&nf->rx, i);
        q->id = (uint16_t)(i & (NF_RX_BUFS - 1));
        q->gref = nf->rx_gref[i & (NF_RX_BUFS - 1)];
        any = true;
    }
    if (!any)
        return;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
    if (notify) {
        xsim_evtchn_notify(nf->dom, (uint32_t)nf->port_rx);
        nf->stats.kicks_sent++;
    }
}

void nf_set_rx_posting(struct nf *nf, unsigned n)
{
    nf->rx_posting = MIN_U(n, NF_RX_BUFS);
    rx_post(nf);
}

uint32_t nf_rx_posted(const struct nf *nf)
{
    return nf->rx.req_prod_pvt - nf->rx.rsp_cons;
}

/* One frame starting at rsp_cons; false if it is not complete yet. */
static bool rx_one(struct nf *nf, RING_IDX prod)
{
    RING_IDX i = nf->rx.rsp_cons;
    netif_rx_response_t first = *RING_GET_RESPONSE(&nf->rx, i);
    struct nf_offload off = { 0 };
    uint32_t len = 0;
    unsigned slots = 0;
    bool bad = false, more;
    uint16_t flags = first.flags;

    off.csum_blank = flags & NETRXF_csum_blank;
    off.data_validated = flags & NETRXF_data_validated;
    RING_IDX at = i;
    netif_rx_response_t r = first;
    for (;;) {
        if (at == prod)
            return false;
        if (at != i)
            r = *RING_GET_RESPONSE(&nf->rx, at);
        unsigned slot_page = at & (NF_RX_BUFS - 1);
        at++;
        if (r.status < 0 || r.offset + (unsigned)r.status > 4096 || ++slots > NF_RX_SLOTS_MAX
            || len + (unsigned)r.status > sizeof nf->frame)
            bad = true;
        else {
            if (!nf->rx_nocopy)
                memcpy(nf->frame + len, page(nf, PFN_RX0 + slot_page) + r.offset,
                       (size_t)r.status);
            len += (uint32_t)r.status;
        }
        if (at - 1 == i && (flags & NETRXF_extra_info)) {
            /* extras follow the first slot */
            netif_extra_info_t x;
            do {
                if (at == prod)
                    return false;
                memcpy(&x, RING_GET_RESPONSE(&nf->rx, at), sizeof x);
                at++;
                if (x.type == XEN_NETIF_EXTRA_TYPE_GSO) {
                    off.gso_type = x.u.gso.type;
                    off.gso_size = x.u.gso.size;
                    if (!x.u.gso.size)
                        bad = true;
                }
            } while (x.flags & XEN_NETIF_EXTRA_FLAG_MORE);
        }
        more = r.flags & NETRXF_more_data;
        if (!more)
            break;
    }
    nf->rx.rsp_cons = at;
    if (bad) {
        nf->stats.rx_errors++;
        return true;
    }
    nf->stats.rx_frames++;
    nf->stats.rx_bytes += len;
    if (nf->rx_cb)
        nf->rx_cb(nf->rx_ctx, nf->frame, len, &off);
    return true;
}

static void rx_responses(struct nf *nf)
{
    int more;
    do {
        RING_IDX prod = nf->rx.sring->rsp_prod;
        rmb();
        while (nf->rx.rsp_cons != prod && rx_one(nf, prod))
            continue;
        rx_post(nf);
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
    } while (more);
}

/* ---- events ---- */

void nf_poll(struct nf *nf)
{
    int port;
    /* bounded: a port raised again as fast as it is unmasked must not keep
     * the caller from its own work (its orders, its exit) */
    for (unsigned n = 0; n < NF_EVENTS_PER_POLL && (port = xsim_evtchn_pending(nf->dom)) > 0;
         n++) {
        nf->stats.events++;
        xsim_evtchn_unmask(nf->dom, (uint32_t)port);
    }
    tx_responses(nf);
    rx_responses(nf);
}

void nf_kick(struct nf *nf)
{
    xsim_evtchn_notify(nf->dom, (uint32_t)nf->port_tx);
    if (nf->port_rx != nf->port_tx)
        xsim_evtchn_notify(nf->dom, (uint32_t)nf->port_rx);
}

/* ---- misbehaving ---- */

int nf_send_raw(struct nf *nf, const struct nf_raw_slot *s, unsigned n, const uint8_t *fill,
                uint32_t fill_len)
{
    unsigned spare = 0;
    if (n > RING_FREE_REQUESTS(&nf->tx))
        n = RING_FREE_REQUESTS(&nf->tx);
    for (unsigned k = 0; k < n; k++) {
        netif_tx_request_t *q = tx_next(nf);
        if (s[k].extra) {
            netif_extra_info_t *x = (netif_extra_info_t *)q;
            memset(x, 0, sizeof *x);
            x->type = s[k].extra_type;
            x->flags = s[k].extra_flags;
            if (x->type == XEN_NETIF_EXTRA_TYPE_MCAST_ADD
                || x->type == XEN_NETIF_EXTRA_TYPE_MCAST_DEL) {
                memcpy(x->u.mcast.addr, s[k].mcast, 6);
            } else {
                x->u.gso.size = s[k].gso_size;
                x->u.gso.type = s[k].gso_type;
            }
            continue;
        }
        unsigned pg = spare++ % NF_SPARE_PAGES;
        if (fill && fill_len)
            memcpy(page(nf, PFN_SPARE0 + pg), fill, MIN_U(fill_len, 4096u));
        switch (s[k].gref_kind) {
        case NF_GREF_GOOD: q->gref = nf->spare_gref[pg]; break;
        case NF_GREF_BAD: q->gref = NF_GRANTS - 1; break;
        case NF_GREF_REVOKED: q->gref = nf->revoked_gref; break;
        case NF_GREF_RAW: q->gref = s[k].gref; break;
        }
        q->offset = s[k].offset;
        q->flags = s[k].flags;
        q->size = s[k].size;
        q->id = (uint16_t)(0x8000 | k);      /* never one of our real ids */
    }
    nf->tx_pending_kick = true;
    return (int)n;
}

void nf_jump_tx_req_prod(struct nf *nf, uint32_t delta)
{
    wmb();
    nf->tx.sring->req_prod = nf->tx.req_prod_pvt + delta;
    mb();
}
