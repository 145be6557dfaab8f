/* uplink-rx: the uplink's TPACKET_V2 receive ring (see uplink.h). */
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "ports/uplink-private.h"
#include "switch/bridge.h"

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

    if (memcmp(frame_dst(f), u->dev_mac, 6) || !u->port.bridge) {
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

/* One burst: up to XVS_BURST_MAX frames to the bridge, then their slots
 * back to the kernel. */
void
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
        uplink_want_more(u);
    }
}
