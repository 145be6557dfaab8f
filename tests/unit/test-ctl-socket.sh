#!/bin/bash
# End-to-end test of xvsd's control socket, reload and shutdown: a real xvsd
# (in a network namespace of its own, with a TAP host port and an AF_PACKET
# port on a veth) driven through its socket with socat.  Needs root, socat
# and iproute2.
set -u
XVSD=${XVSD:-./daemon/xvsd}
NS=xvs-daemon-$$
DIR=$(mktemp -d /tmp/xvs-daemon-test.XXXXXX)
SOCK=$DIR/run/xvsd.sock
CONF=$DIR/xvs.conf
LOG=$DIR/xvsd.log
PID=
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && sleep 0.5
    ip netns del "$NS" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (network namespace, TAP device)"; exit 1; }
command -v socat >/dev/null || { echo "FAIL: needs socat (apt-get install socat)"; exit 1; }
[ -x "$XVSD" ] || { echo "FAIL: no xvsd binary at $XVSD (run make first)"; exit 1; }

# ask 'JSON line(s)': the reply line(s)
ask() { printf '%s\n' "$@" | timeout 10 socat - "UNIX-CONNECT:$SOCK"; }
# expect NAME 'reply' 'JSON request'
expect() {
    local got
    got=$(ask "$3")
    if [ "$got" = "$2" ]; then pass "$1"; else fail "$1: got '$got', want '$2'"; fi
}
# wait_log COUNT 'pattern': until the log has COUNT lines matching (5 s at most)
wait_log() {
    for _ in $(seq 1 50); do
        [ "$(grep -c "$2" "$LOG")" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
# expect_in NAME 'substring' 'JSON request'
expect_in() {
    local got
    got=$(ask "$3")
    case "$got" in *"$2"*) pass "$1" ;; *) fail "$1: got '$got', want '*$2*'" ;; esac
}

ip netns add "$NS" || { echo "FAIL: cannot create network namespace $NS"; exit 1; }
ip -n "$NS" link add dv0 type veth peer name dv1
ip -n "$NS" link set dv0 up
ip -n "$NS" link set dv1 up
ip -n "$NS" addr add 10.77.0.1/24 dev dv1

cat > "$CONF" <<'EOF'
[global]
log-level = info
[bridge dsk0]
uplink = dv1
take-over-addresses = yes
[bridge dsk1]
ageing = 100
[port dsk1 dv0]
vlan = 10
EOF

# --- start: detaches once ready, parent exits 0 ---
unset NOTIFY_SOCKET INVOCATION_ID JOURNAL_STREAM   # not under systemd here
if ip netns exec "$NS" "$XVSD" -c "$CONF" --control "$SOCK" --log-target stderr 2>"$LOG"; then
    pass "start (detached)"
else
    fail "start: exit status $?"; cat "$LOG"; exit 1
fi
PID=$(sed -n 's/.*running (pid \([0-9]*\)).*/\1/p' "$LOG")
[ -n "$PID" ] && kill -0 "$PID" || { fail "no running xvsd"; cat "$LOG"; exit 1; }
[ "$(stat -c %a "$SOCK")" = 600 ] && pass "socket mode 0600" || fail "socket mode $(stat -c %a "$SOCK")"
[ "$(stat -c %a "$DIR/run")" = 700 ] && pass "socket dir 0700" || fail "dir mode $(stat -c %a "$DIR/run")"
ip -n "$NS" link show dsk1 >/dev/null 2>&1 && pass "host port TAP dsk1 exists" || fail "no TAP dsk1"
# addr_on DEV: whether 10.77.0.1 is on DEV
addr_on() { ip -n "$NS" -4 addr show dev "$1" 2>/dev/null | grep -q 10.77.0.1/24; }
addr_on dsk0 && ! addr_on dv1 && pass "take-over: dv1's address moved to dsk0" \
    || fail "take-over: $(ip -n "$NS" -br addr)"

# --- protocol ---
expect "list-br" '{"ok":true,"result":["dsk0","dsk1","dsk1.10"]}' '{"command":"list-br"}'
expect "list-ports" '{"ok":true,"result":["dsk1","dv0"]}' '{"command":"list-ports","args":["dsk1"]}'
expect "br-to-vlan" '{"ok":true,"result":{"bridge":"dsk1","vlan":10}}' \
    '{"command":"br-to-vlan","args":["dsk1.10"]}'
expect_in "show has the uplink-type port" '"name":"dv0","kind":"uplink"' '{"command":"show"}'
expect "add-br" '{"ok":true,"result":null}' '{"command":"add-br","args":["dsk2","host-port=no"]}'
expect "bad argument" '{"ok":false,"error":"fdb-show: no bridge named '"'"'dsk9'"'"'"}' \
    '{"command":"fdb-show","args":["dsk9"]}'
expect "unknown command" '{"ok":false,"error":"frob: unknown command (see list-commands)"}' \
    '{"command":"frob"}'
got=$(ask '{"command":"version"}' '{"command":"fdb-stats","args":["dsk1"]}' '{"command":"list-ports","args":["dsk2"]}')
[ "$(echo "$got" | wc -l)" = 3 ] && echo "$got" | tail -1 | grep -qx '{"ok":true,"result":\[\]}' \
    && pass "three requests on one connection" || fail "pipelined: $got"
got=$(printf '{"command":"list-br"}' | timeout 10 socat - "UNIX-CONNECT:$SOCK")
case "$got" in '{"ok":true,"result":["dsk0"'*) pass "last request without newline";;
    *) fail "no newline: $got";; esac
got=$(ask '{"command":' '{"command":"version"}')
case "$got" in '{"ok":false,"error":"request: not valid JSON'*) 
    [ "$(echo "$got" | wc -l)" = 1 ] && pass "malformed JSON: error, then closed" \
        || fail "malformed: connection not closed: $got";;
    *) fail "malformed: $got";; esac
got=$(head -c 70000 /dev/zero | tr '\0' 'x' | timeout 10 socat - "UNIX-CONNECT:$SOCK")
[ "$got" = '{"ok":false,"error":"request: longer than 65536 bytes"}' ] \
    && pass "oversize request" || fail "oversize: $got"

# --- who may connect: only root (SO_PEERCRED), whatever the file modes ---
chmod 755 "$DIR" "$DIR/run"; chmod 666 "$SOCK"
got=$(echo '{"command":"version"}' | timeout 10 setpriv --reuid=65534 --regid=65534 \
      --clear-groups socat - "UNIX-CONNECT:$SOCK" 2>&1)
[ "$got" = '{"ok":false,"error":"request: permission denied (root only)"}' ] \
    && pass "non-root client refused" || fail "non-root: $got"
chmod 700 "$DIR/run"; chmod 600 "$SOCK"

# --- many clients at once: beyond 64, refused; the daemon is unaffected ---
for i in $(seq 1 70); do
    (sleep 4) | timeout 10 socat - "UNIX-CONNECT:$SOCK" > "$DIR/c.$i" 2>&1 &
done
for _ in $(seq 1 30); do        # until all 70 are connected (3 s at most)
    got=$(ask '{"command":"version"}')
    case "$got" in *"too many clients"*) break;; esac
    sleep 0.1
done
case "$got" in *"too many clients"*) pass "full: a client is refused";;
    *) fail "full: $got";; esac
wait
busy=$(cat "$DIR"/c.* | grep -c "too many clients")
[ "$busy" -ge 5 ] && pass "$busy of 70 idle clients refused" || fail "refused only $busy"
expect_in "answers again" '"version"' '{"command":"version"}'

# --- a second xvsd on the same socket refuses to start ---
if ip netns exec "$NS" "$XVSD" -f -c "$CONF" --control "$SOCK" 2>"$DIR/second.log"; then
    fail "second xvsd started"
else
    grep -q "another xvsd is already listening" "$DIR/second.log" \
        && pass "second xvsd refused" || fail "second: $(cat "$DIR/second.log")"
fi

# --- reload: a bad file changes nothing ---
cp "$CONF" "$DIR/good.conf"
printf '[bridge dsk3]\nageing = abc\n' >> "$CONF"
kill -HUP "$PID"; wait_log 1 "reload failed"
grep -q "xvs.conf:11: \[bridge dsk3\] ageing: 'abc' is not a number of seconds (0..1000000)" "$LOG" \
    && pass "reload: bad line reported with file:line" || fail "reload error not logged"
expect "reload: bad file changed nothing" '{"ok":true,"result":["dsk0","dsk1","dsk1.10","dsk2"]}' \
    '{"command":"list-br"}'

# --- reload: a good file is applied as a difference ---
cat > "$CONF" <<'EOF'
[global]
log-level = info
[bridge dsk1]
ageing = 50
[port dsk1 dv0]
vlan = 20
[bridge dsk3]
host-port = no
EOF
kill -HUP "$PID"; wait_log 1 "reload done"
expect "reload: dsk0 gone, dsk3 new, dsk2 (runtime) kept" \
    '{"ok":true,"result":["dsk1","dsk1.20","dsk2","dsk3"]}' '{"command":"list-br"}'
addr_on dv1 && ! ip -n "$NS" link show dsk0 >/dev/null 2>&1 \
    && pass "reload: removed bridge gave dv1 its address back" \
    || fail "give back: $(ip -n "$NS" -br addr)"
expect_in "reload: ageing changed in place" '"ageing":50' '{"command":"fdb-stats","args":["dsk1"]}'
kill -0 "$PID" && pass "still running" || fail "xvsd died"

# --- shutdown removes what it made ---
kill -TERM "$PID"
for i in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then fail "xvsd did not stop"; else pass "stopped"; PID=; fi
[ ! -e "$SOCK" ] && pass "socket removed" || fail "socket left behind"
ip -n "$NS" link show dsk1 >/dev/null 2>&1 && fail "TAP dsk1 left behind" || pass "TAP removed"
ip -n "$NS" link show dv0 >/dev/null 2>&1 && pass "veth dv0 (not xvsd's) still there" \
    || fail "dv0 vanished"
grep -q "stopped" "$LOG" && pass "clean exit logged" || fail "no 'stopped' in the log"

# --- systemd Type=notify: READY, RELOADING, STOPPING ---
NOTIFY=$DIR/notify
timeout 20 socat -u "UNIX-RECV:$NOTIFY" - > "$DIR/notify.out" &
NPID=$!
for _ in $(seq 1 20); do [ -S "$NOTIFY" ] && break; sleep 0.1; done
cp "$DIR/good.conf" "$CONF"
LOG=$DIR/xvsd-notify.log
NOTIFY_SOCKET=$NOTIFY ip netns exec "$NS" "$XVSD" -c "$CONF" --control "$SOCK" \
    --log-target stderr 2>"$LOG" &
PID=$!
wait_notify() {
    for _ in $(seq 1 50); do
        [ "$(grep -c "$2" "$DIR/notify.out")" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
wait_notify 1 "READY=1" && pass "sd_notify READY=1 (no -f needed: NOTIFY_SOCKET keeps it in front)" \
    || fail "no READY=1: $(cat "$DIR/notify.out")"
addr_on dsk0 && pass "take-over again" || fail "no take-over: $(ip -n "$NS" -br addr)"
grep -q "STATUS=2 bridges, 4 ports" "$DIR/notify.out" && pass "sd_notify STATUS" \
    || fail "STATUS: $(cat "$DIR/notify.out")"
kill -HUP "$PID"
wait_notify 1 "RELOADING=1" && wait_notify 2 "READY=1" && pass "sd_notify RELOADING=1, READY=1" \
    || fail "reload notifications: $(cat "$DIR/notify.out")"
kill -TERM "$PID"
wait_notify 1 "STOPPING=1" && pass "sd_notify STOPPING=1" || fail "no STOPPING=1"
wait "$PID" && pass "exit status 0 after SIGTERM" || fail "exit status $?"
PID=
addr_on dv1 && ! ip -n "$NS" link show dsk0 >/dev/null 2>&1 \
    && pass "shutdown: TAP removed, dv1 has its address back" \
    || fail "after shutdown: $(ip -n "$NS" -br addr)"
kill "$NPID" 2>/dev/null

if [ "$failures" -ne 0 ]; then
    echo "--- xvsd log ---"; cat "$LOG"
    echo "$failures failure(s)"; exit 1
fi
echo "all passed"
