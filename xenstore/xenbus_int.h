/* xenbus_int: state shared by xenbus.c (discovery, event routing) and
 * xenbus_vif.c (one device's handshake and keys).  Not for other modules.
 *
 * Invariants of a struct xb_vif:
 *   - `published` is what we last wrote to (or adopted from) BE state;
 *     `be_state` is where the state machine is, which differs from
 *     `published` only while Connected waits for hotplug-status=connected;
 *   - `connected` <=> ops->connect succeeded and ops->disconnect not yet
 *     called; `attached` likewise for attach/detach; `handle` != NULL <=>
 *     ops->create succeeded and ops->destroy not yet called;
 *   - `key_err` non-empty <=> some key's current value is bad; the vif is
 *     then not attached;
 *   - `raw[k]` is the last value read for key k (NULL: absent);
 *   - `from_record`: made from a vifrec at start (ops->create, attach and
 *     connect done from the record alone), not yet checked against
 *     xenstore; `recorded` <=> our vifrec file for it exists;
 *   - `pre_connected`: the ops hold rings (`rings`) taken from a record
 *     that do_connect() has not yet compared with the frontend's keys. */
#ifndef XVS_XENBUS_INT_H
#define XVS_XENBUS_INT_H 1

#include "lib/log.h"
#include "xenstore/keys.h"
#include "xenstore/store.h"
#include "xenstore/xenbus.h"
#include "xenstore/xenbus_state.h"

#define XB_PATH_MAX 256             /* frontend path from the "frontend" key */
#define XB_FE_VALUE_MAX 32          /* a frontend number or flag */

struct xb_vif {
    struct xenbus *xb;
    unsigned domid, devid;
    char be_path[48];               /* "backend/vif/D/N" */
    char fe_path[XB_PATH_MAX];
    char name[KEYS_NAME_MAX + 1];
    char *raw[KEY_N];
    struct keys_vif cfg;            /* valid iff key_err is empty */
    char key_err[XENBUS_ERR_MAX];
    char last_err[XENBUS_ERR_MAX];  /* last error of any kind, for vif-list */
    void *handle;
    struct store_watch *fe_watch;
    enum xb_state be_state, published, fe_state;
    bool online;
    bool hotplug_connected;
    bool attached, connected;
    bool online_requested;          /* vif-online done, no vif-offline since */
    bool toolstack_closing;         /* libxl wrote BE state 5 */
    bool domain_dead;               /* @releaseDomain and not introduced */
    bool finished;                  /* closed for good; waiting for removal */
    bool resume;                    /* adopted while Connected: resume rings */
    bool script_warned;
    bool down_logged;               /* set_down() logged key_err's reason */
    bool from_record, recorded, pre_connected;
    struct xenbus_rings rings;      /* last connected (or recorded) */
};

struct xenbus {
    struct store *st;
    struct evloop *loop;
    const struct xenbus_ops *ops;
    void *ctx;
    struct store_watch *be_watch, *release_watch;
    struct xb_vif **vifs;
    unsigned n_vifs, cap_vifs;
    bool exiting;                   /* xenbus_destroy(): write nothing */
    char *record_dir;               /* vifrec files; NULL: none kept */
    /* Started from records: the scan that checks them runs one domain
     * per step (settle_step), on a timer, so the rings are served in
     * between: XENBUS_SETTLE_DELAY_MS after the start, then
     * XENBUS_SETTLE_GAP_MS after each step. */
    bool settling;
    struct evloop_timer *settle_timer;
    char **settle_domains;
    unsigned n_settle_domains, i_settle_domain;
    unsigned records_used, records_redone;
};

/* xenbus_vif.c */
/* `pre`: the same device made from its record (unlinked by the caller):
 * its port and rings are kept if xenstore says the same, else undone. */
struct xb_vif *xbv_adopt(struct xenbus *, unsigned domid, unsigned devid, struct xb_vif *pre);
struct vifrec;
/* A Connected vif from its record alone (no xenstore request): port made,
 * on its bridge, rings resumed.  NULL (logged) if any step failed. */
struct xb_vif *xbv_from_record(struct xenbus *, struct vifrec *);
void xbv_gone(struct xb_vif *);         /* BE dir removed: free */
void xbv_key_changed(struct xb_vif *, const char *key);
void xbv_domain_gone(struct xb_vif *);   /* its domain was released */
int xbv_online(struct xb_vif *, const char *tap, char *err, size_t errlen);
int xbv_offline(struct xb_vif *, const char *tap);
/* BE state as written now; XB_UNKNOWN if missing. */
enum xb_state xbv_read_be_state(struct xenbus *, const char *be_path);

/* xenbus.c */
void xb_vif_unlink(struct xenbus *, struct xb_vif *);

#endif
