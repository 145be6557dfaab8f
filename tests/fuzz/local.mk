# tests/fuzz/local.mk: libFuzzer targets, built only with
#   ../configure --enable-fuzzing CC=clang
# Run one:  tests/fuzz/fuzz-netif-tx -runs=200000 $(srcdir)/tests/fuzz/corpus/netif-tx
# `make check-fuzz` (tests/fuzz/harden.mk) runs every target briefly.
include tests/fuzz/harden.mk
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/gen-netif-corpus.py
if ENABLE_FUZZING
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
noinst_PROGRAMS += tests/fuzz/fuzz-netif-tx
tests_fuzz_fuzz_netif_tx_SOURCES = tests/fuzz/fuzz-netif-tx.c netback/netif_tx.c
tests_fuzz_fuzz_netif_tx_CFLAGS = $(AM_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_netif_tx_LDFLAGS = $(FUZZ_FLAGS)
endif
