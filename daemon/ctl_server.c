/* ctl_server: the control socket (see ctl_server.h, protocol in ctl.h). */
#include "daemon/ctl_server.h"

#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/ctl.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/util.h"

#define CTL_SWEEP_MS 5000
#define CTL_ACCEPTS_PER_TURN 16
#define CTL_DRAIN_MAX (1u << 20)        /* bytes read after the last reply */
#define CTL_IN_FIRST 4096               /* a client's first input buffer */

struct ctl_client {
    struct ctl_server *srv;
    int fd;
    char *in;                           /* in_cap bytes: CTL_IN_FIRST, doubled
                                         * up to CTL_REQUEST_MAX as a line
                                         * needs (most requests are short) */
    size_t in_len, in_cap;
    char *out;
    size_t out_len, out_off, out_cap;
    bool eof;                           /* the client sent EOF */
    bool closing;                       /* close once out is flushed */
    const char *refusal;                /* answer to its first request */
    bool draining;                      /* replied and shut down: reading
                                         * what it still sends, until EOF */
    size_t drained;
    uint64_t last_ms;
};

struct ctl_server {
    struct evloop *loop;
    int fd;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    dev_t dev;
    ino_t ino;
    struct evloop_timer *sweep;
    struct ctl_client *clients[CTL_CLIENTS_MAX + CTL_REFUSED_MAX];
};

static struct xlog_ratelimit refuse_rl = XLOG_RATELIMIT_INIT(1, 5);

static void client_close(struct ctl_client *c)
{
    struct ctl_server *s = c->srv;

    for (size_t i = 0; i < ARRAY_SIZE(s->clients); i++)
        if (s->clients[i] == c)
            s->clients[i] = NULL;
    evloop_del_fd(s->loop, c->fd);
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
}

static int queue(struct ctl_client *c, const char *text, size_t len)
{
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + len)
            cap *= 2;
        char *o = realloc(c->out, cap);
        if (!o)
            return -ENOMEM;
        c->out = o;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, text, len);
    c->out_len += len;
    return 0;
}

static void reply_error(struct ctl_client *c, const char *msg)
{
    json_t *r = json_pack("{s:b, s:s}", "ok", 0, "error", msg);
    char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;

    if (!text || queue(c, text, strlen(text)) || queue(c, "\n", 1))
        c->out_len = c->out_off;        /* nothing sensible to send */
    free(text);
    json_decref(r);
    c->closing = true;
}

static void run_line(struct ctl_client *c, char *line, size_t len)
{
    bool fatal;
    char *reply;
    size_t blank = 0;

    if (len && line[len - 1] == '\r')
        len--;
    /* Not strspn(): the line is not NUL-terminated (a last line before EOF
     * is followed by stale bytes, up to the end of the buffer). */
    while (blank < len && (line[blank] == ' ' || line[blank] == '\t'
                           || line[blank] == '\r'))
        blank++;
    if (blank == len)
        return;                         /* blank line */
    reply = ctl_dispatch_line(line, len, &fatal);
    if (!reply || queue(c, reply, strlen(reply)))
        c->closing = true;
    free(reply);
    if (fatal)
        c->closing = true;
}

/* Runs the complete lines in c->in while replies have room. */
static void process(struct ctl_client *c)
{
    size_t start = 0;
    char *nl;

    if (c->refusal) {                   /* its request is not even parsed */
        if (c->eof || memchr(c->in, '\n', c->in_len))
            reply_error(c, c->refusal);
        c->in_len = 0;
        return;
    }
    while (!c->closing && c->out_len - c->out_off < CTL_OUT_HIGH
           && (nl = memchr(c->in + start, '\n', c->in_len - start))) {
        run_line(c, c->in + start, (size_t)(nl - (c->in + start)));
        start = (size_t)(nl - c->in) + 1;
    }
    memmove(c->in, c->in + start, c->in_len - start);
    c->in_len -= start;
    if (c->closing)
        return;
    if (c->in_len == CTL_REQUEST_MAX && !memchr(c->in, '\n', c->in_len)) {
        reply_error(c, "request: longer than 65536 bytes");
    } else if (c->eof && c->out_len - c->out_off < CTL_OUT_HIGH) {
        if (c->in_len)                  /* a last line without '\n' */
            run_line(c, c->in, c->in_len);
        c->in_len = 0;
        c->closing = true;
    }
}

/* Sends what is queued.  Returns false if the client is done with (closed,
 * or draining). */
static bool flush(struct ctl_client *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (n <= 0) {
            client_close(c);            /* the client went away */
            return false;
        }
        c->out_off += (size_t)n;
        c->last_ms = evloop_now_ms();
    }
    c->out_off = c->out_len = 0;
    if (!c->closing)
        return true;
    /* A client still sending (an oversize request, or more lines after a
     * bad one) would get EPIPE before reading our reply if we closed now:
     * send EOF instead and read until it is done. */
    if (!c->eof && shutdown(c->fd, SHUT_WR) == 0
        && !evloop_mod_fd(c->srv->loop, c->fd, EPOLLIN)) {
        c->draining = true;
        return false;
    }
    client_close(c);
    return false;
}

static void drain(struct ctl_client *c)
{
    char buf[4096];

    for (;;) {
        ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        c->drained += n > 0 ? (size_t)n : 0;
        if (n <= 0 || c->drained > CTL_DRAIN_MAX) {
            client_close(c);
            return;
        }
        c->last_ms = evloop_now_ms();
    }
}

/* Doubles c->in (full, shorter than CTL_REQUEST_MAX). */
static int grow_in(struct ctl_client *c)
{
    size_t cap = MIN(c->in_cap * 2, (size_t)CTL_REQUEST_MAX);
    char *in = realloc(c->in, cap);

    if (!in)
        return -ENOMEM;
    c->in = in;
    c->in_cap = cap;
    return 0;
}

static void on_client(int fd, uint32_t events, void *arg)
{
    struct ctl_client *c = arg;

    if (c->draining) {
        drain(c);
        return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        while (!c->eof && !c->closing && c->in_len < CTL_REQUEST_MAX) {
            if (c->in_len == c->in_cap && grow_in(c)) {
                client_close(c);        /* out of memory */
                return;
            }
            ssize_t n = recv(fd, c->in + c->in_len, c->in_cap - c->in_len,
                             MSG_DONTWAIT);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            if (n < 0) {
                client_close(c);
                return;
            }
            if (n == 0)
                c->eof = true;
            c->in_len += (size_t)n;
            c->last_ms = evloop_now_ms();
        }
    }
    /* Run requests, send replies, and again while sending makes room. */
    for (;;) {
        size_t before = c->in_len;
        bool was_closing = c->closing;
        process(c);
        if (!flush(c))
            return;
        if (c->in_len == before && c->closing == was_closing)
            break;
    }
    uint32_t want = c->out_len > c->out_off ? EPOLLOUT : 0;
    if (!c->eof && !c->closing && c->in_len < CTL_REQUEST_MAX
        && c->out_len - c->out_off < CTL_OUT_HIGH)
        want |= EPOLLIN;
    evloop_mod_fd(c->srv->loop, fd, want);
}

/* A client that may not be served (not root, or too many) still gets a
 * proper error reply to its request, from one of CTL_REFUSED_MAX slots;
 * beyond those it is just closed. */
static void on_accept(int lfd, uint32_t events, void *arg)
{
    struct ctl_server *s = arg;

    for (int k = 0; k < CTL_ACCEPTS_PER_TURN; k++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct ucred cred = { .pid = 0, .uid = (uid_t)-1 };
        socklen_t len = sizeof cred;
        size_t served = 0, refused = 0, slot = ARRAY_SIZE(s->clients);
        const char *refusal = NULL;

        if (fd < 0)
            return;                     /* EAGAIN, or retried next wakeup */
        for (size_t i = ARRAY_SIZE(s->clients); i-- > 0;) {
            if (!s->clients[i])
                slot = i;
            else if (s->clients[i]->refusal)
                refused++;
            else
                served++;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0
            || (cred.uid != 0 && cred.uid != geteuid())) {
            refusal = "request: permission denied (root only)";
            if (xlog_ratelimit(&refuse_rl))
                xlog(XLOG_MOD_CTL, XLOG_WARN, "control socket: refused a client "
                     "of uid %d (pid %d): not root", (int)cred.uid, (int)cred.pid);
        } else if (served >= CTL_CLIENTS_MAX) {
            refusal = "request: too many clients, try again later";
            if (xlog_ratelimit(&refuse_rl))
                xlog(XLOG_MOD_CTL, XLOG_WARN, "control socket: too many clients "
                     "(at most %d)", CTL_CLIENTS_MAX);
        }
        struct ctl_client *c = NULL;
        if (!refusal || refused < CTL_REFUSED_MAX)
            c = calloc(1, sizeof *c);
        if (c)
            c->in = malloc(c->in_cap = CTL_IN_FIRST);
        if (!c || !c->in || slot == ARRAY_SIZE(s->clients)
            || evloop_add_fd(s->loop, fd, EPOLLIN, on_client, c)) {
            if (c)
                free(c->in);
            free(c);
            close(fd);
            continue;
        }
        c->srv = s;
        c->fd = fd;
        c->refusal = refusal;
        c->last_ms = evloop_now_ms();
        s->clients[slot] = c;
    }
}

static void sweep(void *arg)
{
    struct ctl_server *s = arg;
    uint64_t now = evloop_now_ms();

    for (size_t i = 0; i < ARRAY_SIZE(s->clients); i++)
        if (s->clients[i] && now - s->clients[i]->last_ms > CTL_IDLE_MS) {
            xlog(XLOG_MOD_CTL, XLOG_DBG, "control socket: closing an idle client");
            client_close(s->clients[i]);
        }
}

/* Whether an xvsd answers on `path`. */
static bool alive(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok = fd >= 0 && connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0;

    if (fd >= 0)
        close(fd);
    return ok;
}

static int prepare_path(const char *path, const struct sockaddr_un *sa, char *err,
                        size_t errlen)
{
    char dir[sizeof sa->sun_path];
    struct stat st;

    strcpy(dir, path);
    dirname(dir);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "control socket %s: cannot create directory %s: %s",
                 path, dir, strerror(errno));
        return -errno;
    }
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "control socket %s: exists and is not a socket", path);
        return -EEXIST;
    }
    if (alive(sa)) {
        snprintf(err, errlen, "control socket %s: another xvsd is already "
                 "listening there", path);
        return -EADDRINUSE;
    }
    unlink(path);                       /* stale, from a daemon that died */
    return 0;
}

struct ctl_server *ctl_server_create(struct evloop *loop, const char *path,
                                     char *err, size_t errlen)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct ctl_server *s;
    struct stat st;
    mode_t old_mask;
    int e;

    if (strlen(path) >= sizeof sa.sun_path || path[0] != '/') {
        snprintf(err, errlen, "control socket %s: not an absolute path shorter "
                 "than %zu bytes", path, sizeof sa.sun_path);
        return NULL;
    }
    strcpy(sa.sun_path, path);
    if (prepare_path(path, &sa, err, errlen))
        return NULL;
    s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->loop = loop;
    strcpy(s->path, path);
    s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    old_mask = umask(0177);             /* the socket is born 0600 */
    e = s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
    umask(old_mask);
    if (!e && (chmod(path, 0600) < 0 || stat(path, &st) < 0
               || listen(s->fd, CTL_LISTEN_BACKLOG) < 0))
        e = -errno;
    if (!e) {
        s->dev = st.st_dev;
        s->ino = st.st_ino;
        e = evloop_add_fd(loop, s->fd, EPOLLIN, on_accept, s);
    }
    if (!e && !(s->sweep = evloop_timer_add(loop, CTL_SWEEP_MS, CTL_SWEEP_MS, sweep, s)))
        e = -ENOMEM;
    if (e) {
        snprintf(err, errlen, "control socket %s: %s", path, strerror(-e));
        ctl_server_destroy(s);
        return NULL;
    }
    xlog(XLOG_MOD_CTL, XLOG_INFO, "listening on %s", path);
    return s;
}

void ctl_server_destroy(struct ctl_server *s)
{
    struct stat st;

    if (!s)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(s->clients); i++)
        if (s->clients[i])
            client_close(s->clients[i]);
    if (s->sweep)
        evloop_timer_del(s->loop, s->sweep);
    if (s->fd >= 0) {
        evloop_del_fd(s->loop, s->fd);
        close(s->fd);
        if (s->ino && stat(s->path, &st) == 0 && st.st_dev == s->dev
            && st.st_ino == s->ino)
            unlink(s->path);
    }
    free(s);
}
