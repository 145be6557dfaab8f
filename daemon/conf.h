/* conf: the xvsd configuration file, parsed into a plain struct.
 *
 * (The file is daemon/conf.h, not config.h, so that it can never be mistaken
 * for autoconf's config.h by an #include "config.h" in this folder.)
 *
 * This comment is the authoritative description of the format; man/xvs.conf.5
 * follows it.
 *
 * FILE: /etc/xvs/xvs.conf (really $(sysconfdir)/xvs/xvs.conf; xvsd -c PATH
 * overrides).  An INI file read with inih:
 *   - lines are `[section]`, `key = value` (or `key: value`), blank, or
 *     comments: a line whose first non-blank character is ';' or '#'; a ';'
 *     preceded by white space starts a comment at the end of a line ('#' does
 *     not).  Leading and trailing blanks of keys and values are ignored;
 *     there are no continuation lines and no quoting.
 *   - a line is at most CONF_LINE_MAX (197) characters; the file at most
 *     CONF_FILE_MAX (1 MiB).
 *   - keys and section types are lower case and case-sensitive.
 *   - every key may appear once per section; every section once per file.
 *   - an unknown section, an unknown key, a key outside any section, a
 *     malformed line or a bad value is an error.  All errors are reported,
 *     each as
 *         FILE:LINE: [SECTION] KEY: REASON
 *     e.g. "xvs.conf:12: [bridge xenbr0] ageing: 'abc' is not a number of
 *     seconds (0..1000000)".  A file with any error is rejected as a whole.
 *
 * Booleans are yes|no, true|false, on|off or 1|0.
 *
 * [global]                      (optional)
 *   log-level = SPEC            default "info".  SPEC is a comma-separated
 *                               list applied left to right; each item is
 *                               LEVEL (every module) or MODULE=LEVEL.  LEVEL:
 *                               err, warn, info, debug.  MODULE: main, config,
 *                               ctl, bridge, fdb, uplink, hostport, netback,
 *                               xenif, xenstore, or all.
 *                               e.g. "info,fdb=debug,ctl=warn"
 *   control-socket = PATH       default /run/xvs/xvsd.sock; absolute, shorter
 *                               than 108 bytes.  (Changed only by a restart.)
 *   ageing = SECONDS            default 300, 0..1000000; default for bridges.
 *                               0 makes a bridge a hub (learns nothing).
 *   fdb-max = N                 default 65536, 1..4194304; default for bridges.
 *
 * [xen]                         (optional) the guest backend (netback)
 *   xenif = KIND                default auto.  How xvsd reaches the hypervisor:
 *                               xen    /dev/xen/gntdev and /dev/xen/evtchn
 *                                      (libxengnttab, libxenevtchn); failing
 *                                      to open them stops xvsd's start.
 *                               auto   xen if both devices exist, else none
 *                                      (the choice is logged).
 *                               none   no guest backend: bridges only.
 *                               sim:DIR  the simulated hypervisor of the
 *                                      tests, sockets in DIR (absolute, at
 *                                      most 93 bytes).
 *   rx-queue-bytes = N          default 1048576, 65536..268435456: bound of
 *                               the frames waiting for one guest's receive
 *                               buffers; beyond it frames are dropped
 *                               (counted as queue_full).
 *   tx-budget = N               default 256, 1..4096: TX ring slots taken
 *                               from one guest queue per event loop turn,
 *                               so a busy guest (or one sending many-slot
 *                               frames) cannot starve the others.
 *   rx-stall-timeout = SECONDS  default 60, 1..3600: a guest that posts no
 *                               receive buffers this long loses its carrier
 *                               (until it posts again).  Linux netback's
 *                               rx_stall_timeout_msecs.
 *   rx-drain-timeout = SECONDS  default 10, 1..3600: a frame waiting longer
 *                               for receive buffers is dropped.  Linux
 *                               netback's rx_drain_timeout_msecs.
 *   bounce = BOOL               default no.  yes copies every frame between
 *                               guests through a dom0 buffer instead of one
 *                               grant copy from guest to guest: for
 *                               benchmarks only (it is slower).
 *   xenstore = auto|yes|no      default auto.  Whether the guest backend
 *                               serves the vifs libxl announces in xenstore
 *                               (backend/vif, the xenbus handshake; the
 *                               xenstore module, daemon/xvsd_xenbus.h).
 *                               auto: if xenstored is reachable (a warning
 *                               if not); yes: xenstored unreachable stops
 *                               xvsd's start; no: vifs only by vif-attach.
 *                               Nothing is watched without a guest backend.
 *   Every [xen] key takes effect at the next start of xvsd (a reload logs
 *   that it changed and keeps the running value).
 *
 * [bridge NAME]                 one per bridge.  NAME: 1..15 characters from
 *                               A-Z a-z 0-9 _ -, starting with a letter or
 *                               digit (no '.': "xenbr0.10" means VLAN 10 of
 *                               xenbr0, see xvsctl br-to-vlan).
 *   uplink = IFNAME             optional; an existing netdev (NIC, bond,
 *                               veth, VXLAN...) attached over AF_PACKET.
 *   host-port = BOOL            default yes: a TAP device named NAME is
 *                               created so the host can have addresses on it.
 *   take-over-addresses = BOOL  default no; needs uplink and host-port: the
 *                               host port takes the uplink's addresses and
 *                               routes while the bridge exists and gives them
 *                               back when it is removed.
 *   ageing = SECONDS            default: [global] ageing.
 *   fdb-max = N                 default: [global] fdb-max.
 *   mtu = N                     68..65521, MTU of the host port; default:
 *                               the uplink's MTU with take-over-addresses,
 *                               else 1500.
 *
 * [port BRIDGE IFNAME]          VLAN/policy of one port of bridge BRIDGE
 *                               (which must be defined in the same file):
 *     - IFNAME == the bridge's uplink: settings of the uplink;
 *     - IFNAME == BRIDGE: settings of the host port (needs host-port = yes);
 *     - otherwise an extra port: the existing netdev IFNAME attached over
 *       AF_PACKET, like an uplink.
 *   An IFNAME may belong to one bridge only, and no bridge may be named like
 *   another bridge's uplink or port.
 *   vlan = N                    access port of VLAN N (1..4094), untagged.
 *   trunk = LIST                trunk port carrying tagged VLANs LIST
 *                               ("10,20-30"; 1..4094).
 *   native = N                  with trunk only: untagged frames belong to
 *                               VLAN N (else untagged frames are dropped).
 *   promiscuous = BOOL          default no: receive every frame of its VLANs.
 *   learning = BOOL             default yes: learn source MACs seen here.
 *   Defaults without vlan/trunk: access VLAN 1 for extra ports and the host
 *   port; the uplink is a trunk of every VLAN (1-4094) with native VLAN 1.
 *
 * Example: see daemon/xvs.conf.example.
 */
#ifndef XVS_CONF_H
#define XVS_CONF_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/log.h"
#include "switch/bridge.h"
#include "switch/port.h"

#define CONF_LINE_MAX 197              /* inih's INI_MAX_LINE (200) - 3 */
#define CONF_FILE_MAX (1u << 20)
#define CONF_BRIDGES_MAX 256
#define CONF_PORTS_MAX 4096            /* [port] sections + implicit ones */
#define CONF_ERRORS_MAX 100            /* then "too many errors" */
#define CONF_AGEING_MAX 1000000
#define CONF_MTU_MIN 68
#define CONF_MTU_MAX 65521              /* a TAP's limit: 65535 - 14 */
#define CONF_PATH_MAX 108              /* sizeof(sockaddr_un.sun_path) */

#define CONF_DEFAULT_CONTROL_SOCKET "/run/xvs/xvsd.sock"

/* [xen] bounds; defaults are netback's (netback/netback.h). */
#define CONF_SIM_DIR_MAX (CONF_PATH_MAX - 15)   /* + "/dom65535.sock" + NUL */
#define CONF_RXQ_BYTES_MIN 65536u               /* one frame of 64 KiB fits */
#define CONF_RXQ_BYTES_MAX (256u << 20)
#define CONF_TX_BUDGET_MAX 4096u
#define CONF_TIMEOUT_S_MAX 3600u                /* rx-stall / rx-drain */

enum conf_xenif {
    CONF_XENIF_AUTO,                   /* xen if /dev/xen/{gntdev,evtchn} exist */
    CONF_XENIF_XEN,
    CONF_XENIF_SIM,                    /* sim_dir */
    CONF_XENIF_NONE,
};

enum conf_xenstore {
    CONF_XENSTORE_AUTO,                /* serve xenstore vifs if xenstored answers */
    CONF_XENSTORE_YES,
    CONF_XENSTORE_NO,
};

struct conf_xen {
    enum conf_xenif xenif;
    enum conf_xenstore xenstore;
    char sim_dir[CONF_SIM_DIR_MAX + 1];
    uint32_t rxq_bytes;
    uint32_t tx_budget;
    uint32_t rx_stall_s;
    uint32_t rx_drain_s;
    bool bounce;
};

enum conf_port_role {
    CONF_PORT_EXTRA,                   /* [port] of its own netdev */
    CONF_PORT_UPLINK,                  /* the bridge's uplink */
    CONF_PORT_HOST,                    /* the bridge's host port (TAP) */
};

struct conf_port {
    char bridge[BRIDGE_NAME_MAX];
    char name[IF_NAMESIZE];
    enum conf_port_role role;
    enum port_vlan_mode vlan_mode;
    uint16_t pvid;                     /* access VLAN, or native (0 = none) */
    uint64_t trunk[VLAN_BITMAP_WORDS];
    bool promiscuous;
    bool learning;
    unsigned line;                     /* 0: implicit (uplink/host default) */
};

struct conf_bridge {
    char name[BRIDGE_NAME_MAX];
    char uplink[IF_NAMESIZE];          /* "" = none */
    bool host_port;
    bool take_over;
    uint32_t ageing_s;
    uint32_t fdb_max;
    unsigned mtu;                      /* 0 = default */
    unsigned line;
};

struct conf {
    bool log_set;                      /* log-level given */
    enum xlog_level log_levels[XLOG_N_MODULES];
    char control_socket[CONF_PATH_MAX];
    uint32_t ageing_s;
    uint32_t fdb_max;
    struct conf_xen xen;
    struct conf_bridge *bridges;
    size_t n_bridges;
    struct conf_port *ports;           /* every port of every bridge that has
                                        * settings: [port] sections, plus one
                                        * implicit entry for each uplink and
                                        * host port without a section */
    size_t n_ports;
};

struct conf_errors {
    char **msgs;                       /* "FILE:LINE: ..." each */
    size_t n;
};

/* Parse `text` (named `source` in messages).  Returns the configuration, or
 * NULL with every problem in *errs (which the caller frees). */
struct conf *conf_parse_string(const char *text, const char *source,
                               struct conf_errors *errs);
/* Same for a file; a missing or unreadable file is one error. */
struct conf *conf_parse_file(const char *path, struct conf_errors *errs);
/* The configuration of an empty file. */
struct conf *conf_default(void);
void conf_free(struct conf *);
void conf_errors_free(struct conf_errors *);

const struct conf_bridge *conf_find_bridge(const struct conf *, const char *name);
const struct conf_port *conf_find_port(const struct conf *, const char *bridge,
                                       const char *name);

/* A port's settings before any key: access VLAN 1 (host and extra ports)
 * or a trunk of VLANs 1-4094 with native VLAN 1 (uplinks); learning on. */
void conf_port_init(struct conf_port *, const char *bridge, const char *name,
                    enum conf_port_role);

/* Shared with the command line and the control socket.  Each returns 0, or
 * -EINVAL with a reason (no trailing period) in why[]. */
int conf_check_bridge_name(const char *, char *why, size_t);
int conf_check_ifname(const char *, char *why, size_t);
int conf_parse_bool(const char *, bool *);
/* Values as in the file: each returns 0, or -EINVAL with why[] such as
 * "'abc' is not a number of seconds (0..1000000)". */
int conf_parse_ageing(const char *, uint32_t *, char *why, size_t);
int conf_parse_fdb_max(const char *, uint32_t *, char *why, size_t);
int conf_parse_mtu(const char *, unsigned *, char *why, size_t);
int conf_parse_vlan(const char *, uint16_t *, char *why, size_t);
int conf_parse_trunk(const char *, uint64_t bitmap[VLAN_BITMAP_WORDS], char *why, size_t);
int conf_parse_yes_no(const char *, bool *, char *why, size_t);
/* [xen] values: xenif KIND fills xen->xenif and xen->sim_dir; the numbers
 * take their bounds above. */
int conf_parse_xenif(const char *, struct conf_xen *, char *why, size_t);
int conf_parse_xenstore(const char *, enum conf_xenstore *, char *why, size_t);
int conf_parse_rxq_bytes(const char *, uint32_t *, char *why, size_t);
int conf_parse_tx_budget(const char *, uint32_t *, char *why, size_t);
int conf_parse_timeout(const char *, uint32_t *, char *why, size_t);
void conf_xen_default(struct conf_xen *);
/* "auto", "xen", "none" or "sim:DIR". */
const char *conf_xenif_format(const struct conf_xen *, char *buf, size_t);

/* log-level SPEC (see above) applied on top of levels[]. */
int conf_parse_log_levels(const char *spec, enum xlog_level levels[XLOG_N_MODULES],
                          char *why, size_t);

#endif
