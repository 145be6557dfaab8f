# tests/unit/ports.mk
