#!/usr/bin/env python3
"""802.1Q probe for test-ports.sh (no kernel VLAN devices needed).

  port-vlan-probe.py send IFACE DST_MAC VID COUNT   (VID 0: untagged)
  port-vlan-probe.py recv IFACE VID SECONDS [READY_FILE]   (VID 0: untagged)

recv prints how many probe frames arrived with exactly that tag, read from
the kernel's PACKET_AUXDATA (the tag is stripped into tp_vlan_tci); it
creates READY_FILE once it listens."""
import os
import socket, struct, sys, time

MAGIC = b"xvs-vlan-probe"
ETH_P_ALL, SOL_PACKET, PACKET_AUXDATA = 3, 263, 8
TP_STATUS_VLAN_VALID = 1 << 4


def send(ifname, dst, vid, count):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    src = s.getsockname()[4]
    tag = struct.pack("!HH", 0x8100, vid) if vid else b""
    frame = bytes.fromhex(dst.replace(":", "")) + src + tag + struct.pack("!H", 0x88b5) + MAGIC
    frame += b"\0" * max(0, 60 - len(frame))
    for _ in range(count):
        s.send(frame)
        time.sleep(0.01)


DONE_WAIT_S = 20


def recv(ifname, vid, seconds, ready=None, done=None):
    """Counts MAGIC frames tagged vid (0: untagged) for `seconds`; with
    `done`, for `seconds` after that file appears (the sender finished;
    at most DONE_WAIT_S), so a slow start of the sender on a busy machine
    does not end the window before its frames."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    if ready:
        open(ready, "w").close()
    s.settimeout(0.2)
    n, end = 0, time.time() + seconds
    if done:
        end = time.time() + DONE_WAIT_S
    while time.time() < end:
        if done and end - time.time() > seconds and os.path.exists(done):
            end = time.time() + seconds
        try:
            data, anc, _, _ = s.recvmsg(2048, socket.CMSG_SPACE(20))
        except socket.timeout:
            continue
        if MAGIC not in data:
            continue
        got = 0
        for level, kind, payload in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA:
                status, _, _, _, _, tci = struct.unpack("IIIHHH", payload[:18])
                if status & TP_STATUS_VLAN_VALID:
                    got = tci & 0xfff
        if data[12:14] == b"\x81\x00":      # tag left in the bytes
            got = struct.unpack("!H", data[14:16])[0] & 0xfff
        if got == vid:
            n += 1
    print(n)


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        recv(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]),
             sys.argv[5] if len(sys.argv) > 5 else None,
             sys.argv[6] if len(sys.argv) > 6 else None)
