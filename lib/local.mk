# lib/: helpers shared by every module (logging, event loop, parsing).
# One source per line so branches adding files never touch the same line.
noinst_LIBRARIES += lib/libxvsutil.a
lib_libxvsutil_a_SOURCES = lib/log.h lib/evloop.h lib/util.h
lib_libxvsutil_a_SOURCES += lib/log.c
lib_libxvsutil_a_SOURCES += lib/evloop.c
lib_libxvsutil_a_SOURCES += lib/util.c
lib_libxvsutil_a_SOURCES += lib/csum.h lib/csum.c
lib_libxvsutil_a_SOURCES += lib/sdload.h lib/sdload.c
