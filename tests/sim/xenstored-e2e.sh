#!/bin/bash
# xenstored-e2e: the whole vif life cycle as on a Xen host, on the sim
# hypervisor (root; network namespaces xvs-xs-*):
#
#   fake xenstored (XENSTORED_PATH)  <--  libxl's side: tests/sim/xenstored-xl
#        ^                                (devices, hotplug/vif-xvs run with
#        |                                 libxl's argv/env, 40 s limit)
#   xvsd (daemon/xvsd: netback module on xenif = sim, xenstore module)
#        +-- bridge xsbr0, host port xsbr0 in ns xvs-xs-sw (10.215.7.9)
#        +-- vif1.0 <-> guest dom1: xvs-simfront TAP eth0 in ns xvs-xs-a (10.215.7.1)
#        +-- vif2.0 <-> guest dom2: xvs-simfront TAP eth0 in ns xvs-xs-b (10.215.7.2)
#
# The guests' netfront keys come from their info files (real ring refs and
# event channels), written through the guest's own xenstore connection.
# Checked: xl create path (InitWait, vif-xvs online, Connected), ping
# between guests and host, live keys (rate, forged-transmits, a bad mtu
# taking the vif down and back), kill -9 of xvsd under a ping flood and
# restart (guests keep their connection, BE state never leaves 4),
# network-detach, domain destroy (@releaseDomain), malformed keys and a
# missing bridge at create (hotplug-error, xl fails), the script with xvsd
# down, and 100 vifs created one after another (latency p50/p99 printed).
# Bounded loops; everything removed on exit (KEEP=DIR keeps the files).
set -e
TOP=${TOP:-$PWD}
SRC=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
SIMBIN=${SIMBIN:-$TOP/tests/sim}
XVSD=${XVSD:-$TOP/daemon/xvsd}
XVSCTL=${XVSCTL:-$TOP/ctl/xvsctl}
XL=$SIMBIN/xenstored-xl
FAKE=$SIMBIN/xenstored-fake
SCRIPT=${VIF_XVS:-$SRC/hotplug/vif-xvs}
N_VIFS=${N_VIFS:-100}
for f in "$XVSD" "$XVSCTL" "$XL" "$FAKE" "$SIMBIN/xvs-simfront" "$SCRIPT"; do
    [ -x "$f" ] || { echo "FAIL: $f not built or not executable (make check builds it)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (network namespaces)"; exit 1; }
for c in ip ping python3 xenstore-read xenstore-write; do
    command -v $c >/dev/null || { echo "FAIL: $c missing (xenstore-utils for xenstore-*)"; exit 1; }
done

DIR=$(mktemp -d /tmp/xvs-xs-e2e.XXXXXX)
export XVS_SIM_DIR=$DIR/sim XENSTORED_PATH=$DIR/xs/socket
export XVSCTL XVS_CTL_SOCKET=$DIR/xvsd.sock
mkdir -p "$DIR/sim" "$DIR/xs"
NS="xvs-xs-a xvs-xs-b xvs-xs-sw"
PIDS=""
PID_xvsd=""

cleanup() {
    rc=$?
    set +e
    [ -n "$PID_xvsd" ] && kill -9 "$PID_xvsd" 2>/dev/null
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    for n in $NS; do ip netns del "$n" 2>/dev/null; done
    [ $rc = 0 ] || { echo "--- xvsd log (tail)"; tail -30 "$DIR/xvsd.err"; }
    if [ -n "$KEEP" ]; then rm -rf "$KEEP"; cp -r "$DIR" "$KEEP"; fi
    rm -rf "$DIR"
    exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
info() { sed -n "s/^$2=//p" "$1"; }
be() { xenstore-read "/local/domain/0/backend/vif/$1/$2/$3" 2>/dev/null; }
ctl() { "$XVSCTL" -t 5 "$@"; }
pyj() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
wait_for() { # SECONDS CMD...: poll until CMD succeeds
    local t=$1 i=0; shift
    until "$@" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -le $((t * 50)) ] || return 1
        sleep 0.02
    done
}
be_is() { [ "$(be "$1" "$2" "$3")" = "$4" ]; }

for n in $NS; do ip netns del "$n" 2>/dev/null || true; ip netns add "$n"; ip -n "$n" link set lo up; done

# ---- xenstored, xvsd ----
"$FAKE" -s "$XENSTORED_PATH" 2>"$DIR/xs.err" &
PIDS="$PIDS $!"
wait_for 5 test -S "$XENSTORED_PATH" || fail "fake xenstored did not start"
cat >"$DIR/xvs.conf" <<EOF
[global]
log-level = info
[xen]
xenif = sim:$XVS_SIM_DIR
xenstore = yes
[bridge xsbr0]
host-port = yes
EOF
start_xvsd() {
    ip netns exec xvs-xs-sw "$XVSD" -f -c "$DIR/xvs.conf" --control "$XVS_CTL_SOCKET" \
        --log-target=stderr 2>>"$DIR/xvsd.err" &
    PID_xvsd=$!
    wait_for 5 ctl vif-list || fail "xvsd did not start: $(tail -5 "$DIR/xvsd.err")"
}
start_xvsd
ip -n xvs-xs-sw addr add 10.215.7.9/24 dev xsbr0
ip -n xvs-xs-sw link set xsbr0 up
ok "xvsd up, watching xenstore"

# ---- guests: xl create with vif = [ 'bridge=xsbr0,mac=...,script=vif-xvs' ] ----
guest() { # DOMID NS IP
    ip netns exec "$2" "$SIMBIN/xvs-simfront" --dir "$XVS_SIM_DIR" --domid "$1" --tap eth0 \
        >"$DIR/g$1.out" 2>"$DIR/g$1.err" &
    PIDS="$PIDS $!"
    wait_for 5 test -e "$XVS_SIM_DIR/dom$1.vif0" || fail "guest $1 did not start"
    "$XL" domain-create "$1"
    "$XL" nic-add "$1" 0 mac="$(info "$XVS_SIM_DIR/dom$1.vif0" mac)" bridge=xsbr0 \
        script="$SCRIPT" >"$DIR/add$1.out" || fail "nic-add dom$1: $(cat "$DIR/add$1.out")"
    be_is "$1" 0 hotplug-status connected || fail "dom$1: hotplug-status not connected"
    "$XL" front-connect "$1" 0 "$XVS_SIM_DIR/dom$1.vif0" || fail "dom$1: frontend not connected"
    ip -n "$2" addr add "$3/24" dev eth0
    ip -n "$2" link set eth0 up
}
guest 1 xvs-xs-a 10.215.7.1
guest 2 xvs-xs-b 10.215.7.2
ok "xl create x2: $(cat "$DIR/add1.out"), Connected"
ctl -j vif-list >"$DIR/list.json"
s=$(pyj "sorted((v['name'], v['backend_state_name'], v['connected']) for v in j)" <"$DIR/list.json")
[ "$s" = "[('vif1.0', 'Connected', True), ('vif2.0', 'Connected', True)]" ] ||
    fail "vif-list: $s"
ctl -j vif-show vif1.0 >"$DIR/show.json"
s=$(pyj "j[0]['state'], j[0]['bridge'], j[0]['origin']" <"$DIR/show.json" 2>/dev/null ||
    pyj "j['state'], j['bridge'], j['origin']" <"$DIR/show.json")
[ "$s" = "connected xsbr0 xenstore" ] || fail "vif-show vif1.0: $s"
ok "vif-list and vif-show agree: vif1.0 and vif2.0 connected on xsbr0"

ping_ok() { # NS DST
    ip netns exec "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 ||
        ip netns exec "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 || fail "ping $1 -> $2"
}
ping_ok xvs-xs-a 10.215.7.2
ping_ok xvs-xs-b 10.215.7.1
ping_ok xvs-xs-a 10.215.7.9
ok "ping guest <-> guest, guest -> host port"

# ---- live keys ----
vif_json() { ctl -j vif-show "$1" | pyj "(j[0] if isinstance(j, list) else j)$2"; }
xenstore-write /local/domain/0/backend/vif/1/0/rate 125000,50000
wait_for 3 sh -c "[ \"\$($XVSCTL -j vif-show vif1.0 | python3 -c 'import json,sys; j=json.load(sys.stdin); j=j[0] if isinstance(j,list) else j; print(j[\"rate\"] and j[\"rate\"][\"bytes\"])')\" = 125000 ]" ||
    fail "rate not applied live"
xenstore-write /local/domain/0/backend/vif/1/0/mtu 10
wait_for 3 be_is 1 0 hotplug-status error || fail "bad mtu: no hotplug-status=error"
case $(be 1 0 hotplug-error) in *'mtu "10"'*) ;; *) fail "hotplug-error: $(be 1 0 hotplug-error)";; esac
attached() { ctl -j vif-list | pyj "[v['attached'] for v in j if v['name'] == '$1'][0]"; }
[ "$(attached vif1.0)" = False ] || fail "bad mtu: vif1.0 still on its bridge"
ping_ok xvs-xs-b 10.215.7.9                 # the other vif is untouched
xenstore-write /local/domain/0/backend/vif/1/0/mtu 1500
wait_for 3 be_is 1 0 hotplug-status connected || fail "mtu fixed: not connected again"
[ "$(attached vif1.0)" = True ] || fail "mtu fixed: vif1.0 not back on its bridge"
ping_ok xvs-xs-a 10.215.7.2
ok "live keys: rate applied; mtu=10 -> vif down + hotplug-error, fixed -> back up"

# ---- kill -9 under traffic, restart ----
ip netns exec xvs-xs-a ping -i 0.02 -c 250 -W 1 10.215.7.2 >"$DIR/flood.out" 2>&1 &
PID_flood=$!
sleep 1
xenstore-watch -n 1000 /local/domain/0/backend/vif/1/0/state >"$DIR/state-events" 2>&1 &
PID_watch=$!
PIDS="$PIDS $PID_watch"
kill -9 "$PID_xvsd"; wait "$PID_xvsd" 2>/dev/null || true
t0=$(date +%s.%N)
start_xvsd
ip -n xvs-xs-sw addr add 10.215.7.9/24 dev xsbr0 2>/dev/null || true
ip -n xvs-xs-sw link set xsbr0 up
t1=$(date +%s.%N)
wait "$PID_flood" || true
recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$DIR/flood.out")
kill "$PID_watch" 2>/dev/null || true
be_is 1 0 state 4 && be_is 2 0 state 4 || fail "restart: backend state changed"
# Only the registration event of xenstore-watch: nobody wrote state.
[ "$(grep -c state "$DIR/state-events")" -le 1 ] || fail "restart: state was rewritten: $(cat "$DIR/state-events")"
ping_ok xvs-xs-a 10.215.7.2
ok "kill -9 + restart ($(python3 -c "print('%.2f' % ($t1 - $t0))") s): guests stay Connected, $recv/250 pings of the flood answered"

# ---- network-detach dom2, destroy dom1 ----
"$XL" front-answer 2 0 &
PID_answer=$!
"$XL" nic-remove 2 0 >"$DIR/rm2.out" || fail "network-detach: $(cat "$DIR/rm2.out")"
wait "$PID_answer" || fail "the frontend never saw Closing"
! ctl vif-show vif2.0 >/dev/null 2>&1 || fail "vif2.0 still on the bridge"
[ -z "$(be 2 0 state)" ] || fail "backend dir of dom2 recreated"
ok "network-detach: $(cat "$DIR/rm2.out"), vif2.0 gone"
"$XL" domain-destroy 1
wait_for 3 be_is 1 0 state 6 || fail "domain destroyed: backend not Closed"
"$XL" nic-remove 1 0 force >"$DIR/rm1.out" || fail "destroy: $(cat "$DIR/rm1.out")"
wait_for 3 sh -c "! $XVSCTL vif-show vif1.0" || fail "vif1.0 still on the bridge"
ok "domain destroyed: Closed on @releaseDomain, removal $(cat "$DIR/rm1.out")"

# ---- malformed keys, missing bridge ----
bad() { # DOMID EXPECT KEY=VALUE...
    local d=$1 expect=$2; shift 2
    "$XL" domain-create "$d"
    if "$XL" nic-add "$d" 0 script="$SCRIPT" "$@" >"$DIR/bad$d.out" 2>&1; then
        fail "nic-add $* succeeded"
    fi
    grep -qF -- "$expect" "$DIR/bad$d.out" || fail "nic-add $*: $(cat "$DIR/bad$d.out")"
    "$XL" nic-remove "$d" 0 >/dev/null || fail "removing dom$d"
    "$XL" domain-destroy "$d"
}
bad 10 'mac "01:00:5e:00:00:01": multicast' mac=01:00:5e:00:00:01 bridge=xsbr0
bad 11 'bridge nosuch: no such bridge' mac=00:16:3e:00:0b:00 bridge=nosuch
bad 12 'vlan "10p/20p": more than one PVID' mac=00:16:3e:00:0c:00 bridge=xsbr0 vlan=10p/20p
bad 13 'rate "fast"' mac=00:16:3e:00:0d:00 bridge=xsbr0 rate=fast
ok "malformed keys: xl create fails with hotplug-error naming key and reason"

# ---- vif-xvs with xvsd down ----
kill "$PID_xvsd"; wait "$PID_xvsd" 2>/dev/null || true; PID_xvsd=""
if XENBUS_PATH=backend/vif/20/0 "$SCRIPT" online type_if=vif 2>"$DIR/down.err"; then
    fail "vif-xvs online succeeded without xvsd"
fi
case $(be 20 0 hotplug-error) in *"xvsd is not running"*) ;; *) fail "no hotplug-error: $(cat "$DIR/down.err")";; esac
be_is 20 0 hotplug-status error || fail "hotplug-status not error"
ok "vif-xvs without xvsd: exit 1, hotplug-error \"$(be 20 0 hotplug-error)\""
xenstore-rm /local/domain/0/backend/vif/20

# ---- N vifs one after another ----
start_xvsd
: >"$DIR/lat"
for i in $(seq 1 "$N_VIFS"); do
    d=$((100 + i))
    "$XL" domain-create $d
    "$XL" nic-add $d 0 mac="$(printf '00:16:3e:01:%02x:%02x' $((i / 256)) $((i % 256)))" \
        bridge=xsbr0 script="$SCRIPT" >>"$DIR/lat" || fail "nic-add dom$d: $(tail -2 "$DIR/lat")"
done
[ "$(ctl -j vif-list | pyj 'len(j)')" = "$N_VIFS" ] || fail "not $N_VIFS vifs"
python3 - "$DIR/lat" <<'EOF'
import sys
rows = [dict(kv.split('=') for kv in l.split()) for l in open(sys.argv[1])]
def pct(key, p):
    v = sorted(float(r[key]) for r in rows)
    return v[min(len(v) - 1, int(len(v) * p / 100))]
tot = sorted(float(r['initwait_ms']) + float(r['hotplug_ms']) for r in rows)
print("ok - %d vifs one after another (what xl create waits for):" % len(rows))
print("#   libxl's transaction     p50 %.1f ms  p99 %.1f ms" % (pct('write_ms', 50), pct('write_ms', 99)))
print("#   commit -> InitWait      p50 %.1f ms  p99 %.1f ms" % (pct('initwait_ms', 50), pct('initwait_ms', 99)))
print("#   vif-xvs online (script) p50 %.1f ms  p99 %.1f ms" % (pct('hotplug_ms', 50), pct('hotplug_ms', 99)))
print("#   InitWait + script       p50 %.1f ms  p99 %.1f ms  max %.1f ms" % (tot[len(tot) // 2], tot[min(len(tot) - 1, len(tot) * 99 // 100)], tot[-1]))
EOF
for i in $(seq 1 "$N_VIFS"); do
    "$XL" nic-remove $((100 + i)) 0 >/dev/null || fail "removing dom$((100 + i))"
done
[ "$(ctl -j vif-list | pyj 'len(j)')" = 0 ] || fail "vifs left after removal"
ok "$N_VIFS vifs removed"
