# tests/unit/ports.mk: unit tests of ports/ (owner: ports)
check_PROGRAMS += tests/unit/test-ports
TESTS += tests/unit/test-ports
tests_unit_test_ports_SOURCES = tests/unit/test-ports.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_ports_LDADD = ports/libports.a switch/libswitch.a lib/libxvsutil.a \
	$(MNL_LIBS) $(JANSSON_LIBS) $(CUNIT_LIBS)
check_PROGRAMS += tests/unit/test-hostport-rx
TESTS += tests/unit/test-hostport-rx
tests_unit_test_hostport_rx_SOURCES = tests/unit/test-hostport-rx.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_hostport_rx_LDADD = ports/libports.a switch/libswitch.a lib/libxvsutil.a \
	$(MNL_LIBS) $(JANSSON_LIBS) $(CUNIT_LIBS)
