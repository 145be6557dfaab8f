/* hpstate: the record that makes a host port's TAP survive an xvsd crash.
 *
 * While xvsd runs, a host port's TAP is persistent (TUNSETPERSIST) and
 * STATE_DIR/hostport-NAME says it is xvsd's own:
 *     ifindex N            the device's ifindex when it was made
 *     takeover UPLINK      only with address takeover (ports/ifaddr.h)
 * A crashed xvsd leaves the TAP and its addresses and routes in place; the
 * next start adopts the device only if it is a TAP with the recorded
 * ifindex (a device of that name made by someone else since has another
 * one), otherwise it is foreign and left alone.  A clean removal turns
 * persistence off (the device goes away with the fd) and unlinks the
 * record.  No state directory: no persistence, no record.
 *
 * Parsing, formatting and the adopt-or-not decision are pure (unit
 * tested); the rest reads /sys and the state directory. */
#ifndef XVS_PORTS_HPSTATE_H
#define XVS_PORTS_HPSTATE_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#define HPSTATE_PREFIX "hostport-"
#define HPSTATE_TEXT_MAX 128        /* a record is two short lines */

struct hpstate_rec {
    int ifindex;                    /* > 0 */
    char takeover[IF_NAMESIZE];     /* uplink whose addresses moved, or "" */
};

/* What hostport_create() does with NAME. */
enum hpstate_verdict {
    HPSTATE_CREATE,                 /* no such device: make a new TAP */
    HPSTATE_ADOPT,                  /* our TAP from a previous run */
    HPSTATE_FOREIGN,                /* someone else's device: refuse */
};

/* dev_ifindex: 0 if there is no device; is_tap: it is a TAP (tun_flags);
 * rec: our record, or NULL. */
enum hpstate_verdict hpstate_decide(int dev_ifindex, bool is_tap,
                                    const struct hpstate_rec *rec);

/* Text of a record; 0, or -EINVAL for anything but the two keys above,
 * each at most once, with an ifindex > 0 and a valid interface name. */
int hpstate_parse(const char *text, struct hpstate_rec *);
int hpstate_format(const struct hpstate_rec *, char *buf, size_t size);

/* /sys/class/net/NAME/tun_flags ("0x1002") says IFF_TAP. */
bool hpstate_flags_are_tap(const char *text);
bool hpstate_dev_is_tap(const char *name);

/* STATE_DIR/hostport-NAME.  load: 0, -ENOENT, or -EINVAL (unreadable or
 * malformed: logged).  save: written to a temporary file renamed into
 * place.  remove: a missing record is no error. */
int hpstate_load(const char *dir, const char *name, struct hpstate_rec *);
int hpstate_save(const char *dir, const char *name, const struct hpstate_rec *);
void hpstate_remove(const char *dir, const char *name);

/* Leftovers after a crash: for every record in dir whose NAME keep()
 * rejects, give the takeover back, delete the device if it is still our
 * TAP, and remove the record; each logged.  Returns how many. */
int hpstate_remove_leftovers(const char *dir, bool (*keep)(const char *name, void *),
                             void *arg);

#endif
