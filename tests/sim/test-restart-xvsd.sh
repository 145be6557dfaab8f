#!/bin/sh
# kill -9 of xvsd under traffic, on the simulated hypervisor (root;
# namespaces xvs-hr-*-PID):
#
#   ns xvs-hr-a: guest dom1, xvs-simfront TAP eth0 10.216.3.1 --+-- xvsd (sim:DIR),
#   ns xvs-hr-b: guest dom2, xvs-simfront TAP eth0 10.216.3.2 --+   bridge hrbr0
#
# A ping (every 20 ms) and an iperf3 TCP stream run between the guests;
# xvsd is killed with SIGKILL and started again, and the vifs are attached
# again from what the frontends published (vif-attach: what the xenstore
# module does from xenstore at start-up).  xvsd maps the rings again and
# carries on from their indices: the guests never reconnect, so what they
# sent meanwhile waits in their rings (up to a ring: the TCP stream fills
# it at once, and the guest's TAP queue behind it drops what does not fit,
# as a real guest's qdisc would).  Checked: the TCP stream finishes, the
# pings come back after the restart (the last third all answered), the
# rings resumed (no response produced twice: the guests count bad
# responses), no copy error.  Printed: how long kill-to-attached took and
# the gap the guests saw: the longest of (the longest ping round trip --
# pings that waited in the ring -- and the longest run of lost pings times
# their 20 ms interval).  The issue's target for the gap is 1 s; it is
# printed, not asserted (no timed assertions in tests).  Every loop is
# bounded; everything is removed on exit (KEEP=DIR keeps the run's files).
set -e
TOP=${TOP:-$PWD}
SIMBIN=${SIMBIN:-$TOP/tests/sim}
XVSD=${XVSD:-$TOP/daemon/xvsd}
XVSCTL=${XVSCTL:-$TOP/ctl/xvsctl}
. "$(dirname "$0")/sim-lib.sh"
NA=xvs-hr-a-$$ NB=xvs-hr-b-$$
BR=hrbr0
SOCK="$SIM_DIR/xvsd.sock"
PID_xvsd=""
PINGS=150                               # 3 s at 20 ms

sim_xvsd_trap "$NA" "$NB"
sim_need_built "$SIMBIN/xvs-simfront" "$XVSD" "$XVSCTL"
sim_need_root
sim_need_cmds iperf3 python3 ip ping
sim_netns_add "$NA" "$NB"
ctl() { "$XVSCTL" -s "$SOCK" -t 5 "$@"; }
info() { sed -n "s/^$2=//p" "$1"; }
now_ms() { date +%s%3N; }

cat >"$SIM_DIR/xvs.conf" <<EOF
[global]
log-level = info
[xen]
xenif = sim:$SIM_DIR
xenstore = no
[bridge $BR]
host-port = no
EOF
attach() { # DOMID
    f="$SIM_DIR/dom$1.vif0"
    ctl vif-attach "$BR" "$1" 0 "$(info "$f" tx-ring-ref)" "$(info "$f" rx-ring-ref)" \
        "$(info "$f" event-channel)" mac="$(info "$f" mac)" >/dev/null ||
        sim_fail "vif-attach dom$1"
}
sim_start_xvsd

sim_tap_guest g1 "$NA" 1
sim_tap_guest g2 "$NB" 2
sim_wait_guests 1 2
attach 1
attach 2
ip -n "$NA" addr add 10.216.3.1/24 dev eth0
ip -n "$NB" addr add 10.216.3.2/24 dev eth0
ip -n "$NA" link set eth0 up
ip -n "$NB" link set eth0 up
ip netns exec "$NA" ping -c 3 -i 0.2 -W 2 10.216.3.2 >/dev/null 2>&1 ||
ip netns exec "$NA" ping -c 3 -i 0.2 -W 2 10.216.3.2 >/dev/null 2>&1 ||
    sim_fail "no ping between the guests before the restart"
echo "ok - two TAP guests on xvsd, ping works"

ip netns exec "$NB" iperf3 -s -1 -B 10.216.3.2 >/dev/null 2>&1 &
SIM_PIDS="$SIM_PIDS $!"
i=0
until ip netns exec "$NB" ss -ltn 2>/dev/null | grep -q 10.216.3.2:5201; do
    i=$((i + 1)); [ $i -lt 50 ] || sim_fail "iperf3 server did not start"
    sleep 0.1
done
ip netns exec "$NA" timeout 30 iperf3 -c 10.216.3.2 -t 5 -J >"$SIM_DIR/iperf.json" &
PID_iperf=$!
ip netns exec "$NA" ping -D -c $PINGS -i 0.02 -W 5 10.216.3.2 >"$SIM_DIR/ping.out" 2>&1 &
PID_ping=$!
SIM_PIDS="$SIM_PIDS $PID_iperf $PID_ping"
# kill once the ping runs and the TCP stream carries data (on a loaded
# machine, starting them can take a while; a kill during iperf3's own
# set-up would test its handshake timers, not a stream under way)
acked() {
    ip netns exec "$NA" ss -tin dst 10.216.3.2 2>/dev/null |
        sed -n 's/.*bytes_acked:\([0-9]*\).*/\1/p' | sort -n | tail -n 1
}
i=0
until grep -q "icmp_seq=10 " "$SIM_DIR/ping.out" && [ "$(acked)" -gt 1000000 ] 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 300 ] || sim_fail "ping or TCP stream did not start (bytes acked: $(acked)):" \
        "$(tail -n 3 "$SIM_DIR/ping.out")"
    sleep 0.02
done

# What both guests and xvsd saw, for a failure after the restart.
diagnose() {
    echo "# ping: $(tail -n 2 "$SIM_DIR/ping.out" | tr '\n' ' ')"
    echo "# TCP in guest dom1:"; ip netns exec "$NA" ss -tin dst 10.216.3.2 | sed 's/^/#   /'
    echo "# xvsd vif stats:"; ctl -j vif-show 2>&1 | python3 -c "import json, sys
for v in json.load(sys.stdin):
    print('#  ', v['name'], v['state'], 'link', v['link_up'], {k: x for k, x in v['stats'].items() if x})
    print('#   ', v['queues'][0])" 2>&1
    echo "# xvsd log:"; tail -n 8 "$SIM_DIR/xvsd.err" | sed 's/^/#   /'
}

# ---- kill -9, start again, attach again ----
t0=$(now_ms)
kill -9 "$PID_xvsd"
wait "$PID_xvsd" 2>/dev/null || true
sim_start_xvsd
attach 1
attach 2
t1=$(now_ms)

sim_wait "$PID_ping" 30
wait "$PID_iperf" || { diagnose; sim_fail "iperf3 did not survive the restart: $(tail -3 "$SIM_DIR/iperf.json")"; }
recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$SIM_DIR/ping.out")
python3 - "$SIM_DIR/ping.out" $PINGS >"$SIM_DIR/gap" <<'PY'
import re, sys
text, n = open(sys.argv[1]).read(), int(sys.argv[2])
seqs = {int(m) for m in re.findall(r"icmp_seq=(\d+) ", text)}
rtt = [float(m) for m in re.findall(r"time=([0-9.]+) ms", text)]
run = best = 0
for s in range(1, n + 1):
    run = 0 if s in seqs else run + 1
    best = max(best, run)
tail = all(s in seqs for s in range(n - n // 3 + 1, n + 1))
print("%.0f %d %d" % (max(max(rtt, default=0), (best + 1) * 20 if best else 0),
                      n - len(seqs), tail))
PY
read -r gap lost tail_ok <"$SIM_DIR/gap"
[ "$tail_ok" = 1 ] || { diagnose; sim_fail "pings did not come back after the restart: $recv/$PINGS answered"; }
read -r mbps retr <<EOF
$(python3 -c "import json; j = json.load(open('$SIM_DIR/iperf.json'))['end']
print('%.0f %d' % (j['sum_received']['bits_per_second'] / 1e6,
                   j['sum_sent'].get('retransmits', 0)))")
EOF
echo "ok - kill -9 + restart + re-attach in $((t1 - t0)) ms: gap seen by the guests" \
     "${gap} ms ($lost/$PINGS pings lost); TCP stream survived ($mbps Mbit/s over 5 s," \
     "$retr retransmits)"
echo "# the restarted xvsd: $(grep 'start took' "$SIM_DIR/xvsd.err" | tail -n 1 | sed 's/.*info: //')"

# ---- the rings resumed, nothing answered twice, no errors ----
ctl -j vif-show >"$SIM_DIR/show.json"
python3 - "$SIM_DIR/show.json" <<'EOF' || sim_fail "vif-show after the restart"
import json, sys
for v in json.load(open(sys.argv[1])):
    s, q = v["stats"], v["queues"][0]
    assert v["state"] == "connected" and v["link_up"], v
    assert s["tx_copy_errors"] == 0 and s["rx_copy_errors"] == 0 and s["fatal"] == 0, s
    assert s["tx_frames"] > 0 and s["rx_frames"] > 0, s
    assert q["tx"]["rsp_prod"] == q["tx"]["req_cons"], q
EOF
kill -TERM "$PID_xvsd"
sim_wait "$PID_xvsd" 10
PID_xvsd=""
for g in $SIM_PIDS; do kill "$g" 2>/dev/null || true; done
for d in 1 2; do
    for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$SIM_DIR/g$d.out" ] && break; sleep 0.1; done
    e=$(json "$SIM_DIR/g$d.out" "j['tx_errors'], j['rx_errors']")
    [ "$e" = "0 0" ] || sim_fail "guest dom$d saw bad responses (tx/rx errors): $e"
done
grep -q "Sanitizer\|runtime error" "$SIM_DIR/xvsd.err" && sim_fail "xvsd log: sanitizer report"
echo "ok - both guests: no bad or repeated response, no copy error; rings resumed"
echo "all xvsd restart tests passed"
