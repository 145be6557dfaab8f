/* Helpers shared by the switch unit tests. */
#include "tests/unit/test-switch-common.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"

static void
test_port_output(struct port *p, struct frame **frames, const uint16_t *tci,
                 unsigned n)
{
    struct test_port *tp = (struct test_port *) p;

    tp->n_calls++;
    for (unsigned i = 0; i < n; i++) {
        const struct frame *f = frames[i];

        p->stats.tx_packets++;
        p->stats.tx_bytes += f->len;
        if (tp->n < TEST_PORT_RECORDS) {
            struct test_record *r = &tp->rec[tp->n++];

            memcpy(r->dst, frame_dst(f), 6);
            memcpy(r->src, frame_src(f), 6);
            r->tci = tci[i];
            r->vlan = f->vlan;
            r->len = f->len;
            memcpy(&r->id, f->head + 14, 4);
        }
    }
}

static void
test_port_destroy(struct port *p)
{
    ((struct test_port *) p)->destroyed = true;
}

static const struct port_ops test_port_ops = {
    .kind = "test",
    .output = test_port_output,
    .destroy = test_port_destroy,
};

void
test_port_init(struct test_port *tp, const char *name)
{
    memset(tp, 0, sizeof *tp);
    port_init(&tp->port, name, &test_port_ops);
}

struct bridge *
test_bridge3(uint64_t *now, struct test_port *pa, struct test_port *pb, struct test_port *pc)
{
    struct bridge *br = bridge_create("br0", NULL, test_clock, now);

    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    test_port_init(pa, "pa");
    test_port_init(pb, "pb");
    test_port_init(pc, "pc");
    CU_ASSERT_EQUAL_FATAL(bridge_add_port(br, &pa->port), 0);
    CU_ASSERT_EQUAL_FATAL(bridge_add_port(br, &pb->port), 0);
    CU_ASSERT_EQUAL_FATAL(bridge_add_port(br, &pc->port), 0);
    return br;
}

void
test_port_reset(struct test_port *tp)
{
    tp->n_calls = 0;
    tp->n = 0;
}

unsigned
test_port_count_id(const struct test_port *tp, uint32_t id)
{
    unsigned n = 0;

    for (unsigned i = 0; i < tp->n; i++) {
        n += tp->rec[i].id == id;
    }
    return n;
}

void
test_mac(const char *s, uint8_t mac[6])
{
    if (eth_addr_parse(s, mac)) {
        fprintf(stderr, "test bug: bad MAC %s\n", s);
        abort();
    }
}

void
test_mac_n(uint32_t n, uint8_t mac[6])
{
    mac[0] = 0x02;              /* locally administered unicast */
    mac[1] = 0x42;
    mac[2] = (uint8_t) (n >> 24);
    mac[3] = (uint8_t) (n >> 16);
    mac[4] = (uint8_t) (n >> 8);
    mac[5] = (uint8_t) n;
}

void
test_frame_build(struct test_frame *tf, const char *dst, const char *src,
                 uint16_t ethertype, int tci_tag, uint32_t id, uint32_t len)
{
    uint8_t *b = tf->buf;
    unsigned off = 12;

    memset(tf, 0, sizeof *tf);
    test_mac(dst, b);
    test_mac(src, b + 6);
    if (tci_tag >= 0) {
        b[off++] = 0x81;
        b[off++] = 0x00;
        b[off++] = (uint8_t) (tci_tag >> 8);
        b[off++] = (uint8_t) tci_tag;
    }
    b[off++] = (uint8_t) (ethertype >> 8);
    b[off++] = (uint8_t) ethertype;
    memcpy(b + off, &id, 4);
    if (frame_init_local(&tf->f, b, len + (tci_tag >= 0 ? 4 : 0))) {
        fprintf(stderr, "test bug: frame_init_local failed\n");
        abort();
    }
}

void
test_send(struct bridge *b, struct test_port *in, struct test_frame *tf)
{
    struct frame *f = &tf->f;

    bridge_input(b, &in->port, &f, 1);
}

uint64_t
test_clock(void *ctx)
{
    return *(const uint64_t *) ctx;
}

int
test_run_suite(const char *suite_name, const test_case *cases)
{
    xlog_init(XLOG_TO_STDERR, XLOG_WARN);  /* keep port add/remove quiet */
    return test_main_run(suite_name, NULL, NULL, cases);
}
