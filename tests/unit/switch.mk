# tests/unit/switch.mk
