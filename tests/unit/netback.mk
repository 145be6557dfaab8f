# tests/unit/netback.mk
