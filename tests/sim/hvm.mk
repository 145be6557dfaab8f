# tests/sim/hvm.mk: an HVM guest's emulated NIC (QEMU tap, vif-xvs
# type_if=tap) with the real xvsd, fake xenstored and hotplug/vif-xvs
# (branch hvm; included by tests/sim/local.mk).  Root: network namespaces
# xvs-hvm-*, taps made by fake-qemu-tap (QEMU's part).
check_PROGRAMS += tests/sim/fake-qemu-tap
tests_sim_fake_qemu_tap_SOURCES = tests/sim/fake-qemu-tap.c
TESTS += tests/sim/test-xvsd-hvm.sh
EXTRA_DIST += tests/sim/test-xvsd-hvm.sh
