/* detach: the classic start of a daemon, for xvsd without -f.
 *
 * detach_begin() forks.  The parent waits until the child says it is ready
 * (detach_ready()) and exits 0, or exits with the child's status if the
 * child died first; so `xvsd && xvsctl show` works, and a failed start is
 * a non-zero exit of the command that started it.  The child gets a new
 * session and goes on.  Under systemd, xvsd runs with -f instead. */
#ifndef XVS_DETACH_H
#define XVS_DETACH_H 1

#include <stdbool.h>

/* Returns 0 in the child, negative errno if fork failed (in the caller);
 * never returns in the parent. */
int detach_begin(void);
/* In the child, once ready: releases the parent, and points stdin, stdout
 * and (unless keep_stderr) stderr at /dev/null. */
void detach_ready(bool keep_stderr);

#endif
