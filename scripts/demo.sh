#!/bin/bash
# demo.sh: builds xvs (if needed) and shows xvsd switching between network
# namespaces that stand in for guests, as root:
#
#     ns xvs-demo-g1 (10.240.0.1)  ─┐
#     ns xvs-demo-g2 (10.240.0.2)  ─┼─ xvsd bridge xenbr0 ── host port xenbr0 (10.240.0.254)
#     ns xvs-demo-g3 (VLAN 10)     ─┘   (xvsd runs in ns xvs-demo-dom0)
#
# It prints `xvsctl show`, pings, `xvsctl fdb-show`, `xvsctl port-stats`, and
# removes everything on exit (DEMO_KEEP=1 keeps it running until Enter).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$top/_build}
[ "$(id -u)" = 0 ] || { echo "demo.sh: run me as root (network namespaces)" >&2; exit 1; }

if [ ! -x "$BUILD_DIR/daemon/xvsd" ] || [ ! -x "$BUILD_DIR/ctl/xvsctl" ]; then
    echo "## building xvs in $BUILD_DIR"
    (cd "$top" && autoreconf -fi >/dev/null)
    mkdir -p "$BUILD_DIR"
    (cd "$BUILD_DIR" && "$top/configure" -q && make -j2 >/dev/null)
fi
XVSD=$BUILD_DIR/daemon/xvsd
XVSCTL=$BUILD_DIR/ctl/xvsctl

dir=$(mktemp -d /tmp/xvs-demo.XXXXXX)
D=xvs-demo-dom0
pid=
cleanup() {
    set +e
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    for n in $D xvs-demo-g1 xvs-demo-g2 xvs-demo-g3; do ip netns del $n 2>/dev/null; done
    rm -rf "$dir"
}
trap cleanup EXIT
run() { echo; echo "# $*"; "$@"; }
ctl() { "$XVSCTL" --socket "$dir/xvsd.sock" "$@"; }

for n in $D xvs-demo-g1 xvs-demo-g2 xvs-demo-g3; do
    ip netns del $n 2>/dev/null || true
    ip netns add $n
    ip -n $n link set lo up
    ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
for g in 1 2 3; do
    ip link add eth0 netns xvs-demo-g$g address 00:16:3e:00:00:0$g type veth peer name vif$g.0 netns $D
    ip -n xvs-demo-g$g link set eth0 up
    ip -n $D link set vif$g.0 up
done
ip -n xvs-demo-g1 addr add 10.240.0.1/24 dev eth0
ip -n xvs-demo-g2 addr add 10.240.0.2/24 dev eth0
ip -n xvs-demo-g3 addr add 10.240.0.3/24 dev eth0

# veth carrier comes up asynchronously: let it settle before xvsd opens them.
for _ in $(seq 30); do
    ip netns exec $D sh -c 'grep -qv "^up$" /sys/class/net/vif*/operstate' || break
    sleep 0.1
done

cat > "$dir/xvs.conf" <<EOC
# Bridge xenbr0 with a host port (dom0's address lives on it).
[bridge xenbr0]
host-port = yes

# The "guests": g1 and g2 on VLAN 1, g3 alone on VLAN 10.
[port xenbr0 vif1.0]
vlan = 1
[port xenbr0 vif2.0]
vlan = 1
[port xenbr0 vif3.0]
vlan = 10
EOC
echo "## configuration ($dir/xvs.conf)"
cat "$dir/xvs.conf"

ip netns exec $D env -u JOURNAL_STREAM -u NOTIFY_SOCKET \
    "$XVSD" --foreground --config "$dir/xvs.conf" --control "$dir/xvsd.sock" 2>"$dir/xvsd.log" &
pid=$!
for _ in $(seq 50); do ctl list-br >/dev/null 2>&1 && break; sleep 0.1; done
ctl list-br >/dev/null || { echo "xvsd did not start:"; cat "$dir/xvsd.log"; exit 1; }
ip -n $D addr add 10.240.0.254/24 dev xenbr0
ip -n $D link set xenbr0 up

run ctl show
run ip netns exec xvs-demo-g1 ping -c 3 -i 0.2 10.240.0.2
run ip netns exec xvs-demo-g2 ping -c 3 -i 0.2 10.240.0.254
echo; echo "# ip netns exec xvs-demo-g1 ping -c 2 -W 1 10.240.0.3    (g3 is on VLAN 10: no answer)"
ip netns exec xvs-demo-g1 ping -c 2 -W 1 10.240.0.3 || true
run ctl fdb-show xenbr0
run ctl port-stats xenbr0
run ctl fdb-stats xenbr0
echo; echo "## xvsd log"; cat "$dir/xvsd.log"
if [ "${DEMO_KEEP:-0}" = 1 ]; then
    echo; echo "xvsd keeps running: try  $XVSCTL --socket $dir/xvsd.sock show"
    read -r -p "Enter stops the demo. " _
fi
