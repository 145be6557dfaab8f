#!/usr/bin/env python3
"""Writes the seeds of fuzz-antispoof (tests/fuzz/corpus/antispoof/).

A seed is the 7-byte header of tests/fuzz/fuzz-antispoof.c (policy,
IPv4 list mask, IPv6 list mask, legal-frame kind and parameters, head
splits) and a real frame from the guest's MAC 00:16:3e:00:00:0a.
Usage: gen-antispoof-corpus.py DIR"""
import ipaddress
import os
import struct
import sys

MAC = bytes.fromhex("00163e00000a")
OTHER = bytes.fromhex("00163e0000ff")
BCAST = b"\xff" * 6


def a4(s):
    return ipaddress.IPv4Address(s).packed


def a6(s):
    return ipaddress.IPv6Address(s).packed


def eth(t, src=MAC, dst=BCAST):
    return dst + src + struct.pack("!H", t)


def pad(f):
    return f + b"\0" * max(0, 60 - len(f))


def ip4(src, proto, l4, frag=0x4000, dst="10.0.0.254"):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, frag, 64, proto, 0,
                       a4(src), a4(dst)) + l4


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ip6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 255, a6(src),
                       a6(dst)) + payload


def opt(t, data):
    body = bytes([t, 0]) + data
    body += b"\0" * (-len(body) % 8)
    return bytes([t, len(body) // 8]) + body[2:]


def arp(op, sha, spa, tpa):
    return pad(eth(0x0806) + struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha,
                                         a4(spa), b"\0" * 6, a4(tpa)))


# header: policy (bit0 lock, bits1-2 ra guard, bits3-4 dhcp guard: 0/3 auto,
# 1 on, 2 off), v4 mask, v6 mask, legal kind (low nibble: 0 IPv4, 1 DHCP
# client, 2 ARP, 3 IPv6, 4 NS, 5 DAD, 6 NA, 7 RS, 8 RA, 9 MLD, 10 DHCPv6
# client) and forgery (bits 4-5: 1 source, 2 MAC, 3 server), legal params,
# head split of the frame, of the legal frame
LOCK_AUTO = 0x01
ALL_ON = 0x01 | 0x02 | 0x08
# masks over the tables of fuzz-antispoof.c: 10.0.0.1 is bit 0,
# 2001:db8::1 bit 0, fe80::216:3eff:fe00:a bit 4
V4 = 0x01
V6 = 0x01
V6LL = 0x11

ll = "fe80::216:3eff:fe00:a"
seeds = {
    "arp-request": (LOCK_AUTO, V4, 0, 2, 0, 0, 0,
                    arp(1, MAC, "10.0.0.1", "10.0.0.254")),
    "arp-reply-forged-sha": (LOCK_AUTO, V4, 0, 0x22, 1, 0, 0,
                             arp(2, OTHER, "10.0.0.1", "10.0.0.254")),
    "arp-probe": (LOCK_AUTO, V4, 0, 2, 2, 0, 0, arp(1, MAC, "0.0.0.0", "10.0.0.1")),
    "ip4-udp": (0, V4, 0, 0x10, 1, 0, 0,
                pad(eth(0x0800) + ip4("10.0.0.1", 17, udp(40000, 53, b"q" * 20)))),
    "dhcp-discover": (ALL_ON, V4, 0, 1, 1, 0, 0,
                      eth(0x0800) + ip4("0.0.0.0", 17, udp(68, 67, b"\1\1\6\0" + b"\0" * 236),
                                        dst="255.255.255.255")),
    "dhcp-offer": (ALL_ON, V4, 0, 0x31, 0, 0, 0,
                   eth(0x0800) + ip4("10.0.0.1", 17, udp(67, 68, b"\2\1\6\0" + b"\0" * 236))),
    "ip4-later-fragment": (ALL_ON, V4, 0, 0, 2, 0, 0,
                           pad(eth(0x0800) + ip4("10.0.0.1", 17, udp(67, 68, b""),
                                                 frag=0x00b9))),
    "ns-slla": (LOCK_AUTO, 0, V6, 0x24, 0, 0, 0,
                eth(0x86dd) + ip6("2001:db8::1", "ff02::1:ff00:2", 58,
                                  bytes([135, 0, 0, 0, 0, 0, 0, 0]) + a6("2001:db8::2")
                                  + opt(1, MAC))),
    "ns-dad": (LOCK_AUTO, 0, V6, 5, 0, 0, 0,
               eth(0x86dd) + ip6("::", "ff02::1:ff00:1", 58,
                                 bytes([135, 0, 0, 0, 0, 0, 0, 0]) + a6("2001:db8::1"))),
    "na-tlla-nonce": (LOCK_AUTO, 0, V6LL, 6, 0x04, 0, 0,
                      eth(0x86dd) + ip6(ll, "ff02::1", 58,
                                        bytes([136, 0, 0, 0, 0x20, 0, 0, 0]) + a6(ll)
                                        + opt(14, b"\1" * 6) + opt(2, MAC))),
    "na-forged-target": (LOCK_AUTO, 0, V6, 0x16, 1, 0, 0,
                         eth(0x86dd) + ip6("fe80::1", "ff02::1", 58,
                                           bytes([136, 0, 0, 0, 0x20, 0, 0, 0])
                                           + a6("2001:db8::99") + opt(2, MAC))),
    "rs": (LOCK_AUTO, 0, 0, 7, 0, 0, 0,
           eth(0x86dd) + ip6(ll, "ff02::2", 58, bytes([133, 0, 0, 0, 0, 0, 0, 0])
                             + opt(1, MAC))),
    "ra-prefixes": (0x04 | 0x10, 0, 0, 8, 0x07, 0, 0,
                    eth(0x86dd) + ip6("fe80::1", "ff02::1", 58,
                                      bytes([134, 0, 0, 0, 64, 0, 0x07, 0x08]) + b"\0" * 8
                                      + opt(1, MAC) + opt(5, b"\0\0\0\0\x05\xdc")
                                      + b"".join(opt(3, bytes([64, 0xc0]) + b"\0" * 12
                                                     + a6("2001:db8:%x::" % i))
                                                 for i in range(6)))),
    "ra-guarded": (LOCK_AUTO, 0, V6LL, 0x38, 0, 0, 0,
                   eth(0x86dd) + ip6(ll, "ff02::1", 58,
                                     bytes([134, 0, 0, 0, 64, 0, 0x07, 0x08]) + b"\0" * 8
                                     + opt(1, MAC))),
    "mld2-hopbyhop": (LOCK_AUTO, 0, V6, 9, 0x13, 0, 0,
                      eth(0x86dd) + ip6("::", "ff02::16", 0,
                                        bytes([58, 0, 5, 2, 0, 0, 1, 0])
                                        + bytes([143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0])
                                        + a6("ff02::1:ff00:1"))),
    "dhcp6-solicit": (ALL_ON, 0, V6LL, 10, 0, 0, 0,
                      eth(0x86dd) + ip6(ll, "ff02::1:2", 17, udp(546, 547, b"\1abc"))),
    "dhcp6-advertise-in-fragment": (
        ALL_ON, 0, V6LL, 3, 0x80, 0, 0,
        eth(0x86dd) + ip6(ll, "ff02::1:2", 44,
                          bytes([60, 0, 0, 1, 0, 0, 0x12, 0x34])
                          + bytes([17, 0, 1, 4, 0, 0, 0, 0]) + udp(547, 546, b"\2abc"))),
    "ip6-later-fragment": (ALL_ON, 0, V6, 3, 0, 0, 0,
                           eth(0x86dd) + ip6("2001:db8::1", "2001:db8::9", 44,
                                             bytes([58, 0, 0x05, 0x01, 0, 0, 0x12, 0x34])
                                             + b"\x86" + b"\0" * 31)),
    "ip6-site-local-source": (0, 0, V6, 0x13, 0x04, 0, 0,
                              eth(0x86dd) + ip6("fec0::5", "2001:db8::9", 17,
                                                udp(40000, 53, b"q" * 12))),
    "qinq": (LOCK_AUTO, V4, 0, 0, 0, 0, 0,
             pad(eth(0x8100) + b"\0\x05\x08\x00" + ip4("10.0.0.1", 6, b"\0" * 20))),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, (pol, m4, m6, kind, prm, s1, s2, frame) in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes([pol, m4, m6, kind, prm, s1, s2]) + frame)
