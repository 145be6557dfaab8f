#!/bin/bash
# test-all.sh: every test of xvs, from a fresh checkout, as root on Debian 12.
#
#   1. dependencies (scripts/setup-deps.sh)
#   2. build: autoreconf, configure --enable-werror, make -j2 (in _build/)
#   3. unit tests: make check (CUnit, xvsctl against a fake daemon, ...)
#   4. make install into a scratch directory: every installed file present
#   5. the README's demo (scripts/demo.sh) runs and pings through xvsd
#   6. integration tests in network namespaces: make check-netns
#   7. the optional suites other parts of the tree define, if their make
#      target exists: check-sim (simulated hypervisor), check-fuzz (short
#      libFuzzer runs, needs --enable-fuzzing builds), check-xen (real Xen
#      under QEMU), check-netns-harden (hostile inputs, trust boundaries)
#   7. the suite under ASan/UBSan (scripts/check-sanitizers.sh) and a daemon
#      life cycle under valgrind (scripts/valgrind-lifecycle.sh)
#
# Every step runs even if an earlier one failed (unless the build failed);
# the last line is "test-all: N passed, N failed" (test counts), and the
# exit status is non-zero if anything failed.
# Environment: BUILD_DIR (default _build), SKIP_DEPS=1, SKIP="netns xen ..."
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$top/_build}
SKIP=${SKIP:-}
JOBS=${JOBS:-2}

passed=0 failed=0 steps=() step_start=$SECONDS
record() {   # record STEP PASSED FAILED (and the seconds since the last record)
    passed=$((passed + $2)); failed=$((failed + $3))
    steps+=("$(printf '%-12s %s (%d passed, %d failed) %5d s' "$1" "$([ "$3" = 0 ] && echo PASS || echo FAIL)" "$2" "$3" $((SECONDS - step_start)))")
    step_start=$SECONDS
}
banner() { echo; echo "######## $*"; }
skipped() { [[ " $SKIP " == *" $1 "* ]]; }
summary() {
    banner "summary"
    printf '%s\n' "${steps[@]}"
    echo "test-all: $passed passed, $failed failed, $SECONDS s"
    [ "$failed" = 0 ]
    exit
}

if [ "${SKIP_DEPS:-0}" != 1 ]; then
    banner "dependencies"
    if "$top/scripts/setup-deps.sh"; then record deps 1 0; else record deps 0 1; summary; fi
fi

banner "build"
(
    set -e
    cd "$top"
    autoreconf -fi
    mkdir -p "$BUILD_DIR"
    cd "$BUILD_DIR"
    "$top/configure" --enable-werror
    make -j"$JOBS"
) && record build 1 0 || { record build 0 1; summary; }

banner "unit tests (make check)"
make -C "$BUILD_DIR" -j"$JOBS" check
rc=$?
log=$BUILD_DIR/test-suite.log
if [ -f "$log" ]; then
    p=$(awk '/^# PASS:/ {s += $3} END {print s + 0}' "$log")
    f=$(awk '/^# (FAIL|ERROR|XPASS):/ {s += $3} END {print s + 0}' "$log")
    [ "$f" = 0 ] || head -n 300 "$log"    # the logs of the failing tests
else
    p=0 f=0
fi
[ $rc != 0 ] && [ "${f:-0}" = 0 ] && f=1
record unit "${p:-0}" "${f:-0}"

banner "install (make install DESTDIR=...)"
dest=$(mktemp -d /tmp/xvs-install.XXXXXX)
if make -C "$BUILD_DIR" install DESTDIR="$dest" >"$dest.log" 2>&1; then
    missing=0
    for f in sbin/xvsd sbin/xvsctl share/man/man8/xvsd.8 share/man/man8/xvsctl.8 \
             share/man/man5/xvs.conf.5; do
        [ -e "$dest/usr/local/$f" ] || { echo "not installed: /usr/local/$f"; missing=$((missing + 1)); }
    done
    [ -n "$(find "$dest" -name 'xvsd.service')" ] || { echo "not installed: xvsd.service"; missing=$((missing + 1)); }
    [ -n "$(find "$dest" -path '*xvs/xvs.conf*')" ] || { echo "not installed: example xvs.conf"; missing=$((missing + 1)); }
    find "$dest" -type f | sed "s|^$dest||" | sort
    [ $missing = 0 ] && record install 1 0 || record install 0 "$missing"
else
    tail -n 30 "$dest.log"; record install 0 1
fi
rm -rf "$dest" "$dest.log"

if ! skipped demo; then
    banner "demo (scripts/demo.sh)"
    out=$(BUILD_DIR=$BUILD_DIR timeout 120 "$top/scripts/demo.sh" </dev/null 2>&1); rc=$?
    echo "$out"
    # g1 -> g2 and g2 -> host port must answer: two "0% packet loss" lines.
    if [ $rc = 0 ] && [ "$(grep -c ' 0% packet loss' <<<"$out")" -ge 2 ]; then
        record demo 1 0
    else
        echo "demo failed (exit $rc)"; record demo 0 1
    fi
fi

if ! skipped netns; then
    banner "integration tests in network namespaces (make check-netns)"
    out=$(make -C "$BUILD_DIR" check-netns 2>&1); rc=$?
    echo "$out"
    line=$(grep -E '^netns: [0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -n 1)
    p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    [ -z "$line" ] && p=0 f=1
    [ $rc != 0 ] && [ "$f" = 0 ] && f=1
    record netns "$p" "$f"
fi

for suite in sim netns-harden fuzz xen; do
    skipped $suite && continue
    # Only if some fragment of the tree defines the target.
    grep -q "^check-$suite:" "$BUILD_DIR/Makefile" 2>/dev/null || continue
    banner "check-$suite"
    out=$(make -C "$BUILD_DIR" "check-$suite" 2>&1); rc=$?
    echo "$out"
    line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    else
        p=$([ $rc = 0 ] && echo 1 || echo 0); f=$([ $rc = 0 ] && echo 0 || echo 1)
    fi
    [ $rc != 0 ] && [ "$f" = 0 ] && f=1
    record "$suite" "$p" "$f"
done

# Script-driven suites: the tree again with ASan/UBSan (make check and the
# netns suites with sanitized binaries), and a whole daemon life under
# valgrind.  Each prints "NAME: N passed, N failed" last.
for suite in sanitizers valgrind; do
    skipped $suite && continue
    case $suite in
        sanitizers) script=$top/scripts/check-sanitizers.sh ;;
        valgrind)   script=$top/scripts/valgrind-lifecycle.sh ;;
    esac
    banner "$suite ($(basename "$script"))"
    if [ $suite = valgrind ]; then
        out=$(XVSD="$BUILD_DIR/daemon/xvsd" XVSCTL="$BUILD_DIR/ctl/xvsctl" \
              SIMBIN="$BUILD_DIR/tests/sim" "$script" 2>&1); rc=$?
    else
        out=$("$script" 2>&1); rc=$?
    fi
    echo "$out" | tail -n 200
    line=$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed$" <<<"$out" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    else
        p=0 f=1
    fi
    [ $rc != 0 ] && [ "$f" = 0 ] && f=1
    record "$suite" "$p" "$f"
done

summary
