#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 60-classify.sh - every drop explained: probes the FAQ talks about, sent for real, and
# the classification nflogctl reports for each; explain; local.kb overrides; registered
# names (--services) for a port the kb lacks.
#
# Each probe carries its own IP ID so its record can be found again.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 python3
nl_require_bins
nl_init
nl_setup_pair

nl_load_ruleset - <<NFT
table inet nflogd_classify {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		iifname "$IF_TGT" counter log prefix "classify" group 10 drop comment "nflog"
	}
}
NFT

cat >"$NL_TMP/local.kb" <<'KB'
# site knowledge for the test
port	30001	tcp	8443	dst	admin-panel	app	expected	local	Our admin panel	The ops team's reverse proxy.
KB
# A service-name list of our own, so that the names do not depend on the host's.
printf 'git\t\t9418/tcp/udp\t# pack transfer (test list)\nold\t\t4001/tcp\t# in the client range\n' \
	>"$NL_TMP/services"
nl_start_nflogd -g 10 --local-kb "$NL_TMP/local.kb" || exit 1

# probe ID HPING3-ARGS...: one packet from the source namespace to the target.
probe() {
	local id=$1
	shift
	nl_src hping3 -q -c 1 -N "$id" "$@" >/dev/null 2>&1
}
probe 101 -S -p 31337 "$TGT4"
probe 102 -S -p 27374 "$TGT4"
probe 103 -2 -s 137 -k -p 137 -d 50 "${TGT4%.*}.255"		# NetBIOS node status, broadcast
probe 104 -2 -p 33434 --ttl 1 "$TGT4"			# traceroute's first probe
probe 105 -2 -p 7 "${TGT4%.*}.255"				# fraggle amplifier hunting
probe 106 -2 -s 53 -k -p 40000 "$TGT4"			# "DNS reply" to a closed port
probe 107 -S -p 80 -a 10.9.8.7 "$TGT4"			# spoofed private source
probe 108 -S -p 80 -a 169.254.3.4 "$TGT4"			# link-local source
probe 109 -S -p 443 --ttl 128 "$TGT4"			# a Windows-like sender
probe 110 -S -p 443 --ttl 255 "$TGT4"			# a router-like sender
probe 111 -F -P -U -p 22 "$TGT4"				# XMAS scan
probe 112 -2 -p 1434 -d 376 "$TGT4"				# SQL Slammer's size
probe 113 -2 -s 31790 -k -p 31789 "$TGT4"			# Hack-a-tack scanner
probe 114 -S -p 8443 "$TGT4"				# local.kb row
probe 115 -S -p 80 --ttl 200 "$TGT4"			# 55 hops from 255: crafted
probe 116 -S -p 9418 "$TGT4"				# no kb row: a registered name
probe 117 -S -p 4001 "$TGT4"				# only the "dynamic" range row
nl_wait_recorded 17 5
nl_stop_nflogd
nl_ctl read --json --local-kb "$NL_TMP/local.kb" --services "$NL_TMP/services" \
	>"$NL_TMP/records.json"

python3 - "$NL_TMP/records.json" <<'PY' && nl_pass "classification of 17 probes" || nl_fail "classification of 17 probes"
import json, sys
recs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["event"]["kind"] == "alert":
        continue
    recs.setdefault(r["nflog"]["ip"]["id"], r)
fails = 0
def check(pid, what, got, want):
    global fails
    ok = want(got) if callable(want) else got == want
    print(f"    {'ok  ' if ok else 'FAIL'} probe {pid} {what}: {got!r}")
    fails += not ok
def n(pid):
    r = recs.get(pid)
    if r is None:
        check(pid, "record present", None, "a record")
        return None
    return r["nflog"]
SUSP = ("suspicious", "hostile")
for pid, port in ((101, 31337), (102, 27374)):
    x = n(pid)
    if x:
        check(pid, "kb.category", x.get("kb", {}).get("category"), "trojan")
        check(pid, "verdict", x["verdict"], lambda v: v in SUSP)
x = n(103)
if x:
    check(103, "tags", x["tags"], lambda t: "netbios-nbstat" in t and "broadcast-destination" in t)
    check(103, "verdict", x["verdict"], "noise")
x = n(104)
if x:
    check(104, "kb.category", x.get("kb", {}).get("category"), "traceroute")
x = n(105)
if x:
    check(105, "tags", x["tags"], lambda t: "fraggle-probe" in t)
    check(105, "verdict", x["verdict"], "hostile")
x = n(106)
if x:
    check(106, "tags", x["tags"], lambda t: "firewall-piercing" in t)
    check(106, "kb is the source port's row", x.get("kb", {}).get("id"),
          lambda i: i is not None and x.get("kb", {}).get("category") == "reply")
x = n(107)
if x:
    check(107, "src_class", x.get("src_class"), "private")
    check(107, "tags", x["tags"], lambda t: "martian-source" in t)
x = n(108)
if x:
    check(108, "src_class", x.get("src_class"), "link-local")
x = n(109)
if x:
    check(109, "ttl", x.get("ttl"), {"initial": 128, "hops": 0})
    check(109, "os_hint", x.get("os_hint", ""), lambda s: "Windows" in s)
x = n(110)
if x:
    check(110, "ttl", x.get("ttl"), {"initial": 255, "hops": 0})
x = n(111)
if x:
    check(111, "tags", x["tags"], lambda t: "scan-xmas" in t)
    check(111, "verdict", x["verdict"], lambda v: v in SUSP)
x = n(112)
if x:
    check(112, "tags", x["tags"], lambda t: "slammer" in t)
    check(112, "verdict", x["verdict"], "hostile")
x = n(113)
if x:
    check(113, "tags", x["tags"], lambda t: "hack-a-tack" in t)
x = n(114)
if x:
    check(114, "kb (local.kb)", (x.get("kb", {}).get("id"), x.get("kb", {}).get("service")),
          (30001, "admin-panel"))
    check(114, "verdict", x["verdict"], "expected")
x = n(115)
if x:
    check(115, "tags", x["tags"], lambda t: "crafted-ttl" in t)
x = n(101)
if x:
    check(101, "kb.source", x.get("kb", {}).get("source"), "kb")
x = n(116)
if x:
    check(116, "kb (registered name)", x.get("kb"),
          {"source": "iana", "service": "git", "summary": "pack transfer (test list)"})
x = n(117)
if x:
    check(117, "kb (dynamic row and its registered name)",
          (x.get("kb", {}).get("category"), x.get("kb", {}).get("source"),
           x.get("kb", {}).get("registered")),
          ("dynamic", "kb", {"service": "old", "summary": "in the client range"}))
sys.exit(1 if fails else 0)
PY

# Text output says service, verdict and meaning.
line=$(nl_ctl read --local-kb "$NL_TMP/local.kb" | grep -m1 '\.31337:')
case $line in
*" -- "*"suspicious"*|*" -- "*"hostile"*) nl_pass "text line explains 31337" ;;
*) nl_fail "text line for 31337 lacks its explanation: $line" ;;
esac

# Counters per verdict and per kb row.
nl_eq "verdict counters add up" 17 "$(nl_ctl stats --json --local-kb "$NL_TMP/local.kb" | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print(sum(t["verdict_" + v] for v in ("unknown", "expected", "noise", "suspicious", "hostile")))')"
nl_check "stats lists the top kb rows" sh -c "'$NFLOGCTL' stats --ring '$RING' --local-kb '$NL_TMP/local.kb' | grep -q 'top knowledge-base entries'"

# explain: known things exit 0, unknown 1, nonsense 2.
ctl() { "$NFLOGCTL" "$@" >"$NL_TMP/out" 2>"$NL_TMP/err"; echo $?; }
nl_eq "explain 31337/udp" 0 "$(ctl explain 31337/udp)"
nl_check "explain 31337/udp names the port" grep -q "31337" "$NL_TMP/out"
nl_eq "explain 137" 0 "$(ctl explain 137)"
nl_eq "explain icmp 3/4" 0 "$(ctl explain icmp 3/4)"
nl_check "explain icmp 3/4 says to allow it" grep -qi "allow" "$NL_TMP/out"
nl_eq "explain 169.254.1.1" 0 "$(ctl explain 169.254.1.1)"
nl_check "explain 169.254.1.1 is link-local" grep -q "link-local" "$NL_TMP/out"
nl_eq "explain fe80::1" 0 "$(ctl explain fe80::1)"
nl_eq "explain icmpv6 2" 0 "$(ctl explain icmpv6 2)"
nl_eq "explain 9.9.9.9 (unknown)" 1 "$(ctl explain 9.9.9.9)"
nl_check "unknown says so" grep -q "knows nothing" "$NL_TMP/err"
nl_eq "explain icmp 250 (unknown)" 1 "$(ctl explain icmp 250)"
nl_eq "explain 70000 (bad)" 2 "$(ctl explain 70000)"
nl_eq "explain 80/sctp (bad)" 2 "$(ctl explain 80/sctp)"
nl_eq "explain with local.kb" 0 "$(ctl explain --local-kb "$NL_TMP/local.kb" 8443/tcp)"
nl_check "local row explained" grep -q "admin-panel" "$NL_TMP/out"
line=$(nl_ctl read --local-kb "$NL_TMP/local.kb" --services "$NL_TMP/services" | grep -m1 '\.9418:')
case $line in
*" -- "*" (registered: git)"*) nl_pass "text line names 9418's registered service" ;;
*) nl_fail "text line for 9418 lacks its registered name: $line" ;;
esac
nl_eq "explain 9418 (registered, not in the kb)" 0 "$(ctl explain --services "$NL_TMP/services" 9418)"
nl_check "explain 9418 names it and its list" grep -q "9418/tcp+udp registered as git" "$NL_TMP/out"
nl_check "explain 9418 says where from" grep -q "source: services(5) list, $NL_TMP/services" "$NL_TMP/out"
nl_eq "explain --services missing file" 1 "$(ctl explain --services "$NL_TMP/nonexistent" 22)"
nl_check "missing services file: says which" grep -q "nonexistent: No such file" "$NL_TMP/err"
nl_eq "stats refuses --services" 2 "$(ctl stats --ring "$RING" --services "$NL_TMP/services")"

# A broken local.kb stops the daemon at start with file:line.
printf 'port\t30001\ttcp\t8443\tdst\tadmin\tnot-a-category\texpected\tlocal\tx\ty\n' >"$NL_TMP/bad.kb"
rc=0
ip netns exec "$NS_TGT" "$NFLOGD" -g 11 --ring "$NL_TMP/other.ring" --local-kb "$NL_TMP/bad.kb" \
	2>"$NL_TMP/bad.err" || rc=$?
nl_check "bad local.kb: non-zero exit" test "$rc" -ne 0
nl_check "bad local.kb: file:line in the message" grep -q "bad.kb:1" "$NL_TMP/bad.err"
nl_check "bad local.kb: no ring created" test ! -e "$NL_TMP/other.ring"

nl_summary
