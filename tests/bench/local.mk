# tests/bench/local.mk
include tests/bench/switch.mk
