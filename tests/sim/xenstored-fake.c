/* xenstored-fake: a xenstored for tests.
 *
 * It speaks the real wire protocol (xen/io/xs_wire.h) on unix sockets, so
 * the real libxenstore client (XENSTORED_PATH=SOCK) and the xenstore-* tools
 * of xenstore-utils run against it unchanged.
 *
 * Connections and domains.  libxenstore sends no greeting, so the caller's
 * domain is given by the socket it connects to: SOCK is dom0 (privileged),
 * SOCK.<D> is domain D.  SOCK.<D> exists while D is introduced: `-d D` at
 * start, XS_INTRODUCE (xs_introduce_domain) or `xenstore-control introduce D`.
 * Releasing D (XS_RELEASE, `xenstore-control release D`) closes SOCK.<D> and
 * D's connections and fires @releaseDomain; XS_IS_DOMAIN_INTRODUCED tells
 * whether D still exists, which is how a backend learns that a domain died.
 *
 * What is reproduced (see ../../shared/reference/netif-protocol.md sec. 7):
 * read, write, mkdir, rm (subtree), directory (+ directory-part),
 * get/set-perms with xenstored's access rules, watch/unwatch (one event
 * after the OK, then one per change at or below the path; rm fires for the
 * removed root and for watches placed exactly on removed descendants;
 * unprivileged watchers only see nodes they may read), transactions
 * (optimistic: a sparse private copy of what they touch, writes invisible
 * until commit, events at commit,
 * EAGAIN when a node the transaction read or wrote changed), get-domain-
 * path, relative paths, @introduceDomain / @releaseDomain, error names from
 * xsd_errors[], reply type = request type, req_id / tx_id echoed, payloads
 * limited to XENSTORE_PAYLOAD_MAX.
 *
 * Not reproduced: quotas per domain other than the constants below,
 * XS_SET_TARGET semantics, live update, the ring (shared page) transport. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#include "tests/sim/xenstored-tree.h"

#define XSF_MAX_CONNS        512        /* open client connections */
#define XSF_MAX_DOMAINS      1024       /* introduced domains */
#define XSF_MAX_WATCHES      1024       /* per connection */
#define XSF_MAX_TXNS         32         /* open transactions per connection */
#define XSF_MAX_TX_OPS       4096       /* writes in one transaction */
#define XSF_MAX_OUTBUF       (8u << 20) /* queued replies+events per connection */
#define XSF_DOMID_MAX        0x7fefu    /* DOMID_FIRST_RESERVED - 1 */
#define XSF_REL_PATH_MAX     2048       /* XENSTORE_REL_PATH_MAX */

#define HDR_LEN sizeof(struct xsd_sockmsg)

struct watch {
    struct watch *next;
    char *path;                 /* canonical: absolute or "@..." */
    char *token;
    bool relative;              /* registered relative: events are relative */
};

struct access {                 /* a node a transaction looked at */
    char *path;
    uint64_t gen;               /* generation then; 0 = absent */
};

enum op_type { OP_WRITE, OP_MKDIR, OP_RM, OP_SETPERMS };

struct op {                     /* a change a transaction will replay */
    enum op_type type;
    char *path;
    char *data;                 /* value (OP_WRITE) */
    unsigned len;
    struct xst_perm *perms;     /* OP_SETPERMS */
    unsigned nperms;
};

struct txn {
    struct txn *next;
    uint32_t id;
    struct xst_tree *snap;      /* sparse private copy: nodes touched so far */
    struct access *acc;
    unsigned nacc, acap;
    struct op *ops;
    unsigned nops, opcap;
};

struct conn {
    struct conn *next;
    int fd;
    unsigned domid;
    unsigned id;                /* for traces */
    char in[HDR_LEN + XENSTORE_PAYLOAD_MAX];
    size_t inlen;
    char *out;
    size_t outlen, outcap;
    struct watch *watches;
    unsigned nwatches;
    struct txn *txns;
    unsigned ntxns;
    bool dead;
};

struct domain {
    struct domain *next;
    unsigned domid;
    int lfd;                    /* listening socket SOCK.<domid>; -1 for dom0 */
    char *sockpath;
};

/* A request being served. */
struct req {
    struct conn *c;
    struct xsd_sockmsg hdr;
    const char *body;
    unsigned len;
    struct txn *tx;             /* NULL: operate on the live store */
};

static struct xst_tree *store;
static struct conn *conns;
static unsigned nconns, conn_ids;
static struct domain *domains;
static unsigned ndomains;
static int dom0_lfd = -1;
static const char *base_path;
static uint32_t next_txid = 1;
static bool verbose;
static volatile sig_atomic_t stop;

static const char *const type_names[XS_TYPE_COUNT] = {
    "CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
    "TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
    "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT",
    "ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT",
    "RESET_WATCHES", "DIRECTORY_PART",
};

static void
trace(const char *fmt, ...)
{
    va_list ap;
    if (!verbose) {
        return;
    }
    va_start(ap, fmt);
    fputs("xenstored-fake: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const char *
errno_name(int err)
{
    for (size_t i = 0; i < sizeof xsd_errors / sizeof xsd_errors[0]; i++) {
        if (xsd_errors[i].errnum == err) {
            return xsd_errors[i].errstring;
        }
    }
    return "EINVAL";
}

/* ---- output ---------------------------------------------------------- */

static void
conn_queue(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
           const void *a, size_t alen, const void *b, size_t blen)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t) (alen + blen) };
    size_t need = c->outlen + HDR_LEN + alen + blen;

    if (c->dead) {
        return;
    }
    if (need > XSF_MAX_OUTBUF) {
        fprintf(stderr, "xenstored-fake: conn %u: output queue over %u bytes, dropped\n",
                c->id, XSF_MAX_OUTBUF);
        c->dead = true;
        return;
    }
    if (need > c->outcap) {
        size_t cap = c->outcap ? c->outcap : 8192;
        char *p;
        while (cap < need) {
            cap *= 2;
        }
        p = realloc(c->out, cap);
        if (!p) {
            c->dead = true;
            return;
        }
        c->out = p;
        c->outcap = cap;
    }
    memcpy(c->out + c->outlen, &h, HDR_LEN);
    c->outlen += HDR_LEN;
    if (alen) {
        memcpy(c->out + c->outlen, a, alen);
        c->outlen += alen;
    }
    if (blen) {
        memcpy(c->out + c->outlen, b, blen);
        c->outlen += blen;
    }
}

static void
reply(struct req *r, const void *data, size_t len)
{
    trace("c%u < %s %.*s", r->c->id, type_names[r->hdr.type],
          (int) (len > 60 ? 60 : len), (const char *) data);
    conn_queue(r->c, r->hdr.type, r->hdr.req_id, r->hdr.tx_id, data, len, NULL, 0);
}

static void
reply_str(struct req *r, const char *s)
{
    reply(r, s, strlen(s) + 1);
}

static void
reply_err(struct req *r, int err)
{
    const char *name = errno_name(err);
    trace("c%u < ERROR %s", r->c->id, name);
    conn_queue(r->c, XS_ERROR, r->hdr.req_id, r->hdr.tx_id, name, strlen(name) + 1, NULL, 0);
}

static void
conn_flush(struct conn *c)
{
    while (c->outlen && !c->dead) {
        ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                c->dead = true;
            }
            return;
        }
        memmove(c->out, c->out + n, c->outlen - (size_t) n);
        c->outlen -= (size_t) n;
    }
}

/* ---- watches ----------------------------------------------------------- */

static bool
path_in(const char *path, const char *top)
{
    size_t n = strlen(top);
    if (!strcmp(top, "/")) {
        return path[0] == '/';
    }
    return !strncmp(path, top, n) && (path[n] == '\0' || path[n] == '/');
}

static void
send_event(struct conn *c, const struct watch *w, const char *path)
{
    char prefix[40];
    size_t plen = (size_t) snprintf(prefix, sizeof prefix, "/local/domain/%u/", c->domid);

    if (w->relative && !strncmp(path, prefix, plen)) {
        path += plen;
    }
    trace("c%u < WATCH_EVENT %s %s", c->id, path, w->token);
    conn_queue(c, XS_WATCH_EVENT, 0, 0, path, strlen(path) + 1, w->token, strlen(w->token) + 1);
}

/* `exact`: only watches placed on `path` itself (used for the descendants
 * an rm removes and for the @ special paths). */
static void
fire(const char *path, const struct xst_perm *perms, unsigned nperms, bool exact)
{
    for (struct conn *c = conns; c; c = c->next) {
        if (c->dead) {
            continue;
        }
        if (perms && !(xst_access(perms, nperms, c->domid) & XST_R)) {
            continue;
        }
        for (struct watch *w = c->watches; w; w = w->next) {
            if (exact ? !strcmp(w->path, path) : path_in(path, w->path)) {
                send_event(c, w, path);
            }
        }
    }
}

/* ---- store operations (live or inside a transaction's snapshot) ---------- */

static int
op_write(struct xst_tree *t, unsigned domid, const char *path,
         const void *v, unsigned len, bool mkdir_only, bool live)
{
    struct xst_node *n = xst_lookup(t, path);

    if (n && mkdir_only) {
        return 0;
    }
    if (!n) {
        const struct xst_node *a = xst_nearest(t, path);
        if (!(xst_access(a->perms, a->nperms, domid) & XST_W)) {
            return -EACCES;
        }
        n = xst_create(t, path, domid);
        if (!n) {
            return -errno;
        }
    } else if (!(xst_access(n->perms, n->nperms, domid) & XST_W)) {
        return -EACCES;
    }
    if (!mkdir_only && xst_set_value(n, v, len)) {
        return -ENOMEM;
    }
    if (live) {
        fire(path, n->perms, n->nperms, false);
    }
    return 0;
}

struct rm_ctx {
    const char *root;
    bool live;
};

static void
rm_visit(const char *path, const struct xst_node *n, void *arg)
{
    const struct rm_ctx *rc = arg;
    if (rc->live) {
        fire(path, n->perms, n->nperms, strcmp(path, rc->root) != 0);
    }
}

static int
op_rm(struct xst_tree *t, unsigned domid, const char *path, bool live)
{
    struct xst_node *n = xst_lookup(t, path);
    struct rm_ctx rc = { path, live };

    if (!n) {
        /* Missing node: fine if its parent exists (xenstored's rule). */
        char parent[XST_PATH_MAX + 1];
        char *slash;
        snprintf(parent, sizeof parent, "%s", path);
        slash = strrchr(parent, '/');
        if (slash == parent) {
            slash[1] = '\0';
        } else if (slash) {
            *slash = '\0';
        }
        return xst_lookup(t, parent) ? 0 : -ENOENT;
    }
    if (!n->parent) {
        return -EINVAL;
    }
    if (!(xst_access(n->perms, n->nperms, domid) & XST_W)) {
        return -EACCES;
    }
    xst_delete(t, n, path, rm_visit, &rc);
    return 0;
}

static int
op_setperms(struct xst_tree *t, unsigned domid, const char *path,
            const struct xst_perm *p, unsigned np, bool live)
{
    struct xst_node *n = xst_lookup(t, path);

    if (!n) {
        return -ENOENT;
    }
    if (domid != 0 && n->perms[0].domid != domid) {
        return -EACCES;
    }
    if (xst_set_perms(n, p, np)) {
        return -EINVAL;
    }
    if (live) {
        fire(path, n->perms, n->nperms, false);
    }
    return 0;
}

/* ---- transactions ------------------------------------------------------ */

/* The transaction's copy of `path`, copied in from the store (with its
 * ancestors) on first use; NULL if absent in the transaction's view.
 * Reads need no snapshot taken at start: every node a transaction looks
 * at is checked at commit, so what it read is what the store holds when
 * the commit applies (optimistic concurrency). */
static struct xst_node *
tx_node(struct txn *tx, const char *path)
{
    struct xst_node *n = tx->snap->root;
    char prefix[XST_PATH_MAX + 1] = "";
    size_t plen = 0;
    const char *p = path + 1;

    while (*p) {
        size_t len = strcspn(p, "/");
        struct xst_node *k = xst_kid(n, p, len);

        if (plen + 1 + len > XST_PATH_MAX) {
            return NULL;
        }
        prefix[plen++] = '/';
        memcpy(prefix + plen, p, len);
        plen += len;
        prefix[plen] = '\0';
        if (!k && !n->complete) {
            const struct xst_node *m = xst_lookup(store, prefix);
            if (m && !(k = xst_copy_shallow(m, n, NULL))) {
                abort();
            }
        }
        if (!k) {
            return NULL;
        }
        n = k;
        p += len;
        if (*p == '/') {
            p++;
        }
    }
    return n;
}

/* Give a copied node all the children the store has (before listing it,
 * or before removing one of them, so that absence means absent). */
static void
tx_complete(struct xst_node *n, const char *path)
{
    const struct xst_node *m;

    if (n->complete) {
        return;
    }
    m = xst_lookup(store, path);
    for (unsigned i = 0; m && i < m->nkids; i++) {
        const char *name = m->kids[i]->name;
        if (!xst_kid(n, name, strlen(name)) && !xst_copy_shallow(m->kids[i], n, NULL)) {
            abort();
        }
    }
    /* The store's children first, in its order, then the transaction's
     * own new ones (as they will be after commit). */
    for (unsigned i = 0, pos = 0; m && i < m->nkids; i++) {
        const char *name = m->kids[i]->name;
        for (unsigned j = pos; j < n->nkids; j++) {
            if (!strcmp(n->kids[j]->name, name)) {
                struct xst_node *k = n->kids[j];
                memmove(&n->kids[pos + 1], &n->kids[pos], (j - pos) * sizeof k);
                n->kids[pos++] = k;
                break;
            }
        }
    }
    n->complete = true;
}

static void
txn_note(struct txn *tx, const char *path)
{
    const struct xst_node *n;

    for (unsigned i = 0; i < tx->nacc; i++) {
        if (!strcmp(tx->acc[i].path, path)) {
            return;
        }
    }
    if (tx->nacc == tx->acap) {
        unsigned cap = tx->acap ? tx->acap * 2 : 16;
        struct access *a = realloc(tx->acc, cap * sizeof *a);
        if (!a) {
            abort();
        }
        tx->acc = a;
        tx->acap = cap;
    }
    tx_node(tx, path);                      /* copy it in for what follows */
    n = xst_lookup(store, path);            /* what commit will compare */
    tx->acc[tx->nacc].path = strdup(path);
    tx->acc[tx->nacc].gen = n ? n->gen : 0;
    if (!tx->acc[tx->nacc].path) {
        abort();
    }
    tx->nacc++;
}

/* A change touches the node, its missing ancestors and the first existing
 * ancestor (its child list changes). */
static void
txn_note_change(struct txn *tx, const char *path)
{
    char p[XST_PATH_MAX + 1];

    snprintf(p, sizeof p, "%s", path);
    for (;;) {
        char *slash;
        txn_note(tx, p);
        if (xst_lookup(tx->snap, p) && strcmp(p, path)) {
            break;
        }
        slash = strrchr(p, '/');
        if (!slash || slash == p) {
            txn_note(tx, "/");
            break;
        }
        *slash = '\0';
    }
}

static int
txn_log(struct txn *tx, enum op_type type, const char *path, const void *data,
        unsigned len, const struct xst_perm *perms, unsigned np)
{
    struct op *op;

    if (tx->nops >= XSF_MAX_TX_OPS) {
        return -ENOSPC;
    }
    if (tx->nops == tx->opcap) {
        unsigned cap = tx->opcap ? tx->opcap * 2 : 16;
        struct op *o = realloc(tx->ops, cap * sizeof *o);
        if (!o) {
            return -ENOMEM;
        }
        tx->ops = o;
        tx->opcap = cap;
    }
    op = &tx->ops[tx->nops];
    memset(op, 0, sizeof *op);
    op->type = type;
    op->path = strdup(path);
    op->data = malloc(len + 1);
    if (perms) {
        op->perms = malloc(np * sizeof *perms);
    }
    if (!op->path || !op->data || (perms && !op->perms)) {
        free(op->path);
        free(op->data);
        free(op->perms);
        return -ENOMEM;
    }
    if (len) {
        memcpy(op->data, data, len);
    }
    op->len = len;
    if (perms) {
        memcpy(op->perms, perms, np * sizeof *perms);
        op->nperms = np;
    }
    tx->nops++;
    return 0;
}

static void
txn_free(struct txn *tx)
{
    for (unsigned i = 0; i < tx->nacc; i++) {
        free(tx->acc[i].path);
    }
    for (unsigned i = 0; i < tx->nops; i++) {
        free(tx->ops[i].path);
        free(tx->ops[i].data);
        free(tx->ops[i].perms);
    }
    free(tx->acc);
    free(tx->ops);
    xst_tree_free(tx->snap);
    free(tx);
}

static void
txn_unlink(struct conn *c, struct txn *tx)
{
    for (struct txn **pp = &c->txns; *pp; pp = &(*pp)->next) {
        if (*pp == tx) {
            *pp = tx->next;
            c->ntxns--;
            break;
        }
    }
    txn_free(tx);
}

static bool
txn_conflicts(const struct txn *tx)
{
    for (unsigned i = 0; i < tx->nacc; i++) {
        const struct xst_node *n = xst_lookup(store, tx->acc[i].path);
        if ((n ? n->gen : 0) != tx->acc[i].gen) {
            trace("transaction %u: %s changed", tx->id, tx->acc[i].path);
            return true;
        }
    }
    return false;
}

static void
txn_commit(struct txn *tx, unsigned domid)
{
    for (unsigned i = 0; i < tx->nops; i++) {
        const struct op *op = &tx->ops[i];
        switch (op->type) {
        case OP_WRITE:
        case OP_MKDIR:
            op_write(store, domid, op->path, op->data, op->len, op->type == OP_MKDIR, true);
            break;
        case OP_RM:
            op_rm(store, domid, op->path, true);
            break;
        case OP_SETPERMS:
            op_setperms(store, domid, op->path, op->perms, op->nperms, true);
            break;
        }
    }
}

/* ---- domains ----------------------------------------------------------- */

static struct domain *
domain_find(unsigned domid)
{
    for (struct domain *d = domains; d; d = d->next) {
        if (d->domid == domid) {
            return d;
        }
    }
    return NULL;
}

/* Bind to a temporary name and rename, so the path appears only once the
 * socket accepts connections (tests wait for the file). */
static int
listen_at(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char tmp[sizeof sa.sun_path];
    int fd;

    if ((size_t) snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    unlink(tmp);
    memcpy(sa.sun_path, tmp, strlen(tmp) + 1);
    if (bind(fd, (struct sockaddr *) &sa, sizeof sa) || listen(fd, 64)
        || rename(tmp, path)) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    return fd;
}

static int
domain_introduce(unsigned domid)
{
    struct domain *d;
    char path[sizeof ((struct sockaddr_un *) 0)->sun_path];

    if (domid == 0 || domid > XSF_DOMID_MAX) {
        return -EINVAL;
    }
    if (domain_find(domid)) {
        return 0;
    }
    if (ndomains >= XSF_MAX_DOMAINS) {
        return -ENOSPC;
    }
    if ((size_t) snprintf(path, sizeof path, "%s.%u", base_path, domid) >= sizeof path) {
        return -ENAMETOOLONG;
    }
    d = calloc(1, sizeof *d);
    if (!d || !(d->sockpath = strdup(path))) {
        free(d);
        return -ENOMEM;
    }
    d->domid = domid;
    d->lfd = listen_at(path);
    if (d->lfd < 0) {
        int e = errno;
        fprintf(stderr, "xenstored-fake: %s: %s\n", path, strerror(e));
        free(d->sockpath);
        free(d);
        return -e;
    }
    d->next = domains;
    domains = d;
    ndomains++;
    trace("domain %u introduced (%s)", domid, path);
    fire("@introduceDomain", NULL, 0, true);
    return 0;
}

static int
domain_release(unsigned domid)
{
    struct domain *d = NULL;

    for (struct domain **pp = &domains; *pp; pp = &(*pp)->next) {
        if ((*pp)->domid == domid) {
            d = *pp;
            *pp = d->next;
            break;
        }
    }
    if (!d) {
        return -ENOENT;
    }
    close(d->lfd);
    unlink(d->sockpath);
    free(d->sockpath);
    free(d);
    ndomains--;
    for (struct conn *c = conns; c; c = c->next) {
        if (c->domid == domid) {
            c->dead = true;
        }
    }
    trace("domain %u released", domid);
    fire("@releaseDomain", NULL, 0, true);
    return 0;
}

/* ---- request handling --------------------------------------------------- */

/* Split a payload into NUL-terminated strings; the last must be terminated. */
static int
split(const struct req *r, const char **argv, int max)
{
    int n = 0;
    unsigned off = 0;

    while (off < r->len && n < max) {
        const char *s = r->body + off;
        size_t l = strnlen(s, r->len - off);
        if (l == r->len - off) {
            return -1;
        }
        argv[n++] = s;
        off += (unsigned) l + 1;
    }
    return off == r->len ? n : -1;
}

/* Canonical path for `in` as seen by the caller; @-paths only if allowed. */
static int
canon(const struct conn *c, const char *in, char *out, size_t size, bool special_ok)
{
    if (in[0] == '@') {
        if (!special_ok || (strcmp(in, "@releaseDomain") && strcmp(in, "@introduceDomain"))) {
            return -EINVAL;
        }
        snprintf(out, size, "%s", in);
        return 0;
    }
    if (in[0] != '/') {
        if (strlen(in) > XSF_REL_PATH_MAX || !in[0]) {
            return -EINVAL;
        }
        if ((size_t) snprintf(out, size, "/local/domain/%u/%s", c->domid, in) >= size) {
            return -EINVAL;
        }
    } else if ((size_t) snprintf(out, size, "%s", in) >= size) {
        return -EINVAL;
    }
    return xst_path_check(out);
}

static struct xst_tree *
view(const struct req *r)
{
    return r->tx ? r->tx->snap : store;
}

/* Fetch a node the caller may read; notes the access in a transaction. */
static int
get_readable(struct req *r, const char *path, const struct xst_node **out)
{
    const struct xst_node *n;

    if (r->tx) {
        txn_note(r->tx, path);
    }
    n = xst_lookup(view(r), path);
    if (!n) {
        return -ENOENT;
    }
    if (!(xst_access(n->perms, n->nperms, r->c->domid) & XST_R)) {
        return -EACCES;
    }
    *out = n;
    return 0;
}

static int
one_path(struct req *r, char *path, size_t size)
{
    const char *argv[1];
    if (split(r, argv, 1) != 1) {
        return -EINVAL;
    }
    return canon(r->c, argv[0], path, size, false);
}

static int
parse_domid(const char *s, unsigned *out)
{
    char *end;
    unsigned long v;

    if (!*s || *s < '0' || *s > '9') {
        return -EINVAL;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (*end || errno || v > XSF_DOMID_MAX) {
        return -EINVAL;
    }
    *out = (unsigned) v;
    return 0;
}

static int
do_read(struct req *r)
{
    char path[XST_PATH_MAX + 1];
    const struct xst_node *n;
    int err = one_path(r, path, sizeof path);

    if (!err) {
        err = get_readable(r, path, &n);
    }
    if (!err) {
        reply(r, n->value, n->vlen);
    }
    return err;
}

static int
do_directory(struct req *r, bool part)
{
    char path[XST_PATH_MAX + 1];
    char buf[XENSTORE_PAYLOAD_MAX];
    const char *argv[2];
    const struct xst_node *n;
    size_t len = 0;
    unsigned long offset = 0;
    int err;

    if (split(r, argv, 2) != (part ? 2 : 1)) {
        return -EINVAL;
    }
    if (part) {
        char *end;
        offset = strtoul(argv[1], &end, 10);
        if (*end || !*argv[1]) {
            return -EINVAL;
        }
    }
    if ((err = canon(r->c, argv[0], path, sizeof path, false))
        || (err = get_readable(r, path, &n))) {
        return err;
    }
    if (r->tx) {
        tx_complete((struct xst_node *) n, path);
    }
    if (part) {
        /* "<gen>\0" then whole child names from byte `offset`; the last
         * chunk ends with an extra NUL (libxenstore's xs_directory_part). */
        size_t pos = 0;
        unsigned i = 0;
        len = (size_t) snprintf(buf, sizeof buf, "%" PRIu64, n->gen) + 1;
        for (; i < n->nkids && pos < offset; i++) {
            pos += strlen(n->kids[i]->name) + 1;
        }
        if (pos != offset) {
            return -EINVAL;
        }
        for (; i < n->nkids; i++) {
            size_t l = strlen(n->kids[i]->name) + 1;
            if (len + l + 1 > sizeof buf) {
                break;
            }
            memcpy(buf + len, n->kids[i]->name, l);
            len += l;
        }
        if (i == n->nkids) {
            buf[len++] = '\0';
        }
    } else {
        for (unsigned i = 0; i < n->nkids; i++) {
            size_t l = strlen(n->kids[i]->name) + 1;
            if (len + l > sizeof buf) {
                return -E2BIG;
            }
            memcpy(buf + len, n->kids[i]->name, l);
            len += l;
        }
    }
    reply(r, buf, len);
    return 0;
}

static int
do_get_perms(struct req *r)
{
    char path[XST_PATH_MAX + 1];
    char buf[XENSTORE_PAYLOAD_MAX];
    const struct xst_node *n;
    int err = one_path(r, path, sizeof path);

    if (!err) {
        err = get_readable(r, path, &n);
    }
    if (!err) {
        reply(r, buf, xst_perms_format(n->perms, n->nperms, buf, sizeof buf));
    }
    return err;
}

static int
do_write(struct req *r, bool mkdir_only)
{
    char path[XST_PATH_MAX + 1];
    size_t plen = strnlen(r->body, r->len);
    const char *value;
    unsigned vlen;
    int err;

    if (plen == r->len) {
        return -EINVAL;
    }
    if (mkdir_only && plen + 1 != r->len) {
        return -EINVAL;
    }
    value = r->body + plen + 1;
    vlen = r->len - (unsigned) plen - 1;
    if ((err = canon(r->c, r->body, path, sizeof path, false))) {
        return err;
    }
    if (r->tx) {
        txn_note_change(r->tx, path);
        err = op_write(r->tx->snap, r->c->domid, path, value, vlen, mkdir_only, false);
        if (!err) {
            err = txn_log(r->tx, mkdir_only ? OP_MKDIR : OP_WRITE, path, value, vlen, NULL, 0);
        }
    } else {
        err = op_write(store, r->c->domid, path, value, vlen, mkdir_only, true);
    }
    if (!err) {
        reply_str(r, "OK");
    }
    return err;
}

static int
do_rm(struct req *r)
{
    char path[XST_PATH_MAX + 1];
    int err = one_path(r, path, sizeof path);

    if (err) {
        return err;
    }
    if (r->tx) {
        char parent[XST_PATH_MAX + 1];
        char *slash;
        struct xst_node *pn;

        txn_note_change(r->tx, path);
        snprintf(parent, sizeof parent, "%s", path);
        slash = strrchr(parent, '/');
        if (slash == parent) {
            slash[1] = '\0';
        } else if (slash) {
            *slash = '\0';
        }
        if ((pn = tx_node(r->tx, parent))) {
            tx_complete(pn, parent);
        }
        err = op_rm(r->tx->snap, r->c->domid, path, false);
        if (!err) {
            err = txn_log(r->tx, OP_RM, path, NULL, 0, NULL, 0);
        }
    } else {
        err = op_rm(store, r->c->domid, path, true);
    }
    if (!err) {
        reply_str(r, "OK");
    }
    return err;
}

static int
do_set_perms(struct req *r)
{
    char path[XST_PATH_MAX + 1];
    struct xst_perm perms[XST_MAX_PERMS];
    size_t plen = strnlen(r->body, r->len);
    unsigned np;
    int err;

    if (plen == r->len) {
        return -EINVAL;
    }
    if ((err = canon(r->c, r->body, path, sizeof path, false))) {
        return err;
    }
    if (xst_perms_parse(r->body + plen + 1, r->len - plen - 1, perms, &np)) {
        return -EINVAL;
    }
    if (r->tx) {
        txn_note_change(r->tx, path);
        err = op_setperms(r->tx->snap, r->c->domid, path, perms, np, false);
        if (!err) {
            err = txn_log(r->tx, OP_SETPERMS, path, NULL, 0, perms, np);
        }
    } else {
        err = op_setperms(store, r->c->domid, path, perms, np, true);
    }
    if (!err) {
        reply_str(r, "OK");
    }
    return err;
}

static int
do_watch(struct req *r, bool add)
{
    char path[XST_PATH_MAX + 1];
    const char *argv[2];
    struct watch *w;
    int err;

    if (split(r, argv, 2) != 2) {
        return -EINVAL;
    }
    if ((err = canon(r->c, argv[0], path, sizeof path, true))) {
        return err;
    }
    for (struct watch **pp = &r->c->watches; *pp; pp = &(*pp)->next) {
        w = *pp;
        if (!strcmp(w->path, path) && !strcmp(w->token, argv[1])) {
            if (add) {
                return -EEXIST;
            }
            *pp = w->next;
            free(w->path);
            free(w->token);
            free(w);
            r->c->nwatches--;
            reply_str(r, "OK");
            return 0;
        }
    }
    if (!add) {
        return -ENOENT;
    }
    if (r->c->nwatches >= XSF_MAX_WATCHES) {
        return -E2BIG;
    }
    w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path)) || !(w->token = strdup(argv[1]))) {
        if (w) {
            free(w->path);
        }
        free(w);
        return -ENOMEM;
    }
    w->relative = argv[0][0] != '/' && argv[0][0] != '@';
    w->next = r->c->watches;
    r->c->watches = w;
    r->c->nwatches++;
    reply_str(r, "OK");
    send_event(r->c, w, path);          /* the initial event, after the OK */
    return 0;
}

static int
do_transaction_start(struct req *r)
{
    struct txn *tx;
    char buf[16];

    if (r->hdr.tx_id) {
        return -EBUSY;
    }
    if (r->c->ntxns >= XSF_MAX_TXNS) {
        return -ENOSPC;
    }
    tx = calloc(1, sizeof *tx);
    if (!tx || !xst_copy_shallow(store->root, NULL, &tx->snap)) {
        free(tx);
        return -ENOMEM;
    }
    tx->id = next_txid++;
    if (!next_txid) {
        next_txid = 1;
    }
    tx->next = r->c->txns;
    r->c->txns = tx;
    r->c->ntxns++;
    snprintf(buf, sizeof buf, "%u", tx->id);
    reply_str(r, buf);
    return 0;
}

static int
do_transaction_end(struct req *r)
{
    const char *argv[1];
    struct txn *tx = r->tx;
    bool commit;

    if (split(r, argv, 1) != 1 || (strcmp(argv[0], "T") && strcmp(argv[0], "F"))) {
        return -EINVAL;
    }
    if (!tx) {
        return -ENOENT;
    }
    commit = argv[0][0] == 'T';
    r->tx = NULL;
    if (commit && txn_conflicts(tx)) {
        txn_unlink(r->c, tx);
        return -EAGAIN;
    }
    if (commit) {
        txn_commit(tx, r->c->domid);
    }
    txn_unlink(r->c, tx);
    reply_str(r, "OK");
    return 0;
}

static int
do_domain_op(struct req *r)
{
    const char *argv[3];
    unsigned domid;
    char buf[64];
    int n = split(r, argv, 3);
    int err;

    if (n < 1 || parse_domid(argv[0], &domid)) {
        return -EINVAL;
    }
    switch (r->hdr.type) {
    case XS_GET_DOMAIN_PATH:
        snprintf(buf, sizeof buf, "/local/domain/%u", domid);
        reply_str(r, buf);
        return 0;
    case XS_IS_DOMAIN_INTRODUCED:
        reply_str(r, domid == 0 || domain_find(domid) ? "T" : "F");
        return 0;
    default:
        break;
    }
    if (r->c->domid != 0) {
        return -EACCES;
    }
    switch (r->hdr.type) {
    case XS_INTRODUCE:
        if (n != 3) {
            return -EINVAL;
        }
        err = domain_introduce(domid);
        break;
    case XS_RELEASE:
        err = domain_release(domid);
        break;
    default:                            /* XS_RESUME, XS_SET_TARGET */
        err = 0;
        break;
    }
    if (!err) {
        reply_str(r, "OK");
    }
    return err;
}

static int
do_control(struct req *r)
{
    const char *argv[4];
    int n = split(r, argv, 4);
    unsigned domid;
    int err;

    if (r->c->domid != 0) {
        return -EACCES;
    }
    if (n < 1) {
        return -EINVAL;
    }
    if (!strcmp(argv[0], "introduce") || !strcmp(argv[0], "release")) {
        if (n != 2 || parse_domid(argv[1], &domid)) {
            return -EINVAL;
        }
        err = argv[0][0] == 'i' ? domain_introduce(domid) : domain_release(domid);
        if (!err) {
            reply_str(r, "OK");
        }
        return err;
    }
    if (!strcmp(argv[0], "stats")) {
        char buf[160];
        unsigned w = 0, t = 0;
        for (struct conn *c = conns; c; c = c->next) {
            w += c->nwatches;
            t += c->ntxns;
        }
        snprintf(buf, sizeof buf, "connections %u watches %u transactions %u nodes %zu domains %u",
                 nconns, w, t, store->nnodes, ndomains);
        reply_str(r, buf);
        return 0;
    }
    if (!strcmp(argv[0], "help")) {
        reply_str(r, "introduce <domid>\nrelease <domid>\nstats\nhelp\n");
        return 0;
    }
    return -EINVAL;
}

static void
handle(struct conn *c)
{
    struct req r = { .c = c, .body = c->in + HDR_LEN };
    int err;

    memcpy(&r.hdr, c->in, HDR_LEN);
    r.len = r.hdr.len;
    if (r.hdr.type < XS_TYPE_COUNT) {
        trace("c%u(d%u) > %s tx%u %.*s", c->id, c->domid, type_names[r.hdr.type],
              r.hdr.tx_id, (int) strnlen(r.body, r.len), r.body);
    }
    switch (r.hdr.type) {
    case XS_READ: case XS_WRITE: case XS_MKDIR: case XS_RM: case XS_DIRECTORY:
    case XS_DIRECTORY_PART: case XS_GET_PERMS: case XS_SET_PERMS:
    case XS_TRANSACTION_END:
        if (r.hdr.tx_id) {
            for (struct txn *tx = c->txns; tx; tx = tx->next) {
                if (tx->id == r.hdr.tx_id) {
                    r.tx = tx;
                }
            }
            if (!r.tx) {
                reply_err(&r, ENOENT);
                return;
            }
        }
        break;
    default:
        break;
    }
    switch (r.hdr.type) {
    case XS_READ:              err = do_read(&r); break;
    case XS_DIRECTORY:         err = do_directory(&r, false); break;
    case XS_DIRECTORY_PART:    err = do_directory(&r, true); break;
    case XS_GET_PERMS:         err = do_get_perms(&r); break;
    case XS_WRITE:             err = do_write(&r, false); break;
    case XS_MKDIR:             err = do_write(&r, true); break;
    case XS_RM:                err = do_rm(&r); break;
    case XS_SET_PERMS:         err = do_set_perms(&r); break;
    case XS_WATCH:             err = do_watch(&r, true); break;
    case XS_UNWATCH:           err = do_watch(&r, false); break;
    case XS_TRANSACTION_START: err = do_transaction_start(&r); break;
    case XS_TRANSACTION_END:   err = do_transaction_end(&r); break;
    case XS_GET_DOMAIN_PATH: case XS_IS_DOMAIN_INTRODUCED: case XS_INTRODUCE:
    case XS_RELEASE: case XS_RESUME: case XS_SET_TARGET:
                               err = do_domain_op(&r); break;
    case XS_CONTROL:           err = do_control(&r); break;
    case XS_RESET_WATCHES:
        while (c->watches) {
            struct watch *w = c->watches;
            c->watches = w->next;
            free(w->path);
            free(w->token);
            free(w);
        }
        c->nwatches = 0;
        while (c->txns) {
            txn_unlink(c, c->txns);
        }
        reply_str(&r, "OK");
        err = 0;
        break;
    default:
        err = -EINVAL;
        break;
    }
    if (err) {
        reply_err(&r, -err);
    }
}

/* ---- connections and the main loop ----------------------------------------- */

static void
conn_free(struct conn *c)
{
    while (c->watches) {
        struct watch *w = c->watches;
        c->watches = w->next;
        free(w->path);
        free(w->token);
        free(w);
    }
    while (c->txns) {
        txn_unlink(c, c->txns);
    }
    close(c->fd);
    free(c->out);
    free(c);
}

static void
conn_accept(int lfd, unsigned domid)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    struct conn *c;

    if (fd < 0) {
        return;
    }
    if (nconns >= XSF_MAX_CONNS || !(c = calloc(1, sizeof *c))) {
        fprintf(stderr, "xenstored-fake: too many connections, refused\n");
        close(fd);
        return;
    }
    c->fd = fd;
    c->domid = domid;
    c->id = ++conn_ids;
    c->next = conns;
    conns = c;
    nconns++;
    trace("c%u connected as domain %u", c->id, domid);
}

static void
conn_read(struct conn *c)
{
    for (;;) {
        size_t want = HDR_LEN;
        ssize_t n;

        if (c->inlen >= HDR_LEN) {
            struct xsd_sockmsg h;
            memcpy(&h, c->in, HDR_LEN);
            if (h.len > XENSTORE_PAYLOAD_MAX) {
                fprintf(stderr, "xenstored-fake: conn %u: payload of %u bytes, dropped\n",
                        c->id, h.len);
                c->dead = true;
                return;
            }
            want += h.len;
        }
        if (c->inlen >= HDR_LEN && c->inlen == want) {
            handle(c);
            c->inlen = 0;
            continue;
        }
        n = recv(c->fd, c->in + c->inlen, want - c->inlen, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            c->dead = true;
            return;
        }
        if (n < 0) {
            return;
        }
        c->inlen += (size_t) n;
    }
}

static void
on_signal(int sig)
{
    (void) sig;
    stop = 1;
}

static void
usage(void)
{
    fputs("usage: xenstored-fake -s SOCK [-d DOMID]... [-p PIDFILE] [-v]\n"
          "  -s SOCK   dom0 socket (XENSTORED_PATH for privileged clients)\n"
          "            domain D connects to SOCK.D once D is introduced\n"
          "  -d DOMID  introduce DOMID at start (repeatable)\n"
          "  -p FILE   write the pid once the sockets accept connections\n"
          "  -v        trace every request and reply on stderr\n"
          "control (dom0, e.g. xenstore-control): introduce D | release D | stats\n",
          stderr);
}

int
main(int argc, char **argv)
{
    unsigned pre[64];
    unsigned npre = 0;
    const char *pidfile = NULL;
    struct sigaction sa = { .sa_handler = on_signal };
    sigset_t block, unblocked;
    int opt;

    while ((opt = getopt(argc, argv, "s:d:p:vh")) != -1) {
        switch (opt) {
        case 's': base_path = optarg; break;
        case 'p': pidfile = optarg; break;
        case 'v': verbose = true; break;
        case 'd':
            if (npre == sizeof pre / sizeof pre[0] || parse_domid(optarg, &pre[npre])) {
                fprintf(stderr, "xenstored-fake: bad domid '%s'\n", optarg);
                return 2;
            }
            npre++;
            break;
        default:
            usage();
            return opt == 'h' ? 0 : 2;
        }
    }
    if (!base_path || optind != argc) {
        usage();
        return 2;
    }
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Signals are taken only inside ppoll(): one arriving while requests
     * are served would otherwise set `stop` just before a poll that never
     * returns. */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &unblocked);
    sigdelset(&unblocked, SIGTERM);
    sigdelset(&unblocked, SIGINT);

    store = xst_tree_new();
    if (!store) {
        fprintf(stderr, "xenstored-fake: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < npre; i++) {
        int err = domain_introduce(pre[i]);
        if (err) {
            fprintf(stderr, "xenstored-fake: domain %u: %s\n", pre[i], strerror(-err));
            return 1;
        }
    }
    dom0_lfd = listen_at(base_path);
    if (dom0_lfd < 0) {
        fprintf(stderr, "xenstored-fake: %s: %s\n", base_path, strerror(errno));
        return 1;
    }
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (!f || fprintf(f, "%d\n", (int) getpid()) < 0 || fclose(f)) {
            fprintf(stderr, "xenstored-fake: %s: %s\n", pidfile, strerror(errno));
            return 1;
        }
    }

    while (!stop) {
        struct pollfd pfd[1 + XSF_MAX_DOMAINS + XSF_MAX_CONNS];
        struct conn *cv[XSF_MAX_CONNS];
        struct domain *dv[XSF_MAX_DOMAINS];
        unsigned dd[XSF_MAX_DOMAINS];
        unsigned n = 0, nd = 0, nc = 0;

        /* Reap dead connections, then flush what is queued. */
        for (struct conn **pp = &conns; *pp;) {
            struct conn *c = *pp;
            if (!c->dead) {
                conn_flush(c);
            }
            if (c->dead) {
                trace("c%u closed", c->id);
                *pp = c->next;
                conn_free(c);
                nconns--;
            } else {
                pp = &c->next;
            }
        }
        pfd[n++] = (struct pollfd) { .fd = dom0_lfd, .events = POLLIN };
        for (struct domain *d = domains; d; d = d->next) {
            dd[nd] = d->domid;
            dv[nd++] = d;
            pfd[n++] = (struct pollfd) { .fd = d->lfd, .events = POLLIN };
        }
        for (struct conn *c = conns; c; c = c->next) {
            cv[nc++] = c;
            pfd[n++] = (struct pollfd) { .fd = c->fd,
                                         .events = POLLIN | (c->outlen ? POLLOUT : 0) };
        }
        if (ppoll(pfd, n, NULL, &unblocked) < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("xenstored-fake: poll");
            break;
        }
        /* Connections first: their requests may release domains (and so
         * free listeners the dv[] snapshot points at). */
        for (unsigned i = 0; i < nc; i++) {
            short re = pfd[1 + nd + i].revents;
            if (!cv[i]->dead && (re & (POLLIN | POLLHUP | POLLERR))) {
                conn_read(cv[i]);
            }
        }
        if (pfd[0].revents & POLLIN) {
            conn_accept(dom0_lfd, 0);
        }
        for (unsigned i = 0; i < nd; i++) {
            /* Compare pointers only: a released domain's entry is freed. */
            if ((pfd[1 + i].revents & POLLIN) && domain_find(dd[i]) == dv[i]) {
                conn_accept(dv[i]->lfd, dv[i]->domid);
            }
        }
    }
    unlink(base_path);
    while (domains) {
        domain_release(domains->domid);
    }
    return 0;
}
