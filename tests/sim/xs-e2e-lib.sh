# xs-e2e-lib.sh: helpers of the end-to-end tests that run the real xvsd
# against the fake xenstored (test-xvsd-xenbus.sh, test-xvsd-hvm.sh).
# Sourced after the test has set DIR (its files), NS (its namespaces),
# PIDS and PID_xvsd (what the EXIT trap kills), BE (the backend/vif
# directory), XVSCTL and KEEP; sets the EXIT trap.

xs_e2e_cleanup() {
    rc=$?
    set +e
    [ -n "$PID_xvsd" ] && kill -9 "$PID_xvsd" 2>/dev/null
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    for n in $NS; do ip netns del "$n" 2>/dev/null; done
    [ $rc = 0 ] || { echo "--- xvsd log (tail)"; tail -25 "$DIR/xvsd.err"; }
    if [ -n "$KEEP" ]; then rm -rf "$KEEP"; cp -r "$DIR" "$KEEP"; fi
    rm -rf "$DIR"
    exit $rc
}
trap xs_e2e_cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
be() { xenstore-read "$BE/$1/$2/$3" 2>/dev/null; }
be_is() { [ "$(be "$1" "$2" "$3")" = "$4" ]; }
ctl() { "$XVSCTL" -t 5 "$@"; }
pyj() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
wait_for() { # SECONDS CMD...: poll until CMD succeeds
    local t=$1 i=0; shift
    until "$@" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -le $((t * 50)) ] || return 1
        sleep 0.02
    done
}
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
ping_ok() { # NS DST [PING-ARGS]
    local n=$1 d=$2; shift 2
    in_ns "$n" ping -c 3 -i 0.2 -W 2 "$@" "$d" >/dev/null 2>&1 ||
        in_ns "$n" ping -c 3 -i 0.2 -W 2 "$@" "$d" >/dev/null 2>&1 || fail "ping $n -> $d${*:+ $*}"
}
ping_fails() { # NS DST [PING-ARGS]
    local n=$1 d=$2; shift 2
    ! in_ns "$n" ping -c 2 -i 0.2 -W 1 "$@" "$d" >/dev/null 2>&1 ||
        fail "ping $n -> $d${*:+ $*} still answered"
}
# port_is PORT EXPR VALUE: EXPR of the port (p, from xvsctl show) is VALUE
port_is() {
    [ "$(ctl -j show | pyj "[($2) for b in j['bridges'] for p in b['ports'] if p['name'] == '$1']")" = "[$3]" ]
}
# xs_e2e_netns: (re)creates the namespaces of $NS with lo up
xs_e2e_netns() {
    local n
    for n in $NS; do ip netns del "$n" 2>/dev/null || true; ip netns add "$n"; ip -n "$n" link set lo up; done
}
# xs_e2e_xenstored: the fake xenstored ($FAKE) on $XENSTORED_PATH
xs_e2e_xenstored() {
    "$FAKE" -s "$XENSTORED_PATH" 2>"$DIR/xs.err" &
    PIDS="$PIDS $!"
    wait_for 5 test -S "$XENSTORED_PATH" || fail "fake xenstored did not start"
}
# xs_e2e_xvsd NS: xvsd ($XVSD, $DIR/xvs.conf) in namespace NS, up when it
# answers vif-list; its log goes to $DIR/xvsd.err
xs_e2e_xvsd() {
    ip netns exec "$1" "$XVSD" -f -c "$DIR/xvs.conf" --control "$XVS_CTL_SOCKET" \
        --log-target=stderr 2>>"$DIR/xvsd.err" &
    PID_xvsd=$!
    wait_for 5 ctl vif-list || fail "xvsd did not start: $(tail -5 "$DIR/xvsd.err")"
}
