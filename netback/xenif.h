/* xenif: the seam between netback and the hypervisor (grant table + event
 * channels), behind a small ops table with two implementations.
 *
 *   xen  (xenif_xen.c): libxengnttab + libxenevtchn on /dev/xen/{gntdev,evtchn}.
 *   sim  (xenif_sim.c): a hypervisor simulated in userspace and shared between
 *                       processes, so a test frontend in another process is a
 *                       real peer.  Design summary (details in xenif_sim.h):
 *
 *     guest process (owns domain D)              backend process (xvsd)
 *     ------------------------------              ----------------------
 *     memfd "memory": N pages         --fd-->     mmap'd whole, read/written
 *     memfd "grant table": N entries  --fd-->     mmap'd read-only; each entry
 *        one 64-bit word (valid, ro,                is loaded atomically, so a
 *        granted-to domid, pfn)                     revocation is seen at once
 *     per event channel: 2 eventfds   --fd-->     bind_interdomain: fds fetched
 *        (guest->backend, backend->guest)           on demand (BIND request)
 *     listens on <dir>/dom<D>.sock  <--connect--  on first use of domid D
 *
 *   All fds travel over that unix socket with SCM_RIGHTS.  The backend keeps
 *   one epoll set of its bound "to backend" eventfds (EPOLLONESHOT), which is
 *   the pollable fd: pending() returns a port and leaves it disarmed (masked)
 *   until unmask() re-arms it; events while masked are coalesced in the
 *   eventfd counter, never lost -- the xenevtchn semantics.
 *
 * Semantics common to both (what netback relies on):
 *   - xenif_copy() takes a batch of segments laid out exactly like
 *     xengnttab_grant_copy_segment_t; each segment gets its own GNTST_* status
 *     and a bad segment never fails the batch: foreign offset + len > 4096
 *     gives GNTST_bad_copy_arg, a bad or revoked ref GNTST_bad_gntref, a
 *     read-only grant as destination GNTST_permission_denied, an unknown or
 *     dead domain GNTST_bad_domain.  Foreign->foreign segments
 *     (GNTCOPY_source_gref | GNTCOPY_dest_gref) are allowed; local->local is
 *     not (-EINVAL for the call, as gntdev does).
 *   - the return value is 0 once every segment has a status, or a negative
 *     errno if the call itself could not run.
 *   - ports are local port numbers (>= 0); errors are negative errno.
 */
#ifndef XVS_XENIF_H
#define XVS_XENIF_H 1

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/grant_table.h>      /* GNTCOPY_*, GNTST_* */

#define XENIF_PAGE_SIZE 4096
#define XENIF_COPY_BATCH_MAX 4096  /* segments per xenif_copy() call */

/* Same layout as xengnttab_grant_copy_segment_t (checked in xenif_xen.c). */
struct xenif_copy_seg {
    union xenif_copy_ptr {
        void *virt;
        struct {
            uint32_t ref;
            uint16_t offset;
            uint16_t domid;
        } foreign;
    } source, dest;
    uint16_t len;
    uint16_t flags;                 /* GNTCOPY_source_gref | GNTCOPY_dest_gref */
    int16_t status;                 /* out: GNTST_* */
};

struct xenif;

struct xenif_ops {
    const char *kind;               /* "xen", "sim" */
    void (*close)(struct xenif *);
    /* Map one granted page read/write (a ring page); NULL + errno. */
    void *(*map_page)(struct xenif *, uint16_t domid, uint32_t gref);
    int (*unmap_page)(struct xenif *, void *addr);
    int (*copy)(struct xenif *, struct xenif_copy_seg *, unsigned n);
    /* Event channels: returns the local port or -errno. */
    int (*bind)(struct xenif *, uint16_t domid, uint32_t remote_port);
    int (*unbind)(struct xenif *, uint32_t port);
    int (*notify)(struct xenif *, uint32_t port);
    int (*unmask)(struct xenif *, uint32_t port);
    /* Next fired port (now masked), or -EAGAIN when none. */
    int (*pending)(struct xenif *);
    int (*fd)(struct xenif *);
};

struct xenif {
    const struct xenif_ops *ops;
};

/* Open by kind: "xen", or "sim" (directory from $XVS_SIM_DIR, default
 * XSIM_DEFAULT_DIR), or "sim:<dir>".  NULL on failure, with a message in
 * err. */
struct xenif *xenif_open(const char *spec, char *err, size_t errlen);
struct xenif *xenif_xen_open(char *err, size_t errlen);
struct xenif *xenif_sim_open(const char *dir, uint16_t self_domid,
                             char *err, size_t errlen);

const char *xenif_gntst_name(int16_t status);

static inline void xenif_close(struct xenif *x) { if (x) x->ops->close(x); }
static inline void *xenif_map_page(struct xenif *x, uint16_t domid, uint32_t gref)
{ return x->ops->map_page(x, domid, gref); }
static inline int xenif_unmap_page(struct xenif *x, void *addr)
{ return x->ops->unmap_page(x, addr); }
static inline int xenif_copy(struct xenif *x, struct xenif_copy_seg *s, unsigned n)
{ return n ? x->ops->copy(x, s, n) : 0; }
static inline int xenif_bind(struct xenif *x, uint16_t domid, uint32_t rport)
{ return x->ops->bind(x, domid, rport); }
static inline int xenif_unbind(struct xenif *x, uint32_t port)
{ return x->ops->unbind(x, port); }
static inline int xenif_notify(struct xenif *x, uint32_t port)
{ return x->ops->notify(x, port); }
static inline int xenif_unmask(struct xenif *x, uint32_t port)
{ return x->ops->unmask(x, port); }
static inline int xenif_pending(struct xenif *x) { return x->ops->pending(x); }
static inline int xenif_fd(struct xenif *x) { return x->ops->fd(x); }

#endif
