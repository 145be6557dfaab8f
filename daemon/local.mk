# daemon/: xvsd -- configuration, control socket, bridge management, main.
# Everything but main() is in daemon/libxvsdaemon.a so unit tests link it.
noinst_LIBRARIES += daemon/libxvsdaemon.a
daemon_libxvsdaemon_a_SOURCES = daemon/conf.c daemon/conf.h
daemon_libxvsdaemon_a_SOURCES += daemon/conf_values.c
daemon_libxvsdaemon_a_SOURCES += daemon/brmgr.c daemon/brmgr.h
daemon_libxvsdaemon_a_SOURCES += daemon/apply.c daemon/apply.h
daemon_libxvsdaemon_a_SOURCES += daemon/ctl.c daemon/ctl.h
daemon_libxvsdaemon_a_SOURCES += daemon/ctl_args.c daemon/ctl_args.h
daemon_libxvsdaemon_a_SOURCES += daemon/ctl_commands.c daemon/ctl_commands.h
daemon_libxvsdaemon_a_SOURCES += daemon/ctl_fdb.c
daemon_libxvsdaemon_a_SOURCES += daemon/ctl_server.c daemon/ctl_server.h
daemon_libxvsdaemon_a_SOURCES += daemon/detach.c daemon/detach.h
daemon_libxvsdaemon_a_SOURCES += daemon/modules.c daemon/modules.h
daemon_libxvsdaemon_a_SOURCES += daemon/xvsd_netback.c daemon/xvsd_netback.h
daemon_libxvsdaemon_a_SOURCES += daemon/ctl_vif.c daemon/ctl_vif.h
daemon_libxvsdaemon_a_SOURCES += daemon/xvsd_xenbus.c daemon/xvsd_xenbus.h

# Libraries every user of libxvsdaemon.a needs (after it, in this order).
XVSD_CORE_LIBS = daemon/libxvsdaemon.a switch/libswitch.a lib/libxvsutil.a \
	$(JANSSON_LIBS) $(INIH_LIBS)

sbin_PROGRAMS += daemon/xvsd
daemon_xvsd_SOURCES = daemon/xvsd.c
daemon_xvsd_CPPFLAGS = $(AM_CPPFLAGS) -DXVS_CONF_PATH='"$(sysconfdir)/xvs/xvs.conf"'
daemon_xvsd_LDADD = daemon/libxvsdaemon.a ports/libports.a xenstore/libxvsstore.a \
	$(XENSTORE_LIBS) $(NETBACK_LIBS) $(MNL_LIBS) $(INIH_LIBS)

# The example configuration, installed next to where the real one goes.
xvsconfdir = $(sysconfdir)/xvs
dist_xvsconf_DATA = daemon/xvs.conf.example
