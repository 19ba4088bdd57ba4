#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pcap2corpus.py - seed corpora for the libFuzzer targets from captured probes.

    tests/fuzz/pcap2corpus.py [--pcap DIR] [--ring FILE] OUT_DIR

Reads the captures that tests/fuzz/mkcorpus.sh makes (classic pcap, no
third-party module needed) and writes one file per seed into
OUT_DIR/<target>/:

  fuzz_decode    byte 0 picks decode_packet()'s family (0 none, 1 IPv4, 2 IPv6,
                 as fuzz_decode.c reads it), the rest is one raw L3 packet:
                 every distinct probe of the Ethernet capture, several
                 truncations of each, and deterministic mutations of the
                 fields the decoder checks (IHL, lengths, fragment bits, TCP
                 data offset, IPv6 next header, ICMP quote).
  fuzz_nflogmsg  netlink datagrams as the capture thread receives them: the
                 kernel's own NFLOG messages from the nflog:N capture (libpcap
                 stores the nfgenmsg and attributes as sent; only the nlmsghdr
                 is put back), batches of several, messages rebuilt with every
                 attribute nflogd reads (SEQ, TIMESTAMP, PREFIX, ...), and
                 truncated or damaged ones.
  fuzz_ringread  the small rings the daemon wrote during the capture (gzipped:
                 `make fuzz` unpacks them), and copies of the last one damaged
                 the ways doc/ring-format.md says a reader must survive.
  fuzz_explain   explain's operands, NUL-separated as fuzz_explain.c splits them.

Mutations use a fixed random seed, so the same captures give the same corpus.
"""
import argparse
import gzip
import hashlib
import os
import random
import struct
import sys

LINKTYPE_EN10MB = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_NFLOG = 239

NFNL_SUBSYS_ULOG = 4
NFULNL_MSG_PACKET = 0
NLMSG_DONE = 3
NFULA = dict(PACKET_HDR=1, MARK=2, TIMESTAMP=3, IFINDEX_INDEV=4, IFINDEX_OUTDEV=5,
             HWADDR=8, PAYLOAD=9, PREFIX=10, UID=11, SEQ=12, SEQ_GLOBAL=13, GID=14,
             HWTYPE=15, HWHEADER=16, HWLEN=17)


def read_pcap(path):
    """(linktype, [packet bytes]) of a classic pcap file, either byte order."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit(f"{path}: not a classic pcap file (pcapng? use tcpdump -w)")
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0fffffff
    pkts, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        pkts.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return linktype, pkts


def l3_of(linktype, frame):
    """The IPv4/IPv6 packet inside a frame, or None."""
    if linktype == LINKTYPE_RAW:
        return frame
    if linktype == LINKTYPE_EN10MB:
        off, etype = 14, struct.unpack(">H", frame[12:14])[0]
        while etype in (0x8100, 0x88a8) and len(frame) >= off + 4:
            etype = struct.unpack(">H", frame[off + 2:off + 4])[0]
            off += 4
    elif linktype == LINKTYPE_LINUX_SLL:
        off, etype = 16, struct.unpack(">H", frame[14:16])[0]
    else:
        return None
    return frame[off:] if etype in (0x0800, 0x86dd) else None


def signature(pkt):
    """What makes a probe different for the decoder: version, protocol, flags,
    ICMP type, header lengths; not addresses, ports or IDs."""
    v = pkt[0] >> 4
    if v == 4 and len(pkt) >= 20:
        ihl = (pkt[0] & 15) * 4
        proto, frag = pkt[9], struct.unpack(">H", pkt[6:8])[0]
        l4 = pkt[ihl:]
    elif v == 6 and len(pkt) >= 40:
        ihl, proto, frag, l4 = 40, pkt[6], 0, pkt[40:]
    else:
        return (v, len(pkt))
    extra = ()
    if proto == 6 and len(l4) >= 14:
        extra = (l4[13], l4[12] >> 4)
    elif proto in (1, 58) and len(l4) >= 2:
        extra = (l4[0], l4[1])
    elif proto == 17 and len(l4) >= 4:
        extra = (min(struct.unpack(">H", l4[2:4])[0], 1024),)
    return (v, ihl, proto, frag & 0xe000, bool(frag & 0x1fff)) + extra + (len(pkt) // 64,)


def family_byte(pkt):
    return {4: 1, 6: 2}.get(pkt[0] >> 4, 0)


class Out:
    def __init__(self, root):
        self.root = root
        self.count = {}
        self.seen = set()

    def put(self, target, name, data, gz=False):
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        h = hashlib.sha1(target.encode() + data).hexdigest()
        if h in self.seen:
            return
        self.seen.add(h)
        path = os.path.join(d, f"{name}-{h[:8]}")
        if gz:
            # mtime 0 and no name: the same ring gives the same bytes
            with open(path + ".gz", "wb") as raw, \
                    gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
                f.write(data)
        else:
            with open(path, "wb") as f:
                f.write(data)
        self.count[target] = self.count.get(target, 0) + 1


def mutate_l3(pkt, rng):
    """Damaged copies of one packet, each breaking one thing the decoder checks."""
    out = []
    b = bytearray(pkt)
    v = pkt[0] >> 4
    if v == 4 and len(pkt) >= 20:
        ihl = (pkt[0] & 15) * 4
        for val in (0x40, 0x44, 0x46, 0x4f):          # IHL 0, 4, 6 (options), 15
            m = bytearray(b); m[0] = val; out.append(("ihl", m))
        for tot in (0, 19, ihl, len(pkt) + 1, 0xffff):  # total length lies
            m = bytearray(b); m[2:4] = struct.pack(">H", tot); out.append(("totlen", m))
        for fl in (0x2000, 0x0001, 0x3fff, 0x8000, 0x1fff):  # MF, offsets, evil bit
            m = bytearray(b); m[6:8] = struct.pack(">H", fl); out.append(("frag", m))
        for p in (6, 17, 1, 58, 41, 0):               # other protocol, same bytes
            m = bytearray(b); m[9] = p; out.append(("proto", m))
        if len(pkt) >= ihl + 13 and pkt[9] == 6:
            for doff in (0x00, 0x40, 0xf0):           # TCP data offset 0, 4, 15
                m = bytearray(b); m[ihl + 12] = doff; out.append(("doff", m))
        if len(pkt) >= ihl + 6 and pkt[9] == 17:
            for ulen in (0, 7, 0xffff):
                m = bytearray(b); m[ihl + 4:ihl + 6] = struct.pack(">H", ulen)
                out.append(("udplen", m))
        m = bytearray(b); m[0] = 0x65; out.append(("version", m))   # v6 nibble, v4 bytes
    elif v == 6 and len(pkt) >= 40:
        for nh in (0, 43, 44, 60, 59, 6, 17, 58):    # extension headers, none
            m = bytearray(b); m[6] = nh; out.append(("nexthdr", m))
        for pl in (0, 7, len(pkt), 0xffff):           # payload length lies
            m = bytearray(b); m[4:6] = struct.pack(">H", pl); out.append(("paylen", m))
        m = bytearray(b); m[0] = 0x45; out.append(("version", m))
    for i in range(3):                                # random byte flips
        m = bytearray(b)
        for _ in range(1 + i):
            pos = rng.randrange(len(m))
            m[pos] ^= 1 << rng.randrange(8)
        out.append(("flip", m))
    return out


def nla(atype, payload):
    ln = 4 + len(payload)
    return struct.pack("<HH", ln, atype) + payload + b"\0" * (-ln % 4)


def nlmsg(body, nltype=(NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET, seq=0):
    ln = 16 + len(body)
    return struct.pack("<IHHII", ln, nltype, 0, seq, 0) + body + b"\0" * (-ln % 4)


def nflog_rebuilt(pkt, seq, prefix=b"corpus", group=10, hook=1):
    """An NFLOG packet message carrying every attribute nflogd reads."""
    fam = {4: 2, 6: 10}.get(pkt[0] >> 4, 0)
    ethertype = {4: 0x0800, 6: 0x86dd}.get(pkt[0] >> 4, 0)
    body = struct.pack("BB", fam, 0) + struct.pack(">H", group)
    body += nla(NFULA["PACKET_HDR"], struct.pack(">HBB", ethertype, hook, 0))
    body += nla(NFULA["MARK"], struct.pack(">I", 0x2a))
    body += nla(NFULA["TIMESTAMP"], struct.pack(">QQ", 1700000000 + seq, 123456))
    body += nla(NFULA["IFINDEX_INDEV"], struct.pack(">I", 2))
    body += nla(NFULA["HWTYPE"], struct.pack(">H", 1))
    body += nla(NFULA["HWADDR"], struct.pack(">HH8s", 6, 0, bytes(range(6)) + b"\0\0"))
    body += nla(NFULA["HWLEN"], struct.pack(">H", 14))
    body += nla(NFULA["HWHEADER"], bytes(range(14)))
    body += nla(NFULA["PREFIX"], prefix + b"\0")
    body += nla(NFULA["SEQ"], struct.pack(">I", seq))
    body += nla(NFULA["PAYLOAD"], pkt)
    return nlmsg(body, seq=seq)


def damage_nlmsg(msg, rng):
    """Framing and attribute damage: lengths that lie, attributes cut short."""
    out = []
    for ln in (0, 15, 16, 19, len(msg) + 4, 0xffffffff, 0x80000000):
        m = bytearray(msg); m[0:4] = struct.pack("<I", ln); out.append(("nllen", m))
    if len(msg) >= 24:
        for ln in (0, 3, 4, 0xffff, len(msg)):        # first attribute's length
            m = bytearray(msg); m[20:22] = struct.pack("<H", ln); out.append(("nlalen", m))
    for cut in (17, 20, 24, len(msg) // 2, len(msg) - 1):
        out.append(("cut", bytearray(msg[:cut])))
    m = bytearray(msg); m[4:6] = struct.pack("<H", (NFNL_SUBSYS_ULOG << 8) | 1)
    out.append(("config", m))
    m = bytearray(msg)
    for _ in range(4):
        pos = rng.randrange(len(m))
        m[pos] ^= 1 << rng.randrange(8)
    out.append(("flip", m))
    return out


def ring_variants(ring):
    """Damaged copies of a valid ring file (format v1, doc/ring-format.md)."""
    hdr = dict(nsegs=24, slots=32, data_off=40, file_size=48)
    nsegs = struct.unpack_from("<I", ring, 24)[0]
    slots = struct.unpack_from("<Q", ring, 32)[0]
    data_off = struct.unpack_from("<Q", ring, 40)[0]

    def patch(fmt, off, val):
        b = bytearray(ring)
        struct.pack_into(fmt, b, off, val)
        return b
    v = [("valid", bytearray(ring))]
    v.append(("trunc-1", bytearray(ring[:-1])))
    v.append(("trunc-page", bytearray(ring[:len(ring) - 4096])))
    v.append(("trunc-hdr", bytearray(ring[:4096])))
    v.append(("extended", bytearray(ring) + b"\0" * 4096))
    v.append(("major2", patch("<H", 8, 2)))
    v.append(("minor99", patch("<H", 10, 99)))          # readers must accept
    v.append(("badmagic", patch("<8s", 0, b"NFLOGRNX")))
    v.append(("hdrsize", patch("<I", 12, 8192)))
    v.append(("recsize", patch("<I", 20, 128)))
    v.append(("nsegs0", patch("<I", hdr["nsegs"], 0)))
    v.append(("nsegs-big", patch("<I", hdr["nsegs"], 257)))
    v.append(("nsegs-lie", patch("<I", hdr["nsegs"], nsegs + 1)))
    v.append(("slots-odd", patch("<Q", hdr["slots"], slots - 1)))
    v.append(("slots-big", patch("<Q", hdr["slots"], 1 << 40)))
    v.append(("dataoff", patch("<Q", hdr["data_off"], data_off + 256)))
    v.append(("filesize", patch("<Q", hdr["file_size"], len(ring) * 2)))
    # Geometry right, contents hostile.
    seg0 = 4096
    v.append(("head-huge", patch("<Q", seg0, (1 << 64) - 1)))
    v.append(("head-ahead", patch("<Q", seg0, slots * 3 + 5)))
    v.append(("nprefixes", patch("<I", seg0 + 20, 0xffffffff)))
    v.append(("nkb", patch("<I", seg0 + 4096, 0xffffffff)))
    v.append(("ifgen-odd", patch("<I", 88, 0x7fffffff)))
    b = bytearray(ring)
    b[seg0 + 1152:seg0 + 1152 + 1920] = b"\xff" * 1920  # prefixes without a NUL
    v.append(("prefix-nonul", b))
    b = bytearray(ring)
    for i in range(64):                                 # names without a NUL, \e in them
        struct.pack_into("<I16s", b, 256 + 20 * i, i + 1, b"\x1b[31m" + b"A" * 11)
    v.append(("ifnames", b))
    rec0 = data_off
    b = bytearray(ring); b[rec0 + 100] ^= 0xff; v.append(("rec-crc", b))
    b = bytearray(ring); struct.pack_into("<Q", b, rec0, 1); v.append(("rec-odd", b))
    b = bytearray(ring); struct.pack_into("<Q", b, rec0, 1 << 40); v.append(("rec-ahead", b))
    b = bytearray(ring)
    for i in range(slots):                              # every record's kind flipped
        b[rec0 + i * 256 + 24] ^= 3
    v.append(("rec-kind", b))
    return v


EXPLAIN = [
    b"137", b"31337/udp", b"27374/tcp", b"0", b"65535", b"70000", b"80/sctp", b"80/",
    b"/tcp", b"00000000000000080", b"icmp\x003/4", b"icmp\x008", b"icmpv6\x002",
    b"icmpv6\x001/4", b"icmp\x00256", b"icmp\x003/", b"tcp\x0080", b"169.254.1.1",
    b"fe80::1", b"::ffff:192.0.2.1", b"9.9.9.9", b"1.2.3", b"", b"icmp\x003\x004",
    b"2001:db8::1", b"255.255.255.255", b"1.2.3.4/tcp",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcap", default=os.path.join(os.path.dirname(__file__), "pcap"),
                    help="directory with probes-l2.pcap and probes-nflog.pcap")
    ap.add_argument("--ring", action="append", default=[],
                    help="a small valid ring file written by nflogd (repeatable)")
    ap.add_argument("out", help="corpus directory (tests/fuzz/corpus)")
    a = ap.parse_args()
    rng = random.Random(7)
    out = Out(a.out)

    # Raw L3 packets for the decoder.
    lt, frames = read_pcap(os.path.join(a.pcap, "probes-l2.pcap"))
    pkts, sigs = [], set()
    for fr in frames:
        p = l3_of(lt, fr)
        if not p:
            continue
        s = signature(p)
        if s in sigs:
            continue
        sigs.add(s)
        pkts.append(p)
    classes = {}
    for i, p in enumerate(pkts):
        fam = family_byte(p)
        out.put("fuzz_decode", f"pkt{i:03d}", bytes([fam]) + p)
        if i % 4 == 0:
            out.put("fuzz_decode", f"pkt{i:03d}-nofam", b"\0" + p)
        for cut in sorted({19, 39, 41, len(p) // 2, len(p) - 1}):
            if 0 < cut < len(p):
                out.put("fuzz_decode", f"pkt{i:03d}-cut{cut}", bytes([fam]) + p[:cut])
        # Every field mutation for the first two packets of each (version, protocol);
        # bit flips for the rest.
        cls = signature(p)[:3]
        classes[cls] = classes.get(cls, 0) + 1
        for what, m in mutate_l3(p, rng):
            if classes[cls] <= 2 or what == "flip":
                out.put("fuzz_decode", f"pkt{i:03d}-{what}", bytes([fam]) + bytes(m))

    # NFLOG messages for the batch parser: the kernel's, then rebuilt ones.
    lt, msgs = read_pcap(os.path.join(a.pcap, "probes-nflog.pcap"))
    if lt != LINKTYPE_NFLOG:
        sys.exit(f"probes-nflog.pcap: link type {lt}, want NFLOG ({LINKTYPE_NFLOG})")
    kern, msigs = [], set()
    for body in msgs:
        m = nlmsg(body)
        s = (len(body) // 32, body[0])
        if s in msigs and len(kern) > 8:
            continue
        msigs.add(s)
        kern.append(m)
    done = nlmsg(b"\0\0\0\0", nltype=NLMSG_DONE)
    for i, m in enumerate(kern):
        out.put("fuzz_nflogmsg", f"kernel{i:03d}", m)
    for i in range(0, len(kern), 5):
        out.put("fuzz_nflogmsg", f"kernel-batch{i:03d}", b"".join(kern[i:i + 5]) + done)
    rebuilt = [nflog_rebuilt(p, seq) for seq, p in enumerate(pkts)]
    for i, m in enumerate(rebuilt):
        out.put("fuzz_nflogmsg", f"rebuilt{i:03d}", m)
        if i % 8 == 0:
            for what, d in damage_nlmsg(m, rng):
                out.put("fuzz_nflogmsg", f"rebuilt{i:03d}-{what}", bytes(d))
    out.put("fuzz_nflogmsg", "rebuilt-batch", b"".join(rebuilt[:20]) + done)
    out.put("fuzz_nflogmsg", "long-prefix",
            nflog_rebuilt(pkts[0], 1, prefix=b"p" * 200) if pkts else b"")

    # Rings: the daemon's as they were, and damaged copies of the last one. Stored
    # gzipped (a small ring is 45 KB, mostly zeros); `make fuzz` unpacks them.
    for n, path in enumerate(a.ring):
        with open(path, "rb") as f:
            ring = f.read()
        base = os.path.basename(path).split(".")[0]
        for what, b in ring_variants(ring):
            if what == "valid" or n == len(a.ring) - 1:
                out.put("fuzz_ringread", f"{base}-{what}", bytes(b), gz=True)

    for i, e in enumerate(EXPLAIN):
        out.put("fuzz_explain", f"arg{i:02d}", e)

    for t in sorted(out.count):
        print(f"{t}: {out.count[t]} seeds")


if __name__ == "__main__":
    main()
