/* store: xvsd's seam to xenstore, a thin layer over libxenstore.
 *
 * One handle per daemon, used from the event-loop thread only.  Paths are
 * absolute or relative to /local/domain/<own domid> (libxenstore's rule).
 * Every call returns 0 or a negative errno; nothing here logs.
 *
 * A handle is two connections to xenstored: watches on one, every other
 * request on the other.  libxenstore hands every reply of a connection
 * with watches through its reader thread (a thread wake-up more per round
 * trip); the request connection has none, so the caller reads its replies
 * itself.  xenstored serves requests in order, so a read made after
 * store_watch() returned sees every change the watch does not report.
 *
 * Watches carry a callback.  Each registration gets a token that is never
 * reused ("xvs-<n>"), so an event that arrives after store_unwatch() finds
 * no owner and is dropped instead of reaching freed memory.  The daemon puts
 * store_fd() on its event loop and calls store_dispatch() when readable; a
 * budget bounds the work per call (a guest can make its frontend nodes
 * fire), and a positive return says "more queued, call again soon".
 *
 * Tests run the same code against tests/sim/xenstored-fake through
 * XENSTORED_PATH.  libxenstore starts a reader thread with the first
 * watch: never fork() after store_open(). */
#ifndef XVS_STORE_H
#define XVS_STORE_H 1

#include <stdbool.h>
#include <stdint.h>

#define STORE_TX_NONE 0             /* XBT_NULL */
#define STORE_DISPATCH_BUDGET 64    /* events per store_dispatch() call */
#define STORE_VALUE_MAX 4096        /* XENSTORE_PAYLOAD_MAX */

struct store;
struct store_watch;
typedef uint32_t store_tx;

/* `path` is the node that changed (or the watched path itself, right after
 * registration, or a removed node): re-read what you need. */
typedef void store_watch_cb(void *arg, const char *path);

struct store *store_open(void);     /* NULL + errno */
void store_close(struct store *);
int store_fd(const struct store *);

/* Value as a NUL-terminated malloc'd string (free it); *len may be NULL. */
int store_read(struct store *, store_tx, const char *path, char **value, unsigned *len);
/* Read into a caller buffer; -ENAMETOOLONG if it does not fit. */
int store_read_buf(struct store *, store_tx, const char *path, char *buf, unsigned size);
/* Strict unsigned decimal, <= max: -ENOENT, -EINVAL, -ERANGE. */
int store_read_uint(struct store *, store_tx, const char *path,
                    unsigned long long max, unsigned long long *out);
bool store_exists(struct store *, store_tx, const char *path);

int store_write(struct store *, store_tx, const char *path, const char *value);
int store_printf(struct store *, store_tx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int store_mkdir(struct store *, store_tx, const char *path);
int store_rm(struct store *, store_tx, const char *path);
/* Children names; free(*names) once. */
int store_directory(struct store *, store_tx, const char *path,
                    char ***names, unsigned *n);

int store_tx_start(struct store *, store_tx *);
/* -EAGAIN: conflict, redo the whole transaction. */
int store_tx_end(struct store *, store_tx, bool abort);

struct store_watch *store_watch(struct store *, const char *path,
                                store_watch_cb *, void *arg);   /* NULL + errno */
/* The same, without the registration event xenstored sends first: for a
 * caller that reads what it needs after this returns (every later change
 * fires), so that first event would bring nothing new -- a round trip
 * saved, which counts while guests wait on a restart. */
struct store_watch *store_watch_changes(struct store *, const char *path,
                                        store_watch_cb *, void *arg);
void store_unwatch(struct store *, struct store_watch *);

/* Run the callbacks of up to STORE_DISPATCH_BUDGET queued events.
 * Returns 0 if the queue is empty, 1 if events remain, or -errno. */
int store_dispatch(struct store *);

/* Requests sent to xenstored so far (each a round trip: libxenstore
 * waits for every reply) and the time spent waiting for them, so that a
 * slow start or restart can be told apart from a slow xenstored. */
struct store_stats {
    uint64_t requests;
    uint64_t usec;
};
void store_get_stats(const struct store *, struct store_stats *);

/* Whether xenstored still knows domain `domid` (false once it was
 * released: the domain is dying or gone). */
bool store_domain_exists(struct store *, unsigned domid);

#endif
