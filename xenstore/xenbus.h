/* xenbus: the backend side of the vif xenbus protocol, for every domain.
 *
 * One `struct xenbus` watches backend/vif (relative to our own domain
 * path, so a driver domain works too) and keeps one `xenbus_vif` per
 * device directory backend/vif/<domid>/<devid> that libxl writes.  For each
 * it runs the handshake Linux netback runs (states in xenbus_state.h):
 *
 *   libxl writes BE+FE dirs, BE state=1 (one transaction)
 *     -> we parse the keys, ops->create(), write feature-* and state=2
 *   libxl runs vif-xvs online -> xvsctl vif-online -> xenbus_vif_online()
 *     -> ops->attach() (port onto its bridge), hotplug-status=connected,
 *        or hotplug-error + hotplug-status=error naming the key/bridge
 *   netfront writes its ring refs and event channels, FE state=4
 *     -> ops->connect(), then BE state=4 once hotplug-status=connected
 *   detach / destroy / reboot: FE 5/6, online=0, FE dir removed, domain
 *     released -> ops->disconnect(), BE 5 then 6; BE dir removed ->
 *     ops->detach() if still attached, ops->destroy()
 *
 * Keys the administrator may change while the vif runs (mac, bridge,
 * vlan, rate, mtu, ip, vifname, promiscuous, forged-transmits,
 * mac-changes) reach ops->update() with a mask of what changed.  A bad
 * value writes hotplug-error naming key and reason and takes only that
 * vif off its bridge (ops->detach) until the value is fixed.
 *
 * xvsd started while guests run: xenbus_create() adopts every existing
 * device; a connected one is reconnected with rings.resume set and keeps
 * its published state, so the guest sees no disconnect.  xenbus_destroy()
 * (daemon exit) frees local state only and writes nothing, for the same
 * reason.  With a record directory (vifrec.h), each connected vif also
 * has a record there, and a restarted xvsd first takes the recorded vifs'
 * rings back without asking xenstored anything, then adopts from
 * xenstore as above (one domain per loop turn), keeping what the records
 * got right and redoing the rest.
 *
 * Everything runs on the daemon's event loop; the ops may not call back
 * into xenbus. */
#ifndef XVS_XENBUS_H
#define XVS_XENBUS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenstore/keys.h"

struct evloop;
struct store;
struct xenbus;

#define XENBUS_VIFS_MAX 4096        /* devices one daemon serves */
/* After a start from vif records: the first check against xenstore this
 * long after the start (the guests drain what queued while xvsd was
 * down), then one domain per step with this pause between steps (a step
 * is ~25 round trips per vif through xenstored, 100-150 ms in a PV dom0
 * under TCG, during which no ring is served). */
#define XENBUS_SETTLE_DELAY_MS 200
#define XENBUS_SETTLE_GAP_MS 50
#define XENBUS_ERR_MAX  256

/* Identity of a device, fixed for its life. */
struct xenbus_vif_id {
    unsigned domid;                 /* frontend domain */
    unsigned devid;                 /* device index N (handle) */
    const char *be_path;            /* "backend/vif/D/N" (relative) */
    const char *fe_path;            /* "/local/domain/D/device/vif/N" */
    const char *name;               /* port name: vifname, else "vif<D>.<N>" */
};

/* What the frontend published before it went Connected. */
struct xenbus_rings {
    uint32_t tx_ring_ref, rx_ring_ref;
    uint32_t evtchn_tx, evtchn_rx;  /* equal unless split */
    bool split_evtchn;
    bool rx_copy;                   /* request-rx-copy (required) */
    bool rx_notify;                 /* feature-rx-notify */
    bool sg, gso_tcpv4, gso_tcpv6, ipv6_csum_offload;
    bool no_csum_offload;           /* feature-no-csum-offload */
    bool multicast_control;         /* request-multicast-control */
    bool resume;                    /* adopted after a restart: keep ring indices */
};

/* Implemented by the integrator (netback vif + switch port).  Functions
 * returning int give 0 or a negative errno with a message in `err`
 * ("bridge xenbr9: no such bridge"); the message reaches hotplug-error. */
struct xenbus_ops {
    /* New device with valid keys: make its port, not on a bridge yet.
     * Returns the integrator's handle, or NULL with a message. */
    void *(*create)(void *ctx, const struct xenbus_vif_id *, const struct keys_vif *,
                    char *err, size_t errlen);
    /* Put the port on its bridge with its VLANs and policy. */
    int (*attach)(void *ctx, void *vif, const struct keys_vif *, char *err, size_t errlen);
    void (*detach)(void *ctx, void *vif);
    /* Map the rings, bind the event channels, start moving packets. */
    int (*connect)(void *ctx, void *vif, const struct xenbus_rings *,
                   char *err, size_t errlen);
    /* Stop, unmap and unbind; the port stays (reconnect keeps it). */
    void (*disconnect)(void *ctx, void *vif);
    /* Live change; `changed` has bit (1 << KEY_x) per changed key.  Called
     * whether or not the vif is attached. */
    int (*update)(void *ctx, void *vif, const struct keys_vif *, uint32_t changed,
                  char *err, size_t errlen);
    /* Free the port (detach and disconnect were called before). */
    void (*destroy)(void *ctx, void *vif);
    /* Optional (NULL: refused): type=vif_ioemu's emulated NIC, the QEMU
     * tap netdev `ifname`, onto the vif's bridge / off it. */
    int (*tap_attach)(void *ctx, void *vif, const char *ifname, const struct keys_vif *,
                      char *err, size_t errlen);
    void (*tap_detach)(void *ctx, void *vif, const char *ifname);
    /* The backend's feature keys, written before InitWait: exactly what
     * the integrator's netback implements (xvsd: vif_backend_features).
     * The i-th (0..) key and value; false past the end.  NULL: none.  At
     * most XENBUS_FEATURES_MAX are written. */
    bool (*feature_at)(void *ctx, unsigned i, const char **key, const char **value);
};

#define XENBUS_FEATURES_MAX 32

/* Watches backend/vif and @releaseDomain on `loop`, adopts existing
 * devices.  `record_dir`: where vif records are kept and read at start
 * (NULL: none).  NULL + errno if the watches cannot be set. */
struct xenbus *xenbus_create(struct store *, struct evloop *, const struct xenbus_ops *,
                             void *ctx, const char *record_dir);
void xenbus_destroy(struct xenbus *);

/* vif-xvs online/offline for the device at `be_path` ("backend/vif/D/N",
 * the script's XENBUS_PATH); `tap_ifname` non-NULL for type_if=tap.
 * online: 0, or -errno with the message also written to hotplug-error. */
int xenbus_vif_online(struct xenbus *, const char *be_path, const char *tap_ifname,
                      char *err, size_t errlen);
int xenbus_vif_offline(struct xenbus *, const char *be_path, const char *tap_ifname,
                       char *err, size_t errlen);

/* Introspection for `xvsctl vif-list` (and tests). */
struct xenbus_vif_info {
    unsigned domid, devid;
    char name[KEYS_NAME_MAX + 1];
    char bridge[KEYS_NAME_MAX + 1];
    unsigned be_state, fe_state;    /* published / last read */
    bool online, attached, connected, hotplug_connected;
    char error[XENBUS_ERR_MAX];     /* "" if none */
};
/* i-th device (0..), false past the end; order stable between changes. */
bool xenbus_vif_at(const struct xenbus *, unsigned i, struct xenbus_vif_info *);
unsigned xenbus_n_vifs(const struct xenbus *);

#endif
