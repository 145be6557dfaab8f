/* Unit tests of vif_frontend_parse(): the frontend's xenstore keys are
 * validated strictly (a guest writes them), with Linux netback's defaults
 * for absent optional keys. */
#include <errno.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "netback/vif.h"
#include "tests/unit/test-main.h"


/* A frontend directory as key/value pairs; NULL key ends it. */
static const char *(*KV)[2];

static const char *get(void *ctx, const char *key)
{
    for (unsigned i = 0; KV[i][0]; i++)
        if (!strcmp(KV[i][0], key))
            return KV[i][1];
    return NULL;
}

static int parse(const char *(*kv)[2], struct vif_frontend *fe, char *err)
{
    KV = kv;
    return vif_frontend_parse(fe, get, NULL, err, 160);
}

static void test_linux_netfront(void)
{
    static const char *kv[][2] = {
        { "tx-ring-ref", "8" }, { "rx-ring-ref", "9" }, { "event-channel", "17" },
        { "request-rx-copy", "1" }, { "feature-rx-notify", "1" }, { "feature-sg", "1" },
        { "feature-gso-tcpv4", "1" }, { "feature-gso-tcpv6", "1" },
        { "feature-ipv6-csum-offload", "1" }, { NULL, NULL },
    };
    struct vif_frontend fe;
    char err[160];
    CU_ASSERT_EQUAL_FATAL(parse(kv, &fe, err), 0);
    CU_ASSERT_EQUAL(fe.tx_ring_ref, 8);
    CU_ASSERT_EQUAL(fe.rx_ring_ref, 9);
    CU_ASSERT_EQUAL(fe.evtchn_tx, 17);
    CU_ASSERT_EQUAL(fe.evtchn_rx, 17);
    CU_ASSERT_FALSE(fe.split);
    CU_ASSERT_TRUE(fe.rx_notify && fe.rx.sg && fe.rx.gso_tcpv4 && fe.rx.gso_tcpv6);
    CU_ASSERT_TRUE(fe.rx.csum_v4 && fe.rx.csum_v6);
    CU_ASSERT_FALSE(fe.mcast_control);
}

static void test_split_and_defaults(void)
{
    static const char *kv[][2] = {
        { "tx-ring-ref", "4294967295" }, { "rx-ring-ref", "0" },
        { "event-channel-tx", "5" }, { "event-channel-rx", "6" },
        { "request-rx-copy", "1" }, { "feature-no-csum-offload", "1" },
        { "request-multicast-control", "1" }, { NULL, NULL },
    };
    struct vif_frontend fe;
    char err[160];
    CU_ASSERT_EQUAL_FATAL(parse(kv, &fe, err), 0);
    CU_ASSERT_EQUAL(fe.tx_ring_ref, 4294967295u);
    CU_ASSERT_TRUE(fe.split);
    CU_ASSERT_EQUAL(fe.evtchn_tx, 5);
    CU_ASSERT_EQUAL(fe.evtchn_rx, 6);
    CU_ASSERT_FALSE(fe.rx.csum_v4);
    CU_ASSERT_FALSE(fe.rx.csum_v6);                 /* absent: off */
    CU_ASSERT_FALSE(fe.rx.sg || fe.rx.gso_tcpv4 || fe.rx_notify);
    CU_ASSERT_TRUE(fe.mcast_control);
}

static void expect_error(const char *(*kv)[2], int want, const char *needle)
{
    struct vif_frontend fe;
    char err[160] = "";
    CU_ASSERT_EQUAL(parse(kv, &fe, err), want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

static void test_no_rx_copy(void)
{
    static const char *kv[][2] = {
        { "tx-ring-ref", "8" }, { "rx-ring-ref", "9" }, { "event-channel", "17" },
        { NULL, NULL },
    };
    expect_error(kv, -EOPNOTSUPP, "rx-copy");
}

static void test_missing_and_bad_refs(void)
{
    static const char *miss[][2] = {
        { "request-rx-copy", "1" }, { "rx-ring-ref", "9" }, { "event-channel", "1" },
        { NULL, NULL },
    };
    static const char *neg[][2] = {
        { "request-rx-copy", "1" }, { "tx-ring-ref", "-1" }, { "rx-ring-ref", "9" },
        { "event-channel", "1" }, { NULL, NULL },
    };
    static const char *big[][2] = {
        { "request-rx-copy", "1" }, { "tx-ring-ref", "4294967296" }, { "rx-ring-ref", "9" },
        { "event-channel", "1" }, { NULL, NULL },
    };
    static const char *junk[][2] = {
        { "request-rx-copy", "1" }, { "tx-ring-ref", "8" }, { "rx-ring-ref", "9 " },
        { "event-channel", "1" }, { NULL, NULL },
    };
    expect_error(miss, -EINVAL, "tx-ring-ref missing");
    expect_error(neg, -EINVAL, "tx-ring-ref");
    expect_error(big, -EINVAL, "tx-ring-ref");
    expect_error(junk, -EINVAL, "rx-ring-ref");
}

static void test_channels(void)
{
    static const char *none[][2] = {
        { "request-rx-copy", "1" }, { "tx-ring-ref", "8" }, { "rx-ring-ref", "9" },
        { NULL, NULL },
    };
    static const char *half[][2] = {
        { "request-rx-copy", "1" }, { "tx-ring-ref", "8" }, { "rx-ring-ref", "9" },
        { "event-channel-tx", "3" }, { NULL, NULL },
    };
    expect_error(none, -EINVAL, "event-channel missing");
    expect_error(half, -EINVAL, "event-channel-rx missing");
}

static void test_bad_flags_and_queues(void)
{
    static const char *flag[][2] = {
        { "request-rx-copy", "1" }, { "tx-ring-ref", "8" }, { "rx-ring-ref", "9" },
        { "event-channel", "1" }, { "feature-sg", "2" }, { NULL, NULL },
    };
    static const char *queues[][2] = {
        { "multi-queue-num-queues", "4" }, { "request-rx-copy", "1" },
        { "tx-ring-ref", "8" }, { "rx-ring-ref", "9" }, { "event-channel", "1" },
        { NULL, NULL },
    };
    expect_error(flag, -EINVAL, "feature-sg");
    expect_error(queues, -EOPNOTSUPP, "4 queues");
}

static void test_backend_features(void)
{
    bool rx_copy = false, split = false;
    const char *key, *value;
    unsigned i;
    for (i = 0; vif_feature_at(i, &key, &value); i++) {
        if (!strcmp(key, "feature-rx-copy"))
            rx_copy = !strcmp(value, "1");
        if (!strcmp(key, "feature-split-event-channels"))
            split = !strcmp(value, "1");
        CU_ASSERT_STRING_NOT_EQUAL(key, "multi-queue-max-queues");
        CU_ASSERT_STRING_EQUAL(value, strcmp(key, "feature-rx-flip") ? "1" : "0");
    }
    CU_ASSERT_TRUE(rx_copy && split);
    CU_ASSERT(i >= 2);
    CU_ASSERT_FALSE(vif_feature_at(i + 1, &key, &value));
}

int main(void)
{
    static const struct test_main_case cases[] = {
        TEST_MAIN_CASE(test_linux_netfront),
        TEST_MAIN_CASE(test_split_and_defaults),
        TEST_MAIN_CASE(test_no_rx_copy),
        TEST_MAIN_CASE(test_missing_and_bad_refs),
        TEST_MAIN_CASE(test_channels),
        TEST_MAIN_CASE(test_bad_flags_and_queues),
        TEST_MAIN_CASE(test_backend_features),
        { NULL, NULL },
    };

    return test_main_run("vif_frontend", NULL, NULL, cases);
}
