#!/bin/bash
# t-ctl: run-time changes through xvsctl (add-br/del-br/add-port/del-port,
# log-level, version), errors reported by the daemon (exit 1 with its
# message) or by xvsctl (exit 2, exit 3 when xvsd is unreachable), a
# root-only socket, and a control socket that survives garbage.
. "$(dirname "$0")/lib.sh"
it_init 16

for i in 1 2 3 4; do add_host h$i $i "$NET.$i/24"; done
cat > "$CONF" <<EOC
[bridge xvsbr0]
host-port = no
[port xvsbr0 h1-p]
vlan = 1
EOC
start_xvsd

mode=$(stat -c %a "$SOCK")
check "control socket is root-only (mode $mode)" test $(( 8#$mode & 8#007 )) = 0

check "add-port xvsbr0 h2-p" ctl add-port xvsbr0 h2-p
check "h1 -> h2 through the new port" ping_ok h1 "$NET.2"
check "add-port xvsbr0 h3-p vlan=5" ctl add-port xvsbr0 h3-p vlan=5
check "h3 in VLAN 5 cannot reach h1" ping_fails h3 "$NET.1"
check "show: h3-p access VLAN 5" jq -e '.bridges[0].ports[] | select(.name == "h3-p") | .vlan_mode == "access" and .pvid == 5' <(ctl -j show)
check "del-port xvsbr0 h2-p" ctl del-port xvsbr0 h2-p
check "h2 detached" ping_fails h1 "$NET.2"
check "h2's FDB entry gone with its port" fdb_lacks xvsbr0 "$(mac_of 2)"
check "add-port xvsbr0 h2-p trunk=10,20 native=1" ctl add-port xvsbr0 h2-p trunk=10,20 native=1
check "h1 -> h2 over the native VLAN" ping_ok h1 "$NET.2"

check "add-br xvsbr1 host-port=yes ageing=30 fdb-max=100" ctl add-br xvsbr1 host-port=yes ageing=30 fdb-max=100
check "list-br" test "$(bridges)" = "xvsbr0 xvsbr1 "
check "show: xvsbr1 settings" jq -e '.bridges[] | select(.name == "xvsbr1") | .ageing == 30 and .fdb_max == 100 and .host_port' <(ctl -j show)
check "host port xvsbr1 exists" on sw ip link show xvsbr1
on sw ip addr add 10.233.16.254/24 dev xvsbr1
on sw ip link set xvsbr1 up
on h4 ip addr add 10.233.16.4/24 dev eth0
check "add-port xvsbr1 h4-p" ctl add-port xvsbr1 h4-p
check "h4 -> host port of xvsbr1" ping_ok h4 10.233.16.254

# Errors from the daemon: exit 1 and a message naming the object.
expect_error() {   # expect_error REGEX ARGS...
    local re=$1; shift
    local out rc
    out=$(ctl "$@" 2>&1); rc=$?
    [ $rc = 1 ] && grep -Eq -- "$re" <<<"$out" || { echo "exit $rc: $out"; return 1; }
}
check "add-port of a port already on a bridge" expect_error 'h1-p' add-port xvsbr1 h1-p
check "add-port of a missing device" expect_error 'nosuchdev' add-port xvsbr0 nosuchdev
check "add-br of an existing bridge" expect_error 'xvsbr0' add-br xvsbr0
check "del-br of a missing bridge" expect_error 'nosuchbr' del-br nosuchbr
check "del-port of a missing port" expect_error 'h9-p' del-port xvsbr0 h9-p
check "fdb-show of a missing bridge" expect_error 'nosuchbr' fdb-show nosuchbr
check "unknown command" expect_error 'frobnicate' frobnicate
check "log-level with a bad module" expect_error 'bogus' log-level bogus debug
check "log-level with a bad level" expect_error 'loud' log-level fdb loud
check "h1 still forwards after the errors" ping_ok h1 "$NET.2"

check "del-br xvsbr1" ctl del-br xvsbr1
check_not "host port xvsbr1 removed" on sw ip link show xvsbr1
check "list-br after del-br" test "$(bridges)" = "xvsbr0 "

check "log-level fdb debug" ctl log-level fdb debug
check "log-level shows fdb debug" jq -e '.fdb == "debug"' <(ctl -j log-level)
check "log-level all warn" ctl log-level all warn
check "log-level shows main warn" jq -e '.main == "warn" and .fdb == "warn"' <(ctl -j log-level)
check "version" matches '[0-9]+\.[0-9]+' ctl version

# The control socket survives garbage and oversized requests.
check "garbage request gets an error reply" matches '"ok": *false' \
    bash -c "printf 'this is not json\n' | timeout 5 socat - UNIX-CONNECT:$SOCK"
check "request without command gets an error reply" matches '"ok": *false' \
    bash -c "printf '{\"args\": []}\n' | timeout 5 socat - UNIX-CONNECT:$SOCK"
head -c 2000000 /dev/zero | tr '\0' 'x' | timeout 5 socat - UNIX-CONNECT:"$SOCK" >/dev/null 2>&1
check "2 MB request does not kill xvsd" ctl list-br
timeout 5 socat - UNIX-CONNECT:"$SOCK" </dev/null >/dev/null 2>&1
check "empty connection does not kill xvsd" ctl list-br

# xvsctl-side errors.
out=$(ctl fdb-show 2>&1); rc=$?
check "missing argument: exit 2 with usage ($out)" test $rc = 2
stop_xvsd
out=$(ctl list-br 2>&1); rc=$?
check "daemon gone: exit 3 ($out)" test $rc = 3
check "daemon gone: message" test "$out" = "xvsctl: cannot connect to xvsd at $SOCK: No such file or directory (is xvsd running?)"
finish
