# tests/unit/daemon.mk: unit tests of daemon/ (config parser, reload diff,
# control commands) and the end-to-end control socket test.
check_PROGRAMS += tests/unit/test-config tests/unit/test-config-apply tests/unit/test-ctl
TESTS += tests/unit/test-config tests/unit/test-config-apply tests/unit/test-ctl

tests_unit_test_config_SOURCES = tests/unit/test-config.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_config_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXVS_EXAMPLE_CONF='"$(abs_top_srcdir)/daemon/xvs.conf.example"'
tests_unit_test_config_LDADD = $(XVSD_CORE_LIBS) $(CUNIT_LIBS)

tests_unit_test_config_apply_SOURCES = tests/unit/test-config-apply.c \
	tests/unit/test-ctl-fake.c tests/unit/test-ctl-fake.h \
	tests/unit/test-ctl-run.c tests/unit/test-ctl-run.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_config_apply_LDADD = $(XVSD_CORE_LIBS) $(CUNIT_LIBS)

tests_unit_test_ctl_SOURCES = tests/unit/test-ctl.c \
	tests/unit/test-ctl-fake.c tests/unit/test-ctl-fake.h \
	tests/unit/test-ctl-run.c tests/unit/test-ctl-run.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_ctl_LDADD = $(XVSD_CORE_LIBS) $(CUNIT_LIBS)

# The control socket server's framing on a real socket, in-process.
check_PROGRAMS += tests/unit/test-ctl-server
TESTS += tests/unit/test-ctl-server
tests_unit_test_ctl_server_SOURCES = tests/unit/test-ctl-server.c \
	tests/unit/test-ctl-fake.c tests/unit/test-ctl-fake.h \
	tests/unit/test-ctl-run.c tests/unit/test-ctl-run.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_ctl_server_LDADD = $(XVSD_CORE_LIBS) $(CUNIT_LIBS)

# The netback module and the vif commands over the sim hypervisor, with
# in-process sim guests.
check_PROGRAMS += tests/unit/test-ctl-vif
TESTS += tests/unit/test-ctl-vif
tests_unit_test_ctl_vif_SOURCES = tests/unit/test-ctl-vif.c \
	tests/unit/test-ctl-fake.c tests/unit/test-ctl-fake.h \
	tests/unit/test-ctl-run.c tests/unit/test-ctl-run.h \
	tests/sim/simfront.c tests/sim/simfront.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_ctl_vif_LDADD = daemon/libxvsdaemon.a xenstore/libxvsstore.a \
	$(XENSTORE_LIBS) $(NETBACK_LIBS) $(INIH_LIBS) $(CUNIT_LIBS)

# A real xvsd in its own network namespace, driven through its socket.
TESTS += tests/unit/test-ctl-socket.sh
EXTRA_DIST += tests/unit/test-ctl-socket.sh


# bridge_remove_port() (switch/bridge.c), which the xenstore module uses to
# take vifs off a bridge without freeing them.
check_PROGRAMS += tests/unit/test-bridge-remove
TESTS += tests/unit/test-bridge-remove
tests_unit_test_bridge_remove_SOURCES = tests/unit/test-bridge-remove.c \
	tests/unit/test-switch-common.c tests/unit/test-switch-common.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_bridge_remove_LDADD = switch/libswitch.a lib/libxvsutil.a $(CUNIT_LIBS)

# The xenstore module's xenbus ops (daemon/xvsd_xenbus.c) over the sim
# hypervisor with an in-process sim guest, without xenstore.
check_PROGRAMS += tests/unit/test-xvsd-xenbus
TESTS += tests/unit/test-xvsd-xenbus
tests_unit_test_xvsd_xenbus_SOURCES = tests/unit/test-xvsd-xenbus.c \
	tests/unit/test-ctl-fake.c tests/unit/test-ctl-fake.h \
	tests/sim/simfront.c tests/sim/simfront.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_xvsd_xenbus_LDADD = daemon/libxvsdaemon.a xenstore/libxvsstore.a \
	$(XENSTORE_LIBS) $(NETBACK_LIBS) $(INIH_LIBS) $(CUNIT_LIBS)
