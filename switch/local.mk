# switch/: bridge, ports abstraction, FDB, VLAN rules.  No I/O here.
noinst_LIBRARIES += switch/libswitch.a
switch_libswitch_a_SOURCES = \
	switch/frame.c switch/frame.h \
	switch/port.c switch/port.h \
	switch/fdb.c switch/fdb.h \
	switch/bridge.c switch/bridge.h
