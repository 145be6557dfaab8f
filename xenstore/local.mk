# xenstore/: store seam over libxenstore, key parsers, xenbus handshake.
# Owner: xenstore.  This fragment also pulls in tests/fuzz/xenstore.mk and
# hotplug/xenstore.mk (tests/sim/xenstore.mk is included by tests/sim/local.mk).
noinst_LIBRARIES += xenstore/libxvsstore.a
xenstore_libxvsstore_a_SOURCES = \
	xenstore/store.c xenstore/store.h \
	xenstore/keys.c xenstore/keys.h \
	xenstore/xenbus_state.c xenstore/xenbus_state.h \
	xenstore/xenbus.c xenstore/xenbus.h xenstore/xenbus_int.h \
	xenstore/xenbus_vif.c \
	xenstore/vifrec.c xenstore/vifrec.h

dist_man_MANS += man/vif-xvs.8 man/xvs-xenstore.7

include tests/fuzz/xenstore.mk
include hotplug/xenstore.mk
