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
sc_cost='best=; for k in 1 2 3; do a=$EPOCHREALTIME; dd if=/dev/zero of=/dev/null bs=1 count='$N' 2>/dev/null; b=$EPOCHREALTIME; a=${a/./}; b=${b/./}; d=$((b - a)); [ -z "$best" ] || [ $d -lt $best ] && best=$d; done; echo "syscall_ns=$((best * 1000 / (2 * '$N')))"; best=; for k in 1 2 3; do a=$EPOCHREALTIME; dd if=/dev/zero of=/dev/null bs=65536 count=64 2>/dev/null; b=$EPOCHREALTIME; a=${a/./}; b=${b/./}; d=$((b - a)); [ -z "$best" ] || [ $d -lt $best ] && best=$d; done; echo "copy64k_us=$((best / 128))"'
out=$(bash -c "$sc_cost" 2>&1); note "dom0: $out"
[[ $out =~ syscall_ns=([0-9]+) ]] && metric syscall_ns_dom0 "${BASH_REMATCH[1]}" ns
[[ $out =~ copy64k_us=([0-9]+) ]] && metric read_write_64k_us_dom0 "${BASH_REMATCH[1]}" us
gxr domU1 60 "$sc_cost"; note "domU1: $GX_OUT"
[[ $GX_OUT =~ syscall_ns=([0-9]+) ]] && metric syscall_ns_domU1 "${BASH_REMATCH[1]}" ns
[[ $GX_OUT =~ copy64k_us=([0-9]+) ]] && metric read_write_64k_us_domU1 "${BASH_REMATCH[1]}" us
ok "syscall cost measured"
