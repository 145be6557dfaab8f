/* test-netif-ring: a shared ring in local memory with a scripted frontend,
 * for the netif_tx / netif_rx unit tests.  The frontend side uses the stock
 * ring.h macros (what a real netfront compiles), the backend side is the
 * code under test. */
#ifndef XVS_TEST_NETIF_RING_H
#define XVS_TEST_NETIF_RING_H 1

#include <stdlib.h>
#include <string.h>

/* ring.h's barriers for the frontend side (xen-compat maps xen_mb to mb) */
#define mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#include <CUnit/Basic.h>

#include "netback/netif_ring.h"

struct tx_ring {
    void *page;
    netif_tx_front_ring_t front;
    netif_tx_back_ring_t back;
};

struct rx_ring {
    void *page;
    netif_rx_front_ring_t front;
    netif_rx_back_ring_t back;
};

/* Start both ends at index `start` (to test 32-bit wrap). */
static inline void tx_ring_init(struct tx_ring *r, RING_IDX start)
{
    r->page = aligned_alloc(4096, 4096);
    memset(r->page, 0xee, 4096);            /* stale junk in every slot */
    netif_tx_sring_t *s = r->page;
    SHARED_RING_INIT(s);
    s->req_prod = s->rsp_prod = start;
    s->req_event = s->rsp_event = start + 1;
    FRONT_RING_ATTACH(&r->front, s, start, 4096);
    BACK_RING_ATTACH(&r->back, s, start, 4096);
}

static inline void rx_ring_init(struct rx_ring *r, RING_IDX start)
{
    r->page = aligned_alloc(4096, 4096);
    memset(r->page, 0xee, 4096);
    netif_rx_sring_t *s = r->page;
    SHARED_RING_INIT(s);
    s->req_prod = s->rsp_prod = start;
    s->req_event = s->rsp_event = start + 1;
    FRONT_RING_ATTACH(&r->front, s, start, 4096);
    BACK_RING_ATTACH(&r->back, s, start, 4096);
}

/* Queue one tx request (not yet visible to the backend). */
static inline void tx_put(struct tx_ring *r, uint32_t gref, uint16_t off,
                          uint16_t flags, uint16_t id, uint16_t size)
{
    netif_tx_request_t *q = RING_GET_REQUEST(&r->front, r->front.req_prod_pvt);
    q->gref = gref;
    q->offset = off;
    q->flags = flags;
    q->id = id;
    q->size = size;
    r->front.req_prod_pvt++;
}

static inline void tx_put_extra(struct tx_ring *r, uint8_t type, uint8_t flags,
                                uint16_t a, uint8_t b)
{
    netif_extra_info_t *x = (netif_extra_info_t *)RING_GET_REQUEST(&r->front,
                                                                  r->front.req_prod_pvt);
    memset(x, 0, sizeof *x);
    x->type = type;
    x->flags = flags;
    x->u.gso.size = a;
    x->u.gso.type = b;
    r->front.req_prod_pvt++;
}

/* Make queued requests visible; returns whether the frontend would kick. */
static inline int tx_push(struct tx_ring *r)
{
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->front, notify);
    return notify;
}

static inline void rx_post(struct rx_ring *r, unsigned n, uint32_t gref0, uint16_t id0)
{
    for (unsigned i = 0; i < n; i++) {
        netif_rx_request_t *q = RING_GET_REQUEST(&r->front, r->front.req_prod_pvt);
        q->id = (uint16_t)(id0 + i);
        q->gref = gref0 + i;
        r->front.req_prod_pvt++;
    }
}

static inline int rx_push(struct rx_ring *r)
{
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->front, notify);
    return notify;
}

static inline netif_tx_response_t *tx_rsp(struct tx_ring *r, RING_IDX i)
{
    return RING_GET_RESPONSE(&r->front, i);
}

static inline netif_rx_response_t *rx_rsp(struct rx_ring *r, RING_IDX i)
{
    return RING_GET_RESPONSE(&r->front, i);
}

#define ADD_TEST(suite, fn) \
    do { if (!CU_add_test(suite, #fn, fn)) return NULL; } while (0)

static inline int run_suite(CU_pSuite (*build)(void))
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return CU_get_error();
    if (!build()) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}

#endif
