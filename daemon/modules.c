/* modules: the table of xvsd's modules (see modules.h). */
#include "daemon/modules.h"

#include <stdio.h>

#include "lib/log.h"

/* netback and xenstore: add { "name", start, stop } here, in start order. */
static const struct xvsd_module modules[] = {
    { NULL, NULL, NULL },
};

static size_t n_started;

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
