# tests/xen/local.mk
