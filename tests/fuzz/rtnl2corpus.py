#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""rtnl2corpus.py - seeds for fuzz_rtnlmsg: rtnetlink datagrams, hand-made and (--live) dumped by the kernel.

    tests/fuzz/rtnl2corpus.py [--live] OUT_DIR

Writes one datagram per file into OUT_DIR:

  msg-*     hand-made messages for every case rtnlmsg.c tells apart: links
            with and without a MAC, AF_BRIDGE port events, IPv4 addresses
            with IFA_LOCAL/IFA_ADDRESS/IFA_BROADCAST (and point-to-point, /31,
            /32, /0), IPv6 ones, deletes, NLMSG_DONE, NLMSG_ERROR, a dump
            batch with NLM_F_DUMP_INTR, and a few broken ones.
  kernel-*  with --live: the datagrams the kernel answers a link dump and an
            address dump with, in the network namespace this runs in
            (mkcorpus.sh runs it in its target namespace).

Only documentation addresses; the hand-made files are the same on every run.
"""
import argparse
import os
import socket
import struct

RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_DUMP, NLM_F_DUMP_INTR = 0x1, 0x2, 0x300, 0x10
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS = 1, 2, 3, 4, 6, 8
IFLA_ADDRESS, IFLA_BROADCAST, IFLA_IFNAME, IFLA_MTU = 1, 2, 3, 4
AF_UNSPEC, AF_INET, AF_BRIDGE, AF_INET6 = 0, 2, 7, 10


def pad(b):
    return b + b"\0" * (-len(b) % 4)


def attr(t, payload):
    return pad(struct.pack("=HH", 4 + len(payload), t) + payload)


def msg(t, body, flags=0, seq=0):
    return pad(struct.pack("=IHHII", 16 + len(body), t, flags, seq, 0) + body)


def ip(s):
    return socket.inet_pton(socket.AF_INET6 if ":" in s else socket.AF_INET, s)


def link(t, index, mac=None, name=None, family=AF_UNSPEC, flags=0):
    body = struct.pack("=BxHiII", family, 1, index, 0x1003, 0)
    if mac:
        body += attr(IFLA_ADDRESS, bytes(mac)) + attr(IFLA_BROADCAST, b"\xff" * len(mac))
    if name:
        body += attr(IFLA_IFNAME, name.encode() + b"\0")
    body += attr(IFLA_MTU, struct.pack("=I", 1500))
    return msg(t, body, flags)


def addr(t, plen, index, local=None, address=None, bcast=None, flags=0):
    family = AF_INET6 if ":" in (local or address) else AF_INET
    body = struct.pack("=BBBBI", family, plen, 0x80, 0, index)
    if address:
        body += attr(IFA_ADDRESS, ip(address))
    if local:
        body += attr(IFA_LOCAL, ip(local))
    if bcast:
        body += attr(IFA_BROADCAST, ip(bcast))
    if family == AF_INET:
        body += attr(IFA_LABEL, b"eth0\0")
    body += attr(IFA_CACHEINFO, struct.pack("=IIII", 0xffffffff, 0xffffffff, 100, 100))
    body += attr(IFA_FLAGS, struct.pack("=I", 0x80))
    return msg(t, body, flags)


def done(flags=NLM_F_MULTI):
    return msg(NLMSG_DONE, struct.pack("=i", 0), flags)


MAC = [0x02, 0x00, 0x5e, 0x00, 0x53, 0x01]


def handmade():
    """name -> datagram."""
    eth = link(RTM_NEWLINK, 2, MAC, "eth0")
    v4 = addr(RTM_NEWADDR, 24, 2, "192.0.2.1", "192.0.2.1", "192.0.2.255")
    v6 = addr(RTM_NEWADDR, 64, 2, None, "2001:db8::1")
    m = NLM_F_MULTI
    seeds = {
        "msg-newlink": eth,
        "msg-newlink-lo": link(RTM_NEWLINK, 1, [0] * 6, "lo"),
        "msg-newlink-tunnel": link(RTM_NEWLINK, 5, None, "wg0"),
        "msg-dellink": link(RTM_DELLINK, 2),
        "msg-dellink-bridge-port": link(RTM_DELLINK, 2, MAC, "eth0", AF_BRIDGE),
        "msg-newaddr-v4": v4,
        "msg-newaddr-v4-ptp": addr(RTM_NEWADDR, 32, 3, "198.51.100.1", "198.51.100.2"),
        "msg-newaddr-v4-31": addr(RTM_NEWADDR, 31, 2, "203.0.113.0", "203.0.113.0"),
        "msg-newaddr-v4-32": addr(RTM_NEWADDR, 32, 2, "203.0.113.9", "203.0.113.9"),
        "msg-newaddr-v4-0": addr(RTM_NEWADDR, 0, 2, "192.0.2.77", "192.0.2.77"),
        "msg-newaddr-v6": v6,
        "msg-newaddr-v6-128": addr(RTM_NEWADDR, 128, 1, None, "::1"),
        "msg-deladdr-v4": addr(RTM_DELADDR, 24, 2, "192.0.2.1", "192.0.2.1"),
        "msg-deladdr-v6": addr(RTM_DELADDR, 64, 2, None, "2001:db8::1"),
        "msg-error": msg(NLMSG_ERROR, struct.pack("=i", -16) + msg(RTM_GETADDR, b"\0" * 8)[:16]),
        "msg-done": done(),
        "msg-dump": link(RTM_NEWLINK, 2, MAC, "eth0", flags=m) +
        addr(RTM_NEWADDR, 24, 2, "192.0.2.1", "192.0.2.1", flags=m) +
        addr(RTM_NEWADDR, 64, 2, None, "2001:db8::1", flags=m) + done(),
        "msg-dump-intr": eth + addr(RTM_NEWADDR, 24, 2, "192.0.2.1", "192.0.2.1",
                                    flags=m | NLM_F_DUMP_INTR) + done(m | NLM_F_DUMP_INTR),
        "msg-add-del": eth + v4 + v6 + addr(RTM_DELADDR, 24, 2, "192.0.2.1", "192.0.2.1") +
        link(RTM_DELLINK, 2),
        "msg-bad-plen": v4[:17] + b"\x21" + v4[18:],  # ifa_prefixlen 33
        "msg-bad-cut": v4[:-6],
    }
    return seeds


def live():
    """name -> datagram: the kernel's answers to a link and an address dump."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE
    s.bind((0, 0))
    out = {}
    for seq, (what, t, hdr) in enumerate((("link", RTM_GETLINK, 16), ("addr", RTM_GETADDR, 8)), 1):
        s.send(msg(t, b"\0" * hdr, NLM_F_REQUEST | NLM_F_DUMP, seq))
        n = 0
        while True:
            d = s.recv(32768)
            out[f"kernel-{what}{n:02d}"] = d
            n += 1
            if any_done(d):
                break
    s.close()
    return out


def any_done(d):
    off = 0
    while off + 16 <= len(d):
        length, t = struct.unpack_from("=IH", d, off)
        if t in (NLMSG_DONE, NLMSG_ERROR):
            return True
        if length < 16:
            return True
        off += (length + 3) & ~3
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--live", action="store_true", help="also dump this network namespace")
    ap.add_argument("out")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    seeds = handmade()
    if args.live:
        seeds.update(live())
    for name, data in seeds.items():
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
    print(f"fuzz_rtnlmsg: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
