/* test-xs-keys: the backend key parsers (xenstore/keys.c), good and bad
 * inputs for each, and the text of their errors. */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "tests/unit/test-main.h"
#include "xenstore/keys.h"

static struct keys_err err;

/* The error names the key and quotes the value. */
static void
assert_err(int r, const char *key, const char *reason_part)
{
    char head[64];

    if (r != -EINVAL) {
        fprintf(stderr, "\n  %s: accepted, expected an error about \"%s\"\n", key,
                reason_part ? reason_part : "");
    }
    CU_ASSERT_EQUAL(r, -EINVAL);
    snprintf(head, sizeof head, "%s ", key);
    CU_ASSERT_EQUAL(strncmp(err.msg, head, strlen(head)), 0);
    if (reason_part && !strstr(err.msg, reason_part)) {
        fprintf(stderr, "\n  message \"%s\" lacks \"%s\"\n", err.msg, reason_part);
        CU_FAIL("reason missing from the error");
    }
}

static bool
vlan_in(const uint64_t *bm, unsigned vid)
{
    return bm[vid >> 6] >> (vid & 63) & 1;
}

static void
test_mac(void)
{
    uint8_t m[6];

    CU_ASSERT_EQUAL(keys_parse_mac("00:16:3e:0a:BB:ff", m, &err), 0);
    CU_ASSERT_EQUAL(m[0], 0x00);
    CU_ASSERT_EQUAL(m[3], 0x0a);
    CU_ASSERT_EQUAL(m[4], 0xbb);
    CU_ASSERT_EQUAL(m[5], 0xff);
    CU_ASSERT_EQUAL(keys_parse_mac("02:00:00:00:00:01", m, &err), 0);  /* local admin ok */
    assert_err(keys_parse_mac("01:00:5e:00:00:01", m, &err), "mac", "multicast");
    assert_err(keys_parse_mac("ff:ff:ff:ff:ff:ff", m, &err), "mac", "multicast");
    assert_err(keys_parse_mac("00:00:00:00:00:00", m, &err), "mac", "all-zero");
    assert_err(keys_parse_mac("00:16:3e:00:00", m, &err), "mac", "six hex bytes");
    assert_err(keys_parse_mac("00:16:3e:00:00:01:02", m, &err), "mac", NULL);
    assert_err(keys_parse_mac("00-16-3e-00-00-01", m, &err), "mac", NULL);
    assert_err(keys_parse_mac("0:16:3e:00:00:01", m, &err), "mac", NULL);
    assert_err(keys_parse_mac("00:16:3e:00:00:0g", m, &err), "mac", NULL);
    assert_err(keys_parse_mac("", m, &err), "mac", NULL);
    assert_err(keys_parse_mac(" 00:16:3e:00:00:01", m, &err), "mac", NULL);
    /* A hostile value is quoted sanitised and truncated. */
    assert_err(keys_parse_mac("\x1b[2J\"evil\"\n0123456789012345678901234567890123456789"
                              "0123456789", m, &err), "mac", "...");
    CU_ASSERT_PTR_NULL(strchr(err.msg, '\x1b'));
    CU_ASSERT_PTR_NULL(strchr(err.msg, '\n'));
}

static void
test_vlan(void)
{
    struct keys_vlan v;

    CU_ASSERT_EQUAL(keys_parse_vlan("10", &v, &err), 0);       /* single = PVID */
    CU_ASSERT_EQUAL(v.pvid, 10);
    CU_ASSERT_EQUAL(v.count, 1);
    CU_ASSERT_TRUE(vlan_in(v.untagged, 10));

    CU_ASSERT_EQUAL(keys_parse_vlan("10p/20", &v, &err), 0);
    CU_ASSERT_EQUAL(v.pvid, 10);
    CU_ASSERT_EQUAL(v.count, 2);
    CU_ASSERT_TRUE(vlan_in(v.member, 20));
    CU_ASSERT_FALSE(vlan_in(v.untagged, 20));

    CU_ASSERT_EQUAL(keys_parse_vlan("1p/10-15/20-25u", &v, &err), 0);
    CU_ASSERT_EQUAL(v.count, 13);
    CU_ASSERT_TRUE(vlan_in(v.member, 15));
    CU_ASSERT_FALSE(vlan_in(v.untagged, 15));
    CU_ASSERT_TRUE(vlan_in(v.untagged, 22));

    /* BASE+STEPxCOUNT: COUNT VLANs in all, as Xen's vif-bridge counts. */
    CU_ASSERT_EQUAL(keys_parse_vlan("10p/100+10x4", &v, &err), 0);
    CU_ASSERT_EQUAL(v.count, 5);
    CU_ASSERT_TRUE(vlan_in(v.member, 130));
    CU_ASSERT_FALSE(vlan_in(v.member, 140));
    CU_ASSERT_EQUAL(keys_parse_vlan("4094", &v, &err), 0);
    CU_ASSERT_EQUAL(keys_parse_vlan("1p/2-4094", &v, &err), 0);
    CU_ASSERT_EQUAL(v.count, 4094);

    assert_err(keys_parse_vlan("", &v, &err), "vlan", "empty");
    assert_err(keys_parse_vlan("0", &v, &err), "vlan", "not in 1..4094");
    assert_err(keys_parse_vlan("4095", &v, &err), "vlan", "4095");
    assert_err(keys_parse_vlan("99999999999999999999", &v, &err), "vlan", NULL);
    assert_err(keys_parse_vlan("10/20", &v, &err), "vlan", "no PVID");
    assert_err(keys_parse_vlan("10p/20p", &v, &err), "vlan", "more than one PVID (10 and 20)");
    assert_err(keys_parse_vlan("10p/10", &v, &err), "vlan", "more than once");
    assert_err(keys_parse_vlan("10p/5-12", &v, &err), "vlan", "more than once");
    assert_err(keys_parse_vlan("10p//20", &v, &err), "vlan", "empty term");
    assert_err(keys_parse_vlan("10p/", &v, &err), "vlan", "empty term");
    assert_err(keys_parse_vlan("20-10", &v, &err), "vlan", "reversed");
    assert_err(keys_parse_vlan("10-20p", &v, &err), "vlan", "range");
    assert_err(keys_parse_vlan("10x", &v, &err), "vlan", "bad term");
    assert_err(keys_parse_vlan("a", &v, &err), "vlan", NULL);
    assert_err(keys_parse_vlan("10 ", &v, &err), "vlan", NULL);
    assert_err(keys_parse_vlan("1p/100+0x2", &v, &err), "vlan", "more than once");
    assert_err(keys_parse_vlan("1p/100+10x0", &v, &err), "vlan", "count of 0");
    assert_err(keys_parse_vlan("1p/4000+100x2", &v, &err), "vlan", "4100");
    assert_err(keys_parse_vlan("1p/100+10", &v, &err), "vlan", "BASE+STEPxCOUNT");
    assert_err(keys_parse_vlan("1p/100+10x5000", &v, &err), "vlan", NULL);
}

static void
test_vlan_to_port(void)
{
    struct keys_vlan v;
    enum port_vlan_mode mode;
    uint16_t pvid;
    uint64_t allowed[VLAN_BITMAP_WORDS];

    CU_ASSERT_EQUAL(keys_parse_vlan("10", &v, &err), 0);
    CU_ASSERT_EQUAL(keys_vlan_to_port(&v, &mode, &pvid, allowed, &err), 0);
    CU_ASSERT_EQUAL(mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(pvid, 10);
    CU_ASSERT_EQUAL(keys_parse_vlan("10p/20/30", &v, &err), 0);
    CU_ASSERT_EQUAL(keys_vlan_to_port(&v, &mode, &pvid, allowed, &err), 0);
    CU_ASSERT_EQUAL(mode, PORT_VLAN_TRUNK);
    CU_ASSERT_EQUAL(pvid, 10);
    CU_ASSERT_TRUE(vlan_in(allowed, 30));
    CU_ASSERT_EQUAL(keys_parse_vlan("10p/20u", &v, &err), 0);
    CU_ASSERT_EQUAL(keys_vlan_to_port(&v, &mode, &pvid, allowed, &err), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "VLAN 20 is marked untagged"));
}

static void
test_bridge(void)
{
    struct keys_bridge b;

    CU_ASSERT_EQUAL(keys_parse_bridge("xenbr0", &b, &err), 0);
    CU_ASSERT_STRING_EQUAL(b.name, "xenbr0");
    CU_ASSERT_FALSE(b.has_vlan);
    CU_ASSERT_EQUAL(keys_parse_bridge("xenbr0.10", &b, &err), 0);
    CU_ASSERT_STRING_EQUAL(b.name, "xenbr0");
    CU_ASSERT_TRUE(b.has_vlan);
    CU_ASSERT_EQUAL(b.vlan.pvid, 10);
    CU_ASSERT_EQUAL(b.vlan.count, 1);
    CU_ASSERT_EQUAL(keys_parse_bridge("xenbr0.10:20:30", &b, &err), 0);
    CU_ASSERT_EQUAL(b.vlan.pvid, 10);
    CU_ASSERT_EQUAL(b.vlan.count, 3);
    CU_ASSERT_TRUE(vlan_in(b.vlan.member, 30));
    CU_ASSERT_FALSE(vlan_in(b.vlan.untagged, 20));
    CU_ASSERT_EQUAL(keys_parse_bridge("br-ex_1:20:30", &b, &err), 0);   /* pure trunk */
    CU_ASSERT_EQUAL(b.vlan.pvid, 0);
    CU_ASSERT_EQUAL(b.vlan.count, 2);
    CU_ASSERT_EQUAL(keys_parse_bridge("a23456789012345", &b, &err), 0);

    assert_err(keys_parse_bridge("", &b, &err), "bridge", "bridge name");
    assert_err(keys_parse_bridge("a234567890123456", &b, &err), "bridge", "longer than 15");
    assert_err(keys_parse_bridge("xenbr0.", &b, &err), "bridge", "after '.'");
    assert_err(keys_parse_bridge("xenbr0.0", &b, &err), "bridge", "not in 1..4094");
    assert_err(keys_parse_bridge("xenbr0.10:", &b, &err), "bridge", "after ':'");
    assert_err(keys_parse_bridge("xenbr0.10:10", &b, &err), "bridge", "more than once");
    assert_err(keys_parse_bridge("xenbr0.10.20", &b, &err), "bridge", "unexpected '.'");
    assert_err(keys_parse_bridge("xen br0", &b, &err), "bridge", "unexpected ' '");
    assert_err(keys_parse_bridge("../etc", &b, &err), "bridge", NULL);
    assert_err(keys_parse_bridge("xenbr0:5000", &b, &err), "bridge", "5000");
}

static void
test_rate(void)
{
    struct keys_rate r;

    CU_ASSERT_EQUAL(keys_parse_rate("62500,50000", &r, &err), 0);
    CU_ASSERT_EQUAL(r.bytes, 62500);
    CU_ASSERT_EQUAL(r.interval_us, 50000);
    CU_ASSERT_EQUAL(keys_parse_rate("18446744073709551615,4294967295", &r, &err), 0);
    assert_err(keys_parse_rate("0,50000", &r, &err), "rate", "zero bytes");
    assert_err(keys_parse_rate("100,0", &r, &err), "rate", "zero-length");
    assert_err(keys_parse_rate("100", &r, &err), "rate", "BYTES,MICROSECONDS");
    assert_err(keys_parse_rate("100,", &r, &err), "rate", NULL);
    assert_err(keys_parse_rate(",100", &r, &err), "rate", NULL);
    assert_err(keys_parse_rate("100,50000x", &r, &err), "rate", NULL);
    assert_err(keys_parse_rate("-1,50000", &r, &err), "rate", NULL);
    assert_err(keys_parse_rate("100,4294967296", &r, &err), "rate", NULL);
    assert_err(keys_parse_rate("18446744073709551616,1", &r, &err), "rate", NULL);

    /* xl syntax, with libxlutil's arithmetic. */
    CU_ASSERT_EQUAL(keys_parse_rate_xl("10Mb/s", &r, &err), 0);
    CU_ASSERT_EQUAL(r.bytes, 62500);                /* 1.25 MB/s * 50 ms */
    CU_ASSERT_EQUAL(r.interval_us, 50000);
    CU_ASSERT_EQUAL(keys_parse_rate_xl("1MB/s@20ms", &r, &err), 0);
    CU_ASSERT_EQUAL(r.bytes, 20000);
    CU_ASSERT_EQUAL(r.interval_us, 20000);
    CU_ASSERT_EQUAL(keys_parse_rate_xl("100KB/s@1s", &r, &err), 0);
    CU_ASSERT_EQUAL(r.bytes, 100000);
    CU_ASSERT_EQUAL(keys_parse_rate_xl("8Gb/s@500us", &r, &err), 0);
    CU_ASSERT_EQUAL(r.bytes, 500000);
    CU_ASSERT_EQUAL(keys_parse_rate_xl("1000B/s@2", &r, &err), 0);
    CU_ASSERT_EQUAL(r.interval_us, 2000000);
    assert_err(keys_parse_rate_xl("10Mb", &r, &err), "rate", "unit");
    assert_err(keys_parse_rate_xl("0Mb/s", &r, &err), "rate", NULL);
    assert_err(keys_parse_rate_xl("10Tb/s", &r, &err), "rate", "unit");
    assert_err(keys_parse_rate_xl("10Mb/s@", &r, &err), "rate", "interval");
    assert_err(keys_parse_rate_xl("10Mb/s@5ks", &r, &err), "rate", "interval");
    assert_err(keys_parse_rate_xl("10Mb/s@5000s", &r, &err), "rate", "interval");
    assert_err(keys_parse_rate_xl("1B/s@1ms", &r, &err), "rate", "less than one byte");
    assert_err(keys_parse_rate_xl("4294967295GB/s@4294967295us", &r, &err), "rate", "overflow");
}

static void
test_small_keys(void)
{
    unsigned u;
    bool b;
    char name[KEYS_NAME_MAX + 1];
    enum keys_vif_type t;

    CU_ASSERT_EQUAL(keys_parse_mtu("1500", &u, &err), 0);
    CU_ASSERT_EQUAL(u, 1500);
    CU_ASSERT_EQUAL(keys_parse_mtu("68", &u, &err), 0);
    CU_ASSERT_EQUAL(keys_parse_mtu("65535", &u, &err), 0);
    assert_err(keys_parse_mtu("67", &u, &err), "mtu", "68 to 65535");
    assert_err(keys_parse_mtu("65536", &u, &err), "mtu", NULL);
    assert_err(keys_parse_mtu("1500 ", &u, &err), "mtu", NULL);
    assert_err(keys_parse_mtu("+1500", &u, &err), "mtu", NULL);

    CU_ASSERT_EQUAL(keys_parse_vifname("vif5.0", name, &err), 0);
    CU_ASSERT_EQUAL(keys_parse_vifname("web-frontend_01", name, &err), 0);
    CU_ASSERT_STRING_EQUAL(name, "web-frontend_01");
    assert_err(keys_parse_vifname("web-frontend_012", name, &err), "vifname", "1 to 15");
    assert_err(keys_parse_vifname("", name, &err), "vifname", NULL);
    assert_err(keys_parse_vifname("..", name, &err), "vifname", NULL);
    assert_err(keys_parse_vifname("a/b", name, &err), "vifname", "character 2");
    assert_err(keys_parse_vifname("a b", name, &err), "vifname", NULL);
    assert_err(keys_parse_vifname("eth0:1", name, &err), "vifname", NULL);
    assert_err(keys_parse_vifname("caf\xc3\xa9", name, &err), "vifname", NULL);

    CU_ASSERT_EQUAL(keys_parse_type("vif", &t, &err), 0);
    CU_ASSERT_EQUAL(t, KEYS_TYPE_VIF);
    CU_ASSERT_EQUAL(keys_parse_type("vif_ioemu", &t, &err), 0);
    CU_ASSERT_EQUAL(t, KEYS_TYPE_VIF_IOEMU);
    assert_err(keys_parse_type("ioemu", &t, &err), "type", "vif or vif_ioemu");

    CU_ASSERT_EQUAL(keys_parse_handle("0", &u, &err), 0);
    CU_ASSERT_EQUAL(keys_parse_handle("65535", &u, &err), 0);
    assert_err(keys_parse_handle("65536", &u, &err), "handle", NULL);
    assert_err(keys_parse_handle("-1", &u, &err), "handle", NULL);
    CU_ASSERT_EQUAL(keys_parse_domid("frontend-id", "32751", &u, &err), 0);
    assert_err(keys_parse_domid("frontend-id", "32752", &u, &err), "frontend-id", NULL);

    CU_ASSERT_EQUAL(keys_parse_online("1", &b, &err), 0);
    CU_ASSERT_TRUE(b);
    CU_ASSERT_EQUAL(keys_parse_online("0", &b, &err), 0);
    CU_ASSERT_FALSE(b);
    assert_err(keys_parse_online("2", &b, &err), "online", "0 or 1");
    assert_err(keys_parse_online("", &b, &err), "online", NULL);

    CU_ASSERT_EQUAL(keys_parse_switch("promiscuous", "on", &b, &err), 0);
    CU_ASSERT_TRUE(b);
    CU_ASSERT_EQUAL(keys_parse_switch("promiscuous", "REJECT", &b, &err), 0);
    CU_ASSERT_FALSE(b);
    CU_ASSERT_EQUAL(keys_parse_switch("mac-changes", "1", &b, &err), 0);
    CU_ASSERT_TRUE(b);
    assert_err(keys_parse_switch("forged-transmits", "maybe", &b, &err), "forged-transmits",
               "accept or reject");

    CU_ASSERT_EQUAL(keys_parse_state("state", "4", &u, &err), 0);
    CU_ASSERT_EQUAL(u, 4);
    assert_err(keys_parse_state("state", "9", &u, &err), "state", NULL);
}

static void
test_ip(void)
{
    struct keys_ip ip;
    char many[16 * 17 + 20] = "";

    CU_ASSERT_EQUAL(keys_parse_ip("192.0.2.1", &ip, &err), 0);
    CU_ASSERT_EQUAL(ip.n4, 1);
    CU_ASSERT_EQUAL(ip.v4[0], htonl(0xc0000201));
    CU_ASSERT_EQUAL(keys_parse_ip("  192.0.2.1 2001:db8::1\t198.51.100.7 ", &ip, &err), 0);
    CU_ASSERT_EQUAL(ip.n4, 2);
    CU_ASSERT_EQUAL(ip.n6, 1);
    CU_ASSERT_EQUAL(ip.v6[0][0], 0x20);
    CU_ASSERT_EQUAL(ip.v6[0][15], 1);
    CU_ASSERT_EQUAL(keys_parse_ip("", &ip, &err), 0);
    CU_ASSERT_EQUAL(ip.n4 + ip.n6, 0);
    assert_err(keys_parse_ip("192.0.2.256", &ip, &err), "ip", "not an IPv4 or IPv6");
    assert_err(keys_parse_ip("192.0.2.0/24", &ip, &err), "ip", "192.0.2.0/24");
    assert_err(keys_parse_ip("192.0.2.1,192.0.2.2", &ip, &err), "ip", NULL);
    assert_err(keys_parse_ip("example.com", &ip, &err), "ip", NULL);
    assert_err(keys_parse_ip("1111:2222:3333:4444:5555:6666:7777:8888:9999", &ip, &err),
               "ip", NULL);
    for (int i = 0; i < 17; i++) {
        char a[20];
        snprintf(a, sizeof a, "10.0.0.%d ", i + 1);
        strcat(many, a);
    }
    assert_err(keys_parse_ip(many, &ip, &err), "ip", "more than 16");
}

static void
test_vif(void)
{
    struct keys_vif v;

    keys_vif_init(&v);
    CU_ASSERT_TRUE(v.forged_transmits);
    CU_ASSERT_FALSE(v.promiscuous);
    CU_ASSERT_EQUAL(keys_vif_set(&v, "mac", "00:16:3e:00:00:01", &err), 0);
    CU_ASSERT_EQUAL(keys_vif_set(&v, "bridge", "xenbr0.10", &err), 0);
    CU_ASSERT_EQUAL(keys_vif_set(&v, "frontend", "/local/domain/1/device/vif/0", &err), 1);
    CU_ASSERT_EQUAL(keys_vif_set(&v, "forged-transmits", "reject", &err), 0);
    CU_ASSERT_FALSE(v.forged_transmits);
    CU_ASSERT_TRUE(v.set & (1u << KEY_MAC));
    CU_ASSERT_EQUAL(keys_vif_finish(&v, &err), 0);
    CU_ASSERT_EQUAL(v.vlan.pvid, 10);
    assert_err(keys_vif_set(&v, "mtu", "10", &err), "mtu", NULL);
    CU_ASSERT_FALSE(v.set & (1u << KEY_MTU));

    CU_ASSERT_EQUAL(keys_vif_set(&v, "vlan", "20", &err), 0);
    CU_ASSERT_EQUAL(keys_vif_finish(&v, &err), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "use one of them"));
    CU_ASSERT_STRING_EQUAL(keys_vif_key_name(KEY_MAC_CHANGES), "mac-changes");
    CU_ASSERT_PTR_NULL(keys_vif_key_name(KEY_N));
}

/* router-advertisements and dhcp-server: unset = auto, accept = guard
 * off, reject = guard on; a bad value names the key. */
static void
test_guards(void)
{
    static const enum keys_vif_key keys[] = { KEY_ROUTER_ADVERTISEMENTS, KEY_DHCP_SERVER };
    struct keys_vif v;

    CU_ASSERT_STRING_EQUAL(keys_vif_key_name(KEY_ROUTER_ADVERTISEMENTS),
                           "router-advertisements");
    CU_ASSERT_STRING_EQUAL(keys_vif_key_name(KEY_DHCP_SERVER), "dhcp-server");
    for (unsigned i = 0; i < 2; i++) {
        const char *name = keys_vif_key_name(keys[i]);

        keys_vif_init(&v);
        CU_ASSERT_EQUAL(keys_vif_guard(&v, keys[i]), PORT_GUARD_AUTO);
        CU_ASSERT_EQUAL(keys_vif_set(&v, name, "accept", &err), 0);
        CU_ASSERT_EQUAL(keys_vif_guard(&v, keys[i]), PORT_GUARD_OFF);
        CU_ASSERT_EQUAL(keys_vif_guard(&v, keys[1 - i]), PORT_GUARD_AUTO);
        CU_ASSERT_EQUAL(keys_vif_set(&v, name, "reject", &err), 0);
        CU_ASSERT_EQUAL(keys_vif_guard(&v, keys[i]), PORT_GUARD_ON);
        CU_ASSERT_EQUAL(keys_vif_set(&v, name, "Off", &err), 0);
        CU_ASSERT_EQUAL(keys_vif_guard(&v, keys[i]), PORT_GUARD_ON);
        keys_vif_init(&v);
        assert_err(keys_vif_set(&v, name, "router", &err), name, "expected accept or reject");
        CU_ASSERT_EQUAL(keys_vif_guard(&v, keys[i]), PORT_GUARD_AUTO);
    }
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "mac", test_mac },
        { "router-advertisements, dhcp-server", test_guards },
        { "vlan", test_vlan },
        { "vlan to port", test_vlan_to_port },
        { "bridge", test_bridge },
        { "rate", test_rate },
        { "mtu/vifname/type/handle/online/switches", test_small_keys },
        { "ip", test_ip },
        { "vif", test_vif },
        { NULL, NULL },
    };

    return test_main_run("xenstore keys", NULL, NULL, cases);
}
