/* store: libxenstore seam.  See store.h. */
#include "xenstore/store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "lib/util.h"

#define TOKEN_PREFIX "xvs-"

struct store_watch {
    struct store_watch *next;
    uint64_t id;
    char *path;
    store_watch_cb *cb;
    void *arg;
    bool skip_registration;     /* store_watch_changes(): first event due */
};

struct store {
    struct xs_handle *xs;               /* requests: no watch, no thread */
    struct xs_handle *xw;               /* watches (libxenstore's reader thread) */
    struct store_watch *watches;
    uint64_t next_id;
    struct store_stats stats;
};

static uint64_t
now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* Every call below that talks to xenstored is one request and one round
 * trip (libxenstore waits for each reply): counted, and timed. */
#define REQUEST(s, expr)                                                      \
    ({                                                                        \
        uint64_t t0_ = now_us();                                              \
        __typeof__(expr) r_ = (expr);                                         \
        (s)->stats.requests++;                                                \
        (s)->stats.usec += now_us() - t0_;                                    \
        r_;                                                                   \
    })

void
store_get_stats(const struct store *s, struct store_stats *out)
{
    *out = s->stats;
}

struct store *
store_open(void)
{
    struct store *s = calloc(1, sizeof *s);

    if (!s) {
        return NULL;
    }
    s->xs = xs_open(0);
    s->xw = s->xs ? xs_open(0) : NULL;
    if (!s->xw) {
        int e = errno;
        if (s->xs) {
            xs_close(s->xs);
        }
        free(s);
        errno = e ? e : ECONNREFUSED;
        return NULL;
    }
    s->next_id = 1;
    return s;
}

void
store_close(struct store *s)
{
    if (!s) {
        return;
    }
    while (s->watches) {
        store_unwatch(s, s->watches);
    }
    xs_close(s->xw);
    xs_close(s->xs);
    free(s);
}

int
store_fd(const struct store *s)
{
    return xs_fileno(s->xw);
}

static int
err(void)
{
    return errno ? -errno : -EIO;
}

int
store_read(struct store *s, store_tx t, const char *path, char **value, unsigned *len)
{
    unsigned l;
    char *v;

    errno = 0;
    v = REQUEST(s, xs_read(s->xs, t, path, &l));
    if (!v) {
        return err();
    }
    *value = v;
    if (len) {
        *len = l;
    }
    return 0;
}

int
store_read_buf(struct store *s, store_tx t, const char *path, char *buf, unsigned size)
{
    char *v;
    unsigned len;
    int r = store_read(s, t, path, &v, &len);

    if (r) {
        return r;
    }
    if (len >= size || strlen(v) != len) {
        free(v);
        return len >= size ? -ENAMETOOLONG : -EINVAL;   /* too long / embedded NUL */
    }
    memcpy(buf, v, len + 1);
    free(v);
    return 0;
}

int
store_read_uint(struct store *s, store_tx t, const char *path,
                unsigned long long max, unsigned long long *out)
{
    char buf[32];
    int r = store_read_buf(s, t, path, buf, sizeof buf);

    if (r == -ENAMETOOLONG) {
        return -EINVAL;
    }
    return r ? r : parse_uint(buf, max, out);
}

bool
store_exists(struct store *s, store_tx t, const char *path)
{
    char *v;

    if (store_read(s, t, path, &v, NULL)) {
        return false;
    }
    free(v);
    return true;
}

int
store_write(struct store *s, store_tx t, const char *path, const char *value)
{
    errno = 0;
    return REQUEST(s, xs_write(s->xs, t, path, value, (unsigned) strlen(value))) ? 0 : err();
}

int
store_printf(struct store *s, store_tx t, const char *path, const char *fmt, ...)
{
    char buf[STORE_VALUE_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t) n >= sizeof buf) {
        return -E2BIG;
    }
    return store_write(s, t, path, buf);
}

int
store_mkdir(struct store *s, store_tx t, const char *path)
{
    errno = 0;
    return REQUEST(s, xs_mkdir(s->xs, t, path)) ? 0 : err();
}

int
store_rm(struct store *s, store_tx t, const char *path)
{
    errno = 0;
    return REQUEST(s, xs_rm(s->xs, t, path)) ? 0 : err();
}

int
store_directory(struct store *s, store_tx t, const char *path, char ***names, unsigned *n)
{
    char **d;

    errno = 0;
    d = REQUEST(s, xs_directory(s->xs, t, path, n));
    if (!d) {
        return err();
    }
    *names = d;
    return 0;
}

int
store_tx_start(struct store *s, store_tx *t)
{
    errno = 0;
    *t = REQUEST(s, xs_transaction_start(s->xs));
    return *t != XBT_NULL ? 0 : err();
}

int
store_tx_end(struct store *s, store_tx t, bool abort)
{
    errno = 0;
    return REQUEST(s, xs_transaction_end(s->xs, t, abort)) ? 0 : err();
}

static struct store_watch *
watch_add(struct store *s, const char *path, store_watch_cb *cb, void *arg,
          bool skip_registration)
{
    struct store_watch *w = calloc(1, sizeof *w);
    char token[32];

    if (!w || !(w->path = strdup(path))) {
        free(w);
        errno = ENOMEM;
        return NULL;
    }
    w->id = s->next_id++;
    w->cb = cb;
    w->arg = arg;
    w->skip_registration = skip_registration;
    snprintf(token, sizeof token, TOKEN_PREFIX "%llu", (unsigned long long) w->id);
    /* Link first: the initial event may be read by the time xs_watch
     * returns, and must find its owner. */
    w->next = s->watches;
    s->watches = w;
    errno = 0;
    if (!REQUEST(s, xs_watch(s->xw, path, token))) {
        int e = errno ? errno : EIO;
        s->watches = w->next;
        free(w->path);
        free(w);
        errno = e;
        return NULL;
    }
    return w;
}

struct store_watch *
store_watch(struct store *s, const char *path, store_watch_cb *cb, void *arg)
{
    return watch_add(s, path, cb, arg, false);
}

struct store_watch *
store_watch_changes(struct store *s, const char *path, store_watch_cb *cb, void *arg)
{
    return watch_add(s, path, cb, arg, true);
}

void
store_unwatch(struct store *s, struct store_watch *w)
{
    char token[32];

    for (struct store_watch **pp = &s->watches; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    snprintf(token, sizeof token, TOKEN_PREFIX "%llu", (unsigned long long) w->id);
    (void) REQUEST(s, xs_unwatch(s->xw, w->path, token));  /* fails only if already gone */
    free(w->path);
    free(w);
}

static struct store_watch *
find_watch(struct store *s, const char *token)
{
    unsigned long long id;
    char *end;

    if (strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX))) {
        return NULL;
    }
    errno = 0;
    id = strtoull(token + strlen(TOKEN_PREFIX), &end, 10);
    if (*end || errno) {
        return NULL;
    }
    for (struct store_watch *w = s->watches; w; w = w->next) {
        if (w->id == id) {
            return w;
        }
    }
    return NULL;
}

int
store_dispatch(struct store *s)
{
    for (unsigned i = 0; i < STORE_DISPATCH_BUDGET; i++) {
        char **ev;
        struct store_watch *w;

        errno = 0;
        ev = xs_check_watch(s->xw);
        if (!ev) {
            return errno == EAGAIN || errno == 0 ? 0 : -errno;
        }
        w = find_watch(s, ev[XS_WATCH_TOKEN]);
        if (w && w->skip_registration) {
            /* xenstored sends the registration event before any other of
             * this watch: the watched path itself */
            w->skip_registration = false;
            if (!strcmp(ev[XS_WATCH_PATH], w->path)) {
                w = NULL;
            }
        }
        if (w) {
            w->cb(w->arg, ev[XS_WATCH_PATH]);
        }
        free(ev);
    }
    return 1;
}

bool
store_domain_exists(struct store *s, unsigned domid)
{
    return REQUEST(s, xs_is_domain_introduced(s->xs, domid));
}
