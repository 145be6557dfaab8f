/* netif_tx: pure functions over a guest's TX ring (guest -> backend).
 *
 * No I/O and no grant access: netif_tx_parse() reads requests from the
 * shared ring (each slot copied once, RING_COPY_REQUEST style, and only the
 * copy is used) and turns the next frame into a `struct netif_tx_pkt`, a
 * list of (gref, offset, size) segments plus offload metadata and the ids
 * needed to answer.  netif_tx_respond() writes the responses.  The caller
 * does the grant copies in between.  (FreeBSD xnb's ring2pkt / pkt2rsp.)
 *
 * Slot sequence of one frame:
 *     first request   size = whole frame length, flags may have
 *                     extra_info | more_data | csum_blank | data_validated
 *     extra info *    while the previous extra has XEN_NETIF_EXTRA_FLAG_MORE
 *     request *       while the previous data slot has more_data;
 *                     size = that slot's bytes
 * The first slot's own bytes are len - sum(later sizes).
 *
 * Outcomes (enum netif_tx_result) and what the caller does:
 *     EMPTY      nothing produced                      sleep (final check)
 *     NEED_MORE  frame incomplete (more_data, next     sleep until
 *                slot not produced yet); nothing       netif_tx_wait_more()
 *                consumed
 *     FRAME      a frame to forward; slots consumed    copy, forward, respond OKAY
 *                                                      (ERROR if a copy failed)
 *     CONTROL    a multicast add/del request, no data  respond OKAY
 *     DROP       malformed frame, slots consumed       respond ERROR
 *     FATAL      guest is malicious or broken; nothing disable the vif
 *                consumed; pkt->reason says why
 *
 * Limits (Linux xen-netback's, so the same guests work):
 *     up to NETIF_TX_SLOTS_DROP (18 = XEN_NETIF_NR_SLOTS_MIN) slots after
 *     the first are accepted, up to NETIF_TX_SLOTS_FATAL (20) are dropped,
 *     more is fatal; offset + size > 4096 in any data slot is fatal; more
 *     than NETIF_TX_EXTRAS_MAX extras, an extra of type NONE or >= MAX, a
 *     GSO extra with size 0 or an unknown type, a missing extra slot, and
 *     more outstanding requests than the ring holds are fatal; a frame
 *     shorter than 14 bytes or whose first size is smaller than the sum of
 *     the others is dropped. */
#ifndef XVS_NETIF_TX_H
#define XVS_NETIF_TX_H 1

#include <stdbool.h>
#include <stdint.h>

#include "netback/netif_ring.h"

#define NETIF_TX_SLOTS_DROP XEN_NETIF_NR_SLOTS_MIN   /* follow-on slots accepted */
#define NETIF_TX_SLOTS_FATAL 20                      /* follow-on slots before fatal */
#define NETIF_TX_EXTRAS_MAX (XEN_NETIF_EXTRA_TYPE_MAX - 1)
#define NETIF_TX_SEGS_MAX (1 + NETIF_TX_SLOTS_DROP)  /* data slots of a frame */
#define NETIF_TX_PKT_SLOTS_MAX (1 + NETIF_TX_EXTRAS_MAX + NETIF_TX_SLOTS_FATAL)
#define NETIF_ETH_HLEN 14
#define NETIF_TX_BATCH_FRAMES 64                     /* frames per grant-copy batch */

enum netif_tx_result {
    NETIF_TX_EMPTY,
    NETIF_TX_NEED_MORE,
    NETIF_TX_FRAME,
    NETIF_TX_CONTROL,
    NETIF_TX_DROP,
    NETIF_TX_FATAL,
};

enum netif_tx_reason {
    NETIF_TX_R_NONE,
    /* DROP */
    NETIF_TX_R_RUNT,                /* frame shorter than an Ethernet header */
    NETIF_TX_R_SIZE_MISMATCH,       /* first size < sum of the other slots */
    NETIF_TX_R_TOO_MANY_SLOTS,      /* 19..20 follow-on slots */
    /* FATAL */
    NETIF_TX_R_IMPOSSIBLE_REQS,     /* req_prod beyond what the ring can hold */
    NETIF_TX_R_FATAL_SLOTS,         /* > 20 follow-on slots: malicious */
    NETIF_TX_R_CROSS_PAGE,          /* offset + size > 4096 */
    NETIF_TX_R_MISSING_EXTRA,       /* extra announced but not produced */
    NETIF_TX_R_BAD_EXTRA_TYPE,
    NETIF_TX_R_TOO_MANY_EXTRAS,
    NETIF_TX_R_GSO_SIZE_ZERO,
    NETIF_TX_R_BAD_GSO_TYPE,
    NETIF_TX_R_N
};
const char *netif_tx_reason_name(enum netif_tx_reason);

/* pkt.flags */
#define NETIF_TX_F_CSUM_BLANK     0x01   /* NETTXF_csum_blank: L4 csum to complete */
#define NETIF_TX_F_DATA_VALIDATED 0x02   /* NETTXF_data_validated */
#define NETIF_TX_F_GSO            0x04   /* gso_type / gso_size valid */
#define NETIF_TX_F_MCAST_ADD      0x08   /* CONTROL: add mcast_addr */
#define NETIF_TX_F_MCAST_DEL      0x10   /* CONTROL: remove mcast_addr */

struct netif_tx_seg {
    uint32_t gref;
    uint16_t offset;
    uint16_t size;                  /* offset + size <= 4096 */
};

struct netif_tx_pkt {
    RING_IDX first;                 /* ring index of the first slot */
    uint16_t nslots;                /* slots consumed (NEED_MORE: slots needed) */
    uint16_t nsegs;                 /* FRAME: data slots in segs[] */
    uint32_t len;                   /* FRAME: frame length == sum of seg sizes */
    uint16_t flags;                 /* NETIF_TX_F_* */
    uint8_t gso_type;               /* XEN_NETIF_GSO_TYPE_TCPV4 / TCPV6 */
    uint16_t gso_size;
    uint8_t mcast_addr[6];
    enum netif_tx_reason reason;    /* DROP / FATAL */
    struct netif_tx_seg segs[NETIF_TX_SEGS_MAX];
    /* For the responses: the id of every consumed slot, in ring order, and
     * which of them were extras (bit i: slot i answered NETIF_RSP_NULL). */
    uint16_t ids[NETIF_TX_PKT_SLOTS_MAX];
    uint32_t extra_mask;
};

/* Parse the next frame at ring->req_cons.  On FRAME, CONTROL and DROP the
 * frame's slots are consumed (req_cons += pkt->nslots); otherwise nothing
 * changes. */
enum netif_tx_result netif_tx_parse(netif_tx_back_ring_t *, struct netif_tx_pkt *);

/* Write pkt's responses at rsp_prod_pvt, in ring order: `status` for data
 * slots, NETIF_RSP_NULL for extras.  Returns 0, or -EINVAL if that would put
 * rsp_prod_pvt past req_cons or pkt->first is not the next slot to answer
 * (responses must follow consumption order). */
int netif_tx_respond(netif_tx_back_ring_t *, const struct netif_tx_pkt *, int16_t status);

/* Publish written responses; true if the guest must be notified. */
bool netif_tx_push(netif_tx_back_ring_t *);

/* Before sleeping with nothing left: true if requests arrived meanwhile
 * (keep working), false if the guest will notify us. */
bool netif_tx_final_check(netif_tx_back_ring_t *);

/* After NEED_MORE: true if the rest of the frame arrived meanwhile, false
 * if the guest will notify us when it produces it. */
bool netif_tx_wait_more(netif_tx_back_ring_t *, const struct netif_tx_pkt *);

#endif
