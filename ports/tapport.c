/* tapport: the dom0 side of a QEMU tap as a bridge port (see tapport.h).
 *
 * The uplink's ops are copied into each tapport and two of them replaced;
 * port->ops then points into the tapport, which is how a port finds its
 * tapport (container_of on the ops). */
#include "ports/tapport.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/util.h"
#include "ports/linkmon.h"
#include "ports/uplink.h"
#include "switch/port.h"

struct tapport {
    struct port_ops ops;            /* port->ops points here */
    const struct port_ops *base;    /* the uplink's */
    struct port *port;
    struct evloop *loop;
    struct linkmon_watch *watch;
    struct evloop_timer *gone_timer;
    bool gone_reported;
    const char *owner;              /* the caller's buffer (tapport.h) */
    tapport_gone_fn *gone;
    void *arg;
};

static const char tapport_kind[] = "tap";

static struct tapport *
tap_of(const struct port *p)
{
    return (struct tapport *) ((char *) p->ops - offsetof(struct tapport, ops));
}

static void
tapport_destroy(struct port *p)
{
    struct tapport *t = tap_of(p);

    linkmon_unwatch(t->watch);
    if (t->gone_timer) {
        evloop_timer_del(t->loop, t->gone_timer);
    }
    p->ops = t->base;
    t->base->destroy(p);
    free(t);
}

static void
tapport_describe(const struct port *p, json_t *obj)
{
    struct tapport *t = tap_of(p);

    if (t->base->describe) {
        t->base->describe(p, obj);
    }
    json_object_set_new(obj, "vif", json_string(t->owner));
}

static void
tapport_fire_gone(void *arg)
{
    struct tapport *t = arg;

    t->gone_timer = NULL;
    t->gone_reported = true;
    /* May destroy the port, and t with it. */
    t->gone(t->arg, t->port);
}

static void
tapport_link_changed(void *arg, const struct linkmon_state *st)
{
    struct tapport *t = arg;

    if (st->exists || t->gone_reported || t->gone_timer) {
        return;
    }
    XLOG_WARN_(XLOG_MOD_UPLINK, "tap %s (vif %s): device removed", t->port->name, t->owner);
    t->gone_timer = evloop_timer_add(t->loop, 0, 0, tapport_fire_gone, t);
    if (!t->gone_timer) {
        /* No memory for a timer: the uplink keeps the link down, and the
         * owner removes the port when libxl runs the script. */
        XLOG_ERR_(XLOG_MOD_UPLINK, "tap %s: cannot schedule its removal", t->port->name);
    }
}

/* Only a tun/tap device: anything else named by mistake (a NIC, a veth)
 * would be brought up and switched as a guest's NIC. */
static int
tap_check_driver(int fd, const char *ifname, char *err, size_t errlen)
{
    struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    ifr.ifr_data = (void *) &info;
    if (ioctl(fd, SIOCETHTOOL, &ifr)) {
        int r = -errno;
        snprintf(err, errlen, "tap %s: %s", ifname,
                 r == -ENODEV ? "no such device" : strerror(-r));
        return r;
    }
    if (strcmp(info.driver, "tun")) {
        snprintf(err, errlen, "tap %s: not a tap device (driver %.32s)", ifname, info.driver);
        return -EINVAL;
    }
    return 0;
}

/* QEMU leaves the tap down; Xen's vif-bridge brought it up and turned IPv6
 * off on it.  IPv6 off is best effort (a kernel without IPv6). */
static int
tap_prepare(const char *ifname, char *err, size_t errlen)
{
    struct ifreq ifr;
    char path[64 + IF_NAMESIZE];
    int fd, pfd, r = 0;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        r = -errno;
        snprintf(err, errlen, "tap %s: socket: %s", ifname, strerror(-r));
        return r;
    }
    if ((r = tap_check_driver(fd, ifname, err, errlen))) {
        close(fd);
        return r;
    }
    snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
    pfd = open(path, O_WRONLY | O_CLOEXEC);
    if (pfd >= 0) {
        if (write(pfd, "1", 1) != 1) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "tap %s: cannot turn IPv6 off: %s", ifname,
                       strerror(errno));
        }
        close(pfd);
    }
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
        r = -errno;
    } else if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr)) {
            r = -errno;
        }
    }
    close(fd);
    if (r) {
        snprintf(err, errlen, "tap %s: %s", ifname,
                 r == -ENODEV ? "no such device" : strerror(-r));
    }
    return r;
}

int
tapport_create(struct evloop *loop, const char *ifname, const char *owner,
               const uint8_t mac[6], tapport_gone_fn *gone, void *arg,
               struct port **out, char *err, size_t errlen)
{
    struct tapport *t;
    struct port *p = NULL;
    int r;

    if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE) {
        snprintf(err, errlen, "tap %s: invalid interface name", ifname ? ifname : "");
        return -EINVAL;
    }
    if ((r = tap_prepare(ifname, err, errlen))) {
        return r;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "tap %s: out of memory", ifname);
        return -ENOMEM;
    }
    r = uplink_create(loop, ifname, &p, err, errlen);
    if (r) {
        /* "uplink X: ..." is the uplink's wording; this is a tap. */
        if (!strncmp(err, "uplink ", 7)) {
            memmove(err, err + 3, strlen(err + 3) + 1);
            memcpy(err, "tap", 3);
        }
        free(t);
        return r;
    }
    t->base = p->ops;
    t->ops = *p->ops;
    t->ops.kind = tapport_kind;
    t->ops.destroy = tapport_destroy;
    t->ops.describe = tapport_describe;
    t->port = p;
    t->loop = loop;
    t->gone = gone;
    t->arg = arg;
    t->owner = owner ? owner : "";
    p->ops = &t->ops;
    uplink_pin_mac(p, mac);
    r = linkmon_watch(loop, ifname, tapport_link_changed, t, &t->watch);
    if (r) {
        snprintf(err, errlen, "tap %s: link monitor: %s", ifname, strerror(-r));
        tapport_destroy(p);
        return r;
    }
    *out = p;
    return 0;
}
