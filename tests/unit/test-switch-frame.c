/* Frames (tag strip, gather, tag insert, grant copier, checksum) and the
 * lib/util.h parsers. */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "switch/frame.h"
#include "tests/unit/test-switch-common.h"

static const uint8_t tagged_frame[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,         /* dst */
    0x00, 0x16, 0x3e, 0x11, 0x22, 0x33,         /* src */
    0x81, 0x00, 0xa0, 0x0a,                     /* PCP 5, VID 10 */
    0x08, 0x06,                                 /* ARP */
    0xde, 0xad, 0xbe, 0xef,
};

static void
test_init_untagged(void)
{
    uint8_t buf[64] = { [12] = 0x08, [13] = 0x00, [20] = 0x77 };
    struct frame f;

    CU_ASSERT_EQUAL(frame_init_local(&f, buf, 60), 0);
    CU_ASSERT_PTR_EQUAL(f.head, buf);
    CU_ASSERT_EQUAL(f.len, 60);
    CU_ASSERT_EQUAL(f.head_len, 60);
    CU_ASSERT_EQUAL(f.flags, 0);
    CU_ASSERT_EQUAL(f.tci, 0);
    CU_ASSERT_EQUAL(f.nfrags, 0);
    CU_ASSERT_EQUAL(frame_ethertype(&f), 0x0800);
    CU_ASSERT_EQUAL(buf[20], 0x77);
    CU_ASSERT_EQUAL(frame_init_local(&f, buf, 13), -EINVAL);
    CU_ASSERT_EQUAL(frame_init_local(&f, buf, 14), 0);
}

static void
test_init_strips_tag(void)
{
    uint8_t buf[sizeof tagged_frame];
    struct frame f;

    memcpy(buf, tagged_frame, sizeof buf);
    CU_ASSERT_EQUAL(frame_init_local(&f, buf, sizeof buf), 0);
    CU_ASSERT(f.flags & FRAME_F_TAGGED);
    CU_ASSERT_EQUAL(f.tci, 0xa00a);
    CU_ASSERT_PTR_EQUAL(f.head, buf + 4);
    CU_ASSERT_EQUAL(f.len, sizeof buf - 4);
    CU_ASSERT_EQUAL(f.head_len, sizeof buf - 4);
    CU_ASSERT_EQUAL(memcmp(frame_dst(&f), tagged_frame, 6), 0);
    CU_ASSERT_EQUAL(memcmp(frame_src(&f), tagged_frame + 6, 6), 0);
    CU_ASSERT_EQUAL(frame_ethertype(&f), 0x0806);
    CU_ASSERT_EQUAL(memcmp(f.head + 14, tagged_frame + 18, 4), 0);
}

static void
test_gather_local_and_tagged(void)
{
    uint8_t buf[sizeof tagged_frame], out[64], out2[64];
    static const uint8_t tail1[] = { 1, 2, 3 }, tail2[] = { 4, 5 };
    struct frame f;

    memcpy(buf, tagged_frame, sizeof buf);
    CU_ASSERT_EQUAL_FATAL(frame_init_local(&f, buf, sizeof buf), 0);
    f.frags[0] = (struct frame_frag) { .kind = FRAME_FRAG_LOCAL, .len = 3,
                                       .u.ptr = tail1 };
    f.frags[1] = (struct frame_frag) { .kind = FRAME_FRAG_LOCAL, .len = 2,
                                       .u.ptr = tail2 };
    f.nfrags = 2;
    f.len += 5;

    CU_ASSERT_EQUAL(frame_gather(&f, out, sizeof out), 23);
    CU_ASSERT_EQUAL(memcmp(out, tagged_frame, 12), 0);
    CU_ASSERT_EQUAL(memcmp(out + 12, tagged_frame + 16, 6), 0);
    CU_ASSERT_EQUAL(memcmp(out + 18, "\1\2\3\4\5", 5), 0);
    CU_ASSERT_EQUAL(frame_gather(&f, out, 22), -ENOSPC);

    /* Re-inserting the tag gives back the frame as received, + tails. */
    CU_ASSERT_EQUAL(frame_gather_tagged(&f, 0xa00a, out2, sizeof out2), 27);
    CU_ASSERT_EQUAL(memcmp(out2, tagged_frame, sizeof tagged_frame), 0);
    CU_ASSERT_EQUAL(memcmp(out2 + 22, "\1\2\3\4\5", 5), 0);
    CU_ASSERT_EQUAL(frame_gather_tagged(&f, 0xa00a, out2, 26), -ENOSPC);
    /* tci 0: untagged. */
    CU_ASSERT_EQUAL(frame_gather_tagged(&f, 0, out2, sizeof out2), 23);
    CU_ASSERT_EQUAL(memcmp(out, out2, 23), 0);

    /* A descriptor whose lengths disagree is refused. */
    f.len += 1;
    CU_ASSERT_EQUAL(frame_gather(&f, out, sizeof out), -EINVAL);
}

/* Fake guest memory: gref n is a page filled with byte n. */
static unsigned copier_calls, copier_frags;
static bool copier_fail;

static int
fake_copier(void *ctx, const struct frame_frag *frags, unsigned n, uint8_t *dst)
{
    CU_ASSERT_PTR_EQUAL(ctx, &copier_calls);
    copier_calls++;
    copier_frags += n;
    if (copier_fail) {
        return -EIO;
    }
    for (unsigned i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(frags[i].kind, FRAME_FRAG_GRANT);
        memset(dst, (int) frags[i].u.gnt.gref, frags[i].len);
        dst += frags[i].len;
    }
    return 0;
}

static void
test_gather_grants(void)
{
    uint8_t head[20] = { 0 }, out[64];
    static const uint8_t local[] = { 0xee, 0xee };
    struct frame f;

    CU_ASSERT_EQUAL_FATAL(frame_init_local(&f, head, sizeof head), 0);
    f.frags[0] = (struct frame_frag) { .kind = FRAME_FRAG_GRANT, .len = 4,
                                       .u.gnt = { .gref = 0x11 } };
    f.frags[1] = (struct frame_frag) { .kind = FRAME_FRAG_GRANT, .len = 3,
                                       .u.gnt = { .gref = 0x22 } };
    f.frags[2] = (struct frame_frag) { .kind = FRAME_FRAG_LOCAL, .len = 2,
                                       .u.ptr = local };
    f.frags[3] = (struct frame_frag) { .kind = FRAME_FRAG_GRANT, .len = 1,
                                       .u.gnt = { .gref = 0x33 } };
    f.nfrags = 4;
    f.len += 10;

    frame_set_grant_copier(NULL, NULL);
    CU_ASSERT_EQUAL(frame_gather(&f, out, sizeof out), -EIO);   /* no copier */

    frame_set_grant_copier(fake_copier, &copier_calls);
    copier_calls = copier_frags = 0;
    CU_ASSERT_EQUAL(frame_gather(&f, out, sizeof out), 30);
    CU_ASSERT_EQUAL(copier_calls, 2);         /* runs of grants batched */
    CU_ASSERT_EQUAL(copier_frags, 3);
    CU_ASSERT_EQUAL(memcmp(out + 20, "\x11\x11\x11\x11\x22\x22\x22\xee\xee\x33", 10), 0);

    copier_fail = true;
    CU_ASSERT_EQUAL(frame_gather_tagged(&f, 5, out, sizeof out), -EIO);
    copier_fail = false;
    frame_set_grant_copier(NULL, NULL);
}

/* The IPv4 header of RFC 1071-era textbooks (and Wikipedia):
 * 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7. */
static void
test_csum_ipv4_header(void)
{
    uint8_t pkt[14 + 20] = {
        [12] = 0x08, [13] = 0x00,
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
        0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    };

    frame_csum_complete(pkt, sizeof pkt, 14, 10);
    CU_ASSERT_EQUAL(pkt[24], 0xb8);
    CU_ASSERT_EQUAL(pkt[25], 0x61);
}

/* UDP 192.168.0.1:1234 -> 192.168.0.199:5678, payload "hello xvs!!"
 * (odd length).  The checksum field holds the pseudo-header sum (0x823d)
 * as CHECKSUM_PARTIAL frames do; the right checksum is 0x1225. */
static void
test_csum_udp_partial(void)
{
    uint8_t pkt[14 + 20 + 8 + 11] = {
        [12] = 0x08, [13] = 0x00,
        0x45, 0x00, 0x00, 0x27, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
        0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        0x04, 0xd2, 0x16, 0x2e, 0x00, 0x13, 0x82, 0x3d,
        'h', 'e', 'l', 'l', 'o', ' ', 'x', 'v', 's', '!', '!',
    };
    uint8_t copy[sizeof pkt];

    memcpy(copy, pkt, sizeof pkt);
    frame_csum_complete(pkt, sizeof pkt, 34, 6);
    CU_ASSERT_EQUAL(pkt[40], 0x12);
    CU_ASSERT_EQUAL(pkt[41], 0x25);
    /* Nothing else changed. */
    CU_ASSERT_EQUAL(memcmp(pkt, copy, 40), 0);
    CU_ASSERT_EQUAL(memcmp(pkt + 42, copy + 42, sizeof pkt - 42), 0);

    /* Offsets outside the buffer: untouched, no crash. */
    memcpy(pkt, copy, sizeof pkt);
    frame_csum_complete(pkt, sizeof pkt, 34, 100);
    frame_csum_complete(pkt, sizeof pkt, 60000, 6);
    frame_csum_complete(pkt, sizeof pkt, (uint16_t) (sizeof pkt - 1), 0);
    CU_ASSERT_EQUAL(memcmp(pkt, copy, sizeof pkt), 0);
}

static void
test_csum_zero_becomes_ffff(void)
{
    /* A segment summing to 0xffff would give checksum 0: sent as 0xffff. */
    uint8_t pkt[4] = { 0xff, 0xff, 0x00, 0x00 };

    frame_csum_complete(pkt, sizeof pkt, 0, 2);
    CU_ASSERT_EQUAL(pkt[2], 0xff);
    CU_ASSERT_EQUAL(pkt[3], 0xff);
}

static void
test_eth_addr(void)
{
    uint8_t m[6];
    char buf[ETH_ADDR_STRLEN];
    static const char *bad[] = {
        "", "00:16:3e:00:00", "00:16:3e:00:00:01:02", "00-16-3e-00-00-01",
        "0:16:3e:00:00:01", "00:16:3e:00:00:1", "00:16:3e:00:00:0g",
        "00:16:3e:00:00:01 ", "001:6:3e:00:00:01", "00:16:3e:00:00:",
    };

    CU_ASSERT_EQUAL(eth_addr_parse("00:16:3E:aB:cd:EF", m), 0);
    CU_ASSERT_EQUAL(memcmp(m, "\x00\x16\x3e\xab\xcd\xef", 6), 0);
    eth_addr_format(m, buf);
    CU_ASSERT_STRING_EQUAL(buf, "00:16:3e:ab:cd:ef");
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        memset(m, 0x5a, 6);
        CU_ASSERT_EQUAL(eth_addr_parse(bad[i], m), -EINVAL);
        CU_ASSERT_EQUAL(m[0], 0x5a);
    }
    CU_ASSERT_EQUAL(eth_addr_parse(NULL, m), -EINVAL);
    CU_ASSERT(eth_addr_is_multicast((const uint8_t *) "\x01\0\0\0\0\0"));
    CU_ASSERT(!eth_addr_is_multicast(m));
    CU_ASSERT(eth_addr_is_zero((const uint8_t *) "\0\0\0\0\0\0"));
}

static void
test_parse_uint(void)
{
    unsigned long long v = 77;

    CU_ASSERT_EQUAL(parse_uint("0", 10, &v), 0);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(parse_uint("4094", 4094, &v), 0);
    CU_ASSERT_EQUAL(v, 4094);
    CU_ASSERT_EQUAL(parse_uint("18446744073709551615", UINT64_MAX, &v), 0);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    v = 77;
    CU_ASSERT_EQUAL(parse_uint("4095", 4094, &v), -ERANGE);
    CU_ASSERT_EQUAL(parse_uint("18446744073709551616", UINT64_MAX, &v), -ERANGE);
    CU_ASSERT_EQUAL(parse_uint("99999999999999999999999", 100, &v), -ERANGE);
    CU_ASSERT_EQUAL(parse_uint("7", 5, &v), -ERANGE);
    CU_ASSERT_EQUAL(parse_uint("", 10, &v), -EINVAL);
    CU_ASSERT_EQUAL(parse_uint("-1", 10, &v), -EINVAL);
    CU_ASSERT_EQUAL(parse_uint("+1", 10, &v), -EINVAL);
    CU_ASSERT_EQUAL(parse_uint(" 1", 10, &v), -EINVAL);
    CU_ASSERT_EQUAL(parse_uint("1 ", 10, &v), -EINVAL);
    CU_ASSERT_EQUAL(parse_uint("0x1", 10, &v), -EINVAL);
    CU_ASSERT_EQUAL(parse_uint("99x", 10, &v), -EINVAL);   /* syntax first */
    CU_ASSERT_EQUAL(parse_uint(NULL, 10, &v), -EINVAL);
    CU_ASSERT_EQUAL(v, 77);
}

static void
test_str_copy(void)
{
    char buf[6];

    CU_ASSERT_EQUAL(str_copy(buf, sizeof buf, "12345"), 0);
    CU_ASSERT_STRING_EQUAL(buf, "12345");
    CU_ASSERT_EQUAL(str_copy(buf, sizeof buf, "123456"), -ENAMETOOLONG);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_EQUAL(str_copy(buf, 0, "x"), -ENAMETOOLONG);
    CU_ASSERT_EQUAL(str_copy(buf, sizeof buf, ""), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
}

int
main(void)
{
    static const test_case cases[] = {
        { "init: untagged", test_init_untagged },
        { "init: strips 802.1Q tag", test_init_strips_tag },
        { "gather local, tagged", test_gather_local_and_tagged },
        { "gather grants (copier, batching, errors)", test_gather_grants },
        { "csum: IPv4 header", test_csum_ipv4_header },
        { "csum: UDP CHECKSUM_PARTIAL", test_csum_udp_partial },
        { "csum: 0 sent as 0xffff", test_csum_zero_becomes_ffff },
        { "util: eth_addr", test_eth_addr },
        { "util: parse_uint", test_parse_uint },
        { "util: str_copy", test_str_copy },
        { NULL, NULL },
    };

    return test_run_suite("frame", cases);
}
