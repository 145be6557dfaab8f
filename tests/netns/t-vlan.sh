#!/bin/bash
# t-vlan: access ports of VLAN 10 and 20 are isolated; a trunk carries both,
# tagged; a native VLAN carries untagged frames; flooding stays inside the
# VLAN; frames a port may not send are dropped and counted (vlan_ingress).
#
# The kernel under test may have no 8021q, so no namespace can terminate a
# VLAN itself.  Instead two bridges are joined by a trunk (veth tr0 -- tr1 in
# xvsd's namespace), so pings between access ports of the two bridges cross
# it tagged; and the trunk hosts t1, n1 send crafted tagged frames
# (trafgen) and their captures show what a trunk receives.
#
#   xvsbr0: a1 (10)  b1 (20)  c1 (30)  t1 (trunk 10,20)  n1 (trunk 10, native 30)  tr0 (trunk 10,20)
#   xvsbr1: a2 (10)  b2 (20)  tr1 (uplink, trunk 10,20)
. "$(dirname "$0")/lib.sh"
it_init 14
V10=10.232.10 V20=10.232.20 V30=10.232.30

add_host a1 1 "$V10.1/24"
add_host a2 2 "$V10.2/24"
add_host b1 3 "$V20.1/24"
add_host b2 4 "$V20.2/24"
add_host c1 5 "$V30.1/24"
add_host t1 6
add_host n1 7 "$V30.12/24"
# b2 also has an address in VLAN 10's subnet: only VLAN isolation keeps a1
# from reaching it.
on b2 ip addr add "$V10.4/24" dev eth0
ip link add tr0 netns "$SW" type veth peer name tr1 netns "$SW"
on sw ip link set tr0 up
on sw ip link set tr1 up

cat > "$CONF" <<EOC
[bridge xvsbr0]
host-port = no
[port xvsbr0 a1-p]
vlan = 10
[port xvsbr0 b1-p]
vlan = 20
[port xvsbr0 c1-p]
vlan = 30
[port xvsbr0 t1-p]
trunk = 10,20
[port xvsbr0 n1-p]
trunk = 10
native = 30
[port xvsbr0 tr0]
trunk = 10,20

[bridge xvsbr1]
host-port = no
uplink = tr1
[port xvsbr1 tr1]
trunk = 10,20
[port xvsbr1 a2-p]
vlan = 10
[port xvsbr1 b2-p]
vlan = 20
EOC
start_xvsd

check "VLAN 10 across the trunk: a1 -> a2" ping_ok a1 "$V10.2"
check "VLAN 20 across the trunk: b2 -> b1" ping_ok b2 "$V20.1"
check_not "isolation: a1 (VLAN 10) cannot reach b2 (VLAN 20) in its subnet" ping_ok a1 "$V10.4"
check "native VLAN: c1 (access 30) -> n1 (untagged on trunk, native 30)" ping_ok c1 "$V30.12"

check "fdb xvsbr1: a1 learned on tr1 in VLAN 10" fdb_has xvsbr1 "$(mac_of 1)" tr1 10
check "fdb xvsbr1: b1 learned on tr1 in VLAN 20" fdb_has xvsbr1 "$(mac_of 3)" tr1 20
check "fdb xvsbr0: n1 learned on n1-p in VLAN 30" fdb_has xvsbr0 "$(mac_of 7)" n1-p 30

# The trunk link carries VLAN 10 tagged, never untagged.
capture sw tr1 3 "vlan 10 and icmp"
on a1 ping -c 3 -i 0.2 -W 1 -q "$V10.2" >/dev/null 2>&1
check "trunk: a1's pings cross tagged with VLAN 10" test "$(captured sw tr1)" -ge 3
capture sw tr1 1 "icmp and not vlan"
on a1 ping -c 3 -i 0.2 -W 1 -q "$V10.2" >/dev/null 2>&1
check "trunk: nothing crosses untagged" test "$(captured sw tr1)" = 0

# Ingress from a trunk host: tag 10 reaches a1 untagged; tag 20 does not.
capture a1 eth0 3 "udp port 9 and not vlan"
capture b1 eth0 1 "udp port 9"
send_frames t1 3 "$(mac_of 1)" 10
check "t1's VLAN 10 frames reach a1, untagged" test "$(captured a1 eth0)" -ge 3
check "t1's VLAN 10 frames do not reach b1" test "$(captured b1 eth0)" = 0
check "fdb: t1's MAC learned in VLAN 10" fdb_has xvsbr0 "$(mac_of 6)" t1-p 10
capture a1 eth0 1 "udp port 9"
capture b1 eth0 3 "udp port 9 and not vlan"
send_frames t1 3 "$(mac_of 1)" 20       # a1's MAC is unknown in VLAN 20: flooded there
check "t1's VLAN 20 frames to a1's MAC do not reach a1" test "$(captured a1 eth0)" = 0
check "... they are flooded in VLAN 20 and reach b1" test "$(captured b1 eth0)" -ge 3
check "fdb: the same MAC of t1 learned in VLAN 20 too" fdb_has xvsbr0 "$(mac_of 6)" t1-p 20

# Unknown unicast in VLAN 10 floods to VLAN 10 ports only, tagged on trunks.
ghost=02:00:00:99:00:99
on a1 ip neigh replace "$V10.99" lladdr $ghost dev eth0 nud permanent
capture a2 eth0 3 "ether dst $ghost and not vlan"
capture t1 eth0 3 "ether dst $ghost and vlan 10"
capture n1 eth0 3 "ether dst $ghost and vlan 10"
for h in b1 b2 c1; do capture $h eth0 1 "ether dst $ghost"; done
on a1 ping -c 3 -i 0.2 -W 1 -q "$V10.99" >/dev/null 2>&1
check "unknown unicast VLAN 10: a2 (other bridge, via trunk) gets it" test "$(captured a2 eth0)" -ge 3
check "unknown unicast VLAN 10: trunk t1 gets it tagged 10" test "$(captured t1 eth0)" -ge 3
check "unknown unicast VLAN 10: trunk n1 gets it tagged 10" test "$(captured n1 eth0)" -ge 3
check "unknown unicast VLAN 10: b1 (VLAN 20) does not" test "$(captured b1 eth0)" = 0
check "unknown unicast VLAN 10: b2 (VLAN 20) does not" test "$(captured b2 eth0)" = 0
check "unknown unicast VLAN 10: c1 (VLAN 30) does not" test "$(captured c1 eth0)" = 0

# Broadcast in VLAN 30 (c1 ARPs for a missing address): n1 gets it untagged.
arp99="arp and arp[24:4] = 0x0ae81e63"         # who-has 10.232.30.99
capture n1 eth0 1 "$arp99"
for h in a1 b1 t1; do capture $h eth0 1 "arp or vlan"; done
on c1 ping -c 2 -i 0.5 -W 1 -q "$V30.99" >/dev/null 2>&1
check "broadcast VLAN 30: n1 gets it untagged (native)" test "$(captured n1 eth0)" -ge 1
check "broadcast VLAN 30: a1 does not" test "$(captured a1 eth0)" = 0
check "broadcast VLAN 30: b1 does not" test "$(captured b1 eth0)" = 0
check "broadcast VLAN 30: trunk t1 (10,20) does not" test "$(captured t1 eth0)" = 0

# Frames a port may not send are dropped and counted.
nobody="udp port 9"
drops() { pstat xvsbr0 "$1" drops.vlan_ingress; }
d0=$(drops a1-p); capture a2 eth0 1 "$nobody"
send_frames a1 3 ff:ff:ff:ff:ff:ff 10
d1=$(drops a1-p)
check "tagged frames on access port a1-p dropped as vlan_ingress ($d0 -> $d1)" test $((d1 - d0)) -ge 3
check "... and not forwarded" test "$(captured a2 eth0)" = 0
d0=$(drops t1-p); capture a1 eth0 1 "$nobody"
send_frames t1 3 ff:ff:ff:ff:ff:ff 0
d1=$(drops t1-p)
check "untagged frames on trunk t1-p (no native) dropped ($d0 -> $d1)" test $((d1 - d0)) -ge 3
check "... and not forwarded" test "$(captured a1 eth0)" = 0
d0=$d1; capture c1 eth0 1 "$nobody"
send_frames t1 3 ff:ff:ff:ff:ff:ff 30
d1=$(drops t1-p)
check "VLAN 30 frames on trunk 10,20 dropped ($d0 -> $d1)" test $((d1 - d0)) -ge 3
check "... and not forwarded to VLAN 30" test "$(captured c1 eth0)" = 0
check "port-stats text shows the drop reason" matches '^xvsbr0 +t1-p .*vlan_ingress [0-9]+' ctl port-stats xvsbr0 t1-p

check "list-br lists the VLAN bridges xvsbr0.10 and xvsbr0.20" \
    test "$(ctl list-br | grep -E '^xvsbr0\.(10|20)$' | sort | tr '\n' ' ')" = "xvsbr0.10 xvsbr0.20 "
check "br-to-vlan xvsbr0.10" test "$(ctl br-to-vlan xvsbr0.10)" = 10
check "br-to-vlan xvsbr1" test "$(ctl br-to-vlan xvsbr1)" = 0
check_not "br-to-vlan xvsbr0.5000 fails" ctl br-to-vlan xvsbr0.5000
check "show -j: VLAN modes" jq -e '.bridges[] | select(.name == "xvsbr0") | .ports
    | (.[] | select(.name == "a1-p") | .vlan_mode == "access" and .pvid == 10)
  and (.[] | select(.name == "t1-p") | .vlan_mode == "trunk" and .trunks == "10,20")
  and (.[] | select(.name == "n1-p") | .vlan_mode == "trunk" and .pvid == 30)' <(ctl -j show)
finish
