/* ifaddr: move addresses and routes between two netdevs (see ifaddr.h). */
#include "ports/ifaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "ports/isolate.h"
#include "ports/nl.h"

#define IFADDR_MSGS_MAX 4096    /* addresses + routes moved at once */

struct ifaddr_takeover {
    char from[IF_NAMESIZE], to[IF_NAMESIZE];
    int from_idx, to_idx;
    bool isolated, created_qdisc;
    char *state_path;           /* record of what moved, or NULL */
};

/* Copies of dumped messages. */
struct msgs {
    struct nlmsghdr *v[IFADDR_MSGS_MAX];
    unsigned n;
    int ifindex;                /* keep only messages about this device */
};

static void
msgs_clear(struct msgs *m)
{
    while (m->n) {
        free(m->v[--m->n]);
    }
}

static int
msgs_keep(struct msgs *m, const struct nlmsghdr *nlh)
{
    struct nlmsghdr *c;

    if (m->n == IFADDR_MSGS_MAX) {
        return MNL_CB_ERROR;
    }
    c = malloc(nlh->nlmsg_len);
    if (!c) {
        return MNL_CB_ERROR;
    }
    memcpy(c, nlh, nlh->nlmsg_len);
    m->v[m->n++] = c;
    return MNL_CB_OK;
}

/* ---- attribute tables ---- */

struct attrs {
    const struct nlattr *tb[RTA_MAX + IFA_MAX + 2];
};

static int
attr_store(const struct nlattr *a, void *data)
{
    struct attrs *at = data;
    unsigned t = mnl_attr_get_type(a);

    if (t < ARRAY_SIZE(at->tb)) {
        at->tb[t] = a;
    }
    return MNL_CB_OK;
}

static void
attrs_parse(const struct nlmsghdr *nlh, size_t hdrlen, struct attrs *at)
{
    memset(at, 0, sizeof *at);
    mnl_attr_parse(nlh, hdrlen, attr_store, at);
}

static const char *
fmt_addr(int family, const struct nlattr *a, unsigned plen, char *buf, size_t size)
{
    char ip[INET6_ADDRSTRLEN] = "?";

    if (a && mnl_attr_get_payload_len(a) >= (family == AF_INET ? 4u : 16u)) {
        inet_ntop(family, mnl_attr_get_payload(a), ip, sizeof ip);
    }
    snprintf(buf, size, "%s/%u", ip, plen);
    return buf;
}

/* ---- addresses ---- */

static int
addr_cb(const struct nlmsghdr *nlh, void *data)
{
    struct msgs *m = data;
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

    if (nlh->nlmsg_type != RTM_NEWADDR || (int) ifa->ifa_index != m->ifindex) {
        return MNL_CB_OK;
    }
    /* IPv6 link-local and host-scope addresses belong to the device. */
    if (ifa->ifa_family == AF_INET
        || (ifa->ifa_family == AF_INET6 && ifa->ifa_scope == RT_SCOPE_UNIVERSE)) {
        return msgs_keep(m, nlh);
    }
    return MNL_CB_OK;
}

static const char *
addr_name(const struct nlmsghdr *nlh, char *buf, size_t size)
{
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    struct attrs at;

    attrs_parse(nlh, sizeof *ifa, &at);
    return fmt_addr(ifa->ifa_family, at.tb[IFA_LOCAL] ? at.tb[IFA_LOCAL] : at.tb[IFA_ADDRESS],
                    ifa->ifa_prefixlen, buf, size);
}

/* RTM_NEWADDR (to != NULL) on `ifindex`, or RTM_DELADDR, from a dumped
 * address. */
static int
addr_apply(struct mnl_socket *nl, const struct nlmsghdr *src, int ifindex,
           const char *from_name, const char *to_name)
{
    uint8_t buf[NL_BUF_SIZE / 4];
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(src);
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct ifaddrmsg *nifa;
    struct attrs at;
    bool add = to_name != NULL;

    attrs_parse(src, sizeof *ifa, &at);
    nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
    nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
    nifa = mnl_nlmsg_put_extra_header(nlh, sizeof *nifa);
    *nifa = *ifa;
    nifa->ifa_index = (unsigned) ifindex;
    if (at.tb[IFA_LOCAL]) {
        mnl_attr_put(nlh, IFA_LOCAL, mnl_attr_get_payload_len(at.tb[IFA_LOCAL]),
                     mnl_attr_get_payload(at.tb[IFA_LOCAL]));
    }
    if (at.tb[IFA_ADDRESS]) {
        mnl_attr_put(nlh, IFA_ADDRESS, mnl_attr_get_payload_len(at.tb[IFA_ADDRESS]),
                     mnl_attr_get_payload(at.tb[IFA_ADDRESS]));
    }
    if (add) {
        uint32_t flags = at.tb[IFA_FLAGS] ? mnl_attr_get_u32(at.tb[IFA_FLAGS]) : ifa->ifa_flags;

        if (at.tb[IFA_BROADCAST]) {
            mnl_attr_put(nlh, IFA_BROADCAST, mnl_attr_get_payload_len(at.tb[IFA_BROADCAST]),
                         mnl_attr_get_payload(at.tb[IFA_BROADCAST]));
        }
        /* "eth0:1" becomes "xenbr0:1"; a plain "eth0" label is the
         * default (the device name) and is left out. */
        if (at.tb[IFA_LABEL] && mnl_attr_validate(at.tb[IFA_LABEL], MNL_TYPE_NUL_STRING) >= 0) {
            const char *label = mnl_attr_get_str(at.tb[IFA_LABEL]);
            size_t fl = strlen(from_name);
            char nl_label[IF_NAMESIZE];

            if (!strncmp(label, from_name, fl) && label[fl] == ':'
                && snprintf(nl_label, sizeof nl_label, "%s%s", to_name, label + fl)
                   < (int) sizeof nl_label) {
                mnl_attr_put_strz(nlh, IFA_LABEL, nl_label);
            }
        }
        if (ifa->ifa_family == AF_INET6) {
            flags |= IFA_F_NODAD;
        }
        flags &= ~(uint32_t) (IFA_F_SECONDARY | IFA_F_TENTATIVE | IFA_F_DADFAILED
                              | IFA_F_DEPRECATED | IFA_F_PERMANENT);
        mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
        nifa->ifa_flags = (uint8_t) flags;
        if (at.tb[IFA_CACHEINFO]
            && mnl_attr_get_payload_len(at.tb[IFA_CACHEINFO]) >= sizeof(struct ifa_cacheinfo)) {
            const struct ifa_cacheinfo *ci = mnl_attr_get_payload(at.tb[IFA_CACHEINFO]);

            /* Lifetimes (DHCP, SLAAC) go along; permanent ones need none. */
            if (ci->ifa_valid != 0xffffffffu) {
                struct ifa_cacheinfo nci = { .ifa_prefered = ci->ifa_prefered,
                                             .ifa_valid = ci->ifa_valid };

                mnl_attr_put(nlh, IFA_CACHEINFO, sizeof nci, &nci);
            }
        }
    }
    return nl_request(nl, nlh);
}

/* ---- routes ---- */

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
    struct msgs *m = data;
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    struct attrs at;
    uint32_t table;

    if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_type != RTN_UNICAST
        || rtm->rtm_protocol == RTPROT_KERNEL || (rtm->rtm_flags & RTM_F_CLONED)) {
        return MNL_CB_OK;
    }
    attrs_parse(nlh, sizeof *rtm, &at);
    table = at.tb[RTA_TABLE] ? mnl_attr_get_u32(at.tb[RTA_TABLE]) : rtm->rtm_table;
    if (table == RT_TABLE_LOCAL || !at.tb[RTA_OIF] || at.tb[RTA_MULTIPATH]
        || (int) mnl_attr_get_u32(at.tb[RTA_OIF]) != m->ifindex) {
        return MNL_CB_OK;
    }
    return msgs_keep(m, nlh);
}

static const char *
route_name(const struct nlmsghdr *nlh, char *buf, size_t size)
{
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    char dst[64] = "default", gw[INET6_ADDRSTRLEN] = "";
    struct attrs at;

    attrs_parse(nlh, sizeof *rtm, &at);
    if (at.tb[RTA_DST]) {
        fmt_addr(rtm->rtm_family, at.tb[RTA_DST], rtm->rtm_dst_len, dst, sizeof dst);
    }
    if (at.tb[RTA_GATEWAY]) {
        inet_ntop(rtm->rtm_family, mnl_attr_get_payload(at.tb[RTA_GATEWAY]), gw, sizeof gw);
    }
    snprintf(buf, size, "route %s%s%s", dst, *gw ? " via " : "", gw);
    return buf;
}

static int
route_apply(struct mnl_socket *nl, const struct nlmsghdr *src, int ifindex, bool add)
{
    static const unsigned keep[] = {
        RTA_DST, RTA_SRC, RTA_GATEWAY, RTA_PREFSRC, RTA_PRIORITY, RTA_TABLE,
        RTA_METRICS, RTA_PREF, RTA_FLOW,
    };
    uint8_t buf[NL_BUF_SIZE / 4];
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(src);
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct rtmsg *nrtm;
    struct attrs at;
    unsigned i;

    attrs_parse(src, sizeof *rtm, &at);
    nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
    nlh->nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
    nrtm = mnl_nlmsg_put_extra_header(nlh, sizeof *nrtm);
    *nrtm = *rtm;
    nrtm->rtm_flags &= ~(unsigned) (RTNH_F_DEAD | RTNH_F_LINKDOWN | RTNH_F_OFFLOAD
                                    | RTNH_F_TRAP | RTM_F_NOTIFY);
    for (i = 0; i < ARRAY_SIZE(keep); i++) {
        const struct nlattr *a = at.tb[keep[i]];

        if (a) {
            mnl_attr_put(nlh, keep[i], mnl_attr_get_payload_len(a), mnl_attr_get_payload(a));
        }
    }
    mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) ifindex);
    return nl_request(nl, nlh);
}

/* ---- moving ---- */

static int
dump_dev(struct mnl_socket *nl, uint16_t type, int family, mnl_cb_t cb, struct msgs *m)
{
    uint8_t buf[256];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

    nlh->nlmsg_type = type;
    if (type == RTM_GETADDR) {
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);

        ifa->ifa_family = (uint8_t) family;
    } else {
        struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);

        rtm->rtm_family = (uint8_t) family;
    }
    return nl_dump(nl, nlh, cb, m);
}

/* Move addresses and routes from -> to.  Returns 0, or a negative errno
 * (with err set) if an address could not be added to `to`; the addresses
 * added so far are then removed again and `from` is left as it was. */
/* ---- record of a takeover, to undo it after an unclean stop ---- */

/* The dumped messages as they were, one after the other; written to a
 * temporary file renamed into place, or (append) added to the record of a
 * takeover still in force: each move lists its addresses before its
 * routes, which is all state_recover() needs. */
static void
state_save(const char *path, const struct msgs *a, const struct msgs *r, bool append)
{
    char tmp[PATH_MAX];
    const struct msgs *m[2] = { a, r };
    unsigned i, j;
    FILE *f;

    if (append && !a->n && !r->n) {
        return;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp
        || !(f = fopen(append ? path : tmp, append ? "ae" : "we"))) {
        XLOG_WARN_(XLOG_MOD_HOSTPORT, "takeover record %s: %s", path, strerror(errno));
        return;
    }
    for (i = 0; i < 2; i++) {
        for (j = 0; j < m[i]->n; j++) {
            fwrite(m[i]->v[j], 1, NLMSG_ALIGN(m[i]->v[j]->nlmsg_len), f);
        }
    }
    if (fclose(f) || (!append && rename(tmp, path))) {
        XLOG_WARN_(XLOG_MOD_HOSTPORT, "takeover record %s: %s", path, strerror(errno));
        unlink(tmp);
    }
}

/* STATE_PATH.qdisc exists while the clsact qdisc on the uplink is ours:
 * whoever gives the takeover back (a later run, after a crash) deletes the
 * qdisc only then, never one another tool put there. */
static char *
qdisc_mark_path(const char *state_path)
{
    char *p;
    return state_path && asprintf(&p, "%s.qdisc", state_path) >= 0 ? p : NULL;
}

static bool
qdisc_mark_exists(const char *state_path)
{
    char *p = qdisc_mark_path(state_path);
    bool there = p && !access(p, F_OK);

    free(p);
    return there;
}

/* Without the mark, a later give-back leaves our (empty) clsact qdisc on
 * the uplink: harmless, but said. */
static void
qdisc_mark_set(const char *state_path)
{
    char *p = qdisc_mark_path(state_path);
    FILE *f = p ? fopen(p, "we") : NULL;

    if (!state_path) {
        return;                     /* no state directory: nothing recorded */
    }
    if (!f || fclose(f)) {
        XLOG_WARN_(XLOG_MOD_HOSTPORT, "%s: cannot mark the clsact qdisc as ours (a give-back "
                   "after a crash will leave it): %s", p ? p : state_path, strerror(errno));
    }
    free(p);
}

static void
qdisc_mark_clear(const char *state_path)
{
    char *p = qdisc_mark_path(state_path);

    if (p) {
        unlink(p);
    }
    free(p);
}

/* A record left by a takeover that was never given back (xvsd killed):
 * put its addresses and routes back on `from` first.  Returns how many
 * were restored, or -1 if there is no record. */
static int
state_recover(struct mnl_socket *nl, const char *path, const char *from, int from_idx)
{
    static uint8_t buf[IFADDR_MSGS_MAX * 256];
    const struct nlmsghdr *nlh;
    size_t len;
    int n = 0, left;
    FILE *f = fopen(path, "re");

    if (!f) {
        return -1;
    }
    len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    left = (int) len;
    /* Routes need their addresses: the record lists addresses first. */
    for (nlh = (const struct nlmsghdr *) buf; mnl_nlmsg_ok(nlh, left);
         nlh = mnl_nlmsg_next(nlh, &left)) {
        int e = -EINVAL;

        if (nlh->nlmsg_type == RTM_NEWADDR
            && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
            e = addr_apply(nl, nlh, from_idx, from, from);
        } else if (nlh->nlmsg_type == RTM_NEWROUTE
                   && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg))) {
            e = route_apply(nl, nlh, from_idx, true);
        }
        n += !e || e == -EEXIST;
    }
    isolate_remove(nl, from_idx, qdisc_mark_exists(path));
    qdisc_mark_clear(path);
    unlink(path);
    XLOG_WARN_(XLOG_MOD_HOSTPORT, "%s: restored %d address(es)/route(s) of a takeover that "
               "was not given back (unclean stop)", from, n);
    return n;
}

static int
ifaddr_move(struct mnl_socket *nl, const char *from, int from_idx, const char *to,
            int to_idx, const char *save_path, bool append, char *err, size_t errlen)
{
    static struct msgs addrs, routes;    /* large: not on the stack */
    char name[128];
    unsigned i, added;
    int r;

    addrs.ifindex = routes.ifindex = from_idx;
    r = dump_dev(nl, RTM_GETADDR, AF_UNSPEC, addr_cb, &addrs);
    if (!r) {
        r = dump_dev(nl, RTM_GETROUTE, AF_INET, route_cb, &routes);
    }
    if (!r) {
        r = dump_dev(nl, RTM_GETROUTE, AF_INET6, route_cb, &routes);
    }
    if (r) {
        snprintf(err, errlen, "%s: reading addresses and routes: %s", from, strerror(-r));
        goto out;
    }

    for (added = 0; added < addrs.n; added++) {
        r = addr_apply(nl, addrs.v[added], to_idx, from, to);
        if (r && r != -EEXIST) {
            snprintf(err, errlen, "%s -> %s: address %s: %s", from, to,
                     addr_name(addrs.v[added], name, sizeof name), strerror(-r));
            while (added--) {
                addr_apply(nl, addrs.v[added], to_idx, NULL, NULL);
            }
            goto out;
        }
    }
    r = 0;
    /* Routes leave `from` before they are added to `to`: the kernel
     * refuses a second route to the same destination and metric. */
    for (i = 0; i < routes.n; i++) {
        route_apply(nl, routes.v[i], from_idx, false);
    }
    for (i = 0; i < addrs.n; i++) {
        int e = addr_apply(nl, addrs.v[i], from_idx, NULL, NULL);

        if (e && e != -EADDRNOTAVAIL) {
            XLOG_ERR_(XLOG_MOD_HOSTPORT, "%s: cannot remove address %s: %s", from,
                      addr_name(addrs.v[i], name, sizeof name), strerror(-e));
        }
    }
    for (i = 0; i < routes.n; i++) {
        int e = route_apply(nl, routes.v[i], to_idx, true);

        if (e && e != -EEXIST) {
            XLOG_ERR_(XLOG_MOD_HOSTPORT, "%s -> %s: %s: %s", from, to,
                      route_name(routes.v[i], name, sizeof name), strerror(-e));
        }
    }
    if (save_path) {
        state_save(save_path, &addrs, &routes, append);
    }
    XLOG_INFO_(XLOG_MOD_HOSTPORT, "moved %u address(es) and %u route(s) from %s to %s",
               addrs.n, routes.n, from, to);
out:
    msgs_clear(&addrs);
    msgs_clear(&routes);
    return r;
}

int
ifaddr_takeover(const char *from, const char *to, const char *state_dir, bool to_adopted,
                struct ifaddr_takeover **out, char *err, size_t errlen)
{
    struct ifaddr_takeover *t;
    struct mnl_socket *nl;
    bool in_force = false;
    int r;

    t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "takeover %s -> %s: out of memory", from, to);
        return -ENOMEM;
    }
    if (str_copy(t->from, sizeof t->from, from) || str_copy(t->to, sizeof t->to, to)) {
        snprintf(err, errlen, "takeover %s -> %s: name too long", from, to);
        free(t);
        return -ENAMETOOLONG;
    }
    t->from_idx = (int) if_nametoindex(from);
    t->to_idx = (int) if_nametoindex(to);
    if (!t->from_idx || !t->to_idx) {
        snprintf(err, errlen, "takeover %s -> %s: %s: no such device", from, to,
                 t->from_idx ? to : from);
        free(t);
        return -ENODEV;
    }
    if (state_dir && asprintf(&t->state_path, "%s/takeover-%s", state_dir, from) < 0) {
        t->state_path = NULL;
    }
    nl = nl_open();
    if (!nl) {
        r = -errno;
        snprintf(err, errlen, "takeover %s -> %s: netlink: %s", from, to, strerror(errno));
        free(t->state_path);
        free(t);
        return r;
    }
    /* An adopted TAP still holds what the record lists: putting it back on
     * the uplink would only move it twice (and briefly expose the uplink). */
    in_force = to_adopted && t->state_path && !access(t->state_path, F_OK);
    if (in_force) {
        XLOG_INFO_(XLOG_MOD_HOSTPORT, "takeover %s -> %s: still in force (adopted host "
                   "port): addresses and routes stay where they are", from, to);
    } else if (t->state_path) {
        state_recover(nl, t->state_path, from, t->from_idx);
    }
    r = ifaddr_move(nl, from, t->from_idx, to, t->to_idx, t->state_path, in_force,
                    err, errlen);
    if (r) {
        mnl_socket_close(nl);
        free(t->state_path);
        free(t);
        return r;
    }
    r = isolate_ingress(nl, t->from_idx, &t->created_qdisc);
    /* in force: the qdisc found is the one our previous run created */
    t->created_qdisc = t->created_qdisc || (in_force && qdisc_mark_exists(t->state_path));
    if (!r && t->created_qdisc) {
        qdisc_mark_set(t->state_path);
    }
    if (r) {
        /* Still usable: the host may see some frames twice. */
        XLOG_WARN_(XLOG_MOD_HOSTPORT, "%s: cannot stop the host stack from receiving on "
                   "the uplink (BPF classifier on clsact ingress): %s", from, strerror(-r));
    } else {
        t->isolated = true;
    }
    mnl_socket_close(nl);
    *out = t;
    return 0;
}

void
ifaddr_giveback(struct ifaddr_takeover *t)
{
    struct mnl_socket *nl;
    char err[256];
    int from_idx, to_idx;

    if (!t) {
        return;
    }
    nl = nl_open();
    if (!nl) {
        XLOG_ERR_(XLOG_MOD_HOSTPORT, "give back %s -> %s: netlink: %s", t->to, t->from,
                  strerror(errno));
        free(t->state_path);
        free(t);
        return;
    }
    /* Devices may have come and gone: look them up again. */
    from_idx = (int) if_nametoindex(t->from);
    to_idx = (int) if_nametoindex(t->to);
    if (t->isolated && from_idx == t->from_idx) {
        isolate_remove(nl, from_idx, t->created_qdisc);
    }
    if (!from_idx || !to_idx) {
        XLOG_ERR_(XLOG_MOD_HOSTPORT, "give back %s -> %s: %s is gone", t->to, t->from,
                  from_idx ? t->to : t->from);
    } else if (ifaddr_move(nl, t->to, to_idx, t->from, from_idx, NULL, false, err,
                           sizeof err)) {
        XLOG_ERR_(XLOG_MOD_HOSTPORT, "give back: %s", err);
    }
    if (t->state_path) {
        qdisc_mark_clear(t->state_path);
        unlink(t->state_path);
    }
    mnl_socket_close(nl);
    free(t->state_path);
    free(t);
}

void
ifaddr_release(const char *from, const char *to, const char *state_dir)
{
    struct ifaddr_takeover *t = calloc(1, sizeof *t);

    if (!t || str_copy(t->from, sizeof t->from, from) || str_copy(t->to, sizeof t->to, to)
        || asprintf(&t->state_path, "%s/takeover-%s", state_dir, from) < 0) {
        XLOG_ERR_(XLOG_MOD_HOSTPORT, "give back %s -> %s: out of memory", to, from);
        free(t);
        return;
    }
    t->from_idx = (int) if_nametoindex(from);
    t->to_idx = (int) if_nametoindex(to);
    t->isolated = true;         /* the classifier; the qdisc if the mark says ours */
    t->created_qdisc = qdisc_mark_exists(t->state_path);
    XLOG_INFO_(XLOG_MOD_HOSTPORT, "giving back the addresses of %s taken over by %s in a "
               "previous run", from, to);
    if (!t->to_idx && t->from_idx) {
        /* The TAP went with its addresses: the record is all there is. */
        struct mnl_socket *nl = nl_open();

        if (nl) {
            state_recover(nl, t->state_path, from, t->from_idx);
            mnl_socket_close(nl);
        }
        free(t->state_path);
        free(t);
        return;
    }
    ifaddr_giveback(t);
}
