#!/bin/sh
# syscall-bench: xvsd's system calls per frame and per wake-up, on the
# simulated hypervisor, for the main flows (root; namespaces xvs-sysc-*):
#
#   ns xvs-sysc-a:  guest dom1, TAP eth0 10.214.19.1 --+
#   ns xvs-sysc-b:  guest dom2, TAP eth0 10.214.19.2 --+-- xvsd (xenif sim), bridge syscbr0
#   ns xvs-sysc-sw: host port syscbr0 10.214.19.4 -----+
#
# For each flow (iperf3 TCP guest->dom0, dom0->guest, guest->guest, a few
# seconds each; then ping -f the same ways, PINGS exchanges, one frame each
# way at a time) `strace -c -f` counts xvsd's system calls; frames are the
# sum of every port's rx_packets moved meanwhile.  Printed: calls per frame
# and epoll_wait per frame, and the top calls.  On real Xen every call of
# xvsd is a trap through the hypervisor (PV dom0), and a grant copy is one
# more ioctl (the sim copies in process: counted as vif rx_batches +
# tx_bursts, printed as "copies/frame").  Compare two builds in the same
# run; absolute numbers mean nothing (strace slows everything down).
#
# usage: syscall-bench.sh BUILDDIR [SECONDS]
set -e
TOP=$(cd "${1:?usage: syscall-bench.sh BUILDDIR [SECONDS]}" && pwd)
T=${2:-3}
PINGS=${PINGS:-2000}
SIMBIN=$TOP/tests/sim
XVSD=$TOP/daemon/xvsd
XVSCTL=$TOP/ctl/xvsctl
. "$(dirname "$0")/../sim/sim-lib.sh"
NS="xvs-sysc-a xvs-sysc-b xvs-sysc-sw"
BR=syscbr0
SOCK="$SIM_DIR/xvsd.sock"
PID_xvsd=""
sim_xvsd_trap $NS
sim_need_built "$SIMBIN/xvs-simfront" "$XVSD" "$XVSCTL"
sim_need_root
sim_need_cmds iperf3 python3 ip strace timeout
sim_netns_add $NS
in_ns() { n=$1; shift; ip netns exec "$n" "$@"; }
ctl() { "$XVSCTL" -s "$SOCK" -t 5 "$@"; }
info() { sed -n "s/^$2=//p" "$1"; }

cat >"$SIM_DIR/xvs.conf" <<EOF
[global]
log-level = warn
[xen]
xenif = sim:$SIM_DIR
[bridge $BR]
host-port = yes
EOF
sim_start_xvsd xvs-sysc-sw
sim_tap_guest ga xvs-sysc-a 1
sim_tap_guest gb xvs-sysc-b 2
sim_wait_guests 1 2
attach() { # DOMID
    f="$SIM_DIR/dom$1.vif0"
    ch=$(info "$f" event-channel)
    [ -n "$ch" ] || ch="$(info "$f" event-channel-tx) $(info "$f" event-channel-rx)"
    feats=""
    for k in feature-sg feature-gso-tcpv4 feature-gso-tcpv6 feature-ipv6-csum-offload \
             feature-no-csum-offload feature-rx-notify request-multicast-control; do
        feats="$feats $k=$(info "$f" $k)"
    done
    # shellcheck disable=SC2086
    ctl vif-attach "$BR" "$1" "$(info "$f" devid)" "$(info "$f" tx-ring-ref)" \
        "$(info "$f" rx-ring-ref)" $ch mac="$(info "$f" mac)" $feats >/dev/null
}
attach 1 || sim_fail "vif-attach dom1"
attach 2 || sim_fail "vif-attach dom2"
for a in "xvs-sysc-a eth0 10.214.19.1" "xvs-sysc-b eth0 10.214.19.2" \
         "xvs-sysc-sw $BR 10.214.19.4"; do
    set -- $a
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" link set "$2" up
done
in_ns xvs-sysc-a ping -c 3 -i 0.2 -W 2 10.214.19.2 >/dev/null || sim_fail "ping a -> b"
in_ns xvs-sysc-a ping -c 3 -i 0.2 -W 2 10.214.19.4 >/dev/null || sim_fail "ping a -> host"

# frames: every port's rx_packets; copies: every vif's tx_bursts + rx_batches
frames() {
    ctl -j port-stats "$BR" | python3 -c "import json,sys; j=json.load(sys.stdin)
ps = j if isinstance(j, list) else j.get('ports', j)
print(sum(p['rx_packets'] for p in ps))"
}
copies() {
    ctl -j vif-show | python3 -c "import json,sys; j=json.load(sys.stdin)
print(sum(v['stats']['tx_bursts'] + v['stats']['rx_batches'] for v in j))"
}

# report NAME FRAMES COPIES: strace's counts per frame and per wake-up
report() {
    python3 - "$1" "$SIM_DIR/strace.$1" "$2" "$3" <<'EOF'
import sys
name, path, frames, copies = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
calls, errs = {}, {}
for line in open(path):
    w = line.split()
    if len(w) >= 5 and w[-1] not in ('syscall', 'total') and w[0][0].isdigit():
        calls[w[-1]] = int(w[3])
        errs[w[-1]] = int(w[4]) if len(w) >= 6 else 0
tot = sum(calls.values())
frames = max(frames, 1)
ep = calls.get('epoll_wait', 0) or calls.get('epoll_pwait', 0)
top = sorted(calls.items(), key=lambda kv: -kv[1])[:7]
print("%-16s frames %7d  calls/frame %5.2f  epoll/frame %4.2f  copies/frame %4.2f  calls/wakeup %5.2f"
      % (name, frames, tot / frames, ep / frames, copies / frames, tot / max(ep, 1)))
print("%16s %s" % ("", "  ".join("%s %.2f%s" % (k, v / frames,
      " (%.2f failed)" % (errs[k] / frames) if errs[k] else "") for k, v in top)))
EOF
}

# counted NAME CMD...: run CMD while strace counts xvsd's calls, then report
counted() {
    name=$1; shift
    f0=$(frames); c0=$(copies)
    strace -c -f -q -o "$SIM_DIR/strace.$name" -p "$PID_xvsd" &
    st=$!
    sleep 0.5
    "$@" >/dev/null || sim_fail "$name: $*"
    kill -INT $st; wait $st 2>/dev/null || true
    f1=$(frames); c1=$(copies)
    report "$name" $((f1 - f0)) $((c1 - c0))
}

flow() { # NAME SERVER-NS SERVER-IP CLIENT-NS
    in_ns "$2" iperf3 -s -1 -B "$3" >/dev/null 2>&1 &
    srv=$!
    i=0
    until in_ns "$2" ss -ltn 2>/dev/null | grep -q "$3:5201"; do
        i=$((i + 1)); [ $i -lt 50 ] || sim_fail "iperf3 server in $2 did not start"
        sleep 0.1
    done
    counted "$1" in_ns "$4" timeout $((T + 15)) iperf3 -c "$3" -t "$T"
    wait $srv 2>/dev/null || true
}

# ping-pong: one frame each way per exchange, so calls/frame is close to
# what one round trip through xvsd costs (no batching to hide it)
pingpong() { # NAME CLIENT-NS DST
    counted "$1" in_ns "$2" timeout 30 ping -q -f -c "$PINGS" -W 1 "$3"
}

flow guest-dom0 xvs-sysc-sw 10.214.19.4 xvs-sysc-a
flow dom0-guest xvs-sysc-a 10.214.19.1 xvs-sysc-sw
flow guest-guest xvs-sysc-b 10.214.19.2 xvs-sysc-a
pingpong ping-guest-dom0 xvs-sysc-a 10.214.19.4
pingpong ping-dom0-guest xvs-sysc-sw 10.214.19.1
pingpong ping-guest-guest xvs-sysc-a 10.214.19.2
