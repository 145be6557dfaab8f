# debug-syscall.sh: what one system call costs in this lab, in dom0 (a PV
# dom0: each user/kernel crossing goes through Xen) and in a PV domU, for
# run.sh -D (tests/xen/README, Comparison):
#   tests/xen/run.sh -s xvs -T basic,debug -D tests/xen/debug-syscall.sh BUILD
# dd with bs=1 makes one read and one write per byte: N bytes, 2N calls.
# Also 64 reads of 64 KiB from /dev/zero, each followed by a write to
# /dev/null (copy cost: copy64k_us is the time per call of the 128); xvsd's
# own CPU per frame is in debug-tcp.sh.  Each figure is the best of 3 (TCG noise).
need_guests domU1 || return
lab_speed "" 20000
# Which string-copy features the guests' kernels see (QEMU -cpu, run.sh -C):
# with erms/fsrm they copy with REP MOVSB, one byte per emulated iteration.
note "dom0 CPU flags: $(grep -m1 '^flags' /proc/cpuinfo | grep -ow 'erms\|fsrm\|rep_good' | tr '\n' ' ')"
if [[ $LS_DOM0 == *copy64k_us=* && $LS_DOMU1 == *copy64k_us=* ]]; then ok "syscall cost measured"
else bad "syscall cost measured" "no figures" "dom0: $LS_DOM0 / domU1: $LS_DOMU1"; fi
