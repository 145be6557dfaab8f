/* xenstored-harness: start the fake xenstored for a test and talk to it
 * with the real libxenstore, as dom0 or as a guest domain.
 *
 * xsh_start() forks and execs tests/sim/xenstored-fake (found next to the
 * test binary, or $XENSTORED_FAKE), waits until its socket accepts, and
 * exports XENSTORED_PATH so that xs_open(0) in this process and in every
 * child reaches it.  Call it before any xs_open: libxenstore starts a
 * reader thread on the first watch, and forking after that is unsafe. */
#ifndef XVS_XENSTORED_HARNESS_H
#define XVS_XENSTORED_HARNESS_H 1

#include <stdbool.h>
#include <xenstore.h>

struct xsh {
    int pid;
    char dir[64];           /* temporary directory holding the sockets */
    char sock[96];          /* dom0 socket */
};

/* `argv0` locates xenstored-fake; `extra` (may be NULL) are more options,
 * e.g. "-d", "5", NULL.  Returns 0 or -errno (message printed). */
int xsh_start(struct xsh *, const char *argv0, const char *const *extra);
void xsh_stop(struct xsh *);

/* xs_open() as domain `domid` (0 = dom0); NULL if that domain is not
 * introduced. */
struct xs_handle *xsh_open(const struct xsh *, unsigned domid);

/* Next watch event within `timeout_ms`, or NULL.  free() the result. */
char **xsh_event(struct xs_handle *, int timeout_ms);

/* Drop queued events for up to `quiet_ms` of silence; returns how many. */
int xsh_drain(struct xs_handle *, int quiet_ms);

/* Read a key into `buf` (NUL-terminated); false if missing. */
bool xsh_read(struct xs_handle *, const char *path, char *buf, size_t size);
bool xsh_write(struct xs_handle *, const char *path, const char *value);

/* Wait up to `timeout_ms` until `path` reads `value` (NULL: until it is
 * missing), polling every millisecond.  true if it did. */
bool xsh_wait(struct xs_handle *, const char *path, const char *value, int timeout_ms);

#endif
