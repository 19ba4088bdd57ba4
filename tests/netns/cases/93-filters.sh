#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 93-filters.sh - read and alerts filter real records: --src/--port/--proto/--kb/--dst on
# drops, alerts --type, --since against a point recorded between two rounds of probes,
# -n 0 (nothing; with -f only what comes after), bad values; and the HTML report names
# ICMP kb rows (echo-request), not "not in the knowledge base".

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 nmap traceroute python3
nl_require_bins
nl_init
nl_setup_pair

nl_load_ruleset - <<NFT
table inet nflogd_filters {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		iifname "$IF_TGT" counter log prefix "filt" group 10 drop comment "nflog"
	}
}
NFT
nl_start_nflogd -g 10 --ring-size 16M || exit 1

# syn SRC PORT COUNT: TCP SYNs; SRC "-" is the source side's own address.
syn() {
	local forge=()
	[ "$1" = - ] || forge=(-a "$1")
	nl_src hping3 -q -S -p "$2" -c "$3" -i u20000 "${forge[@]}" "$TGT4" >/dev/null 2>&1
}
# Round 1: everything before the recorded point.
syn - 23 3
syn - 22 2
syn 198.51.100.30 23 4
syn 198.51.100.31 27374 2
nl_src hping3 -q -2 -s 5353 -k -p 53 -c 2 -i u20000 "$TGT4" >/dev/null 2>&1
nl_src hping3 -q -1 -C 8 -c 3 -i u20000 "$TGT4" >/dev/null 2>&1
nl_src python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.settimeout(0.3)
try:
    s.connect(("2001:db8::1", 23))
except OSError:
    pass
'
ip -n "$NS_SRC" addr add 198.51.100.40/32 dev "$IF_SRC"
nl_src nmap -n -Pn -e "$IF_SRC" -S 198.51.100.40 --max-retries 0 -T5 -sS -p 100-300 "$TGT4" \
	>/dev/null 2>&1
nl_src traceroute -n -q 1 -w 0.2 -m 6 "$TGT4" >/dev/null 2>&1
before=$(nl_stat recorded)
# The point: round 1 is at least 2 s older than it, round 2 at least 1 s newer.
sleep 2
mark=$(date +%s)
sleep 1.2
syn 198.51.100.50 8080 3
nl_wait_recorded $((before + 3)) || nl_fail "round 2 recorded"

# json ARGS...: nflogctl ARGS --json, one record per line, in $NL_TMP/out.json.
# Their stderr is kept in ctl.err (a sanitizer report in it fails the test).
json() {
	nl_ctl "$@" --json >"$NL_TMP/out.json" 2>>"$NL_TMP/ctl.err"
}
# expect DESC PYTHON-EXPR: every record r of out.json satisfies the expression, and
# there are as many as the expression n == ... says.
expect() {
	nl_check "$1" python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n = len(recs)
src = lambda r: r.get("source", {}).get("ip")
dport = lambda r: r.get("destination", {}).get("port")
atype = lambda r: r["nflog"].get("alert", {}).get("type")
ok = eval(sys.argv[2])
if not ok:
    print("    got %d records:" % n)
    for r in recs[:20]:
        print("     ", src(r), dport(r), atype(r), r.get("network", {}).get("transport"))
sys.exit(0 if ok else 1)
' "$NL_TMP/out.json" "$2"
}

json read
all=$(wc -l <"$NL_TMP/out.json")
nl_check "the ring holds varied records ($all)" test "$all" -gt 200

json read --src 192.0.2.0/24 --port 23
expect "read --src 192.0.2.0/24 --port 23: only those (3 SYNs from $SRC4)" \
	'n == 3 and all(src(r) == "192.0.2.2" and dport(r) == 23 for r in recs)'
json read --port 23
expect "read --port 23: IPv4 from both sources and IPv6, nothing else" \
	'n >= 8 and all(dport(r) == 23 for r in recs) and {"192.0.2.2", "198.51.100.30", "2001:db8::2"} <= {src(r) for r in recs}'
json read --port 23 --port 22 --src 192.0.2.2
expect "read --port 23 --port 22 (repeated: any) --src 192.0.2.2" \
	'n == 5 and all(dport(r) in (22, 23) for r in recs)'
json read --src 2001:db8::/32 --proto tcp
expect "read --src 2001:db8::/32 --proto tcp: the IPv6 SYN only" \
	'n >= 1 and all(src(r) == "2001:db8::2" and dport(r) == 23 for r in recs)'
json read --proto icmp --src "$SRC4"
expect "read --proto icmp: the 3 pings" \
	'n == 3 and all(r["network"]["transport"] == "icmp" for r in recs)'
json read --sport 5353
expect "read --sport 5353: the 2 UDP probes" \
	'n == 2 and all(r["source"]["port"] == 5353 and dport(r) == 53 for r in recs)'
json read --kb trojan
expect "read --kb trojan: the 27374 probes (and the scan alert's port range does not reach it)" \
	'n == 2 and all(dport(r) == 27374 for r in recs)'
json read --dst 198.51.100.0/24
expect "read --dst of no destination: nothing" 'n == 0'
json read --port 23 -n 2
expect "read --port 23 -n 2: the last 2 that match" 'n == 2 and all(dport(r) == 23 for r in recs)'

json alerts
expect "alerts: a port scan and a traceroute" \
	'{"port-scan", "traceroute"} <= {atype(r) for r in recs}'
json alerts --type scan
expect "alerts --type scan: only the port scan from 198.51.100.40" \
	'n == 1 and atype(recs[0]) == "port-scan" and src(recs[0]) == "198.51.100.40"'
json alerts --type traceroute --type port-scan
expect "alerts --type traceroute --type port-scan: both" \
	'n == 2 and {atype(r) for r in recs} == {"port-scan", "traceroute"}'
json alerts --type scan --src 192.0.2.0/24
expect "alerts --type scan --src 192.0.2.0/24: none (different filters: all must match)" 'n == 0'
json alerts --port 150
expect "alerts --port 150: the scan (its port range)" \
	'n == 1 and atype(recs[0]) == "port-scan"'

json read --since 1h
since_1h=$(wc -l <"$NL_TMP/out.json")
nl_eq "read --since 1h: everything" "$all" "$since_1h"
json read --since $(($(date +%s) - mark))s
expect "read --since (to the recorded point): only round 2" \
	'n == 3 and all(src(r) == "198.51.100.50" and dport(r) == 8080 for r in recs)'
json alerts --since 1h --type scan
expect "alerts --since 1h --type scan: the scan" 'n == 1'

# The shipper (--cursor) takes the same filters: it hands on what matches and
# its cursor moves past the rest, so a second run without them has nothing new.
json read --cursor "$NL_TMP/ship.cur" --port 23 --src 192.0.2.2
expect "read --cursor --port 23 --src 192.0.2.2: the 3 SYNs" \
	'n == 3 and all(src(r) == "192.0.2.2" and dport(r) == 23 for r in recs)'
json read --cursor "$NL_TMP/ship.cur"
expect "read --cursor again, no filter: nothing new (passed-over records are behind it)" 'n == 0'
json alerts --cursor "$NL_TMP/ship-alerts.cur" --type traceroute
expect "alerts --cursor --type traceroute: the traceroute only" \
	'n >= 1 and all(atype(r) == "traceroute" for r in recs)'
nl_ctl read --cursor "$NL_TMP/ship.cur" --verdict nasty >/dev/null 2>"$NL_TMP/ship.err"
nl_eq "read --cursor --verdict nasty: exit status 2" 2 "$?"
nl_check "read --cursor --verdict nasty: says why" grep -q "unknown verdict 'nasty'" "$NL_TMP/ship.err"

nl_ctl read -n 0 >"$NL_TMP/n0.txt"
nl_eq "read -n 0: exit status" 0 "$?"
nl_check "read -n 0 prints nothing" test ! -s "$NL_TMP/n0.txt"
# Not through nl_ctl: a function in the background is a subshell, and $! would be
# the subshell, leaving nflogctl itself running after the kill.
"$NFLOGCTL" read --ring "$RING" -n 0 -f --json >"$NL_TMP/follow.json" 2>"$NL_TMP/follow.err" &
follow=$!
NL_PIDS+=("$follow")
sleep 1
syn 198.51.100.60 9090 2
for _ in $(seq 50); do
	[ "$(wc -l <"$NL_TMP/follow.json")" -ge 2 ] && break
	sleep 0.1
done
kill "$follow" 2>/dev/null
wait "$follow" 2>/dev/null
cp "$NL_TMP/follow.json" "$NL_TMP/out.json"
expect "read -n 0 -f: only the records that came after" \
	'n == 2 and all(src(r) == "198.51.100.60" for r in recs)'

# Bad values: a clear message naming the option, exit status 2, nothing on stdout.
bad() {
	local want=$1
	shift
	nl_ctl "$@" >"$NL_TMP/bad.out" 2>"$NL_TMP/bad.err"
	local rc=$?
	cat "$NL_TMP/bad.err" >>"$NL_TMP/ctl.err"
	[ "$rc" -eq 2 ] && [ ! -s "$NL_TMP/bad.out" ] && grep -q -- "$want" "$NL_TMP/bad.err" && return 0
	echo "    status $rc, stderr: $(cat "$NL_TMP/bad.err")"
	return 1
}
nl_check "read --port 65536 refused" bad "\-\-port: bad port '65536'" read --port 65536
nl_check "read --src with host bits refused" bad "\-\-src:" read --src 192.0.2.1/24
nl_check "read --proto bogus refused" bad "\-\-proto: unknown protocol" read --proto bogus
nl_check "read --verdict bad refused" bad "\-\-verdict: unknown verdict" read --verdict bad
nl_check "read --kb bogus refused, the categories listed" bad "trojan, worm" read --kb bogus
nl_check "alerts --type bogus refused" bad "\-\-type: unknown alert type" alerts --type bogus
nl_check "read --type refused (alerts only)" bad "\-\-type belongs to alerts" read --type scan
nl_check "read --since soon refused" bad "bad --since 'soon'" read --since soon
nl_check "read -n -1 refused" bad "bad -n" read -n -1
nl_check "stats --port refused" bad "belong to read and alerts" stats --port 23

# The report's ports table names the ICMP kb row of a ping.
nl_ctl report -o "$NL_TMP/r.html" 2>"$NL_TMP/report.err"
nl_eq "report exit status" 0 "$?"
nl_check "report: ICMP echo request explained by its kb row" python3 -c '
import re, sys
html = open(sys.argv[1]).read()
rows = [r for r in re.findall(r"<tr>(.*?)</tr>", html) if r.startswith("<td>icmp 8/0</td>")]
print("   ", rows)
sys.exit(0 if rows and "echo-request" in rows[0] and "Ping: a liveness check" in rows[0]
         and "not in the knowledge base" not in rows[0] else 1)
' "$NL_TMP/r.html"

nl_stop_nflogd
nl_eq "nflogd exit status" 0 "$?"
cat "$NL_TMP/follow.err" "$NL_TMP/report.err" >>"$NL_TMP/ctl.err"
nl_check_sanitizer "$NL_TMP/ctl.err"
nl_summary
