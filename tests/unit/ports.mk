# tests/unit/ports.mk: unit tests of ports/ (owner: ports)
check_PROGRAMS += tests/unit/test-ports
TESTS += tests/unit/test-ports
tests_unit_test_ports_SOURCES = tests/unit/test-ports.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_ports_LDADD = ports/libports.a switch/libswitch.a lib/libxvsutil.a \
	$(MNL_LIBS) $(JANSSON_LIBS) $(CUNIT_LIBS)
