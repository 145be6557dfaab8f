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

static void
adopt(struct xenbus *xb, unsigned domid, unsigned devid)
{
    static struct xlog_ratelimit rl = XLOG_RATELIMIT_INIT(1, 5);
    struct xb_vif *v;

    if (xb->n_vifs >= XENBUS_VIFS_MAX) {
        if (xlog_ratelimit(&rl)) {
            XLOG_ERR_(XLOG_MOD_XENSTORE, "backend/vif/%u/%u: ignored, already serving %d vifs",
                      domid, devid, XENBUS_VIFS_MAX);
        }
        return;
    }
    if (xb->n_vifs == xb->cap_vifs) {
        unsigned cap = xb->cap_vifs ? xb->cap_vifs * 2 : 16;
        struct xb_vif **p = realloc(xb->vifs, cap * sizeof *p);
        if (!p) {
            XLOG_ERR_(XLOG_MOD_XENSTORE, "backend/vif/%u/%u: out of memory", domid, devid);
            return;
        }
        xb->vifs = p;
        xb->cap_vifs = cap;
    }
    v = xbv_adopt(xb, domid, devid);
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
        adopt(xb, domid, devid);
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
            adopt(xb, domid, devid);
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
        if (num(names[j], KEYS_HANDLE_MAX, &devid) && !find(xb, domid, devid)) {
            adopt(xb, domid, devid);
        }
    }
    free(names);
}

static void
scan_all(struct xenbus *xb)
{
    char **names = NULL;
    unsigned n = 0;
    int r = store_directory(xb->st, STORE_TX_NONE, BE_ROOT, &names, &n);

    if (r && r != -ENOENT) {
        XLOG_WARN_(XLOG_MOD_XENSTORE, BE_ROOT ": cannot list: %s", strerror(-r));
        return;
    }
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
    for (unsigned j = 0; j < n; j++) {
        unsigned domid;
        if (num(names[j], KEYS_DOMID_MAX, &domid)) {
            scan_domain(xb, domid);
        }
    }
    free(names);
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
xenbus_create(struct store *st, struct evloop *loop, const struct xenbus_ops *ops, void *ctx)
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
    /* Watch first, then adopt what exists, synchronously (so that a
     * vif-online request arriving right after start-up finds its device):
     * what changes after the scan fires the watch. */
    xb->be_watch = store_watch_changes(st, BE_ROOT, on_backend, xb);
    if (!xb->be_watch) {
        goto fail;
    }
    scan_all(xb);
    xb->release_watch = store_watch(st, "@releaseDomain", on_release, xb);
    if (!xb->release_watch) {
        goto fail;
    }
    if ((e = evloop_add_fd(loop, store_fd(st), EPOLLIN, on_store_fd, xb))) {
        errno = -e;
        goto fail;
    }
    XLOG_INFO_(XLOG_MOD_XENSTORE, "watching " BE_ROOT ": %u existing vif(s) adopted",
               xb->n_vifs);
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
    xb->exiting = true;
    while (xb->n_vifs) {
        xbv_gone(xb->vifs[xb->n_vifs - 1]);
    }
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
