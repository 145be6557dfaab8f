#!/bin/sh
# xvsd end to end on the simulated hypervisor (root; namespaces xvs-glue-*):
#
#   ns xvs-glue-a:  guest dom1, xvs-simfront TAP eth0 10.214.9.1 --+
#   ns xvs-glue-b:  guest dom2, xvs-simfront TAP eth0 10.214.9.2 --+-- xvsd, [xen] xenif = sim:DIR
#   ns xvs-glue-sw: host port gluebr0 10.214.9.4 ------------------+   bridge gluebr0
#
# The guests are attached with `xvsctl vif-attach` from the ring refs and
# event channels their netfront published.  Checked: ping guest <-> guest
# and guest <-> host port, fdb-show has both guest MACs on their vifs,
# iperf3 TCP between the guests (throughput printed), vif-show shows
# connected rings that moved, bad vif commands fail with clear errors,
# vif-detach removes the port and its FDB entries (and a second vif-attach
# resumes from the ring indices; it comes back with ips=, and the guests'
# real IPv6 stacks -- DAD, MLD, NDP, ping6 -- pass without one spoof drop,
# while an address guest b was not given is unreachable and its frames are
# counted as spoof_ip; with b's MAC locked, hand-made frames from b -- an
# ARP reply and an NA with a forged MAC inside, a Router Advertisement,
# DHCPv4/v6 server datagrams -- are dropped, counted, logged and leave
# guest a unchanged, while the same from the host port get through), a
# reload leaves the vifs alone, SIGTERM stops xvsd cleanly.
# Every loop is bounded; everything is removed on exit (KEEP=DIR keeps a
# copy of the run's files, xvsd's log included, in DIR).
set -e
TOP=${TOP:-$PWD}                        # make check runs from the top build dir
SIMBIN=${SIMBIN:-$TOP/tests/sim}
XVSD=${XVSD:-$TOP/daemon/xvsd}
XVSCTL=${XVSCTL:-$TOP/ctl/xvsctl}
. "$(dirname "$0")/sim-lib.sh"
NS="xvs-glue-a xvs-glue-b xvs-glue-sw"
BR=gluebr0
IPERF_T=${IPERF_T:-3}
SOCK="$SIM_DIR/xvsd.sock"
PID_xvsd=""

sim_xvsd_trap $NS
sim_need_built "$SIMBIN/xvs-simfront" "$XVSD" "$XVSCTL"
sim_need_root
sim_need_cmds iperf3 python3 ip ping
sim_netns_add $NS
in_ns() { n=$1; shift; ip netns exec "$n" "$@"; }
ctl() { "$XVSCTL" -s "$SOCK" -t 5 "$@"; }
# pyj FILE EXPR: evaluate a python expression on the JSON document j
pyj() { python3 -c "import json,sys; j=json.load(open('$1')); print($2)"; }
info() { sed -n "s/^$2=//p" "$1"; }

# ---- xvsd ----
cat >"$SIM_DIR/xvs.conf" <<EOF
[global]
log-level = info
[xen]
xenif = sim:$SIM_DIR
rx-queue-bytes = 4194304
[bridge $BR]
host-port = yes
EOF
"$XVSD" -c "$SIM_DIR/xvs.conf" --check-config >/dev/null || sim_fail "config rejected"
sim_start_xvsd xvs-glue-sw
grep -q "guest backend on sim:$SIM_DIR" "$SIM_DIR/xvsd.err" ||
    sim_fail "xvsd did not log its sim backend: $(cat "$SIM_DIR/xvsd.err")"
echo "ok - xvsd started with xenif = sim"

# ---- guests ----
sim_tap_guest ga xvs-glue-a 1
sim_tap_guest gb xvs-glue-b 2
sim_wait_guests 1 2
MAC1=$(info "$SIM_DIR/dom1.vif0" mac)
MAC2=$(info "$SIM_DIR/dom2.vif0" mac)

# vif-attach from a guest's info file (what its netfront put in xenstore)
attach() { # DOMID [extra args]
    f="$SIM_DIR/dom$1.vif0"; d=$1; shift
    ch=$(info "$f" event-channel)
    [ -n "$ch" ] || ch="$(info "$f" event-channel-tx) $(info "$f" event-channel-rx)"
    feats=""
    for k in feature-sg feature-gso-tcpv4 feature-gso-tcpv6 feature-ipv6-csum-offload \
             feature-no-csum-offload feature-rx-notify request-multicast-control; do
        feats="$feats $k=$(info "$f" $k)"
    done
    # shellcheck disable=SC2086
    ctl -j vif-attach "$BR" "$d" "$(info "$f" devid)" "$(info "$f" tx-ring-ref)" \
        "$(info "$f" rx-ring-ref)" $ch mac="$(info "$f" mac)" $feats "$@"
}
attach 1 >"$SIM_DIR/att1.json" || sim_fail "vif-attach dom1"
attach 2 >"$SIM_DIR/att2.json" || sim_fail "vif-attach dom2"
for d in 1 2; do
    s=$(pyj "$SIM_DIR/att$d.json" "j['name'], j['state'], j['bridge'], j['features']['sg']")
    [ "$s" = "vif$d.0 connected $BR True" ] || sim_fail "vif-attach dom$d returned: $s"
done
echo "ok - vif-attach: vif1.0 and vif2.0 connected on $BR"

addr() { # NS DEV ADDR
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" link set "$2" up
}
addr xvs-glue-a eth0 10.214.9.1
addr xvs-glue-b eth0 10.214.9.2
addr xvs-glue-sw $BR 10.214.9.4

ping_ok() { # NS DST
    in_ns "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 ||
    in_ns "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 ||
        sim_fail "ping $1 -> $2"
    echo "ok - ping $1 -> $2"
}
ping_ok xvs-glue-a 10.214.9.2
ping_ok xvs-glue-b 10.214.9.1
ping_ok xvs-glue-a 10.214.9.4
ping_ok xvs-glue-sw 10.214.9.2

# ---- the learning table ----
ctl -j fdb-show $BR >"$SIM_DIR/fdb.json"
for pair in "vif1.0 $MAC1" "vif2.0 $MAC2"; do
    set -- $pair
    n=$(pyj "$SIM_DIR/fdb.json" "len([e for e in j if e['port'] == '$1' and e['mac'] == '$2'])")
    [ "$n" = 1 ] || sim_fail "fdb-show: no entry $2 on $1: $(cat "$SIM_DIR/fdb.json")"
done
echo "ok - fdb-show: $MAC1 on vif1.0, $MAC2 on vif2.0"

# ---- TCP ----
in_ns xvs-glue-b iperf3 -s -1 -B 10.214.9.2 >/dev/null 2>&1 &
SIM_PIDS="$SIM_PIDS $!"
i=0
until in_ns xvs-glue-b ss -ltn 2>/dev/null | grep -q 10.214.9.2:5201; do
    i=$((i + 1)); [ $i -lt 50 ] || sim_fail "iperf3 server did not start"
    sleep 0.1
done
in_ns xvs-glue-a timeout $((IPERF_T + 15)) iperf3 -c 10.214.9.2 -t "$IPERF_T" -J \
    >"$SIM_DIR/iperf.json" || sim_fail "iperf3 guest a -> guest b: $(tail -5 "$SIM_DIR/iperf.json")"
gbps=$(pyj "$SIM_DIR/iperf.json" "'%.2f' % (j['end']['sum_received']['bits_per_second'] / 1e9)")
retr=$(pyj "$SIM_DIR/iperf.json" "j['end']['sum_sent'].get('retransmits', 0)")
echo "ok - iperf3 TCP guest a -> guest b through xvsd: $gbps Gbit/s ($retr retransmits, ${IPERF_T} s)"

# ---- vif-show ----
ctl -j vif-show >"$SIM_DIR/show.json"
n=$(pyj "$SIM_DIR/show.json" "len(j)")
[ "$n" = 2 ] || sim_fail "vif-show lists $n vifs: $(cat "$SIM_DIR/show.json")"
for v in vif1.0 vif2.0; do
    r=$(pyj "$SIM_DIR/show.json" "[
        (x['state'], x['link_up'], x['origin'], q['connected'],
         q['tx']['rsp_prod'] == q['tx']['req_cons'] > 0,
         q['rx']['rsp_prod'] > 0, x['stats']['tx_frames'] > 0, x['stats']['rx_frames'] > 0,
         x['stats']['fatal'], x['stats']['rx_copy_errors'] + x['stats']['tx_copy_errors'])
        for x in j if x['name'] == '$v' for q in x['queues']][0]")
    [ "$r" = "('connected', True, 'vif-attach', True, True, True, True, True, 0, 0)" ] ||
        sim_fail "vif-show $v: $r"
done
ctl -j vif-show vif1.0 >"$SIM_DIR/show1.json" || sim_fail "vif-show vif1.0"
r=$(pyj "$SIM_DIR/show1.json" "len(j), j[0]['name'], j[0]['domid'], j[0]['devid'], j[0]['mac']")
[ "$r" = "1 vif1.0 1 0 $MAC1" ] || sim_fail "vif-show vif1.0: $r"
echo "ok - vif-show: both vifs connected, rings moved, no copy errors"

# ---- bad commands: clear errors, nothing else changes ----
bad() { # EXPECTED-ERROR-SUBSTRING ARGS...
    want=$1; shift
    if ctl "$@" >"$SIM_DIR/bad.out" 2>&1; then sim_fail "xvsctl $* succeeded"; fi
    grep -q "$want" "$SIM_DIR/bad.out" || sim_fail "xvsctl $*: $(cat "$SIM_DIR/bad.out")"
}
bad "no bridge named 'nobr0'" vif-attach nobr0 3 0 1 2 3
bad "dom1 device 0 is already vif vif1.0" vif-attach $BR 1 0 1 2 3
bad "DOMID: '0' is not a number" vif-attach $BR 0 0 1 2 3
bad "EVTCHN: '0' is not a number" vif-attach $BR 3 0 1 2 0
bad "feature-sg: 'maybe' is not 0 or 1" vif-attach $BR 3 0 1 2 3 feature-sg=maybe
bad "mac: 'ff:ff:ff:ff:ff:ff' is not a unicast" vif-attach $BR 3 0 1 2 3 mac=ff:ff:ff:ff:ff:ff
bad "vif vif3.0: map tx ring" vif-attach $BR 3 0 1 2 3   # no dom3: connect fails
bad "no vif named 'vif9.9'" vif-detach vif9.9
bad "is a host port, not a vif" vif-detach $BR
bad "bridge $BR still has 2 ports not made by xvsd (vif1.0, vif2.0)" del-br $BR
bad "port vif1.0 (vif) was not made by xvsd" del-port $BR vif1.0
ctl -j vif-show >"$SIM_DIR/show.json"
[ "$(pyj "$SIM_DIR/show.json" "len(j)")" = 2 ] || sim_fail "a failed command left or took a vif"
ping_ok xvs-glue-a 10.214.9.2
echo "ok - bad vif-attach / vif-detach, del-br / del-port of vifs refused with clear errors"

# ---- vif-detach ----
ctl vif-detach vif2.0 || sim_fail "vif-detach vif2.0"
ctl -j list-ports $BR >"$SIM_DIR/ports.json"
[ "$(pyj "$SIM_DIR/ports.json" "'vif2.0' in j")" = False ] || sim_fail "vif2.0 still a port"
[ "$(pyj "$SIM_DIR/ports.json" "'vif1.0' in j")" = True ] || sim_fail "vif1.0 lost"
ctl -j fdb-show $BR >"$SIM_DIR/fdb.json"
n=$(pyj "$SIM_DIR/fdb.json" "len([e for e in j if e['port'] == 'vif2.0' or e['mac'] == '$MAC2'])")
[ "$n" = 0 ] || sim_fail "FDB entries of vif2.0 left: $(cat "$SIM_DIR/fdb.json")"
if in_ns xvs-glue-a ping -c 2 -i 0.2 -W 1 10.214.9.2 >/dev/null 2>&1; then
    sim_fail "guest b still reachable after vif-detach"
fi
[ "$(ctl -j vif-show | python3 -c 'import json,sys; print([x["name"] for x in json.load(sys.stdin)])')" = "['vif1.0']" ] ||
    sim_fail "vif-show after vif-detach"
echo "ok - vif-detach vif2.0: port and its FDB entries gone, guest b unreachable"

# The guest never saw a disconnect: attaching again resumes from its rings.
# This time with port security: the MAC locked and an address list (both
# families), so the RA and DHCP-server guards are on too.
attach 2 mac-locked=1 ips=10.214.9.2,fd00:214:9::2 >"$SIM_DIR/att2.json" ||
    sim_fail "vif-attach dom2 again"
[ "$(pyj "$SIM_DIR/att2.json" "j['ips'], j['ip6s'], j['mac_locked'], j['ra_guard'], j['dhcp_guard']")" = \
  "['10.214.9.2'] ['fd00:214:9::2'] True True True" ] ||
    sim_fail "vif-attach ips= not shown: $(cat "$SIM_DIR/att2.json")"
ping_ok xvs-glue-a 10.214.9.2
echo "ok - vif-attach again: guest b back, resumed from the ring indices"

# ---- anti-spoofing against real IPv6 stacks ----
spoof_drops() { # PORT
    ctl -j port-stats $BR "$1" | python3 -c \
        'import json,sys; r=json.load(sys.stdin); r=r[0] if isinstance(r,list) else r; print(r["drops"]["spoof_ip"])'
}
# b's interface comes up again as at boot: its link-local address is
# tentative, so DAD (NS) and MLD reports go out from ::.
ip -n xvs-glue-b link set eth0 down
ip -n xvs-glue-b link set eth0 up
ip -n xvs-glue-a addr add fd00:214:9::1/64 dev eth0
ip -n xvs-glue-b addr add fd00:214:9::2/64 dev eth0
i=0
while ip -n xvs-glue-b -6 addr show dev eth0 tentative | grep -q inet6 ||
      ip -n xvs-glue-a -6 addr show dev eth0 tentative | grep -q inet6; do
    i=$((i + 1)); [ $i -lt 100 ] || sim_fail "IPv6 DAD did not end in 5 s"
    sleep 0.05
done
ping6_ok() { # NS DST
    in_ns "$1" ping -6 -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 ||
        sim_fail "ping -6 $1 -> $2 (spoof_ip drops on vif2.0: $(spoof_drops vif2.0))"
}
ping6_ok xvs-glue-a fd00:214:9::2
ping6_ok xvs-glue-b fd00:214:9::1
ll_b=$(ip -n xvs-glue-b -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1)
ping6_ok xvs-glue-a "$ll_b%eth0"
drops=$(spoof_drops vif2.0)
[ "$drops" = 0 ] || sim_fail "guest b's legal IPv4/IPv6 traffic (DAD, MLD, NDP, ping) got $drops spoof_ip drops"
echo "ok - ips=10.214.9.2,fd00:214:9::2: DAD, NDP, link-local and ping -6 both ways, no spoof drop"
# An address b was not given: its advertisements and its packets are dropped.
ip -n xvs-glue-b addr add fd00:214:9::66/64 dev eth0 nodad
if in_ns xvs-glue-a ping -6 -c 2 -i 0.2 -W 1 fd00:214:9::66 >/dev/null 2>&1; then
    sim_fail "guest b reachable on fd00:214:9::66, an address it was not given"
fi
if in_ns xvs-glue-b ping -6 -c 2 -i 0.2 -W 1 -I fd00:214:9::66 fd00:214:9::1 >/dev/null 2>&1; then
    sim_fail "guest b reached a from fd00:214:9::66, an address it was not given"
fi
drops=$(spoof_drops vif2.0)
[ "$drops" -ge 2 ] || sim_fail "only $drops spoof_ip drops on vif2.0 for fd00:214:9::66"
ping6_ok xvs-glue-a fd00:214:9::2
echo "ok - fd00:214:9::66 (not in ips=): unreachable, $drops frames dropped as spoof_ip"

# ---- port security: addresses inside ARP/NDP, RA guard, DHCP-server guard ----
# Hand-made frames from guest b (its own Ethernet source, which the MAC
# lock lets through); each is dropped, counted under its reason, and has
# no effect on guest a; the same frame from the host port (no port
# security) does have it, so the check can fail.
SPOOF="python3 $(cd "$(dirname "$0")" && pwd)/spoof-send.py"
drops_of() { # PORT REASON
    ctl -j port-stats $BR "$1" | python3 -c \
        "import json,sys; r=json.load(sys.stdin); r=r[0] if isinstance(r,list) else r; print(r['drops']['$2'])"
}
expect_drops() { # REASON BEFORE N WHAT
    n=$(drops_of vif2.0 "$1")
    [ "$n" = $(($2 + $3)) ] || sim_fail "$4: $1 drops on vif2.0 went from $2 to $n, not by $3"
}
neigh_of() { # ADDR: guest a's neighbour entry's MAC
    ip -n xvs-glue-a neigh show "$1" dev eth0 | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}'
}
neigh_is() { [ "$(neigh_of "$1")" = "$2" ]; }
wait_until() { # SECONDS CMD...
    t=$(($1 * 20)); shift
    until "$@"; do t=$((t - 1)); [ $t -gt 0 ] || return 1; sleep 0.05; done
}
[ "$(drops_of vif2.0 spoof_mac)" = 0 ] ||
    sim_fail "guest b's real ARP and NDP (link-layer options) got $(drops_of vif2.0 spoof_mac) spoof_mac drops"
MAC_SW=$(ip -n xvs-glue-sw link show $BR | awk '/link\/ether/ {print $2}')
FAKE=00:16:3e:de:ad:02

# ARP: "10.214.9.2 is at FAKE" (its own address, a forged sender MAC)
ping_ok xvs-glue-a 10.214.9.2
neigh_is 10.214.9.2 "$MAC2" || sim_fail "a's ARP entry for b: $(neigh_of 10.214.9.2)"
# A stale entry, left alone past the ARP locktime (1 s): a reply may
# override it (a reachable one, or one updated within 1 s, it may not).
ip -n xvs-glue-a neigh replace 10.214.9.2 lladdr "$MAC2" dev eth0 nud stale
sleep 1.1
b0=$(drops_of vif2.0 spoof_mac)
in_ns xvs-glue-b $SPOOF arp eth0 "$MAC2" $FAKE 10.214.9.2 "$MAC1" 10.214.9.1
sleep 0.3
expect_drops spoof_mac "$b0" 1 "ARP reply with a forged sender MAC"
neigh_is 10.214.9.2 "$MAC2" || sim_fail "a's ARP cache poisoned: 10.214.9.2 is at $(neigh_of 10.214.9.2)"
in_ns xvs-glue-sw $SPOOF arp $BR "$MAC_SW" $FAKE 10.214.9.2 "$MAC1" 10.214.9.1
wait_until 1 neigh_is 10.214.9.2 $FAKE || {
    in_ns xvs-glue-sw $SPOOF arp $BR "$MAC_SW" $FAKE 10.214.9.2 "$MAC1" 10.214.9.1
    wait_until 2 neigh_is 10.214.9.2 $FAKE; } ||
    sim_fail "control: the forged ARP reply from the host port did not reach a's cache ($(neigh_of 10.214.9.2))"
ip -n xvs-glue-a neigh del 10.214.9.2 dev eth0
echo "ok - ARP reply with a forged sender MAC from the MAC-locked vif: dropped as spoof_mac, a's cache kept"

# NDP: an unsolicited override NA "fd00:214:9::2 is at FAKE"
ping6_ok xvs-glue-a fd00:214:9::2
neigh_is fd00:214:9::2 "$MAC2" || sim_fail "a's neighbour entry for b: $(neigh_of fd00:214:9::2)"
ip -n xvs-glue-a -6 neigh replace fd00:214:9::2 lladdr "$MAC2" dev eth0 nud stale
b0=$(drops_of vif2.0 spoof_mac)
in_ns xvs-glue-b $SPOOF na eth0 "$MAC2" fd00:214:9::2 "$MAC1" fd00:214:9::1 fd00:214:9::2 $FAKE
sleep 0.3
expect_drops spoof_mac "$b0" 1 "NA with a forged target link-layer address"
neigh_is fd00:214:9::2 "$MAC2" || sim_fail "a's neighbour cache poisoned: $(neigh_of fd00:214:9::2)"
in_ns xvs-glue-sw $SPOOF na $BR "$MAC_SW" fd00:214:9::2 "$MAC1" fd00:214:9::1 fd00:214:9::2 $FAKE
wait_until 2 neigh_is fd00:214:9::2 $FAKE ||
    sim_fail "control: the forged NA from the host port did not reach a's cache ($(neigh_of fd00:214:9::2))"
ip -n xvs-glue-a -6 neigh del fd00:214:9::2 dev eth0
echo "ok - NA with a forged target link-layer address: dropped as spoof_mac, a's cache kept"

# RA guard: b advertises a prefix; a must not configure an address from it
a_has() { ip -n xvs-glue-a -6 addr show dev eth0 | grep -q "inet6 $1"; }
b0=$(drops_of vif2.0 ra_guard)
in_ns xvs-glue-b $SPOOF ra eth0 "$MAC2" "$ll_b" 2001:db8:99::/64
sleep 1
expect_drops ra_guard "$b0" 1 "Router Advertisement from a guest"
! a_has 2001:db8:99: || sim_fail "a took an address from b's Router Advertisement"
in_ns xvs-glue-sw $SPOOF ra $BR "$MAC_SW" fe80::4 2001:db8:98::/64
wait_until 3 a_has 2001:db8:98: ||
    sim_fail "control: a did not take an address from the host port's Router Advertisement"
echo "ok - RA guard: b's Router Advertisement dropped as ra_guard (a took no address); the host port's is taken"

# DHCP-server guard: UDP from port 67 (IPv4) and 547 (IPv6)
ip -n xvs-glue-sw addr add fd00:214:9::4/64 dev $BR nodad
dhcp_check() { # FAMILY-ADDR-OF-A PORT-A SRC-B SPORT SRC-SW
    in_ns xvs-glue-a $SPOOF udp-recv "$1" "$2" 2 >"$SIM_DIR/udp.n" &
    rpid=$!
    sleep 0.3
    b0=$(drops_of vif2.0 dhcp_guard)
    in_ns xvs-glue-b $SPOOF udp-send "$3" "$4" "$6" "$2" 3
    wait $rpid
    [ "$(cat "$SIM_DIR/udp.n")" = 0 ] || sim_fail "a got $(cat "$SIM_DIR/udp.n") datagrams from b's port $4"
    expect_drops dhcp_guard "$b0" 3 "UDP from port $4"
    in_ns xvs-glue-a $SPOOF udp-recv "$1" "$2" 2 >"$SIM_DIR/udp.n" &
    rpid=$!
    sleep 0.3
    in_ns xvs-glue-sw $SPOOF udp-send "$5" "$4" "$6" "$2" 3
    wait $rpid
    [ "$(cat "$SIM_DIR/udp.n")" = 3 ] ||
        sim_fail "control: a got $(cat "$SIM_DIR/udp.n") of 3 datagrams from the host port's port $4"
}
dhcp_check 0.0.0.0 68 10.214.9.2 67 10.214.9.4 10.214.9.1
dhcp_check :: 546 fd00:214:9::2 547 fd00:214:9::4 fd00:214:9::1
ping_ok xvs-glue-a 10.214.9.2
echo "ok - DHCP-server guard: b's UDP from ports 67 and 547 dropped as dhcp_guard; the host port's delivered"
for why in "spoof_mac): ARP sender MAC is not the port's MAC" \
           "spoof_mac): NDP target link-layer address is not the port's MAC" \
           "ra_guard): IPv6 Router Advertisement" \
           "dhcp_guard): DHCPv4 server message (UDP source port 67)" \
           "dhcp_guard): DHCPv6 server message (UDP source port 547)"; do
    grep -qF "bridge $BR: port vif2.0: dropped ($why, from $MAC2" "$SIM_DIR/xvsd.err" ||
        sim_fail "no log line for the drop ($why"
done
echo "ok - each drop logged with the vif, the reason and the source MAC"

# ---- reload: [xen] changes wait for a restart, the vifs carry on ----
sed -i 's/^rx-queue-bytes = .*/rx-queue-bytes = 8388608/' "$SIM_DIR/xvs.conf"
kill -HUP "$PID_xvsd"
i=0
until grep -q "reload done" "$SIM_DIR/xvsd.err"; do
    i=$((i + 1)); [ $i -lt 100 ] || sim_fail "no reload: $(tail -3 "$SIM_DIR/xvsd.err")"
    sleep 0.05
done
grep -q "\[xen\] changed: takes effect at the next start" "$SIM_DIR/xvsd.err" ||
    sim_fail "reload did not say that [xen] changes need a restart"
[ "$(ctl -j vif-show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] ||
    sim_fail "vifs lost by the reload"
ping_ok xvs-glue-b 10.214.9.1
echo "ok - SIGHUP with a changed [xen]: logged for the next start, vifs untouched"

# ---- shutdown ----
kill -TERM "$PID_xvsd"
i=0
while kill -0 "$PID_xvsd" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 200 ] || sim_fail "xvsd still running 10 s after SIGTERM"
    sleep 0.05
done
wait "$PID_xvsd" && rc=0 || rc=$?
PID_xvsd=""
[ $rc = 0 ] || sim_fail "xvsd exited $rc: $(tail -5 "$SIM_DIR/xvsd.err")"
grep -q "guest backend stopped (2 vifs released)" "$SIM_DIR/xvsd.err" ||
    sim_fail "no clean netback stop in the log: $(tail -5 "$SIM_DIR/xvsd.err")"
if grep -E "\|err:|Sanitizer|runtime error" "$SIM_DIR/xvsd.err"; then
    sim_fail "errors in xvsd's log"
fi
! ip -n xvs-glue-sw link show $BR >/dev/null 2>&1 || sim_fail "host port $BR left behind"
[ ! -e "$SOCK" ] || sim_fail "control socket left behind"
echo "ok - SIGTERM: xvsd released both vifs, removed $BR and exited 0"
echo "all xvsd sim tests passed"
