# tests/netns/ports.mk: port-level netns tests (owner: ports).  Needs root;
# runs in namespaces named xvs-pt-*; bounded (about 40 s).
check_PROGRAMS += tests/netns/port-driver
tests_netns_port_driver_SOURCES = tests/netns/port-driver.c
tests_netns_port_driver_LDADD = ports/libports.a switch/libswitch.a lib/libxvsutil.a \
	$(MNL_LIBS) $(JANSSON_LIBS)
TESTS += tests/netns/test-ports.sh
EXTRA_DIST += tests/netns/test-ports.sh tests/netns/port-vlan-probe.py \
	tests/netns/bench-ports.sh
