#!/bin/bash
# demo-xen.sh: builds xvs (if needed), boots the real-Xen lab of tests/xen
# (Xen 4.17 + a Debian 12 PV dom0 under QEMU TCG, images made from Debian
# packages and cached in /var/cache/xvs-xen) with xvsd serving the vifs,
# creates two stock-netfront PV guests with vif=['bridge=xenbr0,...'] and
# shows them talking through xvsd:
#
#     domU1 (169.254.77.2) ─┐
#                           ├─ xvsd bridge xenbr0 ── host port xenbr0 (dom0, 169.254.77.1)
#     domU2 (169.254.77.3) ─┘
#
# It prints `xvsctl show`, `xl list`, pings, `xvsctl fdb-show xenbr0`,
# iperf3 between the guests and `xvsctl port-stats`.  As root; a few
# minutes (the first run also downloads the Debian packages, ~90 MB).
# The whole run (serial log, guest consoles, xvsd.log) stays in
# ${XVS_DEMO_OUT:-/tmp/xvs-demo-xen}.  Exit status 0 if every check passed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$top/_build}
OUT=${XVS_DEMO_OUT:-/tmp/xvs-demo-xen}
[ "$(id -u)" = 0 ] || { echo "demo-xen.sh: run me as root (QEMU, image building)" >&2; exit 1; }

if [ ! -x "$BUILD_DIR/daemon/xvsd" ] || [ ! -x "$BUILD_DIR/ctl/xvsctl" ]; then
    echo "## building xvs in $BUILD_DIR"
    (cd "$top" && autoreconf -fi >/dev/null 2>&1) || { echo "demo-xen.sh: autoreconf failed" >&2; exit 1; }
    mkdir -p "$BUILD_DIR"
    (cd "$BUILD_DIR" && "$top/configure" -q && make -j2 >/dev/null) ||
        { echo "demo-xen.sh: the build failed" >&2; exit 1; }
fi

echo "## booting Xen 4.17 + dom0 under QEMU (TCG) with xvsd; log: $OUT.log"
rm -rf "$OUT"; mkdir -p "$OUT"
"$top/tests/xen/run.sh" -s xvs -T demo -t 900 -o "$OUT" "$BUILD_DIR" > "$OUT.log" 2>&1 &
rpid=$!
trap 'kill $rpid 2>/dev/null' INT TERM
# Follow the serial console: dom0's progress and the demo's output.
tail -F -n +1 --pid=$rpid "$OUT/xvs-1/serial.log" 2>/dev/null |
    sed -u -n -e 's/\r$//' -e 's/^XVSLAB: DEMO \{0,1\}//p' \
               -e 's/^XVSLAB: \[[0-9.]*\] \(dom0 userspace.*\|xvsd ready\|stack .* up\|STACK-ERROR.*\)/## dom0: \1/p' \
               -e 's/^XVSLAB: CHECK xvs demo \(FAIL.*\)/## \1/p'
wait $rpid
rc=$?
echo
grep -a -E '^(xen:|FAILED:|evidence:)' "$OUT.log"
[ $rc = 0 ] && echo "## demo done: two netfront guests on xvsd, every check passed" ||
    echo "## demo failed (rc $rc): see $OUT.log and $OUT/xvs-1/"
exit $rc
