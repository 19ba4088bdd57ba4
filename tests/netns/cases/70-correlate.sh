#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 70-correlate.sh - real scanning tools against the daemon: each scan is one alert of the
# right type, traceroute is recognised, smurf and fraggle patterns are flagged.
#
# Every scan uses its own (forged) source address so that their incidents stay apart.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 nmap traceroute python3
nl_require_bins
nl_init
nl_setup_pair

nl_load_ruleset - <<NFT
table inet nflogd_corr {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		iifname "$IF_TGT" counter log prefix "corr" group 10 drop comment "nflog"
	}
}
NFT
nl_start_nflogd -g 10 --ring-size 64M || exit 1

# nmap with a forged source: -S needs -e and -Pn; no replies come back anyway.
scan() {
	local src=$1
	shift
	ip -n "$NS_SRC" addr add "$src/32" dev "$IF_SRC" 2>/dev/null
	nl_src nmap -n -Pn -e "$IF_SRC" -S "$src" --max-retries 0 -T5 "$@" "$TGT4" >/dev/null 2>&1
}
scan 198.51.100.11 -sS -p 1-1000
scan 198.51.100.12 -sF -p 1-200
scan 198.51.100.13 -sX -p 1-200
scan 198.51.100.14 -sN -p 1-200
scan 198.51.100.15 -sU -p 1-100
# Decoy scan: nmap sends each probe from the decoys and from the real address.
scan 198.51.100.16 -sS -p 20-60 -D 198.51.100.101,198.51.100.102,198.51.100.103,ME
# Traceroute, UDP and ICMP: the target is one hop away, so every probe reaches it.
nl_src traceroute -n -q 1 -w 0.2 -m 6 "$TGT4" >/dev/null 2>&1
ip -n "$NS_SRC" addr add 198.51.100.17/32 dev "$IF_SRC"
nl_src traceroute -I -n -q 1 -w 0.2 -m 6 -s 198.51.100.17 "$TGT4" >/dev/null 2>&1
# Smurf victim view: echo replies nobody asked for, from many sources.
nl_src hping3 -q -1 -C 0 --rand-source -c 60 -i u2000 "$TGT4" >/dev/null 2>&1
# Fraggle probe: UDP echo to the broadcast address.
nl_src hping3 -q -2 -p 7 -c 3 -a 198.51.100.18 -i u10000 "${TGT4%.*}.255" >/dev/null 2>&1
# Negative: a single ping is not a smurf, a client hitting two ports is not a scan.
nl_src hping3 -q -1 -C 0 -c 1 -a 198.51.100.19 "$TGT4" >/dev/null 2>&1
nl_src hping3 -q -S -p 443 -c 5 -i u20000 -a 198.51.100.20 "$TGT4" >/dev/null 2>&1
nl_src hping3 -q -S -p 80 -c 5 -i u20000 -a 198.51.100.20 "$TGT4" >/dev/null 2>&1
sleep 1
nl_stop_nflogd
nl_eq "nflogd exit status" 0 "$?"

nl_ctl alerts --json >"$NL_TMP/alerts.json"
nl_eq "nflogctl alerts exit status" 0 "$?"
nl_ctl alerts >"$NL_TMP/alerts.txt"
sed 's/^/      /' "$NL_TMP/alerts.txt"

python3 - "$NL_TMP/alerts.json" <<'PY' && nl_pass "alerts match the scans" || nl_fail "alerts match the scans"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
fails = 0
def by(src=None, typ=None):
    return [a for a in alerts
            if (src is None or a.get("source", {}).get("ip") == src)
            and (typ is None or a["nflog"]["alert"]["type"] == typ)]
def check(what, ok, detail=""):
    global fails
    print(f"    {'ok  ' if ok else 'FAIL'} {what} {detail}")
    fails += not ok
for a in alerts:
    check("alert is closed at shutdown", a["nflog"]["alert"]["state"] == "closed",
          a["nflog"]["alert"]["type"])
for src, style, ports in (("198.51.100.11", "scan-syn", 1000), ("198.51.100.12", "scan-fin", 200),
                          ("198.51.100.13", "scan-xmas", 200), ("198.51.100.14", "scan-null", 200),
                          ("198.51.100.15", "scan-udp", 100)):
    scans = by(src, "port-scan")
    check(f"one port-scan alert from {src}", len(scans) == 1, f"(got {len(scans)})")
    if scans:
        al = scans[0]["nflog"]["alert"]
        check(f"  {src} port count", al["port_count"] >= ports * 0.9, str(al["port_count"]))
        if style:
            check(f"  {src} scan style {style}", style in al["scan_style"], str(al["scan_style"]))
    other = [a for a in by(src) if a["nflog"]["alert"]["type"] not in ("port-scan", "decoy-scan")]
    check(f"  no other alerts from {src}", not other, str([a["nflog"]["alert"]["type"] for a in other]))
decoys = by(typ="decoy-scan")
check("one decoy-scan alert", len(decoys) == 1, f"(got {len(decoys)})")
if decoys:
    check("  decoy sources >= 4", decoys[0]["nflog"]["alert"]["sources"] >= 4,
          str(decoys[0]["nflog"]["alert"]["sources"]))
tr = by(typ="traceroute")
check("two traceroute alerts (UDP and ICMP)", len(tr) == 2, f"(got {len(tr)})")
check("one smurf alert", len(by(typ="smurf")) == 1, f"(got {len(by(typ='smurf'))})")
check("a fraggle alert from 198.51.100.18", len(by("198.51.100.18", "fraggle")) == 1)
check("single echo reply raises nothing", not by("198.51.100.19"))
check("two-port client raises nothing", not by("198.51.100.20"))
sys.exit(1 if fails else 0)
PY

# read shows alerts inline with the drops.
nl_check "read shows alerts inline" sh -c "'$NFLOGCTL' read --ring '$RING' | grep -q ' ALERT #'"
nl_summary
