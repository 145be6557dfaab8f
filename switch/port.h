/* port: one attachment point of a bridge, behind a short ops table.
 *
 * The bridge never knows what a port is (vif, AF_PACKET uplink, TAP host
 * port, a null port in benchmarks): it only calls ops->output() with a
 * burst of frames and reads the port's VLAN and policy settings.  A port's
 * driver allocates `struct port` embedded in its own structure (container_of)
 * and calls port_init(); the driver feeds received frames to bridge_input().
 *
 * VLAN model (802.1Q, as on a hardware switch):
 *   access: frames in and out are untagged and belong to `pvid`; tagged
 *           input is dropped (DROP_VLAN_INGRESS).
 *   trunk:  tagged frames of VLANs in `allowed` pass with their tag;
 *           untagged frames belong to `pvid` (the native VLAN) if pvid != 0,
 *           and leave untagged on it; otherwise untagged input is dropped.
 */
#ifndef XVS_PORT_H
#define XVS_PORT_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/log.h"
#include "switch/frame.h"

#define VLAN_ID_MIN 1
#define VLAN_ID_MAX 4094
#define VLAN_BITMAP_WORDS (4096 / 64)

enum port_vlan_mode { PORT_VLAN_ACCESS, PORT_VLAN_TRUNK };

/* RA guard and DHCP-server guard of a port (switch/antispoof.h).  AUTO
 * (the zero value): on while the port has port security -- a source MAC
 * lock or an address list -- as OpenStack port security does. */
enum port_guard { PORT_GUARD_AUTO, PORT_GUARD_ON, PORT_GUARD_OFF };

/* Why a frame was dropped; counted per port (the input port for ingress
 * reasons, the output port for egress reasons). */
enum port_drop_reason {
    DROP_VLAN_INGRESS,   /* VLAN not allowed on input port / bad tag */
    DROP_SPOOF_MAC,      /* source MAC not the port's MAC (forged-transmits) */
    DROP_SPOOF_IP,       /* source IP not in the port's allowed list */
    DROP_BAD_FRAME,      /* runt, bad header, multicast source */
    DROP_LINK_DOWN,      /* output link down */
    DROP_QUEUE_FULL,     /* output queue at its byte bound */
    DROP_RATE,           /* rate limit */
    DROP_MTU,            /* larger than the output's MTU */
    DROP_TX_ERROR,       /* output failed (sendmsg, grant copy, ...) */
    DROP_NO_BUFFERS,     /* guest posted no rx buffers in time */
    DROP_RA_GUARD,       /* IPv6 Router Advertisement, port not a router */
    DROP_DHCP_GUARD,     /* DHCPv4/v6 server message, port not a server */
    DROP_N_REASONS
};
const char *port_drop_reason_name(enum port_drop_reason);

struct port_stats {
    uint64_t rx_packets, rx_bytes;
    uint64_t tx_packets, tx_bytes;
    uint64_t drops[DROP_N_REASONS];
};

struct port;
struct bridge;
typedef struct json_t json_t;

struct port_ops {
    const char *kind;                       /* "uplink", "host", "vif", "null" */
    /* Deliver n frames.  out_tci[i] == 0: send untagged; else insert an
     * 802.1Q tag with that TCI.  The port must be done with (or have copied)
     * every frame when it returns; it counts tx_* and its own drops. */
    void (*output)(struct port *, struct frame **frames, const uint16_t *out_tci,
                   unsigned n);
    /* Detach from the system and free; called by bridge_del_port(). */
    void (*destroy)(struct port *);
    /* Optional: add kind-specific state (ring indices, link, ...) to obj. */
    void (*describe)(const struct port *, json_t *obj);
};

struct port {
    char name[IF_NAMESIZE];
    const struct port_ops *ops;
    struct bridge *bridge;          /* NULL until bridge_add_port() */
    uint32_t ofport;                /* small number, unique in its bridge */
    bool link_up;                   /* output drops (DROP_LINK_DOWN) if false */

    /* VLAN */
    enum port_vlan_mode vlan_mode;
    uint16_t pvid;                  /* access VLAN, or native VLAN (0 = none) */
    uint64_t allowed[VLAN_BITMAP_WORDS];  /* trunk: allowed VLANs */

    /* Policy */
    bool promiscuous;               /* receive every frame of its VLANs */
    bool mac_locked;                /* drop frames whose source != mac */
    bool learning;                  /* learn source MACs (default true) */
    uint8_t mac[6];                 /* the port's own MAC (vif: guest's mac) */
    /* Allowed source addresses (anti-spoofing, switch/antispoof.h), per
     * family: n_ips == 0: IPv4 unchecked; n_ip6s == 0: IPv6 unchecked. */
#define PORT_IPS_MAX 16
    uint32_t ips[PORT_IPS_MAX];     /* network byte order */
    unsigned n_ips;
#define PORT_IP6S_MAX 16
    uint8_t ip6s[PORT_IP6S_MAX][16];
    unsigned n_ip6s;
    enum port_guard ra_guard;       /* Router Advertisements */
    enum port_guard dhcp_guard;     /* DHCPv4 / DHCPv6 server messages */
#define PORT_POLICY_LOG_PER_SEC 1
#define PORT_POLICY_LOG_BURST 5
    /* Policy drops (spoofing, guards) are logged with the port's name,
     * at most this port's own rate: one guest cannot mute another's. */
    struct xlog_ratelimit policy_rl;

    struct port_stats stats;
    uint32_t fdb_learned;           /* dynamic FDB entries pointing here */
    /* FDB-private: this port's dynamic entries, least recently seen first
     * (entry indices, 0 = none), and its 1-based slot in the FDB's eviction
     * heap (0 = not in it).  Zero after port_init(). */
    uint32_t fdb_lru_head, fdb_lru_tail, fdb_heap_pos;

    /* Bridge-private per-burst output staging. */
    unsigned n_pending;
    struct frame *pending[XVS_BURST_MAX];
    uint16_t pending_tci[XVS_BURST_MAX];
};

/* Defaults: access mode, pvid 1, learning on, link up. */
void port_init(struct port *, const char *name, const struct port_ops *);

void port_set_access(struct port *, uint16_t pvid);
/* native == 0: untagged frames are dropped on this trunk. */
void port_set_trunk(struct port *, const uint64_t allowed[VLAN_BITMAP_WORDS],
                    uint16_t native);
static inline bool port_vlan_allowed(const struct port *p, uint16_t vid)
{
    return p->vlan_mode == PORT_VLAN_ACCESS
        ? vid == p->pvid
        : (vid == p->pvid && vid != 0) || (p->allowed[vid >> 6] >> (vid & 63) & 1);
}

/* "10,20,30-40" -> bitmap.  Returns 0 or -EINVAL (VLAN out of 1..4094,
 * bad syntax, reversed range). */
int vlan_list_parse(const char *, uint64_t bitmap[VLAN_BITMAP_WORDS]);
/* bitmap -> "10,20,30-40" (compact ranges); returns snprintf-like length. */
int vlan_list_format(const uint64_t bitmap[VLAN_BITMAP_WORDS], char *buf, size_t size);

/* Sets both address lists (n4 == n6 == 0: no anti-spoofing).  Returns 0,
 * or -E2BIG (nothing changed) if n4 > PORT_IPS_MAX or n6 > PORT_IP6S_MAX. */
int port_set_ips(struct port *, const uint32_t *v4, unsigned n4,
                 const uint8_t (*v6)[16], unsigned n6);

void port_count_drop(struct port *, enum port_drop_reason);

#endif
