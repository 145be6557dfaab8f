/* netback: the process-wide half of the guest backend.
 *
 * One `struct netback` per xvsd.  It owns the xenif handle's place in the
 * event loop and turns fired event channel ports into work for the vif
 * queue bound to them (netback_bind_port()), runs that work in per-queue
 * budgets so no guest can starve the others, registers the grant copier
 * that lets other ports read guest fragments (frame_set_grant_copier()),
 * and holds the scratch space of one grant-copy batch.
 *
 * Event flow (the userspace analogue of late EOI):
 *
 *   port fires -> pending() returns it, now masked -> queue marked busy
 *   busy queue runs one budget -> work left?  yes: stays busy, next turn
 *                                             no: unmask its port(s)
 *
 * so a guest kicking a million times costs at most one queue run per loop
 * turn, and a busy queue shares every turn with the other sources.  A run
 * started by an event that finds no new request on either ring is
 * spurious; past NETBACK_SPURIOUS_FREE of them in a row the unmask is held
 * back on a timer (event storm), so the storm costs a few wakeups a
 * second instead of one per loop turn.
 *
 * The vif API (create, connect, ...) is in netback/vif.h. */
#ifndef XVS_NETBACK_H
#define XVS_NETBACK_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evloop;
struct xenif;
struct netback;

#define NETBACK_TX_BUDGET 256            /* TX ring slots per queue per loop
                                          * turn (one ring's worth) */
#define NETBACK_EVENTS_PER_TURN 256      /* pending() calls per loop turn */
#define NETBACK_RXQ_MAX_BYTES (1u << 20) /* per-queue RX backlog bound (frames
                                          * and their bookkeeping) */
#define NETBACK_RX_STALL_MS 60000        /* no RX buffers this long: carrier off */
#define NETBACK_RX_DRAIN_MS 10000        /* a backlogged frame older: dropped */
#define NETBACK_TICK_MS 1000             /* stall / drain checks */
#define NETBACK_PORTS_MAX (1u << 17)     /* event channel port numbers (FIFO ABI) */
/* Guest -> switch: a TX burst's frames are copied whole into dom0, up to
 * this many bytes per burst, so the guest's slots are answered before the
 * frames are switched (the guest frees its buffers without waiting for
 * the output ports -- e.g. dom0's whole TCP receive path behind the TAP --
 * as Linux netback answers once the host has copied the data out).  Frames
 * past it keep their payload in the guest's grants until the output ports
 * copy it, and are answered after switching. */
#define NETBACK_TX_COPY_BYTES (1u << 20)
/* Event storms (the userspace analogue of Linux's spurious-event late EOI):
 * a queue whose notifications keep bringing no new request gets them
 * unmasked later and later -- after NETBACK_SPURIOUS_FREE in a row, 1 ms,
 * then doubling up to NETBACK_STORM_HOLD_MAX_MS -- until one brings work. */
#define NETBACK_SPURIOUS_FREE 8
#define NETBACK_STORM_HOLD_MAX_MS 128

struct netback_config {
    uint32_t tx_budget;                  /* NETBACK_TX_BUDGET */
    uint32_t rxq_max_bytes;              /* NETBACK_RXQ_MAX_BYTES */
    uint32_t rx_stall_ms;                /* NETBACK_RX_STALL_MS */
    uint32_t rx_drain_ms;                /* NETBACK_RX_DRAIN_MS */
    uint32_t tick_ms;                    /* NETBACK_TICK_MS */
    bool bounce;                         /* copy every frame through dom0 (bench) */
    uint32_t tx_copy_bytes;              /* NETBACK_TX_COPY_BYTES; 0: heads only */
};

void netback_config_default(struct netback_config *);

/* The netback takes no ownership of loop or xif; both must outlive it. */
struct netback *netback_create(struct evloop *, struct xenif *,
                               const struct netback_config *, char *err, size_t errlen);
/* Every vif must have been destroyed first. */
void netback_destroy(struct netback *);

struct xenif *netback_xenif(const struct netback *);
struct evloop *netback_loop(const struct netback *);
const struct netback_config *netback_config(const struct netback *);
void netback_set_bounce(struct netback *, bool);
/* Bytes of whole frames a TX burst copies into dom0 (clamped to
 * NETBACK_TX_COPY_BYTES; 0: only heads, every frame answered after
 * switching). */
void netback_set_tx_copy(struct netback *, uint32_t bytes);
/* TX ring slots one queue may take per loop turn (0: NETBACK_TX_BUDGET). */
void netback_set_tx_budget(struct netback *, uint32_t slots);

/* Run the queues' pending work (rings just connected or resumed, events
 * fired) once now instead of at the event loop's next turn.  xvsd calls
 * it at start, after the vifs were adopted and before the slower host
 * ports, so that guests' traffic does not wait for those. */
void netback_run_now(struct netback *);

/* xvsd runs the netback as a module: daemon/xvsd_netback.c (xvsd_netback()). */

#endif
