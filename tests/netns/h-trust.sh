#!/bin/bash
# h-trust: the control socket is root-only (issue 7, trust boundaries).
#   - xvsd makes the socket 0600 and its directory 0700, whatever the umask;
#   - a non-root user cannot connect with those modes;
#   - with the modes opened up by mistake (0666 socket, 0755 directories),
#     SO_PEERCRED still refuses any uid but 0 -- gid 0 does not help --
#     each refused client gets one error reply, and nothing it asked for is
#     done;
#   - a crowd of refused (idle or hammering) non-root clients neither
#     starves root nor hurts forwarding;
#   - xvsd never follows a symlink planted where its socket goes, nor
#     accepts a relative socket path.
# Non-root clients run as nobody through setpriv.
. "$(dirname "$0")/lib.sh"
it_init 41

it_need setpriv socat
add_hosts 2
cat > "$CONF" <<EOC
[bridge htr0]
host-port = no
uplink = h1-p
[port htr0 h2-p]
EOC
chmod 711 "$T_DIR"                      # nobody may traverse, not list
SOCK=$T_DIR/run/xvsd.sock               # xvsd makes run/ itself
mask=$(umask)
umask 000
start_xvsd
umask "$mask"

# as_nobody [GID] CMD...: CMD as uid 65534 (gid 65534, or GID).
as_nobody() {
    local gid=65534
    [[ $1 =~ ^[0-9]+$ ]] && { gid=$1; shift; }
    setpriv --reuid=65534 --regid="$gid" --clear-groups "$@"
}
nobody_ctl() { as_nobody "$XVSCTL" --socket "$SOCK" --timeout 5 "$@"; }

check "socket mode 0600 under umask 000" test "$(stat -c %a "$SOCK")" = 600
check "socket directory mode 0700" test "$(stat -c %a "$T_DIR/run")" = 700
check "socket owned by root" test "$(stat -c %u "$SOCK")" = 0

out=$(nobody_ctl list-br 2>&1); rc=$?
check "nobody cannot connect with the default modes (exit $rc: $out)" test $rc = 3
chmod 755 "$T_DIR/run"
out=$(nobody_ctl list-br 2>&1); rc=$?
check "nobody cannot connect to the 0600 socket in a 0755 directory (exit $rc)" test $rc = 3
check "... because connect() is refused" grep -q 'Permission denied' <<<"$out"

# Modes opened up by mistake: only SO_PEERCRED stands in the way.
chmod 666 "$SOCK"
out=$(nobody_ctl add-br evil0 2>&1); rc=$?
check "nobody: add-br refused by xvsd (exit $rc: $out)" test $rc = 1
check "... with 'permission denied (root only)'" grep -q 'permission denied (root only)' <<<"$out"
check "... and evil0 was not made" test "$(ctl list-br | tr '\n' ' ')" = "htr0 "
out=$(nobody_ctl 0 del-br htr0 2>&1); rc=$?
check "uid nobody with gid 0: del-br refused (exit $rc)" test $rc = 1
check "... htr0 still there" test "$(ctl list-br | tr '\n' ' ')" = "htr0 "
got=$(printf '%s\n' '{"command":"del-port","args":["htr0","h2-p"]}' '{"command":"version"}' \
      | as_nobody timeout 5 socat - "UNIX-CONNECT:$SOCK" 2>&1)
check "nobody: pipelined requests get one refusal, then EOF ($got)" \
    test "$got" = '{"ok":false,"error":"request: permission denied (root only)"}'
check "... h2-p still attached" test "$(ctl list-ports htr0 | tr '\n' ' ')" = "h1-p h2-p "
check "refusals are logged with the uid" grep -q 'refused a client of uid 65534' "$LOG"

# A crowd of non-root clients: 30 idle ones, and 300 connect/close in a row.
for _ in $(seq 30); do
    (as_nobody timeout 8 socat -u OPEN:/dev/null,ignoreeof "UNIX-CONNECT:$SOCK" >/dev/null 2>&1 &)
done
for _ in $(seq 300); do
    as_nobody timeout 2 socat -u OPEN:/dev/null "UNIX-CONNECT:$SOCK" >/dev/null 2>&1
done &
hammer=$!
check "root is served while nobody crowds the socket" ctl version
check "forwarding goes on meanwhile" ping_ok h1 "$NET.2"
wait $hammer
check "root is served after the crowd" ctl list-br
check "xvsd is still running" kill -0 "$XVSD_PID"

# Socket path checks, with a second daemon that must refuse to start.
other() {   # other SOCKPATH: xvsd with that control socket; fails if it exits
    ip netns exec "$SW" timeout 5 "$XVSD" --foreground --config "$CONF" --control "$1" \
        >"$T_DIR/other.log" 2>&1
    local rc=$?
    [ $rc = 124 ] && return 0          # still running after 5 s: it started
    return $rc
}
echo secret >"$T_DIR/target"
ln -s "$T_DIR/target" "$T_DIR/planted.sock"
check_not "a symlink planted at the socket path: xvsd refuses to start" other "$T_DIR/planted.sock"
check "... saying so" grep -q 'exists and is not a socket' "$T_DIR/other.log"
check "... and leaves the symlink's target alone" test "$(cat "$T_DIR/target")" = secret
check_not "a relative socket path is refused" other "relative.sock"
check "... saying so" grep -q 'not an absolute path' "$T_DIR/other.log"
check_not "a second xvsd on the live socket refuses to start" other "$SOCK"
check "the first one still answers" ctl version
finish
