#!/bin/bash
# /xvs/tests.sh SCENARIO,... -- the scenarios of the real-Xen tests, run by
# dom0's init once the toolstack and the stack under test ($STACK: xvs or
# kernel) are up.  Each scenario prints CHECK lines (one per assertion,
# with evidence on failure), METRIC lines and one RESULT line; see lib.sh.
# Scenarios build on each other (domU1/domU2 of "basic" are used by the
# later ones), so run them in the default order.
. /xvs/lib.sh

NET=169.254.77 NET1=169.254.78
MAC1=00:16:3e:00:00:01 MAC2=00:16:3e:00:00:02 MAC3=00:16:3e:00:00:03
DEFAULT_TESTS_xvs=basic,perf,attach,vlan,promisc,spoof,reboot,badkey,destroy
DEFAULT_TESTS_kernel=basic,perf,attach,destroy
# Scenarios added by dropping a file: every /xvs/sc-*.sh (from
# tests/xen/rootfs/dom0/xvs/sc-*.sh) defines scenario_NAME and appends NAME
# to XEN_SCENARIOS (xvs stack) and/or XEN_SCENARIOS_KERNEL (kernel stack);
# they run after the built-in ones, before destroy.  See tests/xen/README.
XEN_SCENARIOS="" XEN_SCENARIOS_KERNEL=""
for f in /xvs/sc-*.sh; do [ -r "$f" ] && . "$f"; done
add_before_destroy() {   # add_before_destroy VAR NAMES: NAMES go before destroy in list VAR
    local n
    for n in $2; do printf -v "$1" '%s' "${!1/,destroy/,$n,destroy}"; done
}
add_before_destroy DEFAULT_TESTS_xvs "$XEN_SCENARIOS"
add_before_destroy DEFAULT_TESTS_kernel "$XEN_SCENARIOS_KERNEL"
TESTS=${1:-}
[ -n "$TESTS" ] || eval "TESTS=\$DEFAULT_TESTS_$STACK"
# XVS_SKIP (run.sh -X): scenarios left out of the default set
if [ -z "${1:-}" ] && [ -n "${XVS_SKIP:-}" ]; then
    for s in ${XVS_SKIP//,/ }; do TESTS=,$TESTS,; TESTS=${TESTS/,$s,/,}; TESTS=${TESTS#,}; TESTS=${TESTS%,}; done
fi

is_xvs() { [ "$STACK" = xvs ]; }
# the stack must be up, and (xvs) xen-netback must never have been loaded
stack_ok() {
    if [ -n "${STACK_ERR:-}" ]; then bad "the $STACK stack is up" "$STACK_ERR"; return 1; fi
    if is_xvs; then
        if [ -d /sys/module/xen_netback ]; then bad "xen-netback stays unloaded" "$(lsmod 2>&1 | grep -i xen)"; return 1; fi
        if ! xvsd_pid; then bad "xvsd is running" "$(tail -20 /var/log/xvsd.log)"; return 1; fi
    fi
    return 0
}
need_guests() {
    local g
    for g in "$@"; do
        [ -n "${DOMID[$g]:-}" ] || { bad "guest $g from an earlier scenario is running" "xl list: $(xl list 2>&1)"; return 1; }
    done
}
# create_guest NAME IP/LEN VIF: xl create + first ping (if PINGIP) + ready;
# records xl_create_s.NAME and create_to_ping_s.NAME
create_guest() {
    local n=$1 ip=$2 vif=$3 pingip=${4:-} t
    if guest_create "$n" "$ip" "$vif"; then
        secs t $XL_CS; ok "xl create $n (vif=[$vif]) returned 0 in ${t}s"
        metric "xl_create_s.$n" "$t" s
    else
        bad "xl create $n (vif=[$vif])" "$XL_OUT" "$(tail -20 /var/log/xen/xen-hotplug.log 2>/dev/null)"
        return 1
    fi
    if [ -n "$pingip" ]; then
        if ping_first "$pingip" 180; then
            secs t $((PING_CS - XL_T0)); ok "$n answers dom0's ping ${t}s after xl create"
            metric "create_to_ping_s.$n" "$t" s
        else
            bad "$n answers dom0's ping within 180 s of xl create" "$(tail -15 $CONLOG/guest-$n.log)"
        fi
    fi
    if guest_ready "$n" 180; then ok "$n: netfront up, agent ready ($L)"
    else bad "$n boots and reports ready" "$(tail -20 $CONLOG/guest-$n.log)"; return 1; fi
}
be_state_is() { local s; s=$(xsr "$(bepath "$1" "${3:-0}")/state"); [ "$s" = "$2" ] || { echo "state=$s"; return 1; }; }
# wait_gone PATH SECS: a xenstore path disappears (xenstore-exists per
# 0.5 s: a program per poll, but a slow poll with a short deadline)
xs_gone() { local i; for ((i = 0; i < $2 * 2; i++)); do xenstore-exists "$1" 2>/dev/null || return 0; nap 0.5; done; return 1; }
no_zombie() {
    local i out id
    for i in 1 2 3 4 5 6 7 8 9 10; do
        out=$(xl list 2>&1)
        local found=0
        while read -r _ id _; do [ "$id" = "$1" ] && found=1; done <<< "$out"
        [ $found = 0 ] && return 0
        nap 1
    done
    echo "$out"; return 1
}

# ================================================================ basic
sc_basic() {
    stack_ok || return
    local def t g ip
    def=$(< /run/xvs-default-script)
    create_guest domU1 $NET.2/24 "'bridge=xenbr0,mac=$MAC1'" $NET.2
    create_guest domU2 $NET.3/24 "'bridge=xenbr0,mac=$MAC2'" $NET.3
    need_guests domU1 domU2 || return
    if is_xvs; then
        check "xen-netback still not loaded after the guests started" test ! -d /sys/module/xen_netback
    else
        check "kernel stack: xen-netback loaded" test -d /sys/module/xen_netback
    fi
    for g in domU1 domU2; do
        local s
        s=$(xsr "$(bepath $g)/script")
        case $def in /*) ;; *) def=/etc/xen/scripts/$def;; esac
        [ "$s" = "$def" ] && ok "$g: libxl ran the default script $s (vif.default.script)" ||
            bad "$g: backend script is the default $def" "script=$s"
        check "$g: backend state Connected (4)" be_state_is $g 4
        if gxr $g 20 'read c < /sys/class/net/eth0/carrier; read o < /sys/class/net/eth0/operstate; echo "$c $o"' &&
           [ "$GX_OUT" = "1 up" ]; then ok "$g: eth0 has link (carrier 1, up)"
        else bad "$g: eth0 has link" "$GX_OUT"; fi
    done
    gping domU1 $NET.3 && ok "domU1 pings domU2" || bad "domU1 pings domU2" "$GX_OUT"
    gping domU2 $NET.2 && ok "domU2 pings domU1" || bad "domU2 pings domU1" "$GX_OUT"
    gping domU1 $NET.1 && ok "domU1 pings dom0 ($NET.1 on xenbr0)" || bad "domU1 pings dom0" "$GX_OUT"
    gping domU2 $NET.1 && ok "domU2 pings dom0 ($NET.1 on xenbr0)" || bad "domU2 pings dom0" "$GX_OUT"
    check "dom0 pings domU1" ping_ok $NET.2
    check "dom0 pings domU2" ping_ok $NET.3
    # the harness's own fallback for a silent console agent (gxr -> gx_net)
    # must give a command's output and status, or it would hide failures
    if retry 2 gx_net_selftest domU1; then ok "harness: a guest command through the diagnostic shell (gx_net) gives its output and status"
    else bad "harness: gx_net gives a guest command's output and status" "$GX_OUT"; fi
    local d1=${DOMID[domU1]} d2=${DOMID[domU2]}
    if is_xvs; then
        local fdb
        fdb=$(retry 3 "$XC" fdb-show xenbr0 2>&1); note "$fdb"
        fdb_has xenbr0 vif$d1.0 $MAC1 && ok "xvsctl fdb-show xenbr0: $MAC1 on vif$d1.0" ||
            bad "xvsctl fdb-show xenbr0 lists $MAC1 on vif$d1.0" "$fdb"
        fdb_has xenbr0 vif$d2.0 $MAC2 && ok "xvsctl fdb-show xenbr0: $MAC2 on vif$d2.0" ||
            bad "xvsctl fdb-show xenbr0 lists $MAC2 on vif$d2.0" "$fdb"
        note "$("$XC" show 2>&1)"
    else
        local fdb
        fdb=$(bridge fdb show br xenbr0 2>&1); note "$fdb"
        [[ $fdb == *"$MAC1 dev vif$d1.0"* ]] && ok "bridge fdb: $MAC1 on vif$d1.0" || bad "bridge fdb lists $MAC1 on vif$d1.0" "$fdb"
        [[ $fdb == *"$MAC2 dev vif$d2.0"* ]] && ok "bridge fdb: $MAC2 on vif$d2.0" || bad "bridge fdb lists $MAC2 on vif$d2.0" "$fdb"
    fi
}

# ================================================================ perf
# TCP with iperf3 (10 s each) and 64-byte frames/s with xvs-pktgen, which
# sends from an AF_PACKET socket straight into netfront; the rate is what
# domU2's eth0 received (rx_packets), i.e. what the backend delivered.
# txirq NAME: V = NAME's eth0 TX completion interrupts (vif0-q0-tx)
txirq() {
    gxr "$1" 20 'n=0; while read -r l; do case $l in *vif0-q0-tx*) set -- ${l#*:}; while [ $# -gt 0 ] && [ "$1" -eq "$1" ] 2>/dev/null; do n=$((n + $1)); shift; done;; esac; done < /proc/interrupts; echo $n' &&
        V=$GX_OUT && [[ $V =~ ^[0-9]+$ ]]
}
# vifstat NAME KEY: V = xvsd's counter KEY of NAME's vif 0
vifstat() { V=$(retry 3 "$XC" -j vif-show "vif${DOMID[$1]}.0" 2>/dev/null | jq ".[0].stats.$2" 2>/dev/null) && [[ $V =~ ^[0-9]+$ ]]; }
tcp() {   # tcp NAME WHERE CMD
    local out rc i0="" i1="" n0="" n1="" b0="" b1=""
    # TX completions of domU1 during the test: xvsd's notifications
    # against the guest's interrupts (see tests/xen/README, Comparison)
    txirq domU1 && i0=$V
    if is_xvs; then vifstat domU1 tx_notifies && n0=$V; vifstat domU1 tx_bursts && b0=$V; fi
    if [ "$2" = dom0 ]; then out=$(timeout -k 5 40 $3 2>&1); rc=$?
    else gxr "$2" 50 "timeout -k 5 40 $3"; rc=$?; out=$GX_OUT; fi
    note "$out"
    txirq domU1 && i1=$V
    if is_xvs; then vifstat domU1 tx_notifies && n1=$V; vifstat domU1 tx_bursts && b1=$V; fi
    note "domU1 TX completions during $1: guest vif0-q0-tx interrupts +$((${i1:-0} - ${i0:-0}))${n0:+, xvsd TX bursts +$((${b1:-0} - ${b0:-0})), TX notifications +$((${n1:-0} - ${n0:-0}))}"
    [ -n "$i0" ] && [ -n "$i1" ] && metric "tcp_${1}_domU1_tx_irqs" $((i1 - i0)) irqs
    [ -n "$n0" ] && [ -n "$n1" ] && metric "tcp_${1}_domU1_tx_notifies" $((n1 - n0)) notifies
    if [ $rc = 0 ] && iperf_mbps "$out"; then
        ok "iperf3 TCP $1: $MBPS Mbit/s"; metric "tcp_$1" "$MBPS" Mbit/s
    else bad "iperf3 TCP $1" "rc=$rc" "$out"; fi
}
sc_perf() {
    stack_ok || return
    need_guests domU1 domU2 || return
    pidof iperf3 >/dev/null || iperf3 -s -D
    lab_speed lab_ 5000         # this boot's speed, beside the other stack's
    perf_evidence before
    tcp domU1_to_domU2 domU1 "iperf3 -c $NET.3 -t 10 -f m"
    tcp domU2_to_domU1 domU1 "iperf3 -c $NET.3 -t 10 -f m -R"
    tcp domU1_to_dom0 domU1 "iperf3 -c $NET.1 -t 10 -f m"
    tcp dom0_to_domU1 dom0 "iperf3 -c $NET.2 -t 10 -f m"
    perf_evidence "after the TCP tests"
    pps64 domU1 domU2 $MAC2
    # latency: TCP at these rates is window / round trip
    gx domU1 30 "ping -n -q -c 20 -i 0.2 -W 2 $NET.3"
    rtt_avg "$GX_OUT" && metric rtt_ms_domU1_to_domU2 "$RTT" ms
    rtt_avg "$(ping -n -q -c 20 -i 0.2 -W 2 $NET.2 2>&1)" && metric rtt_ms_dom0_to_domU1 "$RTT" ms
}
# rtt_avg PING-OUTPUT: RTT = its average round trip (ms)
rtt_avg() { [[ $1 =~ =\ [0-9.]+/([0-9.]+)/ ]] && RTT=${BASH_REMATCH[1]}; }
# perf_evidence WHEN: where frames could have been lost, into the log:
# dom0's TCP and IP counters, softnet drops, (xvs) every port's drops
perf_evidence() {
    local l
    note "---- $1: dom0 /proc/net/snmp (Tcp, Ip), softnet_stat (processed dropped squeezed ...)"
    while IFS= read -r l; do case $l in Tcp:*|Ip:*) note "$l";; esac; done < /proc/net/snmp
    while IFS= read -r l; do note "softnet $l"; done < /proc/net/softnet_stat
    note "$(ip -s link show xenbr0 2>&1)"
    is_xvs && note "$(retry 3 "$XC" port-stats xenbr0 2>&1)"
}

# pps64 FROM TO TOMAC: 64-byte frames FROM -> TO for 10 s
pps64() {
    local a b ta tb sent el rate try clock_ok=0 ran=0
    # The rate divides by the sender's own elapsed time.  Under TCG a PV
    # guest's monotonic clock sometimes jumps (a 10 s run printed 0 s or
    # days): such a run is repeated, and after 3 the rate is left unknown
    # (no metric) rather than made up; delivery is still checked.
    for try in 1 2 3; do
        backend_stats_snap "$1" "$2"
        gstat $2 eth0 rx_packets && a=$V || { bad "read $2 rx_packets" "$GX_OUT"; return; }
        gstat $1 eth0 tx_packets && ta=$V || { bad "read $1 tx_packets" "$GX_OUT"; return; }
        gx $1 40 "xvs-pktgen -i eth0 -d $3 -t 10"
        if [[ $GX_OUT =~ sent\ ([0-9]+)\ frames\ in\ ([0-9.]+)\ s ]]; then
            ran=1 sent=${BASH_REMATCH[1]} el=${BASH_REMATCH[2]}
            awk -v e="$el" 'BEGIN{exit !(e >= 5 && e <= 30)}' && { clock_ok=1; break; }
            note "pktgen attempt $try: elapsed ${el}s for a 10 s run (guest clock jump), again"
            continue
        fi
        note "pktgen attempt $try failed: $GX_OUT"
        guest_heal $1
    done
    [ $ran = 1 ] || { bad "xvs-pktgen runs in $1" "$GX_OUT"; return; }
    nap 1
    backend_stats_delta "$1" "$2"
    gstat $2 eth0 rx_packets && b=$V || { bad "read $2 rx_packets" "$GX_OUT"; return; }
    gstat $1 eth0 tx_packets && tb=$V || { bad "read $1 tx_packets" "$GX_OUT"; return; }
    rate=$([ $clock_ok = 1 ] && awk -v r=$((b - a)) -v e="$el" 'BEGIN{printf "%.0f", r / e}')
    note "sender: $GX_OUT; $1 eth0 tx +$((tb - ta)); $2 eth0 rx +$((b - a))"
    if [ $((b - a)) -gt 0 ]; then
        if [ $clock_ok = 1 ]; then
            ok "64-byte frames $1 -> $2: $rate frames/s received ($((b - a)) of $((tb - ta)) sent in ${el}s)"
            metric "pps64_${1}_to_$2" "$rate" frames/s
        else
            ok "64-byte frames $1 -> $2: $((b - a)) of $((tb - ta)) received; rate unknown (the guest's clock jumped in 3 runs)"
        fi
        [ -n "$GI_FROM" ] && [ -n "$GI_TO" ] && [ $((tb - ta)) -gt 0 ] &&
            metric pps64_guest_irqs_per_kframe "$(awk -v a=$((GI_FROM + GI_TO)) -v f=$((tb - ta)) 'BEGIN{printf "%.1f", 1000 * a / f}')" irqs
        # what the backend costs: dom0's busy CPU time per 1000 frames
        # (everything dom0 did meanwhile, kernel and xvsd alike)
        [ $((b - a)) -gt 0 ] && metric pps64_dom0_cpu_ms_per_kframe "$(awk -v c=${DOM0_BUSY_CS:-0} -v f=$((b - a)) 'BEGIN{printf "%.1f", 10 * c * 1000 / f}')" ms
        is_xvs || [ $((tb - ta)) -le 0 ] ||
            metric pps64_events_per_kframe "$(awk -v a=${BACKEND_EVENTS:-0} -v f=$((tb - ta)) 'BEGIN{printf "%.1f", 1000 * a / f}')" events
        metric "pps64_${1}_to_${2}_delivered_pct" "$(awk -v r=$((b - a)) -v t=$((tb - ta)) 'BEGIN{printf "%.1f", t ? 100 * r / t : 0}')" %
    else bad "64-byte frames $1 -> $2 arrive" "sender: $GX_OUT" "rx +$((b - a)), tx +$((tb - ta))"; fi
}

# Where the backend's time goes during pps64: xvsd's batching counters
# (xvsctl vif-show) or, for the kernel, the vifs' interrupts (event
# channels) in /proc/interrupts.  Printed as METRICs of their own.
BSTATS_KEYS="events tx_bursts tx_notifies rx_batches rx_notifies tx_frames rx_frames"
# gintr NAME: V = the interrupts (events from the backend) of the queues of
# NAME's eth0 (netfront names them "vif0-q0-tx", "vif0-q0-rx": devid 0),
# from the guest's /proc/interrupts: the same measure for both stacks
gintr() {
    gxr "$1" 20 'n=0; while read -r l; do case $l in *vif0-q*) set -- ${l#*:}; while [ $# -gt 0 ] && [ "$1" -eq "$1" ] 2>/dev/null; do n=$((n + $1)); shift; done;; esac; done < /proc/interrupts; echo $n' &&
        V=$GX_OUT && [[ $V =~ ^[0-9]+$ ]]
}
# cpu_snap: CPU_BUSY / CPU_ALL = dom0's busy and total jiffies (/proc/stat),
# XVSD_CPU = xvsd's user+system jiffies (no fork)
cpu_snap() {
    local c u n s i w q sq st rest f
    read -r c u n s i w q sq st rest < /proc/stat
    CPU_BUSY=$((u + n + s + q + sq)) CPU_ALL=$((u + n + s + i + w + q + sq + st))
    XVSD_CPU=0
    if is_xvs && xvsd_pid && read -r rest < /proc/$XVSD_PID/stat; then
        read -r -a f <<< "${rest##*) }"; XVSD_CPU=$((f[11] + f[12]))
    fi
}
backend_stats_snap() {   # backend_stats_snap FROM TO
    local k
    cpu_snap; CPU0_BUSY=$CPU_BUSY CPU0_ALL=$CPU_ALL XVSD0_CPU=$XVSD_CPU
    gintr "$1" && GI0_FROM=$V || GI0_FROM=""
    gintr "$2" && GI0_TO=$V || GI0_TO=""
    if is_xvs; then
        BS0_FROM=$(retry 3 "$XC" -j vif-show "vif${DOMID[$1]}.0" 2>/dev/null)
        BS0_TO=$(retry 3 "$XC" -j vif-show "vif${DOMID[$2]}.0" 2>/dev/null)
    else
        BS0_FROM=$(vif_irqs ${DOMID[$1]}) BS0_TO=$(vif_irqs ${DOMID[$2]})
    fi
}
vif_irqs() { local l n=0 c; while read -r l; do [[ $l == *"vif$1."* ]] || continue; l=${l#*:}; for c in $l; do [[ $c =~ ^[0-9]+$ ]] && n=$((n + c)) || break; done; done < /proc/interrupts; echo $n; }
backend_stats_delta() {   # backend_stats_delta FROM TO (after backend_stats_snap)
    local a b k da db fr
    GI_FROM="" GI_TO=""
    cpu_snap
    if [ $((CPU_ALL - CPU0_ALL)) -gt 0 ]; then
        metric pps64_dom0_cpu_busy_pct $((100 * (CPU_BUSY - CPU0_BUSY) / (CPU_ALL - CPU0_ALL))) %
        is_xvs && metric pps64_xvsd_cpu_pct $((100 * (XVSD_CPU - XVSD0_CPU) / (CPU_ALL - CPU0_ALL))) %
    fi
    DOM0_BUSY_CS=$((CPU_BUSY - CPU0_BUSY))     # jiffies (USER_HZ 100): centiseconds
    [ -n "$GI0_FROM" ] && gintr "$1" && GI_FROM=$((V - GI0_FROM))
    [ -n "$GI0_TO" ] && gintr "$2" && GI_TO=$((V - GI0_TO))
    note "guest interrupts of eth0 during the test: sender +$GI_FROM, receiver +$GI_TO"
    if is_xvs; then
        a=$(retry 3 "$XC" -j vif-show "vif${DOMID[$1]}.0" 2>/dev/null)
        b=$(retry 3 "$XC" -j vif-show "vif${DOMID[$2]}.0" 2>/dev/null)
        note "vif-show before/after: $BS0_FROM"$'\n'"$a"$'\n'"$BS0_TO"$'\n'"$b"
        for k in $BSTATS_KEYS; do
            da=$(jq -n --argjson x "$BS0_FROM" --argjson y "$a" "(\$y | .. | objects | select(has(\"$k\")) | .$k) - (\$x | .. | objects | select(has(\"$k\")) | .$k)" 2>/dev/null | head -1)
            db=$(jq -n --argjson x "$BS0_TO" --argjson y "$b" "(\$y | .. | objects | select(has(\"$k\")) | .$k) - (\$x | .. | objects | select(has(\"$k\")) | .$k)" 2>/dev/null | head -1)
            printf -v "D_FROM_$k" '%s' "${da:-0}"; printf -v "D_TO_$k" '%s' "${db:-0}"
        done
        fr=$D_FROM_tx_frames
        note "sender vif: $fr frames in $D_FROM_tx_bursts TX bursts, $D_FROM_events events, $D_FROM_tx_notifies TX notifications; receiver vif: $D_TO_rx_frames frames in $D_TO_rx_batches RX copy batches, $D_TO_rx_notifies RX notifications, $D_TO_events events"
        [ "${D_FROM_tx_bursts:-0}" -gt 0 ] && metric pps64_frames_per_tx_burst "$(awk -v a=$fr -v b=$D_FROM_tx_bursts 'BEGIN{printf "%.1f", a / b}')" frames
        [ "${D_TO_rx_batches:-0}" -gt 0 ] && metric pps64_frames_per_rx_batch "$(awk -v a=$D_TO_rx_frames -v b=$D_TO_rx_batches 'BEGIN{printf "%.1f", a / b}')" frames
        [ "${fr:-0}" -gt 0 ] && metric pps64_events_per_kframe "$(awk -v a=$((D_FROM_events + D_TO_events)) -v f=$fr 'BEGIN{printf "%.1f", 1000 * a / f}')" events
        [ "${fr:-0}" -gt 0 ] && metric pps64_notifies_per_kframe "$(awk -v a=$((D_FROM_tx_notifies + D_TO_rx_notifies)) -v f=$fr 'BEGIN{printf "%.1f", 1000 * a / f}')" notifies
    else
        a=$(vif_irqs ${DOMID[$1]}) b=$(vif_irqs ${DOMID[$2]})
        note "kernel netback: vif interrupts (events from the guests) sender +$((a - BS0_FROM)), receiver +$((b - BS0_TO))"
        BACKEND_EVENTS=$((a - BS0_FROM + b - BS0_TO))
    fi
}

# ================================================================ attach
sc_attach() {
    stack_ok || return
    need_guests domU1 || return
    local g=domU1 d=${DOMID[domU1]} t0 t rc dev="" i mac=00:16:3e:00:01:01
    # the guest configures eth1 as soon as it appears (background job)
    gx $g 10 "( i=0; while [ ! -e /sys/class/net/eth1 ] && [ \$i -lt 900 ]; do nap 0.1; i=\$((i+1)); done; ip addr add $NET1.2/24 dev eth1; ip link set eth1 up; echo 100 > /proc/sys/net/ipv4/neigh/eth1/retrans_time_ms; echo eth1-configured ) > /tmp/eth1.log 2>&1 &"
    now; t0=$NOW
    out=$(timeout -k 5 60 xl network-attach $g bridge=xenbr1 mac=$mac 2>&1); rc=$?
    now; secs t $((NOW - t0)); note "$out"
    if [ $rc = 0 ]; then ok "xl network-attach $g bridge=xenbr1 returned 0 in ${t}s"; metric attach_s "$t" s
    else bad "xl network-attach $g bridge=xenbr1" "rc=$rc" "$out"; return; fi
    if ping_first $NET1.2 60; then
        secs t $((PING_CS - t0)); ok "the new vif (eth1) answers dom0's ping on xenbr1 ${t}s after network-attach"
        metric attach_to_ping_s "$t" s
    else bad "the new vif answers ping on xenbr1" "$(gx $g 10 'cat /tmp/eth1.log; ip addr'; echo "$GX_OUT")"; fi
    while read -r i _ m _; do [ "${m,,}" = $mac ] && dev=$i; done <<< "$(xl network-list $g 2>&1)"
    [ -n "$dev" ] && ok "xl network-list shows the new vif as device $dev" ||
        { bad "xl network-list shows the new vif" "$(xl network-list $g 2>&1)"; dev=1; }
    check "new vif: backend state Connected (4)" be_state_is $g 4 $dev
    if is_xvs; then
        check "xvsctl list-ports xenbr1 lists vif$d.$dev" port_listed xenbr1 vif$d.$dev
    else
        check "vif$d.$dev is a port of Linux bridge xenbr1" test -e /sys/class/net/xenbr1/brif/vif$d.$dev
    fi
    now; t0=$NOW
    out=$(timeout -k 5 60 xl network-detach $g $dev 2>&1); rc=$?
    now; secs t $((NOW - t0)); note "$out"
    [ $rc = 0 ] && { ok "xl network-detach $g $dev returned 0 in ${t}s"; metric detach_s "$t" s; } ||
        bad "xl network-detach $g $dev" "rc=$rc" "$out"
    gx $g 20 'i=0; while [ -e /sys/class/net/eth1 ] && [ $i -lt 100 ]; do nap 0.1; i=$((i+1)); done; [ ! -e /sys/class/net/eth1 ] && echo eth1-gone'
    [ "$GX_OUT" = eth1-gone ] && ok "eth1 disappeared in the guest" || bad "eth1 disappears in the guest" "$GX_OUT"
    check "backend dir of vif $d/$dev removed" xs_gone "$(bepath $g $dev)" 10
    if is_xvs; then
        port_listed xenbr1 vif$d.$dev; [ $? = 1 ] && ok "vif$d.$dev is no longer a port of xenbr1" ||
            bad "vif$d.$dev leaves xenbr1" "$("$XC" list-ports xenbr1 2>&1)"
    else
        check "vif$d.$dev netdev removed" test ! -e /sys/class/net/vif$d.$dev
    fi
    gping $g $NET.1 && ok "$g's eth0 still pings dom0 after the detach" || bad "$g's eth0 still pings dom0" "$GX_OUT"
}

# ================================================================ vlan
# attach_vif GUEST BRIDGE MAC SETUP: xl network-attach a second vif; the
# guest runs SETUP (bash, $D is the new interface) as soon as it appears.
# VIFDEV[GUEST] = its devid.
declare -A VIFDEV
attach_vif() {
    local g=$1 br=$2 mac=$3 setup=$4 out rc dev="" i m
    gx $g 10 "rm -f /tmp/vif2.done; ( i=0; while [ ! -e /sys/class/net/eth1 ] && [ \$i -lt 1200 ]; do nap 0.1; i=\$((i+1)); done; D=eth1; { $setup; } > /tmp/vif2.log 2>&1; echo \$? > /tmp/vif2.done ) > /dev/null 2>&1 &"
    out=$(timeout -k 5 60 xl network-attach $g bridge=$br mac=$mac 2>&1); rc=$?
    note "$out"
    [ $rc = 0 ] || { bad "xl network-attach $g bridge=$br" "rc=$rc" "$out"; return 1; }
    while read -r i _ m _; do [ "${m,,}" = "$mac" ] && dev=$i; done <<< "$(xl network-list $g 2>&1)"
    [ -n "$dev" ] || { bad "xl network-list $g shows the vif on $br" "$(xl network-list $g 2>&1)"; return 1; }
    VIFDEV[$g]=$dev
    # builtins only (a `cat` here was seen to segfault at start), retried
    gxr $g 150 'i=0; while [ ! -e /tmp/vif2.done ] && [ $i -lt 1400 ]; do nap 0.1; i=$((i+1)); done; while IFS= read -r l; do echo "$l"; done < /tmp/vif2.log; read r < /tmp/vif2.done && exit $r' && return 0
    # Under TCG the set-up's subshell can die at its start (seen: its `rm`
    # segfaulted, no log was ever written): then run the set-up once more,
    # in the foreground, now that the vif is there.  A set-up that ran and
    # failed (a log exists) is the answer.
    gx $g 10 '[ -e /tmp/vif2.log ] || echo no-log'
    [[ $GX_OUT == *no-log* ]] || return 1
    note "$g: the new vif's set-up never started (TCG); running it again"
    gxr $g 60 "D=eth1; { $setup; } > /tmp/vif2.log 2>&1"
}
sc_vlan() {
    stack_ok || return
    is_xvs || { bad "vlan scenario runs on xvs" "stack $STACK"; return; }
    need_guests domU1 domU2 || return
    # Second vifs on running guests (xl network-attach: seconds, where a
    # guest of its own would boot for a minute under TCG): domU1 on VLAN 10
    # (vA), domU2 on VLAN 20 (vB), domU3 a trunk of 10 and 20 (vT).
    [ -n "${DOMID[domU3]:-}" ] || create_guest domU3 $NET.4/24 "'bridge=xenbr0,mac=$MAC3'" $NET.4 || return
    local ma=00:16:3e:00:10:02 mb=00:16:3e:00:20:03 mt=00:16:3e:00:30:04
    local rt='echo 100 > /proc/sys/net/ipv4/neigh/$D/retrans_time_ms'
    attach_vif domU1 xenbr0.10 $ma "ip addr add 172.16.10.2/24 dev \$D && ip addr add 172.16.20.2/24 dev \$D && ip link set \$D up && $rt" &&
        ok "vA: domU1's second vif on bridge=xenbr0.10 (access VLAN 10), 172.16.10.2 and 172.16.20.2" ||
        { bad "vA: domU1 gets a vif on xenbr0.10" "$GX_OUT"; return; }
    attach_vif domU2 xenbr0.20 $mb "ip addr add 172.16.20.3/24 dev \$D && ip link set \$D up && $rt" &&
        ok "vB: domU2's second vif on bridge=xenbr0.20 (access VLAN 20), 172.16.20.3" ||
        { bad "vB: domU2 gets a vif on xenbr0.20" "$GX_OUT"; return; }
    attach_vif domU3 xenbr0:10:20 $mt 'for i in 1 2 3; do [ -d /sys/module/8021q ] && break; modprobe 8021q; done; ip link set $D up && ip link add link $D name $D.10 type vlan id 10 && ip link add link $D name $D.20 type vlan id 20 && ip addr add 172.16.10.4/24 dev $D.10 && ip addr add 172.16.20.4/24 dev $D.20 && ip link set $D.10 up && ip link set $D.20 up && echo 100 > /proc/sys/net/ipv4/neigh/$D.10/retrans_time_ms && echo 100 > /proc/sys/net/ipv4/neigh/$D.20/retrans_time_ms' &&
        ok "vT: domU3's second vif on bridge=xenbr0:10:20 (trunk), eth1.10 and eth1.20 (802.1Q) configured" ||
        { bad "vT: domU3 gets a trunk vif with VLAN subinterfaces" "$GX_OUT"; return; }
    local da=${DOMID[domU1]}.${VIFDEV[domU1]} db=${DOMID[domU2]}.${VIFDEV[domU2]} dt=${DOMID[domU3]}.${VIFDEV[domU3]}
    gping domU1 172.16.10.4 && ok "vA (xenbr0.10) pings the trunk guest's eth1.10" || bad "vA pings vT on VLAN 10" "$GX_OUT"
    gping domU2 172.16.20.4 && ok "vB (xenbr0.20) pings the trunk guest's eth1.20" || bad "vB pings vT on VLAN 20" "$GX_OUT"
    gx domU1 30 'ping -n -c 3 -W 1 172.16.20.3'
    [[ $GX_OUT == *" 0 received"* ]] && ok "vA (VLAN 10) cannot reach vB (VLAN 20) in the same IP subnet" ||
        bad "VLAN 10 and 20 are isolated (vA -> vB must fail)" "$GX_OUT"
    ip addr add 172.16.10.1/24 dev xenbr0
    out=$(ping -n -c 3 -W 1 172.16.10.2 2>&1)
    ip addr del 172.16.10.1/24 dev xenbr0
    [[ $out == *" 0 received"* ]] && ok "dom0's host port (VLAN 1) cannot reach vA (VLAN 10)" ||
        bad "host port on VLAN 1 is isolated from VLAN 10" "$out"
    local r10 r20
    gstat domU3 eth1.10 rx_packets && r10=$V; gstat domU3 eth1.20 rx_packets && r20=$V
    [ "${r10:-0}" -gt 0 ] && [ "${r20:-0}" -gt 0 ] &&
        ok "the trunk guest received frames tagged 10 ($r10 on eth1.10) and tagged 20 ($r20 on eth1.20)" ||
        bad "the trunk guest receives both VLANs tagged" "eth1.10 rx=$r10 eth1.20 rx=$r20"
    local fdb; fdb=$(retry 3 "$XC" fdb-show xenbr0 2>&1); note "$fdb"
    fdb_has xenbr0 vif$da $ma 10 && ok "fdb: vA's MAC in VLAN 10 on vif$da" || bad "fdb: vA's MAC in VLAN 10 on vif$da" "$fdb"
    fdb_has xenbr0 vif$db $mb 20 && ok "fdb: vB's MAC in VLAN 20 on vif$db" || bad "fdb: vB's MAC in VLAN 20 on vif$db" "$fdb"
    fdb_has xenbr0 vif$dt $mt 10 && fdb_has xenbr0 vif$dt $mt 20 &&
        ok "fdb: the trunk guest's MAC in VLAN 10 and 20 on vif$dt" || bad "fdb: vT's MAC in VLANs 10 and 20 on vif$dt" "$fdb"
    note "$("$XC" show 2>&1)"
    local g
    for g in domU1 domU2 domU3; do
        out=$(timeout -k 5 60 xl network-detach $g ${VIFDEV[$g]} 2>&1) && note "$out" ||
            bad "xl network-detach $g ${VIFDEV[$g]}" "$out"
    done
    for g in domU1 domU2 domU3; do
        check "backend dir of vif ${DOMID[$g]}/${VIFDEV[$g]} removed" xs_gone "$(bepath $g ${VIFDEV[$g]})" 20
    done
}

# ================================================================ promisc
# domU3 counts (eth0 rx_packets) the frames domU1 sends to domU2's MAC:
# about none while its vif is not promiscuous, all of them while it is.
seen_by() {   # seen_by OBSERVER: V = frames it received while domU1 sent N to domU2
    local a b
    gstat $1 eth0 rx_packets && a=$V || return 1
    gx domU1 40 "xvs-pktgen -i eth0 -d $MAC2 -n $N -t 20"
    [[ $GX_OUT =~ sent\ ([0-9]+)\ frames ]] && SENT=${BASH_REMATCH[1]} || { note "pktgen: $GX_OUT"; return 1; }
    nap 1
    gstat $1 eth0 rx_packets && b=$V || return 1
    V=$((b - a))
}
set_key() {   # set_key GUEST KEY VALUE: write one of our live backend keys
    ran xenstore-write "$(bepath $1)/$2" "$3"
    nap 1.5    # xvsd reacts to the watch; give it a moment under TCG
}
sc_promisc() {
    stack_ok || return
    is_xvs || { bad "promisc scenario runs on xvs" "stack $STACK"; return; }
    need_guests domU1 domU2 || return
    [ -n "${DOMID[domU3]:-}" ] || create_guest domU3 $NET.4/24 "'bridge=xenbr0,mac=$MAC3'" $NET.4 || return
    local N=2000 d3=${DOMID[domU3]}
    gping domU1 $NET.3 >/dev/null; gping domU3 $NET.1 >/dev/null    # both MACs learned
    if seen_by domU3; then
        [ $V -lt $((N / 10)) ] && ok "promiscuous off: domU3 sees $V of the $SENT frames domU1 sent to domU2" ||
            bad "promiscuous off: domU3 does not see domU1->domU2 unicast" "domU3 rx +$V of $SENT"
    else bad "measure domU3's rx (promiscuous off)" "$GX_OUT"; fi
    set_key domU3 promiscuous on
    note "$("$XC" show 2>&1)"
    if seen_by domU3; then
        [ $V -ge $SENT ] && ok "promiscuous on (key set live): domU3 sees $V of the $SENT frames" ||
            bad "promiscuous on: domU3 sees every domU1->domU2 frame" "domU3 rx +$V of $SENT"
    else bad "measure domU3's rx (promiscuous on)" "$GX_OUT"; fi
    set_key domU3 promiscuous off
    if seen_by domU3; then
        [ $V -lt $((N / 10)) ] && ok "promiscuous off again: domU3 sees $V of $SENT" ||
            bad "promiscuous off again: domU3 stops seeing domU1->domU2" "domU3 rx +$V of $SENT"
    else bad "measure domU3's rx (promiscuous off again)" "$GX_OUT"; fi
}

# ================================================================ spoof
sc_spoof() {
    stack_ok || return
    is_xvs || { bad "spoof scenario runs on xvs" "stack $STACK"; return; }
    need_guests domU1 domU2 || return
    local d1=${DOMID[domU1]} s0 s1 a b N=1000 forged=02:00:00:00:00:99
    gping domU1 $NET.3 >/dev/null
    set_key domU1 forged-transmits reject
    spoof_drops xenbr0 vif$d1.0 && s0=$V || { bad "xvsctl -j port-stats xenbr0 vif$d1.0 has drop counters" "$V"; return; }
    gstat domU2 eth0 rx_packets && a=$V
    gx domU1 40 "xvs-pktgen -i eth0 -s $forged -d $MAC2 -n $N -t 20"; note "$GX_OUT"
    nap 1
    gstat domU2 eth0 rx_packets && b=$V
    spoof_drops xenbr0 vif$d1.0 && s1=$V
    [ $((b - a)) -lt $((N / 10)) ] && ok "forged-transmits=reject: domU2 got $((b - a)) of $N frames with a forged source MAC" ||
        bad "forged-transmits=reject drops frames with a forged source MAC" "domU2 rx +$((b - a)) of $N"
    [ $((s1 - s0)) -ge $N ] && ok "forged-transmits=reject: $((s1 - s0)) spoof drops counted on vif$d1.0" ||
        bad "forged frames are counted as spoof drops" "spoof drops $s0 -> $s1" "$("$XC" port-stats xenbr0 vif$d1.0 2>&1)"
    set_key domU1 forged-transmits accept
    gstat domU2 eth0 rx_packets && a=$V
    gx domU1 40 "xvs-pktgen -i eth0 -s $forged -d $MAC2 -n $N -t 20"; note "$GX_OUT"
    nap 1
    gstat domU2 eth0 rx_packets && b=$V
    [ $((b - a)) -ge $N ] && ok "forged-transmits=accept: domU2 got $((b - a)) of $N forged frames" ||
        bad "forged-transmits=accept delivers them" "domU2 rx +$((b - a)) of $N"
    # netfront has no live MAC change (EBUSY while up): down, address, up
    setmac() { gxr domU1 20 "ip link set eth0 down; ip link set eth0 address $1 && ip link set eth0 up && read a < /sys/class/net/eth0/address && echo \$a"; }
    setmac $MAC1
    # mac-changes=reject: the guest changes its MAC; its frames are refused
    set_key domU1 mac-changes reject
    spoof_drops xenbr0 vif$d1.0 && s0=$V
    local out
    setmac 02:00:00:00:00:98 && [ "$GX_OUT" = 02:00:00:00:00:98 ] && ok "domU1 changed its MAC to 02:00:00:00:00:98" ||
        bad "domU1 changes its MAC (down, address, up)" "$GX_OUT"
    gx domU1 30 "ping -n -c 3 -W 1 $NET.1"; out=$GX_OUT
    spoof_drops xenbr0 vif$d1.0 && s1=$V
    [[ $out == *" 0 received"* ]] && [ $((s1 - s0)) -gt 0 ] &&
        ok "mac-changes=reject: with a changed MAC domU1 is cut off ($((s1 - s0)) spoof drops)" ||
        bad "mac-changes=reject refuses a changed MAC" "$out" "spoof drops $s0 -> $s1"
    set_key domU1 mac-changes accept
    gping domU1 $NET.1 && ok "mac-changes=accept: the changed MAC works" || bad "mac-changes=accept lets the changed MAC through" "$GX_OUT"
    setmac $MAC1 && [ "$GX_OUT" = $MAC1 ] || bad "domU1 gets its own MAC back" "$GX_OUT"
    gping domU1 $NET.3 && ok "domU1 back on its own MAC pings domU2" || bad "domU1 recovers its MAC" "$GX_OUT"
}

# ================================================================ reboot
sc_reboot() {
    stack_ok || return
    need_guests domU1 || return
    [ -n "${DOMID[domU3]:-}" ] || create_guest domU3 $NET.4/24 "'bridge=xenbr0,mac=$MAC3'" $NET.4 || return
    local old=${DOMID[domU3]} new t0 t out rc
    now; t0=$NOW
    out=$(timeout -k 5 60 xl reboot domU3 2>&1); rc=$?
    note "$out"
    [ $rc = 0 ] && ok "xl reboot domU3 returned 0" || { bad "xl reboot domU3" "$out"; return; }
    gtty_reset domU3
    if glog_wait domU3 'GUEST: ready' 120; then
        now; secs t $((NOW - t0)); ok "domU3 rebooted and its netfront reconnected (${t}s): $L"
    else bad "domU3 comes back after xl reboot" "$(tail -20 $CONLOG/guest-domU3.log)"; return; fi
    new=$(xl domid domU3 2>/dev/null); DOMID[domU3]=$new
    [ -n "$new" ] && [ "$new" != "$old" ] && ok "domU3 has a new domid ($old -> $new)" || bad "domU3 gets a new domid" "old=$old new=$new"
    check "domU3's new vif Connected (4)" be_state_is domU3 4
    gping domU3 $NET.2 && ok "domU3 pings domU1 after the reboot" || bad "domU3 pings domU1 after the reboot" "$GX_OUT"
    check "dom0 pings domU3 after the reboot" ping_ok $NET.4
    check "the old backend dir backend/vif/$old is gone" xs_gone /local/domain/0/backend/vif/$old 10
    check "the old domain $old is gone (no zombie holding grants)" no_zombie $old
    if is_xvs; then
        port_listed xenbr0 vif$old.0; [ $? = 1 ] && ok "port vif$old.0 removed from xenbr0" ||
            bad "port vif$old.0 removed" "$("$XC" list-ports xenbr0 2>&1)"
        check "port vif$new.0 on xenbr0" port_listed xenbr0 vif$new.0
        fdb_has xenbr0 vif$new.0 $MAC3 && ok "fdb: $MAC3 now on vif$new.0" || bad "fdb: $MAC3 moves to vif$new.0" "$("$XC" fdb-show xenbr0 2>&1)"
    fi
}

# ================================================================ badkey
# A malformed backend key makes xl create fail with a message naming the
# key; nothing else is disturbed.  (xl 4.17 has no vlan= vif key, so the
# bad values travel in keys xl passes through verbatim: ip= and bridge=.)
# names_key TEXT KEY VALUE: a line of TEXT names KEY and then VALUE
names_key() {
    local l re="(^|[^a-z-])$2[^a-z-].*${3//./\\.}"
    while IFS= read -r l; do [[ $l =~ $re ]] && { NAMED=$l; return 0; }; done <<< "$1"
    return 1
}
bad_create() {   # bad_create NAME VIF KEY VALUE
    local n=$1
    if guest_create "$n" $NET.9/24 "'$2'"; then
        bad "xl create with $3=$4 fails" "xl create returned 0" "$XL_OUT"
        guest_destroy "$n"; unset "DOMID[$n]"; return
    fi
    names_key "$XL_OUT" "$3" "$4" && ok "xl create with $3=$4 fails and names the key: $NAMED" ||
        bad "xl create with $3=$4 fails with a message naming '$3'" "$XL_OUT"
    if xl domid "$n" >/dev/null 2>&1; then bad "no domain $n left after the failed create" "$(xl list)"; guest_destroy "$n"
    else ok "no domain $n left behind"; fi
    unset "DOMID[$n]"
}
sc_badkey() {
    stack_ok || return
    need_guests domU1 domU2 || return
    local p0 p1
    xvsd_pid && p0=$XVSD_PID
    bad_create bad1 "bridge=xenbr0,mac=00:16:3e:00:00:09,ip=not-an-ip" ip not-an-ip
    bad_create bad2 "bridge=xenbr0.abc,mac=00:16:3e:00:00:09" bridge xenbr0.abc
    bad_create bad3 "bridge=nosuchbr,mac=00:16:3e:00:00:09" bridge nosuchbr
    if is_xvs; then
        # a bad value written live into one of our keys: refused, logged
        local before after
        before=$(grep -c . /var/log/xvsd.log)
        ran xenstore-write "$(bepath domU2)/promiscuous" maybe
        nap 2
        after=$(tail -n +$((before + 1)) /var/log/xvsd.log)
        note "$after"
        [[ $after == *promiscuous*maybe* ]] && ok "live promiscuous=maybe is refused with a message naming the key" ||
            bad "live promiscuous=maybe is refused with a message naming the key" "xvsd log since: $after"
        ran xenstore-write "$(bepath domU2)/promiscuous" off
        xvsd_pid && p1=$XVSD_PID
        [ -n "$p0" ] && [ "$p0" = "$p1" ] && ok "xvsd still running (pid $p0)" || bad "xvsd survives the bad keys" "pid $p0 -> $p1" "$(tail -20 /var/log/xvsd.log)"
    fi
    gping domU1 $NET.3 && ok "domU1 still pings domU2" || bad "the other guests keep working" "$GX_OUT"
    check "dom0 still pings domU2" ping_ok $NET.3
}

# ================================================================ destroy
sc_destroy() {
    stack_ok || return
    need_guests domU1 domU2 || return
    local d2=${DOMID[domU2]} m0 m1 e0 e1 f0 f1 t0 t rc g
    if is_xvs; then
        xvsd_pid
        m0=$(gnt_maps $XVSD_PID) e0=$(evtchn_irqs $XVSD_PID xvsd) f0=$(dev_fds $XVSD_PID)
        note "before: xvsd holds $m0 grant mappings, $e0 event channels, $f0 /dev/xen fds"
    fi
    now; t0=$NOW
    out=$(timeout -k 5 60 xl destroy domU2 2>&1); rc=$?
    now; secs t $((NOW - t0)); note "$out"
    [ $rc = 0 ] && { ok "xl destroy domU2 returned 0 in ${t}s"; metric destroy_s "$t" s; } || bad "xl destroy domU2" "$out"
    glog_reset domU2; gtty_reset domU2; unset "DOMID[domU2]"
    check "backend dir backend/vif/$d2 removed" xs_gone /local/domain/0/backend/vif/$d2 10
    check "domain $d2 fully gone (no zombie)" no_zombie $d2
    if is_xvs; then
        port_listed xenbr0 vif$d2.0; [ $? = 1 ] && ok "port vif$d2.0 removed from xenbr0" ||
            bad "port vif$d2.0 removed" "$("$XC" list-ports xenbr0 2>&1)"
        fdb_mac_absent xenbr0 $MAC2 && ok "fdb: no entry for $MAC2 any more" || bad "fdb entries of domU2 flushed" "$("$XC" fdb-show xenbr0 2>&1)"
        m1=$(gnt_maps $XVSD_PID) e1=$(evtchn_irqs $XVSD_PID xvsd)
        [ "$m1" -lt "$m0" ] && [ "$e1" -lt "$e0" ] &&
            ok "xvsd released domU2's grants and event channels (maps $m0 -> $m1, evtchns $e0 -> $e1)" ||
            bad "xvsd releases domU2's grant mappings and event channels" "gntdev maps $m0 -> $m1, evtchn irqs $e0 -> $e1"
    else
        check "vif$d2.0 netdev removed" test ! -e /sys/class/net/vif$d2.0
    fi
    for g in "${!DOMID[@]}"; do [ -n "${DOMID[$g]}" ] && guest_destroy "$g"; unset "DOMID[$g]"; done
    out=$(xl list 2>&1); note "$out"
    local nd; nd=$(grep -c -v -E '^Name|^Domain-0' <<< "$out")
    [ "$nd" = 0 ] && ok "all guests destroyed, no zombie domains" || { nap 5; out=$(xl list 2>&1); nd=$(grep -c -v -E '^Name|^Domain-0' <<< "$out"); [ "$nd" = 0 ] && ok "all guests destroyed (after 5 s)" || bad "all guests gone" "$out"; }
    if is_xvs; then
        m1=$(gnt_maps $XVSD_PID) e1=$(evtchn_irqs $XVSD_PID xvsd) f1=$(dev_fds $XVSD_PID)
        [ "$m1" = 0 ] && [ "$e1" = 0 ] && ok "with no guest left xvsd holds no grant mapping and no event channel" ||
            bad "xvsd holds nothing once every guest is gone" "gntdev maps $m1, evtchn irqs $e1" "$(grep gntdev /proc/$XVSD_PID/maps)" "$(grep evtchn /proc/interrupts)"
        note "after: /dev/xen fds $f0 -> $f1"
        local ports; ports=$(retry 3 "$XC" list-ports xenbr0 2>&1)
        [[ $ports != *vif* ]] && ok "no vif port left on xenbr0" || bad "no vif port left on xenbr0" "$ports"
        check "xvsd still running" xvsd_pid
    else
        local l; l=$(ls /sys/class/net | grep -c '^vif')
        [ "$l" = 0 ] && ok "no vif netdev left" || bad "no vif netdev left" "$(ls /sys/class/net)"
    fi
}

# ================================================================ demo
# scripts/demo-xen.sh: two guests talking through xvsd, shown on the
# console as "XVSLAB: DEMO" lines (the script prints them as they come).
show() {   # show TITLE OUTPUT
    local l
    echo "XVSLAB: DEMO"; echo "XVSLAB: DEMO # $1"
    while IFS= read -r l; do echo "XVSLAB: DEMO $l"; done <<< "$2"
    note "# $1"$'\n'"$2"
}
sc_demo() {
    stack_ok || return
    local out
    show "xen: $(xl info 2>/dev/null | sed -n 's/^xen_version *: //p'), dom0 $(uname -r), stack: $STACK" ""
    if is_xvs; then show "xvsctl show   (xvsd serves the vifs; xen-netback is not loaded)" "$(retry 3 "$XC" show 2>&1)"; fi
    show "xl create domU1 and domU2 with vif=['bridge=xenbr0,mac=...'] (stock netfront guests)" ""
    create_guest domU1 $NET.2/24 "'bridge=xenbr0,mac=$MAC1'" $NET.2 || return
    create_guest domU2 $NET.3/24 "'bridge=xenbr0,mac=$MAC2'" $NET.3 || return
    show "xl list" "$(xl list 2>&1)"
    if gping domU1 $NET.3; then ok "domU1 pings domU2"; else bad "domU1 pings domU2" "$GX_OUT"; fi
    show "domU1: ping -c 3 $NET.3   (domU2)" "$GX_OUT"
    if gping domU2 $NET.1; then ok "domU2 pings dom0"; else bad "domU2 pings dom0" "$GX_OUT"; fi
    show "domU2: ping -c 3 $NET.1   (dom0 on xvsd's host port xenbr0)" "$GX_OUT"
    if is_xvs; then
        out=$(retry 3 "$XC" show 2>&1); show "xvsctl show" "$out"
        out=$(retry 3 "$XC" fdb-show xenbr0 2>&1); show "xvsctl fdb-show xenbr0" "$out"
        fdb_has xenbr0 vif${DOMID[domU1]}.0 $MAC1 && fdb_has xenbr0 vif${DOMID[domU2]}.0 $MAC2 &&
            ok "fdb-show lists both guests on their vifs" || bad "fdb-show lists both guests" "$out"
    fi
    gx domU1 40 "timeout -k 5 30 iperf3 -c $NET.3 -t 5 -f m"
    show "domU1: iperf3 -c $NET.3 -t 5   (TCP domU1 -> domU2)" "$GX_OUT"
    iperf_mbps "$GX_OUT" && ok "iperf3 TCP domU1 -> domU2: $MBPS Mbit/s" || bad "iperf3 TCP domU1 -> domU2" "$GX_OUT"
    if is_xvs; then show "xvsctl port-stats xenbr0" "$(retry 3 "$XC" port-stats xenbr0 2>&1)"; fi
}

# ================================================================ debug
# run.sh -D FILE puts FILE into the output share: a development hook
sc_debug() {
    [ -r $OUTD/debug.sh ] || { bad "run.sh -D FILE given" "no $OUTD/debug.sh"; return; }
    . $OUTD/debug.sh
}

# ================================================================ main
: > "$RES"
say "tests ($STACK): $TESTS"
for sc in ${TESTS//,/ }; do
    # STACK:NAME runs NAME on that stack only (run.sh -T basic,xvs:vlan)
    if [[ $sc == *:* ]]; then [ "${sc%%:*}" = "$STACK" ] || continue; sc=${sc#*:}; fi
    fn=sc_$sc
    declare -F "$fn" >/dev/null || fn=scenario_$sc
    if ! declare -F "$fn" >/dev/null; then
        begin "$sc"; bad "scenario $sc exists" "known: $(declare -F | sed -n 's/^declare -f \(sc\|scenario\)_//p' | tr '\n' ' ')"; end; continue
    fi
    begin "$sc"
    "$fn"
    end
done

# crashes seen during the run, with the results
SEGV_DOM0=$(segv_dom0)
SEGV_GUESTS=$(cat $CONLOG/guest-*.log 2>/dev/null | grep -c -E 'Segmentation fault|segfault at')
crashes="$STACK dom0=$SEGV_DOM0 guests=$SEGV_GUESTS xl-create-retries=$XL_CRASHES console-kicks=$GX_KICKS guest-cmd-timeouts=$GX_TIMEOUTS agents-restarted=$HEALS via-diag-shell=$NET_FALLBACKS guests-recreated=$RECREATED"
echo "XVSLAB: CRASHES $crashes"
echo "CRASHES $crashes" >> "$RES"
dmesg | grep -E 'segfault at|general protection' | sed 's/^/XVSLAB: CRASH dom0 /'
# evidence kept in the output directory
mkdir -p "$OUTD/logs-$STACK"
cp $CONLOG/guest-*.log "$OUTD/logs-$STACK/" 2>/dev/null
cp /var/log/xvsd.log /var/log/xen/xen-hotplug.log /var/log/xen/xl-*.log "$OUTD/logs-$STACK/" 2>/dev/null
dmesg > "$OUTD/logs-$STACK/dom0-dmesg.txt" 2>&1
xl dmesg > "$OUTD/logs-$STACK/xen-dmesg.txt" 2>&1
sync
say "tests done: $ALL_F scenario(s) failed"
[ $ALL_F = 0 ]
