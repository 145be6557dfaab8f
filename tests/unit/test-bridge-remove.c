/* bridge_remove_port(): a port leaves its bridge without being destroyed
 * (the xenstore module moves vifs between bridges and takes them down on a
 * bad key), and nothing of the bridge still points at it. */
#include <errno.h>
#include <string.h>

#include "switch/bridge.h"
#include "tests/unit/test-switch-common.h"

#define MAC_A "00:16:3e:00:00:0a"
#define MAC_B "00:16:3e:00:00:0b"
#define MAC_C "00:16:3e:00:00:0c"

static uint64_t now = 1000;

static void
send1(struct bridge *br, struct test_port *in, const char *dst, const char *src, uint32_t id)
{
    struct test_frame tf;

    test_frame_build(&tf, dst, src, 0x0800, -1, id, 60);
    test_send(br, in, &tf);
}

static void
test_remove_keeps_port(void)
{
    struct test_port pa, pb, pc;
    struct bridge *br = test_bridge3(&now, &pa, &pb, &pc);
    uint8_t mac_a[6];

    test_mac(MAC_A, mac_a);
    send1(br, &pa, MAC_B, MAC_A, 1);            /* learn A on pa */
    CU_ASSERT_PTR_EQUAL(fdb_lookup(bridge_fdb(br), mac_a, 1), &pa.port);
    CU_ASSERT_EQUAL(fdb_add_static(bridge_fdb(br), (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 1,
                                   &pa.port), 0);

    CU_ASSERT_TRUE(bridge_remove_port(br, &pa.port));
    CU_ASSERT_FALSE(pa.destroyed);
    CU_ASSERT_PTR_NULL(pa.port.bridge);
    CU_ASSERT_EQUAL(pa.port.ofport, 0);
    CU_ASSERT_EQUAL(pa.port.fdb_learned, 0);
    CU_ASSERT_EQUAL(bridge_n_ports(br), 2);
    CU_ASSERT_PTR_NULL(bridge_find_port(br, "pa"));
    CU_ASSERT_PTR_NULL(fdb_lookup(bridge_fdb(br), mac_a, 1));
    CU_ASSERT_PTR_NULL(fdb_lookup(bridge_fdb(br), (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 1));
    /* A second removal finds nothing. */
    CU_ASSERT_FALSE(bridge_remove_port(br, &pa.port));

    /* Frames for A now flood to the ports still there, never to pa. */
    test_port_reset(&pa);
    test_port_reset(&pc);
    send1(br, &pb, MAC_A, MAC_B, 2);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 2), 1);
    CU_ASSERT_EQUAL(pa.n, 0);

    /* Added again, it gets an ofport and frames. */
    CU_ASSERT_EQUAL(bridge_add_port(br, &pa.port), 0);
    CU_ASSERT_PTR_EQUAL(pa.port.bridge, br);
    CU_ASSERT_NOT_EQUAL(pa.port.ofport, 0);
    send1(br, &pb, MAC_A, MAC_B, 3);
    CU_ASSERT_EQUAL(test_port_count_id(&pa, 3), 1);

    /* bridge_del_port() still destroys. */
    bridge_del_port(br, &pb.port);
    CU_ASSERT_TRUE(pb.destroyed);
    bridge_destroy(br);
    CU_ASSERT_TRUE(pa.destroyed);
    CU_ASSERT_TRUE(pc.destroyed);
}

static void
test_remove_promiscuous(void)
{
    struct test_port pa, pb, pc;
    struct bridge *br = test_bridge3(&now, &pa, &pb, &pc);

    pa.port.promiscuous = true;
    bridge_port_changed(br, &pa.port);
    send1(br, &pc, MAC_B, MAC_C, 1);            /* learn C on pc */
    send1(br, &pb, MAC_C, MAC_B, 2);            /* known unicast: pc + promiscuous pa */
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 2), 1);
    CU_ASSERT_EQUAL(test_port_count_id(&pa, 2), 1);

    CU_ASSERT_TRUE(bridge_remove_port(br, &pa.port));
    test_port_reset(&pa);
    send1(br, &pb, MAC_C, MAC_B, 3);
    CU_ASSERT_EQUAL(test_port_count_id(&pc, 3), 1);
    CU_ASSERT_EQUAL(pa.n, 0);
    CU_ASSERT_EQUAL(pa.n_calls, 0);
    bridge_destroy(br);
    CU_ASSERT_FALSE(pa.destroyed);              /* not the bridge's any more */
}

/* Moving a port: out of one bridge, into another, learned there. */
static void
test_remove_move(void)
{
    struct bridge *b1 = bridge_create("br1", NULL, test_clock, &now);
    struct bridge *b2 = bridge_create("br2", NULL, test_clock, &now);
    struct test_port pa, p1, p2;
    uint8_t mac_a[6];

    CU_ASSERT_PTR_NOT_NULL_FATAL(b1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b2);
    test_mac(MAC_A, mac_a);
    test_port_init(&pa, "pa");
    test_port_init(&p1, "p1");
    test_port_init(&p2, "p2");
    CU_ASSERT_EQUAL(bridge_add_port(b1, &pa.port), 0);
    CU_ASSERT_EQUAL(bridge_add_port(b1, &p1.port), 0);
    CU_ASSERT_EQUAL(bridge_add_port(b2, &p2.port), 0);
    CU_ASSERT_EQUAL(bridge_add_port(b2, &pa.port), -EBUSY);
    send1(b1, &pa, MAC_B, MAC_A, 1);
    CU_ASSERT_TRUE(bridge_remove_port(b1, &pa.port));
    CU_ASSERT_FALSE(bridge_remove_port(b2, &pa.port));
    CU_ASSERT_EQUAL(bridge_add_port(b2, &pa.port), 0);
    send1(b2, &pa, MAC_B, MAC_A, 2);
    CU_ASSERT_PTR_NULL(fdb_lookup(bridge_fdb(b1), mac_a, 1));
    CU_ASSERT_PTR_EQUAL(fdb_lookup(bridge_fdb(b2), mac_a, 1), &pa.port);
    CU_ASSERT_EQUAL(test_port_count_id(&p2, 2), 1);
    CU_ASSERT_EQUAL(test_port_count_id(&p1, 2), 0);
    bridge_destroy(b1);
    CU_ASSERT_FALSE(pa.destroyed);
    bridge_destroy(b2);
    CU_ASSERT_TRUE(pa.destroyed);
}

int
main(void)
{
    static const test_case cases[] = {
        { "remove keeps the port, flushes its FDB entries", test_remove_keeps_port },
        { "removed promiscuous port gets nothing", test_remove_promiscuous },
        { "move a port between bridges", test_remove_move },
        { NULL, NULL },
    };
    return test_run_suite("bridge_remove_port", cases);
}
