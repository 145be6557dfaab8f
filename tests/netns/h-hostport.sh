#!/bin/bash
# h-hostport: the host port's TAP survives kill -9 (ports/hpstate.h).  The
# device stays with dom0's address and route on it; the next start adopts
# it (no duplicate address) and traffic flows again; SIGTERM removes device
# and record; a device of that name that is not ours (a veth, a TAP made
# by someone else, a TAP whose ifindex the record does not name) is
# refused and left alone; a record of a host port no longer configured is
# cleaned up at start; with address takeover the addresses exist once.
IT_NS_PREFIX=xvs-hp4
. "$(dirname "$0")/lib.sh"
it_init 46

BR=hp4br0
REC=$T_DIR/hostport-$BR
HIP=$NET.254
add_host h1 1 "$NET.1/24"
cat > "$CONF" <<EOC
[bridge $BR]
uplink = h1-p
EOC

dev_exists() { on sw ip link show "$1" >/dev/null 2>&1; }
n_addr() { on sw ip -4 -o addr show dev "$1" 2>/dev/null | grep -c " $2/24 "; }
addr_once() { [ "$(n_addr "$1" "$2")" = 1 ]; }
no_addr() { [ "$(n_addr "$1" "$2")" = 0 ]; }
has_route() { on sw ip route show 10.232.46.0/24 | grep -q "dev $1"; }
reach() { on h1 ip neigh flush all; ping_ok h1 "$HIP"; }
reach_back() { on sw ip neigh flush all; ping_ok sw "$NET.1"; }
ifindex() { on sw cat "/sys/class/net/$1/ifindex"; }
log_has() { grep -q -- "$1" "$LOG"; }
kill9() { kill -KILL "$XVSD_PID"; wait "$XVSD_PID" 2>/dev/null; XVSD_PID=; }
is_veth() { on sw ip -d link show "$BR" | grep -q veth; }

start_xvsd
check "the record names the TAP's ifindex" grep -qx "ifindex $(ifindex $BR)" "$REC"
on sw ip addr add "$HIP/24" dev "$BR"
on sw ip route add 10.232.46.0/24 via "$NET.1" dev "$BR"
check "host port reachable before the crash" reach
idx=$(ifindex $BR)

kill9
check "kill -9: the device is still there" dev_exists "$BR"
check "kill -9: its address is still there" addr_once "$BR" "$HIP"
check "kill -9: its route is still there" has_route "$BR"
check "kill -9: the record is still there" test -f "$REC"

: >"$LOG"
start_xvsd
echo "h-hostport: restart with adoption: $(grep -o 'start took.*' "$LOG") (load: $(cut -d' ' -f1-3 /proc/loadavg))"
check "restart: the log says the device was adopted" log_has "$BR: adopted"
check "restart: the same device (ifindex $idx)" test "$(ifindex $BR)" = "$idx"
check "restart: the address exists once" addr_once "$BR" "$HIP"
check "restart: the route is still there" has_route "$BR"
check "restart: host -> host port works again" reach
check "restart: host port -> host works again" reach_back
check "restart: the port says adopted, persistent" \
    sh -c "'$XVSCTL' --socket '$SOCK' -j show | grep -q '\"adopted\": *true'"

stop_xvsd
check "SIGTERM: the device is gone" not dev_exists "$BR"
check "SIGTERM: the record is gone" test ! -e "$REC"

# host-port = no on reload is a clean removal too.
start_xvsd
check "persistent again: record written" test -s "$REC"
printf '[bridge %s]\nuplink = h1-p\nhost-port = no\n' "$BR" >"$CONF"
reload
check "reload host-port = no: the device is gone" not dev_exists "$BR"
check "reload host-port = no: the record is gone" test ! -e "$REC"
stop_xvsd
printf '[bridge %s]\nuplink = h1-p\n' "$BR" >"$CONF"

# Devices that are not ours keep the clear error and stay as they are.
on sw ip link add "$BR" type veth peer name hp4peer && on sw ip link set hp4peer up && on sw ip link set "$BR" up
: >"$LOG"
start_xvsd
check "a veth named like the bridge: clear error" \
    log_has "host port $BR: a network device of that name already exists"
stop_xvsd
check "... the veth is untouched" is_veth
check "... and no record was written" test ! -e "$REC"
on sw ip link del "$BR"

on sw ip tuntap add dev "$BR" mode tap
: >"$LOG"
start_xvsd
check "a foreign TAP named like the bridge: clear error" \
    log_has "host port $BR: a network device of that name already exists"
stop_xvsd
check "... the TAP is still there" dev_exists "$BR"
echo "ifindex 999999" >"$REC"
: >"$LOG"
start_xvsd
check "a TAP the record does not name (other ifindex): refused" \
    log_has "already exists (not the TAP"
stop_xvsd
check "... the TAP is still there" dev_exists "$BR"
on sw ip tuntap del dev "$BR" mode tap
rm -f "$REC"

# A leftover: the crashed xvsd's bridge is no longer in the file.
start_xvsd
kill9
echo "ifindex 4242" >"$T_DIR/hostport-hp4gone"
cat > "$CONF" <<EOC
[bridge hp4br1]
host-port = no
EOC
: >"$LOG"
start_xvsd
check "leftover: logged" log_has "host port $BR: leftover of an unclean stop"
check "leftover: the device is deleted" not dev_exists "$BR"
check "leftover: its record is removed" test ! -e "$REC"
check "leftover without a device: its record is removed" test ! -e "$T_DIR/hostport-hp4gone"
stop_xvsd

has_clsact() { on sw tc qdisc show dev "$1" | grep -q clsact; }
has_xvs_filter() { on sw tc filter show dev "$1" ingress | grep -q xvs-isolate; }

# Address takeover: the moved address is on the surviving TAP once.
on sw ip addr add "$HIP/24" dev h1-p
cat > "$CONF" <<EOC
[bridge $BR]
uplink = h1-p
take-over-addresses = yes
EOC
start_xvsd
check "takeover: the address is on the host port" addr_once "$BR" "$HIP"
kill9
check "takeover, kill -9: still on the host port" addr_once "$BR" "$HIP"
check "takeover, kill -9: not back on the uplink" no_addr h1-p "$HIP"
: >"$LOG"
start_xvsd
check "takeover, restart: adopted, takeover still in force" log_has "still in force"
check "takeover, restart: the address exists once, on the host port" addr_once "$BR" "$HIP"
check "takeover, restart: not on the uplink" no_addr h1-p "$HIP"
check "takeover, restart: reachable" reach
check "takeover, restart: no takeover error" not log_has "File exists"
stop_xvsd
check "takeover, SIGTERM: the address is back on the uplink" addr_once h1-p "$HIP"
check "takeover, SIGTERM: the device and both records are gone" \
    sh -c "! ip -n $SW link show $BR 2>/dev/null && ! ls $T_DIR | grep -q -e hostport- -e takeover-"
check "takeover, SIGTERM: the uplink answers again" reach
check "takeover, SIGTERM: the clsact qdisc our first run created is gone" not has_clsact h1-p

# A clsact qdisc that another tool put on the uplink stays (only our
# classifier goes), also when the takeover was adopted across a kill -9.
on sw tc qdisc add dev h1-p clsact
start_xvsd; kill9; start_xvsd
check "foreign clsact, adopted takeover: our classifier is on the uplink" has_xvs_filter h1-p
stop_xvsd
check "foreign clsact, SIGTERM: the other tool's qdisc stays" has_clsact h1-p
check "foreign clsact, SIGTERM: our classifier is gone" not has_xvs_filter h1-p
on sw tc qdisc del dev h1-p clsact

# The file changes while xvsd is down: the uplink gets its addresses back
# (from the adopted TAP; from the takeover record if the TAP was deleted;
# from a leftover), each once.
TKO="[bridge $BR]
uplink = h1-p
take-over-addresses = yes"
back_on_uplink() { # WHAT
    check "$1: the address is back on the uplink, once" addr_once h1-p "$HIP"
    check "$1: none left on the host port" no_addr "$BR" "$HIP"
    check "$1: the takeover record is gone" test ! -e "$T_DIR/takeover-h1-p"
    check "$1: the uplink answers" reach
    check "$1: no clsact qdisc left on the uplink" not has_clsact h1-p
}
echo "$TKO" >"$CONF"; start_xvsd; kill9
printf '[bridge %s]\nuplink = h1-p\n' "$BR" >"$CONF"
: >"$LOG"; start_xvsd
check "takeover turned off across kill -9: adopted" log_has "$BR: adopted"
back_on_uplink "takeover turned off across kill -9"
stop_xvsd

echo "$TKO" >"$CONF"; start_xvsd; kill9
on sw ip link del "$BR"
printf '[bridge %s]\nuplink = h1-p\n' "$BR" >"$CONF"
: >"$LOG"; start_xvsd
back_on_uplink "takeover turned off, TAP deleted while down"
stop_xvsd

echo "$TKO" >"$CONF"; start_xvsd; kill9
printf '[bridge hp4br1]\nhost-port = no\n' >"$CONF"
: >"$LOG"; start_xvsd
check "leftover with takeover: the device is deleted" not dev_exists "$BR"
check "leftover with takeover: its record is removed" test ! -e "$REC"
back_on_uplink "leftover with takeover"
stop_xvsd
finish
