# xenstore/: store seam over libxenstore, key parsers, xenbus handshake.
# Owner: xenstore.  This fragment also pulls in the owner's test fragments
# (tests/sim/xenstore.mk, tests/fuzz/xenstore.mk): include them nowhere else.

include tests/sim/xenstore.mk
