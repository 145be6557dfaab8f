/* Unit tests of netif_tx: TX ring parsing, validation and responses, on a
 * shared ring in memory driven by a scripted frontend (FreeBSD xnb style:
 * one behaviour per test). */
#include "tests/unit/test-netif-ring.h"
#include "netback/netif_tx.h"

static struct tx_ring R;
static struct netif_tx_pkt P;

static void setup(void) { tx_ring_init(&R, 0); }
static void teardown(void) { free(R.page); }

#define MD NETTXF_more_data
#define XI NETTXF_extra_info

/* ---- basic frames ---- */

static void test_empty_ring(void)
{
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_EMPTY);
    CU_ASSERT_EQUAL(R.back.req_cons, 0);
}

static void test_one_slot_frame(void)
{
    tx_put(&R, 100, 64, 0, 7, 60);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.len, 60);
    CU_ASSERT_EQUAL(P.nsegs, 1);
    CU_ASSERT_EQUAL(P.nslots, 1);
    CU_ASSERT_EQUAL(P.segs[0].gref, 100);
    CU_ASSERT_EQUAL(P.segs[0].offset, 64);
    CU_ASSERT_EQUAL(P.segs[0].size, 60);
    CU_ASSERT_EQUAL(P.flags, 0);
    CU_ASSERT_EQUAL(R.back.req_cons, 1);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_EMPTY);
}

static void test_multi_slot_sizes(void)
{
    /* first size = whole frame; its own bytes = total - rest */
    tx_put(&R, 1, 0, MD, 1, 3000);
    tx_put(&R, 2, 100, MD, 2, 1000);
    tx_put(&R, 3, 0, 0, 3, 1500);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.len, 3000);
    CU_ASSERT_EQUAL(P.nsegs, 3);
    CU_ASSERT_EQUAL(P.segs[0].size, 500);
    CU_ASSERT_EQUAL(P.segs[1].gref, 2);
    CU_ASSERT_EQUAL(P.segs[1].offset, 100);
    CU_ASSERT_EQUAL(P.segs[1].size, 1000);
    CU_ASSERT_EQUAL(P.segs[2].size, 1500);
    CU_ASSERT_EQUAL(P.nslots, 3);
    CU_ASSERT_EQUAL(R.back.req_cons, 3);
}

static void test_zero_first_fragment(void)
{
    /* XSA-423: the first slot may carry no bytes at all */
    tx_put(&R, 1, 0, MD, 1, 100);
    tx_put(&R, 2, 0, 0, 2, 100);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.segs[0].size, 0);
    CU_ASSERT_EQUAL(P.segs[1].size, 100);
}

static void test_zero_size_follow_slot(void)
{
    tx_put(&R, 1, 0, MD, 1, 100);
    tx_put(&R, 2, 0, MD, 2, 0);
    tx_put(&R, 3, 0, 0, 3, 40);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.nsegs, 3);
    CU_ASSERT_EQUAL(P.segs[0].size, 60);
    CU_ASSERT_EQUAL(P.segs[1].size, 0);
}

static void test_frames_back_to_back(void)
{
    tx_put(&R, 1, 0, 0, 10, 60);
    tx_put(&R, 2, 0, MD, 11, 200);
    tx_put(&R, 3, 0, 0, 12, 100);
    tx_put(&R, 4, 0, 0, 13, 70);
    tx_push(&R);
    uint32_t lens[3] = { 60, 200, 70 };
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
        CU_ASSERT_EQUAL(P.len, lens[i]);
    }
    CU_ASSERT_EQUAL(R.back.req_cons, 4);
}

static void test_full_page_slot(void)
{
    tx_put(&R, 1, 0, 0, 1, 4096);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
}

/* ---- wrap ---- */

static void test_ring_slot_wrap(void)
{
    /* a 4-slot frame straddling the end of the 256-entry array */
    free(R.page);
    tx_ring_init(&R, 254);
    tx_put(&R, 1, 0, MD, 1, 400);
    tx_put(&R, 2, 0, MD, 2, 100);
    tx_put(&R, 3, 0, MD, 3, 100);
    tx_put(&R, 4, 0, 0, 4, 100);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.nsegs, 4);
    CU_ASSERT_EQUAL(P.segs[3].gref, 4);
    CU_ASSERT_EQUAL(P.segs[0].size, 100);
    CU_ASSERT_EQUAL(R.back.req_cons, 258);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &P, NETIF_RSP_OKAY), 0);
    CU_ASSERT_EQUAL(tx_rsp(&R, 257)->id, 4);
}

static void test_index_wrap_32bit(void)
{
    free(R.page);
    tx_ring_init(&R, 0xfffffffeu);
    for (int i = 0; i < 4; i++)
        tx_put(&R, (uint32_t)i, 0, 0, (uint16_t)i, 60);
    tx_push(&R);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
        CU_ASSERT_EQUAL(P.segs[0].gref, (uint32_t)i);
        CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &P, NETIF_RSP_OKAY), 0);
    }
    CU_ASSERT_EQUAL(R.back.req_cons, 2);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_EMPTY);
}

static void test_full_ring_of_frames(void)
{
    for (int i = 0; i < 256; i++)
        tx_put(&R, 1, 0, 0, (uint16_t)i, 60);
    tx_push(&R);
    for (int i = 0; i < 256; i++)
        CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_EMPTY);
}

/* ---- partial frames ---- */

static void test_partial_frame_need_more(void)
{
    tx_put(&R, 1, 0, MD, 1, 200);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_NEED_MORE);
    CU_ASSERT_EQUAL(R.back.req_cons, 0);
    CU_ASSERT_EQUAL(P.nslots, 2);
    /* nothing arrived: the guest is asked to kick on the next request */
    CU_ASSERT_FALSE(netif_tx_wait_more(&R.back, &P));
    CU_ASSERT_EQUAL(R.back.sring->req_event, 2);
    tx_put(&R, 2, 0, 0, 2, 100);
    CU_ASSERT_TRUE(tx_push(&R));                 /* guest kicks */
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.nsegs, 2);
    CU_ASSERT_EQUAL(R.back.req_cons, 2);
}

static void test_partial_frame_after_complete_one(void)
{
    tx_put(&R, 1, 0, 0, 1, 60);
    tx_put(&R, 1, 0, MD, 2, 200);
    tx_put(&R, 1, 0, MD, 3, 50);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_NEED_MORE);
    CU_ASSERT_EQUAL(R.back.req_cons, 1);
    CU_ASSERT_EQUAL(P.nslots, 3);
    CU_ASSERT_FALSE(netif_tx_wait_more(&R.back, &P));
    CU_ASSERT_EQUAL(R.back.sring->req_event, 4);
}

static void test_partial_then_rest_arrives_before_wait(void)
{
    tx_put(&R, 1, 0, MD, 1, 200);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_NEED_MORE);
    tx_put(&R, 2, 0, 0, 2, 100);
    tx_push(&R);
    CU_ASSERT_TRUE(netif_tx_wait_more(&R.back, &P));   /* no sleeping */
}

/* ---- extras ---- */

static void test_gso_extra(void)
{
    tx_put(&R, 1, 0, XI | MD | NETTXF_csum_blank, 5, 3000);
    tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_GSO, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
    tx_put(&R, 2, 0, 0, 6, 2000);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.nslots, 3);
    CU_ASSERT_EQUAL(P.nsegs, 2);
    CU_ASSERT_TRUE(P.flags & NETIF_TX_F_GSO);
    CU_ASSERT_TRUE(P.flags & NETIF_TX_F_CSUM_BLANK);
    CU_ASSERT_EQUAL(P.gso_size, 1448);
    CU_ASSERT_EQUAL(P.gso_type, XEN_NETIF_GSO_TYPE_TCPV4);
    CU_ASSERT_EQUAL(P.segs[0].size, 1000);
    CU_ASSERT_EQUAL(P.segs[1].gref, 2);
}

static void test_gso_v6_extra(void)
{
    tx_put(&R, 1, 0, XI, 5, 1000);
    tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_GSO, 0, 1428, XEN_NETIF_GSO_TYPE_TCPV6);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.gso_type, XEN_NETIF_GSO_TYPE_TCPV6);
}

static void test_chained_extras(void)
{
    tx_put(&R, 1, 0, XI, 5, 100);
    tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_HASH, XEN_NETIF_EXTRA_FLAG_MORE, 0, 0);
    tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_GSO, 0, 500, XEN_NETIF_GSO_TYPE_TCPV4);
    tx_put(&R, 9, 0, 0, 6, 60);                 /* next frame */
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.nslots, 3);
    CU_ASSERT_EQUAL(P.extra_mask, 0x6);
    CU_ASSERT_EQUAL(P.gso_size, 500);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.segs[0].gref, 9);
}

static void test_mcast_add_is_control(void)
{
    netif_extra_info_t *x;
    tx_put(&R, 0, 0, XI, 3, 0);
    x = (netif_extra_info_t *)RING_GET_REQUEST(&R.front, R.front.req_prod_pvt);
    memset(x, 0, sizeof *x);
    x->type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD;
    memcpy(x->u.mcast.addr, "\x01\x00\x5e\x00\x00\x01", 6);
    R.front.req_prod_pvt++;
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_CONTROL);
    CU_ASSERT_TRUE(P.flags & NETIF_TX_F_MCAST_ADD);
    CU_ASSERT_EQUAL(memcmp(P.mcast_addr, "\x01\x00\x5e\x00\x00\x01", 6), 0);
    CU_ASSERT_EQUAL(P.nslots, 2);
    CU_ASSERT_EQUAL(R.back.req_cons, 2);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &P, NETIF_RSP_OKAY), 0);
    CU_ASSERT_EQUAL(tx_rsp(&R, 0)->id, 3);
    CU_ASSERT_EQUAL(tx_rsp(&R, 0)->status, NETIF_RSP_OKAY);
    CU_ASSERT_EQUAL(tx_rsp(&R, 1)->status, NETIF_RSP_NULL);
}

static void test_mcast_del_is_control(void)
{
    tx_put(&R, 0, 0, XI, 3, 0);
    tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_MCAST_DEL, 0, 0, 0);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_CONTROL);
    CU_ASSERT_TRUE(P.flags & NETIF_TX_F_MCAST_DEL);
    CU_ASSERT_FALSE(P.flags & NETIF_TX_F_MCAST_ADD);
}

/* ---- checksum flags ---- */

static void test_csum_flags(void)
{
    tx_put(&R, 1, 0, NETTXF_csum_blank | NETTXF_data_validated, 1, 60);
    tx_put(&R, 1, 0, NETTXF_data_validated, 2, 60);
    tx_put(&R, 1, 0, 0, 3, 60);
    tx_push(&R);
    netif_tx_parse(&R.back, &P);
    CU_ASSERT_EQUAL(P.flags, NETIF_TX_F_CSUM_BLANK | NETIF_TX_F_DATA_VALIDATED);
    netif_tx_parse(&R.back, &P);
    CU_ASSERT_EQUAL(P.flags, NETIF_TX_F_DATA_VALIDATED);
    netif_tx_parse(&R.back, &P);
    CU_ASSERT_EQUAL(P.flags, 0);
}

/* ---- validation: drops ---- */

static void test_runt_dropped(void)
{
    tx_put(&R, 1, 0, 0, 4, 13);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_DROP);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_RUNT);
    CU_ASSERT_EQUAL(R.back.req_cons, 1);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &P, NETIF_RSP_ERROR), 0);
    CU_ASSERT_EQUAL(tx_rsp(&R, 0)->id, 4);
    CU_ASSERT_EQUAL(tx_rsp(&R, 0)->status, NETIF_RSP_ERROR);
}

static void test_exactly_eth_hlen_ok(void)
{
    tx_put(&R, 1, 0, 0, 4, 14);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
}

static void test_first_smaller_than_rest_dropped(void)
{
    tx_put(&R, 1, 0, MD, 1, 100);
    tx_put(&R, 2, 0, MD, 2, 80);
    tx_put(&R, 3, 0, 0, 3, 80);
    tx_put(&R, 4, 0, 0, 4, 60);                /* next frame survives */
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_DROP);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_SIZE_MISMATCH);
    CU_ASSERT_EQUAL(P.nslots, 3);
    CU_ASSERT_EQUAL(R.back.req_cons, 3);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &P, NETIF_RSP_ERROR), 0);
    for (RING_IDX i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(tx_rsp(&R, i)->id, i + 1);
        CU_ASSERT_EQUAL(tx_rsp(&R, i)->status, NETIF_RSP_ERROR);
    }
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
}

static void test_oversize_u16_wrap_dropped(void)
{
    /* a 70000-byte frame whose first size wrapped to 4464: drop, not fatal */
    tx_put(&R, 1, 0, MD, 1, (uint16_t)70000);
    for (int i = 0; i < 17; i++)
        tx_put(&R, 2, 0, i < 16 ? MD : 0, (uint16_t)(2 + i), 4096);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_DROP);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_SIZE_MISMATCH);
    CU_ASSERT_EQUAL(P.nslots, 18);
}

static void put_chain(unsigned follow)
{
    tx_put(&R, 1, 0, follow ? MD : 0, 0, (uint16_t)(60 + follow));
    for (unsigned i = 0; i < follow; i++)
        tx_put(&R, 2, 0, i + 1 < follow ? MD : 0, (uint16_t)(1 + i), 1);
    tx_push(&R);
}

static void test_18_follow_slots_accepted(void)
{
    put_chain(NETIF_TX_SLOTS_DROP);              /* 19 data slots */
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.nsegs, 19);
    CU_ASSERT_EQUAL(P.segs[0].size, 60);
}

static void test_19_follow_slots_dropped(void)
{
    put_chain(19);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_DROP);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_TOO_MANY_SLOTS);
    CU_ASSERT_EQUAL(P.nslots, 20);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &P, NETIF_RSP_ERROR), 0);
    CU_ASSERT_EQUAL(R.back.rsp_prod_pvt, 20);
    CU_ASSERT_EQUAL(tx_rsp(&R, 19)->id, 19);
}

static void test_20_follow_slots_dropped(void)
{
    put_chain(20);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_DROP);
    CU_ASSERT_EQUAL(P.nslots, 21);
    CU_ASSERT_EQUAL(R.back.req_cons, 21);
}

static void test_21_follow_slots_fatal(void)
{
    put_chain(21);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_FATAL_SLOTS);
    CU_ASSERT_STRING_EQUAL(netif_tx_reason_name(P.reason), "fatal_tx_slots");
    CU_ASSERT_EQUAL(R.back.req_cons, 0);
}

static void test_fatal_slots_known_before_produced(void)
{
    /* 20 follow-ons produced, the 20th announces more: fatal now */
    tx_put(&R, 1, 0, MD, 0, 100);
    for (unsigned i = 0; i < 20; i++)
        tx_put(&R, 2, 0, MD, (uint16_t)(1 + i), 1);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_FATAL_SLOTS);
}

static void test_whole_ring_chain_fatal(void)
{
    for (unsigned i = 0; i < 256; i++)
        tx_put(&R, 2, 0, MD, (uint16_t)i, 1);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_FATAL_SLOTS);
}

/* ---- validation: fatal ---- */

static void test_cross_page_first_fatal(void)
{
    tx_put(&R, 1, 4000, 0, 1, 200);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_CROSS_PAGE);
    CU_ASSERT_EQUAL(R.back.req_cons, 0);
}

static void test_cross_page_first_fragment_only(void)
{
    /* offset + *fragment* size is what must fit, not offset + total */
    tx_put(&R, 1, 3000, MD, 1, 5000);
    tx_put(&R, 2, 0, 0, 2, 4096);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.segs[0].size, 904);
}

static void test_cross_page_follow_fatal(void)
{
    tx_put(&R, 1, 0, MD, 1, 200);
    tx_put(&R, 2, 4095, 0, 2, 2);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_CROSS_PAGE);
}

static void test_cross_page_in_dropped_frame_fatal(void)
{
    tx_put(&R, 1, 0, MD, 1, 20);
    tx_put(&R, 2, 0, MD, 2, 100);               /* size mismatch -> drop ... */
    tx_put(&R, 2, 4000, 0, 3, 100);             /* ... but cross page wins */
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_CROSS_PAGE);
}

static void test_impossible_requests_fatal(void)
{
    tx_put(&R, 1, 0, 0, 1, 60);
    tx_push(&R);
    R.back.sring->req_prod = 257;
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_IMPOSSIBLE_REQS);
    R.back.sring->req_prod = 0xffffff00u;        /* "negative" */
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(R.back.req_cons, 0);
}

static void test_outstanding_counts_unanswered(void)
{
    /* 200 frames consumed but not answered: only 56 more may be produced */
    for (int i = 0; i < 256; i++)
        tx_put(&R, 1, 0, 0, (uint16_t)i, 60);
    tx_push(&R);
    for (int i = 0; i < 200; i++)
        netif_tx_parse(&R.back, &P);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    R.back.sring->req_prod = 257;
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
}

static void test_missing_extra_fatal(void)
{
    tx_put(&R, 1, 0, XI, 1, 60);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_MISSING_EXTRA);
}

static void test_missing_chained_extra_fatal(void)
{
    tx_put(&R, 1, 0, XI, 1, 60);
    tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE, 100, 1);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_MISSING_EXTRA);
}

static void test_bad_extra_type_fatal(void)
{
    uint8_t bad[] = { XEN_NETIF_EXTRA_TYPE_NONE, XEN_NETIF_EXTRA_TYPE_MAX, 200 };
    for (unsigned i = 0; i < sizeof bad; i++) {
        free(R.page);
        tx_ring_init(&R, 0);
        tx_put(&R, 1, 0, XI, 1, 60);
        tx_put_extra(&R, bad[i], 0, 0, 0);
        tx_push(&R);
        CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
        CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_BAD_EXTRA_TYPE);
    }
}

static void test_too_many_extras_fatal(void)
{
    tx_put(&R, 1, 0, XI, 1, 60);
    for (int i = 0; i < NETIF_TX_EXTRAS_MAX + 1; i++)
        tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_HASH, XEN_NETIF_EXTRA_FLAG_MORE, 0, 0);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_TOO_MANY_EXTRAS);
}

static void test_max_extras_accepted(void)
{
    tx_put(&R, 1, 0, XI, 1, 60);
    for (int i = 0; i < NETIF_TX_EXTRAS_MAX; i++)
        tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_HASH,
                     i + 1 < NETIF_TX_EXTRAS_MAX ? XEN_NETIF_EXTRA_FLAG_MORE : 0, 0, 0);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(P.nslots, 1 + NETIF_TX_EXTRAS_MAX);
}

static void test_gso_size_zero_fatal(void)
{
    tx_put(&R, 1, 0, XI, 1, 60);
    tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_GSO, 0, 0, XEN_NETIF_GSO_TYPE_TCPV4);
    tx_push(&R);
    CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
    CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_GSO_SIZE_ZERO);
}

static void test_bad_gso_type_fatal(void)
{
    uint8_t bad[] = { XEN_NETIF_GSO_TYPE_NONE, 3, 255 };
    for (unsigned i = 0; i < sizeof bad; i++) {
        free(R.page);
        tx_ring_init(&R, 0);
        tx_put(&R, 1, 0, XI, 1, 60);
        tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_GSO, 0, 1000, bad[i]);
        tx_push(&R);
        CU_ASSERT_EQUAL(netif_tx_parse(&R.back, &P), NETIF_TX_FATAL);
        CU_ASSERT_EQUAL(P.reason, NETIF_TX_R_BAD_GSO_TYPE);
    }
}

/* ---- the guest cannot change what was parsed ---- */

static void test_slots_copied_once(void)
{
    tx_put(&R, 1, 0, MD, 1, 300);
    tx_put(&R, 2, 0, 0, 2, 100);
    tx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &P), NETIF_TX_FRAME);
    /* the guest rewrites its slots after the parse: pkt is unaffected */
    RING_GET_REQUEST(&R.front, 0)->size = 4000;
    RING_GET_REQUEST(&R.front, 1)->offset = 4095;
    CU_ASSERT_EQUAL(P.len, 300);
    CU_ASSERT_EQUAL(P.segs[0].size, 200);
    CU_ASSERT_EQUAL(P.segs[1].offset, 0);
}

/* ---- responses ---- */

static void test_response_per_slot_in_order(void)
{
    tx_put(&R, 1, 0, XI | MD, 10, 300);
    tx_put_extra(&R, XEN_NETIF_EXTRA_TYPE_GSO, 0, 100, XEN_NETIF_GSO_TYPE_TCPV4);
    tx_put(&R, 2, 0, MD, 11, 100);
    tx_put(&R, 3, 0, 0, 12, 100);
    tx_put(&R, 4, 0, 0, 13, 60);
    tx_push(&R);
    struct netif_tx_pkt a, b;
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &a), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL_FATAL(netif_tx_parse(&R.back, &b), NETIF_TX_FRAME);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &a, NETIF_RSP_OKAY), 0);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &b, NETIF_RSP_ERROR), 0);
    CU_ASSERT_EQUAL(R.back.rsp_prod_pvt, 5);
    netif_tx_response_t want[5] = {
        { 10, NETIF_RSP_OKAY }, { 0, NETIF_RSP_NULL }, { 11, NETIF_RSP_OKAY },
        { 12, NETIF_RSP_OKAY }, { 13, NETIF_RSP_ERROR },
    };
    for (RING_IDX i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(tx_rsp(&R, i)->status, want[i].status);
        if (want[i].status != NETIF_RSP_NULL)
            CU_ASSERT_EQUAL(tx_rsp(&R, i)->id, want[i].id);
    }
    /* not visible until pushed */
    CU_ASSERT_EQUAL(R.back.sring->rsp_prod, 0);
    netif_tx_push(&R.back);
    CU_ASSERT_EQUAL(R.back.sring->rsp_prod, 5);
}

static void test_respond_out_of_order_rejected(void)
{
    struct netif_tx_pkt a, b;
    tx_put(&R, 1, 0, 0, 1, 60);
    tx_put(&R, 1, 0, 0, 2, 60);
    tx_push(&R);
    netif_tx_parse(&R.back, &a);
    netif_tx_parse(&R.back, &b);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &b, NETIF_RSP_OKAY), -EINVAL);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &a, NETIF_RSP_OKAY), 0);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &a, NETIF_RSP_OKAY), -EINVAL);
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &b, NETIF_RSP_OKAY), 0);
    CU_ASSERT_EQUAL(R.back.rsp_prod_pvt, 2);
}

static void test_respond_never_passes_req_cons(void)
{
    struct netif_tx_pkt fake = { .first = 0, .nslots = 1 };
    CU_ASSERT_EQUAL(netif_tx_respond(&R.back, &fake, NETIF_RSP_OKAY), -EINVAL);
    CU_ASSERT_EQUAL(R.back.rsp_prod_pvt, 0);
}

/* ---- notifications ---- */

static void test_push_notifies_when_event_in_range(void)
{
    tx_put(&R, 1, 0, 0, 1, 60);
    tx_put(&R, 1, 0, 0, 2, 60);
    tx_push(&R);
    for (int i = 0; i < 2; i++) {
        netif_tx_parse(&R.back, &P);
        netif_tx_respond(&R.back, &P, NETIF_RSP_OKAY);
    }
    R.back.sring->rsp_event = 2;                 /* in (0, 2] */
    CU_ASSERT_TRUE(netif_tx_push(&R.back));
}

static void test_push_quiet_when_event_beyond(void)
{
    tx_put(&R, 1, 0, 0, 1, 60);
    tx_push(&R);
    netif_tx_parse(&R.back, &P);
    netif_tx_respond(&R.back, &P, NETIF_RSP_OKAY);
    R.back.sring->rsp_event = 5;                 /* frontend busy, polling */
    CU_ASSERT_FALSE(netif_tx_push(&R.back));
    CU_ASSERT_EQUAL(R.back.sring->rsp_prod, 1);
}

static void test_push_quiet_when_event_already_passed(void)
{
    tx_put(&R, 1, 0, 0, 1, 60);
    tx_put(&R, 1, 0, 0, 2, 60);
    tx_push(&R);
    netif_tx_parse(&R.back, &P);
    netif_tx_respond(&R.back, &P, NETIF_RSP_OKAY);
    R.back.sring->rsp_event = 1;
    CU_ASSERT_TRUE(netif_tx_push(&R.back));
    netif_tx_parse(&R.back, &P);
    netif_tx_respond(&R.back, &P, NETIF_RSP_OKAY);
    CU_ASSERT_FALSE(netif_tx_push(&R.back));     /* event 1 not in (1, 2] */
}

static void test_final_check_sets_req_event(void)
{
    tx_put(&R, 1, 0, 0, 1, 60);
    tx_push(&R);
    netif_tx_parse(&R.back, &P);
    CU_ASSERT_FALSE(netif_tx_final_check(&R.back));
    CU_ASSERT_EQUAL(R.back.sring->req_event, 2);
    tx_put(&R, 1, 0, 0, 2, 60);
    CU_ASSERT_TRUE(tx_push(&R));                 /* the guest will kick */
    CU_ASSERT_TRUE(netif_tx_final_check(&R.back));
}

static void test_final_check_sees_pending_work(void)
{
    tx_put(&R, 1, 0, 0, 1, 60);
    tx_push(&R);
    CU_ASSERT_TRUE(netif_tx_final_check(&R.back));
}

static void test_no_kick_while_backend_busy(void)
{
    /* req_event not re-armed: the frontend need not kick for more */
    tx_put(&R, 1, 0, 0, 1, 60);
    CU_ASSERT_TRUE(tx_push(&R));                 /* req_event = 1 initially */
    tx_put(&R, 1, 0, 0, 2, 60);
    CU_ASSERT_FALSE(tx_push(&R));
}

static void test_reason_names(void)
{
    for (int i = 0; i < NETIF_TX_R_N; i++) {
        CU_ASSERT_PTR_NOT_NULL(netif_tx_reason_name(i));
        for (int j = 0; j < i; j++)
            CU_ASSERT_STRING_NOT_EQUAL(netif_tx_reason_name(i), netif_tx_reason_name(j));
    }
    CU_ASSERT_STRING_EQUAL(netif_tx_reason_name(NETIF_TX_R_N), "unknown");
}

static CU_pSuite build(void)
{
    CU_pSuite s = CU_add_suite_with_setup_and_teardown("netif_tx", NULL, NULL,
                                                       setup, teardown);
    if (!s)
        return NULL;
    ADD_TEST(s, test_empty_ring);
    ADD_TEST(s, test_one_slot_frame);
    ADD_TEST(s, test_multi_slot_sizes);
    ADD_TEST(s, test_zero_first_fragment);
    ADD_TEST(s, test_zero_size_follow_slot);
    ADD_TEST(s, test_frames_back_to_back);
    ADD_TEST(s, test_full_page_slot);
    ADD_TEST(s, test_ring_slot_wrap);
    ADD_TEST(s, test_index_wrap_32bit);
    ADD_TEST(s, test_full_ring_of_frames);
    ADD_TEST(s, test_partial_frame_need_more);
    ADD_TEST(s, test_partial_frame_after_complete_one);
    ADD_TEST(s, test_partial_then_rest_arrives_before_wait);
    ADD_TEST(s, test_gso_extra);
    ADD_TEST(s, test_gso_v6_extra);
    ADD_TEST(s, test_chained_extras);
    ADD_TEST(s, test_mcast_add_is_control);
    ADD_TEST(s, test_mcast_del_is_control);
    ADD_TEST(s, test_csum_flags);
    ADD_TEST(s, test_runt_dropped);
    ADD_TEST(s, test_exactly_eth_hlen_ok);
    ADD_TEST(s, test_first_smaller_than_rest_dropped);
    ADD_TEST(s, test_oversize_u16_wrap_dropped);
    ADD_TEST(s, test_18_follow_slots_accepted);
    ADD_TEST(s, test_19_follow_slots_dropped);
    ADD_TEST(s, test_20_follow_slots_dropped);
    ADD_TEST(s, test_21_follow_slots_fatal);
    ADD_TEST(s, test_fatal_slots_known_before_produced);
    ADD_TEST(s, test_whole_ring_chain_fatal);
    ADD_TEST(s, test_cross_page_first_fatal);
    ADD_TEST(s, test_cross_page_first_fragment_only);
    ADD_TEST(s, test_cross_page_follow_fatal);
    ADD_TEST(s, test_cross_page_in_dropped_frame_fatal);
    ADD_TEST(s, test_impossible_requests_fatal);
    ADD_TEST(s, test_outstanding_counts_unanswered);
    ADD_TEST(s, test_missing_extra_fatal);
    ADD_TEST(s, test_missing_chained_extra_fatal);
    ADD_TEST(s, test_bad_extra_type_fatal);
    ADD_TEST(s, test_too_many_extras_fatal);
    ADD_TEST(s, test_max_extras_accepted);
    ADD_TEST(s, test_gso_size_zero_fatal);
    ADD_TEST(s, test_bad_gso_type_fatal);
    ADD_TEST(s, test_slots_copied_once);
    ADD_TEST(s, test_response_per_slot_in_order);
    ADD_TEST(s, test_respond_out_of_order_rejected);
    ADD_TEST(s, test_respond_never_passes_req_cons);
    ADD_TEST(s, test_push_notifies_when_event_in_range);
    ADD_TEST(s, test_push_quiet_when_event_beyond);
    ADD_TEST(s, test_push_quiet_when_event_already_passed);
    ADD_TEST(s, test_final_check_sets_req_event);
    ADD_TEST(s, test_final_check_sees_pending_work);
    ADD_TEST(s, test_no_kick_while_backend_busy);
    ADD_TEST(s, test_reason_names);
    return s;
}

int main(void)
{
    return run_suite(build);
}
