# switch/: bridge, ports abstraction, FDB, VLAN rules.  No I/O here.
noinst_LIBRARIES += switch/libswitch.a
switch_libswitch_a_SOURCES = \
	switch/frame.h switch/frame.c \
	switch/port.h switch/port.c \
	switch/antispoof.h switch/antispoof.c \
	switch/fdb.h switch/fdb-private.h switch/fdb.c \
	switch/bridge.h switch/bridge.c switch/bridge-registry.c
