#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 92-fleet.sh - nflogctl fleet over three hosts' JSON Lines made by the real daemon: one
# scanner of all three is one distributed-scan alert naming them, a decoy scan of all
# three is one distributed-decoy (its members are not alerted on their own), NetBIOS
# broadcasts every host sees and a scan of one host stay per host; the fleet-wide
# suggestions pass `nft -c -f`; malformed lines are counted and skipped.
#
# One daemon records for three addresses of the target namespace (fw1, fw2, fw3); its
# `nflogctl read --json` is split into one file per address, with host.name added, as a
# collector would hold them (broadcasts go to every host: each would have logged them).

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 nmap python3
nl_require_bins
nl_init
nl_setup_pair

FW2=192.0.2.11
FW3=192.0.2.12
ip -n "$NS_TGT" addr add "$FW2/24" dev "$IF_TGT"
ip -n "$NS_TGT" addr add "$FW3/24" dev "$IF_TGT"
mac_tgt=$(ip netns exec "$NS_TGT" cat "/sys/class/net/$IF_TGT/address")
for a in "$FW2" "$FW3"; do
	ip -n "$NS_SRC" neigh replace "$a" lladdr "$mac_tgt" dev "$IF_SRC" nud permanent
done

nl_load_ruleset - <<NFT
table inet nflogd_fleet {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$IF_TGT" meta nfproto ipv4 counter log prefix "fleet" group 10 drop
	}
}
NFT
nl_start_nflogd -g 10 --ring-size 16M || exit 1

# nmap with a forged source: -S needs -e and -Pn; no replies come back anyway.
scan() {
	local src=$1
	shift
	ip -n "$NS_SRC" addr add "$src/32" dev "$IF_SRC" 2>/dev/null
	nl_src nmap -n -Pn -e "$IF_SRC" -S "$src" --max-retries 0 -T4 "$@" \
		"$TGT4" "$FW2" "$FW3" >/dev/null 2>&1
}
scan 198.51.100.31 -sS -p 1-40
scan 198.51.100.40 -sS -p 20-60 -D 198.51.100.41,198.51.100.42,198.51.100.43,ME
# NetBIOS name queries to the broadcast address: noise on every host.
nl_src hping3 -q -2 -s 137 -p 137 -k -c 6 -a 198.51.100.50 -i u20000 192.0.2.255 \
	>/dev/null 2>&1
# A scan of one host only.
ip -n "$NS_SRC" addr add 198.51.100.60/32 dev "$IF_SRC"
nl_src nmap -n -Pn -e "$IF_SRC" -S 198.51.100.60 --max-retries 0 -T4 -sS -p 100-130 \
	"$FW2" >/dev/null 2>&1
sleep 1
nl_stop_nflogd
nl_eq "nflogd exit status" 0 "$?"

nl_ctl read --json >"$NL_TMP/all.json"
nl_eq "nflogctl read --json exit status" 0 "$?"
python3 - "$NL_TMP" "$TGT4" "$FW2" "$FW3" <<'PY'
import json, sys
tmp, addrs = sys.argv[1], sys.argv[2:]
hosts = {a: f"fw{i + 1}" for i, a in enumerate(addrs)}
out = {h: open(f"{tmp}/{h}.jsonl", "w") for h in hosts.values()}
for line in open(f"{tmp}/all.json"):
    rec = json.loads(line)
    dst = rec.get("destination", {}).get("ip")
    for h in ([hosts[dst]] if dst in hosts else hosts.values() if dst == "192.0.2.255" else []):
        rec["host"] = {"name": h}
        out[h].write(json.dumps(rec, separators=(",", ":")) + "\n")
PY
nl_eq "split into three hosts' files" 3 "$(ls "$NL_TMP"/fw*.jsonl | wc -l)"
# The negatives only mean something if their drops are there.
for h in fw1 fw2 fw3; do
	nl_check "$h logged the NetBIOS broadcasts" \
		grep -q '"ip":"198.51.100.50"' "$NL_TMP/$h.jsonl"
done
nl_check "fw2 logged the one-host scan" grep -q '"ip":"198.51.100.60"' "$NL_TMP/fw2.jsonl"
# What a collector also gets: a damaged line and one from a host without host.name
# (records carry the reader's own host.name: taken out).
printf '{"@timestamp":"2026-11-22T02:50:02Z","event":{"kind"\n' >>"$NL_TMP/fw2.jsonl"
python3 -c 'import json, sys
rec = json.loads(sys.stdin.readline()); rec.pop("host", None)
print(json.dumps(rec, separators=(",", ":")))' <"$NL_TMP/all.json" >>"$NL_TMP/fw3.jsonl"
# ... and a forged line from the far future at the head of fw1's file: taken, it would
# hold fw1 back in the merge and then move the clock past every real line.
python3 -c 'import json, sys
rec = json.loads(sys.stdin.readline()); rec["@timestamp"] = "2099-01-01T00:00:00.000Z"
print(json.dumps(rec, separators=(",", ":")))' <"$NL_TMP/fw1.jsonl" >"$NL_TMP/fw1.future"
cat "$NL_TMP/fw1.jsonl" >>"$NL_TMP/fw1.future" && mv "$NL_TMP/fw1.future" "$NL_TMP/fw1.jsonl"

"$NFLOGCTL" fleet --json "$NL_TMP"/fw1.jsonl "$NL_TMP"/fw2.jsonl "$NL_TMP"/fw3.jsonl \
	>"$NL_TMP/fleet.json" 2>"$NL_TMP/fleet.err"
nl_eq "nflogctl fleet exit status" 0 "$?"
"$NFLOGCTL" fleet --stats "$NL_TMP"/fw*.jsonl 2>"$NL_TMP/stats.err" | sed 's/^/      /'
sed 's/^/      /' "$NL_TMP/stats.err"
for h in fw1 fw2 fw3; do
	nl_check "--stats: $h's broadcasts stayed per host" \
		grep -Eq "per host .* $h=([6-9]|[1-9][0-9]+)( |\$)" "$NL_TMP/stats.err"
done
nl_check "bad lines counted by reason" \
	grep -q 'skipped 3 of .* lines: bad_json=1 bad_value=1 missing_field=1' "$NL_TMP/fleet.err"
nl_check "the far-future line is named" \
	grep -q 'fw1.jsonl:1: skipped (bad_value): @timestamp more than a day ahead' "$NL_TMP/fleet.err"
nl_check "the missing host.name is named" grep -q 'fw3.jsonl:.*no host.name' "$NL_TMP/fleet.err"

python3 - "$NL_TMP/fleet.json" <<'PY' && nl_pass "fleet alerts" || nl_fail "fleet alerts"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
fails = 0
def check(what, ok, detail=""):
    global fails
    print(f"    {'ok  ' if ok else 'FAIL'} {what} {detail}")
    fails += not ok
def by(src):
    return [a for a in alerts if a["source"]["ip"] == src]
three = ["fw1", "fw2", "fw3"]
s = by("198.51.100.31")
check("one alert for the scanner of three hosts", len(s) == 1, f"(got {len(s)})")
if s:
    f = s[0]["nflog"]["fleet"]
    check("  distributed-scan", f["type"] == "distributed-scan", f["type"])
    check("  names the three hosts", f["hosts"] == three, str(f["hosts"]))
    check("  40 ports", f["port_count"] == 40 and f["port_range"] == [1, 40], str(f["port_count"]))
    check("  ECS alert", s[0]["event"]["kind"] == "alert" and s[0]["event"]["start"] <= s[0]["event"]["end"])
d = [a for a in alerts if a["nflog"]["fleet"]["type"] == "distributed-decoy"]
check("one distributed-decoy", len(d) == 1, f"(got {len(d)})")
if d:
    f = d[0]["nflog"]["fleet"]
    check("  names the three hosts", f["hosts"] == three, str(f["hosts"]))
    check("  its four members folded in", f["members"] == 4, str(f["members"]))
for m in ("198.51.100.40", "198.51.100.41", "198.51.100.42", "198.51.100.43"):
    check(f"no scan alert of its own for decoy member {m}",
          not [a for a in by(m) if a["nflog"]["fleet"]["type"] != "distributed-decoy"])
check("NetBIOS broadcasts on every host stay per host", not by("198.51.100.50"))
check("a scan of one host stays per host", not by("198.51.100.60"))
check("two fleet alerts in all", len(alerts) == 2, f"(got {len(alerts)})")
sys.exit(1 if fails else 0)
PY

# Fleet-wide suggestions: the scanner blocked, decoy members never; nft -c accepts it.
: >"$NL_TMP/allow"
"$NFLOGCTL" fleet --suggest --allow "$NL_TMP/allow" "$NL_TMP"/fw*.jsonl >"$NL_TMP/fleet.nft" \
	2>/dev/null
nl_eq "nflogctl fleet --suggest exit status" 0 "$?"
nl_check "the scanner gets a timed block" \
	grep -q '^add element inet nflogd block4 { 198.51.100.31 timeout ' "$NL_TMP/fleet.nft"
nl_check "no decoy member is blocked" \
	sh -c "! grep -Eq '^add element .*198\\.51\\.100\\.4[0-3] ' '$NL_TMP/fleet.nft'"
nl_check "the script names the three hosts' input" grep -qx '# hosts: 3' "$NL_TMP/fleet.nft"
nl_check "nft -c -f accepts the suggestions" ip netns exec "$NS_TGT" nft -c -f "$NL_TMP/fleet.nft"
nl_check "--min-hosts 4 suggests no block" sh -c \
	"'$NFLOGCTL' fleet --suggest --min-hosts 4 --allow '$NL_TMP/allow' '$NL_TMP'/fw*.jsonl 2>/dev/null |
	 grep -c '^add element' | grep -qx 0"
nl_check "bad --min-hosts is refused (status 2)" sh -c \
	"'$NFLOGCTL' fleet --min-hosts 0 </dev/null 2>/dev/null; [ \$? -eq 2 ]"
nl_summary
