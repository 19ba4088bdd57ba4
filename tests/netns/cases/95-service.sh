#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 95-service.sh - nflogd as a service: the settings file drives the daemon and the command
# line wins over it; a bad file stops it with file:line; SIGHUP re-reads the file and
# local.kb without losing a record or changing the pid, and a bad file on reload keeps the
# old settings; the metrics endpoint serves Prometheus text that promtool accepts (404
# elsewhere, bounded requests); sd_notify READY=1/STOPPING=1; make install into a DESTDIR
# and make uninstall; systemd-analyze verify on the unit; mandoc -T lint on the man pages.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 python3 timeout stat make
nl_require_bins
nl_init
nl_setup_pair

nl_load_ruleset - <<'NFT'
table inet nflogd_svc {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "veth1" udp dport { 7777, 7778 } counter log prefix "svc" group 10 drop comment "svc"
	}
}
NFT

# The service user must reach the notify socket: NL_TMP is 0700.
chmod 0711 "$NL_TMP"
CONF=$NL_TMP/nflogd.conf
KB=$NL_TMP/local.kb
MPORT4=9478
MPORT6=9477

send() {	# send N UDP probes to port $2 (default 7777)
	nl_src hping3 -2 -q -c "$1" -i u2000 -p "${2:-7777}" "$TGT4" >/dev/null 2>&1
}
# fetch URL-PATH [HOST:PORT]: HTTP status and body of a GET inside the target namespace.
fetch() {
	nl_tgt python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1:9478"
try:
    r = urllib.request.urlopen("http://%s%s" % (host, sys.argv[1]), timeout=5)
    print(r.status); sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code); sys.stdout.write(e.read().decode())
except Exception as e:
    print("ERR", e)
PY
}
# kb_ids_after N: the kb ids of the drop records from the N-th on, one line, sorted unique.
kb_ids_after() {
	nl_ctl read --json --local-kb "$KB" | python3 -c '
import json, sys
ids = []
for i, line in enumerate(l for l in sys.stdin if "\"alert\"" not in l):
    if i >= int(sys.argv[1]):
        ids.append(str(json.loads(line).get("nflog", {}).get("kb", {}).get("id", "none")))
print(",".join(sorted(set(ids))))' "$1"
}

# --- a bad settings file: file:line, exit status 1, nothing started ---
expect_bad() {	# DESC PATTERN FILE-CONTENT [ARGS...]
	local desc=$1 pat=$2 rc=0
	printf '%b' "$3" >"$NL_TMP/bad.conf"
	shift 3
	timeout -k 2 10 ip netns exec "$NS_TGT" "$NFLOGD" --ring "$RING" "$@" \
		>/dev/null 2>"$NL_TMP/err" </dev/null || rc=$?
	if [ "$rc" -ne 1 ]; then
		nl_fail "$desc: exit status $rc, want 1 ($(head -c 200 "$NL_TMP/err"))"
	elif ! grep -Eq -- "$pat" "$NL_TMP/err"; then
		nl_fail "$desc: stderr does not match /$pat/: '$(head -c 300 "$NL_TMP/err")'"
	else
		nl_pass "$desc ($(head -n 1 "$NL_TMP/err"))"
	fi
}
expect_bad "unknown key" "bad.conf:3: unknown key 'ring_size'" \
	'groups = 10\n# comment\nring_size = 1M\n' --config "$NL_TMP/bad.conf"
expect_bad "bad value" "bad.conf:2: qthreshold: '0' is out of range" \
	'groups = 10\nqthreshold = 0\n' --config "$NL_TMP/bad.conf"
expect_bad "bad correlator threshold" "bad.conf:1: unknown key 'corr.scan_portz'" \
	'corr.scan_portz = 5\n' --config "$NL_TMP/bad.conf"
expect_bad "key given twice" "bad.conf:2: groups already set on line 1" \
	'groups = 10\ngroups = 11\n' --config "$NL_TMP/bad.conf"
expect_bad "missing --config file" "nope.conf: No such file" '' --config "$NL_TMP/nope.conf"
expect_bad "bad value on the command line" "^nflogd: --ring-size: '1Q'" \
	'' --config "$NL_TMP/bad.conf" --ring-size 1Q
rm -f "$RING"
nl_check "nothing created by the refused starts" [ ! -e "$RING" ]

# --- the file drives the daemon; the command line wins ---
printf 'port\t30001\tudp\t7777\tdst\tsvc-test\tapp\texpected\tlocal\tTest service\tThe first row.\n' >"$KB"
cat >"$CONF" <<EOF
# test settings
groups = 10
ring-size = 2M
local-kb = $KB
corr.scan_ports = 50
metrics-listen = [::1]:$MPORT6
log-level = info
EOF
python3 - "$NL_TMP/notify.sock" "$NL_TMP/notify.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
s.settimeout(60)
with open(sys.argv[2], "a") as log:
    try:
        while True:
            m = s.recv(4096).decode()
            log.write(m.replace("\n", " ") + "\n"); log.flush()
            if "STOPPING=1" in m:
                break
    except socket.timeout:
        pass
PY
NL_PIDS+=("$!")
for _ in $(seq 50); do [ -S "$NL_TMP/notify.sock" ] && break; sleep 0.1; done
export NOTIFY_SOCKET=$NL_TMP/notify.sock
nl_start_nflogd --config "$CONF" --ring-size 1M --metrics-listen "127.0.0.1:$MPORT4" ||
	nl_die "nflogd --config did not start"
unset NOTIFY_SOCKET
PID0=$NFLOGD_PID
nl_eq "groups from the file" 10 \
	"$(nl_ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["segments"][0]["group"])')"
# A ring file is at most --ring-size bytes: 2M from the file would not fit in 1M.
size=$(stat -c %s "$RING")
nl_check "ring-size from the command line (1M), not the file (2M): $size bytes" \
	[ "$size" -gt 0 -a "$size" -le 1048576 ]
nl_check "the rounding down of ring-size is said, with the real size ($size)" \
	grep -q "ring-size 1048576 rounded down to $size bytes" "$NFLOGD_ERR"
for _ in $(seq 20); do grep -q READY=1 "$NL_TMP/notify.log" 2>/dev/null && break; sleep 0.1; done
nl_check "sd_notify READY=1 once the threads run" grep -q "READY=1" "$NL_TMP/notify.log"

send 10
nl_wait_recorded 10 || true
nl_eq "records before the reload" 10 "$(nl_stat recorded)"
nl_eq "local.kb from the file classifies them" 30001 "$(kb_ids_after 0)"

# --- metrics: the command line's address, not the file's; promtool; 404; bounds ---
fetch /metrics >"$NL_TMP/m.out"
nl_eq "GET /metrics on 127.0.0.1:$MPORT4" 200 "$(head -n 1 "$NL_TMP/m.out")"
tail -n +2 "$NL_TMP/m.out" >"$NL_TMP/metrics.txt"
if command -v promtool >/dev/null; then
	nl_check "promtool check metrics accepts it" promtool check metrics <"$NL_TMP/metrics.txt"
else
	nl_log "  (no promtool: scripts/deps.sh installs prometheus)"
fi
nl_check "metrics show the 10 records" grep -Eq '^nflogd_received_total\{segment="0",role="capture",group="10",cpu="none"\} 10$' "$NL_TMP/metrics.txt"
nl_eq "GET /other answers 404" 404 "$(fetch /other | sed -n 1p)"
nl_check "the file's [::1]:$MPORT6 is not served" \
	sh -c "[ \"\$(ip netns exec $NS_TGT python3 -c 'import socket; s=socket.socket(socket.AF_INET6); print(s.connect_ex((\"::1\", $MPORT6)))')\" != 0 ]"
resp=$(nl_tgt python3 -c '
import socket
s = socket.create_connection(("127.0.0.1", 9478), timeout=5)
try:
    s.sendall(b"GET /metrics HTTP/1.0\r\nX: " + b"a" * 8000)
except OSError:
    pass
print(s.recv(200).split(b"\r\n")[0].decode())')
nl_eq "an endless request head is cut off" "HTTP/1.0 431 Request Header Fields Too Large" "$resp"
nl_tgt python3 -c 'import socket; s = socket.create_connection(("127.0.0.1", 9478)); import time; time.sleep(0.2)' &
nl_check "a silent client does not block the endpoint" \
	sh -c "ip netns exec $NS_TGT timeout 5 python3 -c 'import urllib.request; urllib.request.urlopen(\"http://127.0.0.1:$MPORT4/metrics\", timeout=4)'"
wait $! 2>/dev/null

# --- SIGHUP: a bad file is reported and changes nothing ---
cp "$CONF" "$NL_TMP/good.conf"
printf 'groups = 10\nlog-level = loud\n' >"$CONF"
kill -HUP "$NFLOGD_PID"
for _ in $(seq 30); do grep -q "reload:" "$NFLOGD_ERR" && break; sleep 0.1; done
nl_check "bad file on reload: file:line, old settings kept" \
	grep -q "reload: $CONF:2: log-level: 'loud'.*keeping the old settings" "$NFLOGD_ERR"
send 5 7778
nl_wait_recorded 15 || true
nl_eq "records still flow after the refused reload" 15 "$(nl_stat recorded)"

# --- SIGHUP: a new local.kb row, a new log level, a group change that needs a restart ---
printf 'port\t30002\tudp\t7778\tdst\tsvc-new\tapp\tsuspicious\tlocal\tNew row\tAdded before the reload.\n' >>"$KB"
sed -e 's/^groups = 10$/groups = 11/' -e 's/^log-level = info$/log-level = debug/' \
	"$NL_TMP/good.conf" >"$CONF"
kill -HUP "$NFLOGD_PID"
for _ in $(seq 30); do grep -q "reload: $CONF read" "$NFLOGD_ERR" && break; sleep 0.1; done
nl_check "reload applied" grep -q "reload: $CONF read, log level 7" "$NFLOGD_ERR"
nl_check "groups change: needs a restart, kept" \
	grep -q "reload: groups changed (10 -> 11): needs a restart; keeping 10" "$NFLOGD_ERR"
send 5 7778
nl_wait_recorded 20 || true
nl_eq "pid unchanged by the reloads" "$PID0" "$NFLOGD_PID"
nl_check "daemon still running" kill -0 "$NFLOGD_PID"
nl_check "reload says the new local.kb applies" grep -q "reload: local kb $KB applied" "$NFLOGD_ERR"
nl_eq "packets after the reload use the new local.kb row" 30002 "$(kb_ids_after 15)"
fetch /metrics | grep -E '^nflogd_reload(s|_errors)_total ' >"$NL_TMP/reloads"
nl_eq "metrics count the reloads" "nflogd_reloads_total 1 nflogd_reload_errors_total 1" \
	"$(tr '\n' ' ' <"$NL_TMP/reloads" | sed 's/ $//')"

nl_stop_nflogd; rc=$?
nl_eq "clean stop" 0 "$rc"
nl_eq "nothing lost: records = nft counter" "$(nl_nft_counter svc)" "$(nl_stat recorded)"
for _ in $(seq 20); do grep -q STOPPING=1 "$NL_TMP/notify.log" 2>/dev/null && break; sleep 0.1; done
nl_check "sd_notify STOPPING=1 at the stop" grep -q "STOPPING=1" "$NL_TMP/notify.log"

# --- make install into a DESTDIR, then make uninstall ---
DEST=$NL_TMP/dest
# PROGS= : install what $NFLOGD_BUILD holds, never rebuild it here.
mk() { make -s -C "$NL_ROOT" "$@" DESTDIR="$DEST" PREFIX=/usr/local BUILD="$NFLOGD_BUILD" PROGS= ; }
mk install >"$NL_TMP/install.log" 2>&1 || nl_fail "make install failed: $(tail -n 3 "$NL_TMP/install.log")"
missing=
for f in usr/local/sbin/nflogd usr/local/bin/nflogctl usr/local/share/man/man8/nflogd.8 \
	usr/local/share/man/man8/nflogctl.8 usr/local/share/man/man5/nflogd.conf.5 \
	usr/local/share/nflogd/kb/ports.tsv usr/local/share/nflogd/kb/README.md \
	usr/local/share/nflogd/nft/nflogd-drop.nft etc/nflogd/nflogd.conf etc/nflogd/nflogctl.conf \
	usr/local/lib/systemd/system/nflogd.service usr/local/lib/systemd/system/nflogd-rules.service \
	usr/local/lib/sysusers.d/nflogd.conf usr/local/lib/tmpfiles.d/nflogd.conf \
	usr/local/share/bash-completion/completions/nflogd \
	usr/local/share/bash-completion/completions/nflogctl; do
	[ -f "$DEST/$f" ] || missing="$missing $f"
done
nl_eq "installed tree complete" "" "$missing"
nl_check "state directory 0750" [ "$(stat -c %a "$DEST/var/lib/nflogd" 2>/dev/null)" = 750 ]
nl_check "no user created with DESTDIR (said so)" grep -q "DESTDIR set: not creating" "$NL_TMP/install.log"
for c in nflogd nflogctl; do
	nl_check "bash completion for $c loads and completes" bash -c \
		'. "$1" && COMP_WORDS=("$2" --ver) COMP_CWORD=1 && "_$2" && [ "${COMPREPLY[*]}" = --version ]' \
		sh "$DEST/usr/local/share/bash-completion/completions/$c" "$c"
done
nl_check "unit names the installed binary" \
	grep -q '^ExecStart=/usr/local/sbin/nflogd ' "$DEST/usr/local/lib/systemd/system/nflogd.service"
echo "# edited" >>"$DEST/etc/nflogd/nflogd.conf"
mk install >"$NL_TMP/install2.log" 2>&1
nl_check "a second install keeps an edited settings file" grep -q "# edited" "$DEST/etc/nflogd/nflogd.conf"
if command -v systemd-analyze >/dev/null; then
	# verify wants the binary at its final path: check a copy that points into DESTDIR.
	sed "s|^ExecStart=/usr/local|ExecStart=$DEST/usr/local|" \
		"$DEST/usr/local/lib/systemd/system/nflogd.service" >"$NL_TMP/nflogd.service"
	out=$(systemd-analyze verify --man=no "$NL_TMP/nflogd.service" 2>&1); rc=$?
	nl_eq "systemd-analyze verify: no complaint" "0:" "$rc:$out"
else
	nl_log "  (no systemd-analyze: scripts/deps.sh installs systemd)"
fi
mk uninstall >"$NL_TMP/uninstall.log" 2>&1 || nl_fail "make uninstall failed"
left=$(cd "$DEST" && find . -type f | sort | tr '\n' ' ')
nl_eq "uninstall leaves only the settings files" \
	"./etc/nflogd/nflogctl.conf ./etc/nflogd/nflogd.conf " "$left"
mk uninstall PURGE=1 >/dev/null 2>&1
nl_eq "uninstall PURGE=1 removes it and the state directory" "" \
	"$(cd "$DEST" && find . \( -type f -o -path ./var/lib/nflogd \) | tr '\n' ' ')"

# --- the man pages ---
if command -v mandoc >/dev/null; then
	for m in doc/nflogd.8 doc/nflogctl.8 doc/nflogd.conf.5; do
		out=$(mandoc -T lint -W warning "$NL_ROOT/$m" 2>&1); rc=$?
		nl_eq "mandoc -T lint $m" "0:" "$rc:$out"
	done
else
	nl_log "  (no mandoc: scripts/deps.sh installs it)"
fi

nl_summary
