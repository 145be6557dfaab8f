/* Unit tests of the xenstore module's xenbus ops (daemon/xvsd_xenbus.c):
 * keys -> port settings, attach / detach without freeing, live updates
 * (VLANs, bridge moves, renames, policy, rate), name clashes, HVM emulated
 * NICs (fake taps: policy, following the vif, device gone), connect over
 * the simulated hypervisor with an in-process sim guest.  No xenstore (the
 * xenbus side has its own tests); bridges have fake host ports. */
#include <config.h>

#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/brmgr.h"
#include "daemon/conf.h"
#include "daemon/ctl.h"
#include "daemon/modules.h"
#include "daemon/xvsd_netback.h"
#include "daemon/xvsd_xenbus.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "netback/vif.h"
#include "switch/bridge.h"
#include "switch/fdb.h"
#include "tests/sim/simfront.h"
#include "tests/unit/test-ctl-fake.h"
#include "tests/unit/test-main.h"
#include "xenstore/keys.h"
#include "xenstore/xenbus.h"

static char dir[64];
static struct conf *conf;
static struct evloop *loop;
static struct nf *guest;
static struct vif_frontend guest_fe;
static const struct xenbus_ops *ops;
static char err[XENBUS_ERR_MAX];

/* KEY, VALUE pairs up to a NULL key -> a finished keys_vif. */
static struct keys_vif cfg_of(const char *const kv[][2])
{
    struct keys_vif c;
    struct keys_err kerr;

    keys_vif_init(&c);
    for (unsigned i = 0; kv[i][0]; i++) {
        int r = keys_vif_set(&c, kv[i][0], kv[i][1], &kerr);
        if (r)
            fprintf(stderr, "\n  %s=%s: %s\n", kv[i][0], kv[i][1], kerr.msg);
        CU_ASSERT_EQUAL(r, 0);
    }
    CU_ASSERT_EQUAL(keys_vif_finish(&c, &kerr), 0);
    return c;
}

static struct xenbus_vif_id id_of(unsigned domid, unsigned devid, const char *name)
{
    return (struct xenbus_vif_id){ domid, devid, "backend/vif/D/N", "/local/domain/D/device/vif/N",
                                   name };
}

static struct port *port_of(const char *name, struct bridge **br)
{
    return xvsd_port_find(name, br);
}

#define ASSERT_ERR(want) do {                                               \
        if (strcmp(err, want))                                              \
            fprintf(stderr, "\n  want: %s\n  got:  %s\n", want, err);       \
        CU_ASSERT_STRING_EQUAL(err, want);                                  \
    } while (0)

static int setup(void)
{
    struct conf_bridge b0 = { .name = "br0", .host_port = true, .ageing_s = 300,
                              .fdb_max = 1000 };
    struct conf_bridge b1 = { .name = "br1", .host_port = true, .ageing_s = 300,
                              .fdb_max = 1000 };
    struct nf_options o = { .domid = 1 };
    char why[256];

    xlog_init(XLOG_TO_STDERR, XLOG_ERR);
    snprintf(dir, sizeof dir, "/tmp/xvs-test-xvsd-xenbus.XXXXXX");
    if (!mkdtemp(dir) || !(conf = conf_default()) || !(loop = evloop_create()))
        return 1;
    brmgr_init(loop, &fake_factory);
    if (brmgr_add_bridge(&b0, BRMGR_RUNTIME, false, why, sizeof why)
        || brmgr_add_bridge(&b1, BRMGR_RUNTIME, false, why, sizeof why))
        return 1;
    conf->xen.xenif = CONF_XENIF_SIM;
    snprintf(conf->xen.sim_dir, sizeof conf->xen.sim_dir, "%s", dir);
    modules_set_conf(conf);
    if (xvsd_netback_start(loop, why, sizeof why) || !xvsd_netback())
        return 1;
    o.dir = dir;
    vif_frontend_linux_defaults(&o.features);
    if (!(guest = nf_create(&o, why, sizeof why)))
        return 1;
    if (nf_publish(guest, &guest_fe))
        return 1;
    ops = xvsd_xenbus_ops();
    return 0;
}

static int teardown(void)
{
    char cmd[128];

    xvsd_netback_stop();
    brmgr_destroy_all();
    ctl_unregister_all();
    nf_destroy(guest);
    evloop_destroy(loop);
    conf_free(conf);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) != 0 || fake_live != 0;
}

/* xenbus writes what ops->feature_at gives (tests/sim/xenstored-xenbus-test
 * checks that on xenstore): it must be netback's own list, in full. */
static void test_features(void)
{
    const char *key, *value, *nkey, *nvalue;
    unsigned i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ops->feature_at);
    for (i = 0; ops->feature_at(NULL, i, &key, &value); i++) {
        CU_ASSERT_TRUE_FATAL(vif_feature_at(i, &nkey, &nvalue));
        CU_ASSERT_STRING_EQUAL(key, nkey);
        CU_ASSERT_STRING_EQUAL(value, nvalue);
    }
    CU_ASSERT_FALSE(vif_feature_at(i, &nkey, &nvalue));
    CU_ASSERT(i > 0 && i <= XENBUS_FEATURES_MAX);
}

static void test_create_attach(void)
{
    static const char *const kv[][2] = {
        { "mac", "00:16:3e:00:00:01" }, { "bridge", "br0.10" }, { "promiscuous", "on" },
        { "forged-transmits", "reject" }, { "ip", "10.0.0.1 10.0.0.2 fe80::1" },
        { "rate", "125000,50000" }, { "mtu", "9000" }, { NULL, NULL },
    };
    struct keys_vif c = cfg_of(kv);
    struct xenbus_vif_id id = id_of(1, 0, "vif1.0");
    struct bridge *br;
    uint64_t bytes, usecs;
    void *h = ops->create(NULL, &id, &c, err, sizeof err);

    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_PTR_NULL(port_of("vif1.0", NULL));          /* not on a bridge yet */
    /* The name is taken even off-bridge. */
    CU_ASSERT_PTR_NULL(ops->create(NULL, &id, &c, err, sizeof err));
    ASSERT_ERR("port name vif1.0: already the name of vif 1.0");

    CU_ASSERT_EQUAL_FATAL(ops->attach(NULL, h, &c, err, sizeof err), 0);
    struct port *p = port_of("vif1.0", &br);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(bridge_name(br), "br0");
    CU_ASSERT_EQUAL(p->vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(p->pvid, 10);
    CU_ASSERT_TRUE(p->promiscuous);
    CU_ASSERT_TRUE(p->mac_locked);
    CU_ASSERT_EQUAL(memcmp(p->mac, (uint8_t[6]){ 0, 0x16, 0x3e, 0, 0, 1 }, 6), 0);
    CU_ASSERT_EQUAL(p->n_ips, 2);                          /* per family */
    CU_ASSERT_EQUAL(p->ips[0], htonl(0x0a000001));
    CU_ASSERT_EQUAL(p->ips[1], htonl(0x0a000002));
    CU_ASSERT_EQUAL(p->n_ip6s, 1);
    CU_ASSERT_EQUAL(memcmp(p->ip6s[0], (uint8_t[16]){ 0xfe, 0x80, [15] = 1 }, 16), 0);
    vif_get_rate(vif_from_port(p), &bytes, &usecs);
    CU_ASSERT_EQUAL(bytes, 125000);
    CU_ASSERT_EQUAL(usecs, 50000);
    CU_ASSERT_FALSE(p->link_up);                           /* not connected */
    /* Attaching again is a no-op. */
    CU_ASSERT_EQUAL(ops->attach(NULL, h, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(bridge_n_ports(br), 2);

    /* A port name of another bridge (its host port), from vifname. */
    static const char *const kv_clash[][2] = {
        { "mac", "00:16:3e:00:00:02" }, { "bridge", "br0" }, { "vifname", "br1" }, { NULL, NULL },
    };
    c = cfg_of(kv_clash);
    id = id_of(2, 0, "br1");
    CU_ASSERT_PTR_NULL(ops->create(NULL, &id, &c, err, sizeof err));
    ASSERT_ERR("vifname br1: already the name of port br1 of bridge br1");

    /* A missing bridge: the vif stays, off any bridge. */
    static const char *const kv_nobr[][2] = {
        { "mac", "00:16:3e:00:00:03" }, { "bridge", "xenbr9" }, { NULL, NULL },
    };
    c = cfg_of(kv_nobr);
    id = id_of(3, 0, "vif3.0");
    void *h3 = ops->create(NULL, &id, &c, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h3);
    CU_ASSERT_EQUAL(ops->attach(NULL, h3, &c, err, sizeof err), -ENODEV);
    ASSERT_ERR("bridge xenbr9: no such bridge");
    CU_ASSERT_PTR_NULL(port_of("vif3.0", NULL));
    ops->destroy(NULL, h3);

    ops->detach(NULL, h);
    ops->destroy(NULL, h);
    CU_ASSERT_PTR_NULL(port_of("vif1.0", NULL));
    CU_ASSERT_EQUAL(bridge_n_ports(br), 1);
}

static void test_update(void)
{
    static const char *const kv[][2] = {
        { "mac", "00:16:3e:00:00:01" }, { "bridge", "br0" }, { "rate", "1000,1000" },
        { "mac-changes", "reject" }, { NULL, NULL },
    };
    struct keys_vif c = cfg_of(kv);
    struct xenbus_vif_id id = id_of(1, 0, "vif1.0");
    struct bridge *br;
    uint64_t bytes, usecs;
    uint8_t mac_x[6] = { 0, 0x16, 0x3e, 9, 9, 9 };
    void *h = ops->create(NULL, &id, &c, err, sizeof err);

    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL_FATAL(ops->attach(NULL, h, &c, err, sizeof err), 0);
    struct port *p = port_of("vif1.0", &br);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(p->pvid, 1);                           /* untagged: VLAN 1 */
    CU_ASSERT_TRUE(p->mac_locked);
    CU_ASSERT_EQUAL(p->ra_guard, PORT_GUARD_AUTO);         /* on: MAC locked */
    CU_ASSERT_EQUAL(p->dhcp_guard, PORT_GUARD_AUTO);

    /* A router guest: RAs allowed, DHCP servers refused even unlocked. */
    static const char *const kv_router[][2] = {
        { "mac", "00:16:3e:00:00:01" }, { "bridge", "br0" }, { "rate", "1000,1000" },
        { "mac-changes", "reject" }, { "router-advertisements", "accept" },
        { "dhcp-server", "reject" }, { NULL, NULL },
    };
    c = cfg_of(kv_router);
    CU_ASSERT_EQUAL(ops->update(NULL, h, &c, 1u << KEY_ROUTER_ADVERTISEMENTS
                                | 1u << KEY_DHCP_SERVER, err, sizeof err), 0);
    CU_ASSERT_EQUAL(p->ra_guard, PORT_GUARD_OFF);
    CU_ASSERT_EQUAL(p->dhcp_guard, PORT_GUARD_ON);

    /* VLAN change: a trunk; entries learned on the old VLAN are flushed. */
    fdb_learn(bridge_fdb(br), mac_x, 1, p);
    CU_ASSERT_PTR_EQUAL(fdb_lookup(bridge_fdb(br), mac_x, 1), p);
    static const char *const kv_trunk[][2] = {
        { "mac", "00:16:3e:00:00:01" }, { "bridge", "br0" }, { "rate", "1000,1000" },
        { "vlan", "10p/20/30-32" }, { NULL, NULL },
    };
    c = cfg_of(kv_trunk);
    CU_ASSERT_EQUAL(ops->update(NULL, h, &c, 1u << KEY_VLAN | 1u << KEY_MAC_CHANGES, err,
                                sizeof err), 0);
    CU_ASSERT_EQUAL(p->vlan_mode, PORT_VLAN_TRUNK);
    CU_ASSERT_EQUAL(p->pvid, 10);
    CU_ASSERT_TRUE(port_vlan_allowed(p, 20) && port_vlan_allowed(p, 31) && port_vlan_allowed(p, 10));
    CU_ASSERT_FALSE(port_vlan_allowed(p, 1) || port_vlan_allowed(p, 21));
    CU_ASSERT_FALSE(p->mac_locked);
    CU_ASSERT_EQUAL(p->ra_guard, PORT_GUARD_AUTO);         /* keys removed */
    CU_ASSERT_EQUAL(p->dhcp_guard, PORT_GUARD_AUTO);
    CU_ASSERT_PTR_NULL(fdb_lookup(bridge_fdb(br), mac_x, 1));

    /* Bridge move with a rename and the rate removed. */
    static const char *const kv_move[][2] = {
        { "mac", "00:16:3e:00:00:01" }, { "bridge", "br1:20" }, { "vifname", "guest1" },
        { NULL, NULL },
    };
    c = cfg_of(kv_move);
    CU_ASSERT_EQUAL(ops->update(NULL, h, &c, 1u << KEY_BRIDGE | 1u << KEY_VIFNAME
                                | 1u << KEY_RATE, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(port_of("vif1.0", NULL));
    CU_ASSERT_PTR_EQUAL(port_of("guest1", &br), p);
    CU_ASSERT_STRING_EQUAL(bridge_name(br), "br1");
    CU_ASSERT_PTR_NULL(bridge_find_port(bridge_lookup("br0"), "guest1"));
    CU_ASSERT_EQUAL(p->vlan_mode, PORT_VLAN_TRUNK);        /* B:20 is a pure trunk */
    CU_ASSERT_EQUAL(p->pvid, 0);
    vif_get_rate(vif_from_port(p), &bytes, &usecs);
    CU_ASSERT_EQUAL(bytes, 0);

    /* Moving to a bridge that does not exist fails, naming it. */
    static const char *const kv_nobr[][2] = {
        { "mac", "00:16:3e:00:00:01" }, { "bridge", "nosuch" }, { "vifname", "guest1" },
        { NULL, NULL },
    };
    c = cfg_of(kv_nobr);
    CU_ASSERT_EQUAL(ops->update(NULL, h, &c, 1u << KEY_BRIDGE, err, sizeof err), -ENODEV);
    ASSERT_ERR("bridge nosuch: no such bridge");

    /* Off its bridge, updates still apply (and attach uses them). */
    ops->detach(NULL, h);
    CU_ASSERT_PTR_NULL(p->bridge);
    CU_ASSERT_EQUAL(ops->update(NULL, h, &c, 1u << KEY_BRIDGE, err, sizeof err), 0);
    c = cfg_of(kv);
    CU_ASSERT_EQUAL(ops->update(NULL, h, &c, 1u << KEY_BRIDGE | 1u << KEY_VIFNAME, err,
                                sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(p->name, "vif1.0");
    CU_ASSERT_PTR_NULL(p->bridge);
    CU_ASSERT_EQUAL(ops->attach(NULL, h, &c, err, sizeof err), 0);
    CU_ASSERT_PTR_EQUAL(port_of("vif1.0", &br), p);
    CU_ASSERT_STRING_EQUAL(bridge_name(br), "br0");
    ops->detach(NULL, h);
    ops->destroy(NULL, h);
}

/* HVM emulated NICs: fake taps (null ports of kind "tap") from a factory
 * that records the gone callback, so the test can pull the device. */
static const struct port_ops tap_ops = { "tap", NULL, NULL, NULL };
static int taps_live;
static void (*tap_gone_cb)(void *, struct port *);
static void *tap_gone_arg;

static void fake_tap_output(struct port *p, struct frame **f, const uint16_t *tci, unsigned n)
{
    (void)p; (void)f; (void)tci; (void)n;
}

static void fake_tap_destroy(struct port *p)
{
    taps_live--;
    free(p);
}

static int fake_tap(struct evloop *l, const char *ifname, const char *owner,
                    const uint8_t mac[6], void (*gone)(void *, struct port *), void *arg,
                    struct port **out, char *e, size_t n)
{
    static struct port_ops o;
    struct port *p;

    (void)l; (void)owner; (void)mac;
    if (!strncmp(ifname, "bad", 3)) {
        snprintf(e, n, "tap %s: no such device", ifname);
        return -ENODEV;
    }
    o = tap_ops;
    o.output = fake_tap_output;
    o.destroy = fake_tap_destroy;
    if (!(p = calloc(1, sizeof *p)))
        return -ENOMEM;
    port_init(p, ifname, &o);
    tap_gone_cb = gone;
    tap_gone_arg = arg;
    taps_live++;
    *out = p;
    return 0;
}

static void test_tap(void)
{
    static const char *const kv[][2] = {
        { "mac", "00:16:3e:00:00:07" }, { "bridge", "br0.10" }, { "type", "vif_ioemu" },
        { "forged-transmits", "reject" }, { "ip", "10.0.0.7" }, { NULL, NULL },
    };
    static const char *const kv_br1[][2] = {
        { "mac", "00:16:3e:00:00:07" }, { "bridge", "br1" }, { "type", "vif_ioemu" },
        { "vlan", "20" }, { NULL, NULL },
    };
    struct brmgr_factory f = fake_factory;
    struct keys_vif c = cfg_of(kv);
    struct xenbus_vif_id id = id_of(7, 0, "vif7.0");
    struct bridge *br;
    struct port *t, *p;
    void *h;

    /* Without a tap maker (unit tests' default), refused with a reason. */
    h = ops->create(NULL, &id, &c, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(ops->attach(NULL, h, &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(ops->tap_attach(NULL, h, "vif7.0-emu", &c, err, sizeof err), -EOPNOTSUPP);
    ASSERT_ERR("tap vif7.0-emu: emulated NICs are not supported by this xvsd");

    f.tap_create = fake_tap;
    brmgr_init(loop, &f);
    CU_ASSERT_EQUAL(ops->tap_attach(NULL, h, "bad7", &c, err, sizeof err), -ENODEV);
    ASSERT_ERR("tap bad7: no such device");
    CU_ASSERT_EQUAL(ops->tap_attach(NULL, h, "br1", &c, err, sizeof err), -EEXIST);
    ASSERT_ERR("tap br1: already port br1 of bridge br1");
    CU_ASSERT_EQUAL(ops->tap_attach(NULL, h, "vif7.0", &c, err, sizeof err), -EEXIST);
    CU_ASSERT_EQUAL(taps_live, 0);

    /* On the vif's bridge with the vif's policy. */
    CU_ASSERT_EQUAL_FATAL(ops->tap_attach(NULL, h, "vif7.0-emu", &c, err, sizeof err), 0);
    t = port_of("vif7.0-emu", &br);
    p = port_of("vif7.0", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_STRING_EQUAL(bridge_name(br), "br0");
    CU_ASSERT_EQUAL(t->vlan_mode, PORT_VLAN_ACCESS);
    CU_ASSERT_EQUAL(t->pvid, 10);
    CU_ASSERT_TRUE(t->mac_locked);
    CU_ASSERT_EQUAL(memcmp(t->mac, p->mac, 6), 0);
    CU_ASSERT_EQUAL(t->n_ips, 1);
    CU_ASSERT_EQUAL(t->ips[0], inet_addr("10.0.0.7"));
    /* Again (adoption after a restart): the same port. */
    CU_ASSERT_EQUAL(ops->tap_attach(NULL, h, "vif7.0-emu", &c, err, sizeof err), 0);
    CU_ASSERT_PTR_EQUAL(port_of("vif7.0-emu", NULL), t);
    CU_ASSERT_EQUAL(taps_live, 1);
    /* Its name is taken for other vifs and their taps. */
    struct xenbus_vif_id id8 = id_of(8, 0, "vif7.0-emu");
    CU_ASSERT_PTR_NULL(ops->create(NULL, &id8, &c, err, sizeof err));

    /* Live keys: both move to br1, VLAN 20, unlocked, any source. */
    c = cfg_of(kv_br1);
    CU_ASSERT_EQUAL(ops->update(NULL, h, &c, 1u << KEY_BRIDGE | 1u << KEY_VLAN
                                | 1u << KEY_FORGED_TRANSMITS | 1u << KEY_IP, err,
                                sizeof err), 0);
    CU_ASSERT_PTR_EQUAL(port_of("vif7.0-emu", &br), t);
    CU_ASSERT_STRING_EQUAL(bridge_name(br), "br1");
    CU_ASSERT_EQUAL(t->pvid, 20);
    CU_ASSERT_FALSE(t->mac_locked);
    CU_ASSERT_EQUAL(t->n_ips, 0);

    /* Follows the vif off its bridge and back. */
    ops->detach(NULL, h);
    CU_ASSERT_PTR_NULL(t->bridge);
    CU_ASSERT_EQUAL(taps_live, 1);
    CU_ASSERT_EQUAL(ops->attach(NULL, h, &c, err, sizeof err), 0);
    CU_ASSERT_PTR_EQUAL(port_of("vif7.0-emu", NULL), t);

    /* The device goes: the port goes, the vif stays. */
    tap_gone_cb(tap_gone_arg, t);
    CU_ASSERT_EQUAL(taps_live, 0);
    CU_ASSERT_PTR_NULL(port_of("vif7.0-emu", NULL));
    CU_ASSERT_PTR_NOT_NULL(port_of("vif7.0", NULL));
    ops->tap_detach(NULL, h, "vif7.0-emu");             /* libxl's remove: nothing left */

    /* tap_detach, whatever name it gives, and the vif's removal free it. */
    CU_ASSERT_EQUAL(ops->tap_attach(NULL, h, "vif7.0-emu", &c, err, sizeof err), 0);
    ops->tap_detach(NULL, h, "other-emu");
    CU_ASSERT_EQUAL(taps_live, 0);
    CU_ASSERT_EQUAL(ops->tap_attach(NULL, h, "vif7.0-emu", &c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(taps_live, 1);
    ops->detach(NULL, h);
    ops->destroy(NULL, h);
    CU_ASSERT_EQUAL(taps_live, 0);
    CU_ASSERT_PTR_NULL(port_of("vif7.0-emu", NULL));
    brmgr_init(loop, &fake_factory);
}

/* Connect with the guest's rings; detach keeps the vif (and its
 * connection); destroy frees it. */
static void test_connect_detach(void)
{
    static const char *const kv[][2] = {
        { "mac", "00:16:3e:5c:00:01" }, { "bridge", "br0" }, { NULL, NULL },
    };
    struct keys_vif c = cfg_of(kv);
    struct xenbus_vif_id id = id_of(1, 0, "vif1.0");
    struct xenbus_rings r = {
        .tx_ring_ref = guest_fe.tx_ring_ref, .rx_ring_ref = guest_fe.rx_ring_ref,
        .evtchn_tx = guest_fe.evtchn_tx, .evtchn_rx = guest_fe.evtchn_rx,
        .rx_copy = true, .rx_notify = true, .sg = true, .gso_tcpv4 = true,
        .ipv6_csum_offload = true, .no_csum_offload = true,
    };
    void *h = ops->create(NULL, &id, &c, err, sizeof err);

    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL_FATAL(ops->attach(NULL, h, &c, err, sizeof err), 0);
    struct port *p = port_of("vif1.0", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    struct vif *v = vif_from_port(p);
    CU_ASSERT_EQUAL(ops->connect(NULL, h, &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL(vif_state(v), VIF_CONNECTED);
    CU_ASSERT_TRUE(p->link_up);
    const struct vif_frontend *fe = vif_get_frontend(v);
    CU_ASSERT_TRUE(fe->rx.sg && fe->rx.gso_tcpv4 && fe->rx.csum_v6 && fe->rx_notify);
    CU_ASSERT_FALSE(fe->rx.gso_tcpv6 || fe->rx.csum_v4 || fe->split);

    ops->detach(NULL, h);                      /* off the bridge, still connected */
    CU_ASSERT_PTR_NULL(port_of("vif1.0", NULL));
    CU_ASSERT_EQUAL(vif_state(v), VIF_CONNECTED);
    CU_ASSERT_EQUAL(ops->attach(NULL, h, &c, err, sizeof err), 0);
    CU_ASSERT_PTR_EQUAL(port_of("vif1.0", NULL), p);

    ops->disconnect(NULL, h);
    CU_ASSERT_EQUAL(vif_state(v), VIF_DISCONNECTED);
    CU_ASSERT_FALSE(p->link_up);
    /* Reconnect (the frontend's rings again: carries on from their indices). */
    CU_ASSERT_EQUAL(ops->connect(NULL, h, &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL(vif_state(v), VIF_CONNECTED);
    ops->disconnect(NULL, h);
    ops->detach(NULL, h);
    ops->destroy(NULL, h);
    CU_ASSERT_PTR_NULL(port_of("vif1.0", NULL));

    /* A bad ring reference: connect fails with the vif's name. */
    h = ops->create(NULL, &id, &c, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    r.tx_ring_ref = 60000;
    CU_ASSERT_NOT_EQUAL(ops->connect(NULL, h, &r, err, sizeof err), 0);
    CU_ASSERT_EQUAL(strncmp(err, "vif vif1.0: map tx ring (gref 60000)", 36), 0);
    ops->destroy(NULL, h);
}

/* The module without a running xenbus: commands say why. */
static void test_module_idle(void)
{
    char why[256];
    bool fatal;
    const char *req = "{\"command\": \"vif-list\"}";
    json_t *reply;

    conf->xen.xenstore = CONF_XENSTORE_NO;
    CU_ASSERT_EQUAL(xvsd_xenbus_start(loop, why, sizeof why), 0);
    reply = ctl_dispatch(req, strlen(req), &fatal);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(reply, "error")),
                           "vif-list: xvsd does not serve xenstore vifs ([xen] xenstore = no)");
    json_decref(reply);
    xvsd_xenbus_stop();

    /* yes, and no xenstored at XENSTORED_PATH: start fails. */
    setenv("XENSTORED_PATH", "/nonexistent/xvs-test/socket", 1);
    conf->xen.xenstore = CONF_XENSTORE_YES;
    CU_ASSERT_NOT_EQUAL(xvsd_xenbus_start(loop, why, sizeof why), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "xenstored not reachable"));
    xvsd_xenbus_stop();
    conf->xen.xenstore = CONF_XENSTORE_AUTO;
    CU_ASSERT_EQUAL(xvsd_xenbus_start(loop, why, sizeof why), 0);
    req = "{\"command\": \"vif-online\", \"args\": [\"backend/vif/1/0\"]}";
    reply = ctl_dispatch(req, strlen(req), &fatal);
    CU_ASSERT_PTR_NOT_NULL(strstr(json_string_value(json_object_get(reply, "error")),
                                  "vif-online: xvsd does not serve xenstore vifs (xenstored "
                                  "not reachable"));
    json_decref(reply);
    xvsd_xenbus_stop();
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "feature keys are netback's", test_features },
        { "create, attach, name clashes, missing bridge", test_create_attach },
        { "live updates: VLANs, bridge move, rename, policy", test_update },
        { "connect, detach keeps the vif, disconnect", test_connect_detach },
        { "HVM emulated NIC: tap on the vif's bridge, policy, gone", test_tap },
        { "module without xenbus", test_module_idle },
        { NULL, NULL },
    };

    return test_main_run("xenstore module ops", setup, teardown, cases);
}
