/* Unit tests of daemon/conf.c: the xvs.conf parser. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf.h"
#include "tests/unit/test-main.h"

static struct conf *parse(const char *text, struct conf_errors *errs)
{
    return conf_parse_string(text, "xvs.conf", errs);
}

/* Parses text that must fail with exactly one error, equal to `want`. */
static void expect_error(const char *text, const char *want)
{
    struct conf_errors errs;
    struct conf *c = parse(text, &errs);

    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(errs.n, 1);
    if (errs.n != 1 || strcmp(errs.msgs[0], want)) {
        fprintf(stderr, "\n  input: %s  want: %s\n", text, want);
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "  got:  %s\n", errs.msgs[i]);
    }
    if (errs.n == 1)
        CU_ASSERT_STRING_EQUAL(errs.msgs[0], want);
    conf_free(c);
    conf_errors_free(&errs);
}

static bool vlan_in(const uint64_t *bm, unsigned v)
{
    return bm[v / 64] >> (v % 64) & 1;
}

static void test_empty(void)
{
    struct conf_errors errs;
    struct conf *c = parse("", &errs);

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(errs.n, 0);
    CU_ASSERT_EQUAL(c->n_bridges, 0);
    CU_ASSERT_EQUAL(c->n_ports, 0);
    CU_ASSERT_EQUAL(c->ageing_s, 300);
    CU_ASSERT_EQUAL(c->fdb_max, 65536);
    CU_ASSERT_FALSE(c->log_set);
    CU_ASSERT_STRING_EQUAL(c->control_socket, "/run/xvs/xvsd.sock");
    conf_free(c);
    conf_errors_free(&errs);
}

static const char good[] =
    "# xvs test configuration\n"
    "[global]\n"
    "log-level = warn, fdb=debug ,ctl=err\n"
    "control-socket = /tmp/x.sock   ; inline comment\n"
    "ageing = 120\n"
    "fdb-max = 1000\n"
    "\n"
    "  [bridge xenbr0]\n"
    "  uplink = eth0\n"
    "  take-over-addresses = yes\n"
    "  mtu = 9000\n"
    "[bridge xenbr1]\n"
    "host-port = no\n"
    "ageing = 0\n"
    "fdb-max: 5\n"
    "[bridge empty]\n"
    "[port xenbr0 veth1]\n"
    "vlan = 10\n"
    "promiscuous = on\n"
    "learning = false\n"
    "[port xenbr1 veth2]\n"
    "trunk = 10,20-30\n"
    "native = 5\n"
    "[port xenbr1 veth3]\n"
    "[port xenbr0 eth0]\n"
    "trunk = 100\n"
    "[port xenbr0 xenbr0]\n"
    "vlan = 7\n";

static void test_good(void)
{
    struct conf_errors errs;
    struct conf *c = parse(good, &errs);
    const struct conf_bridge *b;
    const struct conf_port *q;

    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "\n  unexpected: %s", errs.msgs[i]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(c->log_set);
    CU_ASSERT_EQUAL(c->log_levels[XLOG_MOD_MAIN], XLOG_WARN);
    CU_ASSERT_EQUAL(c->log_levels[XLOG_MOD_FDB], XLOG_DBG);
    CU_ASSERT_EQUAL(c->log_levels[XLOG_MOD_CTL], XLOG_ERR);
    CU_ASSERT_STRING_EQUAL(c->control_socket, "/tmp/x.sock");
    CU_ASSERT_EQUAL(c->n_bridges, 3);

    b = conf_find_bridge(c, "xenbr0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(b->uplink, "eth0");
    CU_ASSERT_TRUE(b->host_port);
    CU_ASSERT_TRUE(b->take_over);
    CU_ASSERT_EQUAL(b->mtu, 9000);
    CU_ASSERT_EQUAL(b->ageing_s, 120);          /* from [global] */
    CU_ASSERT_EQUAL(b->fdb_max, 1000);
    CU_ASSERT_EQUAL(b->line, 8);

    b = conf_find_bridge(c, "xenbr1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(b->uplink, "");
    CU_ASSERT_FALSE(b->host_port);
    CU_ASSERT_EQUAL(b->ageing_s, 0);
    CU_ASSERT_EQUAL(b->fdb_max, 5);

    b = conf_find_bridge(c, "empty");           /* a section without keys */
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_TRUE(b->host_port);
    CU_ASSERT_FALSE(b->take_over);
    CU_ASSERT_EQUAL(b->mtu, 0);

    q = conf_find_port(c, "xenbr0", "veth1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->role, CONF_PORT_EXTRA);
    CU_ASSERT_EQUAL(q->vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(q->pvid, 10);
    CU_ASSERT_TRUE(q->promiscuous);
    CU_ASSERT_FALSE(q->learning);

    q = conf_find_port(c, "xenbr1", "veth2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->vlan_mode, PORT_VLAN_TRUNK);
    CU_ASSERT_EQUAL(q->pvid, 5);
    CU_ASSERT_TRUE(vlan_in(q->trunk, 10));
    CU_ASSERT_TRUE(vlan_in(q->trunk, 20));
    CU_ASSERT_TRUE(vlan_in(q->trunk, 30));
    CU_ASSERT_FALSE(vlan_in(q->trunk, 11));
    CU_ASSERT_FALSE(vlan_in(q->trunk, 31));
    CU_ASSERT_TRUE(q->learning);

    q = conf_find_port(c, "xenbr1", "veth3");   /* defaults */
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(q->pvid, 1);
    CU_ASSERT_FALSE(q->promiscuous);

    q = conf_find_port(c, "xenbr0", "eth0");    /* the uplink's settings */
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->role, CONF_PORT_UPLINK);
    CU_ASSERT_EQUAL(q->vlan_mode, PORT_VLAN_TRUNK);
    CU_ASSERT_EQUAL(q->pvid, 0);
    CU_ASSERT_TRUE(vlan_in(q->trunk, 100));
    CU_ASSERT_FALSE(vlan_in(q->trunk, 1));

    q = conf_find_port(c, "xenbr0", "xenbr0");  /* the host port's */
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->role, CONF_PORT_HOST);
    CU_ASSERT_EQUAL(q->pvid, 7);

    q = conf_find_port(c, "empty", "empty");    /* implicit host port */
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->role, CONF_PORT_HOST);
    CU_ASSERT_EQUAL(q->line, 0);
    CU_ASSERT_EQUAL(q->vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(q->pvid, 1);
    CU_ASSERT_PTR_NULL(conf_find_port(c, "xenbr1", "xenbr1"));  /* host-port = no */

    /* 4 [port] sections + the implicit host port of "empty" */
    CU_ASSERT_EQUAL(c->n_ports, 6);
    conf_free(c);
    conf_errors_free(&errs);
}

static void test_implicit_uplink(void)
{
    struct conf_errors errs;
    struct conf *c = parse("[bridge br]\nuplink = eth1\n", &errs);
    const struct conf_port *q;

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    q = conf_find_port(c, "br", "eth1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->role, CONF_PORT_UPLINK);
    CU_ASSERT_EQUAL(q->vlan_mode, PORT_VLAN_TRUNK);
    CU_ASSERT_EQUAL(q->pvid, 1);
    CU_ASSERT_TRUE(vlan_in(q->trunk, 1));
    CU_ASSERT_TRUE(vlan_in(q->trunk, 4094));
    CU_ASSERT_FALSE(vlan_in(q->trunk, 0));
    CU_ASSERT_FALSE(vlan_in(q->trunk, 4095));
    CU_ASSERT_PTR_NOT_NULL(conf_find_port(c, "br", "br"));
    CU_ASSERT_EQUAL(c->n_ports, 2);
    conf_free(c);
    conf_errors_free(&errs);
}

static void test_bad_values(void)
{
    expect_error("[bridge xenbr0]\n\nageing = abc\n",
                 "xvs.conf:3: [bridge xenbr0] ageing: 'abc' is not a number of "
                 "seconds (0..1000000)");
    expect_error("[bridge xenbr0]\nageing = 1000001\n",
                 "xvs.conf:2: [bridge xenbr0] ageing: '1000001' is not a number "
                 "of seconds (0..1000000)");
    expect_error("[bridge xenbr0]\nageing = -1\n",
                 "xvs.conf:2: [bridge xenbr0] ageing: '-1' is not a number of "
                 "seconds (0..1000000)");
    expect_error("[global]\nfdb-max = 0\n",
                 "xvs.conf:2: [global] fdb-max: '0' is not a number of entries "
                 "(1..4194304)");
    expect_error("[global]\nfdb-max = 4194305\n",
                 "xvs.conf:2: [global] fdb-max: '4194305' is not a number of "
                 "entries (1..4194304)");
    expect_error("[global]\nageing = 1e3\n",
                 "xvs.conf:2: [global] ageing: '1e3' is not a number of seconds "
                 "(0..1000000)");
    expect_error("[global]\ncontrol-socket = run/x.sock\n",
                 "xvs.conf:2: [global] control-socket: 'run/x.sock' is not an "
                 "absolute path shorter than 108 bytes");
    expect_error("[global]\nlog-level = loud\n",
                 "xvs.conf:2: [global] log-level: 'loud' is not a log level "
                 "(err, warn, info, debug)");
    expect_error("[global]\nlog-level = info,disk=debug\n",
                 "xvs.conf:2: [global] log-level: 'disk' is not a module (main, "
                 "config, ctl, bridge, fdb, uplink, hostport, netback, xenif, "
                 "xenstore, all)");
    expect_error("[global]\nlog-level = info,,fdb=debug\n",
                 "xvs.conf:2: [global] log-level: 'info,,fdb=debug' has an empty "
                 "item (expected LEVEL or MODULE=LEVEL, comma-separated)");
    expect_error("[bridge xenbr0]\nhost-port = maybe\n",
                 "xvs.conf:2: [bridge xenbr0] host-port: 'maybe' is not yes or no");
    expect_error("[bridge xenbr0]\nmtu = 67\n",
                 "xvs.conf:2: [bridge xenbr0] mtu: '67' is not an MTU (68..65521)");
    expect_error("[bridge xenbr0]\nmtu = 65522\n",
                 "xvs.conf:2: [bridge xenbr0] mtu: '65522' is not an MTU (68..65521)");
    expect_error("[bridge xenbr0]\nuplink = eth/0\n",
                 "xvs.conf:2: [bridge xenbr0] uplink: interface name 'eth/0' has "
                 "a character not allowed in a netdev name");
    expect_error("[bridge xenbr0]\nuplink = abcdefghijklmnop\n",
                 "xvs.conf:2: [bridge xenbr0] uplink: interface name "
                 "'abcdefghijklmnop' must be 1..15 characters");
    expect_error("[bridge xenbr0]\nuplink =\n",
                 "xvs.conf:2: [bridge xenbr0] uplink: empty value");
    expect_error("[bridge b]\n[port b p]\nvlan = 0\n",
                 "xvs.conf:3: [port b p] vlan: '0' is not a VLAN (1..4094)");
    expect_error("[bridge b]\n[port b p]\nvlan = 4095\n",
                 "xvs.conf:3: [port b p] vlan: '4095' is not a VLAN (1..4094)");
    expect_error("[bridge b]\n[port b p]\ntrunk = 10,30-20\n",
                 "xvs.conf:3: [port b p] trunk: '10,30-20' is not a VLAN list "
                 "such as 10,20-30 (VLANs 1..4094)");
    expect_error("[bridge b]\n[port b p]\ntrunk = 4095\n",
                 "xvs.conf:3: [port b p] trunk: '4095' is not a VLAN list such as "
                 "10,20-30 (VLANs 1..4094)");
    expect_error("[bridge b]\n[port b p]\nnative = x\n",
                 "xvs.conf:3: [port b p] native: 'x' is not a VLAN (1..4094)");
}

static void test_bad_structure(void)
{
    expect_error("ageing = 5\n", "xvs.conf:1: ageing: key outside any section");
    expect_error("[global]\nfrob = 1\n",
                 "xvs.conf:2: [global] frob: unknown key (expected log-level, "
                 "control-socket, ageing, fdb-max)");
    expect_error("[bridge b]\nvlan = 1\n",
                 "xvs.conf:2: [bridge b] vlan: unknown key (expected uplink, "
                 "host-port, take-over-addresses, ageing, fdb-max, mtu)");
    expect_error("[bridge b]\nageing = 1\nageing = 2\n",
                 "xvs.conf:3: [bridge b] ageing: given twice (first on line 2)");
    expect_error("[switch s]\n",
                 "xvs.conf:1: [switch s]: unknown section (expected [global], "
                 "[xen], [bridge NAME] or [port BRIDGE IFNAME])");
    expect_error("[bridge]\n",
                 "xvs.conf:1: [bridge]: unknown section (expected [global], "
                 "[xen], [bridge NAME] or [port BRIDGE IFNAME])");
    expect_error("[bridge a b]\n",
                 "xvs.conf:1: [bridge a b]: unknown section (expected [global], "
                 "[xen], [bridge NAME] or [port BRIDGE IFNAME])");
    expect_error("[global]\n[global]\n",
                 "xvs.conf:2: [global]: duplicate section (first on line 1)");
    expect_error("[bridge b]\n\n[bridge b]\n",
                 "xvs.conf:3: [bridge b]: duplicate bridge (first on line 1)");
    expect_error("[bridge b]\n[port b p]\n[port b p]\n",
                 "xvs.conf:3: [port b p]: duplicate port (first on line 2)");
    expect_error("[global\n", "xvs.conf:1: syntax error: missing ']' in section header");
    expect_error("[global] x\n",
                 "xvs.conf:1: syntax error: text after ']' in section header");
    expect_error("[global]\njust words\n",
                 "xvs.conf:2: syntax error: expected [section], key = value or a comment");
    expect_error("[global]\n= 5\n", "xvs.conf:2: syntax error: missing key before '='");
    /* keys of an invalid section are not reported again */
    expect_error("[bogus]\nageing = x\n",
                 "xvs.conf:1: [bogus]: unknown section (expected [global], "
                 "[xen], [bridge NAME] or [port BRIDGE IFNAME])");
}

static void test_bad_names(void)
{
    expect_error("[bridge xenbr0.10]\n",
                 "xvs.conf:1: [bridge xenbr0.10]: bridge name 'xenbr0.10' may only "
                 "have letters, digits, '_' and '-' (and start with a letter or digit)");
    expect_error("[bridge -br]\n",
                 "xvs.conf:1: [bridge -br]: bridge name '-br' may only have "
                 "letters, digits, '_' and '-' (and start with a letter or digit)");
    expect_error("[bridge abcdefghijklmnop]\n",
                 "xvs.conf:1: [bridge abcdefghijklmnop]: bridge name "
                 "'abcdefghijklmnop' must be 1..15 characters");
    /* a section header longer than the label kept for messages (fuzzer) */
    expect_error("[bridge aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n",
                 "xvs.conf:1: [bridge aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "a]: bridge name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' must "
                 "be 1..15 characters");
    expect_error("[bridge abcdefghijklmno]\n[port abcdefghijklmno ..]\n",
                 "xvs.conf:2: [port abcdefghijklmno ..]: '..' is not an interface name");
}

static void test_cross_checks(void)
{
    expect_error("[port xenbr9 eth1]\n",
                 "xvs.conf:1: [port xenbr9 eth1]: no bridge named 'xenbr9' in this file");
    expect_error("[bridge a]\nhost-port = no\n[port a a]\n",
                 "xvs.conf:3: [port a a]: bridge a has host-port = no (line 1)");
    expect_error("[bridge a]\nuplink = eth0\n[bridge b]\nuplink = eth0\n",
                 "xvs.conf:3: 'eth0' is already the uplink of bridge a (line 1)");
    expect_error("[bridge a]\n[port a eth1]\n[bridge b]\n[port b eth1]\n",
                 "xvs.conf:4: 'eth1' is already a port of bridge a (line 2)");
    expect_error("[bridge a]\nuplink = b\n[bridge b]\n",
                 "xvs.conf:3: 'b' is already the uplink of bridge a (line 1)");
    expect_error("[bridge a]\n[bridge b]\n[port b a]\n",
                 "xvs.conf:3: 'a' is already the name of bridge a (line 1)");
    expect_error("[bridge a]\nuplink = a\n",
                 "xvs.conf:1: 'a' is already the name of bridge a (line 1)");
    expect_error("[bridge a]\ntake-over-addresses = yes\n",
                 "xvs.conf:2: [bridge a] take-over-addresses: needs an uplink and "
                 "host-port = yes");
    expect_error("[bridge a]\nuplink = e\nhost-port = no\ntake-over-addresses = yes\n",
                 "xvs.conf:4: [bridge a] take-over-addresses: needs an uplink and "
                 "host-port = yes");
    expect_error("[bridge a]\n[port a p]\ntrunk = 5\nvlan = 3\n",
                 "xvs.conf:4: [port a p] vlan: vlan and trunk exclude each other "
                 "(vlan makes an access port)");
    expect_error("[bridge a]\n[port a p]\nnative = 3\n",
                 "xvs.conf:3: [port a p] native: needs trunk (the native VLAN of "
                 "an access port is its vlan)");
}

static void test_many_errors(void)
{
    struct conf_errors errs;
    /* Errors found while reading and in the final checks come out in line
     * order, every one of them. */
    struct conf *c = parse("[port nob p]\n"
                           "vlan = x\n"
                           "[bridge a]\n"
                           "ageing = y\n"
                           "junk\n", &errs);

    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL_FATAL(errs.n, 4);
    CU_ASSERT_STRING_EQUAL(errs.msgs[0], "xvs.conf:1: [port nob p]: no bridge "
                           "named 'nob' in this file");
    CU_ASSERT_STRING_EQUAL(errs.msgs[1], "xvs.conf:2: [port nob p] vlan: 'x' is "
                           "not a VLAN (1..4094)");
    CU_ASSERT_STRING_EQUAL(errs.msgs[2], "xvs.conf:4: [bridge a] ageing: 'y' is "
                           "not a number of seconds (0..1000000)");
    CU_ASSERT_STRING_EQUAL(errs.msgs[3], "xvs.conf:5: syntax error: expected "
                           "[section], key = value or a comment");
    conf_errors_free(&errs);

    /* A flood of bad lines is capped. */
    size_t len = 20000;
    char *text = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    text[0] = '\0';
    for (int i = 0; i < 1000; i++)
        strcat(text, "junk\n");
    c = parse(text, &errs);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(errs.n, CONF_ERRORS_MAX + 1);
    CU_ASSERT_STRING_EQUAL(errs.msgs[errs.n - 1], "xvs.conf: too many errors, giving up");
    conf_errors_free(&errs);
    free(text);
}

static void test_long_line(void)
{
    char text[400];
    memset(text, 'x', sizeof text);
    memcpy(text, "[global]\nageing = ", 18);
    text[sizeof text - 2] = '\n';
    text[sizeof text - 1] = '\0';
    expect_error(text, "xvs.conf:2: line too long (more than 197 characters)");

    /* 197 characters exactly is fine (value then fails as a number) */
    char ok[300] = "[bridge b]\nuplink = ";
    size_t n = strlen("uplink = ");
    memset(ok + strlen(ok), 'y', CONF_LINE_MAX - n);
    strcat(ok, "\n");
    struct conf_errors errs;
    struct conf *c = parse(ok, &errs);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(errs.n, 1);
    if (errs.n == 1)
        CU_ASSERT_PTR_NOT_NULL(strstr(errs.msgs[0], "must be 1..15 characters"));
    conf_errors_free(&errs);
}

static void test_limits(void)
{
    size_t len = (CONF_BRIDGES_MAX + 2) * 32;
    char *text = malloc(len), *p = text;
    struct conf_errors errs;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (int i = 0; i <= CONF_BRIDGES_MAX; i++)
        p += sprintf(p, "[bridge b%d]\nhost-port=no\n", i);
    struct conf *c = parse(text, &errs);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(errs.n, 1);
    if (errs.n == 1)
        CU_ASSERT_STRING_EQUAL(errs.msgs[0], "xvs.conf:513: [bridge b256]: too "
                               "many bridges (at most 256)");
    conf_errors_free(&errs);
    free(text);
}

static void test_file(void)
{
    struct conf_errors errs;
    char path[] = "/tmp/xvs-test-config-XXXXXX";
    int fd = mkstemp(path);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT(write(fd, "[bridge x]\nageing = q\n", 22) == 22);
    close(fd);
    struct conf *c = conf_parse_file(path, &errs);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(errs.n, 1);
    char want[128];
    snprintf(want, sizeof want, "%s:2: [bridge x] ageing: 'q' is not a number "
             "of seconds (0..1000000)", path);
    if (errs.n == 1)
        CU_ASSERT_STRING_EQUAL(errs.msgs[0], want);
    conf_errors_free(&errs);
    unlink(path);

    c = conf_parse_file("/nonexistent/xvs.conf", &errs);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(errs.n, 1);
    if (errs.n == 1)
        CU_ASSERT_STRING_EQUAL(errs.msgs[0],
                               "/nonexistent/xvs.conf: No such file or directory");
    conf_errors_free(&errs);
}

#ifdef XVS_EXAMPLE_CONF
static void test_example(void)
{
    struct conf_errors errs;
    struct conf *c = conf_parse_file(XVS_EXAMPLE_CONF, &errs);

    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "\n  %s", errs.msgs[i]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->n_bridges, 1);
    CU_ASSERT_STRING_EQUAL(c->bridges[0].uplink, "eth0");
    CU_ASSERT_TRUE(c->bridges[0].take_over);
    conf_free(c);
    conf_errors_free(&errs);
}
#endif

static void test_helpers(void)
{
    enum xlog_level lv[XLOG_N_MODULES];
    char why[256];
    bool b;

    for (int i = 0; i < XLOG_N_MODULES; i++)
        lv[i] = XLOG_INFO;
    CU_ASSERT_EQUAL(conf_parse_log_levels("debug", lv, why, sizeof why), 0);
    CU_ASSERT_EQUAL(lv[XLOG_MOD_XENSTORE], XLOG_DBG);
    CU_ASSERT_EQUAL(conf_parse_log_levels("err,uplink=warn", lv, why, sizeof why), 0);
    CU_ASSERT_EQUAL(lv[XLOG_MOD_MAIN], XLOG_ERR);
    CU_ASSERT_EQUAL(lv[XLOG_MOD_UPLINK], XLOG_WARN);
    /* a bad spec changes nothing */
    CU_ASSERT_NOT_EQUAL(conf_parse_log_levels("debug,fdb=x", lv, why, sizeof why), 0);
    CU_ASSERT_EQUAL(lv[XLOG_MOD_MAIN], XLOG_ERR);
    CU_ASSERT_NOT_EQUAL(conf_parse_log_levels("", lv, why, sizeof why), 0);

    CU_ASSERT(conf_parse_bool("yes", &b) == 0 && b);
    CU_ASSERT(conf_parse_bool("1", &b) == 0 && b);
    CU_ASSERT(conf_parse_bool("off", &b) == 0 && !b);
    CU_ASSERT(conf_parse_bool("false", &b) == 0 && !b);
    CU_ASSERT(conf_parse_bool("Yes", &b) != 0);
    CU_ASSERT(conf_parse_bool("", &b) != 0);

    CU_ASSERT_EQUAL(conf_check_bridge_name("xenbr0", why, sizeof why), 0);
    CU_ASSERT_EQUAL(conf_check_bridge_name("br_a-1", why, sizeof why), 0);
    CU_ASSERT_NOT_EQUAL(conf_check_bridge_name("", why, sizeof why), 0);
    CU_ASSERT_NOT_EQUAL(conf_check_bridge_name("a b", why, sizeof why), 0);
    CU_ASSERT_EQUAL(conf_check_ifname("eth0.100", why, sizeof why), 0);
    CU_ASSERT_EQUAL(conf_check_ifname("vif1.0-emu", why, sizeof why), 0);
    CU_ASSERT_NOT_EQUAL(conf_check_ifname("eth:0", why, sizeof why), 0);
    CU_ASSERT_NOT_EQUAL(conf_check_ifname(".", why, sizeof why), 0);
}

/* [xen]: defaults, every key, and every bad value. */
static void test_xen(void)
{
    struct conf_errors errs;
    struct conf *c = parse("", &errs);
    char buf[128];

    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->xen.xenif, CONF_XENIF_AUTO);
    CU_ASSERT_EQUAL(c->xen.rxq_bytes, 1048576);
    CU_ASSERT_EQUAL(c->xen.tx_budget, 256);
    CU_ASSERT_EQUAL(c->xen.rx_stall_s, 60);
    CU_ASSERT_EQUAL(c->xen.rx_drain_s, 10);
    CU_ASSERT_FALSE(c->xen.bounce);
    CU_ASSERT_EQUAL(c->xen.xenstore, CONF_XENSTORE_AUTO);
    CU_ASSERT_STRING_EQUAL(conf_xenif_format(&c->xen, buf, sizeof buf), "auto");
    conf_free(c);
    conf_errors_free(&errs);

    c = parse("[xen]\nxenif = sim:/run/xvs-sim\nrx-queue-bytes = 65536\n"
              "tx-budget = 4096\nrx-stall-timeout = 1\nrx-drain-timeout = 3600\n"
              "bounce = yes\nxenstore = yes\n[bridge b]\n", &errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(errs.n, 0);
    CU_ASSERT_EQUAL(c->xen.xenif, CONF_XENIF_SIM);
    CU_ASSERT_STRING_EQUAL(c->xen.sim_dir, "/run/xvs-sim");
    CU_ASSERT_STRING_EQUAL(conf_xenif_format(&c->xen, buf, sizeof buf), "sim:/run/xvs-sim");
    CU_ASSERT_EQUAL(c->xen.rxq_bytes, 65536);
    CU_ASSERT_EQUAL(c->xen.tx_budget, 4096);
    CU_ASSERT_EQUAL(c->xen.rx_stall_s, 1);
    CU_ASSERT_EQUAL(c->xen.rx_drain_s, 3600);
    CU_ASSERT_TRUE(c->xen.bounce);
    CU_ASSERT_EQUAL(c->xen.xenstore, CONF_XENSTORE_YES);
    CU_ASSERT_EQUAL(c->n_bridges, 1);
    conf_free(c);
    conf_errors_free(&errs);

    static const struct { const char *v; enum conf_xenif k; } kinds[] = {
        { "xen", CONF_XENIF_XEN }, { "none", CONF_XENIF_NONE }, { "auto", CONF_XENIF_AUTO },
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "[xen]\nxenif = %s\n", kinds[i].v);
        c = parse(text, &errs);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_EQUAL(c->xen.xenif, kinds[i].k);
        CU_ASSERT_STRING_EQUAL(conf_xenif_format(&c->xen, buf, sizeof buf), kinds[i].v);
        conf_free(c);
        conf_errors_free(&errs);
    }

    /* the longest sim directory whose sockets fit in sun_path */
    char text[256], dir[CONF_SIM_DIR_MAX + 2];
    memset(dir, 'd', sizeof dir);
    dir[0] = '/';
    dir[CONF_SIM_DIR_MAX] = '\0';
    snprintf(text, sizeof text, "[xen]\nxenif = sim:%s\n", dir);
    c = parse(text, &errs);
    CU_ASSERT_PTR_NOT_NULL(c);
    conf_free(c);
    conf_errors_free(&errs);
    dir[CONF_SIM_DIR_MAX] = 'd';
    dir[CONF_SIM_DIR_MAX + 1] = '\0';
    snprintf(text, sizeof text, "[xen]\nxenif = sim:%s\n", dir);
    char want[512];
    snprintf(want, sizeof want, "xvs.conf:2: [xen] xenif: 'sim:%s' is not auto, xen, "
             "none or sim:DIR (DIR an absolute path of at most 93 bytes)", dir);
    expect_error(text, want);

    expect_error("[xen]\nxenif = kvm\n",
                 "xvs.conf:2: [xen] xenif: 'kvm' is not auto, xen, none or sim:DIR "
                 "(DIR an absolute path of at most 93 bytes)");
    expect_error("[xen]\nxenif = sim:\n",
                 "xvs.conf:2: [xen] xenif: 'sim:' is not auto, xen, none or sim:DIR "
                 "(DIR an absolute path of at most 93 bytes)");
    expect_error("[xen]\nxenif = sim:run/sim\n",
                 "xvs.conf:2: [xen] xenif: 'sim:run/sim' is not auto, xen, none or "
                 "sim:DIR (DIR an absolute path of at most 93 bytes)");
    expect_error("[xen]\nxenif = Xen\n",
                 "xvs.conf:2: [xen] xenif: 'Xen' is not auto, xen, none or sim:DIR "
                 "(DIR an absolute path of at most 93 bytes)");
    expect_error("[xen]\nrx-queue-bytes = 65535\n",
                 "xvs.conf:2: [xen] rx-queue-bytes: '65535' is not a number of bytes "
                 "(65536..268435456)");
    expect_error("[xen]\nrx-queue-bytes = 268435457\n",
                 "xvs.conf:2: [xen] rx-queue-bytes: '268435457' is not a number of "
                 "bytes (65536..268435456)");
    expect_error("[xen]\nrx-queue-bytes = 1M\n",
                 "xvs.conf:2: [xen] rx-queue-bytes: '1M' is not a number of bytes "
                 "(65536..268435456)");
    expect_error("[xen]\ntx-budget = 0\n",
                 "xvs.conf:2: [xen] tx-budget: '0' is not a number of ring slots (1..4096)");
    expect_error("[xen]\ntx-budget = 4097\n",
                 "xvs.conf:2: [xen] tx-budget: '4097' is not a number of ring slots (1..4096)");
    expect_error("[xen]\nrx-stall-timeout = 0\n",
                 "xvs.conf:2: [xen] rx-stall-timeout: '0' is not a number of seconds "
                 "(1..3600)");
    expect_error("[xen]\nrx-drain-timeout = 3601\n",
                 "xvs.conf:2: [xen] rx-drain-timeout: '3601' is not a number of "
                 "seconds (1..3600)");
    expect_error("[xen]\nbounce = sometimes\n",
                 "xvs.conf:2: [xen] bounce: 'sometimes' is not yes or no");
    expect_error("[xen]\nxenstore = maybe\n",
                 "xvs.conf:2: [xen] xenstore: 'maybe' is not auto, yes or no");
    expect_error("[xen]\nxenif =\n", "xvs.conf:2: [xen] xenif: empty value");
    expect_error("[xen]\nxenif = xen\nxenif = none\n",
                 "xvs.conf:3: [xen] xenif: given twice (first on line 2)");
    expect_error("[xen]\n[bridge b]\n[xen]\n",
                 "xvs.conf:3: [xen]: duplicate section (first on line 1)");
    expect_error("[xen]\nageing = 5\n",
                 "xvs.conf:2: [xen] ageing: unknown key (expected xenif, "
                 "rx-queue-bytes, tx-budget, rx-stall-timeout, rx-drain-timeout, bounce, "
                 "xenstore)");
    expect_error("[xen x]\n",
                 "xvs.conf:1: [xen x]: unknown section (expected [global], "
                 "[xen], [bridge NAME] or [port BRIDGE IFNAME])");
    /* a bad [xen] does not hide errors elsewhere */
    c = parse("[xen]\ntx-budget = x\n[bridge b]\nmtu = 1\n", &errs);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_EQUAL(errs.n, 2);
    conf_errors_free(&errs);
}

int main(void)
{
    static const struct test_main_case cases[] = {
        { "empty file", test_empty },
        { "good file", test_good },
        { "implicit uplink", test_implicit_uplink },
        { "bad values", test_bad_values },
        { "bad structure", test_bad_structure },
        { "bad names", test_bad_names },
        { "cross checks", test_cross_checks },
        { "many errors", test_many_errors },
        { "long line", test_long_line },
        { "limits", test_limits },
        { "file", test_file },
        { "helpers", test_helpers },
        { "[xen] section", test_xen },
#ifdef XVS_EXAMPLE_CONF
        { "example file", test_example },
#endif
        { NULL, NULL },
    };

    return test_main_run("config", NULL, NULL, cases);
}
