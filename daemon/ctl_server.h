/* ctl_server: the control socket of xvsd on the event loop.
 *
 * Listens on a unix socket (protocol in ctl.h), accepts up to
 * CTL_CLIENTS_MAX clients at once, reads each client's requests into a
 * buffer that grows to CTL_REQUEST_MAX bytes, runs every complete line through
 * ctl_dispatch_line() and queues the replies.  A client whose replies pile
 * up beyond CTL_OUT_HIGH is not read until they drain, so a client that
 * does not read cannot make xvsd buffer without bound.  Nothing blocks: a
 * slow or stuck client only ever holds its own slot, until CTL_IDLE_MS.
 * Clients that are not root, or beyond CTL_CLIENTS_MAX, get an error reply
 * to their first request and are closed. */
#ifndef XVS_CTL_SERVER_H
#define XVS_CTL_SERVER_H 1

#include <stddef.h>

struct evloop;
struct ctl_server;

#define CTL_CLIENTS_MAX 64
#define CTL_REFUSED_MAX 8               /* clients waiting for a refusal */
#define CTL_OUT_HIGH (1u << 20)        /* bytes of queued replies */
#define CTL_LISTEN_BACKLOG 16

/* Creates the socket at `path` (mode 0600; its directory is created with
 * mode 0700 if missing).  A stale socket file is replaced; a live one (an
 * xvsd is answering there) is an error.  Returns NULL with a message in
 * err on failure. */
struct ctl_server *ctl_server_create(struct evloop *, const char *path,
                                     char *err, size_t errlen);
/* Closes every client and the socket, and removes the socket file if it is
 * still the one this server made. */
void ctl_server_destroy(struct ctl_server *);

#endif
