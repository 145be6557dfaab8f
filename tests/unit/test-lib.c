/* Unit tests for lib/: event loop (timers, fd dispatch, fairness hook) and
 * log (names, levels, rate limiting). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>
#include <link.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/csum.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/sdload.h"
#include "tests/unit/test-main.h"

static int fired, more_calls;
static struct evloop *loop;

static void stop_cb(void *arg) { evloop_stop(arg); }
static void count_cb(void *arg) { (void) arg; fired++; }

static void
test_timer_oneshot_and_periodic(void)
{
    loop = evloop_create();
    CU_ASSERT_PTR_NOT_NULL_FATAL(loop);
    fired = 0;
    evloop_timer_add(loop, 5, 5, count_cb, NULL);
    evloop_timer_add(loop, 60, 0, stop_cb, loop);
    uint64_t t0 = evloop_now_ms();
    evloop_run(loop);
    uint64_t dt = evloop_now_ms() - t0;
    CU_ASSERT(dt >= 60);
    CU_ASSERT(fired >= 5 && fired <= 12);
    evloop_destroy(loop);
}

static int pipe_r[2], pipe_w_count;
static void
read_cb(int fd, uint32_t ev, void *arg)
{
    char c;
    (void) ev;
    CU_ASSERT_EQUAL(read(fd, &c, 1), 1);
    pipe_w_count++;
    /* Deleting the other fd in the same turn must suppress its event. */
    evloop_del_fd(loop, *(int *) arg);
}

static void
test_fd_delete_during_dispatch(void)
{
    int a[2], b[2];
    CU_ASSERT_FATAL(pipe(a) == 0 && pipe(b) == 0);
    loop = evloop_create();
    pipe_w_count = 0;
    CU_ASSERT_EQUAL(evloop_add_fd(loop, a[0], EPOLLIN, read_cb, &b[0]), 0);
    CU_ASSERT_EQUAL(evloop_add_fd(loop, b[0], EPOLLIN, read_cb, &a[0]), 0);
    CU_ASSERT_EQUAL(evloop_add_fd(loop, a[0], EPOLLIN, read_cb, &b[0]), -EEXIST);
    CU_ASSERT_EQUAL(write(a[1], "x", 1), 1);
    CU_ASSERT_EQUAL(write(b[1], "x", 1), 1);
    evloop_timer_add(loop, 30, 0, stop_cb, loop);
    evloop_run(loop);
    CU_ASSERT_EQUAL(pipe_w_count, 1);   /* the second was deleted by the first */
    CU_ASSERT_EQUAL(evloop_mod_fd(loop, 1000, EPOLLIN), -ENOENT);
    evloop_destroy(loop);
    close(a[0]); close(a[1]); close(b[0]); close(b[1]);
    (void) pipe_r;
}

static void
more_cb(void *arg)
{
    more_calls++;
    if (more_calls < 3)
        evloop_want_more(loop, more_cb, arg);
    else
        evloop_stop(loop);
}

static void
test_want_more_runs_once_per_turn(void)
{
    loop = evloop_create();
    more_calls = 0;
    evloop_want_more(loop, more_cb, NULL);
    evloop_want_more(loop, more_cb, NULL);  /* deduplicated */
    evloop_timer_add(loop, 2000, 0, stop_cb, loop);  /* safety */
    uint64_t t0 = evloop_now_ms();
    evloop_run(loop);
    CU_ASSERT_EQUAL(more_calls, 3);
    CU_ASSERT(evloop_now_ms() - t0 < 1000);  /* did not wait for the safety timer */
    evloop_destroy(loop);
}

/* cancel_a cancels cancel_b, queued after it in the same batch. */
static int cancel_b_calls;
static void cancel_b(void *arg) { (void) arg; cancel_b_calls++; }
static void
cancel_a(void *arg)
{
    (void) arg;
    more_calls++;
    evloop_cancel_more(loop, cancel_b, &cancel_b_calls);
}

static void
test_cancel_more(void)
{
    int x = 0;

    loop = evloop_create();
    more_calls = cancel_b_calls = 0;
    /* cancelled before it ran; another arg's callback still runs */
    evloop_want_more(loop, cancel_b, &x);
    evloop_want_more(loop, cancel_b, &cancel_b_calls);
    evloop_cancel_more(loop, cancel_b, &x);
    evloop_cancel_more(loop, cancel_b, &x);         /* not queued: no-op */
    evloop_timer_add(loop, 20, 0, stop_cb, loop);
    evloop_run(loop);
    CU_ASSERT_EQUAL(cancel_b_calls, 1);
    /* cancelled by a callback that runs before it in the same turn */
    evloop_want_more(loop, cancel_a, NULL);
    evloop_want_more(loop, cancel_b, &cancel_b_calls);
    evloop_timer_add(loop, 20, 0, stop_cb, loop);
    evloop_run(loop);
    CU_ASSERT_EQUAL(more_calls, 1);
    CU_ASSERT_EQUAL(cancel_b_calls, 1);
    /* queued again after that: runs */
    evloop_want_more(loop, cancel_b, &cancel_b_calls);
    evloop_timer_add(loop, 20, 0, stop_cb, loop);
    evloop_run(loop);
    CU_ASSERT_EQUAL(cancel_b_calls, 2);
    evloop_destroy(loop);
}

static void
test_log_names(void)
{
    enum xlog_module m;
    enum xlog_level l;
    CU_ASSERT_EQUAL(xlog_module_from_name("fdb", &m), 0);
    CU_ASSERT_EQUAL(m, XLOG_MOD_FDB);
    CU_ASSERT_EQUAL(xlog_module_from_name("nosuch", &m), -EINVAL);
    CU_ASSERT_EQUAL(xlog_level_from_name("debug", &l), 0);
    CU_ASSERT_EQUAL(l, XLOG_DBG);
    CU_ASSERT_EQUAL(xlog_level_from_name("loud", &l), -EINVAL);
    xlog_set_level(XLOG_MOD_FDB, XLOG_WARN);
    CU_ASSERT_FALSE(xlog_enabled(XLOG_MOD_FDB, XLOG_INFO));
    CU_ASSERT_TRUE(xlog_enabled(XLOG_MOD_FDB, XLOG_ERR));
    CU_ASSERT_TRUE(xlog_enabled(XLOG_MOD_MAIN, XLOG_INFO));
    CU_ASSERT_STRING_EQUAL(xlog_module_name(XLOG_MOD_XENSTORE), "xenstore");
}

static void
test_log_ratelimit(void)
{
    struct xlog_ratelimit rl = XLOG_RATELIMIT_INIT(1, 3);
    int passed = 0;
    for (int i = 0; i < 100; i++)
        passed += xlog_ratelimit(&rl);
    CU_ASSERT_EQUAL(passed, 3);
    CU_ASSERT_EQUAL(rl.suppressed, 97);
}

/* RFC 1071's example words, an odd tail, and a sum that needs folding. */
static void
test_csum_add_fold(void)
{
    static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0xab };
    static uint8_t ones[65535];

    CU_ASSERT_EQUAL(csum_fold(csum_add(0, rfc, 8)), 0xddf2);
    CU_ASSERT_EQUAL(csum_fold(csum_add(0, rfc, 9)), 0x88f3);
    CU_ASSERT_EQUAL(csum_add(0, rfc, 0), 0);
    /* Split anywhere on an even offset, the sum is the same. */
    CU_ASSERT_EQUAL(csum_fold(csum_add(csum_add(0, rfc, 4), rfc + 4, 5)), 0x88f3);
    memset(ones, 0xff, sizeof ones);
    uint32_t big = csum_add(0, ones, sizeof ones);
    CU_ASSERT(big < 0x10000);
    CU_ASSERT_EQUAL(csum_fold(big), 0xff00);
    /* A start sum of all ones (negative zero) neither overflows nor changes it. */
    CU_ASSERT_EQUAL(csum_fold(csum_add(0xffffffffu, rfc, 8)), 0xddf2);
    CU_ASSERT_EQUAL(csum_fold(0x1fffe), 0xffff);
}

/* A real IPv4 header sums to 0xffff with its checksum (0xb861), and the
 * pseudo headers are the sums of their fields. */
static void
test_csum_headers(void)
{
    uint8_t ip[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
    uint8_t ip6[40] = { 0x60 };

    CU_ASSERT_EQUAL(csum_fold(csum_add(0, ip, sizeof ip)), 0xffff);
    ip[10] = ip[11] = 0;
    CU_ASSERT_EQUAL((uint16_t) ~csum_fold(csum_add(0, ip, sizeof ip)), 0xb861);
    /* c0a8 + 0001 + c0a8 + 00c7 + 17 + 0x5f */
    CU_ASSERT_EQUAL(csum_pseudo_ipv4(ip, 17, 0x5f), csum_fold(0xc0a8 + 0x0001 + 0xc0a8 + 0x00c7 + 17 + 0x5f));
    for (int i = 8; i < 40; i++) {
        ip6[i] = (uint8_t) (i * 11);
    }
    uint32_t want = csum_add(0, ip6 + 8, 32) + 6 + 0x1 + 0x2345;
    CU_ASSERT_EQUAL(csum_pseudo_ipv6(ip6, 6, 0x12345), csum_fold(want));
    CU_ASSERT(csum_pseudo_ipv4(ip, 6, 0xffff) < 0x10000);
}

static int
find_libsystemd(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void) size;
    if (info->dlpi_name && strstr(info->dlpi_name, "libsystemd.so")) {
        *(bool *) arg = true;
    }
    return 0;
}

static bool
libsystemd_mapped(void)
{
    bool found = false;
    dl_iterate_phdr(find_libsystemd, &found);
    return found;
}

/* Without NOTIFY_SOCKET nothing is loaded; with it, the state arrives on
 * the socket through the dlopen()ed libsystemd. */
static void
test_sdload_notify(void)
{
    char path[] = "/tmp/xvs-test-sdload-XXXXXX", sock[sizeof path + 8], buf[64];
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    unsetenv("NOTIFY_SOCKET");
    CU_ASSERT_FALSE(libsystemd_mapped());   /* not linked in */
    CU_ASSERT_EQUAL(sdload_notify("READY=1"), 0);
    CU_ASSERT_FALSE(sdload_loaded());
    CU_ASSERT_FALSE(libsystemd_mapped());

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(path));
    snprintf(sock, sizeof sock, "%s/notify", path);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *) &sa, sizeof sa), 0);
    setenv("NOTIFY_SOCKET", sock, 1);
    CU_ASSERT(sdload_notify("READY=1\nSTATUS=test") > 0);
    CU_ASSERT(sdload_loaded());
    CU_ASSERT(libsystemd_mapped());
    ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    CU_ASSERT_EQUAL(n, 19);
    buf[n > 0 ? n : 0] = 0;
    CU_ASSERT_STRING_EQUAL(buf, "READY=1\nSTATUS=test");
    unsetenv("NOTIFY_SOCKET");
    close(fd);
    unlink(sock);
    rmdir(path);
}

int
main(void)
{
    static const struct test_main_case cases[] = {
        { "timers", test_timer_oneshot_and_periodic },
        { "fd delete during dispatch", test_fd_delete_during_dispatch },
        { "want_more", test_want_more_runs_once_per_turn },
        { "cancel_more", test_cancel_more },
        { "log names", test_log_names },
        { "log ratelimit", test_log_ratelimit },
        { "csum add and fold", test_csum_add_fold },
        { "csum headers", test_csum_headers },
        { "sdload notify", test_sdload_notify },
        { NULL, NULL },
    };

    return test_main_run("lib", NULL, NULL, cases);
}
