/* Unit tests of the host port's receive side against the real kernel, in a
 * private network namespace (root): a TAP host port on a bridge with a
 * probe port, the TAP holding 10.77.0.1/24.  The probe sends ARP requests
 * for 10.77.0.1 one at a time; the kernel answers each while the host
 * port's writev runs, so:
 *   - read after write: the answer is read in the same loop turn (counted
 *     as echo_frames), not left for the next epoll round;
 *   - no empty read per burst: a burst reads about as many frames as the
 *     last ones found, so one answer per exchange costs no read that says
 *     EAGAIN (rx_empty_reads grows by EMPTY_READS_STRAY at most, where it
 *     grew by one per exchange);
 *   - and every answer reaches the probe, intact (an ARP reply for it). */
#include <CUnit/Basic.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "ports/hostport.h"
#include "switch/bridge.h"
#include "tests/unit/test-main.h"

#define EXCHANGES 8
#define EMPTY_READS_STRAY 2             /* allowed for the kernel's own frames */
#define BR "t4hp0"

static const uint8_t probe_mac[6] = { 0x02, 0x00, 0x00, 0x77, 0x00, 0x02 };

struct probe {
    struct port port;
    unsigned replies;                /* ARP replies to probe_mac */
};

static void probe_output(struct port *p, struct frame **frames, const uint16_t *tci, unsigned n)
{
    struct probe *pr = (struct probe *)p;
    (void)tci;
    for (unsigned i = 0; i < n; i++) {
        uint8_t b[64];
        int len = frame_gather(frames[i], b, sizeof b);
        if (len >= 42 && !memcmp(b, probe_mac, 6) && b[12] == 0x08 && b[13] == 0x06
            && b[21] == 2 && !memcmp(b + 32, probe_mac, 6))
            pr->replies++;
    }
}

static void probe_destroy(struct port *p) { (void)p; }

static const struct port_ops probe_ops = {
    .kind = "null", .output = probe_output, .destroy = probe_destroy,
};

static void stop_loop(void *arg) { evloop_stop(arg); }

static void spin(struct evloop *loop, unsigned ms)
{
    if (evloop_timer_add(loop, ms, 0, stop_loop, loop))
        evloop_run(loop);
}

/* Who has 10.77.0.1? Tell 10.77.0.2 (probe_mac). */
static void arp_request(struct bridge *br, struct port *in)
{
    static uint8_t b[60];
    static struct frame f;
    struct frame *fp = &f;
    memset(b, 0, sizeof b);
    memset(b, 0xff, 6);
    memcpy(b + 6, probe_mac, 6);
    memcpy(b + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01", 10);
    memcpy(b + 22, probe_mac, 6);
    memcpy(b + 28, "\x0a\x4d\x00\x02", 4);
    memcpy(b + 38, "\x0a\x4d\x00\x01", 4);
    CU_ASSERT_EQUAL_FATAL(frame_init_local(&f, b, sizeof b), 0);
    bridge_input(br, in, &fp, 1);
}

static json_int_t stat_of(struct port *p, const char *key)
{
    json_t *o = json_object();
    p->ops->describe(p, o);
    json_int_t v = json_integer_value(json_object_get(o, key));
    json_decref(o);
    return v;
}

static void test_read_after_write(void)
{
    struct evloop *loop = evloop_create();
    struct bridge *br = bridge_create(BR, NULL, NULL, NULL);
    struct port *hp = NULL;
    static struct probe pr;
    char err[256];

    CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);
    CU_ASSERT_EQUAL_FATAL(hostport_create(loop, BR, NULL, &hp, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(bridge_add_port(br, hp), 0);
    memset(&pr, 0, sizeof pr);
    port_init(&pr.port, "probe0", &probe_ops);
    CU_ASSERT_EQUAL_FATAL(bridge_add_port(br, &pr.port), 0);
    CU_ASSERT_EQUAL_FATAL(system("ip addr add 10.77.0.1/24 dev " BR
                                 " && ip link set " BR " up"), 0);
    spin(loop, 50);                  /* the kernel's own frames (IPv6 is off) */

    arp_request(br, &pr.port);       /* the first: learns how many come */
    spin(loop, 20);
    CU_ASSERT_EQUAL(pr.replies, 1);
    json_int_t empty0 = stat_of(hp, "rx_empty_reads");
    json_int_t echo0 = stat_of(hp, "echo_frames");
    for (int i = 0; i < EXCHANGES; i++) {
        arp_request(br, &pr.port);
        spin(loop, 5);
    }
    CU_ASSERT_EQUAL(pr.replies, 1 + EXCHANGES);
    CU_ASSERT_EQUAL(stat_of(hp, "echo_frames") - echo0, EXCHANGES);
    /* one empty read per exchange before; a stray frame of the kernel's
     * own (a timer's) may still cost one */
    CU_ASSERT_TRUE(stat_of(hp, "rx_empty_reads") - empty0 <= EMPTY_READS_STRAY);
    CU_ASSERT_EQUAL(hp->stats.drops[DROP_TX_ERROR], 0);

    bridge_del_port(br, &pr.port);
    bridge_destroy(br);
    spin(loop, 1);                   /* the host port's pending "more" frees it */
    evloop_destroy(loop);
}

int main(void)
{
    static const struct test_main_case cases[] = {
        { "host port: read after write, no empty reads", test_read_after_write },
        { NULL, NULL },
    };
    xlog_init(XLOG_TO_STDERR, XLOG_ERR);
    if (unshare(CLONE_NEWNET)) {
        perror("test-hostport-rx: needs root for a private network namespace: unshare");
        return 1;
    }
    return test_main_run("host port receive", NULL, NULL, cases);
}
