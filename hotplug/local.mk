# hotplug/ build fragment (included by the top Makefile.am)

# systemd unit of xvsd, with the configured paths substituted.
systemdsystemunit_DATA = hotplug/xvsd.service
EXTRA_DIST += hotplug/xvsd.service.in
CLEANFILES += hotplug/xvsd.service
hotplug/xvsd.service: $(srcdir)/hotplug/xvsd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) hotplug && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/hotplug/xvsd.service.in > $@.tmp && mv $@.tmp $@
