/* xenif_xen: the xenif seam over libxengnttab and libxenevtchn (real Xen).
 *
 * Grant copy segments are passed to xengnttab_grant_copy() as they are (the
 * layouts are identical, checked below).  gntdev fails the whole ioctl when
 * one segment has a foreign offset + len past the page; we pre-check and give
 * such segments GNTST_bad_copy_arg instead, so a batch behaves like the sim
 * (one bad segment never fails the others). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xengnttab.h>

#include "netback/xenif.h"

_Static_assert(sizeof(struct xenif_copy_seg) == sizeof(xengnttab_grant_copy_segment_t),
               "xenif_copy_seg layout");
_Static_assert(offsetof(struct xenif_copy_seg, len)
               == offsetof(xengnttab_grant_copy_segment_t, len), "len");
_Static_assert(offsetof(struct xenif_copy_seg, status)
               == offsetof(xengnttab_grant_copy_segment_t, status), "status");
_Static_assert(offsetof(struct xenif_copy_seg, dest.foreign.domid)
               == offsetof(xengnttab_grant_copy_segment_t, dest.foreign.domid), "domid");

#define XEN_STAGE_SEGS 256          /* good segments staged per ioctl */
#define XEN_PENDING_BATCH 64        /* ports read from /dev/xen/evtchn per read() */

/* Pending ports: the evtchn device hands out every port that fired in one
 * read() (4 bytes each).  libxenevtchn's xenevtchn_pending() reads one per
 * call, behind a poll() of its blocking fd: in a PV dom0 every system call
 * is a trip through Xen, so the fd is made non-blocking and read in
 * batches; pending() serves the ports from the batch. */
struct xenif_xen {
    struct xenif up;
    xengnttab_handle *gt;
    xenevtchn_handle *ev;
    uint32_t pend[XEN_PENDING_BATCH];
    unsigned npend, ipend;          /* pend[ipend..npend) not handed out yet */
    bool drained;                   /* the last read() did not fill pend: the
                                     * device was empty then; the (level-
                                     * triggered) fd says when it is not */
};

static struct xenif_xen *xx(struct xenif *x) { return (struct xenif_xen *)x; }

static void xen_close(struct xenif *x)
{
    xengnttab_close(xx(x)->gt);
    xenevtchn_close(xx(x)->ev);
    free(x);
}

static void *xen_map_page(struct xenif *x, uint16_t domid, uint32_t gref)
{
    return xengnttab_map_grant_ref(xx(x)->gt, domid, gref, PROT_READ | PROT_WRITE);
}

static int xen_unmap_page(struct xenif *x, void *addr)
{
    return xengnttab_unmap(xx(x)->gt, addr, 1) ? -errno : 0;
}

static int seg_check(const struct xenif_copy_seg *s)
{
    if (!(s->flags & (GNTCOPY_source_gref | GNTCOPY_dest_gref)))
        return -EINVAL;
    if ((s->flags & GNTCOPY_source_gref)
        && s->source.foreign.offset + s->len > XENIF_PAGE_SIZE)
        return GNTST_bad_copy_arg;
    if ((s->flags & GNTCOPY_dest_gref)
        && s->dest.foreign.offset + s->len > XENIF_PAGE_SIZE)
        return GNTST_bad_copy_arg;
    return GNTST_okay;
}

static int xen_copy_direct(struct xenif_xen *x, struct xenif_copy_seg *s, unsigned n)
{
    if (xengnttab_grant_copy(x->gt, n, (xengnttab_grant_copy_segment_t *)s))
        return -errno;
    return 0;
}

static int xen_copy(struct xenif *x_, struct xenif_copy_seg *segs, unsigned n)
{
    struct xenif_xen *x = xx(x_);
    unsigned i, bad = 0;

    for (i = 0; i < n; i++) {
        int r = seg_check(&segs[i]);
        if (r == -EINVAL)
            return -EINVAL;
        segs[i].status = (int16_t)r;
        bad += r != GNTST_okay;
    }
    if (!bad)
        return xen_copy_direct(x, segs, n);

    /* Stage the good ones, copy, scatter statuses back. */
    xengnttab_grant_copy_segment_t stage[XEN_STAGE_SEGS];
    unsigned idx[XEN_STAGE_SEGS];
    unsigned k = 0;
    for (i = 0; i <= n; i++) {
        if (i < n && segs[i].status == GNTST_okay) {
            memcpy(&stage[k], &segs[i], sizeof stage[k]);
            idx[k++] = i;
        }
        if (k && (k == XEN_STAGE_SEGS || i == n)) {
            if (xengnttab_grant_copy(x->gt, k, stage))
                return -errno;
            for (unsigned j = 0; j < k; j++)
                segs[idx[j]].status = stage[j].status;
            k = 0;
        }
    }
    return 0;
}

static int xen_bind(struct xenif *x, uint16_t domid, uint32_t rport)
{
    xenevtchn_port_or_error_t p = xenevtchn_bind_interdomain(xx(x)->ev, domid, rport);
    return p < 0 ? -errno : (int)p;
}

static int xen_unbind(struct xenif *x, uint32_t port)
{
    return xenevtchn_unbind(xx(x)->ev, port) ? -errno : 0;
}

static int xen_notify(struct xenif *x, uint32_t port)
{
    return xenevtchn_notify(xx(x)->ev, port) ? -errno : 0;
}

static int xen_unmask(struct xenif *x, uint32_t port)
{
    return xenevtchn_unmask(xx(x)->ev, port) ? -errno : 0;
}

static int xen_pending(struct xenif *x_)
{
    struct xenif_xen *x = xx(x_);
    if (x->ipend == x->npend) {
        if (x->drained) {           /* saves a read() that would say EAGAIN */
            x->drained = false;
            return -EAGAIN;
        }
        ssize_t n = read(xenevtchn_fd(x->ev), x->pend, sizeof x->pend);
        if (n < 0)
            return errno == EINTR ? -EAGAIN : -errno;
        x->npend = (unsigned)n / sizeof x->pend[0];
        x->ipend = 0;
        x->drained = x->npend < XEN_PENDING_BATCH;
        if (!x->npend)
            return -EAGAIN;
    }
    return (int)x->pend[x->ipend++];
}

static int xen_fd(struct xenif *x) { return xenevtchn_fd(xx(x)->ev); }

static const struct xenif_ops xen_ops = {
    .kind = "xen",
    .close = xen_close,
    .map_page = xen_map_page,
    .unmap_page = xen_unmap_page,
    .copy = xen_copy,
    .bind = xen_bind,
    .unbind = xen_unbind,
    .notify = xen_notify,
    .unmask = xen_unmask,
    .pending = xen_pending,
    .fd = xen_fd,
};

struct xenif *xenif_xen_open(char *err, size_t errlen)
{
    struct xenif_xen *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "xenif xen: out of memory");
        return NULL;
    }
    x->up.ops = &xen_ops;
    x->gt = xengnttab_open(NULL, 0);
    if (!x->gt) {
        snprintf(err, errlen, "xenif xen: /dev/xen/gntdev: %s", strerror(errno));
        free(x);
        return NULL;
    }
    x->ev = xenevtchn_open(NULL, 0);
    int fl = x->ev ? fcntl(xenevtchn_fd(x->ev), F_GETFL) : -1;
    if (!x->ev || fl < 0 || fcntl(xenevtchn_fd(x->ev), F_SETFL, fl | O_NONBLOCK) < 0) {
        snprintf(err, errlen, "xenif xen: /dev/xen/evtchn: %s", strerror(errno));
        if (x->ev)
            xenevtchn_close(x->ev);
        xengnttab_close(x->gt);
        free(x);
        return NULL;
    }
    return &x->up;
}
