#!/bin/bash
# setup-deps.sh: install every Debian 12 package that building, testing,
# benchmarking and the demo of xvs need.  Idempotent: installs only what is
# missing, and runs `apt-get update` only then.  Run as root.
#
# Other helpers: if you need a package, add it to PACKAGES below with a note.
set -eu

PACKAGES=(
    # build
    build-essential autoconf automake libtool pkg-config
    libxen-dev libcunit1-dev libjansson-dev libinih-dev libsystemd-dev
    libmnl-dev              # netlink (ports: link monitor, addresses)
    clang                   # libFuzzer targets (tests/fuzz)
    # tests and benchmarks
    iproute2 iputils-ping tcpdump socat jq procps psmisc kmod
    python3                 # tests/netns/port-vlan-probe.py (ports)
    netsniff-ng             # trafgen, mausezahn (benchmarks, crafted frames)
    iperf3
    strace                  # tests/bench/syscall-bench.sh (system calls per frame)
    xenstore-utils          # xenstore-read/-write/-ls against the fake xenstored (tests/sim)
    openvswitch-switch      # benchmark peer (userspace datapath)
    valgrind
    man-db groff-base       # man page checks
    # Xen lab under QEMU (tests/xen)
    qemu-system-x86 cpio xz-utils
)

if [ "$(id -u)" != 0 ]; then
    echo "setup-deps.sh: run me as root (apt-get install)" >&2
    exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} = 0 ]; then
    echo "setup-deps.sh: all ${#PACKAGES[@]} packages present"
    exit 0
fi

echo "setup-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
