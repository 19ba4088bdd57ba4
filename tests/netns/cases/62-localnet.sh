#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 62-localnet.sh - broadcast, own and local from the link-layer header and the live address
# table: a .255 host inside a /22 is not a broadcast, a /27's .31 is; an L2 broadcast is;
# `ip addr add` while nflogd runs is "own" at once; ND with hop limit 64 is off-link.
#
# Every probe is told apart by its UDP source port (or ICMPv6 hop limit).

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft python3
nl_require_bins
nl_init
nl_setup_pair

WIDE_TGT=198.51.100.255		# an ordinary host address in 198.51.100.0/22
WIDE_SRC=198.51.100.2
NARROW_TGT=203.0.113.1		# 203.0.113.0/27: broadcast 203.0.113.31
NARROW_SRC=203.0.113.2
NARROW_BCAST=203.0.113.31
LATE=192.0.2.77			# added while nflogd runs

mac_tgt=$(nl_tgt cat "/sys/class/net/$IF_TGT/address")
mac_src=$(nl_src cat "/sys/class/net/$IF_SRC/address")
ip -n "$NS_TGT" addr add "$WIDE_TGT/22" dev "$IF_TGT"
ip -n "$NS_SRC" addr add "$WIDE_SRC/22" dev "$IF_SRC"
ip -n "$NS_TGT" addr add "$NARROW_TGT/27" dev "$IF_TGT"
ip -n "$NS_SRC" addr add "$NARROW_SRC/27" dev "$IF_SRC"
for a in "$WIDE_TGT" "$LATE"; do
	ip -n "$NS_SRC" neigh replace "$a" lladdr "$mac_tgt" dev "$IF_SRC" nud permanent
done

# Prerouting sees the probes to $LATE before it is an address of the target, too.
nl_load_ruleset - <<NFT
table inet nflogd_localnet {
	chain pre {
		type filter hook prerouting priority 0; policy accept;
		iifname "$IF_TGT" udp dport { 7, 137, 9, 9999 } log group 12 drop
		iifname "$IF_TGT" icmpv6 type nd-neighbor-solicit log group 12 drop
	}
}
NFT
nl_start_nflogd -g 12 || exit 1

# send.py KIND...: the probes, from the source namespace.
cat >"$NL_TMP/send.py" <<'PY'
import socket, struct, sys

def udp(src, dst, sport, dport, count=1, bcast=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if bcast:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind((src, sport))
    for _ in range(count):
        s.sendto(b"nflogd-test", (dst, dport))
    s.close()

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def l2_broadcast(ifname, src_mac, src, dst, sport, dport):
    """A unicast IP datagram in an Ethernet broadcast frame."""
    payload = b"nflogd-test"
    udph = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udph), 4242, 0, 64, 17, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    frame = b"\xff" * 6 + bytes.fromhex(src_mac.replace(":", "")) + b"\x08\x00" + iph + udph
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    s.send(frame)
    s.close()

def nd_solicit(dst, hops):
    """A neighbour solicitation for dst, sent with the given hop limit."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, hops)
    msg = struct.pack("!BBHI", 135, 0, 0, 0) + socket.inet_pton(socket.AF_INET6, dst)
    s.sendto(msg, (dst, 0))	# the kernel fills in the ICMPv6 checksum
    s.close()

a = sys.argv
if a[1] == "first":
    udp(a[2], a[3], 40007, 7, count=12)			# UDP echo to a .255 host, unicast
    udp(a[4], a[5], 40008, 7, count=12, bcast=True)	# ... to the /27's broadcast
    udp(a[4], a[5], 40137, 137, bcast=True)		# NetBIOS to it
    l2_broadcast(a[6], a[7], a[8], a[9], 40009, 9)
    udp(a[8], a[10], 40077, 9999)			# to an address not yet the target's
    nd_solicit(a[11], 64)
    nd_solicit(a[11], 255)
else:
    udp(a[2], a[3], 40078, 9999)			# the same address, added meanwhile
PY

nl_src python3 "$NL_TMP/send.py" first "$WIDE_SRC" "$WIDE_TGT" "$NARROW_SRC" "$NARROW_BCAST" \
	"$IF_SRC" "$mac_src" "$SRC4" "$TGT4" "$LATE" "$TGT6" || nl_fail "sending the first probes"
nl_wait_recorded 29 5
ip -n "$NS_TGT" addr add "$LATE/24" dev "$IF_TGT"
sleep 2
nl_src python3 "$NL_TMP/send.py" second "$SRC4" "$LATE" || nl_fail "sending the late probe"
nl_wait_recorded 30 5
nl_stop_nflogd
nl_ctl read --json >"$NL_TMP/records.json"
nl_ctl read >"$NL_TMP/records.txt"

python3 - "$NL_TMP/records.json" "$mac_src" "$mac_tgt" <<'PY' && nl_pass "link layer and address facts" || nl_fail "link layer and address facts"
import json, re, sys
recs, alerts = {}, []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["event"]["kind"] == "alert":
        alerts.append(r)
        continue
    key = r.get("source", {}).get("port") or ("nd", r["nflog"]["ip"]["ttl"])
    recs.setdefault(key, r)
mac_src = sys.argv[2].upper().replace(":", "-")
mac_tgt = sys.argv[3].upper().replace(":", "-")
fails = 0
def check(what, got, want):
    global fails
    ok = want(got) if callable(want) else got == want
    print(f"    {'ok  ' if ok else 'FAIL'} {what}: {got!r}")
    fails += not ok
def rec(key):
    r = recs.get(key)
    check(f"record {key} present", r is not None, True)
    return r or {"nflog": {"tags": [], "l2": {}, "destination": {"facts": []}}}
def facts(r):
    return r["nflog"].get("destination", {}).get("facts", [])

r = rec(40007)	# unicast to a .255 host of a /22
check("/22 .255 host: tags", r["nflog"]["tags"],
      lambda t: "broadcast-destination" not in t and "fraggle-probe" not in t)
check("/22 .255 host: l2 class", r["nflog"]["l2"].get("class"), "host")
check("/22 .255 host: facts", facts(r), lambda f: "own" in f and "broadcast" not in f)
check("/22 .255 host: source.mac", r["source"].get("mac"), mac_src)
check("/22 .255 host: destination.mac", r["destination"].get("mac"), mac_tgt)
check("ECS MAC form", r["source"].get("mac", ""),
      lambda m: re.fullmatch(r"[0-9A-F]{2}(-[0-9A-F]{2}){5}", m) is not None)
r = rec(40008)	# the /27's directed broadcast
check("/27 .31: tags", r["nflog"]["tags"],
      lambda t: "broadcast-destination" in t and "fraggle-probe" in t)
check("/27 .31: facts", facts(r), lambda f: "broadcast" in f)
check("/27 .31: l2 class", r["nflog"]["l2"].get("class"), "broadcast")
r = rec(40137)
check("NetBIOS to the /27 broadcast: tags", r["nflog"]["tags"],
      lambda t: "broadcast-destination" in t)
r = rec(40009)	# unicast IP in an Ethernet broadcast
check("L2 broadcast: l2 class", r["nflog"]["l2"].get("class"), "broadcast")
check("L2 broadcast: destination.mac", r["destination"].get("mac"), "FF-FF-FF-FF-FF-FF")
check("L2 broadcast: tags", r["nflog"]["tags"], lambda t: "broadcast-destination" in t)
r = rec(40077)
check("before ip addr add: facts", facts(r), lambda f: "local-subnet" in f and "own" not in f)
r = rec(40078)
check("after ip addr add: facts", facts(r), lambda f: "own" in f)
r = rec(("nd", 64))
check("ND hop limit 64: tags", r["nflog"]["tags"], lambda t: "nd-off-link" in t)
r = rec(("nd", 255))
check("ND hop limit 255: tags", r["nflog"]["tags"], lambda t: "nd-off-link" not in t)
wide = [a for a in alerts if a.get("destination", {}).get("ip") == "198.51.100.255"
        or a.get("source", {}).get("ip") == "198.51.100.2"]
check("no fraggle/smurf alert for the .255 host",
      [a["nflog"]["alert"]["type"] for a in wide], lambda t: not {"fraggle", "smurf"} & set(t))
check("a fraggle alert for the /27 broadcast",
      [a["nflog"]["alert"]["type"] for a in alerts if a.get("source", {}).get("ip") == "203.0.113.2"],
      lambda t: "fraggle" in t)
sys.exit(1 if fails else 0)
PY
nl_check "text shows the L2 class" grep -q ' l2 broadcast' "$NL_TMP/records.txt"
nl_check "text shows own" grep -q ' to own' "$NL_TMP/records.txt"
nl_summary
