# tests/sim/xenstore.mk: the fake xenstored (owned by the xenstore helper).
