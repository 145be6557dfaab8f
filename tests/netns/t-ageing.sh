#!/bin/bash
# t-ageing: learned entries age out after set-ageing; ageing 0 makes the
# bridge a hub (known unicast flooded, nothing learned); learning resumes.
. "$(dirname "$0")/lib.sh"
it_init 12

add_hosts 3
cat > "$CONF" <<EOC
[bridge xvsbr0]
host-port = no
ageing = 300

$(access_ports xvsbr0 1 h1-p h2-p h3-p)
EOC
start_xvsd

check "ping h1 -> h2" ping_ok h1 "$NET.2"
check "h1 learned" fdb_has xvsbr0 "$(mac_of 1)" h1-p
check "set-ageing 2" ctl set-ageing xvsbr0 2
check "fdb-stats shows ageing 2" jq -e '.ageing == 2' <(ctl -j fdb-stats xvsbr0)
check "show shows ageing 2" jq -e '.bridges[0].ageing == 2' <(ctl -j show)

# No traffic now: every entry must be gone within ageing + the 1 s ager
# tick + slack.  (fdb-show hides an expired entry at once; the ager removes
# it and counts it in "aged" on its next tick.)
gone=no
for _ in $(seq 60); do
    if fdb_lacks xvsbr0 "$(mac_of 1)" && fdb_lacks xvsbr0 "$(mac_of 2)"; then gone=yes; break; fi
    sleep 0.1
done
check "entries aged out within 6 s of set-ageing 2" test $gone = yes
for _ in $(seq 30); do
    stats=$(ctl -j fdb-stats xvsbr0)
    jq -e '.aged >= 2' <<<"$stats" >/dev/null && break
    sleep 0.1
done
check "fdb-stats counts them as aged ($stats)" jq -e '.aged >= 2' <<<"$stats"

# Learning switch: a known unicast stream h1 -> h2 does not reach h3.
check "set-ageing 300" ctl set-ageing xvsbr0 300
ping_ok h1 "$NET.2"
capture h3 eth0 3 "icmp and ether dst $(mac_of 2)"
on h1 ping -c 3 -i 0.2 -W 1 -q "$NET.2" >/dev/null 2>&1
check "learning: h3 sees none of h1's pings to h2" test "$(captured h3 eth0)" = 0

# Hub: ageing 0 forgets everything and floods every frame.
check "set-ageing 0" ctl set-ageing xvsbr0 0
capture h3 eth0 3 "icmp and ether dst $(mac_of 2)"
check "hub: ping h1 -> h2 still works" ping_ok h1 "$NET.2"
check "hub: h3 sees h1's pings to h2 (flooded)" test "$(captured h3 eth0)" -ge 3
check "hub: nothing learned" jq -e 'length == 0' <(ctl -j fdb-show xvsbr0)

# Back to learning.
check "set-ageing 300 again" ctl set-ageing xvsbr0 300
ping_ok h1 "$NET.2"
check "learning resumes after hub mode" fdb_has xvsbr0 "$(mac_of 1)" h1-p
check_not "set-ageing on an unknown bridge fails" ctl set-ageing nosuchbr 10
finish
