/* Unit tests of netif_csum_setup(): finding the L4 checksum of a
 * csum_blank frame from its headers, and refusing what cannot be found. */
#include <errno.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "netback/netif_csum.h"
#include "tests/unit/test-main.h"


static uint8_t F[256];

static size_t v4(uint8_t proto, unsigned ihl_words)
{
    memset(F, 0, sizeof F);
    F[12] = 0x08;
    F[14] = (uint8_t)(0x40 | ihl_words);
    F[23] = proto;
    return sizeof F;
}

static size_t v6(uint8_t next)
{
    memset(F, 0, sizeof F);
    F[12] = 0x86;
    F[13] = 0xdd;
    F[14] = 0x60;
    F[20] = next;
    return sizeof F;
}

static void test_ipv4_tcp(void)
{
    struct netif_csum c;
    CU_ASSERT_EQUAL(netif_csum_setup(F, v4(6, 5), &c), 0);
    CU_ASSERT_EQUAL(c.start, 34);
    CU_ASSERT_EQUAL(c.offset, 16);
    CU_ASSERT_EQUAL(c.proto, 6);
    CU_ASSERT_FALSE(c.ipv6);
}

static void test_ipv4_udp_with_options(void)
{
    struct netif_csum c;
    CU_ASSERT_EQUAL(netif_csum_setup(F, v4(17, 8), &c), 0);
    CU_ASSERT_EQUAL(c.start, 14 + 32);
    CU_ASSERT_EQUAL(c.offset, 6);
}

static void test_ipv4_bad_ihl(void)
{
    struct netif_csum c;
    CU_ASSERT_EQUAL(netif_csum_setup(F, v4(6, 4), &c), -EINVAL);
    CU_ASSERT_EQUAL(netif_csum_setup(F, 40, &c), -EINVAL);     /* truncated TCP */
    v4(6, 15);
    CU_ASSERT_EQUAL(netif_csum_setup(F, 14 + 60 + 10, &c), -EINVAL);
}

static void test_ipv4_fragment_refused(void)
{
    struct netif_csum c;
    v4(17, 5);
    F[20] = 0x20;                                   /* MF */
    CU_ASSERT_EQUAL(netif_csum_setup(F, sizeof F, &c), -EPROTONOSUPPORT);
    v4(17, 5);
    F[21] = 0x10;                                   /* offset */
    CU_ASSERT_EQUAL(netif_csum_setup(F, sizeof F, &c), -EPROTONOSUPPORT);
}

static void test_ipv4_other_proto(void)
{
    struct netif_csum c;
    CU_ASSERT_EQUAL(netif_csum_setup(F, v4(1, 5), &c), -EPROTONOSUPPORT);
}

static void test_ipv6_tcp(void)
{
    struct netif_csum c;
    CU_ASSERT_EQUAL(netif_csum_setup(F, v6(6), &c), 0);
    CU_ASSERT_EQUAL(c.start, 54);
    CU_ASSERT_TRUE(c.ipv6);
}

static void test_ipv6_ext_headers(void)
{
    struct netif_csum c;
    v6(0);                                          /* hop-by-hop, 8 bytes */
    F[54] = 60;                                     /* -> dest opts, 16 bytes */
    F[55] = 0;
    F[62] = 17;                                     /* -> UDP */
    F[63] = 1;
    CU_ASSERT_EQUAL(netif_csum_setup(F, sizeof F, &c), 0);
    CU_ASSERT_EQUAL(c.start, 54 + 8 + 16);
    CU_ASSERT_EQUAL(c.offset, 6);
}

static void test_ipv6_ext_loop_bounded(void)
{
    struct netif_csum c;
    v6(0);
    for (size_t at = 54; at + 8 <= sizeof F; at += 8)
        F[at] = 0;                                  /* hop-by-hop forever */
    CU_ASSERT_EQUAL(netif_csum_setup(F, sizeof F, &c), -EINVAL);
}

static void test_ipv6_fragment_refused(void)
{
    struct netif_csum c;
    CU_ASSERT_EQUAL(netif_csum_setup(F, v6(44), &c), -EPROTONOSUPPORT);
}

static void test_not_ip(void)
{
    struct netif_csum c;
    memset(F, 0, sizeof F);
    F[12] = 0x08;
    F[13] = 0x06;                                   /* ARP */
    CU_ASSERT_EQUAL(netif_csum_setup(F, sizeof F, &c), -EPROTONOSUPPORT);
    CU_ASSERT_EQUAL(netif_csum_setup(F, 10, &c), -EINVAL);
    v4(6, 5);
    F[14] = 0x65;                                   /* version 6 in a v4 frame */
    CU_ASSERT_EQUAL(netif_csum_setup(F, sizeof F, &c), -EINVAL);
}

int main(void)
{
    static const struct test_main_case cases[] = {
        TEST_MAIN_CASE(test_ipv4_tcp),
        TEST_MAIN_CASE(test_ipv4_udp_with_options),
        TEST_MAIN_CASE(test_ipv4_bad_ihl),
        TEST_MAIN_CASE(test_ipv4_fragment_refused),
        TEST_MAIN_CASE(test_ipv4_other_proto),
        TEST_MAIN_CASE(test_ipv6_tcp),
        TEST_MAIN_CASE(test_ipv6_ext_headers),
        TEST_MAIN_CASE(test_ipv6_ext_loop_bounded),
        TEST_MAIN_CASE(test_ipv6_fragment_refused),
        TEST_MAIN_CASE(test_not_ip),
        { NULL, NULL },
    };

    return test_main_run("netif_csum", NULL, NULL, cases);
}
