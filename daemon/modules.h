/* modules: the parts of xvsd that run next to the switch (netback, the
 * xenstore watcher), started and stopped by xvsd in a fixed order.
 *
 * Start runs after the control socket is up and the configured bridges
 * exist (a vif can then find its bridge), in table order; stop runs in
 * reverse order at shutdown, before the bridges are removed (so vifs leave
 * their bridges first).  A module that has nothing to do on this host (no
 * Xen) logs that and returns 0; a non-zero return stops xvsd's start.
 * A module adds control commands with ctl_register_command() from start.
 *
 * The configuration xvsd runs with is modules_conf(): read it in start (the
 * pointer changes at every reload, so do not keep it). */
#ifndef XVS_MODULES_H
#define XVS_MODULES_H 1

#include <stddef.h>

struct conf;
struct evloop;

struct xvsd_module {
    const char *name;
    int (*start)(struct evloop *, char *err, size_t errlen);
    void (*stop)(void);
};

/* xvsd sets the configuration before modules_start() and after each
 * successful reload. */
void modules_set_conf(const struct conf *);
const struct conf *modules_conf(void);

/* xvsd's state directory (records that outlive a crash: host ports,
 * takeovers, vifs), set before modules_start(); "" if unset. */
void modules_set_state_dir(const char *);
const char *modules_state_dir(void);

/* Returns 0, or the failing module's error (message in err). */
int modules_start(struct evloop *, char *err, size_t errlen);
/* Stops the modules that started, last first. */
void modules_stop(void);

#endif
