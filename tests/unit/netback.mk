# tests/unit/netback.mk: CUnit tests of the netback ring functions and the
# simulated hypervisor.
NETBACK_UNIT_TESTS = tests/unit/test-netif-tx tests/unit/test-netif-rx \
	tests/unit/test-netif-xenif tests/unit/test-netif-csum tests/unit/test-netif-frontend \
	tests/unit/test-netif-gso tests/unit/test-vif tests/unit/test-vif-dest
check_PROGRAMS += $(NETBACK_UNIT_TESTS)
TESTS += $(NETBACK_UNIT_TESTS)

tests_unit_test_netif_tx_SOURCES = tests/unit/test-netif-tx.c tests/unit/test-netif-ring.h
tests_unit_test_netif_tx_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_netif_rx_SOURCES = tests/unit/test-netif-rx.c tests/unit/test-netif-ring.h
tests_unit_test_netif_rx_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_netif_xenif_SOURCES = tests/unit/test-netif-xenif.c
tests_unit_test_netif_xenif_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_netif_csum_SOURCES = tests/unit/test-netif-csum.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_netif_csum_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_netif_frontend_SOURCES = tests/unit/test-netif-frontend.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_netif_frontend_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_netif_gso_SOURCES = tests/unit/test-netif-gso.c \
	tests/unit/test-main.c tests/unit/test-main.h
tests_unit_test_netif_gso_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_vif_SOURCES = tests/unit/test-vif.c tests/unit/test-vif-harness.h tests/sim/simfront.c \
	tests/sim/simfront.h
tests_unit_test_vif_LDADD = switch/libswitch.a $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_vif_dest_SOURCES = tests/unit/test-vif-dest.c tests/unit/test-vif-harness.h \
	tests/sim/simfront.c \
	tests/sim/simfront.h
tests_unit_test_vif_dest_LDADD = switch/libswitch.a $(NETBACK_LIBS) $(CUNIT_LIBS)
