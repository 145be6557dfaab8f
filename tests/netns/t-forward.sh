#!/bin/bash
# t-forward: a bridge with an uplink, two extra ports and the host port:
# ping every way, learning (fdb-show), known unicast not flooded, TCP,
# counters, show/list output, clean shutdown.
. "$(dirname "$0")/lib.sh"
it_init 11

add_hosts 3
cat > "$CONF" <<EOC
[global]
log-level = info

[bridge xvsbr0]
uplink = h1-p

$(access_ports xvsbr0 1 h2-p h3-p)
EOC
start_xvsd
check "host port xvsbr0 exists in xvsd's namespace" on sw ip link show xvsbr0
on sw ip addr add "$NET.254/24" dev xvsbr0
on sw ip link set xvsbr0 up

check "ping h1 -> h2" ping_ok h1 "$NET.2"
check "ping h2 -> h1" ping_ok h2 "$NET.1"
check "ping h3 -> h2" ping_ok h3 "$NET.2"
check "ping h1 -> host port" ping_ok h1 "$NET.254"
check "ping host port -> h3" ping_ok sw "$NET.3"

check "fdb: h1's MAC on uplink h1-p, VLAN 1" fdb_has xvsbr0 "$(mac_of 1)" h1-p 1
check "fdb: h2's MAC on h2-p" fdb_has xvsbr0 "$(mac_of 2)" h2-p 1
check "fdb: h3's MAC on h3-p" fdb_has xvsbr0 "$(mac_of 3)" h3-p 1
hostmac=$(on sw cat /sys/class/net/xvsbr0/address)
check "fdb: host port MAC on xvsbr0" fdb_has xvsbr0 "$hostmac" xvsbr0 1
check "fdb-show text lists h2's MAC" matches "^h2-p +1 +$(mac_of 2) +[0-9]+$" ctl fdb-show xvsbr0

# Known unicast goes to one port only: h3 must not see h1 <-> h2 pings.
capture h3 eth0 1 icmp
ping_ok h1 "$NET.2" >/dev/null
check "known unicast h1 -> h2 not flooded to h3" test "$(captured h3 eth0)" = 0

rx0=$(pstat xvsbr0 h2-p rx_packets); tx0=$(pstat xvsbr0 h1-p tx_packets)
on h2 ping -c 5 -i 0.1 -W 1 -q "$NET.1" >/dev/null 2>&1
rx1=$(pstat xvsbr0 h2-p rx_packets); tx1=$(pstat xvsbr0 h1-p tx_packets)
check "port-stats: h2-p rx_packets +5 ($rx0 -> $rx1)" test $((rx1 - rx0)) -ge 5
check "port-stats: h1-p tx_packets +5 ($tx0 -> $tx1)" test $((tx1 - tx0)) -ge 5
check "port-stats: rx_bytes counted" test "$(pstat xvsbr0 h2-p rx_bytes)" -ge $((rx1 * 42))

stats=$(ctl -j fdb-stats xvsbr0)
check "fdb-stats: 4 entries, 4 learned ($stats)" jq -e '.entries >= 4 and .learned >= 4 and .ageing == 300' <<<"$stats"

check "list-br" test "$(bridges)" = "xvsbr0 "
check "list-ports" test "$(ctl list-ports xvsbr0 | sort | tr '\n' ' ')" = "h1-p h2-p h3-p xvsbr0 "
show=$(ctl -j show)
check "show -j: uplink h1-p, host port kind host" \
    jq -e '.bridges[0] | .uplink == "h1-p" and .host_port == true
           and any(.ports[]; .name == "xvsbr0" and .kind == "host")
           and any(.ports[]; .name == "h1-p" and .kind == "uplink" and .link_up)' <<<"$show"
check "show text" matches '^Bridge xvsbr0$' ctl show

# Link state is followed: h3's side goes down, then up again.
link_is() {   # link_is PORT true|false: within 3 s
    for _ in $(seq 30); do
        ctl -j show | jq -e --arg p "$1" --argjson v "$2" \
            '.bridges[0].ports[] | select(.name == $p) | .link_up == $v' >/dev/null && return 0
        sleep 0.1
    done
    return 1
}
on h3 ip link set eth0 down
check "link down of h3-p followed" link_is h3-p false
check "h1 cannot reach h3 while its link is down" ping_fails h1 "$NET.3"
on h3 ip link set eth0 up
check "link up of h3-p followed" link_is h3-p true
# h1's ARP entry for h3 is INCOMPLETE from ping_fails; if it turns FAILED
# just as ping_ok starts, ping counts that error as one of its 3 answers.
on h1 ip neigh flush to "$NET.3"
check "h1 -> h3 again after link up" ping_ok h1 "$NET.3"

# TCP through the switch (checksum offloads of veth must be handled).
on h2 timeout 15 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
srv=$!
sleep 0.5
bps=$(on h1 timeout 10 iperf3 -c "$NET.2" -p 5201 -t 2 -J 2>/dev/null | jq '.end.sum_received.bits_per_second // 0')
wait $srv 2>/dev/null
bps=${bps:-0}
check "TCP h1 -> h2 with iperf3 ($(( ${bps%.*} / 1000000 )) Mbit/s)" test "${bps%.*}" -gt 1000000

# Clean shutdown removes what xvsd created.
stop_xvsd
check "xvsd exits 0 on SIGTERM" test "$XVSD_STATUS" = 0
check_not "host port removed on exit" on sw ip link show xvsbr0
check_not "control socket removed on exit" test -e "$SOCK"
check "uplink veth still exists after exit" on sw ip link show h1-p
finish
