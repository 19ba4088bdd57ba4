#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 65-geoip.sh - country, city and AS from MaxMind DB files on records of real packets:
# read (text, JSON), alerts, explain, stats, top, suggest, what mmdblookup says of each
# test address, bad files, and read -f noticing a file geoipupdate-style renamed over the old one.
#
# The .mmdb files are built here by tests/geoip/mkmmdb.pl (libmaxmind-db-writer-perl);
# every probe carries its own IP ID so that its record can be found again. The default
# GeoIP directories are switched off (NFLOGCTL_GEOIP_DIRS) so that nothing depends on
# what this machine has installed.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 nmap ping python3 perl mmdblookup
nl_require_bins
"$NFLOGCTL" stats --ring /nonexistent 2>/dev/null | grep -q 'built without libmaxminddb' &&
	nl_skip "nflogctl built without libmaxminddb"
perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null || nl_skip "libmaxmind-db-writer-perl missing"
NS_SRC=geo-src-$$
NS_TGT=geo-tgt-$$
NL_TMP_NAME=geo-netns
nl_init
nl_setup_pair
export NFLOGCTL_GEOIP_DIRS=

MM=$NL_TMP/mm
mkdir "$MM" && perl "$NL_ROOT/tests/geoip/mkmmdb.pl" "$MM" || nl_die "mkmmdb.pl failed"
cp "$MM/asn.mmdb" "$MM/live-asn.mmdb"
GEO=(--geoip "$MM/city.mmdb" --geoip "$MM/asn.mmdb")

# prerouting: also the packets to an address that is not the target's (the destination
# side of the enrichment).
OTHER=198.51.100.99
nl_load_ruleset - <<NFT
table inet nflogd_geoip {
	chain pre {
		type filter hook prerouting priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		iifname "$IF_TGT" counter log prefix "geoip" group 10 drop comment "nflog"
	}
}
NFT
mac_tgt=$(ip netns exec "$NS_TGT" cat "/sys/class/net/$IF_TGT/address")
ip -n "$NS_SRC" neigh replace "$OTHER" lladdr "$mac_tgt" dev "$IF_SRC" nud permanent
nl_start_nflogd -g 10 --ring-size 64M || exit 1

probe() {
	local id=$1
	shift
	nl_src hping3 -q -c 1 -N "$id" "$@" >/dev/null 2>&1
}
probe 201 -S -p 80 -a 203.0.113.5 "$TGT4"
probe 202 -S -p 443 -a 198.51.100.7 "$TGT4"
probe 203 -S -p 22 -a 198.51.100.200 "$TGT4"	# in the ASN file, not the city file
probe 204 -S -p 23 -a 10.9.8.7 "$TGT4"		# private: not looked up
probe 205 -S -p 80 -a 192.0.2.77 "$TGT4"
probe 206 -S -p 25 -a 203.0.113.9 "$OTHER"	# a destination that is not local
probe 209 -S -p 80 -a 8.8.8.8 "$TGT4"		# in no file: unknown
nl_src ping -6 -c 1 -W 1 "$TGT6" >/dev/null 2>&1	# 2001:db8::2
ip -n "$NS_SRC" addr add 203.0.113.50/32 dev "$IF_SRC"
nl_src nmap -n -Pn -e "$IF_SRC" -S 203.0.113.50 --max-retries 0 -T5 -sS -p 1-300 "$TGT4" \
	>/dev/null 2>&1
# Two more scanners, one of the same AS, for suggest's grouping by AS.
for s in 203.0.113.51 192.0.2.60; do
	ip -n "$NS_SRC" addr add "$s/32" dev "$IF_SRC"
	nl_src nmap -n -Pn -e "$IF_SRC" -S "$s" --max-retries 0 -T5 -sS -p 1-100 "$TGT4" \
		>/dev/null 2>&1
done
nl_wait_recorded 500 10
sleep 1.2	# the correlator reads the ring once a second: the scans' alerts

# read -f keeps running while the ASN file is replaced.
"$NFLOGCTL" read -f --ring "$RING" --geoip "$MM/city.mmdb" --geoip "$MM/live-asn.mmdb" \
	>"$NL_TMP/follow.txt" 2>"$NL_TMP/follow.err" &
FOLLOW=$!
NL_PIDS+=("$FOLLOW")
sleep 0.5
probe 207 -S -p 80 -a 192.0.2.78 "$TGT4"
sleep 0.5
cp "$MM/asn-v2.mmdb" "$MM/live-asn.tmp" && mv "$MM/live-asn.tmp" "$MM/live-asn.mmdb"
sleep 1.5
probe 208 -S -p 80 -a 192.0.2.79 "$TGT4"
sleep 0.5
kill "$FOLLOW" 2>/dev/null
wait "$FOLLOW" 2>/dev/null
nl_stop_nflogd

grep -E ' id 20[78] ' "$NL_TMP/follow.txt" | sed 's/^/      /'
nl_check "read -f: AS before the update" grep -q ' id 207 .*src-geo=CH,AS64496 ' "$NL_TMP/follow.txt"
nl_check "read -f: the renamed-in file after it" \
	grep -q ' id 208 .*src-geo=CH,AS64510 "Renumbered AG"' "$NL_TMP/follow.txt"
nl_check "read -f: no error" test ! -s "$NL_TMP/follow.err"

nl_ctl read --json "${GEO[@]}" >"$NL_TMP/records.json"
nl_eq "read --json exit status" 0 "$?"
# The same files named once in nflogctl.conf instead of on the command line.
printf '# test\ngeoip = %s\ngeoip = %s\n' "$MM/city.mmdb" "$MM/asn.mmdb" >"$NL_TMP/nflogctl.conf"
NFLOGCTL_CONFIG=$NL_TMP/nflogctl.conf nl_ctl read --json >"$NL_TMP/records-conf.json"
nl_check "geoip lines in nflogctl.conf: the same JSON as --geoip" \
	cmp -s "$NL_TMP/records.json" "$NL_TMP/records-conf.json"
printf 'geoip = %s\ngeoip-typo = x\n' "$MM/city.mmdb" >"$NL_TMP/bad.conf"
NFLOGCTL_CONFIG=$NL_TMP/bad.conf nl_ctl read >/dev/null 2>"$NL_TMP/bad-conf.err"
nl_eq "a malformed nflogctl.conf: exit status 1" 1 "$?"
nl_check "a malformed nflogctl.conf: names file and line" \
	grep -q "bad.conf:2: unknown key 'geoip-typo'" "$NL_TMP/bad-conf.err"
nl_ctl read "${GEO[@]}" >"$NL_TMP/records.txt"
nl_eq "read exit status" 0 "$?"
nl_ctl alerts --json "${GEO[@]}" >"$NL_TMP/alerts.json"
nl_ctl alerts "${GEO[@]}" >"$NL_TMP/alerts.txt"
grep -E ' id 20[1-69] ' "$NL_TMP/records.txt" | cut -c 1-60,170- | sed 's/^/      /'

python3 - "$NL_TMP" "$MM" <<'PY' && nl_pass "JSON, text and alerts agree with mmdblookup" ||
import json, re, subprocess, sys
tmp, mm = sys.argv[1], sys.argv[2]
fails = 0
def check(what, got, want):
    global fails
    ok = got == want
    print(f"    {'ok  ' if ok else 'FAIL'} {what}: {got!r}" + ("" if ok else f" (want {want!r})"))
    fails += not ok
def mmdb(f, ip, *path):
    """What mmdblookup says, as a Python value, or None."""
    p = subprocess.run(["mmdblookup", "--file", f"{mm}/{f}", "--ip", ip, *path],
                       capture_output=True, text=True)
    m = re.search(r'^\s*(.*) <(\w+)>\s*$', p.stdout, re.M)
    if p.returncode or not m:
        return None
    v, t = m.groups()
    if t == "utf8_string":
        return json.loads(v)
    return round(float(v), 4) if t in ("double", "float") else int(v)
def want_geo(ip):
    g, a = {}, {}
    for k, path in (("country_iso_code", ("country", "iso_code")),
                    ("country_name", ("country", "names", "en")),
                    ("city_name", ("city", "names", "en"))):
        v = mmdb("city.mmdb", ip, *path)
        if v is not None:
            g[k] = v
    lat, lon = mmdb("city.mmdb", ip, "location", "latitude"), mmdb("city.mmdb", ip, "location", "longitude")
    if lat is not None:
        g["location"] = {"lat": lat, "lon": lon}
    n = mmdb("asn.mmdb", ip, "autonomous_system_number")
    if n is not None:
        a = {"number": n, "organization": {"name": mmdb("asn.mmdb", ip, "autonomous_system_organization")}}
    return g, a
def got_geo(end):
    g = dict(end.get("geo", {}))
    if "location" in g:
        g["location"] = {k: round(v, 4) for k, v in g["location"].items()}
    return g, end.get("as", {})
recs = {}
for line in open(f"{tmp}/records.json", encoding="utf-8"):
    r = json.loads(line)
    if r["event"]["kind"] == "event" and r["nflog"].get("ip"):
        recs.setdefault(r["nflog"]["ip"]["id"], r)
v6 = [r for r in map(json.loads, open(f"{tmp}/records.json", encoding="utf-8"))
      if r.get("source", {}).get("ip") == "2001:db8::2"]
probes = {201: "203.0.113.5", 202: "198.51.100.7", 203: "198.51.100.200", 204: "10.9.8.7",
          205: "192.0.2.77", 206: "203.0.113.9", 209: "8.8.8.8"}
for pid, ip in probes.items():
    r = recs.get(pid)
    if r is None:
        check(f"probe {pid} recorded", None, "a record"); continue
    want = ({}, {}) if ip == "10.9.8.7" else want_geo(ip)
    check(f"probe {pid} {ip} source geo/as", got_geo(r["source"]), want)
check("the expected values themselves", want_geo("203.0.113.5")[0]["city_name"], "Tōkyō")
check("the expected AS name", want_geo("198.51.100.7")[1]["organization"]["name"], "Société Générale")
# The destination: only when it is not this host.
check("probe 206 destination (not local)", got_geo(recs[206]["destination"]), want_geo("198.51.100.99"))
check("probe 201 destination (this host)", got_geo(recs[201]["destination"]), ({}, {}))
check("IPv6 source", got_geo(v6[0]["source"]) if v6 else None, want_geo("2001:db8::2"))
text = {int(m.group(1)): l for l in open(f"{tmp}/records.txt") for m in [re.search(r" id (\d+) ", l)] if m}
check("text 201", re.search(r" src-geo=\S+ \"[^\"]*\"", text.get(201, "")).group(0),
      ' src-geo=JP,AS64498 "Example Networks \\xe6\\xa0\\xaa\\xe5\\xbc\\x8f\\xe4\\xbc\\x9a\\xe7\\xa4\\xbe"')
check("text 203 (AS only)", " src-geo=AS64497 " in text.get(203, ""), True)
check("text 204 (private)", "geo=" in text.get(204, "x geo="), False)
check("text 206 destination", " dst-geo=FR,AS64497 " in text.get(206, ""), True)
check("text 209 (unknown)", text.get(209, "").rstrip().endswith(" src-geo=unknown"), True)
alerts = [json.loads(l) for l in open(f"{tmp}/alerts.json", encoding="utf-8")]
scan = [a for a in alerts if a.get("source", {}).get("ip") == "203.0.113.50"]
check("alert from 203.0.113.50", bool(scan), True)
if scan:
    check("alert source geo/as", got_geo(scan[0]["source"]), want_geo("203.0.113.50"))
check("alerts text", any("203.0.113.50" in l and " src-geo=JP,AS64498 " in l
                         for l in open(f"{tmp}/alerts.txt")), True)
sys.exit(1 if fails else 0)
PY
	nl_fail "JSON, text and alerts agree with mmdblookup"

nl_ctl explain "${GEO[@]}" 203.0.113.5 >"$NL_TMP/explain.txt"
nl_eq "explain exit status" 0 "$?"
nl_check "explain: country, city, location" \
	grep -qx '203.0.113.5: GeoIP JP (Japan), Tōkyō, lat 35.6893 lon 139.6899' "$NL_TMP/explain.txt"
nl_check "explain: AS" grep -qx '  AS64498 Example Networks 株式会社' "$NL_TMP/explain.txt"
nl_ctl stats "${GEO[@]}" | grep -A2 '^geoip:' >"$NL_TMP/stats.txt"
nl_check "stats names the files" grep -q "city.mmdb: GeoLite2-City, built .*: country, city, location" \
	"$NL_TMP/stats.txt"
nl_check "stats without files says so" sh -c "'$NFLOGCTL' stats --ring '$RING' | grep -q '^geoip: off (no usable .mmdb file in '"

# top: a country/AS column for the sources, and the AS and country lists.
nl_ctl top --once "${GEO[@]}" >"$NL_TMP/top.txt"
nl_eq "top --once --geoip exit status" 0 "$?"
sed -n '6,10p' "$NL_TMP/top.txt" | sed 's/^/      /'
nl_check "top: the scanner's row has its country and AS" \
	grep -Eq '\| +[0-9]{3} 203\.0\.113\.50 +JP AS64498 +port-' "$NL_TMP/top.txt"
nl_check "top: another source's country and AS" grep -Eq '\| +1 192\.0\.2\.77 +CH AS64496 ' \
	"$NL_TMP/top.txt"
nl_check "top: a private source is not looked up" grep -Eq '\| +1 10\.9\.8\.7 +- ' "$NL_TMP/top.txt"
nl_check "top: a source in no file is unknown" grep -Eq '\| +1 8\.8\.8\.8 +\? ' "$NL_TMP/top.txt"
nl_ctl top --once --view as "${GEO[@]}" >"$NL_TMP/top-as.txt"
nl_eq "top --view as exit status" 0 "$?"
sed -n '6,10p' "$NL_TMP/top-as.txt" | sed 's/^/      /'
nl_check "top --view as: the scanner's AS first, with its sources" \
	sh -c "sed -n 8p '$NL_TMP/top-as.txt' | grep -Eq '\\| +[0-9]{3} AS64498 +JP Example Netwo~ +[0-9]+\$'"
nl_check "top --view as: the title counts the grouped and local sources" \
	grep -Eq '\| TOP AS: [0-9]+/[0-9]+ srcs, [1-9][0-9]* local' "$NL_TMP/top-as.txt"
# The AS names keep their letters on a UTF-8 terminal, '?' for each elsewhere.
LC_ALL=C.UTF-8 nl_ctl top --once --view as "${GEO[@]}" >"$NL_TMP/top-as-utf8.txt"
nl_check "top --view as, UTF-8 locale: 'Société Génér~'" \
	grep -Eq 'AS64497 +FR Société Génér~ +[0-9]+$' "$NL_TMP/top-as-utf8.txt"
LC_ALL=C nl_ctl top --once --view as "${GEO[@]}" >"$NL_TMP/top-as-c.txt"
nl_check "top --view as, C locale: one '?' per letter beyond ASCII" \
	grep -Eq 'AS64497 +FR Soci\?t\? G\?n\?r~ +[0-9]+$' "$NL_TMP/top-as-c.txt"
nl_ctl top --once --view country "${GEO[@]}" >"$NL_TMP/top-cc.txt"
nl_check "top --view country: Japan first" \
	sh -c "sed -n 8p '$NL_TMP/top-cc.txt' | grep -Eq '\\| +[0-9]{3} JP Japan +[0-9]+\$'"
nl_ctl top --once >"$NL_TMP/top-plain.txt"
nl_check "top without GeoIP: the plain sources list" \
	grep -Eq '\| +drops source +alerts$' "$NL_TMP/top-plain.txt"
nl_ctl top --once --view as --geoip none >/dev/null 2>"$NL_TMP/top-none.err"
nl_eq "top --view as --geoip none: status" 1 "$?"
nl_check "top --view as --geoip none: says why" grep -q 'needs a GeoIP file' "$NL_TMP/top-none.err"
nl_check_sanitizer "$NL_TMP/top-none.err"

# suggest: the blocks grouped by AS in comments; network-wide sets only as opt-ins.
nl_tgt "$NFLOGCTL" rules install >/dev/null || nl_fail "rules install"
nl_tgt "$NFLOGCTL" suggest --ring "$RING" "${GEO[@]}" >"$NL_TMP/suggest.nft" 2>"$NL_TMP/suggest.err"
nl_eq "suggest --geoip exit status" 0 "$?"
nl_check_sanitizer "$NL_TMP/suggest.err"
sed -n '/=== By network/,$p' "$NL_TMP/suggest.nft" | sed 's/^/      /'
nl_check "suggest --geoip passes nft -c -f" nl_tgt nft -c -f "$NL_TMP/suggest.nft"
nl_check "suggest: both scanners of AS64498 under one heading" \
	sh -c "grep -A3 '^# AS64498 Example Networks 株式会社, JP: 2 sources to block' '$NL_TMP/suggest.nft' |
		grep -q '^#   203.0.113.50: ' && grep -A3 '^# AS64498 ' '$NL_TMP/suggest.nft' |
		grep -q '^#   203.0.113.51: '"
nl_check "suggest: the other scanner under its own AS" \
	grep -q '^# AS64496 Zürcher Kantonalbank Test AG, CH: 1 source to block' "$NL_TMP/suggest.nft"
nl_check "suggest: the network of AS64498 only as an opt-in comment" \
	grep -q '^# opt-in: add element inet nflogd geo_as64498_v4 { 203.0.113.0/24 timeout ' \
	"$NL_TMP/suggest.nft"
nl_check "suggest: no active line names a geo_ set" \
	sh -c "! grep -v '^#' '$NL_TMP/suggest.nft' | grep -q geo_"
nl_check "suggest: the active blocks are the sources themselves" \
	grep -q '^add element inet nflogd block4 { 203.0.113.51 timeout ' "$NL_TMP/suggest.nft"
sed 's/^# opt-in: //' "$NL_TMP/suggest.nft" >"$NL_TMP/suggest-optin.nft"
nl_check "suggest: uncommented, the opt-in lines pass nft -c -f too" \
	nl_tgt nft -c -f "$NL_TMP/suggest-optin.nft"
nl_tgt "$NFLOGCTL" suggest --ring "$RING" --geoip none >"$NL_TMP/suggest-plain.nft" 2>/dev/null
nl_check "suggest --geoip none: no GeoIP section" \
	sh -c "! grep -q 'By network' '$NL_TMP/suggest-plain.nft'"
nl_tgt "$NFLOGCTL" suggest --ring "$RING" "${GEO[@]}" --format json >"$NL_TMP/suggest.json" 2>/dev/null
nl_check "suggest --format json --geoip: still one JSON document" \
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$NL_TMP/suggest.json"
nl_tgt "$NFLOGCTL" rules remove >/dev/null

# Bad files: asked for by name, one line naming the file and status 1.
head -c 300 "$MM/asn.mmdb" >"$MM/trunc.mmdb"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-30:]=b"\xff"*30; open(sys.argv[2],"wb").write(b)' \
	"$MM/asn.mmdb" "$MM/corrupt.mmdb"
mkdir "$MM/dir.mmdb"
cp "$MM/asn.mmdb" "$MM/secret.mmdb" && chmod 0 "$MM/secret.mmdb" && chmod 755 "$NL_TMP" "$MM"
bad() {
	local name=$1 want=$2 rc lines
	shift 2
	"$@" >/dev/null 2>"$NL_TMP/bad.err"
	rc=$?
	lines=$(wc -l <"$NL_TMP/bad.err")
	if [ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -q "$name.*$want" "$NL_TMP/bad.err"; then
		nl_pass "$name: status 1, $(cat "$NL_TMP/bad.err")"
	else
		nl_fail "$name: status $rc, $lines lines: $(cat "$NL_TMP/bad.err")"
	fi
}
for f in trunc.mmdb:'not a usable MaxMind DB' corrupt.mmdb:'not a usable MaxMind DB' \
	dir.mmdb:'is a directory' widgets.mmdb:"type 'Example-Widgets' provides no"; do
	bad "$MM/${f%%:*}" "${f#*:}" "$NFLOGCTL" read --ring "$RING" --geoip "$MM/${f%%:*}"
done
bad "$MM/secret.mmdb" 'Permission denied' setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$NFLOGCTL" explain --geoip "$MM/secret.mmdb" 192.0.2.1
# Only found by default: a warning, GeoIP off, the command works.
mkdir "$MM/defaults" && cp "$MM/trunc.mmdb" "$MM/defaults/GeoLite2-ASN.mmdb"
NFLOGCTL_GEOIP_DIRS=$MM/defaults "$NFLOGCTL" read --ring "$RING" -n 1 >"$NL_TMP/def.out" 2>"$NL_TMP/def.err"
nl_eq "bad default file: read still works" 0 "$?"
nl_check "bad default file: a warning naming it" \
	grep -q "warning: geoip: $MM/defaults/GeoLite2-ASN.mmdb: not a usable" "$NL_TMP/def.err"
nl_check "bad default file: no geo in the output" sh -c "! grep -q 'geo=' '$NL_TMP/def.out'"
cp "$MM/city.mmdb" "$MM/defaults/GeoLite2-City.mmdb"
NFLOGCTL_GEOIP_DIRS=$MM/defaults nl_ctl stats 2>/dev/null | grep -A1 '^geoip:' >"$NL_TMP/def.stats"
nl_check "a good default file is used and reported" grep -q 'found in the default locations' \
	"$NL_TMP/def.stats"
nl_summary
