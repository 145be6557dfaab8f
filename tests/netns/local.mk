# tests/netns/local.mk
