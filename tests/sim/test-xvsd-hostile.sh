#!/bin/sh
# Hostile guests against xvsd itself on the simulated hypervisor: every
# attack of issue 7 (bad rings, slot counts, sizes, grants, event storms,
# RX stalls, XSA-392/423/432 shapes, FDB exhaustion, forged MACs and IPs)
# while two victim guests run traffic through the same xvsd.  The attacks,
# the checks and how throughput and memory are measured are described in
# xvsd-hostile.py.  No root and no network namespace needed (the bridge
# has no host port and no uplink); under 2 minutes.
# KEEP=DIR keeps the run's files (xvsd's log, the guests' output).
TOP=${TOP:-$PWD}                        # make check runs from the top build dir
export TOP
for f in "$TOP/tests/sim/xvs-simfront" "$TOP/daemon/xvsd"; do
    [ -x "$f" ] || { echo "FAIL: $f not built (set TOP to the build directory)"; exit 1; }
done
command -v python3 >/dev/null || { echo "FAIL: python3 missing"; exit 1; }
exec python3 "$(dirname "$0")/xvsd-hostile.py"
