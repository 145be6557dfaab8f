/* sdload: libsystemd (sd_notify, the journal), loaded only when needed.
 *
 * xvsd needs libsystemd only under systemd: for sd_notify() when
 * NOTIFY_SOCKET is set and for the journal when it logs there.  Linked in,
 * libsystemd.so.0 drags six more libraries into every start (libgcrypt,
 * libgpg-error, liblzma, libzstd, liblz4, libcap: ~4100 of xvsd's ~4800
 * symbol relocations; the dynamic loader's work at start, measured in the
 * test lab's PV dom0, drops from 78 M to 16.5 M cycles without them --
 * docs/restart.md), and into every dom0 image that ships xvsd.  So the
 * library is dlopen()ed at the first call that needs it, as systemd itself
 * does for its optional dependencies; without systemd it is never loaded.
 * It is still the library that speaks the protocols: nothing here is
 * hand-rolled.
 *
 * State: one handle, loaded at most once (a failure is remembered, with
 * its reason, and not retried).  Single-threaded, like the daemon. */
#ifndef XVS_SDLOAD_H
#define XVS_SDLOAD_H 1

#include <stdbool.h>
#include <sys/uio.h>

/* The soname dlopen()ed. */
#define SDLOAD_SONAME "libsystemd.so.0"

/* sd_notify(0, state) if NOTIFY_SOCKET is set; 0 without loading
 * anything if it is not.  Else what sd_notify returns, or -ELIBACC when
 * libsystemd cannot be loaded (sdload_error() says why). */
int sdload_notify(const char *state);

/* sd_journal_sendv(iov, n), or -ELIBACC when libsystemd cannot be loaded. */
int sdload_journal_sendv(const struct iovec *iov, int n);

/* Whether libsystemd is loaded (by this module); why loading failed. */
bool sdload_loaded(void);
const char *sdload_error(void);

#endif
