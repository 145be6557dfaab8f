/* xenstored-store-test: xenstore/store.c (the daemon's seam) against the
 * fake xenstored: values, strict numbers, transactions with a retried
 * conflict, watch callbacks, stale events after unwatch, the dispatch
 * budget and domain existence. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/sim/xenstored-harness.h"
#include "tests/unit/test-main.h"
#include "xenstore/store.h"

static struct xsh srv;
static struct store *st;
static struct xs_handle *other;     /* a second client: "someone else" */
static const char *prog;

static int
suite_init(void)
{
    static const char *const extra[] = { "-d", "3", NULL };
    if (xsh_start(&srv, prog, extra)) {
        return -1;
    }
    st = store_open();
    other = xsh_open(&srv, 0);
    return st && other ? 0 : -1;
}

static int
suite_clean(void)
{
    store_close(st);
    xs_close(other);
    xsh_stop(&srv);
    return 0;
}

/* Dispatch until `*count` reaches `want` or 2 s pass. */
static void
pump(const unsigned *count, unsigned want)
{
    for (int i = 0; i < 2000 && *count < want; i++) {
        struct pollfd p = { .fd = store_fd(st), .events = POLLIN };
        if (poll(&p, 1, 1) > 0) {
            CU_ASSERT_TRUE(store_dispatch(st) >= 0);
        }
    }
}

static void
test_values(void)
{
    char *v;
    unsigned len;
    char buf[8];
    unsigned long long u;
    char **names;
    unsigned n;

    CU_ASSERT_EQUAL(store_write(st, STORE_TX_NONE, "/s1/a", "hello"), 0);
    CU_ASSERT_EQUAL(store_read(st, STORE_TX_NONE, "/s1/a", &v, &len), 0);
    CU_ASSERT_STRING_EQUAL(v, "hello");
    CU_ASSERT_EQUAL(len, 5);
    free(v);
    CU_ASSERT_EQUAL(store_read(st, STORE_TX_NONE, "/s1/none", &v, NULL), -ENOENT);
    CU_ASSERT_EQUAL(store_read_buf(st, STORE_TX_NONE, "/s1/a", buf, sizeof buf), 0);
    CU_ASSERT_EQUAL(store_read_buf(st, STORE_TX_NONE, "/s1/a", buf, 5), -ENAMETOOLONG);
    CU_ASSERT_EQUAL(store_printf(st, STORE_TX_NONE, "/s1/n", "%d", 42), 0);
    CU_ASSERT_EQUAL(store_read_uint(st, STORE_TX_NONE, "/s1/n", 100, &u), 0);
    CU_ASSERT_EQUAL(u, 42);
    CU_ASSERT_EQUAL(store_read_uint(st, STORE_TX_NONE, "/s1/n", 10, &u), -ERANGE);
    CU_ASSERT_EQUAL(store_read_uint(st, STORE_TX_NONE, "/s1/a", 10, &u), -EINVAL);
    CU_ASSERT_EQUAL(store_read_uint(st, STORE_TX_NONE, "/s1/x", 10, &u), -ENOENT);
    CU_ASSERT_TRUE(xs_write(other, XBT_NULL, "/s1/nul", "1\0002", 3));
    CU_ASSERT_EQUAL(store_read_uint(st, STORE_TX_NONE, "/s1/nul", 10, &u), -EINVAL);
    CU_ASSERT_TRUE(store_exists(st, STORE_TX_NONE, "/s1/a"));
    CU_ASSERT_FALSE(store_exists(st, STORE_TX_NONE, "/s1/zz"));
    CU_ASSERT_EQUAL(store_mkdir(st, STORE_TX_NONE, "/s1/dir"), 0);
    CU_ASSERT_EQUAL(store_directory(st, STORE_TX_NONE, "/s1", &names, &n), 0);
    CU_ASSERT_EQUAL(n, 4);
    free(names);
    CU_ASSERT_EQUAL(store_rm(st, STORE_TX_NONE, "/s1"), 0);
    CU_ASSERT_FALSE(store_exists(st, STORE_TX_NONE, "/s1/a"));
    CU_ASSERT_EQUAL(store_directory(st, STORE_TX_NONE, "/s1", &names, &n), -ENOENT);
    CU_ASSERT_EQUAL(store_write(st, STORE_TX_NONE, "/bad//path", "x"), -EINVAL);
}

static void
test_transaction_retry(void)
{
    int attempts = 0;
    int r;
    char buf[16];

    CU_ASSERT_EQUAL(store_write(st, STORE_TX_NONE, "/s2/counter", "1"), 0);
    do {
        store_tx t;
        unsigned long long c;

        attempts++;
        CU_ASSERT_EQUAL_FATAL(store_tx_start(st, &t), 0);
        CU_ASSERT_EQUAL(store_read_uint(st, t, "/s2/counter", 1000, &c), 0);
        if (attempts == 1) {        /* someone else bumps it meanwhile */
            CU_ASSERT_TRUE(xs_write(other, XBT_NULL, "/s2/counter", "10", 2));
        }
        CU_ASSERT_EQUAL(store_printf(st, t, "/s2/counter", "%llu", c + 1), 0);
        r = store_tx_end(st, t, false);
    } while (r == -EAGAIN && attempts < 5);
    CU_ASSERT_EQUAL(r, 0);
    CU_ASSERT_EQUAL(attempts, 2);
    CU_ASSERT_EQUAL(store_read_buf(st, STORE_TX_NONE, "/s2/counter", buf, sizeof buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "11");
}

struct seen {
    unsigned count;
    char last[128];
};

static void
on_event(void *arg, const char *path)
{
    struct seen *s = arg;
    s->count++;
    snprintf(s->last, sizeof s->last, "%s", path);
}

static void
test_watch(void)
{
    struct seen a = { 0 }, b = { 0 };
    struct store_watch *wa = store_watch(st, "/s3/a", on_event, &a);
    struct store_watch *wb = store_watch(st, "/s3/b", on_event, &b);

    CU_ASSERT_PTR_NOT_NULL_FATAL(wa);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wb);
    pump(&a.count, 1);
    pump(&b.count, 1);
    CU_ASSERT_EQUAL(a.count, 1);            /* the registration event */
    CU_ASSERT_STRING_EQUAL(a.last, "/s3/a");
    CU_ASSERT_TRUE(xs_write(other, XBT_NULL, "/s3/a/x", "1", 1));
    pump(&a.count, 2);
    CU_ASSERT_EQUAL(a.count, 2);
    CU_ASSERT_STRING_EQUAL(a.last, "/s3/a/x");
    CU_ASSERT_EQUAL(b.count, 1);

    /* Events queued before unwatch must not reach the freed watch. */
    CU_ASSERT_TRUE(xs_write(other, XBT_NULL, "/s3/b/y", "1", 1));
    usleep(50000);                          /* let the event arrive */
    store_unwatch(st, wb);
    CU_ASSERT_TRUE(store_dispatch(st) >= 0);
    CU_ASSERT_EQUAL(b.count, 1);
    store_unwatch(st, wa);
    CU_ASSERT_PTR_NULL(store_watch(st, "not a path//", on_event, &a));
}

/* store_watch_changes(): the registration event is not delivered, the
 * first change is. */
static void
test_watch_changes(void)
{
    struct seen a = { 0 };
    struct store_watch *w = store_watch_changes(st, "/s5", on_event, &a);

    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    usleep(50000);                          /* let the registration event arrive */
    CU_ASSERT_TRUE(store_dispatch(st) >= 0);
    CU_ASSERT_EQUAL(a.count, 0);
    CU_ASSERT_TRUE(xs_write(other, XBT_NULL, "/s5", "1", 1));
    pump(&a.count, 1);
    CU_ASSERT_EQUAL(a.count, 1);            /* a change of the path itself */
    CU_ASSERT_STRING_EQUAL(a.last, "/s5");
    store_unwatch(st, w);
}

static void
test_budget(void)
{
    struct seen a = { 0 };
    struct store_watch *w = store_watch(st, "/s4", on_event, &a);
    xs_transaction_t t;
    char path[32];
    int r;

    pump(&a.count, 1);
    /* 100 events at once (one commit): the first dispatch stops at the
     * budget and says more are queued. */
    t = xs_transaction_start(other);
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof path, "/s4/k%d", i);
        xs_write(other, t, path, "v", 1);
    }
    CU_ASSERT_TRUE(xs_transaction_end(other, t, false));
    usleep(100000);
    r = store_dispatch(st);
    CU_ASSERT_EQUAL(r, 1);
    CU_ASSERT_EQUAL(a.count, 1 + STORE_DISPATCH_BUDGET);
    pump(&a.count, 101);
    CU_ASSERT_EQUAL(a.count, 101);
    CU_ASSERT_EQUAL(store_dispatch(st), 0);
    store_unwatch(st, w);
}

static void
test_domains(void)
{
    CU_ASSERT_TRUE(store_domain_exists(st, 0));
    CU_ASSERT_TRUE(store_domain_exists(st, 3));
    CU_ASSERT_FALSE(store_domain_exists(st, 4));
    CU_ASSERT_TRUE(xs_release_domain(other, 3));
    CU_ASSERT_FALSE(store_domain_exists(st, 3));
}

/* Every call that reaches xenstored counts one request, failed ones too;
 * a refused printf (too long) and dispatching events send none. */
static void
test_stats(void)
{
    struct store_stats a, b;
    char *v, big[STORE_VALUE_MAX + 8];
    char **names;
    unsigned n;
    store_tx t;
    struct store_watch *w;
    struct seen seen = { 0, "" };

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    store_get_stats(st, &a);
    CU_ASSERT_EQUAL(store_write(st, STORE_TX_NONE, "/s9/a", "1"), 0);           /* 1 */
    CU_ASSERT_EQUAL(store_read(st, STORE_TX_NONE, "/s9/a", &v, NULL), 0);      /* 2 */
    free(v);
    CU_ASSERT_EQUAL(store_read(st, STORE_TX_NONE, "/s9/none", &v, NULL), -ENOENT); /* 3 */
    CU_ASSERT_TRUE(store_exists(st, STORE_TX_NONE, "/s9/a"));                   /* 4 */
    CU_ASSERT_EQUAL(store_directory(st, STORE_TX_NONE, "/s9", &names, &n), 0); /* 5 */
    free(names);
    CU_ASSERT_EQUAL(store_printf(st, STORE_TX_NONE, "/s9/b", "%s", big), -E2BIG); /* none */
    CU_ASSERT_EQUAL_FATAL(store_tx_start(st, &t), 0);                           /* 6 */
    CU_ASSERT_EQUAL(store_tx_end(st, t, true), 0);                              /* 7 */
    CU_ASSERT_FALSE(store_domain_exists(st, 4));                                /* 8 */
    w = store_watch(st, "/s9/a", on_event, &seen);                              /* 9 */
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    pump(&seen.count, 1);                                   /* its first event: none */
    CU_ASSERT_EQUAL(seen.count, 1);
    store_unwatch(st, w);                                                       /* 10 */
    CU_ASSERT_EQUAL(store_rm(st, STORE_TX_NONE, "/s9"), 0);                    /* 11 */
    store_get_stats(st, &b);
    CU_ASSERT_EQUAL(b.requests - a.requests, 11);
    CU_ASSERT(b.usec >= a.usec);
}

int
main(int argc, char **argv)
{
    static const struct test_main_case cases[] = {
        { "values", test_values },
        { "transaction retry", test_transaction_retry },
        { "watch callbacks", test_watch },
        { "watch without registration event", test_watch_changes },
        { "dispatch budget", test_budget },
        { "domains", test_domains },
        { "request counts", test_stats },
        { NULL, NULL },
    };

    (void) argc;
    prog = argv[0];

    return test_main_run("store seam", suite_init, suite_clean, cases);
}
