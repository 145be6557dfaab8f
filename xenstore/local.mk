# xenstore/: store seam over libxenstore, key parsers, xenbus handshake.
# Owner: xenstore.  This fragment also pulls in the owner's test fragments
# (tests/sim/xenstore.mk, tests/fuzz/xenstore.mk): include them nowhere else.
noinst_LIBRARIES += xenstore/libxvsstore.a
xenstore_libxvsstore_a_SOURCES = \
	xenstore/store.c xenstore/store.h \
	xenstore/keys.c xenstore/keys.h

include tests/sim/xenstore.mk
include tests/fuzz/xenstore.mk
