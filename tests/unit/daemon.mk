# tests/unit/daemon.mk
