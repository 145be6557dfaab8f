/* modules: the table of xvsd's modules (see modules.h). */
#include "daemon/modules.h"

#include <stdio.h>
#include <limits.h>

#include "daemon/xvsd_netback.h"
#include "daemon/xvsd_xenbus.h"
#include "lib/log.h"

/* In start order.  xenstore goes after netback: it makes its vifs with
 * xvsd_netback(), and stops (freeing them) before the netback does. */
static const struct xvsd_module modules[] = {
    { "netback", xvsd_netback_start, xvsd_netback_stop },
    { "xenstore", xvsd_xenbus_start, xvsd_xenbus_stop },
    { NULL, NULL, NULL },
};

static size_t n_started;
static const struct conf *the_conf;

void modules_set_conf(const struct conf *c) { the_conf = c; }
const struct conf *modules_conf(void) { return the_conf; }

static char the_state_dir[PATH_MAX];

void modules_set_state_dir(const char *dir)
{
    snprintf(the_state_dir, sizeof the_state_dir, "%s", dir);
}
const char *modules_state_dir(void) { return the_state_dir; }

int modules_start(struct evloop *loop, char *err, size_t errlen)
{
    for (const struct xvsd_module *m = modules; m->name; m++) {
        char why[256] = "";
        int e = m->start(loop, why, sizeof why);
        if (e) {
            snprintf(err, errlen, "%s: %s", m->name, why[0] ? why : "cannot start");
            return e;
        }
        xlog(XLOG_MOD_MAIN, XLOG_DBG, "module %s started", m->name);
        n_started++;
    }
    return 0;
}

void modules_stop(void)
{
    while (n_started > 0) {
        const struct xvsd_module *m = &modules[--n_started];
        if (m->stop)
            m->stop();
    }
}
