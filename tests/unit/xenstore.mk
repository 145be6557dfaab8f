# tests/unit/xenstore.mk (owner: xenstore): pure unit tests, no xenstored.
check_PROGRAMS += tests/unit/test-xs-keys
TESTS += tests/unit/test-xs-keys
tests_unit_test_xs_keys_SOURCES = tests/unit/test-xs-keys.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_xs_keys_LDADD = xenstore/libxvsstore.a lib/libxvsutil.a $(CUNIT_LIBS)

check_PROGRAMS += tests/unit/test-xs-state
TESTS += tests/unit/test-xs-state
tests_unit_test_xs_state_SOURCES = tests/unit/test-xs-state.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_xs_state_LDADD = xenstore/libxvsstore.a $(CUNIT_LIBS)

check_PROGRAMS += tests/unit/test-xs-vifrec
TESTS += tests/unit/test-xs-vifrec
tests_unit_test_xs_vifrec_SOURCES = tests/unit/test-xs-vifrec.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_xs_vifrec_LDADD = xenstore/libxvsstore.a lib/libxvsutil.a $(CUNIT_LIBS)
