# tests/: one fragment per owner so branches never edit the same lines.
# Shell tests run in a private /run/netns (tests/private-netns.sh).
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(top_srcdir)/tests/private-netns.sh
EXTRA_DIST += tests/private-netns.sh
include tests/unit/lib.mk
include tests/unit/switch.mk
include tests/unit/daemon.mk
include tests/unit/ports.mk
include tests/unit/hport4.mk
include tests/unit/netback.mk
include tests/unit/xenstore.mk
include tests/netns/local.mk
include tests/sim/local.mk
include tests/bench/local.mk
include tests/fuzz/local.mk
include tests/fuzz/antispoof.mk
include tests/xen/local.mk
