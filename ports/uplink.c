/* uplink: AF_PACKET port with TPACKET_V2 rings (see uplink.h). */
#include "ports/uplink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
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

/* Where a TX slot's data starts (what the kernel expects without
 * PACKET_TX_HAS_OFF): the vnet header, then the frame. */
#define TX_DATA_OFF (TPACKET_ALIGN(sizeof(struct tpacket2_hdr)))
#define TX_RING_MTU_MIN 1500        /* slots are sized for at least this */
#define UPLINK_SNDBUF (4 << 20)     /* room for every TX slot in flight */
#define UPLINK_RCVBUF (4 << 20)     /* oversized frames queued for recvmsg() */
#define RING_BLOCK_MIN (64 << 10)   /* ring allocation unit */
#define BIG_BUF_SIZE (VNET_HDR_LEN + VLAN_HLEN_ + FRAME_LEN_MAX)

struct uplink {
    struct port port;
    struct evloop *loop;
    struct linkmon_watch *watch;
    int fd;                         /* ring socket */
    int gso_fd;                     /* ring-less socket for GSO frames, or -1 */
    int ifindex;
    unsigned mtu;
    bool dev_gone;                  /* "device removed" logged */
    bool more_pending;              /* evloop_want_more() outstanding */
    bool dead;                      /* destroyed while more_pending */
    bool kick_pending;              /* TX slots queued, kernel said EAGAIN */

    uint8_t *map;                   /* RX ring, then TX ring */
    size_t map_len;

    /* RX: fixed slots, read in ring order from rx_head. */
    unsigned rx_frame_size, rx_head;
    uint8_t *big_buf;               /* one oversized frame (recvmsg) per burst */
    uint64_t rx_truncated, rx_bad_vnet, rx_ring_drops, rx_big, rx_host_only;

    /* TX: fixed slots, filled in ring order from tx_head. */
    uint8_t *tx_ring;
    unsigned tx_frame_size, tx_head;
    uint8_t *gso_buf;               /* linear copy of one GSO frame */

    struct frame rx_frames[XVS_BURST_MAX];
    struct frame *rx_ptrs[XVS_BURST_MAX];
};

static struct xlog_ratelimit uplink_rl = XLOG_RATELIMIT_INIT(5, 20);

static inline struct uplink *
uplink_cast(struct port *p)
{
    return (struct uplink *) ((char *) p - offsetof(struct uplink, port));
}

static inline struct tpacket2_hdr *
rx_slot(struct uplink *u, unsigned i)
{
    return (struct tpacket2_hdr *) (u->map + (size_t) i * u->rx_frame_size);
}

static inline struct tpacket2_hdr *
tx_slot(struct uplink *u, unsigned i)
{
    return (struct tpacket2_hdr *) (u->tx_ring + (size_t) i * u->tx_frame_size);
}

static void
uplink_set_link(struct uplink *u, bool up, const char *why)
{
    if (u->port.link_up != up) {
        u->port.link_up = up;
        xlog(XLOG_MOD_UPLINK, up ? XLOG_INFO : XLOG_WARN, "uplink %s: link %s%s%s",
             u->port.name, up ? "up" : "down", why ? ": " : "", why ? why : "");
    }
}

/* ---- receive ---- */

/* Turn the frame at data (len bytes, with the vnet header in front and at
 * least VLAN_HLEN_ writable bytes before that) into f.  h is its ring slot
 * header (VLAN).  Returns 0, or the drop reason + 1. */
static int
rx_parse(struct uplink *u, const struct tpacket2_hdr *h, uint8_t *data, uint32_t len,
         struct frame *f)
{
    struct virtio_net_hdr vh;
    int adjust = 0;

    if (len < ETH_HLEN_) {
        return DROP_BAD_FRAME + 1;
    }
    memcpy(&vh, data - VNET_HDR_LEN, sizeof vh);

    if (h->tp_status & TP_STATUS_VLAN_VALID) {
        /* Put the tag the kernel took out back in front of the ethertype,
         * in the room before the frame (the vnet header was copied out
         * above); frame_init_local() takes an 802.1Q tag out again into
         * f->tci and leaves other TPIDs (802.1ad) in the bytes. */
        uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) && h->tp_vlan_tpid
                        ? h->tp_vlan_tpid : ETH_P_8021Q;

        memmove(data - VLAN_HLEN_, data, 12);
        data -= VLAN_HLEN_;
        data[12] = (uint8_t) (tpid >> 8);
        data[13] = (uint8_t) tpid;
        data[14] = (uint8_t) (h->tp_vlan_tci >> 8);
        data[15] = (uint8_t) h->tp_vlan_tci;
        len += VLAN_HLEN_;
        adjust += VLAN_HLEN_;
    }
    if (len > FRAME_LEN_MAX || frame_init_local(f, data, len)) {
        return DROP_BAD_FRAME + 1;
    }
    if (f->flags & FRAME_F_TAGGED) {
        adjust -= VLAN_HLEN_;
    }
    if (vnet_hdr_to_frame(&vh, adjust, f)) {
        u->rx_bad_vnet++;
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: dropping frame with unsupported "
                       "offload (gso_type %u)", u->port.name, vh.gso_type);
        }
        return DROP_BAD_FRAME + 1;
    }
    return 0;
}

/* A frame too big for its slot (a GRO or GSO frame): the kernel queued a
 * full copy on the socket (PACKET_COPY_THRESH); read it into big_buf. */
static int
rx_big(struct uplink *u, const struct tpacket2_hdr *h, struct frame *f)
{
    uint8_t *room = u->big_buf + VLAN_HLEN_;
    ssize_t n = recv(u->fd, room, BIG_BUF_SIZE - VLAN_HLEN_, MSG_DONTWAIT | MSG_TRUNC);

    if (n < 0 || (size_t) n > BIG_BUF_SIZE - VLAN_HLEN_ || (size_t) n < VNET_HDR_LEN) {
        u->rx_truncated++;
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: lost a %u-byte frame larger than a "
                       "ring slot", u->port.name, h->tp_len);
        }
        return DROP_BAD_FRAME + 1;
    }
    u->rx_big++;
    return rx_parse(u, h, room + VNET_HDR_LEN, (uint32_t) n - VNET_HDR_LEN, f);
}

/* Frames to the uplink device's own MAC are for the host's stack on that
 * device (it still has one: AF_PACKET only listens).  The switch takes
 * them only if a port of the bridge owns that MAC too (the host port after
 * address takeover, which inherits it); otherwise they would be flooded
 * to every port as unknown unicast. */
static bool
rx_host_only(struct uplink *u, const struct frame *f)
{
    struct port *p;
    uint16_t vlan;
    unsigned i;

    if (memcmp(frame_dst(f), u->port.mac, 6) || !u->port.bridge) {
        return false;
    }
    vlan = (f->flags & FRAME_F_TAGGED) && (f->tci & 0xfff) ? f->tci & 0xfff : u->port.pvid;
    if (fdb_lookup(bridge_fdb(u->port.bridge), frame_dst(f), vlan)) {
        return false;
    }
    /* Not learned (yet, or aged out while the host was silent): a port
     * that owns the MAC still gets it.  Rare, so a scan is fine. */
    for (i = 0; (p = bridge_port_at(u->port.bridge, i)) != NULL; i++) {
        if (p != &u->port && !memcmp(p->mac, frame_dst(f), 6)) {
            return false;
        }
    }
    return true;
}

static void
rx_release(struct uplink *u, unsigned from, unsigned to)
{
    for (; from != to; from = (from + 1) % UPLINK_RX_SLOTS) {
        __atomic_store_n(&rx_slot(u, from)->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    }
}

static void uplink_more(void *);

/* One burst: up to XVS_BURST_MAX frames to the bridge, then their slots
 * back to the kernel. */
static void
uplink_rx_burst(struct uplink *u)
{
    unsigned start = u->rx_head, n = 0, seen;
    bool big_used = false;

    /* Dropped frames count against the burst too: the loop is bounded even
     * if the whole ring holds bad frames (slots are released afterwards). */
    for (seen = 0; seen < XVS_BURST_MAX; seen++) {
        struct tpacket2_hdr *h = rx_slot(u, u->rx_head);
        uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
        int drop;

        if (!(status & TP_STATUS_USER)) {
            break;
        }
        if (status & TP_STATUS_COPY) {
            if (big_used) {
                break;      /* big_buf is taken until this burst is done */
            }
            big_used = true;
            drop = rx_big(u, h, &u->rx_frames[n]);
        } else if (h->tp_snaplen < h->tp_len) {
            u->rx_truncated++;
            drop = DROP_BAD_FRAME + 1;
        } else if (h->tp_mac < TPACKET2_HDRLEN + VNET_HDR_LEN + VLAN_HLEN_) {
            drop = DROP_BAD_FRAME + 1;
        } else {
            drop = rx_parse(u, h, (uint8_t *) h + h->tp_mac, h->tp_snaplen, &u->rx_frames[n]);
        }
        if (drop) {
            port_count_drop(&u->port, (enum port_drop_reason) (drop - 1));
        } else if (rx_host_only(u, &u->rx_frames[n])) {
            u->rx_host_only++;
        } else {
            u->rx_ptrs[n] = &u->rx_frames[n];
            n++;
        }
        u->rx_head = (u->rx_head + 1) % UPLINK_RX_SLOTS;
    }
    if (n && u->port.bridge) {
        bridge_input(u->port.bridge, &u->port, u->rx_ptrs, n);
    }
    rx_release(u, start, u->rx_head);
    if (seen == XVS_BURST_MAX || big_used) {
        if (!u->more_pending) {
            u->more_pending = true;
            evloop_want_more(u->loop, uplink_more, u);
        }
    }
}

static void uplink_free(struct uplink *);
static void uplink_kick(struct uplink *);

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

/* ---- transmit ---- */

static void
uplink_kick(struct uplink *u)
{
    if (sendto(u->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0) {
        return;
    }
    switch (errno) {
    case EAGAIN:
    case ENOBUFS:
    case EINTR:
        /* Slots stay queued; kick again on the next loop turn. */
        u->kick_pending = true;
        if (!u->more_pending) {
            u->more_pending = true;
            evloop_want_more(u->loop, uplink_more, u);
        }
        break;
    case ENETDOWN:
    case ENXIO:
    case ENODEV:
        uplink_set_link(u, false, strerror(errno));
        break;
    default:
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: send: %s", u->port.name,
                       strerror(errno));
        }
    }
}

/* Bytes of a GSO frame's segments on the wire after the Ethernet header:
 * IP + TCP headers + MSS.  The TCP header length is read from the head
 * when it is there (20 otherwise, the minimum). */
static unsigned
gso_segment_l3_len(const struct frame *f)
{
    unsigned thl = 20;
    unsigned doff_at = f->csum_start + 12u;

    if (doff_at < f->head_len) {
        thl = MAX(20u, (unsigned) (f->head[doff_at] >> 4) * 4);
    }
    return f->csum_start - ETH_HLEN_ + thl + f->gso_size;
}

static int
uplink_open_gso(struct uplink *u)
{
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = u->ifindex };
    int one = 1;

    u->gso_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (u->gso_fd < 0) {
        return -errno;
    }
    if (setsockopt(u->gso_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one)
        || setsockopt(u->gso_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one)
        || bind(u->gso_fd, (struct sockaddr *) &sll, sizeof sll)) {
        int r = -errno;

        close(u->gso_fd);
        u->gso_fd = -1;
        return r;
    }
    u->gso_buf = malloc(FRAME_LEN_MAX + VLAN_HLEN_);
    if (!u->gso_buf) {
        close(u->gso_fd);
        u->gso_fd = -1;
        return -ENOMEM;
    }
    return 0;
}

/* Returns 0 or the drop reason + 1. */
static int
uplink_send_gso(struct uplink *u, const struct frame *f, uint16_t tci)
{
    unsigned tag = tci ? VLAN_HLEN_ : 0;
    struct virtio_net_hdr vh;
    struct iovec iov[2];
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
    int r;

    if (!(f->flags & FRAME_F_CSUM_PARTIAL) || gso_segment_l3_len(f) > u->mtu) {
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: dropping GSO frame (mss %u) whose "
                       "segments exceed MTU %u", u->port.name, f->gso_size, u->mtu);
        }
        return DROP_MTU + 1;
    }
    if (u->gso_fd < 0 && (r = uplink_open_gso(u)) != 0) {
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_ERR_(XLOG_MOD_UPLINK, "uplink %s: GSO socket: %s", u->port.name,
                      strerror(-r));
        }
        return DROP_TX_ERROR + 1;
    }
    r = frame_gather_tagged(f, tci, u->gso_buf, FRAME_LEN_MAX + VLAN_HLEN_);
    if (r < 0) {
        return DROP_TX_ERROR + 1;
    }
    vnet_hdr_from_frame(f, tag, 0, &vh);
    iov[0] = (struct iovec) { &vh, sizeof vh };
    iov[1] = (struct iovec) { u->gso_buf, (size_t) r };
    if (sendmsg(u->gso_fd, &msg, MSG_DONTWAIT) < 0) {
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: GSO send: %s", u->port.name,
                       strerror(errno));
        }
        return DROP_TX_ERROR + 1;
    }
    u->port.stats.tx_packets++;
    u->port.stats.tx_bytes += (unsigned) r;
    return 0;
}

/* Copy f into the next TX slot.  Returns 0 or the drop reason + 1. */
static int
uplink_queue(struct uplink *u, const struct frame *f, uint16_t tci, unsigned *queued)
{
    struct tpacket2_hdr *h = tx_slot(u, u->tx_head);
    unsigned tag = tci ? VLAN_HLEN_ : 0;
    unsigned room = u->tx_frame_size - TX_DATA_OFF - VNET_HDR_LEN;
    uint8_t *p = (uint8_t *) h + TX_DATA_OFF;
    struct virtio_net_hdr *vh;
    int r;

    if (f->len > u->mtu + ETH_HLEN_ || f->len + tag > room) {
        return DROP_MTU + 1;
    }
    if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE) {
        /* Hand the kernel what is queued; if the slot is still held by a
         * packet in flight, the ring is full. */
        if (*queued) {
            uplink_kick(u);
            *queued = 0;
        }
        if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE) {
            return DROP_QUEUE_FULL + 1;
        }
    }
    r = frame_gather_tagged(f, tci, p + VNET_HDR_LEN, room);
    if (r < 0) {
        return DROP_TX_ERROR + 1;
    }
    /* hdr_len = whole frame: the kernel copies it into the skb instead of
     * pointing at the slot, so a receiver that keeps the packet (a socket
     * in another namespace behind a veth) never sees the slot reused. */
    vh = (struct virtio_net_hdr *) p;
    vnet_hdr_from_frame(f, tag, (unsigned) r, vh);
    vh->gso_type = VIRTIO_NET_HDR_GSO_NONE;   /* a GSO frame that fits the MTU */
    vh->gso_size = 0;
    vh->hdr_len = (uint16_t) r;
    h->tp_len = VNET_HDR_LEN + (unsigned) r;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    u->tx_head = (u->tx_head + 1) % UPLINK_TX_SLOTS;
    u->port.stats.tx_packets++;
    u->port.stats.tx_bytes += (unsigned) r;
    (*queued)++;
    return 0;
}

static void
uplink_output(struct port *p, struct frame **frames, const uint16_t *out_tci, unsigned n)
{
    struct uplink *u = uplink_cast(p);
    unsigned queued = 0, i;

    if (!p->link_up) {
        for (i = 0; i < n; i++) {
            port_count_drop(p, DROP_LINK_DOWN);
        }
        return;
    }
    for (i = 0; i < n; i++) {
        const struct frame *f = frames[i];
        int drop;

        if (f->flags & FRAME_F_GSO && f->len > u->mtu + ETH_HLEN_) {
            /* Keep order: what is already in the ring goes first. */
            if (queued) {
                uplink_kick(u);
                queued = 0;
            }
            drop = uplink_send_gso(u, f, out_tci[i]);
        } else {
            drop = uplink_queue(u, f, out_tci[i], &queued);
        }
        if (drop) {
            port_count_drop(p, (enum port_drop_reason) (drop - 1));
        }
    }
    if (queued) {
        uplink_kick(u);
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
    if (u->gso_fd >= 0) {
        sll.sll_protocol = 0;
        if (bind(u->gso_fd, (struct sockaddr *) &sll, sizeof sll)) {
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
    if (st->exists && memcmp(st->mac, u->port.mac, 6) && !eth_addr_is_zero(st->mac)) {
        memcpy(u->port.mac, st->mac, 6);
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
        XLOG_INFO_(XLOG_MOD_UPLINK, "uplink %s: MTU %u -> %u", u->port.name, u->mtu, st->mtu);
        if (st->mtu + ETH_HLEN_ + VLAN_HLEN_ + TX_DATA_OFF + VNET_HDR_LEN > u->tx_frame_size) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: frames above %u bytes will be dropped "
                       "until the port is re-created", u->port.name,
                       u->tx_frame_size - (unsigned) (TX_DATA_OFF + VNET_HDR_LEN));
        }
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
    free(u->gso_buf);
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
    if (u->gso_fd >= 0) {
        close(u->gso_fd);
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
    u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "uplink %s: out of memory", ifname);
        return -ENOMEM;
    }
    port_init(&u->port, ifname, &uplink_ops);
    u->loop = loop;
    u->gso_fd = -1;
    u->mtu = st.mtu;
    u->port.link_up = st.up;
    memcpy(u->port.mac, st.mac, 6);

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
    r = evloop_add_fd(loop, u->fd, EPOLLIN, uplink_readable, u);
    if (r) {
        what = "event loop";
        goto fail;
    }
    XLOG_INFO_(XLOG_MOD_UPLINK, "uplink %s: open (ifindex %d, MTU %u, link %s)",
               ifname, st.ifindex, u->mtu, st.up ? "up" : "down");
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
