/* netif_ring: index handling shared by the TX and RX back rings.
 *
 * Every Xen shared ring page starts with the same four indices
 * (req_prod, req_event, rsp_prod, rsp_event).  These helpers are the
 * userspace versions of the ring.h notification macros, with real barriers:
 * the guest runs on another CPU, so a compiler barrier is not enough where
 * the protocol needs a full one (store our event/producer, then load the
 * other side's).  All of them take the index block, so one implementation
 * serves both ring types.
 *
 * Indices are free-running 32-bit counters: only differences are compared,
 * never absolute values. */
#ifndef XVS_NETIF_RING_H
#define XVS_NETIF_RING_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/netif.h>

#define NETIF_PAGE_SIZE 4096        /* XEN_PAGE_SIZE: grant and ring unit */

struct netif_ring_idx {
    RING_IDX req_prod, req_event;
    RING_IDX rsp_prod, rsp_event;
};

_Static_assert(offsetof(struct netif_tx_sring, rsp_event)
               == offsetof(struct netif_ring_idx, rsp_event), "tx sring layout");
_Static_assert(offsetof(struct netif_rx_sring, rsp_event)
               == offsetof(struct netif_ring_idx, rsp_event), "rx sring layout");

#define NETIF_RING_IDX(sring) ((struct netif_ring_idx *)(void *)(sring))

/* Read the guest's producer once; later reads of the slots are ordered
 * after it (the rmb of the protocol). */
static inline RING_IDX netif_ring_req_prod(const struct netif_ring_idx *r)
{
    return __atomic_load_n(&r->req_prod, __ATOMIC_ACQUIRE);
}

/* Publish responses up to `rsp_prod_pvt` and say whether the guest asked to
 * be notified: true iff rsp_event lies in (old rsp_prod, new rsp_prod]
 * (RING_PUSH_RESPONSES_AND_CHECK_NOTIFY). */
static inline bool netif_ring_push_responses(struct netif_ring_idx *r, RING_IDX rsp_prod_pvt)
{
    RING_IDX old = __atomic_load_n(&r->rsp_prod, __ATOMIC_RELAXED);
    __atomic_store_n(&r->rsp_prod, rsp_prod_pvt, __ATOMIC_RELEASE);   /* wmb */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);                           /* mb */
    RING_IDX ev = __atomic_load_n(&r->rsp_event, __ATOMIC_RELAXED);
    return (RING_IDX)(rsp_prod_pvt - ev) < (RING_IDX)(rsp_prod_pvt - old);
}

/* True if at least `needed` requests after `cons` are produced.  If not, ask
 * the guest to notify us once they are (req_event = cons + needed), then
 * check again after a full barrier so a request produced meanwhile is not
 * missed.  needed == 1 is RING_FINAL_CHECK_FOR_REQUESTS; a larger value is
 * what RX needs to wait for a whole frame's worth of buffers (XSA-392). */
static inline bool netif_ring_wait_requests(struct netif_ring_idx *r, RING_IDX cons,
                                            unsigned needed)
{
    if ((RING_IDX)(netif_ring_req_prod(r) - cons) >= needed)
        return true;
    __atomic_store_n(&r->req_event, cons + needed, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return (RING_IDX)(netif_ring_req_prod(r) - cons) >= needed;
}

#endif
