# tests/unit/switch.mk: CUnit tests of switch/ and lib/util.c.
SWITCH_TESTS = \
	tests/unit/test-switch-fdb \
	tests/unit/test-switch-vlan \
	tests/unit/test-switch-bridge \
	tests/unit/test-switch-frame \
	tests/unit/test-switch-antispoof
check_PROGRAMS += $(SWITCH_TESTS)
TESTS += $(SWITCH_TESTS)

SWITCH_TEST_COMMON = tests/unit/test-switch-common.c tests/unit/test-switch-common.h \
	tests/unit/test-main.c tests/unit/test-main.h
SWITCH_TEST_LDADD = switch/libswitch.a lib/libxvsutil.a $(CUNIT_LIBS)

tests_unit_test_switch_fdb_SOURCES = tests/unit/test-switch-fdb.c $(SWITCH_TEST_COMMON)
tests_unit_test_switch_fdb_LDADD = $(SWITCH_TEST_LDADD)
tests_unit_test_switch_vlan_SOURCES = tests/unit/test-switch-vlan.c $(SWITCH_TEST_COMMON)
tests_unit_test_switch_vlan_LDADD = $(SWITCH_TEST_LDADD)
tests_unit_test_switch_bridge_SOURCES = tests/unit/test-switch-bridge.c $(SWITCH_TEST_COMMON)
tests_unit_test_switch_bridge_LDADD = $(SWITCH_TEST_LDADD)
tests_unit_test_switch_frame_SOURCES = tests/unit/test-switch-frame.c $(SWITCH_TEST_COMMON)
tests_unit_test_switch_frame_LDADD = $(SWITCH_TEST_LDADD)
tests_unit_test_switch_antispoof_SOURCES = tests/unit/test-switch-antispoof.c $(SWITCH_TEST_COMMON)
tests_unit_test_switch_antispoof_LDADD = $(SWITCH_TEST_LDADD)
