# debug-tcp.sh: where TCP time goes, for run.sh -D (tests/xen/README, Comparison):
#   tests/xen/run.sh -s "kernel xvs" -T basic,debug -D tests/xen/debug-tcp.sh BUILD
# For iperf3 domU1 -> dom0 and dom0 -> domU1: a kprobe on xen_irq_lateeoi in
# domU1 (EOIs per irq, flag 1 = spurious, longest spurious run: netfront's
# late-EOI back-off), tcpdump on xenbr0 in dom0 (OUT/<stack>-1/share/<stack>-
# {g2d,d2g}.pcap), dom0's /proc/stat and xvsd's CPU ticks, xvsd's vif counters.
need_guests domU1 domU2 || return
pidof iperf3 >/dev/null || iperf3 -s -D
KP='T=/sys/kernel/tracing; [ -d $T/events ] || mount -t tracefs nodev $T; echo 4096 > $T/buffer_size_kb; echo "p:xvs/eoi xen_irq_lateeoi irq=%di:u32 fl=%si:u32" >> $T/kprobe_events; echo 1 > $T/events/xvs/eoi/enable && echo kprobe-ok; grep vif0 /proc/interrupts'
KR='T=/sys/kernel/tracing; echo 0 > $T/tracing_on; awk '"'"'/eoi:/{q="";f=""; for(i=1;i<=NF;i++){ if($i ~ /^irq=/) q=$i; if ($i ~ /^fl=/) f=$i}; c[q" "f]++; if (f=="fl=0x1"||f=="fl=1") {r[q]++; if (r[q]>m[q]) m[q]=r[q]} else r[q]=0 } END { for (k in c) print "count", k, c[k]; for (k in m) print "maxrun", k, m[k] }'"'"' $T/trace; echo > $T/trace; echo 1 > $T/tracing_on; grep vif0 /proc/interrupts; grep Tcp: /proc/net/snmp'
gx domU1 30 "$KP"; note "kprobe setup: $GX_OUT"
dbg_tcp() { # NAME WHERE CMD
    local pid
    is_xvs && note "vif-show before $1: $("$XC" -j vif-show vif${DOMID[domU1]}.0 2>&1 | jq -c '.[0].stats' 2>&1)"
    gx domU1 20 "$KR"; note "kprobe reset before $1: $GX_OUT"
    local c0 c1 x0 x1
    c0=$(head -1 /proc/stat); x0=$(is_xvs && xvsd_pid && cut -d' ' -f14,15 /proc/$XVSD_PID/stat)
    tcpdump -i xenbr0 -s 100 -U -w /tmp/$1.pcap > /tmp/$1.tcpdump.log 2>&1 & pid=$!
    nap 2
    if [ "$2" = dom0 ]; then out=$(timeout -k 5 40 $3 2>&1)
    else gxr "$2" 50 "timeout -k 5 40 $3"; out=$GX_OUT; fi
    note "$1: $out"
    c1=$(head -1 /proc/stat); x1=$(is_xvs && xvsd_pid && cut -d' ' -f14,15 /proc/$XVSD_PID/stat)
    note "$1 dom0 cpu before: $c0 / after: $c1; xvsd utime stime before: $x0 after: $x1"
    kill $pid; nap 1
    gx domU1 30 "$KR"; note "kprobe after $1: $GX_OUT"
    is_xvs && note "vif-show after $1: $("$XC" -j vif-show vif${DOMID[domU1]}.0 2>&1 | jq -c '.[0].stats' 2>&1)"
    cp /tmp/$1.pcap $OUTD/$STACK-$1.pcap; note "tcpdump: $(cat /tmp/$1.tcpdump.log)"
    note "dom0 Tcp: $(grep '^Tcp:' /proc/net/snmp | tail -1)"
}
dbg_tcp g2d domU1 "iperf3 -c $NET.1 -t 10 -f m"
dbg_tcp d2g dom0 "iperf3 -c $NET.2 -t 10 -f m"
ok "debug done"
