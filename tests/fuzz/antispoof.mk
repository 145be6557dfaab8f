# tests/fuzz/antispoof.mk: fuzz-antispoof, the port-security checks of
# switch/antispoof.c (guest frames against a port policy), built only by
#   ../configure --enable-fuzzing CC=clang
# and run by `make check-fuzz` (scripts/fuzz-all.sh) with its seeds in
# tests/fuzz/corpus/antispoof (written by gen-antispoof-corpus.py) and
# tests/fuzz/antispoof.dict.
# switch/antispoof.c is compiled with the fuzzer's coverage instrumentation
# and ASan/UBSan; the harness with ASan/UBSan only (its own branches are no
# coverage).
EXTRA_DIST += tests/fuzz/corpus/antispoof tests/fuzz/antispoof.dict \
	tests/fuzz/gen-antispoof-corpus.py

if ENABLE_FUZZING
noinst_LIBRARIES += tests/fuzz/libfuzz-antispoof.a
tests_fuzz_libfuzz_antispoof_a_SOURCES = switch/antispoof.c switch/antispoof.h
tests_fuzz_libfuzz_antispoof_a_CFLAGS = $(AM_CFLAGS) \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined

noinst_PROGRAMS += tests/fuzz/fuzz-antispoof
tests_fuzz_fuzz_antispoof_SOURCES = tests/fuzz/fuzz-antispoof.c
tests_fuzz_fuzz_antispoof_CFLAGS = $(AM_CFLAGS) \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
tests_fuzz_fuzz_antispoof_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_antispoof_LDADD = tests/fuzz/libfuzz-antispoof.a
endif
