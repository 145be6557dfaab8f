# tests/bench/local.mk: benchmarks (reported, not pass/fail).  `make bench`
# runs them all; each fragment adds its own target as a prerequisite.
include tests/bench/switch.mk
EXTRA_DIST += tests/bench/forward-bench.sh

# xvsd vs Linux bridge vs OVS userspace between veth namespaces (root).
bench-forward: all
	XVSD=$(abs_top_builddir)/daemon/xvsd $(SHELL) $(top_srcdir)/tests/bench/forward-bench.sh
bench: bench-forward
.PHONY: bench bench-forward
