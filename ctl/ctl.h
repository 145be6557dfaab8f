/* ctl: the pieces of xvsctl, the command line client of xvsd's control socket.
 *
 * Protocol (one request per connection): the client sends one line of JSON
 * {"command": NAME, "args": [strings]}\n and xvsd answers one line,
 * {"ok": true, "result": JSON}\n or {"ok": false, "error": "message"}\n.
 *
 *   ctl-client.c    connect, send, read one reply line, within a deadline
 *   ctl-commands.c  the table of known commands: usage, argument checks,
 *                   which renderer prints the result
 *   ctl-render.c    text tables for the read commands
 *   xvsctl.c        options, help, exit status
 *
 * Commands xvsctl does not know are sent as they are and their result is
 * printed as JSON, so commands that daemon modules add later work without a
 * new xvsctl. */
#ifndef XVS_CTL_H
#define XVS_CTL_H 1

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#define CTL_DEFAULT_SOCKET "/run/xvs/xvsd.sock"
#define CTL_SOCKET_ENV "XVS_CTL_SOCKET"
#define CTL_DEFAULT_TIMEOUT_S 10
#define CTL_REPLY_MAX (64u << 20)     /* bytes: a 4M-entry fdb-show fits */
#define CTL_MTU_MIN 68                /* host port MTU bounds (xvs.conf) */
#define CTL_MTU_MAX 65535

/* Exit status of xvsctl (documented in xvsctl(8)). */
enum ctl_exit {
    CTL_EXIT_OK = 0,
    CTL_EXIT_DAEMON_ERROR = 1,   /* xvsd answered {"ok": false} */
    CTL_EXIT_USAGE = 2,          /* bad options or arguments */
    CTL_EXIT_UNREACHABLE = 3,    /* no daemon, timeout, broken reply */
};

/* ---- ctl-client.c ---- */

/* Sends `request` to the daemon at `path` and waits up to timeout_ms
 * (0 = forever) for the reply line.  On success returns 0 and the parsed
 * reply in *reply (caller json_decref()s).  On failure returns
 * -CTL_EXIT_UNREACHABLE and writes a message naming the socket and the
 * reason to errbuf. */
int ctl_transact(const char *path, unsigned timeout_ms, json_t *request,
                 json_t **reply, char *errbuf, size_t errlen);

/* ---- ctl-render.c ---- */

/* Each renderer prints `result` as text on out.  It returns 0, or -1 if the
 * result does not have the expected shape (the caller then prints the JSON
 * as it is, so nothing is ever hidden). */
typedef int ctl_render_fn(FILE *out, const json_t *result);

ctl_render_fn ctl_render_show;
ctl_render_fn ctl_render_names;       /* list-br, list-ports */
ctl_render_fn ctl_render_br_to_vlan;
ctl_render_fn ctl_render_fdb_show;
ctl_render_fn ctl_render_fdb_stats;
ctl_render_fn ctl_render_fdb_flush;
ctl_render_fn ctl_render_port_stats;
ctl_render_fn ctl_render_log_level;
ctl_render_fn ctl_render_version;
ctl_render_fn ctl_render_generic;     /* strings raw, null nothing, else JSON */

/* Pretty JSON (two-space indent) or compact; always a trailing newline. */
void ctl_print_json(FILE *out, const json_t *, bool pretty);

/* ---- ctl-commands.c ---- */

struct ctl_arg_spec;           /* what the arguments must be (ctl-commands.c) */
struct ctl_command {
    const char *name;
    const char *args;          /* usage synopsis of the arguments */
    const char *summary;       /* one line */
    unsigned min_args, max_args;
    const struct ctl_arg_spec *check;   /* NULL: only the counts are checked */
    ctl_render_fn *render;
};

const struct ctl_command *ctl_command_find(const char *name);
/* Iterate: for (i = 0; (c = ctl_command_at(i)); i++). */
const struct ctl_command *ctl_command_at(unsigned idx);

/* Full argument check of a known command (count, then ->check()). */
int ctl_command_check(const struct ctl_command *, int argc, char *argv[],
                      char *err, size_t errlen);

#endif
