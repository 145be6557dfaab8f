/* xenbus_state: the vif backend state machine.  See xenbus_state.h. */
#include "xenstore/xenbus_state.h"

static const char *const names[] = {
    "Unknown", "Initialising", "InitWait", "Initialised", "Connected",
    "Closing", "Closed", "Reconfiguring", "Reconfigured",
};

const char *
xb_state_name(unsigned s)
{
    return s < sizeof names / sizeof names[0] ? names[s] : "invalid";
}

enum xb_state
xb_state_target(enum xb_state be, enum xb_state fe, bool online, bool *destroy)
{
    *destroy = false;
    switch (fe) {
    case XB_INITIALISING:
        /* A frontend starting over after we closed: offer InitWait again.
         * A frontend that reset under a live connection (it skipped the
         * Closing/Closed we would have seen) goes the same way. */
        if (be == XB_CLOSED || be == XB_CONNECTED || be == XB_CLOSING) {
            return online ? XB_INITWAIT : be;
        }
        return be;
    case XB_INITIALISED:
    case XB_CONNECTED:
        /* Rings published.  Connect from InitWait only: after a close
         * the frontend must go through Initialising first. */
        return be == XB_INITWAIT || be == XB_CONNECTED ? XB_CONNECTED : be;
    case XB_CLOSING:
        return be == XB_CLOSED ? be : XB_CLOSING;
    case XB_CLOSED:
        *destroy = !online;
        return XB_CLOSED;
    case XB_UNKNOWN:
        *destroy = true;
        return XB_CLOSED;
    case XB_INITWAIT:                   /* not a frontend state */
    case XB_RECONFIGURING:              /* XDP, which we do not offer */
    case XB_RECONFIGURED:
    default:
        return be;
    }
}

enum xb_state
xb_state_step(enum xb_state cur, enum xb_state target)
{
    if (cur == target) {
        return cur;
    }
    switch (cur) {
    case XB_UNKNOWN:
    case XB_INITIALISING:
        /* Fresh device: InitWait first, unless it is torn down at once. */
        return target == XB_CLOSED ? XB_CLOSED : XB_INITWAIT;
    case XB_INITWAIT:
        return target == XB_CONNECTED ? XB_CONNECTED : XB_CLOSING;
    case XB_CONNECTED:
        return XB_CLOSING;              /* every way out of 4 goes by 5 */
    case XB_CLOSING:
        return XB_CLOSED;
    case XB_CLOSED:
        /* Reopening (reconnect) goes by InitWait; 6 -> 5 only for a
         * frontend that asks to close again. */
        return target == XB_CLOSING ? XB_CLOSING : XB_INITWAIT;
    default:
        return target;
    }
}
