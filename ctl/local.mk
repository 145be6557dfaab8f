# ctl/: xvsctl, the command line client of xvsd's control socket.
sbin_PROGRAMS += ctl/xvsctl
ctl_xvsctl_SOURCES = ctl/ctl.h ctl/xvsctl.c ctl/ctl-client.c \
	ctl/ctl-commands.c ctl/ctl-render.c
ctl_xvsctl_LDADD = lib/libxvsutil.a $(JANSSON_LIBS)

# xvsctl against a fake daemon (no root, needs socat and jq).
TESTS += ctl/test-xvsctl.sh
EXTRA_DIST += ctl/test-xvsctl.sh ctl/fake-xvsd.sh
