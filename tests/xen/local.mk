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

# make check-xen: both stacks once, one boot each, within a time budget
# (scripts/test-all.sh runs it; the whole CI run must stay under 60 min).
# Images are built from Debian packages by build-images.sh and cached in
# $(XVS_XEN_CACHE) (default /var/cache/xvs-xen); the results, the
# comparison table and the evidence of failures go to tests/xen/out/ of
# the build tree.  Last line: "xen: N passed, M failed"; non-zero on failure.
# hostile (issue 7) alone runs 20-25 minutes under TCG: run it with
#     tests/xen/run.sh -s xvs -T hostile _build
XEN_CHECK_BUDGET = 1800
XEN_CHECK_SKIP = hostile
check-xen: all
	$(SHELL) $(top_srcdir)/tests/xen/run.sh -B $(XEN_CHECK_BUDGET) -X $(XEN_CHECK_SKIP) \
	    -o $(abs_top_builddir)/tests/xen/out $(abs_top_builddir)
.PHONY: check-xen

# Restart and hostile-guest scenarios (issue 7 on real Xen) and the hostile
# guest-side netfront they use (built by build-images.sh, not by make).
EXTRA_DIST += \
	tests/xen/rootfs/dom0/xvs/sc-restart.sh \
	tests/xen/rootfs/dom0/xvs/sc-hostile.sh \
	tests/xen/debug-tcp.sh tests/xen/debug-syscall.sh tests/xen/debug-idle.sh \
	tests/xen/debug-copycost.sh tests/xen/dom0-copycost.c tests/xen/debug-nfhost.sh \
	tests/xen/guest-evilfront.c \
	tests/xen/xenfront-xen.c

# The guest programs of the image build here too (no QEMU): make check.
TESTS += tests/xen/test-guest-build.sh
EXTRA_DIST += tests/xen/test-guest-build.sh
