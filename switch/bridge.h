/* bridge: a learning switch made of ports and an FDB.
 *
 * bridge_input() takes a burst (<= XVS_BURST_MAX) of frames received on one
 * port and, for each: classifies its VLAN (port VLAN mode), applies the input
 * policy (source MAC / IP anti-spoofing, multicast source), learns the
 * source, looks up the destination and stages the frame on the output port,
 * or on every other port of the VLAN for broadcast, multicast and unknown
 * unicast (never back out of the input port).  Promiscuous ports also get
 * every frame of their VLANs.  Then each output port gets one output() call
 * with its whole share of the burst.  All frames are done with on return.
 *
 * A bridge also has "VLAN bridges" in the Open vSwitch sense of fake
 * bridges: the name "xenbr0.10" designates VLAN 10 of bridge "xenbr0"
 * (bridge_lookup_vlan()). */
#ifndef XVS_BRIDGE_H
#define XVS_BRIDGE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "switch/fdb.h"
#include "switch/frame.h"
#include "switch/port.h"

#define BRIDGE_PORTS_MAX 1024
#define BRIDGE_NAME_MAX 16   /* IFNAMSIZ: the host port is a netdev of that name */

struct bridge;

struct bridge_config {
    uint32_t ageing_s;           /* FDB_DEFAULT_AGEING_S */
    uint32_t fdb_max;            /* FDB_DEFAULT_MAX */
};

struct bridge *bridge_create(const char *name, const struct bridge_config *,
                             fdb_clock_fn *clock, void *clock_ctx);
/* Detaches and destroys every port, then frees the bridge. */
void bridge_destroy(struct bridge *);

const char *bridge_name(const struct bridge *);
struct fdb *bridge_fdb(struct bridge *);

/* Returns 0, -EEXIST (name taken), -ENOSPC (BRIDGE_PORTS_MAX). */
int bridge_add_port(struct bridge *, struct port *);
/* Flushes the port's FDB entries, then ops->destroy(). */
void bridge_del_port(struct bridge *, struct port *);
/* Takes the port out of the bridge like bridge_del_port() (FDB entries
 * flushed, ofport released, port->bridge NULL) but does not destroy it:
 * for ports whose owner outlives their membership (a xenstore vif moved
 * to another bridge, or taken down until a bad key is fixed), which may
 * then bridge_add_port() it again.  Returns false if it was not a port of
 * this bridge. */
bool bridge_remove_port(struct bridge *, struct port *);
struct port *bridge_find_port(struct bridge *, const char *name);
/* Iterate: for (i = 0; (p = bridge_port_at(b, i)); i++) -- order stable
 * between modifications. */
struct port *bridge_port_at(struct bridge *, unsigned idx);
unsigned bridge_n_ports(const struct bridge *);

void bridge_input(struct bridge *, struct port *in, struct frame **frames, unsigned n);

/* Where bridge_input() would send frame f from `in` if it ran now, without
 * switching or counting anything: the one known output port, or NULL (a
 * group or unknown destination, a hairpin, a frame the VLAN rules refuse,
 * or promiscuous ports that want copies too).  A hint for an input port
 * that chooses how to bring a frame in before switching it (vif TX); the
 * FDB may change before bridge_input().  f needs its first 14 bytes. */
struct port *bridge_peek_output(struct bridge *, struct port *in, const struct frame *f);

/* Call after changing a port's `promiscuous` flag so that the next burst
 * sees it; without the call the change is picked up within a millisecond
 * (the bridge keeps a list of promiscuous ports to spare every burst a
 * scan of all ports).  Other port fields are read live. */
void bridge_port_changed(struct bridge *, struct port *);

/* Periodic work (ageing); call once a second. */
void bridge_run(struct bridge *);

/* Global registry of bridges by name (the daemon's set). */
int bridge_register(struct bridge *);     /* -EEXIST */
void bridge_unregister(struct bridge *);
struct bridge *bridge_lookup(const char *name);
struct bridge *bridge_at(unsigned idx);   /* iterate like bridge_port_at */
/* "xenbr0" -> (xenbr0, 0); "xenbr0.10" -> (xenbr0, 10) if xenbr0 exists
 * and 10 is in 1..4094; NULL otherwise. */
struct bridge *bridge_lookup_vlan(const char *name, uint16_t *vlan);

#endif
