/* xenfront-xen: the guest side of the xsim seam (netback/xenif_sim.h) on
 * real Xen, so that tests/sim/simfront.c -- the test netfront -- runs in a
 * domU's userspace: pages granted with gntalloc (libxengnttab's
 * xengntshr_*), event channels from /dev/xen/evtchn (libxenevtchn).
 *
 * What differs from the simulated hypervisor, and why it does not matter
 * to simfront:
 *   - gntalloc grants pages it allocates itself, and simfront writes a
 *     page (the rings) before granting it, so every page of the domain is
 *     allocated and granted to the backend, domain 0, at once by
 *     xsim_dom_create() (one xengntshr_share_pages() call); xsim_gnt_grant()
 *     hands out the ref of a page.  The backend must be dom0 (-EINVAL
 *     otherwise).  Pages are granted writable, also the ones simfront asks
 *     read-only (TX buffers): the backend only reads those, so nothing it
 *     may do changes.
 *   - a second grant of a page (simfront's revocable ref) gets a fresh page
 *     of its own, so that xsim_gnt_end() / xsim_gnt_set_raw(ref, 0) can
 *     revoke exactly that ref (gntalloc ends the grant on unshare; the
 *     kernel may later reuse the ref number for a grant of its own, which
 *     would not be to dom0 for this page).  Other raw entries: -EOPNOTSUPP.
 *   - a guest cannot ask Xen whether its unbound port was bound by the
 *     backend: xsim_evtchn_is_bound() says true; the caller watches the
 *     backend's xenstore state instead.
 * Limits: XF_EXTRA_MAX revocable refs; gntalloc's own limit (module
 * parameter "limit", 1024 pages by default) bounds npages. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenevtchn.h>
#include <xengnttab.h>

#include "netback/xenif_sim.h"

#define XF_BACKEND_DOMID 0
#define XF_EXTRA_MAX 16             /* revocable (second) grants of a page */

struct xsim_dom {
    xengntshr_handle *gs;
    xenevtchn_handle *ev;
    uint16_t domid;
    unsigned npages, next_pfn, ngranted;
    uint8_t *mem;                   /* npages pages, all granted to dom0 */
    uint32_t *refs;                 /* refs[pfn] */
    bool *granted;                  /* the page's own ref was handed out */
    struct { uint32_t ref; void *page; } extra[XF_EXTRA_MAX];
    unsigned n_extra;
};

struct xsim_dom *xsim_dom_create(const char *dir, uint16_t domid, unsigned npages,
                                 unsigned ngrants, char *err, size_t errlen)
{
    (void)dir;
    (void)ngrants;
    struct xsim_dom *d = calloc(1, sizeof *d);
    if (!d || !(d->refs = calloc(npages ? npages : 1, sizeof *d->refs))
        || !(d->granted = calloc(npages ? npages : 1, sizeof *d->granted))) {
        snprintf(err, errlen, "xenfront: out of memory");
        if (d)
            free(d->refs);
        free(d);
        return NULL;
    }
    d->domid = domid;
    d->npages = npages;
    d->gs = xengntshr_open(NULL, 0);
    if (!d->gs) {
        snprintf(err, errlen, "xenfront: /dev/xen/gntalloc: %s (module xen-gntalloc?)",
                 strerror(errno));
        goto fail;
    }
    d->ev = xenevtchn_open(NULL, 0);
    if (!d->ev) {
        snprintf(err, errlen, "xenfront: /dev/xen/evtchn: %s (module xen-evtchn?)",
                 strerror(errno));
        goto fail;
    }
    d->mem = xengntshr_share_pages(d->gs, XF_BACKEND_DOMID, (int)npages, d->refs, 1);
    if (!d->mem) {
        snprintf(err, errlen, "xenfront: granting %u pages to dom%u: %s", npages,
                 XF_BACKEND_DOMID, strerror(errno));
        goto fail;
    }
    memset(d->mem, 0, (size_t)npages * 4096);
    return d;
fail:
    xsim_dom_destroy(d);
    return NULL;
}

void xsim_dom_destroy(struct xsim_dom *d)
{
    if (!d)
        return;
    for (unsigned i = 0; i < d->n_extra; i++)
        if (d->extra[i].page)
            xengntshr_unshare(d->gs, d->extra[i].page, 1);
    if (d->mem)
        xengntshr_unshare(d->gs, d->mem, d->npages);
    if (d->ev)
        xenevtchn_close(d->ev);
    if (d->gs)
        xengntshr_close(d->gs);
    free(d->refs);
    free(d->granted);
    free(d);
}

uint16_t xsim_dom_domid(const struct xsim_dom *d) { return d->domid; }

int xsim_dom_alloc_page(struct xsim_dom *d)
{
    return d->next_pfn < d->npages ? (int)d->next_pfn++ : -ENOMEM;
}

void *xsim_dom_page(struct xsim_dom *d, uint32_t pfn)
{
    return pfn < d->npages ? d->mem + (size_t)pfn * 4096 : NULL;
}

int xsim_gnt_grant(struct xsim_dom *d, uint32_t pfn, uint16_t to, bool readonly)
{
    (void)readonly;
    if (to != XF_BACKEND_DOMID || pfn >= d->next_pfn)
        return -EINVAL;
    if (!d->granted[pfn]) {         /* first grant of the page: its own ref */
        d->granted[pfn] = true;
        d->ngranted++;
        return (int)d->refs[pfn];
    }
    if (d->n_extra == XF_EXTRA_MAX)
        return -ENOSPC;
    uint32_t ref;
    void *p = xengntshr_share_pages(d->gs, to, 1, &ref, 1);
    if (!p)
        return -errno;
    d->extra[d->n_extra].ref = ref;
    d->extra[d->n_extra++].page = p;
    d->ngranted++;
    return (int)ref;
}

int xsim_gnt_end(struct xsim_dom *d, uint32_t gref)
{
    for (unsigned i = 0; i < d->n_extra; i++)
        if (d->extra[i].page && d->extra[i].ref == gref) {
            xengntshr_unshare(d->gs, d->extra[i].page, 1);
            d->extra[i].page = NULL;
            d->ngranted--;
            return 0;
        }
    return -EINVAL;                 /* pages of the block stay granted */
}

int xsim_gnt_set_raw(struct xsim_dom *d, uint32_t gref, uint64_t entry)
{
    return entry ? -EOPNOTSUPP : xsim_gnt_end(d, gref);
}

unsigned xsim_gnt_count(const struct xsim_dom *d) { return d->ngranted; }

int xsim_evtchn_alloc_unbound(struct xsim_dom *d, uint16_t remote_domid)
{
    xenevtchn_port_or_error_t p = xenevtchn_bind_unbound_port(d->ev, remote_domid);
    return p < 0 ? -errno : (int)p;
}

int xsim_evtchn_close(struct xsim_dom *d, uint32_t port)
{
    return xenevtchn_unbind(d->ev, port) ? -errno : 0;
}

int xsim_evtchn_notify(struct xsim_dom *d, uint32_t port)
{
    return xenevtchn_notify(d->ev, port) ? -errno : 0;
}

int xsim_evtchn_pending(struct xsim_dom *d)
{
    /* the fd is blocking: read only what poll says is there */
    struct pollfd p = { .fd = xenevtchn_fd(d->ev), .events = POLLIN };
    if (poll(&p, 1, 0) <= 0)
        return -EAGAIN;
    xenevtchn_port_or_error_t port = xenevtchn_pending(d->ev);
    return port < 0 ? -errno : (int)port;
}

int xsim_evtchn_unmask(struct xsim_dom *d, uint32_t port)
{
    return xenevtchn_unmask(d->ev, port) ? -errno : 0;
}

int xsim_evtchn_fd(struct xsim_dom *d) { return xenevtchn_fd(d->ev); }

bool xsim_evtchn_is_bound(struct xsim_dom *d, uint32_t port)
{
    (void)d;
    (void)port;
    return true;
}
