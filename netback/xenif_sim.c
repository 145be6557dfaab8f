/* xenif_sim: the backend side of the simulated hypervisor (protocol and
 * shared-memory layout in xenif_sim.h).
 *
 * State: a table of connected domains (their memory and grant table mapped,
 * refcounted by the table and by the ports bound to them) and a table of
 * local ports.  One epoll set holds every bound port's "to backend" eventfd
 * (EPOLLONESHOT: fired == masked until unmask) and every domain socket (to
 * notice a guest's death); its fd is the xenif's pollable fd.
 *
 * Every guest-controlled value is checked before use: a gref against the
 * grant table size, an entry's pfn against the memory size, offset + len
 * against the page, the sizes announced in HELLO against the limits and the
 * memfds' real (sealed) sizes, so a hostile sim guest cannot make the
 * backend touch memory outside its own pages. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netback/xenif.h"
#include "netback/xenif_sim.h"

#define SIM_DOMS_MAX 1024            /* guests one backend talks to */
#define SIM_TAG_DOM (1ull << 63)     /* epoll tag: a domain socket */

struct sim_dom {
    uint16_t domid;
    bool dead;
    unsigned refs;
    int sock, memfd;
    uint8_t *mem;
    const uint64_t *gnt;
    unsigned npages, ngrants;
};

struct sim_port {
    struct sim_dom *dom;             /* NULL: free */
    uint32_t rport;
    int efd_in, efd_out;
};

struct xenif_sim {
    struct xenif up;
    char dir[200];
    uint16_t self;
    int epfd;
    unsigned ndoms;
    struct sim_dom *doms[SIM_DOMS_MAX];
    struct sim_dom *last;            /* lookup cache */
    struct sim_port ports[XSIM_PORTS_MAX];
};

static struct xenif_sim *xs(struct xenif *x) { return (struct xenif_sim *)x; }

/* ---- domains ---- */

/* Unmap a domain's memory and grant table and close its fds (it died, or
 * goes away): what a dead guest left must not stay in the backend. */
static void dom_release(struct sim_dom *d)
{
    if (d->mem)
        munmap(d->mem, (size_t)d->npages * XENIF_PAGE_SIZE);
    if (d->gnt)
        munmap((void *)d->gnt, (size_t)d->ngrants * sizeof(uint64_t));
    if (d->sock >= 0)
        close(d->sock);
    if (d->memfd >= 0)
        close(d->memfd);
    d->mem = NULL;
    d->gnt = NULL;
    d->sock = d->memfd = -1;
}

static void dom_unref(struct sim_dom *d)
{
    if (--d->refs)
        return;
    dom_release(d);
    free(d);
}

static void dom_forget(struct xenif_sim *x, unsigned i)
{
    struct sim_dom *d = x->doms[i];
    if (x->last == d)
        x->last = NULL;
    if (d->sock >= 0)
        epoll_ctl(x->epfd, EPOLL_CTL_DEL, d->sock, NULL);
    x->doms[i] = x->doms[--x->ndoms];
    dom_unref(d);
}

static int wait_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r;
    do {
        r = poll(&p, 1, XSIM_IO_TIMEOUT_MS);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : r == 0 ? -ETIMEDOUT : 0;
}

/* A memfd must be sealed against shrinking and at least `size` long. */
static int check_memfd(int fd, size_t size)
{
    struct stat st;
    int seals = fcntl(fd, F_GET_SEALS);
    if (seals < 0 || !(seals & F_SEAL_SHRINK) || fstat(fd, &st) || (size_t)st.st_size < size)
        return -EPROTO;
    return 0;
}

static int dom_connect(struct xenif_sim *x, uint16_t domid, struct sim_dom **out)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct xsim_msg m;
    int fds[2];
    unsigned nfds = 2;
    int e;

    /* Full: make room by dropping the record of a dead guest no port
     * refers to any more. */
    for (unsigned i = 0; x->ndoms == SIM_DOMS_MAX && i < x->ndoms; i++)
        if (x->doms[i]->dead && x->doms[i]->refs == 1)
            dom_forget(x, i);
    if (x->ndoms == SIM_DOMS_MAX)
        return -ENOSPC;
    if ((e = xsim_sock_path(x->dir, domid, sa.sun_path, sizeof sa.sun_path)))
        return e;
    struct sim_dom *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    d->domid = domid;
    d->refs = 1;
    d->memfd = -1;
    d->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (d->sock < 0 || connect(d->sock, (struct sockaddr *)&sa, sizeof sa)) {
        e = -errno;
        goto fail;
    }
    if ((e = wait_readable(d->sock)) || (e = xsim_recv(d->sock, &m, fds, &nfds)))
        goto fail;
    if (nfds != 2 || m.type != XSIM_HELLO || m.domid != domid || !m.arg0
        || m.arg0 > XSIM_PAGES_MAX || m.arg1 > XSIM_GRANTS_MAX) {
        for (unsigned i = 0; i < nfds; i++)
            close(fds[i]);
        e = -EPROTO;
        goto fail;
    }
    d->memfd = fds[0];
    d->npages = m.arg0;
    d->ngrants = m.arg1;
    size_t memsz = (size_t)d->npages * XENIF_PAGE_SIZE;
    size_t gntsz = (size_t)d->ngrants * sizeof(uint64_t);
    if ((e = check_memfd(fds[0], memsz)) || (e = check_memfd(fds[1], gntsz))) {
        close(fds[1]);
        goto fail;
    }
    d->mem = mmap(NULL, memsz, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
    d->gnt = mmap(NULL, gntsz, PROT_READ, MAP_SHARED, fds[1], 0);
    close(fds[1]);
    if (d->mem == MAP_FAILED || d->gnt == MAP_FAILED) {
        e = -errno;
        if (d->mem == MAP_FAILED)
            d->mem = NULL;
        if (d->gnt == MAP_FAILED)
            d->gnt = NULL;
        goto fail;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = SIM_TAG_DOM | domid };
    if (epoll_ctl(x->epfd, EPOLL_CTL_ADD, d->sock, &ev)) {
        e = -errno;
        goto fail;
    }
    x->doms[x->ndoms++] = d;
    *out = d;
    return 0;
fail:
    dom_unref(d);
    return e;
}

/* Find domid's connection, connecting on first use.  A dead one (the guest
 * process went away) stays dead for copies; with `renew` (map, bind: a new
 * vif is being set up) it is replaced by a fresh connection. */
static struct sim_dom *dom_get(struct xenif_sim *x, uint16_t domid, bool renew, int *err)
{
    struct sim_dom *d = NULL;

    if (x->last && x->last->domid == domid && !x->last->dead)
        return x->last;
    for (unsigned i = 0; i < x->ndoms; i++)
        if (x->doms[i]->domid == domid) {
            d = x->doms[i];
            if (d->dead && renew) {
                dom_forget(x, i);
                d = NULL;
            }
            break;
        }
    if (d && d->dead) {
        *err = -ESRCH;
        return NULL;
    }
    if (!d && (*err = dom_connect(x, domid, &d)))
        return NULL;
    x->last = d;
    return d;
}

static void dom_died(struct xenif_sim *x, uint16_t domid)
{
    uint64_t one = 1;
    for (unsigned i = 0; i < x->ndoms; i++) {
        struct sim_dom *d = x->doms[i];
        if (d->domid != domid || d->dead)
            continue;
        d->dead = true;
        epoll_ctl(x->epfd, EPOLL_CTL_DEL, d->sock, NULL);
        /* Only the record stays (copies to it fail until a vif maps or
         * binds it again); its memory goes now. */
        if (x->last == d)
            x->last = NULL;
        dom_release(d);
        /* Kick its ports once so their owners notice. */
        for (unsigned p = 1; p < XSIM_PORTS_MAX; p++)
            if (x->ports[p].dom == d && write(x->ports[p].efd_in, &one, sizeof one) < 0)
                continue;
    }
}

/* ---- grants ---- */

static int16_t gnt_resolve(struct xenif_sim *x, uint16_t domid, uint32_t ref,
                           uint16_t off, uint16_t len, bool write, uint8_t **p)
{
    int err;
    if ((unsigned)off + len > XENIF_PAGE_SIZE)
        return GNTST_bad_copy_arg;
    struct sim_dom *d = dom_get(x, domid, false, &err);
    if (!d)
        return GNTST_bad_domain;
    if (ref >= d->ngrants)
        return GNTST_bad_gntref;
    uint64_t e = __atomic_load_n(&d->gnt[ref], __ATOMIC_ACQUIRE);
    if (!(e & XSIM_GNT_VALID))
        return GNTST_bad_gntref;
    if (XSIM_GNT_DOMID(e) != x->self)
        return GNTST_permission_denied;
    if (write && (e & XSIM_GNT_READONLY))
        return GNTST_permission_denied;
    if (XSIM_GNT_PFN(e) >= d->npages)
        return GNTST_bad_page;
    *p = d->mem + (size_t)XSIM_GNT_PFN(e) * XENIF_PAGE_SIZE + off;
    return GNTST_okay;
}

static int sim_copy(struct xenif *x_, struct xenif_copy_seg *segs, unsigned n)
{
    struct xenif_sim *x = xs(x_);

    for (unsigned i = 0; i < n; i++)
        if (!(segs[i].flags & (GNTCOPY_source_gref | GNTCOPY_dest_gref)))
            return -EINVAL;
    for (unsigned i = 0; i < n; i++) {
        struct xenif_copy_seg *s = &segs[i];
        uint8_t *src = s->source.virt, *dst = s->dest.virt;
        int16_t st = GNTST_okay;

        if (s->flags & GNTCOPY_source_gref)
            st = gnt_resolve(x, s->source.foreign.domid, s->source.foreign.ref,
                             s->source.foreign.offset, s->len, false, &src);
        if (st == GNTST_okay && (s->flags & GNTCOPY_dest_gref))
            st = gnt_resolve(x, s->dest.foreign.domid, s->dest.foreign.ref,
                             s->dest.foreign.offset, s->len, true, &dst);
        if (st == GNTST_okay)
            memmove(dst, src, s->len);
        s->status = st;
    }
    return 0;
}

static void *sim_map_page(struct xenif *x_, uint16_t domid, uint32_t gref)
{
    struct xenif_sim *x = xs(x_);
    int err;
    struct sim_dom *d = dom_get(x, domid, true, &err);
    if (!d) {
        errno = -err;
        return NULL;
    }
    uint8_t *p;
    int16_t st = gnt_resolve(x, domid, gref, 0, XENIF_PAGE_SIZE, true, &p);
    if (st != GNTST_okay) {
        errno = st == GNTST_permission_denied ? EPERM : EINVAL;
        return NULL;
    }
    off_t off = (off_t)(p - d->mem);
    void *a = mmap(NULL, XENIF_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, d->memfd, off);
    return a == MAP_FAILED ? NULL : a;
}

static int sim_unmap_page(struct xenif *x, void *addr)
{
    return munmap(addr, XENIF_PAGE_SIZE) ? -errno : 0;
}

/* ---- event channels ---- */

static struct sim_port *port_get(struct xenif_sim *x, uint32_t port)
{
    return port > 0 && port < XSIM_PORTS_MAX && x->ports[port].dom ? &x->ports[port] : NULL;
}

static int dom_call(struct sim_dom *d, struct xsim_msg *m, uint32_t reply_type,
                    int *fds, unsigned *nfds)
{
    int e = xsim_send(d->sock, m, NULL, 0);
    if (!e)
        e = wait_readable(d->sock);
    if (!e)
        e = xsim_recv(d->sock, m, fds, nfds);
    if (!e && m->type != reply_type)
        e = -EPROTO;
    if (!e)
        e = m->status > 0 ? -EPROTO : m->status;
    return e;
}

static int sim_bind(struct xenif *x_, uint16_t domid, uint32_t rport)
{
    struct xenif_sim *x = xs(x_);
    int err, fds[2];
    unsigned nfds = 2, p;

    for (p = 1; p < XSIM_PORTS_MAX && x->ports[p].dom; p++)
        continue;
    if (p == XSIM_PORTS_MAX)
        return -ENOSPC;
    struct sim_dom *d = dom_get(x, domid, true, &err);
    if (!d)
        return err;
    struct xsim_msg m = {
        .magic = XSIM_MAGIC, .type = XSIM_BIND, .domid = domid,
        .arg0 = rport, .arg1 = x->self,
    };
    err = dom_call(d, &m, XSIM_BIND_REPLY, fds, &nfds);
    if (!err && nfds != 2)
        err = -EPROTO;
    if (!err)
        err = xsim_evset_arm(x->epfd, fds[0], p, true);
    if (err) {
        for (unsigned i = 0; i < nfds; i++)
            close(fds[i]);
        if (err == -ECONNRESET || err == -EPIPE || err == -ETIMEDOUT)
            dom_died(x, domid);
        return err;
    }
    d->refs++;
    x->ports[p] = (struct sim_port){ d, rport, fds[0], fds[1] };
    return (int)p;
}

static int sim_unbind(struct xenif *x_, uint32_t port)
{
    struct xenif_sim *x = xs(x_);
    struct sim_port *sp = port_get(x, port);
    if (!sp)
        return -EINVAL;
    if (!sp->dom->dead) {
        struct xsim_msg m = {
            .magic = XSIM_MAGIC, .type = XSIM_UNBIND, .domid = sp->dom->domid,
            .arg0 = sp->rport,
        };
        unsigned nfds = 0;
        if (dom_call(sp->dom, &m, XSIM_UNBIND_REPLY, NULL, &nfds) == -ECONNRESET)
            dom_died(x, sp->dom->domid);
    }
    epoll_ctl(x->epfd, EPOLL_CTL_DEL, sp->efd_in, NULL);
    close(sp->efd_in);
    close(sp->efd_out);
    dom_unref(sp->dom);
    sp->dom = NULL;
    return 0;
}

static int sim_notify(struct xenif *x_, uint32_t port)
{
    struct sim_port *sp = port_get(xs(x_), port);
    uint64_t one = 1;
    if (!sp)
        return -EINVAL;
    if (sp->dom->dead)
        return 0;                     /* as Xen: sending to a closed peer is a no-op */
    return write(sp->efd_out, &one, sizeof one) == sizeof one ? 0 : -errno;
}

static int sim_unmask(struct xenif *x_, uint32_t port)
{
    struct xenif_sim *x = xs(x_);
    struct sim_port *sp = port_get(x, port);
    return sp ? xsim_evset_arm(x->epfd, sp->efd_in, port, false) : -EINVAL;
}

static int sim_pending(struct xenif *x_)
{
    struct xenif_sim *x = xs(x_);
    uint64_t tag, cnt;
    int r;

    while ((r = xsim_evset_next(x->epfd, &tag)) > 0) {
        if (tag & SIM_TAG_DOM) {
            /* Guests never talk unasked: anything here is EOF or junk. */
            uint16_t domid = (uint16_t)tag;
            for (unsigned i = 0; i < x->ndoms; i++) {
                struct sim_dom *d = x->doms[i];
                if (d->domid == domid && !d->dead) {
                    struct xsim_msg m;
                    unsigned nfds = 0;
                    int e = xsim_recv(d->sock, &m, NULL, &nfds);
                    if (e && e != -EAGAIN)
                        dom_died(x, domid);
                }
            }
            continue;
        }
        struct sim_port *sp = port_get(x, (uint32_t)tag);
        if (!sp)
            continue;
        if (read(sp->efd_in, &cnt, sizeof cnt) < 0 && errno != EAGAIN)
            return -errno;
        return (int)tag;
    }
    return r < 0 ? r : -EAGAIN;
}

static int sim_fd(struct xenif *x) { return xs(x)->epfd; }

static void sim_close(struct xenif *x_)
{
    struct xenif_sim *x = xs(x_);
    for (unsigned p = 1; p < XSIM_PORTS_MAX; p++)
        if (x->ports[p].dom) {
            /* Closing the socket unbinds on the guest side. */
            close(x->ports[p].efd_in);
            close(x->ports[p].efd_out);
            dom_unref(x->ports[p].dom);
        }
    while (x->ndoms)
        dom_forget(x, 0);
    close(x->epfd);
    free(x);
}

static const struct xenif_ops sim_ops = {
    .kind = "sim",
    .close = sim_close,
    .map_page = sim_map_page,
    .unmap_page = sim_unmap_page,
    .copy = sim_copy,
    .bind = sim_bind,
    .unbind = sim_unbind,
    .notify = sim_notify,
    .unmask = sim_unmask,
    .pending = sim_pending,
    .fd = sim_fd,
};

struct xenif *xenif_sim_open(const char *dir, uint16_t self, char *err, size_t errlen)
{
    struct xenif_sim *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "xenif sim: out of memory");
        return NULL;
    }
    if (!dir)
        dir = XSIM_DEFAULT_DIR;
    if (snprintf(x->dir, sizeof x->dir, "%s", dir) >= (int)sizeof x->dir) {
        snprintf(err, errlen, "xenif sim: directory name too long");
        free(x);
        return NULL;
    }
    x->up.ops = &sim_ops;
    x->self = self;
    x->epfd = xsim_evset_create();
    if (x->epfd < 0) {
        snprintf(err, errlen, "xenif sim: epoll: %s", strerror(-x->epfd));
        free(x);
        return NULL;
    }
    return &x->up;
}
