#!/bin/bash
# forward-bench.sh: frames/s forwarded between two veth-attached namespaces
# by xvsd, the Linux bridge and Open vSwitch (userspace datapath,
# datapath_type=netdev), in the same run, for 64- and 1500-byte frames.
#
#   ns xvs-bench-P-a        ns xvs-bench-P-sw              ns xvs-bench-P-b
#   a0 ──veth── pa0 ─┐                           ┌─ pb0 ──veth── b0
#                    └─ switch under test ───────┘
#
# trafgen (one CPU) sends frames from a0 to b0's MAC for DUR seconds; the
# rate is what arrives at b0 (rx_packets).  MACs are learned by a ping first.
# The switches run in their own namespace so nothing touches the host.
#
# Frames are of a local experimental EtherType (0x88b5) by default, which
# b0's stack drops at once: with UDP, b0's IP stack (route lookups, ICMP port
# unreachable, the ICMP replies crossing the switch back) runs inside the
# sendto() of whichever process transmits to pb0 -- the switch's own thread
# for xvsd and OVS, softirq of the sender for the Linux bridge -- and that
# would be measured as switch cost.  FRAME=udp gives the UDP frames of
# ../shared/peers/bench-peers.sh.
#
# Usage: forward-bench.sh [PEER...]   PEER: xvsd linux-bridge ovs-netdev direct
#   (default: xvsd linux-bridge ovs-netdev; "direct" is a bare veth pair, the
#   ceiling of the sender)
# Environment: DUR (seconds per measurement, default 5), SIZES (default
#   "64 1500"), FRAME (raw or udp, default raw), XVSD (default ./daemon/xvsd), PROFILE=1 (perf profile of
#   xvsd, top symbols printed), MARKDOWN=1 (also print a README table).
set -u
DUR=${DUR:-5}
SIZES=${SIZES:-64 1500}
XVSD=${XVSD:-./daemon/xvsd}
PEERS=${*:-xvsd linux-bridge ovs-netdev}
NA=xvs-bench-$$-a NB=xvs-bench-$$-b NS=xvs-bench-$$-sw   # unique per run
TMP=$(mktemp -d /tmp/xvs-bench.XXXXXX)
SW_PID='' OVSDIR=''

die() { echo "forward-bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run me as root"
for t in trafgen ip ping; do command -v $t >/dev/null || die "$t missing (scripts/setup-deps.sh)"; done

stop_switch() {
    if [ -n "$SW_PID" ]; then
        kill "$SW_PID" 2>/dev/null; wait "$SW_PID" 2>/dev/null; SW_PID=
    fi
    if [ -n "$OVSDIR" ]; then
        ip netns exec $NS ovs-appctl -t "$OVSDIR/ovs-vswitchd.ctl" exit 2>/dev/null
        ip netns exec $NS ovs-appctl -t "$OVSDIR/ovsdb-server.ctl" exit 2>/dev/null
        sleep 0.5; OVSDIR=
    fi
}
teardown() {
    stop_switch
    for n in $NA $NB $NS; do ip netns del $n 2>/dev/null; done
}
cleanup() { teardown; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Fresh namespaces and veths for each peer, so no state leaks between them.
setup_ns() {
    teardown
    for n in $NA $NB $NS; do
        ip netns add $n; ip -n $n link set lo up
        ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    done
    ip link add a0 netns $NA address 02:00:00:be:00:01 type veth peer name pa0 netns $NS
    ip link add b0 netns $NB address 02:00:00:be:00:02 type veth peer name pb0 netns $NS
    ip -n $NA addr add 10.241.0.1/24 dev a0; ip -n $NB addr add 10.241.0.2/24 dev b0
    for l in "$NA a0" "$NB b0" "$NS pa0" "$NS pb0"; do ip -n ${l% *} link set ${l#* } up; done
}

start_xvsd() {
    [ -x "$XVSD" ] || die "$XVSD not built (set XVSD)"
    cat > "$TMP/xvs.conf" <<EOC
[global]
log-level = warn
[bridge xbr0]
host-port = no
[port xbr0 pa0]
vlan = 1
[port xbr0 pb0]
vlan = 1
EOC
    ip netns exec $NS env -u JOURNAL_STREAM -u NOTIFY_SOCKET "$XVSD" --foreground \
        --config "$TMP/xvs.conf" --control "$TMP/xvsd.sock" 2>"$TMP/xvsd.log" &
    SW_PID=$!
    for _ in $(seq 50); do [ -S "$TMP/xvsd.sock" ] && return 0; sleep 0.1; done
    cat "$TMP/xvsd.log" >&2; die "xvsd did not start"
}

start_linux_bridge() {
    ip -n $NS link add xbr0 type bridge
    ip -n $NS link set xbr0 up
    ip -n $NS link set pa0 master xbr0
    ip -n $NS link set pb0 master xbr0
}

start_ovs_netdev() {
    command -v ovs-vswitchd >/dev/null || die "ovs-vswitchd missing (openvswitch-switch)"
    OVSDIR=$TMP/ovs; mkdir -p "$OVSDIR"
    local x="ip netns exec $NS"
    ovsdb-tool create "$OVSDIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema >/dev/null
    $x ovsdb-server "$OVSDIR/conf.db" --remote=punix:"$OVSDIR/db.sock" \
        --pidfile="$OVSDIR/ovsdb.pid" --unixctl="$OVSDIR/ovsdb-server.ctl" \
        --detach --log-file="$OVSDIR/ovsdb.log" 2>/dev/null
    $x ovs-vsctl --db=unix:"$OVSDIR/db.sock" --no-wait init
    $x ovs-vswitchd unix:"$OVSDIR/db.sock" --pidfile="$OVSDIR/vswitchd.pid" \
        --unixctl="$OVSDIR/ovs-vswitchd.ctl" --detach --log-file="$OVSDIR/vswitchd.log" 2>/dev/null
    local V="$x ovs-vsctl --timeout=10 --db=unix:$OVSDIR/db.sock"
    $V add-br xbr0 -- set bridge xbr0 datapath_type=netdev
    $V add-port xbr0 pa0
    $V add-port xbr0 pb0
    sleep 2
}

direct() {   # no switch: one veth pair a0 -- b0
    teardown
    for n in $NA $NB; do ip netns add $n; ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
    ip link add a0 netns $NA address 02:00:00:be:00:01 type veth peer name b0 netns $NB address 02:00:00:be:00:02
    ip -n $NA addr add 10.241.0.1/24 dev a0; ip -n $NB addr add 10.241.0.2/24 dev b0
    ip -n $NA link set a0 up; ip -n $NB link set b0 up
}

# blast SIZE: frames/s that reach b0 while trafgen sends SIZE-byte frames
# (without FCS) for DUR seconds.
blast() {
    local size=$1 pay
    if [ "${FRAME:-raw}" = udp ]; then
        pay=$(( size - 42 )); [ $pay -lt 18 ] && pay=18    # 60 bytes minimum
        echo "{ eth(da=02:00:00:be:00:02, sa=02:00:00:be:00:01), ipv4(saddr=10.241.0.1, daddr=10.241.0.2, ttl=64), udp(sp=9, dp=9), fill(0x41, $pay) }"
    else
        pay=$(( size - 14 )); [ $pay -lt 46 ] && pay=46
        echo "{ eth(da=02:00:00:be:00:02, sa=02:00:00:be:00:01, type=0x88b5), fill(0x41, $pay) }"
    fi > "$TMP/trafgen.cfg"
    ip netns exec $NA ping -c 3 -i 0.2 -W 1 -q 10.241.0.2 >/dev/null 2>&1 \
        || { echo "no-connectivity"; return 1; }
    local rx=/sys/class/net/b0/statistics/rx_packets r0 r1
    r0=$(ip netns exec $NB cat $rx)
    ip netns exec $NA timeout "$DUR" trafgen -d a0 -c "$TMP/trafgen.cfg" -q -P 1 >/dev/null 2>&1
    sleep 0.5
    r1=$(ip netns exec $NB cat $rx)
    echo $(( (r1 - r0) / DUR ))
}

profile_xvsd() {   # perf profile of xvsd during one more blast
    command -v perf >/dev/null || { echo "  (perf missing: no profile)"; return; }
    perf record -q -g -p "$SW_PID" -o "$TMP/perf.data" -- sleep "$DUR" >/dev/null 2>&1 &
    local p=$!
    blast "$1" >/dev/null
    wait $p
    echo "  xvsd profile, $1-byte frames: time by object"
    perf report -q -i "$TMP/perf.data" --no-children -g none --sort dso 2>/dev/null \
        | grep -v "^$" | head -n 5 | sed "s/^/    /"
    echo "  top 15 symbols:"
    perf report -q -i "$TMP/perf.data" --no-children -g none --sort symbol 2>/dev/null \
        | grep -v "^$" | head -n 15 | sed "s/^/    /"
}

declare -A RESULT
for peer in $PEERS; do
    case $peer in
    xvsd) setup_ns; start_xvsd ;;
    linux-bridge) setup_ns; start_linux_bridge ;;
    ovs-netdev) setup_ns; start_ovs_netdev ;;
    direct) direct ;;
    *) die "unknown peer $peer (xvsd linux-bridge ovs-netdev direct)" ;;
    esac
    for size in $SIZES; do
        RESULT[$peer,$size]=$(blast "$size")
        printf '%-13s %5s bytes: %10s frames/s\n' "$peer" "$size" "${RESULT[$peer,$size]}"
        if [ "$peer" = xvsd ] && [ "${PROFILE:-0}" = 1 ]; then profile_xvsd "$size"; fi
    done
    stop_switch
done

ratio() {   # ratio A B -> "A/B" with two decimals, or "-"
    [[ "${1:-}" =~ ^[0-9]+$ && "${2:-}" =~ ^[0-9]+$ && "$2" -gt 0 ]] || { echo "-"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}
echo
printf '%-6s %12s %14s %12s %16s %12s\n' size xvsd linux-bridge ovs-netdev xvsd/linux-br xvsd/ovs
for size in $SIZES; do
    printf '%-6s %12s %14s %12s %16s %12s\n' "$size" "${RESULT[xvsd,$size]:--}" \
        "${RESULT[linux-bridge,$size]:--}" "${RESULT[ovs-netdev,$size]:--}" \
        "$(ratio "${RESULT[xvsd,$size]:-}" "${RESULT[linux-bridge,$size]:-}")" \
        "$(ratio "${RESULT[xvsd,$size]:-}" "${RESULT[ovs-netdev,$size]:-}")"
done
if [ "${MARKDOWN:-0}" = 1 ]; then
    echo
    echo "| frame | xvsd (frames/s) | Linux bridge | OVS userspace | xvsd / Linux bridge | xvsd / OVS |"
    echo "|---|---|---|---|---|---|"
    for size in $SIZES; do
        echo "| $size B | ${RESULT[xvsd,$size]:--} | ${RESULT[linux-bridge,$size]:--} | ${RESULT[ovs-netdev,$size]:--} | $(ratio "${RESULT[xvsd,$size]:-}" "${RESULT[linux-bridge,$size]:-}")× | $(ratio "${RESULT[xvsd,$size]:-}" "${RESULT[ovs-netdev,$size]:-}")× |"
    done
fi
