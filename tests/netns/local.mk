# tests/netns/local.mk: integration tests in network namespaces (root).
# Not part of `make check` (they need root, namespaces and a few seconds per
# test); run them with `make check-netns` (scripts/test-all.sh does).
NETNS_TESTS = tests/netns/t-forward.sh tests/netns/t-ageing.sh \
	tests/netns/t-fdb.sh tests/netns/t-vlan.sh tests/netns/t-reload.sh \
	tests/netns/t-ctl.sh
EXTRA_DIST += tests/netns/lib.sh tests/netns/run.sh $(NETNS_TESTS)

check-netns: all
	XVSD=$(abs_top_builddir)/daemon/xvsd XVSCTL=$(abs_top_builddir)/ctl/xvsctl \
	  $(SHELL) $(top_srcdir)/tests/netns/run.sh
.PHONY: check-netns
