# debug-copycost.sh: what each way of moving 64 KiB into a guest's pages
# costs in this lab's PV dom0, for run.sh -D (tests/xen/README, Comparison):
#   tests/xen/run.sh -s "kernel xvs" -T basic,debug -D tests/xen/debug-copycost.sh BUILD
# /xvs/bin/dom0-copycost (tests/xen/dom0-copycost.c) on 16 pages of dom0's
# own, granted to itself: a CPU copy (xvsd's TAP read/write), a grant copy
# (xvsd's and netback's copy today), gntdev map + unmap (what reading from
# the TAP straight into mapped guest pages would cost instead of the grant
# copy), and map + copy + unmap.  Run twice: the second run shows the noise.
CC_OUT=""
for cc_run in 1 2; do
    o=$(/xvs/bin/dom0-copycost -i 200 2>&1); rc=$?
    note "dom0-copycost run $cc_run (rc $rc): $(echo $o)"
    [ $rc = 0 ] && CC_OUT=$o
done
if [ -z "$CC_OUT" ]; then bad "copy costs measured" "dom0-copycost failed" "$o"; return; fi
for k in syscall memcpy gcopy map_unmap map_copy; do
    [[ $CC_OUT =~ (^|[[:space:]])${k}_us=([0-9.]+) ]] && metric "cc_${k}_us" "${BASH_REMATCH[2]}" us
done
ok "copy costs measured ($(echo $CC_OUT | tr '\n' ' '))"
