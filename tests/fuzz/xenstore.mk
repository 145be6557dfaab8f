# tests/fuzz/xenstore.mk (owner: xenstore), included from xenstore/local.mk.
#   fuzz-xs-keys  the vif key parsers (xenstore/keys.c)
#   fuzz-vifrec   the vif record parser, with a write/read round trip
#                 (xenstore/vifrec.c)
# Build with: ../configure --enable-fuzzing CC=clang; run e.g.
#   tests/fuzz/fuzz-xs-keys -max_total_time=60 $(srcdir)/tests/fuzz/corpus/xs-keys
# (make check-fuzz finds them with their corpora and dictionaries).
EXTRA_DIST += tests/fuzz/corpus/vifrec tests/fuzz/vifrec.dict
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-xs-keys
tests_fuzz_fuzz_xs_keys_SOURCES = tests/fuzz/fuzz-xs-keys.c xenstore/keys.c xenstore/keys.h
tests_fuzz_fuzz_xs_keys_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
tests_fuzz_fuzz_xs_keys_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_xs_keys_LDADD = lib/libxvsutil.a
noinst_PROGRAMS += tests/fuzz/fuzz-vifrec
tests_fuzz_fuzz_vifrec_SOURCES = tests/fuzz/fuzz-vifrec.c xenstore/vifrec.c xenstore/vifrec.h \
	xenstore/keys.c xenstore/keys.h
tests_fuzz_fuzz_vifrec_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
tests_fuzz_fuzz_vifrec_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_vifrec_LDADD = lib/libxvsutil.a
endif
