#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 89-corrflood.sh - the correlator under a flood of 1,000,000 distinct forged sources,
# with a real nmap scan from one source inside it.
#
# nflogd runs with a small correlator budget (--corr max_sources=2048, about 1.8 MiB of
# tables by doc/correlation.md's 900 bytes per source). pktgen sends one UDP packet from
# each of 10.0.0.0 .. 10.15.66.63 in a scattered order; a second into the flood, nmap
# SYN-scans 500 ports from 198.51.100.77. Then:
#   - every packet is accounted for (nft counter == recorded + lost_seq) and the
#     correlator read every record (corr_lapped 0);
#   - the correlator's memory stays within its budget: the daemon's anonymous resident
#     memory (RssAnon; the ring's pages are file-backed, RssFile) grows from start to the
#     end of the flood by less than the budget plus 2 MiB (the capture thread's 256 KiB
#     receive buffer, thread stacks, allocator), where a state per source would take
#     ~870 MB; and after a warm-up of 20,000 sources (which fills the tables) the million
#     more add less than 1 MiB (plain builds: ASan's allocator keeps freed memory);
#   - corr_evicted counts the reuse of source states: at least one per recorded flood
#     source beyond the 2048 the table holds;
#   - one state-full alert reports the evictions;
#   - the scan still raises its port-scan alert (its state is touched on every probe, so
#     the least-recently-used eviction never picks it).

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft nmap python3
nl_require_bins
PKTGEN=$NFLOGD_BUILD/pktgen
[ -x "$PKTGEN" ] || nl_skip "no $PKTGEN (make $NFLOGD_BUILD/pktgen)"
nl_init
nl_setup_pair

SOURCES=1000000
MAX_SOURCES=2048
BUDGET_KB=$((MAX_SOURCES * 900 / 1024))
SCANNER=198.51.100.77
nl_load_ruleset - <<NFT
table inet nflogd_corrflood {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		iifname "$IF_TGT" counter log group 10 drop comment "nflog"
	}
}
NFT
nl_start_nflogd -g 10 --ring-size 128M --corr max_sources=$MAX_SOURCES || exit 1
anon() { awk '/^RssAnon:/ {print $2}' "/proc/$NFLOGD_PID/status"; }
anon0=$(anon)
nl_src "$PKTGEN" -s 10.200.0.0/20000 -n 20000 "$TGT4" 9999 100000 10 >/dev/null
nl_wait_recorded 20000 10 || true
sleep 1
anon_warm=$(anon)

ip netns exec "$NS_SRC" "$PKTGEN" -s 10.0.0.0/$SOURCES -r -n $SOURCES "$TGT4" 9999 150000 60 \
	>"$NL_TMP/pktgen.out" &
GEN=$!
NL_PIDS+=("$GEN")
sleep 1
ip -n "$NS_SRC" addr add "$SCANNER/32" dev "$IF_SRC"
nl_src nmap -n -Pn -e "$IF_SRC" -S "$SCANNER" --max-retries 0 -T5 -sS -p 1-500 "$TGT4" \
	>/dev/null 2>&1
anon_max=$(anon)
while kill -0 "$GEN" 2>/dev/null && ! nl_is_zombie "$GEN"; do
	a=$(anon)
	[ "$a" -gt "$anon_max" ] && anon_max=$a
	sleep 0.5
done
wait "$GEN"
echo "  $(cat "$NL_TMP/pktgen.out")"
nl_wait_recorded $((SOURCES / 2)) 10 || true
sleep 2		# the correlator's once-a-second tick settles the incidents
a=$(anon)
[ "$a" -gt "$anon_max" ] && anon_max=$a
nl_ctl stats --json >"$NL_TMP/stats.json"
nl_stop_nflogd
nl_eq "nflogd exit status" 0 "$?"

read -r recorded lost lapped evicted alerts <<<"$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["total"]
print(t["recorded"], t["lost_seq"], t["corr_lapped"], t["corr_evicted"], t["alerts"])' "$NL_TMP/stats.json")"
sent=$(nl_nft_counter nflog)
echo "  nft counter $sent, recorded $recorded, lost_seq $lost, corr_lapped $lapped," \
	"corr_evicted $evicted, alert records $alerts"
echo "  RssAnon at start $anon0 kB, after the warm-up $anon_warm kB, at most $anon_max kB;" \
	"correlator budget $BUDGET_KB kB"
nl_eq "recorded + lost_seq == nft counter (at the snapshot)" "$sent" "$((recorded + lost))"
nl_eq "the correlator read every record (corr_lapped)" 0 "$lapped"
if grep -qa __asan_init "$NFLOGD"; then
	# ASan's quarantine and allocator regions grow by design (see 88-pressure.sh).
	echo "  (sanitizer build: the memory bound is checked by the plain build only)"
else
	nl_check "memory within the correlator's budget + 2 MiB: +$((anon_max - anon0)) kB" \
		test $((anon_max - anon0)) -le $((BUDGET_KB + 2048))
	nl_check "the flood of 1M sources after the warm-up: +$((anon_max - anon_warm)) kB < 1024 kB" \
		test $((anon_max - anon_warm)) -lt 1024
fi
floods=$((recorded - 20000 - 500))
nl_check "corr_evicted $evicted >= flood sources recorded - $MAX_SOURCES ($((floods - MAX_SOURCES)))" \
	test "$evicted" -ge $((floods - MAX_SOURCES))

nl_ctl alerts --json >"$NL_TMP/alerts.json" 2>"$NL_TMP/alerts.err"
nl_eq "nflogctl alerts --json exit status" 0 "$?"
rc=0
nl_ctl alerts >"$NL_TMP/alerts.txt" 2>"$NL_TMP/alerts.err" || rc=$?
nl_eq "nflogctl alerts (text) exit status" 0 "$rc"
sed 's/^/      /' "$NL_TMP/alerts.txt"
if python3 - "$NL_TMP/alerts.json" "$SCANNER" <<'PY'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
fails = 0
def check(what, ok, detail=""):
    global fails
    print(f"    {'ok  ' if ok else 'FAIL'} {what} {detail}")
    fails += not ok
scans = [a for a in alerts if a["nflog"]["alert"]["type"] == "port-scan"
         and a.get("source", {}).get("ip") == sys.argv[2]]
check(f"one port-scan alert from {sys.argv[2]}", len(scans) == 1, f"(got {len(scans)})")
if scans:
    al = scans[0]["nflog"]["alert"]
    check("  it counts the 500 ports", al["port_count"] >= 450, str(al["port_count"]))
    check("  scan style scan-syn", "scan-syn" in al["scan_style"], str(al["scan_style"]))
full = [a for a in alerts if a["nflog"]["alert"]["type"] == "state-full"]
check("one state-full alert", len(full) == 1, f"(got {len(full)})")
if full:
    check("  it counts evictions", full[0]["nflog"]["alert"]["packets"] > 0,
          str(full[0]["nflog"]["alert"]["packets"]))
sys.exit(1 if fails else 0)
PY
then
	nl_pass "alerts: the scan and one state-full"
else
	nl_fail "alerts: the scan and one state-full"
fi
nl_summary
