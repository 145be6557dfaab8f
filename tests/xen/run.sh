#!/bin/bash
# run.sh -- xvs on real Xen: Xen 4.17 + Debian 6.1 PV dom0 and PV domUs with
# stock netfront, booted under qemu-system-x86_64 (TCG), and the same
# scenarios with the stock stack (kernel xen-netback + vif-bridge + Linux
# bridge) in the same run, for the comparison.
#
#   tests/xen/run.sh [options] [BUILDDIR]
#
#   BUILDDIR   a configured and built xvs tree (default $BUILD_DIR or
#              <top>/_build); its `make install` goes into dom0.  Without a
#              built xvsd every xvs scenario fails with
#              "xvsd not built: run make first".
#   -o DIR     output directory (default /tmp/xvs-xen/run-YYYYmmdd-HHMMSS)
#   -s LIST    stacks, booted in this order (default "kernel xvs")
#   -r N       rounds: boot every stack N times, interleaved (default 1);
#              the table shows the median of each metric
#   -T LIST    scenarios (comma list, see rootfs/dom0/xvs/tests.sh) instead
#              of each stack's default set; STACK:NAME runs NAME on that
#              stack only (-T basic,perf,xvs:vlan)
#   -X LIST    leave these scenarios out of each stack's default set
#              (make check-xen: the ones too long for its budget)
#   -t SECS    limit per boot (default 1500)
#   -B SECS    time budget of the whole run (images included): a boot gets
#              at most what is left minus 300 s for each boot after it; a
#              boot stopped by it fails with "time budget", one that has
#              less than 120 s left is not started (make check-xen: 1800)
#   -D FILE    development: dom0 sources FILE in scenario "debug" (-T debug)
#   -c N       CPUs of the QEMU machine (default 2)
#   -C MODEL   QEMU CPU model (default "max"; "max,-erms,-fsrm" takes the
#              byte-at-a-time REP MOVSB/STOSB copies away from the guests'
#              kernels and libc, see tests/xen/README, "CPU model")
#   -P MODE    CPU placement: "pin" (default) gives dom0 1 vCPU pinned to
#              CPU 0 and runs every guest on the other CPUs, "share" lets
#              dom0 (2 vCPUs) and guests share all CPUs (the lab's default;
#              far more TCG crashes, see README)
#
# Results: one line per scenario (PASS/FAIL), the comparison table, and as
# the last line "xen: N passed, M failed" (scenarios).  Exit status 0 only
# if every scenario of every boot passed.  In DIR:
#   summary.md           results + comparison table (markdown, for README)
#   results.txt          every CHECK / METRIC / RESULT line of every boot
#   <stack>-<round>/     serial.log (Xen + dom0 console), share/ (scenario
#                        logs sc-*.log, guest consoles, xvsd.log, dmesg),
#                        fail-<scenario>.txt (serial excerpt + scenario log
#                        of each failed scenario)
# Images are cached in ${XVS_XEN_CACHE:-/var/cache/xvs-xen} (build-images.sh).
# Needs: Debian 12 host, root (9p share), qemu-system-x86, cpio, xz-utils, gcc.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${XVS_XEN_CACHE:-/var/cache/xvs-xen}
OUT="" STACKS="kernel xvs" ROUNDS=1 TESTS="" LIMIT=1500 DEBUG="" NCPU=2 PLACE=pin BUDGET="" SKIPT="" CPUMODEL=max
while getopts "o:s:r:T:t:D:c:C:P:B:X:h" o; do
    case $o in
        o) OUT=$OPTARG;; s) STACKS=$OPTARG;; r) ROUNDS=$OPTARG;; T) TESTS=$OPTARG;;
        t) LIMIT=$OPTARG;; B) BUDGET=$OPTARG;; X) SKIPT=$OPTARG;; D) DEBUG=$OPTARG;; c) NCPU=$OPTARG;; P) PLACE=$OPTARG;;
        C) CPUMODEL=$OPTARG;;
        *) sed -n '2,/^set -uo/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 2;;
    esac
done
shift $((OPTIND - 1))
BUILDDIR=${1:-${BUILD_DIR:-$TOP/_build}}
OUT=${OUT:-/tmp/xvs-xen/run-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
case $OUT in *,*) echo "run.sh: the output directory must not contain a comma" >&2; exit 2;; esac
command -v qemu-system-x86_64 >/dev/null || { echo "run.sh: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; exit 1; }
T_START=$(date +%s)
log() { echo "[xen] $*" >&2; }

# ------------------------------------------------------------- images
IMG=$OUT/images
"$HERE/build-images.sh" -o "$IMG" "$BUILDDIR" 2> >(tee "$OUT/build-images.log" >&2)
brc=$?
XVS_ERR=""
case $brc in
    0) ;;
    3) XVS_ERR=$(sed -n 's/^\[images\] //p' "$OUT/build-images.log" | tail -1)
       XVS_ERR=${XVS_ERR:-xvsd not built: run make first};;
    *) log "building the images failed (rc $brc), see $OUT/build-images.log"; exit 1;;
esac
BASE=$CACHE/base

# ------------------------------------------------------------- one boot
# boot STACK DIR: boot Xen + dom0 with STACK, run the scenarios; the serial
# console goes to DIR/serial.log, dom0 writes its evidence to DIR/share.
boot() {
    local stack=$1 d=$2 limit=$3 xen_cmd d0_cmd mods qpid rc="" t0 tests
    mkdir -p "$d/share"
    [ -n "$DEBUG" ] && cp "$DEBUG" "$d/share/debug.sh"
    if [ "$stack" = xvs ]; then
        cat "$BASE/dom0-base.cpio" "$IMG/common.cpio" "$IMG/xvs.cpio" > "$d/initrd.cpio"
    else
        cat "$BASE/dom0-base.cpio" "$IMG/common.cpio" > "$d/initrd.cpio"
    fi
    # Xen: smap=0 (with SMAP, Xen's accesses to PV guest memory fault under
    # TCG and dom0 dies at its first bounce frame); dom0 has 2 vcpus and
    # 768 MB, guests get the rest of the 2 GB.
    xen_cmd="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all console_timestamps=boot"
    xen_cmd+=" smap=0 dom0_mem=768M,max:768M vga=none"
    d0_cmd="console=hvc0 earlyprintk=xen loglevel=6 xvs.stack=$stack xvs.9p=1"
    if [ "$PLACE" = pin ]; then
        xen_cmd+=" dom0_max_vcpus=1 dom0_vcpus_pin"; d0_cmd+=" xvs.guestcpus=$([ "$NCPU" = 2 ] && echo 1 || echo 1-$((NCPU - 1)))"
    else
        xen_cmd+=" dom0_max_vcpus=$NCPU"
    fi
    [ -n "$TESTS" ] && d0_cmd+=" xvs.tests=$TESTS"
    [ -n "$SKIPT" ] && d0_cmd+=" xvs.skip=$SKIPT"
    # XVS_HOSTILE=1,6,...: only these attacks of scenario hostile (sc-hostile.sh)
    [ -n "${XVS_HOSTILE:-}" ] && d0_cmd+=" xvs.hostile=$XVS_HOSTILE"
    # XVS_HOSTILE_FAULT=segv: the first start of guest-evilfront in each
    # attack segfaults, to test the scenario's recovery (sc-hostile.sh)
    [ -n "${XVS_HOSTILE_FAULT:-}" ] && d0_cmd+=" xvs.hostile_fault=$XVS_HOSTILE_FAULT"
    mods="$BASE/vmlinuz ${d0_cmd//,/,,},$d/initrd.cpio"      # multiboot: "," is ",,"
    local q=(qemu-system-x86_64 -accel tcg,thread=multi -cpu "$CPUMODEL" -smp "$NCPU" -m 2048 -machine pc
             -vga none -display none -monitor none -nic none -no-reboot
             -kernel "$BASE/xen" -append "$xen_cmd" -initrd "$mods"
             -virtfs "local,path=$d/share,mount_tag=xvsout,security_model=none,id=xvsout"
             -serial "file:$d/serial.log")
    printf '%q ' "${q[@]}" > "$d/qemu-cmdline.txt"
    log "boot $stack -> $d"
    t0=$(date +%s)
    "${q[@]}" < /dev/null > "$d/qemu.out" 2>&1 &
    qpid=$!
    while kill -0 $qpid 2>/dev/null; do
        if [ $(( $(date +%s) - t0 )) -ge "$limit" ]; then
            log "boot $stack: no end after ${limit}s: stopping QEMU"; kill $qpid
            rc=timeout; [ "$limit" -lt "$LIMIT" ] && rc="time-budget"; break
        fi
        sleep 2
        grep -a -q '^XVSLAB: DONE' "$d/serial.log" 2>/dev/null && { sleep 5; kill $qpid 2>/dev/null; break; }
    done
    wait $qpid 2>/dev/null
    tr -d '\r' < "$d/serial.log" > "$d/serial.txt"
    echo "$(( $(date +%s) - t0 ))" > "$d/walltime"
    rm -f "$d/initrd.cpio"
    grep -a '^XVSLAB: ' "$d/serial.txt" | grep -a -E 'RESULT|CHECK .* FAIL|STACK-ERROR|CRASHES|DONE' | sed 's/^/    /' >&2
    [ -z "$rc" ] && ! grep -a -q '^XVSLAB: DONE' "$d/serial.txt" && rc=died
    echo "${rc:-done}" > "$d/end"
}

# ------------------------------------------------------------- the boots
NBOOTS=0; for ((r = 1; r <= ROUNDS; r++)); do for s in $STACKS; do NBOOTS=$((NBOOTS + 1)); done; done
for ((r = 1; r <= ROUNDS; r++)); do
    for s in $STACKS; do
        d=$OUT/$s-$r
        rm -rf "$d"; mkdir -p "$d"
        if [ "$s" = xvs ] && [ -n "$XVS_ERR" ]; then
            log "xvs: $XVS_ERR"
            echo "XVSLAB: RESULT xvs setup FAIL checks=1 failed=1 time=0s" > "$d/serial.txt"
            echo "XVSLAB: EVIDENCE xvs setup | $XVS_ERR" >> "$d/serial.txt"
            echo "setup" > "$d/end"
            continue
        fi
        lim=$LIMIT
        if [ -n "$BUDGET" ]; then
            left=$((BUDGET - ($(date +%s) - T_START) - 300 * (NBOOTS - 1)))
            [ $left -lt $lim ] && lim=$left
            if [ $lim -lt 120 ]; then
                log "$s: not booted: the time budget of ${BUDGET}s is used up"
                echo "time-budget" > "$d/end"; echo 0 > "$d/walltime"; : > "$d/serial.txt"
                NBOOTS=$((NBOOTS - 1)); continue
            fi
        fi
        NBOOTS=$((NBOOTS - 1))
        boot "$s" "$d" "$lim"
    done
done

# ------------------------------------------------------------- results
: > "$OUT/results.txt"
NPASS=0 NFAIL=0
declare -A MET
for d in "$OUT"/*-[0-9]*/; do
    d=${d%/}; b=${d##*/}; s=${b%-*}
    [ -f "$d/serial.txt" ] || continue
    grep -a -o 'XVSLAB: \(CHECK\|METRIC\|RESULT\|CRASHES\|EVIDENCE\|STACK-ERROR\).*' "$d/serial.txt" |
        sed "s/^XVSLAB: /$b /" >> "$OUT/results.txt"
    end=$(cat "$d/end" 2>/dev/null)
    nres=$(grep -a -c '^XVSLAB: RESULT ' "$d/serial.txt")
    if [ "$end" != done ] && [ "$end" != setup ]; then
        # the VM timed out or died: that is a failure of its own, with the
        # tail of the console and what QEMU itself said (e.g. a bad -C model)
        why=""; [ -s "$d/qemu.out" ] && why="; QEMU: $(grep -a -m1 . "$d/qemu.out" | cut -c1-200)"
        echo "$b boot FAIL ($end after $(cat "$d/walltime")s$why; last console lines in fail-boot.txt)" >> "$OUT/results.txt"
        { tail -60 "$d/serial.txt"; [ -s "$d/qemu.out" ] && { echo "== qemu.out"; tail -20 "$d/qemu.out"; }; } > "$d/fail-boot.txt"
        NFAIL=$((NFAIL + 1))
    fi
    [ "$end" = done ] && [ "$nres" = 0 ] && { echo "$b boot FAIL (no scenario ran)" >> "$OUT/results.txt"; NFAIL=$((NFAIL + 1)); }
    while read -r _ _ st sc v rest; do
        if [ "$v" = PASS ]; then NPASS=$((NPASS + 1)); else
            NFAIL=$((NFAIL + 1))
            # evidence of a failed scenario: its serial excerpt and its log
            { echo "== serial log excerpt ($b, scenario $sc)"
              sed -n "/XVSLAB: BEGIN $st $sc\$/,/XVSLAB: RESULT $st $sc /p" "$d/serial.txt" | grep -a -v '^\s*$' | tail -300
              [ "$sc" = setup ] && grep -a 'EVIDENCE' "$d/serial.txt"
              echo; echo "== scenario log share/sc-$st-$sc.log"
              cat "$d/share/sc-$st-$sc.log" 2>/dev/null | tail -300
            } > "$d/fail-$sc.txt"
        fi
    done < <(grep -a '^XVSLAB: RESULT ' "$d/serial.txt")
    while read -r _ _ st name val unit; do
        MET[$st/$name]+="$val "; MET[unit/$name]=$unit
    done < <(grep -a '^XVSLAB: METRIC ' "$d/serial.txt")
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{if(NR==0) exit; if(NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
{
    echo "## xvs on real Xen (Xen 4.17 under QEMU TCG, Debian 6.1 PV guests)"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%MZ), $ROUNDS round(s), stacks: $STACKS, QEMU -cpu $CPUMODEL; project $(git -C "$TOP" describe --always --dirty 2>/dev/null)."
    echo
    echo "| stack | scenario | result | checks |"
    echo "|---|---|---|---|"
    grep -a ' RESULT ' "$OUT/results.txt" | while read -r b _ st sc v ch fl t; do
        echo "| $b | $sc | $v | ${ch#checks=}, failed ${fl#failed=}, ${t#time=} |"
    done
    grep -a ' boot FAIL' "$OUT/results.txt" | sed 's/^\([^ ]*\) boot FAIL \(.*\)/| \1 | boot | FAIL | \2 |/'
    echo
    echo "Same-run comparison (median of $ROUNDS; under TCG only same-run ratios mean anything):"
    echo
    echo "| metric | kernel netback + bridge | xvs | xvs / kernel |"
    echo "|---|---|---|---|"
    names=$(for k in "${!MET[@]}"; do case $k in kernel/*|xvs/*) echo "${k#*/}";; esac; done | sort -u)
    for n in $names; do
        u=${MET[unit/$n]}
        k=$(echo "${MET[kernel/$n]:-}" | median); x=$(echo "${MET[xvs/$n]:-}" | median)
        ratio=""
        [ -n "$k" ] && [ -n "$x" ] && ratio=$(awk -v a="$x" -v b="$k" 'BEGIN{ if (b > 0) printf "%.2f", a / b }')
        hint=""; case $u in s|ms) hint=" (lower is better)";; esac; case $n in *per_kframe*|*cpu*) hint=" (lower is better)";; lab_*) hint=" (boot speed: above 1 = xvs's boot ran slower)";; esac
        echo "| $n ($u)$hint | ${k:--} | ${x:--} | ${ratio:--} |"
    done
    echo
    grep -a ' CRASHES ' "$OUT/results.txt" | while read -r b _ st rest; do
        echo "- TCG flakiness seen in $b (segfaults counted in dmesg/consoles, retried xl creates, console kicks): $rest"
    done
    echo
    echo "Total: $NPASS scenario(s) passed, $NFAIL failed; wall time $(( $(date +%s) - T_START )) s."
} > "$OUT/summary.md"

echo
cat "$OUT/summary.md"
echo
grep -a ' CHECK .* FAIL \| boot FAIL' "$OUT/results.txt" | sed 's/^/FAILED: /'
for f in "$OUT"/*/fail-*.txt; do [ -e "$f" ] && echo "evidence: $f"; done
echo "output: $OUT"
echo "xen: $NPASS passed, $NFAIL failed"
[ $NFAIL = 0 ]
