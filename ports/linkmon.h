/* linkmon: follows netdev state (up/carrier, MTU, MAC, existence) for the
 * ports that sit on a netdev.
 *
 * One rtnetlink socket (RTMGRP_LINK) on the event loop, shared by every
 * watch: it exists while at least one watch does.  A watch names a device;
 * it matches by ifindex while the device exists, and by name afterwards, so
 * a device deleted and created again under the same name is picked up.  If
 * the kernel drops notifications (ENOBUFS) every watch is re-read with
 * ioctls, so no change is missed for good.  The callback runs on the loop
 * for every notification about the device, changed or not, with the state
 * read at that moment: callers compare with what they knew.  A callback
 * must not unwatch any watch but its own. */
#ifndef XVS_PORTS_LINKMON_H
#define XVS_PORTS_LINKMON_H 1

#include <stdbool.h>
#include <stdint.h>

struct evloop;
struct linkmon_watch;

struct linkmon_state {
    bool exists;
    int ifindex;          /* valid if exists */
    bool up;              /* IFF_UP and IFF_RUNNING (carrier) */
    unsigned mtu;
    uint8_t mac[6];
};

typedef void linkmon_cb(void *arg, const struct linkmon_state *);

/* Returns 0 or a negative errno (netlink socket could not be opened). */
int linkmon_watch(struct evloop *, const char *ifname, linkmon_cb *, void *arg,
                  struct linkmon_watch **out);
void linkmon_unwatch(struct linkmon_watch *);

/* Snapshot of a device by name, read synchronously (ioctl).  Returns 0 or
 * -ENODEV; other errors as negative errno. */
int linkmon_query(const char *ifname, struct linkmon_state *);

#endif
