# tests/fuzz/harden.mk (owner: harden): libFuzzer targets of daemon/ -- the
# configuration file (fuzz-config), the control protocol (fuzz-ctl) and the
# control socket server's framing (fuzz-ctl-server) --
# and `make check-fuzz`, which runs every fuzz target of the tree briefly
# (scripts/fuzz-all.sh; docs/fuzzing.md tells how to run them long).
#
# The targets are built only by   ../configure --enable-fuzzing CC=clang
# The code under test (daemon/, switch/, lib/ and the fake ports of the
# unit tests) is compiled again into tests/fuzz/libfuzz-xvsd.a with the
# fuzzer's coverage instrumentation and ASan/UBSan; the source lists are
# those of the real libraries, so new files there are picked up.
EXTRA_DIST += tests/fuzz/corpus/config tests/fuzz/corpus/ctl tests/fuzz/corpus/ctl-server \
	tests/fuzz/config.dict tests/fuzz/ctl.dict tests/fuzz/ctl-server.dict \
	scripts/fuzz-all.sh docs/fuzzing.md \
	scripts/check-sanitizers.sh scripts/valgrind-lifecycle.sh

if ENABLE_FUZZING
# Code under test: coverage-guided, ASan, UBSan.  Harness code (the
# targets, xvsd-state.c): ASan and UBSan only, so that its own branches do
# not count as new coverage.
FUZZ_XVSD_INSTR = -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_XVSD_HARNESS = -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_XVSD_LINK = -fsanitize=fuzzer,address,undefined

noinst_LIBRARIES += tests/fuzz/libfuzz-xvsd.a tests/fuzz/libfuzz-harness.a
tests_fuzz_libfuzz_xvsd_a_SOURCES = $(daemon_libxvsdaemon_a_SOURCES) \
	$(switch_libswitch_a_SOURCES) $(lib_libxvsutil_a_SOURCES) \
	tests/unit/test-ctl-fake.c tests/unit/test-ctl-fake.h
tests_fuzz_libfuzz_xvsd_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_XVSD_INSTR)
tests_fuzz_libfuzz_harness_a_SOURCES = tests/fuzz/xvsd-state.c tests/fuzz/xvsd-state.h
tests_fuzz_libfuzz_harness_a_CFLAGS = $(AM_CFLAGS) $(FUZZ_XVSD_HARNESS)
FUZZ_XVSD_LIBS = tests/fuzz/libfuzz-harness.a tests/fuzz/libfuzz-xvsd.a \
	$(JANSSON_LIBS) $(INIH_LIBS)

noinst_PROGRAMS += tests/fuzz/fuzz-config tests/fuzz/fuzz-ctl tests/fuzz/fuzz-ctl-server
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) $(FUZZ_XVSD_HARNESS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_XVSD_LINK)
tests_fuzz_fuzz_config_LDADD = $(FUZZ_XVSD_LIBS)
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz-ctl.c tests/fuzz/fuzz-text.h
tests_fuzz_fuzz_ctl_CFLAGS = $(AM_CFLAGS) $(FUZZ_XVSD_HARNESS)
tests_fuzz_fuzz_ctl_LDFLAGS = $(FUZZ_XVSD_LINK)
tests_fuzz_fuzz_ctl_LDADD = $(FUZZ_XVSD_LIBS)
tests_fuzz_fuzz_ctl_server_SOURCES = tests/fuzz/fuzz-ctl-server.c tests/fuzz/fuzz-text.h
tests_fuzz_fuzz_ctl_server_CFLAGS = $(AM_CFLAGS) $(FUZZ_XVSD_HARNESS)
tests_fuzz_fuzz_ctl_server_LDFLAGS = $(FUZZ_XVSD_LINK)
tests_fuzz_fuzz_ctl_server_LDADD = $(FUZZ_XVSD_LIBS)
FUZZ_ALL_ENV = FUZZ_BUILD_DIR=$(abs_top_builddir)
else
FUZZ_ALL_ENV =
endif

# Short runs of every target (builds a clang fuzzing tree of its own in
# build-fuzz unless this tree is one).  Last line: "fuzz: N passed, N failed".
check-fuzz:
	$(FUZZ_ALL_ENV) $(SHELL) $(top_srcdir)/scripts/fuzz-all.sh
.PHONY: check-fuzz
