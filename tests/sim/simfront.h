/* simfront: a guest netfront over the simulated hypervisor (xenif_sim.h).
 *
 * It owns a sim domain (memory, grant table, event channels), sets up the
 * two shared rings the way Linux netfront does (SHARED_RING_INIT, one page
 * per ring, 256 TX ids with one read-only granted page each, 256 RX
 * buffers granted writable and found again by ring position), and speaks
 * the protocol from the frontend side: SG (one slot per page of a frame),
 * GSO extras, csum_blank / data_validated, req_event / rsp_event.
 *
 * It also knows how to break the protocol on purpose (nf_send_raw(),
 * nf_set_rx_posting()) for the hostile-guest tests.
 *
 * The connection details a backend needs (ring refs, event channels,
 * features: what netfront writes in xenstore) are written as "key=value"
 * lines by nf_write_info(); nf_read_info() parses them back into a
 * struct vif_frontend for tests/sim/xvs-simback. */
#ifndef XVS_SIMFRONT_H
#define XVS_SIMFRONT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netback/vif.h"

#define NF_TX_IDS 256
#define NF_RX_BUFS 256
#define NF_FRAME_MAX 65535

struct nf;

struct nf_options {
    const char *dir;                 /* sim directory */
    uint16_t domid;
    uint32_t devid;
    uint16_t backend_domid;          /* 0 */
    bool split;                      /* split event channels */
    bool rx_limit;                   /* post only rx_buffers (else NF_RX_BUFS) */
    unsigned rx_buffers;
    struct vif_frontend features;    /* only the feature flags are used */
};

/* Offload metadata of a frame, both directions. */
struct nf_offload {
    bool csum_blank;                 /* NETTXF/NETRXF_csum_blank */
    bool data_validated;
    uint8_t gso_type;                /* XEN_NETIF_GSO_TYPE_* */
    uint16_t gso_size;
};

typedef void nf_rx_cb(void *ctx, const uint8_t *frame, uint32_t len,
                      const struct nf_offload *);

struct nf_stats {
    uint64_t tx_frames, tx_bytes, tx_errors, tx_responses;
    uint64_t rx_frames, rx_bytes, rx_errors, kicks_sent, events;
};

struct nf *nf_create(const struct nf_options *, char *err, size_t errlen);
void nf_destroy(struct nf *);
void nf_set_rx_cb(struct nf *, nf_rx_cb *, void *ctx);

/* key=value lines for the backend; written atomically (rename). */
int nf_write_info(struct nf *, const char *path);
int nf_read_info(const char *path, uint16_t *domid, uint32_t *devid,
                 struct vif_frontend *, uint8_t mac[6]);
void nf_set_mac(struct nf *, const uint8_t mac[6]);
/* What a backend reads of this guest: the info file <dir>/dom<domid>.info
 * written and parsed back (as a real guest's keys go through xenstore).
 * 0 or -errno. */
int nf_publish(struct nf *, struct vif_frontend *);

int nf_fd(struct nf *);              /* readable: call nf_poll() */
bool nf_backend_attached(struct nf *);   /* the backend bound our channel */
void nf_poll(struct nf *);           /* events, responses, rx frames */

/* Free TX slots, and whether a frame of len bytes fits now. */
unsigned nf_tx_free(const struct nf *);
bool nf_tx_fits(const struct nf *, uint32_t len, bool gso);
/* Queue one frame (not yet visible); -ENOSPC if the ring is full. */
int nf_send(struct nf *, const uint8_t *frame, uint32_t len, const struct nf_offload *);
/* Make queued requests visible and kick the backend if it asked. */
void nf_flush(struct nf *);
const struct nf_stats *nf_get_stats(const struct nf *);

/* Benchmark helpers: the sender promises every nf_send() carries the same
 * frame (pages already holding the right chunk are not rewritten); the
 * receiver may skip copying frames out of its buffers (no callback data). */
void nf_set_tx_same_frame(struct nf *, bool);
void nf_set_rx_copy(struct nf *, bool);

/* ---- misbehaving ---- */

/* One raw TX slot, exactly as the hostile guest wants it. */
struct nf_raw_slot {
    enum { NF_GREF_GOOD, NF_GREF_BAD, NF_GREF_REVOKED, NF_GREF_RAW } gref_kind;
    uint32_t gref;                   /* NF_GREF_RAW */
    uint16_t offset, flags, size;
    bool extra;                      /* an extra-info slot: type/size below */
    uint8_t extra_type, extra_flags, gso_type;
    uint16_t gso_size;
    uint8_t mcast[6];                /* MCAST_ADD / MCAST_DEL extras */
};
/* Put raw slots on the TX ring (data slots get a page with `fill` bytes). */
int nf_send_raw(struct nf *, const struct nf_raw_slot *, unsigned n, const uint8_t *fill,
                uint32_t fill_len);
/* Publish req_prod `delta` past the requests really written. */
void nf_jump_tx_req_prod(struct nf *, uint32_t delta);
/* Keep at most `n` RX buffers posted (NF_RX_BUFS: normal; 0: none). */
void nf_set_rx_posting(struct nf *, unsigned n);
/* Kick the backend's TX (and RX) channel unconditionally. */
void nf_kick(struct nf *);

/* Ring indices, for tests. */
uint32_t nf_tx_outstanding(const struct nf *);   /* requests not yet answered */
uint32_t nf_rx_posted(const struct nf *);        /* buffers posted, unanswered */

#endif
