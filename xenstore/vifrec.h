/* vifrec: a record, in xvsd's state directory, of each vif whose rings
 * xvsd serves: what it read from xenstore to get there (the backend's
 * configuration keys, the frontend's path, rings, event channels and
 * features).  A restarted xvsd takes the rings back from these records
 * before it asks xenstored anything.
 *
 * Why: after kill -9 the guests wait, and every round trip through
 * xenstored is part of that wait (about 25 per vif, 4-6 ms each in a PV
 * dom0 under TCG, a third of the pause).  A record is only a head start:
 * the adoption from xenstore runs right after the rings are served, and a
 * vif whose record differs from xenstore in anything (a key changed while
 * xvsd was down, a guest that reconnected, a device that is gone) is
 * undone and taken back from xenstore (xenbus.c).  Nothing in a record
 * widens what a guest can reach: its grant references and event channels
 * are that guest's own, like the frontend keys they were read from.
 *
 * File: DIR/vif-D-N, text, written to a temporary name and renamed (never
 * seen half-written):
 *
 *     xvs-vifrec 1
 *     frontend /local/domain/5/device/vif/0
 *     rings 520 521 17 17 0 0x7f
 *     key mac 00:16:3e:00:00:05
 *     key bridge xenbr0
 *     ...
 *
 * "rings TX RX EVTCHN-TX EVTCHN-RX SPLIT FLAGS" (FLAGS: VIFREC_F_* bits).
 * Parsing is strict: a file that does not parse whole is refused with the
 * line and the reason, and the caller removes it. */
#ifndef XVS_VIFREC_H
#define XVS_VIFREC_H 1

#include <stdbool.h>
#include <stddef.h>

#include "xenstore/keys.h"
#include "xenstore/xenbus.h"

#define VIFREC_PATH_MAX 256         /* frontend path (XB_PATH_MAX) */
#define VIFREC_VALUE_MAX 1024       /* a key's value; longer: not recorded */
#define VIFREC_FILE_MAX 16384       /* bytes read from one record */
#define VIFREC_MAX XENBUS_VIFS_MAX   /* records taken at start */

struct vifrec {
    unsigned domid, devid;
    char fe_path[VIFREC_PATH_MAX];
    char *raw[KEY_N];               /* malloc'd value, NULL: absent */
    struct xenbus_rings rings;      /* `resume` not recorded (false) */
};

/* Writes `r` as DIR/vif-D-N.  0 or -errno (-EINVAL: a value that cannot
 * be recorded, e.g. a newline in it). */
int vifrec_write(const char *dir, const struct vifrec *r);
/* Parses DIR/NAME into `r` (vifrec_free() it after success).  0, or
 * -errno with `err` saying why ("line 3: rings: ..."). */
int vifrec_read(const char *dir, const char *name, struct vifrec *r,
                char *err, size_t errlen);
int vifrec_remove(const char *dir, unsigned domid, unsigned devid);
void vifrec_free(struct vifrec *);

/* Names of the records in DIR (files "vif-D-N"), at most VIFREC_MAX;
 * free(*names) once.  0 (none if DIR does not exist) or -errno. */
int vifrec_list(const char *dir, char ***names, unsigned *n);

/* Same rings, event channels and features (`resume` ignored). */
bool vifrec_rings_equal(const struct xenbus_rings *, const struct xenbus_rings *);

#endif
