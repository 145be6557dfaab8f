/* xenbus_state: the backend state machine of a vif, as pure functions.
 *
 * XenbusState values (xen/io/xenbus.h) and what Linux netback does with
 * them, which is what netfront and libxl expect of us:
 *
 *                    FE 4 (or 3) + rings mapped
 *     1 ───────▶ 2 ─────────────────────────────▶ 4
 *   Initialising InitWait                     Connected
 *     │          │ ▲                              │
 *     │          │ │ FE 1 (reconnect)             │ FE 5 / FE 1 / gone
 *     │          │ │                              ▼
 *     │          │ └────────── 6 ◀──────────────  5
 *     │          │           Closed    FE 6    Closing
 *     │          └── FE 5 ──────────────────────▲
 *     └── teardown ─────────▶ 6 ◀── any state, when the frontend is gone
 *                                    (Unknown) or its domain died
 *
 * Moving the backend from one state to a distant one goes through the
 * states in between, each published (4 -> 2 is 4, 5, 6, 2), because
 * netfront waits for each.  xenbus_state_step() gives the next hop;
 * xenbus_state_target() maps a frontend state to where the backend must
 * go.  Publishing 4 is further deferred until hotplug-status=connected
 * (the xenbus module does that). */
#ifndef XVS_XENBUS_STATE_H
#define XVS_XENBUS_STATE_H 1

#include <stdbool.h>

enum xb_state {
    XB_UNKNOWN = 0,
    XB_INITIALISING = 1,
    XB_INITWAIT = 2,
    XB_INITIALISED = 3,
    XB_CONNECTED = 4,
    XB_CLOSING = 5,
    XB_CLOSED = 6,
    XB_RECONFIGURING = 7,
    XB_RECONFIGURED = 8,
};

const char *xb_state_name(unsigned state);

/* Where the backend goes when the frontend is in `fe` and the backend in
 * `be`; `online` is the backend's online key.  Returns `be` for "stay".
 * *destroy is set when the device is finished (closed and offline, or its
 * frontend gone): free it once the toolstack removes its directory. */
enum xb_state xb_state_target(enum xb_state be, enum xb_state fe, bool online,
                              bool *destroy);

/* Next state to publish on the way from `cur` to `target` (== cur when
 * there). */
enum xb_state xb_state_step(enum xb_state cur, enum xb_state target);

/* Whether the hop cur -> next connects (maps rings) or disconnects. */
static inline bool xb_state_hop_connects(enum xb_state cur, enum xb_state next)
{ return cur == XB_INITWAIT && next == XB_CONNECTED; }
static inline bool xb_state_hop_disconnects(enum xb_state cur, enum xb_state next)
{ return cur == XB_CONNECTED && next != XB_CONNECTED; }

#endif
