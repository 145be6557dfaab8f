# tests/sim/local.mk: the simulated-hypervisor test programs (netback owner).
include tests/sim/xenstore.mk
