/* xenstored-libxl: libxl's vif xenstore traffic.  See xenstored-libxl.h. */
#include "tests/sim/xenstored-libxl.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool
put(struct xs_handle *h, xs_transaction_t t, const char *dir, const char *key, const char *val)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, key);
    return xs_write(h, t, path, val, (unsigned) strlen(val));
}

int
xl_run_script(const char *script, unsigned domid, unsigned devid, bool ioemu,
              const char *action, const char *be_path)
{
    static const char exec_failed[] = "hotplug script: exec failed\n";
    char e_script[300], e_path[96], e_vif[48], e_tap[64];
    /* libxl: online/offline for the vif, add/remove for the tap */
    bool is_tap = !strcmp(action, "add") || !strcmp(action, "remove");
    char *const argv[] = { (char *) script, (char *) action,
                           is_tap ? "type_if=tap" : "type_if=vif", NULL };
    long long deadline = now_ms() + XL_HOTPLUG_TIMEOUT_MS;
    const char **envp;
    size_t n = 0;
    int status;
    pid_t pid;

    while (environ[n]) {
        n++;
    }
    envp = calloc(n + 8, sizeof *envp);
    if (!envp) {
        return 1;
    }
    snprintf(e_script, sizeof e_script, "script=%s", script);
    snprintf(e_path, sizeof e_path, "XENBUS_PATH=%s", be_path);
    snprintf(e_vif, sizeof e_vif, "vif=vif%u.%u", domid, devid);
    n = 0;
    envp[n++] = e_script;
    envp[n++] = "XENBUS_TYPE=vif";
    envp[n++] = e_path;
    envp[n++] = "XENBUS_BASE_PATH=backend";
    envp[n++] = "netdev=";
    envp[n++] = e_vif;
    if (ioemu) {
        snprintf(e_tap, sizeof e_tap, "INTERFACE=vif%u.%u-emu", domid, devid);
        envp[n++] = e_tap;
    }
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "script=", 7) && strncmp(*e, "XENBUS_", 7)
            && strncmp(*e, "netdev=", 7) && strncmp(*e, "vif=", 4)
            && strncmp(*e, "INTERFACE=", 10)) {
            envp[n++] = *e;
        }
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        execve(script, argv, (char *const *) envp);
        if (write(2, exec_failed, sizeof exec_failed - 1) < 0) {
            /* nothing more to say */
        }
        _exit(127);
    }
    free(envp);
    if (pid < 0) {
        return 1;
    }
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (now_ms() > deadline) {
            fprintf(stderr, "%s %s: killed after %d s\n", script, action,
                    XL_HOTPLUG_TIMEOUT_MS / 1000);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return 1;
        }
        usleep(200);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int
xl_domain_create(struct xs_handle *h, unsigned domid)
{
    char path[64];
    struct xs_permissions own[1] = { { domid, XS_PERM_NONE } };
    struct xs_permissions ro[2] = { { 0, XS_PERM_NONE }, { domid, XS_PERM_READ } };
    xs_transaction_t t;

    if (!xs_introduce_domain(h, domid, 0, 1)) {
        return -errno;
    }
again:
    t = xs_transaction_start(h);
    snprintf(path, sizeof path, "/local/domain/%u", domid);
    xs_rm(h, t, path);
    xs_mkdir(h, t, path);
    xs_set_permissions(h, t, path, ro, 2);
    put(h, t, path, "name", "guest");
    snprintf(path, sizeof path, "/local/domain/%u/device", domid);
    xs_mkdir(h, t, path);
    xs_set_permissions(h, t, path, own, 1);
    snprintf(path, sizeof path, "/local/domain/%u/data", domid);
    xs_mkdir(h, t, path);
    xs_set_permissions(h, t, path, own, 1);
    if (!xs_transaction_end(h, t, false)) {
        if (errno == EAGAIN) {
            goto again;
        }
        return -errno;
    }
    return 0;
}

int
xl_domain_destroy(struct xs_handle *h, unsigned domid)
{
    char path[64];

    xs_release_domain(h, domid);
    snprintf(path, sizeof path, "/local/domain/%u", domid);
    xs_rm(h, XBT_NULL, path);
    snprintf(path, sizeof path, "/libxl/%u", domid);
    xs_rm(h, XBT_NULL, path);
    return 0;
}

int
xl_nic_add(struct xs_handle *h, unsigned domid, unsigned devid, const struct xl_nic *nic)
{
    char fe[64], be[64], lx[64], num[16], did[16];
    struct xs_permissions fe_perms[2] = { { domid, XS_PERM_NONE }, { 0, XS_PERM_READ } };
    struct xs_permissions ro_perms[2] = { { 0, XS_PERM_NONE }, { domid, XS_PERM_READ } };
    struct xs_permissions lx_perms[1] = { { 0, XS_PERM_NONE } };
    const char *script = nic->script ? nic->script : "/etc/xen/scripts/vif-xvs";
    const char *bridge = nic->bridge ? nic->bridge : "xenbr0";
    const char *type = nic->type ? nic->type : "vif";
    xs_transaction_t t;

    snprintf(fe, sizeof fe, "/local/domain/%u/device/vif/%u", domid, devid);
    snprintf(be, sizeof be, "/local/domain/0/backend/vif/%u/%u", domid, devid);
    snprintf(lx, sizeof lx, "/libxl/%u/device/vif/%u", domid, devid);
    snprintf(num, sizeof num, "%u", devid);
    snprintf(did, sizeof did, "%u", domid);
again:
    t = xs_transaction_start(h);
    if (t == XBT_NULL) {
        return -errno;
    }
    /* libxl__device_generic_add: frontend first. */
    xs_rm(h, t, fe);
    xs_mkdir(h, t, fe);
    xs_set_permissions(h, t, fe, fe_perms, 2);
    put(h, t, fe, "backend", be);
    put(h, t, fe, "backend-id", "0");
    put(h, t, fe, "state", "1");
    put(h, t, fe, "handle", num);
    put(h, t, fe, "mac", nic->mac);
    put(h, t, fe, "trusted", "1");
    {
        char p[96];
        snprintf(p, sizeof p, "%s/mtu", fe);
        put(h, t, fe, "mtu", nic->mtu ? nic->mtu : "1500");
        xs_set_permissions(h, t, p, ro_perms, 2);
    }
    /* Then the backend, with libxl__set_xenstore_nic's order. */
    xs_rm(h, t, be);
    xs_mkdir(h, t, be);
    xs_set_permissions(h, t, be, ro_perms, 2);
    put(h, t, be, "frontend", fe);
    put(h, t, be, "frontend-id", did);
    put(h, t, be, "online", "1");
    put(h, t, be, "state", "1");
    put(h, t, be, "script", script);
    if (nic->vifname) {
        put(h, t, be, "vifname", nic->vifname);
    }
    put(h, t, be, "mac", nic->mac);
    if (nic->ip) {
        put(h, t, be, "ip", nic->ip);
    }
    if (nic->rate) {
        put(h, t, be, "rate", nic->rate);
    }
    put(h, t, be, "bridge", bridge);
    put(h, t, be, "handle", num);
    put(h, t, be, "type", type);
    if (nic->vlan) {
        put(h, t, be, "vlan", nic->vlan);
    }
    if (nic->mtu) {
        put(h, t, be, "mtu", nic->mtu);
    }
    for (int i = 0; i < 8 && nic->extra[i][0]; i++) {
        put(h, t, be, nic->extra[i][0], nic->extra[i][1]);
    }
    put(h, t, be, "hotplug-status", "");
    /* libxl's private copy. */
    xs_rm(h, t, lx);
    xs_mkdir(h, t, lx);
    xs_set_permissions(h, t, lx, lx_perms, 1);
    put(h, t, lx, "frontend", fe);
    put(h, t, lx, "backend", be);
    put(h, t, lx, "online", "1");
    put(h, t, lx, "state", "1");
    put(h, t, lx, "mac", nic->mac);
    put(h, t, lx, "bridge", bridge);
    if (!xs_transaction_end(h, t, false)) {
        if (errno == EAGAIN) {
            goto again;
        }
        return -errno;
    }
    return 0;
}

int
xl_wait_state(struct xs_handle *h, const char *path, unsigned want, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    char token[32];
    int rc = -ETIMEDOUT;

    snprintf(token, sizeof token, "xswait-%p", (void *) path);
    if (!xs_watch(h, path, token)) {
        return -errno;
    }
    for (;;) {
        unsigned len;
        char *v = xs_read(h, XBT_NULL, path, &len);
        bool ok = v && strtoul(v, NULL, 10) == want && len > 0;
        long long left;
        char **ev;

        free(v);
        if (ok) {
            rc = 0;
            break;
        }
        left = deadline - now_ms();
        if (left <= 0) {
            break;
        }
        /* Sleep until any event (ours or stale), then read again. */
        while (!(ev = xs_check_watch(h))) {
            struct pollfd p = { .fd = xs_fileno(h), .events = POLLIN };
            left = deadline - now_ms();
            if (left <= 0 || poll(&p, 1, (int) left) <= 0) {
                break;
            }
        }
        free(ev);
    }
    xs_unwatch(h, path, token);
    return rc;
}

int
xl_nic_hotplug(struct xs_handle *h, unsigned domid, unsigned devid, const char *action,
               xl_hotplug_fn *fn, void *arg, char *err, size_t errlen)
{
    char be[48], path[96];
    int status;

    snprintf(be, sizeof be, "backend/vif/%u/%u", domid, devid);
    err[0] = '\0';
    status = fn(arg, action, be);
    if (status) {
        unsigned len;
        char *e;
        snprintf(path, sizeof path, "/local/domain/0/%s/hotplug-error", be);
        e = xs_read(h, XBT_NULL, path, &len);
        snprintf(err, errlen, "%s", e ? e : "(no hotplug-error)");
        free(e);
    }
    return status;
}

int
xl_nic_remove_begin(struct xs_handle *h, unsigned domid, unsigned devid, bool force)
{
    char be[64], fe[64], p[96];
    xs_transaction_t t;
    char *st;

    snprintf(be, sizeof be, "/local/domain/0/backend/vif/%u/%u", domid, devid);
    snprintf(fe, sizeof fe, "/local/domain/%u/device/vif/%u", domid, devid);
    if (force) {
        xs_rm(h, XBT_NULL, fe);           /* a dead guest: frontend first */
    }
again:
    t = xs_transaction_start(h);
    put(h, t, be, "online", "0");
    snprintf(p, sizeof p, "%s/state", be);
    st = xs_read(h, t, p, NULL);
    if (!st || strcmp(st, "6")) {
        put(h, t, be, "state", "5");
    }
    free(st);
    if (!xs_transaction_end(h, t, false)) {
        if (errno == EAGAIN) {
            goto again;
        }
        return -errno;
    }
    return 0;
}

int
xl_nic_remove_wait(struct xs_handle *h, unsigned domid, unsigned devid, int timeout_ms)
{
    char p[96], fe[64];

    snprintf(p, sizeof p, "/local/domain/0/backend/vif/%u/%u/state", domid, devid);
    if (!xl_wait_state(h, p, 6, timeout_ms)) {
        return 0;
    }
    /* libxl retries once in force mode. */
    snprintf(fe, sizeof fe, "/local/domain/%u/device/vif/%u", domid, devid);
    xs_rm(h, XBT_NULL, fe);
    return xl_wait_state(h, p, 6, timeout_ms);
}

/* libxl__xs_path_cleanup: remove `path`, then its parents while empty. */
static void
path_cleanup(struct xs_handle *h, xs_transaction_t t, const char *path, int levels)
{
    char p[96];

    snprintf(p, sizeof p, "%s", path);
    xs_rm(h, t, p);
    for (int i = 0; i < levels; i++) {
        char *slash = strrchr(p, '/');
        unsigned n;
        char **d;
        if (!slash || slash == p) {
            return;
        }
        *slash = '\0';
        d = xs_directory(h, t, p, &n);
        if (!d || n) {
            free(d);
            return;
        }
        free(d);
        xs_rm(h, t, p);
    }
}

int
xl_nic_remove_finish(struct xs_handle *h, unsigned domid, unsigned devid)
{
    char be[64], fe[64], lx[64];
    xs_transaction_t t;

    snprintf(be, sizeof be, "/local/domain/0/backend/vif/%u/%u", domid, devid);
    snprintf(fe, sizeof fe, "/local/domain/%u/device/vif/%u", domid, devid);
    snprintf(lx, sizeof lx, "/libxl/%u/device/vif/%u", domid, devid);
again:
    t = xs_transaction_start(h);
    path_cleanup(h, t, fe, 1);
    path_cleanup(h, t, be, 1);
    path_cleanup(h, t, lx, 1);
    if (!xs_transaction_end(h, t, false)) {
        if (errno == EAGAIN) {
            goto again;
        }
        return -errno;
    }
    return 0;
}
