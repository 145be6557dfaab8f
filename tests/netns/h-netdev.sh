#!/bin/bash
# h-netdev: bad netdevs and netdev names as ports.
#   - names the kernel would refuse, or that are not ours to take, are
#     refused with a message naming them, by xvsctl and by xvsd itself;
#   - a device that does not exist, the loopback device and a layer-3
#     device (a TUN) are refused as ports or uplinks: an AF_PACKET port on
#     lo reflects every frame (the host port's MAC flaps onto lo), and one on
#     a TUN reads IP packets as Ethernet frames (their header bytes become
#     "MAC addresses" that are learned and flooded);
#   - a port whose device disappears and comes back carries traffic again.
. "$(dirname "$0")/lib.sh"
it_init 42

add_hosts 3
cat > "$CONF" <<EOC
[bridge hnd0]
uplink = h1-p
[port hnd0 h2-p]
EOC
start_xvsd
on sw ip addr add "$NET.254/24" dev hnd0
on sw ip link set hnd0 up

expect_error() {   # expect_error REGEX ARGS...: xvsd refuses (exit 1), naming it
    local re=$1 out rc
    shift
    out=$(ctl "$@" 2>&1); rc=$?
    if [ $rc != 1 ] || ! grep -Eq -- "$re" <<<"$out"; then echo "exit $rc: $out"; return 1; fi
}
# raw REQUEST-JSON: xvsd's reply line, bypassing xvsctl's own checks.
raw() { printf '%s\n' "$1" | timeout 5 socat - "UNIX-CONNECT:$SOCK"; }
refused_raw() {   # refused_raw WHAT-REGEX COMMAND ARGS...: xvsd itself refuses
    local re=$1 cmd=$2; shift 2
    local args
    args=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
    raw "{\"command\":\"$cmd\",\"args\":$args}" | jq -e --arg re "$re" \
        '.ok == false and (.error | test($re))'
}

# Names: refused by xvsd (raw) as well as by xvsctl.
for name in 'a/b' '..' 'ab cd' 'abcdefghijklmnop' 'x:1' $'tab\tx' 'é1' ''; do
    check "xvsd refuses port name '$name'" refused_raw 'name|character' add-port hnd0 "$name"
    check "xvsd refuses bridge name '$name'" refused_raw 'name|character' add-br "$name"
done
check "xvsctl refuses port name 'a/b' itself (exit 2)" sh -c "\"$XVSCTL\" --socket $SOCK add-port hnd0 a/b; test \$? = 2"
check "add-port of a missing device: error names it" expect_error nosuch0 add-port hnd0 nosuch0
check "add-br with a missing uplink: error names it" expect_error nosuch1 add-br hnd1 uplink=nosuch1
check "add-br named like an existing netdev is refused" expect_error h3-p add-br h3-p
check "... and h3-p is left alone" on sw ip link show h3-p
check "add-br hnd1 uplink=<another bridge's host port> is refused" expect_error hnd0 add-br hnd1 uplink=hnd0
check "nothing was made by the refusals" test "$(ctl list-br | tr '\n' ' ')" = "hnd0 "

# Not Ethernet devices.
check_not "add-port of the loopback device is refused" ctl add-port hnd0 lo
ctl del-port hnd0 lo >/dev/null 2>&1
check_not "add-br with the loopback device as uplink is refused" ctl add-br hnd2 uplink=lo host-port=no
ctl del-br hnd2 >/dev/null 2>&1
on sw ip tuntap add mode tun name htun0
on sw ip link set htun0 up
check_not "add-port of a layer-3 TUN device is refused" ctl add-port hnd0 htun0
ctl del-port hnd0 htun0 >/dev/null 2>&1

# A device that goes away and comes back.
check "h1 -> h2 before" ping_ok h1 "$NET.2"
ip -n "$SW" link del h2-p
sleep 0.5
check "xvsd survives its port's device being deleted" ctl list-ports hnd0
check "... and shows it down" jq -e '.bridges[0].ports[] | select(.name == "h2-p") | .link_up == false' <(ctl -j show)
ip link add eth0 netns "$(ns h2)" address "$(mac_of 2)" type veth peer name h2-p netns "$SW"
ip -n "$(ns h2)" link set eth0 up
ip -n "$(ns h2)" addr add "$NET.2/24" dev eth0
ip -n "$SW" link set h2-p up
for _ in $(seq 30); do
    jq -e '.bridges[0].ports[] | select(.name == "h2-p") | .link_up' <(ctl -j show) >/dev/null && break
    sleep 0.1
done
check "a new h2-p is picked up: h1 -> h2 again" ping_ok h1 "$NET.2"
check "xvsd is still running" kill -0 "$XVSD_PID"
finish
