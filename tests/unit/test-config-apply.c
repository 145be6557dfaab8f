/* Unit tests of daemon/apply.c: configuration -> bridges, and the reload
 * diff, with fake ports (no netdevs). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/apply.h"
#include "daemon/brmgr.h"
#include "daemon/conf.h"
#include "daemon/ctl.h"
#include "daemon/ctl_commands.h"
#include "lib/log.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "tests/unit/test-ctl-fake.h"
#include "tests/unit/test-ctl-run.h"
#include "tests/unit/test-main.h"

static struct conf *cur;                /* what was applied last */

static struct conf *parse(const char *text)
{
    struct conf_errors errs;
    struct conf *c = conf_parse_string(text, "test.conf", &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "\n  %s", errs.msgs[i]);
    conf_errors_free(&errs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    return c;
}

/* Applies text as a reload of the current configuration. */
static int load(const char *text)
{
    struct conf *c = parse(text);
    int failures = apply_conf(cur, c);
    conf_free(cur);
    cur = c;
    return failures;
}

static struct port *port(const char *br, const char *name)
{
    struct bridge *b = bridge_lookup(br);
    return b ? bridge_find_port(b, name) : NULL;
}

static struct brmgr_bridge *rec(const char *br)
{
    return brmgr_find(br);
}

static uint32_t ageing(const char *br)
{
    return fdb_get_ageing(bridge_fdb(bridge_lookup(br)));
}

static uint32_t fdb_max(const char *br)
{
    struct fdb_stats st;
    fdb_get_stats(bridge_fdb(bridge_lookup(br)), &st);
    return st.max_entries;
}

static int setup(void) { return tctl_setup(NULL); }

static int teardown(void)
{
    conf_free(cur);
    cur = NULL;
    return tctl_teardown();
}

static const char conf_a[] =
    "[global]\nageing = 200\n"
    "[bridge xenbr0]\nuplink = eth0\ntake-over-addresses = yes\n"
    "[port xenbr0 eth0]\ntrunk = 100-200\nnative = 1\n"
    "[port xenbr0 veth1]\nvlan = 10\n"
    "[port xenbr0 veth2]\n"
    "[bridge br1]\nhost-port = no\n[port br1 veth3]\n";

static void test_start(void)
{
    CU_ASSERT_EQUAL(load(conf_a), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec("xenbr0"));
    CU_ASSERT_EQUAL(rec("xenbr0")->origin, BRMGR_CONFIG);
    CU_ASSERT_STRING_EQUAL(rec("xenbr0")->spec.uplink, "eth0");
    CU_ASSERT_TRUE(rec("xenbr0")->spec.take_over);
    CU_ASSERT_STRING_EQUAL(fake_last_takeover, "eth0");
    CU_ASSERT_EQUAL(ageing("xenbr0"), 200);
    CU_ASSERT_EQUAL(bridge_n_ports(bridge_lookup("xenbr0")), 4);
    CU_ASSERT_EQUAL(bridge_n_ports(bridge_lookup("br1")), 1);
    CU_ASSERT_PTR_NULL(port("br1", "br1"));

    struct port *up = port("xenbr0", "eth0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(up);
    CU_ASSERT_EQUAL(up->vlan_mode, PORT_VLAN_TRUNK);
    CU_ASSERT_TRUE(port_vlan_allowed(up, 150));
    CU_ASSERT_TRUE(port_vlan_allowed(up, 1));       /* native */
    CU_ASSERT_FALSE(port_vlan_allowed(up, 99));
    CU_ASSERT_EQUAL(port("xenbr0", "veth1")->pvid, 10);
    CU_ASSERT_EQUAL(port("xenbr0", "veth2")->pvid, 1);
    CU_ASSERT_EQUAL(port("xenbr0", "xenbr0")->vlan_mode, PORT_VLAN_ACCESS);
}

static void test_reload_diff(void)
{
    /* run-time objects, and a run-time ageing change */
    tctl_result(tctl_run("add-br", "rt0", NULL));
    tctl_result(tctl_run("add-port", "xenbr0", "vethr", NULL));
    tctl_result(tctl_run("set-ageing", "xenbr0", "42", NULL));
    struct bridge *xb = bridge_lookup("xenbr0");
    struct port *vif = fake_vif("vif1.0");
    CU_ASSERT_EQUAL_FATAL(bridge_add_port(xb, vif), 0);
    struct port *host = port("xenbr0", "xenbr0"), *up = port("xenbr0", "eth0");
    struct port *veth2 = port("xenbr0", "veth2");

    /* br1 goes, br2 comes, veth1 changes VLAN, veth9 comes, fdb-max changes */
    CU_ASSERT_EQUAL(load("[global]\nageing = 200\n"
                         "[bridge xenbr0]\nuplink = eth0\ntake-over-addresses = yes\n"
                         "fdb-max = 1000\n"
                         "[port xenbr0 eth0]\ntrunk = 100-200\nnative = 1\n"
                         "[port xenbr0 veth1]\nvlan = 20\n"
                         "[port xenbr0 veth2]\n[port xenbr0 veth9]\ntrunk = 5\n"
                         "[bridge br2]\n"), 0);
    CU_ASSERT_PTR_NULL(bridge_lookup("br1"));
    CU_ASSERT_PTR_NOT_NULL(port("br2", "br2"));
    CU_ASSERT_EQUAL(port("xenbr0", "veth1")->pvid, 20);
    CU_ASSERT_EQUAL(port("xenbr0", "veth9")->vlan_mode, PORT_VLAN_TRUNK);
    CU_ASSERT_EQUAL(fdb_max("xenbr0"), 1000);
    CU_ASSERT_EQUAL(ageing("xenbr0"), 42);          /* file's ageing unchanged */
    /* untouched: same objects, run-time ones still run-time */
    CU_ASSERT_PTR_EQUAL(port("xenbr0", "xenbr0"), host);
    CU_ASSERT_PTR_EQUAL(port("xenbr0", "eth0"), up);
    CU_ASSERT_PTR_EQUAL(port("xenbr0", "veth2"), veth2);
    CU_ASSERT_PTR_EQUAL(port("xenbr0", "vif1.0"), vif);
    CU_ASSERT_PTR_NOT_NULL(port("xenbr0", "vethr"));
    CU_ASSERT_STRING_EQUAL(brmgr_find_port(rec("xenbr0"), "vethr") ?
                           brmgr_origin_name(brmgr_find_port(rec("xenbr0"), "vethr")->origin)
                           : "", "runtime");
    CU_ASSERT_PTR_NOT_NULL(bridge_lookup("rt0"));

    /* now the file changes ageing: it wins; veth9 leaves */
    CU_ASSERT_EQUAL(load("[global]\nageing = 100\n"
                         "[bridge xenbr0]\nuplink = eth0\ntake-over-addresses = yes\n"
                         "fdb-max = 1000\n"
                         "[port xenbr0 eth0]\ntrunk = 100-200\nnative = 1\n"
                         "[port xenbr0 veth1]\nvlan = 20\n[port xenbr0 veth2]\n"
                         "[bridge br2]\n"), 0);
    CU_ASSERT_EQUAL(ageing("xenbr0"), 100);
    CU_ASSERT_EQUAL(ageing("br2"), 100);
    CU_ASSERT_PTR_NULL(port("xenbr0", "veth9"));
    CU_ASSERT_PTR_EQUAL(port("xenbr0", "xenbr0"), host);

    /* a bridge with a vif is not removed by a reload */
    CU_ASSERT_EQUAL(load("[bridge br2]\n"), 1);
    CU_ASSERT_PTR_NOT_NULL(bridge_lookup("xenbr0"));
    CU_ASSERT_PTR_NULL(port("xenbr0", "veth1"));    /* its config ports went */
    CU_ASSERT_PTR_NOT_NULL(port("xenbr0", "vethr"));
    bridge_del_port(xb, vif);
    CU_ASSERT_EQUAL(load("[bridge br2]\n"), 0);
    CU_ASSERT_PTR_NULL(bridge_lookup("xenbr0"));
    CU_ASSERT_PTR_NOT_NULL(bridge_lookup("rt0"));   /* run-time: stays */
}

static void test_adopt_and_recreate(void)
{
    /* a bridge made with xvsctl that the file then names is adopted */
    CU_ASSERT_EQUAL(load("[bridge br2]\n[bridge rt0]\nhost-port = no\n"), 0);
    CU_ASSERT_EQUAL(rec("rt0")->origin, BRMGR_CONFIG);
    CU_ASSERT_PTR_NULL(port("rt0", "rt0"));          /* made as the file says */
    CU_ASSERT_EQUAL(load("[bridge br2]\n"), 0);
    CU_ASSERT_PTR_NULL(bridge_lookup("rt0"));

    /* a config bridge deleted with xvsctl comes back on reload */
    tctl_result(tctl_run("del-br", "br2", NULL));
    CU_ASSERT_PTR_NULL(bridge_lookup("br2"));
    CU_ASSERT_EQUAL(load("[bridge br2]\n"), 0);
    CU_ASSERT_PTR_NOT_NULL(bridge_lookup("br2"));

    /* host-port off and on again */
    CU_ASSERT_EQUAL(load("[bridge br2]\nhost-port = no\n"), 0);
    CU_ASSERT_PTR_NULL(port("br2", "br2"));
    CU_ASSERT_EQUAL(load("[bridge br2]\nmtu = 9000\n"), 0);
    CU_ASSERT_PTR_NOT_NULL(port("br2", "br2"));
    CU_ASSERT_EQUAL(fake_last_mtu, 9000);

    /* an extra port becomes the uplink */
    CU_ASSERT_EQUAL(load("[bridge br2]\nmtu = 9000\n[port br2 eth4]\nvlan = 3\n"), 0);
    CU_ASSERT_EQUAL(port("br2", "eth4")->pvid, 3);
    CU_ASSERT_EQUAL(load("[bridge br2]\nmtu = 9000\nuplink = eth4\n"), 0);
    CU_ASSERT_EQUAL(port("br2", "eth4")->vlan_mode, PORT_VLAN_TRUNK);
    CU_ASSERT_STRING_EQUAL(rec("br2")->spec.uplink, "eth4");
    CU_ASSERT_EQUAL(rec("br2")->n_ports, 0);
}

static void test_failures(void)
{
    /* an uplink that does not exist: the bridge runs without it */
    CU_ASSERT_EQUAL(load("[bridge br2]\nuplink = bad0\ntake-over-addresses = yes\n"), 1);
    CU_ASSERT_PTR_NOT_NULL(bridge_lookup("br2"));
    CU_ASSERT_STRING_EQUAL(rec("br2")->spec.uplink, "");
    CU_ASSERT_FALSE(rec("br2")->spec.take_over);
    CU_ASSERT_STRING_EQUAL(fake_last_takeover, "");
    /* ... and is tried again on every reload */
    CU_ASSERT_EQUAL(load("[bridge br2]\nuplink = bad0\ntake-over-addresses = yes\n"), 1);
    struct port *host = port("br2", "br2");
    CU_ASSERT_EQUAL(load("[bridge br2]\nuplink = eth6\ntake-over-addresses = yes\n"), 0);
    CU_ASSERT_PTR_NOT_NULL(port("br2", "eth6"));
    CU_ASSERT_TRUE(rec("br2")->spec.take_over);
    CU_ASSERT_STRING_EQUAL(fake_last_takeover, "eth6");
    CU_ASSERT_PTR_NOT_EQUAL(port("br2", "br2"), host); /* remade to take over */

    /* a bad extra port fails alone */
    CU_ASSERT_EQUAL(load("[bridge br2]\nuplink = eth6\ntake-over-addresses = yes\n"
                         "[port br2 bad7]\n[port br2 eth8]\n"), 1);
    CU_ASSERT_PTR_NOT_NULL(port("br2", "eth8"));
    CU_ASSERT_PTR_NULL(port("br2", "bad7"));

    /* a port of the same name that xvsd did not make */
    CU_ASSERT_EQUAL_FATAL(bridge_add_port(bridge_lookup("br2"), fake_vif("vif3.0")), 0);
    CU_ASSERT_EQUAL(load("[bridge br2]\nuplink = eth6\ntake-over-addresses = yes\n"
                         "[port br2 vif3.0]\n"), 1);
    CU_ASSERT_STRING_EQUAL(port("br2", "vif3.0")->ops->kind, "vif");
    CU_ASSERT_EQUAL(load(""), 1);                   /* br2 has a vif: stays */
    bridge_del_port(bridge_lookup("br2"), port("br2", "vif3.0"));
    CU_ASSERT_EQUAL(load(""), 0);
    CU_ASSERT_PTR_NULL(bridge_at(0));
    CU_ASSERT_EQUAL(fake_live, 0);
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "start", test_start },
        { "reload diff", test_reload_diff },
        { "adopt and recreate", test_adopt_and_recreate },
        { "failures", test_failures },
        { NULL, NULL },
    };

    return test_main_run("apply", setup, teardown, cases);
}
