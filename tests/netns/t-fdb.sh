#!/bin/bash
# t-fdb: static entries (fdb-add/fdb-del), flush by port and by bridge,
# unknown unicast flooded to every port of the VLAN, MAC moves counted.
. "$(dirname "$0")/lib.sh"
it_init 13

add_hosts 3
cat > "$CONF" <<EOC
[bridge xvsbr0]
host-port = no

$(access_ports xvsbr0 1 h1-p h2-p h3-p)
EOC
start_xvsd

ghost=02:00:00:99:00:99        # a MAC no host has
on h1 ip neigh replace "$NET.99" lladdr $ghost dev eth0 nud permanent

# Unknown unicast is flooded to all other ports.
capture h2 eth0 3 "ether dst $ghost"
capture h3 eth0 3 "ether dst $ghost"
on h1 ping -c 3 -i 0.2 -W 1 -q "$NET.99" >/dev/null 2>&1
check "unknown unicast reaches h2" test "$(captured h2 eth0)" -ge 3
check "unknown unicast reaches h3" test "$(captured h3 eth0)" -ge 3

# A static entry sends it to h3 only, and survives flushes and ageing.
check "fdb-add static on h3-p" ctl fdb-add xvsbr0 h3-p $ghost
check "fdb-show marks it static" jq -e --arg m $ghost 'any(.[]; .mac == $m and .port == "h3-p" and .static)' <(ctl -j fdb-show xvsbr0)
capture h2 eth0 3 "ether dst $ghost"
capture h3 eth0 3 "ether dst $ghost"
on h1 ping -c 3 -i 0.2 -W 1 -q "$NET.99" >/dev/null 2>&1
check "static entry: h3 gets the frames" test "$(captured h3 eth0)" -ge 3
check "static entry: h2 does not" test "$(captured h2 eth0)" = 0

ping_ok h1 "$NET.2"; ping_ok h3 "$NET.2"
check "h1 learned" fdb_has xvsbr0 "$(mac_of 1)" h1-p
check "fdb-flush port=h1-p" ctl fdb-flush xvsbr0 port=h1-p
check "h1's entry flushed" fdb_lacks xvsbr0 "$(mac_of 1)"
check "h3's entry kept" fdb_has xvsbr0 "$(mac_of 3)" h3-p
check "fdb-flush whole bridge reports a count" jq -e '.flushed >= 2' <(ctl -j fdb-flush xvsbr0)
check "only the static entry is left" jq -e --arg m $ghost 'length == 1 and .[0].mac == $m' <(ctl -j fdb-show xvsbr0)
ctl set-ageing xvsbr0 1 >/dev/null; sleep 2.5
check "static entry survives ageing 1 s" fdb_has xvsbr0 $ghost h3-p
ctl set-ageing xvsbr0 300 >/dev/null

check "fdb-del" ctl fdb-del xvsbr0 $ghost
check "static entry gone" fdb_lacks xvsbr0 $ghost
check_not "fdb-del of a missing entry fails" ctl fdb-del xvsbr0 $ghost
check_not "fdb-add on an unknown port fails" ctl fdb-add xvsbr0 nosuch-p 02:00:00:00:00:01
check "fdb-add with vlan=" ctl fdb-add xvsbr0 h2-p 02:00:00:99:00:98 vlan=1
check "fdb-del with vlan=" ctl fdb-del xvsbr0 02:00:00:99:00:98 vlan=1

# A MAC that moves is re-learned on its new port and counted.
ping_ok h1 "$NET.2"
moved0=$(ctl -j fdb-stats xvsbr0 | jq .moved)
on h1 ip link set eth0 down
on h3 ip link set eth0 address "$(mac_of 1)"
on h3 ping -c 2 -i 0.2 -W 1 -q "$NET.2" >/dev/null 2>&1
check "moved MAC re-learned on h3-p" fdb_has xvsbr0 "$(mac_of 1)" h3-p
check "fdb-stats counts the move" test "$(ctl -j fdb-stats xvsbr0 | jq .moved)" -gt "$moved0"
finish
