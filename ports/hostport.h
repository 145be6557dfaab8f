/* hostport: the bridge's own network interface on the host, a TAP device
 * named like the bridge (e.g. "xenbr0"), so the host talks to the bridge
 * the way it talks to a Linux bridge: `ip addr add ... dev xenbr0`, DHCP,
 * routes.
 *
 * Persistence (with a state directory, ports/hpstate.h): the TAP is made
 * persistent and recorded in STATE_DIR/hostport-NAME, so a crash of xvsd
 * (kill -9) leaves the device with dom0's addresses, routes, MAC and MTU;
 * the next start adopts it (TUNSETIFF on it again) instead of refusing a
 * device of that name, and changes only what differs from the config.  A
 * device of that name that is no TAP, or not the recorded one, is
 * refused.  A clean removal (bridge deleted, host-port turned off, stop)
 * turns persistence off, so the device goes away with the fd, and
 * removes the record.  Without a state directory the TAP lives only while
 * xvsd holds its fd (a crash deletes it).  It is opened with
 * IFF_VNET_HDR and offloads (checksum, TSO4/6) enabled, so the host stack
 * hands over checksum-partial and GSO frames unmodified and takes them
 * back the same way (frame FRAME_F_CSUM_PARTIAL / FRAME_F_GSO <->
 * virtio_net_hdr); every output port must therefore accept FRAME_F_GSO
 * frames (uplinks do, through the kernel).  Reads are non-blocking, in
 * bursts of at most XVS_BURST_MAX frames per loop turn.  link_up follows
 * the device's administrative state (`ip link set xenbr0 down` drops
 * output, DROP_LINK_DOWN).
 *
 * MAC address: with takeover, the uplink's (as a Linux bridge inherits
 * its first port's), so the LAN keeps seeing the host at the same MAC and
 * a DHCP server hands out the same lease; otherwise a stable locally
 * administered address derived from the name (hostport_default_mac()).
 *
 * Address takeover (options.takeover_from): after the TAP is up, every
 * IPv4 and global IPv6 address of the uplink and the routes through it
 * (default route included) move to the TAP, and the uplink's own IP stack
 * is cut off from received traffic (see ports/ifaddr.h); on destroy
 * everything moves back before the TAP goes away.  On an adopted TAP the
 * takeover is still in force and nothing moves twice; if the previous run
 * took over from another uplink (or the config no longer takes over),
 * that uplink gets its addresses back first. */
#ifndef XVS_PORTS_HOSTPORT_H
#define XVS_PORTS_HOSTPORT_H 1

#include <stddef.h>
#include <stdint.h>

#include "switch/port.h"

struct evloop;

#define HOSTPORT_MTU_DEFAULT 1500u
#define HOSTPORT_MTU_MIN 68u
#define HOSTPORT_MTU_MAX 65521u   /* TAP limit: 65535 - ETH_HLEN */

struct hostport_options {
    const char *takeover_from;    /* uplink ifname, or NULL */
    unsigned mtu;                 /* 0: the uplink's with takeover, else 1500 */
    /* Optional: directory for the host port record (persistent TAP,
     * ports/hpstate.h) and the takeover record (ports/ifaddr.h), e.g.
     * "/run/xvs"; NULL: neither, and the TAP dies with xvsd. */
    const char *state_dir;
};

/* Create TAP `name` (or adopt ours, left by a crashed xvsd), bring it up,
 * and (takeover) move the uplink's addresses and routes onto it.  Returns
 * 0, or a negative errno with a message in err naming the device ("host
 * port xenbr0: ...", or the address / route that could not be moved); a
 * failed adoption leaves the device and its record as they were.
 * Destroyed by ops->destroy. */
int hostport_create(struct evloop *, const char *name, const struct hostport_options *,
                    struct port **out, char *err, size_t errlen);

/* 02:xx:xx:xx:xx:xx from a hash of the name: locally administered,
 * unicast, the same on every start. */
void hostport_default_mac(const char *name, uint8_t mac[6]);

#endif
