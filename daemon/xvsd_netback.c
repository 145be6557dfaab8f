/* xvsd_netback: the netback module of xvsd (see xvsd_netback.h). */
#include "daemon/xvsd_netback.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf.h"
#include "daemon/ctl_vif.h"
#include "daemon/modules.h"
#include "lib/log.h"
#include "netback/netback.h"
#include "netback/vif.h"
#include "netback/xenif.h"
#include "switch/bridge.h"
#include "switch/port.h"

#define XEN_GNTDEV "/dev/xen/gntdev"
#define XEN_EVTCHN "/dev/xen/evtchn"

static struct xenif *xif;
static struct netback *nb;
static char kind[CONF_SIM_DIR_MAX + 8] = "none";
static char off_reason[128] = "not started";
static bool commands_registered;

struct netback *xvsd_netback(void) { return nb; }
const char *xvsd_netback_kind(void) { return kind; }
const char *xvsd_netback_off_reason(void) { return nb ? "" : off_reason; }

struct port *xvsd_port_find(const char *name, struct bridge **brp)
{
    struct bridge *br;
    struct port *p;

    for (unsigned i = 0; (br = bridge_at(i)); i++)
        if ((p = bridge_find_port(br, name))) {
            if (brp)
                *brp = br;
            return p;
        }
    return NULL;
}

/* xenif spec to open, or NULL for none (reason in off_reason). */
static const char *choose(const struct conf_xen *x, char *spec, size_t n)
{
    switch (x->xenif) {
    case CONF_XENIF_NONE:
        snprintf(off_reason, sizeof off_reason, "xenif = none");
        return NULL;
    case CONF_XENIF_AUTO:
        if (access(XEN_GNTDEV, F_OK) || access(XEN_EVTCHN, F_OK)) {
            snprintf(off_reason, sizeof off_reason, "xenif = auto and no %s: not "
                     "running on Xen", access(XEN_GNTDEV, F_OK) ? XEN_GNTDEV : XEN_EVTCHN);
            return NULL;
        }
        xlog(XLOG_MOD_NETBACK, XLOG_INFO, "xenif = auto: %s and %s exist, using xen",
             XEN_GNTDEV, XEN_EVTCHN);
        snprintf(spec, n, "xen");
        return spec;
    case CONF_XENIF_XEN:
        snprintf(spec, n, "xen");
        return spec;
    case CONF_XENIF_SIM:
        snprintf(spec, n, "sim:%s", x->sim_dir);
        return spec;
    }
    return NULL;
}

int xvsd_netback_start(struct evloop *loop, char *err, size_t errlen)
{
    const struct conf *c = modules_conf();
    struct conf_xen def;
    const struct conf_xen *x = c ? &c->xen : &def;
    struct netback_config cfg;
    char spec[sizeof kind], why[256];

    if (!c)
        conf_xen_default(&def);
    if (!commands_registered) {
        int e = ctl_vif_register();
        if (e) {
            snprintf(err, errlen, "cannot register the vif commands: %s", strerror(-e));
            return e;
        }
        commands_registered = true;
    }
    if (!choose(x, spec, sizeof spec)) {
        snprintf(kind, sizeof kind, "none");
        xlog(XLOG_MOD_NETBACK, XLOG_INFO, "no guest backend (%s): bridges only",
             off_reason);
        return 0;
    }
    xif = xenif_open(spec, why, sizeof why);
    if (!xif) {
        snprintf(err, errlen, "xenif = %s: %s", spec, why);
        return -ENODEV;
    }
    netback_config_default(&cfg);
    cfg.tx_budget = x->tx_budget;
    cfg.rxq_max_bytes = x->rxq_bytes;
    cfg.rx_stall_ms = x->rx_stall_s * 1000;
    cfg.rx_drain_ms = x->rx_drain_s * 1000;
    cfg.bounce = x->bounce;
    nb = netback_create(loop, xif, &cfg, why, sizeof why);
    if (!nb) {
        snprintf(err, errlen, "%s", why);
        xenif_close(xif);
        xif = NULL;
        return -ENOMEM;
    }
    snprintf(kind, sizeof kind, "%s", spec);
    xlog(XLOG_MOD_NETBACK, XLOG_INFO, "guest backend on %s (rx-queue-bytes %u, "
         "tx-budget %u, rx-stall-timeout %u s, rx-drain-timeout %u s%s)", spec,
         cfg.rxq_max_bytes, cfg.tx_budget, x->rx_stall_s, x->rx_drain_s,
         cfg.bounce ? ", bounce: every frame copied through dom0" : "");
    return 0;
}

void xvsd_netback_stop(void)
{
    struct bridge *br;
    struct port *p;
    unsigned n = 0;

    if (!nb)
        return;
    for (unsigned i = 0; (br = bridge_at(i)); i++) {
        /* bridge_del_port() changes the order: restart the scan. */
        for (unsigned j = 0; (p = bridge_port_at(br, j)); ) {
            if (vif_from_port(p)) {
                bridge_del_port(br, p);
                n++;
                j = 0;
            } else {
                j++;
            }
        }
    }
    ctl_vif_forget_all();
    netback_destroy(nb);
    nb = NULL;
    xenif_close(xif);
    xif = NULL;
    snprintf(off_reason, sizeof off_reason, "stopped");
    xlog(XLOG_MOD_NETBACK, XLOG_INFO, "guest backend stopped (%u vif%s released)", n,
         n == 1 ? "" : "s");
}
