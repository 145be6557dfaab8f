/* Unit tests of netif_gso_segment(): segments carry the right lengths,
 * ids, sequence numbers, flags and checksums, and their payloads put
 * together are the original payload. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "lib/csum.h"
#include "netback/netif_gso.h"
#include "tests/unit/test-main.h"


static uint8_t F[70000], SEG[70000], OUT[70000];
static size_t out_len;
static unsigned nseg;
static uint32_t seqs[300];
static uint8_t flags[300];
static uint16_t ids[300], lens[300];
static bool bad_csum;
static size_t L3, L4, HDR;
static bool V6;

/* A TCP frame: [tag], IPv4 (ihl 5) or IPv6 + one 8-byte hop-by-hop header,
 * TCP with 12 bytes of options, `payload` bytes of a counting pattern. */
static size_t build(bool v6, bool tagged, size_t payload, uint8_t tcp_flags)
{
    memset(F, 0, sizeof F);
    L3 = tagged ? 18 : 14;
    if (tagged) {
        F[12] = 0x81;
        F[14] = 0x00;
        F[15] = 0x0a;
    }
    uint8_t *ip = F + L3;
    if (v6) {
        F[L3 - 2] = 0x86;
        F[L3 - 1] = 0xdd;
        ip[0] = 0x60;
        ip[6] = 0;                                  /* hop-by-hop */
        ip[8] = 0x20; ip[23] = 1; ip[24] = 0x20; ip[39] = 2;
        ip[40] = 6;                                 /* -> TCP */
        L4 = L3 + 48;
    } else {
        F[L3 - 2] = 0x08;
        ip[0] = 0x45;
        ip[4] = 0x12; ip[5] = 0x34;                 /* id */
        ip[8] = 64; ip[9] = 6;
        memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
        L4 = L3 + 20;
    }
    uint8_t *th = F + L4;
    th[4] = 0xff; th[5] = 0xff; th[6] = 0xf0; th[7] = 0x00;   /* seq near wrap */
    th[12] = 8 << 4;                                /* 32-byte header */
    th[13] = tcp_flags;
    HDR = L4 + 32;
    for (size_t i = 0; i < payload; i++)
        F[HDR + i] = (uint8_t)(i * 13 + 1);
    V6 = v6;
    return HDR + payload;
}

static int emit(void *ctx, const uint8_t *s, size_t len)
{
    const uint8_t *ip = s + L3, *th = s + L4;
    uint16_t l4len = (uint16_t)(len - L4);
    uint32_t ps;
    if (V6) {
        ps = csum_pseudo_ipv6(ip, 6, l4len);
        if ((size_t)(ip[4] << 8 | ip[5]) != len - L3 - 40)
            bad_csum = true;
    } else {
        ps = csum_pseudo_ipv4(ip, 6, l4len);
        if (csum_fold(csum_add(0, ip, 20)) != 0xffff || (size_t)(ip[2] << 8 | ip[3]) != len - L3)
            bad_csum = true;
        ids[nseg] = (uint16_t)(ip[4] << 8 | ip[5]);
    }
    if (csum_fold(csum_add(ps, th, l4len)) != 0xffff)
        bad_csum = true;
    seqs[nseg] = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 | (uint32_t)th[6] << 8 | th[7];
    flags[nseg] = th[13];
    lens[nseg] = (uint16_t)len;
    memcpy(OUT + out_len, s + HDR, len - HDR);
    out_len += len - HDR;
    nseg++;
    return ctx ? -EIO : 0;
}

static int run(size_t len, uint16_t mss)
{
    nseg = 0;
    out_len = 0;
    bad_csum = false;
    return netif_gso_segment(F, len, (uint16_t)L4, mss, SEG, sizeof SEG, emit, NULL);
}

static void test_ipv4_segments(void)
{
    size_t len = build(false, false, 5000, 0x18 | 0x01 | 0x80);   /* PSH ACK FIN CWR */
    CU_ASSERT_EQUAL_FATAL(run(len, 1000), 5);
    CU_ASSERT_FALSE(bad_csum);
    CU_ASSERT_EQUAL(out_len, 5000);
    CU_ASSERT_EQUAL(memcmp(OUT, F + HDR, 5000), 0);
    for (unsigned i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(seqs[i], 0xfffff000u + i * 1000);
        CU_ASSERT_EQUAL(ids[i], 0x1234 + i);
        CU_ASSERT_EQUAL(lens[i], HDR + 1000);
        CU_ASSERT_TRUE(flags[i] & 0x10);                       /* ACK everywhere */
        CU_ASSERT_EQUAL(!!(flags[i] & 0x80), i == 0);          /* CWR first */
        CU_ASSERT_EQUAL(!!(flags[i] & 0x09), i == 4);          /* FIN, PSH last */
        CU_ASSERT_EQUAL(!!(flags[i] & 0x01), i == 4);
    }
}

static void test_short_last_segment(void)
{
    size_t len = build(false, false, 2500, 0x10);
    CU_ASSERT_EQUAL_FATAL(run(len, 1000), 3);
    CU_ASSERT_EQUAL(lens[2], HDR + 500);
    CU_ASSERT_FALSE(bad_csum);
}

static void test_ipv6_with_ext_header(void)
{
    size_t len = build(true, false, 4000, 0x10);
    CU_ASSERT_EQUAL_FATAL(run(len, 1400), 3);
    CU_ASSERT_FALSE(bad_csum);
    CU_ASSERT_EQUAL(memcmp(OUT, F + HDR, 4000), 0);
}

static void test_tagged(void)
{
    size_t len = build(false, true, 3000, 0x10);
    CU_ASSERT_EQUAL_FATAL(run(len, 1448), 3);
    CU_ASSERT_FALSE(bad_csum);
    CU_ASSERT_EQUAL(out_len, 3000);
}

static void test_max_frame(void)
{
    size_t len = build(false, false, 65535 - 14 - 20 - 32, 0x10);
    int n = run(len, 1448);
    CU_ASSERT_EQUAL(n, (int)((65535 - 66 + 1447) / 1448));
    CU_ASSERT_FALSE(bad_csum);
}

static void test_rejects(void)
{
    size_t len = build(false, false, 3000, 0x10);
    CU_ASSERT_EQUAL(run(len, 100), -EINVAL);                   /* mss floor */
    CU_ASSERT_EQUAL(netif_gso_segment(F, len, 34, 1000, SEG, 500, emit, NULL), -EINVAL);
    CU_ASSERT_EQUAL(netif_gso_segment(F, 40, 34, 1000, SEG, sizeof SEG, emit, NULL), -EINVAL);
    CU_ASSERT_EQUAL(netif_gso_segment(F, len, 30, 1000, SEG, sizeof SEG, emit, NULL), -EINVAL);
    F[23] = 17;                                                /* UDP */
    CU_ASSERT_EQUAL(run(len, 1000), -EINVAL);
    build(false, false, 3000, 0x10);
    F[L4 + 12] = 4 << 4;                                       /* TCP header < 20 */
    CU_ASSERT_EQUAL(run(len, 1000), -EINVAL);
    build(false, false, 3000, 0x10);
    F[12] = 0x08; F[13] = 0x06;                                /* ARP */
    CU_ASSERT_EQUAL(run(len, 1000), -EINVAL);
    CU_ASSERT_EQUAL(nseg, 0);
}

static void test_emit_error_stops(void)
{
    size_t len = build(false, false, 3000, 0x10);
    nseg = 0;
    int n = netif_gso_segment(F, len, (uint16_t)L4, 1000, SEG, sizeof SEG, emit, (void *)1);
    CU_ASSERT_EQUAL(n, -EIO);
    CU_ASSERT_EQUAL(nseg, 1);
}

int main(void)
{
    static const struct test_main_case cases[] = {
        TEST_MAIN_CASE(test_ipv4_segments),
        TEST_MAIN_CASE(test_short_last_segment),
        TEST_MAIN_CASE(test_ipv6_with_ext_header),
        TEST_MAIN_CASE(test_tagged),
        TEST_MAIN_CASE(test_max_frame),
        TEST_MAIN_CASE(test_rejects),
        TEST_MAIN_CASE(test_emit_error_stops),
        { NULL, NULL },
    };

    return test_main_run("netif_gso", NULL, NULL, cases);
}
