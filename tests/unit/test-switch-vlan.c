/* VLAN rules: list syntax, port settings, ingress classification and
 * egress tagging through a bridge. */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "switch/bridge.h"
#include "tests/unit/test-switch-common.h"

static bool
bit(const uint64_t *bm, unsigned v)
{
    return bm[v >> 6] >> (v & 63) & 1;
}

static unsigned
count_bits(const uint64_t *bm)
{
    unsigned n = 0;

    for (unsigned i = 0; i < VLAN_BITMAP_WORDS; i++) {
        n += (unsigned) __builtin_popcountll(bm[i]);
    }
    return n;
}

static void
test_list_parse_good(void)
{
    uint64_t bm[VLAN_BITMAP_WORDS];

    CU_ASSERT_EQUAL(vlan_list_parse("10,20,30-40", bm), 0);
    CU_ASSERT_EQUAL(count_bits(bm), 13);
    CU_ASSERT(bit(bm, 10) && bit(bm, 20) && bit(bm, 30) && bit(bm, 35) && bit(bm, 40));
    CU_ASSERT(!bit(bm, 11) && !bit(bm, 29) && !bit(bm, 41));

    CU_ASSERT_EQUAL(vlan_list_parse("1-4094", bm), 0);
    CU_ASSERT_EQUAL(count_bits(bm), 4094);
    CU_ASSERT(!bit(bm, 0) && !bit(bm, 4095));

    CU_ASSERT_EQUAL(vlan_list_parse("4094", bm), 0);
    CU_ASSERT_EQUAL(count_bits(bm), 1);
    CU_ASSERT(bit(bm, 4094));

    CU_ASSERT_EQUAL(vlan_list_parse("5,5,3-7,7-7", bm), 0);   /* overlaps */
    CU_ASSERT_EQUAL(count_bits(bm), 5);
}

static void
test_list_parse_bad(void)
{
    static const char *bad[] = {
        "", ",", "10,", ",10", "10,,20", "0", "4095", "5000", "40-30",
        "10-", "-10", "a", "10 ,20", " 10", "10 ", "1-2-3", "99999", "+5",
        "0-5", "4090-4095", "10;20", "0x10", "00010",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        uint64_t bm[VLAN_BITMAP_WORDS];

        memset(bm, 0xa5, sizeof bm);
        CU_ASSERT_EQUAL(vlan_list_parse(bad[i], bm), -EINVAL);
        /* A failed parse leaves the caller's bitmap alone. */
        CU_ASSERT_EQUAL(bm[0], 0xa5a5a5a5a5a5a5a5ull);
    }
    CU_ASSERT_EQUAL(vlan_list_parse(NULL, (uint64_t[VLAN_BITMAP_WORDS]) { 0 }),
                    -EINVAL);
}

static void
test_list_format(void)
{
    uint64_t bm[VLAN_BITMAP_WORDS], back[VLAN_BITMAP_WORDS];
    char buf[64], small[6];

    CU_ASSERT_EQUAL(vlan_list_parse("40-30", bm), -EINVAL);
    CU_ASSERT_EQUAL(vlan_list_parse("30-40,20,10,11,4094", bm), 0);
    CU_ASSERT_EQUAL(vlan_list_format(bm, buf, sizeof buf), 19);
    CU_ASSERT_STRING_EQUAL(buf, "10-11,20,30-40,4094");
    CU_ASSERT_EQUAL(vlan_list_parse(buf, back), 0);
    CU_ASSERT_EQUAL(memcmp(bm, back, sizeof bm), 0);

    /* Truncation: whole items only, length of the full text returned. */
    CU_ASSERT_EQUAL(vlan_list_format(bm, small, sizeof small), 19);
    CU_ASSERT_STRING_EQUAL(small, "10-11");

    memset(bm, 0, sizeof bm);
    CU_ASSERT_EQUAL(vlan_list_format(bm, buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
}

static void
test_port_defaults(void)
{
    struct test_port tp;
    uint64_t all[VLAN_BITMAP_WORDS];

    test_port_init(&tp, "vif1.0");
    CU_ASSERT_STRING_EQUAL(tp.port.name, "vif1.0");
    CU_ASSERT_EQUAL(tp.port.vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(tp.port.pvid, 1);
    CU_ASSERT(tp.port.learning);
    CU_ASSERT(tp.port.link_up);
    CU_ASSERT(!tp.port.promiscuous && !tp.port.mac_locked);
    CU_ASSERT_EQUAL(tp.port.n_ips, 0);
    CU_ASSERT(port_vlan_allowed(&tp.port, 1));
    CU_ASSERT(!port_vlan_allowed(&tp.port, 2));

    /* A trunk never carries VID 0 or 4095 even if asked to. */
    memset(all, 0xff, sizeof all);
    port_set_trunk(&tp.port, all, 0);
    CU_ASSERT(!port_vlan_allowed(&tp.port, 0));
    CU_ASSERT(!port_vlan_allowed(&tp.port, 4095));
    CU_ASSERT(port_vlan_allowed(&tp.port, 4094));
    port_set_access(&tp.port, 7);
    CU_ASSERT_EQUAL(tp.port.vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT(port_vlan_allowed(&tp.port, 7));
    CU_ASSERT(!port_vlan_allowed(&tp.port, 4094));
}

static void
test_drop_reason_names(void)
{
    for (int i = 0; i < DROP_N_REASONS; i++) {
        const char *n = port_drop_reason_name((enum port_drop_reason) i);

        CU_ASSERT_PTR_NOT_NULL_FATAL(n);
        CU_ASSERT_STRING_NOT_EQUAL(n, "unknown");
        for (int j = 0; j < i; j++) {
            CU_ASSERT_STRING_NOT_EQUAL(n, port_drop_reason_name((enum port_drop_reason) j));
        }
    }
    CU_ASSERT_STRING_EQUAL(port_drop_reason_name(DROP_N_REASONS), "unknown");
    CU_ASSERT_STRING_EQUAL(port_drop_reason_name(DROP_SPOOF_MAC), "spoof_mac");
}

static void
test_count_drop(void)
{
    struct test_port tp;

    test_port_init(&tp, "p");
    port_count_drop(&tp.port, DROP_MTU);
    port_count_drop(&tp.port, DROP_MTU);
    port_count_drop(&tp.port, DROP_N_REASONS);     /* ignored, no overflow */
    CU_ASSERT_EQUAL(tp.port.stats.drops[DROP_MTU], 2);
    CU_ASSERT_EQUAL(tp.port.stats.drops[DROP_RATE], 0);
}

/* A bridge with: acc10 (access 10), acc10b (access 10), acc20 (access 20),
 * trunk (10,20,30, native none), trunkn (10,20 native 10). */
static uint64_t now = 1;
static struct bridge *br;
static struct test_port acc10, acc10b, acc20, trunk, trunkn;

static void
vlan_setup(void)
{
    uint64_t bm[VLAN_BITMAP_WORDS];

    br = bridge_create("vbr", NULL, test_clock, &now);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    test_port_init(&acc10, "acc10");
    test_port_init(&acc10b, "acc10b");
    test_port_init(&acc20, "acc20");
    test_port_init(&trunk, "trunk");
    test_port_init(&trunkn, "trunkn");
    port_set_access(&acc10.port, 10);
    port_set_access(&acc10b.port, 10);
    port_set_access(&acc20.port, 20);
    CU_ASSERT_EQUAL(vlan_list_parse("10,20,30", bm), 0);
    port_set_trunk(&trunk.port, bm, 0);
    CU_ASSERT_EQUAL(vlan_list_parse("10,20", bm), 0);
    port_set_trunk(&trunkn.port, bm, 10);
    CU_ASSERT_EQUAL(bridge_add_port(br, &acc10.port), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, &acc10b.port), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, &acc20.port), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, &trunk.port), 0);
    CU_ASSERT_EQUAL(bridge_add_port(br, &trunkn.port), 0);
}

static void
vlan_reset(void)
{
    test_port_reset(&acc10);
    test_port_reset(&acc10b);
    test_port_reset(&acc20);
    test_port_reset(&trunk);
    test_port_reset(&trunkn);
}

#define BCAST "ff:ff:ff:ff:ff:ff"
#define MAC1 "00:16:3e:00:00:01"
#define MAC2 "00:16:3e:00:00:02"

static void
test_access_ingress(void)
{
    struct test_frame tf;

    vlan_setup();
    /* Untagged on access 10: VLAN 10 only. */
    test_frame_build(&tf, BCAST, MAC1, 0x0800, -1, 1, 60);
    test_send(br, &acc10, &tf);
    CU_ASSERT_EQUAL(acc10b.n, 1);
    CU_ASSERT_EQUAL(acc10b.rec[0].vlan, 10);
    CU_ASSERT_EQUAL(acc10b.rec[0].tci, 0);
    CU_ASSERT_EQUAL(acc20.n, 0);
    CU_ASSERT_EQUAL(trunk.n, 1);
    CU_ASSERT_EQUAL(trunk.rec[0].tci, 10);          /* tagged on the trunk */
    CU_ASSERT_EQUAL(trunkn.n, 1);
    CU_ASSERT_EQUAL(trunkn.rec[0].tci, 0);          /* native: untagged */
    CU_ASSERT_EQUAL(acc10.n, 0);                    /* never back */
    CU_ASSERT_EQUAL(acc10.port.stats.rx_packets, 1);
    CU_ASSERT_EQUAL(acc10.port.stats.rx_bytes, 60);

    /* Tagged on an access port: dropped, even with its own VLAN. */
    vlan_reset();
    test_frame_build(&tf, BCAST, MAC1, 0x0800, 10, 2, 60);
    test_send(br, &acc10, &tf);
    CU_ASSERT_EQUAL(acc10b.n + trunk.n + trunkn.n + acc20.n, 0);
    CU_ASSERT_EQUAL(acc10.port.stats.drops[DROP_VLAN_INGRESS], 1);
    CU_ASSERT_EQUAL(acc10.port.stats.rx_packets, 1);

    /* Priority-tagged (VID 0, PCP 5): the access VLAN, priority kept on
     * the trunk. */
    vlan_reset();
    test_frame_build(&tf, BCAST, MAC1, 0x0800, 5 << 13, 3, 60);
    test_send(br, &acc10, &tf);
    CU_ASSERT_EQUAL(acc10b.n, 1);
    CU_ASSERT_EQUAL(acc10b.rec[0].tci, 0);
    CU_ASSERT_EQUAL(trunk.n, 1);
    CU_ASSERT_EQUAL(trunk.rec[0].tci, 5 << 13 | 10);
    bridge_destroy(br);
}

static void
test_trunk_ingress(void)
{
    struct test_frame tf;

    vlan_setup();
    /* Tagged, allowed. */
    test_frame_build(&tf, BCAST, MAC1, 0x0800, 20, 1, 60);
    test_send(br, &trunk, &tf);
    CU_ASSERT_EQUAL(acc20.n, 1);
    CU_ASSERT_EQUAL(acc20.rec[0].vlan, 20);
    CU_ASSERT_EQUAL(acc20.rec[0].tci, 0);
    CU_ASSERT_EQUAL(trunkn.n, 1);
    CU_ASSERT_EQUAL(trunkn.rec[0].tci, 20);
    CU_ASSERT_EQUAL(acc10.n + acc10b.n, 0);

    /* Tagged, not allowed (40), and reserved 4095. */
    vlan_reset();
    test_frame_build(&tf, BCAST, MAC1, 0x0800, 40, 2, 60);
    test_send(br, &trunk, &tf);
    test_frame_build(&tf, BCAST, MAC1, 0x0800, 4095, 2, 60);
    test_send(br, &trunk, &tf);
    CU_ASSERT_EQUAL(acc10.n + acc10b.n + acc20.n + trunkn.n, 0);
    CU_ASSERT_EQUAL(trunk.port.stats.drops[DROP_VLAN_INGRESS], 2);

    /* Untagged on a trunk without native VLAN: dropped. */
    test_frame_build(&tf, BCAST, MAC1, 0x0800, -1, 3, 60);
    test_send(br, &trunk, &tf);
    CU_ASSERT_EQUAL(trunk.port.stats.drops[DROP_VLAN_INGRESS], 3);
    CU_ASSERT_EQUAL(acc10.n + acc10b.n + acc20.n + trunkn.n, 0);

    /* Untagged on a trunk with native 10: VLAN 10. */
    test_frame_build(&tf, BCAST, MAC2, 0x0800, -1, 4, 60);
    test_send(br, &trunkn, &tf);
    CU_ASSERT_EQUAL(acc10.n, 1);
    CU_ASSERT_EQUAL(acc10b.n, 1);
    CU_ASSERT_EQUAL(trunk.n, 1);
    CU_ASSERT_EQUAL(trunk.rec[0].tci, 10);
    CU_ASSERT_EQUAL(trunk.rec[0].vlan, 10);
    CU_ASSERT_EQUAL(acc20.n, 0);

    /* Tagged with the native VLAN on that trunk: also VLAN 10. */
    vlan_reset();
    test_frame_build(&tf, BCAST, MAC2, 0x0800, 10, 5, 60);
    test_send(br, &trunkn, &tf);
    CU_ASSERT_EQUAL(acc10.n, 1);
    CU_ASSERT_EQUAL(trunk.n, 1);
    bridge_destroy(br);
}

static void
test_egress_priority_kept(void)
{
    struct test_frame tf;
    uint16_t tci = 3 << 13 | 1 << 12 | 20;     /* PCP 3, DEI, VID 20 */

    vlan_setup();
    test_frame_build(&tf, BCAST, MAC1, 0x0800, tci, 1, 60);
    test_send(br, &trunk, &tf);
    CU_ASSERT_EQUAL(trunkn.n, 1);
    CU_ASSERT_EQUAL(trunkn.rec[0].tci, tci);
    CU_ASSERT_EQUAL(acc20.n, 1);
    CU_ASSERT_EQUAL(acc20.rec[0].tci, 0);
    bridge_destroy(br);
}

static void
test_isolation_and_fdb_per_vlan(void)
{
    struct test_frame tf;

    vlan_setup();
    /* MAC1 on acc10 (VLAN 10) and on acc20 (VLAN 20): two entries. */
    test_frame_build(&tf, BCAST, MAC1, 0x0800, -1, 1, 60);
    test_send(br, &acc10, &tf);
    test_send(br, &acc20, &tf);
    vlan_reset();
    /* Unicast to MAC1 from the trunk in VLAN 20 goes to acc20 only. */
    test_frame_build(&tf, MAC1, MAC2, 0x0800, 20, 2, 60);
    test_send(br, &trunk, &tf);
    CU_ASSERT_EQUAL(acc20.n, 1);
    CU_ASSERT_EQUAL(acc10.n + acc10b.n + trunkn.n, 0);
    /* ... and in VLAN 10 to acc10 only. */
    test_frame_build(&tf, MAC1, MAC2, 0x0800, 10, 3, 60);
    test_send(br, &trunk, &tf);
    CU_ASSERT_EQUAL(acc10.n, 1);
    CU_ASSERT_EQUAL(acc10b.n + trunkn.n, 0);
    CU_ASSERT_EQUAL(acc20.n, 1);
    bridge_destroy(br);
}

static void
test_unicast_to_port_that_left_vlan(void)
{
    struct test_frame tf;

    vlan_setup();
    test_frame_build(&tf, BCAST, MAC1, 0x0800, -1, 1, 60);
    test_send(br, &acc10, &tf);          /* MAC1 learned on acc10, VLAN 10 */
    port_set_access(&acc10.port, 20);    /* moved to VLAN 20 */
    vlan_reset();
    test_frame_build(&tf, MAC1, MAC2, 0x0800, -1, 2, 60);
    test_send(br, &acc10b, &tf);
    /* Not delivered into VLAN 20; treated as unknown in VLAN 10. */
    CU_ASSERT_EQUAL(acc10.n, 0);
    CU_ASSERT_EQUAL(trunk.n, 1);
    CU_ASSERT_EQUAL(trunkn.n, 1);
    bridge_destroy(br);
}

int
main(void)
{
    static const test_case cases[] = {
        { "vlan list parse: good", test_list_parse_good },
        { "vlan list parse: bad", test_list_parse_bad },
        { "vlan list format", test_list_format },
        { "port defaults and modes", test_port_defaults },
        { "drop reason names", test_drop_reason_names },
        { "count drop", test_count_drop },
        { "access ingress and egress", test_access_ingress },
        { "trunk ingress (allowed, native)", test_trunk_ingress },
        { "egress keeps priority bits", test_egress_priority_kept },
        { "isolation, FDB per VLAN", test_isolation_and_fdb_per_vlan },
        { "unicast to a port that left the VLAN", test_unicast_to_port_that_left_vlan },
        { NULL, NULL },
    };

    return test_run_suite("vlan", cases);
}
