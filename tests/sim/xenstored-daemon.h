/* xenstored-daemon: the xenstore half of xvsd for tests -- evloop + store +
 * xenbus in a thread of the test process, with recording stub ops in place
 * of netback and the switch.  The test thread plays libxl and netfront on
 * its own connections and reaches the daemon's vif-online / vif-offline
 * through xsd_call(), which runs them on the daemon's loop as the control
 * socket would.
 *
 * Stub behaviour: attach fails for bridge "xenbr9" ("bridge xenbr9: no such
 * bridge"), everything else succeeds; every call is logged (xsd_calls). */
#ifndef XVS_XENSTORED_DAEMON_H
#define XVS_XENSTORED_DAEMON_H 1

#include <stdbool.h>
#include <stdint.h>

#include "xenstore/xenbus.h"

#define XSD_CALLS_MAX 8192

struct xsd_call {
    char op[12];                    /* create attach detach connect ... */
    unsigned domid, devid;
    char name[16], bridge[16];
    struct xenbus_rings rings;      /* connect */
    uint32_t changed;               /* update */
    struct keys_vif cfg;            /* create, attach, update */
    unsigned requests;              /* xenstore requests sent before the call */
};

/* Where the daemon keeps vif records (xenstore/vifrec.h) from the next
 * xsd_start() on; NULL (the default): none. */
void xsd_set_record_dir(const char *dir);

/* Start / stop the daemon thread (XENSTORED_PATH must point at the fake). */
int xsd_start(void);
void xsd_stop(void);

/* vif-online / vif-offline on the daemon's loop; 0 or -errno + err. */
int xsd_online(const char *be_path, char *err, size_t errlen);
int xsd_offline(const char *be_path);
/* Number of vifs the daemon serves; info of device (domid, devid). */
unsigned xsd_n_vifs(void);
bool xsd_vif_info(unsigned domid, unsigned devid, struct xenbus_vif_info *);

/* Requests the daemon's store sent to xenstored since xsd_start()
 * (store_get_stats(), read on the daemon's loop). */
unsigned xsd_store_requests(void);

/* Calls logged so far for (domid, devid) with op `op` (NULL: any);
 * `last` (may be NULL) receives the latest such call. */
unsigned xsd_count(unsigned domid, unsigned devid, const char *op, struct xsd_call *last);
void xsd_clear_calls(void);

#endif
