# hotplug/xenstore.mk (owner: xenstore), included from xenstore/local.mk:
# the hotplug script libxl runs, the xl.conf line, the modprobe blacklist.
dist_xenscript_SCRIPTS = hotplug/vif-xvs
dist_pkgdata_DATA = hotplug/xl-xvs.conf
modprobedir = $(sysconfdir)/modprobe.d
dist_modprobe_DATA = hotplug/xen-netback-blacklist.conf
