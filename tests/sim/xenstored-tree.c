/* xenstored-tree: node tree of the fake xenstored.  See xenstored-tree.h. */
#include "tests/sim/xenstored-tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t gen_counter;

uint64_t
xst_next_gen(void)
{
    return ++gen_counter;
}

static struct xst_node *
node_new(const char *name, size_t namelen, struct xst_node *parent)
{
    struct xst_node *n = calloc(1, sizeof *n);
    if (!n) {
        return NULL;
    }
    n->name = strndup(name, namelen);
    n->value = calloc(1, 1);
    n->perms = calloc(1, sizeof *n->perms);
    if (!n->name || !n->value || !n->perms) {
        free(n->name);
        free(n->value);
        free(n->perms);
        free(n);
        return NULL;
    }
    n->nperms = 1;                       /* "n0": owner dom0, others none */
    n->parent = parent;
    n->complete = true;                  /* a new node has no children */
    n->gen = xst_next_gen();
    return n;
}

static void
node_free(struct xst_node *n)
{
    for (unsigned i = 0; i < n->nkids; i++) {
        node_free(n->kids[i]);
    }
    free(n->kids);
    free(n->name);
    free(n->value);
    free(n->perms);
    free(n);
}

static int
node_add_kid(struct xst_node *p, struct xst_node *k)
{
    if (p->nkids == p->kcap) {
        unsigned cap = p->kcap ? p->kcap * 2 : 4;
        struct xst_node **kids = realloc(p->kids, cap * sizeof *kids);
        if (!kids) {
            return -ENOMEM;
        }
        p->kids = kids;
        p->kcap = cap;
    }
    p->kids[p->nkids++] = k;
    p->gen = xst_next_gen();
    return 0;
}

struct xst_node *
xst_kid(const struct xst_node *p, const char *name, size_t len)
{
    for (unsigned i = 0; i < p->nkids; i++) {
        const char *kn = p->kids[i]->name;
        if (strlen(kn) == len && !memcmp(kn, name, len)) {
            return p->kids[i];
        }
    }
    return NULL;
}

struct xst_tree *
xst_tree_new(void)
{
    struct xst_tree *t = calloc(1, sizeof *t);
    if (!t) {
        return NULL;
    }
    t->root = node_new("", 0, NULL);
    t->nnodes = 1;
    if (!t->root || !xst_create(t, "/local/domain/0", 0)) {
        xst_tree_free(t);
        return NULL;
    }
    return t;
}

struct xst_node *
xst_copy_shallow(const struct xst_node *src, struct xst_node *parent, struct xst_tree **tree)
{
    struct xst_node *n = node_new(src->name, strlen(src->name), parent);

    if (!n || xst_set_value(n, src->value, src->vlen) || xst_set_perms(n, src->perms, src->nperms)) {
        if (n) {
            node_free(n);
        }
        return NULL;
    }
    n->gen = src->gen;
    n->complete = false;
    if (parent) {
        uint64_t gen = parent->gen;
        if (node_add_kid(parent, n)) {
            node_free(n);
            return NULL;
        }
        parent->gen = gen;
    } else {
        *tree = calloc(1, sizeof **tree);
        if (!*tree) {
            node_free(n);
            return NULL;
        }
        (*tree)->root = n;
        (*tree)->nnodes = 1;
    }
    return n;
}

void
xst_tree_free(struct xst_tree *t)
{
    if (t) {
        if (t->root) {
            node_free(t->root);
        }
        free(t);
    }
}

int
xst_path_check(const char *path)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_@";
    size_t len = strlen(path);

    if (path[0] != '/' || len > XST_PATH_MAX || strspn(path, ok) != len) {
        return -EINVAL;
    }
    if (len > 1 && (path[len - 1] == '/' || strstr(path, "//"))) {
        return -EINVAL;
    }
    return 0;
}

/* Walk as far as possible; *rest points at the first missing component. */
static struct xst_node *
walk(const struct xst_tree *t, const char *path, const char **rest)
{
    struct xst_node *n = t->root;
    const char *p = path + 1;

    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t) (slash - p) : strlen(p);
        struct xst_node *k = xst_kid(n, p, len);
        if (!k) {
            break;
        }
        n = k;
        p += len;
        if (*p == '/') {
            p++;
        }
    }
    *rest = p;
    return n;
}

struct xst_node *
xst_lookup(const struct xst_tree *t, const char *path)
{
    const char *rest;
    struct xst_node *n = walk(t, path, &rest);
    return *rest ? NULL : n;
}

struct xst_node *
xst_nearest(const struct xst_tree *t, const char *path)
{
    const char *rest;
    return walk(t, path, &rest);
}

struct xst_node *
xst_create(struct xst_tree *t, const char *path, unsigned creator)
{
    const char *p;
    struct xst_node *n = walk(t, path, &p);
    const struct xst_node *model = n;

    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t) (slash - p) : strlen(p);
        struct xst_node *k;

        if (t->nnodes >= XST_MAX_NODES) {
            errno = ENOSPC;
            return NULL;
        }
        k = node_new(p, len, n);
        if (!k || xst_set_perms(k, model->perms, model->nperms)
            || node_add_kid(n, k)) {
            if (k) {
                node_free(k);
            }
            errno = ENOMEM;
            return NULL;
        }
        if (creator) {
            k->perms[0].domid = creator;
        }
        t->nnodes++;
        n = k;
        p += len;
        if (*p == '/') {
            p++;
        }
    }
    return n;
}

int
xst_set_value(struct xst_node *n, const void *value, unsigned len)
{
    char *v = malloc(len + 1);
    if (!v) {
        return -ENOMEM;
    }
    memcpy(v, value, len);
    v[len] = '\0';
    free(n->value);
    n->value = v;
    n->vlen = len;
    n->gen = xst_next_gen();
    return 0;
}

int
xst_set_perms(struct xst_node *n, const struct xst_perm *p, unsigned np)
{
    struct xst_perm *copy;

    if (np < 1 || np > XST_MAX_PERMS) {
        return -EINVAL;
    }
    copy = malloc(np * sizeof *copy);
    if (!copy) {
        return -ENOMEM;
    }
    memcpy(copy, p, np * sizeof *copy);
    free(n->perms);
    n->perms = copy;
    n->nperms = np;
    n->gen = xst_next_gen();
    return 0;
}

static size_t
delete_rec(struct xst_node *n, char *path, size_t plen, xst_visit_cb *cb, void *arg)
{
    size_t count = 1;

    for (unsigned i = 0; i < n->nkids; i++) {
        size_t klen = strlen(n->kids[i]->name);
        if (plen + 1 + klen < XST_PATH_MAX + 1) {
            path[plen] = '/';
            memcpy(path + plen + 1, n->kids[i]->name, klen + 1);
            count += delete_rec(n->kids[i], path, plen + 1 + klen, cb, arg);
            path[plen] = '\0';
        }
    }
    if (cb) {
        cb(path, n, arg);
    }
    return count;
}

void
xst_delete(struct xst_tree *t, struct xst_node *n, const char *path,
           xst_visit_cb *cb, void *arg)
{
    static char buf[XST_PATH_MAX + 2];
    struct xst_node *p = n->parent;

    if (!p) {
        return;                               /* never remove the root */
    }
    snprintf(buf, sizeof buf, "%s", path);
    t->nnodes -= delete_rec(n, buf, strlen(buf), cb, arg);
    for (unsigned i = 0; i < p->nkids; i++) {
        if (p->kids[i] == n) {
            memmove(&p->kids[i], &p->kids[i + 1], (p->nkids - i - 1) * sizeof *p->kids);
            p->nkids--;
            break;
        }
    }
    p->gen = xst_next_gen();
    node_free(n);
}

unsigned
xst_access(const struct xst_perm *p, unsigned np, unsigned domid)
{
    if (domid == 0 || p[0].domid == domid) {
        return XST_R | XST_W;
    }
    for (unsigned i = 1; i < np; i++) {
        if (p[i].domid == domid) {
            return p[i].access;
        }
    }
    return p[0].access;
}

int
xst_perms_parse(const char *buf, size_t len, struct xst_perm *out, unsigned *n)
{
    unsigned count = 0;
    size_t off = 0;

    while (off < len) {
        const char *s = buf + off;
        size_t slen = strnlen(s, len - off);
        char *end;
        unsigned long id;

        if (slen == len - off || slen < 2 || count == XST_MAX_PERMS) {
            return -EINVAL;                   /* unterminated, empty, too many */
        }
        switch (s[0]) {
        case 'n': out[count].access = 0; break;
        case 'r': out[count].access = XST_R; break;
        case 'w': out[count].access = XST_W; break;
        case 'b': out[count].access = XST_R | XST_W; break;
        default: return -EINVAL;
        }
        if (s[1] < '0' || s[1] > '9') {
            return -EINVAL;
        }
        errno = 0;
        id = strtoul(s + 1, &end, 10);
        if (*end || errno || id > 0xffff) {
            return -EINVAL;
        }
        out[count++].domid = (unsigned) id;
        off += slen + 1;
    }
    if (!count) {
        return -EINVAL;
    }
    *n = count;
    return 0;
}

size_t
xst_perms_format(const struct xst_perm *p, unsigned np, char *buf, size_t size)
{
    static const char letter[] = { 'n', 'r', 'w', 'b' };
    size_t off = 0;

    for (unsigned i = 0; i < np; i++) {
        int w = snprintf(buf + off, size - off, "%c%u", letter[p[i].access & 3], p[i].domid);
        if (w < 0 || (size_t) w + 1 > size - off) {
            break;
        }
        off += (size_t) w + 1;                /* keep the NUL */
    }
    return off;
}
