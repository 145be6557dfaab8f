/* ifaddr: address takeover between an uplink and the host port, as Xen's
 * old network-bridge script did, so a host with a single NIC keeps its
 * connectivity when the NIC becomes a bridge uplink.
 *
 * Takeover from U to T (rtnetlink):
 *   1. every IPv4 address and every global-scope IPv6 address of U is
 *      added to T (same prefix, broadcast, flags and lifetimes; IPv6 with
 *      IFA_F_NODAD: it was already unique on this link), then deleted from
 *      U;
 *   2. every route through U (any table but "local", default route
 *      included; not the kernel's own prefix routes, not multipath
 *      routes) is re-created through T and deleted from U;
 *   3. U's IP stack is cut off from received frames: a direct-action BPF
 *      classifier returning TC_ACT_SHOT on U's clsact ingress hook.
 *      AF_PACKET sockets (the uplink port) see frames before the ingress
 *      hook, so the switch still gets everything, while the host no longer
 *      answers on U (no duplicate deliveries, no ARP/ND from U), which is
 *      what enslaving U to a Linux bridge does.
 * Give-back does the reverse: removes the classifier (and the clsact
 * qdisc if takeover created it), then moves T's current addresses and
 * routes back to U.
 *
 * Failures name the address or route ("address 10.0.0.2/24: File
 * exists").  A takeover that fails half way gives back what it moved.
 *
 * With a state directory, takeover records what it moved in
 * STATE_DIR/takeover-UPLINK (removed by give-back), and in
 * takeover-UPLINK.qdisc that the clsact qdisc is its own (so that a later
 * run deletes it on give-back, and leaves one another tool created).  If xvsd dies without
 * giving back, the TAP and the addresses on it vanish and the uplink stays
 * cut off; the next takeover of that uplink finds the record, first puts
 * the addresses and routes back on the uplink and removes the classifier,
 * then takes over again: the host is offline only while xvsd is down.
 *
 * A host port TAP survives a crash when it is persistent (ports/hpstate.h):
 * then the addresses and routes the record lists are still on the TAP, and
 * the uplink is still cut off.  The rule: a takeover onto an adopted TAP
 * (to_adopted) with a record is still in force -- nothing is put back on
 * the uplink, whatever the uplink holds now (normally nothing) is moved
 * and appended to the record.  A fresh TAP with a record (the old one was
 * deleted while xvsd was down) is the repair above.  Either way the
 * addresses exist once, on the TAP. */
#ifndef XVS_PORTS_IFADDR_H
#define XVS_PORTS_IFADDR_H 1

#include <stdbool.h>
#include <stddef.h>

struct ifaddr_takeover;

/* state_dir: where to keep the record (NULL: none); to_adopted: `to` is a
 * host port TAP that survived the previous run.  Returns 0 and a handle
 * for give-back, or a negative errno with a message in err. */
int ifaddr_takeover(const char *from, const char *to, const char *state_dir,
                    bool to_adopted, struct ifaddr_takeover **out, char *err,
                    size_t errlen);

/* Move everything back and free the handle.  Errors are logged (each names
 * what could not be moved); the give-back continues past them. */
void ifaddr_giveback(struct ifaddr_takeover *);

/* Give back a takeover `from` -> `to` of a previous run (its TAP is being
 * removed, or no longer takes over from `from`): as ifaddr_giveback(),
 * including the uplink's classifier and STATE_DIR/takeover-FROM; if `to`
 * is gone, what STATE_DIR/takeover-FROM lists goes back instead. */
void ifaddr_release(const char *from, const char *to, const char *state_dir);

#endif
