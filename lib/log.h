/* log: leveled, per-module logging to stderr or the systemd journal.
 *
 * Every message belongs to a module (XLOG_MOD_*) whose level can be changed
 * live (`xvsctl log-level MODULE LEVEL`).  Messages a guest or a remote host
 * can trigger go through xlog_ratelimit() so they cannot flood the log. */
#ifndef XVS_LOG_H
#define XVS_LOG_H 1

#include <stdbool.h>
#include <stdint.h>

enum xlog_level { XLOG_ERR, XLOG_WARN, XLOG_INFO, XLOG_DBG, XLOG_N_LEVELS };

enum xlog_module {
    XLOG_MOD_MAIN,      /* daemon life cycle, signals, reload */
    XLOG_MOD_CONFIG,    /* config file parsing */
    XLOG_MOD_CTL,       /* control socket */
    XLOG_MOD_BRIDGE,    /* switching decisions */
    XLOG_MOD_FDB,       /* learning table */
    XLOG_MOD_UPLINK,    /* AF_PACKET ports */
    XLOG_MOD_HOSTPORT,  /* TAP host port, address takeover */
    XLOG_MOD_NETBACK,   /* guest rings */
    XLOG_MOD_XENIF,     /* grant table / event channel seam */
    XLOG_MOD_XENSTORE,  /* xenstore watches, xenbus handshake */
    XLOG_N_MODULES
};

enum xlog_target { XLOG_TO_STDERR, XLOG_TO_JOURNAL };

void xlog_init(enum xlog_target, enum xlog_level default_level);
void xlog(enum xlog_module, enum xlog_level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool xlog_enabled(enum xlog_module, enum xlog_level);

/* Parse names ("fdb", "all"; "err", "warn", "info", "debug").
 * Return 0 or -EINVAL. */
int xlog_module_from_name(const char *, enum xlog_module *);
int xlog_level_from_name(const char *, enum xlog_level *);
const char *xlog_module_name(enum xlog_module);
const char *xlog_level_name(enum xlog_level);
void xlog_set_level(enum xlog_module, enum xlog_level);
enum xlog_level xlog_get_level(enum xlog_module);

/* Token bucket for guest-triggerable messages: true if this one may be
 * logged.  At most `burst` messages, refilled at `per_sec`. */
struct xlog_ratelimit {
    uint32_t per_sec, burst;
    double tokens;
    uint64_t last_ms;
    uint64_t suppressed;
};
#define XLOG_RATELIMIT_INIT(PER_SEC, BURST) { (PER_SEC), (BURST), (BURST), 0, 0 }
bool xlog_ratelimit(struct xlog_ratelimit *);

#define XLOG_ERR_(M, ...)  xlog(M, XLOG_ERR, __VA_ARGS__)
#define XLOG_WARN_(M, ...) xlog(M, XLOG_WARN, __VA_ARGS__)
#define XLOG_INFO_(M, ...) xlog(M, XLOG_INFO, __VA_ARGS__)
#define XLOG_DBG_(M, ...) \
    do { if (xlog_enabled(M, XLOG_DBG)) xlog(M, XLOG_DBG, __VA_ARGS__); } while (0)

#endif
