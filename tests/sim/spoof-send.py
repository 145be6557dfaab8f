#!/usr/bin/env python3
"""spoof-send.py: hand-made frames for the port security checks of
test-xvsd-sim.sh, sent with an AF_PACKET socket (no scapy), and a small
UDP sender / receiver.

  arp IF ETH_SRC SHA SPA ETH_DST TPA     ARP reply "SPA is at SHA"
  na IF ETH_SRC IP_SRC ETH_DST IP_DST TARGET TLLA
                                         unsolicited Neighbor Advertisement
                                         (override) with a target lladdr
  ra IF ETH_SRC IP_SRC PREFIX            Router Advertisement to ff02::1,
                                         source lladdr ETH_SRC, a /64 prefix
                                         for SLAAC
  udp-send SRC SPORT DST DPORT N         N datagrams SRC:SPORT -> DST:DPORT
  udp-recv ADDR PORT SECONDS             prints how many datagrams came
"""
import ipaddress
import socket
import struct
import sys
import time


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ip6(s):
    return ipaddress.IPv6Address(s).packed


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def icmp6(src, dst, typ, body):
    """An IPv6 packet (hop limit 255, as NDP needs) carrying ICMPv6."""
    msg = struct.pack("!BBH", typ, 0, 0) + body
    pseudo = src + dst + struct.pack("!I3xB", len(msg), 58)
    msg = msg[:2] + struct.pack("!H", csum(pseudo + msg)) + msg[4:]
    return struct.pack("!IHBB", 0x60000000, len(msg), 58, 255) + src + dst + msg


def send(ifname, dst, src, ethertype, payload):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    frame = dst + src + struct.pack("!H", ethertype) + payload
    s.send(frame + b"\0" * max(0, 60 - len(frame)))
    s.close()


def main(a):
    cmd = a[0]
    if cmd == "arp":
        ifname, esrc, sha, spa, edst, tpa = a[1:7]
        arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac(sha) \
            + socket.inet_aton(spa) + mac(edst) + socket.inet_aton(tpa)
        send(ifname, mac(edst), mac(esrc), 0x0806, arp)
    elif cmd == "na":
        ifname, esrc, src, edst, dst, target, tlla = a[1:8]
        body = struct.pack("!I", 0x20000000) + ip6(target) + bytes([2, 1]) + mac(tlla)
        send(ifname, mac(edst), mac(esrc), 0x86dd,
             icmp6(ip6(src), ip6(dst), 136, body))
    elif cmd == "ra":
        ifname, esrc, src, prefix = a[1:5]
        # hop limit 64, no flags, router lifetime 0 (not a default router),
        # reachable time and retrans timer unspecified
        body = struct.pack("!BBHII", 64, 0, 0, 0, 0)
        body += bytes([1, 1]) + mac(esrc)
        body += struct.pack("!BBBBIII", 3, 4, 64, 0xc0, 3600, 1800, 0) \
            + ipaddress.IPv6Network(prefix).network_address.packed
        send(ifname, mac("33:33:00:00:00:01"), mac(esrc), 0x86dd,
             icmp6(ip6(src), ip6("ff02::1"), 134, body))
    elif cmd == "udp-send":
        src, sport, dst, dport, n = a[1], int(a[2]), a[3], int(a[4]), int(a[5])
        fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src, sport))
        for _ in range(n):
            s.sendto(b"xvs port security test", (dst, dport))
            time.sleep(0.05)
    elif cmd == "udp-recv":
        addr, port, secs = a[1], int(a[2]), float(a[3])
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        n, end = 0, time.time() + secs
        while time.time() < end:
            s.settimeout(max(0.01, end - time.time()))
            try:
                s.recv(2048)
                n += 1
            except socket.timeout:
                pass
        print(n)
    else:
        sys.exit("spoof-send.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
