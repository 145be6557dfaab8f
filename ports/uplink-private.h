/* uplink-private: the uplink port's state, shared by uplink.c (life
 * cycle, link state), uplink-rx.c (receive ring) and uplink-tx.c (transmit
 * ring and second socket).  Not for other modules: see uplink.h. */
#ifndef XVS_PORTS_UPLINK_PRIVATE_H
#define XVS_PORTS_UPLINK_PRIVATE_H 1

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/log.h"
#include "ports/uplink.h"
#include "ports/vnet.h"

struct evloop;
struct linkmon_watch;

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
    int tx_big_fd;                     /* ring-less socket for frames bigger than a
                                       TX slot (GSO, MTU raised later), or -1 */
    int ifindex;
    unsigned mtu;
    bool dev_gone;                  /* "device removed" logged */
    bool mac_pinned;                /* port.mac set by uplink_pin_mac() */
    uint8_t dev_mac[6];             /* the device's own address */
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
    unsigned tx_room;               /* frame bytes a slot holds, tag included */
    uint8_t *tx_big_buf;               /* linear copy of one such frame */

    struct frame rx_frames[XVS_BURST_MAX];
    struct frame *rx_ptrs[XVS_BURST_MAX];
};

extern struct xlog_ratelimit uplink_rl;   /* remote-triggerable messages */

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

void uplink_set_link(struct uplink *, bool up, const char *why);
/* Another turn on the loop (more frames waiting, or a kick to retry). */
void uplink_want_more(struct uplink *);

/* uplink-rx.c */
void uplink_rx_burst(struct uplink *);

/* uplink-tx.c */
void uplink_kick(struct uplink *);
void uplink_output(struct port *, struct frame **, const uint16_t *out_tci, unsigned n);

#endif
