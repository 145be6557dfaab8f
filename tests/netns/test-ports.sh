#!/bin/bash
# Port-level integration test (as root): uplink (AF_PACKET) and host (TAP)
# ports driven by tests/netns/port-driver, in network namespaces xvs-pt-*.
#
#   xvs-pt-a:a0 ---- pa0 \                          / pb0 ---- b0:xvs-pt-b
#   xvs-pt-c:c0 ---- pc (access 10)               |
#                        [ns xvs-pt-sw: bridge + host port xvs-pt0]
#   xvs-pt-t:t0 ---- pt (trunk 10)                \ pv (trunk 10) ---- v0:xvs-pt-v
#        (probe frames; later a second switch in xvs-pt-t: t0 trunk,
#         q0 access 10 ---- q1:xvs-pt-q)
#
# (namespaces are really named xvs-ptPID-*) and, for address takeover, xvs-pt-h:u0 ---- r0:xvs-pt-r with the driver
# running inside xvs-pt-h.  Every wait is bounded; namespaces are removed
# on exit.  Prints "ok:"/"FAIL:" per check and "test-ports: N passed, M
# failed"; exit status 0 only if every check passed.
set -u
# Namespace names are global: a per-run prefix lets two runs (two
# worktrees' `make check`) share the machine.
P=xvs-pt$$
HERE=$(cd "$(dirname "$0")" && pwd)
PROBE=$HERE/port-vlan-probe.py
DRIVER=${DRIVER:-$HERE/port-driver}
[ -x "$DRIVER" ] || DRIVER=${abs_top_builddir:-.}/tests/netns/port-driver
NSS="$P-sw $P-a $P-b $P-t $P-v $P-c $P-q $P-h $P-r"
OUT=$(mktemp -d /tmp/$P-test.XXXXXX)
DPID=
FAILS=0 PASSES=0

cleanup() {
    stop_driver
    for n in $NSS; do ip netns del "$n" 2>/dev/null; done
    rm -rf "$OUT"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; PASSES=$((PASSES + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
not() { ! "$@"; }

need() {
    [ "$(id -u)" = 0 ] || { echo "test-ports: needs root (network namespaces)"; exit 1; }
    for c in ip ping tc iperf3 timeout python3 tcpdump; do
        command -v $c >/dev/null || { echo "test-ports: '$c' is missing"; exit 1; }
    done
    [ -x "$DRIVER" ] || { echo "test-ports: port-driver not built ($DRIVER)"; exit 1; }
    [ -c /dev/net/tun ] || { echo "test-ports: /dev/net/tun is missing"; exit 1; }
}

# start_driver NS ARGS...: runs port-driver in NS, waits for "ready".
start_driver() {
    local ns=$1 i; shift
    : > "$OUT/drv.out"
    ip netns exec "$ns" "$DRIVER" --seconds 120 "$@" > "$OUT/drv.out" 2> "$OUT/drv.err" &
    DPID=$!
    for i in $(seq 50); do
        grep -q '^ready' "$OUT/drv.out" && return 0
        kill -0 $DPID 2>/dev/null || break
        sleep 0.1
    done
    echo "port-driver did not start:"; cat "$OUT/drv.err"
    DPID=
    return 1
}

stop_driver() {
    [ -n "$DPID" ] || return 0
    kill -TERM $DPID 2>/dev/null
    for _ in $(seq 50); do kill -0 $DPID 2>/dev/null || break; sleep 0.1; done
    kill -KILL $DPID 2>/dev/null
    wait $DPID 2>/dev/null
    DPID=
}

# stat PORT FIELD: value in a fresh stats block (SIGUSR1).
stat() {
    local n
    n=$(grep -c '^end' "$OUT/drv.out")
    kill -USR1 $DPID
    for _ in $(seq 30); do
        [ "$(grep -c '^end' "$OUT/drv.out")" -gt "$n" ] && break
        sleep 0.1
    done
    awk -v p="$1" -v f="$2" '
        /^stats/ { blk = "" } { blk = blk "\n" $0 }
        END { n = split(blk, l, "\n")
              for (i = 1; i <= n; i++) { k = split(l[i], w, " ")
                  if ((w[1] == "port" && w[2] == p) || (w[1] == p))
                      for (j = 1; j < k; j++) if (w[j] == f) v = w[j + 1] }
              print (v == "" ? 0 : v) }' "$OUT/drv.out"
}

pinga() { ip netns exec "$1" ping -c "${3:-3}" -i 0.2 -W 1 "$2" > "$OUT/ping" 2>&1; }
nodup() { ! grep -q DUP "$OUT/ping"; }
promisc() { ip -n $P-sw -d link show "$1" | grep -o 'promiscuity [0-9]*' | awk '{print $2}'; }

mkns() { for n in "$@"; do ip netns add "$n"; ip -n "$n" link set lo up; done; }
# veth NS_A IF_A NS_B IF_B
veth() { ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
         ip -n "$1" link set "$2" up; ip -n "$3" link set "$4" up; }

need
for n in $NSS; do ip netns del "$n" 2>/dev/null; done

# ---------------------------------------------------------------- switching
mkns $P-sw $P-a $P-b $P-t $P-v $P-c $P-q
veth $P-a a0 $P-sw pa0
veth $P-b b0 $P-sw pb0
veth $P-t t0 $P-sw pt
veth $P-v v0 $P-sw pv
veth $P-c c0 $P-sw pc
veth $P-q q1 $P-t q0
ip -n $P-c addr add 10.231.10.1/24 dev c0
ip -n $P-q addr add 10.231.10.2/24 dev q1
ip -n $P-a addr add 10.231.0.1/24 dev a0
ip -n $P-b addr add 10.231.0.2/24 dev b0
start_driver $P-sw --bridge xvs-ptbr --uplink pa0 --uplink pb0 \
    --uplink pt,trunk=10 --uplink pv,trunk=10 --uplink pc,access=10 --host xvs-pt0 || exit 1
ip -n $P-sw addr add 10.231.0.3/24 dev xvs-pt0

check "ping a -> b through two uplinks" pinga $P-a 10.231.0.2
check "no duplicate replies" nodup
check "ping b -> a" pinga $P-b 10.231.0.1
check "ping a -> host port (TAP)" pinga $P-a 10.231.0.3
check "ping host port -> b" pinga $P-sw 10.231.0.2
# VLAN: tagged frames in on one trunk leave the other with the same tag,
# and never reach access ports of VLAN 1; untagged ones from a trunk
# without native VLAN go nowhere.
vlan() { # vlan SEND_NS SEND_IF VID RECV_NS RECV_IF RECV_VID -> frames received
    rm -f "$OUT/vlan-ready" "$OUT/vlan-sent"
    ip netns exec "$4" python3 "$PROBE" recv "$5" "$6" 1 "$OUT/vlan-ready" "$OUT/vlan-sent" > "$OUT/vlan" &
    local r=$!
    for _ in $(seq 100); do [ -e "$OUT/vlan-ready" ] && break; sleep 0.05; done
    ip netns exec "$1" python3 "$PROBE" send "$2" ff:ff:ff:ff:ff:ff "$3" 5
    touch "$OUT/vlan-sent"
    wait $r
    cat "$OUT/vlan"
}
check "VLAN 10 tagged t0 -> trunk -> trunk -> v0 keeps tag 10" test "$(vlan $P-t t0 10 $P-v v0 10)" = 5
check "VLAN 10 tagged v0 -> t0 keeps tag 10" test "$(vlan $P-v v0 10 $P-t t0 10)" = 5
check "VLAN 10 frames do not reach access port a (VLAN 1)" test "$(vlan $P-t t0 10 $P-a a0 10)$(vlan $P-t t0 10 $P-a a0 0)" = 00
check "untagged frames from a trunk without native VLAN reach nobody" \
    test "$(vlan $P-t t0 0 $P-a a0 0)$(vlan $P-t t0 0 $P-v v0 0)" = 00
check "untagged frames from access port a do not leave trunk v" \
    test "$(vlan $P-a a0 0 $P-v v0 0)$(vlan $P-a a0 0 $P-v v0 1)" = 00
check "uplink pa0 is promiscuous while open" test "$(promisc pa0)" -ge 1

# TCP with checksum offload and GSO (veth and TAP hand over partial
# checksums and 64 KiB segments): payload must arrive intact.
tcp() { # tcp CLIENT_NS SERVER_NS SERVER_IP
    ip netns exec "$2" timeout 15 iperf3 -s -1 -p 5231 > "$OUT/iperf-s" 2>&1 &
    local s=$!
    for _ in $(seq 100); do
        ip netns exec "$2" ss -Hltn 'sport = :5231' | grep -q . && break
        sleep 0.05
    done
    ip netns exec "$1" timeout 12 iperf3 -c "$3" -p 5231 -n 20M -J > "$OUT/iperf-c" 2>&1
    local rc=$?
    wait $s
    [ $rc = 0 ] && grep -q '"bytes":[[:space:]]*20971520' "$OUT/iperf-c"
}
check "TCP 20 MB a -> b (uplink -> uplink, GSO)" tcp $P-a $P-b 10.231.0.2
check "TCP 20 MB host port -> b (TAP TSO -> uplink)" tcp $P-sw $P-b 10.231.0.2
check "TCP 20 MB b -> host port (uplink GSO -> TAP)" tcp $P-b $P-sw 10.231.0.3

# TCP over an 802.1Q trunk between two switches (GSO frames leave tagged
# and come back tagged): c (access 10) - [sw] pt ==trunk== t0 [t] q0
# (access 10) - q.  The second switch is another port-driver in $P-t.
ip netns exec $P-t "$DRIVER" --bridge xvs-ptb2 --uplink t0,trunk=10 --uplink q0,access=10 \
    --seconds 60 > "$OUT/drv2.out" 2> "$OUT/drv2.err" &
D2=$!
for _ in $(seq 50); do grep -q '^ready' "$OUT/drv2.out" && break; sleep 0.1; done
check "VLAN 10 across two switches: c -> q" pinga $P-c 10.231.10.2
check "TCP 20 MB c -> q over the trunk" tcp $P-c $P-q 10.231.10.2
check "TCP 20 MB q -> c over the trunk" tcp $P-q $P-c 10.231.10.1
kill -TERM $D2; wait $D2

# The uplink device's own stack: frames to pa0's MAC are the host's, not
# flooded through the switch.
ip -n $P-sw addr add 10.231.5.1/24 dev pa0
ip -n $P-a addr add 10.231.5.2/24 dev a0
ip netns exec $P-b timeout 5 tcpdump -l -n -i b0 -c 1 "icmp and host 10.231.5.1" \
    > "$OUT/cap-b" 2> "$OUT/cap-b.err" &
cap=$!
for _ in $(seq 60); do grep -q 'listening on' "$OUT/cap-b.err" && break; sleep 0.05; done
check "tcpdump listens on b0" grep -q 'listening on' "$OUT/cap-b.err"
check "a pings the uplink device's own address" pinga $P-a 10.231.5.1
wait $cap
check "frames to the uplink's own MAC are not flooded to b" test "$(grep -c ' > ' "$OUT/cap-b")" = 0
ip -n $P-sw addr del 10.231.5.1/24 dev pa0

moved=$(stat fdb moved)
check "own transmissions never learned back (fdb moved = $moved)" test "$moved" = 0
check "MAC of b learned on pb0 only" test "$(stat pb0 fdb_learned)" = 1

# Link down on pb0: frames to b are dropped and counted, then recover.
d0=$(stat pb0 drop_link_down)
ip -n $P-sw link set pb0 down
sleep 0.3
check "no ping a -> b while pb0 is down" not pinga $P-a 10.231.0.2 2
d1=$(stat pb0 drop_link_down)
check "link-down drops counted on pb0 ($d0 -> $d1)" test "$d1" -gt "$d0"
grep -q 'uplink pb0: link down' "$OUT/drv.err"; check "link down logged" test $? = 0
ip -n $P-sw link set pb0 up
sleep 1
check "ping a -> b after pb0 is up again" pinga $P-a 10.231.0.2

# Carrier loss (the far end goes down, as when a cable is pulled).
link_is() { for _ in $(seq 40); do [ "$(stat "$1" link)" = "$2" ] && return 0; sleep 0.1; done; return 1; }
ip -n $P-b link set b0 down
check "carrier loss on pb0 followed" link_is pb0 down
ip -n $P-b link set b0 up
check "carrier back on pb0 followed" link_is pb0 up
check "ping a -> b after the carrier came back" pinga $P-a 10.231.0.2

# Device removed and created again under the same name.
bmac=$(ip -n $P-b -br link show b0 | awk '{print $3}')
ip -n $P-sw link del pb0
sleep 0.3
grep -q 'uplink pb0: device removed' "$OUT/drv.err"; check "device removal logged" test $? = 0
ip -n $P-b link add b0 address "$bmac" type veth peer name pb0 netns $P-sw
ip -n $P-b addr add 10.231.0.2/24 dev b0
ip -n $P-b link set b0 up; ip -n $P-sw link set pb0 up
sleep 1
check "ping a -> b after pb0 was re-created" pinga $P-a 10.231.0.2 5

# MTU: frames longer than the output uplink's MTU are dropped and counted.
m0=$(stat pb0 drop_mtu)
ip -n $P-sw link set pb0 mtu 1000
sleep 0.3
check "ping with 1200-byte payload, pb0 MTU 1000: dropped" \
    not ip netns exec $P-a ping -c 2 -i 0.2 -W 1 -s 1200 -M dont 10.231.0.2 > /dev/null
check "MTU drops counted on pb0" test "$(stat pb0 drop_mtu)" -ge $((m0 + 2))
check "small frames still pass" pinga $P-a 10.231.0.2 2
ip -n $P-sw link set pb0 mtu 1500
# MTU raised after the ring slots were sized: big frames still pass (RX:
# the kernel's copy queue, TX: the second socket).
mtu_all() { ip -n $P-a link set a0 mtu $1; ip -n $P-sw link set pa0 mtu $1
            ip -n $P-sw link set pb0 mtu $1; ip -n $P-b link set b0 mtu $1; }
mtu_all 4000
sleep 0.3
check "MTU raised to 4000: 3500-byte pings pass unfragmented" \
    sh -c "ip netns exec $P-a ping -c 2 -i 0.2 -W 1 -s 3500 -M do 10.231.0.2 >/dev/null"
mtu_all 1500

# Host port: admin down drops, up recovers; deleting the TAP under the
# driver neither crashes it nor makes it spin.
ip -n $P-sw link set xvs-pt0 down
sleep 0.3
check "no ping a -> host port while it is down" not pinga $P-a 10.231.0.3 2
ip -n $P-sw link set xvs-pt0 up
ip -n $P-sw addr add 10.231.0.3/24 dev xvs-pt0 2>/dev/null
sleep 1
check "ping a -> host port after up" pinga $P-a 10.231.0.3
cpu() { awk '{print $14 + $15}' /proc/$DPID/stat; }
ip -n $P-sw link del xvs-pt0
sleep 0.3
c0=$(cpu); sleep 1; c1=$(cpu)
check "TAP deleted under the driver: no busy loop ($((c1 - c0)) ticks/s)" test $((c1 - c0)) -lt 20
grep -q 'host port xvs-pt0: device was deleted' "$OUT/drv.err"; check "TAP deletion logged" test $? = 0
check "driver still forwards a -> b" pinga $P-a 10.231.0.2

stop_driver
check "promiscuous membership dropped after exit" test "$(promisc pa0)" = 0
grep -q '^port pa0 kind uplink' "$OUT/drv.out"; check "final stats printed" test $? = 0

# ---------------------------------------------------------------- takeover
mkns $P-h $P-r
veth $P-h u0 $P-r r0
ip -n $P-r addr add 10.231.1.1/24 dev r0
ip -n $P-r addr add 2001:db8:231::1/64 dev r0 nodad
ip -n $P-r addr add 10.231.2.1/24 dev r0
ip -n $P-h addr add 10.231.1.2/24 dev u0
ip -n $P-h addr add 2001:db8:231::2/64 dev u0 nodad
ip -n $P-h route add default via 10.231.1.1
ip -n $P-h route add 10.231.77.0/24 via 10.231.1.1 metric 7
ip -n $P-h -6 route add default via 2001:db8:231::1
sleep 0.3
check "before takeover: h reaches r" pinga $P-h 10.231.2.1 1

# An unclean stop (kill -9) first: the TAP is persistent and keeps the
# addresses (ports/hpstate.h).  Deleted while xvsd is down, it takes them
# along; the next start repairs the uplink from its record, then takes
# over again.
start_driver $P-h --bridge xvs-ptbr --uplink u0 --host xvs-ptbr --takeover u0 \
    --state-dir "$OUT" || exit 1
check "takeover record written" test -s "$OUT/takeover-u0"
kill -KILL $DPID; wait $DPID 2>/dev/null; DPID=
check "promiscuous membership dropped by the kernel after kill -9" \
    test "$(ip -n $P-h -d link show u0 | grep -o 'promiscuity [0-9]*' | awk '{print $2}')" = 0
check "after kill -9 the persistent TAP keeps the addresses" \
    sh -c "ip -n $P-h addr show dev xvs-ptbr | grep -q 10.231.1.2"
check "host port record written" test -s "$OUT/hostport-xvs-ptbr"
ip -n $P-h link del xvs-ptbr
check "TAP deleted while xvsd is down: the addresses are gone with it" \
    sh -c "! ip -n $P-h addr show | grep -q 10.231.1.2"
start_driver $P-h --bridge xvs-ptbr --uplink u0 --host xvs-ptbr --takeover u0 \
    --state-dir "$OUT" --ageing 2 || exit 1
grep -q 'u0: restored 5 address(es)/route(s) of a takeover' "$OUT/drv.err"
check "restart repaired the unclean stop (2 addresses, 3 routes)" test $? = 0
check "address moved to the TAP" sh -c "ip -n $P-h -br addr show dev xvs-ptbr | grep -q 10.231.1.2/24"
check "IPv6 address moved to the TAP" sh -c "ip -n $P-h -br addr show dev xvs-ptbr | grep -q 2001:db8:231::2/64"
check "uplink has no IPv4 address left" sh -c "! ip -n $P-h -br addr show dev u0 | grep -q 10.231.1.2"
check "default route via the TAP" sh -c "ip -n $P-h route show default | grep -q 'dev xvs-ptbr'"
check "static route via the TAP (metric kept)" \
    sh -c "ip -n $P-h route show 10.231.77.0/24 | grep -q 'dev xvs-ptbr.*metric 7'"
check "IPv6 default route via the TAP" sh -c "ip -n $P-h -6 route show default | grep -q 'dev xvs-ptbr'"
check "TAP has the uplink's MAC" test "$(ip -n $P-h -br link show xvs-ptbr | awk '{print $3}')" = \
    "$(ip -n $P-h -br link show u0 | awk '{print $3}')"
check "uplink isolated (BPF classifier on ingress)" \
    sh -c "tc -n $P-h filter show dev u0 ingress | grep -q xvs-isolate"
check "h -> r off-link via default route through the switch" pinga $P-h 10.231.2.1
check "  ... without duplicates" nodup
sleep 3    # the host's MAC ages out of the FDB (ageing 2 s)
check "r -> h, host's MAC not in the FDB (shared with the uplink)" pinga $P-r 10.231.1.2
check "  ... without duplicates" nodup
check "IPv6 h -> r" pinga $P-h 2001:db8:231::1
check "TCP 20 MB r -> h through the switch" tcp $P-r $P-h 10.231.1.2
stop_driver
check "give back: address on u0 again" sh -c "ip -n $P-h -br addr show dev u0 | grep -q 10.231.1.2/24"
check "give back: IPv6 address on u0 again" sh -c "ip -n $P-h -br addr show dev u0 | grep -q 2001:db8:231::2/64"
check "give back: default route via u0" sh -c "ip -n $P-h route show default | grep -q 'dev u0'"
check "give back: static route via u0" sh -c "ip -n $P-h route show 10.231.77.0/24 | grep -q 'dev u0.*metric 7'"
check "give back: IPv6 default route via u0" sh -c "ip -n $P-h -6 route show default | grep -q 'dev u0'"
check "give back: classifier removed" sh -c "! tc -n $P-h filter show dev u0 ingress | grep -q bpf"
check "takeover record removed by give back" test ! -e "$OUT/takeover-u0"
check "TAP removed after exit" sh -c "! ip -n $P-h link show xvs-ptbr 2>/dev/null"
check "after give back: h reaches r directly" pinga $P-h 10.231.2.1

# ---------------------------------------------------------------- errors
ip netns exec $P-h "$DRIVER" --bridge x --uplink nosuch9 --seconds 1 > /dev/null 2> "$OUT/err"
check "missing uplink: exit status 1" test $? = 1
check "missing uplink: message names it" grep -q 'uplink nosuch9: no such device' "$OUT/err"
ip netns exec $P-h "$DRIVER" --bridge x --host u0 --seconds 1 > /dev/null 2> "$OUT/err"
check "host port over an existing device refused" grep -q 'host port u0: .*already exists' "$OUT/err"

[ $FAILS != 0 ] && { echo "driver log:"; cat "$OUT/drv.err"; }
echo "test-ports: $PASSES passed, $FAILS failed"
[ $FAILS = 0 ]
