/* linkmon: one shared RTMGRP_LINK socket feeding per-device watches. */
#include "ports/linkmon.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/util.h"

struct linkmon_watch {
    struct linkmon_watch *next;
    char name[IF_NAMESIZE];
    int ifindex;                  /* 0 while the device does not exist */
    linkmon_cb *cb;
    void *arg;
};

static struct {
    struct evloop *loop;
    struct mnl_socket *nl;
    struct linkmon_watch *watches;
} lm;

static int
ifreq_ioctl(int fd, unsigned long req, const char *name, struct ifreq *ifr)
{
    memset(ifr, 0, sizeof *ifr);
    if (str_copy(ifr->ifr_name, sizeof ifr->ifr_name, name)) {
        return -ENODEV;
    }
    return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

int
linkmon_query(const char *ifname, struct linkmon_state *st)
{
    struct ifreq ifr;
    int fd, r;

    memset(st, 0, sizeof *st);
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    r = ifreq_ioctl(fd, SIOCGIFINDEX, ifname, &ifr);
    if (r) {
        goto out;
    }
    st->ifindex = ifr.ifr_ifindex;
    r = ifreq_ioctl(fd, SIOCGIFFLAGS, ifname, &ifr);
    if (r) {
        goto out;
    }
    st->up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
    r = ifreq_ioctl(fd, SIOCGIFMTU, ifname, &ifr);
    if (r) {
        goto out;
    }
    st->mtu = (unsigned) ifr.ifr_mtu;
    r = ifreq_ioctl(fd, SIOCGIFHWADDR, ifname, &ifr);
    if (r) {
        goto out;
    }
    memcpy(st->mac, ifr.ifr_hwaddr.sa_data, 6);
    st->exists = true;
out:
    close(fd);
    return r;
}

static void
watch_deliver(struct linkmon_watch *w, const struct linkmon_state *st)
{
    w->ifindex = st->exists ? st->ifindex : 0;
    w->cb(w->arg, st);
}

static void
resync_all(void)
{
    struct linkmon_watch *w, *next;

    for (w = lm.watches; w; w = next) {
        struct linkmon_state st;

        next = w->next;   /* the callback may unwatch w */
        linkmon_query(w->name, &st);
        watch_deliver(w, &st);
    }
}

static int
link_attr_cb(const struct nlattr *a, void *data)
{
    const char **name = data;

    if (mnl_attr_get_type(a) == IFLA_IFNAME
        && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0) {
        *name = mnl_attr_get_str(a);
    }
    return MNL_CB_OK;
}

/* A notification only says which device changed: the state delivered is
 * read afresh, so notifications queued before a change (e.g. while a TAP
 * was being configured) never report a stale state. */
static int
link_msg_cb(const struct nlmsghdr *nlh, void *data)
{
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    struct linkmon_watch *w, *next;
    const char *name = NULL;

    if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
        || nlh->nlmsg_len < NLMSG_LENGTH(sizeof *ifi)) {
        return MNL_CB_OK;
    }
    mnl_attr_parse(nlh, sizeof *ifi, link_attr_cb, &name);

    for (w = lm.watches; w; w = next) {
        struct linkmon_state st;

        next = w->next;
        if ((w->ifindex && w->ifindex == ifi->ifi_index) || (name && !strcmp(name, w->name))) {
            linkmon_query(w->name, &st);
            watch_deliver(w, &st);
        }
    }
    return MNL_CB_OK;
}

static void
linkmon_readable(int fd, uint32_t events, void *arg)
{
    uint8_t buf[16384];
    unsigned n;

    /* A bounded number of datagrams per turn; the fd stays readable. */
    for (n = 0; n < 16; n++) {
        ssize_t len = mnl_socket_recvfrom(lm.nl, buf, sizeof buf);

        if (len < 0) {
            if (errno == ENOBUFS) {
                XLOG_WARN_(XLOG_MOD_UPLINK, "link monitor: notifications lost, re-reading links");
                resync_all();
                continue;
            }
            if (errno != EAGAIN && errno != EINTR) {
                XLOG_ERR_(XLOG_MOD_UPLINK, "link monitor: %s", strerror(errno));
            }
            return;
        }
        mnl_cb_run(buf, (size_t) len, 0, 0, link_msg_cb, NULL);
        if (!lm.nl) {
            return;   /* last watch removed by a callback */
        }
    }
}

static int
linkmon_open(struct evloop *loop)
{
    int r;

    lm.nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!lm.nl) {
        return -errno;
    }
    if (mnl_socket_bind(lm.nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
        r = -errno;
        goto fail;
    }
    r = evloop_add_fd(loop, mnl_socket_get_fd(lm.nl), EPOLLIN, linkmon_readable, NULL);
    if (r) {
        goto fail;
    }
    lm.loop = loop;
    return 0;
fail:
    mnl_socket_close(lm.nl);
    lm.nl = NULL;
    return r;
}

int
linkmon_watch(struct evloop *loop, const char *ifname, linkmon_cb *cb, void *arg,
              struct linkmon_watch **out)
{
    struct linkmon_watch *w;
    struct linkmon_state st;
    int r;

    if (lm.nl && lm.loop != loop) {
        return -EINVAL;   /* one loop per process */
    }
    w = calloc(1, sizeof *w);
    if (!w) {
        return -ENOMEM;
    }
    if (str_copy(w->name, sizeof w->name, ifname)) {
        free(w);
        return -ENAMETOOLONG;
    }
    if (!lm.nl) {
        r = linkmon_open(loop);
        if (r) {
            free(w);
            return r;
        }
    }
    if (!linkmon_query(ifname, &st)) {
        w->ifindex = st.ifindex;
    }
    w->cb = cb;
    w->arg = arg;
    w->next = lm.watches;
    lm.watches = w;
    *out = w;
    return 0;
}

void
linkmon_unwatch(struct linkmon_watch *w)
{
    struct linkmon_watch **pp;

    if (!w) {
        return;
    }
    for (pp = &lm.watches; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    free(w);
    if (!lm.watches && lm.nl) {
        evloop_del_fd(lm.loop, mnl_socket_get_fd(lm.nl));
        mnl_socket_close(lm.nl);
        lm.nl = NULL;
        lm.loop = NULL;
    }
}
