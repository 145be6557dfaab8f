#!/bin/sh
# netback-bench.sh: two sim guests through one bridge (xvs-simback), one
# generating, one sinking:
#   - frames/s with 64-byte frames
#   - Gbit/s with 64 KiB TCP GSO frames
# each with the direct vif->vif grant copy (source guest page -> destination
# guest page) and with every frame copied through a dom0 buffer (--bounce),
# alternated in the same run and reported as a ratio direct / bounce.
#
# Two measures per run: the rate seen by the sink (wall clock), and the
# backend's own CPU time per frame (user + system of xvs-simback), which a
# busy shared machine disturbs much less.  The guests run with --bench (no
# per-frame memcpy of their own) so that the backend is the bottleneck.
#
# Usage: tests/bench/netback-bench.sh [BUILDDIR] [ROUNDS]
# Bounded: ROUNDS (default 5) x 4 runs of a few seconds at most.
# On the sim a grant copy is a memmove between shared memfds: the ratio
# measures the copies saved, not hypercall costs.
set -eu
builddir=${1:-_build}
rounds=${2:-5}
SIMBIN=$(cd "$builddir/tests/sim" 2>/dev/null && pwd) ||
    { echo "netback-bench.sh: $builddir/tests/sim not found: build first" >&2; exit 1; }
[ -x "$SIMBIN/xvs-simfront" ] || { echo "netback-bench.sh: build first" >&2; exit 1; }
. "$(dirname "$0")/../sim/sim-lib.sh"
trap sim_cleanup EXIT INT TERM
DST=00:16:3e:5c:00:02

# one KIND(small|gso) MODE(direct|bounce): appends "rate cpu_ns_per_frame"
one() {
    kind=$1 mode=$2
    rm -f "$SIM_DIR"/dom*.vif0
    if [ "$kind" = small ]; then n=400000; g="--size 64"; else n=10000; g="--gso"; fi
    b=""; [ "$mode" = bounce ] && b="--bounce"
    sim_front sink --domid 2 --count $n --idle 1 --bench
    sim_front gen --domid 1 --gen --dst $DST --count $n $g --bench
    sim_back --vif "$SIM_DIR/dom1.vif0" --vif "$SIM_DIR/dom2.vif0" --log-level warn $b \
        --rxq-bytes 268435456
    sim_wait "$PID_gen" 120
    sim_wait "$PID_sink" 120
    sim_stop_back
    t=$(json "$SIM_DIR/back.out" "j['cpu_us']")
    set -- $(json "$SIM_DIR/sink.out" "'%d %d %.6f' % (j['rx_frames'], j['rx_bytes'], j['seconds'])")
    if [ "$kind" = small ]; then
        rate=$(awk -v f="$1" -v s="$3" 'BEGIN { printf "%.0f", f / s }')
    else
        rate=$(awk -v b="$2" -v s="$3" 'BEGIN { printf "%.2f", b * 8 / s / 1e9 }')
    fi
    cpu=$(awk -v t="$t" -v f="$1" 'BEGIN { printf "%.0f", t * 1e3 / f }')
    echo "$rate $cpu" >>"$SIM_DIR/$kind.$mode"
}

median() { cut -d' ' -f"$1" "$2" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

r=0
while [ $r -lt "$rounds" ]; do
    for kind in small gso; do
        for mode in direct bounce; do
            one $kind $mode
        done
    done
    r=$((r + 1))
done

echo "netback sim benchmark: two sim guests, one bridge, median of $rounds rounds"
printf "%-34s %12s %12s %7s\n" "" "direct" "dom0 bounce" "ratio"
for kind in small gso; do
    if [ $kind = small ]; then what="64-byte frames: frames/s"; else what="64 KiB GSO frames: Gbit/s"; fi
    d=$(median 1 "$SIM_DIR/$kind.direct"); b=$(median 1 "$SIM_DIR/$kind.bounce")
    printf "%-34s %12s %12s %7s\n" "$what" "$d" "$b" "$(ratio "$d" "$b")"
    d=$(median 2 "$SIM_DIR/$kind.direct"); b=$(median 2 "$SIM_DIR/$kind.bounce")
    printf "%-34s %12s %12s %7s\n" "  backend CPU ns/frame" "$d" "$b" "$(ratio "$b" "$d")"
done
echo "(ratio: direct over bounce for rates, bounce over direct for CPU cost: > 1 favours direct)"
for f in small.direct small.bounce gso.direct gso.bounce; do
    echo "rounds $f (rate cpu_ns): $(tr '\n' ',' <"$SIM_DIR/$f")"
done
