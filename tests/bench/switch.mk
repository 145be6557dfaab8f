# tests/bench/switch.mk: switch core benchmark (owner: switch).
noinst_PROGRAMS += tests/bench/switch-bench
tests_bench_switch_bench_SOURCES = tests/bench/switch-bench.c
tests_bench_switch_bench_LDADD = switch/libswitch.a lib/libxvsutil.a
EXTRA_DIST += tests/bench/switch-bench.sh
