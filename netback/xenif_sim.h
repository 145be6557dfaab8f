/* xenif_sim: a Xen hypervisor simulated in userspace, shared between
 * processes: the guest side ("xsim_dom", used by the test frontend) and the
 * wire protocol both sides speak.  The backend side is the "sim" xenif
 * (xenif_sim_open() in xenif.h).
 *
 * A guest domain D is owned by one process, which creates:
 *   - memory: a sealed memfd of npages 4 KiB pages (seals: no shrink, no
 *     grow, so a peer's mapping can never SIGBUS);
 *   - a grant table: a sealed memfd of ngrants 64-bit entries, each written
 *     with one atomic store by the guest and read with one atomic load by the
 *     backend, so granting and revoking are immediately visible:
 *         bit 63 valid, bit 62 read-only, bits 32..47 granted-to domid,
 *         bits 0..31 pfn.  Refs below XSIM_GREF_FIRST are never handed out
 *         (as in Xen, where they are reserved);
 *   - event channels: an allocated ("unbound") port p owns two eventfds, one
 *     per direction; notify() adds to the peer's one;
 *   - a SOCK_SEQPACKET unix socket <dir>/dom<D>.sock, served by a thread of
 *     the guest process.
 *
 * Protocol (struct xsim_msg, fds with SCM_RIGHTS), backend connects:
 *   guest -> backend  HELLO  {domid, npages, ngrants} + [memory fd, grant fd]
 *   backend -> guest  BIND   {port, backend domid}
 *   guest -> backend  BIND_REPLY {status} + [to-backend efd, to-guest efd]
 *   backend -> guest  UNBIND {port};  guest -> backend UNBIND_REPLY {status}
 * A port is bound by at most one live connection; when a connection closes
 * (backend exit, kill -9) its ports become unbound again so a restarted
 * backend can re-bind them, as Xen does when a bound port is closed.  When
 * the guest process exits, the backend sees EOF: the domain is dead, copies
 * fail with GNTST_bad_domain and its ports are kicked once so their owners
 * notice.
 */
#ifndef XVS_XENIF_SIM_H
#define XVS_XENIF_SIM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XSIM_DEFAULT_DIR "/run/xvs-sim"
#define XSIM_MAGIC 0x4d495358u       /* "XSIM" */
#define XSIM_PAGES_MAX 65536u        /* 256 MiB of guest memory */
#define XSIM_GRANTS_MAX 65536u
#define XSIM_GREF_FIRST 8u           /* refs 0..7 are reserved, as in Xen */
#define XSIM_PORTS_MAX 4096u         /* event channel ports per side */
#define XSIM_CONNS_MAX 16u           /* backend connections per guest */
#define XSIM_IO_TIMEOUT_MS 2000      /* a guest that does not answer a BIND */

#define XSIM_GNT_VALID    (1ull << 63)
#define XSIM_GNT_READONLY (1ull << 62)
#define XSIM_GNT_DOMID(e) ((uint16_t)((e) >> 32))
#define XSIM_GNT_PFN(e)   ((uint32_t)(e))

enum xsim_msg_type {
    XSIM_HELLO = 1, XSIM_BIND, XSIM_BIND_REPLY, XSIM_UNBIND, XSIM_UNBIND_REPLY,
};

struct xsim_msg {
    uint32_t magic;
    uint32_t type;                   /* enum xsim_msg_type */
    uint32_t domid;
    uint32_t arg0;                   /* HELLO: npages; (UN)BIND: guest port */
    uint32_t arg1;                   /* HELLO: ngrants; BIND: backend domid */
    int32_t status;                  /* replies: 0 or -errno */
};

/* Shared helpers of both sides (xenif_simcom.c). */
int xsim_send(int sock, const struct xsim_msg *, const int *fds, unsigned nfds);
/* Receives one message and up to *nfds fds (closes any surplus); -errno,
 * -ECONNRESET on EOF. */
int xsim_recv(int sock, struct xsim_msg *, int *fds, unsigned *nfds);
int xsim_sock_path(const char *dir, uint16_t domid, char *buf, size_t size);

/* An epoll set of eventfds armed with EPOLLONESHOT: a fired fd stays
 * disarmed ("masked") until re-armed. */
int xsim_evset_create(void);
int xsim_evset_arm(int epfd, int fd, uint64_t tag, bool add);
int xsim_evset_next(int epfd, uint64_t *tag);   /* 1, 0 when none, -errno */

/* ---- Guest side ---- */
struct xsim_dom;

struct xsim_dom *xsim_dom_create(const char *dir, uint16_t domid, unsigned npages,
                                 unsigned ngrants, char *err, size_t errlen);
void xsim_dom_destroy(struct xsim_dom *);
uint16_t xsim_dom_domid(const struct xsim_dom *);

/* Guest memory: pages are handed out by a bump allocator. */
int xsim_dom_alloc_page(struct xsim_dom *);          /* pfn or -ENOMEM */
void *xsim_dom_page(struct xsim_dom *, uint32_t pfn);

/* Grant pfn to `to` (the backend's domid); returns the gref or -ENOSPC. */
int xsim_gnt_grant(struct xsim_dom *, uint32_t pfn, uint16_t to, bool readonly);
/* Revoke and free a gref (like gnttab_end_foreign_access). */
int xsim_gnt_end(struct xsim_dom *, uint32_t gref);
/* Write a raw entry (hostile tests: dangling pfn, wrong domid, ...). */
int xsim_gnt_set_raw(struct xsim_dom *, uint32_t gref, uint64_t entry);
unsigned xsim_gnt_count(const struct xsim_dom *);

/* Event channels, guest view. */
int xsim_evtchn_alloc_unbound(struct xsim_dom *, uint16_t remote_domid);
int xsim_evtchn_close(struct xsim_dom *, uint32_t port);
int xsim_evtchn_notify(struct xsim_dom *, uint32_t port);
int xsim_evtchn_pending(struct xsim_dom *);            /* port or -EAGAIN */
int xsim_evtchn_unmask(struct xsim_dom *, uint32_t port);
int xsim_evtchn_fd(struct xsim_dom *);
bool xsim_evtchn_is_bound(struct xsim_dom *, uint32_t port);

#endif
