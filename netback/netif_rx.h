/* netif_rx: pure functions over a guest's RX ring (backend -> guest).
 *
 * The guest posts requests, each a writable grant of one whole page.  For a
 * frame of `len` bytes netif_rx_build() consumes the requests it needs and
 * says where each piece goes: data slot k receives frame bytes
 * [k*4096, min(len, (k+1)*4096)) at offset 0 of its page (pages are packed
 * full, as Linux netback does), so a frame needs ceil(len / 4096) data slots,
 * plus one slot for a GSO extra.  The caller grant-copies, then
 * netif_rx_respond() answers every consumed request *in its own slot*
 * (netfront finds its buffers by ring position) with:
 *
 *     slot first      status = bytes, flags = csum bits | extra_info? | more_data?
 *     slot first+1    netif_extra_info (GSO) when extra_info is set
 *     slot ...        status = bytes, flags = more_data except on the last
 *
 * A frame is started only when all its slots are posted (XSA-392: waiting
 * for one slot when the head frame needs more stalls forever); if they are
 * not, req_event asks the guest to notify when they are.
 *
 * Checksum delivery (first slot):
 *     partial, guest accepts it       csum_blank | data_validated
 *     partial, guest does not         the caller completes the checksum
 *                                     (netif_rx_csum_fixup()), then
 *                                     data_validated
 *     known good                      data_validated
 *     otherwise                       none (the guest verifies)
 * "Accepts" is IPv4: !feature-no-csum-offload; IPv6:
 * feature-ipv6-csum-offload.  GSO frames always go out partial (netfront
 * needs CHECKSUM_PARTIAL for GSO), so they need the guest's GSO feature for
 * their type and its checksum offload. */
#ifndef XVS_NETIF_RX_H
#define XVS_NETIF_RX_H 1

#include <stdbool.h>
#include <stdint.h>

#include "netback/netif_ring.h"

#define NETIF_RX_LEN_MAX 65535                       /* size fields are u16 */
#define NETIF_RX_DATA_SLOTS_MAX ((NETIF_RX_LEN_MAX + NETIF_PAGE_SIZE - 1) / NETIF_PAGE_SIZE)
#define NETIF_RX_SLOTS_MAX (NETIF_RX_DATA_SLOTS_MAX + 1)   /* + GSO extra */
#define NETIF_RX_BATCH_FRAMES 64                     /* frames per grant-copy batch */

/* What the guest wrote in its frontend directory. */
struct netif_rx_features {
    bool sg;                        /* feature-sg */
    bool gso_tcpv4, gso_tcpv6;      /* feature-gso-tcpv4 / -tcpv6 */
    bool csum_v4;                   /* !feature-no-csum-offload */
    bool csum_v6;                   /* feature-ipv6-csum-offload */
};

/* meta.flags */
#define NETIF_RX_M_CSUM_PARTIAL 0x01   /* L4 checksum still to be completed */
#define NETIF_RX_M_CSUM_VALID   0x02   /* checksum known good */
#define NETIF_RX_M_IPV6         0x04   /* the partial checksum is over IPv6 */

struct netif_rx_meta {
    uint32_t len;
    uint16_t flags;                 /* NETIF_RX_M_* */
    uint8_t gso_type;               /* XEN_NETIF_GSO_TYPE_*, NONE if not GSO */
    uint16_t gso_size;
};

struct netif_rx_slot {
    uint32_t gref;                  /* from the request, unchecked: grant copy checks */
    uint16_t id;
    uint16_t len;                   /* data bytes (0 for the extra slot) */
    uint32_t frame_off;             /* where those bytes start in the frame */
    bool extra;
};

struct netif_rx_pkt {
    RING_IDX first;                 /* ring index of the first consumed request */
    uint16_t nslots;                /* consumed requests, extra included */
    uint16_t flags;                 /* NETRXF_* of the first slot (no more_data) */
    netif_extra_info_t gso;         /* valid if flags & NETRXF_extra_info */
    struct netif_rx_slot slots[NETIF_RX_SLOTS_MAX];
};

/* Slots the frame needs for this guest, or -EMSGSIZE (longer than a page
 * and the guest has no feature-sg, or longer than NETIF_RX_LEN_MAX), or
 * -EOPNOTSUPP (GSO frame of a type the guest did not ask for, or GSO to a
 * guest without checksum offload: the caller must segment or drop it). */
int netif_rx_slots_needed(const struct netif_rx_meta *, const struct netif_rx_features *);

/* True if the frame is partial but the guest will not accept it partial:
 * the caller completes the checksum before the copy. */
bool netif_rx_csum_fixup(const struct netif_rx_meta *, const struct netif_rx_features *);

/* Consume the requests for one frame and plan its copies.  Returns 0;
 * -ENOSPC if fewer than the needed requests are posted (nothing consumed,
 * req_event set so the guest kicks us when they are); -EPROTO if the guest
 * claims more requests than the ring holds (fatal); or an error of
 * netif_rx_slots_needed(). */
int netif_rx_build(netif_rx_back_ring_t *, const struct netif_rx_meta *,
                   const struct netif_rx_features *, struct netif_rx_pkt *);

/* Write pkt's responses into its own slots.  `ok[i]` false marks data slot
 * i's copy as failed (status NETIF_RSP_ERROR: netfront drops the frame);
 * ok == NULL means all succeeded.  pkt must be the oldest unanswered frame:
 * returns -EINVAL otherwise. */
int netif_rx_respond(netif_rx_back_ring_t *, const struct netif_rx_pkt *, const bool *ok);

/* Publish written responses; true if the guest must be notified. */
bool netif_rx_push(netif_rx_back_ring_t *);

/* Are `needed` requests posted?  If not, set req_event for them. */
bool netif_rx_wait_slots(netif_rx_back_ring_t *, unsigned needed);

#endif
