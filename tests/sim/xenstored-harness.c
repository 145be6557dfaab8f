/* xenstored-harness: see xenstored-harness.h. */
#include "tests/sim/xenstored-harness.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
xsh_start(struct xsh *x, const char *argv0, const char *const *extra)
{
    char bin[PATH_MAX];
    const char *args[32];
    int n = 0;
    const char *env = getenv("XENSTORED_FAKE");
    long long deadline;

    memset(x, 0, sizeof *x);
    if (env) {
        snprintf(bin, sizeof bin, "%s", env);
    } else {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", argv0);
        snprintf(bin, sizeof bin, "%s/xenstored-fake", dirname(tmp));
    }
    if (access(bin, X_OK)) {
        fprintf(stderr, "xenstored-harness: %s: %s (build tests/sim/xenstored-fake "
                "or set XENSTORED_FAKE)\n", bin, strerror(errno));
        return -ENOENT;
    }
    snprintf(x->dir, sizeof x->dir, "/tmp/xvs-xs.XXXXXX");
    if (!mkdtemp(x->dir)) {
        perror("xenstored-harness: mkdtemp");
        return -errno;
    }
    snprintf(x->sock, sizeof x->sock, "%s/socket", x->dir);
    args[n++] = bin;
    args[n++] = "-s";
    args[n++] = x->sock;
    if (getenv("XSH_VERBOSE")) {
        args[n++] = "-v";
    }
    for (; extra && *extra && n < 30; extra++) {
        args[n++] = *extra;
    }
    args[n] = NULL;
    fflush(NULL);
    x->pid = fork();
    if (x->pid < 0) {
        return -errno;
    }
    if (x->pid == 0) {
        execv(bin, (char *const *) args);
        _exit(127);
    }
    deadline = now_ms() + 5000;
    while (access(x->sock, F_OK)) {
        int st;
        if (waitpid(x->pid, &st, WNOHANG) == x->pid) {
            fprintf(stderr, "xenstored-harness: xenstored-fake exited (status %d)\n", st);
            x->pid = 0;
            return -ECHILD;
        }
        if (now_ms() > deadline) {
            fprintf(stderr, "xenstored-harness: %s did not appear in 5 s\n", x->sock);
            xsh_stop(x);
            return -ETIMEDOUT;
        }
        usleep(1000);
    }
    setenv("XENSTORED_PATH", x->sock, 1);
    return 0;
}

void
xsh_stop(struct xsh *x)
{
    char cmd[128];

    if (x->pid > 0) {
        long long deadline = now_ms() + 2000;
        kill(x->pid, SIGTERM);
        while (waitpid(x->pid, NULL, WNOHANG) == 0) {
            if (now_ms() > deadline) {
                fprintf(stderr, "xenstored-harness: xenstored-fake ignored SIGTERM\n");
                kill(x->pid, SIGKILL);
                waitpid(x->pid, NULL, 0);
                break;
            }
            usleep(1000);
        }
        x->pid = 0;
    }
    if (x->dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", x->dir);
        if (system(cmd)) {
            /* nothing else to do */
        }
        x->dir[0] = '\0';
    }
}

struct xs_handle *
xsh_open(const struct xsh *x, unsigned domid)
{
    char path[128];
    char *old = getenv("XENSTORED_PATH");
    char saved[128];
    struct xs_handle *h;

    snprintf(saved, sizeof saved, "%s", old ? old : x->sock);
    if (domid) {
        snprintf(path, sizeof path, "%s.%u", x->sock, domid);
    } else {
        snprintf(path, sizeof path, "%s", x->sock);
    }
    setenv("XENSTORED_PATH", path, 1);
    h = xs_open(0);
    setenv("XENSTORED_PATH", saved, 1);
    return h;
}

char **
xsh_event(struct xs_handle *h, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    for (;;) {
        char **ev = xs_check_watch(h);
        struct pollfd p = { .fd = xs_fileno(h), .events = POLLIN };
        long long left;

        if (ev) {
            return ev;
        }
        left = deadline - now_ms();
        if (left <= 0) {
            return NULL;
        }
        poll(&p, 1, (int) left);
    }
}

int
xsh_drain(struct xs_handle *h, int quiet_ms)
{
    int n = 0;
    char **ev;

    while ((ev = xsh_event(h, quiet_ms))) {
        free(ev);
        n++;
    }
    return n;
}

bool
xsh_read(struct xs_handle *h, const char *path, char *buf, size_t size)
{
    unsigned len;
    char *v = xs_read(h, XBT_NULL, path, &len);

    if (!v) {
        return false;
    }
    snprintf(buf, size, "%s", v);
    free(v);
    return true;
}

bool
xsh_write(struct xs_handle *h, const char *path, const char *value)
{
    return xs_write(h, XBT_NULL, path, value, (unsigned) strlen(value));
}

bool
xsh_wait(struct xs_handle *h, const char *path, const char *value, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    for (;;) {
        char buf[256];
        bool present = xsh_read(h, path, buf, sizeof buf);
        if (value ? present && !strcmp(buf, value) : !present) {
            return true;
        }
        if (now_ms() > deadline) {
            return false;
        }
        usleep(1000);
    }
}
