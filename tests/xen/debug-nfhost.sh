# debug-nfhost.sh: an experiment for run.sh -D (tests/xen/README,
# Comparison, "Session 9"): could dom0 reach the guests through its own
# netfront, served by xvsd like any guest's vif, instead of the TAP host
# port?  TAP costs each byte a CPU copy in dom0 besides the grant copy;
# with a netfront in dom0 the grant copy goes straight from dom0's skb
# pages to the guest's (one copy, as kernel netback makes).
#   tests/xen/run.sh -s "kernel xvs" -T basic,debug -D tests/xen/debug-nfhost.sh BUILD
# Both stacks: TCP dom0 <-> domU1 through the bridge's host port (the same
# iperf3 commands as perf).  xvs's boot then loads xen-netfront in dom0
# (from the guest image: same kernel), writes a dom0 vif 0.9 into xenstore
# as libxl would for a guest (backend dom0, bridge xenbr0), has xvsd take
# it (xvsctl vif-online, what vif-xvs does), gives dom0's new interface
# $NET.254/32 with a /32 route to domU1, and measures the same TCP through it.
need_guests domU1 || return
pidof iperf3 >/dev/null || iperf3 -s -D
tcp hp_dom0_to_domU1 dom0 "iperf3 -c $NET.2 -t 10 -f m"
tcp hp_domU1_to_dom0 domU1 "iperf3 -c $NET.1 -t 10 -f m"
is_xvs || { ok "kernel stack: TCP dom0 <-> domU1 through the bridge measured"; return; }
NF_D=9 NF_MAC=00:16:3e:00:09:09
NF_BE=/local/domain/0/backend/vif/0/$NF_D NF_FE=/local/domain/0/device/vif/$NF_D
mkdir -p /tmp/nf && (cd /tmp/nf && zcat /xvs/guest/domU.cpio.gz | cpio -id 2>/dev/null)
ko=$(find /tmp/nf -name xen-netfront.ko | head -1)
[ -n "$ko" ] && insmod "$ko" 2>>"$SC_LOG"
[ -d /sys/module/xen_netfront ] || { bad "xen-netfront loads in dom0" "module ${ko:-not found in the guest image}"; return; }
# libxl writes both directories in one transaction; here xvsd is stopped
# meanwhile instead (it closes a backend whose frontend directory is
# missing), and the frontend comes last (netfront gives up on a device
# whose backend directory does not exist yet)
xvsd_pid || { bad "xvsd runs before dom0's vif is written" "no xvsd pid"; return; }
kill -STOP "$XVSD_PID"
ran xenstore-write $NF_BE/frontend $NF_FE $NF_BE/frontend-id 0 $NF_BE/online 1 $NF_BE/state 1 \
    $NF_BE/mac $NF_MAC $NF_BE/bridge xenbr0 $NF_BE/handle $NF_D $NF_BE/type vif
ran xenstore-write $NF_FE/backend $NF_BE $NF_FE/backend-id 0 $NF_FE/mac $NF_MAC $NF_FE/handle $NF_D $NF_FE/state 1
kill -CONT "$XVSD_PID"
nap 1
ran "$XC" vif-online backend/vif/0/$NF_D
local DL dev=""; deadline 30
while :; do
    [ "$(xsr $NF_BE/state)" = 4 ] && [ "$(xsr $NF_FE/state)" = 4 ] && break
    expired && break; nap 0.5
done
note "dom0 vif 0.$NF_D: backend state $(xsr $NF_BE/state), frontend state $(xsr $NF_FE/state)"
note "xen bus devices: $(ls /sys/bus/xen/devices 2>&1 | tr '\n' ' '); drivers: $(ls /sys/bus/xen/drivers 2>&1 | tr '\n' ' '); dmesg: $(dmesg | grep -i 'netfront\|vif-9\|vif/9' | tail -5)"
note "$("$XC" vif-show vif0.$NF_D 2>&1)"
for d in /sys/bus/xen/devices/vif-$NF_D/net/*; do [ -e "$d" ] && dev=${d##*/}; done
if [ "$(xsr $NF_FE/state)" != 4 ] || [ -z "$dev" ]; then
    bad "dom0's netfront connects to xvsd (vif 0.$NF_D)" "backend $(xsr $NF_BE/state), frontend $(xsr $NF_FE/state), dev ${dev:-none}" "$(tail -20 /var/log/xvsd.log)"; return
fi
ok "dom0's netfront $dev connected to xvsd (vif0.$NF_D on xenbr0)"
for k in all/arp_ignore xenbr0/arp_ignore $dev/arp_ignore; do echo 1 > /proc/sys/net/ipv4/conf/$k; done
ran ip link set "$dev" up
ran ip addr add $NET.254/32 dev "$dev"
ran ip route add $NET.2/32 dev "$dev" src $NET.254
note "$(ip route get $NET.2 2>&1)"
gping domU1 $NET.254 >/dev/null || note "domU1 -> $NET.254 ping: $GX_OUT"
s0=$(cat /sys/class/net/$dev/statistics/tx_bytes)
tcp nf_dom0_to_domU1 dom0 "iperf3 -c $NET.2 -t 10 -f m"
tcp nf_domU1_to_dom0 domU1 "iperf3 -c $NET.254 -t 10 -f m"
s1=$(cat /sys/class/net/$dev/statistics/tx_bytes)
note "$dev tx_bytes +$((s1 - s0)); $(ip -s link show "$dev" 2>&1)"
note "$("$XC" vif-show vif0.$NF_D 2>&1)"
[ $((s1 - s0)) -gt 10000000 ] && ok "the dom0 -> domU1 stream went through dom0's netfront ($((s1 - s0)) bytes)" ||
    bad "the dom0 -> domU1 stream went through dom0's netfront" "tx_bytes +$((s1 - s0))"
# the host port again, the route to domU1 through the netfront gone: the
# boot's speed may drift between the two measurements
ran ip route del $NET.2/32 dev "$dev"
tcp hp2_dom0_to_domU1 dom0 "iperf3 -c $NET.2 -t 10 -f m"
tcp hp2_domU1_to_dom0 domU1 "iperf3 -c $NET.1 -t 10 -f m"
