#!/bin/bash
# An HVM guest's emulated NIC (nictype vif_ioemu): the QEMU tap libxl hands
# to vif-xvs with type_if=tap, with the real xvsd, the fake xenstored,
# libxl's side (tests/sim/xenstored-xl: `online type_if=vif`, then
# `add type_if=tap` with INTERFACE=vif<D>.<N>-emu, as libxl_linux.c) and the
# real hotplug/vif-xvs.  Root; network namespaces xvs-hvm-*:
#
#   xvs-hvm-d0   dom0: xvsd, bridge hvmbr0, uplink hvup0 (a veth),
#                taps vif5.0-emu, vif6.0-emu made by fake-qemu-tap
#   xvs-hvm-net  the other end of hvup0: 10.218.1.100
#   xvs-hvm-g5   guest 5's emulated NIC eth0 (fake-qemu-tap copies frames
#   xvs-hvm-g6   between it and the tap, as QEMU): 10.218.1.5 / .6 / .8;
#   xvs-hvm-g8   later guest 5's PV NIC (xvs-simfront, sim hypervisor)
#
# The PV frontends do not connect (a guest still in its BIOS or installer,
# or without PV drivers): the emulated NICs carry the traffic, until guest
# 5's PV driver takes over.
#
# Checked: the tap becomes a port of the vif's bridge (kind tap, its vif
# named in show, vif-show's emulated_nic), ping both ways tap <-> uplink and
# tap <-> tap; the vif's keys apply to it, live: forged-transmits=reject
# (a changed source MAC is dropped), ip= (another source address is
# dropped), vlan=10 and bridge=hvmbr0.10 (off VLAN 1, the two taps
# together on VLAN 10) and back; the tap refused as a port elsewhere; a missing tap makes the
# script fail with hotplug-error naming it, other guests untouched; the
# tap deleted under xvsd (ip link del) and QEMU exiting (kill): the port
# goes, logged, the vif and the other guest stay; xvsd restarted takes the
# tap back; the PV driver taking over (QEMU lets go of the tap, a sim
# netfront connects on the same vif: traffic goes on through vif5.0);
# network-detach (offline + remove type_if=tap) removes the tap port while
# the device still exists; SIGTERM clean.  Bounded pings; everything
# removed on exit (KEEP=DIR keeps the files, xvsd's log included).
set -e
TOP=${TOP:-$PWD}
SRC=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
SIMBIN=${SIMBIN:-$TOP/tests/sim}
XVSD=${XVSD:-$TOP/daemon/xvsd}
XVSCTL=${XVSCTL:-$TOP/ctl/xvsctl}
XL=${XL:-$SIMBIN/xenstored-xl}
FAKE=${FAKE:-$SIMBIN/xenstored-fake}
QEMU=${QEMU:-$SIMBIN/fake-qemu-tap}
SCRIPT=${VIF_XVS:-$SRC/hotplug/vif-xvs}
for f in "$XVSD" "$XVSCTL" "$XL" "$FAKE" "$QEMU" "$SCRIPT" "$SIMBIN/xvs-simfront"; do
    [ -x "$f" ] || { echo "FAIL: $f missing or not executable (make check builds it)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (network namespaces, taps)"; exit 1; }
[ -c /dev/net/tun ] || { echo "FAIL: /dev/net/tun missing (tun module)"; exit 1; }
for c in ip ping python3 xenstore-read xenstore-write xenstore-rm; do
    command -v $c >/dev/null || { echo "FAIL: $c missing (xenstore-utils for xenstore-*)"; exit 1; }
done

DIR=$(mktemp -d /tmp/xvs-hvm.XXXXXX)
export XVS_SIM_DIR=$DIR/sim XENSTORED_PATH=$DIR/xs/socket
export XVSCTL XVS_CTL_SOCKET=$DIR/xvsd.sock
mkdir -p "$DIR/sim" "$DIR/xs"
NS="xvs-hvm-d0 xvs-hvm-net xvs-hvm-g5 xvs-hvm-g6 xvs-hvm-g8"
PIDS=""
PID_xvsd=""
BE=/local/domain/0/backend/vif
MAC5=00:16:3e:48:05:00
MAC6=00:16:3e:48:06:00

. "$(dirname "$0")/xs-e2e-lib.sh"
ports() { ctl -j list-ports hvmbr0 | pyj "' '.join(sorted(j))"; }
ports_are() { [ "$(ports)" = "$1" ]; }
# qemu D: QEMU for domain D: tap vifD.0-emu in dom0, the guest's eth0
qemu() {
    ip netns exec xvs-hvm-d0 "$QEMU" "vif$1.0-emu" "xvs-hvm-g$1" eth0 300 \
        >"$DIR/qemu$1.out" 2>"$DIR/qemu$1.err" &
    eval "PID_qemu$1=$!"
    PIDS="$PIDS $!"
    wait_for 5 grep -q ready "$DIR/qemu$1.out" || fail "fake-qemu-tap $1: $(cat "$DIR/qemu$1.err")"
    ip -n "xvs-hvm-g$1" link set eth0 address "$2"
    ip -n "xvs-hvm-g$1" addr add "10.218.1.$1/24" dev eth0
    ip -n "xvs-hvm-g$1" link set eth0 up
}
# hvm D MAC: xl create of an HVM guest with one NIC (type=vif_ioemu)
hvm() {
    "$XL" domain-create "$1"
    "$XL" nic-add "$1" 0 mac="$2" bridge=hvmbr0 type=vif_ioemu script="$SCRIPT" \
        >"$DIR/add$1.out" 2>&1 || fail "nic-add dom$1: $(cat "$DIR/add$1.out")"
    be_is "$1" 0 hotplug-status connected || fail "dom$1: hotplug-status '$(be "$1" 0 hotplug-status)'"
}
xs_e2e_netns
ip -n xvs-hvm-d0 link add hvup0 type veth peer name eth0 netns xvs-hvm-net
ip -n xvs-hvm-d0 link set hvup0 up
ip -n xvs-hvm-net addr add 10.218.1.100/24 dev eth0
ip -n xvs-hvm-net link set eth0 up

# ---- xenstored, xvsd ----
xs_e2e_xenstored
cat >"$DIR/xvs.conf" <<EOC
[global]
log-level = info
[xen]
xenif = sim:$XVS_SIM_DIR
xenstore = yes
[bridge hvmbr0]
uplink = hvup0
host-port = no
EOC
xs_e2e_xvsd xvs-hvm-d0
ports_are hvup0 || fail "ports at start: $(ports)"

# ---- xl create: two HVM guests, QEMU first (libxl starts the device model
# before it adds the NICs) ----
qemu 5 $MAC5
qemu 6 $MAC6
hvm 5 $MAC5
hvm 6 $MAC6
ports_are "hvup0 vif5.0 vif5.0-emu vif6.0 vif6.0-emu" || fail "ports: $(ports)"
port_is vif5.0-emu "p['kind'], p['vif'], p['link_up'], p['mac'], p['vlan_mode'], p['pvid']" \
    "('tap', 'vif5.0', True, '$MAC5', 'access', 1)" ||
    fail "show vif5.0-emu: $(ctl -j show | pyj "[p for b in j['bridges'] for p in b['ports'] if p['kind'] == 'tap']")"
s=$(ctl -j vif-show vif5.0 | pyj "j[0]['emulated_nic']")
[ "$s" = "{'name': 'vif5.0-emu', 'bridge': 'hvmbr0', 'link_up': True}" ] || fail "vif-show vif5.0: emulated_nic $s"
s=$(ctl -j vif-list | pyj "[v['emulated_nic'] for v in j if v['name'] == 'vif5.0'][0]")
[ "$s" = "{'name': 'vif5.0-emu', 'bridge': 'hvmbr0', 'link_up': True}" ] || fail "vif-list: vif5.0's emulated_nic $s"
ctl vif-list >"$DIR/vif-list.txt"
grep -q "vif5.0-emu" "$DIR/vif-list.txt" || fail "xvsctl vif-list (text) does not name the tap: $(cat "$DIR/vif-list.txt")"
ctl show | grep -A1 "Port vif5.0-emu" >"$DIR/show.txt"
grep -q "kind: tap of vif vif5.0, ofport: [0-9]*, link: up" "$DIR/show.txt" ||
    fail "xvsctl show (text): $(cat "$DIR/show.txt")"
be_is 5 0 state 2 || fail "dom5: backend state $(be 5 0 state) (no frontend yet)"
grep -q "vif 5.0 (vif5.0): emulated NIC vif5.0-emu on bridge hvmbr0" "$DIR/xvsd.err" ||
    fail "no log line for the tap"
ok "xl create x2 (type=vif_ioemu): vif online, then add type_if=tap: vif5.0-emu/vif6.0-emu are tap ports of hvmbr0 (show, vif-show, vif-list)"

ping_ok xvs-hvm-g5 10.218.1.100
ping_ok xvs-hvm-net 10.218.1.5
ping_ok xvs-hvm-g6 10.218.1.100
ping_ok xvs-hvm-g5 10.218.1.6
ping_ok xvs-hvm-g6 10.218.1.5
ok "ping emulated NIC <-> uplink both ways, emulated NIC <-> emulated NIC"

if ctl add-port hvmbr0 vif5.0-emu >"$DIR/addport.out" 2>&1; then fail "add-port of the tap accepted"; fi
grep -q "already" "$DIR/addport.out" || fail "add-port: $(cat "$DIR/addport.out")"
ok "the tap refused as another port: $(cat "$DIR/addport.out")"

# ---- INTERFACE naming a device that is not a tap ----
if XENBUS_PATH=backend/vif/5/0 INTERFACE=hvup0 vif=vif5.0 "$SCRIPT" add type_if=tap \
        2>"$DIR/notap.err"; then
    fail "a veth accepted as an emulated NIC"
fi
grep -q "tap hvup0: already port hvup0 of bridge hvmbr0" "$DIR/notap.err" || fail "hvup0: $(cat "$DIR/notap.err")"
ip -n xvs-hvm-d0 link add hvx0 type veth peer name hvx1
if XENBUS_PATH=backend/vif/5/0 INTERFACE=hvx0 vif=vif5.0 "$SCRIPT" add type_if=tap \
        2>"$DIR/notap.err"; then
    fail "a veth accepted as an emulated NIC"
fi
grep -q "tap hvx0: not a tap device (driver veth)" "$DIR/notap.err" || fail "hvx0: $(cat "$DIR/notap.err")"
ip -n xvs-hvm-d0 link show hvx0 | grep -q "state DOWN" || fail "hvx0 brought up"
ip -n xvs-hvm-d0 link del hvx0
xenstore-write "$BE/5/0/hotplug-status" connected     # the failures wrote error
xenstore-rm "$BE/5/0/hotplug-error"
ports_are "hvup0 vif5.0 vif5.0-emu vif6.0 vif6.0-emu" || fail "ports after bad taps: $(ports)"
ping_ok xvs-hvm-g5 10.218.1.100
ok "INTERFACE naming a port or a non-tap device refused: $(sed 's/.*vif-online: //' "$DIR/notap.err")"

# ---- the vif's keys, live ----
xenstore-write "$BE/5/0/forged-transmits" reject
wait_for 3 port_is vif5.0-emu "p['mac_locked']" True || fail "forged-transmits=reject: tap not locked"
port_is vif6.0-emu "p['mac_locked']" False || fail "dom6's tap locked by dom5's key"
ip -n xvs-hvm-g5 link set eth0 address 00:16:3e:48:05:99
ping_fails xvs-hvm-g5 10.218.1.100
ip -n xvs-hvm-g5 link set eth0 address $MAC5
ping_ok xvs-hvm-g5 10.218.1.100
xenstore-rm "$BE/5/0/forged-transmits"
wait_for 3 port_is vif5.0-emu "p['mac_locked']" False || fail "forged-transmits removed: still locked"
ok "forged-transmits=reject on the tap: a changed source MAC is dropped, the guest's passes"

xenstore-write "$BE/5/0/router-advertisements" reject
xenstore-write "$BE/5/0/dhcp-server" accept
guards() { port_is "$1" "p['ra_guard'], p['dhcp_guard']" "$2"; }
wait_for 3 guards vif5.0-emu "(True, False)" || fail "router-advertisements=reject: not on the tap"
guards vif5.0 "(True, False)" || fail "router-advertisements=reject: not on vif5.0"
guards vif6.0-emu "(False, False)" || fail "dom6's tap guarded by dom5's keys"
xenstore-rm "$BE/5/0/router-advertisements"
xenstore-rm "$BE/5/0/dhcp-server"
wait_for 3 guards vif5.0-emu "(False, False)" || fail "guard keys removed: still on the tap"
ok "router-advertisements=reject, dhcp-server=accept on the vif and its tap, live; removed: off (no port security)"

ip -n xvs-hvm-g5 addr add 10.218.1.55/24 dev eth0
ping_ok xvs-hvm-g5 10.218.1.100 -I 10.218.1.55
xenstore-write "$BE/5/0/ip" 10.218.1.5
vif_ips() { [ "$(ctl -j vif-show vif5.0 | pyj "j[0]['ips']")" = "$1" ]; }
wait_for 3 vif_ips "['10.218.1.5']" || fail "ip=10.218.1.5 not applied"
ping_fails xvs-hvm-g5 10.218.1.100 -I 10.218.1.55
ping_ok xvs-hvm-g5 10.218.1.100 -I 10.218.1.5
xenstore-rm "$BE/5/0/ip"
wait_for 3 vif_ips "[]" || fail "ip removed: still restricted"
ping_ok xvs-hvm-g5 10.218.1.100 -I 10.218.1.55
ip -n xvs-hvm-g5 addr del 10.218.1.55/24 dev eth0
ok "ip=10.218.1.5 on the tap: source 10.218.1.55 dropped, 10.218.1.5 passes; removed: both pass"

xenstore-write "$BE/5/0/vlan" 10
wait_for 3 port_is vif5.0-emu "p['vlan_mode'], p['pvid']" "('access', 10)" || fail "vlan=10 not on the tap"
port_is vif5.0 "p['pvid']" 10 || fail "vlan=10 not on the vif"
port_is vif6.0-emu "p['pvid']" 1 || fail "dom6's tap moved by dom5's key"
ping_fails xvs-hvm-g5 10.218.1.100
ping_fails xvs-hvm-g5 10.218.1.6
xenstore-write "$BE/6/0/bridge" hvmbr0.10
wait_for 3 port_is vif6.0-emu "p['vlan_mode'], p['pvid']" "('access', 10)" ||
    fail "bridge=hvmbr0.10 not on the tap"
ping_ok xvs-hvm-g5 10.218.1.6
ping_fails xvs-hvm-g6 10.218.1.100
xenstore-rm "$BE/5/0/vlan"
xenstore-write "$BE/6/0/bridge" hvmbr0
wait_for 3 port_is vif5.0-emu "p['pvid']" 1 || fail "vlan removed: tap not back on VLAN 1"
wait_for 3 port_is vif6.0-emu "p['pvid']" 1 || fail "bridge=hvmbr0: tap not back on VLAN 1"
ping_ok xvs-hvm-g5 10.218.1.100
ping_ok xvs-hvm-g5 10.218.1.6
ok "vlan=10 (dom5) and bridge=hvmbr0.10 (dom6) on the taps: off VLAN 1, the two together on VLAN 10; removed: back"

# ---- no tap (QEMU not running): the script fails naming it ----
"$XL" domain-create 7
if "$XL" nic-add 7 0 mac=00:16:3e:48:07:00 bridge=hvmbr0 type=vif_ioemu script="$SCRIPT" \
        >"$DIR/add7.out" 2>&1; then
    fail "nic-add without a tap succeeded"
fi
grep -q "tap vif7.0-emu: no such device" "$DIR/add7.out" || fail "nic-add 7: $(cat "$DIR/add7.out")"
"$XL" nic-remove 7 0 force >/dev/null || fail "removing dom7"
"$XL" domain-destroy 7
ports_are "hvup0 vif5.0 vif5.0-emu vif6.0 vif6.0-emu" || fail "ports after dom7: $(ports)"
ping_ok xvs-hvm-g5 10.218.1.6
ok "a missing tap: $(grep hotplug-error "$DIR/add7.out"); other guests untouched"

# ---- the tap deleted under xvsd, QEMU exiting ----
ip -n xvs-hvm-d0 link del vif6.0-emu
wait_for 3 ports_are "hvup0 vif5.0 vif5.0-emu vif6.0" || fail "deleted tap still a port: $(ports)"
grep -q "vif 6.0 (vif6.0): emulated NIC vif6.0-emu removed: its tap device is gone" "$DIR/xvsd.err" ||
    fail "no log line for the deleted tap"
s=$(ctl -j vif-show vif6.0 | pyj "j[0]['emulated_nic']")
[ "$s" = None ] || fail "vif-show vif6.0 after the tap went: $s"
s=$(ctl -j vif-list | pyj "[v['emulated_nic'] for v in j if v['name'] == 'vif6.0'][0]")
[ "$s" = None ] || fail "vif-list: vif6.0's emulated_nic after the tap went: $s"
ping_ok xvs-hvm-g5 10.218.1.100
wait_for 5 sh -c "! kill -0 $PID_qemu6 2>/dev/null" || fail "fake-qemu-tap 6 did not notice"
ok "tap deleted under xvsd (ip link del): port gone, logged; vif6.0 and guest 5 untouched"
"$XL" nic-remove 6 0 >"$DIR/rm6.out" || fail "nic-remove 6: $(cat "$DIR/rm6.out")"
"$XL" domain-destroy 6
ports_are "hvup0 vif5.0 vif5.0-emu" || fail "after dom6's removal: $(ports)"
ok "network-detach of dom6 (offline, remove type_if=tap of a tap already gone): $(cat "$DIR/rm6.out")"

# ---- xvsd restarted: the tap is taken back ----
kill -TERM "$PID_xvsd"; wait "$PID_xvsd" 2>/dev/null || true
xs_e2e_xvsd xvs-hvm-d0
wait_for 3 ports_are "hvup0 vif5.0 vif5.0-emu" || fail "after restart: $(ports)"
grep -q "emulated NIC vif5.0-emu taken back" "$DIR/xvsd.err" || fail "no log line for the adoption"
ping_ok xvs-hvm-g5 10.218.1.100
ok "xvsd restarted: vif5.0-emu taken back, ping goes on"

# ---- the PV driver takes over: QEMU unplugs the NIC, netfront connects ----
qemu_pid=$PID_qemu5
kill "$qemu_pid"; wait "$qemu_pid" 2>/dev/null || true
wait_for 3 ports_are "hvup0 vif5.0" || fail "tap of an exited QEMU still a port: $(ports)"
kill -0 "$PID_xvsd" || fail "xvsd died"
ok "QEMU let go of the tap: its port is gone, the vif stays"
ip netns exec xvs-hvm-g5 "$SIMBIN/xvs-simfront" --dir "$XVS_SIM_DIR" --domid 5 --tap eth0 \
    --mac $MAC5 >"$DIR/pv5.out" 2>"$DIR/pv5.err" &
PIDS="$PIDS $!"
wait_for 5 test -e "$XVS_SIM_DIR/dom5.vif0" || fail "PV guest 5 did not start: $(cat "$DIR/pv5.err")"
"$XL" front-connect 5 0 "$XVS_SIM_DIR/dom5.vif0" || fail "dom5: frontend not connected"
be_is 5 0 state 4 || fail "dom5: backend state $(be 5 0 state)"
ip -n xvs-hvm-g5 addr add 10.218.1.5/24 dev eth0
ip -n xvs-hvm-g5 link set eth0 up
ping_ok xvs-hvm-g5 10.218.1.100
ping_ok xvs-hvm-net 10.218.1.5
s=$(ctl -j vif-show vif5.0 | pyj "j[0]['state'], j[0]['emulated_nic']")
[ "$s" = "connected None" ] || fail "vif-show vif5.0 after the takeover: $s"
ok "the PV driver took over: netfront connected, vif5.0 carries the guest's traffic"
"$XL" front-answer 5 0 &
F=$!
"$XL" nic-remove 5 0 >"$DIR/rm5.out" || fail "nic-remove 5: $(cat "$DIR/rm5.out")"
wait $F || fail "netfront 5 never saw Closing"
"$XL" domain-destroy 5
ports_are hvup0 || fail "after dom5's removal: $(ports)"

# ---- network-detach while QEMU still has the tap: offline, remove type_if=tap ----
qemu 8 00:16:3e:48:08:00
hvm 8 00:16:3e:48:08:00
ports_are "hvup0 vif8.0 vif8.0-emu" || fail "dom8: $(ports)"
ping_ok xvs-hvm-g8 10.218.1.100
"$XL" nic-remove 8 0 >"$DIR/rm8.out" || fail "nic-remove 8: $(cat "$DIR/rm8.out")"
ports_are hvup0 || fail "after network-detach: $(ports)"
[ "$(ctl -j vif-list | pyj 'len(j)')" = 0 ] || fail "vifs left: $(ctl -j vif-list)"
ip -n xvs-hvm-d0 link show vif8.0-emu >/dev/null 2>&1 || fail "the tap device itself was removed"
ping_fails xvs-hvm-g8 10.218.1.100
"$XL" domain-destroy 8
ok "network-detach: tap port removed (the device is QEMU's and stays), $(cat "$DIR/rm8.out")"

# ---- shutdown ----
kill -TERM "$PID_xvsd"
wait "$PID_xvsd" && rc=0 || rc=$?
PID_xvsd=""
[ $rc = 0 ] || fail "xvsd exited $rc"
if grep -E "Sanitizer|runtime error" "$DIR/xvsd.err"; then fail "sanitizer reports"; fi
ok "SIGTERM: xvsd stopped cleanly"
echo "all HVM emulated NIC tests passed"
