/* xenstored-tree: the node tree of the fake xenstored (tests only).
 *
 * A node has a name (one path component), a value (bytes, possibly empty),
 * a permission list and children kept in creation order, as xenstored keeps
 * them.  Every change bumps the node's generation `gen` from one global
 * counter; creating or deleting a child also bumps the parent, so that a
 * transaction which listed a directory conflicts with a concurrent create.
 *
 * Permission lists follow xenstored: entry 0 names the owner and gives the
 * access of every domain not listed later; entries 1.. give per-domain
 * access.  Domain 0 and the owner always have full access.
 *
 * Paths handed to this module are canonical: absolute, checked by
 * xst_path_check().  Nothing here does I/O. */
#ifndef XVS_XENSTORED_TREE_H
#define XVS_XENSTORED_TREE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XST_MAX_PERMS   64        /* entries in one permission list */
#define XST_MAX_NODES   200000    /* whole store; beyond it writes get ENOSPC */
#define XST_PATH_MAX    3072      /* XENSTORE_ABS_PATH_MAX */

enum { XST_R = 1, XST_W = 2 };    /* access bits */

struct xst_perm {
    unsigned domid;
    unsigned access;              /* XST_R | XST_W */
};

struct xst_node {
    char *name;                   /* "" for the root */
    char *value;                  /* vlen bytes + a NUL for convenience */
    unsigned vlen;
    struct xst_perm *perms;
    unsigned nperms;              /* >= 1 */
    uint64_t gen;
    struct xst_node *parent;
    struct xst_node **kids;
    unsigned nkids, kcap;
    /* Sparse copies (transactions): false while `kids` may lack children
     * the store has; they are copied in on demand. */
    bool complete;
};

struct xst_tree {
    struct xst_node *root;
    size_t nnodes;
};

/* Called for every node an xst_delete() removes, children before parents. */
typedef void xst_visit_cb(const char *path, const struct xst_node *, void *arg);

uint64_t xst_next_gen(void);

/* A tree holding "/", "/local", "/local/domain", "/local/domain/0". */
struct xst_tree *xst_tree_new(void);
void xst_tree_free(struct xst_tree *);

/* Copy `src` without its children (complete = false) as a child of
 * `parent`, or as the root of a new tree if parent is NULL (returned via
 * *tree).  The parent's generation is not changed: nothing happened. */
struct xst_node *xst_copy_shallow(const struct xst_node *src, struct xst_node *parent,
                                  struct xst_tree **tree);
struct xst_node *xst_kid(const struct xst_node *, const char *name, size_t len);

/* 0 or -EINVAL: absolute, only [A-Za-z0-9_@/-] characters, no empty
 * component, no trailing '/' (except "/" itself), length <= XST_PATH_MAX. */
int xst_path_check(const char *path);

struct xst_node *xst_lookup(const struct xst_tree *, const char *path);

/* Nearest existing node on the way to `path` (the node itself if present). */
struct xst_node *xst_nearest(const struct xst_tree *, const char *path);

/* Create `path` and any missing ancestors.  New nodes copy the permissions
 * of their nearest existing ancestor; a non-zero `creator` becomes their
 * owner (xenstored does the same for unprivileged callers).
 * Returns the node (existing or new) or NULL with errno (ENOSPC, ENOMEM). */
struct xst_node *xst_create(struct xst_tree *, const char *path, unsigned creator);

int xst_set_value(struct xst_node *, const void *value, unsigned len);
int xst_set_perms(struct xst_node *, const struct xst_perm *, unsigned n);

/* Remove `node` (not the root) and its subtree; `cb` sees every removed
 * node, children first. */
void xst_delete(struct xst_tree *, struct xst_node *, const char *path,
                xst_visit_cb *cb, void *arg);

/* Access of `domid` to a node with these permissions. */
unsigned xst_access(const struct xst_perm *, unsigned nperms, unsigned domid);

/* Parse / format the wire form: "n0\0r5\0..." (n, r, w, b = both). */
int xst_perms_parse(const char *buf, size_t len, struct xst_perm *out, unsigned *n);
size_t xst_perms_format(const struct xst_perm *, unsigned n, char *buf, size_t size);

#endif
