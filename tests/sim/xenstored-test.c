/* xenstored-test: drive the fake xenstored with the real libxenstore and
 * check each operation the xenstore module and the sim tests rely on:
 * read/write/mkdir/rm/directory, permissions per domain, watches (initial
 * event, order, rm, relative paths), transactions (isolation, events at
 * commit, EAGAIN on conflict), domain paths and @releaseDomain, and the
 * wire rules (reply type, req_id echo, error names, payload limit). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenstore.h>
#include <xen/io/xs_wire.h>

#include "tests/sim/xenstored-harness.h"
#include "tests/unit/test-main.h"

static struct xsh srv;
static struct xs_handle *h0;        /* dom0 */
static const char *prog;

static int
suite_init(void)
{
    static const char *const extra[] = { "-d", "5", "-d", "6", NULL };
    if (xsh_start(&srv, prog, extra)) {
        return -1;
    }
    h0 = xsh_open(&srv, 0);
    return h0 ? 0 : -1;
}

static int
suite_clean(void)
{
    xs_close(h0);
    xsh_stop(&srv);
    return 0;
}

/* Expect the next event to be (path, token). */
static void
expect_event(struct xs_handle *h, const char *path, const char *token)
{
    char **ev = xsh_event(h, 2000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
    if (strcmp(ev[XS_WATCH_PATH], path) || strcmp(ev[XS_WATCH_TOKEN], token)) {
        fprintf(stderr, "\n  event %s/%s, expected %s/%s\n",
                ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN], path, token);
    }
    CU_ASSERT_STRING_EQUAL(ev[XS_WATCH_PATH], path);
    CU_ASSERT_STRING_EQUAL(ev[XS_WATCH_TOKEN], token);
    free(ev);
}

static void
expect_no_event(struct xs_handle *h)
{
    char **ev = xsh_event(h, 100);
    if (ev) {
        fprintf(stderr, "\n  unexpected event %s/%s\n", ev[0], ev[1]);
    }
    CU_ASSERT_PTR_NULL(ev);
    free(ev);
}

static void
test_read_write(void)
{
    char buf[64];
    unsigned len;
    char *v;

    CU_ASSERT_TRUE(xsh_write(h0, "/t1/a/b", "value"));
    CU_ASSERT_TRUE(xsh_read(h0, "/t1/a/b", buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "value");
    v = xs_read(h0, XBT_NULL, "/t1/a", &len);        /* created parent: empty */
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_EQUAL(len, 0);
    free(v);
    CU_ASSERT_TRUE(xs_write(h0, XBT_NULL, "/t1/bin", "a\0b", 3));
    v = xs_read(h0, XBT_NULL, "/t1/bin", &len);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT_TRUE(v && !memcmp(v, "a\0b", 3));
    free(v);
    errno = 0;
    CU_ASSERT_PTR_NULL(xs_read(h0, XBT_NULL, "/t1/missing", &len));
    CU_ASSERT_EQUAL(errno, ENOENT);
    errno = 0;
    CU_ASSERT_FALSE(xsh_write(h0, "/t1/bad path", "x"));
    CU_ASSERT_EQUAL(errno, EINVAL);
    CU_ASSERT_FALSE(xsh_write(h0, "/t1//x", "x"));
}

static void
test_mkdir_rm_directory(void)
{
    unsigned n;
    char **d;

    CU_ASSERT_TRUE(xs_mkdir(h0, XBT_NULL, "/t2/d"));
    CU_ASSERT_TRUE(xs_mkdir(h0, XBT_NULL, "/t2/d"));        /* exists: ok */
    CU_ASSERT_TRUE(xsh_write(h0, "/t2/d/x", "1"));
    CU_ASSERT_TRUE(xsh_write(h0, "/t2/d/y", "2"));
    CU_ASSERT_TRUE(xsh_write(h0, "/t2/d/x/deep", "3"));
    d = xs_directory(h0, XBT_NULL, "/t2/d", &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_STRING_EQUAL(d[0], "x");          /* creation order */
    CU_ASSERT_STRING_EQUAL(d[1], "y");
    free(d);
    CU_ASSERT_TRUE(xs_rm(h0, XBT_NULL, "/t2/d/x"));          /* subtree */
    CU_ASSERT_FALSE(xsh_read(h0, "/t2/d/x/deep", (char[8]) {0}, 8));
    d = xs_directory(h0, XBT_NULL, "/t2/d", &n);
    CU_ASSERT_EQUAL(n, 1);
    free(d);
    CU_ASSERT_TRUE(xs_rm(h0, XBT_NULL, "/t2/d/nothere"));    /* parent exists */
    errno = 0;
    CU_ASSERT_FALSE(xs_rm(h0, XBT_NULL, "/t2/nope/nothere"));
    CU_ASSERT_EQUAL(errno, ENOENT);
    d = xs_directory(h0, XBT_NULL, "/t2/d/y", &n);           /* leaf: empty */
    CU_ASSERT_PTR_NOT_NULL(d);
    CU_ASSERT_EQUAL(n, 0);
    free(d);
}

static void
test_big_directory(void)
{
    char path[64];
    unsigned n;
    char **d;

    /* 300 names of 20 bytes: > 4096, so XS_DIRECTORY says E2BIG and
     * libxenstore falls back to XS_DIRECTORY_PART. */
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof path, "/t3/entry-%014d", i);
        CU_ASSERT_TRUE_FATAL(xsh_write(h0, path, "v"));
    }
    d = xs_directory(h0, XBT_NULL, "/t3", &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(n, 300);
    CU_ASSERT_STRING_EQUAL(d[0], "entry-00000000000000");
    CU_ASSERT_STRING_EQUAL(d[299], "entry-00000000000299");
    free(d);
}

static void
test_perms(void)
{
    struct xs_permissions be[2] = { { 0, XS_PERM_NONE }, { 5, XS_PERM_READ } };
    struct xs_permissions fe[2] = { { 5, XS_PERM_NONE }, { 0, XS_PERM_READ } };
    struct xs_permissions *got;
    struct xs_handle *h5 = xsh_open(&srv, 5);
    struct xs_handle *h6 = xsh_open(&srv, 6);
    char buf[64];
    unsigned n;

    CU_ASSERT_PTR_NOT_NULL_FATAL(h5);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h6);
    /* The backend/frontend split libxl sets up. */
    CU_ASSERT_TRUE(xs_mkdir(h0, XBT_NULL, "/local/domain/0/backend/vif/5/0"));
    CU_ASSERT_TRUE(xs_set_permissions(h0, XBT_NULL, "/local/domain/0/backend/vif/5/0", be, 2));
    CU_ASSERT_TRUE(xsh_write(h0, "/local/domain/0/backend/vif/5/0/mac", "00:16:3e:00:00:01"));
    CU_ASSERT_TRUE(xs_mkdir(h0, XBT_NULL, "/local/domain/5/device/vif/0"));
    CU_ASSERT_TRUE(xs_set_permissions(h0, XBT_NULL, "/local/domain/5/device/vif/0", fe, 2));

    got = xs_get_permissions(h0, XBT_NULL, "/local/domain/0/backend/vif/5/0/mac", &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(n, 2);                          /* inherited */
    CU_ASSERT_EQUAL(got[1].id, 5);
    CU_ASSERT_EQUAL(got[1].perms, XS_PERM_READ);
    free(got);

    /* Guest 5 reads the backend but may not write it; guest 6 sees nothing. */
    CU_ASSERT_TRUE(xsh_read(h5, "/local/domain/0/backend/vif/5/0/mac", buf, sizeof buf));
    errno = 0;
    CU_ASSERT_FALSE(xsh_write(h5, "/local/domain/0/backend/vif/5/0/mac", "x"));
    CU_ASSERT_EQUAL(errno, EACCES);
    errno = 0;
    CU_ASSERT_FALSE(xsh_read(h6, "/local/domain/0/backend/vif/5/0/mac", buf, sizeof buf));
    CU_ASSERT_EQUAL(errno, EACCES);

    /* Guest 5 owns its frontend dir and writes relative paths into it. */
    CU_ASSERT_TRUE(xsh_write(h5, "device/vif/0/tx-ring-ref", "8"));
    CU_ASSERT_TRUE(xsh_read(h0, "/local/domain/5/device/vif/0/tx-ring-ref", buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "8");
    got = xs_get_permissions(h0, XBT_NULL, "/local/domain/5/device/vif/0/tx-ring-ref", &n);
    CU_ASSERT_TRUE(got && got[0].id == 5);          /* creator owns it */
    free(got);
    errno = 0;
    CU_ASSERT_FALSE(xs_set_permissions(h6, XBT_NULL, "/local/domain/5/device/vif/0", be, 2));
    CU_ASSERT_EQUAL(errno, EACCES);
    CU_ASSERT_FALSE(xsh_write(h6, "/local/domain/5/device/vif/0/x", "1"));
    xs_close(h5);
    xs_close(h6);
}

static void
test_watch_order(void)
{
    CU_ASSERT_TRUE(xsh_write(h0, "/t4/a", "0"));
    CU_ASSERT_TRUE(xs_watch(h0, "/t4", "tok"));
    expect_event(h0, "/t4", "tok");                 /* on registration */
    CU_ASSERT_TRUE(xsh_write(h0, "/t4/a", "1"));
    CU_ASSERT_TRUE(xsh_write(h0, "/t4/b/c", "2"));
    CU_ASSERT_TRUE(xsh_write(h0, "/t4x", "not below"));
    CU_ASSERT_TRUE(xs_mkdir(h0, XBT_NULL, "/t4/m"));
    expect_event(h0, "/t4/a", "tok");
    expect_event(h0, "/t4/b/c", "tok");
    expect_event(h0, "/t4/m", "tok");
    expect_no_event(h0);
    CU_ASSERT_FALSE(xs_watch(h0, "/t4", "tok"));    /* duplicate */
    CU_ASSERT_EQUAL(errno, EEXIST);
    CU_ASSERT_TRUE(xs_unwatch(h0, "/t4", "tok"));
    CU_ASSERT_TRUE(xsh_write(h0, "/t4/a", "3"));
    expect_no_event(h0);
    CU_ASSERT_FALSE(xs_unwatch(h0, "/t4", "tok"));
}

static void
test_watch_rm(void)
{
    CU_ASSERT_TRUE(xsh_write(h0, "/t5/dev/state", "4"));
    CU_ASSERT_TRUE(xsh_write(h0, "/t5/dev/other", "1"));
    CU_ASSERT_TRUE(xs_watch(h0, "/t5", "top"));
    CU_ASSERT_TRUE(xs_watch(h0, "/t5/dev/state", "exact"));
    CU_ASSERT_TRUE(xs_watch(h0, "/t5/dev/ghost", "ghost"));
    xsh_drain(h0, 100);
    CU_ASSERT_TRUE(xs_rm(h0, XBT_NULL, "/t5/dev"));
    /* A removed descendant fires its own exact watch; the removed root fires
     * the watches at or above it; a watch on a node that never existed
     * does not fire. */
    expect_event(h0, "/t5/dev/state", "exact");
    expect_event(h0, "/t5/dev", "top");
    expect_no_event(h0);
    xs_unwatch(h0, "/t5", "top");
    xs_unwatch(h0, "/t5/dev/state", "exact");
    xs_unwatch(h0, "/t5/dev/ghost", "ghost");
}

static void
test_watch_domain(void)
{
    struct xs_handle *h5 = xsh_open(&srv, 5);
    struct xs_permissions p[1] = { { 0, XS_PERM_NONE } };

    CU_ASSERT_PTR_NOT_NULL_FATAL(h5);
    CU_ASSERT_TRUE(xs_mkdir(h0, XBT_NULL, "/local/domain/5/w"));
    CU_ASSERT_TRUE(xs_set_permissions(h0, XBT_NULL, "/local/domain/5/w",
                   (struct xs_permissions[]) { { 5, XS_PERM_NONE } }, 1));
    CU_ASSERT_TRUE(xs_watch(h5, "w", "rel"));
    expect_event(h5, "w", "rel");                   /* relative, as registered */
    CU_ASSERT_TRUE(xsh_write(h0, "/local/domain/5/w/k", "1"));
    expect_event(h5, "w/k", "rel");
    /* A node domain 5 may not read is not reported to it. */
    CU_ASSERT_TRUE(xs_mkdir(h0, XBT_NULL, "/local/domain/5/w/hidden"));
    CU_ASSERT_TRUE(xs_set_permissions(h0, XBT_NULL, "/local/domain/5/w/hidden", p, 1));
    xsh_drain(h5, 100);
    CU_ASSERT_TRUE(xsh_write(h0, "/local/domain/5/w/hidden", "secret"));
    expect_no_event(h5);
    xs_close(h5);
}

static void
test_transaction(void)
{
    struct xs_handle *h = xsh_open(&srv, 0);
    xs_transaction_t t;
    char buf[32];

    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_TRUE(xsh_write(h0, "/t6/x", "0"));
    CU_ASSERT_TRUE(xs_watch(h0, "/t6", "t6"));
    expect_event(h0, "/t6", "t6");

    /* Writes stay invisible, and silent, until commit. */
    t = xs_transaction_start(h);
    CU_ASSERT_NOT_EQUAL_FATAL(t, XBT_NULL);
    CU_ASSERT_TRUE(xs_write(h, t, "/t6/x", "1", 1));
    CU_ASSERT_TRUE(xs_write(h, t, "/t6/new/y", "2", 1));
    CU_ASSERT_TRUE(xs_rm(h, t, "/t6/x"));
    CU_ASSERT_TRUE(xs_write(h, t, "/t6/x", "3", 1));
    CU_ASSERT_TRUE(xsh_read(h0, "/t6/x", buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "0");
    CU_ASSERT_FALSE(xsh_read(h0, "/t6/new/y", buf, sizeof buf));
    {
        unsigned len;
        char *v = xs_read(h, t, "/t6/x", &len);     /* the tx sees its own */
        CU_ASSERT_TRUE(v && !strcmp(v, "3"));
        free(v);
    }
    expect_no_event(h0);
    CU_ASSERT_TRUE(xs_transaction_end(h, t, false));
    expect_event(h0, "/t6/x", "t6");
    expect_event(h0, "/t6/new/y", "t6");
    expect_event(h0, "/t6/x", "t6");
    expect_event(h0, "/t6/x", "t6");
    expect_no_event(h0);
    CU_ASSERT_TRUE(xsh_read(h0, "/t6/x", buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "3");

    /* Abort discards. */
    t = xs_transaction_start(h);
    CU_ASSERT_TRUE(xs_write(h, t, "/t6/x", "aborted", 7));
    CU_ASSERT_TRUE(xs_transaction_end(h, t, true));
    CU_ASSERT_TRUE(xsh_read(h0, "/t6/x", buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "3");
    expect_no_event(h0);

    /* Conflict: a node the transaction read changes before commit. */
    t = xs_transaction_start(h);
    free(xs_read(h, t, "/t6/x", NULL));
    CU_ASSERT_TRUE(xs_write(h, t, "/t6/z", "from tx", 7));
    CU_ASSERT_TRUE(xsh_write(h0, "/t6/x", "4"));
    expect_event(h0, "/t6/x", "t6");
    errno = 0;
    CU_ASSERT_FALSE(xs_transaction_end(h, t, false));
    CU_ASSERT_EQUAL(errno, EAGAIN);
    CU_ASSERT_FALSE(xsh_read(h0, "/t6/z", buf, sizeof buf));
    expect_no_event(h0);

    /* Conflict on a node only written: someone else wrote it too. */
    t = xs_transaction_start(h);
    CU_ASSERT_TRUE(xs_write(h, t, "/t6/w", "tx", 2));
    CU_ASSERT_TRUE(xsh_write(h0, "/t6/w", "other"));
    expect_event(h0, "/t6/w", "t6");
    CU_ASSERT_FALSE(xs_transaction_end(h, t, false));
    CU_ASSERT_EQUAL(errno, EAGAIN);

    /* No conflict when an unrelated node changes. */
    t = xs_transaction_start(h);
    CU_ASSERT_TRUE(xs_write(h, t, "/t6/w", "tx2", 3));
    CU_ASSERT_TRUE(xsh_write(h0, "/elsewhere", "1"));
    CU_ASSERT_TRUE(xs_transaction_end(h, t, false));
    expect_event(h0, "/t6/w", "t6");

    /* The transaction's view merges its own changes with the store. */
    CU_ASSERT_TRUE(xsh_write(h0, "/t8/a/deep", "1"));
    CU_ASSERT_TRUE(xsh_write(h0, "/t8/b", "2"));
    t = xs_transaction_start(h);
    CU_ASSERT_TRUE(xs_write(h, t, "/t8/c", "3", 1));
    CU_ASSERT_TRUE(xs_rm(h, t, "/t8/a"));
    {
        unsigned n, len;
        char **d = xs_directory(h, t, "/t8", &n);
        char *v;
        CU_ASSERT_TRUE_FATAL(d != NULL);
        CU_ASSERT_EQUAL(n, 2);
        CU_ASSERT_STRING_EQUAL(d[0], "b");
        CU_ASSERT_STRING_EQUAL(d[1], "c");
        free(d);
        CU_ASSERT_PTR_NULL(xs_read(h, t, "/t8/a/deep", &len));
        v = xs_read(h, t, "/t8/b", &len);
        CU_ASSERT_TRUE(v && !strcmp(v, "2"));
        free(v);
        CU_ASSERT_TRUE(xs_write(h, t, "/t8/a/new", "4", 1));  /* re-created empty */
        d = xs_directory(h, t, "/t8/a", &n);
        CU_ASSERT_TRUE(d && n == 1 && !strcmp(d[0], "new"));
        free(d);
    }
    CU_ASSERT_TRUE(xs_transaction_end(h, t, false));
    CU_ASSERT_FALSE(xsh_read(h0, "/t8/a/deep", buf, sizeof buf));
    CU_ASSERT_TRUE(xsh_read(h0, "/t8/a/new", buf, sizeof buf));
    CU_ASSERT_TRUE(xsh_read(h0, "/t8/c", buf, sizeof buf));
    /* A directory listed in a transaction gains a child: conflict. */
    t = xs_transaction_start(h);
    {
        unsigned n;
        free(xs_directory(h, t, "/t8", &n));
    }
    CU_ASSERT_TRUE(xsh_write(h0, "/t8/d", "5"));
    CU_ASSERT_TRUE(xs_write(h, t, "/t9", "x", 1));
    CU_ASSERT_FALSE(xs_transaction_end(h, t, false));
    CU_ASSERT_EQUAL(errno, EAGAIN);
    xsh_drain(h0, 50);

    /* Ending an unknown transaction. */
    errno = 0;
    CU_ASSERT_FALSE(xs_transaction_end(h, 999999, false));
    CU_ASSERT_EQUAL(errno, ENOENT);
    xs_unwatch(h0, "/t6", "t6");
    xs_close(h);
}

static void
test_domains(void)
{
    char *p = xs_get_domain_path(h0, 7);
    struct xs_handle *h5;
    char **ev;

    CU_ASSERT_TRUE(p && !strcmp(p, "/local/domain/7"));
    free(p);
    CU_ASSERT_TRUE(xs_is_domain_introduced(h0, 0));
    CU_ASSERT_TRUE(xs_is_domain_introduced(h0, 5));
    CU_ASSERT_FALSE(xs_is_domain_introduced(h0, 7));
    CU_ASSERT_PTR_NULL(xsh_open(&srv, 7));          /* no socket yet */

    CU_ASSERT_TRUE(xs_watch(h0, "@introduceDomain", "intro"));
    CU_ASSERT_TRUE(xs_watch(h0, "@releaseDomain", "rel"));
    expect_event(h0, "@introduceDomain", "intro");
    expect_event(h0, "@releaseDomain", "rel");
    CU_ASSERT_TRUE(xs_introduce_domain(h0, 7, 0, 1));
    expect_event(h0, "@introduceDomain", "intro");
    CU_ASSERT_TRUE(xs_is_domain_introduced(h0, 7));

    h5 = xsh_open(&srv, 5);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h5);
    CU_ASSERT_FALSE(xs_introduce_domain(h5, 8, 0, 1));      /* dom0 only */
    CU_ASSERT_EQUAL(errno, EACCES);
    CU_ASSERT_FALSE(xs_release_domain(h5, 7));

    /* Releasing a domain fires @releaseDomain and drops its connections. */
    p = xs_control_command(h0, "release", "5", 2);
    CU_ASSERT_TRUE(p && !strcmp(p, "OK"));
    free(p);
    expect_event(h0, "@releaseDomain", "rel");
    CU_ASSERT_FALSE(xs_is_domain_introduced(h0, 5));
    CU_ASSERT_PTR_NULL(xs_read(h5, XBT_NULL, "/local/domain/5", NULL));
    xs_close(h5);
    CU_ASSERT_TRUE(xs_release_domain(h0, 7));
    expect_event(h0, "@releaseDomain", "rel");
    ev = xsh_event(h0, 100);
    CU_ASSERT_PTR_NULL(ev);
    free(ev);
    xs_unwatch(h0, "@introduceDomain", "intro");
    xs_unwatch(h0, "@releaseDomain", "rel");
}

/* Raw socket: check what libxenstore relies on without trusting it. */
static int
raw_connect(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", srv.sock);
    if (connect(fd, (struct sockaddr *) &sa, sizeof sa)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int
raw_call(int fd, uint32_t type, uint32_t req_id, const void *body, uint32_t len,
         struct xsd_sockmsg *rh, char *rbody)
{
    struct xsd_sockmsg h = { type, req_id, 0, len };

    if (write(fd, &h, sizeof h) != sizeof h || (len && write(fd, body, len) != (ssize_t) len)) {
        return -1;
    }
    if (recv(fd, rh, sizeof *rh, MSG_WAITALL) != sizeof *rh) {
        return -1;
    }
    if (rh->len && recv(fd, rbody, rh->len, MSG_WAITALL) != (ssize_t) rh->len) {
        return -1;
    }
    return 0;
}

static void
test_wire(void)
{
    struct xsd_sockmsg rh;
    static char body[XENSTORE_PAYLOAD_MAX + 64];
    int fd = raw_connect();

    CU_ASSERT_TRUE_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(raw_call(fd, XS_WRITE, 77, "/t7\0v", 5, &rh, body), 0);
    CU_ASSERT_EQUAL(rh.type, XS_WRITE);
    CU_ASSERT_EQUAL(rh.req_id, 77);
    CU_ASSERT_EQUAL(rh.len, 3);
    CU_ASSERT_EQUAL(memcmp(body, "OK", 3), 0);
    CU_ASSERT_EQUAL(raw_call(fd, XS_READ, 78, "/t7", 4, &rh, body), 0);
    CU_ASSERT_EQUAL(rh.type, XS_READ);
    CU_ASSERT_EQUAL(rh.len, 1);                     /* no trailing NUL */
    CU_ASSERT_EQUAL(raw_call(fd, XS_READ, 79, "/t7/none", 9, &rh, body), 0);
    CU_ASSERT_EQUAL(rh.type, XS_ERROR);
    CU_ASSERT_EQUAL(rh.req_id, 79);
    CU_ASSERT_STRING_EQUAL(body, "ENOENT");
    CU_ASSERT_EQUAL(raw_call(fd, 200, 80, "", 0, &rh, body), 0);
    CU_ASSERT_EQUAL(rh.type, XS_ERROR);
    CU_ASSERT_STRING_EQUAL(body, "EINVAL");

    /* A value of exactly the payload limit is accepted... */
    memcpy(body, "/t7", 4);
    memset(body + 4, 'x', XENSTORE_PAYLOAD_MAX - 4);
    CU_ASSERT_EQUAL(raw_call(fd, XS_WRITE, 81, body, XENSTORE_PAYLOAD_MAX, &rh, body), 0);
    CU_ASSERT_EQUAL(rh.type, XS_WRITE);
    /* ...one byte more drops the connection. */
    {
        struct xsd_sockmsg h = { XS_WRITE, 82, 0, XENSTORE_PAYLOAD_MAX + 1 };
        char c;
        CU_ASSERT_EQUAL(write(fd, &h, sizeof h), (ssize_t) sizeof h);
        CU_ASSERT_EQUAL(recv(fd, &c, 1, 0), 0);
    }
    close(fd);
    /* The server is still there for others. */
    CU_ASSERT_TRUE(xsh_write(h0, "/t7", "after"));
}

int
main(int argc, char **argv)
{
    static const struct test_main_case cases[] = {
        { "read/write", test_read_write },
        { "mkdir/rm/directory", test_mkdir_rm_directory },
        { "directory > 4096 bytes", test_big_directory },
        { "permissions", test_perms },
        { "watch order", test_watch_order },
        { "watch rm", test_watch_rm },
        { "watch as a domain", test_watch_domain },
        { "transactions", test_transaction },
        { "domains", test_domains },
        { "wire", test_wire },
        { NULL, NULL },
    };

    (void) argc;
    prog = argv[0];

    return test_main_run("xenstored-fake", suite_init, suite_clean, cases);
}
