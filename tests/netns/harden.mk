# tests/netns/harden.mk (owner: harden): integration tests of hostile input
# and trust boundaries (h-*.sh: control socket root-only, bad netdevs, bad
# configuration files on SIGHUP, control socket abuse under traffic,
# address takeover after kill -9, the host port's TAP surviving kill -9).
# Root; run by `make check-netns-harden` with run.sh, in a mount namespace with a private /run/netns so that
# their namespaces cannot collide with a parallel run of the same tests.
HARDEN_NETNS = h-trust h-netdev h-reload h-ctl-abuse h-takeover h-hostport
EXTRA_DIST += tests/netns/h-trust.sh tests/netns/h-netdev.sh \
	tests/netns/h-reload.sh tests/netns/h-ctl-abuse.sh tests/netns/h-takeover.sh \
	tests/netns/h-hostport.sh

check-netns-harden: all
	mkdir -p /run/netns
	XVSD=$(abs_top_builddir)/daemon/xvsd XVSCTL=$(abs_top_builddir)/ctl/xvsctl \
	  unshare --mount --propagation private sh -c \
	  'mount -t tmpfs xvs-harden /run/netns && exec "$$@"' sh \
	  $(SHELL) $(abs_top_srcdir)/tests/netns/run.sh $(HARDEN_NETNS)
.PHONY: check-netns-harden
