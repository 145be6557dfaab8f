#!/bin/sh
# private-netns.sh TEST: run a root test in a mount namespace of its own
# with a private /run/netns, so the network namespaces it creates (fixed
# names such as xvs-glue-a) cannot collide with another run of the same
# test on the machine.  Used as SH_LOG_COMPILER by make check.
test=$1; shift
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    mkdir -p /run/netns
    exec unshare --mount --propagation private sh -c \
        'mount -t tmpfs xvs-test /run/netns && exec "$@"' sh "$test" "$@"
fi
exec "$test" "$@"
