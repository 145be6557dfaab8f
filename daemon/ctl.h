/* ctl: the control protocol of xvsd -- command registry and dispatcher.
 *
 * This comment is the authoritative description of the protocol; xvsctl and
 * man/xvsctl.8 follow it.
 *
 * TRANSPORT: a SOCK_STREAM unix socket, by default /run/xvs/xvsd.sock
 * (CTL_DEFAULT_SOCKET; [global] control-socket or xvsd --control change it),
 * mode 0600 in a directory made 0700 if xvsd creates it.  Only root, or the
 * uid xvsd runs as, may talk to it (SO_PEERCRED); anyone else gets one error
 * reply and the connection is closed.
 *
 * REQUEST: one line of JSON, at most CTL_REQUEST_MAX (65536) bytes including
 * the '\n':
 *     {"command": "fdb-show", "args": ["xenbr0"]}
 * "command" is a string; "args" (optional, default []) is an array of at
 * most CTL_ARGS_MAX (64) strings.  No other members are allowed.
 *
 * REPLY: one line of JSON per request, in order:
 *     {"ok": true, "result": <any JSON value>}
 *     {"ok": false, "error": "fdb-show: no bridge named 'xenbr9'"}
 * Every error message starts with the command name and ": " (or "request: "
 * when the request itself is unusable).
 *
 * CONNECTION: a client may send several requests, one line each, and gets
 * the replies in the same order; xvsd closes the connection when the client
 * has shut down its sending side (EOF; a last request without '\n' just
 * before EOF is still answered) or after CTL_IDLE_MS (60 s) without a
 * request.  A request that is not valid JSON, not an object of the shape
 * above, or longer than CTL_REQUEST_MAX gets an error reply and then the
 * connection is closed; the daemon is not otherwise affected.  An error
 * from a command (bad argument, no such bridge) keeps the connection open.
 * The simplest client: connect, write one line, read one line, close.
 *
 * COMMANDS: see ctl_commands.c (switch commands) and "list-commands";
 * other modules add theirs with ctl_register_command(). */
#ifndef XVS_CTL_H
#define XVS_CTL_H 1

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define CTL_DEFAULT_SOCKET "/run/xvs/xvsd.sock"
#define CTL_REQUEST_MAX 65536           /* bytes, including the '\n' */
#define CTL_ARGS_MAX 64
#define CTL_COMMANDS_MAX 128
#define CTL_COMMAND_NAME_MAX 32
#define CTL_IDLE_MS 60000

/* A command handler.  argv[0..argc) are the request's args (the command
 * name is not included).  Returns the result (a new reference; json_null()
 * for "nothing"), or NULL after setting *err to a malloc'd message without
 * the "command: " prefix (ctl_errf() does both). */
typedef json_t *ctl_handler(size_t argc, const char *const *argv, void *arg,
                            char **err);

/* Returns 0, -EEXIST (name taken), -ENOSPC (CTL_COMMANDS_MAX) or -EINVAL
 * (name empty, too long or with characters other than a-z 0-9 '-'). */
int ctl_register_command(const char *name, ctl_handler *, void *arg);
void ctl_unregister_all(void);

/* *err = formatted message; returns NULL, for "return ctl_errf(err, ...)". */
json_t *ctl_errf(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Runs one request line (without its '\n'; need not be NUL-terminated).
 * Returns the reply object (caller decrefs; never NULL except when out of
 * memory).  *fatal is set when the connection should be closed after the
 * reply (malformed request). */
json_t *ctl_dispatch(const char *req, size_t len, bool *fatal);

/* Same, returning the reply as one malloc'd line ending in '\n'. */
char *ctl_dispatch_line(const char *req, size_t len, bool *fatal);

#endif
