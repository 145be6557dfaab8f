#!/usr/bin/env python3
"""Write the seed corpus of fuzz-netif-rx: scripts of a guest posting RX
buffers and of frames delivered to it.

Input layout (see tests/fuzz/fuzz-netif-rx.c): u32 start index, u8 guest
features (1 sg, 2 gso-tcpv4, 4 gso-tcpv6, 8 csum v4, 16 csum v6), u8 key,
then operations: 'F' u16 len, u8 hi|flags, u8 gso_type, u16 gso_size;
'P' u8 n; 'J' u32 v; 'S' u8 slot, 8 bytes; 'R' u8 n, u8 okmask; 'O';
'E' u8 k; 'W' u8 n.
Usage: gen-netif-rx-corpus.py OUTDIR"""
import os
import struct
import sys

LINUX = 1 | 2 | 4 | 8 | 16
PARTIAL, VALID, V6 = 1, 2, 4
TCPV4, TCPV6 = 1, 2


def head(start=0, feat=LINUX, key=0):
    return struct.pack("<IBB", start, feat, key)


def frame(length, flags=0, gso_type=0, gso_size=0):
    return b"F" + struct.pack("<HBBH", length & 0xffff, (length >> 16) << 6 | flags,
                              gso_type, gso_size)


def post(n):
    return b"P" + bytes([n])


def respond(n, okmask=0):
    return b"R" + bytes([n, okmask])


def jump(v):
    return b"J" + struct.pack("<I", v)


SEEDS = {
    "one-frame": head() + post(1) + frame(60) + respond(1),
    "batch": head() + post(64) + b"".join(frame(60 + i) for i in range(8)) + respond(8),
    "sg": head() + post(20) + frame(9000, VALID) + respond(1),
    "gso-v4": head() + post(20) + frame(65000, PARTIAL, TCPV4, 1448) + respond(1),
    "gso-v6": head() + post(20) + frame(30000, PARTIAL | V6, TCPV6, 1428) + respond(1),
    "gso-unwanted": head(feat=1 | 8) + post(20) + frame(30000, PARTIAL, TCPV6, 1428),
    "no-sg": head(feat=8) + post(4) + frame(5000) + frame(1514) + respond(1),
    "csum-fixup": head(feat=1) + post(2) + frame(1514, PARTIAL) + respond(1),
    "one-slot-free": head() + post(1) + frame(65000, PARTIAL, TCPV4, 1448)
    + b"W\x11" + post(16) + frame(65000, PARTIAL, TCPV4, 1448) + respond(1),
    "copy-errors": head() + post(40) + frame(9000) + frame(60) + respond(2, 0x85),
    "wrap": head(start=250) + post(20) + frame(20000) + respond(1),
    "wrap32": head(start=0xFFFFFFF0) + post(40) + frame(40000) + frame(60) + respond(2),
    "impossible": head() + jump(257) + frame(60),
    "prod-back": head() + post(10) + frame(60) + frame(60) + jump(1) + frame(60)
    + respond(2),
    "scribble": head() + post(4) + b"S\x00" + b"\x01\x02\x03\x04\x05\x06\x07\x08"
    + frame(60) + respond(1),
    "out-of-order": head() + post(4) + frame(60) + frame(60) + b"O" + respond(2),
    "rsp-event": head() + post(8) + b"E\x03" + frame(60) + respond(1) + frame(60)
    + frame(60) + respond(2),
    "too-long": head() + post(40) + frame(70000) + frame(0),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, blob in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
