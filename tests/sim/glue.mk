# tests/sim/glue.mk: xvsd end to end on the simulated hypervisor (daemon
# owner; included by tests/sim/local.mk).  Root: network namespaces
# xvs-glue-* / xvs-bind-*, TAP guests (xvs-simfront), iperf3.
TESTS += tests/sim/test-xvsd-sim.sh
EXTRA_DIST += tests/sim/test-xvsd-sim.sh tests/sim/spoof-send.py

# The xenstore module in the real xvsd: fake xenstored, libxl's side
# (tests/sim/xenstored-xl of the xenstore owner), hotplug/vif-xvs, sim
# guests; and N guests brought up one after another, timed, by
# xvsd-xenbus-bulk (in-process sim guests + libxl + netfront).
check_PROGRAMS += tests/sim/xvsd-xenbus-bulk
tests_sim_xvsd_xenbus_bulk_SOURCES = tests/sim/xvsd-xenbus-bulk.c \
	tests/sim/simfront.c tests/sim/simfront.h \
	tests/sim/xenstored-libxl.c tests/sim/xenstored-libxl.h
tests_sim_xvsd_xenbus_bulk_LDADD = $(NETBACK_LIBS) $(XENSTORE_LIBS)
TESTS += tests/sim/test-xvsd-xenbus.sh
EXTRA_DIST += tests/sim/test-xvsd-xenbus.sh
