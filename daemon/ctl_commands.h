/* ctl_commands: the switch commands of the control socket.
 *
 * Results (args are strings; BR may be a VLAN bridge "xenbr0.10" where
 * marked [v], meaning VLAN 10 of xenbr0):
 *   show [BR]           {"bridges": [{"name", "ageing", "fdb_max",
 *                        "host_port": bool, "uplink": str|null, "origin":
 *                        "config"|"runtime", "ports": [{"name", "kind",
 *                        "ofport", "link_up", "vlan_mode": "access"|"trunk",
 *                        "pvid", "trunks": "10,20-30" ("" for access),
 *                        "promiscuous", "mac_locked", "learning", "mac",
 *                        "origin": "config"|"runtime"|null, + what the
 *                        port's describe() adds}]}]}
 *   list-br             ["xenbr0", "xenbr0.10", ...]: bridges, each followed
 *                        by its VLAN bridges: one per VLAN other than 1 that
 *                        is the access VLAN of one of its ports.
 *   list-ports BR [v]   [names], sorted; of a VLAN bridge: its access ports.
 *   br-to-vlan BR [v]   {"bridge": "xenbr0", "vlan": 10} (0 for a bridge).
 *   add-br BR [uplink=IF] [host-port=yes|no] [take-over-addresses=yes|no]
 *          [ageing=S] [fdb-max=N] [mtu=N]                 null
 *   del-br BR                                             null
 *   add-port BR [v] IF [vlan=N | trunk=LIST [native=N]]
 *          [promiscuous=yes|no] [learning=yes|no]         null
 *   del-port BR [v] PORT                                  null
 *   fdb-show BR [v]     [{"port", "vlan", "mac", "age", "static"}] sorted by
 *                        VLAN then MAC; a VLAN bridge shows its VLAN only.
 *   fdb-flush BR [v] [port=P] [vlan=V] [static=yes|no]   {"flushed": N}
 *   fdb-add BR [v] PORT MAC [vlan=V]                      null
 *                        (VLAN default: the VLAN bridge's, else the port's
 *                        access or native VLAN)
 *   fdb-del BR [v] MAC [vlan=V]  {"deleted": N}  (no VLAN: in every VLAN)
 *   fdb-stats BR        {"entries", "max", "learned", "aged", "evicted",
 *                        "moved", "full_drops", "ageing"}
 *   set-ageing BR SECONDS (0..1000000; 0 = hub)           null
 *   port-stats [BR [PORT]]  [{"bridge", "port", "rx_packets", "rx_bytes",
 *                        "tx_packets", "tx_bytes", "drops": {reason: n}}]
 *   log-level [SPEC | MODULE|all LEVEL]  {"main": "info", ...} after the change
 *   version             {"version": "0.1.0"}
 *   list-commands       [names] (ctl.c)
 * Bridges and ports made here have origin "runtime": a reload of the
 * configuration leaves them alone. */
#ifndef XVS_CTL_COMMANDS_H
#define XVS_CTL_COMMANDS_H 1

#include <stdint.h>

/* Registers every command above; 0 or negative errno. */
int ctl_commands_register(void);

/* Defaults of add-br (the configuration's [global] ageing and fdb-max). */
void ctl_commands_set_defaults(uint32_t ageing_s, uint32_t fdb_max);

#endif
