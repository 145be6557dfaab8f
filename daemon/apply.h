/* apply: makes the running bridges what the configuration file says.
 *
 * At start (old == NULL) every bridge and port of the file is created.  On
 * reload, the file is the wanted state of what it describes:
 *   - bridges and extra ports that came from the file and are no longer in
 *     it are removed (a bridge that still has vifs is kept, with an error);
 *   - bridges and ports of the file that do not exist are created (also
 *     ones that failed before, e.g. an uplink that did not exist yet, or
 *     that were removed with xvsctl);
 *   - objects made with xvsctl that the file now names are adopted (their
 *     origin becomes "config");
 *   - uplink / host-port / take-over-addresses / mtu of a bridge are made
 *     as in the file (recreating the uplink or host port only if needed);
 *   - ageing and fdb-max are set when the file's value changed since the
 *     last load (so `xvsctl set-ageing` survives a reload that does not
 *     touch ageing);
 *   - port VLAN / promiscuous / learning settings are set where they
 *     differ from the file;
 *   - everything else (vifs, bridges and ports made with xvsctl and not in
 *     the file) is left alone.
 * Each failure is logged; the rest still goes on. */
#ifndef XVS_APPLY_H
#define XVS_APPLY_H 1

#include "daemon/conf.h"

/* Returns the number of failures (0: everything is as the file says). */
int apply_conf(const struct conf *old, const struct conf *conf);

#endif
