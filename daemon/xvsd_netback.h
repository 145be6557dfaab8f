/* xvsd_netback: the "netback" module of xvsd -- the guest backend as the
 * daemon runs it (modules.h).
 *
 * start: picks the hypervisor interface from [xen] xenif (conf.h):
 *          xen      open /dev/xen/{gntdev,evtchn}; failure stops xvsd's start
 *          sim:DIR  the simulated hypervisor of the tests
 *          none     no guest backend: xvsd is a plain switch
 *          auto     xen if both devices exist, else none (logged)
 *        then creates the struct netback with the [xen] knobs and registers
 *        the vif control commands (ctl_vif.c), whatever the kind (with none
 *        they say so).
 * stop:  removes every vif still on a bridge -- rings unmapped, channels
 *        unbound, nothing written to the guest, so a restarted xvsd can
 *        re-attach from the ring indices -- then destroys the netback and
 *        closes the xenif.
 *
 * For the xenstore module (the xenbus handshake), which starts after this
 * one and stops before it:
 *   - xvsd_netback() is the netback to pass to vif_create() / vif_attach()
 *     (netback/vif.h); NULL means there is no guest backend on this host
 *     (xenif none, or auto on a host without Xen): watch nothing and return
 *     0 from start.
 *   - a vif put on a bridge with bridge_add_port(br, vif_port(v)) belongs
 *     to the bridge: bridge_del_port() frees it.  Vifs that are on no
 *     bridge when the xenstore module stops are the xenstore module's to
 *     vif_destroy(); those still on a bridge are removed by this module's
 *     stop.
 *   - port names are unique over all bridges (xvsd_port_find()).
 *   - the netback holds no list of vifs: xvsctl vif-show lists the vifs
 *     that are on a bridge.
 */
#ifndef XVS_XVSD_NETBACK_H
#define XVS_XVSD_NETBACK_H 1

#include <stddef.h>

struct bridge;
struct evloop;
struct netback;
struct port;

int xvsd_netback_start(struct evloop *, char *err, size_t errlen);
void xvsd_netback_stop(void);

/* The running netback, or NULL (no guest backend, or not started). */
struct netback *xvsd_netback(void);
/* "xen", "sim:DIR" or "none": what start chose. */
const char *xvsd_netback_kind(void);
/* Why there is no netback ("xenif = none", "no /dev/xen/gntdev ..."), or
 * "" when there is one. */
const char *xvsd_netback_off_reason(void);

/* The port called `name` on any bridge (its bridge in *br), or NULL. */
struct port *xvsd_port_find(const char *name, struct bridge **br);

#endif
