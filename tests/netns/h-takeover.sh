#!/bin/bash
# h-takeover: take-over-addresses survives an unclean stop.  The uplink's
# addresses and routes move to the host port (a TAP) and the uplink's own
# IP stack is cut off from received traffic.  A clean stop gives
# everything back.  After kill -9 the host must not be left without its
# addresses: the persistent TAP keeps them and the next start adopts it
# (ifaddr.h: the takeover is still in force; h-hostport.sh checks there
# is no duplicate).
. "$(dirname "$0")/lib.sh"
it_init 44

add_host h1 1 "$NET.1/24"
UP_IP=$NET.254
on sw ip addr add "$UP_IP/24" dev h1-p
on sw ip route add 10.232.44.0/24 via "$NET.1" dev h1-p
cat > "$CONF" <<EOC
[bridge htk0]
uplink = h1-p
take-over-addresses = yes
EOC

has_addr() { on sw ip -4 -o addr show dev "$1" | grep -q " $UP_IP/24 "; }
has_route() { on sw ip route show 10.232.44.0/24 | grep -q "dev $1"; }
host_reachable() { on h1 ip neigh flush all; ping_ok h1 "$UP_IP"; }

start_xvsd
check "takeover: the address is on the host port" has_addr htk0
check "takeover: the route is on the host port" has_route htk0
check "takeover: the host is reachable" host_reachable
stop_xvsd
check "clean stop: the address is back on the uplink" has_addr h1-p
check "clean stop: the route is back on the uplink" has_route h1-p
check "clean stop: the host is reachable through the uplink" host_reachable

start_xvsd
check "second start: taken over again" has_addr htk0
kill -KILL "$XVSD_PID"
wait "$XVSD_PID" 2>/dev/null
XVSD_PID=
sleep 0.5
start_xvsd
check "restart after kill -9: the address is on the host port again" has_addr htk0
check "restart after kill -9: the route is on the host port again" has_route htk0
check "restart after kill -9: the host is reachable" host_reachable
stop_xvsd
check "clean stop after that: the address is back on the uplink" has_addr h1-p
check "... and the host is reachable through the uplink" host_reachable
finish
