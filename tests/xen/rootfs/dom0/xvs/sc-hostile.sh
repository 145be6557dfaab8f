# /xvs/sc-hostile.sh -- scenario "hostile" (sourced by tests.sh): the worst
# hostile-guest cases of issue 7 on real Xen, from a guest "evil" whose
# vifs no kernel driver serves: guest-evilfront (tests/xen/guest-evilfront.c)
# plays the frontend from the guest's userspace and misbehaves when dom0
# writes "on" to the key xvs-evil of its frontend directory ("off" stops
# it, "quit" ends it): no console round trip between the windows.
#
#   domU1 --64-byte frames, paced--> domU2    the victims
#   evil: vif N (xl network-attach), one per attack, detached after it
#   dom0 (host port xenbr0): sends to evil's MAC during the no-rx attack
#
# Attacks (issue 7's letters), and where the attacker's vif must end:
#   (a) prod-jump    TX req_prod 1000 past the ring   fatal impossible_requests
#   (b) slots:1000   a frame that never ends           fatal fatal_tx_slots
#   (c) bad-offset   a slot's offset + size past its   fatal cross_page
#                    page
#   (d) bad-gref     grant refs past any grant table   connected, frames dropped,
#   (d) revoked-mid  a revoked grant mid-frame         tx_copy_errors, "tx grant
#                                                      copy failed" logged
#   (e) storm        notifications as fast as it can   connected, storm_holds,
#                                                      spurious_events, logged
#   (h) tiny-head    headers in 18 one-byte slots      connected, every frame
#                    (XSA-423/432; legal), sent to     taken (tx_frames), no
#                    its own MAC                       drop, no copy error
#   (i) random-mac   legal frames, each from a new     connected; the FDB stays
#                    random source MAC, to its own     <= fdb-max, evicts (from
#                    MAC (static on its port)          the attacker's share), the
#                                                      victims' entries stay put
#   (f) no-rx        no RX buffers while dom0 sends    connected, backlog <=
#                    to it                             rx-queue-bytes, drops
#                                                      counted; after the
#                                                      stall timeout (60 s)
#                                                      carrier off, logged
# For every attack: xvsd stays up (same pid), the victims' vifs stay
# connected without a fatal error, and their throughput during the attack
# is within 10 % of what it is without:
#     ratio = fps(attack) / mean(fps(before), fps(after)) >= 0.90
# (each window counted at most at the pace: a sender that fell behind
# catches up in the next window, which is no extra throughput)
# where fps = frames xvsd delivered into domU2's ring (vif-show rx_frames)
# per second of domU1's sender (xvs-pktgen -r).  Fair under TCG: the
# victims run at a fixed pace (HOSTILE_SHARE of the capacity measured at
# the start), so a window delivers exactly the pace while the backend
# keeps up, whatever the host's noise (TCP is no meter here: under TCG a
# guest's stream moves in ~190 KB steps about once a second, with either
# backend, so a 6 s window is +-20 % by itself); and the
# attacker guest burns the same CPU in every window -- guest-evilfront
# spins in its poll loop while behaving too -- so the windows differ only
# by what the attack does to xvsd.  The baselines are taken right before
# and after each attack, with the attacker connected and behaving (after a
# fatal attack: disconnected, still spinning).  A ratio under the bound
# counts when both baselines held the pace (>= 95 %); otherwise the
# machine was too busy to tell and the scenario fails saying so.
# Memory: xvsd's VmRSS before the first attack (base), after each, and its
# VmHWM at the end: HWM <= base + HOSTILE_PEAK_KB, RSS at the end <= base
# + HOSTILE_LEAK_KB (the bounds of the simulated-hypervisor suite).
# After each attack's vif is detached, xvsd holds exactly the grant
# mappings and event channels it held before the attach (the issue: a gone
# guest keeps no grant and no event channel in xvsd).
#
# The attacker program is not trusted to end by itself: it is asked to quit
# (xvs-evil), then every guest-evilfront this attack started is ended by
# its pid ($! of its start, in the guest's /tmp/ef.pids; SIGTERM, then
# SIGKILL) and seen gone before the vif is detached -- a left-over one keeps
# its ~580 granted pages.  gntalloc's limit is raised to
# HOSTILE_GNTALLOC_LIMIT so that a process that cannot be ended (seen
# under TCG) does not make every later attack's grants fail with ENOSPC.
# A command whose shell dies before it printed anything (the guest agent's
# subshell aborting in malloc or on SIGSEGV: the TCG emulation fault of
# ../shared xen-lab notes, seen in every stack) is sent again.

XEN_SCENARIOS+=" hostile"
HOSTILE_WIN=8                   # seconds per measurement window
HOSTILE_SHARE=10                # % of the capacity the victims are offered
HOSTILE_TOL=90                  # % of the baselines the attack window must keep
HOSTILE_PACE_HELD=95            # % of the pace a valid baseline delivers
HOSTILE_PEAK_KB=8192
HOSTILE_LEAK_KB=4096
HOSTILE_STALL_WAIT=120          # s: buffers used up + NETBACK_RX_STALL_MS (60 s) + a margin
HOSTILE_GNTALLOC_LIMIT=8192     # pages the evil guest may grant (gntalloc's default: 1024)
HOSTILE_START_TRIES=3           # sends of the start command whose shell died at once
HOSTILE_CONNECT_WAIT=40         # s for one guest-evilfront to connect (then killed, started again)
HOSTILE_RELEASE_WAIT=20         # s for xvsd to release a detached vif's grants and channels
HOSTILE_FDB_FLOOD_MIN=2         # (i): random sources sent >= this x fdb-max (xvs.conf: 1024)
EVIL_MAC0=00:16:3e:00:66:00
EVIL_IP=$NET.66                 # only a neighbour entry in dom0 (no. rx attack)

# only the attacks listed in xvs.hostile= (dom0's command line; run.sh
# passes XVS_HOSTILE), all when it is not there
# xvs.hostile_fault=segv (run.sh: XVS_HOSTILE_FAULT): in each attack every
# start of guest-evilfront before the guest is created again segfaults, as
# in hv9a, so that the recovery below is tested
HV_ONLY="" HV_FAULT=""
for w in $(< /proc/cmdline); do
    case $w in xvs.hostile=*) HV_ONLY=${w#*=};; xvs.hostile_fault=*) HV_FAULT=${w#*=};; esac
done

hv_rss() { local k v u; HV_RSS="" HV_HWM=""; while read -r k v u; do case $k in VmRSS:) HV_RSS=$v;; VmHWM:) HV_HWM=$v;; esac; done < /proc/$1/status; }
hv_cpu() { local s; read -r s < /proc/$1/stat; s=${s##*) }; set -- $s; HV_CPU=$(( ${12} + ${13} )); }
# hv_rx: R = domU2's vif rx_frames (frames xvsd put into its ring)
hv_rx() { hv_vif "vif${DOMID[domU2]}.0" && R=$(hv_q .stats.rx_frames) && [[ $R =~ ^[0-9]+$ ]]; }
# hv_capacity: HV = frames/s of 64-byte frames domU1 -> domU2, flat out
hv_capacity() {
    local r0 t0 el
    hv_rx || return 1; r0=$R; now; t0=$NOW
    gx domU1 40 "xvs-pktgen -i eth0 -d $MAC2 -t $HOSTILE_WIN"
    [[ $GX_OUT =~ sent\ ([0-9]+)\ frames\ in\ ([0-9.]+)\ s ]] || return 1
    el=${BASH_REMATCH[2]}
    nap 0.5
    hv_rx || return 1
    # the guest's own clock, unless it glitched (then dom0's, console included)
    awk -v e="$el" 'BEGIN{ exit !(e < 1) }' && { now; secs el $((NOW - t0)); }
    HV=$(awk -v d=$((R - r0)) -v e="$el" 'BEGIN{ printf "%.0f", (e > 0 ? d / e : 0) }')
    note "capacity: $GX_OUT; rx_frames +$((R - r0)) in ${el}s -> $HV frames/s"
}
# hv_window: HV = frames/s delivered to domU2 in the next HOSTILE_WIN s of
# dom0's clock (the paced victim sender runs all along, see scenario_hostile)
# HV_RINGS = the victims' rings sampled 4 times in the window: domU1's TX
# requests not yet taken by xvsd (a backend that falls behind), domU2's
# RX buffers posted and frames waiting for them (a receiver that does)
hv_window() {
    local r0 t0 k q1 q2
    hv_rx || { HV=0; return 1; }; r0=$R; now; t0=$NOW
    HV_RINGS=""
    for k in 1 2 3 4; do
        nap $(( HOSTILE_WIN / 4 ))
        q1=$(retry 2 "$XC" -j vif-show "vif${DOMID[domU1]}.0" 2>/dev/null | jq -r '(if type == "array" then .[0] else . end).queues[0].tx | "\(.req_prod - .req_cons)"' 2>/dev/null)
        q2=$(retry 2 "$XC" -j vif-show "vif${DOMID[domU2]}.0" 2>/dev/null | jq -r '(if type == "array" then .[0] else . end).queues[0] | "\(.rx.req_prod - .rx.req_cons)/\(.rx_queue.frames)"' 2>/dev/null)
        HV_RINGS+="${HV_RINGS:+ }${q1:-?}:${q2:-?}"
    done
    hv_rx || { HV=0; return 1; }; now
    HV=$(awk -v d=$((R - r0)) -v cs=$((NOW - t0)) 'BEGIN{ printf "%.0f", (cs > 0 ? d * 100 / cs : 0) }')
}
# hv_vif VIF: HV_JSON = xvsctl vif-show VIF (the object)
hv_vif() { HV_JSON=$(retry 3 "$XC" vif-show "$1" 2>&1 | jq -c 'if type == "array" then .[0] else . end' 2>&1); [[ $HV_JSON == "{"* ]]; }
hv_q() { jq -r "$1" <<< "$HV_JSON"; }

hostile_setup() {
    [ -n "${DOMID[domU1]:-}" ] || create_guest domU1 $NET.2/24 "'bridge=xenbr0,mac=$MAC1'" $NET.2 || return 1
    [ -n "${DOMID[domU2]:-}" ] || create_guest domU2 $NET.3/24 "'bridge=xenbr0,mac=$MAC2'" $NET.3 || return 1
    need_guests domU1 domU2 || return 1
    if [ -z "${DOMID[evil]:-}" ]; then
        create_guest evil none "'bridge=xenbr0,mac=${EVIL_MAC0%:*}:ff'" || return 1
    fi
    # no kernel netfront for evil's new vifs: the xen bus stops binding
    # drivers to new devices, and netfront is unloaded if nothing holds it
    # (busybox rmmod does not wait); guest-evilfront needs gntalloc + evtchn
    gxr evil 60 'echo 0 > /sys/bus/xen/drivers_autoprobe; ip link set eth0 down 2>/dev/null; rmmod xen_netfront 2>/dev/null; [ -d /sys/module/xen_netfront ] && echo netfront-loaded || echo netfront-unloaded; [ -d /sys/module/xen_gntalloc ] || insmod /usr/lib/xvs-guest/xen-gntalloc.ko limit='$HOSTILE_GNTALLOC_LIMIT'; echo '$HOSTILE_GNTALLOC_LIMIT' > /sys/module/xen_gntalloc/parameters/limit; read l < /sys/module/xen_gntalloc/parameters/limit; echo gntalloc-limit=$l; [ -d /sys/module/xen_evtchn ] || insmod /usr/lib/xvs-guest/xen-evtchn.ko; : > /tmp/ef.pids; read a < /sys/bus/xen/drivers_autoprobe; [ "$a" = 0 ] && [ "$l" = '$HOSTILE_GNTALLOC_LIMIT' ] && [ -c /dev/xen/gntalloc ] && [ -c /dev/xen/evtchn ] && [ -x /usr/bin/guest-evilfront ] && echo evil-ready'
    [[ $GX_OUT == *evil-ready* ]] && ok "guest evil: no driver binding for new xen devices (drivers_autoprobe 0, ${GX_OUT//$'\n'/, }), gntalloc (limit $HOSTILE_GNTALLOC_LIMIT pages) + evtchn loaded, guest-evilfront installed" ||
        { bad "prepare guest evil (no netfront binding, gntalloc limit $HOSTILE_GNTALLOC_LIMIT, evtchn, guest-evilfront)" "$GX_OUT"; return 1; }
    gping domU1 $NET.3 >/dev/null || { bad "victims ping each other" "$GX_OUT"; return 1; }
}

# hostile_attach I: xl network-attach evil -> EV_DEV, EV_VIF, EV_MAC
hostile_attach() {
    local out i m dev=""
    EV_MAC=${EVIL_MAC0%:*}:$(printf '%02x' "$1") HV_I=$1
    HV_M0=$(gnt_maps "$XVSD_PID") HV_E0=$(evtchn_irqs "$XVSD_PID" xvsd)
    out=$(timeout -k 5 60 xl network-attach evil bridge=xenbr0 mac=$EV_MAC 2>&1) ||
        { bad "xl network-attach evil (attack $1)" "$out"; return 1; }
    while read -r i _ m _; do [ "${m,,}" = "$EV_MAC" ] && dev=$i; done <<< "$(xl network-list evil 2>&1)"
    [ -n "$dev" ] || { bad "xl network-list evil shows the new vif" "$(xl network-list evil 2>&1)"; return 1; }
    EV_DEV=$dev EV_VIF=vif${DOMID[evil]}.$dev
}
# hv_order WORD: tell evil's guest-evilfront (xvs-evil: on, off, quit)
hv_order() { ran xenstore-write "/local/domain/${DOMID[evil]}/device/vif/$EV_DEV/xvs-evil" "$1"; }
# hostile_reap: end every guest-evilfront started so far, by its pid
# (SIGTERM, 2 s, SIGKILL, 3 s); EF_LEFT = how many are still there.  The
# end of its log and, for one still running, where it is (state, wchan,
# system call) go to the scenario log first.
hostile_reap() {
    gx evil 40 'n=0; : > /tmp/ef.left; IFS= read -r -d "" c < /tmp/ef-'"$EV_DEV"'.log; [ ${#c} -gt 400 ] && c=${c: -400}; echo "log: ${c//[[:cntrl:]]/ | }"; while read -r p; do [ -n "$p" ] || continue; how=gone; if alive $p; then read -r _ _ st _ < /proc/$p/stat; read -r w < /proc/$p/wchan; read -r sc _ < /proc/$p/syscall; echo "evilfront $p: state $st wchan $w syscall $sc"; kill $p; i=0; while [ $i -lt 20 ] && alive $p; do nap 0.1; i=$((i+1)); done; how=term; fi; if alive $p; then kill -9 $p; i=0; while [ $i -lt 30 ] && alive $p; do nap 0.1; i=$((i+1)); done; how=kill; fi; if alive $p; then read -r _ _ st _ < /proc/$p/stat; how="stuck($st)"; echo $p >> /tmp/ef.left; n=$((n+1)); fi; echo "evilfront $p: $how"; done < /tmp/ef.pids; mv /tmp/ef.left /tmp/ef.pids; echo "evilfronts left: $n"'
    EF_LEFT=x; [[ $GX_OUT =~ evilfronts\ left:\ ([0-9]+) ]] && EF_LEFT=${BASH_REMATCH[1]}
    note "evilfront processes: ${GX_OUT//$'\n'/, }"
    [[ $EF_LEFT =~ ^[0-9]+$ ]]
}
hostile_detach() {
    local k fe=/local/domain/${DOMID[evil]}/device/vif/$EV_DEV m e
    hv_order quit
    for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        [ "$(xsr $fe/state)" = 6 ] && break; nap 0.5
    done
    note "evilfront $EV_DEV: frontend state $(xsr $fe/state), sent $(xsr $fe/xvs-evil-sent)"
    [ "$(xsr $fe/state)" = 6 ] || note "evilfront $EV_DEV did not quit (state $(xsr $fe/state))"
    retry 2 hostile_reap
    [ "$EF_LEFT" = 0 ] && ok "($HV_I) every guest-evilfront of the attack ended (${GX_OUT//$'\n'/, })" ||
        bad "($HV_I) guest-evilfront ended by its pid (SIGTERM, SIGKILL)" "$GX_OUT"
    ran timeout -k 5 60 xl network-detach evil "$EV_DEV"
    # the issue: a gone guest's vif leaves no grant mapping and no event
    # channel in xvsd
    local DL; deadline $HOSTILE_RELEASE_WAIT
    while :; do
        m=$(gnt_maps "$XVSD_PID") e=$(evtchn_irqs "$XVSD_PID" xvsd)
        [ "$m" = "$HV_M0" ] && [ "$e" = "$HV_E0" ] && break
        expired && break
        nap 0.5
    done
    [ "$m" = "$HV_M0" ] && [ "$e" = "$HV_E0" ] &&
        ok "($HV_I) vif detached: xvsd holds the grant mappings and event channels it held before the attach ($m maps, $e channels)" ||
        bad "($HV_I) xvsd releases the detached attacker's grants and event channels" "gntdev maps $HV_M0 before the attach, $m now; evtchns $HV_E0, $e now" "$(grep gntdev /proc/$XVSD_PID/maps)"
}

# hostile_attack I MODE EXPECT: one attack on a fresh vif; EXPECT is
# fatal:REASON, copyerr, storm, forwarded or rxstall
hostile_attack() {
    local i=$1 mode=$2 exp=$3 b1 a b2 ratio nlog log c0 c1 c2 c3 held s ok_state=1 sender=""
    local dom=${DOMID[evil]} dst=$MAC2
    [ -z "$HV_ONLY" ] || [[ ,$HV_ONLY, == *,$i,* ]] || return 0
    say "attack ($i) $mode"
    hostile_attach "$i" || return
    # legal frames go to the attacker's own MAC: taken and counted, but
    # they load neither the victims nor dom0
    [ "$exp" = forwarded ] && dst=$EV_MAC
    [ "$exp" = fdb ] && dst=$EV_MAC
    # guest-evilfront is started again (5 times, 5 s apart) if it dies before it
    # connected, or has not connected in HOSTILE_CONNECT_WAIT s (then it is
    # killed): a freshly started program now and then crashes or hangs at
    # start under TCG; a new one writes Initialising, which makes xvsd
    # offer InitWait again.
    # Its log is emptied first: devids are reused, and the loop must not
    # read the last attack's "connected" before the new process truncates it.
    # Every start's pid goes to /tmp/ef.pids (hostile_reap ends them).  A
    # command whose shell died before its first line is sent again.
    local try src pre=""
    # the injected fault: guest-evilfront becomes a shell function whose
    # background job kills itself with SIGSEGV (bash reports it as it
    # reports a real crash of the program)
    [ "$HV_FAULT" = segv ] && [ -z "${HV_REDO:-}" ] && pre='guest-evilfront() { kill -SEGV $BASHPID; }; '
    for ((try = 1; try <= HOSTILE_START_TRIES; try++)); do
    gx evil 300 "$pre[ -e /sys/bus/xen/devices/vif-$EV_DEV/driver ] && echo driver-bound || echo driver-none; for t in 1 2 3 4 5; do [ \$t = 1 ] || nap 5; rm -f /tmp/ef-$EV_DEV.log; : > /tmp/ef-$EV_DEV.log; guest-evilfront -n $EV_DEV -m $mode -d $dst -p /tmp/ef.pid > /tmp/ef-$EV_DEV.log 2>&1 & p=\$!; echo \$p >> /tmp/ef.pids; i=0; c=; while [ \$i -lt $((HOSTILE_CONNECT_WAIT * 10)) ]; do IFS= read -r -d '' c < /tmp/ef-$EV_DEV.log 2>/dev/null; [[ \$c == *connected* ]] && break 2; st=; read -r _ _ st _ < /proc/\$p/stat 2>/dev/null; [ -z \"\$st\" ] || [ \"\$st\" = Z ] && break; nap 0.1; i=\$((i+1)); done; echo \"try \$t: \${c:-no output} (process \${st:-gone})\"; [ -z \"\$st\" ] || [ \"\$st\" = Z ] || kill -9 \$p; done; echo \"\$c\""
    src=$?
    [[ $GX_OUT == *driver-* ]] && break
    note "($i) the start command's shell died at once (rc $src): sent again"
    done
    [[ $GX_OUT == *driver-none* ]] && ok "($i) evil's vif-$EV_DEV has no kernel driver (guest-evilfront is its frontend)" ||
        { bad "($i) no kernel driver on evil's vif-$EV_DEV" "$GX_OUT"; hostile_detach; return; }
    if [[ $GX_OUT != *"evilfront: connected"* ]]; then
        # a guest in which every start of the program dies at once (seen
        # once in hv9a: segfaults, even of rm, 5 tries over 25 s) stays
        # broken under TCG: it is created again, once per attack, and
        # counted (guests-recreated in the CRASHES line).  Told by every
        # "try N:" line saying "no output (process gone|Z)": bash's
        # "Segmentation fault" job reports are not printed for every death.
        local tries died
        tries=$(grep -cE '^try [0-9]+:' <<< "$GX_OUT") died=$(grep -cE '^try [0-9]+: no output \(process (gone|Z)\)' <<< "$GX_OUT")
        if [ -z "${HV_REDO:-}" ] && [ "$tries" -gt 0 ] && [ "$died" = "$tries" ]; then
            note "($i) every start of guest-evilfront died at once: guest evil is created again (TCG, xen-lab.md); $GX_OUT"
            hostile_detach
            guest_destroy evil; unset "DOMID[evil]"; RECREATED=$((RECREATED + 1))
            hostile_setup || return
            HV_REDO=1 hostile_attack "$@"; return
        fi
        bad "($i) guest-evilfront connects vif $dom.$EV_DEV" "$GX_OUT" "$(tail -20 /var/log/xvsd.log)"; hostile_detach; return
    fi
    # (i): its own MAC static on its port, so that the flood of random
    # sources cannot evict it and its frames never reach anyone (hairpin);
    # a ping between the victims right before it, so that both their
    # entries are fresh (domU2 only receives the paced frames: its entry
    # would age out in a long run and prove nothing)
    [ "$exp" = fdb ] && { ran retry 3 "$XC" fdb-add xenbr0 "$EV_VIF" "$EV_MAC"; gping domU1 $NET.3 >/dev/null; }
    hv_vif "$EV_VIF" && [ "$(hv_q .state)" = connected ] && ok "($i) $mode: guest-evilfront connected $EV_VIF through xenstore (backend Connected)" ||
        { bad "($i) $EV_VIF connected" "$HV_JSON"; hostile_detach; return; }
    if [ "$exp" = rxstall ]; then
        # dom0 sends 200 frames/s of 1 kB to evil's MAC for the whole attack
        ip neigh replace $EVIL_IP lladdr $EV_MAC dev xenbr0 nud permanent
        ping -q -n -i 0.005 -s 1000 -w 900 $EVIL_IP > /tmp/hostile-ping.txt 2>&1 &
        sender=$!
    fi
    nlog=$(grep -c '' /var/log/xvsd.log)
    hv_cpu "$XVSD_PID"; c0=$HV_CPU
    hv_window; b1=$HV; local rg1=$HV_RINGS
    hv_cpu "$XVSD_PID"; c1=$HV_CPU
    hv_order on; nap 1
    hv_window; a=$HV; local rga=$HV_RINGS
    hv_cpu "$XVSD_PID"; c2=$HV_CPU
    hv_order off; nap 1
    local off; off=$(xsr "/local/domain/$dom/device/vif/$EV_DEV/xvs-evil-sent")
    note "($i) attacker sent $off"
    hv_window; b2=$HV; local rg2=$HV_RINGS
    hv_cpu "$XVSD_PID"; c3=$HV_CPU
    # each window counts at most the pace: a sender that fell behind
    # catches up in the next window, which is no extra throughput
    ratio=$(awk -v a="$a" -v b="$b1" -v c="$b2" -v p="$HV_PACE" 'function cap(x) { return x < p ? x : p }
        BEGIN{ m = (cap(b) + cap(c)) / 2; printf "%.2f", (m > 0 ? cap(a) / m : 0) }')
    held=$(awk -v b="$b1" -v c="$b2" -v p="$HV_PACE" -v h=$HOSTILE_PACE_HELD 'BEGIN{ print (b >= p * h / 100 && c >= p * h / 100) ? 1 : 0 }')
    metric "hostile_ratio.$mode" "$ratio" x
    note "($i) $mode: victims $b1 / $a / $b2 frames/s (before / attack / after, pace $HV_PACE); xvsd CPU ticks per window $((c1 - c0)) / $((c2 - c1)) / $((c3 - c2))"
    note "($i) $mode: victims' rings (domU1 TX requests untaken : domU2 RX buffers posted/frames waiting), 4 samples per window: before $rg1 | attack $rga | after $rg2"
    if [ "$held" != 1 ]; then
        bad "($i) $mode: the baselines hold the victims' pace (else the machine was too busy to tell)" "baselines $b1 and $b2 frames/s, pace $HV_PACE, attack $a"
    elif awk -v r="$ratio" -v t=$HOSTILE_TOL 'BEGIN{ exit !(r * 100 >= t) }'; then
        ok "($i) $mode: victims' frames during the attack $a/s = $ratio x the baselines ($b1, $b2 /s; paced at $HV_PACE/s)"
    else
        bad "($i) $mode: victims keep >= 0.$HOSTILE_TOL of their throughput" "attack $a frames/s, baselines $b1 and $b2 (pace $HV_PACE): ratio $ratio"
    fi
    # the attacker's vif
    hv_vif "$EV_VIF" || { bad "($i) xvsctl vif-show $EV_VIF" "$HV_JSON"; }
    note "($i) vif-show $EV_VIF: $HV_JSON"
    log=$(tail -n +$((nlog + 1)) /var/log/xvsd.log)
    case $exp in
    fatal:*)
        local reason=${exp#fatal:}
        [ "$(hv_q .state)" = fatal ] && [ "$(hv_q .fatal_reason)" = "$reason" ] && [ "$(hv_q .stats.fatal)" = 1 ] && [ "$(hv_q .link_up)" = false ] &&
            ok "($i) $mode: $EV_VIF disconnected: state fatal, fatal_reason $reason, counter fatal=1, link down" ||
            bad "($i) $mode: $EV_VIF fatal ($reason)" "$HV_JSON"
        [[ $log =~ $EV_VIF[^$'\n']*broke\ the\ protocol\ \($reason\) ]] && ok "($i) logged: ${BASH_REMATCH[0]}" ||
            bad "($i) $mode: a log line names the violation ($reason)" "$log";;
    copyerr)
        local ce; ce=$(hv_q .stats.tx_copy_errors)
        [ "$(hv_q .state)" = connected ] && [ "${ce:-0}" -ge 2 ] &&
            ok "($i) $mode: $EV_VIF stays connected, its frames dropped: tx_copy_errors=$ce" ||
            bad "($i) $mode: $EV_VIF connected with tx_copy_errors counted" "$HV_JSON"
        [[ $log =~ $EV_VIF[^$'\n']*grant\ copy\ failed[^$'\n']* ]] && ok "($i) logged: ${BASH_REMATCH[0]}" ||
            bad "($i) $mode: a log line says the grant copy failed" "$log";;
    storm)
        local sh se ev sent=""
        sh=$(hv_q .stats.storm_holds) se=$(hv_q .stats.spurious_events) ev=$(hv_q .stats.events)
        [[ $off =~ ^[0-9]+$ ]] && sent=$off
        [ "$(hv_q .state)" = connected ] && [ "${sh:-0}" -ge 1 ] && [ "${se:-0}" -gt 8 ] &&
            ok "($i) storm: ${sent:-?} notifications sent in ${HOSTILE_WIN}+ s; $EV_VIF connected, xvsd took $ev events ($se spurious), held back $sh times" ||
            bad "($i) storm: held back (storm_holds, spurious_events)" "sent ${sent:-?}" "$HV_JSON"
        [ -n "$sent" ] && metric hostile_storm_notifications "$sent" count
        [[ $log =~ $EV_VIF[^$'\n']*notifications\ in\ a\ row[^$'\n']* ]] && ok "($i) logged: ${BASH_REMATCH[0]}" ||
            bad "($i) storm: a log line names the storm" "$log";;
    fdb)
        local st fdb mx en ev sent v1 v2
        [[ $off =~ ^[0-9]+$ ]] || off=$(xsr "/local/domain/$dom/device/vif/$EV_DEV/xvs-evil-sent")
        st=$(retry 3 "$XC" -j fdb-stats xenbr0 2>&1); fdb=$(retry 3 "$XC" -j fdb-show xenbr0 2>&1)
        mx=$(jq -r '.max' <<< "$st") en=$(jq -r '.entries' <<< "$st") ev=$(jq -r '.evicted' <<< "$st")
        v1=$(jq -r --arg m "$MAC1" '[.[] | select(.mac == $m) | .port][0] // "none"' <<< "$fdb")
        v2=$(jq -r --arg m "$MAC2" '[.[] | select(.mac == $m) | .port][0] // "none"' <<< "$fdb")
        note "($i) fdb-stats: $st; victims' MACs on $v1, $v2"
        [ "$(hv_q .state)" = connected ] && [[ $off =~ ^[0-9]+$ ]] && [[ $mx =~ ^[0-9]+$ ]] &&
            [ "$off" -ge $((HOSTILE_FDB_FLOOD_MIN * mx)) ] && [ "$en" -le "$mx" ] && [ "$ev" -gt 0 ] &&
            ok "($i) random-mac: $off random sources sent; $EV_VIF connected, FDB $en entries <= fdb-max $mx, $ev evicted" ||
            bad "($i) random-mac: the FDB stays bounded and evicts" "sent ${off:-?} (>= $HOSTILE_FDB_FLOOD_MIN x fdb-max wanted)" "$st" "$HV_JSON"
        [ "$v1" = "vif${DOMID[domU1]}.0" ] && [ "$v2" = "vif${DOMID[domU2]}.0" ] &&
            ok "($i) random-mac: the victims' FDB entries stay on their ports ($v1, $v2)" ||
            bad "($i) random-mac: victims' FDB entries kept" "$MAC1 on $v1, $MAC2 on $v2";;
    forwarded)
        local tf ce dr
        [[ $off =~ ^[0-9]+$ ]] || off=$(xsr "/local/domain/$dom/device/vif/$EV_DEV/xvs-evil-sent")
        tf=$(hv_q .stats.tx_frames) ce=$(hv_q .stats.tx_copy_errors) dr=$(hv_q '[.stats.tx_drop[]] | add // 0')
        [ "$(hv_q .state)" = connected ] && [[ $off =~ ^[0-9]+$ ]] && [ "$off" -ge 2 ] && [ "${tf:-0}" -ge "$off" ] &&
            [ "$ce" = 0 ] && [ "$dr" = 0 ] &&
            ok "($i) $mode: $EV_VIF connected, all $off frames taken (tx_frames $tf, with its announcement), no drop, no copy error" ||
            bad "($i) $mode: every frame taken, none dropped" "sent ${off:-?}, tx_frames $tf, drops $dr, copy errors $ce" "$HV_JSON";;
    rxstall)
        # attack again ("off" made it post buffers) and wait for the stall
        # timeout: carrier off; meanwhile the backlog stays bounded and what
        # does not fit (or waits too long) is dropped and counted
        hv_order on
        local DL qb dr; deadline $HOSTILE_STALL_WAIT
        while :; do
            hv_vif "$EV_VIF" && [ "$(hv_q .stats.rx_stalls)" -ge 1 ] 2>/dev/null && break
            expired && break
            nap 3
        done
        qb=$(hv_q '[.queues[]?.rx_queue.bytes // 0] | add // 0')
        dr=$(retry 3 "$XC" -j port-stats xenbr0 "$EV_VIF" | jq '[.[0].drops // {} | to_entries[] | .value] | add // 0')
        note "($i) vif-show $EV_VIF after the stall: $HV_JSON"
        note "($i) port-stats: $("$XC" port-stats xenbr0 "$EV_VIF" 2>&1)"
        log=$(tail -n +$((nlog + 1)) /var/log/xvsd.log)
        [ "$(hv_q .state)" = connected ] && [ "${qb:-0}" -le 1048576 ] && [ "${dr:-0}" -gt 0 ] &&
            ok "($i) no-rx: $EV_VIF connected, RX backlog $qb bytes (<= rx-queue-bytes 1 MiB), $dr frames to it dropped and counted" ||
            bad "($i) no-rx: backlog bounded, drops counted" "backlog $qb, drops $dr" "$HV_JSON"
        [ "$(hv_q .stats.rx_stalls)" = 1 ] && [ "$(hv_q .carrier_stalled)" = true ] && [ "$(hv_q .link_up)" = false ] &&
            ok "($i) no-rx: after the stall timeout $EV_VIF's carrier is off (rx_stalls=1, carrier_stalled)" ||
            bad "($i) no-rx: carrier off after the stall timeout" "$HV_JSON"
        [[ $log =~ $EV_VIF[^$'\n']*posted\ no\ receive\ buffers[^$'\n']* ]] && ok "($i) logged: ${BASH_REMATCH[0]}" ||
            bad "($i) no-rx: a log line says why the carrier went off" "$log"
        kill "$sender" 2>/dev/null; wait "$sender" 2>/dev/null
        note "dom0 sender: $(tail -3 /tmp/hostile-ping.txt)";;
    esac
    # containment: xvsd up, the victims' vifs untouched
    local p; xvsd_pid && p=$XVSD_PID
    [ "$p" = "$HV_PID0" ] && ok "($i) xvsd still running (pid $p)" || bad "($i) xvsd survives $mode" "pid $HV_PID0 -> $p" "$(tail -20 /var/log/xvsd.log)"
    local g v
    for g in domU1 domU2; do
        v=vif${DOMID[$g]}.0
        hv_vif "$v" && [ "$(hv_q .state)" = connected ] && [ "$(hv_q .stats.fatal)" = 0 ] && [ "$(hv_q .link_up)" = true ] || {
            bad "($i) victim $v stays connected and up" "$HV_JSON"; ok_state=0; }
    done
    [ $ok_state = 1 ] && ok "($i) victims' vifs connected, link up, no fatal error"
    hostile_detach
    hv_rss "$XVSD_PID"
    note "($i) xvsd VmRSS $HV_RSS kB, VmHWM $HV_HWM kB"
}

scenario_hostile() {
    stack_ok || return
    is_xvs || { bad "hostile scenario runs on xvs" "stack $STACK"; return; }
    hostile_setup || return
    xvsd_pid && HV_PID0=$XVSD_PID
    hv_rss "$XVSD_PID"; local rss0=$HV_RSS
    # capacity, with evil up and idle; the victims are offered a share of it
    hv_capacity || { bad "victims' capacity (xvs-pktgen domU1 -> domU2)" "$GX_OUT"; return; }
    HV_PACE=$(awk -v c="$HV" -v s=$HOSTILE_SHARE 'BEGIN{ p = c * s / 100; if (p < 100) p = 100; printf "%.0f", p }')
    ok "victims' capacity $HV frames/s (64 bytes, domU1 -> domU2): paced at $HV_PACE/s ($HOSTILE_SHARE %) in every window"
    metric hostile_victim_capacity "$HV" frames/s
    note "xvsd $HV_PID0 VmRSS before the attacks: $rss0 kB"
    # the victims' load for the whole scenario: paced, measured in windows
    # (started again if it dies: a program crashing under TCG is no result)
    gx domU1 10 "rm -f /tmp/victim.stop; ( while [ ! -e /tmp/victim.stop ]; do xvs-pktgen -i eth0 -d $MAC2 -r $HV_PACE -t 3000; echo \"pktgen exit \$?\"; done ) > /tmp/victim.log 2>&1 & echo started"
    [[ $GX_OUT == *started* ]] || { bad "start the victims' paced sender in domU1" "$GX_OUT"; return; }
    hostile_attack 1 prod-jump fatal:impossible_requests
    hostile_attack 2 slots:1000 fatal:fatal_tx_slots
    hostile_attack 3 bad-offset fatal:cross_page
    hostile_attack 4 bad-gref copyerr
    hostile_attack 5 revoked-mid copyerr
    hostile_attack 6 storm storm
    hostile_attack 7 tiny-head forwarded
    hostile_attack 8 random-mac fdb
    hostile_attack 9 no-rx rxstall
    hv_rss "$XVSD_PID"
    metric hostile_xvsd_rss_growth $((HV_RSS - rss0)) kB
    metric hostile_xvsd_hwm_growth $((HV_HWM - rss0)) kB
    [ $((HV_HWM - rss0)) -le $HOSTILE_PEAK_KB ] && [ $((HV_RSS - rss0)) -le $HOSTILE_LEAK_KB ] &&
        ok "xvsd's memory bounded: VmRSS $rss0 -> $HV_RSS kB, peak (VmHWM) $HV_HWM kB" ||
        bad "xvsd's memory stays bounded (peak <= +$HOSTILE_PEAK_KB kB, end <= +$HOSTILE_LEAK_KB kB)" "VmRSS $rss0 -> $HV_RSS kB, VmHWM $HV_HWM kB"
    gx domU1 10 'touch /tmp/victim.stop; for p in /proc/[0-9]*; do read -r c < $p/cmdline 2>/dev/null; [[ $c == xvs-pktgen* ]] && kill ${p#/proc/}; done; nap 0.5; cat /tmp/victim.log'; note "victims' sender: $GX_OUT"
    gping domU1 $NET.3 && ok "domU1 still pings domU2 after every attack" || bad "victims still talk after the attacks" "$GX_OUT"
    guest_destroy evil; unset "DOMID[evil]"
}
