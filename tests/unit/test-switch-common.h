/* Helpers shared by the switch unit tests: a recording port, a frame
 * builder and an injectable clock. */
#ifndef XVS_TEST_SWITCH_COMMON_H
#define XVS_TEST_SWITCH_COMMON_H 1

#include <CUnit/CUnit.h>
#include <stdint.h>

#include "switch/bridge.h"
#include "tests/unit/test-main.h"

#define TEST_PORT_RECORDS 256

/* What one output() delivered for one frame. */
struct test_record {
    uint8_t dst[6], src[6];
    uint16_t tci;                 /* out_tci given by the bridge */
    uint16_t vlan;                /* frame->vlan */
    uint32_t len;
    uint32_t id;                  /* test_frame id (payload marker) */
};

struct test_port {
    struct port port;
    unsigned n_calls;             /* output() calls */
    unsigned n;                   /* frames recorded */
    struct test_record rec[TEST_PORT_RECORDS];
    bool destroyed;
};

void test_port_init(struct test_port *, const char *name);
/* Bridge "br0" on the clock *now with three fresh ports "pa", "pb", "pc"
 * added, in that order (CUnit-fatal if any step fails). */
struct bridge *test_bridge3(uint64_t *now, struct test_port *pa, struct test_port *pb,
                            struct test_port *pc);
void test_port_reset(struct test_port *);
/* Number of recorded frames with this id. */
unsigned test_port_count_id(const struct test_port *, uint32_t id);

/* A frame with its own buffer.  Payload byte 0..3 (after the Ethernet
 * header, or after the tag if tagged) hold `id`. */
struct test_frame {
    struct frame f;
    uint8_t buf[FRAME_HEAD_MAX];
};

/* Builds dst/src/ethertype frame of `len` bytes (untagged length); if
 * tci_tag >= 0 an 802.1Q tag with that TCI is put in the buffer and
 * stripped by frame_init_local(). */
void test_frame_build(struct test_frame *, const char *dst, const char *src,
                      uint16_t ethertype, int tci_tag, uint32_t id, uint32_t len);

/* Sends one frame in on `in`. */
void test_send(struct bridge *, struct test_port *in, struct test_frame *);

/* Clock for fdb/bridge: *(uint64_t *) ctx milliseconds. */
uint64_t test_clock(void *ctx);

void test_mac(const char *s, uint8_t mac[6]);
/* Distinct unicast MAC number n. */
void test_mac_n(uint32_t n, uint8_t mac[6]);

/* test_main_run() (test-main.h) of `cases` (up to a NULL name) with
 * warnings-only logging; main()'s exit status. */
typedef struct test_main_case test_case;
int test_run_suite(const char *suite, const test_case *cases);

#endif
