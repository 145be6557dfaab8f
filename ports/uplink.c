/* uplink: AF_PACKET port, life cycle and link state (see uplink.h). */
#include "ports/uplink-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/util.h"
#include "ports/linkmon.h"
#include "ports/vnet.h"
#include "switch/bridge.h"

struct xlog_ratelimit uplink_rl = XLOG_RATELIMIT_INIT(5, 20);

void
uplink_set_link(struct uplink *u, bool up, const char *why)
{
    if (u->port.link_up != up) {
        u->port.link_up = up;
        xlog(XLOG_MOD_UPLINK, up ? XLOG_INFO : XLOG_WARN, "uplink %s: link %s%s%s",
             u->port.name, up ? "up" : "down", why ? ": " : "", why ? why : "");
    }
}

static void uplink_free(struct uplink *);

static void
uplink_more(void *arg)
{
    struct uplink *u = arg;

    u->more_pending = false;
    if (u->dead) {
        uplink_free(u);
        return;
    }
    if (u->kick_pending) {
        u->kick_pending = false;
        uplink_kick(u);
    }
    uplink_rx_burst(u);
}

static void
uplink_sock_error(struct uplink *u)
{
    int err = 0;
    socklen_t len = sizeof err;

    if (getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &err, &len) || !err) {
        return;
    }
    if (err == ENETDOWN || err == ENXIO || err == ENODEV) {
        uplink_set_link(u, false, strerror(err));
    } else if (xlog_ratelimit(&uplink_rl)) {
        XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: socket error: %s", u->port.name,
                   strerror(err));
    }
}

static void
uplink_readable(int fd, uint32_t events, void *arg)
{
    struct uplink *u = arg;

    if (events & EPOLLERR) {
        uplink_sock_error(u);
    }
    if (!u->more_pending) {
        uplink_rx_burst(u);
    }
}

void
uplink_want_more(struct uplink *u)
{
    if (!u->more_pending) {
        u->more_pending = true;
        evloop_want_more(u->loop, uplink_more, u);
    }
}

/* ---- life cycle ---- */

static int
uplink_bind(struct uplink *u, int ifindex)
{
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = ifindex,
    };
    struct packet_mreq mr = { .mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC };

    if (bind(u->fd, (struct sockaddr *) &sll, sizeof sll)
        || setsockopt(u->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr)) {
        return -errno;
    }
    if (u->tx_big_fd >= 0) {
        sll.sll_protocol = 0;
        if (bind(u->tx_big_fd, (struct sockaddr *) &sll, sizeof sll)) {
            return -errno;
        }
    }
    u->ifindex = ifindex;
    return 0;
}

static void
uplink_link_changed(void *arg, const struct linkmon_state *st)
{
    struct uplink *u = arg;

    if (!st->exists) {
        if (!u->dev_gone) {
            u->dev_gone = true;
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: device removed", u->port.name);
        }
        uplink_set_link(u, false, NULL);
        return;
    }
    if (!eth_addr_is_zero(st->mac)) {
        memcpy(u->dev_mac, st->mac, 6);
        if (!u->mac_pinned) {
            memcpy(u->port.mac, st->mac, 6);
        }
    }
    if (st->ifindex != u->ifindex) {
        int r = uplink_bind(u, st->ifindex);

        if (r) {
            XLOG_ERR_(XLOG_MOD_UPLINK, "uplink %s: cannot bind to new device: %s",
                      u->port.name, strerror(-r));
            return;
        }
        u->dev_gone = false;
        XLOG_INFO_(XLOG_MOD_UPLINK, "uplink %s: device is back (ifindex %d)",
                   u->port.name, st->ifindex);
    }
    if (st->mtu && st->mtu != u->mtu) {
        /* Frames that outgrow the ring slots now take the slower socket
         * path (TX) or the kernel's copy queue (RX): nothing is lost. */
        XLOG_INFO_(XLOG_MOD_UPLINK, "uplink %s: MTU %u -> %u", u->port.name, u->mtu, st->mtu);
        u->mtu = st->mtu;
    }
    uplink_set_link(u, st->up, NULL);
}

static unsigned
round_pow2(unsigned x)
{
    unsigned r = 1;

    while (r < x) {
        r <<= 1;
    }
    return r;
}

/* Ring geometry: slots of frame_size (a power of two) in blocks of at
 * least RING_BLOCK_MIN, so slot i is at i * frame_size. */
static void
ring_req(struct tpacket_req *req, unsigned frame_size, unsigned slots)
{
    unsigned block = MAX(frame_size, RING_BLOCK_MIN);

    req->tp_frame_size = frame_size;
    req->tp_block_size = block;
    req->tp_frame_nr = slots;
    req->tp_block_nr = slots / (block / frame_size);
}

/* Socket options, rings and mapping; the socket binds afterwards. */
static int
uplink_setup_socket(struct uplink *u, const char **what)
{
    int v2 = TPACKET_V2, one = 1, sndbuf = UPLINK_SNDBUF, rcvbuf = UPLINK_RCVBUF;
    unsigned mtu = MAX(u->mtu, TX_RING_MTU_MIN);
    struct tpacket_req rx, tx;

    /* A slot holds the header, the vnet header, a tag and an MTU-sized
     * frame; bigger (GRO/GSO) frames take the recvmsg()/sendmsg() path. */
    u->rx_frame_size = round_pow2(TPACKET2_HDRLEN + 16 + VNET_HDR_LEN + VLAN_HLEN_
                                  + ETH_HLEN_ + mtu);
    u->tx_frame_size = round_pow2(TX_DATA_OFF + VNET_HDR_LEN + VLAN_HLEN_ + ETH_HLEN_ + mtu);
    u->tx_room = u->tx_frame_size - TX_DATA_OFF - VNET_HDR_LEN;
    ring_req(&rx, u->rx_frame_size, UPLINK_RX_SLOTS);
    ring_req(&tx, u->tx_frame_size, UPLINK_TX_SLOTS);

#define SETOPT(LEVEL, OPT, VAL) \
    if (setsockopt(u->fd, LEVEL, OPT, &(VAL), sizeof (VAL))) { *what = #OPT; return -errno; }
    SETOPT(SOL_PACKET, PACKET_VERSION, v2);
    SETOPT(SOL_PACKET, PACKET_VNET_HDR, one);
    SETOPT(SOL_PACKET, PACKET_LOSS, one);          /* skip, never stall on, a bad slot */
    SETOPT(SOL_PACKET, PACKET_QDISC_BYPASS, one);
    SETOPT(SOL_PACKET, PACKET_IGNORE_OUTGOING, one);
    SETOPT(SOL_PACKET, PACKET_COPY_THRESH, one);   /* oversized frames: full copy queued */
    SETOPT(SOL_PACKET, PACKET_RX_RING, rx);
    SETOPT(SOL_PACKET, PACKET_TX_RING, tx);
#undef SETOPT
    if (setsockopt(u->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf)) {
        setsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    }
    if (setsockopt(u->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf)) {
        setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    }

    u->map_len = (size_t) rx.tp_block_size * rx.tp_block_nr
                 + (size_t) tx.tp_block_size * tx.tp_block_nr;
    u->map = mmap(NULL, u->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                  u->fd, 0);
    if (u->map == MAP_FAILED) {
        u->map = NULL;
        *what = "mmap";
        return -errno;
    }
    u->tx_ring = u->map + (size_t) rx.tp_block_size * rx.tp_block_nr;
    return 0;
}

static void
uplink_free(struct uplink *u)
{
    free(u->big_buf);
    free(u->tx_big_buf);
    free(u);
}

static void
uplink_destroy(struct port *p)
{
    struct uplink *u = uplink_cast(p);

    linkmon_unwatch(u->watch);
    if (u->fd >= 0) {
        evloop_del_fd(u->loop, u->fd);
    }
    if (u->map) {
        munmap(u->map, u->map_len);
    }
    /* Closing the socket drops its promiscuous membership. */
    if (u->fd >= 0) {
        close(u->fd);
    }
    if (u->tx_big_fd >= 0) {
        close(u->tx_big_fd);
    }
    XLOG_INFO_(XLOG_MOD_UPLINK, "uplink %s: closed", p->name);
    if (u->more_pending) {
        u->dead = true;   /* freed by the pending uplink_more() */
    } else {
        uplink_free(u);
    }
}

static void
uplink_describe(const struct port *p, json_t *obj)
{
    struct uplink *u = uplink_cast((struct port *) p);
    struct tpacket_stats st;
    socklen_t len = sizeof st;

    /* The kernel counts ring overruns and resets on read: accumulate. */
    if (!getsockopt(u->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len)) {
        u->rx_ring_drops += st.tp_drops;
    }
    json_object_set_new(obj, "ifindex", json_integer(u->ifindex));
    json_object_set_new(obj, "mtu", json_integer(u->mtu));
    json_object_set_new(obj, "rx_ring_drops", json_integer((json_int_t) u->rx_ring_drops));
    json_object_set_new(obj, "rx_truncated", json_integer((json_int_t) u->rx_truncated));
    json_object_set_new(obj, "rx_oversized", json_integer((json_int_t) u->rx_big));
    json_object_set_new(obj, "rx_host_only", json_integer((json_int_t) u->rx_host_only));
    json_object_set_new(obj, "rx_bad_offload", json_integer((json_int_t) u->rx_bad_vnet));
}

void
uplink_pin_mac(struct port *p, const uint8_t mac[6])
{
    struct uplink *u = uplink_cast(p);

    u->mac_pinned = true;
    memcpy(p->mac, mac, 6);
}

static const struct port_ops uplink_ops = {
    .kind = "uplink",
    .output = uplink_output,
    .destroy = uplink_destroy,
    .describe = uplink_describe,
};

int
uplink_create(struct evloop *loop, const char *ifname, struct port **out,
              char *err, size_t errlen)
{
    struct linkmon_state st;
    struct uplink *u;
    const char *what = NULL;
    int r;

    if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE) {
        snprintf(err, errlen, "uplink %s: invalid interface name", ifname ? ifname : "");
        return -EINVAL;
    }
    r = linkmon_query(ifname, &st);
    if (r) {
        snprintf(err, errlen, "uplink %s: %s", ifname,
                 r == -ENODEV ? "no such device" : strerror(-r));
        return r;
    }
    if (st.hwtype != ARPHRD_ETHER) {
        /* AF_PACKET on an L3 device (tun, WireGuard, lo) gives no
         * Ethernet header: nothing the switch could parse. */
        snprintf(err, errlen, "uplink %s: not an Ethernet device", ifname);
        return -EINVAL;
    }
    u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "uplink %s: out of memory", ifname);
        return -ENOMEM;
    }
    port_init(&u->port, ifname, &uplink_ops);
    u->loop = loop;
    u->tx_big_fd = -1;
    u->mtu = st.mtu;
    u->port.link_up = st.up;
    memcpy(u->port.mac, st.mac, 6);
    memcpy(u->dev_mac, st.mac, 6);

    u->big_buf = malloc(BIG_BUF_SIZE);
    if (!u->big_buf) {
        r = -ENOMEM;
        what = "buffers";
        u->fd = -1;
        goto fail;
    }
    u->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (u->fd < 0) {
        r = -errno;
        what = "socket";
        goto fail;
    }
    r = uplink_setup_socket(u, &what);
    if (r) {
        goto fail;
    }
    r = uplink_bind(u, st.ifindex);
    if (r) {
        what = "bind";
        goto fail;
    }
    r = linkmon_watch(loop, ifname, uplink_link_changed, u, &u->watch);
    if (r) {
        what = "link monitor";
        goto fail;
    }
    /* A change between the first look and the watch (carrier coming up
     * while the rings were set up) would otherwise go unseen. */
    if (!linkmon_query(ifname, &st) && st.ifindex == u->ifindex) {
        uplink_link_changed(u, &st);
    }
    r = evloop_add_fd(loop, u->fd, EPOLLIN, uplink_readable, u);
    if (r) {
        what = "event loop";
        goto fail;
    }
    XLOG_INFO_(XLOG_MOD_UPLINK, "uplink %s: open (ifindex %d, MTU %u, link %s)",
               ifname, u->ifindex, u->mtu, u->port.link_up ? "up" : "down");
    *out = &u->port;
    return 0;

fail:
    snprintf(err, errlen, "uplink %s: %s: %s", ifname, what, strerror(-r));
    linkmon_unwatch(u->watch);
    if (u->map) {
        munmap(u->map, u->map_len);
    }
    if (u->fd >= 0) {
        close(u->fd);
    }
    uplink_free(u);
    return r;
}
