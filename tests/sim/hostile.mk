# tests/sim/hostile.mk: hostile guests against xvsd on the simulated
# hypervisor (issue 7; owner: hostile).  Needs daemon/xvsd and
# tests/sim/xvs-simfront; no root.
TESTS += tests/sim/test-xvsd-hostile.sh
EXTRA_DIST += tests/sim/test-xvsd-hostile.sh tests/sim/xvsd-hostile.py
# kill -9 of xvsd under TCP between two TAP guests, restart, re-attach:
# the gap (issue 7 item 4, sim part).  Root: namespaces xvs-hr-*.
TESTS += tests/sim/test-restart-xvsd.sh
EXTRA_DIST += tests/sim/test-restart-xvsd.sh
