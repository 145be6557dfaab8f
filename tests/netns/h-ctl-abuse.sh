#!/bin/bash
# h-ctl-abuse: the control socket and xvsctl against bad input, while
# traffic flows.
#   - xvsctl: every command xvsd lists, with no, garbage and too many
#     arguments: exit 0, 1 or 2 (never a crash, never 3 = xvsd gone);
#   - raw requests: not JSON, invalid UTF-8, NUL bytes, 10000-deep
#     nesting, a 2 MB line, random bytes, a request dribbled one byte at a
#     time, 64 KiB of blanks before EOF, a client that sends requests for
#     10 s and never reads (xvsd's memory stays bounded), 70 clients at
#     once;
#   - del-br / add-br / del-port / add-port of the bridge while a ping
#     flood crosses it (10 rounds).
# After each group: xvsd answers, forwards, and still has its bridge.
. "$(dirname "$0")/lib.sh"
it_init 45

it_need socat python3
add_hosts 2
cat > "$CONF" <<EOC
[bridge hab0]
uplink = h1-p
[port hab0 h2-p]
EOC
start_xvsd

healthy() {
    ctl version >/dev/null && ping_ok h1 "$NET.2" \
        && test "$(ctl list-ports hab0 | tr '\n' ' ')" = "h1-p h2-p hab0 "
}
raw() { timeout 10 socat -t 5 - "UNIX-CONNECT:$SOCK"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$XVSD_PID/status"; }

# --- xvsctl, every command, bad arguments ---
mapfile -t cmds < <(ctl list-commands)
check "list-commands lists the commands (${#cmds[@]})" test "${#cmds[@]}" -ge 15
bad=
for c in "${cmds[@]}"; do
    for args in "" "nosuchbr" "hab0 %s%s%n" "hab0 h1-p 02:00:00:00:00:01 vlan=1 x=y" \
                "hab0.4094 h9 trunk=1-4094 native=0" "$(head -c 300 /dev/zero | tr '\0' 'a')"; do
        # shellcheck disable=SC2086
        ctl "$c" $args >/dev/null 2>&1
        rc=$?
        case $rc in 0|1|2) ;; *) bad="$bad [$c $args: exit $rc]" ;; esac
    done
done
check "every command with bad arguments: exit 0, 1 or 2${bad:+ --$bad}" test -z "$bad"
# What they made (if anything) goes again, so the health check is exact.
for b in $(ctl list-br); do [ "$b" = hab0 ] || ctl del-br "$b" >/dev/null 2>&1; done
ctl set-ageing hab0 300 >/dev/null
check "healthy after the command sweep" healthy

# --- raw requests ---
# error_reply DESCRIPTION: sends $T_DIR/req; the first reply line must be
# an error.  (Not in a pipeline: check must run in this shell.)
error_reply() {
    raw <"$T_DIR/req" >"$T_DIR/reply" 2>&1
    check "$1 gets an error reply" jq -e '.ok == false' <<<"$(head -n 1 "$T_DIR/reply")"
}
printf 'not json at all\n' >"$T_DIR/req"; error_reply "not JSON"
printf '{"command":"\xff\xfe"}\n' >"$T_DIR/req"; error_reply "invalid UTF-8"
printf '{"command":"ver\0sion"}\n' >"$T_DIR/req"; error_reply "a NUL byte"
printf '{"command":"show","args":["hab0\\u0000x"]}\n' >"$T_DIR/req"; error_reply "an escaped NUL"
printf '{"command":""}\n' >"$T_DIR/req"; error_reply "an empty command"
check "an empty command is named as such" grep -q '"request: \\"command\\" must be a non-empty string' "$T_DIR/reply"
printf '{"command":"ver\\u0000sion"}\n' >"$T_DIR/req"; error_reply "an escaped NUL in the command"
{ head -c 10000 /dev/zero | tr '\0' '['; echo; } >"$T_DIR/req"; error_reply "10000-deep nesting"
{ head -c 2000000 /dev/zero | tr '\0' 'x'; echo; } >"$T_DIR/req"; error_reply "a 2 MB line"
head -c 200000 /dev/urandom | raw >/dev/null 2>&1
check "healthy after random bytes" healthy

got=$(python3 - "$SOCK" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
for b in b'{"command":"version"}\n':
    s.send(bytes([b]))
    time.sleep(0.05)
s.settimeout(5)
print(s.recv(4096).decode().strip())
EOF
)
check "a request dribbled byte by byte is answered ($got)" jq -e '.ok == true' <<<"$got"

# A blank line, then a whole buffer of blanks and EOF: the last line was
# scanned with strspn() past the end of the 64 KiB buffer (an over-read
# that ASan stops at; found by scripts/check-sanitizers.sh).
python3 - "$SOCK" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b'\n' + b' ' * 65535)
time.sleep(0.5)
s.shutdown(socket.SHUT_WR)
s.settimeout(3)
s.recv(100)
EOF
check "a buffer of blanks before EOF: xvsd still answers" ctl version

before=$(rss_kb)
python3 - "$SOCK" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.setblocking(False)
req = b'{"command":"show"}\n' * 1000
sent, t0 = 0, time.time()
while sent < 1000000 * 19 and time.time() - t0 < 10:
    try:
        sent += s.send(req)
    except BlockingIOError:
        time.sleep(0.01)
time.sleep(3)                            # ... and never reads
EOF
reader=$!
sleep 2
check "a client that never reads its replies does not hold up others" ctl version
sleep 9                                 # the client has pushed all it could
grow=$(( $(rss_kb) - before ))
# A server that kept reading and answering would take all the client can
# send in 10 s (a million requests, their replies ~1.5 GB); a bounded one
# stops reading at CTL_OUT_HIGH.  The bound leaves room for ASan's own
# memory under scripts/check-sanitizers.sh.
check "... and xvsd's memory grows by less than 100 MB (${grow} kB)" test "$grow" -lt 102400
wait $reader

for _ in $(seq 70); do (sleep 3 | timeout 6 socat - "UNIX-CONNECT:$SOCK" >/dev/null 2>&1 &); done
sleep 1
check "70 clients at once: xvsd alive" kill -0 "$XVSD_PID"
sleep 3
check "healthy after the raw requests" healthy

# --- bridge changes under a ping flood ---
on h1 ping -f -c 100000 -w 20 -q "$NET.2" >"$T_DIR/flood1" 2>&1 &
f1=$!
on h2 ping -f -c 100000 -w 20 -q -b "$NET.255" >/dev/null 2>&1 &
f2=$!
fails=0
for _ in $(seq 10); do
    ctl del-br hab0 >/dev/null || fails=$((fails + 1))
    ctl add-br hab0 uplink=h1-p >/dev/null || fails=$((fails + 1))
    ctl add-port hab0 h2-p >/dev/null || fails=$((fails + 1))
    sleep 0.2
    ctl del-port hab0 h2-p >/dev/null || fails=$((fails + 1))
    ctl add-port hab0 h2-p >/dev/null || fails=$((fails + 1))
done
wait $f1 $f2
check "10 rounds of del-br/add-br/del-port/add-port under a flood: all done ($fails failed)" \
    test $fails = 0
check "xvsd alive after the flood" kill -0 "$XVSD_PID"
check "healthy after the flood" healthy
finish
