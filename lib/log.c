/* log: see log.h.  Single-threaded (the daemon is), so no locking. */
#include "lib/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lib/evloop.h"
#include "lib/sdload.h"

static const char *const module_names[XLOG_N_MODULES] = {
    [XLOG_MOD_MAIN] = "main",         [XLOG_MOD_CONFIG] = "config",
    [XLOG_MOD_CTL] = "ctl",           [XLOG_MOD_BRIDGE] = "bridge",
    [XLOG_MOD_FDB] = "fdb",           [XLOG_MOD_UPLINK] = "uplink",
    [XLOG_MOD_HOSTPORT] = "hostport", [XLOG_MOD_NETBACK] = "netback",
    [XLOG_MOD_XENIF] = "xenif",       [XLOG_MOD_XENSTORE] = "xenstore",
};

static const char *const level_names[XLOG_N_LEVELS] = {
    [XLOG_ERR] = "err", [XLOG_WARN] = "warn", [XLOG_INFO] = "info", [XLOG_DBG] = "debug",
};

static const int syslog_prio[XLOG_N_LEVELS] = {
    [XLOG_ERR] = LOG_ERR, [XLOG_WARN] = LOG_WARNING,
    [XLOG_INFO] = LOG_INFO, [XLOG_DBG] = LOG_DEBUG,
};

static enum xlog_level levels[XLOG_N_MODULES] = {
    XLOG_INFO, XLOG_INFO, XLOG_INFO, XLOG_INFO, XLOG_INFO,
    XLOG_INFO, XLOG_INFO, XLOG_INFO, XLOG_INFO, XLOG_INFO,
};
static enum xlog_target target = XLOG_TO_STDERR;

void
xlog_init(enum xlog_target t, enum xlog_level default_level)
{
    target = t;
    for (int i = 0; i < XLOG_N_MODULES; i++)
        levels[i] = default_level;
}

bool
xlog_enabled(enum xlog_module m, enum xlog_level l)
{
    return (unsigned) m < XLOG_N_MODULES && l <= levels[m];
}

/* libsystemd is loaded at the first journal message (sdload.h); if it
 * cannot be, messages go to stderr, after one line saying why. */
static int
journal(enum xlog_module m, enum xlog_level l, const char *msg)
{
    static bool warned;
    char f[3][1100];
    struct iovec iov[3];

    snprintf(f[0], sizeof f[0], "MESSAGE=%s: %s", module_names[m], msg);
    snprintf(f[1], sizeof f[1], "PRIORITY=%d", syslog_prio[l]);
    snprintf(f[2], sizeof f[2], "XVS_MODULE=%s", module_names[m]);
    for (int i = 0; i < 3; i++)
        iov[i] = (struct iovec) { .iov_base = f[i], .iov_len = strlen(f[i]) };
    int r = sdload_journal_sendv(iov, 3);
    if (r == -ELIBACC && !warned) {
        warned = true;
        fprintf(stderr, "xvsd: no journal (%s): logging to stderr\n", sdload_error());
    }
    return r;
}

void
xlog(enum xlog_module m, enum xlog_level l, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (!xlog_enabled(m, l))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    if (target == XLOG_TO_JOURNAL && journal(m, l, msg) >= 0)
        return;
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    fprintf(stderr, "%02d:%02d:%02d.%03ld xvsd %s|%s: %s\n", tm.tm_hour, tm.tm_min,
            tm.tm_sec, ts.tv_nsec / 1000000, module_names[m], level_names[l], msg);
}

int
xlog_module_from_name(const char *name, enum xlog_module *m)
{
    for (int i = 0; i < XLOG_N_MODULES; i++) {
        if (!strcmp(name, module_names[i])) {
            *m = (enum xlog_module) i;
            return 0;
        }
    }
    return -EINVAL;
}

int
xlog_level_from_name(const char *name, enum xlog_level *l)
{
    for (int i = 0; i < XLOG_N_LEVELS; i++) {
        if (!strcmp(name, level_names[i])) {
            *l = (enum xlog_level) i;
            return 0;
        }
    }
    if (!strcmp(name, "error")) { *l = XLOG_ERR; return 0; }
    if (!strcmp(name, "warning")) { *l = XLOG_WARN; return 0; }
    if (!strcmp(name, "dbg")) { *l = XLOG_DBG; return 0; }
    return -EINVAL;
}

const char *
xlog_module_name(enum xlog_module m)
{
    return (unsigned) m < XLOG_N_MODULES ? module_names[m] : "?";
}

const char *
xlog_level_name(enum xlog_level l)
{
    return (unsigned) l < XLOG_N_LEVELS ? level_names[l] : "?";
}

void
xlog_set_level(enum xlog_module m, enum xlog_level l)
{
    if ((unsigned) m < XLOG_N_MODULES && (unsigned) l < XLOG_N_LEVELS)
        levels[m] = l;
}

enum xlog_level
xlog_get_level(enum xlog_module m)
{
    return (unsigned) m < XLOG_N_MODULES ? levels[m] : XLOG_ERR;
}

bool
xlog_ratelimit(struct xlog_ratelimit *rl)
{
    uint64_t now = evloop_now_ms();

    if (rl->last_ms) {
        rl->tokens += (double) (now - rl->last_ms) * rl->per_sec / 1000.0;
        if (rl->tokens > rl->burst)
            rl->tokens = rl->burst;
    }
    rl->last_ms = now;
    if (rl->tokens >= 1.0) {
        rl->tokens -= 1.0;
        return true;
    }
    rl->suppressed++;
    return false;
}
