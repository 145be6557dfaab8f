#!/bin/bash
# check-sanitizers.sh: the whole test suite with AddressSanitizer (leaks
# included) and UndefinedBehaviorSanitizer, as root.
#
#   1. configure --enable-sanitizers --enable-werror in its own build
#      directory (SAN_BUILD_DIR, default build-san/) and build;
#   2. make check (unit tests, xvsctl, the end-to-end socket test);
#   3. make check-netns: the network namespace suite, driving the
#      sanitized xvsd and xvsctl of that build (and any other netns
#      suites the tree defines: check-netns-harden);
#   4. every sanitizer report of any process (tests, xvsd, xvsctl) is
#      collected in $SAN_BUILD_DIR/sanitizer-logs/ and counts as a failure,
#      even when the test that ran the process passed.
#
# Environment: SAN_BUILD_DIR, JOBS (default 2), SKIP="netns" to leave out
# step 3, SAN_CC (compiler, default: configure's choice).
# Last line: "sanitizers: N passed, N failed" (steps + reports); exit
# status non-zero if anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${SAN_BUILD_DIR:-$top/build-san}
JOBS=${JOBS:-2}
SKIP=${SKIP:-}
passed=0 failed=0

ok() { echo "sanitizers: PASS: $*"; passed=$((passed + 1)); }
bad() { echo "sanitizers: FAIL: $*"; failed=$((failed + 1)); }
finish() { echo "sanitizers: $passed passed, $failed failed"; [ $failed = 0 ]; exit; }

echo "######## build with --enable-sanitizers in $B"
if (
    set -e
    [ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
    mkdir -p "$B"
    cd "$B"
    if [ ! -f Makefile ] || ! grep -q -- '-fsanitize=address' Makefile; then
        "$top/configure" --enable-sanitizers --enable-werror ${SAN_CC:+CC=$SAN_CC} >configure.out 2>&1 \
            || { tail -n 20 configure.out; exit 1; }
    fi
    make -j"$JOBS" >make.out 2>&1 || { tail -n 40 make.out; exit 1; }
); then ok "build"; else bad "build"; finish; fi

LOGS=$B/sanitizer-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
# Reports go to files (one per process) so that no test's output parsing is
# disturbed and none is lost; leaks make a process exit non-zero too.
# Quarantine 4 MB instead of 256: tests bound xvsd's memory under attack
# (test-xvsd-hostile.sh, h-ctl-abuse.sh), and the default quarantine alone
# grows it past their bounds; 4 MB still catches a use of a block freed
# shortly before.
export ASAN_OPTIONS="log_path=$LOGS/asan:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:quarantine_size_mb=4:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="log_path=$LOGS/ubsan:print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-}"
# The hostile-guest suite's throughput ratios are asserted by the plain run
# (make check); here they are printed only: ASan changes what each path
# costs, so a ratio would measure the instrumentation, not the containment.
export HOSTILE_RATIOS=report

# Every step that makes network namespaces runs in a mount namespace of its
# own with a private /run/netns: the suites' fixed namespace names
# (xvs-glue-*, xvs-it-N-*, ...) cannot collide with the same suites run at
# the same time by someone else on this machine.
mkdir -p /run/netns
private_netns() {
    # shellcheck disable=SC2016   # $@ is sh -c's
    unshare --mount --propagation private sh -c \
        'mount -t tmpfs xvs-san-netns /run/netns && exec "$@"' sh "$@"
}

echo "######## make check (sanitized)"
private_netns make -C "$B" -j"$JOBS" check >"$B/check.out" 2>&1
rc=$?
grep -E '^(PASS|FAIL|ERROR|XFAIL|XPASS|SKIP):|^# (TOTAL|PASS|FAIL|ERROR|SKIP):' "$B/check.out"
if [ $rc = 0 ]; then ok "make check"; else
    bad "make check"
    grep -lE '^:test-result: (FAIL|ERROR)' "$B"/tests/*/*.trs "$B"/ctl/*.trs 2>/dev/null | while read -r l; do
        l=${l%.trs}.log
        echo "--- $l"; tail -n 40 "$l"
    done
fi

if [[ " $SKIP " != *" netns "* ]]; then
    for target in check-netns check-netns-harden; do
        grep -q "^$target:" "$B/Makefile" || continue
        echo "######## make $target (sanitized xvsd and xvsctl)"
        private_netns make -C "$B" "$target" >"$B/$target.out" 2>&1
        rc=$?
        grep -E '^(=== |netns|harden|FAIL)|^    \| ' "$B/$target.out" | tail -n 80
        if [ $rc = 0 ]; then ok "$target"; else bad "$target (all output: $B/$target.out)"; fi
    done
fi

echo "######## sanitizer reports"
reports=$(find "$LOGS" -type f | sort)
if [ -z "$reports" ]; then
    ok "no sanitizer report from any process"
else
    for r in $reports; do
        echo "--- $r"
        head -n 60 "$r"
    done
    bad "$(echo "$reports" | wc -l) sanitizer report(s) in $LOGS"
fi
finish
