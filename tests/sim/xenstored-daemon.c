/* xenstored-daemon: xenbus on its own thread for tests.  See the header. */
#include "tests/sim/xenstored-daemon.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "netback/vif.h"
#include "xenstore/store.h"

struct stub_vif {
    unsigned domid, devid;
};

enum cmd_type { CMD_ONLINE, CMD_OFFLINE, CMD_COUNT, CMD_INFO, CMD_REQUESTS, CMD_STOP };

struct cmd {
    enum cmd_type type;
    const char *path;
    unsigned domid, devid;
    struct xenbus_vif_info *info;
    int result;
    char err[XENBUS_ERR_MAX];
};

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct xsd_call calls[XSD_CALLS_MAX];
static unsigned n_calls;
static int cmd_pipe[2] = { -1, -1 }, done_pipe[2] = { -1, -1 };
static struct evloop *loop;
static struct store *st;
static struct xenbus *xb;
static int start_error;
static const char *xsd_record_dir;

void
xsd_set_record_dir(const char *dir)
{
    xsd_record_dir = dir;
}

static void
log_call(const char *op, const struct stub_vif *v, const char *name,
         const struct keys_vif *cfg, const struct xenbus_rings *rings, uint32_t changed)
{
    struct xsd_call *c;

    pthread_mutex_lock(&mu);
    if (n_calls < XSD_CALLS_MAX) {
        c = &calls[n_calls++];
        memset(c, 0, sizeof *c);
        snprintf(c->op, sizeof c->op, "%s", op);
        c->domid = v->domid;
        c->devid = v->devid;
        if (name) {
            snprintf(c->name, sizeof c->name, "%s", name);
        }
        if (cfg) {
            c->cfg = *cfg;
            snprintf(c->bridge, sizeof c->bridge, "%s", cfg->bridge.name);
        }
        if (rings) {
            c->rings = *rings;
        }
        c->changed = changed;
        if (st) {
            struct store_stats s;
            store_get_stats(st, &s);
            c->requests = (unsigned) s.requests;
        }
    }
    pthread_mutex_unlock(&mu);
}

static void *
stub_create(void *ctx, const struct xenbus_vif_id *id, const struct keys_vif *cfg,
            char *err, size_t errlen)
{
    struct stub_vif *v = calloc(1, sizeof *v);

    (void) ctx;
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->domid = id->domid;
    v->devid = id->devid;
    log_call("create", v, id->name, cfg, NULL, 0);
    return v;
}

static int
stub_attach(void *ctx, void *vif, const struct keys_vif *cfg, char *err, size_t errlen)
{
    (void) ctx;
    if (!strcmp(cfg->bridge.name, "xenbr9")) {
        snprintf(err, errlen, "bridge xenbr9: no such bridge");
        log_call("attach-err", vif, NULL, cfg, NULL, 0);
        return -ENOENT;
    }
    log_call("attach", vif, NULL, cfg, NULL, 0);
    return 0;
}

static void
stub_detach(void *ctx, void *vif)
{
    (void) ctx;
    log_call("detach", vif, NULL, NULL, NULL, 0);
}

static int
stub_connect(void *ctx, void *vif, const struct xenbus_rings *r, char *err, size_t errlen)
{
    (void) ctx;
    if (r->tx_ring_ref == 666) {            /* a grant we pretend is bad */
        snprintf(err, errlen, "tx-ring-ref 666: cannot map (GNTST_bad_gntref)");
        log_call("connect-err", vif, NULL, NULL, r, 0);
        return -EIO;
    }
    log_call("connect", vif, NULL, NULL, r, 0);
    return 0;
}

static void
stub_disconnect(void *ctx, void *vif)
{
    (void) ctx;
    log_call("disconnect", vif, NULL, NULL, NULL, 0);
}

static int
stub_update(void *ctx, void *vif, const struct keys_vif *cfg, uint32_t changed,
            char *err, size_t errlen)
{
    (void) ctx;
    (void) err;
    (void) errlen;
    log_call("update", vif, NULL, cfg, NULL, changed);
    return 0;
}

static void
stub_destroy(void *ctx, void *vif)
{
    (void) ctx;
    log_call("destroy", vif, NULL, NULL, NULL, 0);
    free(vif);
}

/* The real list: what xenbus writes is checked against netback's. */
static bool
stub_feature_at(void *ctx, unsigned i, const char **key, const char **value)
{
    (void) ctx;
    return vif_feature_at(i, key, value);
}

static const struct xenbus_ops stub_ops = {
    .create = stub_create,
    .attach = stub_attach,
    .detach = stub_detach,
    .connect = stub_connect,
    .disconnect = stub_disconnect,
    .update = stub_update,
    .destroy = stub_destroy,
    .feature_at = stub_feature_at,
};

static void
on_cmd(int fd, uint32_t events, void *arg)
{
    struct cmd *c;
    char one = 1;

    (void) events;
    (void) arg;
    if (read(fd, &c, sizeof c) != sizeof c) {
        return;
    }
    switch (c->type) {
    case CMD_ONLINE:
        c->result = xenbus_vif_online(xb, c->path, NULL, c->err, sizeof c->err);
        break;
    case CMD_OFFLINE:
        c->result = xenbus_vif_offline(xb, c->path, NULL, c->err, sizeof c->err);
        break;
    case CMD_COUNT:
        c->result = (int) xenbus_n_vifs(xb);
        break;
    case CMD_REQUESTS: {
        struct store_stats s;
        store_get_stats(st, &s);
        c->result = (int) s.requests;
        break;
    }
    case CMD_INFO: {
        struct xenbus_vif_info info;
        c->result = -ENOENT;
        for (unsigned i = 0; xenbus_vif_at(xb, i, &info); i++) {
            if (info.domid == c->domid && info.devid == c->devid) {
                *c->info = info;
                c->result = 0;
            }
        }
        break;
    }
    case CMD_STOP:
        evloop_stop(loop);
        break;
    }
    if (write(done_pipe[1], &one, 1) != 1) {
        abort();
    }
}

static void *
daemon_main(void *arg)
{
    char one = 1;

    (void) arg;
    loop = evloop_create();
    st = loop ? store_open() : NULL;
    xb = st ? xenbus_create(st, loop, &stub_ops, NULL, xsd_record_dir) : NULL;
    start_error = xb && !evloop_add_fd(loop, cmd_pipe[0], EPOLLIN, on_cmd, NULL) ? 0 : -1;
    if (write(done_pipe[1], &one, 1) != 1) {
        abort();
    }
    if (!start_error) {
        evloop_run(loop);
    }
    if (xb) {
        evloop_del_fd(loop, cmd_pipe[0]);
        xenbus_destroy(xb);
    }
    store_close(st);
    if (loop) {
        evloop_destroy(loop);
    }
    xb = NULL;
    st = NULL;
    loop = NULL;
    return NULL;
}

static int
wait_done(void)
{
    struct pollfd p = { .fd = done_pipe[0], .events = POLLIN };
    char c;

    if (poll(&p, 1, 10000) != 1 || read(done_pipe[0], &c, 1) != 1) {
        fprintf(stderr, "xenstored-daemon: daemon thread did not answer in 10 s\n");
        return -ETIMEDOUT;
    }
    return 0;
}

int
xsd_start(void)
{
    if (cmd_pipe[0] < 0 && (pipe(cmd_pipe) || pipe(done_pipe))) {
        return -errno;
    }
    if (pthread_create(&thread, NULL, daemon_main, NULL)) {
        return -EAGAIN;
    }
    if (wait_done() || start_error) {
        pthread_join(thread, NULL);
        return -EIO;
    }
    return 0;
}

static int
call(struct cmd *c)
{
    if (write(cmd_pipe[1], &c, sizeof c) != sizeof c) {
        return -EIO;
    }
    return wait_done() ? -ETIMEDOUT : c->result;
}

void
xsd_stop(void)
{
    struct cmd c = { .type = CMD_STOP };
    call(&c);
    pthread_join(thread, NULL);
}

int
xsd_online(const char *be_path, char *err, size_t errlen)
{
    struct cmd c = { .type = CMD_ONLINE, .path = be_path };
    int r = call(&c);
    snprintf(err, errlen, "%s", r ? c.err : "");
    return r;
}

int
xsd_offline(const char *be_path)
{
    struct cmd c = { .type = CMD_OFFLINE, .path = be_path };
    return call(&c);
}

unsigned
xsd_n_vifs(void)
{
    struct cmd c = { .type = CMD_COUNT };
    int r = call(&c);
    return r < 0 ? 0 : (unsigned) r;
}

unsigned
xsd_store_requests(void)
{
    struct cmd c = { .type = CMD_REQUESTS };
    int r = call(&c);
    return r < 0 ? 0 : (unsigned) r;
}

bool
xsd_vif_info(unsigned domid, unsigned devid, struct xenbus_vif_info *info)
{
    struct cmd c = { .type = CMD_INFO, .domid = domid, .devid = devid, .info = info };
    return call(&c) == 0;
}

unsigned
xsd_count(unsigned domid, unsigned devid, const char *op, struct xsd_call *last)
{
    unsigned n = 0;

    pthread_mutex_lock(&mu);
    for (unsigned i = 0; i < n_calls; i++) {
        const struct xsd_call *c = &calls[i];
        if (c->domid == domid && c->devid == devid && (!op || !strcmp(c->op, op))) {
            n++;
            if (last) {
                *last = *c;
            }
        }
    }
    pthread_mutex_unlock(&mu);
    return n;
}

void
xsd_clear_calls(void)
{
    pthread_mutex_lock(&mu);
    n_calls = 0;
    pthread_mutex_unlock(&mu);
}
