/* Unit tests of netif_rx: slot accounting, copy plans, responses in their
 * request's slot, offload flags and notification decisions. */
#include "tests/unit/test-netif-ring.h"
#include "netback/netif_rx.h"

static struct rx_ring R;
static struct netif_rx_pkt P;
static const struct netif_rx_features LINUX = {   /* what Linux netfront writes */
    .sg = true, .gso_tcpv4 = true, .gso_tcpv6 = true, .csum_v4 = true, .csum_v6 = true,
};
static const struct netif_rx_features MINIMAL = { .csum_v4 = true };

static void setup(void) { rx_ring_init(&R, 0); }
static void teardown(void) { free(R.page); }

static struct netif_rx_meta meta(uint32_t len) { return (struct netif_rx_meta){ .len = len }; }

static struct netif_rx_meta gso(uint32_t len, uint8_t type)
{
    return (struct netif_rx_meta){ .len = len, .flags = NETIF_RX_M_CSUM_PARTIAL,
                                   .gso_type = type, .gso_size = 1448 };
}

/* ---- slot accounting ---- */

static void test_slots_small_frame(void)
{
    struct netif_rx_meta m = meta(60);
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &LINUX), 1);
}

static void test_slots_page_boundaries(void)
{
    uint32_t len[] = { 4095, 4096, 4097, 8192, 8193, 65535 };
    int want[] = { 1, 1, 2, 2, 3, 16 };
    for (unsigned i = 0; i < 6; i++) {
        struct netif_rx_meta m = meta(len[i]);
        CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &LINUX), want[i]);
    }
}

static void test_slots_gso_adds_extra(void)
{
    struct netif_rx_meta m = gso(65535, XEN_NETIF_GSO_TYPE_TCPV4);
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &LINUX), 17);
    m = gso(3000, XEN_NETIF_GSO_TYPE_TCPV6);
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &LINUX), 2);
}

static void test_slots_no_sg(void)
{
    struct netif_rx_meta m = meta(1514);
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &MINIMAL), 1);
    m = meta(4097);
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &MINIMAL), -EMSGSIZE);
}

static void test_slots_bad_len(void)
{
    struct netif_rx_meta m = meta(0);
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &LINUX), -EMSGSIZE);
    m = meta(65536);
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &LINUX), -EMSGSIZE);
}

static void test_slots_gso_unsupported(void)
{
    struct netif_rx_features f = LINUX;
    struct netif_rx_meta m = gso(20000, XEN_NETIF_GSO_TYPE_TCPV4);
    f.gso_tcpv4 = false;
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &f), -EOPNOTSUPP);
    m = gso(20000, XEN_NETIF_GSO_TYPE_TCPV6);
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &f), 6);
    f.gso_tcpv6 = false;
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &f), -EOPNOTSUPP);
}

static void test_slots_gso_needs_csum_offload(void)
{
    struct netif_rx_features f = LINUX;
    struct netif_rx_meta m = gso(20000, XEN_NETIF_GSO_TYPE_TCPV6);
    f.csum_v6 = false;
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &f), -EOPNOTSUPP);
    m.gso_size = 0;
    CU_ASSERT_EQUAL(netif_rx_slots_needed(&m, &LINUX), -EOPNOTSUPP);
}

/* ---- building ---- */

static void test_build_single_slot(void)
{
    struct netif_rx_meta m = meta(60);
    rx_post(&R, 4, 500, 20);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(P.first, 0);
    CU_ASSERT_EQUAL(P.nslots, 1);
    CU_ASSERT_EQUAL(P.slots[0].gref, 500);
    CU_ASSERT_EQUAL(P.slots[0].id, 20);
    CU_ASSERT_EQUAL(P.slots[0].len, 60);
    CU_ASSERT_EQUAL(P.slots[0].frame_off, 0);
    CU_ASSERT_EQUAL(R.back.req_cons, 1);
}

static void test_build_packs_pages_full(void)
{
    struct netif_rx_meta m = meta(9000);
    rx_post(&R, 4, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(P.nslots, 3);
    CU_ASSERT_EQUAL(P.slots[0].len, 4096);
    CU_ASSERT_EQUAL(P.slots[1].len, 4096);
    CU_ASSERT_EQUAL(P.slots[2].len, 808);
    CU_ASSERT_EQUAL(P.slots[1].frame_off, 4096);
    CU_ASSERT_EQUAL(P.slots[2].frame_off, 8192);
    CU_ASSERT_EQUAL(P.slots[2].gref, 12);
}

static void test_build_gso_layout(void)
{
    struct netif_rx_meta m = gso(10000, XEN_NETIF_GSO_TYPE_TCPV4);
    rx_post(&R, 8, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(P.nslots, 4);
    CU_ASSERT_FALSE(P.slots[0].extra);
    CU_ASSERT_TRUE(P.slots[1].extra);
    CU_ASSERT_EQUAL(P.slots[1].len, 0);
    CU_ASSERT_EQUAL(P.slots[0].len, 4096);
    CU_ASSERT_EQUAL(P.slots[2].len, 4096);
    CU_ASSERT_EQUAL(P.slots[2].frame_off, 4096);
    CU_ASSERT_EQUAL(P.slots[3].len, 1808);
    CU_ASSERT_EQUAL(P.flags, NETRXF_csum_blank | NETRXF_data_validated | NETRXF_extra_info);
}

static void test_build_not_enough_slots(void)
{
    struct netif_rx_meta m = meta(9000);
    rx_post(&R, 2, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL(netif_rx_build(&R.back, &m, &LINUX, &P), -ENOSPC);
    CU_ASSERT_EQUAL(R.back.req_cons, 0);
    CU_ASSERT_EQUAL(R.back.sring->req_event, 3);   /* kick me when 3 are posted */
}

static void test_one_slot_left_xsa392(void)
{
    /* the guest keeps exactly one buffer posted; the frame needs two */
    struct netif_rx_meta m = meta(5000);
    rx_post(&R, 1, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL(netif_rx_build(&R.back, &m, &LINUX, &P), -ENOSPC);
    CU_ASSERT_EQUAL(R.back.sring->req_event, 2);
    /* one more buffer: the guest's push must kick us (event in range) */
    rx_post(&R, 1, 11, 1);
    CU_ASSERT_TRUE(rx_push(&R));
    CU_ASSERT_EQUAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(P.nslots, 2);
}

static void test_no_kick_before_enough_posted(void)
{
    struct netif_rx_meta m = meta(20000);            /* 5 slots */
    rx_post(&R, 1, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL(netif_rx_build(&R.back, &m, &LINUX, &P), -ENOSPC);
    rx_post(&R, 2, 11, 1);
    CU_ASSERT_FALSE(rx_push(&R));                    /* 3 < 5: no useless kick */
    rx_post(&R, 2, 13, 3);
    CU_ASSERT_TRUE(rx_push(&R));
}

static void test_build_empty_ring(void)
{
    struct netif_rx_meta m = meta(60);
    CU_ASSERT_EQUAL(netif_rx_build(&R.back, &m, &LINUX, &P), -ENOSPC);
    CU_ASSERT_EQUAL(R.back.sring->req_event, 1);
}

static void test_build_impossible_prod(void)
{
    struct netif_rx_meta m = meta(60);
    R.back.sring->req_prod = 257;
    CU_ASSERT_EQUAL(netif_rx_build(&R.back, &m, &LINUX, &P), -EPROTO);
    CU_ASSERT_EQUAL(R.back.req_cons, 0);
}

static void test_build_unsendable_consumes_nothing(void)
{
    struct netif_rx_meta m = meta(5000);
    rx_post(&R, 4, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL(netif_rx_build(&R.back, &m, &MINIMAL, &P), -EMSGSIZE);
    CU_ASSERT_EQUAL(R.back.req_cons, 0);
}

static void test_build_copies_request_once(void)
{
    struct netif_rx_meta m = meta(60);
    rx_post(&R, 1, 10, 7);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    RING_GET_REQUEST(&R.front, 0)->gref = 9999;      /* guest rewrites it */
    RING_GET_REQUEST(&R.front, 0)->id = 99;
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &P, NULL), 0);
    CU_ASSERT_EQUAL(P.slots[0].gref, 10);
    CU_ASSERT_EQUAL(rx_rsp(&R, 0)->id, 7);
}

/* ---- responses ---- */

static void test_respond_same_slot_and_flags(void)
{
    struct netif_rx_meta m = meta(9000);
    rx_post(&R, 3, 10, 40);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &P, NULL), 0);
    CU_ASSERT_EQUAL(R.back.rsp_prod_pvt, 3);
    for (RING_IDX i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(rx_rsp(&R, i)->id, 40 + i);
        CU_ASSERT_EQUAL(rx_rsp(&R, i)->offset, 0);
    }
    CU_ASSERT_EQUAL(rx_rsp(&R, 0)->status, 4096);
    CU_ASSERT_EQUAL(rx_rsp(&R, 0)->flags, NETRXF_more_data);
    CU_ASSERT_EQUAL(rx_rsp(&R, 1)->flags, NETRXF_more_data);
    CU_ASSERT_EQUAL(rx_rsp(&R, 2)->flags, 0);
    CU_ASSERT_EQUAL(rx_rsp(&R, 2)->status, 808);
}

static void test_respond_gso_extra_in_slot_two(void)
{
    struct netif_rx_meta m = gso(6000, XEN_NETIF_GSO_TYPE_TCPV6);
    m.gso_size = 1428;
    rx_post(&R, 3, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &P, NULL), 0);
    CU_ASSERT_EQUAL(rx_rsp(&R, 0)->flags, NETRXF_csum_blank | NETRXF_data_validated
                    | NETRXF_extra_info | NETRXF_more_data);
    CU_ASSERT_EQUAL(rx_rsp(&R, 0)->status, 4096);
    netif_extra_info_t *x = (netif_extra_info_t *)rx_rsp(&R, 1);
    CU_ASSERT_EQUAL(x->type, XEN_NETIF_EXTRA_TYPE_GSO);
    CU_ASSERT_EQUAL(x->flags, 0);
    CU_ASSERT_EQUAL(x->u.gso.size, 1428);
    CU_ASSERT_EQUAL(x->u.gso.type, XEN_NETIF_GSO_TYPE_TCPV6);
    CU_ASSERT_EQUAL(x->u.gso.features, 0);
    CU_ASSERT_EQUAL(rx_rsp(&R, 2)->status, 1904);
    CU_ASSERT_EQUAL(rx_rsp(&R, 2)->flags, 0);
}

static void test_respond_small_gso(void)
{
    /* one data slot + extra: more_data must not be set on the only data slot */
    struct netif_rx_meta m = gso(1000, XEN_NETIF_GSO_TYPE_TCPV4);
    rx_post(&R, 2, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &P, NULL), 0);
    CU_ASSERT_FALSE(rx_rsp(&R, 0)->flags & NETRXF_more_data);
    CU_ASSERT_TRUE(rx_rsp(&R, 0)->flags & NETRXF_extra_info);
}

static void test_respond_copy_failure(void)
{
    struct netif_rx_meta m = meta(9000);
    bool ok[3] = { true, false, true };
    rx_post(&R, 3, 10, 0);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &P, ok), 0);
    CU_ASSERT_EQUAL(rx_rsp(&R, 0)->status, 4096);
    CU_ASSERT_EQUAL(rx_rsp(&R, 1)->status, NETIF_RSP_ERROR);
    CU_ASSERT_EQUAL(rx_rsp(&R, 2)->status, 808);
}

static void test_respond_in_order_only(void)
{
    struct netif_rx_pkt a, b;
    struct netif_rx_meta m = meta(60);
    rx_post(&R, 2, 10, 0);
    rx_push(&R);
    netif_rx_build(&R.back, &m, &LINUX, &a);
    netif_rx_build(&R.back, &m, &LINUX, &b);
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &b, NULL), -EINVAL);
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &a, NULL), 0);
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &b, NULL), 0);
    CU_ASSERT_EQUAL(rx_rsp(&R, 1)->id, 1);
}

static void test_wrap_responses_in_request_slots(void)
{
    free(R.page);
    rx_ring_init(&R, 0xffffffffu);                  /* index wraps, slot 255 -> 0 */
    struct netif_rx_meta m = meta(6000);
    rx_post(&R, 2, 10, 70);
    rx_push(&R);
    CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &P), 0);
    CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &P, NULL), 0);
    CU_ASSERT_EQUAL(R.back.rsp_prod_pvt, 1);
    CU_ASSERT_EQUAL(rx_rsp(&R, 0xffffffffu)->id, 70);
    CU_ASSERT_EQUAL(rx_rsp(&R, 0)->id, 71);
    CU_ASSERT_EQUAL(rx_rsp(&R, 0)->status, 6000 - 4096);
}

/* ---- checksum delivery ---- */

static uint16_t first_flags(struct netif_rx_meta m, const struct netif_rx_features *f)
{
    free(R.page);
    rx_ring_init(&R, 0);
    rx_post(&R, 1, 10, 0);
    rx_push(&R);
    if (netif_rx_build(&R.back, &m, f, &P))
        return 0xffff;
    netif_rx_respond(&R.back, &P, NULL);
    return rx_rsp(&R, 0)->flags;
}

static void test_csum_partial_accepted(void)
{
    struct netif_rx_meta m = { .len = 100, .flags = NETIF_RX_M_CSUM_PARTIAL };
    CU_ASSERT_FALSE(netif_rx_csum_fixup(&m, &LINUX));
    CU_ASSERT_EQUAL(first_flags(m, &LINUX), NETRXF_csum_blank | NETRXF_data_validated);
}

static void test_csum_partial_v4_refused(void)
{
    struct netif_rx_features f = LINUX;
    struct netif_rx_meta m = { .len = 100, .flags = NETIF_RX_M_CSUM_PARTIAL };
    f.csum_v4 = false;                               /* feature-no-csum-offload=1 */
    CU_ASSERT_TRUE(netif_rx_csum_fixup(&m, &f));
    CU_ASSERT_EQUAL(first_flags(m, &f), NETRXF_data_validated);
}

static void test_csum_partial_v6_needs_feature(void)
{
    struct netif_rx_features f = LINUX;
    struct netif_rx_meta m = { .len = 100,
                               .flags = NETIF_RX_M_CSUM_PARTIAL | NETIF_RX_M_IPV6 };
    f.csum_v6 = false;                               /* no feature-ipv6-csum-offload */
    CU_ASSERT_TRUE(netif_rx_csum_fixup(&m, &f));
    CU_ASSERT_FALSE(netif_rx_csum_fixup(&m, &LINUX));
    f.csum_v4 = false;
    f.csum_v6 = true;
    CU_ASSERT_FALSE(netif_rx_csum_fixup(&m, &f));
}

static void test_csum_valid_and_none(void)
{
    struct netif_rx_meta m = { .len = 100, .flags = NETIF_RX_M_CSUM_VALID };
    CU_ASSERT_FALSE(netif_rx_csum_fixup(&m, &LINUX));
    CU_ASSERT_EQUAL(first_flags(m, &LINUX), NETRXF_data_validated);
    m.flags = 0;
    CU_ASSERT_EQUAL(first_flags(m, &LINUX), 0);
}

/* ---- notification ---- */

static void test_push_notify_decisions(void)
{
    struct netif_rx_meta m = meta(60);
    rx_post(&R, 3, 10, 0);
    rx_push(&R);
    netif_rx_build(&R.back, &m, &LINUX, &P);
    netif_rx_respond(&R.back, &P, NULL);
    CU_ASSERT_TRUE(netif_rx_push(&R.back));          /* rsp_event = 1 */
    netif_rx_build(&R.back, &m, &LINUX, &P);
    netif_rx_respond(&R.back, &P, NULL);
    CU_ASSERT_FALSE(netif_rx_push(&R.back));         /* guest did not re-arm */
    R.back.sring->rsp_event = 3;                     /* RING_FINAL_CHECK_FOR_RESPONSES */
    netif_rx_build(&R.back, &m, &LINUX, &P);
    netif_rx_respond(&R.back, &P, NULL);
    CU_ASSERT_TRUE(netif_rx_push(&R.back));
    CU_ASSERT_EQUAL(R.back.sring->rsp_prod, 3);
}

static void test_batch_of_frames_one_push(void)
{
    struct netif_rx_pkt pk[NETIF_RX_BATCH_FRAMES];
    struct netif_rx_meta m = meta(1514);
    rx_post(&R, 200, 10, 0);
    rx_push(&R);
    for (int i = 0; i < NETIF_RX_BATCH_FRAMES; i++)
        CU_ASSERT_EQUAL_FATAL(netif_rx_build(&R.back, &m, &LINUX, &pk[i]), 0);
    for (int i = 0; i < NETIF_RX_BATCH_FRAMES; i++)
        CU_ASSERT_EQUAL(netif_rx_respond(&R.back, &pk[i], NULL), 0);
    CU_ASSERT_TRUE(netif_rx_push(&R.back));
    CU_ASSERT_EQUAL(R.back.sring->rsp_prod, NETIF_RX_BATCH_FRAMES);
    CU_ASSERT_EQUAL(rx_rsp(&R, 63)->id, 63);
}

static void test_wait_slots_helper(void)
{
    CU_ASSERT_FALSE(netif_rx_wait_slots(&R.back, 2));
    CU_ASSERT_EQUAL(R.back.sring->req_event, 2);
    rx_post(&R, 2, 10, 0);
    CU_ASSERT_TRUE(rx_push(&R));
    CU_ASSERT_TRUE(netif_rx_wait_slots(&R.back, 2));
}

static CU_pSuite build(void)
{
    CU_pSuite s = CU_add_suite_with_setup_and_teardown("netif_rx", NULL, NULL,
                                                       setup, teardown);
    if (!s)
        return NULL;
    ADD_TEST(s, test_slots_small_frame);
    ADD_TEST(s, test_slots_page_boundaries);
    ADD_TEST(s, test_slots_gso_adds_extra);
    ADD_TEST(s, test_slots_no_sg);
    ADD_TEST(s, test_slots_bad_len);
    ADD_TEST(s, test_slots_gso_unsupported);
    ADD_TEST(s, test_slots_gso_needs_csum_offload);
    ADD_TEST(s, test_build_single_slot);
    ADD_TEST(s, test_build_packs_pages_full);
    ADD_TEST(s, test_build_gso_layout);
    ADD_TEST(s, test_build_not_enough_slots);
    ADD_TEST(s, test_one_slot_left_xsa392);
    ADD_TEST(s, test_no_kick_before_enough_posted);
    ADD_TEST(s, test_build_empty_ring);
    ADD_TEST(s, test_build_impossible_prod);
    ADD_TEST(s, test_build_unsendable_consumes_nothing);
    ADD_TEST(s, test_build_copies_request_once);
    ADD_TEST(s, test_respond_same_slot_and_flags);
    ADD_TEST(s, test_respond_gso_extra_in_slot_two);
    ADD_TEST(s, test_respond_small_gso);
    ADD_TEST(s, test_respond_copy_failure);
    ADD_TEST(s, test_respond_in_order_only);
    ADD_TEST(s, test_wrap_responses_in_request_slots);
    ADD_TEST(s, test_csum_partial_accepted);
    ADD_TEST(s, test_csum_partial_v4_refused);
    ADD_TEST(s, test_csum_partial_v6_needs_feature);
    ADD_TEST(s, test_csum_valid_and_none);
    ADD_TEST(s, test_push_notify_decisions);
    ADD_TEST(s, test_batch_of_frames_one_push);
    ADD_TEST(s, test_wait_slots_helper);
    return s;
}

int main(void)
{
    return run_suite(build);
}
