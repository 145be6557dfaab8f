# tests/bench/local.mk: benchmarks (reported, not pass/fail).  `make bench`
# runs them all; each fragment adds its own target as a prerequisite.
include tests/bench/switch.mk
include tests/bench/netback.mk
EXTRA_DIST += tests/bench/forward-bench.sh

# xvsd vs Linux bridge vs OVS userspace between veth namespaces (root).
bench-forward: all
	XVSD=$(abs_top_builddir)/daemon/xvsd $(SHELL) $(top_srcdir)/tests/bench/forward-bench.sh
bench: bench-forward

# The switch core alone (tests/bench/switch.mk builds it).
bench-switch: all
	$(SHELL) $(top_srcdir)/tests/bench/switch-bench.sh $(abs_top_builddir)
bench: bench-switch
.PHONY: bench bench-forward bench-switch
