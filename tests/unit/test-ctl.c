/* Unit tests of the control protocol dispatcher and the switch commands
 * (daemon/ctl.c, ctl_commands.c, ctl_fdb.c), against bridges with fake
 * ports: no sockets, no netdevs. */
#include <config.h>

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/brmgr.h"
#include "daemon/ctl.h"
#include "daemon/ctl_commands.h"
#include "lib/log.h"
#include "lib/util.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "tests/unit/test-ctl-fake.h"
#include "tests/unit/test-ctl-run.h"
#include "tests/unit/test-main.h"

/* jansson's json_is_* are macros that evaluate their argument twice. */
static bool jnull(json_t *j) { return json_is_null(j); }
static bool jtrue(json_t *j) { return json_is_true(j); }
static bool jfalse(json_t *j) { return json_is_false(j); }

/* A command that must fail with exactly `error`: tables of them are run
 * in order, each a TCTL_ASSERT_ERROR (which prints what it got). */
struct failing_run {
    const char *argv[8];            /* command, its arguments, NULL */
    const char *error;
};

static void assert_errors(const struct failing_run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        TCTL_ASSERT_ERROR(tctl_runv(runs[i].argv[0], runs[i].argv + 1), runs[i].error);
}

static json_t *find_named(json_t *arr, const char *key, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
        if (!strcmp(json_string_value(json_object_get(v, key)) ?: "", name))
            return v;
    return NULL;
}

static json_t *show_bridge(const char *name)
{
    json_t *r = tctl_result(tctl_run("show", NULL));
    return find_named(json_object_get(r, "bridges"), "name", name);
}

static json_t *show_port(const char *br, const char *port)
{
    return find_named(json_object_get(show_bridge(br), "ports"), "name", port);
}

static int jint(json_t *o, const char *key)
{
    return (int)json_integer_value(json_object_get(o, key));
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(none)";
}

static bool names_are(json_t *arr, const char *const *want, size_t n)
{
    if (json_array_size(arr) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(json_string_value(json_array_get(arr, i)) ?: "", want[i]))
            return false;
    return true;
}

static int setup(void) { return tctl_setup(NULL); }
static int teardown(void) { return tctl_teardown(); }

/* ---- protocol ---- */

static json_t *echo(size_t argc, const char *const *argv, void *arg, char **err)
{
    if (argc == 0)
        return ctl_errf(err, "needs %s", (const char *)arg);
    return json_string(argv[argc - 1]);
}


static void test_protocol(void)
{
    CU_ASSERT_STRING_EQUAL(jstr(tctl_result(tctl_run("version", NULL)), "version"),
                           PACKAGE_VERSION);
    json_t *cmds = tctl_result(tctl_run("list-commands", NULL));
    CU_ASSERT(json_array_size(cmds) >= 18);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(cmds, 0)), "add-br");

    /* a request without "args" is fine */
    CU_ASSERT_TRUE(jtrue(json_object_get(tctl_raw("{\"command\":\"list-br\"}"), "ok")));

    TCTL_ASSERT_ERROR(tctl_run("frob", NULL), "frob: unknown command (see list-commands)");
    CU_ASSERT_FALSE(tctl_last_fatal);
    /* an empty command is a request error, not ": unknown command" (fuzz-ctl) */
    TCTL_ASSERT_ERROR(tctl_run("", NULL), "request: \"command\" must be a non-empty string "
                      "without NUL characters");
    CU_ASSERT_TRUE(tctl_last_fatal);
    TCTL_ASSERT_ERROR(tctl_run("version", "x", NULL),
                      "version: too many arguments (usage: version)");
    CU_ASSERT_FALSE(tctl_last_fatal);

    /* malformed requests: error and close */
    /* (the details after "column N: " are jansson's) */
    CU_ASSERT_PTR_NOT_NULL(strstr(tctl_error(tctl_raw("{\"command\": \"show\"")),
                                  "request: not valid JSON (column 18: "));
    CU_ASSERT_TRUE(tctl_last_fatal);
    TCTL_ASSERT_ERROR(tctl_raw("[\"show\"]"), "request: a request must be a JSON object "
                      "{\"command\": ..., \"args\": [...]}");
    CU_ASSERT_TRUE(tctl_last_fatal);
    TCTL_ASSERT_ERROR(tctl_raw("{\"command\": 5}"), "request: \"command\" must be a string");
    TCTL_ASSERT_ERROR(tctl_raw("{\"command\": \"show\", \"args\": \"x\"}"),
                      "request: \"args\" must be an array of strings");
    TCTL_ASSERT_ERROR(tctl_raw("{\"command\": \"show\", \"args\": [1]}"),
                      "request: \"args\" must be an array of strings");
    TCTL_ASSERT_ERROR(tctl_raw("{\"command\": \"show\", \"id\": 1}"),
                      "request: unknown member (only \"command\" and \"args\" are allowed)");
    CU_ASSERT_PTR_NOT_NULL(strstr(tctl_error(tctl_raw("{\"command\": \"show\", "
                                                      "\"command\": \"show\"}")),
                                  "duplicate object key"));
    CU_ASSERT_TRUE(tctl_last_fatal);
    CU_ASSERT_PTR_NOT_NULL(strstr(tctl_error(tctl_raw("")), "request: not valid JSON ("));
    /* jansson quotes bad bytes in its message: the reply is still JSON */
    CU_ASSERT_PTR_NOT_NULL(strstr(tctl_error(tctl_raw("{\"comma\\\xc5\x9b\xfd\"list-br\"}")),
                                  "request: not valid JSON ("));
    CU_ASSERT_TRUE(tctl_last_fatal);

    char big[1024] = "{\"command\":\"show\",\"args\":[";
    for (int i = 0; i < 65; i++)
        strcat(big, i ? ",\"a\"" : "\"a\"");
    strcat(big, "]}");
    TCTL_ASSERT_ERROR(tctl_raw(big), "request: too many args (at most 64)");

    /* registration */
    CU_ASSERT_EQUAL(ctl_register_command("show", echo, NULL), -EEXIST);
    CU_ASSERT_EQUAL(ctl_register_command("Bad Name", echo, NULL), -EINVAL);
    CU_ASSERT_EQUAL(ctl_register_command("", echo, NULL), -EINVAL);
}

static void test_register(void)
{
    CU_ASSERT_EQUAL(ctl_register_command("vif-echo", echo, "an argument"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(tctl_result(tctl_run("vif-echo", "a", "b", NULL))),
                           "b");
    TCTL_ASSERT_ERROR(tctl_run("vif-echo", NULL), "vif-echo: needs an argument");
}

/* ---- bridges and ports ---- */

static void test_add_del_br(void)
{
    json_t *b, *p;

    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("add-br", "br0", "host-port=no", NULL))));
    b = show_bridge("br0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(jint(b, "ageing"), 300);
    CU_ASSERT_EQUAL(jint(b, "fdb_max"), 65536);
    CU_ASSERT_TRUE(jfalse(json_object_get(b, "host_port")));
    CU_ASSERT_TRUE(jnull(json_object_get(b, "uplink")));
    CU_ASSERT_STRING_EQUAL(jstr(b, "origin"), "runtime");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "ports")), 0);

    static const struct failing_run add_br_errors[] = {
        { { "add-br", "br0", NULL },
          "add-br: bridge br0 already exists" },
        { { "add-br", NULL },
          "add-br: missing arguments (usage: add-br BR "
          "[uplink=IF] [host-port=yes|no] [take-over-addresses=yes|no] "
          "[ageing=S] [fdb-max=N] [mtu=N])" },
        { { "add-br", "br.1", NULL },
          "add-br: bridge name 'br.1' may only "
          "have letters, digits, '_' and '-' (and start with a letter or digit)" },
        { { "add-br", "br1", "ageing=abc", NULL },
          "add-br: 'abc' is not a number of seconds (0..1000000)" },
        { { "add-br", "br1", "fdb-max=0", NULL },
          "add-br: '0' is not a number of entries (1..4194304)" },
        { { "add-br", "br1", "foo=1", NULL },
          "add-br: unexpected argument "
          "'foo=1' (expected uplink=, host-port=, take-over-addresses=, ageing=, fdb-max=, mtu=)" },
        { { "add-br", "br1", "ageing=1", "ageing=2", NULL },
          "add-br: ageing= given twice" },
        { { "add-br", "br1", "uplink=", NULL },
          "add-br: uplink= needs a value" },
        { { "add-br", "br1", "take-over-addresses=yes", NULL },
          "add-br: take-over-addresses=yes needs uplink= and host-port=yes" },
        { { "add-br", "br1", "uplink=bad0", NULL },
          "add-br: bridge br1: uplink bad0: no such device" },
    };
    assert_errors(add_br_errors, ARRAY_SIZE(add_br_errors));
    CU_ASSERT_PTR_NULL(bridge_lookup("br1"));   /* rolled back */
    TCTL_ASSERT_ERROR(tctl_run("add-br", "bad1", "uplink=eth5", NULL),
                      "add-br: bridge bad1: host port bad1: cannot create TAP");
    CU_ASSERT_PTR_NULL(bridge_lookup("bad1"));
    CU_ASSERT_EQUAL(fake_live, 0);              /* the uplink went too */

    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("add-br", "br1", "uplink=eth1",
        "take-over-addresses=yes", "mtu=9000", "ageing=10", "fdb-max=100", NULL))));
    b = show_bridge("br1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(jint(b, "ageing"), 10);
    CU_ASSERT_EQUAL(jint(b, "fdb_max"), 100);
    CU_ASSERT_TRUE(jtrue(json_object_get(b, "host_port")));
    CU_ASSERT_STRING_EQUAL(jstr(b, "uplink"), "eth1");
    CU_ASSERT_STRING_EQUAL(fake_last_takeover, "eth1");
    CU_ASSERT_EQUAL(fake_last_mtu, 9000);
    p = show_port("br1", "eth1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(jstr(p, "kind"), "uplink");
    CU_ASSERT_STRING_EQUAL(jstr(p, "vlan_mode"), "trunk");
    CU_ASSERT_STRING_EQUAL(jstr(p, "trunks"), "1-4094");
    CU_ASSERT_EQUAL(jint(p, "pvid"), 1);
    CU_ASSERT_STRING_EQUAL(jstr(p, "origin"), "runtime");
    CU_ASSERT_TRUE(jtrue(json_object_get(p, "link_up")));
    p = show_port("br1", "br1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(jstr(p, "kind"), "host");
    CU_ASSERT_STRING_EQUAL(jstr(p, "vlan_mode"), "access");
    CU_ASSERT_STRING_EQUAL(jstr(p, "trunks"), "");

    static const struct failing_run add_br_errors2[] = {
        { { "add-br", "br2", "uplink=eth1", NULL },
          "add-br: eth1 is already a port of bridge br1" },
        { { "add-br", "eth1", NULL },
          "add-br: eth1 is a port of bridge br1" },
        { { "add-br", "br2", "uplink=br0", NULL },
          "add-br: br0 is a bridge" },
    };
    assert_errors(add_br_errors2, ARRAY_SIZE(add_br_errors2));

    const char *all[] = { "br0", "br1" };
    CU_ASSERT_TRUE(names_are(tctl_result(tctl_run("list-br", NULL)), all, 2));
    const char *ports[] = { "br1", "eth1" };
    CU_ASSERT_TRUE(names_are(tctl_result(tctl_run("list-ports", "br1", NULL)), ports, 2));
    TCTL_ASSERT_ERROR(tctl_run("list-ports", "nope", NULL), "list-ports: no bridge named 'nope'");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(tctl_result(tctl_run("show", "br1", NULL)),
                                                    "bridges")), 1);
    TCTL_ASSERT_ERROR(tctl_run("show", "br9", NULL), "show: no bridge named 'br9'");

    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("del-br", "br0", NULL))));
    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("del-br", "br1", NULL))));
    TCTL_ASSERT_ERROR(tctl_run("del-br", "br1", NULL), "del-br: no bridge named 'br1'");
    CU_ASSERT_EQUAL(fake_live, 0);
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("list-br", NULL))), 0);
}

static void test_ports(void)
{
    json_t *p, *r;

    tctl_result(tctl_run("add-br", "xenbr0", NULL));
    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("add-port", "xenbr0", "veth1", "vlan=10", NULL))));
    tctl_result(tctl_run("add-port", "xenbr0.20", "veth2", NULL));
    tctl_result(tctl_run("add-port", "xenbr0", "veth3", "trunk=10,20,30-40", "native=5",
                         "promiscuous=yes", "learning=no", NULL));
    tctl_result(tctl_run("add-port", "xenbr0", "veth4", NULL));

    p = show_port("xenbr0", "veth1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(jstr(p, "vlan_mode"), "access");
    CU_ASSERT_EQUAL(jint(p, "pvid"), 10);
    CU_ASSERT_EQUAL(jint(show_port("xenbr0", "veth2"), "pvid"), 20);
    CU_ASSERT_EQUAL(jint(show_port("xenbr0", "veth4"), "pvid"), 1);
    p = show_port("xenbr0", "veth3");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(jstr(p, "vlan_mode"), "trunk");
    CU_ASSERT_STRING_EQUAL(jstr(p, "trunks"), "10,20,30-40");
    CU_ASSERT_EQUAL(jint(p, "pvid"), 5);
    CU_ASSERT_TRUE(jtrue(json_object_get(p, "promiscuous")));
    CU_ASSERT_TRUE(jfalse(json_object_get(p, "learning")));

    const char *brs[] = { "xenbr0", "xenbr0.10", "xenbr0.20" };
    CU_ASSERT_TRUE(names_are(tctl_result(tctl_run("list-br", NULL)), brs, 3));
    const char *v10[] = { "veth1" };
    CU_ASSERT_TRUE(names_are(tctl_result(tctl_run("list-ports", "xenbr0.10", NULL)), v10, 1));
    const char *all[] = { "veth1", "veth2", "veth3", "veth4", "xenbr0" };
    CU_ASSERT_TRUE(names_are(tctl_result(tctl_run("list-ports", "xenbr0", NULL)), all, 5));

    r = tctl_result(tctl_run("br-to-vlan", "xenbr0.10", NULL));
    CU_ASSERT_STRING_EQUAL(jstr(r, "bridge"), "xenbr0");
    CU_ASSERT_EQUAL(jint(r, "vlan"), 10);
    CU_ASSERT_EQUAL(jint(tctl_result(tctl_run("br-to-vlan", "xenbr0", NULL)), "vlan"), 0);
    CU_ASSERT_EQUAL(jint(tctl_result(tctl_run("br-to-vlan", "xenbr0.4094", NULL)), "vlan"), 4094);
    TCTL_ASSERT_ERROR(tctl_run("br-to-vlan", "xenbr0.4095", NULL),
                      "br-to-vlan: no bridge named 'xenbr0.4095'");
    TCTL_ASSERT_ERROR(tctl_run("br-to-vlan", "xenbr9", NULL),
                      "br-to-vlan: no bridge named 'xenbr9'");

    static const struct failing_run add_port_errors[] = {
        { { "add-port", "xenbr0", "veth5", "vlan=1", "trunk=2", NULL },
          "add-port: vlan= (access port) cannot be combined with trunk= or native=" },
        { { "add-port", "xenbr0", "veth5", "native=2", NULL },
          "add-port: native= needs trunk=" },
        { { "add-port", "xenbr0.10", "veth5", "vlan=3", NULL },
          "add-port: xenbr0.10 is VLAN 10 of xenbr0: vlan=, trunk= and native= do not apply" },
        { { "add-port", "xenbr0", "veth5", "vlan=4095", NULL },
          "add-port: '4095' is not a VLAN (1..4094)" },
        { { "add-port", "xenbr0", "veth5", "trunk=1-", NULL },
          "add-port: '1-' is not a VLAN list such as 10,20-30 (VLANs 1..4094)" },
        { { "add-port", "xenbr0", "veth5", "promiscuous=maybe", NULL },
          "add-port: 'maybe' is not yes or no" },
        { { "add-port", "xenbr0", "eth/1", NULL },
          "add-port: interface name 'eth/1' has a character not allowed in a netdev name" },
        { { "add-port", "xenbr0", "veth1", NULL },
          "add-port: veth1 is already a port of bridge xenbr0" },
        { { "add-port", "xenbr0", "xenbr0", NULL },
          "add-port: xenbr0 is a bridge" },
        { { "add-port", "xenbr0", "bad3", NULL },
          "add-port: bridge xenbr0: uplink bad3: no such device" },
        { { "add-port", "nobr", "veth5", NULL },
          "add-port: no bridge named 'nobr'" },
        { { "add-port", "xenbr0", NULL },
          "add-port: missing arguments (usage: "
          "add-port BR IF [vlan=N | trunk=LIST [native=N]] [promiscuous=yes|no] "
          "[learning=yes|no])" },
    };
    assert_errors(add_port_errors, ARRAY_SIZE(add_port_errors));

    /* a port brmgr did not make (a vif) */
    struct bridge *br = bridge_lookup("xenbr0");
    struct port *vif = fake_vif("vif1.0");
    CU_ASSERT_EQUAL_FATAL(bridge_add_port(br, vif), 0);
    CU_ASSERT_TRUE(jnull(json_object_get(show_port("xenbr0", "vif1.0"), "origin")));
    static const struct failing_run del_port_errors[] = {
        { { "del-port", "xenbr0", "vif1.0", NULL },
          "del-port: port vif1.0 (vif) was not made by xvsd; it goes away with what made it" },
        { { "del-br", "xenbr0", NULL },
          "del-br: bridge xenbr0 still has 1 port not made by xvsd (vif1.0); detach it first" },
        { { "del-br", "xenbr0.10", NULL },
          "del-br: 'xenbr0.10' is VLAN 10 of bridge xenbr0; give the bridge itself" },
        { { "del-port", "xenbr0", "xenbr0", NULL },
          "del-port: xenbr0 is the host port of bridge xenbr0; it goes with the bridge (del-br)" },
        { { "del-port", "xenbr0", "veth9", NULL },
          "del-port: bridge xenbr0 has no port named 'veth9'" },
    };
    assert_errors(del_port_errors, ARRAY_SIZE(del_port_errors));

    int live = fake_live;
    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("del-port", "xenbr0", "veth1", NULL))));
    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("del-port", "xenbr0.20", "veth2", NULL))));
    CU_ASSERT_EQUAL(fake_live, live - 2);
    CU_ASSERT_PTR_NULL(show_port("xenbr0", "veth1"));
    const char *brs2[] = { "xenbr0" };
    CU_ASSERT_TRUE(names_are(tctl_result(tctl_run("list-br", NULL)), brs2, 1));

    bridge_del_port(br, vif);
    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("del-br", "xenbr0", NULL))));
    CU_ASSERT_EQUAL(fake_live, 0);
}

static void test_del_uplink(void)
{
    tctl_result(tctl_run("add-br", "xb", "uplink=eth7", "take-over-addresses=yes", NULL));
    CU_ASSERT_STRING_EQUAL(fake_last_takeover, "eth7");
    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("del-port", "xb", "eth7", NULL))));
    json_t *b = show_bridge("xb");
    CU_ASSERT_TRUE(jnull(json_object_get(b, "uplink")));
    CU_ASSERT_TRUE(jtrue(json_object_get(b, "host_port")));
    CU_ASSERT_STRING_EQUAL(fake_last_takeover, "");  /* host port remade without */
    CU_ASSERT_EQUAL(json_array_size(json_object_get(b, "ports")), 1);
    tctl_result(tctl_run("del-br", "xb", NULL));
    CU_ASSERT_EQUAL(fake_live, 0);
}

/* ---- learning table ---- */

static void learn(struct bridge *br, const char *port, const char *mac, uint16_t vlan)
{
    uint8_t m[6];
    CU_ASSERT_EQUAL_FATAL(eth_addr_parse(mac, m), 0);
    fdb_learn(bridge_fdb(br), m, vlan, bridge_find_port(br, port));
}

static void test_fdb(void)
{
    json_t *r, *e;

    tctl_result(tctl_run("add-br", "b", "uplink=up0", NULL));
    tctl_result(tctl_run("add-port", "b", "p1", NULL));
    tctl_result(tctl_run("add-port", "b", "p10", "vlan=10", NULL));
    struct bridge *br = bridge_lookup("b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(br);

    /* learning through the switch: a frame from p1 */
    uint8_t buf[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                        0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00 };
    struct frame f, *fp = &f;
    CU_ASSERT_EQUAL_FATAL(frame_init_local(&f, buf, sizeof buf), 0);
    bridge_input(br, bridge_find_port(br, "p1"), &fp, 1);

    learn(br, "up0", "02:00:00:00:00:09", 1);
    learn(br, "p10", "02:00:00:00:00:05", 10);
    learn(br, "up0", "02:00:00:00:00:05", 20);

    r = tctl_result(tctl_run("fdb-show", "b", NULL));
    CU_ASSERT_EQUAL_FATAL(json_array_size(r), 4);
    e = json_array_get(r, 0);           /* sorted by VLAN, then MAC */
    CU_ASSERT_STRING_EQUAL(jstr(e, "mac"), "02:00:00:00:00:01");
    CU_ASSERT_STRING_EQUAL(jstr(e, "port"), "p1");
    CU_ASSERT_EQUAL(jint(e, "vlan"), 1);
    CU_ASSERT_EQUAL(jint(e, "age"), 0);
    CU_ASSERT_TRUE(jfalse(json_object_get(e, "static")));
    CU_ASSERT_STRING_EQUAL(jstr(json_array_get(r, 1), "mac"), "02:00:00:00:00:09");
    CU_ASSERT_EQUAL(jint(json_array_get(r, 2), "vlan"), 10);
    CU_ASSERT_EQUAL(jint(json_array_get(r, 3), "vlan"), 20);

    r = tctl_result(tctl_run("fdb-show", "b.10", NULL));
    CU_ASSERT_EQUAL(json_array_size(r), 1);
    CU_ASSERT_STRING_EQUAL(jstr(json_array_get(r, 0), "port"), "p10");

    r = tctl_result(tctl_run("fdb-stats", "b", NULL));
    CU_ASSERT_EQUAL(jint(r, "entries"), 4);
    CU_ASSERT_EQUAL(jint(r, "learned"), 4);
    CU_ASSERT_EQUAL(jint(r, "max"), 65536);
    CU_ASSERT_EQUAL(jint(r, "ageing"), 300);
    CU_ASSERT_PTR_NOT_NULL(json_object_get(r, "aged"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(r, "evicted"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(r, "moved"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(r, "full_drops"));
    TCTL_ASSERT_ERROR(tctl_run("fdb-stats", "b.10", NULL),
                      "fdb-stats: 'b.10' is VLAN 10 of bridge b; give the bridge itself");

    /* static entries */
    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("fdb-add", "b", "p10", "02:aa:00:00:00:01", NULL))));
    r = tctl_result(tctl_run("fdb-show", "b.10", NULL));
    e = find_named(r, "mac", "02:aa:00:00:00:01");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(jint(e, "vlan"), 10);  /* the access port's VLAN */
    CU_ASSERT_TRUE(jtrue(json_object_get(e, "static")));
    tctl_result(tctl_run("fdb-add", "b", "up0", "02:aa:00:00:00:02", "vlan=300", NULL));
    static const struct failing_run fdb_add_errors[] = {
        { { "fdb-add", "b", "p10", "02:aa:00:00:00:03", "vlan=11", NULL },
          "fdb-add: port p10 does not carry VLAN 11" },
        { { "fdb-add", "b", "p1", "01:00:5e:00:00:01", NULL },
          "fdb-add: 01:00:5e:00:00:01 is a multicast or zero address; a static "
          "entry needs a unicast one" },
        { { "fdb-add", "b", "p1", "02:00:00:00:00", NULL },
          "fdb-add: '02:00:00:00:00' is not a MAC address (aa:bb:cc:dd:ee:ff)" },
        { { "fdb-add", "b", "px", "02:00:00:00:00:01", NULL },
          "fdb-add: bridge b has no port named 'px'" },
        { { "fdb-add", "b.10", "p10", "02:00:00:00:00:01", "vlan=12", NULL },
          "fdb-add: vlan=12 contradicts the VLAN bridge's VLAN 10" },
    };
    assert_errors(fdb_add_errors, ARRAY_SIZE(fdb_add_errors));

    /* delete */
    r = tctl_result(tctl_run("fdb-del", "b", "02:00:00:00:00:05", NULL));   /* VLANs 10 and 20 */
    CU_ASSERT_EQUAL(jint(r, "deleted"), 2);
    TCTL_ASSERT_ERROR(tctl_run("fdb-del", "b", "02:00:00:00:00:05", NULL),
                      "fdb-del: no entry for 02:00:00:00:00:05");
    TCTL_ASSERT_ERROR(tctl_run("fdb-del", "b", "02:00:00:00:00:01", "vlan=7", NULL),
                      "fdb-del: no entry for 02:00:00:00:00:01 in VLAN 7");
    CU_ASSERT_EQUAL(jint(tctl_result(tctl_run("fdb-del", "b", "02:aa:00:00:00:02", "vlan=300",
                                              NULL)), "deleted"), 1);

    /* flush: dynamic only unless static=yes */
    learn(br, "p1", "02:00:00:00:00:02", 1);
    CU_ASSERT_EQUAL(jint(tctl_result(tctl_run("fdb-flush", "b", "port=p1", NULL)), "flushed"), 2);
    TCTL_ASSERT_ERROR(tctl_run("fdb-flush", "b", "port=zz", NULL),
                      "fdb-flush: bridge b has no port named 'zz'");
    TCTL_ASSERT_ERROR(tctl_run("fdb-flush", "b", "vlan=0", NULL),
                      "fdb-flush: vlan: '0' is not a VLAN (1..4094)");
    CU_ASSERT_EQUAL(jint(tctl_result(tctl_run("fdb-flush", "b", NULL)), "flushed"), 1);
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("fdb-show", "b", NULL))), 1);
    CU_ASSERT_EQUAL(jint(tctl_result(tctl_run("fdb-flush", "b.10", "static=yes", NULL)), "flushed"),
                    1);
    CU_ASSERT_EQUAL(json_array_size(tctl_result(tctl_run("fdb-show", "b", NULL))), 0);

    /* ageing */
    CU_ASSERT_TRUE(jnull(tctl_result(tctl_run("set-ageing", "b", "0", NULL))));
    CU_ASSERT_EQUAL(jint(tctl_result(tctl_run("fdb-stats", "b", NULL)), "ageing"), 0);
    CU_ASSERT_EQUAL(jint(show_bridge("b"), "ageing"), 0);
    TCTL_ASSERT_ERROR(tctl_run("set-ageing", "b", "abc", NULL),
                      "set-ageing: 'abc' is not a number of seconds (0..1000000)");
    TCTL_ASSERT_ERROR(tctl_run("set-ageing", "b", NULL),
                      "set-ageing: missing arguments (usage: set-ageing BR SECONDS)");
    tctl_result(tctl_run("set-ageing", "b", "60", NULL));
    CU_ASSERT_EQUAL(jint(tctl_result(tctl_run("fdb-stats", "b", NULL)), "ageing"), 60);

    /* port-stats: p1 received the broadcast, the others sent it */
    r = tctl_result(tctl_run("port-stats", NULL));
    CU_ASSERT_EQUAL(json_array_size(r), 4);
    r = tctl_result(tctl_run("port-stats", "b", "p1", NULL));
    CU_ASSERT_EQUAL_FATAL(json_array_size(r), 1);
    e = json_array_get(r, 0);
    CU_ASSERT_STRING_EQUAL(jstr(e, "bridge"), "b");
    CU_ASSERT_EQUAL(jint(e, "rx_packets"), 1);
    CU_ASSERT_EQUAL(jint(e, "rx_bytes"), 64);
    CU_ASSERT_EQUAL(json_object_size(json_object_get(e, "drops")), DROP_N_REASONS);
    e = json_array_get(tctl_result(tctl_run("port-stats", "b", "b", NULL)), 0);
    CU_ASSERT_EQUAL(jint(e, "tx_packets"), 1);   /* flooded to the host port */
    CU_ASSERT_EQUAL(jint(json_array_get(tctl_result(tctl_run("port-stats", "b", "p10", NULL)), 0),
                         "tx_packets"), 0);       /* other VLAN */
    TCTL_ASSERT_ERROR(tctl_run("port-stats", "b", "zz", NULL),
                      "port-stats: bridge b has no port named 'zz'");

    tctl_result(tctl_run("del-br", "b", NULL));
}

static void test_log_level(void)
{
    json_t *r = tctl_result(tctl_run("log-level", NULL));
    CU_ASSERT_EQUAL(json_object_size(r), XLOG_N_MODULES);
    CU_ASSERT_STRING_EQUAL(jstr(r, "fdb"), "err");

    r = tctl_result(tctl_run("log-level", "fdb", "debug", NULL));
    CU_ASSERT_STRING_EQUAL(jstr(r, "fdb"), "debug");
    CU_ASSERT_EQUAL(xlog_get_level(XLOG_MOD_FDB), XLOG_DBG);
    CU_ASSERT_STRING_EQUAL(jstr(r, "main"), "err");
    r = tctl_result(tctl_run("log-level", "all", "warn", NULL));
    CU_ASSERT_STRING_EQUAL(jstr(r, "fdb"), "warn");
    CU_ASSERT_STRING_EQUAL(jstr(r, "xenstore"), "warn");
    r = tctl_result(tctl_run("log-level", "info,ctl=debug", NULL));
    CU_ASSERT_STRING_EQUAL(jstr(r, "ctl"), "debug");
    CU_ASSERT_STRING_EQUAL(jstr(r, "main"), "info");

    static const struct failing_run log_level_errors[] = {
        { { "log-level", "disk", "debug", NULL },
          "log-level: 'disk' is not a module (main, config, ctl, bridge, fdb, "
          "uplink, hostport, netback, xenif, xenstore, all)" },
        { { "log-level", "fdb", "loud", NULL },
          "log-level: 'loud' is not a log level (err, warn, info, debug)" },
        { { "log-level", "fdb,ctl", "info", NULL },
          "log-level: 'fdb,ctl' is not a module" },
    };
    assert_errors(log_level_errors, ARRAY_SIZE(log_level_errors));
    CU_ASSERT_EQUAL(xlog_get_level(XLOG_MOD_FDB), XLOG_INFO);  /* unchanged */
    tctl_result(tctl_run("log-level", "err", NULL));
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "protocol", test_protocol },
        { "register", test_register },
        { "add-br/del-br", test_add_del_br },
        { "ports and VLAN bridges", test_ports },
        { "del-port of the uplink", test_del_uplink },
        { "fdb commands", test_fdb },
        { "log-level", test_log_level },
        { NULL, NULL },
    };

    return test_main_run("ctl", setup, teardown, cases);
}
