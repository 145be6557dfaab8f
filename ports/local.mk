# ports/ build fragment (included by the top Makefile.am): the uplink
# (AF_PACKET) and host (TAP) port drivers.  Users link ports/libports.a
# with $(MNL_LIBS) $(JANSSON_LIBS).
noinst_LIBRARIES += ports/libports.a
ports_libports_a_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
ports_libports_a_SOURCES = ports/uplink.c ports/uplink.h ports/uplink-private.h
ports_libports_a_SOURCES += ports/uplink-rx.c ports/uplink-tx.c
ports_libports_a_SOURCES += ports/hostport.c ports/hostport.h
ports_libports_a_SOURCES += ports/hpstate.c ports/hpstate.h
ports_libports_a_SOURCES += ports/tapport.c ports/tapport.h
ports_libports_a_SOURCES += ports/linkmon.c ports/linkmon.h
ports_libports_a_SOURCES += ports/ifaddr.c ports/ifaddr.h
ports_libports_a_SOURCES += ports/isolate.c ports/isolate.h
ports_libports_a_SOURCES += ports/nl.c ports/nl.h
ports_libports_a_SOURCES += ports/vnet.c ports/vnet.h
ports_libports_a_SOURCES += ports/frame_iov.c ports/frame_iov.h
