# tests/unit/lib.mk: lib/ unit tests (owner: lead)
check_PROGRAMS += tests/unit/test-lib
TESTS += tests/unit/test-lib
tests_unit_test_lib_SOURCES = tests/unit/test-lib.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_lib_LDADD = lib/libxvsutil.a $(CUNIT_LIBS)
