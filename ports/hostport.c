/* hostport: TAP device as the bridge's host interface (see hostport.h). */
#include "ports/hostport.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/util.h"
#include "ports/frame_iov.h"
#include "ports/hpstate.h"
#include "ports/ifaddr.h"
#include "ports/linkmon.h"
#include "ports/vnet.h"
#include "switch/bridge.h"

#define HOSTPORT_BUF_SIZE (VNET_HDR_LEN + FRAME_LEN_MAX + VLAN_HLEN_)
#define HOSTPORT_OFFLOADS (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
#define HOSTPORT_RX_LIMIT_MIN 1     /* reads per readiness, at least */
#define HOSTPORT_ECHO_SCORE_MAX 4   /* read-after-write: hits/misses remembered */
#define HOSTPORT_ECHO_RETRY 16      /* outputs between tries once misses lead */

struct hostport {
    struct port port;
    struct evloop *loop;
    struct linkmon_watch *watch;
    struct ifaddr_takeover *takeover;
    int fd;
    unsigned mtu;
    bool more_pending, dead;
    unsigned rx_limit;              /* reads per readiness (see rx_burst) */
    bool rx_was_full;               /* the last burst used its whole limit */
    bool echo_read;                 /* the pending "more" reads after a write */
    int echo_score;                 /* hits - misses, within +-ECHO_SCORE_MAX */
    unsigned echo_skipped;          /* outputs without a try (score < 0) */
    bool persistent, adopted;       /* see hpstate.h */
    char *state_dir;                /* where our record is, or NULL */
    uint64_t rx_bad;
    uint64_t rx_empty_reads;        /* reads that found the TAP empty */
    uint64_t echo_tries, echo_frames;   /* read-after-write: tries, frames got */

    uint8_t *rx_bufs;               /* XVS_BURST_MAX read buffers */
    uint8_t *tx_buf;                /* bounce buffer for tagged/granted frames */
    struct frame rx_frames[XVS_BURST_MAX];
    struct frame *rx_ptrs[XVS_BURST_MAX];
};

static struct xlog_ratelimit hostport_rl = XLOG_RATELIMIT_INIT(5, 20);

static inline struct hostport *
hostport_cast(struct port *p)
{
    return (struct hostport *) ((char *) p - offsetof(struct hostport, port));
}

void
hostport_default_mac(const char *name, uint8_t mac[6])
{
    uint32_t h = 2166136261u;      /* FNV-1a */
    const char *c;

    for (c = name; *c; c++) {
        h = (h ^ (uint8_t) *c) * 16777619u;
    }
    mac[0] = 0x02;                  /* locally administered, unicast */
    mac[1] = 0x58;                  /* 'X' */
    mac[2] = (uint8_t) (h >> 24);
    mac[3] = (uint8_t) (h >> 16);
    mac[4] = (uint8_t) (h >> 8);
    mac[5] = (uint8_t) h;
}

/* ---- receive (host -> switch) ---- */

static void hostport_more(void *);

/* A TAP read returns one frame, and only a read that fails with EAGAIN
 * says the queue is empty: in a PV dom0 that empty read is one more trap
 * through Xen per wake-up (with TCP's ACKs, often one frame per wake-up).
 * So a burst reads at most rx_limit frames, what the last burst found, and
 * leaves the rest to the level-triggered epoll; when epoll says the TAP is
 * readable (`readable`) right after a burst that used its whole limit,
 * frames were left behind: the limit doubles. */
static unsigned
hostport_rx_burst(struct hostport *hp, bool readable)
{
    unsigned n = 0, tries, limit = MAX(hp->rx_limit, (unsigned) HOSTPORT_RX_LIMIT_MIN);
    bool empty = false;

    if (readable && hp->rx_was_full) {
        limit = MIN(limit * 2, (unsigned) XVS_BURST_MAX);
    }

    for (tries = 0; tries < limit; tries++) {
        uint8_t *buf = hp->rx_bufs + (size_t) n * HOSTPORT_BUF_SIZE;
        struct frame *f = &hp->rx_frames[n];
        struct virtio_net_hdr vh;
        ssize_t len = read(hp->fd, buf, HOSTPORT_BUF_SIZE);

        if (len < 0) {
            if (errno != EAGAIN && errno != EINTR && xlog_ratelimit(&hostport_rl)) {
                XLOG_WARN_(XLOG_MOD_HOSTPORT, "host port %s: read: %s", hp->port.name,
                           strerror(errno));
            }
            empty = true;
            hp->rx_empty_reads++;
            break;
        }
        memcpy(&vh, buf, sizeof vh);
        if ((size_t) len < VNET_HDR_LEN + ETH_HLEN_
            || (size_t) len - VNET_HDR_LEN > FRAME_LEN_MAX
            || frame_init_local(f, buf + VNET_HDR_LEN, (uint32_t) len - VNET_HDR_LEN)
            || vnet_hdr_to_frame(&vh, f->flags & FRAME_F_TAGGED ? -VLAN_HLEN_ : 0, f)) {
            hp->rx_bad++;
            port_count_drop(&hp->port, DROP_BAD_FRAME);
            continue;
        }
        hp->rx_ptrs[n++] = f;
    }
    hp->rx_limit = empty ? MAX(tries, (unsigned) HOSTPORT_RX_LIMIT_MIN) : limit;
    hp->rx_was_full = !empty;
    if (n && hp->port.bridge) {
        bridge_input(hp->port.bridge, &hp->port, hp->rx_ptrs, n);
    }
    if (tries == XVS_BURST_MAX && !hp->more_pending) {
        hp->more_pending = true;
        evloop_want_more(hp->loop, hostport_more, hp);
    }
    return tries;
}

static void hostport_free(struct hostport *);

static void
hostport_more(void *arg)
{
    struct hostport *hp = arg;

    bool echo = hp->echo_read;

    hp->more_pending = false;
    hp->echo_read = false;
    if (hp->dead) {
        hostport_free(hp);
    } else if (hp->fd >= 0) {
        unsigned got = hostport_rx_burst(hp, false);

        if (echo) {
            hp->echo_tries++;
            hp->echo_frames += got;
            hp->echo_score = got ? MIN(hp->echo_score + 1, HOSTPORT_ECHO_SCORE_MAX)
                                 : MAX(hp->echo_score - 1, -HOSTPORT_ECHO_SCORE_MAX);
        }
    }
}

/* A write to the TAP runs dom0's stack before writev returns (softirq on
 * the way out): a TCP receiver's ACK, or a sender's next data, is often
 * queued on the TAP by then.  Reading it later in the same loop turn saves
 * the epoll_wait that would report it -- in a PV dom0 each system call is a
 * trap through Xen.  A read that finds nothing is one wasted call, so a
 * score of recent hits and misses decides; a losing score is tried again
 * every HOSTPORT_ECHO_RETRY outputs.  (Not from within output: the bridge
 * is busy switching.) */
static void
hostport_read_after_write(struct hostport *hp)
{
    if (hp->more_pending || hp->fd < 0) {
        return;
    }
    if (hp->echo_score < 0 && ++hp->echo_skipped < HOSTPORT_ECHO_RETRY) {
        return;
    }
    hp->echo_skipped = 0;
    hp->echo_read = true;
    hp->more_pending = true;
    evloop_want_more(hp->loop, hostport_more, hp);
}

/* The TAP was deleted under us (`ip link del`): its fd only reports
 * errors from now on, so stop polling it. */
static void
hostport_detach(struct hostport *hp)
{
    XLOG_WARN_(XLOG_MOD_HOSTPORT, "host port %s: device was deleted; port stays down",
               hp->port.name);
    evloop_del_fd(hp->loop, hp->fd);
    close(hp->fd);
    hp->fd = -1;
    hp->port.link_up = false;
}

static void
hostport_readable(int fd, uint32_t events, void *arg)
{
    struct hostport *hp = arg;

    if (events & (EPOLLERR | EPOLLHUP)) {
        hostport_detach(hp);
        return;
    }
    if (!hp->more_pending) {
        hostport_rx_burst(hp, true);
    }
}

/* ---- transmit (switch -> host) ---- */

static void
hostport_output(struct port *p, struct frame **frames, const uint16_t *out_tci, unsigned n)
{
    struct hostport *hp = hostport_cast(p);
    unsigned i, sent = 0;

    for (i = 0; i < n; i++) {
        const struct frame *f = frames[i];
        unsigned tag = out_tci[i] ? VLAN_HLEN_ : 0;
        struct iovec iov[1 + FRAME_IOV_MAX];
        struct virtio_net_hdr vh;
        uint8_t tagbuf[VLAN_HLEN_];
        unsigned niov;

        if (!p->link_up || hp->fd < 0) {
            port_count_drop(p, DROP_LINK_DOWN);
            continue;
        }
        if (!(f->flags & FRAME_F_GSO) && f->len > hp->mtu + ETH_HLEN_) {
            port_count_drop(p, DROP_MTU);
            continue;
        }
        vnet_hdr_from_frame(f, tag, 0, &vh);
        iov[0] = (struct iovec) { &vh, sizeof vh };
        /* Straight from where the frame is, unless it has grant fragments. */
        niov = frame_iov(f, out_tci[i], tagbuf, iov + 1);
        if (!niov) {
            int r = frame_gather_tagged(f, out_tci[i], hp->tx_buf,
                                        HOSTPORT_BUF_SIZE - VNET_HDR_LEN);

            if (r < 0) {
                port_count_drop(p, DROP_TX_ERROR);
                continue;
            }
            iov[1] = (struct iovec) { hp->tx_buf, (size_t) r };
            niov = 1;
        }
        niov++;
        if (writev(hp->fd, iov, (int) niov) < 0) {
            if (xlog_ratelimit(&hostport_rl)) {
                XLOG_WARN_(XLOG_MOD_HOSTPORT, "host port %s: write: %s", p->name,
                           strerror(errno));
            }
            port_count_drop(p, DROP_TX_ERROR);
            continue;
        }
        p->stats.tx_packets++;
        p->stats.tx_bytes += f->len + tag;
        sent++;
    }
    if (sent) {
        hostport_read_after_write(hp);
    }
}

/* ---- life cycle ---- */

static void
hostport_link_changed(void *arg, const struct linkmon_state *st)
{
    struct hostport *hp = arg;
    bool up = st->exists && st->up && hp->fd >= 0;

    if (st->exists && st->mtu) {
        hp->mtu = st->mtu;
    }
    if (hp->port.link_up != up) {
        hp->port.link_up = up;
        XLOG_INFO_(XLOG_MOD_HOSTPORT, "host port %s: link %s", hp->port.name,
                   up ? "up" : "down");
    }
}

static void
hostport_free(struct hostport *hp)
{
    free(hp->state_dir);
    free(hp->rx_bufs);
    free(hp->tx_buf);
    free(hp);
}

static void
hostport_destroy(struct port *p)
{
    struct hostport *hp = hostport_cast(p);

    linkmon_unwatch(hp->watch);
    /* Addresses go back while the TAP still exists. */
    ifaddr_giveback(hp->takeover);
    if (hp->fd >= 0) {
        evloop_del_fd(hp->loop, hp->fd);
        /* A clean removal: the device goes away with the fd. */
        if (hp->persistent && ioctl(hp->fd, TUNSETPERSIST, 0L) < 0) {
            XLOG_ERR_(XLOG_MOD_HOSTPORT, "host port %s: cannot turn persistence off (the "
                      "device stays): %s", p->name, strerror(errno));
        }
        close(hp->fd);
    }
    if (hp->persistent) {
        hpstate_remove(hp->state_dir, p->name);
    }
    XLOG_INFO_(XLOG_MOD_HOSTPORT, "host port %s: removed", p->name);
    if (hp->more_pending) {
        hp->dead = true;
    } else {
        hostport_free(hp);
    }
}

static void
hostport_describe(const struct port *p, json_t *obj)
{
    const struct hostport *hp = (const struct hostport *)
        ((const char *) p - offsetof(struct hostport, port));

    json_object_set_new(obj, "mtu", json_integer(hp->mtu));
    json_object_set_new(obj, "takeover", json_boolean(hp->takeover != NULL));
    json_object_set_new(obj, "persistent", json_boolean(hp->persistent));
    json_object_set_new(obj, "adopted", json_boolean(hp->adopted));
    json_object_set_new(obj, "rx_bad", json_integer((json_int_t) hp->rx_bad));
    json_object_set_new(obj, "rx_empty_reads", json_integer((json_int_t) hp->rx_empty_reads));
    json_object_set_new(obj, "echo_tries", json_integer((json_int_t) hp->echo_tries));
    json_object_set_new(obj, "echo_frames", json_integer((json_int_t) hp->echo_frames));
}

static const struct port_ops hostport_ops = {
    .kind = "host",
    .output = hostport_output,
    .destroy = hostport_destroy,
    .describe = hostport_describe,
};

/* Open the TAP; returns the fd or a negative errno, *what says which step. */
static int
tap_open(const char *name, const char **what)
{
    struct ifreq ifr;
    int fd, hdrlen = (int) VNET_HDR_LEN, r;

    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *what = "/dev/net/tun";
        return -errno;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    str_copy(ifr.ifr_name, sizeof ifr.ifr_name, name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        *what = "TUNSETIFF";
        goto fail;
    }
    if (ioctl(fd, TUNSETVNETHDRSZ, &hdrlen) < 0) {
        *what = "TUNSETVNETHDRSZ";
        goto fail;
    }
    if (ioctl(fd, TUNSETOFFLOAD, (unsigned long) HOSTPORT_OFFLOADS) < 0) {
        *what = "TUNSETOFFLOAD";
        goto fail;
    }
    return fd;
fail:
    r = -errno;
    close(fd);
    return r;
}

/* MAC, MTU, up. */
static int
tap_configure(const char *name, const uint8_t mac[6], unsigned mtu, const char **what)
{
    struct ifreq ifr;
    int s, r = 0;

    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        *what = "socket";
        return -errno;
    }
    /* An adopted TAP keeps what is already right (changing the MAC would
     * make the LAN relearn it). */
    memset(&ifr, 0, sizeof ifr);
    str_copy(ifr.ifr_name, sizeof ifr.ifr_name, name);
    if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0 || memcmp(ifr.ifr_hwaddr.sa_data, mac, 6)) {
        ifr.ifr_hwaddr.sa_family = 1;   /* ARPHRD_ETHER */
        memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
        if (ioctl(s, SIOCSIFHWADDR, &ifr) < 0) {
            *what = "set MAC address";
            r = -errno;
            goto out;
        }
    }
    if (ioctl(s, SIOCGIFMTU, &ifr) < 0 || ifr.ifr_mtu != (int) mtu) {
        ifr.ifr_mtu = (int) mtu;
        if (ioctl(s, SIOCSIFMTU, &ifr) < 0) {
            *what = "set MTU";
            r = -errno;
            goto out;
        }
    }
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        *what = "get flags";
        r = -errno;
        goto out;
    }
    if (ifr.ifr_flags & IFF_UP) {
        goto out;
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
        *what = "set up";
        r = -errno;
    }
out:
    close(s);
    return r;
}

/* Which device `name` is: a new one to make, ours to adopt, or foreign
 * (-EEXIST, message in err).  *rec: our record if any (else zeroed). */
static int
hostport_identify(const char *name, const char *state_dir, struct hpstate_rec *rec,
                  bool *adopt, char *err, size_t errlen)
{
    int idx = (int) if_nametoindex(name);
    bool have = state_dir && !hpstate_load(state_dir, name, rec);

    if (!have) {
        memset(rec, 0, sizeof *rec);
    }
    switch (hpstate_decide(idx, idx && hpstate_dev_is_tap(name), have ? rec : NULL)) {
    case HPSTATE_CREATE:
        *adopt = false;
        return 0;
    case HPSTATE_ADOPT:
        *adopt = true;
        return 0;
    case HPSTATE_FOREIGN:
        break;
    }
    snprintf(err, errlen, "host port %s: a network device of that name already exists%s%s%s"
             "%s%s", name, have ? " (not the TAP recorded in " : "", have ? state_dir : "",
             have ? "/" HPSTATE_PREFIX : "", have ? name : "", have ? ")" : "");
    return -EEXIST;
}

/* Make the TAP outlive us, recorded in the state directory; on failure the
 * port works on without persistence. */
static void
hostport_persist(struct hostport *hp, const char *takeover_from)
{
    struct hpstate_rec rec = { .ifindex = (int) if_nametoindex(hp->port.name) };
    int r;

    str_copy(rec.takeover, sizeof rec.takeover, takeover_from ? takeover_from : "");
    if (ioctl(hp->fd, TUNSETPERSIST, 1L) < 0) {
        r = -errno;
    } else {
        r = hpstate_save(hp->state_dir, hp->port.name, &rec);
        if (r && !hp->adopted) {
            ioctl(hp->fd, TUNSETPERSIST, 0L);
        }
    }
    if (r) {
        XLOG_WARN_(XLOG_MOD_HOSTPORT, "host port %s: not persistent (a crash of xvsd will "
                   "delete it): record in %s: %s", hp->port.name, hp->state_dir, strerror(-r));
    }
    hp->persistent = !r || hp->adopted;
}

int
hostport_create(struct evloop *loop, const char *name, const struct hostport_options *opts,
                struct port **out, char *err, size_t errlen)
{
    static const struct hostport_options no_opts;
    struct linkmon_state up_st, st;
    struct hpstate_rec rec;
    struct hostport *hp;
    const char *what = NULL;
    uint8_t mac[6];
    unsigned mtu;
    bool adopt;
    int r;

    if (!opts) {
        opts = &no_opts;
    }
    if (!name || !*name || strlen(name) >= IF_NAMESIZE || strchr(name, '/')) {
        snprintf(err, errlen, "host port %s: invalid interface name", name ? name : "");
        return -EINVAL;
    }
    r = hostport_identify(name, opts->state_dir, &rec, &adopt, err, errlen);
    if (r) {
        return r;
    }
    /* The previous run took over from another uplink (or the config no
     * longer takes over): that uplink gets its addresses back first, from
     * the TAP to adopt, or from the takeover record if the TAP is gone
     * (before a new TAP of that name exists). */
    if (rec.takeover[0]
        && (!opts->takeover_from || strcmp(rec.takeover, opts->takeover_from))) {
        ifaddr_release(rec.takeover, name, opts->state_dir);
    }
    hostport_default_mac(name, mac);
    mtu = opts->mtu ? opts->mtu : HOSTPORT_MTU_DEFAULT;
    if (opts->takeover_from) {
        r = linkmon_query(opts->takeover_from, &up_st);
        if (r) {
            snprintf(err, errlen, "host port %s: takeover from %s: %s", name,
                     opts->takeover_from, r == -ENODEV ? "no such device" : strerror(-r));
            return r;
        }
        memcpy(mac, up_st.mac, 6);
        if (!opts->mtu) {
            mtu = up_st.mtu;
        }
    }
    if (mtu < HOSTPORT_MTU_MIN || mtu > HOSTPORT_MTU_MAX) {
        snprintf(err, errlen, "host port %s: MTU %u out of range %u..%u", name, mtu,
                 HOSTPORT_MTU_MIN, HOSTPORT_MTU_MAX);
        return -ERANGE;
    }

    hp = calloc(1, sizeof *hp);
    if (!hp) {
        snprintf(err, errlen, "host port %s: out of memory", name);
        return -ENOMEM;
    }
    port_init(&hp->port, name, &hostport_ops);
    memcpy(hp->port.mac, mac, 6);
    hp->loop = loop;
    hp->mtu = mtu;
    hp->adopted = adopt;
    hp->fd = -1;
    hp->rx_bufs = malloc((size_t) XVS_BURST_MAX * HOSTPORT_BUF_SIZE);
    hp->tx_buf = malloc(HOSTPORT_BUF_SIZE);
    hp->state_dir = opts->state_dir ? strdup(opts->state_dir) : NULL;
    if (!hp->rx_bufs || !hp->tx_buf || (opts->state_dir && !hp->state_dir)) {
        r = -ENOMEM;
        what = "buffers";
        goto fail;
    }
    hp->fd = tap_open(name, &what);
    if (hp->fd < 0) {
        r = hp->fd;
        if (r == -EBUSY) {
            what = "attaching to the device left by a previous xvsd (is another xvsd "
                   "running?)";
        }
        goto fail;
    }
    r = tap_configure(name, mac, mtu, &what);
    if (r) {
        goto fail;
    }
    r = linkmon_watch(loop, name, hostport_link_changed, hp, &hp->watch);
    if (r) {
        what = "link monitor";
        goto fail;
    }
    if (!linkmon_query(name, &st)) {
        hp->port.link_up = st.up;
    }
    r = evloop_add_fd(loop, hp->fd, EPOLLIN, hostport_readable, hp);
    if (r) {
        what = "event loop";
        goto fail;
    }
    if (opts->takeover_from) {
        r = ifaddr_takeover(opts->takeover_from, name, opts->state_dir, adopt,
                            &hp->takeover, err, errlen);
        if (r) {
            evloop_del_fd(loop, hp->fd);
            goto fail_msg;
        }
    }
    if (hp->state_dir) {
        hostport_persist(hp, opts->takeover_from);
    }
    XLOG_INFO_(XLOG_MOD_HOSTPORT, "host port %s: %s (MAC " ETH_ADDR_FMT ", MTU %u%s%s%s)",
               name, adopt ? "adopted the device a previous xvsd left, with its addresses "
               "and routes" : "created", ETH_ADDR_ARGS(mac), mtu,
               opts->takeover_from ? ", addresses of " : "",
               opts->takeover_from ? opts->takeover_from : "",
               hp->persistent ? ", persistent" : "");
    *out = &hp->port;
    return 0;

fail:
    snprintf(err, errlen, "host port %s: %s: %s", name, what, strerror(-r));
fail_msg:
    linkmon_unwatch(hp->watch);
    if (hp->fd >= 0) {
        /* An adopted device stays as it was found, record included: dom0
         * keeps its addresses on it. */
        close(hp->fd);
    }
    hostport_free(hp);
    return r;
}
