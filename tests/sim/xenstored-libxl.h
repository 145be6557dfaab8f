/* xenstored-libxl: what libxl (xl create / network-attach / network-detach
 * / destroy) does in xenstore for a vif, reproduced for tests against the
 * fake xenstored.  Sources: libxl_device.c, libxl_nic.c (Xen 4.17) and the
 * traces in shared/xenlab/NOTES.md.
 *
 *   xl_domain_create   introduce the domain, /local/domain/D owned by D
 *   xl_nic_add         one transaction: rm+mkdir+perms of FE and BE dirs,
 *                      FE keys (n D, r0) + ro mtu (n0, rD), BE keys (n0, rD)
 *                      in libxl's order, /libxl/D/device/vif/N copy
 *   xl_wait_state      libxl's xswait: a watch on BE state, 10 s
 *   xl_nic_hotplug     the script step (`online` / `offline`), through a
 *                      callback: in-process in C tests, exec in xl-sim
 *   xl_nic_remove_*    online=0 + state=5 (one transaction), wait for 6,
 *                      force mode (FE dir first) on timeout, `offline`,
 *                      then FE, BE and libxl dirs removed (empty parents too)
 *   xl_domain_destroy  release the domain and remove its home */
#ifndef XVS_XENSTORED_LIBXL_H
#define XVS_XENSTORED_LIBXL_H 1

#include <stdbool.h>
#include <xenstore.h>

#define XL_INIT_TIMEOUT_MS 10000      /* LIBXL_INIT_TIMEOUT */
#define XL_DESTROY_TIMEOUT_MS 10000   /* LIBXL_DESTROY_TIMEOUT */
#define XL_HOTPLUG_TIMEOUT_MS 40000   /* LIBXL_HOTPLUG_TIMEOUT */

struct xl_nic {
    const char *mac;                  /* required */
    const char *bridge;               /* default "xenbr0" */
    const char *script;               /* default "/etc/xen/scripts/vif-xvs" */
    const char *type;                 /* default "vif" */
    const char *vifname, *ip, *rate, *vlan, *mtu;   /* optional (BE) */
    const char *extra[8][2];          /* more BE keys, e.g. { "promiscuous", "on" } */
};

/* Runs the hotplug script for `action` ("online"/"offline") on
 * `be_path` ("backend/vif/D/N"); returns its exit status. */
typedef int xl_hotplug_fn(void *arg, const char *action, const char *be_path);

/* libxl__hotplug_nic: runs `script action type_if=vif` for the device at
 * `be_path` (vif<domid>.<devid>) with libxl's environment (script,
 * XENBUS_TYPE, XENBUS_PATH, XENBUS_BASE_PATH, netdev, vif on top of ours),
 * killed after XL_HOTPLUG_TIMEOUT_MS.  With `ioemu` (nictype vif_ioemu)
 * the actions add / remove are the emulated NIC's: `type_if=tap` and
 * INTERFACE=vif<domid>.<devid>-emu, as libxl runs them.  The environment
 * is built before fork, so callers may have threads.  Returns the script's
 * exit status (1 if it was killed or could not run, 127 if it could not be
 * executed). */
int xl_run_script(const char *script, unsigned domid, unsigned devid, bool ioemu,
                  const char *action, const char *be_path);

int xl_domain_create(struct xs_handle *, unsigned domid);
int xl_domain_destroy(struct xs_handle *, unsigned domid);

/* 0 or -errno. */
int xl_nic_add(struct xs_handle *, unsigned domid, unsigned devid, const struct xl_nic *);

/* Wait until `path` reads `want` (decimal state), watching it.
 * Returns 0 or -ETIMEDOUT. */
int xl_wait_state(struct xs_handle *, const char *path, unsigned want, int timeout_ms);

/* Script step as libxl does it after InitWait; on failure reads
 * hotplug-error into err.  Returns the script's status. */
int xl_nic_hotplug(struct xs_handle *, unsigned domid, unsigned devid, const char *action,
                   xl_hotplug_fn *, void *arg, char *err, size_t errlen);

/* Removal, split so a test can play the frontend in between. */
int xl_nic_remove_begin(struct xs_handle *, unsigned domid, unsigned devid, bool force);
/* Wait for BE 6; on timeout, force: remove the FE dir, wait again.
 * Returns 0 if 6 was reached (the script then runs `offline`). */
int xl_nic_remove_wait(struct xs_handle *, unsigned domid, unsigned devid, int timeout_ms);
int xl_nic_remove_finish(struct xs_handle *, unsigned domid, unsigned devid);

#endif
