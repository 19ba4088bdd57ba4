#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - make check-fleet: three firewall hosts ship their drops and alerts through real rsyslogd instances to a collector, and a real Prometheus scrapes them.
#
#   NFLOGD_BUILD=build tests/fleet/run.sh
#
# Topology (every address a documentation one, every namespace made and removed here):
#
#   ns inet (probes)            ns fwN, N = 1..3 (own UTS name fwN)         ns col
#   wN 192.0.2.(4N+2)/30 <----> wan 192.0.2.(4N+1)/30
#                               nft: iifname wan -> log group 10+N, drop
#                               nflogd -g 10+N, ring, --metrics-listen mgmt:9477
#                               shipper: nflogctl read -f --cursor --syslog --json -> ship.sock
#                               rsyslogd (scripts/rsyslog/nflogd-ship.conf)
#                               mgmt 198.51.100.(4N+1)/30 <---------------> hN 198.51.100.(4N+2)/30
#                                                                           rsyslogd (nflogd-collector.conf)
#                                                                           prometheus (scripts/prometheus)
#
# Probes go to all three hosts (a UDP stream from many sources each, and one port scan
# from one source across the three); the collector is killed with SIGKILL while they
# flow and started again; fw2's shipper is stopped (SIGTERM) and started again on its
# cursor while they flow too. At the end every drop and alert each ring holds must be in the
# collector's file for that host exactly once, keyed by (host, kind, group, sequence,
# @timestamp), and Prometheus's sum of nflogd_records_total over the three daemons must
# equal the sum of `nflogctl stats` over the three rings. The last line:
#   fleet: hosts=3 recorded=N collected=N missing=0 duplicates=0 prometheus_sum=N
# The shipped rule files are checked first (promtool check config/rules, test rules).
# FLEET_KILLS and FLEET_PPS (below) turn it into the measurement in doc/BENCHMARKS.md;
# FLEET_HOST_RESTART=1 also restarts fw3's rsyslogd mid-stream (known to lose records).

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"
nl_require_root
nl_require_cmd ip nft nmap python3 rsyslogd ss prometheus promtool unshare
nl_require_bins
PKTGEN=$NFLOGD_BUILD/pktgen
[ -x "$PKTGEN" ] || nl_skip "no $PKTGEN (make $PKTGEN)"
for m in imrelp omrelp imuxsock; do
	ls /usr/lib/*/rsyslog/$m.so >/dev/null 2>&1 || nl_skip "no rsyslog module $m (scripts/deps.sh fleet)"
done
NL_TMP_NAME=nflogd-fleet nl_init

RSYSLOG_DIR=$NL_ROOT/scripts/rsyslog
PROM_DIR=$NL_ROOT/scripts/prometheus
HOSTS="1 2 3"
NS_INET=nfl-inet-$$
NS_COL=nfl-col-$$
SCANNER=203.0.113.66
# FLEET_KILLS=K kills and restarts the collector K times (default once), 1.5 s apart, and
# FLEET_PPS=R streams R packets a second to each host (default 400), the streams long
# enough for the kills: a measurement of RELP's retransmissions, for doc/shipping.md
# ("Duplicates"), not something make check-fleet needs.
KILLS=${FLEET_KILLS:-1}
FLOOD_PPS=${FLEET_PPS:-400}
case $KILLS$FLOOD_PPS in
*[!0-9]*) nl_die "FLEET_KILLS and FLEET_PPS must be numbers" ;;
esac
if [ "$KILLS" -lt 1 ] || [ "$FLOOD_PPS" -lt 100 ] || [ "$FLOOD_PPS" -gt 20000 ]; then
	nl_die "FLEET_KILLS must be at least 1, FLEET_PPS from 100 to 20000"
fi
# Per host, from 40 forged sources: 7.5 s, and 2.5 s more for each further kill.
FLOOD_PKTS=$((FLOOD_PPS * (15 + (KILLS - 1) * 5) / 2))
PROM_ADDR=127.0.0.1:9090	# loopback of the collector's own namespace
COL_PID=
PROM_PID=

fw_ns() { echo "nfl-fw$1-$$"; }
fw_wan() { echo "192.0.2.$((4 * $1 + 1))"; }
fw_mgmt() { echo "198.51.100.$((4 * $1 + 1))"; }
col_addr() { echo "198.51.100.$((4 * $1 + 2))"; }
fw_dir() { echo "$NL_TMP/fw$1"; }
# fw_spawn N CMD... &: CMD on host N, in its network namespace with its own host name
# (the one its records are filed under). Only as a background job: it execs all the way
# down, so that $! is CMD's own pid (what the cleanup stops).
fw_spawn() {
	local n=$1
	shift
	exec ip netns exec "$(fw_ns "$n")" unshare --uts -- \
		sh -c 'hostname "$0" || exit 1; exec "$@"' "fw$n" "$@"
}
# fw_run N CMD...: the same, in the foreground.
fw_run() {
	local n=$1
	shift
	ip netns exec "$(fw_ns "$n")" unshare --uts -- \
		sh -c 'hostname "$0" || exit 1; exec "$@"' "fw$n" "$@"
}
col_exec() { ip netns exec "$NS_COL" "$@"; }

# The shipper of host N: nflogctl follows the ring from its cursor (a new one starts at
# the oldest record) and every record becomes one RFC 5424 message whose MSG is the
# record's JSON line, on the socket host N's rsyslogd reads (nflogd-ship.conf).
ship_start() {
	local n=$1 d
	d=$(fw_dir "$n")
	fw_spawn "$n" "$NFLOGCTL" read -f --cursor "$d/ship.cursor" --syslog --json \
		--syslog-socket "$d/ship.sock" --ring "$d/drops.ring" 2>>"$d/ship.err" &
	SHIP_PIDS[$n]=$!
	NL_PIDS+=("$!")
}

phase() { echo "--- $1 (${SECONDS} s)"; }
SECONDS=0

# --- the shipped Prometheus files, checked by promtool ---
phase "promtool"
nl_check "promtool check config scripts/prometheus/prometheus.yml" \
	promtool check config "$PROM_DIR/prometheus.yml"
nl_check "promtool check rules scripts/prometheus/nflogd-rules.yml" \
	promtool check rules "$PROM_DIR/nflogd-rules.yml"
nl_check "promtool test rules scripts/prometheus/nflogd-rules.test.yml" \
	sh -c 'cd "$1" && promtool test rules nflogd-rules.test.yml' sh "$PROM_DIR"

# --- the network ---
phase "setup"
nl_netns_add "$NS_INET"
nl_netns_add "$NS_COL"
ip netns exec "$NS_INET" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null
ip netns exec "$NS_COL" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null
ip -n "$NS_INET" addr add "$SCANNER/32" dev lo
for n in $HOSTS; do
	ns=$(fw_ns "$n")
	nl_netns_add "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 >/dev/null
	ip link add wan netns "$ns" type veth peer name "w$n" netns "$NS_INET" ||
		nl_die "cannot create veth wan/w$n"
	ip link add mgmt netns "$ns" type veth peer name "h$n" netns "$NS_COL" ||
		nl_die "cannot create veth mgmt/h$n"
	ip -n "$ns" addr add "$(fw_wan "$n")/30" dev wan
	ip -n "$ns" addr add "$(fw_mgmt "$n")/30" dev mgmt
	ip -n "$NS_INET" addr add "192.0.2.$((4 * n + 2))/30" dev "w$n"
	ip -n "$NS_COL" addr add "$(col_addr "$n")/30" dev "h$n"
	ip -n "$ns" link set wan up
	ip -n "$ns" link set mgmt up
	ip -n "$NS_INET" link set "w$n" up
	ip -n "$NS_COL" link set "h$n" up
	ip -n "$ns" route add default via "192.0.2.$((4 * n + 2))" dev wan
	# Everything that comes in from the outside is logged to this host's group, dropped.
	ip netns exec "$ns" nft -f - <<NFT || nl_die "nft -f failed on fw$n"
table inet fleet {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "wan" counter log prefix "fleet-drop" group $((10 + n)) drop comment "nflog"
	}
}
NFT
	mkdir -p "$(fw_dir "$n")/work"
done
mkdir -p "$NL_TMP/col/work" "$NL_TMP/col/out" "$NL_TMP/prom/data"

# --- the daemons and their rsyslogd ---
# wait_for DESC SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local desc=$1 end=$((SECONDS + $2))
	shift 2
	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			nl_log "timed out waiting for $desc"
			return 1
		fi
		sleep 0.1
	done
}
is_ready() { grep -q ready "$1" 2>/dev/null; }

# rsyslog_conf DIR SNIPPET SED...: DIR/rsyslog.conf, an instance of its own (work
# directory, no /dev/log, its own messages to DIR/rsyslogd.log) that includes the shipped
# SNIPPET with the site values replaced (sed expressions). rsyslogd's own messages
# (processInternalMessages: not to a system syslog) go to DIR/rsyslogd.log.
rsyslog_conf() {
	local dir=$1 snip=$2
	shift 2
	sed "$@" "$RSYSLOG_DIR/$snip" >"$dir/$snip" || return 1
	cat >"$dir/rsyslog.conf" <<CONF
global(workDirectory="$dir/work" processInternalMessages="on")
module(load="imuxsock" SysSock.Use="off")
include(file="$dir/$snip")
*.* action(type="omfile" file="$dir/rsyslogd.log")
CONF
	rsyslogd -N1 -f "$dir/rsyslog.conf" >"$dir/check.log" 2>&1 ||
		{ sed 's/^/  | /' "$dir/check.log" >&2; return 1; }
}

col_start() {
	ip netns exec "$NS_COL" rsyslogd -n -f "$NL_TMP/col/rsyslog.conf" -i "$NL_TMP/col/rsyslogd.pid" \
		2>>"$NL_TMP/col/stderr" &
	COL_PID=$!
	NL_PIDS+=("$COL_PID")
	wait_for "the collector's RELP port" 10 col_listening
}
col_listening() { col_exec ss -Hltn 'sport = :2514' | grep -q LISTEN; }

rsyslog_conf "$NL_TMP/col" nflogd-collector.conf -e "s|/var/log/nflogd|$NL_TMP/col/out|" ||
	nl_die "collector config does not pass rsyslogd -N1"
nl_pass "collector config passes rsyslogd -N1"
col_start || nl_die "collector did not start"

declare -A NFLOGD_PIDS SHIP_PIDS RSYS_PIDS
rsys_start() {
	local d
	d=$(fw_dir "$1")
	fw_spawn "$1" rsyslogd -n -f "$d/rsyslog.conf" -i "$d/rsyslogd.pid" 2>>"$d/rsyslogd.err" &
	RSYS_PIDS[$1]=$!
	NL_PIDS+=("$!")
}
for n in $HOSTS; do
	d=$(fw_dir "$n")
	rsyslog_conf "$d" nflogd-ship.conf -e "s|collector\.example\.net|$(col_addr "$n")|" \
		-e "s|/run/nflogd-ship/ship.sock|$d/ship.sock|" ||
		nl_die "fw$n config does not pass rsyslogd -N1"
	rsys_start "$n"
	fw_spawn "$n" "$NFLOGD" --ring "$d/drops.ring" -g $((10 + n)) \
		--metrics-listen "$(fw_mgmt "$n"):9477" 2>"$d/nflogd.err" &
	NFLOGD_PIDS[$n]=$!
	NL_PIDS+=("$!")
done
for n in $HOSTS; do
	d=$(fw_dir "$n")
	wait_for "nflogd on fw$n" 10 is_ready "$d/nflogd.err" ||
		{ sed 's/^/  | /' "$d/nflogd.err" >&2; nl_die "nflogd on fw$n did not start"; }
	wait_for "fw$n's rsyslogd socket" 10 test -S "$d/ship.sock" ||
		{ cat "$d/rsyslogd.err" "$d/rsyslogd.log" >&2; nl_die "rsyslogd on fw$n did not start"; }
	ship_start "$n"
done
nl_pass "ship config passes rsyslogd -N1; 3 nflogd, 3 shippers, 4 rsyslogd running"

# Prometheus in the collector's namespace, from the shipped files: the targets are the
# three management addresses, the intervals 1 s instead of 15 s.
sed -e 's/15s/1s/g' "$PROM_DIR/prometheus.yml" >"$NL_TMP/prom/prometheus.yml"
for n in $HOSTS; do
	sed -i "s|fw$n\.example\.net:9477|$(fw_mgmt "$n"):9477|" "$NL_TMP/prom/prometheus.yml"
done
cp "$PROM_DIR/nflogd-rules.yml" "$NL_TMP/prom/"
ip netns exec "$NS_COL" prometheus --config.file="$NL_TMP/prom/prometheus.yml" \
	--storage.tsdb.path="$NL_TMP/prom/data" --web.listen-address="$PROM_ADDR" \
	>"$NL_TMP/prom/log" 2>&1 &
PROM_PID=$!
NL_PIDS+=("$PROM_PID")

# --- probes, and the collector killed while they flow ---
phase "probes"
declare -a GEN_PIDS=()
for n in $HOSTS; do
	ip netns exec "$NS_INET" "$PKTGEN" -s "203.0.113.$((10 + 50 * (n - 1)))/40" \
		-n "$FLOOD_PKTS" "$(fw_wan "$n")" $((5000 + n)) "$FLOOD_PPS" 60 \
		>"$NL_TMP/pktgen$n.log" 2>&1 &
	GEN_PIDS+=("$!")
	NL_PIDS+=("$!")
done
# One source scans the same ports on all three hosts, while the streams flow.
for n in $HOSTS; do
	ip netns exec "$NS_INET" nmap -n -Pn -e "w$n" -S "$SCANNER" --max-retries 0 -T5 -sS \
		-p 1-120 -g 40000 "$(fw_wan "$n")" >/dev/null 2>"$NL_TMP/nmap$n.err" &
	GEN_PIDS+=("$!")
	NL_PIDS+=("$!")
done
collected_lines() { cat "$NL_TMP"/col/out/*.jsonl 2>/dev/null | wc -l; }
# fw2's shipper is stopped and started again mid-stream: it goes on from its cursor.
sleep 1
kill -TERM "${SHIP_PIDS[2]}"
nl_wait_pid "${SHIP_PIDS[2]}" 10 || nl_fail "fw2's shipper did not stop on SIGTERM"
nl_eq "fw2's shipper exit status on SIGTERM" 0 "$NL_RC"
ship_start 2
sleep 1.5
for k in $(seq "$KILLS"); do
	kill -KILL "$COL_PID"
	wait "$COL_PID" 2>/dev/null
	AT_KILL=$(collected_lines)
	nl_check "collector killed with SIGKILL mid-stream ($AT_KILL lines written by then)" \
		test "$AT_KILL" -gt 0
	if [ "$k" -eq 1 ] && [ -n "${FLEET_HOST_RESTART:-}" ]; then
		# fw3's rsyslogd restarted (SIGTERM) while the collector is away: its queue
		# goes to disk and back; its sender fails meanwhile and is started again.
		sleep 0.5
		kill -TERM "${RSYS_PIDS[3]}"
		nl_wait_pid "${RSYS_PIDS[3]}" 10 || nl_fail "fw3's rsyslogd did not stop"
		nl_eq "fw3's rsyslogd exit status on SIGTERM" 0 "$NL_RC"
		nl_wait_pid "${SHIP_PIDS[3]}" 10 || kill -TERM "${SHIP_PIDS[3]}"
		echo "      fw3's sender exited with status $NL_RC while its rsyslogd was away"
		rsys_start 3
		wait_for "fw3's rsyslogd socket" 10 test -S "$(fw_dir 3)/ship.sock" ||
			nl_fail "fw3's rsyslogd did not start again"
		ship_start 3
		sleep 1.5
	elif [ "$KILLS" -eq 1 ]; then
		sleep 2.5
	else
		sleep 0.5
	fi
	col_start || nl_die "collector did not start again"
	nl_pass "collector started again"
	[ "$k" -lt "$KILLS" ] && sleep 1
done
for p in "${GEN_PIDS[@]}"; do wait "$p" || nl_fail "a probe (pktgen/nmap) exited with status $?"; done

# The rings are settled when the counters stop moving for 3 s (the correlator writes
# alert states once a second).
ring_total() {
	local n t=0 r
	for n in $HOSTS; do
		r=$("$NFLOGCTL" stats --ring "$(fw_dir "$n")/drops.ring" --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["total"]["recorded"])') || return 1
		t=$((t + r))
	done
	echo "$t"
}
prev=-1 same=0
for i in $(seq 120); do
	cur=$(ring_total) || nl_die "nflogctl stats failed"
	if [ "$cur" = "$prev" ]; then same=$((same + 1)); else same=0; fi
	[ "$same" -ge 6 ] && break
	prev=$cur
	sleep 0.5
done
[ "$same" -ge 6 ] || nl_fail "the rings did not settle in 60 s"

# --- Prometheus: the sum over the fleet equals the sum over the rings ---
phase "prometheus"
prom_query() {	# prom_query EXPR: the single value of an instant vector sum, or nothing
	col_exec python3 - "$PROM_ADDR" "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
url = "http://%s/api/v1/query?%s" % (sys.argv[1], urllib.parse.urlencode({"query": sys.argv[2]}))
try:
    d = json.load(urllib.request.urlopen(url, timeout=5))
except Exception:
    sys.exit(1)
r = d.get("data", {}).get("result", [])
if d.get("status") != "success" or len(r) != 1:
    sys.exit(1)
print(int(float(r[0]["value"][1])))
PY
}
prom_all_up() { [ "$(prom_query 'sum(up{job="nflogd"})')" = 3 ]; }
wait_for "Prometheus to scrape 3 targets" 60 prom_all_up
up=$(prom_query 'sum(up{job="nflogd"})')
nl_eq "Prometheus scrapes the three daemons (sum(up))" 3 "${up:-none}"
psum='' rsum=''
for i in $(seq 60); do
	rsum=$(ring_total)
	psum=$(prom_query 'sum(nflogd_records_total)')
	[ -n "$psum" ] && [ "$psum" = "$rsum" ] && break
	sleep 0.5
done
nl_eq "sum(nflogd_records_total) in Prometheus = sum of nflogctl stats over the rings" \
	"$rsum" "${psum:-none}"
PROM_SUM=${psum:-none}
echo "      (of which role=\"alerts\": $(prom_query 'sum(nflogd_records_total{role="alerts"})' || echo none))"
lost=$(prom_query 'sum(nflogd_lost_seq_total) + sum(nflogd_enobufs_episodes_total)')
nl_eq "no records lost, no ENOBUFS (Prometheus)" 0 "${lost:-none}"
# The scans rule's input: the port-scan incident of the scanner on each of the three.
scans=$(prom_query 'count(sum by (instance) (nflogd_alert_incidents{type="port-scan"}) > 0)')
nl_eq "hosts with a port-scan incident in Prometheus (nflogd_alert_incidents)" 3 "${scans:-none}"
firing=$(col_exec python3 - "$PROM_ADDR" <<'PY'
import json, sys, urllib.request
d = json.load(urllib.request.urlopen("http://%s/api/v1/rules" % sys.argv[1], timeout=5))
n = sum(len(r.get("rules", [])) for r in d["data"]["groups"])
print(n)
PY
)
nl_check "Prometheus loaded the shipped alerting rules ($firing rules)" test "${firing:-0}" -ge 4

# --- rsyslog: every record of every ring in the collector exactly once ---
phase "rsyslog"
# The daemons stop (the rings are final); the shippers go on to the end of the ring.
for n in $HOSTS; do
	kill -TERM "${NFLOGD_PIDS[$n]}"
	nl_wait_pid "${NFLOGD_PIDS[$n]}" 10 || nl_fail "nflogd on fw$n did not stop"
	nl_check_sanitizer "$(fw_dir "$n")/nflogd.err"
done
for n in $HOSTS; do
	d=$(fw_dir "$n")
	# Read on the host itself: host.name is the reader's host name.
	fw_run "$n" "$NFLOGCTL" read --json --ring "$d/drops.ring" >"$d/ring.jsonl" ||
		nl_fail "nflogctl read --json on fw$n's ring failed"
	fw_run "$n" "$NFLOGCTL" alerts --json --ring "$d/drops.ring" >"$d/alerts.jsonl" ||
		nl_fail "nflogctl alerts --json on fw$n's ring failed"
done
caught_up() {
	local n
	for n in $HOSTS; do
		[ "$(wc -l <"$NL_TMP/col/out/fw$n.jsonl" 2>/dev/null || echo 0)" -ge \
			"$(wc -l <"$(fw_dir "$n")/ring.jsonl")" ] || return 1
	done
}
wait_for "the collector to catch up" 120 caught_up || nl_fail "collector behind after 120 s"
sleep 2	# what a retransmission would add would come now
phase "compare"

python3 - "$NL_TMP" "$SCANNER" "$PROM_SUM" $HOSTS >"$NL_TMP/compare.out" <<'PY'
import json, sys
from collections import Counter
tmp, scanner, psum, hosts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]

def key(host, r):
    kind = r["event"]["kind"]
    host = r.get("host", {}).get("name", host)
    group = r.get("nflog", {}).get("group", "alerts") if kind == "event" else "alerts"
    return (host, kind, group, r["event"]["sequence"], r["@timestamp"])

recorded = collected = missing = dups = extra = bad = drops = wronghost = 0
scan_hosts = set()
for n in hosts:
    h = "fw" + n
    ring = Counter(key(h, json.loads(l)) for l in open("%s/fw%s/ring.jsonl" % (tmp, n)))
    alerts = [json.loads(l) for l in open("%s/fw%s/alerts.jsonl" % (tmp, n))]
    got = Counter()
    try:
        for l in open("%s/col/out/%s.jsonl" % (tmp, h)):
            try:
                r = json.loads(l)
            except ValueError:
                bad += 1
                continue
            got[key(h, r)] += 1
            if r.get("host", {}).get("name") != h:
                wronghost += 1
            if (r["event"]["kind"] == "alert" and r.get("source", {}).get("ip") == scanner
                    and r["nflog"]["alert"]["type"] == "port-scan"):
                scan_hosts.add(h)
    except FileNotFoundError:
        pass
    kinds = Counter(k[1] for k in ring)
    m = sum(1 for k in ring if k not in got)
    if m:
        ms = sorted(k[3] for k in ring if k not in got and k[1] == "event")
        ds = sorted(k[3] for k, c in got.items() if c > 1)
        print("  %s: drop sequences missing %s..%s (%d), twice %s" % (h, ms[0] if ms else "-",
              ms[-1] if ms else "-", len(ms), ds[:10]), file=sys.stderr)
    d = sum(c - 1 for c in got.values() if c > 1)
    x = sum(1 for k in got if k not in ring)
    am = sum(1 for a in alerts if key(h, a) not in got)
    print("  %s: ring %d (%d drops, %d alert states; alerts --json %d, %d of them not collected),"
          " collected %d, missing %d, duplicates %d, not in the ring %d"
          % (h, sum(ring.values()), kinds["event"], kinds["alert"], len(alerts), am,
             sum(got.values()), m, d, x), file=sys.stderr)
    recorded += sum(ring.values())
    drops += kinds["event"]
    collected += len(got)
    missing += m + am
    dups += d
    extra += x
print("  port-scan alerts of %s collected from: %s" % (scanner, " ".join(sorted(scan_hosts)) or "none"),
      file=sys.stderr)
print("%d %d %d %d %d %d %d %d %d" % (recorded, collected, missing, dups, extra, bad, len(scan_hosts),
                                     drops, wronghost))
PY
[ $? -eq 0 ] || nl_fail "comparison failed"
read -r REC COL MISS DUP EXTRA BAD SCANS DROPS WRONGHOST <"$NL_TMP/compare.out"
nl_check "every ring has records ($REC in all, $DROPS drops)" test "${DROPS:-0}" -gt $((3 * FLOOD_PKTS))
nl_check "the collector got records after its restart ($AT_KILL of $COL by the kill)" \
	test "$AT_KILL" -lt "${COL:-0}"
nl_eq "records missing from the collector" 0 "$MISS"
nl_eq "records the collector holds twice" 0 "$DUP"
nl_eq "collector lines that are in no ring" 0 "$EXTRA"
nl_eq "collector lines that are not JSON" 0 "$BAD"
nl_eq "collector lines whose host.name is not the host of their file" 0 "$WRONGHOST"
nl_eq "hosts whose port-scan alert of $SCANNER reached the collector" 3 "$SCANS"
# nflogd_records_total and stats' "recorded" count the drops (the alert states are
# counted apart, in the alert segment).
nl_eq "sum(nflogd_records_total) = drops in the rings" "$DROPS" "$PROM_SUM"
# Each host's rsyslogd saw the collector go away (omrelp suspended) and come back.
for n in $HOSTS; do
	nl_check "fw$n's rsyslogd suspended and resumed the RELP action" \
		grep -q "action 'nflogd_relp' resumed" "$(fw_dir "$n")/rsyslogd.log"
done
for n in $HOSTS; do
	nl_check_sanitizer "$(fw_dir "$n")/ship.err"
	if [ -s "$(fw_dir "$n")/ship.err" ]; then
		nl_log "fw$n shipper stderr:"
		sed 's/^/  | /' "$(fw_dir "$n")/ship.err" >&2
	fi
done

nl_summary
rc=$?
if [ "$rc" -ne 0 ]; then	# what rsyslogd said about itself, for the failure's reader
	for f in "$NL_TMP"/col/rsyslogd.log "$NL_TMP"/fw*/rsyslogd.log; do
		[ -s "$f" ] || continue
		nl_log "${f#"$NL_TMP"/}, last lines:"
		tail -n 8 "$f" | sed 's/^/  | /' >&2
	done
fi
echo "fleet: hosts=3 recorded=$REC collected=$COL missing=$MISS duplicates=$DUP prometheus_sum=$PROM_SUM"
exit $rc
