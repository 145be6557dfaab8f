# lib.sh: helpers of the xvs network namespace integration tests (sourced).
# shellcheck shell=bash disable=SC2034  # NET, XVSD_STATUS... are for the tests
#
# Topology of a test: xvsd runs inside its own namespace, $SW ("xvs-it-P-sw"),
# so the host port (a TAP named like the bridge) is isolated from the machine.
# Each simulated host is a namespace "xvs-it-P-NAME" whose eth0 is one end of
# a veth pair; the other end, "NAME-p", lives in $SW and is attached
# to a bridge as the uplink or an extra port ([port BR IFNAME] in the config).
#
# (P: the test's process id, so two runs of the suite on one machine never
# touch each other's namespaces; T: the test's ID, in its MACs and subnet.)
#
#      ns xvs-it-P-h1            ns xvs-it-P-sw                ns xvs-it-P-h2
#   eth0 (02:00:00:T:00:01) ── h1-p ─┐               ┌─ h2-p ── eth0 ...
#                                    └─ xvsd: bridge ┘
#                                       host port "xvsbr0" (TAP) 10.231.T.254
#
# Every traffic generator is bounded (ping -c/-w, timeout), every test runs
# under `timeout` in run.sh, and the EXIT trap kills xvsd and removes the
# namespaces.  Results: check() counts, finish() prints
# "NAME: N passed, N failed" and sets the exit status.
#
# Environment: XVSD, XVSCTL (the binaries under test; default ./daemon/xvsd
# and ./ctl/xvsctl from the build directory), XVS_IT_KEEP=1 keeps the temp
# directory for inspection.  IT_NS_PREFIX (default xvs-it, set by the test
# before sourcing) names the namespaces "PREFIX-P-NAME".

set -u

XVSD=${XVSD:-./daemon/xvsd}
IT_NS_PREFIX=${IT_NS_PREFIX:-xvs-it}
XVSCTL=${XVSCTL:-./ctl/xvsctl}
T_NAME=$(basename "$0" .sh)
T_PASS=0
T_FAIL=0
T_NS=()
T_DIR=
XVSD_PID=
SW=

# it_init ID: ID (2..250) makes namespaces and subnets unique per test.
it_init() {
    T_ID=$1
    if [ "$(id -u)" != 0 ]; then
        echo "$T_NAME: FAIL: must run as root (network namespaces)"; exit 1
    fi
    it_need ip ping tcpdump trafgen jq timeout
    local tool
    for tool in "$XVSD" "$XVSCTL"; do
        [ -x "$tool" ] || { echo "$T_NAME: FAIL: $tool is missing (build first; set XVSD/XVSCTL)"; exit 1; }
    done
    XVSD=$(readlink -f "$XVSD"); XVSCTL=$(readlink -f "$XVSCTL")
    T_DIR=$(mktemp -d "/tmp/xvs-it-$T_NAME.XXXXXX")
    SOCK=$T_DIR/xvsd.sock
    CONF=$T_DIR/xvs.conf
    LOG=$T_DIR/xvsd.log
    NET=10.231.$T_ID
    trap it_cleanup EXIT
    trap 'exit 130' INT TERM
    SW=$IT_NS_PREFIX-$$-sw
    ns_add "$SW"
}

# it_need TOOL...: each TOOL is on PATH, else the test fails naming it.
it_need() {
    local tool
    for tool; do
        command -v "$tool" >/dev/null ||
            { echo "$T_NAME: FAIL: $tool is missing (scripts/setup-deps.sh)"; exit 1; }
    done
}

ns_add() {
    ip netns del "$1" 2>/dev/null
    ip netns add "$1" || { echo "$T_NAME: FAIL: cannot create netns $1"; exit 1; }
    T_NS+=("$1")
    ip -n "$1" link set lo up
    # No IPv6: its autoconfiguration chatter would disturb frame counts.
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# ns NAME: the namespace of host NAME.
ns() { echo "$IT_NS_PREFIX-$$-$1"; }
# on NAME CMD...: run CMD in host NAME's namespace ("sw" is xvsd's).
on() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }
mac_of() { printf '02:00:00:%02x:00:%02x' "$T_ID" "$1"; }

# add_host NAME NUM [IP/LEN]: namespace NAME with eth0 (MAC mac_of NUM)
# wired to NAME-p in $SW.
add_host() {
    local name=$1 num=$2 addr=${3:-}
    ns_add "$(ns "$name")"
    ip link add eth0 netns "$(ns "$name")" address "$(mac_of "$num")" type veth \
        peer name "$name-p" netns "$SW" || { echo "$T_NAME: FAIL: veth for $name"; exit 1; }
    ip -n "$(ns "$name")" link set eth0 up
    ip -n "$SW" link set "$name-p" up
    [ -n "$addr" ] && ip -n "$(ns "$name")" addr add "$addr" dev eth0
    return 0
}

# add_hosts N: hosts h1..hN (add_host hI I $NET.I/24).
add_hosts() {
    local i
    for ((i = 1; i <= $1; i++)); do add_host "h$i" "$i" "$NET.$i/24"; done
}

# access_ports BR VLAN PORT...: configuration sections making each PORT an
# access port of VLAN on BR (for a here-document: $(access_ports ...)).
access_ports() {
    local br=$1 vlan=$2 p; shift 2
    for p; do printf '[port %s %s]\nvlan = %s\n' "$br" "$p" "$vlan"; done
}

# send_frames NAME COUNT DST_MAC VLAN [SRC_MAC]: COUNT UDP frames (port 9)
# from host NAME's eth0, 802.1Q-tagged with VLAN unless it is 0.  (The test
# kernel may lack 8021q, so tagged traffic is crafted with trafgen.)
send_frames() {
    local name=$1 n=$2 dst=$3 vlan=$4 src=${5:-} tag='' cfg=$T_DIR/trafgen-$1.cfg
    [ -n "$src" ] || src=$(on "$name" cat /sys/class/net/eth0/address)
    [ "$vlan" = 0 ] || tag="vlan(id=$vlan), "
    echo "{ eth(da=$dst, sa=$src), ${tag}ipv4(saddr=10.0.0.1, daddr=10.0.0.2, ttl=64), udp(sp=9, dp=9), fill(0x41, 20) }" >"$cfg"
    on "$name" trafgen -d eth0 -c "$cfg" -n "$n" -q >/dev/null 2>&1 \
        || echo "$T_NAME: trafgen in $name failed"
}

ctl() { "$XVSCTL" --socket "$SOCK" --timeout 5 "$@"; }

# wait_carrier: waits (up to 3 s) until every veth in $SW has carrier, so
# tests start from links that are up (t-forward tests link changes itself).
wait_carrier() {
    local i dev down
    for i in $(seq 30); do
        down=
        for dev in $(on sw ls /sys/class/net); do
            [ "$dev" = lo ] && continue
            # A TAP (a host port left by a killed xvsd) has no carrier
            # until it is attached again.
            on sw test -e "/sys/class/net/$dev/tun_flags" && continue
            [ "$(on sw cat /sys/class/net/"$dev"/operstate)" = up ] || down="$down $dev"
        done
        [ -z "$down" ] && return 0
        sleep 0.1
    done
    echo "$T_NAME: links still down after 3 s:$down"
}

# start_xvsd: runs xvsd (foreground) on $CONF in $SW, waits until it answers.
start_xvsd() {
    wait_carrier
    # Log to stderr (our file) even when the test itself runs under systemd.
    ip netns exec "$SW" env -u JOURNAL_STREAM -u NOTIFY_SOCKET \
        "$XVSD" --foreground --config "$CONF" --control "$SOCK" \
        >>"$LOG" 2>&1 &
    XVSD_PID=$!
    local i
    for i in $(seq 100); do
        if ! kill -0 "$XVSD_PID" 2>/dev/null; then
            wait "$XVSD_PID"; echo "$T_NAME: FAIL: xvsd exited ($?) at start:"; tail -n 20 "$LOG" | sed 's/^/    /'
            XVSD_PID=; exit 1
        fi
        ctl list-br >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$T_NAME: FAIL: xvsd does not answer on $SOCK after 10 s"; tail -n 20 "$LOG" | sed 's/^/    /'
    exit 1
}

stop_xvsd() {
    [ -n "$XVSD_PID" ] || return 0
    kill -TERM "$XVSD_PID" 2>/dev/null
    local i
    for i in $(seq 50); do
        kill -0 "$XVSD_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$XVSD_PID" 2>/dev/null; then
        echo "$T_NAME: xvsd did not stop on SIGTERM within 5 s, killing it"
        kill -KILL "$XVSD_PID" 2>/dev/null
    fi
    wait "$XVSD_PID" 2>/dev/null
    XVSD_STATUS=$?
    XVSD_PID=
}

# reload: SIGHUP, then wait until xvsd has processed it (it answers again).
reload() {
    kill -HUP "$XVSD_PID"
    sleep 0.5
    ctl list-br >/dev/null 2>&1
}

it_cleanup() {
    local rc=$?
    if { [ "$T_FAIL" != 0 ] || [ "$rc" != 0 ]; } && [ -n "$XVSD_PID" ]; then
        echo "--- xvsctl show and port-stats at the end of the failed test:"
        { ctl show; ctl port-stats; } 2>&1 | head -n 80 | sed 's/^/    /'
    fi
    stop_xvsd
    local n
    for n in "${T_NS[@]}"; do ip netns del "$n" 2>/dev/null; done
    if [ "$T_FAIL" != 0 ] || [ "$rc" != 0 ]; then
        if [ -s "${LOG:-/dev/null}" ]; then
            echo "--- last lines of the xvsd log ($LOG):"
            tail -n 30 "$LOG" | sed 's/^/    /'
        fi
    fi
    [ "${XVS_IT_KEEP:-0}" = 1 ] || rm -rf "$T_DIR"
}

# check DESCRIPTION CMD...: one assertion.  CMD's output is shown only if
# the assertion fails (as evidence).
check() {
    local what=$1; shift
    if "$@" >"$T_DIR/check.out" 2>&1; then
        check_result PASS "$what"
    else
        check_result FAIL "$what"
    fi
}
# check_not DESCRIPTION CMD...: CMD must fail.
check_not() { local what=$1; shift; check "$what" not "$@"; }
not() { ! "$@"; }
check_result() {
    echo "$1: $T_NAME: $2"
    if [ "$1" = PASS ]; then
        T_PASS=$((T_PASS + 1))
    else
        T_FAIL=$((T_FAIL + 1))
        head -n 20 "$T_DIR/check.out" | sed 's/^/    | /'
    fi
}

finish() {
    echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" = 0 ]
    exit
}

# ping_ok FROM IP: 3 echo replies within 10 s (generous: CI machines are busy).
ping_ok() { on "$1" ping -c 3 -i 0.2 -W 2 -w 10 -q "$2" >/dev/null 2>&1; }
# ping_fails FROM IP: no reply to 3 requests (a negative check).
ping_fails() { ! on "$1" ping -c 3 -i 0.2 -W 1 -w 3 -q "$2" >/dev/null 2>&1; }

# fdb_has BR MAC PORT [VLAN]: fdb-show lists MAC on PORT (and VLAN).
fdb_has() {
    ctl -j fdb-show "$1" | jq -e --arg m "$2" --arg p "$3" --arg v "${4:-}" \
        'any(.[]; .mac == $m and .port == $p and ($v == "" or (.vlan | tostring) == $v))' >/dev/null
}
fdb_lacks() {
    ctl -j fdb-show "$1" | jq -e --arg m "$2" 'all(.[]; .mac != $m)' >/dev/null
}

# pstat BR PORT FIELD: a port-stats counter ("rx_packets", "drops.vlan_ingress").
pstat() {
    ctl -j port-stats "$1" "$2" | jq -r --arg f "$3" \
        '.[0] | getpath($f | split(".")) // 0'
}

# capture NAME IFACE COUNT FILTER...: starts tcpdump (in the background, at
# most COUNT frames or 6 s) on the frames IFACE of host NAME receives,
# writing one line per frame to $T_DIR/cap-NAME-IFACE; returns once tcpdump
# listens.  Collect with captured NAME IFACE.
capture() {
    local name=$1 ifc=$2 count=$3; shift 3
    local f=$T_DIR/cap-$name-$ifc
    : > "$f.err"
    on "$name" timeout 6 tcpdump -l -n -e -Q in -i "$ifc" -c "$count" "$@" >"$f" 2>"$f.err" &
    eval "CAP_PID_${name//-/_}_${ifc//./_}=$!"
    local i
    for i in $(seq 50); do grep -q 'listening on' "$f.err" && return 0; sleep 0.1; done
    echo "$T_NAME: tcpdump in $name on $ifc did not start: $(cat "$f.err")"
}
# captured NAME IFACE: waits for the capture and prints how many frames it saw.
# Filters: "vlan N and udp" matches tagged frames only; for untagged only,
# write "udp and not vlan" ("vlan" shifts the offsets of what follows it).
captured() {
    # Not `wait`: this runs in a $(...) subshell, which cannot wait for the
    # test shell's children.  tcpdump is bounded by its own timeout.
    local var="CAP_PID_${1//-/_}_${2//./_}"
    while kill -0 "${!var}" 2>/dev/null; do sleep 0.1; done
    grep -c ' > ' "$T_DIR/cap-$1-$2"
}

# matches REGEX CMD...: some line of CMD's output (stdout and stderr)
# matches the extended REGEX.
matches() { local re=$1; shift; "$@" 2>&1 | grep -Eq -- "$re"; }

# bridges: the bridges list-br prints, without the VLAN bridges such as
# "xvsbr0.10", sorted on one line ("xvsbr0 xvsbr1 ").
bridges() { ctl list-br | grep -v '\.' | sort | tr '\n' ' '; }

# pstat_atleast BR PORT FIELD MIN: prints the counter once it reaches MIN,
# or its value after 3 s (frames reach xvsd asynchronously, e.g. when the
# uplink's receive ring retires a block).
pstat_atleast() {
    local v
    for _ in $(seq 30); do
        v=$(pstat "$1" "$2" "$3")
        [ "$v" -ge "$4" ] && break
        sleep 0.1
    done
    echo "$v"
}
