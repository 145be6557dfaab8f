# sim-lib.sh: helpers for the sim integration tests and benchmarks (sourced).
# Needs $SIMBIN (directory with xvs-simfront and xvs-simback).
# Sourcing makes the run's directory $SIM_DIR: set the EXIT trap (calling
# sim_cleanup, or sim_xvsd_cleanup) right after.  Every process started
# here is killed by sim_cleanup.

SIM_PIDS=""
SIM_DIR=$(mktemp -d /tmp/xvs-netback-sim.XXXXXX)
export XVS_SIM_DIR="$SIM_DIR"

sim_cleanup() {
    for p in $SIM_PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $SIM_PIDS; do wait "$p" 2>/dev/null || true; done
    SIM_PIDS=""
    rm -rf "$SIM_DIR"
    return 0
}

# sim_reset: clean up and start over with a fresh directory
sim_reset() {
    sim_cleanup
    SIM_DIR=$(mktemp -d /tmp/xvs-netback-sim.XXXXXX)
    export XVS_SIM_DIR="$SIM_DIR"
}

sim_fail() { echo "FAIL: $*" >&2; exit 1; }

# sim_need_built FILE...: each FILE is a built program (else FAIL).
sim_need_built() {
    for f; do
        [ -x "$f" ] || { echo "FAIL: $f not built (set TOP / SIMBIN to the build directory)"; exit 1; }
    done
}

# sim_need_root: network namespaces and TAP devices need root.
sim_need_root() {
    [ "$(id -u)" = 0 ] || { echo "FAIL: needs root (network namespaces)"; exit 1; }
}

# sim_need_cmds CMD...: each CMD is on PATH (else FAIL naming it).
sim_need_cmds() {
    for c; do
        command -v "$c" >/dev/null || { echo "FAIL: $c missing"; exit 1; }
    done
}

# sim_netns_add NS...: fresh namespaces (a stale one of the same name is
# deleted first) with lo up.
sim_netns_add() {
    for n; do
        ip netns del "$n" 2>/dev/null || true
        ip netns add "$n"
        ip -n "$n" link set lo up
    done
}

# sim_netns_del NS...
sim_netns_del() {
    for n; do ip netns del "$n" 2>/dev/null || true; done
}

# sim_xvsd_cleanup NS...: the EXIT trap's work in a test running xvsd
# ($PID_xvsd): kill it, keep the run's files in $KEEP if set, stop every
# sim process, delete the namespaces.
sim_xvsd_cleanup() {
    [ -n "$PID_xvsd" ] && kill -9 "$PID_xvsd" 2>/dev/null
    if [ -n "$KEEP" ]; then rm -rf "$KEEP"; cp -r "$SIM_DIR" "$KEEP"; fi
    sim_cleanup
    sim_netns_del "$@"
}

# sim_xvsd_trap NS...: on exit (status kept), sim_xvsd_cleanup NS...;
# INT and TERM exit 1 through it.
sim_xvsd_trap() {
    SIM_TRAP_NS="$*"
    trap 'rc=$?; set +e; sim_xvsd_cleanup $SIM_TRAP_NS; exit $rc' EXIT
    trap 'exit 1' INT TERM
}

# sim_front NAME ARGS...: start a guest; output in $SIM_DIR/NAME.out
sim_front() {
    local name=$1; shift
    "$SIMBIN/xvs-simfront" --dir "$SIM_DIR" "$@" >"$SIM_DIR/$name.out" 2>"$SIM_DIR/$name.err" &
    SIM_PIDS="$SIM_PIDS $!"
    eval "PID_$name=$!"
}

# sim_tap_guest NAME NS DOMID [OPTION...]: a guest whose netfront is the
# TAP eth0 in namespace NS; output in $SIM_DIR/NAME.out and NAME.err.
sim_tap_guest() {
    local name=$1 ns=$2 d=$3; shift 3
    ip netns exec "$ns" "$SIMBIN/xvs-simfront" --dir "$SIM_DIR" --domid "$d" --tap eth0 "$@" \
        >"$SIM_DIR/$name.out" 2>"$SIM_DIR/$name.err" &
    SIM_PIDS="$SIM_PIDS $!"
}

# sim_wait_guests DOMID...: waits (5 s at most) until each guest has
# published its info file dom<DOMID>.vif0.
sim_wait_guests() {
    local d i=0
    for d; do
        until [ -e "$SIM_DIR/dom$d.vif0" ]; do
            i=$((i + 1))
            [ $i -lt 250 ] || sim_fail "guest dom$d did not start: $(tail -n 3 "$SIM_DIR"/*.err)"
            sleep 0.02
        done
    done
}

# sim_start_xvsd [NS]: xvsd -f on $SIM_DIR/xvs.conf (in namespace NS if
# given) with control socket $SOCK, its log appended to $SIM_DIR/xvsd.err;
# returns (5 s at most) once it answers.  Sets PID_xvsd.
sim_start_xvsd() {
    local i=0
    if [ -n "${1:-}" ]; then
        ip netns exec "$1" "$XVSD" -f -c "$SIM_DIR/xvs.conf" --control "$SOCK" \
            --log-target=stderr 2>>"$SIM_DIR/xvsd.err" &
    else
        "$XVSD" -f -c "$SIM_DIR/xvs.conf" --control "$SOCK" --log-target=stderr \
            2>>"$SIM_DIR/xvsd.err" &
    fi
    PID_xvsd=$!
    until "$XVSCTL" -s "$SOCK" -t 5 version >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 250 ] && kill -0 "$PID_xvsd" 2>/dev/null ||
            sim_fail "xvsd did not start: $(tail -n 5 "$SIM_DIR/xvsd.err")"
        sleep 0.02
    done
}

# sim_back ARGS...: start the backend on every dom*.vif* info file given
sim_back() {
    "$SIMBIN/xvs-simback" --dir "$SIM_DIR" "$@" >"$SIM_DIR/back.out" 2>"$SIM_DIR/back.err" &
    SIM_PIDS="$SIM_PIDS $!"
    PID_back=$!
}

# sim_wait PID SECONDS: wait for a process to exit, fail on timeout
sim_wait() {
    local pid=$1 t=$2 i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt $((t * 20)) ] && sim_fail "process $pid still running after ${t}s"
        sleep 0.05
    done
    wait "$pid" 2>/dev/null || true
}

# sim_stop_back: SIGINT the backend, wait for its JSON report
sim_stop_back() {
    kill -INT "$PID_back" 2>/dev/null
    sim_wait "$PID_back" 10
}

# json FILE EXPR: evaluate a python expression on the last JSON line (j)
json() {
    python3 -c "import json,sys; j=json.loads(open('$1').read().strip().splitlines()[-1]); print($2)"
}

# port FIELD-EXPR for a named port in the backend report
port() {
    python3 -c "import json; j=json.loads(open('$SIM_DIR/back.out').read().strip().splitlines()[-1]); p=[x for x in j['ports'] if x['name']=='$1'][0]; print($2)"
}
