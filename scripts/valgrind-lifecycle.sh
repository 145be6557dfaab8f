#!/bin/bash
# valgrind-lifecycle.sh: a whole life of xvsd under valgrind memcheck, as
# root, in network namespaces; fails on any memory error, any definite or
# indirect leak, or a file descriptor left open at exit.
#
#   start (config: two bridges, an uplink and an extra port over veth, a
#   TAP host port, guests on the simulated hypervisor) -> two guests
#   (xvs-simfront, TAP mode) attached as vifs -> traffic (bounded pings
#   guest <-> guest, guest <-> uplink host, to the host port) -> every
#   xvsctl command, including add-br/add-port/del-port/del-br, vif-detach /
#   vif-attach, and failing ones -> garbage on the control socket -> SIGHUP
#   with a changed file, SIGHUP with a broken file -> traffic again ->
#   SIGTERM with a vif still attached.
# Part 2 runs tests/sim/test-xvsd-xenbus.sh (guests created and destroyed
# through xenstore as libxl does, restarts, VG_N_VIFS guests) with every
# xvsd it starts under valgrind, and checks each complete life the same way.
#
# Topology (namespaces private to this run, see below):
#      xvs-h-vg-h1 eth0 ── h1-p ┐ xvs-h-vg-sw: xvsd  ┌ h2-p ── eth0 xvs-h-vg-h2
#                               └ vgbr0 (host port vgbr0 10.239.1.254)
#      xvs-h-vg-h3 eth0 ── h3-p   (vgbr2 at run time; vgbr1 from the file)
#      xvs-h-vg-g1, -g2: guests dom1, dom2 (eth0 = their netfront's TAP),
#                        vif1.0 and vif2.0 on vgbr0
#
# Environment: XVSD, XVSCTL, SIMBIN (default: _build/daemon/xvsd,
# _build/ctl/xvsctl, _build/tests/sim at the top; the test programs come
# with `make check`), VG_N_VIFS (default 10), VG_KEEP=1 keeps the work
# directory.
# Output: PASS/FAIL lines, the valgrind summary, and last
# "valgrind: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

# Namespace names are ours, but the same script may run twice on a shared
# machine: give the run its own /run/netns in a private mount namespace.
if [ "${XVS_VG_PRIVATE:-0}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "valgrind: FAIL: must run as root"; echo "valgrind: 0 passed, 1 failed"; exit 1; }
    mkdir -p /run/netns
    # shellcheck disable=SC2016   # $0 and $@ are sh -c's arguments
    exec env XVS_VG_PRIVATE=1 unshare --mount --propagation private \
        sh -c 'mount -t tmpfs xvs-vg-netns /run/netns && exec "$0" "$@"' "$0" "$@"
fi

XVSD=${XVSD:-$top/_build/daemon/xvsd}
XVSCTL=${XVSCTL:-$top/_build/ctl/xvsctl}
SIMBIN=${SIMBIN:-$top/_build/tests/sim}
SW=xvs-h-vg-sw
NET=10.239.1
PASS=0 FAIL=0
PID=
GUESTS=
DIR=$(mktemp -d /tmp/xvs-valgrind.XXXXXX)
SOCK=$DIR/xvsd.sock CONF=$DIR/xvs.conf VGLOG=$DIR/valgrind.log LOG=$DIR/xvsd.log

result() {   # result PASS|FAIL WHAT
    echo "$1: valgrind-lifecycle: $2"
    if [ "$1" = PASS ]; then PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); fi
}
check() { local what=$1; shift; if "$@" >"$DIR/check.out" 2>&1; then result PASS "$what"; else
          result FAIL "$what"; sed 's/^/    | /' "$DIR/check.out" | head -n 10; fi; }
check_not() { local what=$1; shift; if "$@" >"$DIR/check.out" 2>&1; then result FAIL "$what";
              sed 's/^/    | /' "$DIR/check.out" | head -n 10; else result PASS "$what"; fi; }
finish() { echo "valgrind: $PASS passed, $FAIL failed"; [ $FAIL = 0 ]; exit; }
cleanup() {
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
    for g in $GUESTS; do kill "$g" 2>/dev/null; done
    for n in $SW xvs-h-vg-h1 xvs-h-vg-h2 xvs-h-vg-h3 xvs-h-vg-g1 xvs-h-vg-g2; do
        ip netns del "$n" 2>/dev/null
    done
    if [ "${VG_KEEP:-0}" = 1 ]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in valgrind ip ping socat timeout; do
    command -v $tool >/dev/null || { result FAIL "$tool is missing (scripts/setup-deps.sh)"; finish; }
done
for b in "$XVSD" "$XVSCTL" "$SIMBIN/xvs-simfront"; do
    [ -x "$b" ] || { result FAIL "$b is missing (build first, or set XVSD/XVSCTL)"; finish; }
done
if grep -q __asan_init "$XVSD" 2>/dev/null; then
    result FAIL "$XVSD is built with sanitizers; valgrind needs a plain build"; finish
fi

ns_add() { ip netns add "$1" && ip -n "$1" link set lo up \
           && ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; }
on() { local n=$1; shift; ip netns exec "xvs-h-vg-$n" "$@"; }
ctl() { "$XVSCTL" --socket "$SOCK" --timeout 20 "$@"; }
matches() { local re=$1; shift; "$@" 2>&1 | grep -Eq -- "$re"; }
ping_ok() { on "$1" ping -c 5 -i 0.2 -W 2 -w 15 -q "$2"; }

ns_add $SW || { result FAIL "cannot create network namespaces"; finish; }
for i in 1 2 3; do
    ns_add xvs-h-vg-h$i
    ip link add eth0 netns xvs-h-vg-h$i type veth peer name h$i-p netns $SW
    ip -n xvs-h-vg-h$i link set eth0 up
    ip -n xvs-h-vg-h$i addr add $NET.$i/24 dev eth0
    ip -n $SW link set h$i-p up
done

mkdir "$DIR/sim"
cat >"$CONF" <<EOF
[global]
log-level = info
[xen]
xenif = sim:$DIR/sim
[bridge vgbr0]
uplink = h1-p
[port vgbr0 h2-p]
[bridge vgbr1]
host-port = no
ageing = 30
EOF

# --- start ---
ip netns exec $SW env -u NOTIFY_SOCKET -u JOURNAL_STREAM \
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=yes \
    --track-origins=yes --log-file="$VGLOG" \
    "$XVSD" --foreground --config "$CONF" --control "$SOCK" --log-target stderr >"$LOG" 2>&1 &
PID=$!
up=0
for _ in $(seq 600); do
    kill -0 $PID 2>/dev/null || break
    ctl version >/dev/null 2>&1 && { up=1; break; }
    sleep 0.1
done
if [ $up = 0 ]; then
    result FAIL "xvsd under valgrind does not answer within 60 s"; tail -n 20 "$LOG" "$VGLOG"; finish
fi
result PASS "xvsd runs under valgrind"
ip -n $SW addr add $NET.254/24 dev vgbr0
ip -n $SW link set vgbr0 up

# --- guests: netfronts on the simulated hypervisor, attached as vifs ---
info() { sed -n "s/^$2=//p" "$1"; }
attach() {   # attach DOMID: vif-attach from what the guest's netfront published
    local f=$DIR/sim/dom$1.vif0 ch feats='' k
    ch=$(info "$f" event-channel)
    [ -n "$ch" ] || ch="$(info "$f" event-channel-tx) $(info "$f" event-channel-rx)"
    for k in feature-sg feature-gso-tcpv4 feature-gso-tcpv6 feature-ipv6-csum-offload \
             feature-no-csum-offload feature-rx-notify request-multicast-control; do
        feats="$feats $k=$(info "$f" "$k")"
    done
    # shellcheck disable=SC2086
    ctl vif-attach vgbr0 "$1" "$(info "$f" devid)" "$(info "$f" tx-ring-ref)" \
        "$(info "$f" rx-ring-ref)" $ch mac="$(info "$f" mac)" $feats
}
for d in 1 2; do
    ns_add xvs-h-vg-g$d
    ip netns exec xvs-h-vg-g$d "$SIMBIN/xvs-simfront" --dir "$DIR/sim" --domid $d --tap eth0 \
        >"$DIR/g$d.out" 2>&1 &
    GUESTS="$GUESTS $!"
done
for _ in $(seq 100); do
    [ -e "$DIR/sim/dom1.vif0" ] && [ -e "$DIR/sim/dom2.vif0" ] && break
    sleep 0.1
done
check "vif-attach dom1 (vif1.0)" attach 1
check "vif-attach dom2 (vif2.0)" attach 2
for d in 1 2; do
    ip -n xvs-h-vg-g$d addr add $NET.1$d/24 dev eth0
    ip -n xvs-h-vg-g$d link set eth0 up
done

# --- traffic ---
check "h1 (uplink) -> h2 (extra port)" ping_ok h1 $NET.2
check "h2 -> host port vgbr0" ping_ok h2 $NET.254
check "guest 1 -> guest 2 (vif -> vif)" ping_ok g1 $NET.12
check "guest 2 -> h1 (vif -> uplink)" ping_ok g2 $NET.1
check "guest 1 -> host port (vif -> TAP)" ping_ok g1 $NET.254
check "vif-show" ctl vif-show
check "vif-detach vif2.0" ctl vif-detach vif2.0
check_not "guest 2 is cut off" on g2 ping -c 2 -i 0.2 -W 1 -w 3 -q $NET.11
check "vif-attach dom2 again (resumes from its rings)" attach 2
check "guest 2 -> guest 1 again" ping_ok g2 $NET.11
check_not "vif-detach of a missing vif fails" ctl vif-detach vif9.0
check_not "del-br of a bridge with vifs fails" ctl del-br vgbr0

# --- every command ---
check "show" ctl show
check "show -j" ctl -j show
check "list-br" ctl list-br
check "list-ports" ctl list-ports vgbr0
check "br-to-vlan" ctl br-to-vlan vgbr0
check "fdb-show" ctl fdb-show vgbr0
check "fdb-stats" ctl fdb-stats vgbr0
check "port-stats" ctl port-stats
check "port-stats vgbr0 h1-p" ctl port-stats vgbr0 h1-p
check "version" ctl version
check "list-commands" ctl list-commands
check "log-level" ctl log-level
check "log-level fdb debug" ctl log-level fdb debug
check "log-level info" ctl log-level info
check "set-ageing vgbr1 60" ctl set-ageing vgbr1 60
check "add-br vgbr2" ctl add-br vgbr2 host-port=yes ageing=10 fdb-max=100
check "add-port vgbr2 h3-p vlan=5" ctl add-port vgbr2 h3-p vlan=5
check "list-br shows vgbr2.5" matches 'vgbr2\.5' ctl list-br
check "fdb-add" ctl fdb-add vgbr2 h3-p 02:00:00:00:00:33
check "fdb-del" ctl fdb-del vgbr2 02:00:00:00:00:33
check "fdb-flush" ctl fdb-flush vgbr0
check "del-port vgbr2 h3-p" ctl del-port vgbr2 h3-p
check "add-port vgbr2 h3-p trunk=10,20 native=1 promiscuous=yes" \
    ctl add-port vgbr2 h3-p trunk=10,20 native=1 promiscuous=yes
check "del-br vgbr2 (with its port)" ctl del-br vgbr2
check "add-br vgbr3 uplink=h3-p host-port=no" ctl add-br vgbr3 uplink=h3-p host-port=no
check "del-port of an uplink" ctl del-port vgbr3 h3-p
check "del-br vgbr3" ctl del-br vgbr3
check_not "add-port of a missing device fails" ctl add-port vgbr0 nosuchdev0
check_not "add-br with a missing uplink fails" ctl add-br vgbr4 uplink=nosuchdev1
check_not "add-br of a bad name fails" ctl add-br 'bad/name'
check_not "del-br of a missing bridge fails" ctl del-br nosuchbr
check_not "unknown command fails" ctl frobnicate
for i in 1 2 3 4 5; do ctl add-br vgloop$i >/dev/null && ctl del-br vgloop$i >/dev/null; done
check "5 x add-br/del-br with host ports" test "$(ctl list-br | tr '\n' ' ')" = "vgbr0 vgbr1 "

# --- garbage on the control socket ---
sock() { timeout 20 socat - "UNIX-CONNECT:$SOCK"; }
check "not JSON" matches '"ok": *false' sh -c "printf 'garbage\n' | timeout 20 socat - UNIX-CONNECT:$SOCK"
head -c 100000 /dev/urandom | sock >/dev/null 2>&1
printf '{"command":"show","args":[' | sock >/dev/null 2>&1
printf '%s\n' '{"command":"version"}' '{"command":"version"}' '[[[[[[[[[[[[[[[[[[[[' | sock >/dev/null 2>&1
check "xvsd answers after garbage" ctl version

# --- reload ---
cat >"$CONF" <<EOF
[global]
log-level = info
[xen]
xenif = sim:$DIR/sim
[bridge vgbr0]
uplink = h1-p
[port vgbr0 h2-p]
vlan = 1
[bridge vgbr5]
[port vgbr5 h3-p]
vlan = 7
EOF
kill -HUP $PID
for _ in $(seq 100); do ctl list-br 2>/dev/null | grep -q vgbr5 && break; sleep 0.2; done
check "SIGHUP: vgbr5 added, vgbr1 removed" test "$(ctl list-br | tr '\n' ' ')" = "vgbr0 vgbr5 vgbr5.7 "
printf '[bridge vgbr0]\nageing = nonsense\n' >"$CONF"
kill -HUP $PID
sleep 3
check "SIGHUP with a broken file changes nothing" test "$(ctl list-br | tr '\n' ' ')" = "vgbr0 vgbr5 vgbr5.7 "
check "h1 -> h2 after the reloads" ping_ok h1 $NET.2
check "guest 1 -> guest 2 after the reloads" ping_ok g1 $NET.12
check "vif-detach vif1.0 (vif2.0 stays for the shutdown)" ctl vif-detach vif1.0

# --- stop ---
kill -TERM $PID
for _ in $(seq 600); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
if kill -0 $PID 2>/dev/null; then
    result FAIL "xvsd under valgrind did not stop within 60 s of SIGTERM"; finish
fi
wait $PID
rc=$?
PID=
check "exit status 0 (valgrind's is 99 on an error or a leak): $rc" test $rc = 0
check "netback released the vif at shutdown" grep -q 'vifs\? released' "$LOG"
# vg_checks WHAT LOG: the verdicts on one complete valgrind log.
vg_checks() {
    local what=$1 log=$2 fds
    echo "--- valgrind summary ($what)"
    grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|All heap blocks|FILE DESCRIPTORS' \
        "$log" | sed 's/^==[0-9]*== */    /'
    check "$what: no memory error" grep -q 'ERROR SUMMARY: 0 errors' "$log"
    check "$what: no definite or indirect leak" sh -c "grep -q 'All heap blocks were freed' '$log' || \
        (grep -q 'definitely lost: 0 bytes' '$log' && grep -q 'indirectly lost: 0 bytes' '$log')"
    # Descriptors xvsd opened and left open at exit (not the standard ones,
    # not those it inherited, such as valgrind's log).
    fds=$(awk '/Open (file descriptor|AF_[A-Z0-9]+ socket) [0-9]+/ { fd = $0; sub(/.*(descriptor|socket) /, "", fd);
               sub(/:.*/, "", fd); getline nxt; if (fd > 2 && nxt !~ /inherited from parent/) printf "%s ", fd }' "$log")
    check "$what: no file descriptor left open at exit (${fds:-none})" test -z "$fds"
}
vg_checks "lifecycle" "$VGLOG"

# --- part 2: the xenstore module, as libxl drives it ---
# tests/sim/test-xvsd-xenbus.sh (fake xenstored, xl create through the
# hotplug script, live keys (vlan, bridge, rate, mtu...), bad keys, SIGTERM and kill -9 restarts with
# vifs attached, network-detach, VG_N_VIFS guests one after another,
# destroy, vif-xvs with xvsd down) with every xvsd it starts running under valgrind.  Each life
# that ended on its own (not by kill -9) must be clean.
XENBUS_TEST=$top/tests/sim/test-xvsd-xenbus.sh
BUILD=$(cd "$(dirname "$XVSD")/.." && pwd)
cat >"$DIR/xvsd-vg" <<EOF
#!/bin/sh
exec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \\
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=yes \\
    --log-file=$DIR/xenbus-vg.%p.log "$XVSD" "\$@"
EOF
chmod +x "$DIR/xvsd-vg"
(cd "$BUILD" && N_VIFS=${VG_N_VIFS:-10} XVSD="$DIR/xvsd-vg" TOP="$BUILD" \
    timeout 1200 bash "$XENBUS_TEST") >"$DIR/xenbus.out" 2>&1
rc=$?
check "test-xvsd-xenbus.sh passes with xvsd under valgrind (exit $rc)" test $rc = 0
[ $rc = 0 ] || tail -n 15 "$DIR/xenbus.out" | sed 's/^/    | /'
n=0
for log in "$DIR"/xenbus-vg.*.log; do
    [ -f "$log" ] || continue
    grep -q 'ERROR SUMMARY' "$log" || continue      # killed with -9 by the test
    n=$((n + 1))
    vg_checks "xenstore life $n" "$log"
    VGLOG="$VGLOG $log"
done
check "xenstore part: at least 2 complete xvsd lives under valgrind ($n)" test $n -ge 2

if [ $FAIL != 0 ]; then
    echo "--- valgrind reports (first 80 lines of errors)"
    # shellcheck disable=SC2086   # several logs
    cat $VGLOG | grep -vE '^==[0-9]+== *$' | grep -A 30 -E 'Invalid|uninitialised|lost in loss|Open (file|AF_|socket)' \
        | head -n 80 | sed 's/^/    /'
    echo "--- xvsd log (last 20 lines)"; tail -n 20 "$LOG" | sed 's/^/    /'
fi
finish
