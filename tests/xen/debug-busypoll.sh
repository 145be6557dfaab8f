# debug-busypoll.sh: an experiment for run.sh -D (tests/xen/README,
# Comparison, "Session 9"): does xvsd do better when, after a turn with
# events, it makes a few non-blocking epoll_waits before sleeping
# (evloop_set_busy_poll; XVSD_BUSY_POLL=N in its environment)?
#   tests/xen/run.sh -s xvs -T basic,debug -D tests/xen/debug-busypoll.sh BUILD
# TCP dom0 <-> domU1 and domU1 -> domU2 with N = 0, 8, 0, 8: xvsd is
# killed (-9) and started again in between, resuming its vifs and host ports.
need_guests domU1 domU2 || return
is_xvs || { ok "busy poll is xvs's"; return; }
pidof iperf3 >/dev/null || iperf3 -s -D
bp_restart() {
    local DL
    # kill -9, as sc-restart does: a clean stop would delete the host port
    # (and dom0's address on it); after a crash it is adopted as it was
    xvsd_pid && kill -9 "$XVSD_PID"; deadline 10
    while [ -d /proc/$XVSD_PID ]; do expired && break; nap 0.2; done
    XVSD_BUSY_POLL=$1 nice -n "${XVSD_NICE:-0}" "$XVSD" -f -c /etc/xvs/xvs.conf >> /var/log/xvsd.log 2>&1 &
    echo $! > /run/xvsd.pid
    deadline 30
    until [ -S /run/xvs/xvsd.sock ] && port_listed xenbr0 "vif${DOMID[domU1]}.0" && port_listed xenbr0 "vif${DOMID[domU2]}.0"; do
        expired && break; nap 0.2
    done
    nap 2
    note "xvsd restarted with XVSD_BUSY_POLL=$1: pid $(< /run/xvsd.pid)"
}
for bp in 0 8 0 8; do
    bp_restart $bp
    gping domU1 $NET.3 >/dev/null || note "domU1 -> domU2 ping after the restart: $GX_OUT"
    tcp bp${bp}_dom0_to_domU1 dom0 "iperf3 -c $NET.2 -t 8 -f m"
    tcp bp${bp}_domU1_to_dom0 domU1 "iperf3 -c $NET.1 -t 8 -f m"
    tcp bp${bp}_domU1_to_domU2 domU1 "iperf3 -c $NET.3 -t 8 -f m"
done
