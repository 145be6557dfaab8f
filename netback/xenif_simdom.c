/* xenif_simdom: the guest side of the simulated hypervisor (see
 * xenif_sim.h): one domain's memory, grant table and event channels, and a
 * thread that serves backend connections on <dir>/dom<D>.sock.
 *
 * Locking: `lock` protects the port table and the connection list (the
 * serving thread and the guest's own calls both touch them).  Grant entries
 * are single atomic words and need no lock; the gref free list is only used
 * by the guest's thread(s) and is protected by `lock` as well. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netback/xenif.h"
#include "netback/xenif_sim.h"

enum port_state { PORT_FREE, PORT_UNBOUND, PORT_BOUND };

struct dom_port {
    enum port_state state;
    uint16_t remote;            /* domid allowed to bind */
    int efd_be, efd_fe;         /* guest->backend, backend->guest */
    int conn;                   /* index in conns[] when bound */
};

struct xsim_dom {
    uint16_t domid;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int memfd, gntfd;
    uint8_t *mem;
    uint64_t *gnt;
    unsigned npages, ngrants, next_pfn;
    uint32_t *gfree;            /* free gref stack */
    unsigned ngfree;
    int listen_fd, stop_pipe[2], epfd;
    pthread_t thr;
    bool thr_started;
    pthread_mutex_t lock;
    int conns[XSIM_CONNS_MAX];
    struct dom_port ports[XSIM_PORTS_MAX];
};

static int sealed_memfd(const char *name, size_t size)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, (off_t)size)
        || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

static int mkdir_p(const char *dir)
{
    char tmp[256];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
        return -ENAMETOOLONG;
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0700) && errno != EEXIST)
                return -errno;
            *p = '/';
        }
    }
    return mkdir(tmp, 0700) && errno != EEXIST ? -errno : 0;
}

/* ---- serving thread ---- */

static void conn_drop(struct xsim_dom *d, unsigned ci)
{
    pthread_mutex_lock(&d->lock);
    for (unsigned p = 1; p < XSIM_PORTS_MAX; p++)
        if (d->ports[p].state == PORT_BOUND && d->ports[p].conn == (int)ci)
            d->ports[p].state = PORT_UNBOUND;
    close(d->conns[ci]);
    d->conns[ci] = -1;
    pthread_mutex_unlock(&d->lock);
}

static void conn_accept(struct xsim_dom *d)
{
    int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    pthread_mutex_lock(&d->lock);
    unsigned ci;
    for (ci = 0; ci < XSIM_CONNS_MAX && d->conns[ci] >= 0; ci++)
        continue;
    if (ci == XSIM_CONNS_MAX) {
        pthread_mutex_unlock(&d->lock);
        close(fd);
        return;
    }
    d->conns[ci] = fd;
    pthread_mutex_unlock(&d->lock);

    struct xsim_msg m = {
        .magic = XSIM_MAGIC, .type = XSIM_HELLO, .domid = d->domid,
        .arg0 = d->npages, .arg1 = d->ngrants,
    };
    int fds[2] = { d->memfd, d->gntfd };
    if (xsim_send(fd, &m, fds, 2))
        conn_drop(d, ci);
}

static void conn_request(struct xsim_dom *d, unsigned ci)
{
    struct xsim_msg m, r = { .magic = XSIM_MAGIC };
    int fds[2];
    unsigned nfds = 0;

    if (xsim_recv(d->conns[ci], &m, NULL, &nfds)) {
        conn_drop(d, ci);
        return;
    }
    r.domid = d->domid;
    r.arg0 = m.arg0;
    pthread_mutex_lock(&d->lock);
    struct dom_port *p = m.arg0 > 0 && m.arg0 < XSIM_PORTS_MAX ? &d->ports[m.arg0] : NULL;
    if (m.type == XSIM_BIND) {
        r.type = XSIM_BIND_REPLY;
        if (!p || p->state == PORT_FREE || p->remote != m.arg1)
            r.status = -EINVAL;
        else if (p->state == PORT_BOUND)
            r.status = -EBUSY;
        else {
            p->state = PORT_BOUND;
            p->conn = (int)ci;
            fds[0] = p->efd_be;
            fds[1] = p->efd_fe;
            nfds = 2;
        }
    } else if (m.type == XSIM_UNBIND) {
        r.type = XSIM_UNBIND_REPLY;
        if (!p || p->state != PORT_BOUND || p->conn != (int)ci)
            r.status = -EINVAL;
        else
            p->state = PORT_UNBOUND;
    } else {
        r.type = m.type;
        r.status = -EOPNOTSUPP;
    }
    int fd = d->conns[ci];
    /* Send under the lock: the fds must not be closed meanwhile. */
    int e = xsim_send(fd, &r, fds, nfds);
    pthread_mutex_unlock(&d->lock);
    if (e)
        conn_drop(d, ci);
}

static void *dom_serve(void *arg)
{
    struct xsim_dom *d = arg;
    for (;;) {
        struct pollfd pf[2 + XSIM_CONNS_MAX];
        unsigned idx[XSIM_CONNS_MAX], n = 2;
        pf[0] = (struct pollfd){ .fd = d->stop_pipe[0], .events = POLLIN };
        pf[1] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
        pthread_mutex_lock(&d->lock);
        for (unsigned ci = 0; ci < XSIM_CONNS_MAX; ci++)
            if (d->conns[ci] >= 0) {
                idx[n - 2] = ci;
                pf[n++] = (struct pollfd){ .fd = d->conns[ci], .events = POLLIN };
            }
        pthread_mutex_unlock(&d->lock);
        if (poll(pf, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        if (pf[0].revents)
            return NULL;
        if (pf[1].revents & POLLIN)
            conn_accept(d);
        for (unsigned i = 2; i < n; i++)
            if (pf[i].revents)
                conn_request(d, idx[i - 2]);
    }
}

/* ---- life cycle ---- */

struct xsim_dom *xsim_dom_create(const char *dir, uint16_t domid, unsigned npages,
                                 unsigned ngrants, char *err, size_t errlen)
{
    struct xsim_dom *d;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int e;

    if (!npages || npages > XSIM_PAGES_MAX || ngrants <= XSIM_GREF_FIRST
        || ngrants > XSIM_GRANTS_MAX) {
        snprintf(err, errlen, "sim dom%u: bad size (%u pages, %u grants)",
                 domid, npages, ngrants);
        return NULL;
    }
    d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "sim dom%u: out of memory", domid);
        return NULL;
    }
    d->domid = domid;
    d->npages = npages;
    d->ngrants = ngrants;
    d->memfd = d->gntfd = d->listen_fd = d->epfd = -1;
    d->stop_pipe[0] = d->stop_pipe[1] = -1;
    pthread_mutex_init(&d->lock, NULL);
    for (unsigned i = 0; i < XSIM_CONNS_MAX; i++)
        d->conns[i] = -1;

    const char *what = "memory";
    d->memfd = sealed_memfd("xsim-mem", (size_t)npages * XENIF_PAGE_SIZE);
    if (d->memfd < 0) { e = d->memfd; goto fail; }
    what = "grant table";
    d->gntfd = sealed_memfd("xsim-gnt", (size_t)ngrants * sizeof(uint64_t));
    if (d->gntfd < 0) { e = d->gntfd; goto fail; }
    what = "mmap";
    d->mem = mmap(NULL, (size_t)npages * XENIF_PAGE_SIZE, PROT_READ | PROT_WRITE,
                  MAP_SHARED, d->memfd, 0);
    if (d->mem == MAP_FAILED) { d->mem = NULL; e = -errno; goto fail; }
    d->gnt = mmap(NULL, (size_t)ngrants * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                  MAP_SHARED, d->gntfd, 0);
    if (d->gnt == MAP_FAILED) { d->gnt = NULL; e = -errno; goto fail; }
    d->gfree = malloc(sizeof *d->gfree * ngrants);
    if (!d->gfree) { e = -ENOMEM; goto fail; }
    for (unsigned g = ngrants; g-- > XSIM_GREF_FIRST; )
        d->gfree[d->ngfree++] = g;

    what = "event channels";
    d->epfd = xsim_evset_create();
    if (d->epfd < 0) { e = d->epfd; goto fail; }
    if (pipe2(d->stop_pipe, O_CLOEXEC)) { e = -errno; goto fail; }

    what = dir;
    if ((e = mkdir_p(dir)) || (e = xsim_sock_path(dir, domid, d->path, sizeof d->path)))
        goto fail;
    memcpy(sa.sun_path, d->path, sizeof d->path);
    d->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (d->listen_fd < 0) { e = -errno; goto fail; }
    unlink(d->path);
    if (bind(d->listen_fd, (struct sockaddr *)&sa, sizeof sa) || listen(d->listen_fd, 8)) {
        e = -errno;
        goto fail;
    }
    what = "thread";
    if ((e = -pthread_create(&d->thr, NULL, dom_serve, d)))
        goto fail;
    d->thr_started = true;
    return d;

fail:
    snprintf(err, errlen, "sim dom%u: %s: %s", domid, what, strerror(-e));
    xsim_dom_destroy(d);
    return NULL;
}

void xsim_dom_destroy(struct xsim_dom *d)
{
    if (!d)
        return;
    if (d->thr_started) {
        ssize_t w = write(d->stop_pipe[1], "x", 1);
        (void)w;
        pthread_join(d->thr, NULL);
    }
    if (d->listen_fd >= 0) {
        close(d->listen_fd);
        unlink(d->path);
    }
    for (unsigned i = 0; i < XSIM_CONNS_MAX; i++)
        if (d->conns[i] >= 0)
            close(d->conns[i]);
    for (unsigned p = 1; p < XSIM_PORTS_MAX; p++)
        if (d->ports[p].state != PORT_FREE) {
            close(d->ports[p].efd_be);
            close(d->ports[p].efd_fe);
        }
    for (int i = 0; i < 2; i++)
        if (d->stop_pipe[i] >= 0)
            close(d->stop_pipe[i]);
    if (d->epfd >= 0)
        close(d->epfd);
    if (d->mem)
        munmap(d->mem, (size_t)d->npages * XENIF_PAGE_SIZE);
    if (d->gnt)
        munmap(d->gnt, (size_t)d->ngrants * sizeof(uint64_t));
    if (d->memfd >= 0)
        close(d->memfd);
    if (d->gntfd >= 0)
        close(d->gntfd);
    free(d->gfree);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

uint16_t xsim_dom_domid(const struct xsim_dom *d) { return d->domid; }

/* ---- memory and grants ---- */

int xsim_dom_alloc_page(struct xsim_dom *d)
{
    int pfn;
    pthread_mutex_lock(&d->lock);
    pfn = d->next_pfn < d->npages ? (int)d->next_pfn++ : -ENOMEM;
    pthread_mutex_unlock(&d->lock);
    return pfn;
}

void *xsim_dom_page(struct xsim_dom *d, uint32_t pfn)
{
    return pfn < d->npages ? d->mem + (size_t)pfn * XENIF_PAGE_SIZE : NULL;
}

int xsim_gnt_grant(struct xsim_dom *d, uint32_t pfn, uint16_t to, bool readonly)
{
    if (pfn >= d->npages)
        return -EINVAL;
    pthread_mutex_lock(&d->lock);
    int gref = d->ngfree ? (int)d->gfree[--d->ngfree] : -ENOSPC;
    pthread_mutex_unlock(&d->lock);
    if (gref >= 0) {
        uint64_t e = XSIM_GNT_VALID | (readonly ? XSIM_GNT_READONLY : 0)
                   | (uint64_t)to << 32 | pfn;
        /* Release: the page contents written before are visible first. */
        __atomic_store_n(&d->gnt[gref], e, __ATOMIC_RELEASE);
    }
    return gref;
}

int xsim_gnt_end(struct xsim_dom *d, uint32_t gref)
{
    if (gref < XSIM_GREF_FIRST || gref >= d->ngrants)
        return -EINVAL;
    if (!(__atomic_exchange_n(&d->gnt[gref], 0, __ATOMIC_SEQ_CST) & XSIM_GNT_VALID))
        return -ENOENT;
    pthread_mutex_lock(&d->lock);
    d->gfree[d->ngfree++] = gref;
    pthread_mutex_unlock(&d->lock);
    return 0;
}

int xsim_gnt_set_raw(struct xsim_dom *d, uint32_t gref, uint64_t entry)
{
    if (gref >= d->ngrants)
        return -EINVAL;
    __atomic_store_n(&d->gnt[gref], entry, __ATOMIC_SEQ_CST);
    return 0;
}

unsigned xsim_gnt_count(const struct xsim_dom *d) { return d->ngrants; }

/* ---- event channels ---- */

int xsim_evtchn_alloc_unbound(struct xsim_dom *d, uint16_t remote)
{
    int be = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int fe = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int port = -ENOSPC;

    if (be < 0 || fe < 0) {
        port = -errno;
        goto out;
    }
    pthread_mutex_lock(&d->lock);
    for (unsigned p = 1; p < XSIM_PORTS_MAX; p++)
        if (d->ports[p].state == PORT_FREE) {
            int e = xsim_evset_arm(d->epfd, fe, p, true);
            if (e) {
                port = e;
                break;
            }
            d->ports[p] = (struct dom_port){ PORT_UNBOUND, remote, be, fe, -1 };
            port = (int)p;
            be = fe = -1;
            break;
        }
    pthread_mutex_unlock(&d->lock);
out:
    if (be >= 0)
        close(be);
    if (fe >= 0)
        close(fe);
    return port;
}

int xsim_evtchn_close(struct xsim_dom *d, uint32_t port)
{
    int e = -EINVAL;
    pthread_mutex_lock(&d->lock);
    if (port > 0 && port < XSIM_PORTS_MAX && d->ports[port].state != PORT_FREE) {
        struct dom_port *p = &d->ports[port];
        close(p->efd_be);
        close(p->efd_fe);     /* also leaves the epoll set */
        p->state = PORT_FREE;
        e = 0;
    }
    pthread_mutex_unlock(&d->lock);
    return e;
}

int xsim_evtchn_notify(struct xsim_dom *d, uint32_t port)
{
    uint64_t one = 1;
    int e = -EINVAL;
    pthread_mutex_lock(&d->lock);
    if (port > 0 && port < XSIM_PORTS_MAX && d->ports[port].state != PORT_FREE)
        e = write(d->ports[port].efd_be, &one, sizeof one) == sizeof one ? 0 : -errno;
    pthread_mutex_unlock(&d->lock);
    return e;
}

int xsim_evtchn_pending(struct xsim_dom *d)
{
    uint64_t tag, cnt;
    int r = xsim_evset_next(d->epfd, &tag);
    if (r <= 0)
        return r ? r : -EAGAIN;
    pthread_mutex_lock(&d->lock);
    if (tag < XSIM_PORTS_MAX && d->ports[tag].state != PORT_FREE) {
        ssize_t n = read(d->ports[tag].efd_fe, &cnt, sizeof cnt);
        (void)n;
    }
    pthread_mutex_unlock(&d->lock);
    return (int)tag;
}

int xsim_evtchn_unmask(struct xsim_dom *d, uint32_t port)
{
    int e = -EINVAL;
    pthread_mutex_lock(&d->lock);
    if (port > 0 && port < XSIM_PORTS_MAX && d->ports[port].state != PORT_FREE)
        e = xsim_evset_arm(d->epfd, d->ports[port].efd_fe, port, false);
    pthread_mutex_unlock(&d->lock);
    return e;
}

int xsim_evtchn_fd(struct xsim_dom *d) { return d->epfd; }

bool xsim_evtchn_is_bound(struct xsim_dom *d, uint32_t port)
{
    bool b;
    pthread_mutex_lock(&d->lock);
    b = port > 0 && port < XSIM_PORTS_MAX && d->ports[port].state == PORT_BOUND;
    pthread_mutex_unlock(&d->lock);
    return b;
}
