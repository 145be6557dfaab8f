/* ctl_vif: vif-show, vif-attach, vif-detach (see ctl_vif.h).
 *
 * vif-attach records the vifs it makes (attached[]), so that vif-detach
 * removes only those: a vif of the xenstore module is that module's to
 * remove, and freeing it here would leave it a dangling handle.  A recorded
 * vif leaves its bridge only through vif-detach or the netback's stop
 * (brmgr refuses to delete a bridge with ports it did not make), so the
 * record never outlives the vif. */
#include "daemon/ctl_vif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon/conf.h"
#include "daemon/ctl.h"
#include "daemon/ctl_args.h"
#include "daemon/xvsd_netback.h"
#include "lib/log.h"
#include "lib/util.h"
#include "netback/netback.h"
#include "netback/vif.h"
#include "switch/antispoof.h"
#include "switch/bridge.h"
#include "switch/port.h"

static struct vif *attached[CTL_VIF_ATTACHED_MAX];
static size_t n_attached;
static ctl_vif_show_fn *show_hook;

void ctl_vif_set_show_hook(ctl_vif_show_fn *fn)
{
    show_hook = fn;
}

static int attached_index(const struct vif *v)
{
    for (size_t i = 0; i < n_attached; i++)
        if (attached[i] == v)
            return (int)i;
    return -1;
}

void ctl_vif_forget_all(void)
{
    n_attached = 0;
}

/* ---- vif-show ---- */

static json_t *ring_json(uint32_t req_prod, uint32_t req_cons, uint32_t rsp_prod)
{
    return json_pack("{s:I, s:I, s:I}", "req_prod", (json_int_t)req_prod,
                     "req_cons", (json_int_t)req_cons, "rsp_prod", (json_int_t)rsp_prod);
}

static json_t *queues_json(const struct vif *v)
{
    json_t *list = json_array();

    for (unsigned q = 0; list && q < vif_n_queues(v); q++) {
        struct vif_ring_info ri;
        int e = vif_ring_info(v, q, &ri);
        json_t *o = json_pack("{s:i, s:b, s:{s:I, s:I}}", "queue", (int)q,
                              "connected", e == 0, "rx_queue",
                              "frames", (json_int_t)ri.rxq_frames,
                              "bytes", (json_int_t)ri.rxq_bytes);
        if (o && e == 0) {
            json_object_set_new(o, "tx", ring_json(ri.tx_req_prod, ri.tx_req_cons,
                                                   ri.tx_rsp_prod));
            json_object_set_new(o, "rx", ring_json(ri.rx_req_prod, ri.rx_req_cons,
                                                   ri.rx_rsp_prod));
        }
        json_array_append_new(list, o);
    }
    return list;
}

static json_t *features_json(const struct vif_frontend *fe)
{
    return json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
                     "sg", fe->rx.sg, "gso_tcpv4", fe->rx.gso_tcpv4,
                     "gso_tcpv6", fe->rx.gso_tcpv6, "ipv4_csum_offload", fe->rx.csum_v4,
                     "ipv6_csum_offload", fe->rx.csum_v6, "rx_notify", fe->rx_notify,
                     "split_event_channels", fe->split,
                     "multicast_control", fe->mcast_control);
}

static json_t *stats_json(const struct vif_stats *s)
{
    json_t *o = json_object(), *drops = json_object();

    if (!o || !drops) {
        json_decref(o);
        json_decref(drops);
        return NULL;
    }
#define C(name) json_object_set_new(o, #name, json_integer((json_int_t)s->name))
    C(tx_frames); C(tx_bytes); C(tx_copy_errors); C(tx_csum_bad); C(tx_rate_waits);
    C(tx_mcast_updates); C(rx_frames); C(rx_bytes); C(rx_copy_errors);
    C(rx_csum_fixups); C(rx_queued); C(rx_queue_drops); C(rx_expired);
    C(rx_mcast_filtered); C(rx_stalls); C(fatal); C(events); C(spurious_events);
    C(storm_holds); C(tx_bursts); C(tx_direct); C(tx_refetches); C(tx_notifies);
    C(rx_batches); C(rx_notifies);
#undef C
    for (int r = NETIF_TX_R_NONE + 1; r < NETIF_TX_R_N; r++)
        json_object_set_new(drops, netif_tx_reason_name(r),
                            json_integer((json_int_t)s->tx_drop[r]));
    json_object_set_new(o, "tx_drop", drops);
    return o;
}

/* n addresses of family af, each `size` bytes, as an array of strings. */
static json_t *ips_json(int af, const void *addrs, size_t size, unsigned n)
{
    json_t *list = json_array();
    char a[INET6_ADDRSTRLEN];

    for (unsigned i = 0; list && i < n; i++)
        if (inet_ntop(af, (const uint8_t *)addrs + i * size, a, sizeof a))
            json_array_append_new(list, json_string(a));
    return list;
}

static json_t *vif_json(const struct bridge *br, struct vif *v)
{
    struct port *p = vif_port(v);
    enum vif_state st = vif_state(v);
    uint64_t rate_bytes, rate_usecs;
    char mac[ETH_ADDR_STRLEN];
    json_t *o;

    eth_addr_format(p->mac, mac);
    vif_get_rate(v, &rate_bytes, &rate_usecs);
    o = json_pack("{s:s, s:s, s:i, s:I, s:s, s:s, s:b, s:b}",
                  "name", p->name, "bridge", br ? bridge_name(br) : "",
                  "domid", (int)vif_domid(v), "devid", (json_int_t)vif_devid(v),
                  "origin", attached_index(v) >= 0 ? "vif-attach" : "xenstore",
                  "state", vif_state_name(st), "link_up", p->link_up,
                  "carrier_stalled", vif_carrier_stalled(v));
    if (!o)
        return NULL;
    if (st == VIF_FATAL)
        json_object_set_new(o, "fatal_reason", json_string(vif_fatal_reason(v)));
    json_object_set_new(o, "mac", eth_addr_is_zero(p->mac) ? json_null() : json_string(mac));
    json_object_set_new(o, "mac_locked", json_boolean(p->mac_locked));
    json_object_set_new(o, "ra_guard", json_boolean(antispoof_guard_on(p, p->ra_guard)));
    json_object_set_new(o, "dhcp_guard", json_boolean(antispoof_guard_on(p, p->dhcp_guard)));
    json_object_set_new(o, "ips", ips_json(AF_INET, p->ips, sizeof p->ips[0],
                                           MIN(p->n_ips, PORT_IPS_MAX)));
    json_object_set_new(o, "ip6s", ips_json(AF_INET6, p->ip6s, sizeof p->ip6s[0],
                                            MIN(p->n_ip6s, PORT_IP6S_MAX)));
    json_object_set_new(o, "features", features_json(vif_get_frontend(v)));
    json_object_set_new(o, "rate", rate_bytes
                        ? json_pack("{s:I, s:I}", "bytes", (json_int_t)rate_bytes,
                                    "usecs", (json_int_t)rate_usecs)
                        : json_null());
    json_object_set_new(o, "mtu", vif_mtu(v) ? json_integer(vif_mtu(v)) : json_null());
    json_object_set_new(o, "queues", queues_json(v));
    json_object_set_new(o, "stats", stats_json(vif_get_stats(v)));
    if (show_hook)
        show_hook(v, o);
    return o;
}

/* The vif called `name` and its bridge; NULL after setting *err. */
static struct vif *find_vif(const char *name, struct bridge **br, char **err)
{
    struct port *p = xvsd_port_find(name, br);
    struct vif *v = vif_from_port(p);

    if (!p)
        ctl_errf(err, "no vif named '%s'", name);
    else if (!v)
        ctl_errf(err, "port %s of bridge %s is a %s port, not a vif", name,
                 bridge_name(*br), p->ops->kind);
    return v;
}

static json_t *cmd_vif_show(size_t argc, const char *const *argv, void *arg,
                            char **err)
{
    struct bridge *br;
    struct port *p;
    json_t *list;

    if (ctl_args_count(argc, 0, 1, "vif-show [VIF]", err))
        return NULL;
    if (argc == 1) {
        struct vif *v = find_vif(argv[0], &br, err);
        return v ? json_pack("[o]", vif_json(br, v)) : NULL;
    }
    list = json_array();
    for (unsigned i = 0; list && (br = bridge_at(i)); i++)
        for (unsigned j = 0; (p = bridge_port_at(br, j)); j++)
            if (vif_from_port(p))
                json_array_append_new(list, vif_json(br, vif_from_port(p)));
    return list;
}

/* ---- vif-attach ---- */

static int arg_uint(const char *what, const char *s, unsigned long long min,
                    unsigned long long max, unsigned long long *out, char **err)
{
    if (parse_uint(s, max, out) || *out < min) {
        ctl_errf(err, "%s: '%s' is not a number in %llu..%llu", what, s, min, max);
        return -1;
    }
    return 0;
}

/* Frontend keys, as netfront writes them in xenstore (O_SG..O_MCAST), then
 * the port's anti-spoofing policy. */
enum { O_NAME, O_MAC, O_SG, O_GSO4, O_GSO6, O_CSUM6, O_NO_CSUM, O_RX_NOTIFY, O_MCAST,
       O_MAC_LOCKED, O_IPS, O_RA, O_DHCP, O_N };

static int apply_features(const struct ctl_opt *o, struct vif_frontend *fe, char **err)
{
    bool *dst[O_N] = {
        [O_SG] = &fe->rx.sg, [O_GSO4] = &fe->rx.gso_tcpv4, [O_GSO6] = &fe->rx.gso_tcpv6,
        [O_CSUM6] = &fe->rx.csum_v6, [O_NO_CSUM] = &fe->rx.csum_v4,
        [O_RX_NOTIFY] = &fe->rx_notify, [O_MCAST] = &fe->mcast_control,
    };

    for (int i = O_SG; i <= O_MCAST; i++) {
        bool b;
        if (!o[i].value)
            continue;
        if (conf_parse_bool(o[i].value, &b)) {
            ctl_errf(err, "%s: '%s' is not 0 or 1", o[i].key, o[i].value);
            return -1;
        }
        *dst[i] = i == O_NO_CSUM ? !b : b;
    }
    return 0;
}

/* The port's allowed source addresses, per family (port_set_ips()). */
struct ctl_ips {
    uint32_t v4[PORT_IPS_MAX];
    unsigned n4;
    uint8_t v6[PORT_IP6S_MAX][16];
    unsigned n6;
};

/* ips=ADDR[,ADDR...]: IPv4 and IPv6 addresses, mixed. */
static int parse_ips(const char *s, struct ctl_ips *ips, char **err)
{
    const char *p = s;

    for (;;) {
        size_t len = strcspn(p, ",");
        char a[INET6_ADDRSTRLEN];
        uint8_t buf[16];

        if (len < sizeof a) {
            memcpy(a, p, len);
            a[len] = 0;
        }
        if (len < sizeof a && inet_pton(AF_INET, a, buf) == 1) {
            if (ips->n4 == PORT_IPS_MAX) {
                ctl_errf(err, "ips: more than %d IPv4 addresses", PORT_IPS_MAX);
                return -1;
            }
            memcpy(&ips->v4[ips->n4++], buf, 4);
        } else if (len < sizeof a && inet_pton(AF_INET6, a, buf) == 1) {
            if (ips->n6 == PORT_IP6S_MAX) {
                ctl_errf(err, "ips: more than %d IPv6 addresses", PORT_IP6S_MAX);
                return -1;
            }
            memcpy(ips->v6[ips->n6++], buf, 16);
        } else {
            ctl_errf(err, "ips: '%.*s' is not an IPv4 or IPv6 address",
                     (int)MIN(len, (size_t)48), p);
            return -1;
        }
        p += len;
        if (!*p++)
            return 0;
    }
}

/* router-advertisements= / dhcp-server=: accept (guard off), reject (on),
 * unset (auto: switch/antispoof.h), as the xenstore keys of those names. */
static int parse_guard(const struct ctl_opt *o, enum port_guard *g, char **err)
{
    *g = PORT_GUARD_AUTO;
    if (!o->value)
        return 0;
    if (!strcmp(o->value, "accept"))
        *g = PORT_GUARD_OFF;
    else if (!strcmp(o->value, "reject"))
        *g = PORT_GUARD_ON;
    else {
        ctl_errf(err, "%s: '%s' is not accept or reject", o->key, o->value);
        return -1;
    }
    return 0;
}

/* The policy options: mac-locked needs the guest's MAC. */
static int apply_policy(const struct ctl_opt *o, const uint8_t mac[ETH_ADDR_LEN],
                        bool *locked, struct ctl_ips *ips, enum port_guard guard[2],
                        char **err)
{
    *locked = false;
    memset(ips, 0, sizeof *ips);
    if (parse_guard(&o[O_RA], &guard[0], err) || parse_guard(&o[O_DHCP], &guard[1], err))
        return -1;
    if (o[O_MAC_LOCKED].value) {
        if (conf_parse_bool(o[O_MAC_LOCKED].value, locked)) {
            ctl_errf(err, "mac-locked: '%s' is not 0 or 1", o[O_MAC_LOCKED].value);
            return -1;
        }
        if (*locked && eth_addr_is_zero(mac)) {
            ctl_errf(err, "mac-locked=1 needs the guest's mac=");
            return -1;
        }
    }
    return o[O_IPS].value ? parse_ips(o[O_IPS].value, ips, err) : 0;
}

/* An existing vif for the same device, or a port of the same name. */
static int check_unique(uint16_t domid, uint32_t devid, const char *name, char **err)
{
    struct bridge *br;
    struct port *p;

    if (name && (p = xvsd_port_find(name, &br))) {
        ctl_errf(err, "bridge %s already has a port named %s", bridge_name(br), name);
        return -1;
    }
    for (unsigned i = 0; (br = bridge_at(i)); i++)
        for (unsigned j = 0; (p = bridge_port_at(br, j)); j++) {
            struct vif *v = vif_from_port(p);
            if (v && vif_domid(v) == domid && vif_devid(v) == devid) {
                ctl_errf(err, "dom%u device %u is already vif %s on bridge %s",
                         domid, devid, p->name, bridge_name(br));
                return -1;
            }
        }
    return 0;
}

static json_t *cmd_vif_attach(size_t argc, const char *const *argv, void *arg,
                              char **err)
{
    struct ctl_opt o[O_N] = {
        [O_NAME] = { "name", NULL }, [O_MAC] = { "mac", NULL },
        [O_SG] = { "feature-sg", NULL }, [O_GSO4] = { "feature-gso-tcpv4", NULL },
        [O_GSO6] = { "feature-gso-tcpv6", NULL },
        [O_CSUM6] = { "feature-ipv6-csum-offload", NULL },
        [O_NO_CSUM] = { "feature-no-csum-offload", NULL },
        [O_RX_NOTIFY] = { "feature-rx-notify", NULL },
        [O_MCAST] = { "request-multicast-control", NULL },
        [O_MAC_LOCKED] = { "mac-locked", NULL }, [O_IPS] = { "ips", NULL },
        [O_RA] = { "router-advertisements", NULL }, [O_DHCP] = { "dhcp-server", NULL },
    };
    unsigned long long domid, devid, txref, rxref, ch, ch_rx = 0;
    struct netback *nb = xvsd_netback();
    struct vif_frontend fe;
    struct bridge *br;
    struct vif *v;
    uint16_t vlan;
    uint8_t mac[ETH_ADDR_LEN] = { 0 };
    struct ctl_ips ips;
    enum port_guard guard[2];
    bool locked;
    char why[256];
    size_t first_opt = 6;

    if (ctl_args_count(argc, 6, 7 + O_N, "vif-attach BR DOMID DEVID TXREF RXREF EVTCHN "
                       "[EVTCHN_RX] [name=NAME] [mac=MAC] [feature-KEY=0|1 ...] "
                       "[mac-locked=0|1] [ips=ADDR,...] [router-advertisements=accept|reject] "
                       "[dhcp-server=accept|reject]", err))
        return NULL;
    if (!nb)
        return ctl_errf(err, "no guest backend in this xvsd (%s)",
                        xvsd_netback_off_reason());
    if (argc > 6 && !strchr(argv[6], '='))
        first_opt = 7;
    if (!(br = ctl_args_bridge(argv[0], &vlan, err))
        || arg_uint("DOMID", argv[1], 1, CTL_VIF_DOMID_MAX, &domid, err)
        || arg_uint("DEVID", argv[2], 0, INT32_MAX, &devid, err)
        || arg_uint("TXREF", argv[3], 0, UINT32_MAX, &txref, err)
        || arg_uint("RXREF", argv[4], 0, UINT32_MAX, &rxref, err)
        || arg_uint("EVTCHN", argv[5], 1, CTL_VIF_EVTCHN_MAX, &ch, err)
        || (first_opt == 7
            && arg_uint("EVTCHN_RX", argv[6], 1, CTL_VIF_EVTCHN_MAX, &ch_rx, err))
        || ctl_args_opts(argc, argv, first_opt, o, O_N, err))
        return NULL;
    vif_frontend_linux_defaults(&fe);
    fe.tx_ring_ref = (uint32_t)txref;
    fe.rx_ring_ref = (uint32_t)rxref;
    fe.evtchn_tx = (uint32_t)ch;
    fe.evtchn_rx = (uint32_t)(first_opt == 7 ? ch_rx : ch);
    fe.split = first_opt == 7;
    if (apply_features(o, &fe, err))
        return NULL;
    if (o[O_NAME].value && conf_check_ifname(o[O_NAME].value, why, sizeof why))
        return ctl_errf(err, "name: %s", why);
    if (o[O_MAC].value && (eth_addr_parse(o[O_MAC].value, mac)
                           || eth_addr_is_multicast(mac) || eth_addr_is_zero(mac)))
        return ctl_errf(err, "mac: '%s' is not a unicast MAC address (aa:bb:cc:dd:ee:ff)",
                        o[O_MAC].value);
    if (apply_policy(o, mac, &locked, &ips, guard, err))
        return NULL;
    if (check_unique((uint16_t)domid, (uint32_t)devid, o[O_NAME].value, err))
        return NULL;
    if (n_attached == CTL_VIF_ATTACHED_MAX)
        return ctl_errf(err, "already %d vifs made by vif-attach", CTL_VIF_ATTACHED_MAX);

    v = vif_create(nb, (uint16_t)domid, (uint32_t)devid, o[O_NAME].value, why, sizeof why);
    if (!v)
        return ctl_errf(err, "%s", why);
    struct port *p = vif_port(v);
    if (!o[O_NAME].value && xvsd_port_find(p->name, NULL)) {
        vif_destroy(v);
        return ctl_errf(err, "a port named %s exists already: give name=", p->name);
    }
    if (vif_connect(v, &fe, why, sizeof why)) {
        vif_destroy(v);
        return ctl_errf(err, "%s", why);
    }
    memcpy(p->mac, mac, ETH_ADDR_LEN);
    p->mac_locked = locked;
    p->ra_guard = guard[0];
    p->dhcp_guard = guard[1];
    port_set_ips(p, ips.v4, ips.n4, (const uint8_t (*)[16])ips.v6, ips.n6);
    if (vlan)
        port_set_access(p, vlan);
    int e = bridge_add_port(br, p);
    if (e) {
        vif_destroy(v);
        return ctl_errf(err, "bridge %s: cannot add %s: %s", bridge_name(br), p->name,
                        e == -ENOSPC ? "too many ports" : strerror(-e));
    }
    attached[n_attached++] = v;
    xlog(XLOG_MOD_CTL, XLOG_INFO, "vif %s: dom%llu device %llu attached to bridge %s%s%s%s%s "
         "(vif-attach)", p->name, domid, devid, argv[0], fe.split ? ", split channels" : "",
         locked ? ", source MAC locked" : "", ips.n4 ? ", IPv4 sources restricted" : "",
         ips.n6 ? ", IPv6 sources restricted" : "");
    return vif_json(br, v);
}

/* ---- vif-detach ---- */

static json_t *cmd_vif_detach(size_t argc, const char *const *argv, void *arg,
                              char **err)
{
    struct bridge *br;
    struct vif *v;
    int i;

    if (ctl_args_count(argc, 1, 1, "vif-detach VIF", err)
        || !(v = find_vif(argv[0], &br, err)))
        return NULL;
    if ((i = attached_index(v)) < 0)
        return ctl_errf(err, "vif %s belongs to the xenstore module (detach it with "
                        "xl network-detach)", argv[0]);
    attached[i] = attached[--n_attached];
    bridge_del_port(br, vif_port(v));
    xlog(XLOG_MOD_CTL, XLOG_INFO, "vif %s: detached from bridge %s (vif-detach)",
         argv[0], bridge_name(br));
    return json_null();
}

int ctl_vif_register(void)
{
    int e;

    if ((e = ctl_register_command("vif-show", cmd_vif_show, NULL))
        || (e = ctl_register_command("vif-attach", cmd_vif_attach, NULL))
        || (e = ctl_register_command("vif-detach", cmd_vif_detach, NULL)))
        return e;
    return 0;
}
