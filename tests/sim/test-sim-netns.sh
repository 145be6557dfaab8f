#!/bin/sh
# Real traffic through sim guests (root; network namespaces xvs-nb-*):
#
#   ns xvs-nb-a: guest dom1, TAP eth0 10.213.7.1 --+
#   ns xvs-nb-b: guest dom2, TAP eth0 10.213.7.2 --+-- xvs-simback (ns xvs-nb-sw)
#   ns xvs-nb-c: veth     eth0 10.213.7.3 --uplink-+   bridge simbr0 with
#   ns xvs-nb-sw: host port xvsnb0  10.213.7.4 ----+   3 vifs, uplink, host port
#   ns xvs-nb-d: guest dom4 without SG/GSO, 10.213.7.5 (TCP from a GSO guest
#                reaches it cut into MSS segments)
#
# ping and iperf3 (TCP, with the guests' TSO/checksum offloads through
# GSO extras and csum_blank) between the two guests, guest -> uplink
# namespace and guest -> host port; IPv6 ping between the guests.
# Every loop is bounded; everything is removed on exit.
set -e
SIMBIN=${SIMBIN:-$PWD/tests/sim}
. "$(dirname "$0")/sim-lib.sh"
NS="xvs-nb-a xvs-nb-b xvs-nb-c xvs-nb-d xvs-nb-sw"
IPERF_T=${IPERF_T:-3}

cleanup() {
    sim_cleanup
    sim_netns_del $NS
}
trap cleanup EXIT INT TERM
sim_need_built "$SIMBIN/xvs-simfront" "$SIMBIN/xvs-simback"
sim_need_root
sim_need_cmds iperf3
sim_netns_add $NS
in_ns() { n=$1; shift; ip netns exec "$n" "$@"; }

# guests: the TAP appears inside the guest's namespace
sim_tap_guest ga xvs-nb-a 1
sim_tap_guest gb xvs-nb-b 2
sim_tap_guest gd xvs-nb-d 4 --no-sg --no-gso
ip link add veth-nb-sw type veth peer name veth-nb-c
ip link set veth-nb-sw netns xvs-nb-sw
ip link set veth-nb-c netns xvs-nb-c
ip -n xvs-nb-c link set veth-nb-c name eth0
ip -n xvs-nb-sw link set veth-nb-sw up
sim_wait_guests 1 2 4
ip netns exec xvs-nb-sw "$SIMBIN/xvs-simback" --dir "$SIM_DIR" --vif "$SIM_DIR/dom1.vif0" \
    --vif "$SIM_DIR/dom2.vif0" --vif "$SIM_DIR/dom4.vif0" --uplink veth-nb-sw \
    --hostport xvsnb0 >"$SIM_DIR/back.out" 2>"$SIM_DIR/back.err" &
SIM_PIDS="$SIM_PIDS $!"
PID_back=$!
i=0
until grep -q ready "$SIM_DIR/back.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || sim_fail "backend did not start: $(cat "$SIM_DIR/back.err")"
    sleep 0.05
done

addr() { # NS DEV ADDR
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" addr add "fd77:213:7::${3##*.}/64" dev "$2" nodad
    ip -n "$1" link set "$2" up
}
addr xvs-nb-a eth0 10.213.7.1
addr xvs-nb-b eth0 10.213.7.2
addr xvs-nb-c eth0 10.213.7.3
addr xvs-nb-sw xvsnb0 10.213.7.4
addr xvs-nb-d eth0 10.213.7.5

ping_ok() { # NS DST
    in_ns "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 ||
    in_ns "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 ||
        sim_fail "ping $1 -> $2"
    echo "ok - ping $1 -> $2"
}
ping_ok xvs-nb-a 10.213.7.2
ping_ok xvs-nb-b 10.213.7.1
ping_ok xvs-nb-a 10.213.7.3
ping_ok xvs-nb-a 10.213.7.4
ping_ok xvs-nb-a fd77:213:7::2

iperf() { # CLIENT_NS SERVER_NS SERVER_ADDR
    in_ns "$2" iperf3 -s -1 -B "$3" >/dev/null 2>&1 &
    SIM_PIDS="$SIM_PIDS $!"
    sleep 0.3
    in_ns "$1" timeout $((IPERF_T + 10)) iperf3 -c "$3" -t "$IPERF_T" -J >"$SIM_DIR/iperf.json" ||
        sim_fail "iperf3 $1 -> $3"
    gbps=$(python3 -c "import json; j=json.load(open('$SIM_DIR/iperf.json')); print('%.2f' % (j['end']['sum_received']['bits_per_second'] / 1e9))")
    echo "ok - iperf3 TCP $1 -> $3: $gbps Gbit/s"
}
iperf xvs-nb-a xvs-nb-b 10.213.7.2
iperf xvs-nb-b xvs-nb-a 10.213.7.1
iperf xvs-nb-a xvs-nb-c 10.213.7.3
iperf xvs-nb-c xvs-nb-a 10.213.7.1
# (TSO frames dropped instead of segmented would stall this stream)
iperf xvs-nb-a xvs-nb-d 10.213.7.5
iperf xvs-nb-d xvs-nb-a 10.213.7.1

# Restart without loss: kill -9 the backend under a ping and a TCP stream,
# start it again; it re-attaches to the running guests from the ring
# indices (no frontend reconnect) and both go on.
start_back() {
    ip netns exec xvs-nb-sw "$SIMBIN/xvs-simback" --dir "$SIM_DIR" --vif "$SIM_DIR/dom1.vif0" \
        --vif "$SIM_DIR/dom2.vif0" --vif "$SIM_DIR/dom4.vif0" --uplink veth-nb-sw \
        --hostport xvsnb0 >"$SIM_DIR/back.out" 2>"$SIM_DIR/back.err" &
    SIM_PIDS="$SIM_PIDS $!"
    PID_back=$!
}
in_ns xvs-nb-a ping -c 100 -i 0.05 -W 1 10.213.7.2 >"$SIM_DIR/ping.out" 2>&1 &
PID_ping=$!
in_ns xvs-nb-b iperf3 -s -1 -B 10.213.7.2 >/dev/null 2>&1 &
SIM_PIDS="$SIM_PIDS $! $PID_ping"
sleep 0.3
in_ns xvs-nb-a timeout 20 iperf3 -c 10.213.7.2 -t 5 -J >"$SIM_DIR/iperf.json" &
PID_iperf=$!
sleep 1.5
kill -9 "$PID_back"
wait "$PID_back" 2>/dev/null || true
t0=$(date +%s.%N)
start_back
sim_wait "$PID_ping" 20
wait "$PID_iperf" || sim_fail "restart: iperf3 failed across the restart"
recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$SIM_DIR/ping.out")
[ "${recv:-0}" -ge 80 ] || sim_fail "restart: only ${recv:-0}/100 pings (50 ms apart) answered"
gbps=$(python3 -c "import json; j=json.load(open('$SIM_DIR/iperf.json')); print('%.2f' % (j['end']['sum_received']['bits_per_second'] / 1e9))")
rtt=$(sed -n 's|.*= [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p' "$SIM_DIR/ping.out")
echo "ok - kill -9 + restart of the backend: $recv/100 pings answered, max RTT ${rtt} ms" \
     "(the gap), TCP stream survived at $gbps Gbit/s"

kill -INT "$PID_back"
sim_wait "$PID_back" 10
for v in vif1.0 vif2.0; do
    s=$(port $v "p['state']")
    [ "$s" = connected ] || sim_fail "$v is $s"
    e=$(port $v "p['counters']['rx_copy_errors'] + p['counters']['tx_copy_errors']")
    [ "$e" = 0 ] || sim_fail "$v: $e grant copy errors"
done
echo "vif1.0 counters: $(port vif1.0 "p['counters']")"
echo "all sim netns tests passed"
