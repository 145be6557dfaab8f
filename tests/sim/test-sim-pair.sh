#!/bin/sh
# Two sim guests through one bridge in xvs-simback: frames of every shape
# arrive intact (payload pattern and UDP checksums verified by the sink),
# on every delivery path: direct vif->vif grant copy, the dom0 bounce path,
# split and shared event channels, GSO and non-SG guests, checksum
# completion for a guest without checksum offload, the RX backlog.
set -e
# make check runs from the top build directory
SIMBIN=${SIMBIN:-$PWD/tests/sim}
. "$(dirname "$0")/sim-lib.sh"
trap sim_cleanup EXIT INT TERM
sim_need_built "$SIMBIN/xvs-simfront" "$SIMBIN/xvs-simback"
DST=00:16:3e:5c:00:02

# run NAME COUNT "SINK ARGS" "GEN ARGS" "BACK ARGS" [FRAMES AT THE SINK]
run() {
    name=$1 count=$2 expect=${6:-$2}
    rm -f "$SIM_DIR"/dom*.vif0
    sim_front sink --domid 2 --count "$expect" --idle 2 --verify $3
    sim_front gen --domid 1 --gen --dst $DST --count "$count" $4
    sim_back --vif "$SIM_DIR/dom1.vif0" --vif "$SIM_DIR/dom2.vif0" ${5:---rxq-bytes 67108864}
    sim_wait "$PID_gen" 60
    sim_wait "$PID_sink" 60
    sim_stop_back
    got=$(json "$SIM_DIR/sink.out" "j['rx_frames']")
    bad=$(json "$SIM_DIR/sink.out" "j['verify_errors']")
    rxerr=$(json "$SIM_DIR/sink.out" "j['rx_errors']")
    txerr=$(json "$SIM_DIR/gen.out" "j['tx_errors']")
    # A sink slower than the generator fills its RX backlog; with the
    # default bound the excess is counted as queue_full drops, never lost
    # silently.  The other runs have a backlog large enough for all.
    qd=$(port vif2.0 "p['drops'].get('queue_full', 0)")
    [ $((got + qd)) = "$expect" ] || sim_fail "$name: sink got $got + $qd dropped of $expect"
    [ "$qd" = 0 ] || [ "$name" = queue-bound ] || sim_fail "$name: $qd queue drops"
    [ "$bad" = 0 ] || sim_fail "$name: $bad frames corrupted"
    [ "$rxerr" = 0 ] && [ "$txerr" = 0 ] || sim_fail "$name: rx_errors $rxerr tx_errors $txerr"
    state=$(port vif1.0 "p['state']")
    [ "$state" = connected ] || sim_fail "$name: vif1.0 is $state"
    echo "ok - $name ($got of $expect frames delivered, $qd queue drops)"
}

run small-direct 20000 "" "--size 64" ""
run mtu-direct 5000 "" "--size 1514" ""
run gso-direct 500 "" "--gso" ""
run gso-bounce 500 "" "--gso" "--bounce --rxq-bytes 67108864"
run small-bounce 5000 "" "--size 64" "--bounce --rxq-bytes 67108864"
run split-channels 5000 "--split" "--split --size 300" ""
run no-sg-guest 3000 "--no-sg --no-gso" "--size 1514" ""
# GSO frames to guests without GSO: cut into MSS segments (45 per frame),
# each with a complete TCP checksum (verified by the sink)
SEGS=45
run gso-to-no-gso 100 "--no-gso" "--gso" "--rxq-bytes 67108864" $((100 * SEGS))
seg=$(port vif2.0 "p['counters']['rx_gso_segmented']")
ok=$(json "$SIM_DIR/sink.out" "j['csum_ok']")
[ "$seg" = 100 ] && [ "$ok" = $((100 * SEGS)) ] || sim_fail "gso-to-no-gso: $seg segmented, $ok checksums ok"
run gso-to-no-sg 50 "--no-sg --no-gso" "--gso" "--rxq-bytes 67108864" $((50 * SEGS))
run csum-fixup 3000 "--no-csum-offload" "--size 600 --csum" ""
fix=$(port vif2.0 "p['counters']['rx_csum_fixups']")
ok=$(json "$SIM_DIR/sink.out" "j['csum_ok']")
[ "$fix" = 3000 ] && [ "$ok" = 3000 ] || sim_fail "csum-fixup: fixups $fix, verified $ok"
run csum-passthrough 3000 "" "--size 600 --csum" ""
part=$(json "$SIM_DIR/sink.out" "j['csum_partial']")
[ "$part" = 3000 ] || sim_fail "csum-passthrough: $part frames still partial"
run no-rx-notify 3000 "--no-rx-notify" "--size 200" "--tick-ms 1000 --rxq-bytes 67108864"
# the default 1 MiB backlog bound, against 64 KiB GSO frames
run queue-bound 300 "" "--gso" "--rxq-bytes 1048576"

# Multicast filter (request-multicast-control): the guest joins one group
# with an MCAST_ADD extra; frames to another group are not delivered.
sim_reset
sim_front sink --domid 2 --idle 2 --mcast-control --mcast-join 01:00:5e:00:00:fb
sim_front gen --domid 1 --gen --dst 01:00:5e:00:00:fb --count 1000 --size 100 --delay 0.5
sim_front gen3 --domid 3 --gen --dst 01:00:5e:00:00:fc --count 1000 --size 100 --delay 0.5
sim_back --vif "$SIM_DIR/dom1.vif0" --vif "$SIM_DIR/dom2.vif0" --vif "$SIM_DIR/dom3.vif0"
sim_wait "$PID_gen" 30; sim_wait "$PID_gen3" 30; sim_wait "$PID_sink" 30
sim_stop_back
got=$(json "$SIM_DIR/sink.out" "j['rx_frames']")
filt=$(port vif2.0 "p['counters']['rx_mcast_filtered']")
upd=$(port vif2.0 "p['counters']['tx_mcast_updates']")
[ "$got" = 1000 ] && [ "$filt" = 1000 ] && [ "$upd" = 1 ] ||
    sim_fail "mcast filter: got $got, filtered $filt, updates $upd"
echo "ok - multicast filter: 1000 joined-group frames delivered, 1000 others filtered"

# Rate limit (the `rate` key): 2 MB per 100 ms.  Never faster than the
# credit allows (elapsed * rate + one burst); slower is always allowed.
# The time is the sink's, first to last frame: its first frame may arrive
# late (a loaded machine), so one credit period is added to it; an
# unlimited sender would move the 13 MB ten times faster.
sim_reset
sim_front sink --domid 2 --idle 2 --count 200
sim_front gen --domid 1 --gen --dst $DST --count 200 --gso
sim_back --vif "$SIM_DIR/dom1.vif0" --vif "$SIM_DIR/dom2.vif0" --rate 1:2000000,100000 \
    --rxq-bytes 67108864
sim_wait "$PID_gen" 60; sim_wait "$PID_sink" 60
sim_stop_back
bytes=$(json "$SIM_DIR/sink.out" "j['rx_bytes']")
secs=$(json "$SIM_DIR/sink.out" "j['seconds']")
waits=$(port vif1.0 "p['counters']['tx_rate_waits']")
[ "$waits" -ge 1 ] || sim_fail "rate: the limit never held TX"
python3 -c "import sys; sys.exit(0 if $bytes <= ($secs + 0.1) * 20e6 + 2000000 + 65000 else 1)" ||
    sim_fail "rate: $bytes bytes in $secs s exceeds 20 MB/s"
echo "ok - rate limit: $bytes bytes in $secs s (limit 20 MB/s), $waits waits"
echo "all sim pair tests passed"
