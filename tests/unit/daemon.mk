# tests/unit/daemon.mk: unit tests of daemon/ (config parser, reload diff,
# control commands) and the end-to-end control socket test.
check_PROGRAMS += tests/unit/test-config tests/unit/test-config-apply tests/unit/test-ctl
TESTS += tests/unit/test-config tests/unit/test-config-apply tests/unit/test-ctl

tests_unit_test_config_SOURCES = tests/unit/test-config.c
tests_unit_test_config_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXVS_EXAMPLE_CONF='"$(abs_top_srcdir)/daemon/xvs.conf.example"'
tests_unit_test_config_LDADD = $(XVSD_CORE_LIBS) $(CUNIT_LIBS)

tests_unit_test_config_apply_SOURCES = tests/unit/test-config-apply.c \
	tests/unit/test-ctl-fake.c tests/unit/test-ctl-fake.h
tests_unit_test_config_apply_LDADD = $(XVSD_CORE_LIBS) $(CUNIT_LIBS)

tests_unit_test_ctl_SOURCES = tests/unit/test-ctl.c \
	tests/unit/test-ctl-fake.c tests/unit/test-ctl-fake.h
tests_unit_test_ctl_LDADD = $(XVSD_CORE_LIBS) $(CUNIT_LIBS)

# A real xvsd in its own network namespace, driven through its socket.
TESTS += tests/unit/test-ctl-socket.sh
EXTRA_DIST += tests/unit/test-ctl-socket.sh

