# debug-idle.sh: what each stack costs while no traffic flows, for run.sh -D
# (tests/xen/README, "Lab speed"):
#   tests/xen/run.sh -s "kernel xvs" -T basic,debug -D tests/xen/debug-idle.sh BUILD
# Over 10 s with both guests up and idle: dom0's busy share (/proc/stat),
# xvsd's CPU ticks, domU1's busy share and its vif interrupts.  A backend
# that wakes up (or wakes a guest) with nothing to do shows here; under TCG
# it also slows the other vCPU's host thread.
need_guests domU1 domU2 || return
# "BUSY TOTAL VIF-IRQS" (jiffies from /proc/stat, the vif lines of
# /proc/interrupts); run in dom0 and in domU1 alike
IDLE_CMD='read -r a u n s i w q sq st rest < /proc/stat; irq=0; while read -r l; do case $l in *vif*) set -- ${l#*:}; while [ $# -gt 0 ] && [ "$1" -eq "$1" ] 2>/dev/null; do irq=$((irq + $1)); shift; done;; esac; done < /proc/interrupts; echo "$((u + n + s + q + sq)) $((u + n + s + q + sq + i + w)) $irq"'
nap 3
b0=$(bash -c "$IDLE_CMD"); x0=""; is_xvs && xvsd_pid && x0=$(cut -d' ' -f14,15 /proc/$XVSD_PID/stat)
gxr domU1 20 "$IDLE_CMD"; g0=$GX_OUT
nap 10
b1=$(bash -c "$IDLE_CMD"); x1=""; is_xvs && xvsd_pid && x1=$(cut -d' ' -f14,15 /proc/$XVSD_PID/stat)
gxr domU1 20 "$IDLE_CMD"; g1=$GX_OUT
note "idle: dom0 busy/total/vif-irqs $b0 -> $b1; xvsd utime stime $x0 -> $x1; domU1 busy/total/vif-irqs $g0 -> $g1"
set -- $b0 $b1; [ $# = 6 ] && [ $(($5 - $2)) -gt 0 ] && metric idle_dom0_busy_pct $(( ($4 - $1) * 100 / ($5 - $2) )) %
if [ -n "$x0" ] && [ -n "$x1" ]; then set -- $x0 $x1; metric idle_xvsd_ticks $(( $3 + $4 - $1 - $2 )) ticks; fi
set -- $g0 $g1
if [ $# = 6 ]; then
    [ $(($5 - $2)) -gt 0 ] && metric idle_domU1_busy_pct $(( ($4 - $1) * 100 / ($5 - $2) )) %
    metric idle_domU1_vif_irqs $(( $6 - $3 )) irqs
    ok "idle cost measured"
else bad "idle cost measured" "no figures from domU1" "$g0 / $g1"; fi
lab_speed lab_ 5000
