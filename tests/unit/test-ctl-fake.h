/* Fake port makers for the daemon tests: "uplinks" and "host ports" that
 * are null ports (no netdev, no socket), recording what was asked. */
#ifndef XVS_TEST_CTL_FAKE_H
#define XVS_TEST_CTL_FAKE_H 1

#include "daemon/brmgr.h"
#include "switch/port.h"

struct fake_port {
    struct port port;
    char takeover_from[IF_NAMESIZE];    /* host ports */
    unsigned mtu;
    unsigned frames_out;
};

/* Names starting with "bad" fail: "uplink bad0: no such device". */
extern const struct brmgr_factory fake_factory;

/* A port of kind "vif" not made through brmgr (like netback's). */
struct port *fake_vif(const char *name);

/* Counters of live fake ports, and the last host port made. */
extern int fake_live;
extern char fake_last_takeover[IF_NAMESIZE];
extern unsigned fake_last_mtu;

#endif
