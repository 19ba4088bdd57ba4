#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 90-outputs.sh - the operator outputs on real drops: probes from the source namespace
# (hping3, nmap, IPv4 and IPv6) fill a ring, then
#   top      one plain frame (--once, and when stdout is not a terminal); live in an
#            80x24 tmux pane: the frame fits, names the top port and source, follows new
#            traffic; q, Ctrl-C and SIGTERM give the terminal back as it was
#   read --syslog [-f]  RFC 5424 datagrams to a python listener: one per drop and alert,
#            MSG = the text line of `nflogctl read`, in the same order
#   report   one HTML file that headless Chromium renders (screenshot, DOM with the
#            charts and tables), with no reference to anything outside it; with --geoip
#            (tests/geoip files) the top countries and ASes render as charts and tables
#   pcap     `tcpdump -r` shows the same packets as `nflogctl read`, in the same order
#   stats --prometheus  passes `promtool check metrics`, and says what `stats` says
# and bad command lines exit 2.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 nmap python3 tcpdump tmux chromium promtool stty
nl_require_bins
nl_init
# What GeoIP files this machine has must not change what top and report show here.
export NFLOGCTL_GEOIP_DIRS=
nl_setup_pair

TMUX_SOCK=nfl90-$$
t90_cleanup() {
	local rc=$?
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	(exit "$rc")
	nl_cleanup
}
trap t90_cleanup EXIT

nl_load_ruleset - <<NFT
table inet nflogd_out {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		iifname "$IF_TGT" counter log prefix "out<&>]" group 10 drop comment "nflog"
	}
}
NFT
nl_start_nflogd -g 10 || exit 1

hp() { nl_src hping3 -q "$@" >/dev/null 2>&1; }
scan() {	# scan SRC NMAP-ARGS...: nmap with a forged source
	local src=$1
	shift
	ip -n "$NS_SRC" addr add "$src/32" dev "$IF_SRC" 2>/dev/null
	nl_src nmap -n -Pn -e "$IF_SRC" -S "$src" --max-retries 0 -T5 "$@" "$TGT4" >/dev/null 2>&1
}
# ctl NAME ARGS...: nflogctl on our ring, stderr kept in NAME.err (sanitizer reports fail).
ctl() {
	local name=$1
	shift
	"$NFLOGCTL" "$1" --ring "$RING" "${@:2}" 2>"$NL_TMP/$name.err"
	local rc=$?
	nl_check_sanitizer "$NL_TMP/$name.err"
	return $rc
}

# --- phase 1: a port scan (top source), SubSeven probes (top port), NetBIOS noise,
# ICMP and IPv6 probes ---
hp -S -p 27374 -c 40 -i u5000 -a 198.51.100.7 "$TGT4"
# A fixed source port with no kb row of its own: a random one in 61000-65535 would make
# the kb's "masquerading source port" row explain most of the scan's drops.
scan 198.51.100.66 -sS -p 1-60 -g 40000
hp -2 -s 137 -p 137 -c 12 -i u10000 -a 198.51.100.9 "$TGT4"
hp -1 -c 3 -i u10000 -a 198.51.100.10 "$TGT4"
nl_src nmap -6 -n -Pn -sS --max-retries 0 -T5 -p 22,23,80 "$TGT6" >/dev/null 2>&1
nl_wait_recorded 118 || nl_fail "phase 1 traffic not recorded"
sleep 1.2	# the correlator reads the ring once a second

# --- top: one plain frame ---
ctl top-once top --once >"$NL_TMP/top-once.txt"
nl_eq "top --once exit status" 0 "$?"
sed 's/^/      /' "$NL_TMP/top-once.txt"
ctl top-pipe top | cat >"$NL_TMP/top-pipe.txt"
nl_eq "top with stdout not a terminal exit status" 0 "${PIPESTATUS[0]}"
check_frame() {	# check_frame FILE: 80x24, plain, top port/source/alert as sent
	python3 - "$1" <<'PY'
import re, sys
lines = open(sys.argv[1], "rb").read().decode("ascii").split("\n")
if lines and lines[-1] == "":
    lines.pop()
bad = []
if len(lines) > 24: bad.append("%d lines" % len(lines))
for i, l in enumerate(lines):
    if len(l) > 80: bad.append("line %d: %d columns" % (i, len(l)))
    if any(ord(c) < 32 or ord(c) > 126 for c in l): bad.append("line %d: control bytes" % i)
rows = [l for l in lines if "|" in l and re.match(r"\s+\d+ ", l)]
if not rows or "27374/tcp sub7" not in rows[0].split("|")[0]:
    bad.append("top service row is not 27374/tcp sub7: %r" % rows[:1])
if not rows or "198.51.100.66" not in rows[0].split("|")[1]:
    bad.append("top source is not 198.51.100.66: %r" % rows[:1])
if not re.search(r"^\s*\d+ port-scan\s+(open|update)\s+198\.51\.100\.66 ", "\n".join(lines), re.M):
    bad.append("open port-scan alert of 198.51.100.66 not listed")
if bad:
    print("\n".join("      " + b for b in bad))
    sys.exit(1)
PY
}
nl_check "top --once: plain 80x24 frame, top port 27374, top source, open alert" \
	check_frame "$NL_TMP/top-once.txt"
nl_check "top without a terminal prints the same kind of frame" check_frame "$NL_TMP/top-pipe.txt"

# GeoIP test files (tests/geoip/mkmmdb.pl) for top's and report's GeoIP views, when this
# build and machine can have them.
GEO_OK=
if ! "$NFLOGCTL" stats --ring /nonexistent 2>/dev/null | grep -q 'built without libmaxminddb' &&
	perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null && mkdir "$NL_TMP/mm" &&
	perl "$NL_ROOT/tests/geoip/mkmmdb.pl" "$NL_TMP/mm"; then
	GEO_OK=1
else
	echo "      (GeoIP views not checked: no libmaxminddb or libmaxmind-db-writer-perl)"
fi

# --- top, live in an 80x24 tmux pane ---
tmx() { tmux -L "$TMUX_SOCK" "$@"; }
pane() { tmx capture-pane -p -t t90; }
# wait_pane REGEX [SECONDS]: until a line of the visible pane matches (grep -E).
wait_pane() {
	local end=$((SECONDS + ${2:-5}))
	while :; do
		pane >"$NL_TMP/pane.txt"
		grep -Eq -- "$1" "$NL_TMP/pane.txt" && return 0
		[ "$SECONDS" -ge "$end" ] && break
		sleep 0.1
	done
	nl_log "pane never matched /$1/; it shows:"
	sed 's/^/      | /' "$NL_TMP/pane.txt" >&2
	return 1
}
tmx new-session -d -s t90 -x 80 -y 24 \
	"env -i PATH=$PATH TERM=xterm-256color PS1='t90\$ ' bash --norc --noprofile" ||
	nl_die "tmux new-session failed"
wait_pane '^t90\$' || nl_die "no shell prompt in tmux"
# The command typed into the pane: short, so the shell's screen shows it on one line.
# It notes the terminal settings before and after, and top's pid and exit status;
# "trap : INT" keeps the script itself alive through Ctrl-C (top handles it).
cat >"$NL_TMP/t.sh" <<SH
#!/bin/bash
trap : INT
stty -g >"$NL_TMP/stty.before"
rm -f "$NL_TMP/stty.after"
echo t90-before-top
bash -c 'echo \$\$ >"\$1"; shift; exec "\$@"' top "$NL_TMP/top.pid" \\
	env NFLOGCTL_GEOIP_DIRS= "$NFLOGCTL" top --ring "$RING" \$TOP_ARGS 2>>"$NL_TMP/top-live.err"
echo "top-exit=\$?"
stty -g >"$NL_TMP/stty.after"
SH
chmod +x "$NL_TMP/t.sh"
tmx send-keys -t t90 "clear; $NL_TMP/t.sh" Enter
nl_check "live top draws its frame" wait_pane 'TOP SOURCES'
pane >"$NL_TMP/pane1.txt"
sed 's/^/      /' "$NL_TMP/pane1.txt"
nl_check "live frame: title on the first row, keys on the last (fits 80x24)" python3 - \
	"$NL_TMP/pane1.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")[:24]
ok = lines[0].startswith("nflogctl top ") and lines[23].startswith("q: quit")
sys.exit(0 if ok else 1)
PY
nl_check "live frame: the same content checks as --once" check_frame "$NL_TMP/pane1.txt"
# New traffic while it runs: a new top port and source appear within a refresh or two.
hp -S -p 31337 -c 80 -i u2000 -a 198.51.100.77 "$TGT4"
nl_check "live top follows new traffic (31337 and 198.51.100.77 on top)" \
	wait_pane '^ +80 31337/tcp[^ ]* .*\| +80 198\.51\.100\.77 ' 6
tmx send-keys -t t90 q
nl_check "q quits with status 0" wait_pane '^top-exit=0$'
wait_pane '^t90\$\s*$' 3 >/dev/null
pane >"$NL_TMP/pane2.txt"
sed 's/^/      /' "$NL_TMP/pane2.txt" | grep -v '^ *$'
nl_check "after q: the shell's screen is back (no frame left, what was there before visible)" \
	sh -c "! grep -q 'TOP SOURCES' '$NL_TMP/pane2.txt' && grep -q '^t90-before-top\$' '$NL_TMP/pane2.txt'"
nl_check "after q: terminal settings restored (stty -g before = after)" \
	cmp -s "$NL_TMP/stty.before" "$NL_TMP/stty.after"
nl_check_sanitizer "$NL_TMP/top-live.err"
# Ctrl-C and SIGTERM restore it too.
tmx send-keys -t t90 "clear; $NL_TMP/t.sh" Enter
wait_pane 'TOP SOURCES' >/dev/null
tmx send-keys -t t90 C-c
nl_check "Ctrl-C: top exits 130" wait_pane '^top-exit=130$'
wait_pane '^t90\$\s*$' 3 >/dev/null
nl_check "Ctrl-C: terminal settings restored" cmp -s "$NL_TMP/stty.before" "$NL_TMP/stty.after"
rm -f "$NL_TMP/top.pid"
tmx send-keys -t t90 "clear; $NL_TMP/t.sh" Enter
wait_pane 'TOP SOURCES' >/dev/null
top_pid=$(cat "$NL_TMP/top.pid" 2>/dev/null)
if [ -n "$top_pid" ]; then
	kill -TERM "$top_pid"
	nl_check "SIGTERM: top exits 143" wait_pane '^top-exit=143$'
	wait_pane '^t90\$\s*$' 3 >/dev/null
	nl_check "SIGTERM: terminal settings restored" \
		cmp -s "$NL_TMP/stty.before" "$NL_TMP/stty.after"
	pane >"$NL_TMP/pane3.txt"
	nl_check "SIGTERM: no frame left on the screen" \
		sh -c "! grep -q 'TOP SOURCES' '$NL_TMP/pane3.txt'"
else
	nl_fail "SIGTERM: no pid file from the top wrapper"
fi
nl_check_sanitizer "$NL_TMP/top-live.err"
# With GeoIP: a, c and s switch the right-hand list live.
if [ -n "$GEO_OK" ]; then
	printf '#!/bin/sh\nTOP_ARGS="--geoip %s --geoip %s" exec %s\n' "$NL_TMP/mm/city.mmdb" \
		"$NL_TMP/mm/asn.mmdb" "$NL_TMP/t.sh" >"$NL_TMP/tg.sh" && chmod +x "$NL_TMP/tg.sh"
	tmx send-keys -t t90 "clear; $NL_TMP/tg.sh" Enter
	nl_check "live top --geoip: sources with country and AS" \
		wait_pane '\| +[0-9]+ 198\.51\.100\.[0-9]+ +FR AS64497 '
	nl_check "live top --geoip: the footer names the keys" wait_pane '^q: quit  s/a/c: '
	tmx send-keys -t t90 a
	nl_check "live top: a shows the AS list" wait_pane '\| +[0-9]+ AS64497 +FR Soci'
	tmx send-keys -t t90 c
	nl_check "live top: c shows the country list" wait_pane '\| +[0-9]+ FR France +[0-9]+$'
	tmx send-keys -t t90 s
	nl_check "live top: s goes back to the sources" wait_pane '\| TOP SOURCES'
	tmx send-keys -t t90 q
	nl_check "live top --geoip: q quits with status 0" wait_pane '^top-exit=0$'
	wait_pane '^t90\$\s*$' 3 >/dev/null
	nl_check_sanitizer "$NL_TMP/top-live.err"
fi

# --- read -f --syslog: new drops arrive as datagrams while the daemon writes ---
listen() {	# listen SOCKET OUT: a unix datagram listener, one message per line
	python3 - "$1" "$2" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
out = open(sys.argv[2], "wb", buffering=0)
idle = time.time()
while time.time() - idle < 8:
    try:
        m = s.recv(65536)
    except socket.timeout:
        continue
    idle = time.time()
    out.write(m.replace(b"\n", b"\\n") + b"\n")
PY
	NL_PIDS+=("$!")
	local i
	for i in $(seq 50); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	nl_die "listener on $1 did not start"
}
# wait_lines FILE N [SECONDS]: until FILE has at least N lines.
wait_lines() {
	local i
	for i in $(seq $((${3:-5} * 10))); do
		[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
listen "$NL_TMP/follow.sock" "$NL_TMP/follow.msgs"
"$NFLOGCTL" read --ring "$RING" -f -n 1 --syslog-socket "$NL_TMP/follow.sock" \
	2>"$NL_TMP/follow.err" &
follow_pid=$!
NL_PIDS+=("$follow_pid")
wait_lines "$NL_TMP/follow.msgs" 1
hp -S -p 8080 -c 5 -i u10000 -a 198.51.100.88 "$TGT4"
nl_check "read -f --syslog: the 5 new drops arrive" sh -c "
	for i in \$(seq 50); do
		[ \"\$(grep -c 'dport=\"8080\"' '$NL_TMP/follow.msgs')\" -ge 5 ] && exit 0
		sleep 0.1
	done
	exit 1"
kill -TERM "$follow_pid" 2>/dev/null
nl_wait_pid "$follow_pid" 5
nl_check_sanitizer "$NL_TMP/follow.err"

nl_stop_nflogd
nl_eq "nflogd exit status" 0 "$?"

# --- read --syslog: every record, in `read` order, as RFC 5424 ---
ctl read-text read >"$NL_TMP/read.txt"
nl_eq "nflogctl read exit status" 0 "$?"
listen "$NL_TMP/log.sock" "$NL_TMP/syslog.msgs"
ctl syslog read --syslog --syslog-socket "$NL_TMP/log.sock" --syslog-facility local3
nl_eq "read --syslog exit status" 0 "$?"
wait_lines "$NL_TMP/syslog.msgs" "$(wc -l <"$NL_TMP/read.txt")"
nl_check "syslog: one RFC 5424 message per record, MSG = the read line, same order" \
	python3 - "$NL_TMP/syslog.msgs" "$NL_TMP/read.txt" <<'PY'
import re, sys
msgs = open(sys.argv[1], encoding="utf-8").read().splitlines()
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
bad = []
if len(msgs) != len(lines):
    bad.append("%d messages for %d lines" % (len(msgs), len(lines)))
hdr = re.compile(r'^<(\d+)>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (\S+) nflogctl (\d+) (drop|alert) ')
def sd(rest):	# [nflog@32473 k="v" ...] MSG -> (params, MSG)
    m = re.match(r'\[nflog@32473((?: [a-z_]+="(?:[^"\\\]]|\\["\\\]])*")*)\] ', rest)
    if not m:
        return None, None
    params = {k: re.sub(r'\\(["\\\]])', r"\1", v)
              for k, v in re.findall(r' ([a-z_]+)="((?:[^"\\\]]|\\["\\\]])*)"', m.group(1))}
    return params, rest[m.end():]
kinds = {"drop": 0, "alert": 0}
for i, (m, line) in enumerate(zip(msgs, lines)):
    h = hdr.match(m)
    if not h:
        bad.append("bad header: " + m[:80]); continue
    pri, ts, kind = int(h.group(1)), h.group(2), h.group(5)
    kinds[kind] += 1
    if pri // 8 != 19 or pri % 8 not in (4, 5, 6):
        bad.append("PRI %d is not local3 with warning/notice/info" % pri)
    params, text = sd(m[h.end():])
    if params is None:
        bad.append("bad structured data: " + m[:120]); continue
    if text != line:
        bad.append("MSG differs at %d:\n        %s\n        %s" % (i, text, line))
    if not line.startswith(ts[:26]):
        bad.append("timestamp %s is not the line's" % ts)
    if kind == "drop":
        if params.get("prefix") != "out<&>]":
            bad.append("prefix not read back: %r" % params.get("prefix"))
        if "src" in params and params["src"] + "." not in line and params["src"] + " " not in line:
            bad.append("src %s not in the line" % params["src"])
    elif "type" not in params or "id" not in params:
        bad.append("alert without type/id: " + m[:100])
if not kinds["drop"] or not kinds["alert"]:
    bad.append("kinds seen: %r" % kinds)
if bad:
    print("\n".join("      " + b for b in bad[:10]))
    sys.exit(1)
print("      %d drops, %d alerts" % (kinds["drop"], kinds["alert"]))
PY

# --- report: one self-contained HTML file, rendered by headless Chromium ---
ctl report report -o "$NL_TMP/drops.html"
nl_eq "report exit status" 0 "$?"
ls "$NL_TMP"/drops.html.tmp.* >/dev/null 2>&1 && nl_fail "report left a temporary file"
chrome() {
	# A private profile; no network is reachable from the test anyway.
	HOME=$NL_TMP timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$NL_TMP/chromium" --no-first-run "$@" 2>>"$NL_TMP/chromium.err"
}
chrome --screenshot="$NL_TMP/drops.png" --window-size=1280,2000 "file://$NL_TMP/drops.html" \
	>/dev/null
nl_check "Chromium renders the report to a PNG" python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
w, h = struct.unpack(">II", d[16:24])
sys.exit(not (d[:8] == b"\x89PNG\r\n\x1a\n" and (w, h) == (1280, 2000) and len(d) > 20000))' \
	"$NL_TMP/drops.png"
chrome --dump-dom "file://$NL_TMP/drops.html" >"$NL_TMP/drops.dom"
nl_check "report DOM: charts, tables with the test's ports, sources and alerts" \
	python3 - "$NL_TMP/drops.dom" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.stack, self.text, self.bars = {}, [], {}, {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids[a["id"]] = tag
        self.stack.append(a.get("id"))
        if tag == "rect" and "bar" in (a.get("class") or "").split():
            owner = next((i for i in reversed(self.stack) if i and i.startswith("chart-")), None)
            self.bars[owner] = self.bars.get(owner, 0) + 1
    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)
    def handle_data(self, data):
        for i in self.stack:
            if i:
                self.text[i] = self.text.get(i, "") + data
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
bad = []
for c in ("chart-timeline", "chart-ports", "chart-sources", "chart-hours"):
    if p.ids.get(c) != "svg":
        bad.append("no svg#" + c)
    elif not p.bars.get(c):
        bad.append("svg#%s has no bars" % c)
for t in ("table-ports", "table-sources", "table-alerts"):
    if p.ids.get(t) != "table":
        bad.append("no table#" + t)
ports, srcs, alerts = (p.text.get(t, "") for t in ("table-ports", "table-sources", "table-alerts"))
for want in ("31337/tcp", "27374/tcp", "137/udp", "sub7", "netbios-ns", "SubSeven"):
    if want not in ports:
        bad.append("ports table lacks " + want)
for want in ("198.51.100.77", "198.51.100.66", "198.51.100.7", "port-scan"):
    if want not in srcs:
        bad.append("sources table lacks " + want)
for want in ("port-scan", "198.51.100.66", "noise", "closed"):
    if want not in alerts:
        bad.append("alerts table lacks " + want)
if "block4" not in p.text.get("suggested-rules", ""):
    bad.append("no suggested block in #suggested-rules")
if bad:
    print("\n".join("      " + b for b in bad))
    sys.exit(1)
PY
nl_check "report: nothing loaded from elsewhere (no http(s) URL, no script, no url())" \
	sh -c "! grep -Eiq 'https?://|<script|<link|<img|<iframe|url\\(|@import|src=' '$NL_TMP/drops.html'"
nl_check "report: packet text is escaped (the prefix never appears raw)" \
	sh -c "! grep -q 'out<&>' '$NL_TMP/drops.html'"
ctl report-since report -o "$NL_TMP/recent.html" --since 10m
nl_eq "report --since 10m exit status" 0 "$?"

# --- report --geoip: top countries and ASes, from the test files of tests/geoip ---
# The IPv4 sources are all 198.51.100.0/25 (FR, AS64497); the IPv6 scan comes from
# 2001:db8::/32 (DE, AS64499).
if [ -n "$GEO_OK" ]; then
	ctl report-geo report -o "$NL_TMP/geo.html" \
		--geoip "$NL_TMP/mm/city.mmdb" --geoip "$NL_TMP/mm/asn.mmdb"
	nl_eq "report --geoip exit status" 0 "$?"
	chrome --screenshot="$NL_TMP/geo.png" --window-size=1280,4000 "file://$NL_TMP/geo.html" \
		>/dev/null
	nl_check "Chromium renders the GeoIP report to a PNG" python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
sys.exit(not (d[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", d[16:24]) == (1280, 4000)))' \
		"$NL_TMP/geo.png"
	chrome --dump-dom "file://$NL_TMP/geo.html" >"$NL_TMP/geo.dom"
	nl_check "report --geoip DOM: country and AS charts and tables with the test's networks" \
		python3 - "$NL_TMP/geo.dom" <<'PY'
import html.parser, re, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.stack, self.text, self.bars = {}, [], {}, {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids[a["id"]] = tag
        self.stack.append(a.get("id"))
        if tag == "rect" and "bar" in (a.get("class") or "").split():
            owner = next((i for i in reversed(self.stack) if i and i.startswith("chart-")), None)
            self.bars[owner] = self.bars.get(owner, 0) + 1
    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)
    def handle_data(self, data):
        for i in self.stack:
            if i:
                self.text[i] = self.text.get(i, "") + data
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
bad = []
for sec, chart, table in (("countries", "chart-countries", "table-countries"),
                          ("asns", "chart-asns", "table-asns")):
    if p.ids.get(sec) != "section":
        bad.append("no section#" + sec)
    if p.ids.get(chart) != "svg":
        bad.append("no svg#" + chart)
    elif p.bars.get(chart) != 2:
        bad.append("svg#%s has %s bars, want 2" % (chart, p.bars.get(chart)))
    if p.ids.get(table) != "table":
        bad.append("no table#" + table)
cc, asn = p.text.get("table-countries", ""), p.text.get("table-asns", "")
for want in ("FR", "France", "DE", "Germany", "198.51.100.", "2001:db8::"):
    if want not in cc:
        bad.append("countries table lacks " + want)
for want in ("AS64497", "Société Générale", "AS64499", "Beispiel GmbH"):
    if want not in asn:
        bad.append("AS table lacks " + want)
if cc.index("FR") > cc.index("DE"):
    bad.append("FR (most drops) is not first")
for chart, want in (("chart-countries", "FR France"), ("chart-asns", "AS64497 Société Générale")):
    if want not in p.text.get(chart, ""):
        bad.append("%s lacks the label %r" % (chart, want))
if not re.search(r"\d+ of \d+ sources .* have a country", p.text.get("note-countries", "")):
    bad.append("no note of what the files knew: %r" % p.text.get("note-countries"))
if bad:
    print("\n".join("      " + b for b in bad))
    sys.exit(1)
PY
	ctl report-nogeo report -o "$NL_TMP/nogeo.html" --geoip none
	nl_check "report --geoip none: no GeoIP section" \
		sh -c "! grep -Eq 'id=\"(countries|asns)\"' '$NL_TMP/nogeo.html'"
fi

# --- pcap: what tcpdump reads is what read printed ---
ctl pcap pcap -o "$NL_TMP/drops.pcap"
nl_eq "pcap exit status" 0 "$?"
ctl read-json read --json >"$NL_TMP/read.json"
tcpdump -nn -tt --time-stamp-precision=nano -r "$NL_TMP/drops.pcap" >"$NL_TMP/tcpdump.txt" \
	2>"$NL_TMP/tcpdump.err"
nl_eq "tcpdump -r exit status" 0 "$?"
head -3 "$NL_TMP/tcpdump.txt" | sed 's/^/      /'
nl_check "tcpdump shows the drops of read: same count, time, addresses, ports, order" \
	python3 - "$NL_TMP/tcpdump.txt" "$NL_TMP/read.json" <<'PY'
import json, re, sys, datetime
pk = open(sys.argv[1]).read().splitlines()
recs = [json.loads(l) for l in open(sys.argv[2])]
drops = [r for r in recs if r["event"]["kind"] == "event"]
bad = []
if len(pk) != len(drops):
    bad.append("%d packets, %d drops" % (len(pk), len(drops)))
line = re.compile(r"^(\d+)\.(\d{9}) (IP6?) (\S+) > (\S+?): ")
def split(ep, ports):
    if not ports:
        return ep, None
    a, _, p = ep.rpartition(".")
    return a, int(p)
v6 = 0
for i, (t, d) in enumerate(zip(pk, drops)):
    m = line.match(t)
    if not m:
        bad.append("unparsed: " + t); continue
    ports = "port" in d.get("source", {})
    sa, sp = split(m.group(4), ports)
    da, dp = split(m.group(5), ports)
    ts = d["@timestamp"]
    sec = int(datetime.datetime.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")
              .replace(tzinfo=datetime.timezone.utc).timestamp())
    want = (sec, ts[20:29], d["source"]["ip"], d["source"].get("port"),
            d["destination"]["ip"], d["destination"].get("port"))
    got = (int(m.group(1)), m.group(2), sa, sp, da, dp)
    if got != want:
        bad.append("packet %d: %r != %r" % (i, got, want))
    v6 += m.group(3) == "IP6"
if not v6:
    bad.append("no IPv6 packet")
if bad:
    print("\n".join("      " + b for b in bad[:10]))
    sys.exit(1)
print("      %d packets, %d IPv6" % (len(pk), v6))
PY
ctl pcap-stdout pcap -o - >"$NL_TMP/stdout.pcap"
nl_check "pcap -o - writes the same file to stdout" cmp -s "$NL_TMP/drops.pcap" "$NL_TMP/stdout.pcap"

# --- stats --prometheus ---
ctl prom stats --prometheus >"$NL_TMP/metrics.prom"
nl_eq "stats --prometheus exit status" 0 "$?"
nl_check "promtool check metrics accepts it" sh -c "promtool check metrics <'$NL_TMP/metrics.prom' >'$NL_TMP/promtool.out' 2>&1"
sed 's/^/      /' "$NL_TMP/promtool.out"
ctl stats-json stats --json >"$NL_TMP/stats.json"
nl_check "prometheus figures are those of stats --json" python3 - "$NL_TMP/metrics.prom" \
	"$NL_TMP/stats.json" <<'PY'
import json, re, sys
stats = json.load(open(sys.argv[2]))
samples, types = {}, {}
for l in open(sys.argv[1]):
    l = l.rstrip("\n")
    if l.startswith("# TYPE "):
        _, _, name, typ = l.split(" ")
        types[name] = typ
        continue
    if l.startswith("#") or not l:
        continue
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\d+)$', l)
    if not m:
        sys.exit("unparsed: " + l)
    labels = dict(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
    samples.setdefault(m.group(1), []).append((labels, int(m.group(3))))
bad = []
def seg_value(metric, seg, **want):
    for labels, v in samples.get(metric, []):
        if labels.get("segment") == str(seg) and all(labels.get(k) == x for k, x in want.items()):
            return v
for seg in stats["segments"]:
    c = seg["counters"]
    for metric, name in (("nflogd_records_total", "recorded"), ("nflogd_received_total", "received"),
                         ("nflogd_lost_seq_total", "lost_seq"), ("nflogd_enobufs_episodes_total", "enobufs"),
                         ("nflogd_socket_drops_total", "sock_drops")):
        if seg_value(metric, seg["segment"]) != c[name]:
            bad.append("%s segment %d != %s %d" % (metric, seg["segment"], name, c[name]))
    if seg["role"] == "capture":
        for v in ("unknown", "expected", "noise", "suspicious", "hostile"):
            if seg_value("nflogd_verdict_records_total", seg["segment"], verdict=v) != c["verdict_" + v]:
                bad.append("verdict %s differs" % v)
        if seg_value("nflogd_ring_events_total", seg["segment"], event="tcp") != c["tcp"]:
            bad.append("tcp event counter differs")
scans = [v for l, v in samples.get("nflogd_alert_incidents", []) if l == {"type": "port-scan", "state": "closed"}]
if scans != [1]:
    bad.append("port-scan incidents: %r" % scans)
trojan = [v for l, v in samples.get("nflogd_category_records_total", []) if l.get("category") == "trojan"]
if not trojan or trojan[0] < 120:	# 40 SubSeven + 80 Back Orifice
    bad.append("trojan category: %r" % trojan)
for name, typ in types.items():
    if typ == "counter" and not name.endswith("_total"):
        bad.append("counter %s without _total" % name)
if bad:
    print("\n".join("      " + b for b in bad))
    sys.exit(1)
PY
ctl prom-file stats --prometheus -o "$NL_TMP/textfile.prom"
nl_check "stats --prometheus -o FILE writes the same text, no temporary file left" \
	sh -c "cmp -s '$NL_TMP/metrics.prom' '$NL_TMP/textfile.prom' && ! ls '$NL_TMP'/textfile.prom.tmp.* 2>/dev/null"

# --- bad command lines: a clear message and status 2 ---
bad_cli() {	# bad_cli WORDS...: exit 2 with a message naming nflogctl
	local out rc
	out=$("$NFLOGCTL" "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] && grep -q '^nflogctl: ' <<<"$out" && return 0
	nl_log "nflogctl $*: status $rc, said: $out"
	return 1
}
nl_check "top --interval 0" bad_cli top --ring "$RING" --interval 0
nl_check "top with an extra word" bad_cli top --ring "$RING" extra
nl_check "report without -o" bad_cli report --ring "$RING"
nl_check "report --since bad" bad_cli report --ring "$RING" -o "$NL_TMP/x.html" --since soon
nl_check "pcap -o without a file" bad_cli pcap --ring "$RING" -o
nl_check "stats --prometheus --json" bad_cli stats --prometheus --json
nl_check "read --syslog --syslog-facility kern" bad_cli read --syslog --syslog-facility kern
nl_check "read --syslog-sd-id without a PEN" bad_cli read --syslog --syslog-sd-id nflog
nl_check "read --cursor-reset without --cursor" bad_cli read --cursor-reset
out=$("$NFLOGCTL" read --ring "$RING" --syslog-socket "$NL_TMP/nobody.sock" 2>&1)
nl_eq "read --syslog to a missing socket: status 1" 1 "$?"
nl_check "  ... names the socket" grep -q "nobody.sock" <<<"$out"

nl_summary
