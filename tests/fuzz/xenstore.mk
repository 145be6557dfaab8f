# tests/fuzz/xenstore.mk (owner: xenstore), included from xenstore/local.mk.
# Build with: ../configure --enable-fuzzing CC=clang; run e.g.
#   tests/fuzz/fuzz-xs-keys -max_total_time=60 $(srcdir)/tests/fuzz/corpus/xs-keys
# (make check-fuzz finds it with its corpus).
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-xs-keys
tests_fuzz_fuzz_xs_keys_SOURCES = tests/fuzz/fuzz-xs-keys.c xenstore/keys.c xenstore/keys.h
tests_fuzz_fuzz_xs_keys_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
tests_fuzz_fuzz_xs_keys_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_xs_keys_LDADD = lib/libxvsutil.a
endif
