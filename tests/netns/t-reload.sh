#!/bin/bash
# t-reload: SIGHUP adds and removes ports and bridges and applies changed
# settings without disturbing running traffic; a broken file is rejected
# with messages naming its lines while forwarding goes on; a broken file at
# start is refused.
. "$(dirname "$0")/lib.sh"
it_init 15

for i in 1 2 3 4 5 6; do add_host h$i $i "$NET.$i/24"; done

write_conf() {   # write_conf VARIANT
    {
        echo "[global]"
        echo "log-level = info"
        echo
        echo "[bridge xvsbr0]"
        [ "$1" = v1 ] && echo "ageing = 300" || echo "ageing = 100"
        [ "$1" = broken ] && echo "fdb-max = lots"
        echo "[port xvsbr0 h1-p]"
        echo "vlan = 1"
        echo "[port xvsbr0 h2-p]"
        echo "vlan = 1"
        if [ "$1" = v1 ]; then
            printf '[port xvsbr0 h4-p]\nvlan = 1\n[port xvsbr0 h5-p]\nvlan = 1\n'
            printf '[bridge xvsbr9]\nhost-port = no\n[port xvsbr9 h6-p]\nvlan = 1\n'
        else
            printf '[port xvsbr0 h3-p]\nvlan = 1\n[port xvsbr0 h5-p]\nvlan = 7\n'
            printf '[bridge xvsbr2]\nhost-port = yes\n'
        fi
        [ "$1" = broken ] && printf '[port xvsbr0 h6-p]\ncolour = blue\n'
    } > "$CONF"
}
write_conf v1
start_xvsd
on sw ip addr add "$NET.254/24" dev xvsbr0
on sw ip link set xvsbr0 up

check "v1: h1 -> h2" ping_ok h1 "$NET.2"
check "v1: h4 -> h1" ping_ok h4 "$NET.1"
check "v1: h5 -> h1" ping_ok h5 "$NET.1"
check "v1: h3 not attached" ping_fails h3 "$NET.1"
check "v1: bridges" test "$(bridges)" = "xvsbr0 xvsbr9 "

# A ping stream h1 -> h2 runs across both reloads: 160 pings in 8 s.
on h1 ping -i 0.05 -c 160 -W 1 "$NET.2" > "$T_DIR/stream" 2>&1 &
stream=$!
sleep 1

write_conf v2
reload
check "v2: h3-p added" matches '^h3-p$' ctl list-ports xvsbr0
check_not "v2: h4-p removed" matches '^h4-p$' ctl list-ports xvsbr0
check "v2: h3 -> h1" ping_ok h3 "$NET.1"
check "v2: h4 -> h1 no longer" ping_fails h4 "$NET.1"
check "v2: h5 moved to VLAN 7: cannot reach h1" ping_fails h5 "$NET.1"
check "v2: show reports h5-p in VLAN 7" jq -e '.bridges[] | select(.name == "xvsbr0") | .ports[] | select(.name == "h5-p") | .pvid == 7' <(ctl -j show)
check "v2: ageing 100 applied" jq -e '.ageing == 100' <(ctl -j fdb-stats xvsbr0)
check "v2: bridge xvsbr9 removed, xvsbr2 added" test "$(bridges)" = "xvsbr0 xvsbr2 "
check "v2: host port xvsbr2 created" on sw ip link show xvsbr2
check "v2: host port xvsbr0 kept its address" matches "inet $NET.254/24" on sw ip addr show xvsbr0
check "v2: h2 -> host port" ping_ok h2 "$NET.254"

lines0=$(wc -l < "$LOG")
write_conf broken
reload
sleep 0.5
errors=$(tail -n +"$((lines0 + 1))" "$LOG")
badval=$(grep -n 'fdb-max' "$CONF" | cut -d: -f1)
check "broken: log names line $badval (bad value) and the key" grep -Eq "xvs\\.conf:$badval:.*fdb-max" <<<"$errors"
badkey=$(grep -n 'colour' "$CONF" | cut -d: -f1)
check "broken: log names line $badkey (unknown key)" grep -Eq "xvs\\.conf:$badkey:.*colour" <<<"$errors"
check "broken: xvsd still running" kill -0 "$XVSD_PID"
check "broken: running config kept (ageing 100)" jq -e '.ageing == 100' <(ctl -j fdb-stats xvsbr0)
check "broken: ports unchanged" test "$(ctl list-ports xvsbr0 | sort | tr '\n' ' ')" = "h1-p h2-p h3-p h5-p xvsbr0 "
check "broken: h3 -> h1 still forwarded" ping_ok h3 "$NET.1"

wait $stream
received=$(grep -oE '[0-9]+ received' "$T_DIR/stream" | cut -d' ' -f1)
check "ping stream across 2 reloads lost at most 2 of 160 (received ${received:-0})" test "${received:-0}" -ge 158

# A broken file at start: refused with the line named, nothing left behind.
stop_xvsd
out=$(ip netns exec "$SW" timeout 10 "$XVSD" --foreground --config "$CONF" --control "$SOCK" 2>&1)
rc=$?
check "start with a broken file fails (exit $rc)" test $rc != 0 -a $rc != 124
check "... naming line $badval" grep -Eq "xvs\\.conf:$badval:" <<<"$out"
check_not "... and creates no host port" on sw ip link show xvsbr2
finish
