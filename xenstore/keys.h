/* keys: parsers for the backend keys of a vif (backend/vif/D/N/...).
 *
 * Pure functions: a string in, a value or an error out, no I/O, so unit
 * tests and libFuzzer drive them directly.  Every error fills a
 * `struct keys_err` with a message naming the key, the (sanitised) value
 * and the reason, e.g.  mac "01:00:5e:00:00:01": multicast address  --
 * that text is what ends up in hotplug-error for the administrator.
 *
 * The values and their meaning are documented in man/xvs-xenstore.7.
 * Keys written by libxl: mac, bridge, vlan, rate, mtu, ip, vifname, type,
 * handle, online, script, frontend-id.  Keys of ours: promiscuous,
 * forged-transmits, mac-changes, router-advertisements, dhcp-server.
 *
 * struct keys_vif gathers one vif's configuration: keys_vif_set() takes
 * one (key, value) pair, keys_vif_finish() checks what depends on several
 * keys (bridge=xenbr0.10 and vlan= together). */
#ifndef XVS_KEYS_H
#define XVS_KEYS_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "switch/port.h"

#define KEYS_ERR_MAX      256
#define KEYS_VALUE_SHOWN  48      /* value bytes quoted in an error */
#define KEYS_MTU_MIN      68      /* IPv4 minimum */
#define KEYS_MTU_MAX      65535
#define KEYS_IP_MAX       16      /* addresses in ip= (PORT_IPS_MAX) */
#define KEYS_HANDLE_MAX   65535   /* device index N */
#define KEYS_DOMID_MAX    0x7fef  /* DOMID_FIRST_RESERVED - 1 */
#define KEYS_NAME_MAX     (IF_NAMESIZE - 1)   /* 15 characters */

struct keys_err {
    char msg[KEYS_ERR_MAX];
};

/* VLAN membership of a port, from xl's vlan= syntax or bridge=B.T:T:T. */
struct keys_vlan {
    uint16_t pvid;                              /* 0: none */
    unsigned count;                             /* VLANs in member */
    uint64_t member[VLAN_BITMAP_WORDS];         /* every VLAN of the port */
    uint64_t untagged[VLAN_BITMAP_WORDS];       /* sent untagged (pvid too) */
};

struct keys_bridge {
    char name[KEYS_NAME_MAX + 1];
    bool has_vlan;                              /* ".T" or ":T" suffix given */
    struct keys_vlan vlan;
};

/* Token bucket: `bytes` of credit every `interval_us`. */
struct keys_rate {
    uint64_t bytes;
    uint32_t interval_us;
};

struct keys_ip {
    unsigned n4, n6;
    uint32_t v4[KEYS_IP_MAX];                   /* network byte order */
    uint8_t v6[KEYS_IP_MAX][16];
};

enum keys_vif_type { KEYS_TYPE_VIF, KEYS_TYPE_VIF_IOEMU };

int keys_parse_mac(const char *, uint8_t mac[6], struct keys_err *);
int keys_parse_bridge(const char *, struct keys_bridge *, struct keys_err *);
int keys_parse_vlan(const char *, struct keys_vlan *, struct keys_err *);
int keys_parse_rate(const char *, struct keys_rate *, struct keys_err *);     /* "B,US" */
int keys_parse_rate_xl(const char *, struct keys_rate *, struct keys_err *);  /* "10Mb/s@20ms" */
int keys_parse_mtu(const char *, unsigned *, struct keys_err *);
int keys_parse_ip(const char *, struct keys_ip *, struct keys_err *);
int keys_parse_vifname(const char *, char name[KEYS_NAME_MAX + 1], struct keys_err *);
int keys_parse_type(const char *, enum keys_vif_type *, struct keys_err *);
int keys_parse_handle(const char *, unsigned *, struct keys_err *);
int keys_parse_domid(const char *key, const char *, unsigned *, struct keys_err *);
int keys_parse_online(const char *, bool *, struct keys_err *);
/* Ours: accept|reject, on|off, yes|no, true|false, 1|0 -> true = accept/on. */
int keys_parse_switch(const char *key, const char *, bool *, struct keys_err *);
/* XenbusState: "0".."8". */
int keys_parse_state(const char *key, const char *, unsigned *, struct keys_err *);

/* The port's VLAN settings for switch/port.h.  Fails if the membership
 * has untagged VLANs other than the PVID (the switch sends only the
 * native VLAN untagged). */
int keys_vlan_to_port(const struct keys_vlan *, enum port_vlan_mode *, uint16_t *pvid,
                      uint64_t allowed[VLAN_BITMAP_WORDS], struct keys_err *);

/* Which keys a vif has set; bits of keys_vif.set. */
enum keys_vif_key {
    KEY_MAC, KEY_BRIDGE, KEY_VLAN, KEY_RATE, KEY_MTU, KEY_IP, KEY_VIFNAME,
    KEY_TYPE, KEY_HANDLE, KEY_ONLINE, KEY_PROMISCUOUS, KEY_FORGED_TRANSMITS,
    KEY_MAC_CHANGES, KEY_ROUTER_ADVERTISEMENTS, KEY_DHCP_SERVER, KEY_N
};

struct keys_vif {
    uint32_t set;                   /* 1 << enum keys_vif_key */
    uint8_t mac[6];
    struct keys_bridge bridge;
    struct keys_vlan vlan;          /* vlan= key; after finish(): effective */
    struct keys_rate rate;
    unsigned mtu;
    struct keys_ip ip;
    char vifname[KEYS_NAME_MAX + 1];
    enum keys_vif_type type;
    unsigned handle;
    bool online;
    bool promiscuous;               /* default off */
    bool forged_transmits;          /* default accept */
    bool mac_changes;               /* default accept */
    /* Unset (not in `set`): the guard follows port security
     * (PORT_GUARD_AUTO); accept: off; reject: on. */
    bool router_advertisements;
    bool dhcp_server;
};

/* The port_guard (switch/port.h) a guard key gives: k is
 * KEY_ROUTER_ADVERTISEMENTS or KEY_DHCP_SERVER. */
enum port_guard keys_vif_guard(const struct keys_vif *, enum keys_vif_key k);

void keys_vif_init(struct keys_vif *);
/* The name of a key this module knows, NULL past the end. */
const char *keys_vif_key_name(enum keys_vif_key);
/* 0 if parsed and stored, 1 if `key` is not one of ours (ignored),
 * -EINVAL with `err` filled if the value is bad. */
int keys_vif_set(struct keys_vif *, const char *key, const char *value, struct keys_err *);
/* Cross-key checks; on success vif->vlan is the effective membership
 * (from vlan= or from the bridge suffix). */
int keys_vif_finish(struct keys_vif *, struct keys_err *);

#endif
