# tests/unit/netback.mk: CUnit tests of the netback ring functions and the
# simulated hypervisor.
NETBACK_UNIT_TESTS = tests/unit/test-netif-tx tests/unit/test-netif-rx \
	tests/unit/test-netif-xenif tests/unit/test-netif-csum
check_PROGRAMS += $(NETBACK_UNIT_TESTS)
TESTS += $(NETBACK_UNIT_TESTS)

tests_unit_test_netif_tx_SOURCES = tests/unit/test-netif-tx.c tests/unit/test-netif-ring.h
tests_unit_test_netif_tx_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_netif_rx_SOURCES = tests/unit/test-netif-rx.c tests/unit/test-netif-ring.h
tests_unit_test_netif_rx_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_netif_xenif_SOURCES = tests/unit/test-netif-xenif.c
tests_unit_test_netif_xenif_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
tests_unit_test_netif_csum_SOURCES = tests/unit/test-netif-csum.c
tests_unit_test_netif_csum_LDADD = $(NETBACK_LIBS) $(CUNIT_LIBS)
