/* vif: one guest network device, seen by the switch as a port.
 *
 * A vif is created when the toolstack announces the device and lives until
 * it is removed; in between, the frontend may connect, disconnect and
 * reconnect (kexec, module reload) any number of times:
 *
 *               vif_create()                 vif_connect()
 *     (none) ----------------> DISCONNECTED --------------> CONNECTED
 *                                   ^   ^                    |    |
 *                                   |   +-- vif_disconnect() +    | guest protocol
 *                                   |                             | violation
 *                                   +------ vif_disconnect() -- FATAL
 *                                                              (rings released,
 *                                                               link down, reason
 *                                                               kept until then)
 *
 * The port is `struct port` embedded in the vif: the owner adds it to a
 * bridge with bridge_add_port(br, vif_port(v)), and bridge_del_port() (or
 * vif_destroy() for a vif on no bridge) frees the vif.
 *
 * Structures are per queue (struct vif_queue) so multi-queue can come
 * later; today a vif has VIF_QUEUES_MAX == 1 queue.
 *
 * Connecting resumes from the ring indices found in the shared pages (the
 * responses already produced), so a restarted xvsd re-attaches to a running
 * frontend without it noticing: requests that were consumed but never
 * answered are simply processed again. */
#ifndef XVS_VIF_H
#define XVS_VIF_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netback/netif_rx.h"
#include "netback/netif_tx.h"

struct netback;
struct vif;
struct port;

#define VIF_QUEUES_MAX 1
#define VIF_MCAST_MAX 64                /* multicast filter entries (as Linux) */
#define VIF_CREDIT_BURST_MIN 131072     /* rate limit: minimum burst, as Linux */

/* What the frontend published (FE directory) for one connection. */
struct vif_frontend {
    uint32_t tx_ring_ref, rx_ring_ref;
    uint32_t evtchn_tx, evtchn_rx;      /* remote ports; equal if not split */
    bool split;                         /* event-channel-tx/-rx were given */
    bool rx_notify;                     /* feature-rx-notify */
    bool mcast_control;                 /* request-multicast-control */
    struct netif_rx_features rx;        /* feature-sg, -gso-*, csum offloads */
};

/* Linux netfront's set: sg, gso v4+v6, both checksum offloads, rx-notify. */
void vif_frontend_linux_defaults(struct vif_frontend *);

/* Read a frontend's connection keys (its xenstore directory FE/...) through
 * `get` (NULL for a missing key; values are NUL-terminated strings) and
 * validate them all: ring refs and event channels are strict decimals
 * (< 2^32), flags are "0" or "1", request-rx-copy must be 1, more than one
 * queue is refused.  Returns 0, -EINVAL (bad or missing value) or
 * -EOPNOTSUPP, with a message naming the key in err. */
typedef const char *vif_key_getter(void *ctx, const char *key);
int vif_frontend_parse(struct vif_frontend *, vif_key_getter *get, void *ctx,
                       char *err, size_t errlen);

/* What the backend directory must advertise (BE/...) before InitWait:
 * exactly what this netback implements.  The i-th (0..) feature key and
 * its value; false past the end.  The xenbus ops hand this list on. */
bool vif_feature_at(unsigned i, const char **key, const char **value);

/* request-multicast-control changed (feature-dynamic-multicast-control). */
void vif_set_mcast_control(struct vif *, bool);

/* name NULL: "vif<domid>.<devid>".  The vif starts DISCONNECTED with its
 * link down.  Returns NULL with a message in err. */
struct vif *vif_create(struct netback *, uint16_t domid, uint32_t devid,
                       const char *name, char *err, size_t errlen);

/* Map the rings, bind the event channel(s), start serving.  Returns 0 or a
 * negative errno with a message naming the vif and the reason. */
int vif_connect(struct vif *, const struct vif_frontend *, char *err, size_t errlen);

/* Stop serving and release rings and ports (also clears FATAL). */
void vif_disconnect(struct vif *);

/* Frees the vif; it must not be on a bridge (use bridge_del_port()). */
void vif_destroy(struct vif *);

/* The direct attach API: create + connect.  For tests and for the
 * daemon until the xenbus handshake calls vif_connect() itself. */
struct vif *vif_attach(struct netback *, uint16_t domid, uint32_t devid,
                       const char *name, const struct vif_frontend *,
                       char *err, size_t errlen);

struct port *vif_port(struct vif *);
struct vif *vif_from_port(struct port *);   /* NULL if not a vif */

/* `rate` key: bytes per usecs of credit; bytes == 0 disables the limit. */
void vif_set_rate(struct vif *, uint64_t bytes, uint64_t usecs);

/* `mtu` key: frames (not GSO) longer than mtu + the Ethernet header (a VLAN
 * tag not counted) are dropped both ways and counted as "mtu" drops, as a
 * Linux bridge drops them at an output port; 0: only the protocol's limit
 * (64 KiB). */
void vif_set_mtu(struct vif *, unsigned mtu);
unsigned vif_mtu(const struct vif *);
/* Whether a frame of len bytes (Ethernet header included, tag not) fits. */
bool vif_mtu_fits(const struct vif *, unsigned len, bool gso);

enum vif_state { VIF_DISCONNECTED, VIF_CONNECTED, VIF_FATAL };
enum vif_state vif_state(const struct vif *);
const char *vif_state_name(enum vif_state);
/* Why the vif went FATAL ("" otherwise). */
const char *vif_fatal_reason(const struct vif *);

/* Counters beyond struct port_stats. */
struct vif_stats {
    uint64_t tx_frames, tx_bytes;        /* guest -> switch */
    uint64_t tx_drop[NETIF_TX_R_N];      /* DROP and FATAL, by netif_tx_reason */
    uint64_t tx_copy_errors;             /* bad source grant (head at TX, or the
                                          * rest when an output copied it) */
    uint64_t tx_csum_bad;                /* csum_blank frame we cannot parse */
    uint64_t tx_rate_waits;              /* times the rate limit held TX */
    uint64_t tx_mcast_updates;
    uint64_t rx_frames, rx_bytes;        /* switch -> guest */
    uint64_t rx_copy_errors;             /* bad rx grant (or a local source) */
    uint64_t rx_csum_fixups;             /* checksums completed for the guest */
    uint64_t rx_gso_segmented;           /* GSO frames cut up for the guest */
    uint64_t rx_queued, rx_queue_drops, rx_expired;
    uint64_t rx_mcast_filtered;
    uint64_t rx_stalls;                  /* carrier turned off for no buffers */
    uint64_t fatal;                      /* guest protocol violations */
    uint64_t events;                     /* event channel notifications */
    uint64_t spurious_events;            /* events that brought no new request */
    uint64_t storm_holds;                /* unmasks held back (event storm) */
    /* Batching, for performance work: frames per burst and notifications
     * per frame are what an event-driven backend tunes. */
    uint64_t tx_bursts;                  /* TX bursts (one grant copy each) */
    uint64_t tx_direct;                  /* frames left in the guest's pages for a
                                          * guest-to-guest copy (no dom0 copy) */
    uint64_t tx_refetches;               /* frames brought in by a burst's second
                                          * grant copy (destination not a guest) */
    uint64_t tx_notifies;                /* TX completion notifications sent */
    uint64_t rx_batches;                 /* RX grant copy batches (one ioctl each) */
    uint64_t rx_notifies;                /* RX notifications sent */
};
const struct vif_stats *vif_get_stats(const struct vif *);

/* Read-only accessors, for diagnostics (xvsctl vif-show) and the daemon. */
uint16_t vif_domid(const struct vif *);
uint32_t vif_devid(const struct vif *);
/* The frontend of the current connection (of the last one once
 * disconnected; all zero before the first). */
const struct vif_frontend *vif_get_frontend(const struct vif *);
unsigned vif_n_queues(const struct vif *);
bool vif_carrier_stalled(const struct vif *);      /* no RX buffers: carrier off */
/* The `rate` limit (bytes == 0: none). */
void vif_get_rate(const struct vif *, uint64_t *bytes, uint64_t *usecs);

/* Ring indices of queue q, for diagnostics and tests. */
struct vif_ring_info {
    uint32_t tx_req_prod, tx_req_cons, tx_rsp_prod;
    uint32_t rx_req_prod, rx_req_cons, rx_rsp_prod;
    uint32_t rxq_frames, rxq_bytes;     /* backlog; bytes with bookkeeping */
};
int vif_ring_info(const struct vif *, unsigned q, struct vif_ring_info *);

#endif
