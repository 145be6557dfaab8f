#!/bin/bash
# hostport-restart: what kill -9 + restart costs around the host ports, for
# two xvsd binaries side by side (e.g. before and after the persistent TAP,
# docs/restart.md).  Root; namespace xvs-hp4-bench; bridges hp4m0, hp4m1
# with host ports, 10.77.0.1/24 on hp4m0.  Per binary and run: kill ->
# reaped (the exit's netdev teardown), the host ports' start phase (log
# stamps: modules up -> second host port added) and whether the address
# survived; then the medians.
# Usage: hostport-restart.sh XVSD_A XVSD_B [RUNS (default 8, max 50)]
set -u
[ $# -ge 2 ] || { echo "usage: $0 XVSD_A XVSD_B [RUNS]" >&2; exit 2; }
RUNS=${3:-8}
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 50 ] || { echo "RUNS: 1..50" >&2; exit 2; }
NS=xvs-hp4-bench
D=$(mktemp -d /tmp/xvs-hp4-bench.XXXXXX)
P=
cleanup() { [ -n "$P" ] && kill -9 "$P" 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
printf '[bridge hp4m0]\n[bridge hp4m1]\n' >"$D/xvs.conf"

stamp_ms() { grep "$1" "$D/log" | tail -n 1 |
    awk '{split($1, a, ":"); printf "%d", (a[1] * 3600 + a[2] * 60 + a[3]) * 1000}'; }
start() { # XVSD N: start, wait for the N-th start line (5 s at most)
    ip netns exec $NS "$1" -f -c "$D/xvs.conf" --control "$D/s.sock" \
        --log-target=stderr 2>>"$D/log" &
    P=$!
    local i
    for i in $(seq 250); do
        [ "$(grep -c 'start took' "$D/log")" -ge "$2" ] && return 0
        sleep 0.02
    done
    echo "xvsd $1 did not start" >&2; exit 1
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

for x in "$1" "$2"; do
    ip netns del $NS 2>/dev/null; ip netns add $NS; ip -n $NS link set lo up
    : >"$D/log"; : >"$D/reap"; : >"$D/ports"
    start "$x" 1
    ip -n $NS addr add 10.77.0.1/24 dev hp4m0
    survived=0
    for r in $(seq "$RUNS"); do
        sleep 0.3
        t0=$(date +%s%N); kill -9 "$P"; wait "$P" 2>/dev/null; t1=$(date +%s%N); P=
        start "$x" $((r + 1))
        echo $(( (t1 - t0) / 1000000 )) >>"$D/reap"
        echo $(( $(stamp_ms "added host port hp4m1") - $(stamp_ms "not watching xenstore") )) >>"$D/ports"
        ip -n $NS -4 -o addr show dev hp4m0 | grep -q ' 10.77.0.1/24 ' && survived=$((survived + 1))
    done
    kill -TERM "$P"; wait "$P" 2>/dev/null; P=
    echo "$x: kill->reaped median $(median <"$D/reap") ms ($(tr '\n' ' ' <"$D/reap")); host ports phase median $(median <"$D/ports") ms ($(tr '\n' ' ' <"$D/ports")); address survived $survived/$RUNS; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
