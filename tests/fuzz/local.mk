# tests/fuzz/local.mk
include tests/fuzz/harden.mk
