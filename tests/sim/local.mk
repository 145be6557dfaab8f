# tests/sim/local.mk: the simulated-hypervisor test programs (netback owner).
include tests/sim/xenstore.mk
include tests/sim/glue.mk
include tests/sim/hostile.mk
include tests/sim/hvm.mk

# A guest with a netfront (TAP / generator / sink / hostile modes) and a
# minimal backend (bridge + vifs from the guests' info files).
noinst_PROGRAMS += tests/sim/xvs-simfront tests/sim/xvs-simback
tests_sim_xvs_simfront_SOURCES = tests/sim/xvs-simfront.c tests/sim/simfront.c \
	tests/sim/simfront.h
tests_sim_xvs_simfront_LDADD = $(NETBACK_LIBS)
tests_sim_xvs_simback_SOURCES = tests/sim/xvs-simback.c tests/sim/simfront.c \
	tests/sim/simfront.h
tests_sim_xvs_simback_LDADD = ports/libports.a $(NETBACK_LIBS) $(MNL_LIBS)

# Integration tests on the sim hypervisor (no root, no network namespace).
TESTS += tests/sim/test-sim-pair.sh tests/sim/test-sim-hostile.sh
EXTRA_DIST += tests/sim/sim-lib.sh tests/sim/xs-e2e-lib.sh tests/sim/test-sim-pair.sh tests/sim/test-sim-hostile.sh
# Real traffic (ping, iperf3) through TAP guests, an uplink and the host
# port, in network namespaces xvs-nb-* (root).
TESTS += tests/sim/test-sim-netns.sh
EXTRA_DIST += tests/sim/test-sim-netns.sh
