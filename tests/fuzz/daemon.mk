# tests/fuzz/daemon.mk: libFuzzer targets of daemon/ (configure
# --enable-fuzzing CC=clang).  The daemon sources are compiled into each
# target so that they carry the fuzzer's coverage instrumentation.
# Run: tests/fuzz/fuzz-config -max_total_time=60 ; likewise fuzz-ctl.
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-config tests/fuzz/fuzz-ctl
FUZZ_DAEMON_FLAGS = -fsanitize=fuzzer,address,undefined

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c \
	daemon/conf.c daemon/conf_values.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) $(FUZZ_DAEMON_FLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_DAEMON_FLAGS)
tests_fuzz_fuzz_config_LDADD = switch/libswitch.a lib/libxvsutil.a \
	$(INIH_LIBS) $(SYSTEMD_LIBS)

tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz-ctl.c tests/unit/test-ctl-fake.c \
	daemon/ctl.c daemon/ctl_args.c daemon/ctl_commands.c daemon/ctl_fdb.c \
	daemon/brmgr.c daemon/conf.c daemon/conf_values.c
tests_fuzz_fuzz_ctl_CFLAGS = $(AM_CFLAGS) $(FUZZ_DAEMON_FLAGS)
tests_fuzz_fuzz_ctl_LDFLAGS = $(FUZZ_DAEMON_FLAGS)
tests_fuzz_fuzz_ctl_LDADD = switch/libswitch.a lib/libxvsutil.a \
	$(JANSSON_LIBS) $(INIH_LIBS) $(SYSTEMD_LIBS)
endif
