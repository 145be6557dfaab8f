# netback/ build fragment (included by the top Makefile.am)
noinst_LIBRARIES += netback/libnetback.a
netback_libnetback_a_SOURCES = \
	netback/xenif.h netback/xenif.c netback/xenif_xen.c \
	netback/xenif_sim.h netback/xenif_sim.c netback/xenif_simcom.c \
	netback/xenif_simdom.c \
	netback/netif_ring.h netback/netif_tx.h netback/netif_tx.c \
	netback/netif_rx.h netback/netif_rx.c \
	netback/netif_csum.h netback/netif_csum.c \
	netback/netif_gso.h netback/netif_gso.c \
	netback/netback.h netback/netback.c \
	netback/vif.h netback/vif_private.h netback/vif.c netback/vif_frontend.c \
	netback/vif_tx.c netback/vif_rx.c

# What a program linking libnetback.a needs after it (vif.c uses the switch,
# lib/ and jansson).
NETBACK_LIBS = netback/libnetback.a switch/libswitch.a lib/libxvsutil.a \
	$(XENGNTTAB_LIBS) $(XENEVTCHN_LIBS) $(JANSSON_LIBS) -lpthread
