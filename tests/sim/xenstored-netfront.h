/* xenstored-netfront: the xenstore side of Linux netfront, for tests.
 *
 * Runs as the guest (a connection on the domain's socket, so xenstored's
 * permissions apply): reads the backend path from its device directory,
 * waits for InitWait, checks feature-rx-copy, writes its ring refs, event
 * channel(s) and features in one transaction and then state=4 outside it,
 * as netfront does (see shared/xenlab/NOTES.md for the trace).  No rings:
 * the refs and ports are numbers the test chooses (netback's sim frontend
 * does the real thing). */
#ifndef XVS_XENSTORED_NETFRONT_H
#define XVS_XENSTORED_NETFRONT_H 1

#include <stdbool.h>
#include <xenstore.h>

#define NF_STEP_TIMEOUT_MS 5000     /* netfront waits 5 s per step */

struct nf {
    struct xs_handle *h;            /* the guest's connection */
    char fe[64];                    /* relative: device/vif/N */
    char be[96];                    /* absolute, from FE "backend" */
    unsigned tx_ref, rx_ref;
    unsigned evtchn, evtchn_rx;     /* evtchn_rx != 0: split channels */
};

/* Bind to device N of the guest owning `h`. */
int nf_init(struct nf *, struct xs_handle *, unsigned devid);

/* Wait for BE InitWait, publish and go Connected.  -EPROTO if the
 * backend lacks feature-rx-copy (netfront would refuse too). */
int nf_connect(struct nf *, int timeout_ms);

/* FE state := s, then wait (<= timeout) for BE state in `want` (a bitmask
 * of 1 << state; 0: do not wait). */
int nf_switch(struct nf *, unsigned s, unsigned want, int timeout_ms);

/* Read the BE state (-1 if unreadable). */
int nf_be_state(struct nf *);

#endif
