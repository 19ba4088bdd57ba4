#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 81-suggest.sh - from real drops to reviewed rules: probes the FAQ talks about hit a
# ruleset with two log rules (plus nflogd's own table); `nflogctl stats` names the rule
# handle behind each (group, prefix); `nflogctl suggest` prints a script that passes
# `nft -c -f` against that ruleset, with the safety rules holding (allowlist, decoys,
# spoofed sources); `--apply` adds the blocks with timeouts, and the blocked source's next
# packets are attributed to nflogd's own log rule.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 nmap python3 setpriv
nl_require_bins
nl_init
nl_setup_pair

{
	"$NFLOGCTL" rules print --groups 10 --table filter
	cat <<NFT
table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		tcp dport 23 counter log prefix "telnet" group 10 drop comment "telnet"
		iifname "$IF_TGT" jump nflogd_drop
	}
}
NFT
} >"$NL_TMP/ruleset.nft"
nl_load_ruleset "$NL_TMP/ruleset.nft"
nl_check "rules install (own table, group 10)" nl_tgt "$NFLOGCTL" rules install --groups 10
nl_start_nflogd -g 10 || exit 1

# Scans of different targets, so the correlator keeps them apart: scans of one target
# within seconds of each other look like one decoy scan (doc/correlation.md).
mac_tgt=$(nl_tgt cat "/sys/class/net/$IF_TGT/address")
for a in 3 4 5; do
	ip -n "$NS_TGT" addr add "192.0.2.$a/32" dev "$IF_TGT"
	ip -n "$NS_SRC" neigh replace "192.0.2.$a" lladdr "$mac_tgt" dev "$IF_SRC" nud permanent
done
scan() {	# scan SRC DST NMAP-ARGS...: nmap with a forged source
	local src=$1 dst=$2
	shift 2
	ip -n "$NS_SRC" addr add "$src/32" dev "$IF_SRC" 2>/dev/null
	nl_src nmap -n -Pn -e "$IF_SRC" -S "$src" --max-retries 0 -T5 "$@" "$dst" >/dev/null 2>&1
}
hp() { nl_src hping3 -q "$@" >/dev/null 2>&1; }

hp -S -p 23 -c 3 -i u10000 "$TGT4"					# telnet rule
hp -2 -s 137 -k -p 137 -c 12 -i u10000 "${TGT4%.*}.255"		# NetBIOS broadcasts
scan 198.51.100.66 "$TGT4" -sS -p 1-200					# port scan
hp -S -p 31337 -c 3 -i u10000 -a 198.51.100.77 "$TGT4"			# Back Orifice probes
scan 198.51.100.5 192.0.2.3 -sS -p 1-200				# allowlisted scanner
scan 198.51.100.16 192.0.2.4 -sS -p 20-60 -D 198.51.100.101,198.51.100.102,198.51.100.103,ME
scan 10.9.8.7 192.0.2.5 -sS -p 1-200					# spoofed private source
hp -1 -C 3 -K 4 -c 2 -i u10000 "$TGT4"					# "fragmentation needed"
hp -S -p 113 -c 150 -i u2000 -a 198.51.100.40 "$TGT4"			# ident, noisy but benign
# hping3's IDs are random: one packet in 65,536 carries sscan's 39426 by chance, and
# that lone coincidence must not make the ident source suspicious (no rate limit).
hp -S -p 113 -c 1 -N 39426 -a 198.51.100.40 "$TGT4"
sleep 2		# the correlator opens its incidents within a second

printf '# test allowlist\n198.51.100.0/29   # our scanner\n' >"$NL_TMP/allow"
nl_tgt "$NFLOGCTL" suggest --ring "$RING" --allow "$NL_TMP/allow" \
	>"$NL_TMP/suggest.nft" 2>"$NL_TMP/suggest.err"
nl_eq "nflogctl suggest exit status" 0 "$?"
sed 's/^/      /' "$NL_TMP/suggest.nft"
nl_check "suggest output passes nft -c -f against the live ruleset" \
	nl_tgt nft -c -f "$NL_TMP/suggest.nft"
nl_check "dry run says what --apply would do" grep -q "dry run" "$NL_TMP/suggest.err"
nl_tgt "$NFLOGCTL" suggest --ring "$RING" --allow "$NL_TMP/allow" --format json \
	>"$NL_TMP/suggest.json" 2>/dev/null
nl_eq "nflogctl suggest --format json exit status" 0 "$?"
nl_tgt nft -j -a list ruleset >"$NL_TMP/ruleset.json"

nl_check "suggestions: what and where" python3 - "$NL_TMP/suggest.nft" "$NL_TMP/suggest.json" \
	"$NL_TMP/ruleset.json" <<'PY'
import json, re, sys
script = open(sys.argv[1]).read()
doc = json.load(open(sys.argv[2]))
rules = [o["rule"] for o in json.load(open(sys.argv[3]))["nftables"] if "rule" in o]
bad = []
def check(what, ok):
    if not ok:
        bad.append(what)
def log_handle(prefix):
    for r in rules:
        for e in r["expr"]:
            if "log" in e and e["log"].get("prefix") == prefix and r["table"] == "filter":
                return r["chain"], r["handle"]
    return None, None
chain, handle = log_handle("nflogd-drop")
check("log rule nflogd-drop found", handle is not None)
sugg = doc["suggestions"]
kinds = {s["kind"] for s in sugg}
for k in ("silence", "block", "antispoof", "icmp", "ratelimit"):
    check("a %s suggestion" % k, k in kinds)
cmds = [c for s in sugg for c in s["nft"]]
# Silence and ICMP go just before the log rule that logged them.
want = "insert rule inet filter %s position %s " % (chain, handle)
sil = [c for s in sugg if s["kind"] == "silence" for c in s["nft"]]
check("silence inserted before the nflogd-drop log rule: %s" % sil,
      any(c.startswith(want) and "udp dport 137" in c and c.rstrip().endswith('"') for c in sil))
icmp = [c for s in sugg if s["kind"] == "icmp" for c in s["nft"]]
check("frag-needed accepted before the log rule: %s" % icmp,
      any(c.startswith(want) and "frag-needed" in c and " accept" in c for c in icmp))
rl = [c for s in sugg if s["kind"] == "ratelimit" for c in s["nft"]]
check("ident source rate-limited: %s" % rl, any("198.51.100.40" in c and "limit rate" in c for c in rl))
blocked = {s.get("source") for s in sugg if s["kind"] == "block"}
check("scanner blocked (%s)" % sorted(blocked), "198.51.100.66" in blocked)
check("Back Orifice prober blocked", "198.51.100.77" in blocked)
for addr in ("198.51.100.5", "10.9.8.7", "198.51.100.16", "198.51.100.101",
             "198.51.100.102", "198.51.100.103", "192.0.2.1", "192.0.2.2", "198.51.100.40"):
    check("never blocked: " + addr, addr not in blocked and
          not re.search(r"add element .*\b%s\b" % re.escape(addr), script))
skipped = {s["source"]: s["reason"] for s in doc["skipped"]}
check("allowlisted scanner listed as skipped: %s" % skipped, "allowlist" in skipped.get("198.51.100.5", ""))
check("spoofed scanner listed as skipped", "10.9.8.7" in skipped)
check("anti-spoofing uses fib", any("fib saddr . iif oif missing" in c for c in cmds))
check("blocks carry timeouts", all(re.search(r"timeout \d+[smhd]", c) for s in sugg
                                   if s["kind"] == "block" for c in s["nft"] if "add element" in c))
# The script and the JSON say the same.
for c in cmds:
    check("json command in script: " + c, c in script)
if bad:
    print("\n".join("      " + b for b in bad))
    sys.exit(1)
PY

# --- --apply: the block part, into nflogd's own table, atomically ---
nl_tgt "$NFLOGCTL" suggest --ring "$RING" --allow "$NL_TMP/allow" --apply \
	>/dev/null 2>"$NL_TMP/apply.err"
nl_eq "nflogctl suggest --apply exit status" 0 "$?"
sed 's/^/      /' "$NL_TMP/apply.err"
nl_check "--apply says what it added" grep -q "added .* element" "$NL_TMP/apply.err"
nl_tgt nft list set inet nflogd block4 >"$NL_TMP/block4.txt"
nl_check "block4 holds the scanner with a timeout" \
	grep -Eq '198\.51\.100\.66 timeout [0-9]+[hd]' "$NL_TMP/block4.txt"
nl_check "block4 holds the Back Orifice prober" grep -q '198\.51\.100\.77 timeout' "$NL_TMP/block4.txt"
for addr in 198.51.100.5 10.9.8.7 198.51.100.16 198.51.100.101 198.51.100.102 \
	198.51.100.103; do
	nl_check "block4 does not hold $addr" sh -c "! grep -q '$addr ' '$NL_TMP/block4.txt'"
done

# --- the blocked scanner comes back: nflogd's own log rule gets it ---
hp -S -p 8080 -c 4 -i u10000 -a 198.51.100.66 "$TGT4"
hp -S -p 23 -c 2 -i u10000 "$TGT4"
sleep 0.5
nl_tgt nft -j -a list ruleset >"$NL_TMP/ruleset2.json"
nl_tgt "$NFLOGCTL" stats --ring "$RING" --json >"$NL_TMP/stats.json"
nl_tgt "$NFLOGCTL" stats --ring "$RING" >"$NL_TMP/stats.txt"
sed -n '/drops per log rule/,$p' "$NL_TMP/stats.txt" | sed 's/^/      /'
nl_check "stats: each (group, prefix) attributed to its rule handle" python3 - \
	"$NL_TMP/stats.json" "$NL_TMP/ruleset2.json" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
rules = [o["rule"] for o in json.load(open(sys.argv[2]))["nftables"] if "rule" in o]
bad = []
def rule_for(table, prefix):
    for r in rules:
        for e in r["expr"]:
            if "log" in e and e["log"].get("prefix") == prefix and r["table"] == table:
                cnt = [x["counter"]["packets"] for x in r["expr"] if "counter" in x]
                return r, (cnt[0] if cnt else None)
    return None, None
if stats.get("ruleset") != "read":
    bad.append("ruleset not read: %r" % stats.get("ruleset"))
pairs = {(p["group"], p["prefix"]): p for p in stats["log_rules"]}
for table, prefix, want in (("filter", "telnet", None), ("filter", "nflogd-drop", None),
                            ("nflogd", "nflogd-block", 4)):
    p = pairs.get((10, prefix))
    r, cnt = rule_for(table, prefix)
    if not p or not r:
        bad.append("no pair or rule for %s: %r %r" % (prefix, p, r))
        continue
    handles = [(x["table"], x["chain"], x["handle"]) for x in p["rules"]]
    if (table, r["chain"], r["handle"]) not in handles:
        bad.append("%s: rule %s/%s/%s not in %s" % (prefix, table, r["chain"], r["handle"], handles))
    if want is not None and p["records"] != want:
        bad.append("%s: %d records, want %d" % (prefix, p["records"], want))
    if p["records"] != cnt:
        bad.append("%s: %d records but the nft counter says %s" % (prefix, p["records"], cnt))
if bad:
    print("\n".join("      " + b for b in bad))
    sys.exit(1)
PY

# --- without CAP_NET_ADMIN: reading works, applying says why it cannot ---
mkdir -m 0755 "$NL_TMP/pub"
chmod 0755 "$NL_TMP"
cp "$RING" "$NL_TMP/pub/copy.ring" && chmod 0644 "$NL_TMP/pub/copy.ring"
out=$(nl_tgt setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$NFLOGCTL" suggest --ring "$NL_TMP/pub/copy.ring" --apply 2>&1 >/dev/null)
nl_eq "unprivileged suggest --apply exit status" 1 "$?"
nl_check "  ... names CAP_NET_ADMIN" grep -q "CAP_NET_ADMIN" <<<"$out"

nl_stop_nflogd
nl_summary
