# /xvs/sc-restart.sh -- scenario "restart" (sourced by tests.sh): kill -9 of
# xvsd under TCP between two PV guests, restarted as dom0's init starts it
# (no systemd), and nothing the guests could notice but a short pause.
#
#   domU1 --iperf3 TCP 20 s + ping every 50 ms (ping -D)--> domU2
#   dom0: kill -9 xvsd ~6 s into the stream, start it again at once
#
# Asserted:
#   * the new xvsd adopts both vifs from xenstore and takes their rings back
#     ("adopted ... Connected", "(resumed)" in its log), both ports are back
#     on xenbr0;
#   * no frontend reconnect: the frontends' ring refs, event channels and
#     state are the same before and after; a xenstore watch on each
#     frontend's state fired only for its registration (netfront never wrote
#     its state); the guests' eth0 carrier_changes did not move;
#   * the TCP stream completes (iperf3 rc 0) and carries data in the
#     seconds after the restart; the guests ping each other afterwards;
#   * nothing is held twice: xvsd's grant mappings and event channels after
#     the restart equal those before.
# Measured (METRIC): restart_reattach_s (kill -> the new xvsd logs
# "running"; both ports are then asserted listed)
# and restart_gap_ms, the longest silence the guests saw: the longest time
# between two consecutive ping replies (50 ms apart when all is well;
# pings sent meanwhile wait in the ring and are answered late or lost).
# The issue's target is < 1 s; printed, not asserted (no timed assertions).

RESTART_PING_N=400      # 20 s at 50 ms
XEN_SCENARIOS+=" restart"

# restart_fe_keys NAME: the frontend's connection keys (ring refs, event
# channels, state), one "path = value" line each
restart_fe_keys() {
    local d=${DOMID[$1]} out
    out=$(xenstore-ls -f "/local/domain/$d/device/vif/0" 2>&1) || { echo "$out"; return 1; }
    grep -E '(ring-ref|event-channel[a-z-]*|/state) = ' <<< "$out"
}
# restart_cc NAME: V = how often NAME's eth0 lost or regained its carrier
restart_cc() {
    gxr "$1" 20 'read v < /sys/class/net/eth0/carrier_changes; echo cc=$v' && [[ $GX_OUT =~ cc=([0-9]+) ]] && V=${BASH_REMATCH[1]}
}
# restart_hms EPOCH.US: HH:MM:SS.mmm as in xvsd's log (UTC)
restart_hms() { printf '%(%H:%M:%S)T.%s' "${1%.*}" "$(printf %.3s "${1#*.}")"; }
# restart_dayms EPOCH.US | HH:MM:SS.mmm: V = milliseconds since midnight
# (xvsd's log has local wall-clock times)
restart_dayms() {
    local t=$1 h m sec ms
    [[ $t == *:* ]] || t=$(restart_hms "$1")
    IFS=:. read -r h m sec ms <<< "$t"
    V=$(( (10#$h * 3600 + 10#$m * 60 + 10#$sec) * 1000 + 10#$ms ))
}
# restart_phases LOG W_KILL W_GONE W_START: where the pause went, as
# METRICs (ms): kill -> old process gone, gone -> the new one forked,
# fork -> main(), -> control socket, -> bridges, -> guest backend and vifs
# adopted (xvsd's "start took" line), kill -> the last "(resumed)" line
restart_phases() {
    local log=$1 k g st last="" l
    RESTART_RESUMED=?
    restart_dayms "$2"; k=$V; restart_dayms "$3"; g=$V; restart_dayms "$4"; st=$V
    metric restart_exit_ms $((g - k)) ms
    metric restart_spawn_ms $((st - g)) ms
    if [[ $log =~ start\ took[^:]*:\ main\ ([0-9-]+),\ control-socket\ ([0-9-]+),\ bridges\ ([0-9-]+),\ guest-backend\+vifs\ ([0-9-]+),\ ports\ ([0-9-]+) ]]; then
        metric restart_fork_to_main_ms "${BASH_REMATCH[1]}" ms
        metric restart_fork_to_socket_ms "${BASH_REMATCH[2]}" ms
        metric restart_fork_to_bridges_ms "${BASH_REMATCH[3]}" ms
        metric restart_fork_to_vifs_ms "${BASH_REMATCH[4]}" ms
        metric restart_fork_to_ports_ms "${BASH_REMATCH[5]}" ms
    fi
    while IFS= read -r l; do [[ $l == *"(resumed)"* ]] && last=${l%% *}; done <<< "$log"
    if [ -n "$last" ]; then
        restart_dayms "$last"
        RESTART_RESUMED=$((V - k))
        metric restart_kill_to_resumed_ms $((V - k)) ms
    fi
}
# restart_xvsd: start xvsd again as systemd's Restart=on-failure does
# (hotplug/xvsd.service.in): fork, the unit's Nice= set in the child by a
# system call, exec xvsd.  Not as dom0's init starts it, through coreutils'
# nice, whose own exec (dynamic: 100-130 ms under TCG) systemd does not
# have: the test's shell is set to the unit's Nice= just before the kill
# (restart_renice), so the child forked here has it already and execs xvsd
# directly.  What systemd adds and this does not: RestartSec=100ms between
# the old process's death and the fork.
restart_xvsd() {
    "$XVSD" -f -c /etc/xvs/xvs.conf >> /var/log/xvsd.log 2>&1 &
    echo $! > /run/xvsd.pid
}
# restart_renice N: this shell's nice value to N (busybox renice; without
# -n it sets, not adds); V = the value before
restart_renice() {
    local s
    read -r s < "/proc/$BASHPID/stat"; s=${s##*) }
    set -- "$1" $s
    V=${18}                 # stat field 19 (nice): fields from 3 on follow $1
    renice "$1" -p "$BASHPID" > /dev/null
}
restart_ports_back() {   # both vif ports listed on xenbr0
    port_listed xenbr0 "vif${DOMID[domU1]}.0" && port_listed xenbr0 "vif${DOMID[domU2]}.0"
}

# restart_stream_start: start iperf3 (20 s) and the pings in domU1's
# background and see the stream's first one-second interval.  Under TCG a
# guest's clock can jump ("clocksource tsc unstable"): iperf3 then prints
# nothing for the whole run, and a console command can go unanswered.  Both
# are the lab's, not xvsd's (no restart has happened yet), so a start that
# shows no interval is ended and made again, up to 3 times.  RS_T0 = the
# start (centiseconds of dom0's uptime).
restart_stream_running() {
    # bash builtins only: a program started per poll can segfault (TCG).
    # The read is idempotent, so gxr retries it, and asks it through the
    # guest's diagnostic shell if the console agent stays silent.
    gxr domU1 8 'c=; IFS= read -r -d "" c < /tmp/rs-iperf.log; [[ $c == *" sec "*Bytes* ]] && echo interval=yes || echo interval=no' &&
        [[ $GX_OUT == *interval=yes* ]]
}
restart_stream_start() {
    local try out=""
    for try in 1 2 3; do
        now; RS_T0=$NOW
        # an earlier try's client and pings are ended first (by their
        # command lines: the guest's own iperf3 server stays; no pkill in
        # the guest), or the server would be "busy running a test"
        gxr domU1 10 "k=0; for p in /proc/[0-9]*; do mapfile -d '' a < \$p/cmdline 2>/dev/null || continue; case \"\${a[*]}\" in 'iperf3 -c '*|'ping -D '*) kill \${p#/proc/} 2>/dev/null && k=\$((k+1));; esac; done; [ \$k = 0 ] || nap 1; rm -f /tmp/rs-iperf.log /tmp/rs-ping.log; ( ( iperf3 -c $NET.3 -t 20 -i 1 -f m --forceflush; echo iperf-rc=\$? ) > /tmp/rs-iperf.log 2>&1 & ping -D -n -i 0.05 -c $RESTART_PING_N -W 2 $NET.3 > /tmp/rs-ping.log 2>&1 & ) ; echo started ended=\$k" ||
            { out="start $try: $GX_OUT"; note "stream start $try: not answered, again"; continue; }
        RS_T0=$NOW
        nap 2.5
        if restart_stream_running; then
            [ $try -gt 1 ] && note "stream started at attempt $try"
            return 0
        fi
        out="start $try: no one-second interval 2.5 s after the start ($GX_OUT)"
        note "stream start $try: no interval yet (guest clock jump?), again"
    done
    bad "start iperf3 and ping in domU1 (3 tries)" "$out" "$(gx domU1 5 'cat /tmp/rs-iperf.log; dmesg | tail -5'; echo "$GX_OUT")"
    return 1
}

scenario_restart() {
    stack_ok || return
    is_xvs || { bad "restart scenario runs on xvs" "stack $STACK"; return; }
    [ -n "${DOMID[domU1]:-}" ] || create_guest domU1 $NET.2/24 "'bridge=xenbr0,mac=$MAC1'" $NET.2 || return
    [ -n "${DOMID[domU2]:-}" ] || create_guest domU2 $NET.3/24 "'bridge=xenbr0,mac=$MAC2'" $NET.3 || return
    need_guests domU1 domU2 || return
    local g d1=${DOMID[domU1]} d2=${DOMID[domU2]} old new t0 t1 t DL
    local -A keys0 cc0 wpid
    gping domU1 $NET.3 >/dev/null || { bad "domU1 pings domU2 before the restart" "$GX_OUT"; return; }
    xvsd_pid && old=$XVSD_PID
    local m0 e0
    m0=$(gnt_maps "$old") e0=$(evtchn_irqs "$old" xvsd)
    note "before: xvsd $old holds $m0 grant mappings, $e0 event channels"
    for g in domU1 domU2; do
        keys0[$g]=$(restart_fe_keys $g) || { bad "read $g's frontend keys" "${keys0[$g]}"; return; }
        note "$g frontend: ${keys0[$g]}"
        restart_cc $g && cc0[$g]=$V || { bad "read $g's carrier_changes" "$GX_OUT"; return; }
        # every write of the frontend's state fires this watch (the first
        # line is the registration)
        xenstore-watch "/local/domain/${DOMID[$g]}/device/vif/0/state" > /tmp/restart-watch-$g.txt 2>&1 &
        wpid[$g]=$!
    done
    xenstore-watch "/local/domain/0/backend/vif/$d1/0/state" > /tmp/restart-watch-be.txt 2>&1 &
    wpid[be]=$!
    # domU1's clock against dom0's (the silence below is in the guest's
    # clock): the best of three console round trips
    local k ta tb rt rt_best="" off_ms=""
    for k in 1 2 3; do
        ta=$EPOCHREALTIME
        gx domU1 10 'echo gclock=$EPOCHREALTIME' || continue
        tb=$EPOCHREALTIME
        [[ $GX_OUT =~ gclock=([0-9]+)\.([0-9]{3}) ]] || continue
        ta=${ta/./} tb=${tb/./}; rt=$(( (tb - ta) / 1000 ))
        if [ -z "$rt_best" ] || [ $rt -lt $rt_best ]; then
            rt_best=$rt off_ms=$(( ${BASH_REMATCH[1]} * 1000 + 10#${BASH_REMATCH[2]} - (ta + tb) / 2000 ))
        fi
    done
    [ -n "$off_ms" ] && note "domU1's clock - dom0's: $off_ms ms (+-$((rt_best / 2)) ms)"
    # the stream and the pings, in the background of domU1 (its agent stays
    # free); the kill comes ~6 s after the stream's start
    restart_stream_start || return
    now; [ $((NOW - RS_T0)) -lt 600 ] && nap "$(printf %d.%02d $(( (600 - (NOW - RS_T0)) / 100 )) $(( (600 - (NOW - RS_T0)) % 100 )))"
    local nlog; nlog=$(grep -c '' /var/log/xvsd.log)
    local w_kill w_gone w_start nice0
    restart_renice "${XVSD_NICE:-0}"; nice0=$V
    now; t0=$NOW; w_kill=$EPOCHREALTIME
    kill -9 "$old"
    # the dead process's grant mappings and event channels go with it
    deadline 10
    local st=R
    while [ "$st" != Z ] && [ -d "/proc/$old" ] && ! expired; do
        read -r _ _ st _ < "/proc/$old/stat" 2>/dev/null || st=Z; [ "$st" = Z ] || nap 0.01
    done
    w_gone=$EPOCHREALTIME
    restart_xvsd
    w_start=$EPOCHREALTIME
    restart_renice "$nice0"
    # the new xvsd's "running" line, watched with bash builtins; only then
    # is it asked over its socket: xvsctl is a dynamic exec, ~0.2 s of
    # dom0's CPU under TCG, and asking twice every 50 ms (as before) kept
    # a vCPU busy while the xvsd being measured started
    deadline 30
    local lines
    while ! expired; do
        mapfile -t -s "$nlog" lines < /var/log/xvsd.log
        [[ "${lines[*]}" == *" running (pid "* ]] && break
        nap 0.05
    done
    now; t1=$NOW
    until restart_ports_back; do
        expired && break
        nap 0.05
    done
    xvsd_pid && new=$XVSD_PID
    local st1; read -r st1 < "/proc/$new/stat" 2>/dev/null; st1=${st1##*) }
    note "new xvsd: pid $new, nice $(set -- X $st1; echo "${18}") (unit's Nice=${XVSD_NICE:-0}); test shell back at nice $nice0"
    if restart_ports_back; then
        secs t $((t1 - t0)); ok "xvsd killed (-9, pid $old) and started again (pid $new): running again ${t}s after the kill, both vif ports back on xenbr0"
        metric restart_reattach_s "$t" s
    else
        bad "the restarted xvsd puts both vifs back on xenbr0 within 30 s" "$("$XC" list-ports xenbr0 2>&1)" "$(tail -30 /var/log/xvsd.log)"
    fi
    note "wall clock: kill $(restart_hms $w_kill), old xvsd gone $(restart_hms $w_gone), new one started $(restart_hms $w_start) (compare with the log below)"
    local log; log=$(tail -n +$((nlog + 1)) /var/log/xvsd.log)
    # dom0's addresses survive on the host ports: their TAPs are persistent
    # and the new xvsd adopts them (ports/hpstate.h); put back only if not
    local hb ha
    for hb in "xenbr0 $NET.1/24" "xenbr1 $NET1.1/24"; do
        ha=${hb#* } hb=${hb%% *}
        if [ "$(ip -4 -o addr show dev $hb 2>/dev/null | grep -c " $ha ")" = 1 ] &&
           [[ $log == *"host port $hb: adopted"* ]]; then
            ok "dom0's address $ha on $hb survived the kill -9 (host port adopted, address once)"
        else
            bad "dom0's address $ha on $hb survives the kill -9 (host port adopted)" "$(ip -o addr show dev $hb 2>&1)" "$log"
            ip addr add $ha dev $hb 2>/dev/null; ip link set $hb up
        fi
    done
    note "xvsd log after the restart:"$'\n'"$log"
    restart_phases "$log" "$w_kill" "$w_gone" "$w_start"
    for g in domU1 domU2; do
        local d=${DOMID[$g]}
        [[ $log =~ vif\ $d\.0\ [^$'\n']*adopted[^$'\n']*Connected ]] && ok "new xvsd adopted vif $d.0 ($g) from xenstore while Connected" ||
            bad "new xvsd adopts vif $d.0 from xenstore" "$log"
        [[ $log =~ vif\ $d\.0\ [^$'\n']*rings\ tx[^$'\n']*\(resumed\) ]] && ok "vif $d.0: rings mapped and event channels bound again, resumed from the ring indices" ||
            bad "vif $d.0: rings resumed" "$log"
        # from /run/xvs/vif-D-0 (xenstore/vifrec.h), before any xenstore
        # request for it
        [[ $log =~ vif\ $d\.0\ [^$'\n']*\(resumed\)\ from\ its\ record ]] && ok "vif $d.0: resumed from its record, before a xenstore round trip for it" ||
            bad "vif $d.0: resumed from its record" "$log"
    done
    # ... and then confirmed by the adoption from xenstore (nothing redone)
    local lines_all
    deadline 10
    until mapfile -t -s "$nlog" lines_all < /var/log/xvsd.log; [[ "${lines_all[*]}" == *" resumed from records, "* ]] || expired; do nap 0.1; done
    [[ "${lines_all[*]}" =~ ([0-9]+)\ resumed\ from\ records,\ 0\ of\ them\ redone ]] && ok "records confirmed by xenstore: ${BASH_REMATCH[1]} vifs resumed from them, none redone" ||
        bad "the records are confirmed by xenstore (none redone)" "$(tail -n +$((nlog + 1)) /var/log/xvsd.log)"
    # wait for the stream's end (20 s from its start, ~6 s before the kill)
    nap 14
    gxr domU1 40 'i=0; c=; while [ $i -lt 300 ]; do IFS= read -r -d "" c < /tmp/rs-iperf.log; [[ $c == *iperf-rc* ]] && break; nap 0.1; i=$((i+1)); done; echo "$c"'
    local ip=$GX_OUT
    note "iperf3 across the restart:"$'\n'"$ip"
    if [[ $ip == *iperf-rc=0* ]] && iperf_mbps "$ip"; then
        ok "iperf3 TCP domU1->domU2 across the kill -9 completed: $MBPS Mbit/s over 20 s"
        metric tcp_across_restart "$MBPS" Mbit/s
    else
        # what would explain it: the sockets of both ends (ss -tin), the
        # guests' clock and netfront messages, domU1's vif and rings
        local why="" g
        for g in domU1 domU2; do
            gxr $g 20 'ss -tin 2>&1 | tail -8; dmesg | grep -i -e clocksource -e xen_netfront -e "tx-" | tail -5'
            why+="$g:"$'\n'"$GX_OUT"$'\n'
        done
        why+="vif-show: $(retry 3 "$XC" -j vif-show "vif${DOMID[domU1]}.0" 2>&1 | head -c 3000)"
        bad "the TCP stream across the restart completes (iperf3 rc 0)" "$ip" "$why"
    fi
    # the stream after the restart (intervals from 12 s on; the kill was
    # at ~6 s): most one-second intervals carry data.  (Under TCG on a busy
    # host the stream stalls for a second now and then with or without a
    # restart, so the rates before and after are printed side by side.)
    local l n=0 z=0 kb_b=0 kb_a=0 nb=0 zb=0 st kb
    while IFS= read -r l; do
        [[ $l =~ \]\ +([0-9.]+)-([0-9.]+)\ +sec\ +([0-9.]+)\ (K|M)Bytes ]] || { [[ $l =~ \]\ +([0-9.]+)-.*\ 0.00\ Bytes ]] && [[ $l != *sender* && $l != *receiver* ]] && { st=${BASH_REMATCH[1]%.*}; [ "$st" -ge 12 ] && n=$((n + 1)) z=$((z + 1)); [ "$st" -lt 6 ] && nb=$((nb + 1)) zb=$((zb + 1)); }; continue; }
        [[ $l == *sender* || $l == *receiver* ]] && continue
        st=${BASH_REMATCH[1]%.*}
        kb=${BASH_REMATCH[3]%.*}; [ "${BASH_REMATCH[4]}" = M ] && kb=$((kb * 1024))
        if [ "$st" -ge 12 ]; then n=$((n + 1)) kb_a=$((kb_a + kb)); elif [ "$st" -lt 6 ]; then nb=$((nb + 1)) kb_b=$((kb_b + kb)); fi
    done <<< "$ip"
    note "stream: ${kb_b} KB in the $nb intervals before the kill (0-6 s), $zb of those empty; ${kb_a} KB in the $n after the restart (12-20 s), $z of those empty"
    # most intervals carry data -- or, on a host so loaded that the stream
    # stalled before the kill too (TCG moves it in ~190 KB steps), at least
    # as large a share as before the kill (the same run is the baseline)
    [ $n -ge 6 ] && [ $kb_a -gt 0 ] && { [ $((2 * z)) -lt $n ] || [ $(( (n - z) * nb )) -ge $(( (nb - zb) * n )) ]; } &&
        ok "the TCP flow keeps going after the restart: $((n - z)) of $n one-second intervals carry data (${kb_a} KB; before the kill $((nb - zb)) of $nb, ${kb_b} KB)" ||
        bad "the TCP flow keeps going after the restart" "intervals 12-20 s: $n, of them empty: $z, $kb_a KB; before the kill: $nb, empty $zb"
    gxr domU1 30 'i=0; c=; while [ $i -lt 200 ]; do IFS= read -r -d "" c < /tmp/rs-ping.log; [[ $c == *"packets transmitted"* ]] && break; nap 0.1; i=$((i+1)); done; awk '\''/bytes from/ && !/DUP/ { t = substr($1, 2, length($1) - 2) + 0; r = 0; if (match($0, /time=[0-9.]+/)) r = substr($0, RSTART + 5, RLENGTH - 5) + 0; if (p && t - p > m) { m = t - p; g0 = p; g1 = t; nb = n } p = t; n++; rt[n] = r } /DUP!/ { d++ } /transmitted/ { s = $0 } END { for (i = 1; i <= nb; i++) sb += rt[i]; printf "replies=%d maxgap_ms=%.0f dups=%d gap_from=%.3f gap_to=%.3f rtt_before_avg_ms=%.0f | %s\n", n, m * 1000, d, g0, g1, (nb ? sb / nb : 0), s }'\'' /tmp/rs-ping.log'
    note "pings across the restart: $GX_OUT"
    # where the silence lies against dom0's clock (a PV guest's wall clock
    # comes from Xen, as dom0's does): it starts before the kill (the last
    # reply) and ends after the rings were resumed, by the time the guests
    # need to drain what queued up meanwhile (a TCP window in the TX ring,
    # ahead of the pings) -- compare rtt_before_avg_ms, the pings' round
    # trip under the same stream before the kill
    if [[ $GX_OUT =~ gap_from=([0-9]+)\.([0-9]{3})\ gap_to=([0-9]+)\.([0-9]{3}) ]]; then
        local gf=$(( ${BASH_REMATCH[1]} * 1000 + 10#${BASH_REMATCH[2]} )) gt=$(( ${BASH_REMATCH[3]} * 1000 + 10#${BASH_REMATCH[4]} ))
        local kms=${w_kill/./}; kms=$((kms / 1000))
        if [ -n "$off_ms" ]; then
            note "silence (dom0's clock, +-$((rt_best / 2)) ms): from $((gf - off_ms - kms)) ms to $((gt - off_ms - kms)) ms after the kill (rings resumed $RESTART_RESUMED ms after it)"
            metric restart_silence_start_ms $((gf - off_ms - kms)) ms
            metric restart_silence_end_ms $((gt - off_ms - kms)) ms
        else
            note "silence from $(restart_hms "${gf:0:-3}.${gf: -3}") to $(restart_hms "${gt:0:-3}.${gt: -3}") (guest clock); kill at $(restart_hms "$w_kill")"
        fi
    fi
    [[ $GX_OUT =~ rtt_before_avg_ms=([0-9]+) ]] && metric restart_rtt_before_ms "${BASH_REMATCH[1]}" ms
    if [[ $GX_OUT =~ replies=([0-9]+)\ maxgap_ms=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt $((RESTART_PING_N / 2)) ]; then
        local dups=0; [[ $GX_OUT =~ dups=([0-9]+) ]] && dups=${BASH_REMATCH[1]}
        [[ $GX_OUT =~ replies=([0-9]+)\ maxgap_ms=([0-9]+) ]]
        ok "pings domU1->domU2 every 50 ms across the restart: ${BASH_REMATCH[1]} of $RESTART_PING_N answered ($dups duplicates: requests taken but not answered before the kill are done again), longest silence ${BASH_REMATCH[2]} ms"
        metric restart_gap_ms "${BASH_REMATCH[2]}" ms
    else bad "pings every 50 ms continue across the restart" "$GX_OUT"; fi
    # no reconnect
    for g in domU1 domU2; do
        local k1 w
        k1=$(restart_fe_keys $g)
        [ "$k1" = "${keys0[$g]}" ] && ok "$g: frontend ring refs, event channels and state unchanged ($(tr '\n' ' ' <<< "$k1" | sed 's|/local/domain/[0-9]*/device/vif/0/||g'))" ||
            bad "$g: frontend keys unchanged (no reconnect)" "before: ${keys0[$g]}" "after: $k1"
        kill "${wpid[$g]}" 2>/dev/null; wait "${wpid[$g]}" 2>/dev/null
        w=$(grep -c . /tmp/restart-watch-$g.txt)
        [ "$w" = 1 ] && ok "$g: netfront never wrote its state during the restart (state watch fired once: registration)" ||
            bad "$g: netfront's state is not rewritten (watch fired $w times)" "$(cat /tmp/restart-watch-$g.txt)"
        restart_cc $g && [ "$V" = "${cc0[$g]}" ] && ok "$g: eth0 carrier never dropped (carrier_changes $V)" ||
            bad "$g: eth0 carrier stays up" "carrier_changes ${cc0[$g]} -> $V"
    done
    kill "${wpid[be]}" 2>/dev/null; wait "${wpid[be]}" 2>/dev/null
    note "backend state watch of vif $d1/0 fired $(grep -c . /tmp/restart-watch-be.txt) time(s) (1 = registration only)"
    gping domU1 $NET.3 && ok "domU1 pings domU2 after the restart" || bad "domU1 pings domU2 after the restart" "$GX_OUT"
    gping domU2 $NET.1 && ok "domU2 pings dom0 (host port adopted) after the restart" || bad "domU2 pings dom0 after the restart" "$GX_OUT"
    local m1 e1
    m1=$(gnt_maps "$new") e1=$(evtchn_irqs "$new" xvsd)
    [ "$m1" = "$m0" ] && [ "$e1" = "$e0" ] && ok "new xvsd holds what the old one did: $m1 grant mappings, $e1 event channels" ||
        bad "the restarted xvsd holds the same grants and event channels" "maps $m0 -> $m1, evtchns $e0 -> $e1"
}
