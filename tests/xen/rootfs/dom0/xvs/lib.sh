# /xvs/lib.sh -- dom0 side of the real-Xen tests: results, time, guests.
#
# Rules this file follows, because under QEMU TCG freshly exec'ed static
# busybox programs sometimes segfault at start when dom0 and a guest share
# a CPU (see tests/xen/README):
#   * polling loops use bash builtins only (read from files, [[ =~ ]],
#     `read -t` on a private fifo as the sleep): no program per poll;
#   * every wait has a deadline in dom0 uptime;
#   * verdicts come from glibc-linked tools (bash, iproute2, iputils ping,
#     grep, jq, xl, xvsctl), and idempotent checks are retried (retry);
#   * the segfaults seen are counted and reported with the results.
#
# Guests are driven through their console, not the network under test: the
# guest's init reads "@X ID SECS COMMAND" lines on hvc0 and answers with
# "@B ID", the output, "@E ID RC" (RC 137 if it killed COMMAND after SECS).  dom0 writes to the console's pty
# (xenstore console/tty) and reads the answer back from the console log
# that xenconsoled keeps (/var/log/xen/console/guest-NAME.log).

OUTD=/xvs/out
[[ $(< /proc/mounts) == *" $OUTD 9p "* ]] || { OUTD=/tmp/out; mkdir -p $OUTD; }
RES=$OUTD/results.txt
CONLOG=/var/log/xen/console
: "${STACK:=xvs}"
[ -r /xvs/project.env ] && . /xvs/project.env
XC=${XVSCTL:-xvsctl}
CFG=/xvs/guest/domU.cfg
# xvs.guestcpus=LIST (run.sh -P pin): guests never run on dom0's CPU
GUESTCPUS=""
for w in $(< /proc/cmdline); do [[ $w == xvs.guestcpus=* ]] && GUESTCPUS=${w#*=}; done

[ -p /run/nap.fifo ] || mkfifo /run/nap.fifo
exec {NAPFD}<>/run/nap.fifo
# nap SECS: sleep without starting a program
nap() { read -r -t "$1" -u $NAPFD || true; }
# now: NOW = dom0 uptime in centiseconds (no fork)
now() { local u r; read -r u r < /proc/uptime; NOW=$((10#${u/./})); }
# secs VAR CS: VAR = CS centiseconds as "S.CC"
secs() { printf -v "$1" '%d.%02d' $(($2 / 100)) $(($2 % 100)); }
# deadline SECS / expired: a deadline in the caller's variable DL
deadline() { now; DL=$((NOW + $1 * 100)); }
expired() { now; [ $NOW -ge $DL ]; }

# ------------------------------------------------------------ reporting
SC="" SC_N=0 SC_F=0 SC_T0=0 SC_LOG=/dev/null ALL_F=0
say() { local u r; read -r u r < /proc/uptime; echo "XVSLAB: [$u] $*"; echo "[$u] $*" >> "$SC_LOG"; }
# note: detail for the scenario log only (kept in the output directory)
note() { local u r; read -r u r < /proc/uptime; printf '[%s] %s\n' "$u" "$*" >> "$SC_LOG"; }
begin() {
    SC=$1 SC_N=0 SC_F=0
    SC_LOG=$OUTD/sc-$STACK-$SC.log; : > "$SC_LOG"
    now; SC_T0=$NOW
    echo "XVSLAB: BEGIN $STACK $SC"
}
end() {
    local v=PASS t
    [ $SC_F -gt 0 ] && v=FAIL
    [ $SC_N = 0 ] && v=FAIL && say "no check ran"
    now; secs t $((NOW - SC_T0))
    echo "XVSLAB: RESULT $STACK $SC $v checks=$SC_N failed=$SC_F time=${t}s"
    echo "RESULT $STACK $SC $v checks=$SC_N failed=$SC_F time=${t}s" >> "$RES"
    [ $v = FAIL ] && ALL_F=$((ALL_F + 1))
    SC=""; SC_LOG=/dev/null
}
# ok DESC / bad DESC EVIDENCE...: one assertion's outcome
ok() {
    SC_N=$((SC_N + 1))
    echo "XVSLAB: CHECK $STACK $SC PASS $1"
    echo "CHECK $STACK $SC PASS $1" >> "$RES"; note "PASS $1"
}
bad() {
    local d=$1 l
    shift
    SC_N=$((SC_N + 1)) SC_F=$((SC_F + 1))
    echo "XVSLAB: CHECK $STACK $SC FAIL $d"
    echo "CHECK $STACK $SC FAIL $d" >> "$RES"; note "FAIL $d"
    # evidence: on the console (the serial log is what CI keeps) and in the log
    for l in "$@"; do
        while IFS= read -r l2; do
            echo "XVSLAB: EVIDENCE $STACK $SC | $l2"; note "  | $l2"
        done <<< "$l"
    done
    echo "XVSLAB: EVIDENCE $STACK $SC | dom0 segfaults so far: $(segv_dom0)"
}
# check DESC CMD...: ok if CMD succeeds, else bad with its output
check() {
    local d=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$d"; note "  $out"; return 0; fi
    bad "$d" "\$ $*" "$out"; return 1
}
# retry N CMD...: run CMD until it succeeds, at most N times (idempotent
# commands only: a start-up segfault under TCG is retried, a real failure
# fails N times)
retry() {
    local n=$1 i
    shift
    for ((i = 1; i <= n; i++)); do
        "$@" && return 0
        [ $i -lt $n ] && nap 0.5
    done
    return 1
}
# metric NAME VALUE UNIT: a measurement for the comparison table
metric() {
    echo "XVSLAB: METRIC $STACK $1 $2 $3"
    echo "METRIC $STACK $1 $2 $3" >> "$RES"
}
# lab_speed PREFIX N: what a system call and a 64 KiB copy cost in dom0 and
# in domU1 now (best of 3 each; dd with bs=1 makes 2N calls, then 64 reads
# of 64 KiB from /dev/zero, each with a write to /dev/null).  Metrics
# PREFIXsyscall_ns_WHERE and PREFIXread_write_64k_us_WHERE.  Under TCG a
# boot can run slower as a whole than the one it is compared with; these
# show it (tests/xen/README, "Lab speed").
lab_speed() {
    local o where cmd='best_us() { local k a b d; best=; for k in 1 2 3; do a=$EPOCHREALTIME; "$@" 2>/dev/null; b=$EPOCHREALTIME; a=${a/./}; b=${b/./}; d=$((b - a)); [ -z "$best" ] || [ $d -lt $best ] && best=$d; done; }; best_us dd if=/dev/zero of=/dev/null bs=1 count='$2'; echo "syscall_ns=$((best * 1000 / (2 * '$2')))"; best_us dd if=/dev/zero of=/dev/null bs=65536 count=64; echo "copy64k_us=$((best / 128))"'
    LS_DOM0=$(bash -c "$cmd" 2>&1); note "lab speed, dom0: $LS_DOM0"
    LS_DOMU1=""; gxr domU1 60 "$cmd" && LS_DOMU1=$GX_OUT; note "lab speed, domU1: $LS_DOMU1"
    for where in dom0 domU1; do
        [ $where = dom0 ] && o=$LS_DOM0 || o=$LS_DOMU1
        [[ $o =~ syscall_ns=([0-9]+) ]] && metric "$1syscall_ns_$where" "${BASH_REMATCH[1]}" ns
        [[ $o =~ copy64k_us=([0-9]+) ]] && metric "$1read_write_64k_us_$where" "${BASH_REMATCH[1]}" us
    done
}
segv_dom0() { dmesg 2>/dev/null | grep -c -E 'segfault at|general protection' ; }
# ran CMD...: run with output into the scenario log (and its status)
ran() {
    local rc
    note "\$ $*"
    "$@" >> "$SC_LOG" 2>&1; rc=$?
    [ $rc = 0 ] || note "(rc=$rc)"
    return $rc
}

# ------------------------------------------------------------ guest console
declare -A GFD GPART GTTY
GX_SEQ=0 GX_TAG=$RANDOM GX_KICKS=0 GX_TIMEOUTS=0 XL_CRASHES=0 HEALS=0 NET_FALLBACKS=0 RECREATED=0
# glog_reset NAME: forget the read position of NAME's console log
glog_reset() {
    [ -n "${GFD[$1]:-}" ] && exec {GFD[$1]}<&-
    unset "GFD[$1]"; GPART[$1]=""
}
# glog_next NAME: L = the next complete line of NAME's console log (1 if none yet)
glog_next() {
    local n=$1 chunk fd
    if [ -z "${GFD[$n]:-}" ]; then
        [ -e "$CONLOG/guest-$n.log" ] || return 1
        exec {fd}<"$CONLOG/guest-$n.log"; GFD[$n]=$fd; GPART[$n]=""
    fi
    if IFS= read -r -u "${GFD[$n]}" chunk; then
        L=${GPART[$n]}$chunk; GPART[$n]=""; L=${L%$'\r'}
        return 0
    fi
    GPART[$n]+=$chunk
    return 1
}
# glog_wait NAME REGEX SECS: consume NAME's console until a line matches
glog_wait() {
    local DL
    deadline "$3"
    while :; do
        while glog_next "$1"; do [[ $L =~ $2 ]] && return 0; done
        expired && return 1
        nap 0.1
    done
}
# gtty_reset NAME: the guest's console pty changes with its domid
gtty_reset() { [ -n "${GTTY[$1]:-}" ] && exec {GTTY[$1]}>&-; unset "GTTY[$1]"; }
gtty_open() {
    local d t fd
    d=$(xl domid "$1" 2>/dev/null) || return 1
    t=$(xenstore-read "/local/domain/$d/console/tty" 2>/dev/null) || return 1
    [ -c "$t" ] || return 1
    exec {fd}>"$t" || return 1
    GTTY[$1]=$fd
}
# gx NAME SECS COMMAND: run COMMAND (one line of bash) in guest NAME.
# GX_OUT = its output, return status = its status; 124 if no answer in
# SECS, 125 if the console could not be written.
gx() {
    local n=$1 id began=0 DL
    GX_SEQ=$((GX_SEQ + 1)); id=$GX_TAG.$GX_SEQ; GX_OUT=""
    if [ -z "${GTTY[$n]:-}" ]; then retry 3 gtty_open "$n" || { GX_OUT="no console pty for $n"; return 125; }; fi
    if ! printf '@X %s %s %s\n' "$id" "$2" "$3" >&"${GTTY[$n]}" 2>/dev/null; then
        gtty_reset "$n"; retry 3 gtty_open "$n" || { GX_OUT="no console pty for $n"; return 125; }
        printf '@X %s %s %s\n' "$id" "$2" "$3" >&"${GTTY[$n]}" 2>/dev/null || { GX_OUT="console write failed"; return 125; }
    fi
    note "$n\$ $3"
    local kicks=0 last
    deadline $(($2 + 10)); now; last=$NOW
    while :; do
        while glog_next "$n"; do
            last=$NOW
            case $L in
                *"@B $id") began=1;;
                *"@E $id "*)
                    note "  | ${GX_OUT//$'\n'/$'\n'  | }"
                    [ $kicks -gt 0 ] && note "  (answer came after $kicks console kick(s))"
                    return "${L##* }";;
                *"@A "*) ;;
                *"@T $id "*) note "  (guest: $L)"; GX_TIMEOUTS=$((GX_TIMEOUTS + 1));;
                *) [ $began = 1 ] && GX_OUT+=${GX_OUT:+$'\n'}$L;;
            esac
        done
        if expired; then
            # cancel it, so that the agent is free for the next command
            printf '@C %s\n' "$id" >&"${GTTY[$n]}" 2>/dev/null
            note "  (no answer in $2 s; began=$began kicks=$kicks; cancelled)"
            GX_OUT+=${GX_OUT:+$'\n'}"(no answer from $n in $2 s)"; return 124
        fi
        # The command was not acknowledged ("@B") after 8 s of silence: the
        # line may not have got through (a lost console notification, or
        # the agent being respawned), so poke the guest (it answers "@A").
        if [ $began = 0 ] && [ $((NOW - last)) -ge 800 ]; then
            kicks=$((kicks + 1)) GX_KICKS=$((GX_KICKS + 1)); last=$NOW
            printf '@K\n' >&"${GTTY[$n]}" 2>/dev/null
        fi
        nap 0.05
    done
}
# guest_heal NAME: the console agent does not answer at all; if the guest
# is reachable over the network, look at it through its diagnostic shell
# (TCP 7777) and kill the agent, which busybox init then respawns.
guest_heal() {
    local n=$1
    [ -n "${GIP[$n]:-}" ] || return 1
    HEALS=$((HEALS + 1))
    gx_net "$n" 15 'ps; for p in /proc/[0-9]*; do read -r c < $p/cmdline 2>/dev/null; case "$c" in *agent*) echo "${p#/proc/}: $(cat $p/wchan) $(grep State $p/status)";; esac; done; pkill -9 -f xvs-guest/agent; echo healed'
    [[ $GX_OUT == *healed* ]] || return 1
    glog_wait "$n" 'GUEST: ready' 30
}
# gx_net NAME SECS COMMAND: gx's contract, but through the guest's
# diagnostic shell (TCP 7777), for when its console agent stays silent.
# COMMAND runs as the agent would run it (stdin /dev/null, stderr into the
# output); 124 if no status came back in SECS + 5 s.
gx_net() {
    local ip=${GIP[$1]:-} out rc=124
    GX_OUT="(no IP for $1: no network path to its shell)"
    [ -n "$ip" ] || return 124
    out=$(printf '( %s ) < /dev/null 2>&1; echo "@rc=$?"\n' "$3" | timeout -k 2 $(($2 + 5)) nc "$ip" 7777 2>&1)
    [[ $out =~ @rc=([0-9]+)$ ]] && rc=${BASH_REMATCH[1]} && out=${out%@rc=*} && out=${out%$'\n'}
    GX_OUT=$out
    note "$1\$ (via $ip:7777, the console agent being silent) $3"$'\n'"  | ${GX_OUT//$'\n'/$'\n'  | }"$'\n'"  rc=$rc"
    return $rc
}
gx_net_selftest() {
    local rc
    gx_net "$1" 10 'echo "two lines"; echo "fallback $((6 * 7))"; exit 3'; rc=$?
    [ $rc = 3 ] && [ "$GX_OUT" = $'two lines\nfallback 42' ] || { GX_OUT="rc=$rc output=[$GX_OUT]"; return 1; }
}
# gxr NAME SECS COMMAND: gx, retried up to 3 times (idempotent commands;
# a run killed by the guest's timer, 137, is retried too).  An agent that
# does not answer at all is healed once; if it still does not answer, the
# command runs through the guest's diagnostic shell (gx_net).  CI lost
# runs to an agent that crashed under TCG (bash: "free(): corrupted
# unsorted chunks") and came back late or not at all.
gxr() {
    local i rc healed=0
    for i in 1 2 3; do
        gx "$@"; rc=$?
        [ $rc = 0 ] && return 0
        if [ $rc = 124 ]; then
            [ $healed = 0 ] && guest_heal "$1" && { healed=1; continue; }
            NET_FALLBACKS=$((NET_FALLBACKS + 1)); gx_net "$@"; return
        fi
        nap 0.3
    done
    return $rc
}

# ------------------------------------------------------------ guests
declare -A DOMID GIP
# guest_create NAME IP/LEN VIFSPEC [EXTRA-ARGS...]: xl create, bounded.
# XL_OUT = xl's output, XL_CS = centiseconds it took, rc = xl's.
guest_create() {
    local n=$1 ip=$2 vif=$3 t0 rc try
    shift 3
    for try in 1 2; do
        rm -f "$CONLOG/guest-$n.log"; glog_reset "$n"; gtty_reset "$n"
        note "\$ xl create $CFG name=$n vif=[$vif] ip=$ip $*"
        now; t0=$NOW
        XL_OUT=$(timeout -k 5 180 xl create "$CFG" "name=\"$n\"" "vif=[$vif]" \
                 "extra=\"console=hvc0 quiet xg.name=$n xg.ip=$ip\"" \
                 ${GUESTCPUS:+"cpus=\"$GUESTCPUS\""} "$@" 2>&1)
        rc=$?
        now; XL_CS=$((NOW - t0)); XL_T0=$t0
        note "$XL_OUT"; note "(xl create rc=$rc in ${XL_CS}0 ms)"
        # xl killed by a signal (not by timeout): the TCG start-up crash;
        # remove whatever it left and create again
        if [ $rc -gt 128 ] && [ $rc != 124 ] && [ $try = 1 ]; then
            note "xl create crashed (rc $rc): destroying what is left of $n and retrying"
            XL_CRASHES=$((XL_CRASHES + 1))
            timeout -k 5 60 xl destroy "$n" >> "$SC_LOG" 2>&1
            continue
        fi
        break
    done
    DOMID[$n]=$(xl domid "$n" 2>/dev/null)
    GIP[$n]=${ip%/*}; [ "$ip" = none ] && GIP[$n]=""
    return $rc
}
# guest_ready NAME SECS: the guest's init has configured eth0 and listens
guest_ready() {
    glog_wait "$1" 'GUEST: ready' "$2" || { note "$1 not ready in $2 s: $(tail -5 $CONLOG/guest-$1.log 2>&1)"; return 1; }
    note "$1: $L"
}
guest_destroy() {
    local rc
    timeout -k 5 60 xl destroy "$1" >> "$SC_LOG" 2>&1; rc=$?
    glog_reset "$1"; gtty_reset "$1"
    return $rc
}
# ping_first IP SECS: PING_CS = uptime (cs) of the first echo reply from IP
# to dom0 pinging every 0.1 s (rc 1 if none in SECS)
ping_first() {
    local fd pid l DL left
    PING_CS=""
    deadline "$2"
    # ping itself may die at start under TCG: start it again until the deadline
    while [ -z "$PING_CS" ] && ! expired; do
        left=$(( (DL - NOW) / 100 + 1 ))
        exec {fd}< <(exec ping -n -i 0.1 -w $left "$1" 2>/dev/null)
        pid=$!
        while IFS= read -r -u $fd l; do
            case $l in *"bytes from"*) now; PING_CS=$NOW; break;; esac
        done
        kill $pid 2>/dev/null; exec {fd}<&-
    done
    [ -n "$PING_CS" ]
}
# ping_ok IP [COUNT]: dom0 pings IP (retried: ping is idempotent)
ping1() { ping -n -c "${2:-2}" -W 2 "$1"; }
ping_ok() { retry 2 ping1 "$1" "${2:-2}" >> "$SC_LOG" 2>&1; }
# gping NAME IP: guest NAME pings IP (3 tries; 0 if any reply)
gping() { gxr "$1" 30 "ping -n -c 3 -W 2 $2"; }
# backend dir and state of NAME's vif N
bepath() { echo "/local/domain/0/backend/vif/${DOMID[$1]}/${2:-0}"; }
xsr() { xenstore-read "$@" 2>/dev/null; }
# mac of a guest's eth0 (as the guest sees it)
gmac() { gxr "$1" 20 'read m < /sys/class/net/'"${2:-eth0}"'/address; echo $m' && MAC=$GX_OUT; }
# counter NAME IF STAT: V = /sys/class/net/IF/statistics/STAT in the guest
gstat() { gxr "$1" 20 "read v < /sys/class/net/$2/statistics/$3; echo \$v" && V=$GX_OUT && [[ $V =~ ^[0-9]+$ ]]; }

# iperf3 summary: MBPS = receiver Mbit/s of an iperf3 -f m output
iperf_mbps() {
    local l
    MBPS=""
    while IFS= read -r l; do
        [[ $l =~ ([0-9.]+)\ Mbits/sec.*receiver ]] && MBPS=${BASH_REMATCH[1]}
    done <<< "$1"
    [ -n "$MBPS" ]
}

# ------------------------------------------------------------ xvsd
xvsd_pid() { [ -r /run/xvsd.pid ] && read -r XVSD_PID < /run/xvsd.pid && [ -d /proc/$XVSD_PID ]; }
# fdb_has BR PORT MAC [VLAN]: `xvsctl fdb-show BR` lists MAC on PORT
fdb_has() {
    local p v m a out
    out=$(retry 3 "$XC" fdb-show "$1") || return 1
    while read -r p v m a; do
        [ "$p" = "$2" ] && [ "${m,,}" = "${3,,}" ] && { [ -z "${4:-}" ] || [ "$v" = "$4" ]; } && return 0
    done <<< "$out"
    return 1
}
fdb_mac_absent() {
    local p v m a out
    out=$(retry 3 "$XC" fdb-show "$1") || return 1
    while read -r p v m a; do [ "${m,,}" = "${2,,}" ] && return 1; done <<< "$out"
    return 0
}
port_listed() {
    local out p
    out=$(retry 3 "$XC" list-ports "$1") || return 2
    while read -r p; do [ "$p" = "$2" ] && return 0; done <<< "$out"
    return 1
}
# spoof_drops BR PORT: V = the port's drops whose reason names "spoof"
spoof_drops() {
    V=$(retry 3 "$XC" -j port-stats "$1" "$2" |
        jq '[.[0].drops // {} | to_entries[] | select(.key | test("spoof")) | .value] | add // 0') &&
        [[ $V =~ ^[0-9]+$ ]]
}
# grant mappings and event channels xvsd holds (dom0's view)
gnt_maps() { local l n=0; while read -r l; do [[ $l == *gntdev* ]] && n=$((n + 1)); done < /proc/$1/maps; echo $n; }
evtchn_irqs() { local l n=0; while read -r l; do [[ $l == *"evtchn:$2"* ]] && n=$((n + 1)); done < /proc/interrupts; echo $n; }
dev_fds() { local f n=0; for f in /proc/$1/fd/*; do [[ $(readlink "$f") == /dev/xen/* ]] && n=$((n + 1)); done; echo $n; }
