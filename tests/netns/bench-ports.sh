#!/bin/bash
# Forwarding rate of the port-driver (uplink datapath) vs the Linux bridge,
# in the same run, on the same topology:
#   ns xvs-pt-ba (a0) --veth-- (pa0) ns xvs-pt-bs [switch] (pb0) --veth-- (b0) ns xvs-pt-bb
# trafgen in xvs-pt-ba sends SIZE-byte UDP frames to b0's MAC for DUR s;
# the rate is what b0 receives.  Prints "NAME pps" lines and the ratio.
# Usage: bench-ports.sh [PORT_DRIVER]   (env: DUR=5 SIZE=64; EXTRA=1 adds
# ping latency and a TCP stream for both; DRIVER_PREFIX="nice -n -10" runs
# the driver under that command; SINK=socket: a UDP sink in the
# receiving namespace, see setup())
set -u
DRIVER=${1:-$(dirname "$0")/port-driver}
DUR=${DUR:-5}; SIZE=${SIZE:-64}
NS_A=xvs-pt-ba NS_B=xvs-pt-bb NS_S=xvs-pt-bs
CFG=$(mktemp /tmp/xvs-pt-trafgen.XXXXXX)
DPID=

SINKPID=
cleanup() {
    [ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    [ -n "$SINKPID" ] && kill "$SINKPID" 2>/dev/null && wait "$SINKPID" 2>/dev/null
    for n in $NS_A $NS_B $NS_S; do ip netns del $n 2>/dev/null; done
    rm -f "$CFG"
}
trap cleanup EXIT

command -v trafgen >/dev/null || { echo "bench-ports: trafgen (netsniff-ng) is missing" >&2; exit 1; }
[ -x "$DRIVER" ] || { echo "bench-ports: $DRIVER not built" >&2; exit 1; }

setup() {
    cleanup; DPID=
    for n in $NS_A $NS_B $NS_S; do ip netns add $n; ip -n $n link set lo up; done
    ip -n $NS_A link add a0 type veth peer name pa0 netns $NS_S
    ip -n $NS_B link add b0 type veth peer name pb0 netns $NS_S
    ip -n $NS_A addr add 10.232.0.1/24 dev a0; ip -n $NS_B addr add 10.232.0.2/24 dev b0
    ip -n $NS_A link set a0 up; ip -n $NS_B link set b0 up
    ip -n $NS_S link set pa0 up; ip -n $NS_S link set pb0 up
    if [ "${SINK:-}" = socket ]; then
        # A UDP socket on port 9 that never reads: the blast is dropped at
        # its full buffer instead of costing an ICMP port unreachable each
        # (route lookups), work that runs in whichever context transmits
        # on the veth: trafgen's for the Linux bridge, the switch's here.
        ip netns exec $NS_B python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 9)); time.sleep(600)' &
        SINKPID=$!
    fi
}

blast() {
    local amac bmac pay r0 r1
    amac=$(ip -n $NS_A -br link show a0 | awk '{print $3}')
    bmac=$(ip -n $NS_B -br link show b0 | awk '{print $3}')
    pay=$((SIZE - 42)); [ $pay -lt 1 ] && pay=1
    echo "{ eth(da=$bmac, sa=$amac), ipv4(saddr=10.232.0.1, daddr=10.232.0.2, ttl=64), udp(sp=9, dp=9), fill(0x41, $pay) }" > "$CFG"
    ip netns exec $NS_A ping -c 2 -W 1 10.232.0.2 >/dev/null 2>&1 || { echo 0; return 1; }
    r0=$(ip netns exec $NS_B cat /sys/class/net/b0/statistics/rx_packets)
    ip netns exec $NS_A timeout "$DUR" trafgen -d a0 -c "$CFG" -q -P 1 >/dev/null 2>&1
    sleep 0.5
    r1=$(ip netns exec $NS_B cat /sys/class/net/b0/statistics/rx_packets)
    echo $(( (r1 - r0) / DUR ))
}

# extra: ping latency (avg ms) and one TCP stream (Gbit/s), a -> b
extra() {
    local rtt gbps
    rtt=$(ip netns exec $NS_A ping -c 20 -i 0.05 -W 1 10.232.0.2 | awk -F/ '/^rtt/ {print $5}')
    ip netns exec $NS_B timeout 10 iperf3 -s -1 -p 5232 >/dev/null 2>&1 &
    sleep 0.3
    gbps=$(ip netns exec $NS_A timeout 8 iperf3 -c 10.232.0.2 -p 5232 -t 3 -J 2>/dev/null \
           | awk -F'[:,]' '/"bits_per_second"/ {v = $2} END {printf "%.2f", v / 1e9}')
    wait
    echo "  $1 ping-avg-ms $rtt tcp-gbps $gbps"
}

setup
ip -n $NS_S link add br0 type bridge; ip -n $NS_S link set br0 up
ip -n $NS_S link set pa0 master br0; ip -n $NS_S link set pb0 master br0
lb=$(blast); echo "linux-bridge $lb"
[ -n "${EXTRA:-}" ] && extra linux-bridge

setup
ip netns exec $NS_S ${DRIVER_PREFIX:-} "$DRIVER" --bridge br0 --uplink pa0 --uplink pb0 --seconds $((DUR + 60)) \
    > /tmp/xvs-pt-bench.out 2>&1 &
DPID=$!
sleep 1
xv=$(blast); echo "port-driver $xv"
[ -n "${EXTRA:-}" ] && extra port-driver
kill -USR1 $DPID; sleep 0.3
grep "^port" /tmp/xvs-pt-bench.out | tail -2 | sed 's/ drop_[a-z_]* 0//g; s/^/  /'
awk -v a="$xv" -v b="$lb" 'BEGIN { if (b > 0) printf "ratio port-driver/linux-bridge %.2f\n", a / b }'
