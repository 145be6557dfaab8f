#!/bin/bash
# h-reload: SIGHUP with broken configuration files.  Whatever stands at the
# configuration path -- nothing, a directory, 2 MB, binary noise, a NUL
# byte, a symlink loop, /dev/zero, a FIFO nobody writes to, a file naming
# devices that do not exist -- xvsd logs why, keeps the bridges it has,
# goes on forwarding and answering, and takes the next good file.  (A FIFO
# used to hang it for good: opening it waited for a writer, in the event
# loop.)  A reload may not attach a netdev that is already a port of a
# bridge made at run time (xvsctl add-br) to a bridge of the file, as a
# [port] or as an uplink, nor make a run-time bridge's host port an uplink:
# both bridges would read and write the device (every frame crossing it
# delivered twice), or two bridges would be chained, which xvsctl add-br
# and the file's own checks refuse.  Then a burst of 50 SIGHUPs.
. "$(dirname "$0")/lib.sh"
it_init 43

add_hosts 3
cat > "$CONF" <<EOC
[bridge hrl0]
uplink = h1-p
host-port = no
[port hrl0 h2-p]
EOC
cp "$CONF" "$T_DIR/good.conf"
start_xvsd

# hup: SIGHUP, then wait (15 s at most) until the log has one more "reload"
# line ("reload done" or "reload failed").
hup() {
    local n
    n=$(grep -c 'reload \(done\|failed\)' "$LOG")
    kill -HUP "$XVSD_PID"
    for _ in $(seq 150); do
        [ "$(grep -c 'reload \(done\|failed\)' "$LOG")" -gt "$n" ] && return 0
        sleep 0.1
    done
    echo "no reload result logged within 15 s"
    return 1
}
same() { test "$(ctl list-ports hrl0 | tr '\n' ' ')" = "h1-p h2-p "; }

for kind in missing directory 2MB binary nul-byte symlink-loop dev-zero fifo bad-value; do
    rm -rf "$CONF"
    case $kind in
        missing) ;;
        directory) mkdir "$CONF" ;;
        2MB) head -c 2000000 /dev/zero | tr '\0' '#' >"$CONF" ;;
        binary) head -c 4096 /dev/urandom >"$CONF" ;;
        nul-byte) printf '[bridge hrl0]\n\0\n' >"$CONF" ;;
        symlink-loop) ln -s "$CONF" "$CONF" ;;
        dev-zero) ln -s /dev/zero "$CONF" ;;
        fifo) mkfifo "$CONF" ;;
        bad-value) printf '[bridge hrl0]\nageing = soon\n' >"$CONF" ;;
    esac
    check "SIGHUP with a $kind configuration: reload fails" hup
    check "... logged as failed" sh -c "tail -n 1 '$LOG' | grep -q 'reload failed'"
    check "... xvsd answers" ctl version
    check "... and keeps its ports" same
done
check "forwarding went on" ping_ok h1 "$NET.2"

rm -rf "$CONF"
printf '[bridge hrl0]\nuplink = h1-p\nhost-port = no\n[port hrl0 h2-p]\n[port hrl0 nosuch9]\n' >"$CONF"
check "SIGHUP naming a missing device: the reload is done" hup
check "... with the failure logged" grep -q 'nosuch9' "$LOG"
check "... and the rest applied" same
cp "$T_DIR/good.conf" "$CONF"
check "SIGHUP with the good file again" hup
check "... reload done" sh -c "tail -n 1 '$LOG' | grep -q 'reload done'"

# A file that wants a run-time bridge's netdev.
check "add-br hrl1 uplink=h3-p at run time" ctl add-br hrl1 uplink=h3-p host-port=no
printf '[bridge hrl0]\nuplink = h1-p\nhost-port = no\n[port hrl0 h2-p]\n[port hrl0 h3-p]\n' >"$CONF"
check "SIGHUP with a file that puts h3-p on hrl0 too" hup
check_not "... h3-p is not attached to hrl0 as well" grep -qx h3-p <(ctl list-ports hrl0)
check "... it stays on hrl1" grep -qx h3-p <(ctl list-ports hrl1)
check "... and the reload says why" grep -q 'h3-p.*hrl1' "$LOG"
# ... nor as a [bridge]'s uplink, nor a run-time bridge's own host port.
ctl del-br hrl1 >/dev/null
check "add-br hrl1 uplink=h3-p (with its host port) at run time" ctl add-br hrl1 uplink=h3-p
printf '[bridge hrl0]\nuplink = h1-p\nhost-port = no\n[port hrl0 h2-p]\n[bridge hrl2]\nuplink = h3-p\nhost-port = no\n' >"$CONF"
check "SIGHUP with a file whose bridge hrl2 has uplink h3-p" hup
check_not "... h3-p is not the uplink of hrl2 as well" grep -qx h3-p <(ctl list-ports hrl2)
check "... it stays on hrl1" grep -qx h3-p <(ctl list-ports hrl1)
printf '[bridge hrl0]\nuplink = h1-p\nhost-port = no\n[port hrl0 h2-p]\n[bridge hrl2]\nuplink = hrl1\nhost-port = no\n' >"$CONF"
check "SIGHUP with a file whose bridge hrl2 has uplink hrl1 (a bridge)" hup
check_not "... hrl1's host port is not an uplink of hrl2" grep -qx hrl1 <(ctl list-ports hrl2)
ctl del-br hrl1 >/dev/null
cp "$T_DIR/good.conf" "$CONF"
hup >/dev/null

for _ in $(seq 50); do kill -HUP "$XVSD_PID"; done
sleep 1
check "50 SIGHUPs in a burst: xvsd answers" ctl version
check "... and forwards" ping_ok h1 "$NET.2"
check "... with its ports" same
finish
