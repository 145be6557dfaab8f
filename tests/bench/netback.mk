# tests/bench/netback.mk: netback benchmark on the sim (owner: netback).
# Include from tests/bench/local.mk.  `make bench-netback`.
EXTRA_DIST += tests/bench/netback-bench.sh

bench-netback: all
	$(SHELL) $(top_srcdir)/tests/bench/netback-bench.sh $(abs_top_builddir)
bench: bench-netback
.PHONY: bench-netback
