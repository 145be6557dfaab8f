#!/bin/bash
# fuzz-all.sh: runs every libFuzzer target of xvs, one after another, and
# reports executions and crashes per target.  docs/fuzzing.md says more.
#
# Targets are found, not listed: every executable named fuzz-* (no dot in
# the name) in the fuzzing build tree.  Per target NAME ("fuzz-" + STEM):
#   seeds       tests/fuzz/corpus/STEM/        (read only, if present)
#   dictionary  tests/fuzz/STEM.dict           (if present)
#   work        $FUZZ_WORK/NAME/corpus/        (what the fuzzer adds)
#   findings    $FUZZ_WORK/NAME/crash-*, leak-*, timeout-*, oom-*
#
# Modes:
#   short (CI, default)  FUZZ_TIME seconds per target (default 60)
#   long                 FUZZ_RUNS=10000000 scripts/fuzz-all.sh [TARGET...]
#                        that many executions per target, at nice 19, no
#                        time limit unless FUZZ_TIME is given too; each
#                        result is also appended to $FUZZ_WORK/results.txt.
#
# Usage: fuzz-all.sh [TARGET...]     (names or stems; default: all found)
# Environment:
#   FUZZ_BUILD_DIR  a tree configured with --enable-fuzzing CC=clang; by
#                   default build-fuzz/ at the top, configured and built
#                   here if needed (`make` is always run in it)
#   FUZZ_NO_BUILD=1 run the targets already built in FUZZ_BUILD_DIR as they are
#   FUZZ_WORK       default $FUZZ_BUILD_DIR/fuzz-work
#   FUZZ_NICE       default 19 in long mode, 0 in short mode
#   FUZZ_OPTS       more libFuzzer options, e.g. "-max_len=8192"
#   ASAN_OPTIONS    added to "malloc_context_size=0" while fuzzing: a report
#                   then lacks the stacks of where memory was allocated and
#                   freed (finds the same bugs, about 15 % faster: no stack
#                   walk per malloc); the finding is reproduced at the end
#                   with the full stacks
#   JOBS            make -j (default 2)
# Output: one line per target, "fuzz: N passed, N failed" last (targets);
# exit status 1 if any target crashed, leaked, hung or could not run, or if
# no target was found.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${FUZZ_BUILD_DIR:-$top/build-fuzz}
JOBS=${JOBS:-2}
LONG=0
[ -n "${FUZZ_RUNS:-}" ] && LONG=1
NICE=${FUZZ_NICE:-$([ $LONG = 1 ] && echo 19 || echo 0)}

die() { echo "fuzz-all: $*"; echo "fuzz: 0 passed, 1 failed"; exit 1; }

if [ "${FUZZ_NO_BUILD:-0}" = 1 ]; then
    :                                   # run what is built (long runs of a frozen build)
elif ! command -v clang >/dev/null; then
    die "clang is missing (scripts/setup-deps.sh)"
else
if [ ! -f "$B/Makefile" ]; then
    echo "fuzz-all: configuring a fuzzing build in $B"
    [ -x "$top/configure" ] || (cd "$top" && autoreconf -fi) || die "autoreconf failed"
    mkdir -p "$B"
    if ! (cd "$B" && "$top/configure" --enable-fuzzing CC=clang >configure.out 2>&1); then
        tail -n 20 "$B/configure.out"
        die "configure --enable-fuzzing CC=clang failed in $B"
    fi
fi
grep -q 'S\["ENABLE_FUZZING_TRUE"\]=""' "$B/config.status" \
    || die "$B is not configured with --enable-fuzzing CC=clang (set FUZZ_BUILD_DIR or remove it)"
make -C "$B" -j"$JOBS" >"$B/fuzz-make.out" 2>&1 \
    || { tail -n 30 "$B/fuzz-make.out"; die "build failed in $B"; }
fi

FUZZ_WORK=${FUZZ_WORK:-$B/fuzz-work}
mkdir -p "$FUZZ_WORK"
FUZZ_WORK=$(cd "$FUZZ_WORK" && pwd)

mapfile -t found < <(find "$B" -type f -perm -u+x -name 'fuzz-*' ! -name '*.*' | sort)
targets=()
for t in "${found[@]}"; do
    grep -q LLVMFuzzerTestOneInput "$t" 2>/dev/null || continue
    if [ $# -gt 0 ]; then
        n=$(basename "$t")
        for want in "$@"; do
            [ "$want" = "$n" ] || [ "fuzz-$want" = "$n" ] && targets+=("$t")
        done
    else
        targets+=("$t")
    fi
done
[ ${#targets[@]} -gt 0 ] || die "no fuzz target found in $B${*:+ matching $*}"

if [ $LONG = 1 ]; then
    limit=(-runs="$FUZZ_RUNS")
    [ -n "${FUZZ_TIME:-}" ] && limit+=(-max_total_time="$FUZZ_TIME")
    echo "fuzz-all: long run: $FUZZ_RUNS executions per target, nice $NICE"
else
    FUZZ_TIME=${FUZZ_TIME:-60}
    limit=(-max_total_time="$FUZZ_TIME")
    echo "fuzz-all: short run: $FUZZ_TIME s per target"
fi

pass=0 fail=0
commit=${FUZZ_COMMIT:-$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)}
for t in "${targets[@]}"; do
    name=$(basename "$t")
    stem=${name#fuzz-}
    dir=$FUZZ_WORK/$name
    mkdir -p "$dir/corpus"
    dirs=("$dir/corpus")
    [ -d "$top/tests/fuzz/corpus/$stem" ] && dirs+=("$top/tests/fuzz/corpus/$stem")
    # -reload=0: no other process adds to the corpus; libFuzzer's default
    # rereads (lists and stats) the whole corpus directory every second,
    # 4 % of fuzz-ctl's time with the 3241 files a long run left.
    opts=(-print_final_stats=1 -timeout=30 -rss_limit_mb=2048 -close_fd_mask=2
          -reload=0 -artifact_prefix="$dir/")
    [ -f "$top/tests/fuzz/$stem.dict" ] && opts+=(-dict="$top/tests/fuzz/$stem.dict")
    # Findings of earlier runs stay until someone looks at them; count new ones.
    touch "$dir/.started"
    log=$dir/last-run.log
    start=$(date +%s)
    wall=()
    [ $LONG = 0 ] && wall=(timeout --kill-after=10 $((FUZZ_TIME * 2 + 60)))
    # CPU time (user + system) of the run: on a shared machine the wall
    # time says little, executions per CPU second compare runs.
    TIMEFORMAT='%3U %3S'
    # shellcheck disable=SC2086
    { time ASAN_OPTIONS="malloc_context_size=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
        "${wall[@]}" nice -n "$NICE" "$t" "${opts[@]}" "${limit[@]}" ${FUZZ_OPTS:-} \
        "${dirs[@]}" >"$log" 2>&1 ; } 2>"$dir/.cpu"
    rc=$?
    secs=$(( $(date +%s) - start ))
    cpu=$(awk 'NF == 2 { printf "%d", $1 + $2 }' "$dir/.cpu")
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    mapfile -t new < <(find "$dir" -maxdepth 1 -type f -newer "$dir/.started" \
                       \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
                       -o -name 'oom-*' \) | sort)
    crashes=${#new[@]}
    rate=$([ "$secs" -gt 0 ] && echo $(( ${execs:-0} / secs )) || echo "${execs:-0}")
    line=$(printf '%-22s %10s execs %6d s %6s exec/s  cpu %s s  cov %-5s rss %4s MB  %d new finding(s)' \
           "$name" "${execs:-?}" "$secs" "$rate" "${cpu:-?}" "${cov:-?}" "${rss:-?}" "$crashes")
    if [ $rc = 0 ] && [ "$crashes" = 0 ] && [ -n "$execs" ]; then
        echo "PASS: $line"
        pass=$((pass + 1))
    else
        echo "FAIL: $line (exit $rc)"
        fail=$((fail + 1))
        # The finding, reproduced without -close_fd_mask so that the
        # target's own message shows too.
        grep -E '^(==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -n 8 | sed 's/^/    | /'
        for f in "${new[@]}"; do
            [ -f "$f" ] || continue
            echo "    reproduce: $t $f"
            timeout 60 "$t" "$f" 2>&1 | grep -vE '^INFO:|^Running|^Executed' | head -n 40 | sed 's/^/    | /'
            break
        done
    fi
    if [ $LONG = 1 ]; then
        printf '%s commit %s runs=%s %s\n' "$(date -u +%FT%TZ)" "$commit" "$FUZZ_RUNS" \
            "$line" >>"$FUZZ_WORK/results.txt"
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail = 0 ]
