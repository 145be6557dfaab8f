# tests/sim/glue.mk: xvsd end to end on the simulated hypervisor (daemon
# owner; included by tests/sim/local.mk).  Root: network namespaces
# xvs-glue-*, TAP guests (xvs-simfront), iperf3.
TESTS += tests/sim/test-xvsd-sim.sh
EXTRA_DIST += tests/sim/test-xvsd-sim.sh
