# switch/: bridge, ports abstraction, FDB, VLAN rules.  No I/O here.
