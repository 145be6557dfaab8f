/* vif_private: the structures shared by netback.c, vif.c (life cycle,
 * events), vif_tx.c (guest -> switch) and vif_rx.c (switch -> guest).
 * Not for use outside netback/. */
#ifndef XVS_VIF_PRIVATE_H
#define XVS_VIF_PRIVATE_H 1

#include "lib/evloop.h"
#include "lib/log.h"
#include "netback/netback.h"
#include "netback/netif_rx.h"
#include "netback/netif_tx.h"
#include "netback/vif.h"
#include "netback/xenif.h"
#include "switch/frame.h"
#include "switch/port.h"

/* Grant copy batch bounds: a frame to a guest takes at most one segment per
 * (data slot, source piece) boundary. */
#define VIF_RX_SEGS_PER_FRAME (NETIF_RX_DATA_SLOTS_MAX + FRAME_FRAGS_MAX + 2)
#define NETBACK_COPY_SEGS (NETIF_RX_BATCH_FRAMES * VIF_RX_SEGS_PER_FRAME)
#define NETBACK_BOUNCE_BYTES (1u << 20)  /* dom0 staging per RX batch */
#define VIF_TX_HEAD_COPY (FRAME_HEAD_MIN + VLAN_HLEN_)  /* head bytes copied */

/* A frame waiting in a queue's RX backlog, linear in dom0 memory. */
struct vif_rxbuf {
    struct vif_rxbuf *next;
    uint64_t enq_ms;
    struct netif_rx_meta meta;
    uint8_t data[];
};
/* What one backlogged frame of len bytes counts against rxq_max_bytes. */
#define RXBUF_COST(len) ((uint32_t)sizeof(struct vif_rxbuf) + (len))

struct vif_queue {
    struct vif *vif;
    unsigned idx;
    netif_tx_back_ring_t tx;
    netif_rx_back_ring_t rx;
    void *tx_page, *rx_page;
    int port_tx, port_rx;            /* local ports; equal if shared; -1 unbound */

    /* Scheduling (netback.c). */
    bool tx_kick, rx_kick;           /* event seen, work not finished */
    bool evt;                        /* an event channel fired for this run */
    bool busy;                       /* on the netback's busy list */
    struct vif_queue *busy_next;

    /* TX burst in flight. */
    unsigned n_tx;
    struct netif_tx_pkt pkts[NETIF_TX_BATCH_FRAMES];
    uint8_t kinds[NETIF_TX_BATCH_FRAMES];    /* enum netif_tx_result */
    int16_t status[NETIF_TX_BATCH_FRAMES];
    struct frame frames[NETIF_TX_BATCH_FRAMES];
    uint8_t heads[NETIF_TX_BATCH_FRAMES][FRAME_HEAD_MAX];
    uint8_t *data[NETIF_TX_BATCH_FRAMES];    /* where frame i was copied to */
    bool whole[NETIF_TX_BATCH_FRAMES];       /* all of it (else its head) */

    /* RX backlog (FIFO), bounded by rxq_max_bytes. */
    struct vif_rxbuf *rxq_head, **rxq_tail;
    uint32_t rxq_frames, rxq_bytes;  /* rxq_bytes: sum of RXBUF_COST() */
    uint64_t rx_stall_since;         /* first refusal for lack of slots, or 0 */

    /* Event storm detection (vif.c): the guest's producers at the last
     * event, spurious events in a row, ports whose unmask is held back. */
    RING_IDX seen_tx_prod, seen_rx_prod;
    unsigned spurious_run;
    bool resumed;               /* connected to a ring with responses on it */
    bool held_tx, held_rx;
    struct evloop_timer *hold_timer;
};

struct vif {
    struct port port;                /* first: the bridge's handle */
    struct netback *nb;
    uint16_t domid;
    uint32_t devid;
    enum vif_state state;
    char fatal_reason[80];
    bool reap;                       /* FATAL: release rings at a safe point */
    struct vif *reap_next;
    struct vif_frontend fe;
    unsigned nqueues;
    struct vif_queue queues[VIF_QUEUES_MAX];

    /* Rate limit (Linux netback's credit scheme). */
    uint64_t credit_bytes, credit_usec, remaining_credit;
    uint64_t credit_window_ms;       /* start of the current window */
    struct evloop_timer *credit_timer;

    /* Multicast filter (request-multicast-control). */
    uint8_t mcast[VIF_MCAST_MAX][6];
    unsigned n_mcast;

    unsigned mtu;                    /* `mtu` key; 0: none */
    bool stalled;                    /* carrier off for lack of RX buffers */
    struct evloop_timer *tick;
    struct vif_stats stats;
    struct xlog_ratelimit rl;
};

/* netback.c */
int netback_bind_port(struct netback *, int port, struct vif_queue *, bool tx, bool rx);
void netback_unbind_port(struct netback *, int port);
void netback_queue_kick(struct netback *, struct vif_queue *, bool tx, bool rx);
void netback_queue_forget(struct netback *, struct vif_queue *);
void netback_reap_later(struct netback *, struct vif *);
void netback_reap_forget(struct netback *, struct vif *);

/* Scratch of one RX grant-copy batch (one at a time per process). */
struct netback_rx_batch {
    unsigned n;                                  /* frames */
    struct netif_rx_pkt pkts[NETIF_RX_BATCH_FRAMES];
    struct vif_rxbuf *release[NETIF_RX_BATCH_FRAMES];  /* freed after the copy */
    bool ok[NETIF_RX_BATCH_FRAMES][NETIF_RX_SLOTS_MAX];
    uint64_t bytes[NETIF_RX_BATCH_FRAMES];
    unsigned nsegs;
    struct xenif_copy_seg segs[NETBACK_COPY_SEGS];
    uint8_t seg_frame[NETBACK_COPY_SEGS];
    uint8_t seg_slot[NETBACK_COPY_SEGS];
    /* The vif whose grant a segment reads (vif -> vif copies), to blame it
     * when its grant turns out bad (one probe copy per failed frame). */
    struct vif *seg_src[NETBACK_COPY_SEGS];
    struct vif *blame[NETIF_RX_BATCH_FRAMES];
    struct xenif_copy_seg probe[NETIF_RX_BATCH_FRAMES];
    uint8_t probe_frame[NETIF_RX_BATCH_FRAMES];
    uint8_t probe_sink;
    size_t bounce_used;
    uint8_t bounce[NETBACK_BOUNCE_BYTES];
    /* Software segmentation of GSO frames for guests without GSO. */
    uint8_t gso_frame[NETIF_RX_LEN_MAX + VLAN_HLEN_];
    uint8_t gso_seg[NETIF_RX_LEN_MAX + VLAN_HLEN_];
};
struct netback_rx_batch *netback_rx_batch(struct netback *);
/* NETBACK_TX_COPY_BYTES of dom0 memory for the frames of the TX burst
 * being switched (one burst at a time per process). */
uint8_t *netback_tx_area(struct netback *);
_Static_assert(NETIF_TX_BATCH_FRAMES * NETIF_TX_SEGS_MAX <= NETBACK_COPY_SEGS,
               "a TX burst's copy fits the batch's segments");

/* vif.c */
void vif_fatal(struct vif *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vif_release_rings(struct vif *);
bool vif_queue_run(struct vif_queue *, unsigned budget);   /* true: work left */

/* vif_tx.c */
bool vif_tx_run(struct vif_queue *, unsigned budget);      /* true: work left */
bool vif_tx_rate_ok(struct vif *, uint32_t len);
void vif_tx_rate_init(struct vif *);

/* vif_rx.c */
void vif_output(struct port *, struct frame **, const uint16_t *tci, unsigned n);
void vif_rx_kick(struct vif_queue *);               /* guest posted buffers */
void vif_rx_tick(struct vif_queue *, uint64_t now_ms);
unsigned vif_rx_tick_ms(const struct vif *);
void vif_rxq_purge(struct vif_queue *, enum port_drop_reason);

#endif
