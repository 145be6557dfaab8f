/* xenstored-xenbus-test: the vif backend (xenstore/xenbus*.c) through whole
 * life cycles, with the fake xenstored, libxl's xenstore traffic
 * (xenstored-libxl.c) and netfront's (xenstored-netfront.c, as the guest
 * with the guest's permissions).  The daemon half runs in a thread with
 * stub netback/switch ops that log their calls (xenstored-daemon.c).
 *
 * Covered: xl create + network-attach (InitWait, features, hotplug online,
 * Connected deferred until hotplug-status=connected), network-detach,
 * guest reconnect (5, 6, 1), a frontend that never connects, a domain
 * destroyed under a vif (@releaseDomain), forced destroy, xvsd restarted
 * while vifs run (resume, no state change), xvsd started after guests,
 * every malformed key (hotplug-error names it; other vifs untouched),
 * live keys and recovery, a frontend with bad ring keys, and 100 vifs
 * attached one after another (latency printed, p50/p99). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "netback/vif.h"
#include "tests/sim/xenstored-daemon.h"
#include "tests/sim/xenstored-harness.h"
#include "tests/sim/xenstored-libxl.h"
#include "tests/sim/xenstored-netfront.h"
#include "tests/unit/test-main.h"

/* Requests to adopt one Connected vif at start, with the watches: 3 watch
 * registrations, listings of backend/vif and backend/vif/D, the backend
 * directory's state, frontend, frontend-id and hotplug-status, its listing
 * and the configuration keys it has, the frontend's state, listing and
 * ring keys; then @releaseDomain's first event (27 as of this writing;
 * 30 when the first events of backend/vif and the frontend's state were
 * handled by reading again). */
#define XB_TEST_ADOPT_REQUESTS_MAX 27

static struct xsh srv;
static struct xs_handle *h0;
static const char *prog;

static long long
now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int
hotplug(void *arg, const char *action, const char *be_path)
{
    char err[XENBUS_ERR_MAX];
    (void) arg;
    if (!strcmp(action, "online")) {
        return xsd_online(be_path, err, sizeof err) ? 1 : 0;
    }
    xsd_offline(be_path);
    return 0;
}

static const char *
be_key(unsigned d, unsigned n, const char *key, char *buf, size_t size)
{
    char p[128];
    snprintf(p, sizeof p, "/local/domain/0/backend/vif/%u/%u/%s", d, n, key);
    return xsh_read(h0, p, buf, size) ? buf : NULL;
}

/* The backend directory's feature-* keys are exactly netback's list. */
static void
assert_features_are_netbacks(unsigned d, unsigned n)
{
    char p[128], buf[64];
    const char *key, *value;
    unsigned num = 0, i, nfeat = 0;
    char **keys;

    for (i = 0; vif_feature_at(i, &key, &value); i++) {
        const char *got = be_key(d, n, key, buf, sizeof buf);
        CU_ASSERT_PTR_NOT_NULL(got);
        if (got && strcmp(got, value)) {
            fprintf(stderr, "\n  %s: %s, netback says %s\n", key, got, value);
            CU_FAIL("feature value is not netback's");
        }
    }
    snprintf(p, sizeof p, "/local/domain/0/backend/vif/%u/%u", d, n);
    keys = xs_directory(h0, XBT_NULL, p, &num);
    CU_ASSERT_PTR_NOT_NULL_FATAL(keys);
    for (unsigned k = 0; k < num; k++) {
        if (!strncmp(keys[k], "feature-", 8)) {
            nfeat++;
        }
    }
    free(keys);
    CU_ASSERT_EQUAL(nfeat, i);
}

static int
wait_be(unsigned d, unsigned n, unsigned state, int timeout_ms)
{
    char p[128];
    snprintf(p, sizeof p, "/local/domain/0/backend/vif/%u/%u/state", d, n);
    return xl_wait_state(h0, p, state, timeout_ms);
}

/* Wait (<= 2 s) until the daemon logged `count` calls `op` for (d, n). */
static bool
wait_calls(unsigned d, unsigned n, const char *op, unsigned count)
{
    for (int i = 0; i < 2000; i++) {
        if (xsd_count(d, n, op, NULL) >= count) {
            return true;
        }
        usleep(1000);
    }
    return false;
}

/* Wait (<= 2 s) until BE key `key` exists; its value in buf. */
static const char *
wait_key(unsigned d, unsigned n, const char *key, char *buf, size_t size)
{
    for (int i = 0; i < 2000; i++) {
        if (be_key(d, n, key, buf, size)) {
            return buf;
        }
        usleep(1000);
    }
    return NULL;
}

static struct xl_nic
nic_for(unsigned d, unsigned n)
{
    static char macs[64][18];
    static unsigned next;
    char *mac = macs[next++ % 64];
    snprintf(mac, 18, "00:16:3e:%02x:%02x:%02x", (d >> 8) & 0xff, d & 0xff, n & 0xff);
    return (struct xl_nic) { .mac = mac, .bridge = "xenbr0" };
}

/* xl create / network-attach up to the hotplug script. */
static void
create_vif(unsigned d, unsigned n, const struct xl_nic *nic)
{
    CU_ASSERT_EQUAL_FATAL(xl_nic_add(h0, d, n, nic), 0);
    CU_ASSERT_EQUAL_FATAL(wait_be(d, n, 2, XL_INIT_TIMEOUT_MS), 0);
}

static void
online_ok(unsigned d, unsigned n)
{
    char err[256], buf[64];
    CU_ASSERT_EQUAL(xl_nic_hotplug(h0, d, n, "online", hotplug, NULL, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(be_key(d, n, "hotplug-status", buf, sizeof buf), "connected");
}

/* A running vif: created, online, frontend connected, BE 4. */
static struct xs_handle *
running_vif(unsigned d, unsigned n, struct nf *nf)
{
    struct xl_nic nic = nic_for(d, n);
    struct xs_handle *hd;

    if (n == 0) {
        CU_ASSERT_EQUAL_FATAL(xl_domain_create(h0, d), 0);
    }
    create_vif(d, n, &nic);
    online_ok(d, n);
    hd = xsh_open(&srv, d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(hd);
    CU_ASSERT_EQUAL_FATAL(nf_init(nf, hd, n), 0);
    CU_ASSERT_EQUAL_FATAL(nf_connect(nf, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL_FATAL(wait_be(d, n, 4, 2000), 0);
    return hd;
}

/* network-detach of a live guest, libxl's steps with netfront answering. */
static void
detach_vif(unsigned d, unsigned n, struct nf *nf)
{
    char buf[8];

    CU_ASSERT_EQUAL(xl_nic_remove_begin(h0, d, n, false), 0);
    if (nf) {
        CU_ASSERT_EQUAL(wait_be(d, n, 5, NF_STEP_TIMEOUT_MS), 0);
        CU_ASSERT_EQUAL(nf_switch(nf, 6, 0, 0), 0);       /* netfront: 5 -> 6 */
    }
    CU_ASSERT_EQUAL(xl_nic_remove_wait(h0, d, n, XL_DESTROY_TIMEOUT_MS), 0);
    {
        char be[48];
        snprintf(be, sizeof be, "backend/vif/%u/%u", d, n);
        CU_ASSERT_EQUAL(hotplug(NULL, "offline", be), 0);
    }
    CU_ASSERT_EQUAL(xl_nic_remove_finish(h0, d, n), 0);
    CU_ASSERT_TRUE(wait_calls(d, n, "destroy", 1));
    usleep(20000);          /* the daemon must not re-create the removed dir */
    CU_ASSERT_PTR_NULL(be_key(d, n, "state", buf, sizeof buf));
}

static void
test_create_connect_detach(void)
{
    struct xl_nic nic = { .mac = "00:16:3e:00:01:00", .bridge = "xenbr0",
                          .rate = "62500,50000", .ip = "192.0.2.10" };
    struct xsd_call c;
    struct nf nf;
    struct xs_handle *hd;
    char buf[64], err[256];

    CU_ASSERT_EQUAL_FATAL(xl_domain_create(h0, 1), 0);
    create_vif(1, 0, &nic);
    /* Features before InitWait, as netback. */
    assert_features_are_netbacks(1, 0);
    CU_ASSERT_STRING_EQUAL(be_key(1, 0, "feature-rx-copy", buf, sizeof buf), "1");
    CU_ASSERT_STRING_EQUAL(be_key(1, 0, "feature-rx-flip", buf, sizeof buf), "0");
    CU_ASSERT_STRING_EQUAL(be_key(1, 0, "feature-sg", buf, sizeof buf), "1");
    CU_ASSERT_STRING_EQUAL(be_key(1, 0, "feature-gso-tcpv4", buf, sizeof buf), "1");
    CU_ASSERT_STRING_EQUAL(be_key(1, 0, "feature-split-event-channels", buf, sizeof buf), "1");
    CU_ASSERT_PTR_NULL(be_key(1, 0, "multi-queue-max-queues", buf, sizeof buf));
    CU_ASSERT_EQUAL(xsd_count(1, 0, "create", &c), 1);
    CU_ASSERT_STRING_EQUAL(c.name, "vif1.0");
    CU_ASSERT_STRING_EQUAL(c.bridge, "xenbr0");
    CU_ASSERT_EQUAL(c.cfg.mac[5], 0x00);
    CU_ASSERT_EQUAL(c.cfg.mac[4], 0x01);
    CU_ASSERT_EQUAL(c.cfg.rate.bytes, 62500);
    CU_ASSERT_EQUAL(c.cfg.ip.n4, 1);
    CU_ASSERT_EQUAL(xsd_count(1, 0, "attach", NULL), 0);

    /* The frontend connects before the hotplug script ran: rings are
     * mapped at once, Connected waits for hotplug-status. */
    hd = xsh_open(&srv, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(hd);
    CU_ASSERT_EQUAL_FATAL(nf_init(&nf, hd, 0), 0);
    CU_ASSERT_EQUAL(nf_connect(&nf, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_TRUE(wait_calls(1, 0, "connect", 1));
    xsd_count(1, 0, "connect", &c);
    CU_ASSERT_EQUAL(c.rings.tx_ring_ref, 520);
    CU_ASSERT_EQUAL(c.rings.rx_ring_ref, 521);
    CU_ASSERT_EQUAL(c.rings.evtchn_tx, 8);
    CU_ASSERT_EQUAL(c.rings.evtchn_rx, 8);
    CU_ASSERT_FALSE(c.rings.split_evtchn);
    CU_ASSERT_TRUE(c.rings.rx_copy && c.rings.rx_notify && c.rings.sg && c.rings.gso_tcpv4);
    CU_ASSERT_FALSE(c.rings.resume);
    usleep(50000);
    CU_ASSERT_STRING_EQUAL(be_key(1, 0, "state", buf, sizeof buf), "2");
    CU_ASSERT_EQUAL(xl_nic_hotplug(h0, 1, 0, "online", hotplug, NULL, err, sizeof err), 0);
    CU_ASSERT_EQUAL(xsd_count(1, 0, "attach", NULL), 1);
    CU_ASSERT_EQUAL(wait_be(1, 0, 4, 2000), 0);

    detach_vif(1, 0, &nf);
    CU_ASSERT_EQUAL(xsd_count(1, 0, "disconnect", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(1, 0, "detach", NULL), 1);
    CU_ASSERT_EQUAL(xsd_n_vifs(), 0);
    xs_close(hd);
    xl_domain_destroy(h0, 1);
}

static void
test_split_channels_and_second_vif(void)
{
    struct nf nf0, nf1;
    struct xs_handle *hd = running_vif(2, 0, &nf0);
    struct xl_nic nic = nic_for(2, 1);
    struct xsd_call c;

    /* network-attach of a second vif with split event channels. */
    create_vif(2, 1, &nic);
    online_ok(2, 1);
    CU_ASSERT_EQUAL_FATAL(nf_init(&nf1, hd, 1), 0);
    nf1.evtchn = 30;
    nf1.evtchn_rx = 31;
    CU_ASSERT_EQUAL(nf_connect(&nf1, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(wait_be(2, 1, 4, 2000), 0);
    xsd_count(2, 1, "connect", &c);
    CU_ASSERT_TRUE(c.rings.split_evtchn);
    CU_ASSERT_EQUAL(c.rings.evtchn_tx, 30);
    CU_ASSERT_EQUAL(c.rings.evtchn_rx, 31);
    detach_vif(2, 1, &nf1);
    CU_ASSERT_EQUAL(nf_be_state(&nf0), 4);             /* the other vif stays */
    detach_vif(2, 0, &nf0);
    xs_close(hd);
    xl_domain_destroy(h0, 2);
}

static void
test_reconnect(void)
{
    struct nf nf;
    struct xs_handle *hd = running_vif(3, 0, &nf);
    struct xsd_call c;

    /* kexec: netfront resets the device 4 -> 5 -> 6 -> 1, then connects
     * with new grants; each step waits for the backend (<= 5 s). */
    CU_ASSERT_EQUAL(nf_switch(&nf, 5, 1u << 5 | 1u << 6, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(xsd_count(3, 0, "disconnect", NULL), 1);
    CU_ASSERT_EQUAL(nf_switch(&nf, 6, 1u << 6, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(nf_switch(&nf, 1, 1u << 2, NF_STEP_TIMEOUT_MS), 0);
    nf.tx_ref = 900;
    nf.rx_ref = 901;
    CU_ASSERT_EQUAL(nf_connect(&nf, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(wait_be(3, 0, 4, 2000), 0);
    CU_ASSERT_EQUAL(xsd_count(3, 0, "connect", &c), 2);
    CU_ASSERT_EQUAL(c.rings.tx_ring_ref, 900);
    CU_ASSERT_EQUAL(xsd_count(3, 0, "destroy", NULL), 0);
    CU_ASSERT_EQUAL(xsd_count(3, 0, "attach", NULL), 1);  /* port kept */

    /* A frontend that resets without the intermediate steps (4 -> 1). */
    CU_ASSERT_EQUAL(nf_switch(&nf, 1, 1u << 2, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(xsd_count(3, 0, "disconnect", NULL), 2);
    CU_ASSERT_EQUAL(nf_connect(&nf, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(wait_be(3, 0, 4, 2000), 0);
    detach_vif(3, 0, &nf);
    xs_close(hd);
    xl_domain_destroy(h0, 3);
}

static void
test_never_connects(void)
{
    struct xl_nic nic = nic_for(4, 0);
    long long t0;

    CU_ASSERT_EQUAL_FATAL(xl_domain_create(h0, 4), 0);
    create_vif(4, 0, &nic);
    online_ok(4, 0);
    /* The guest has no netfront: state stays 1.  Removal must not make
     * libxl wait its 10 s. */
    t0 = now_us();
    CU_ASSERT_EQUAL(xl_nic_remove_begin(h0, 4, 0, false), 0);
    CU_ASSERT_EQUAL(wait_be(4, 0, 6, XL_DESTROY_TIMEOUT_MS), 0);
    printf("\n    never-connected vif closed %.1f ms after online=0/state=5 ",
           (now_us() - t0) / 1000.0);
    CU_ASSERT_EQUAL(xsd_count(4, 0, "connect", NULL), 0);
    hotplug(NULL, "offline", "backend/vif/4/0");
    CU_ASSERT_EQUAL(xl_nic_remove_finish(h0, 4, 0), 0);
    CU_ASSERT_TRUE(wait_calls(4, 0, "destroy", 1));
    xl_domain_destroy(h0, 4);
}

static void
test_domain_destroyed(void)
{
    struct nf nf;
    struct xs_handle *hd = running_vif(5, 0, &nf);

    /* The domain dies (xl destroy): xenstored fires @releaseDomain and the
     * backend closes without its frontend. */
    xs_close(hd);
    CU_ASSERT_TRUE(xs_release_domain(h0, 5));
    CU_ASSERT_EQUAL(wait_be(5, 0, 6, 2000), 0);
    CU_ASSERT_EQUAL(xsd_count(5, 0, "disconnect", NULL), 1);
    /* Then libxl's forced removal finds it closed at once. */
    CU_ASSERT_EQUAL(xl_nic_remove_begin(h0, 5, 0, true), 0);
    CU_ASSERT_EQUAL(xl_nic_remove_wait(h0, 5, 0, XL_DESTROY_TIMEOUT_MS), 0);
    hotplug(NULL, "offline", "backend/vif/5/0");
    CU_ASSERT_EQUAL(xl_nic_remove_finish(h0, 5, 0), 0);
    CU_ASSERT_TRUE(wait_calls(5, 0, "destroy", 1));
    xl_domain_destroy(h0, 5);
}

static void
test_forced_destroy(void)
{
    struct nf nf;
    struct xs_handle *hd = running_vif(6, 0, &nf);

    /* Forced removal: FE dir deleted first (guest not answering). */
    CU_ASSERT_EQUAL(xl_nic_remove_begin(h0, 6, 0, true), 0);
    CU_ASSERT_EQUAL(wait_be(6, 0, 6, 2000), 0);
    CU_ASSERT_EQUAL(xsd_count(6, 0, "disconnect", NULL), 1);
    hotplug(NULL, "offline", "backend/vif/6/0");
    CU_ASSERT_EQUAL(xl_nic_remove_finish(h0, 6, 0), 0);
    CU_ASSERT_TRUE(wait_calls(6, 0, "destroy", 1));
    xs_close(hd);
    xl_domain_destroy(h0, 6);
}

static void
test_restart(void)
{
    struct nf nf;
    struct xs_handle *hd = running_vif(7, 0, &nf);
    struct xsd_call c;
    char **ev;
    char buf[32];

    /* xvsd goes away (kill / restart) while the guest is connected. */
    xsd_stop();
    CU_ASSERT_STRING_EQUAL(be_key(7, 0, "state", buf, sizeof buf), "4");
    CU_ASSERT_STRING_EQUAL(be_key(7, 0, "hotplug-status", buf, sizeof buf), "connected");
    xsd_clear_calls();
    CU_ASSERT_TRUE(xs_watch(h0, "/local/domain/0/backend/vif/7/0/state", "restart"));
    /* its registration event (skipping a late one of an earlier wait) */
    while ((ev = xsh_event(h0, 1000)) && strcmp(ev[XS_WATCH_TOKEN], "restart"))
        free(ev);
    CU_ASSERT_PTR_NOT_NULL(ev);
    free(ev);

    CU_ASSERT_EQUAL_FATAL(xsd_start(), 0);
    CU_ASSERT_EQUAL(xsd_count(7, 0, "create", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(7, 0, "attach", NULL), 1);   /* back on its bridge */
    /* resumed within the start itself, not a loop turn later */
    CU_ASSERT_EQUAL(xsd_count(7, 0, "connect", NULL), 1);
    xsd_count(7, 0, "connect", &c);
    CU_ASSERT_TRUE(c.rings.resume);                        /* carry on from ring indices */
    /* Round trips through xenstored while the guests wait: the start
     * (watches, listings, one vif's keys and rings) and the watches'
     * first events, of which only @releaseDomain's costs one (is domain 7
     * alive?): the registration events of backend/vif and of the
     * frontend's state bring nothing the start had not read after
     * registering them, and are skipped. */
    unsigned n = xsd_store_requests(), prev = 0;
    for (int i = 0; i < 100 && n != prev; i++) {   /* until 20 ms without one */
        usleep(20 * 1000);
        prev = n;
        n = xsd_store_requests();
    }
    fprintf(stderr, "\n  xenstore requests: start with one Connected vif + first events: %u\n", n);
    CU_ASSERT(n > 10 && n <= XB_TEST_ADOPT_REQUESTS_MAX);
    CU_ASSERT_EQUAL(c.rings.tx_ring_ref, 520);
    /* The guest saw nothing: no state write at all. */
    /* (Events of an earlier helper's watch on h0, e.g. a wait_be()
     * "xswait-..." token queued before its unwatch, do not count.) */
    while ((ev = xsh_event(h0, 200)) && strcmp(ev[XS_WATCH_TOKEN], "restart"))
        free(ev);
    if (ev)
        fprintf(stderr, "unexpected: %s written\n", ev[XS_WATCH_PATH]);
    CU_ASSERT_PTR_NULL(ev);
    free(ev);
    xs_unwatch(h0, "/local/domain/0/backend/vif/7/0/state", "restart");
    detach_vif(7, 0, &nf);
    xs_close(hd);
    xl_domain_destroy(h0, 7);
}

static void
test_started_after_guests(void)
{
    struct xl_nic nic = nic_for(8, 0);
    struct nf nf;
    struct xs_handle *hd;

    xsd_stop();
    CU_ASSERT_EQUAL_FATAL(xl_domain_create(h0, 8), 0);
    CU_ASSERT_EQUAL_FATAL(xl_nic_add(h0, 8, 0, &nic), 0);  /* nobody answers yet */
    usleep(20000);
    CU_ASSERT_EQUAL_FATAL(xsd_start(), 0);
    CU_ASSERT_EQUAL(wait_be(8, 0, 2, 2000), 0);
    online_ok(8, 0);
    hd = xsh_open(&srv, 8);
    CU_ASSERT_EQUAL_FATAL(nf_init(&nf, hd, 0), 0);
    CU_ASSERT_EQUAL(nf_connect(&nf, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(wait_be(8, 0, 4, 2000), 0);
    detach_vif(8, 0, &nf);
    xs_close(hd);
    xl_domain_destroy(h0, 8);
}

struct bad_key {
    const char *key, *value, *expect;
};

static void
test_bad_keys(void)
{
    static const struct bad_key bad[] = {
        { "mac", "01:00:5e:00:00:01", "mac \"01:00:5e:00:00:01\": multicast" },
        { "mac", "00:16:3e:00:00", "mac \"00:16:3e:00:00\": expected six hex bytes" },
        { "bridge", "xen br0", "bridge \"xen br0\": unexpected ' '" },
        { "bridge", "xenbr9", "bridge xenbr9: no such bridge" },
        { "bridge", "xenbr0.5000", "bridge \"xenbr0.5000\": VLAN 5000 not in 1..4094" },
        { "vlan", "10p/20p", "vlan \"10p/20p\": more than one PVID" },
        { "vlan", "10p/20u", "vlan: VLAN 20 is marked untagged" },
        { "rate", "abc", "rate \"abc\": expected BYTES,MICROSECONDS" },
        { "mtu", "10", "mtu \"10\": expected a number from 68 to 65535" },
        { "ip", "192.0.2.300", "ip \"192.0.2.300\": \"192.0.2.300\" is not an IPv4" },
        { "vifname", "a/b", "vifname \"a/b\": character 2" },
        { "type", "ioemu", "type \"ioemu\": expected vif or vif_ioemu" },
        { "promiscuous", "maybe", "promiscuous \"maybe\": expected accept or reject" },
        { "forged-transmits", "x", "forged-transmits \"x\": expected accept or reject" },
        { "mac-changes", "2", "mac-changes \"2\": expected accept or reject" },
    };
    struct nf nf;
    struct xs_handle *hd = running_vif(19, 0, &nf);     /* a bystander */
    unsigned before = xsd_count(19, 0, NULL, NULL);

    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned d = 20 + i;
        struct xl_nic nic = nic_for(d, 0);
        char err[256], buf[256];

        if (!strcmp(bad[i].key, "mac")) {
            nic.mac = bad[i].value;
        } else if (!strcmp(bad[i].key, "bridge")) {
            nic.bridge = bad[i].value;
        } else if (!strcmp(bad[i].key, "type")) {
            nic.type = bad[i].value;
        } else {
            nic.extra[0][0] = bad[i].key;
            nic.extra[0][1] = bad[i].value;
        }
        CU_ASSERT_EQUAL_FATAL(xl_domain_create(h0, d), 0);
        create_vif(d, 0, &nic);
        CU_ASSERT_NOT_EQUAL(xl_nic_hotplug(h0, d, 0, "online", hotplug, NULL, err, sizeof err), 0);
        if (!strstr(err, bad[i].expect)) {
            fprintf(stderr, "\n  %s=%s: hotplug-error \"%s\", expected \"%s\"\n",
                    bad[i].key, bad[i].value, err, bad[i].expect);
            CU_FAIL("hotplug-error does not name the key and reason");
        }
        CU_ASSERT_STRING_EQUAL(be_key(d, 0, "hotplug-status", buf, sizeof buf), "error");
        CU_ASSERT_EQUAL(xsd_count(d, 0, "attach", NULL), 0);
        CU_ASSERT_EQUAL(xsd_count(d, 0, "connect", NULL), 0);
        /* libxl then tears the device down; the backend closes by itself
         * (no forced removal of the frontend needed). */
        CU_ASSERT_EQUAL(xl_nic_remove_begin(h0, d, 0, false), 0);
        CU_ASSERT_EQUAL(wait_be(d, 0, 6, XL_DESTROY_TIMEOUT_MS), 0);
        CU_ASSERT_EQUAL(xl_nic_remove_finish(h0, d, 0), 0);
        xl_domain_destroy(h0, d);
    }
    CU_ASSERT_EQUAL(xsd_count(19, 0, NULL, NULL), before);    /* untouched */
    CU_ASSERT_EQUAL(nf_be_state(&nf), 4);
    detach_vif(19, 0, &nf);
    xs_close(hd);
    xl_domain_destroy(h0, 19);
}

static void
set_key(unsigned d, unsigned n, const char *key, const char *value)
{
    char p[128];
    snprintf(p, sizeof p, "/local/domain/0/backend/vif/%u/%u/%s", d, n, key);
    CU_ASSERT_TRUE(xsh_write(h0, p, value));
}

static void
test_live_keys(void)
{
    struct nf nf;
    struct xs_handle *hd = running_vif(40, 0, &nf);
    struct xsd_call c;
    char buf[256];

    set_key(40, 0, "rate", "1000,20000");
    CU_ASSERT_TRUE(wait_calls(40, 0, "update", 1));
    xsd_count(40, 0, "update", &c);
    CU_ASSERT_EQUAL(c.changed, 1u << KEY_RATE);
    CU_ASSERT_EQUAL(c.cfg.rate.bytes, 1000);
    set_key(40, 0, "promiscuous", "on");
    CU_ASSERT_TRUE(wait_calls(40, 0, "update", 2));
    xsd_count(40, 0, "update", &c);
    CU_ASSERT_EQUAL(c.changed, 1u << KEY_PROMISCUOUS);
    CU_ASSERT_TRUE(c.cfg.promiscuous);
    set_key(40, 0, "vlan", "10p/20");
    CU_ASSERT_TRUE(wait_calls(40, 0, "update", 3));
    xsd_count(40, 0, "update", &c);
    CU_ASSERT_EQUAL(c.cfg.vlan.pvid, 10);
    set_key(40, 0, "promiscuous", "on");                 /* same value: nothing */
    usleep(50000);
    CU_ASSERT_EQUAL(xsd_count(40, 0, "update", NULL), 3);

    /* A bad value takes the vif off its bridge, names the key... */
    set_key(40, 0, "mtu", "10");
    CU_ASSERT_TRUE(wait_calls(40, 0, "detach", 1));
    CU_ASSERT_PTR_NOT_NULL_FATAL(wait_key(40, 0, "hotplug-error", buf, sizeof buf));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "mtu \"10\""));
    CU_ASSERT_EQUAL(nf_be_state(&nf), 4);               /* rings stay */
    /* ...and fixing it brings the vif back. */
    set_key(40, 0, "mtu", "9000");
    CU_ASSERT_TRUE(wait_calls(40, 0, "attach", 2));
    xsd_count(40, 0, "update", &c);
    CU_ASSERT_EQUAL(c.cfg.mtu, 9000);
    CU_ASSERT_TRUE(xsh_wait(h0, "/local/domain/0/backend/vif/40/0/hotplug-status", "connected",
                            2000));
    CU_ASSERT_PTR_NULL(be_key(40, 0, "hotplug-error", buf, sizeof buf));
    /* Removing an optional key reverts it. */
    CU_ASSERT_TRUE(xs_rm(h0, XBT_NULL, "/local/domain/0/backend/vif/40/0/rate"));
    CU_ASSERT_TRUE(wait_calls(40, 0, "update", 5));
    xsd_count(40, 0, "update", &c);
    CU_ASSERT_FALSE(c.cfg.set & (1u << KEY_RATE));
    detach_vif(40, 0, &nf);
    xs_close(hd);
    xl_domain_destroy(h0, 40);
}

static void
test_bad_frontend(void)
{
    struct xl_nic nic = nic_for(41, 0);
    struct xs_handle *hd;
    struct nf nf;
    char buf[256];

    CU_ASSERT_EQUAL_FATAL(xl_domain_create(h0, 41), 0);
    create_vif(41, 0, &nic);
    online_ok(41, 0);
    hd = xsh_open(&srv, 41);
    CU_ASSERT_EQUAL_FATAL(nf_init(&nf, hd, 0), 0);
    /* A grant the backend cannot map: error node, Closing. */
    nf.tx_ref = 666;
    CU_ASSERT_EQUAL(nf_connect(&nf, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(wait_be(41, 0, 5, 2000), 0);
    CU_ASSERT_TRUE(xsh_read(h0, "/local/domain/0/error/backend/vif/41/0/error", buf, sizeof buf));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "tx-ring-ref 666"));
    /* The guest tries again properly. */
    CU_ASSERT_EQUAL(nf_switch(&nf, 6, 1u << 6, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(nf_switch(&nf, 1, 1u << 2, NF_STEP_TIMEOUT_MS), 0);
    /* Garbage instead of a number: named, refused. */
    CU_ASSERT_TRUE(xsh_write(hd, "device/vif/0/rx-ring-ref", "12ab"));
    CU_ASSERT_TRUE(xsh_write(hd, "device/vif/0/tx-ring-ref", "1"));
    CU_ASSERT_TRUE(xsh_write(hd, "device/vif/0/state", "4"));
    CU_ASSERT_EQUAL(wait_be(41, 0, 5, 2000), 0);
    CU_ASSERT_TRUE(xsh_read(h0, "/local/domain/0/error/backend/vif/41/0/error", buf, sizeof buf));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "rx-ring-ref: not a number"));
    /* Keys it must give, missing (the backend lists the directory and
     * reads only what is there): named, refused. */
    CU_ASSERT_EQUAL(nf_switch(&nf, 6, 1u << 6, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(nf_switch(&nf, 1, 1u << 2, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_TRUE(xsh_write(hd, "device/vif/0/rx-ring-ref", "2"));
    CU_ASSERT_TRUE(xs_rm(hd, XBT_NULL, "device/vif/0/request-rx-copy"));
    CU_ASSERT_TRUE(xsh_write(hd, "device/vif/0/state", "4"));
    CU_ASSERT_EQUAL(wait_be(41, 0, 5, 2000), 0);
    CU_ASSERT_TRUE(xsh_read(h0, "/local/domain/0/error/backend/vif/41/0/error", buf, sizeof buf));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "does not request rx-copy"));
    CU_ASSERT_EQUAL(nf_switch(&nf, 6, 1u << 6, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(nf_switch(&nf, 1, 1u << 2, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_TRUE(xsh_write(hd, "device/vif/0/request-rx-copy", "1"));
    CU_ASSERT_TRUE(xs_rm(hd, XBT_NULL, "device/vif/0/tx-ring-ref"));
    CU_ASSERT_TRUE(xsh_write(hd, "device/vif/0/state", "4"));
    CU_ASSERT_EQUAL(wait_be(41, 0, 5, 2000), 0);
    CU_ASSERT_TRUE(xsh_read(h0, "/local/domain/0/error/backend/vif/41/0/error", buf, sizeof buf));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "frontend tx-ring-ref: missing"));
    /* The guest may not touch the backend directory. */
    CU_ASSERT_FALSE(xsh_write(hd, "/local/domain/0/backend/vif/41/0/state", "4"));
    CU_ASSERT_EQUAL(nf_switch(&nf, 6, 1u << 6, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(nf_switch(&nf, 1, 1u << 2, NF_STEP_TIMEOUT_MS), 0);
    nf.tx_ref = 100;
    CU_ASSERT_EQUAL(nf_connect(&nf, NF_STEP_TIMEOUT_MS), 0);
    CU_ASSERT_EQUAL(wait_be(41, 0, 4, 2000), 0);
    detach_vif(41, 0, &nf);
    /* The error node goes with the device. */
    CU_ASSERT_FALSE(xsh_read(h0, "/local/domain/0/error/backend/vif/41/0/error", buf, sizeof buf));
    xs_close(hd);
    xl_domain_destroy(h0, 41);
}

static int
cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *) a, y = *(const long long *) b;
    return x < y ? -1 : x > y;
}

static void
test_hundred_vifs(void)
{
    enum { N = 100 };
    static long long initwait[N], attach[N];
    struct xs_handle *hd[N];
    struct nf nf[N];

    for (unsigned i = 0; i < N; i++) {
        unsigned d = 100 + i;
        struct xl_nic nic = nic_for(d, 0);
        char err[256];
        long long t0;

        CU_ASSERT_EQUAL_FATAL(xl_domain_create(h0, d), 0);
        hd[i] = xsh_open(&srv, d);
        CU_ASSERT_PTR_NOT_NULL_FATAL(hd[i]);
        t0 = now_us();
        CU_ASSERT_EQUAL_FATAL(xl_nic_add(h0, d, 0, &nic), 0);
        CU_ASSERT_EQUAL_FATAL(wait_be(d, 0, 2, XL_INIT_TIMEOUT_MS), 0);
        initwait[i] = now_us() - t0;
        CU_ASSERT_EQUAL(xl_nic_hotplug(h0, d, 0, "online", hotplug, NULL, err, sizeof err), 0);
        CU_ASSERT_EQUAL_FATAL(nf_init(&nf[i], hd[i], 0), 0);
        CU_ASSERT_EQUAL(nf_connect(&nf[i], NF_STEP_TIMEOUT_MS), 0);
        CU_ASSERT_EQUAL_FATAL(wait_be(d, 0, 4, 2000), 0);
        attach[i] = now_us() - t0;
    }
    CU_ASSERT_EQUAL(xsd_n_vifs(), N);
    qsort(initwait, N, sizeof initwait[0], cmp_ll);
    qsort(attach, N, sizeof attach[0], cmp_ll);
    printf("\n    %d vifs one after another (fake xenstored, in-process hotplug):\n"
           "      libxl write -> InitWait  p50 %.2f ms  p99 %.2f ms\n"
           "      libxl write -> Connected p50 %.2f ms  p99 %.2f ms  (max %.2f ms)\n    ",
           N, initwait[N / 2] / 1000.0, initwait[N * 99 / 100] / 1000.0,
           attach[N / 2] / 1000.0, attach[N * 99 / 100] / 1000.0, attach[N - 1] / 1000.0);
    for (unsigned i = 0; i < N; i++) {
        detach_vif(100 + i, 0, &nf[i]);
        xs_close(hd[i]);
        xl_domain_destroy(h0, 100 + i);
    }
    CU_ASSERT_EQUAL(xsd_n_vifs(), 0);
}


/* ---- restart records (xenstore/vifrec.h) ---------------------------------- */

static char rec_dir[] = "/tmp/xenbus-test-rec.XXXXXX";

static bool
rec_exists(unsigned d, unsigned n)
{
    char p[128];
    snprintf(p, sizeof p, "%s/vif-%u-%u", rec_dir, d, n);
    return access(p, F_OK) == 0;
}

/* Until a quiet time longer than XENBUS_SETTLE_DELAY_MS and _GAP_MS
 * passes without a request: the records checked. */
static unsigned
wait_store_idle(void)
{
    unsigned n = xsd_store_requests(), prev = n + 1;
    for (int i = 0; i < 30 && n != prev; i++) {
        usleep((XENBUS_SETTLE_DELAY_MS + 100) * 1000);
        prev = n;
        n = xsd_store_requests();
    }
    return n;
}

/* The daemon restarted with records on from now on. */
static void
records_on(void)
{
    xsd_stop();
    xsd_set_record_dir(rec_dir);
    CU_ASSERT_EQUAL_FATAL(xsd_start(), 0);
}

/* xvsd started (after changes made while it was down), its records
 * checked. */
static void
start_checked(void)
{
    xsd_clear_calls();
    CU_ASSERT_EQUAL_FATAL(xsd_start(), 0);
    wait_store_idle();
}

static void
restart_daemon(void)
{
    xsd_stop();
    xsd_clear_calls();
    CU_ASSERT_EQUAL_FATAL(xsd_start(), 0);
}

static void
test_record_restart(void)
{
    struct nf nf;
    struct xs_handle *hd;
    struct xsd_call c;
    struct xenbus_vif_info info;

    records_on();
    hd = running_vif(60, 0, &nf);
    CU_ASSERT_TRUE(rec_exists(60, 0));
    restart_daemon();
    /* Back on its bridge and its rings resumed within the start, before
     * any request for the vif: the only one so far is the backend/vif
     * watch's registration. */
    CU_ASSERT_EQUAL(xsd_count(60, 0, "connect", &c), 1);
    CU_ASSERT_TRUE(c.rings.resume);
    CU_ASSERT_EQUAL(c.rings.tx_ring_ref, 520);
    CU_ASSERT(c.requests <= 1);
    fprintf(stderr, "\n  xenstore requests before the rings were resumed: %u "
            "(without a record: ~25 per vif)\n", c.requests);
    CU_ASSERT_EQUAL(xsd_count(60, 0, "attach", NULL), 1);
    /* Checked against xenstore afterwards, not at once (the guests drain
     * their queues first): the vif's ~25 requests come no sooner than
     * XENBUS_SETTLE_DELAY_MS after the start (load only makes it later). */
    {
        long long t0 = now_us(), waited;
        while (xsd_store_requests() < 8 && now_us() - t0 < 3000000) {
            usleep(2000);
        }
        waited = (now_us() - t0) / 1000;
        fprintf(stderr, "  records checked from %lld ms after the start\n", waited);
        CU_ASSERT(waited >= XENBUS_SETTLE_DELAY_MS - 10 && waited < 3000);
    }
    /* Same as recorded, so nothing is redone. */
    wait_store_idle();
    CU_ASSERT_EQUAL(xsd_count(60, 0, "create", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(60, 0, "attach", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(60, 0, "connect", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(60, 0, "disconnect", NULL), 0);
    CU_ASSERT_EQUAL(xsd_count(60, 0, "detach", NULL), 0);
    CU_ASSERT_TRUE_FATAL(xsd_vif_info(60, 0, &info));
    CU_ASSERT_TRUE(info.connected && info.attached);
    CU_ASSERT_EQUAL(info.fe_state, 4);
    CU_ASSERT_TRUE(rec_exists(60, 0));
    /* A clean detach takes the record away. */
    detach_vif(60, 0, &nf);
    CU_ASSERT_FALSE(rec_exists(60, 0));
    xs_close(hd);
    xl_domain_destroy(h0, 60);
}

/* The guest reconnected with other rings while xvsd was down. */
static void
test_record_stale_rings(void)
{
    struct nf nf;
    struct xs_handle *hd = running_vif(61, 0, &nf);
    struct xsd_call c;

    CU_ASSERT_TRUE(rec_exists(61, 0));
    xsd_stop();
    CU_ASSERT_TRUE(xs_write(h0, XBT_NULL, "/local/domain/61/device/vif/0/tx-ring-ref",
                            "530", 3));
    start_checked();
    /* the recorded rings, then the frontend's */
    CU_ASSERT_EQUAL(xsd_count(61, 0, "connect", &c), 2);
    CU_ASSERT_EQUAL(c.rings.tx_ring_ref, 530);
    CU_ASSERT_TRUE(c.rings.resume);
    CU_ASSERT_EQUAL(xsd_count(61, 0, "disconnect", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(61, 0, "create", NULL), 1);   /* the port kept */
    CU_ASSERT_EQUAL(xsd_count(61, 0, "detach", NULL), 0);
    /* The record follows: a second restart uses the new rings. */
    restart_daemon();
    CU_ASSERT_EQUAL(xsd_count(61, 0, "connect", &c), 1);
    CU_ASSERT_EQUAL(c.rings.tx_ring_ref, 530);
    wait_store_idle();
    CU_ASSERT_EQUAL(xsd_count(61, 0, "connect", NULL), 1);
    detach_vif(61, 0, &nf);
    xs_close(hd);
    xl_domain_destroy(h0, 61);
}

/* The administrator changed a key while xvsd was down. */
static void
test_record_key_changed(void)
{
    struct nf nf;
    struct xs_handle *hd = running_vif(62, 0, &nf);
    struct xsd_call c;

    xsd_stop();
    CU_ASSERT_TRUE(xs_write(h0, XBT_NULL, "/local/domain/0/backend/vif/62/0/vlan", "10", 2));
    start_checked();
    /* the recorded port undone, made again from xenstore with vlan 10 */
    CU_ASSERT_EQUAL(xsd_count(62, 0, "destroy", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(62, 0, "detach", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(62, 0, "create", NULL), 2);
    CU_ASSERT_EQUAL(xsd_count(62, 0, "attach", &c), 2);
    CU_ASSERT_TRUE(c.cfg.set & (1u << KEY_VLAN));
    CU_ASSERT_EQUAL(xsd_count(62, 0, "connect", &c), 2);
    CU_ASSERT_TRUE(c.rings.resume);
    CU_ASSERT_TRUE(rec_exists(62, 0));
    detach_vif(62, 0, &nf);
    xs_close(hd);
    xl_domain_destroy(h0, 62);
}

/* The device went away while xvsd was down. */
static void
test_record_vif_gone(void)
{
    struct nf nf;
    struct xs_handle *hd = running_vif(63, 0, &nf);
    struct xenbus_vif_info info;

    xsd_stop();
    CU_ASSERT_TRUE(xs_rm(h0, XBT_NULL, "/local/domain/0/backend/vif/63"));
    xl_domain_destroy(h0, 63);
    start_checked();
    CU_ASSERT_EQUAL(xsd_count(63, 0, "connect", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(63, 0, "disconnect", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(63, 0, "detach", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(63, 0, "destroy", NULL), 1);
    CU_ASSERT_FALSE(xsd_vif_info(63, 0, &info));
    CU_ASSERT_FALSE(rec_exists(63, 0));
    xs_close(hd);
}

/* Records that cannot be used are removed; nothing else is touched. */
static void
test_record_bad(void)
{
    char p[128];
    FILE *f;

    xsd_stop();
    snprintf(p, sizeof p, "%s/vif-64-0", rec_dir);
    f = fopen(p, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("xvs-vifrec 1\nrings 1 2\n", f);
    fclose(f);
    /* well formed, but its ring cannot be mapped (the stub's bad grant) */
    snprintf(p, sizeof p, "%s/vif-65-0", rec_dir);
    f = fopen(p, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("xvs-vifrec 1\nfrontend /local/domain/65/device/vif/0\n"
          "rings 666 667 9 9 0 0x1\nkey mac 00:16:3e:00:00:41\nkey bridge xenbr0\n", f);
    fclose(f);
    start_checked();
    CU_ASSERT_FALSE(rec_exists(64, 0));
    CU_ASSERT_FALSE(rec_exists(65, 0));
    CU_ASSERT_EQUAL(xsd_count(64, 0, NULL, NULL), 0);
    CU_ASSERT_EQUAL(xsd_count(65, 0, "connect-err", NULL), 1);
    CU_ASSERT_EQUAL(xsd_count(65, 0, "destroy", NULL), 1);
    CU_ASSERT_EQUAL(xsd_n_vifs(), 0);
    xsd_stop();
    xsd_set_record_dir(NULL);
    CU_ASSERT_EQUAL(xsd_start(), 0);
    CU_ASSERT_EQUAL(rmdir(rec_dir), 0);          /* nothing left behind */
}

static int
suite_init(void)
{
    if (!mkdtemp(rec_dir) || xsh_start(&srv, prog, NULL)) {
        return -1;
    }
    h0 = xsh_open(&srv, 0);
    return h0 && !xsd_start() ? 0 : -1;
}

static int
suite_clean(void)
{
    xsd_stop();
    xs_close(h0);
    xsh_stop(&srv);
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct test_main_case cases[] = {
        { "create, connect, network-detach", test_create_connect_detach },
        { "second vif, split event channels", test_split_channels_and_second_vif },
        { "guest reconnect", test_reconnect },
        { "frontend never connects", test_never_connects },
        { "domain destroyed (@releaseDomain)", test_domain_destroyed },
        { "forced destroy", test_forced_destroy },
        { "xvsd restarted while connected", test_restart },
        { "xvsd started after guests", test_started_after_guests },
        { "malformed keys", test_bad_keys },
        { "live keys", test_live_keys },
        { "bad frontend keys", test_bad_frontend },
        { "100 vifs", test_hundred_vifs },
        { "restart from records", test_record_restart },
        { "record with stale rings", test_record_stale_rings },
        { "record with a changed key", test_record_key_changed },
        { "record of a vif gone", test_record_vif_gone },
        { "unusable records", test_record_bad },
        { NULL, NULL },
    };

    (void) argc;
    prog = argv[0];
    xlog_init(XLOG_TO_STDERR, getenv("XVS_TEST_LOG") ? XLOG_DBG : XLOG_ERR);

    return test_main_run("vif backend life cycle", suite_init, suite_clean, cases);
}
