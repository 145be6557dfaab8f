/* xenbus: device discovery and event routing for the vif backend.
 *
 * One watch on backend/vif covers every key of every device, so one event
 * path names what changed: "backend/vif" (registration: scan all),
 * ".../D" (a domain's directory), ".../D/N" (a device directory appeared
 * or was removed) or ".../D/N/key".  Frontend state watches are per device
 * (xenbus_vif.c).  @releaseDomain makes every device check that its domain
 * still exists.  See xenbus.h for the protocol. */
#include "xenstore/xenbus_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "xenstore/vifrec.h"

#define BE_ROOT "backend/vif"

static struct xb_vif *
find(const struct xenbus *xb, unsigned domid, unsigned devid)
{
    for (unsigned i = 0; i < xb->n_vifs; i++) {
        if (xb->vifs[i]->domid == domid && xb->vifs[i]->devid == devid) {
            return xb->vifs[i];
        }
    }
    return NULL;
}

static struct xb_vif *
find_path(const struct xenbus *xb, const char *be_path)
{
    for (unsigned i = 0; i < xb->n_vifs; i++) {
        if (!strcmp(xb->vifs[i]->be_path, be_path)) {
            return xb->vifs[i];
        }
    }
    return NULL;
}

void
xb_vif_unlink(struct xenbus *xb, struct xb_vif *v)
{
    for (unsigned i = 0; i < xb->n_vifs; i++) {
        if (xb->vifs[i] == v) {
            memmove(&xb->vifs[i], &xb->vifs[i + 1], (xb->n_vifs - i - 1) * sizeof v);
            xb->n_vifs--;
            return;
        }
    }
}

/* Room for one more vif in xb->vifs; false (logged) if there is none. */
static bool
room_for_vif(struct xenbus *xb, unsigned domid, unsigned devid)
{
    static struct xlog_ratelimit rl = XLOG_RATELIMIT_INIT(1, 5);

    if (xb->n_vifs >= XENBUS_VIFS_MAX) {
        if (xlog_ratelimit(&rl)) {
            XLOG_ERR_(XLOG_MOD_XENSTORE, "backend/vif/%u/%u: ignored, already serving %d vifs",
                      domid, devid, XENBUS_VIFS_MAX);
        }
        return false;
    }
    if (xb->n_vifs == xb->cap_vifs) {
        unsigned cap = xb->cap_vifs ? xb->cap_vifs * 2 : 16;
        struct xb_vif **p = realloc(xb->vifs, cap * sizeof *p);
        if (!p) {
            XLOG_ERR_(XLOG_MOD_XENSTORE, "backend/vif/%u/%u: out of memory", domid, devid);
            return false;
        }
        xb->vifs = p;
        xb->cap_vifs = cap;
    }
    return true;
}

/* `pre`: the same device made from its record and unlinked from xb->vifs
 * (there is room for it again). */
static void
adopt(struct xenbus *xb, unsigned domid, unsigned devid, struct xb_vif *pre)
{
    struct xb_vif *v;

    if (!pre && !room_for_vif(xb, domid, devid)) {
        return;
    }
    v = xbv_adopt(xb, domid, devid, pre);
    if (v) {
        xb->vifs[xb->n_vifs++] = v;
    }
}

/* Numeric directory entry: domid or devid. */
static bool
num(const char *s, unsigned long long max, unsigned *out)
{
    unsigned long long v;
    if (parse_uint(s, max, &v)) {
        return false;
    }
    *out = (unsigned) v;
    return true;
}

static void
device_event(struct xenbus *xb, unsigned domid, unsigned devid, const char *key)
{
    struct xb_vif *v = find(xb, domid, devid);

    if (!v) {
        adopt(xb, domid, devid, NULL);
        return;
    }
    if (key) {
        xbv_key_changed(v, key);
        return;
    }
    /* The directory itself: removed, or removed and written again by a
     * new device with the same number (its state is back at 1). */
    switch (xbv_read_be_state(xb, v->be_path)) {
    case XB_UNKNOWN:
        if (!store_exists(xb->st, STORE_TX_NONE, v->be_path)) {
            xbv_gone(v);
        }
        break;
    case XB_INITIALISING:
        if (v->published != XB_INITIALISING) {
            xbv_gone(v);
            adopt(xb, domid, devid, NULL);
        }
        break;
    default:
        break;
    }
}

static void
scan_domain(struct xenbus *xb, unsigned domid)
{
    char path[48];
    char **names = NULL;
    unsigned n = 0;
    int r;

    snprintf(path, sizeof path, BE_ROOT "/%u", domid);
    r = store_directory(xb->st, STORE_TX_NONE, path, &names, &n);
    if (r && r != -ENOENT) {
        XLOG_WARN_(XLOG_MOD_XENSTORE, "%s: cannot list: %s", path, strerror(-r));
        return;
    }
    /* Devices no longer listed are gone. */
    for (unsigned i = xb->n_vifs; i-- > 0;) {
        struct xb_vif *v = xb->vifs[i];
        bool listed = false;
        if (v->domid != domid) {
            continue;
        }
        for (unsigned j = 0; j < n && !listed; j++) {
            unsigned devid;
            listed = num(names[j], KEYS_HANDLE_MAX, &devid) && devid == v->devid;
        }
        if (!listed) {
            xbv_gone(v);
        }
    }
    for (unsigned j = 0; j < n; j++) {
        unsigned devid;
        struct xb_vif *v;
        if (!num(names[j], KEYS_HANDLE_MAX, &devid)) {
            continue;
        }
        v = find(xb, domid, devid);
        if (!v) {
            adopt(xb, domid, devid, NULL);
        } else if (v->from_record) {
            xb_vif_unlink(xb, v);       /* checked: kept or redone */
            adopt(xb, domid, devid, v);
        }
    }
    free(names);
}

/* Vifs whose domain is not among `names` (backend/vif's listing) are gone. */
static void
drop_unlisted_domains(struct xenbus *xb, char **names, unsigned n)
{
    for (unsigned i = xb->n_vifs; i-- > 0;) {
        struct xb_vif *v = xb->vifs[i];
        bool listed = false;
        for (unsigned j = 0; j < n && !listed; j++) {
            unsigned domid;
            listed = num(names[j], KEYS_DOMID_MAX, &domid) && domid == v->domid;
        }
        if (!listed) {
            xbv_gone(v);
        }
    }
}

/* backend/vif's domains into *names (free it), the vifs of the others
 * dropped.  false (logged, `why` said) if it cannot be listed. */
static bool
list_domains(struct xenbus *xb, char ***names, unsigned *n, const char *why)
{
    int r = store_directory(xb->st, STORE_TX_NONE, BE_ROOT, names, n);

    if (r && r != -ENOENT) {
        XLOG_WARN_(XLOG_MOD_XENSTORE, BE_ROOT ": cannot list%s: %s", why, strerror(-r));
        return false;
    }
    if (r) {
        *names = NULL;
        *n = 0;
    }
    drop_unlisted_domains(xb, *names, *n);
    return true;
}

static void
scan_all(struct xenbus *xb)
{
    char **names = NULL;
    unsigned n = 0;

    if (!list_domains(xb, &names, &n, "")) {
        return;
    }
    for (unsigned j = 0; j < n; j++) {
        unsigned domid;
        if (num(names[j], KEYS_DOMID_MAX, &domid)) {
            scan_domain(xb, domid);
        }
    }
    free(names);
}

/* ---- start from records (vifrec.h) ------------------------------------ */

/* Every record in record_dir that gives a working vif, made without a
 * xenstore request; bad records are removed.  Returns how many. */
static unsigned
take_records(struct xenbus *xb)
{
    char **names = NULL;
    unsigned n = 0;
    int r = vifrec_list(xb->record_dir, &names, &n);

    if (r) {
        XLOG_WARN_(XLOG_MOD_XENSTORE, "%s: cannot list vif records: %s", xb->record_dir,
                   strerror(-r));
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        struct vifrec rec;
        char err[128];
        struct xb_vif *v;

        if (vifrec_read(xb->record_dir, names[i], &rec, err, sizeof err)) {
            XLOG_WARN_(XLOG_MOD_XENSTORE, "%s/%s: not a usable vif record (%s); removed",
                       xb->record_dir, names[i], err);
            vifrec_remove(xb->record_dir, rec.domid, rec.devid);
            continue;
        }
        v = find(xb, rec.domid, rec.devid) || !room_for_vif(xb, rec.domid, rec.devid)
            ? NULL : xbv_from_record(xb, &rec);
        if (v) {
            xb->vifs[xb->n_vifs++] = v;
            xb->records_used++;
        } else {
            vifrec_remove(xb->record_dir, rec.domid, rec.devid);
        }
        vifrec_free(&rec);
    }
    free(names);
    return xb->records_used;
}

/* One step of the scan that checks the records: backend/vif's listing,
 * then one domain per call.  Returns whether steps remain.  (The records
 * are checked a while after the start, not at once: each step blocks the
 * loop for its round trips, and right after a restart the guests have the
 * most queued.) */
static bool
settle_one(struct xenbus *xb)
{
    unsigned domid;

    if (!xb->settle_domains) {
        char **names = NULL;
        unsigned n = 0;
        if (!list_domains(xb, &names, &n, " (records not checked)")) {
            return false;
        }
        xb->settle_domains = names ? names : calloc(1, sizeof *names);
        xb->n_settle_domains = names ? n : 0;
        xb->i_settle_domain = 0;
        return xb->settle_domains && n > 0;
    }
    while (xb->i_settle_domain < xb->n_settle_domains
           && !num(xb->settle_domains[xb->i_settle_domain], KEYS_DOMID_MAX, &domid)) {
        xb->i_settle_domain++;
    }
    if (xb->i_settle_domain < xb->n_settle_domains) {
        xb->i_settle_domain++;
        scan_domain(xb, domid);
    }
    return xb->i_settle_domain < xb->n_settle_domains;
}

static void
settle_finish(struct xenbus *xb)
{
    unsigned unchecked = 0;

    for (unsigned i = 0; i < xb->n_vifs; i++) {
        unchecked += xb->vifs[i]->from_record;
    }
    xb->settling = false;
    free(xb->settle_domains);
    xb->settle_domains = NULL;
    XLOG_INFO_(XLOG_MOD_XENSTORE, "vif records checked against xenstore: %u resumed from "
               "records, %u of them redone from xenstore%s", xb->records_used,
               xb->records_redone, unchecked ? " (some not checked: see above)" : "");
}

static void settle_all(struct xenbus *);

static void
settle_step(void *arg)
{
    struct xenbus *xb = arg;

    xb->settle_timer = NULL;            /* one-shot: the loop frees it */
    if (!settle_one(xb)) {
        settle_finish(xb);
        return;
    }
    xb->settle_timer = evloop_timer_add(xb->loop, XENBUS_SETTLE_GAP_MS, 0, settle_step, xb);
    if (!xb->settle_timer) {
        settle_all(xb);
    }
}

/* Now, whatever is left of it: before anything that needs xenstore's view
 * (a watch event, a hotplug request). */
static void
settle_all(struct xenbus *xb)
{
    if (!xb->settling) {
        return;
    }
    if (xb->settle_timer) {
        evloop_timer_del(xb->loop, xb->settle_timer);
        xb->settle_timer = NULL;
    }
    while (settle_one(xb)) {
    }
    settle_finish(xb);
}

/* "backend/vif[/D[/N[/key]]]" (or absolute, ending the same way). */
static void
on_backend(void *arg, const char *path)
{
    struct xenbus *xb = arg;
    const char *p = strstr(path, BE_ROOT);
    char comp[3][64];
    unsigned nc = 0, domid, devid;

    if (!p || (p != path && p[-1] != '/')) {
        return;
    }
    p += strlen(BE_ROOT);
    while (*p == '/' && nc < 3) {
        size_t len = strcspn(p + 1, "/");
        if (len == 0 || len >= sizeof comp[0]) {
            return;
        }
        memcpy(comp[nc], p + 1, len);
        comp[nc][len] = '\0';
        nc++;
        p += 1 + len;
    }
    if (*p) {
        return;                         /* deeper than a key: not ours */
    }
    settle_all(xb);
    if (nc == 0) {
        scan_all(xb);
        return;
    }
    if (!num(comp[0], KEYS_DOMID_MAX, &domid)) {
        return;
    }
    if (nc == 1) {
        scan_domain(xb, domid);
        return;
    }
    if (!num(comp[1], KEYS_HANDLE_MAX, &devid)) {
        return;
    }
    device_event(xb, domid, devid, nc == 3 ? comp[2] : NULL);
}

static void
on_release(void *arg, const char *path)
{
    struct xenbus *xb = arg;

    (void) path;
    /* (Not settle_all() first: this runs at the start too, on the
     * registration event, and records' vifs answer like the others.) */
    /* One question per domain, however many vifs it has; vifs of one
     * domain get the same answer (none is removed in this loop). */
    for (unsigned i = 0; i < xb->n_vifs; i++) {
        struct xb_vif *v = xb->vifs[i];
        int dead = -1;
        for (unsigned j = 0; j < i && dead < 0; j++) {
            if (xb->vifs[j]->domid == v->domid) {
                dead = xb->vifs[j]->domain_dead;
            }
        }
        if (dead < 0) {
            dead = !store_domain_exists(xb->st, v->domid);
        }
        if (dead && !v->domain_dead) {
            xbv_domain_gone(v);
        }
    }
}

static void pump(void *arg);

/* Watch events wait for the end of the loop turn: the rings' work that
 * the same turn found (evloop_want_more() callbacks queued before this
 * one, e.g. rings just resumed after a restart) goes first, since events
 * cost round trips through xenstored and the guests wait meanwhile. */
static void
on_store_fd(int fd, uint32_t events, void *arg)
{
    struct xenbus *xb = arg;

    (void) fd;
    (void) events;
    evloop_want_more(xb->loop, pump, xb);
}

static void
pump(void *arg)
{
    struct xenbus *xb = arg;
    int r = store_dispatch(xb->st);

    if (r > 0) {
        evloop_want_more(xb->loop, pump, xb);
    } else if (r < 0) {
        static struct xlog_ratelimit rl = XLOG_RATELIMIT_INIT(1, 3);
        if (xlog_ratelimit(&rl)) {
            XLOG_ERR_(XLOG_MOD_XENSTORE, "xenstore watch: %s", strerror(-r));
        }
    }
}

struct xenbus *
xenbus_create(struct store *st, struct evloop *loop, const struct xenbus_ops *ops, void *ctx,
              const char *record_dir)
{
    struct xenbus *xb = calloc(1, sizeof *xb);
    int e;

    if (!xb) {
        return NULL;
    }
    xb->st = st;
    xb->loop = loop;
    xb->ops = ops;
    xb->ctx = ctx;
    if (record_dir && !(xb->record_dir = strdup(record_dir))) {
        goto fail;
    }
    /* Watch first, then adopt what exists, synchronously (so that a
     * vif-online request arriving right after start-up finds its device):
     * what changes after the scan fires the watch. */
    xb->be_watch = store_watch_changes(st, BE_ROOT, on_backend, xb);
    if (!xb->be_watch) {
        goto fail;
    }
    /* After a restart, the vifs' records give their rings back before
     * any round trip per vif; the scan that checks them follows, one
     * domain per loop turn, with the rings served in between. */
    if (xb->record_dir && take_records(xb)) {
        xb->settling = true;
        xb->settle_timer = evloop_timer_add(loop, XENBUS_SETTLE_DELAY_MS, 0, settle_step, xb);
        if (!xb->settle_timer) {
            settle_all(xb);
        }
    } else {
        scan_all(xb);
    }
    xb->release_watch = store_watch(st, "@releaseDomain", on_release, xb);
    if (!xb->release_watch) {
        goto fail;
    }
    if ((e = evloop_add_fd(loop, store_fd(st), EPOLLIN, on_store_fd, xb))) {
        errno = -e;
        goto fail;
    }
    if (xb->settling) {
        XLOG_INFO_(XLOG_MOD_XENSTORE, "watching " BE_ROOT ": %u vif(s) resumed from their "
                   "records in %s, checked against xenstore next", xb->n_vifs,
                   xb->record_dir);
    } else {
        XLOG_INFO_(XLOG_MOD_XENSTORE, "watching " BE_ROOT ": %u existing vif(s) adopted",
                   xb->n_vifs);
    }
    return xb;

fail:
    e = errno;
    XLOG_ERR_(XLOG_MOD_XENSTORE, "cannot watch " BE_ROOT ": %s", strerror(e));
    xenbus_destroy(xb);
    errno = e;
    return NULL;
}

/* Daemon exit: free local state, write nothing, so that a restarted xvsd
 * adopts the devices and guests see no disconnect. */
void
xenbus_destroy(struct xenbus *xb)
{
    if (!xb) {
        return;
    }
    if (xb->be_watch || xb->release_watch) {
        evloop_del_fd(xb->loop, store_fd(xb->st));
        evloop_cancel_more(xb->loop, pump, xb);
    }
    if (xb->be_watch) {
        store_unwatch(xb->st, xb->be_watch);
    }
    if (xb->release_watch) {
        store_unwatch(xb->st, xb->release_watch);
    }
    if (xb->settle_timer) {
        evloop_timer_del(xb->loop, xb->settle_timer);
    }
    xb->exiting = true;
    while (xb->n_vifs) {
        xbv_gone(xb->vifs[xb->n_vifs - 1]);
    }
    free(xb->settle_domains);
    free(xb->record_dir);
    free(xb->vifs);
    free(xb);
}

/* "backend/vif/D/N", also accepted absolute or with a trailing '/'. */
static struct xb_vif *
vif_by_path(struct xenbus *xb, const char *path, char *err, size_t errlen)
{
    const char *p = strstr(path, BE_ROOT "/");
    char rel[48];
    size_t len;
    struct xb_vif *v;

    if (!p) {
        snprintf(err, errlen, "%s: not a vif backend path (backend/vif/DOMID/DEVID)", path);
        return NULL;
    }
    len = strlen(p);
    while (len && p[len - 1] == '/') {
        len--;
    }
    if (len >= sizeof rel) {
        snprintf(err, errlen, "%s: not a vif backend path", path);
        return NULL;
    }
    memcpy(rel, p, len);
    rel[len] = '\0';
    settle_all(xb);
    v = find_path(xb, rel);
    if (!v) {
        snprintf(err, errlen, "%s: no such vif (is xvsd serving this host's vifs?)", rel);
    }
    return v;
}

int
xenbus_vif_online(struct xenbus *xb, const char *be_path, const char *tap,
                  char *err, size_t errlen)
{
    struct xb_vif *v = vif_by_path(xb, be_path, err, errlen);
    return v ? xbv_online(v, tap, err, errlen) : -ENOENT;
}

int
xenbus_vif_offline(struct xenbus *xb, const char *be_path, const char *tap,
                   char *err, size_t errlen)
{
    struct xb_vif *v = vif_by_path(xb, be_path, err, errlen);
    return v ? xbv_offline(v, tap) : -ENOENT;
}

unsigned
xenbus_n_vifs(const struct xenbus *xb)
{
    return xb->n_vifs;
}

bool
xenbus_vif_at(const struct xenbus *xb, unsigned i, struct xenbus_vif_info *info)
{
    const struct xb_vif *v;

    if (i >= xb->n_vifs) {
        return false;
    }
    v = xb->vifs[i];
    memset(info, 0, sizeof *info);
    info->domid = v->domid;
    info->devid = v->devid;
    snprintf(info->name, sizeof info->name, "%s", v->name);
    snprintf(info->bridge, sizeof info->bridge, "%s", v->cfg.bridge.name);
    info->be_state = v->published;
    info->fe_state = v->fe_state;
    info->online = v->online;
    info->attached = v->attached;
    info->connected = v->connected;
    info->hotplug_connected = v->hotplug_connected;
    snprintf(info->error, sizeof info->error, "%s", v->key_err[0] ? v->key_err : v->last_err);
    return true;
}
