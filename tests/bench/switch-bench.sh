#!/bin/sh
# switch-bench.sh: run the switch core benchmark (issue 3, 9a) and print
# its table.  Usage: tests/bench/switch-bench.sh [BUILDDIR] [switch-bench options]
# The numbers are frames/s on one core; on a shared machine take the best
# of several runs (-r) and look at the memcpy column to see how busy the
# machine was.
set -eu
builddir=${1:-_build}
[ $# -gt 0 ] && shift
bench="$builddir/tests/bench/switch-bench"
if [ ! -x "$bench" ]; then
    echo "switch-bench.sh: $bench not found: build first (make -C $builddir)" >&2
    exit 1
fi
# Bounded: 4 tests x REPEAT x SECONDS (default 5 x 0.3 s = 6 s).
exec "$bench" -r 5 -d 0.3 "$@"
