# tests/unit/xenstore.mk
