/* uplink-tx: the uplink's TPACKET_V2 transmit ring and its second,
 * ring-less socket for frames bigger than a slot (see uplink.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <stdlib.h>

#include "lib/log.h"
#include "lib/util.h"
#include "ports/frame_iov.h"
#include "ports/uplink-private.h"

void
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
        uplink_want_more(u);
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
uplink_open_big(struct uplink *u)
{
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = u->ifindex };
    int one = 1;

    u->tx_big_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (u->tx_big_fd < 0) {
        return -errno;
    }
    if (setsockopt(u->tx_big_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one)
        || setsockopt(u->tx_big_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one)
        || bind(u->tx_big_fd, (struct sockaddr *) &sll, sizeof sll)) {
        int r = -errno;

        close(u->tx_big_fd);
        u->tx_big_fd = -1;
        return r;
    }
    u->tx_big_buf = malloc(FRAME_LEN_MAX + VLAN_HLEN_);
    if (!u->tx_big_buf) {
        close(u->tx_big_fd);
        u->tx_big_fd = -1;
        return -ENOMEM;
    }
    return 0;
}

/* A frame too big for a TX slot, sent by sendmsg() on the ring-less socket
 * (GSO frames are segmented by the kernel).  Returns 0 or the drop reason
 * + 1. */
static int
uplink_send_big(struct uplink *u, const struct frame *f, uint16_t tci)
{
    unsigned tag = tci ? VLAN_HLEN_ : 0, niov;
    struct virtio_net_hdr vh;
    struct iovec iov[1 + FRAME_IOV_MAX];
    struct msghdr msg = { .msg_iov = iov };
    uint8_t tagbuf[VLAN_HLEN_];
    int r;

    if (!(f->flags & FRAME_F_GSO)) {
        if (f->len > u->mtu + ETH_HLEN_) {
            return DROP_MTU + 1;
        }
    } else if (!(f->flags & FRAME_F_CSUM_PARTIAL) || gso_segment_l3_len(f) > u->mtu) {
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: dropping GSO frame (mss %u) whose "
                       "segments exceed MTU %u", u->port.name, f->gso_size, u->mtu);
        }
        return DROP_MTU + 1;
    }
    if (u->tx_big_fd < 0 && (r = uplink_open_big(u)) != 0) {
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_ERR_(XLOG_MOD_UPLINK, "uplink %s: second socket: %s", u->port.name,
                      strerror(-r));
        }
        return DROP_TX_ERROR + 1;
    }
    /* The kernel copies anyway: hand it the frame where it is, and only
     * gather frames it cannot read (grant fragments). */
    vnet_hdr_from_frame(f, tag, 0, &vh);
    iov[0] = (struct iovec) { &vh, sizeof vh };
    niov = frame_iov(f, tci, tagbuf, iov + 1);
    if (!niov) {
        r = frame_gather_tagged(f, tci, u->tx_big_buf, FRAME_LEN_MAX + VLAN_HLEN_);
        if (r < 0) {
            return DROP_TX_ERROR + 1;
        }
        iov[1] = (struct iovec) { u->tx_big_buf, (size_t) r };
        niov = 1;
    }
    msg.msg_iovlen = 1 + niov;
    if (sendmsg(u->tx_big_fd, &msg, MSG_DONTWAIT) < 0) {
        if (xlog_ratelimit(&uplink_rl)) {
            XLOG_WARN_(XLOG_MOD_UPLINK, "uplink %s: send: %s", u->port.name,
                       strerror(errno));
        }
        return DROP_TX_ERROR + 1;
    }
    u->port.stats.tx_packets++;
    u->port.stats.tx_bytes += f->len + tag;
    return 0;
}

/* Copy f into the next TX slot.  Returns 0 or the drop reason + 1. */
static int
uplink_queue(struct uplink *u, const struct frame *f, uint16_t tci, unsigned *queued)
{
    struct tpacket2_hdr *h = tx_slot(u, u->tx_head);
    unsigned tag = tci ? VLAN_HLEN_ : 0;
    unsigned room = u->tx_room;
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

void
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

        if ((f->flags & FRAME_F_GSO && f->len > u->mtu + ETH_HLEN_)
            || f->len + VLAN_HLEN_ > u->tx_room) {
            /* Keep order: what is already in the ring goes first. */
            if (queued) {
                uplink_kick(u);
                queued = 0;
            }
            drop = uplink_send_big(u, f, out_tci[i]);
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
