# tests/unit/hport4.mk: unit tests of ports/hpstate (the persistent host
# port's record and the adopt-or-refuse decision).
check_PROGRAMS += tests/unit/test-hpstate
TESTS += tests/unit/test-hpstate
tests_unit_test_hpstate_SOURCES = tests/unit/test-hpstate.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_hpstate_LDADD = ports/libports.a switch/libswitch.a lib/libxvsutil.a \
	$(MNL_LIBS) $(JANSSON_LIBS) $(CUNIT_LIBS)
