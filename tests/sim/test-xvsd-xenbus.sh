#!/bin/bash
# The xenstore module of the real xvsd, end to end on the sim hypervisor
# (root; network namespaces xvs-bind-*):
#
#   fake xenstored (XENSTORED_PATH) <-- libxl's side: tests/sim/xenstored-xl
#        ^                              (hotplug/vif-xvs run with libxl's
#        |                               argv and environment)
#   daemon/xvsd  [xen] xenif = sim:DIR, xenstore = yes
#        +-- bridge bindbr0, host port in ns xvs-bind-sw (10.216.5.9)
#        +-- bridge bindbr1, host port in ns xvs-bind-sw (10.216.6.9)
#        +-- vif1.0 <-> dom1: xvs-simfront TAP eth0, ns xvs-bind-a (10.216.5.1)
#        +-- vif2.0 <-> dom2: xvs-simfront TAP eth0, ns xvs-bind-b (10.216.5.2,
#                                                            10.216.6.2)
# netfront's keys (real ring refs and event channels from the sim guests'
# info files) are written on the guest's own xenstore connection.
#
# Checked: xl create (BE InitWait, hotplug-status=connected, BE Connected
# only after FE Connected), ping guest <-> guest / host port, live keys
# (vlan moves a guest off VLAN 1 and back, bridge moves it to bindbr1 and
# back, forged-transmits=reject drops a changed source MAC, a bad vlan
# takes only that vif down with hotplug-error and fixing it brings it
# back; rate applied live; mtu=10 takes the vif off its bridge with
# hotplug-error, fixing it brings it back), bad keys at create
# (hotplug-error naming the key / the bridge / the reason, xl fails, other
# vifs unaffected), xvsd restarted (SIGTERM, then kill -9)
# with vifs attached (re-attached from xenstore, rings resumed, BE state
# never rewritten, ping goes on), network-detach (5 -> 6, port and FDB
# entries gone), domain destroy, then N_VIFS (100) guests brought up one
# after another by tests/sim/xvsd-xenbus-bulk (latency p50/p99 printed)
# and removed; last, vif-xvs with xvsd down (exit 1, hotplug-error saying
# xvsd is not running).  Bounded loops; everything removed on exit (KEEP=DIR keeps
# the files, xvsd's log included).
set -e
TOP=${TOP:-$PWD}                        # make check runs from the top build dir
SRC=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
SIMBIN=${SIMBIN:-$TOP/tests/sim}
XVSD=${XVSD:-$TOP/daemon/xvsd}
XVSCTL=${XVSCTL:-$TOP/ctl/xvsctl}
XL=${XL:-$SIMBIN/xenstored-xl}
FAKE=${FAKE:-$SIMBIN/xenstored-fake}
BULK=${BULK:-$SIMBIN/xvsd-xenbus-bulk}
SCRIPT=${VIF_XVS:-$SRC/hotplug/vif-xvs}
N_VIFS=${N_VIFS:-100}
for f in "$XVSD" "$XVSCTL" "$XL" "$FAKE" "$BULK" "$SIMBIN/xvs-simfront" "$SCRIPT"; do
    [ -x "$f" ] || { echo "FAIL: $f missing or not executable (make check builds the programs;" \
                          "xenstored-xl and hotplug/vif-xvs come from the xenstore branch)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (network namespaces)"; exit 1; }
for c in ip ping python3 xenstore-read xenstore-write xenstore-rm xenstore-watch; do
    command -v $c >/dev/null || { echo "FAIL: $c missing (xenstore-utils for xenstore-*)"; exit 1; }
done

DIR=$(mktemp -d /tmp/xvs-bind-e2e.XXXXXX)
export XVS_SIM_DIR=$DIR/sim XENSTORED_PATH=$DIR/xs/socket
export XVSCTL XVS_CTL_SOCKET=$DIR/xvsd.sock
mkdir -p "$DIR/sim" "$DIR/xs"
NS="xvs-bind-a xvs-bind-b xvs-bind-sw"
PIDS=""
PID_xvsd=""
BE=/local/domain/0/backend/vif

. "$(dirname "$0")/xs-e2e-lib.sh"
info() { sed -n "s/^$2=//p" "$1"; }
ports() { ctl -j list-ports "$1" | pyj "' '.join(sorted(j))"; }
vif_list() { ctl -j vif-list | pyj "$1"; }
xs_e2e_netns

# ---- xenstored, xvsd ----
xs_e2e_xenstored
cat >"$DIR/xvs.conf" <<EOF
[global]
log-level = info
[xen]
xenif = sim:$XVS_SIM_DIR
xenstore = yes
[bridge bindbr0]
host-port = yes
[bridge bindbr1]
host-port = yes
EOF
start_xvsd() { # [adopt]: after kill -9 the host ports (persistent TAPs)
    xs_e2e_xvsd xvs-bind-sw    # are adopted with their addresses
    if [ "${1:-}" = adopt ]; then
        local hp
        for hp in "bindbr0 10.216.5.9" "bindbr1 10.216.6.9"; do
            [ "$(ip -n xvs-bind-sw -4 -o addr show dev "${hp% *}" | grep -c " ${hp#* }/24 ")" = 1 ] &&
                grep -q "host port ${hp% *}: adopted" "$DIR/xvsd.err" ||
                fail "kill -9 + restart: host port ${hp% *} not adopted with ${hp#* } on it once"
        done
        return
    fi
    ip -n xvs-bind-sw addr add 10.216.5.9/24 dev bindbr0
    ip -n xvs-bind-sw addr add 10.216.6.9/24 dev bindbr1
    ip -n xvs-bind-sw link set bindbr0 up
    ip -n xvs-bind-sw link set bindbr1 up
}
start_xvsd
grep -q "watching backend/vif: 0 existing" "$DIR/xvsd.err" || fail "xvsd does not watch xenstore"
ok "xvsd watching backend/vif on the fake xenstored"

# ---- xl create: two guests ----
guest() { # DOMID NS IP
    ip netns exec "$2" "$SIMBIN/xvs-simfront" --dir "$XVS_SIM_DIR" --domid "$1" --tap eth0 \
        >"$DIR/g$1.out" 2>"$DIR/g$1.err" &
    PIDS="$PIDS $!"
    wait_for 5 test -e "$XVS_SIM_DIR/dom$1.vif0" || fail "guest $1 did not start"
    "$XL" domain-create "$1"
    "$XL" nic-add "$1" 0 mac="$(info "$XVS_SIM_DIR/dom$1.vif0" mac)" bridge=bindbr0 \
        script="$SCRIPT" >"$DIR/add$1.out" || fail "nic-add dom$1: $(cat "$DIR/add$1.out")"
    be_is "$1" 0 hotplug-status connected || fail "dom$1: hotplug-status is '$(be "$1" 0 hotplug-status)'"
    # Connected waits for the frontend.
    be_is "$1" 0 state 2 || fail "dom$1: backend state $(be "$1" 0 state) before the frontend"
    be_is "$1" 0 feature-rx-copy 1 || fail "dom$1: no feature-rx-copy"
    "$XL" front-connect "$1" 0 "$XVS_SIM_DIR/dom$1.vif0" || fail "dom$1: frontend not connected"
    be_is "$1" 0 state 4 || fail "dom$1: backend state $(be "$1" 0 state)"
    ip -n "$2" addr add "$3/24" dev eth0
    ip -n "$2" link set eth0 up
}
guest 1 xvs-bind-a 10.216.5.1
guest 2 xvs-bind-b 10.216.5.2
ip -n xvs-bind-b addr add 10.216.6.2/24 dev eth0
MAC1=$(info "$XVS_SIM_DIR/dom1.vif0" mac)
MAC2=$(info "$XVS_SIM_DIR/dom2.vif0" mac)
ok "xl create x2: InitWait, vif-xvs online, Connected after the frontend ($(cat "$DIR/add1.out"))"
s=$(vif_list "sorted((v['name'], v['bridge'], v['backend_state'], v['backend_state_name'], v['frontend_state'], v['attached'], v['connected'], v['hotplug_connected'], v['error']) for v in j)")
[ "$s" = "[('vif1.0', 'bindbr0', 4, 'Connected', 4, True, True, True, ''), ('vif2.0', 'bindbr0', 4, 'Connected', 4, True, True, True, '')]" ] ||
    fail "vif-list: $s"
s=$(ctl -j vif-show vif1.0 | pyj "j[0]['state'], j[0]['bridge'], j[0]['origin'], j[0]['mac']")
[ "$s" = "connected bindbr0 xenstore $MAC1" ] || fail "vif-show vif1.0: $s"
ok "vif-list and vif-show: vif1.0, vif2.0 connected on bindbr0"

ping_ok xvs-bind-a 10.216.5.2
ping_ok xvs-bind-b 10.216.5.1
ping_ok xvs-bind-a 10.216.5.9
ok "ping guest <-> guest, guest -> host port"

# ---- live keys ----
xenstore-write "$BE/2/0/vlan" 10
wait_for 3 port_is vif2.0 "p['vlan_mode'], p['pvid']" "('access', 10)" || fail "vlan=10 not applied"
ping_fails xvs-bind-a 10.216.5.2
be_is 2 0 hotplug-status connected || fail "vlan=10: hotplug-status $(be 2 0 hotplug-status)"
xenstore-rm "$BE/2/0/vlan"
wait_for 3 port_is vif2.0 "p['pvid']" 1 || fail "vlan removed: not back on VLAN 1"
ping_ok xvs-bind-a 10.216.5.2
ok "live vlan: vlan=10 takes guest b off VLAN 1, removing the key brings it back"

xenstore-write "$BE/2/0/bridge" bindbr1
wait_for 3 sh -c "$XVSCTL -j list-ports bindbr1 | grep -q vif2.0" || fail "vif2.0 not moved: $(ports bindbr1)"
[ "$(ports bindbr0)" = "bindbr0 vif1.0" ] || fail "bindbr0 ports: $(ports bindbr0)"
ping_ok xvs-bind-b 10.216.6.9
ping_fails xvs-bind-a 10.216.5.2
xenstore-write "$BE/2/0/vlan" 10p/20-22
wait_for 3 port_is vif2.0 "p['vlan_mode'], p['pvid'], p['trunks']" "('trunk', 10, '10,20-22')" ||
    fail "vlan=10p/20-22: $(ctl -j show bindbr1)"
xenstore-rm "$BE/2/0/vlan"
xenstore-write "$BE/2/0/bridge" bindbr0
wait_for 3 sh -c "$XVSCTL -j list-ports bindbr0 | grep -q vif2.0" || fail "vif2.0 not back"
ping_ok xvs-bind-a 10.216.5.2
ok "live bridge: vif2.0 moved to bindbr1 (host reachable there, guest a not; a trunk there) and back"

xenstore-write "$BE/1/0/forged-transmits" reject
wait_for 3 port_is vif1.0 "p['mac_locked']" True || fail "forged-transmits=reject: not locked"
ip -n xvs-bind-a link set eth0 address 00:16:3e:77:77:01
ping_fails xvs-bind-a 10.216.5.2
ip -n xvs-bind-a link set eth0 address "$MAC1"
ping_ok xvs-bind-a 10.216.5.2
xenstore-write "$BE/1/0/forged-transmits" accept
xenstore-write "$BE/1/0/promiscuous" on
wait_for 3 port_is vif1.0 "p['mac_locked'], p['promiscuous']" "(False, True)" ||
    fail "forged-transmits=accept + promiscuous=on not applied"
xenstore-rm "$BE/1/0/promiscuous"
ok "live forged-transmits=reject: a changed source MAC is dropped, the real one passes; promiscuous=on applied"

xenstore-write "$BE/1/0/vlan" abc
wait_for 3 be_is 1 0 hotplug-status error || fail "vlan=abc: hotplug-status $(be 1 0 hotplug-status)"
case $(be 1 0 hotplug-error) in *vlan*abc*) ;; *) fail "hotplug-error: $(be 1 0 hotplug-error)";; esac
[ "$(ports bindbr0)" = "bindbr0 vif2.0" ] || fail "vif1.0 still on bindbr0: $(ports bindbr0)"
ping_ok xvs-bind-b 10.216.5.9                   # the other vif is untouched
be_is 2 0 hotplug-status connected || fail "vif2.0 touched by vif1.0's bad key"
e=$(vif_list "[v['error'] for v in j if v['name'] == 'vif1.0'][0]")
[ "$e" = "$(be 1 0 hotplug-error)" ] || fail "vif-list error '$e' is not hotplug-error"
xenstore-rm "$BE/1/0/vlan"
wait_for 3 be_is 1 0 hotplug-status connected || fail "vlan fixed: not connected again"
n=$(grep -cF 'warn: vif 1.0 (vif1.0): vlan "abc"' "$DIR/xvsd.err")
[ "$n" = 1 ] || fail "live vlan=abc: its warning is in xvsd's log $n times, not once"
ping_ok xvs-bind-a 10.216.5.2
ok "live bad key: vlan=abc -> vif1.0 down, hotplug-error \"$e\"; fixed -> back"

xenstore-write "$BE/1/0/rate" 125000,50000
wait_for 3 sh -c "[ \"\$($XVSCTL -j vif-show vif1.0 | python3 -c 'import json,sys; j=json.load(sys.stdin)[0]; print(j[\"rate\"] and j[\"rate\"][\"bytes\"])')\" = 125000 ]" ||
    fail "rate=125000,50000 not applied live"
xenstore-rm "$BE/1/0/rate"
attached() { vif_list "[v['attached'] for v in j if v['name'] == '$1'][0]"; }
xenstore-write "$BE/1/0/mtu" 10
wait_for 3 be_is 1 0 hotplug-status error || fail "mtu=10: hotplug-status $(be 1 0 hotplug-status)"
case $(be 1 0 hotplug-error) in *'mtu "10"'*) ;; *) fail "hotplug-error: $(be 1 0 hotplug-error)";; esac
[ "$(attached vif1.0)" = False ] || fail "mtu=10: vif1.0 still on its bridge"
ping_ok xvs-bind-b 10.216.5.9                   # the other vif is untouched
xenstore-write "$BE/1/0/mtu" 1500
wait_for 3 be_is 1 0 hotplug-status connected || fail "mtu fixed: not connected again"
[ "$(attached vif1.0)" = True ] || fail "mtu fixed: vif1.0 not back on its bridge"
ping_ok xvs-bind-a 10.216.5.2
ok "live rate applied; mtu=10 -> vif1.0 down with hotplug-error, mtu=1500 -> back"

# ---- bad keys at create ----
bad() { # DOMID EXPECT KEY=VALUE...
    local d=$1 expect=$2; shift 2
    "$XL" domain-create "$d"
    if "$XL" nic-add "$d" 0 script="$SCRIPT" "$@" >"$DIR/bad$d.out" 2>&1; then
        fail "nic-add $* succeeded"
    fi
    grep -qF -- "$expect" "$DIR/bad$d.out" || fail "nic-add $*: $(cat "$DIR/bad$d.out")"
    be_is "$d" 0 hotplug-status error || fail "dom$d: hotplug-status $(be "$d" 0 hotplug-status)"
    # logged once, not again when vif-xvs's vif-online finds the vif down
    n=$(grep -cF -- "warn: vif $d.0 (vif$d.0): $expect" "$DIR/xvsd.err")
    [ "$n" = 1 ] || fail "dom$d: the bad key's warning is in xvsd's log $n times, not once"
    "$XL" nic-remove "$d" 0 >/dev/null || fail "removing dom$d"
    "$XL" domain-destroy "$d"
    echo "#   $* -> $(grep hotplug-error "$DIR/bad$d.out" | head -1)"
}
bad 3 'vlan "abc"' mac=00:16:3e:00:03:00 bridge=bindbr0 vlan=abc
bad 4 'bridge xenbr9: no such bridge' mac=00:16:3e:00:04:00 bridge=xenbr9
bad 5 'mac' mac=ff:ff:ff:ff:ff:ff bridge=bindbr0
bad 6 'mac "01:00:5e:00:00:01": multicast' mac=01:00:5e:00:00:01 bridge=bindbr0
bad 7 'vlan "10p/20p": more than one PVID' mac=00:16:3e:00:07:00 bridge=bindbr0 vlan=10p/20p
bad 8 'rate "fast"' mac=00:16:3e:00:08:00 bridge=bindbr0 rate=fast
bad 9 'router-advertisements "router": expected accept or reject' mac=00:16:3e:00:09:00 \
    bridge=bindbr0 router-advertisements=router
bad 10 'dhcp-server "server": expected accept or reject' mac=00:16:3e:00:0a:00 \
    bridge=bindbr0 dhcp-server=server
[ "$(vif_list 'len(j)')" = 2 ] || fail "bad devices left in vif-list: $(ctl -j vif-list)"
ping_ok xvs-bind-a 10.216.5.2
ok "bad keys at create: xl fails with hotplug-error naming the key/bridge, each logged once; other vifs unaffected"

# ---- xvsd restarted with vifs attached ----
restart() { # SIGNAL
    xenstore-watch -n 100 "$BE/1/0/state" >"$DIR/state-events" 2>&1 &
    local w=$!
    ip netns exec xvs-bind-a ping -D -i 0.05 -c 100 -W 1 10.216.5.2 >"$DIR/flood.out" 2>&1 &
    local f=$!
    sleep 1
    kill -"$1" "$PID_xvsd"; wait "$PID_xvsd" 2>/dev/null || true
    start_xvsd "$([ "$1" = KILL ] && echo adopt)"
    wait "$f" || true
    kill "$w" 2>/dev/null; wait "$w" 2>/dev/null || true
    be_is 1 0 state 4 && be_is 2 0 state 4 || fail "restart ($1): backend state changed"
    # Only xenstore-watch's registration event: nobody wrote state.
    [ "$(grep -c state "$DIR/state-events")" -le 1 ] ||
        fail "restart ($1): BE state rewritten: $(cat "$DIR/state-events")"
    s=$(vif_list "sorted((v['name'], v['attached'], v['connected']) for v in j)")
    [ "$s" = "[('vif1.0', True, True), ('vif2.0', True, True)]" ] || fail "after restart: $s"
    ping_ok xvs-bind-a 10.216.5.2
    ping_ok xvs-bind-b 10.216.5.9
    n=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$DIR/flood.out")
    # Both vifs resumed from their records (xenstore/vifrec.h) before any
    # request for them, then confirmed by xenstore: nothing redone.
    # (xvsd.err collects every start's log: count this restart's lines.)
    RESTARTS=$((RESTARTS + 1))
    for v in 1.0 2.0; do
        [ "$(grep -c "vif $v .*(resumed) from its record" "$DIR/xvsd.err")" -ge $RESTARTS ] ||
            fail "restart ($1): vif $v not resumed from its record: $(grep "vif $v" "$DIR/xvsd.err" | tail -n 3)"
    done
    confirmed() { [ "$(grep -c "2 resumed from records, 0 of them redone" "$DIR/xvsd.err")" -ge $RESTARTS ]; }
    wait_for 3 confirmed || fail "restart ($1): records not confirmed: $(grep -i record "$DIR/xvsd.err")"
}
RESTARTS=0
restart TERM
grep -q "rings tx .*(resumed)" "$DIR/xvsd.err" || fail "no resumed rings in the log"
ok "SIGTERM + restart: vifs re-attached, rings resumed from their records (confirmed by xenstore), BE state untouched, $n/100 pings of a flood answered"
restart KILL
# the silence the pings saw (the longest time between two replies, 50 ms
# when all is well) and where the new xvsd's start went (printed, not
# asserted)
gap=$(awk '/bytes from/ { t = substr($1, 2, length($1) - 2) + 0; if (p && t - p > m) m = t - p; p = t } END { printf "%.0f", m * 1000 }' "$DIR/flood.out")
ok "kill -9 + restart: same, host ports adopted with their addresses, $n/100 pings of a flood answered, longest silence $gap ms"
echo "# the restarted xvsd: $(grep 'start took' "$DIR/xvsd.err" | tail -n 1 | sed 's/.*info: //')"

# ---- network-detach dom2 ----
xenstore-watch -n 100 "$BE/2/0/state" >"$DIR/detach-events" 2>&1 &
W=$!
"$XL" front-answer 2 0 &
F=$!
"$XL" nic-remove 2 0 >"$DIR/rm2.out" || fail "network-detach: $(cat "$DIR/rm2.out")"
wait $F || fail "netfront never saw Closing"
kill $W 2>/dev/null; wait $W 2>/dev/null || true
[ "$(ports bindbr0)" = "bindbr0 vif1.0" ] || fail "vif2.0 still a port: $(ports bindbr0)"
n=$(ctl -j fdb-show bindbr0 | pyj "len([e for e in j if e['port'] == 'vif2.0' or e['mac'] == '$MAC2'])")
[ "$n" = 0 ] || fail "FDB entries of vif2.0 left"
[ "$(vif_list "[v['name'] for v in j]")" = "['vif1.0']" ] || fail "vif-list: $(ctl -j vif-list)"
[ -z "$(be 2 0 state)" ] || fail "backend dir of dom2 written again"
ping_fails xvs-bind-a 10.216.5.2
ok "network-detach: $(cat "$DIR/rm2.out"), port, FDB entries and device gone"

# ---- xl destroy dom1 (the guest never answers) ----
"$XL" domain-destroy 1
wait_for 3 be_is 1 0 state 6 || fail "domain released: backend state $(be 1 0 state)"
"$XL" nic-remove 1 0 force >"$DIR/rm1.out" || fail "destroy: $(cat "$DIR/rm1.out")"
[ "$(vif_list 'len(j)')" = 0 ] || fail "vifs left: $(ctl -j vif-list)"
[ "$(ports bindbr0)" = "bindbr0" ] || fail "ports left: $(ports bindbr0)"
ok "xl destroy: Closed on @releaseDomain, removal $(cat "$DIR/rm1.out")"

# ---- N guests one after another ----
"$BULK" --dir "$XVS_SIM_DIR" --script "$SCRIPT" --bridge bindbr0 --first 100 --count "$N_VIFS" \
    --ready "$DIR/bulk.ready" --go "$DIR/bulk.go" >"$DIR/bulk.out" 2>"$DIR/bulk.err" &
B=$!
PIDS="$PIDS $B"
i=0
until [ -e "$DIR/bulk.ready" ]; do
    kill -0 $B 2>/dev/null || fail "bulk: $(tail -3 "$DIR/bulk.err")"
    i=$((i + 1)); [ $i -lt 1500 ] || fail "bulk: not ready after 300 s"
    sleep 0.2
done
s=$(vif_list "len(j), len([v for v in j if v['backend_state'] == 4 and v['connected'] and v['attached']])")
[ "$s" = "$N_VIFS $N_VIFS" ] || fail "after bulk: vif-list (all, connected) = $s"
s=$(ctl -j vif-show | pyj "len([v for v in j if v['state'] == 'connected'])")
[ "$s" = "$N_VIFS" ] || fail "vif-show: $s connected"
touch "$DIR/bulk.go"
wait $B || fail "bulk removal: $(tail -3 "$DIR/bulk.err")"
grep '^#' "$DIR/bulk.out"
[ "$(vif_list 'len(j)')" = 0 ] || fail "vifs left after the bulk removal"
[ "$(ports bindbr0)" = "bindbr0" ] || fail "ports left after the bulk removal"
ok "$N_VIFS guests up one after another (all Connected), then network-detached"

# ---- shutdown ----
kill -TERM "$PID_xvsd"
wait "$PID_xvsd" && rc=0 || rc=$?
PID_xvsd=""
[ $rc = 0 ] || fail "xvsd exited $rc"
grep -q "stopped watching xenstore" "$DIR/xvsd.err" || fail "no clean xenstore stop in the log"
if grep -E "Sanitizer|runtime error" "$DIR/xvsd.err"; then fail "sanitizer reports"; fi
ok "SIGTERM: xvsd stopped cleanly"

# ---- vif-xvs with xvsd down ----
if XENBUS_PATH=backend/vif/20/0 "$SCRIPT" online type_if=vif 2>"$DIR/down.err"; then
    fail "vif-xvs online succeeded without xvsd"
fi
case $(be 20 0 hotplug-error) in
*"xvsd is not running"*) ;;
*) fail "no hotplug-error: $(cat "$DIR/down.err")";;
esac
be_is 20 0 hotplug-status error || fail "hotplug-status $(be 20 0 hotplug-status), not error"
ok "vif-xvs without xvsd: exit 1, hotplug-error \"$(be 20 0 hotplug-error)\""
xenstore-rm "$BE/20"
echo "all xvsd xenstore tests passed"
