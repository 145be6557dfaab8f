#!/bin/bash
# test-xvsctl.sh: xvsctl against a fake daemon (fake-xvsd.sh behind socat):
# request encoding, text tables, JSON output, argument checks, exit status,
# unreachable daemon, bad replies and timeouts.  Needs socat and jq; no root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
XVSCTL=${XVSCTL:-./ctl/xvsctl}
for tool in socat jq; do
    command -v $tool >/dev/null || { echo "FAIL: $tool is missing (scripts/setup-deps.sh installs it)"; exit 1; }
done
[ -x "$XVSCTL" ] || { echo "FAIL: $XVSCTL not built"; exit 1; }

tmp=$(mktemp -d /tmp/xvs-ctltest.XXXXXX)
sock=$tmp/xvsd.sock
export FAKE_XVSD_LOG=$tmp/requests
socat UNIX-LISTEN:"$sock",fork EXEC:"$here/fake-xvsd.sh" 2>"$tmp/socat.err" &
socat_pid=$!
trap 'kill $socat_pid 2>/dev/null; wait $socat_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done

pass=0 fail=0
# run EXPECTED_STATUS ARGS...: runs xvsctl, keeps stdout in $out, stderr in $err
run() {
    local want=$1; shift
    out=$("$XVSCTL" --socket "$sock" "$@" 2>"$tmp/err"); rc=$?
    err=$(cat "$tmp/err")
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL: xvsctl $*: exit $rc, expected $want (stderr: $err)"; fail=$((fail + 1)); return 1
    fi
    return 0
}
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; echo "  stdout: $out"; echo "  stderr: $err"; fail=$((fail + 1)); }
has() { grep -qE -- "$2" <<<"$1"; }
last_request() { tail -n 1 "$FAKE_XVSD_LOG"; }

# Request encoding: one line, command + string args.
run 0 some-new-command a 'b c' 'ü' && {
    [ "$(last_request | jq -c .)" = '{"command":"some-new-command","args":["a","b c","ü"]}' ] \
        && [ "$(jq -c .echo.args <<<"$out")" = '["a","b c","ü"]' ] && ok \
        || bad "unknown command not passed through as is: $(last_request)"
}

# Text tables.
run 0 show && { has "$out" '^Bridge xenbr0$' && has "$out" '^    Port vif1.0$' \
    && has "$out" 'vlan: trunk 10,20-30, native 5' && has "$out" 'mac-locked' \
    && has "$out" 'rx_ring_free: 200' && has "$out" 'uplink: none' && ok || bad "show text"; }
run 0 fdb-show xenbr0 && { has "$out" '^port +VLAN +MAC +Age$' \
    && has "$out" '^eth0 +1 +52:54:00:00:00:02 +3$' && has "$out" '^vif1.0 +10 +00:16:3e:00:00:01 +static$' \
    && ok || bad "fdb-show text"; }
run 0 port-stats && { has "$out" '^xenbr0 +vif1.0 +1 +60 +0 +0 +5 \((vlan-ingress 3, mtu 2|mtu 2, vlan-ingress 3)\)$' \
    && has "$out" '^xenbr0 +eth0 +10 +1000 +5 +500 +0$' && ok || bad "port-stats text"; }
run 0 fdb-stats xenbr0 && { has "$out" '^moved +1$' && has "$out" '^entries +2$' && ok || bad "fdb-stats text"; }
run 0 list-br && { [ "$out" = $'xenbr0\nxenbr0.10' ] && ok || bad "list-br"; }
run 0 list-ports xenbr0 && { [ "$out" = $'eth0\nvif1.0' ] && ok || bad "list-ports"; }
run 0 br-to-vlan xenbr0.10 && { [ "$out" = 10 ] && ok || bad "br-to-vlan"; }
run 0 fdb-flush xenbr0 port=eth0 vlan=10 && { has "$out" '^4 entries flushed$' \
    && [ "$(last_request | jq -c .args)" = '["xenbr0","port=eth0","vlan=10"]' ] && ok || bad "fdb-flush"; }
run 0 log-level && { has "$out" '^fdb +debug$' && ok || bad "log-level"; }
run 0 version && { [ "$out" = "xvsd 0.1.0" ] && ok || bad "version"; }
run 0 -j version && { [ "$(jq -r .version <<<"$out")" = "0.1.0" ] && ok || bad "version -j"; }
run 0 add-br br0 uplink=eth1 host-port=no ageing=0 fdb-max=100 take-over-addresses=on mtu=9000 \
    && { [ -z "$out" ] && ok || bad "add-br prints nothing"; }
run 0 add-port br0 eth1 trunk=10,20-30 native=5 promiscuous=yes learning=no && ok
run 0 log-level info,fdb=debug && { [ "$(last_request | jq -c .args)" = '["info,fdb=debug"]' ] && ok || bad "log-level SPEC"; }
run 0 odd-shape && { has "$out" '"bridges": 7' && ok || bad "unknown shape printed as JSON"; }

# JSON output.
run 0 -j fdb-stats xenbr0 && { [ "$(jq -r .moved <<<"$out")" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && ok || bad "-j"; }
run 0 fdb-show xenbr0 --json && { [ "$(jq -r '.[1].static' <<<"$out")" = true ] && ok || bad "--json after args"; }
run 0 -p show && { [ "$(jq -r '.bridges[0].ports[1].name' <<<"$out")" = vif1.0 ] && [ "$(wc -l <<<"$out")" -gt 5 ] && ok || bad "-p"; }
XVS_CTL_SOCKET=$sock "$XVSCTL" list-br >/dev/null 2>&1 && ok || bad "XVS_CTL_SOCKET not honoured"

# Daemon errors: message printed, exit 1.
run 1 del-br nosuch && { [ "$err" = "xvsctl: bridge nosuch: no such bridge" ] && ok || bad "daemon error message"; }

# Broken daemons: exit 3 with a message.
run 3 garbage && { has "$err" 'bad reply from xvsd' && ok || bad "garbage reply"; }
run 3 no-ok && { has "$err" 'bad reply' && ok || bad "reply without ok"; }
run 3 --timeout 1 hang && { has "$err" 'timed out' && ok || bad "timeout"; }
out=$("$XVSCTL" --socket "$tmp/nonexistent.sock" show 2>&1); rc=$?
[ $rc = 3 ] && [ "$out" = "xvsctl: cannot connect to xvsd at $tmp/nonexistent.sock: No such file or directory (is xvsd running?)" ] \
    && ok || bad "unreachable daemon: rc=$rc: $out"

# Bad arguments: exit 2, nothing sent.
n_before=$(wc -l < "$FAKE_XVSD_LOG")
while IFS='|' read -r args pattern; do
    # shellcheck disable=SC2086
    run 2 $args && { has "$err" "$pattern" && ok || bad "xvsctl $args: message"; }
done <<'EOT'
|missing command
fdb-show|fdb-show: missing arguments \(usage: fdb-show BR\)
fdb-show a b|too many arguments
list-br extra|too many arguments
add-br br0 foo=1|unexpected argument "foo=1"
add-br br0 ageing=x|ageing "x" is not a number
add-br br0 ageing=1 ageing=2|ageing given twice
add-br br0 fdb-max=0|fdb-max "0" is out of range
add-br br0 host-port=maybe|host-port must be yes or no
add-br averyveryverylongname|too long
add-br a/b|not a valid interface name
add-port br0 eth0 vlan=5000|VLAN "5000" is out of range
add-port br0 eth0 vlan=0|VLAN "0" is out of range
add-port br0 eth0 vlan=5 trunk=1|cannot be combined
add-port br0 eth0 native=3|native= needs trunk=
add-port br0 eth0 trunk=10,,20|bad VLAN list
add-port br0 eth0 trunk=30-20|bad VLAN list
add-port br0 eth0 trunk=4095|bad VLAN list
fdb-add br0 p1 zz:zz|bad MAC address
fdb-add br0 p1 ff:ff:ff:ff:ff:ff|multicast or zero
fdb-del br0 00:11:22:33:44:55 vlan=x|VLAN "x" is not a number
set-ageing br0 soon|ageing time "soon" is not a number
set-ageing br0 99999999999|out of range
add-br br0 mtu=10|mtu "10" is out of range .68..65535.
add-br br0 take-over-addresses=2|take-over-addresses must be yes or no
add-port br0 eth0 promiscuous=maybe|promiscuous must be yes or no
fdb-flush br0 static=x|static must be yes or no
log-level a b c|too many arguments
--timeout=abc show|--timeout
--bogus show|unknown or incomplete option
EOT
[ "$(wc -l < "$FAKE_XVSD_LOG")" = "$n_before" ] && ok || bad "a rejected command was sent to the daemon"

# Help.
run 0 --help && { has "$out" '^  fdb-show BR ' && has "$out" 'Exit status' && ok || bad "--help"; }
run 0 help set-ageing && { has "$out" 'set-ageing BR SECONDS' && ok || bad "help COMMAND"; }

echo "test-xvsctl: $pass passed, $fail failed"
[ $fail = 0 ]
