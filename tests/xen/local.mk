# tests/xen/local.mk -- the real-Xen tests (Xen 4.17 under QEMU TCG).
# Not part of `make check`: they need root, QEMU and ~10-20 minutes.  Run
#     tests/xen/run.sh _build          (see tests/xen/README)
# which boots the kernel-netback baseline and xvs in the same run.
EXTRA_DIST += \
	tests/xen/README \
	tests/xen/build-images.sh \
	tests/xen/run.sh \
	tests/xen/xvs-pktgen.c \
	tests/xen/rootfs/dom0/init \
	tests/xen/rootfs/dom0/xvs/lib.sh \
	tests/xen/rootfs/dom0/xvs/tests.sh \
	tests/xen/rootfs/dom0/xvs/xvs.conf \
	tests/xen/rootfs/dom0/xvs/guest/domU.cfg \
	tests/xen/rootfs/domU/init \
	tests/xen/rootfs/domU/etc/inittab \
	tests/xen/rootfs/domU/xvs-guest/rc \
	tests/xen/rootfs/domU/xvs-guest/agent \
	tests/xen/rootfs/domU/xvs-guest/ncshell
