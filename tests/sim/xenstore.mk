# tests/sim/xenstore.mk: the fake xenstored and the xenstore sim tests
# (owner: xenstore).  Included from tests/sim/local.mk.

# The fake xenstored, its control client and the shared test harness.
check_PROGRAMS += tests/sim/xenstored-fake tests/sim/xenstored-ctl
tests_sim_xenstored_fake_SOURCES = tests/sim/xenstored-fake.c \
	tests/sim/xenstored-tree.c tests/sim/xenstored-tree.h
tests_sim_xenstored_ctl_SOURCES = tests/sim/xenstored-ctl.c
tests_sim_xenstored_ctl_LDADD = $(XENSTORE_LIBS)

# libxenstore against the fake: every operation the daemon relies on.
check_PROGRAMS += tests/sim/xenstored-test
TESTS += tests/sim/xenstored-test
tests_sim_xenstored_test_SOURCES = tests/sim/xenstored-test.c \
	tests/sim/xenstored-harness.c tests/sim/xenstored-harness.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_sim_xenstored_test_LDADD = $(XENSTORE_LIBS) $(CUNIT_LIBS)

# xenstore/store.c, the daemon's seam, against the fake.
check_PROGRAMS += tests/sim/xenstored-store-test
TESTS += tests/sim/xenstored-store-test
tests_sim_xenstored_store_test_SOURCES = tests/sim/xenstored-store-test.c \
	tests/sim/xenstored-harness.c tests/sim/xenstored-harness.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_sim_xenstored_store_test_LDADD = xenstore/libxvsstore.a lib/libxvsutil.a \
	$(XENSTORE_LIBS) $(CUNIT_LIBS)

# The vif backend's whole life cycle: libxl and netfront played against
# xenbus running in a thread with stub netback/switch ops.
check_PROGRAMS += tests/sim/xenstored-xenbus-test
TESTS += tests/sim/xenstored-xenbus-test
tests_sim_xenstored_xenbus_test_SOURCES = tests/sim/xenstored-xenbus-test.c \
	tests/sim/xenstored-daemon.c tests/sim/xenstored-daemon.h \
	tests/sim/xenstored-libxl.c tests/sim/xenstored-libxl.h \
	tests/sim/xenstored-netfront.c tests/sim/xenstored-netfront.h \
	tests/sim/xenstored-harness.c tests/sim/xenstored-harness.h \
	tests/unit/test-main.c tests/unit/test-main.h
tests_sim_xenstored_xenbus_test_LDADD = xenstore/libxvsstore.a netback/libnetback.a \
	lib/libxvsutil.a \
	$(XENSTORE_LIBS) $(CUNIT_LIBS) -lpthread

# libxl's side from the shell (devices, the real hotplug/vif-xvs with
# libxl's argv and environment, netfront's keys from a sim guest), used by
# tests/sim/test-xvsd-xenbus.sh (tests/sim/glue.mk) against the real xvsd.
check_PROGRAMS += tests/sim/xenstored-xl
tests_sim_xenstored_xl_SOURCES = tests/sim/xenstored-xl.c \
	tests/sim/xenstored-libxl.c tests/sim/xenstored-libxl.h \
	tests/sim/xenstored-netfront.c tests/sim/xenstored-netfront.h
tests_sim_xenstored_xl_LDADD = $(XENSTORE_LIBS)
