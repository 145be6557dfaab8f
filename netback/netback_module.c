/* netback_module: netback as an xvsd module (daemon/modules.h).
 *
 * start: open the xenif named by $XVS_XENIF ("xen", the default; "sim" or
 * "sim:DIR" for tests) and create the process's netback.  On a host
 * without Xen (no /dev/xen/gntdev) it logs that and stays idle: xvsd still
 * runs as a switch.  stop: destroy it; the xenstore module, started after
 * and therefore stopped before, has removed every vif by then. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "netback/netback.h"
#include "netback/xenif.h"

static struct xenif *module_xif;
static struct netback *module_nb;

struct netback *netback_instance(void) { return module_nb; }

int netback_module_start(struct evloop *loop, char *err, size_t errlen)
{
    const char *kind = getenv("XVS_XENIF");
    char why[256];

    if (!kind || !*kind)
        kind = "xen";
    if (!strcmp(kind, "xen") && access("/dev/xen/gntdev", R_OK | W_OK)) {
        xlog(XLOG_MOD_NETBACK, XLOG_INFO, "netback: no Xen on this host "
             "(/dev/xen/gntdev: %s): guests cannot attach", strerror(errno));
        return 0;
    }
    module_xif = xenif_open(kind, why, sizeof why);
    if (!module_xif) {
        snprintf(err, errlen, "%s", why);
        return -ENODEV;
    }
    module_nb = netback_create(loop, module_xif, NULL, why, sizeof why);
    if (!module_nb) {
        snprintf(err, errlen, "%s", why);
        xenif_close(module_xif);
        module_xif = NULL;
        return -ENOMEM;
    }
    xlog(XLOG_MOD_NETBACK, XLOG_INFO, "netback: ready (%s hypervisor interface)",
         module_xif->ops->kind);
    return 0;
}

void netback_module_stop(void)
{
    netback_destroy(module_nb);
    xenif_close(module_xif);
    module_nb = NULL;
    module_xif = NULL;
}
