# tests/bench/netback.mk: netback benchmarks on the sim (owner: netback).
# Include from tests/bench/local.mk.
#   make bench-netback: the in-process benchmark (stable on a busy machine)
#     and the multi-process one (guests as separate processes);
#   make bench-syscalls: xvsd's system calls per frame (not part of bench:
#     it needs strace and root).
noinst_PROGRAMS += tests/bench/netback-bench
tests_bench_netback_bench_SOURCES = tests/bench/netback-bench.c tests/sim/simfront.c \
	tests/sim/simfront.h
tests_bench_netback_bench_LDADD = $(NETBACK_LIBS)
EXTRA_DIST += tests/bench/netback-bench.sh tests/bench/syscall-bench.sh

bench-netback: all
	$(abs_top_builddir)/tests/bench/netback-bench -r 5
	$(SHELL) $(top_srcdir)/tests/bench/netback-bench.sh $(abs_top_builddir)
bench: bench-netback
# xvsd's system calls per frame and per exchange on the sim (root, strace)
bench-syscalls: all
	$(SHELL) $(top_srcdir)/tests/bench/syscall-bench.sh $(abs_top_builddir)
.PHONY: bench-netback bench-syscalls
