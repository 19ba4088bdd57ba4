#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_fields.py - probes for tests/netns/cases/10-fields.sh and the checks on what they left.

One table (PROBES) says, for every probe, how it is sent and what it must look like, so
that what is sent and what is asserted cannot drift apart:

  send NS              send every probe from namespace NS (hping3 for IPv4, raw sockets
                       for what hping3 cannot forge: IPv6, ICMP errors, the RF bit)
  count                print the number of probes
  check RECORDS KLOG PREFIX GROUP IFNAME IFINDEX
                       RECORDS: `nflogctl read --json` output; KLOG: dmesg lines of the
                       kernel's own `log prefix` rule for the same packets. Asserts every
                       field of every record against the table, then against the kernel.

IPv4 probes are told apart by their IP ID, IPv6 probes by their flow label: both are
chosen here and unique per run.
"""

import ipaddress
import json
import os
import re
import socket
import struct
import subprocess
import sys

TGT4, SRC4 = "192.0.2.1", "192.0.2.2"
TGT6, SRC6 = "2001:db8::1", "2001:db8::2"
FORGED4 = "198.51.100.2"
FORGED6 = "2001:db8:ffff::2"

HOOK_PREROUTING, HOOK_INPUT = 0, 1
TRANSPORT = {6: "tcp", 17: "udp", 1: "icmp", 58: "ipv6-icmp"}
KPROTO = {"TCP": 6, "UDP": 17, "ICMP": 1, "ICMPv6": 58}


def tcp_letters(flags):
    """nflog.tcp.flags: letters of the set flags in the order FSRPAUEC."""
    return "".join(c for c in "FSRPAUEC" if c in flags)


def v4(name, proto, src=SRC4, ttl=64, ident=0, ipflags=(), frag=0, tos=0, length=0,
       hook=HOOK_INPUT, **kw):
    e = {
        "network.type": "ipv4",
        "network.transport": TRANSPORT[proto],
        "network.iana_number": str(proto),
        "source.ip": src,
        "destination.ip": TGT4,
        "nflog.ip.ttl": ttl,
        "nflog.ip.id": ident,
        "nflog.ip.flags": list(ipflags),
        "nflog.ip.frag_offset": frag,
        "nflog.ip.len": length,
        "nflog.ip.tos": tos,
        "nflog.hook": hook,
    }
    return dict(name=name, family=4, key=ident, proto=proto, exp=e, absent=["nflog.ipv6"], **kw)


def v6(name, proto, src=SRC6, hlim=64, tc=0, fl=0, length=0, **kw):
    e = {
        "network.type": "ipv6",
        "network.transport": TRANSPORT[proto],
        "network.iana_number": str(proto),
        "source.ip": src,
        "destination.ip": TGT6,
        "nflog.ip.ttl": hlim,
        "nflog.ip.tos": tc,
        "nflog.ip.len": length,
        "nflog.ipv6.flow_label": fl,
        "nflog.hook": HOOK_INPUT,
        # Fragment fields come from a fragment header; without one they are zero/empty.
        "nflog.ip.id": 0,
        "nflog.ip.flags": [],
        "nflog.ip.frag_offset": 0,
    }
    return dict(name=name, family=6, key=fl, proto=proto, exp=e, absent=[], **kw)


def with_tcp(p, sport, dport, flags, window, seq=None):
    p["exp"].update({"source.port": sport, "destination.port": dport,
                     "nflog.tcp.flags": tcp_letters(flags), "nflog.tcp.window": window,
                     "nflog.tcp.data_offset": 5})
    if seq is not None:
        p["exp"]["nflog.tcp.seq"] = seq
    return p


def with_udp(p, sport, dport, ulen):
    p["exp"].update({"source.port": sport, "destination.port": dport, "nflog.udp.len": ulen})
    return p


def with_icmp(p, itype, code, inner=None):
    p["exp"].update({"nflog.icmp.type": itype, "nflog.icmp.code": code})
    p["absent"] += ["source.port", "destination.port"]
    if inner:
        for k, v in inner.items():
            p["exp"]["nflog.icmp.inner." + k] = v
    else:
        p["absent"].append("nflog.icmp.inner")
    return p


def hping(p, *args):
    """IPv4 probe sent by hping3; -N pins the IP ID the checks key on."""
    p["hping"] = list(args) + ["-N", str(p["key"]), TGT4]
    return p


def build_probes(base):
    """base makes IDs and flow labels unique to this run (it is the test's pid)."""
    i4 = lambda n: (base * 32 + n) & 0xFFFF or 1          # noqa: E731
    fl = lambda n: ((base * 32 + n) & 0xFFFF) | 0x50000   # noqa: E731
    P = []
    # TCP: chosen TTL, ID, DF, ports, window, sequence number; forged source.
    P.append(hping(with_tcp(v4("tcp-syn", 6, src=FORGED4, ttl=33, ident=i4(1), ipflags=["DF"],
                                length=40), 40000, 80, "S", 512, seq=123456),
                   "-S", "-s", "40000", "-k", "-p", "80", "-t", "33", "-y", "-w", "512",
                   "-M", "123456", "-a", FORGED4))
    P.append(hping(with_tcp(v4("tcp-fin", 6, ident=i4(2), length=40), 40001, 443, "F", 1024),
                   "-F", "-s", "40001", "-k", "-p", "443", "-w", "1024"))
    P.append(hping(with_tcp(v4("tcp-xmas", 6, ident=i4(3), length=40), 40002, 31337, "FPU", 512),
                   "-F", "-P", "-U", "-s", "40002", "-k", "-p", "31337"))
    P.append(hping(with_tcp(v4("tcp-null", 6, ident=i4(4), length=40), 40003, 23, "", 512),
                   "-s", "40003", "-k", "-p", "23"))
    P.append(hping(with_tcp(v4("tcp-synfin", 6, ident=i4(5), ttl=128, length=40),
                            40004, 445, "FS", 65535),
                   "-S", "-F", "-s", "40004", "-k", "-p", "445", "-t", "128", "-w", "65535"))
    P.append(hping(with_tcp(v4("tcp-syn-ece-cwr", 6, ident=i4(6), length=40),
                            40005, 3389, "SAEC", 512),
                   "-S", "-A", "-X", "-Y", "-s", "40005", "-k", "-p", "3389"))
    # UDP with 12 bytes of payload.
    P.append(hping(with_udp(v4("udp-dns", 17, ident=i4(7), ttl=1, length=40), 40010, 53, 20),
                   "-2", "-s", "40010", "-k", "-p", "53", "-t", "1", "-d", "12"))
    # ICMP echo and timestamp request, the latter with a chosen TOS (hping3 -o takes hex).
    P.append(hping(with_icmp(v4("icmp-echo", 1, ident=i4(8), length=28), 8, 0), "-1"))
    P.append(hping(with_icmp(v4("icmp-timestamp", 1, ident=i4(9), tos=0xb8, length=40), 13, 0),
                   "--icmp-ts", "-o", "b8"))
    # TOS on TCP too (DSCP AF21 = 0x48).
    P.append(hping(with_tcp(v4("tcp-tos", 6, ident=i4(10), tos=0x48, length=40), 40006, 80, "S", 512),
                   "-S", "-s", "40006", "-k", "-p", "80", "-o", "48"))
    # Fragments never reach the input hook (the stack reassembles first), so the target's
    # ruleset logs them from a prerouting chain: hook 0.
    P.append(hping(with_udp(v4("frag-first", 17, ident=i4(11), ipflags=["MF"], length=28,
                               hook=HOOK_PREROUTING), 40011, 53, 8),
                   "-2", "-s", "40011", "-k", "-p", "53", "-x"))
    p = v4("frag-later", 17, ident=i4(12), frag=64, length=28, hook=HOOK_PREROUTING)
    p["absent"] += ["source.port", "destination.port", "nflog.udp"]
    P.append(hping(p, "-2", "-s", "40012", "-k", "-p", "53", "-g", "64"))
    # Raw IPv4 (python): the reserved "evil" bit plus DF, and an ICMP port unreachable
    # that quotes an IPv4/UDP header.
    p = with_tcp(v4("tcp-evil-bit", 6, src="198.51.100.66", ttl=250, ident=i4(13),
                    ipflags=["RF", "DF"], length=40), 6000, 1433, "S", 8192, seq=42)
    p["raw4"] = dict(flags=0xC000, tcp=dict(sport=6000, dport=1433, flags=0x02, win=8192, seq=42))
    P.append(p)
    p = with_icmp(v4("icmp-port-unreach", 1, src="198.51.100.1", ttl=61, ident=i4(14),
                     length=56), 3, 3,
                  inner={"type": "ipv4", "transport": "udp", "iana_number": "17",
                         "source.ip": TGT4, "source.port": 5353,
                         "destination.ip": FORGED4, "destination.port": 53})
    p["raw4"] = dict(flags=0, icmp_err=dict(type=3, code=3, src=TGT4, dst=FORGED4,
                                            sport=5353, dport=53))
    P.append(p)
    # IPv6 (python raw sockets; hping3 has no IPv6).
    P.append(dict(with_tcp(v6("v6-tcp-syn", 6, hlim=33, tc=0x20, fl=fl(1), length=60),
                           40100, 22, "S", 4096, seq=999),
                  raw6=dict(tcp=dict(sport=40100, dport=22, flags=0x02, win=4096, seq=999))))
    P.append(dict(with_udp(v6("v6-udp", 17, src=FORGED6, hlim=200, fl=fl(2), length=56),
                           40101, 547, 16),
                  raw6=dict(udp=dict(sport=40101, dport=547, data=8))))
    P.append(dict(with_icmp(v6("v6-echo", 58, hlim=255, fl=fl(3), length=56), 128, 0),
                  raw6=dict(icmp=dict(type=128, code=0, body=struct.pack("!HH", 77, 1) + bytes(8)))))
    P.append(dict(with_icmp(v6("v6-port-unreach", 58, src="2001:db8:ffff::fe", hlim=60, fl=fl(4),
                               length=96), 1, 4,
                            inner={"type": "ipv6", "transport": "udp", "iana_number": "17",
                                   "source.ip": TGT6, "source.port": 5353,
                                   "destination.ip": FORGED6, "destination.port": 53}),
                  raw6=dict(icmp_err=dict(type=1, code=4, src=TGT6, dst=FORGED6,
                                          sport=5353, dport=53))))
    # IPv6 fragments do reach the input hook (reassembly comes after it).
    fid = 0x0BAD0000 | (base & 0xFFFF)
    p = with_udp(v6("v6-frag-first", 17, fl=fl(5), length=64), 40102, 53, 24)
    p["exp"].update({"nflog.ip.flags": ["MF"], "nflog.ip.frag_offset": 0, "nflog.ip.id": fid})
    p["raw6"] = dict(frag=dict(off=0, m=1, id=fid), udp=dict(sport=40102, dport=53, data=8, ulen=24))
    P.append(p)
    p = v6("v6-frag-later", 17, fl=fl(6), length=64)
    p["exp"].update({"nflog.ip.flags": [], "nflog.ip.frag_offset": 64, "nflog.ip.id": fid})
    p["absent"] += ["source.port", "destination.port", "nflog.udp"]
    p["raw6"] = dict(frag=dict(off=64, m=0, id=fid), data=16)
    P.append(p)
    for p in P:
        p["exp"].setdefault("nflog.status", "ok")
        p["exp"]["event.action"] = "dropped"
    return P


# ---------------------------------------------------------------- packet building (raw)

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def a4(a):
    return socket.inet_pton(socket.AF_INET, a)


def a6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def l4_tcp(t, pseudo):
    hdr = struct.pack("!HHIIBBHHH", t["sport"], t["dport"], t["seq"], 0, 5 << 4, t["flags"],
                      t["win"], 0, 0)
    c = csum(pseudo(6, len(hdr)) + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def l4_udp(u, pseudo):
    data = bytes(u.get("data", 0))
    ulen = u.get("ulen", 8 + len(data))
    hdr = struct.pack("!HHHH", u["sport"], u["dport"], ulen, 0) + data
    c = csum(pseudo(17, len(hdr)) + hdr) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + hdr[8:]


def ip4_hdr(src, dst, proto, plen, ident, ttl=64, flags=0, tos=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + plen, ident, flags, ttl, proto, 0,
                    a4(src), a4(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def ip6_hdr(src, dst, nh, plen, hlim=64, tc=0, fl=0):
    return struct.pack("!IHBB16s16s", (6 << 28) | (tc << 20) | fl, plen, nh, hlim, a6(src), a6(dst))


def build_raw4(p):
    r, e = p["raw4"], p["exp"]
    src, ident, ttl = e["source.ip"], e["nflog.ip.id"], e["nflog.ip.ttl"]

    def pseudo(proto, n):
        return a4(src) + a4(TGT4) + struct.pack("!BBH", 0, proto, n)
    if "tcp" in r:
        l4 = l4_tcp(r["tcp"], pseudo)
        proto = 6
    else:
        q = r["icmp_err"]
        inner_pseudo = lambda pr, n: a4(q["src"]) + a4(q["dst"]) + struct.pack("!BBH", 0, pr, n)  # noqa: E731
        udp = l4_udp(dict(sport=q["sport"], dport=q["dport"]), inner_pseudo)
        quoted = ip4_hdr(q["src"], q["dst"], 17, len(udp), 0x1234) + udp
        body = struct.pack("!BBHI", q["type"], q["code"], 0, 0) + quoted
        l4 = body[:2] + struct.pack("!H", csum(body)) + body[4:]
        proto = 1
    return ip4_hdr(src, TGT4, proto, len(l4), ident, ttl=ttl, flags=r["flags"]) + l4


def build_raw6(p):
    r, e = p["raw6"], p["exp"]
    src = e["source.ip"]

    def pseudo(proto, n):
        return a6(src) + a6(TGT6) + struct.pack("!IxxxB", n, proto)
    if "tcp" in r:
        nh, l4 = 6, l4_tcp(r["tcp"], pseudo)
    elif "udp" in r and "frag" not in r:
        nh, l4 = 17, l4_udp(r["udp"], pseudo)
    elif "icmp" in r:
        q = r["icmp"]
        body = struct.pack("!BBH", q["type"], q["code"], 0) + q["body"]
        nh, l4 = 58, body[:2] + struct.pack("!H", csum(pseudo(58, len(body)) + body)) + body[4:]
    elif "icmp_err" in r:
        q = r["icmp_err"]
        inner_pseudo = lambda pr, n: a6(q["src"]) + a6(q["dst"]) + struct.pack("!IxxxB", n, pr)  # noqa: E731
        udp = l4_udp(dict(sport=q["sport"], dport=q["dport"]), inner_pseudo)
        quoted = ip6_hdr(q["src"], q["dst"], 17, len(udp)) + udp
        body = struct.pack("!BBHI", q["type"], q["code"], 0, 0) + quoted
        nh, l4 = 58, body[:2] + struct.pack("!H", csum(pseudo(58, len(body)) + body)) + body[4:]
    else:
        nh, l4 = 17, None
    if "frag" in r:
        f = r["frag"]
        # A first fragment carries the UDP header (its length covers the whole datagram,
        # so no checksum is computed); a later one only payload bytes.
        if "udp" in r:
            u = r["udp"]
            rest = struct.pack("!HHHH", u["sport"], u["dport"], u["ulen"], 0) + bytes(u["data"])
        else:
            rest = bytes(r["data"])
        l4 = struct.pack("!BBHI", 17, 0, f["off"] | f["m"], f["id"]) + rest
        nh = 44
    return ip6_hdr(src, TGT6, nh, len(l4), hlim=e["nflog.ip.ttl"], tc=e["nflog.ip.tos"],
                   fl=e["nflog.ipv6.flow_label"]) + l4


def cmd_raw(base):
    """Runs inside the source namespace: IPPROTO_RAW implies IP(V6)_HDRINCL."""
    s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for p in build_probes(base):
        if "raw4" in p:
            s4.sendto(build_raw4(p), (TGT4, 0))
        elif "raw6" in p:
            s6.sendto(build_raw6(p), (TGT6, 0))


def cmd_send(ns, base):
    """hping3 waits a second after its last packet: run them all at once."""
    procs = []
    for p in build_probes(base):
        if "hping" in p:
            procs.append((p["name"], subprocess.Popen(
                ["ip", "netns", "exec", ns, "hping3", "-q", "-c", "1"] + p["hping"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
    procs.append(("raw", subprocess.Popen(
        ["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "raw", str(base)],
        stderr=subprocess.PIPE)))
    bad = 0
    for name, pr in procs:
        _, err = pr.communicate(timeout=30)
        # hping3 exits 1 when it got no reply, which is the point here; it exits 2+ on errors.
        if pr.returncode not in (0, 1) or (name == "raw" and pr.returncode):
            print("probe %s failed (%d): %s" % (name, pr.returncode, err.decode().strip()))
            bad += 1
    return 1 if bad else 0


# ---------------------------------------------------------------- checks

class Checker:
    def __init__(self):
        self.npass = 0
        self.nfail = 0

    def ok(self, cond, what):
        if cond:
            self.npass += 1
        else:
            self.nfail += 1
            print("  FAIL  " + what)
        return cond

    def eq(self, got, want, what):
        return self.ok(got == want, "%s: expected %r, got %r" % (what, want, got))


MISSING = object()


def dig(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return MISSING
        obj = obj[part]
    return obj


def rec_key(r):
    if dig(r, "network.type") == "ipv4":
        return (4, dig(r, "nflog.ip.id"))
    return (6, dig(r, "nflog.ipv6.flow_label"))


def norm_ip(a):
    return ipaddress.ip_address(a).compressed


def parse_klog(line):
    """Fields of a kernel nf_log line, outer header only (the quoted one is in [...])."""
    outer, _, inner = line.partition("[")
    f = {}
    for m in re.finditer(r"(\w+)=(\S*)", outer):
        if m.group(1) not in f:     # UDP's LEN comes after IP's; keep IP's, note UDP's
            f[m.group(1)] = m.group(2)
        elif m.group(1) == "LEN":
            f["ULEN"] = m.group(2)
    words = outer.split()
    f["_words"] = set(words)
    frag = re.search(r"\bFRAG:(\d+)", outer)
    f["FRAG"] = int(frag.group(1)) if frag else 0
    f["_inner"] = {}
    if inner:
        for m in re.finditer(r"(\w+)=(\S*)", inner):
            f["_inner"].setdefault(m.group(1), m.group(2))
    return f


def check_kernel(c, name, r, k):
    """The record against the kernel's own rendering of the same packet."""
    w = k["_words"]
    v6 = dig(r, "network.type") == "ipv6"
    c.eq(k.get("IN"), dig(r, "observer.ingress.interface.name"), name + ": kernel IN")
    c.eq(norm_ip(k["SRC"]), dig(r, "source.ip"), name + ": kernel SRC")
    c.eq(norm_ip(k["DST"]), dig(r, "destination.ip"), name + ": kernel DST")
    c.eq(int(k["LEN"]), dig(r, "nflog.ip.len"), name + ": kernel LEN")
    if v6:
        c.eq(int(k["HOPLIMIT"]), dig(r, "nflog.ip.ttl"), name + ": kernel HOPLIMIT")
        c.eq(int(k["TC"]), dig(r, "nflog.ip.tos"), name + ": kernel TC")
        c.eq(int(k["FLOWLBL"]), dig(r, "nflog.ipv6.flow_label"), name + ": kernel FLOWLBL")
        m = [x for x in w if x.startswith("ID:")]
        if m:
            # Fragment header: FRAG is in bytes here, INCOMPLETE means M=1.
            c.eq(int(m[0][3:], 16), dig(r, "nflog.ip.id"), name + ": kernel frag ID")
            c.eq(k["FRAG"], dig(r, "nflog.ip.frag_offset"), name + ": kernel FRAG (bytes)")
            c.eq(["MF"] if "INCOMPLETE" in w else [], dig(r, "nflog.ip.flags"),
                 name + ": kernel INCOMPLETE")
    else:
        c.eq(int(k["TTL"]), dig(r, "nflog.ip.ttl"), name + ": kernel TTL")
        c.eq(int(k["ID"]), dig(r, "nflog.ip.id"), name + ": kernel ID")
        # The kernel prints tos & 0x1e as TOS and tos & 0xe0 as PREC (no ECN bits).
        c.eq(int(k["TOS"], 16) | int(k["PREC"], 16), dig(r, "nflog.ip.tos") & 0xFE,
             name + ": kernel TOS|PREC")
        kflags = [n for n, kw in (("RF", "CE"), ("DF", "DF"), ("MF", "MF")) if kw in w]
        c.eq(kflags, dig(r, "nflog.ip.flags"), name + ": kernel CE/DF/MF")
        c.eq(k["FRAG"] * 8, dig(r, "nflog.ip.frag_offset"), name + ": kernel FRAG*8")
    proto = KPROTO.get(k.get("PROTO"), k.get("PROTO"))
    c.eq(str(proto), dig(r, "network.iana_number"), name + ": kernel PROTO")
    sport, dport = dig(r, "source.port"), dig(r, "destination.port")
    if "SPT" in k:
        c.eq(int(k["SPT"]), sport, name + ": kernel SPT")
        c.eq(int(k["DPT"]), dport, name + ": kernel DPT")
    else:
        c.ok(sport is MISSING and dport is MISSING,
             name + ": kernel shows no ports, record has %r/%r" % (sport, dport))
    if proto == 6 and "WINDOW" in k:
        c.eq(int(k["WINDOW"]), dig(r, "nflog.tcp.window"), name + ": kernel WINDOW")
        names = {"FIN": "F", "SYN": "S", "RST": "R", "PSH": "P", "ACK": "A", "URG": "U",
                 "ECE": "E", "CWR": "C"}
        kf = "".join(names[x] for x in ("FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR")
                     if x in w)
        c.eq(kf, dig(r, "nflog.tcp.flags"), name + ": kernel TCP flags")
    if proto == 17 and "ULEN" in k:
        c.eq(int(k["ULEN"]), dig(r, "nflog.udp.len"), name + ": kernel UDP LEN")
    if proto in (1, 58):
        c.eq(int(k["TYPE"]), dig(r, "nflog.icmp.type"), name + ": kernel ICMP TYPE")
        c.eq(int(k["CODE"]), dig(r, "nflog.icmp.code"), name + ": kernel ICMP CODE")
    i = k["_inner"]
    if i:
        c.eq(norm_ip(i["SRC"]), dig(r, "nflog.icmp.inner.source.ip"), name + ": kernel inner SRC")
        c.eq(norm_ip(i["DST"]), dig(r, "nflog.icmp.inner.destination.ip"),
             name + ": kernel inner DST")
        if "SPT" in i:
            c.eq(int(i["SPT"]), dig(r, "nflog.icmp.inner.source.port"), name + ": kernel inner SPT")
            c.eq(int(i["DPT"]), dig(r, "nflog.icmp.inner.destination.port"),
                 name + ": kernel inner DPT")


def host_identity():
    """host.name and host.id as nflogctl reads them (util/hostid.c)."""
    name = "".join(ch for ch in socket.gethostname() if " " < ch < "\x7f") or "localhost"
    try:
        with open("/etc/machine-id") as f:
            mid = f.read()
        mid = mid[:-1] if mid.endswith("\n") else mid
        if not re.fullmatch(r"[0-9a-f]{32}", mid):
            mid = MISSING
    except OSError:
        mid = MISSING
    return name, mid


def check_ecs(c, name, r, prefix, direction):
    """The ECS fields a SIEM's firewall view keys on (doc/json-schema.md)."""
    hname, hid = host_identity()
    want = {"ecs.version": "8.11.0", "event.category": ["network"],
            "event.type": ["connection", "denied"], "event.outcome": "failure",
            "event.module": "nflogd", "event.dataset": "nflogd.drop",
            "observer.type": "firewall", "observer.product": "nflogd",
            "observer.vendor": "nflogd", "observer.hostname": hname, "host.name": hname,
            "host.id": hid, "nflog.schema": 1, "rule.ruleset": prefix,
            "network.direction": direction,
            "network.bytes": dig(r, "nflog.ip.len"), "source.bytes": dig(r, "nflog.ip.len")}
    for path, v in sorted(want.items()):
        c.eq(dig(r, path), v, "%s: %s" % (name, path))
    sev = {"unknown": 3, "expected": 1, "noise": 2, "suspicious": 5, "hostile": 7}
    c.eq(dig(r, "event.severity"), sev.get(dig(r, "nflog.verdict")), name + ": event.severity")
    c.eq(dig(r, "tags"), dig(r, "nflog.tags"), name + ": tags (ECS) = nflog.tags")
    msg = dig(r, "message")
    sport, dport = dig(r, "source.port"), dig(r, "destination.port")
    ends = (dig(r, "source.ip"), dig(r, "destination.ip"))
    if sport is not MISSING:
        fmt = "[%s]:%d" if ":" in ends[0] else "%s:%d"
        ends = (fmt % (ends[0], sport), fmt % (ends[1], dport))
    c.eq(msg, "dropped %s %s -> %s (%s)" % (dig(r, "network.transport"), ends[0], ends[1],
                                          dig(r, "nflog.verdict")), name + ": message")


def cmd_check(records_path, klog_path, prefix, group, ifname, ifindex, base):
    c = Checker()
    probes = build_probes(base)
    recs = []
    with open(records_path) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rec = json.loads(line)
                    if rec["event"]["kind"] != "alert":	# the correlator's, inline
                        recs.append(rec)
                except ValueError as e:
                    c.ok(False, "records line %d is not JSON (%s): %.120s" % (n, e, line))
    c.eq(len(recs), len(probes), "number of records")
    klines = {}
    with open(klog_path) as f:
        for line in f:
            if " IN=" not in line:
                continue
            k = parse_klog(line[line.index(" IN="):])
            if "FLOWLBL" in k:
                klines[(6, int(k["FLOWLBL"]))] = k
            elif "ID" in k:
                klines[(4, int(k["ID"]))] = k
    c.eq(len(klines), len(probes), "number of kernel log lines")

    by_key = {}
    for r in recs:
        key = rec_key(r)
        c.ok(key not in by_key, "two records with key %r" % (key,))
        by_key[key] = r
    ts_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
    seqs, nseqs = set(), set()
    for p in probes:
        key = (p["family"], p["key"])
        r = by_key.pop(key, None)
        if not c.ok(r is not None, "%s: no record with key %r" % (p["name"], key)):
            continue
        name = p["name"]
        exp = dict(p["exp"])
        exp.update({"rule.name": prefix, "nflog.group": group,
                    "observer.ingress.interface.name": ifname,
                    "observer.ingress.interface.id": str(ifindex),
                    "event.kind": "event", "nflog.mark": 0})
        for path, want in sorted(exp.items()):
            c.eq(dig(r, path), want, "%s: %s" % (name, path))
        # The sources: the target's on-link neighbour (inside the perimeter of
        # host and subnets) or a forged address outside it.
        onlink = dig(r, "source.ip") in (SRC4, SRC6)
        check_ecs(c, name, r, prefix, "internal" if onlink else "inbound")
        for path in p["absent"] + ["nflog.cpu", "observer.egress", "nflog.why"]:
            c.ok(dig(r, path) is MISSING, "%s: %s should be absent, is %r" % (name, path, dig(r, path)))
        c.ok(isinstance(dig(r, "@timestamp"), str) and ts_re.match(dig(r, "@timestamp")),
             "%s: @timestamp %r" % (name, dig(r, "@timestamp")))
        nseq = dig(r, "nflog.seq")
        c.ok(isinstance(nseq, int) and nseq not in nseqs, "%s: nflog.seq %r" % (name, nseq))
        nseqs.add(nseq)
        seq = dig(r, "event.sequence")
        c.ok(isinstance(seq, int) and seq not in seqs, "%s: event.sequence %r" % (name, seq))
        seqs.add(seq)
        c.ok(isinstance(dig(r, "nflog.cap_len"), int) and dig(r, "nflog.cap_len") >= 20,
             "%s: nflog.cap_len %r" % (name, dig(r, "nflog.cap_len")))
        k = klines.get(key)
        if c.ok(k is not None, "%s: no kernel log line for key %r" % (name, key)):
            check_kernel(c, name, r, k)
    for key, r in by_key.items():
        c.ok(False, "unexpected record %r: %s" % (key, json.dumps(r)[:300]))
    # One segment, nothing lost: positions 0..n-1 and NFLOG sequence numbers without a gap.
    c.eq(sorted(seqs), list(range(len(recs))), "event.sequence values")
    if nseqs and all(isinstance(x, int) for x in nseqs):
        c.eq(sorted(nseqs), list(range(min(nseqs), min(nseqs) + len(recs))), "nflog.seq values")
    print("fields: %d records, %d kernel lines, %d checks passed, %d failed"
          % (len(recs), len(klines), c.npass, c.nfail))
    return 1 if c.nfail else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "count":
        print(len(build_probes(0)))
        return 0
    if len(argv) == 4 and argv[1] == "send":
        return cmd_send(argv[2], int(argv[3]))
    if len(argv) == 3 and argv[1] == "raw":
        cmd_raw(int(argv[2]))
        return 0
    if len(argv) == 9 and argv[1] == "check":
        return cmd_check(argv[2], argv[3], argv[4], int(argv[5]), argv[6], int(argv[7]),
                         int(argv[8]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
