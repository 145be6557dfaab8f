# debug-syscall.sh: what one system call costs in this lab, in dom0 (a PV
# dom0: each user/kernel crossing goes through Xen) and in a PV domU, for
# run.sh -D (tests/xen/README, Comparison):
#   tests/xen/run.sh -s xvs -T basic,debug -D tests/xen/debug-syscall.sh BUILD
# dd with bs=1 makes one read and one write per byte: N bytes, 2N calls.
# Also 64 reads of 64 KiB from /dev/zero, each followed by a write to
# /dev/null (copy cost: copy64k_us is the time per call of the 128); xvsd's
# own CPU per frame is in debug-tcp.sh.  Each figure is the best of 3 (TCG noise).
need_guests domU1 || return
N=20000
# best_us CMD: the shortest of 3 runs of CMD, in microseconds
sc_cost='best_us() { local k a b d; best=; for k in 1 2 3; do a=$EPOCHREALTIME; "$@" 2>/dev/null; b=$EPOCHREALTIME; a=${a/./}; b=${b/./}; d=$((b - a)); [ -z "$best" ] || [ $d -lt $best ] && best=$d; done; }; best_us dd if=/dev/zero of=/dev/null bs=1 count='$N'; echo "syscall_ns=$((best * 1000 / (2 * '$N')))"; best_us dd if=/dev/zero of=/dev/null bs=65536 count=64; echo "copy64k_us=$((best / 128))"'
out=$(bash -c "$sc_cost" 2>&1); note "dom0: $out"
# Which string-copy features the guests' kernels see (QEMU -cpu, run.sh -C):
# with erms/fsrm they copy with REP MOVSB, one byte per emulated iteration.
note "dom0 CPU flags: $(grep -m1 '^flags' /proc/cpuinfo | grep -ow 'erms\|fsrm\|rep_good' | tr '\n' ' ')"
gxr domU1 60 "$sc_cost"; note "domU1: $GX_OUT"
for where in dom0 domU1; do
    [ $where = dom0 ] && o=$out || o=$GX_OUT
    [[ $o =~ syscall_ns=([0-9]+) ]] && metric syscall_ns_$where "${BASH_REMATCH[1]}" ns
    [[ $o =~ copy64k_us=([0-9]+) ]] && metric read_write_64k_us_$where "${BASH_REMATCH[1]}" us
done
ok "syscall cost measured"
