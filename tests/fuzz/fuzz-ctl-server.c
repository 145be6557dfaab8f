/* libFuzzer target: the control socket server's framing (daemon/ctl_server.c):
 * how bytes arriving in pieces become request lines, replies, refusals and
 * closes -- the part fuzz-ctl does not reach (it calls the dispatcher
 * directly).  A real ctl_server on a unix socket in a private directory,
 * on its own event loop, with every control command registered and no
 * bridge.
 *
 * Input: byte 0 holds flags (bit 0: shut down the sending side at the end,
 * else just close; bit 1: read replies only at the end), the rest is cut
 * at 0xFF bytes into pieces, each sent with its own send() and followed by
 * turns of the event loop until one brings no reply (settle()).  Checked: every complete reply line is a
 * JSON object with a boolean "ok"; there are at most as many replies as
 * requests (lines, plus a last one without '\n', plus one error for an
 * oversize request); the server lets go of the client after it closes (no
 * leak, found by LeakSanitizer at exit). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "daemon/brmgr.h"
#include "daemon/ctl.h"
#include "daemon/ctl_commands.h"
#include "daemon/ctl_server.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/util.h"
#include "tests/fuzz/xvsd-state.h"
#include "tests/unit/test-ctl-fake.h"
#include "tests/fuzz/fuzz-text.h"

#define FUZZ_SRV_PIECES 64
#define FUZZ_SRV_REPLY_MAX (1u << 20)   /* read at most this much back */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct evloop *loop;
static struct ctl_server *srv;
static struct sockaddr_un addr = { .sun_family = AF_UNIX };
static char dir[64];
static const uint8_t *cur_data;
static size_t cur_size;

static void stop(void *arg)
{
    evloop_stop(loop);
}

/* One turn of the loop: handle what is ready, without waiting. */
static void turn(void)
{
    evloop_want_more(loop, stop, NULL);
    evloop_run(loop);
}

static void teardown(void)
{
    ctl_server_destroy(srv);
    evloop_destroy(loop);
    rmdir(dir);
}

static void setup_once(void)
{
    char err[256];

    if (loop)
        return;
    xlog_init(XLOG_TO_STDERR, XLOG_ERR);
    brmgr_init(NULL, &fake_factory);
    if (ctl_commands_register())
        abort();
    snprintf(dir, sizeof dir, "/tmp/xvs-fuzz-ctl-server.%d", (int)getpid());
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/s.sock", dir);
    loop = evloop_create();
    srv = loop ? ctl_server_create(loop, addr.sun_path, err, sizeof err) : NULL;
    if (!srv) {
        fprintf(stderr, "fuzz-ctl-server: %s\n", err);
        abort();
    }
    atexit(teardown);
}

struct replies {
    char *buf;
    size_t len;
    bool eof;
};

/* Reads what the server sent so far; returns whether there was any. */
static bool read_replies(int fd, struct replies *r)
{
    size_t before = r->len;

    while (!r->eof && r->len < FUZZ_SRV_REPLY_MAX) {
        ssize_t n = recv(fd, r->buf + r->len, FUZZ_SRV_REPLY_MAX - r->len, MSG_DONTWAIT);
        if (n > 0)
            r->len += (size_t)n;
        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
            r->eof = true;
        else
            break;
    }
    return r->len > before || r->eof;
}

/* After a piece: turns of the loop while they bring replies (the server
 * has read all it can and answered, or waits for the client to read); a
 * turn without a reply leaves it idle.  Replies unread until the end
 * (flags bit 1): one turn. */
static void settle(int fd, struct replies *r, bool reading)
{
    turn();
    for (int k = 0; reading && k < 100 && read_replies(fd, r) && !r->eof; k++)
        turn();
}

/* Reply lines that passed, kept by their exact text (the check is a
 * function of the text alone, and most replies repeat: the same request
 * errors, list-commands): their JSON parse was a tenth of the target's
 * time.  Direct-mapped by a hash of the text; hashed and compared by the
 * harness's own loops (memcmp()'s libFuzzer hook would file harness
 * comparisons among the fuzzer's compare operands). */
#define FUZZ_SRV_SEEN 256
#define FUZZ_SRV_SEEN_MAX 4096           /* longer lines are not kept */

static struct seen_line {
    char *text;
    size_t len;
} seen[FUZZ_SRV_SEEN];

/* Whether reply line `t` (len bytes, no '\n') is a JSON object with a
 * boolean "ok". */
static bool reply_ok(const char *t, size_t len)
{
    struct seen_line *s = &seen[text_hash(t, len) % FUZZ_SRV_SEEN];

    if (s->text && s->len == len && same_text(s->text, t, len))
        return true;
    json_t *j = json_loadb(t, len, 0, NULL);
    bool ok = json_is_object(j) && json_is_boolean(json_object_get(j, "ok"));
    json_decref(j);
    if (ok && len <= FUZZ_SRV_SEEN_MAX) {
        char *copy = malloc(len ? len : 1);
        if (copy) {
            memcpy(copy, t, len);
            free(s->text);
            s->text = copy;
            s->len = len;
        }
    }
    return ok;
}

static void check_replies(const struct replies *r, size_t requests)
{
    size_t lines = 0, start = 0;
    char why[256];

    for (size_t i = 0; i < r->len; i++) {
        if (r->buf[i] != '\n')
            continue;
        if (!reply_ok(r->buf + start, i - start)) {
            snprintf(why, sizeof why, "%.*s", (int)MIN(i - start, 200), r->buf + start);
            xvsd_fail("a reply line is not {\"ok\": bool, ...}", why, cur_data, cur_size);
        }
        lines++;
        start = i + 1;
    }
    if (lines > requests) {
        snprintf(why, sizeof why, "%zu replies to %zu request lines", lines, requests);
        xvsd_fail("more replies than requests", why, cur_data, cur_size);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char reply_buf[FUZZ_SRV_REPLY_MAX];
    struct replies r = { reply_buf, 0, false };
    size_t requests = 0, pos = 1;
    uint8_t flags = size ? data[0] : 0;
    int fd;

    setup_once();
    cur_data = data;
    cur_size = size;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        abort();
    turn();                             /* accept */
    for (int k = 0; k < FUZZ_SRV_PIECES && pos < size; k++) {
        const uint8_t *cut = memchr(data + pos, 0xff, size - pos);
        size_t len = cut ? (size_t)(cut - (data + pos)) : size - pos;
        size_t off = 0;
        for (int tries = 0; off < len && tries < 100; tries++) {
            ssize_t n = send(fd, data + pos + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0)
                off += (size_t)n;
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
                break;                  /* the server closed: fine */
            if (off < len)              /* the socket is full: let the server read */
                settle(fd, &r, !(flags & 2));
        }
        for (size_t i = 0; i < len; i++)
            requests += data[pos + i] == '\n';
        pos += len + 1;
        settle(fd, &r, !(flags & 2));
    }
    requests += 2;                      /* a last line without '\n', an oversize error */
    if (flags & 1) {
        shutdown(fd, SHUT_WR);          /* EOF: the server answers, then closes */
        for (int k = 0; k < 200 && !r.eof; k++) {
            turn();
            read_replies(fd, &r);
        }
    } else {
        turn();
        read_replies(fd, &r);
    }
    check_replies(&r, requests);
    close(fd);
    turn();                             /* the server sees the close, frees */
    turn();
    return 0;
}
