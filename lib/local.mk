# lib/: helpers shared by every module (logging, event loop, parsing).
noinst_LIBRARIES += lib/libxvsutil.a
lib_libxvsutil_a_SOURCES = lib/log.h lib/evloop.h lib/util.h lib/util.c
