#!/bin/sh
# Hostile guests on the sim: dom1 misbehaves while dom3 sends to dom2.
# For each mode: the backend stays up, dom1's vif ends in the expected
# state (FATAL with the named reason, or connected with the frame dropped),
# and dom3 -> dom2 traffic is delivered in full.  Then the RX-side attacks:
# a guest that posts no buffers (carrier off, then on again when it posts),
# a bounded backlog, and a guest keeping one slot free against 17-slot
# frames (XSA-392: waits without spinning).
set -e
SIMBIN=${SIMBIN:-$PWD/tests/sim}
. "$(dirname "$0")/sim-lib.sh"
trap sim_cleanup EXIT INT TERM
sim_need_built "$SIMBIN/xvs-simfront" "$SIMBIN/xvs-simback"
D2=00:16:3e:5c:00:02
N=3000

# cpu_ms PID: user+system CPU time of a process in ms
cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/$1/stat"; }

# attack MODE EXPECT_STATE EXPECT_REASON
attack() {
    mode=$1 want=$2 reason=$3
    rm -f "$SIM_DIR"/dom*.vif0
    sim_front sink --domid 2 --count $N --idle 2 --verify --from 00:16:3e:5c:00:03
    sim_front good --domid 3 --gen --dst $D2 --count $N --size 200
    sim_front bad --domid 1 --evil "$mode" --duration 2
    sim_back --vif "$SIM_DIR/dom1.vif0" --vif "$SIM_DIR/dom2.vif0" \
        --vif "$SIM_DIR/dom3.vif0" --rxq-bytes 67108864
    sim_wait "$PID_good" 30
    sim_wait "$PID_sink" 30
    sim_wait "$PID_bad" 30
    kill -0 "$PID_back" 2>/dev/null || sim_fail "$mode: backend died"
    sim_stop_back
    got=$(json "$SIM_DIR/sink.out" "j['rx_frames']")
    [ "$got" = $N ] || sim_fail "$mode: dom3 -> dom2 got $got of $N"
    state=$(port vif1.0 "p['state']")
    [ "$state" = "$want" ] || sim_fail "$mode: vif1.0 is $state, want $want"
    if [ "$want" = fatal ]; then
        r=$(port vif1.0 "p['fatal_reason']")
        [ "$r" = "$reason" ] || sim_fail "$mode: fatal reason '$r', want '$reason'"
        f=$(port vif1.0 "p['counters']['fatal']")
        [ "$f" = 1 ] || sim_fail "$mode: fatal counter $f"
    elif [ -n "$reason" ]; then
        c=$(port vif1.0 "p['counters'].get('$reason', 0)")
        [ "$c" -ge 1 ] || sim_fail "$mode: counter $reason is $c"
    fi
    for v in vif2.0 vif3.0; do
        s=$(port $v "p['state']")
        [ "$s" = connected ] || sim_fail "$mode: $v is $s"
    done
    echo "ok - $mode: vif1.0 $state${reason:+ ($reason)}, dom3 -> dom2 $got/$N"
}

# slots:N = a frame of N data slots (N-1 after the first): up to 19 are
# accepted (18 follow-on, XEN_NETIF_NR_SLOTS_MIN), 20-21 dropped, more fatal
attack slots:19 connected ""
attack slots:20 connected too_many_slots
attack slots:21 connected too_many_slots
attack slots:22 fatal fatal_tx_slots
attack slots:1000 fatal fatal_tx_slots
attack bad-offset fatal cross_page
attack prod-jump fatal impossible_requests
attack gso-zero fatal gso_size_zero
attack first-smaller connected size_mismatch
attack bad-gref connected tx_copy_errors
attack revoked-mid connected tx_copy_errors
attack tiny-head connected ""
attack storm:200000 connected ""

# ---- RX side ----
rx_case() {
    rm -f "$SIM_DIR"/dom*.vif0
    sim_front sink --domid 2 --idle 3 "$@"
}

# No buffers for a while: carrier off after the stall time, back on when
# the guest posts again; the frames sent meanwhile are dropped, counted.
rx_case --evil rx-pause:1500 --duration 6
sim_front good --domid 3 --gen --dst $D2 --count 2000 --size 200
sim_back --vif "$SIM_DIR/dom2.vif0" --vif "$SIM_DIR/dom3.vif0" \
    --rx-stall-ms 400 --tick-ms 50
sim_wait "$PID_good" 30
sleep 2.5      # the guest posts again at 1.5 s
sim_front good --domid 3 --gen --dst $D2 --count 500 --size 200 --info "$SIM_DIR/dom3b"
sleep 1
sim_stop_back
stalls=$(port vif2.0 "p['counters']['rx_stalls']")
link=$(port vif2.0 "p['link_up']")
nobuf=$(port vif2.0 "p['drops'].get('no_buffers', 0)")
[ "$stalls" = 1 ] || sim_fail "rx-stall: rx_stalls $stalls"
[ "$link" = True ] || sim_fail "rx-stall: carrier still off after the guest posted"
[ "$nobuf" -ge 1 ] || sim_fail "rx-stall: no no_buffers drops"
grep -q "carrier off" "$SIM_DIR/back.err" || sim_fail "rx-stall: no log line"
grep -q "carrier on" "$SIM_DIR/back.err" || sim_fail "rx-stall: no recovery log line"
echo "ok - rx stall: carrier off and on again, $nobuf frames dropped (no_buffers)"
sim_reset

# Backlog bound: a guest posting nothing, 64 KiB frames: at most 1 MiB kept.
rx_case --rx-buffers 0 --duration 4
sim_front good --domid 3 --gen --dst $D2 --count 100 --gso
sim_back --vif "$SIM_DIR/dom2.vif0" --vif "$SIM_DIR/dom3.vif0" --rxq-bytes 1048576
sim_wait "$PID_good" 30
sleep 0.5
sim_stop_back
qf=$(port vif2.0 "p['drops'].get('queue_full', 0)")
qb=$(port vif2.0 "p['rings']['rxq_bytes']")
qn=$(port vif2.0 "p['rings']['rxq_frames']")
qd=$(port vif2.0 "p['tx_packets']")
[ "$qd" = 0 ] || sim_fail "queue-bound: $qd frames delivered without buffers"
[ $((qf + qn)) = 100 ] || sim_fail "queue-bound: $qf dropped + $qn queued != 100"
[ "$qb" -le 1048576 ] || sim_fail "queue-bound: $qb bytes queued"
echo "ok - rx backlog bound: $qn frames ($qb bytes) kept, $qf dropped (queue_full)"
sim_reset

# XSA-392: one slot kept free, every frame needs 17: nothing delivered,
# and the backend waits (req_event) instead of spinning.
rx_case --rx-buffers 1 --duration 4
sim_front good --domid 3 --gen --dst $D2 --count 50 --gso
sim_back --vif "$SIM_DIR/dom2.vif0" --vif "$SIM_DIR/dom3.vif0"
sim_wait "$PID_good" 30
c0=$(cpu_ms "$PID_back")
sleep 2
c1=$(cpu_ms "$PID_back")
sim_stop_back
got=$(port vif2.0 "p['counters']['rx_frames']")
[ "$got" = 0 ] || sim_fail "one-slot: $got frames delivered into one slot"
[ $((c1 - c0)) -le 200 ] || sim_fail "one-slot: backend used $((c1 - c0)) ms CPU in 2 s"
echo "ok - one slot free (XSA-392): nothing delivered, backend used $((c1 - c0)) ms CPU in 2 s"
echo "all sim hostile tests passed"
