/* ctl_vif: the control commands of the guest backend (registered by the
 * netback module, xvsd_netback.c).
 *
 *   vif-show [VIF]
 *       Every vif on a bridge (or the one named VIF), as an array of
 *       objects: name, bridge, domid, devid, origin ("vif-attach" or
 *       "xenstore"), state ("connected", "disconnected", "fatal") with
 *       fatal_reason, link_up, carrier_stalled, mac (null if unset),
 *       features (what the frontend negotiated), rate (null if none),
 *       queues (per queue: connected, tx/rx {req_prod, req_cons, rsp_prod},
 *       rx_queue {frames, bytes}), stats (struct vif_stats; tx_drop by
 *       reason); xenstore vifs also emulated_nic (null, or the HVM
 *       guest's QEMU tap port: name, bridge, link_up).
 *   vif-attach BR DOMID DEVID TXREF RXREF EVTCHN [EVTCHN_RX] [name=NAME]
 *              [mac=MAC] [feature-KEY=0|1 ...] [mac-locked=0|1]
 *              [ips=ADDR,...] [router-advertisements=accept|reject]
 *              [dhcp-server=accept|reject]
 *       Direct attach, without xenstore (sim tests, debugging): connects a
 *       vif to the rings and event channel(s) a frontend published and puts
 *       it on bridge BR (a VLAN bridge BR.N makes it an access port of VLAN
 *       N).  EVTCHN_RX given: split event channels.  The frontend's
 *       features default to Linux netfront's (sg, gso-tcpv4/v6, both
 *       checksum offloads, rx-notify); the xenstore keys feature-sg,
 *       feature-gso-tcpv4, feature-gso-tcpv6, feature-ipv6-csum-offload,
 *       feature-no-csum-offload, feature-rx-notify and
 *       request-multicast-control override them.  mac-locked=1 (needs
 *       mac=) and ips= (IPv4 and IPv6, at most PORT_IPS_MAX and
 *       PORT_IP6S_MAX) set the port's anti-spoofing policy
 *       (switch/antispoof.h; the xenstore keys forged-transmits and ip do
 *       that for xenstore vifs); vif-show shows them as mac_locked, ips
 *       (IPv4) and ip6s (IPv6).  router-advertisements= and dhcp-server=
 *       set the RA and DHCP-server guards as the xenstore keys of those
 *       names do (unset: on while the port has a MAC lock or ips=);
 *       vif-show shows whether each is on as ra_guard and dhcp_guard.
 *       Returns the vif as vif-show shows it.
 *   vif-detach VIF
 *       Removes a vif made by vif-attach (its FDB entries go with it).
 *       Vifs of the xenstore module are refused: they follow xenstore.
 */
#ifndef XVS_CTL_VIF_H
#define XVS_CTL_VIF_H 1

#define CTL_VIF_ATTACHED_MAX 1024       /* vifs made by vif-attach */
#define CTL_VIF_DOMID_MAX 0x7FEF        /* DOMID_FIRST_RESERVED - 1 */
#define CTL_VIF_EVTCHN_MAX ((1u << 17) - 1)   /* FIFO ABI's last port */

/* Returns 0 or the first ctl_register_command() error. */
int ctl_vif_register(void);
/* The netback is going away: vif-attach's record of its vifs is cleared. */
void ctl_vif_forget_all(void);

/* Optional: adds members to a vif's vif-show object (the xenstore module
 * adds "emulated_nic", an HVM guest's QEMU tap port).  NULL: none. */
struct vif;
typedef struct json_t json_t;
typedef void ctl_vif_show_fn(const struct vif *, json_t *obj);
void ctl_vif_set_show_hook(ctl_vif_show_fn *);

#endif
