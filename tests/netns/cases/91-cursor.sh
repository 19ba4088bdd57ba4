#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 91-cursor.sh - exactly-once shipping with `nflogctl read -f --cursor FILE --json`: the real
# daemon, real `log group` drops, the reader killed with SIGKILL and the daemon stopped
# (SIGTERM) and restarted on the same ring between batches of probes.
#
#   - every drop the ring recorded appears in the shipped JSON Lines exactly once, keyed
#     by (nflog.group, event.sequence), across both kinds of restart;
#   - a reader that stays away while the ring (64 records a segment) wraps reports the
#     records it lost: "skipped N" on stderr and one {"event":{"action":"skipped"},
#     "nflog":{"skipped":N}} line in the output, N exactly the overwritten positions, and
#     the shipped sequences are then [0, cursor) and [head - 64, head), nothing else;
#   - a corrupt cursor and one of another ring are refused (status 1, a reason), and
#     --cursor-reset -n 5 starts over with the last 5;
#   - --syslog --syslog-journal-socket sends journald-native datagrams whose MESSAGE is
#     the line `read --json` prints, with SYSLOG_IDENTIFIER and NFLOG_* fields;
#   - with rsyslogd installed: a real rsyslog's imuxsock with its default parser reads
#     syslog(3)'s form (what /dev/log gets without journald) with program name, pid and
#     MSG intact, and one with useSpecialParser="off" reads the RFC 5424 form with host
#     name, MSGID and structured data intact;
#   - with systemd-journald installed: a real journald (own mount namespace, tmpfs /run)
#     gets `read --syslog` on the default path, and journalctl shows MESSAGE = the JSON
#     line with NFLOG_SEQ, NFLOG_GROUP and NFLOG_HOST_ID.
# Kills happen when the reader has caught up (between batches), which is where the
# cursor is exact; the checks are counts and sets, never times.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 python3
nl_require_bins
nl_init
export NFLOGCTL_GEOIP_DIRS=
nl_setup_pair

GROUP=10
SIZE=68K	# 4096 + 2 * 16384 + 2 * 64 * 256: 64 records per segment
CUR=$NL_TMP/ship.cursor
OUT=$NL_TMP/ship.json
nl_load_ruleset - <<NFT
table inet nflogd_cursor {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$IF_TGT" udp dport 9 counter log group $GROUP drop comment "nflog"
	}
}
NFT
nl_start_nflogd -g $GROUP --ring-size $SIZE || exit 1

probes() { nl_src hping3 -q -2 -p 9 -c "$1" -i u3000 -a 198.51.100.20 "$TGT4" >/dev/null 2>&1; }
drops() { grep -c '"action":"dropped"' "$OUT" 2>/dev/null || echo 0; }
head0() { nl_ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["segments"][0]["head"])'; }
# wait_drops N: until the shipped file holds N drops (and for the cursor to be saved).
wait_drops() {
	local i
	for i in $(seq 100); do
		[ "$(drops)" -ge "$1" ] && { sleep 1.2; return 0; }
		sleep 0.1
	done
	nl_log "only $(drops) of $1 drops shipped"
	return 1
}
READER=
start_reader() {
	"$NFLOGCTL" read --ring "$RING" -f --cursor "$CUR" --json "$@" >>"$OUT" \
		2>>"$NL_TMP/reader.err" &
	READER=$!
	NL_PIDS+=("$READER")
}

# --- 1: ship 20, then 10 more while following; SIGKILL the reader ---
probes 20
nl_wait_recorded 20 || nl_fail "first 20 not recorded"
start_reader
wait_drops 20 || nl_fail "reader did not ship the first 20"
probes 10
nl_wait_recorded 30 || nl_fail "next 10 not recorded"
wait_drops 30 || nl_fail "reader did not ship 30"
kill -KILL "$READER"
nl_wait_pid "$READER" 5
nl_check "cursor file written" test -s "$CUR"

# --- 2: 10 more while nobody reads; the daemon restarts on the same ring; 10 more ---
probes 10
nl_wait_recorded 40 || nl_fail "10 more not recorded"
nl_stop_nflogd
nl_eq "nflogd exit status (SIGTERM)" 0 "$?"
nl_start_nflogd -g $GROUP --ring-size $SIZE || exit 1
h=$(head0)
nl_check "the daemon continued the ring (head $h, not 0)" test "$h" -ge 40
probes 10
for i in $(seq 50); do [ "$(head0)" -ge 50 ] && break; sleep 0.1; done
start_reader
wait_drops 50 || nl_fail "restarted reader did not catch up to 50"
kill -TERM "$READER"
nl_wait_pid "$READER" 5
nl_eq "reader exit status (SIGTERM)" 0 "$NL_RC"
next=$(sed -n 's/^seg 0 [0-9]* [0-9]* //p' "$CUR")
nl_eq "cursor of segment 0 after 50 drops" 50 "$next"

# --- 3: the ring wraps while the reader is away: 64 + 30 more ---
probes 94
for i in $(seq 100); do [ "$(head0)" -ge 144 ] && break; sleep 0.1; done
head=$(head0)
want_skip=$((head - 64 - next))
nl_check_sanitizer "$NL_TMP/reader.err"	# the two following runs
: >"$NL_TMP/reader.err"
"$NFLOGCTL" read --ring "$RING" --cursor "$CUR" --json >>"$OUT" 2>>"$NL_TMP/reader.err"
nl_eq "read --cursor after the wrap: exit status" 0 "$?"
nl_check "stderr says how many were skipped ($want_skip)" \
	grep -q "skipped $want_skip records of segment 0" "$NL_TMP/reader.err"
nl_check_sanitizer "$NL_TMP/reader.err"

nl_check "every drop exactly once; the skip reported with its count" \
	python3 - "$OUT" "$head" "$next" "$want_skip" <<'PY'
import json, sys
out, head, nxt, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
seen, dup, skipped, bad = set(), [], [], []
for n, line in enumerate(open(out, encoding="utf-8"), 1):
    try:
        o = json.loads(line)
    except ValueError:
        bad.append("line %d not JSON: %r" % (n, line[:80])); continue
    ev = o.get("event", {})
    if ev.get("action") == "skipped":
        skipped.append(o); continue
    if ev.get("action") != "dropped":
        continue
    key = (o["nflog"]["group"], ev["sequence"])
    if key in seen:
        dup.append(key)
    else:
        seen.add(key)
seqs = sorted(s for g, s in seen if g == 10)
expect = list(range(0, nxt)) + list(range(head - 64, head))
if dup:
    bad.append("duplicates: %r" % dup[:10])
if seqs != expect:
    missing = sorted(set(expect) - set(seqs)); extra = sorted(set(seqs) - set(expect))
    bad.append("missing %r extra %r" % (missing[:10], extra[:10]))
sk = [s for s in skipped if s["nflog"]["group"] == 10]
if len(sk) != 1 or sk[0]["nflog"]["skipped"] != want or sk[0]["event"]["kind"] != "event":
    bad.append("skip records: %r (want one of %d)" % (sk, want))
if bad:
    print("\n".join("      " + b for b in bad)); sys.exit(1)
print("      %d drops once each, %d skipped and reported" % (len(seqs), want))
PY

# --- 4: refusals and --cursor-reset ---
cp "$CUR" "$NL_TMP/good.cursor"
echo junk >>"$CUR"
out=$("$NFLOGCTL" read --ring "$RING" --cursor "$CUR" 2>&1 >/dev/null)
nl_eq "corrupt cursor: status 1" 1 "$?"
nl_check "  ... says why" grep -q "refusing the cursor.*bytes after the checksum" <<<"$out"
n=$("$NFLOGCTL" read --ring "$RING" --cursor "$CUR" --cursor-reset -n 5 | wc -l)
nl_eq "--cursor-reset -n 5: the last 5" 5 "$n"
n=$("$NFLOGCTL" read --ring "$RING" --cursor "$CUR" | wc -l)
nl_eq "then nothing new" 0 "$n"
nl_stop_nflogd
nl_start_nflogd -g $GROUP --ring-size 132K || exit 1	# another geometry: a new ring
out=$("$NFLOGCTL" read --ring "$RING" --cursor "$NL_TMP/good.cursor" 2>&1 >/dev/null)
nl_eq "cursor of another ring: status 1" 1 "$?"
nl_check "  ... says why" grep -q "another ring" <<<"$out"

# --- 5: journald's native protocol to a socket of ours ---
probes 3
nl_wait_recorded 3 || nl_fail "journal probes not recorded"
nl_ctl read --json -n 3 >"$NL_TMP/last3.json"
python3 - "$NL_TMP/journal.sock" "$NL_TMP/journal.msgs" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
out = open(sys.argv[2], "wb", buffering=0)
idle = time.time()
while time.time() - idle < 5:
    try:
        m = s.recv(65536)
    except socket.timeout:
        continue
    idle = time.time()
    out.write(len(m).to_bytes(4, "little") + m)
PY
NL_PIDS+=("$!")
for i in $(seq 50); do [ -S "$NL_TMP/journal.sock" ] && break; sleep 0.1; done
"$NFLOGCTL" read --ring "$RING" --syslog --syslog-journal-socket "$NL_TMP/journal.sock" --json -n 3 \
	2>"$NL_TMP/journal.err"
nl_eq "read --syslog --syslog-journal-socket: exit status" 0 "$?"
nl_check_sanitizer "$NL_TMP/journal.err"
sleep 0.5
nl_check "journal datagrams: MESSAGE is the read --json line, fields named" \
	python3 - "$NL_TMP/journal.msgs" "$NL_TMP/last3.json" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
msgs, i = [], 0
while i < len(data):
    n = int.from_bytes(data[i:i + 4], "little"); m = data[i + 4:i + 4 + n]; i += 4 + n
    f, p = {}, 0
    while p < len(m):
        nl = m.index(b"\n", p); line = m[p:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1); f[k.decode()] = v.decode(); p = nl + 1
        else:
            ln = struct.unpack("<Q", m[nl + 1:nl + 9])[0]
            f[line.decode()] = m[nl + 9:nl + 9 + ln].decode(); p = nl + 10 + ln
    msgs.append(f)
bad = []
if [f.get("MESSAGE") for f in msgs] != lines:
    bad.append("MESSAGE fields differ from read --json: %r" % [f.get("MESSAGE", "")[:60] for f in msgs])
for f in msgs:
    for k in ("SYSLOG_IDENTIFIER", "PRIORITY", "SYSLOG_FACILITY", "NFLOG_KIND", "NFLOG_GROUP", "NFLOG_SEQ"):
        if k not in f:
            bad.append("no %s" % k)
    if f.get("SYSLOG_IDENTIFIER") != "nflogctl":
        bad.append("SYSLOG_IDENTIFIER %r" % f.get("SYSLOG_IDENTIFIER"))
try:
    mid = open("/etc/machine-id").read().strip()
    if len(mid) == 32 and any(f.get("NFLOG_HOST_ID") != mid for f in msgs):
        bad.append("NFLOG_HOST_ID is not /etc/machine-id")
except OSError:
    pass
if bad:
    print("\n".join("      " + b for b in bad[:10])); sys.exit(1)
print("      %d datagrams" % len(msgs))
PY

# --- 6 (when rsyslogd is installed): what a real rsyslog makes of the two socket forms ---
# An imuxsock input with its defaults (the "special parser" of the system socket) gets
# syslog(3)'s form (--syslog-format local, what /dev/log gets without journald); one with
# useSpecialParser="off" parseHostname="on" gets RFC 5424 (--syslog-socket alone).
if command -v rsyslogd >/dev/null 2>&1; then
	RS=$NL_TMP/rsyslog
	mkdir -p "$RS"
	cat >"$RS/rsyslog.conf" <<RSC
global(workDirectory="$RS")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" socket="$RS/local.sock" ruleset="local")
input(type="imuxsock" socket="$RS/5424.sock" ruleset="rfc5424" useSpecialParser="off"
      parseHostname="on")
template(name="fields" type="list") {
	property(name="programname") constant(value="|") property(name="procid")
	constant(value="|") property(name="hostname") constant(value="|")
	property(name="msgid") constant(value="|") property(name="structured-data")
	constant(value="|") property(name="msg" droplastlf="on") constant(value="\n")
}
ruleset(name="local") { action(type="omfile" file="$RS/local.out" template="fields") }
ruleset(name="rfc5424") { action(type="omfile" file="$RS/5424.out" template="fields") }
RSC
	rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/pid" 2>"$RS/err" &
	NL_PIDS+=("$!")
	for i in $(seq 50); do [ -S "$RS/local.sock" ] && [ -S "$RS/5424.sock" ] && break; sleep 0.1; done
	"$NFLOGCTL" read --ring "$RING" --syslog --syslog-socket "$RS/local.sock" \
		--syslog-format local --json -n 3 2>>"$NL_TMP/journal.err"
	nl_eq "read --syslog --syslog-format local: exit status" 0 "$?"
	"$NFLOGCTL" read --ring "$RING" --syslog --syslog-socket "$RS/5424.sock" --json -n 3 \
		2>>"$NL_TMP/journal.err"
	nl_eq "read --syslog --syslog-socket (RFC 5424): exit status" 0 "$?"
	for i in $(seq 50); do
		[ "$(cat "$RS/local.out" "$RS/5424.out" 2>/dev/null | wc -l)" -ge 6 ] && break
		sleep 0.1
	done
	nl_check "rsyslog parsed both forms intact: program, pid, host, MSG = the JSON line" \
		python3 - "$RS/local.out" "$RS/5424.out" "$NL_TMP/last3.json" "$(hostname)" <<'PY'
import sys
local = open(sys.argv[1], encoding="utf-8").read().splitlines()
r5424 = open(sys.argv[2], encoding="utf-8").read().splitlines()
lines = open(sys.argv[3], encoding="utf-8").read().splitlines()
host, bad = sys.argv[4], []
for name, got, sd in (("local", local, False), ("rfc5424", r5424, True)):
    if len(got) != len(lines):
        bad.append("%s: %d messages for %d lines" % (name, len(got), len(lines))); continue
    for g, want in zip(got, lines):
        prog, pid, h, msgid, sdata, msg = g.split("|", 5)
        if prog != "nflogctl" or not pid.isdigit():
            bad.append("%s: program %r pid %r" % (name, prog, pid))
        if msg.lstrip(" ") != want:
            bad.append("%s: MSG %r" % (name, msg[:80]))
        if sd and (h != host or msgid != "drop" or not sdata.startswith("[nflog@32473 group=")):
            bad.append("%s: host %r msgid %r sd %r" % (name, h, msgid, sdata[:40]))
if bad:
    print("\n".join("      " + b for b in bad[:10])); sys.exit(1)
print("      %d + %d messages" % (len(local), len(r5424)))
PY
else
	nl_log "no rsyslogd: the rsyslog parse check is skipped"
fi

# --- 7 (when systemd-journald is installed): the default path on a systemd host ---
# A real journald in a mount namespace of its own (a tmpfs over /run, so the host's /run
# is neither seen nor touched): `read --syslog` with no socket option finds
# /run/systemd/journal/socket and sends native fields, which journalctl reads back.
JOURNALD=/lib/systemd/systemd-journald
if [ -x "$JOURNALD" ] && command -v journalctl >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1; then
	cat >"$NL_TMP/journal.sh" <<JSH
set -u
mount -t tmpfs tmpfs /run || exit 1
mkdir -p /run/systemd/journal /run/log/journal
"$JOURNALD" >"$NL_TMP/journald.out" 2>&1 &
jp=\$!
trap 'kill \$jp 2>/dev/null; wait \$jp 2>/dev/null' EXIT
for i in \$(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
"$NFLOGCTL" read --ring "$RING" --syslog --json -n 3 2>>"$NL_TMP/journal.err" || exit 2
for i in \$(seq 50); do
	[ "\$(journalctl -D /run/log/journal -t nflogctl -o json --no-pager 2>/dev/null | wc -l)" -ge 3 ] && break
	sleep 0.1
done
journalctl -D /run/log/journal -t nflogctl -o json --no-pager >"$NL_TMP/journal.json"
JSH
	timeout 60 unshare -m --propagation private bash "$NL_TMP/journal.sh"
	nl_eq "read --syslog to a real journald (default path): status" 0 "$?"
	nl_check "journalctl shows the records: MESSAGE = the JSON line, NFLOG_* fields" \
		python3 - "$NL_TMP/journal.json" "$NL_TMP/last3.json" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
bad = []
if [g.get("MESSAGE") for g in got] != lines:
    bad.append("MESSAGE differs: %r" % [str(g.get("MESSAGE"))[:60] for g in got])
for g, line in zip(got, lines):
    rec = json.loads(line)
    if g.get("_TRANSPORT") != "journal" or g.get("SYSLOG_IDENTIFIER") != "nflogctl":
        bad.append("transport %r identifier %r" % (g.get("_TRANSPORT"), g.get("SYSLOG_IDENTIFIER")))
    if g.get("NFLOG_SEQ") != str(rec["event"]["sequence"]) or g.get("NFLOG_GROUP") != str(rec["nflog"]["group"]):
        bad.append("NFLOG_SEQ/GROUP %r/%r" % (g.get("NFLOG_SEQ"), g.get("NFLOG_GROUP")))
    if g.get("_MACHINE_ID") and g.get("NFLOG_HOST_ID") not in (None, g["_MACHINE_ID"]):
        bad.append("NFLOG_HOST_ID %r is not _MACHINE_ID" % g.get("NFLOG_HOST_ID"))
if bad:
    print("\n".join("      " + b for b in bad[:10])); sys.exit(1)
print("      %d journal entries" % len(got))
PY
	nl_check_sanitizer "$NL_TMP/journal.err"
else
	nl_log "no systemd-journald: the journald check is skipped"
fi

nl_stop_nflogd
nl_eq "nflogd exit status" 0 "$?"
nl_summary
