#!/bin/bash
# run.sh: runs the network namespace integration tests (as root) one after
# another, each bounded by IT_TIMEOUT seconds, and prints a summary:
#   per test its result line, then "netns: N passed, N failed" counting
#   checks (a test that dies before its summary counts as one failure).
# Usage: run.sh [TEST...]   (default: every executable t-*.sh here; a test
# without such a summary line counts as one check, passed if it exits 0.
# The ports helper's test-ports.sh runs in `make check` instead.)
# Environment: XVSD, XVSCTL (see lib.sh), IT_TIMEOUT (default 240).
set -u
here=$(cd "$(dirname "$0")" && pwd)
IT_TIMEOUT=${IT_TIMEOUT:-240}

if [ $# -gt 0 ]; then
    tests=("$@")
else
    tests=()
    for t in "$here"/t-*.sh; do
        [ -f "$t" ] && [ -x "$t" ] && tests+=("$t")
    done
fi

total_pass=0 total_fail=0 failed_tests=()
for t in "${tests[@]}"; do
    name=$(basename "$t" .sh)
    [ -f "$t" ] || t=$here/$name.sh
    echo "=== $name"
    start=$(date +%s)
    out=$(timeout --kill-after=10 "$IT_TIMEOUT" bash "$t" 2>&1)
    rc=$?
    echo "$out"
    summary=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" <<<"$out" | tail -n 1)
    if [ -n "$summary" ]; then
        p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/' <<<"$summary")
        f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/' <<<"$summary")
    elif [ $rc = 0 ]; then
        p=1 f=0
    else
        p=0 f=1
        [ $rc = 124 ] && echo "$name: TIMEOUT after $IT_TIMEOUT s" || echo "$name: exit status $rc"
    fi
    [ $rc != 0 ] && [ "$f" = 0 ] && f=1
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
    [ "$f" != 0 ] && failed_tests+=("$name")
    echo "=== $name: $([ "$f" = 0 ] && echo PASS || echo FAIL) ($p passed, $f failed, $(( $(date +%s) - start )) s)"
done

echo
[ ${#failed_tests[@]} -gt 0 ] && echo "netns: failing tests: ${failed_tests[*]}"
echo "netns: $total_pass passed, $total_fail failed"
[ $total_fail = 0 ]
