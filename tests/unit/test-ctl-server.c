/* Unit tests of the control socket server's framing (daemon/ctl_server.c)
 * on a real unix socket and event loop, in-process: requests longer than
 * the first input buffer (CTL_IN_FIRST, which grows up to CTL_REQUEST_MAX),
 * sent in pieces or at once, a request of exactly CTL_REQUEST_MAX bytes,
 * an oversize one, and short requests after long ones on one connection. */
#include <config.h>

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/ctl.h"
#include "daemon/ctl_server.h"
#include "lib/evloop.h"
#include "lib/util.h"
#include "tests/unit/test-ctl-run.h"
#include "tests/unit/test-main.h"

#define REPLIES_MAX (1u << 16)

static struct evloop *loop;
static struct ctl_server *srv;
static struct sockaddr_un addr = { .sun_family = AF_UNIX };
static char dir[64];

static void stop(void *arg)
{
    (void)arg;
    evloop_stop(loop);
}

/* One turn of the loop without waiting. */
static void turn(void)
{
    evloop_want_more(loop, stop, NULL);
    evloop_run(loop);
}

static int setup(void)
{
    char err[256];

    snprintf(dir, sizeof dir, "/tmp/xvs-test-ctl-server.%d", (int)getpid());
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/s.sock", dir);
    loop = evloop_create();
    if (!loop || tctl_setup(loop))
        return 1;
    srv = ctl_server_create(loop, addr.sun_path, err, sizeof err);
    if (!srv)
        fprintf(stderr, "%s\n", err);
    return !srv;
}

static int teardown(void)
{
    ctl_server_destroy(srv);
    int r = tctl_teardown();
    evloop_destroy(loop);
    rmdir(dir);
    return r;
}

static int client(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
    turn();                             /* accept */
    return fd;
}

/* Sends len bytes in pieces of `piece` bytes, turning the loop after each
 * (and whenever the socket is full). */
static void send_pieces(int fd, const char *data, size_t len, size_t piece)
{
    size_t off = 0;

    for (int spins = 0; off < len && spins < 100000; spins++) {
        ssize_t n = send(fd, data + off, MIN(piece, len - off), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0)
            off += (size_t)n;
        else
            CU_ASSERT_FATAL(n < 0 && errno == EAGAIN);
        turn();
    }
    CU_ASSERT_EQUAL_FATAL(off, len);
}

/* Reads reply lines until `want` lines or EOF (with shut_wr: after sending
 * EOF); returns them, NUL-terminated, in a static buffer. */
static const char *replies(int fd, int want, bool shut_wr)
{
    static char buf[REPLIES_MAX];
    size_t len = 0;
    int lines = 0;

    if (shut_wr)
        shutdown(fd, SHUT_WR);
    for (int k = 0; k < 2000 && lines < want && len < sizeof buf - 1; k++) {
        turn();
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, MSG_DONTWAIT);
        if (n == 0)
            break;
        if (n < 0) {
            CU_ASSERT_FATAL(errno == EAGAIN);
            usleep(k < 100 ? 0 : 1000);
            continue;
        }
        for (ssize_t i = 0; i < n; i++)
            lines += buf[len + (size_t)i] == '\n';
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

/* A request line of exactly `len` bytes with its '\n': a version request
 * padded with blanks (valid JSON). */
static char *padded_request(size_t len)
{
    static const char head[] = "{\"command\":\"version\"", tail[] = "}\n";
    char *r = malloc(len + 1);

    CU_ASSERT_FATAL(r && len >= sizeof head + sizeof tail);
    memcpy(r, head, sizeof head - 1);
    memset(r + sizeof head - 1, ' ', len - (sizeof head - 1) - (sizeof tail - 1));
    memcpy(r + len - (sizeof tail - 1), tail, sizeof tail - 1);
    r[len] = '\0';
    return r;
}

static int count_lines(const char *s, const char *prefix)
{
    int n = 0;

    for (const char *l = s; *l; l = strchr(l, '\n') + 1) {
        if (!strchr(l, '\n'))
            break;
        n += !strncmp(l, prefix, strlen(prefix));
    }
    return n;
}

static const char ok_version[] = "{\"ok\":true,\"result\":{";

/* A 20000-byte request in pieces of 1000 bytes (the buffer grows while a
 * line is incomplete), then a short one on the same connection. */
static void test_long_line_in_pieces(void)
{
    char *req = padded_request(20000);
    int fd = client();

    send_pieces(fd, req, strlen(req), 1000);
    send_pieces(fd, "{\"command\":\"version\"}\n", 22, 22);
    const char *got = replies(fd, 2, false);
    CU_ASSERT_EQUAL(count_lines(got, ok_version), 2);
    close(fd);
    turn();
    free(req);
}

/* A request of exactly CTL_REQUEST_MAX bytes with its '\n' is served;
 * short requests before and after it too, all sent at once. */
static void test_max_line(void)
{
    char *req = padded_request(CTL_REQUEST_MAX);
    size_t len = strlen(req);
    char *all = malloc(len + 100);
    int fd = client();

    CU_ASSERT_FATAL(all != NULL);
    strcpy(all, "{\"command\":\"version\"}\n");
    strcat(all, req);
    strcat(all, "{\"command\":\"version\"}\n");
    send_pieces(fd, all, strlen(all), strlen(all));
    const char *got = replies(fd, 3, true);
    CU_ASSERT_EQUAL(count_lines(got, ok_version), 3);
    close(fd);
    turn();
    free(all);
    free(req);
}

/* CTL_REQUEST_MAX bytes without a '\n': an error reply, then the close. */
static void test_oversize(void)
{
    char *req = malloc(CTL_REQUEST_MAX + 10);
    int fd = client();

    CU_ASSERT_FATAL(req != NULL);
    memset(req, 'x', CTL_REQUEST_MAX + 10);
    send_pieces(fd, req, CTL_REQUEST_MAX + 10, 5000);
    const char *got = replies(fd, 1, true);
    CU_ASSERT_STRING_EQUAL(got, "{\"ok\":false,\"error\":\"request: longer than 65536 bytes\"}\n");
    close(fd);
    turn();
    free(req);
}

/* A last request without '\n' longer than the first buffer, before EOF. */
static void test_long_last_line(void)
{
    char *req = padded_request(9000);
    int fd = client();

    send_pieces(fd, req, strlen(req) - 1, 3000);        /* without its '\n' */
    const char *got = replies(fd, 1, true);
    CU_ASSERT_EQUAL(count_lines(got, ok_version), 1);
    close(fd);
    turn();
    free(req);
}

int main(void)
{
    static const struct test_main_case cases[] = {
        TEST_MAIN_CASE(test_long_line_in_pieces),
        TEST_MAIN_CASE(test_max_line),
        TEST_MAIN_CASE(test_oversize),
        TEST_MAIN_CASE(test_long_last_line),
        { NULL, NULL },
    };

    return test_main_run("ctl-server", setup, teardown, cases);
}
