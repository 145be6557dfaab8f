/* brmgr: the bridges xvsd made, and the ports it made for them.
 *
 * xvsd creates bridges (with their uplink and host port) and extra
 * uplink-type ports either from the configuration file or at run time
 * through the control socket.  brmgr does the creating and destroying and
 * remembers, for each such object, where it came from (its origin), so that
 * a reload changes what the file made and leaves what was made at run time
 * alone.  Ports made by others (netback's vifs) live on the same bridges but
 * are not recorded here; brmgr refuses to remove a bridge that still has
 * such "foreign" ports, except at shutdown.
 *
 * Invariants:
 *   - every recorded bridge is registered (bridge_lookup() finds it) and
 *     every registered bridge is recorded;
 *   - rec->spec.uplink / host_port describe the uplink and host port that
 *     really exist: a failed creation leaves them empty / false, so the
 *     next reload sees a difference and tries again;
 *   - a recorded extra port exists on its bridge until brmgr removes it.
 *
 * The real port constructors (ports/uplink, ports/hostport) are passed in
 * by xvsd (struct brmgr_factory), so unit tests can use null ports. */
#ifndef XVS_BRMGR_H
#define XVS_BRMGR_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/conf.h"

struct evloop;
struct port;

#define BRMGR_BRIDGES_MAX CONF_BRIDGES_MAX
#define BRMGR_ERR_MAX 256               /* size of error buffers */

enum brmgr_origin { BRMGR_CONFIG, BRMGR_RUNTIME };

struct brmgr_factory {
    int (*uplink_create)(struct evloop *, const char *ifname, struct port **,
                         char *err, size_t errlen);
    /* takeover_from: uplink ifname or NULL; mtu 0 = default. */
    int (*host_create)(struct evloop *, const char *name, const char *takeover_from,
                       unsigned mtu, struct port **, char *err, size_t errlen);
    /* Optional (NULL: HVM emulated NICs refused): a port on QEMU tap
     * `ifname` of vif `owner` with port MAC `mac`; gone(arg, port) once
     * when the device disappears (ports/tapport.h). */
    int (*tap_create)(struct evloop *, const char *ifname, const char *owner,
                      const uint8_t mac[6], void (*gone)(void *arg, struct port *),
                      void *arg, struct port **, char *err, size_t errlen);
};

struct brmgr_port {                     /* an extra port brmgr made */
    char name[IF_NAMESIZE];
    enum brmgr_origin origin;
};

struct brmgr_bridge {
    struct bridge *br;
    struct conf_bridge spec;            /* as it stands (see invariants) */
    enum brmgr_origin origin;
    struct brmgr_port *ports;           /* extra ports */
    size_t n_ports;
};

void brmgr_init(struct evloop *, const struct brmgr_factory *);

/* Creates bridge spec->name with its uplink and host port.  best_effort
 * (configuration file): a failing uplink or host port is logged and the
 * bridge is kept without it; otherwise (control socket) everything is
 * undone and the first error returned.  Returns 0 or negative errno with a
 * message in err ("uplink eth9: no such device"). */
int brmgr_add_bridge(const struct conf_bridge *spec, enum brmgr_origin,
                     bool best_effort, char *err, size_t errlen);
/* Removes a bridge and every port on it.  Unless `force`, fails with
 * -EBUSY if ports brmgr did not make are still attached. */
int brmgr_del_bridge(const char *name, bool force, char *err, size_t errlen);
/* Makes the uplink, host-port, take-over-addresses and mtu of a recorded
 * bridge those of spec (ageing/fdb-max are the caller's business): the host
 * port is recreated if any of them changed, the uplink if it changed.
 * Failures are logged; returns the number of them. */
int brmgr_reshape_bridge(struct brmgr_bridge *, const struct conf_bridge *spec);

/* Adds an extra uplink-type port for netdev q->name to bridge q->bridge,
 * with q's settings. */
int brmgr_add_port(const struct conf_port *q, enum brmgr_origin,
                   char *err, size_t errlen);
/* Removes an extra port, or the uplink (the bridge is then without one).
 * Host ports (-EPERM: delete the bridge) and ports brmgr did not make
 * (-EPERM) are refused. */
int brmgr_del_port(const char *bridge, const char *port, char *err, size_t errlen);

/* The factory's tap_create() on xvsd's loop (see struct brmgr_factory);
 * the port is the caller's (brmgr does not record it). */
int brmgr_make_tap(const char *ifname, const char *owner, const uint8_t mac[6],
                   void (*gone)(void *arg, struct port *), void *arg,
                   struct port **out, char *err, size_t errlen);

/* Applies VLAN mode, promiscuous and learning; flushes the port's learned
 * entries if its VLANs changed. */
void brmgr_port_settings(struct port *, const struct conf_port *);

struct brmgr_bridge *brmgr_find(const char *name);
struct brmgr_bridge *brmgr_at(size_t idx);      /* iterate; NULL at end */
struct brmgr_port *brmgr_find_port(struct brmgr_bridge *, const char *name);
/* Origin of a port of a recorded bridge: "config", "runtime", or NULL for
 * a port brmgr did not make. */
const char *brmgr_port_origin(const struct brmgr_bridge *, const struct port *);
const char *brmgr_origin_name(enum brmgr_origin);

/* Shutdown: removes every bridge, whatever is attached. */
void brmgr_destroy_all(void);

#endif
