#!/usr/bin/env python3
"""Write the seed corpus of fuzz-netif-tx: rings as a guest would fill them.

Input layout (see tests/fuzz/fuzz-netif-tx.c): u32 req_prod offset,
u32 start index, then 12-byte tx slots (gref u32, offset u16, flags u16,
id u16, size u16) or 8-byte extra-info slots padded to 12.
Usage: gen-netif-corpus.py OUTDIR"""
import os
import struct
import sys

MORE, EXTRA, CSUM, VALID = 4, 8, 1, 2


def req(gref, off, flags, rid, size):
    return struct.pack("<IHHHH", gref, off, flags, rid, size)


def gso(size, typ, more=False):
    return struct.pack("<BBHBBH", 1, 1 if more else 0, size, typ, 0, 0) + b"\0" * 4


def mcast(op, mac):
    return struct.pack("<BB", op, 0) + mac + b"\0" * 4


def ring(slots, start=0, prod=None):
    if prod is None:
        prod = len(slots)
    return struct.pack("<II", prod, start) + b"".join(slots)


def chain(n_follow, start=0):
    s = [req(8, 0, MORE if n_follow else 0, 0, 60 + n_follow)]
    s += [req(9, 0, MORE if i + 1 < n_follow else 0, i + 1, 1) for i in range(n_follow)]
    return ring(s, start)


SEEDS = {
    "single": ring([req(8, 0, 0, 1, 60)]),
    "two-frames": ring([req(8, 0, 0, 1, 60), req(9, 64, CSUM | VALID, 2, 1514)]),
    "multi-slot": ring([req(8, 0, MORE, 1, 3000), req(9, 100, MORE, 2, 1000),
                        req(10, 0, 0, 3, 1500)]),
    "gso": ring([req(8, 0, EXTRA | MORE | CSUM, 1, 9000), gso(1448, 1),
                 req(9, 0, MORE, 2, 4096), req(10, 0, 0, 3, 4000)]),
    "gso-v6-hash": ring([req(8, 0, EXTRA, 1, 200), struct.pack("<BB", 4, 1) + b"\0" * 10,
                         gso(1428, 2)]),
    "mcast-add": ring([req(0, 0, EXTRA, 1, 0), mcast(2, b"\x01\x00\x5e\x00\x00\x01")]),
    "mcast-del": ring([req(0, 0, EXTRA, 1, 0), mcast(3, b"\x33\x33\x00\x00\x00\x01")]),
    "partial": ring([req(8, 0, MORE, 1, 200)]),
    "wrap": chain(5, start=254),
    "wrap32": ring([req(8, 0, 0, 1, 60)] * 3, start=0xFFFFFFFE),
    "slots-18": chain(18),
    "slots-19": chain(19),
    "slots-21": chain(21),
    "runt": ring([req(8, 0, 0, 1, 13)]),
    "mismatch": ring([req(8, 0, MORE, 1, 100), req(9, 0, 0, 2, 200)]),
    "cross-page": ring([req(8, 4000, 0, 1, 200)]),
    "impossible": ring([req(8, 0, 0, 1, 60)], prod=0x80000101),
    "missing-extra": ring([req(8, 0, EXTRA, 1, 60)]),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, blob in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
