/* Unit tests of the netback module (daemon/xvsd_netback.c) and its control
 * commands (daemon/ctl_vif.c): the module over the simulated hypervisor,
 * with in-process sim guests (tests/sim/simfront.c) on a bridge whose host
 * port is a fake port.  No root, no netdev. */
#include <config.h>

#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/brmgr.h"
#include "daemon/conf.h"
#include "daemon/ctl.h"
#include "daemon/ctl_commands.h"
#include "daemon/modules.h"
#include "daemon/xvsd_netback.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "netback/vif.h"
#include "switch/bridge.h"
#include "tests/sim/simfront.h"
#include "tests/unit/test-ctl-fake.h"
#include "tests/unit/test-ctl-run.h"
#include "tests/unit/test-main.h"

static char dir[64];
static struct conf *conf;
static struct evloop *loop;
static struct nf *g1, *g2;
static struct vif_frontend fe1, fe2;
static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key)) ?: "";
}

static long long jint(json_t *o, const char *path)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
    return json_is_integer(o) ? json_integer_value(o) : -1;
}

static bool jbool(json_t *o, const char *key) { return json_is_true(json_object_get(o, key)); }

static void stop_loop(void *arg) { evloop_stop(arg); }

/* Runs the event loop for ms milliseconds (a one-shot timer frees itself). */
static void spin(unsigned ms)
{
    if (evloop_timer_add(loop, ms, 0, stop_loop, loop))
        evloop_run(loop);
}

static struct nf *guest(uint16_t domid, bool split, struct vif_frontend *fe)
{
    struct nf_options o = { .dir = dir, .domid = domid, .split = split };
    char err[256];

    vif_frontend_linux_defaults(&o.features);
    struct nf *nf = nf_create(&o, err, sizeof err);
    if (!nf) {
        fprintf(stderr, "guest dom%u: %s\n", domid, err);
        return NULL;
    }
    if (nf_publish(nf, fe)) {
        nf_destroy(nf);
        return NULL;
    }
    return nf;
}

static int set_xenif(enum conf_xenif k)
{
    conf->xen.xenif = k;
    snprintf(conf->xen.sim_dir, sizeof conf->xen.sim_dir, "%s", dir);
    modules_set_conf(conf);
    return 0;
}

static int setup(void)
{
    struct conf_bridge spec = { .name = "br0", .host_port = true, .ageing_s = 300,
                                .fdb_max = 1000 };
    char err[256];

    snprintf(dir, sizeof dir, "/tmp/xvs-test-ctl-vif.XXXXXX");
    if (!mkdtemp(dir) || !(conf = conf_default()) || !(loop = evloop_create()))
        return 1;
    if (tctl_setup(loop) || brmgr_add_bridge(&spec, BRMGR_RUNTIME, false, err, sizeof err))
        return 1;
    g1 = guest(1, false, &fe1);
    g2 = guest(2, true, &fe2);
    return !g1 || !g2;
}

static int teardown(void)
{
    xvsd_netback_stop();
    int leaked = tctl_teardown();
    nf_destroy(g1);
    nf_destroy(g2);
    evloop_destroy(loop);
    conf_free(conf);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) != 0 || leaked;
}

static void num(char *buf, unsigned v) { sprintf(buf, "%u", v); }

static void test_attach_show_detach(void)
{
    char err[256], tx[16], rx[16], ch[16], ch_rx[16];
    CU_ASSERT_EQUAL_FATAL(set_xenif(CONF_XENIF_SIM), 0);
    CU_ASSERT_EQUAL_FATAL(xvsd_netback_start(loop, err, sizeof err), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xvsd_netback());
    CU_ASSERT_STRING_EQUAL(xvsd_netback_off_reason(), "");
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("vif-show", NULL))), 0);

    /* dom1: shared channel, Linux defaults */
    num(tx, fe1.tx_ring_ref); num(rx, fe1.rx_ring_ref); num(ch, fe1.evtchn_tx);
    json_t *v = tctl_result(tctl_run("vif-attach", "br0", "1", "0", tx, rx, ch,
                                     "mac=00:16:3e:5c:00:01", "mac-locked=1", NULL));
    CU_ASSERT_STRING_EQUAL(jstr(v, "name"), "vif1.0");
    CU_ASSERT_STRING_EQUAL(jstr(v, "bridge"), "br0");
    CU_ASSERT_STRING_EQUAL(jstr(v, "state"), "connected");
    CU_ASSERT_STRING_EQUAL(jstr(v, "origin"), "vif-attach");
    CU_ASSERT_STRING_EQUAL(jstr(v, "mac"), "00:16:3e:5c:00:01");
    CU_ASSERT_EQUAL(jint(v, "domid"), 1);
    CU_ASSERT_EQUAL(jint(v, "devid"), 0);
    CU_ASSERT_TRUE(jbool(v, "link_up"));
    json_t *f = json_object_get(v, "features");
    CU_ASSERT_TRUE(jbool(f, "sg") && jbool(f, "gso_tcpv4") && jbool(f, "rx_notify"));
    CU_ASSERT_FALSE(jbool(f, "split_event_channels") || jbool(f, "multicast_control"));
    CU_ASSERT_TRUE(jbool(json_array_get(json_object_get(v, "queues"), 0), "connected"));
    CU_ASSERT_TRUE(json_is_null(json_object_get(v, "rate")));
    CU_ASSERT_TRUE(jbool(v, "mac_locked"));
    CU_ASSERT_TRUE(bridge_find_port(bridge_lookup("br0"), "vif1.0")->mac_locked);
    CU_ASSERT_TRUE(jbool(v, "ra_guard") && jbool(v, "dhcp_guard"));    /* auto: locked */
    CU_ASSERT_EQUAL(json_array_size(json_object_get(v, "ips")), 0);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(v, "ip6s")), 0);
    CU_ASSERT_EQUAL(jint(v, "stats.tx_frames"), 0);
    CU_ASSERT_EQUAL(jint(v, "stats.tx_drop.runt"), 0);

    /* dom2: split channels, VLAN bridge, a name, features overridden */
    num(tx, fe2.tx_ring_ref); num(rx, fe2.rx_ring_ref);
    num(ch, fe2.evtchn_tx); num(ch_rx, fe2.evtchn_rx);
    v = tctl_result(tctl_run("vif-attach", "br0.7", "2", "0", tx, rx, ch, ch_rx, "name=guest2",
                             "feature-sg=0", "feature-gso-tcpv4=0", "feature-no-csum-offload=1",
                             "request-multicast-control=1",
                             "ips=10.1.2.3,2001:db8::7,192.168.0.1",
                             "router-advertisements=accept", NULL));
    CU_ASSERT_STRING_EQUAL(jstr(v, "name"), "guest2");
    CU_ASSERT_TRUE(json_is_null(json_object_get(v, "mac")));
    CU_ASSERT_FALSE(jbool(v, "mac_locked"));
    CU_ASSERT_FALSE(jbool(v, "ra_guard"));                  /* accept */
    CU_ASSERT_TRUE(jbool(v, "dhcp_guard"));                 /* auto: ips= */
    json_t *ips = json_object_get(v, "ips");
    CU_ASSERT_EQUAL(json_array_size(ips), 2);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(ips, 0)), "10.1.2.3");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(ips, 1)), "192.168.0.1");
    ips = json_object_get(v, "ip6s");
    CU_ASSERT_EQUAL(json_array_size(ips), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(ips, 0)), "2001:db8::7");
    f = json_object_get(v, "features");
    CU_ASSERT_TRUE(jbool(f, "split_event_channels") && jbool(f, "multicast_control"));
    CU_ASSERT_FALSE(jbool(f, "sg") || jbool(f, "gso_tcpv4") || jbool(f, "ipv4_csum_offload"));
    CU_ASSERT_TRUE(jbool(f, "gso_tcpv6"));
    struct port *p = bridge_find_port(bridge_lookup("br0"), "guest2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->pvid, 7);
    CU_ASSERT_EQUAL(p->vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(p->n_ips, 2);
    CU_ASSERT_EQUAL(p->ips[0], htonl(0x0a010203));
    CU_ASSERT_EQUAL(p->n_ip6s, 1);
    CU_ASSERT_EQUAL(p->ip6s[0][0], 0x20);
    CU_ASSERT_EQUAL(p->ip6s[0][15], 7);
    CU_ASSERT_FALSE(p->mac_locked);
    CU_ASSERT_EQUAL(p->ra_guard, PORT_GUARD_OFF);
    CU_ASSERT_EQUAL(p->dhcp_guard, PORT_GUARD_AUTO);

    /* a vif made by someone else (the xenstore module) */
    struct vif *xs = vif_create(xvsd_netback(), 5, 1, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xs);
    CU_ASSERT_EQUAL(bridge_add_port(bridge_lookup("br0"), vif_port(xs)), 0);

    json_t *all = tctl_result(tctl_run("vif-show", NULL));
    CU_ASSERT_EQUAL(json_array_size(all), 3);
    v = json_array_get(tctl_result(tctl_run("vif-show", "vif5.1", NULL)), 0);
    CU_ASSERT_STRING_EQUAL(jstr(v, "origin"), "xenstore");
    CU_ASSERT_STRING_EQUAL(jstr(v, "state"), "disconnected");
    CU_ASSERT_FALSE(jbool(v, "link_up"));
    CU_ASSERT_FALSE(jbool(json_array_get(json_object_get(v, "queues"), 0), "connected"));
    TCTL_ASSERT_ERROR(tctl_run("vif-detach", "vif5.1", NULL), "vif-detach: vif vif5.1 belongs to "
                      "the xenstore module (detach it with xl network-detach)");

    /* traffic: a broadcast from dom1 reaches the host port (VLAN 1), not
     * guest2 (VLAN 7); the ring moved, the FDB learned dom1's MAC */
    uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0x00, 0x16, 0x3e, 0x5c, 0x00, 0x01, 0x08, 0x06,
                          /* ARP request, sender MAC its own (mac-locked) */
                          0, 1, 0x08, 0, 6, 4, 0, 1, 0x00, 0x16, 0x3e, 0x5c, 0x00, 0x01 };
    struct nf_offload off = { 0 };
    CU_ASSERT_EQUAL(nf_send(g1, frame, sizeof frame, &off), 0);
    nf_flush(g1);
    for (int i = 0; i < 20; i++) {
        v = json_array_get(tctl_result(tctl_run("vif-show", "vif1.0", NULL)), 0);
        if (jint(v, "stats.tx_frames") >= 1)
            break;
        spin(20);
    }
    v = json_array_get(tctl_result(tctl_run("vif-show", "vif1.0", NULL)), 0);
    CU_ASSERT_EQUAL(jint(v, "stats.tx_frames"), 1);
    CU_ASSERT_EQUAL(jint(v, "queues.0.tx.req_prod"), 1);
    CU_ASSERT_EQUAL(jint(v, "queues.0.tx.req_cons"), 1);
    CU_ASSERT_EQUAL(jint(v, "queues.0.tx.rsp_prod"), 1);
    CU_ASSERT_EQUAL(jint(v, "queues.0.rx.req_prod"), 256);
    struct fake_port *host = (struct fake_port *)bridge_find_port(bridge_lookup("br0"), "br0");
    CU_ASSERT_EQUAL(host->frames_out, 1);
    v = json_array_get(tctl_result(tctl_run("vif-show", "guest2", NULL)), 0);
    CU_ASSERT_EQUAL(jint(v, "stats.rx_frames"), 0);
    json_t *fdb = tctl_result(tctl_run("fdb-show", "br0", NULL));
    CU_ASSERT_EQUAL(json_array_size(fdb), 1);
    CU_ASSERT_STRING_EQUAL(jstr(json_array_get(fdb, 0), "port"), "vif1.0");

    /* detach: the port and its FDB entry go */
    json_t *r = tctl_result(tctl_run("vif-detach", "vif1.0", NULL));   /* json_is_*: macros */
    CU_ASSERT_TRUE(json_is_null(r));
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("fdb-show", "br0", NULL))), 0);
    CU_ASSERT_PTR_NULL(bridge_find_port(bridge_lookup("br0"), "vif1.0"));
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("vif-show", NULL))), 2);
    TCTL_ASSERT_ERROR(tctl_run("vif-show", "vif1.0", NULL), "vif-show: no vif named 'vif1.0'");

    /* and back: the rings resume where they were */
    num(tx, fe1.tx_ring_ref); num(rx, fe1.rx_ring_ref); num(ch, fe1.evtchn_tx);
    v = tctl_result(tctl_run("vif-attach", "br0", "1", "0", tx, rx, ch, NULL));
    CU_ASSERT_STRING_EQUAL(jstr(v, "state"), "connected");
    CU_ASSERT_EQUAL(jint(v, "queues.0.tx.rsp_prod"), 1);

    /* stop: every vif on a bridge is released, the host port stays */
    xvsd_netback_stop();
    CU_ASSERT_PTR_NULL(xvsd_netback());
    CU_ASSERT_EQUAL(bridge_n_ports(bridge_lookup("br0")), 1);
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("vif-show", NULL))), 0);
    TCTL_ASSERT_ERROR(tctl_run("vif-attach", "br0", "1", "0", "1", "2", "3", NULL),
                      "vif-attach: no guest backend in this xvsd (stopped)");
}

static void test_bad_arguments(void)
{
    char err[256], tx[16], rx[16], ch[16];
    CU_ASSERT_EQUAL_FATAL(set_xenif(CONF_XENIF_SIM), 0);
    CU_ASSERT_EQUAL_FATAL(xvsd_netback_start(loop, err, sizeof err), 0);
    num(tx, fe1.tx_ring_ref); num(rx, fe1.rx_ring_ref); num(ch, fe1.evtchn_tx);
    tctl_result(tctl_run("vif-attach", "br0", "1", "0", tx, rx, ch, NULL));

    static const struct { const char *args[10], *error; } cases[] = {
        { { "br0", "3", "0", "1", "2", NULL },
          "vif-attach: missing arguments (usage: vif-attach BR DOMID DEVID TXREF RXREF "
          "EVTCHN [EVTCHN_RX] [name=NAME] [mac=MAC] [feature-KEY=0|1 ...] "
          "[mac-locked=0|1] [ips=ADDR,...] [router-advertisements=accept|reject] "
          "[dhcp-server=accept|reject])" },
        { { "nobr", "3", "0", "1", "2", "3", NULL }, "vif-attach: no bridge named 'nobr'" },
        { { "br0", "0", "0", "1", "2", "3", NULL },
          "vif-attach: DOMID: '0' is not a number in 1..32751" },
        { { "br0", "32752", "0", "1", "2", "3", NULL },
          "vif-attach: DOMID: '32752' is not a number in 1..32751" },
        { { "br0", "3", "-1", "1", "2", "3", NULL },
          "vif-attach: DEVID: '-1' is not a number in 0..2147483647" },
        { { "br0", "3", "0", "x", "2", "3", NULL },
          "vif-attach: TXREF: 'x' is not a number in 0..4294967295" },
        { { "br0", "3", "0", "1", "4294967296", "3", NULL },
          "vif-attach: RXREF: '4294967296' is not a number in 0..4294967295" },
        { { "br0", "3", "0", "1", "2", "0", NULL },
          "vif-attach: EVTCHN: '0' is not a number in 1..131071" },
        { { "br0", "3", "0", "1", "2", "3", "131072", NULL },
          "vif-attach: EVTCHN_RX: '131072' is not a number in 1..131071" },
        { { "br0", "3", "0", "1", "2", "3", "feature-sg=2", NULL },
          "vif-attach: feature-sg: '2' is not 0 or 1" },
        { { "br0", "3", "0", "1", "2", "3", "colour=red", NULL },
          "vif-attach: unexpected argument 'colour=red' (expected name=, mac=, "
          "feature-sg=, feature-gso-tcpv4=, feature-gso-tcpv6=, "
          "feature-ipv6-csum-offload=, feature-no-csum-offload=, feature-rx-notify=, "
          "request-multicast-control=, mac-locked=, ips=, router-advertisements=, "
          "dhcp-server=)" },
        { { "br0", "3", "0", "1", "2", "3", "router-advertisements=yes", NULL },
          "vif-attach: router-advertisements: 'yes' is not accept or reject" },
        { { "br0", "3", "0", "1", "2", "3", "dhcp-server=on", NULL },
          "vif-attach: dhcp-server: 'on' is not accept or reject" },
        { { "br0", "3", "0", "1", "2", "3", "mac-locked=1", NULL },
          "vif-attach: mac-locked=1 needs the guest's mac=" },
        { { "br0", "3", "0", "1", "2", "3", "mac=00:16:3e:00:00:03", "mac-locked=maybe",
            NULL },
          "vif-attach: mac-locked: 'maybe' is not 0 or 1" },
        { { "br0", "3", "0", "1", "2", "3", "ips=10.0.0.1,10.0.0", NULL },
          "vif-attach: ips: '10.0.0' is not an IPv4 or IPv6 address" },
        { { "br0", "3", "0", "1", "2", "3", "ips=10.0.0.1,", NULL },
          "vif-attach: ips: '' is not an IPv4 or IPv6 address" },
        { { "br0", "3", "0", "1", "2", "3", "ips=fe80::1/64", NULL },
          "vif-attach: ips: 'fe80::1/64' is not an IPv4 or IPv6 address" },
        { { "br0", "3", "0", "1", "2", "3", "ips=2001:db8::1,2001:db8::2,2001:db8::3,"
            "2001:db8::4,2001:db8::5,2001:db8::6,2001:db8::7,2001:db8::8,2001:db8::9,"
            "2001:db8::a,2001:db8::b,2001:db8::c,2001:db8::d,2001:db8::e,2001:db8::f,"
            "2001:db8::10,10.0.0.1,2001:db8::11", NULL },
          "vif-attach: ips: more than 16 IPv6 addresses" },
        { { "br0", "3", "0", "1", "2", "3", "ips=1.0.0.1,1.0.0.2,1.0.0.3,1.0.0.4,1.0.0.5,"
            "1.0.0.6,1.0.0.7,1.0.0.8,1.0.0.9,1.0.0.10,1.0.0.11,1.0.0.12,1.0.0.13,1.0.0.14,"
            "1.0.0.15,1.0.0.16,1.0.0.17", NULL },
          "vif-attach: ips: more than 16 IPv4 addresses" },
        { { "br0", "3", "0", "1", "2", "3", "mac=01:00:5e:00:00:01", NULL },
          "vif-attach: mac: '01:00:5e:00:00:01' is not a unicast MAC address "
          "(aa:bb:cc:dd:ee:ff)" },
        { { "br0", "3", "0", "1", "2", "3", "name=a/b", NULL },
          "vif-attach: name: interface name 'a/b' has a character not allowed in a "
          "netdev name" },
        { { "br0", "3", "0", "1", "2", "3", "name=vif1.0", NULL },
          "vif-attach: bridge br0 already has a port named vif1.0" },
        { { "br0", "3", "0", "1", "2", "3", "name=br0", NULL },
          "vif-attach: bridge br0 already has a port named br0" },
        { { "br0", "1", "0", "1", "2", "3", "name=other", NULL },
          "vif-attach: dom1 device 0 is already vif vif1.0 on bridge br0" },
        { { "br0", "3", "0", "1", "2", "3", NULL },
          "vif-attach: vif vif3.0: map tx ring (gref 1): No such file or directory" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TCTL_ASSERT_ERROR(tctl_runv("vif-attach", cases[i].args), cases[i].error);
    }
    /* nothing was left behind by the failures */
    CU_ASSERT_EQUAL(bridge_n_ports(bridge_lookup("br0")), 2);
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("vif-show", NULL))), 1);

    TCTL_ASSERT_ERROR(tctl_run("vif-show", "a", "b", NULL),
                      "vif-show: too many arguments (usage: vif-show [VIF])");
    TCTL_ASSERT_ERROR(tctl_run("vif-show", "br0", NULL),
                      "vif-show: port br0 of bridge br0 is a host port, not a vif");
    TCTL_ASSERT_ERROR(tctl_run("vif-detach", NULL),
                      "vif-detach: missing arguments (usage: vif-detach VIF)");
    TCTL_ASSERT_ERROR(tctl_run("vif-detach", "nothere", NULL),
                      "vif-detach: no vif named 'nothere'");
    TCTL_ASSERT_ERROR(tctl_run("vif-detach", "br0", NULL),
                      "vif-detach: port br0 of bridge br0 is a host port, not a vif");
    xvsd_netback_stop();
}

static void test_xenif_kinds(void)
{
    char err[256];
    bool have_xen = !access("/dev/xen/gntdev", F_OK) && !access("/dev/xen/evtchn", F_OK);

    set_xenif(CONF_XENIF_NONE);
    CU_ASSERT_EQUAL(xvsd_netback_start(loop, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(xvsd_netback());
    CU_ASSERT_STRING_EQUAL(xvsd_netback_kind(), "none");
    TCTL_ASSERT_ERROR(tctl_run("vif-attach", "br0", "1", "0", "1", "2", "3", NULL),
                      "vif-attach: no guest backend in this xvsd (xenif = none)");
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("vif-show", NULL))), 0);
    xvsd_netback_stop();

    set_xenif(CONF_XENIF_AUTO);
    int e = xvsd_netback_start(loop, err, sizeof err);
    if (have_xen) {
        /* a Xen host: auto picks xen (which may still fail to open) */
        CU_ASSERT(e != 0 || !strcmp(xvsd_netback_kind(), "xen"));
    } else {
        CU_ASSERT_EQUAL(e, 0);
        CU_ASSERT_PTR_NULL(xvsd_netback());
        CU_ASSERT_STRING_EQUAL(xvsd_netback_off_reason(), "xenif = auto and no "
                               "/dev/xen/gntdev: not running on Xen");
    }
    xvsd_netback_stop();

    set_xenif(CONF_XENIF_XEN);
    e = xvsd_netback_start(loop, err, sizeof err);
    if (!have_xen) {
        CU_ASSERT_NOT_EQUAL(e, 0);
        CU_ASSERT_EQUAL(strncmp(err, "xenif = xen: ", 13), 0);
        CU_ASSERT_PTR_NULL(xvsd_netback());
    }
    xvsd_netback_stop();

    set_xenif(CONF_XENIF_SIM);
    CU_ASSERT_EQUAL(xvsd_netback_start(loop, err, sizeof err), 0);
    char want[128];
    snprintf(want, sizeof want, "sim:%s", dir);
    CU_ASSERT_STRING_EQUAL(xvsd_netback_kind(), want);
    xvsd_netback_stop();
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "attach, show, traffic, detach, stop", test_attach_show_detach },
        { "bad arguments", test_bad_arguments },
        { "xenif kinds", test_xenif_kinds },
        { NULL, NULL },
    };

    return test_main_run("netback module", setup, teardown, cases);
}
