#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# drain.sh - drain capacity of each NFLOG consumer (`make bench`, root, issue 16).
#
#   sudo [QUICK=1] [DRAIN_N=200000] [DRAIN_RUNS=N] [DRAIN_PERF=1]
#        [DRAIN_CONSUMERS="nflmin nflogd ulogd-text ulogd-json tcpdump"] tests/bench/drain.sh
#
# Topology and ruleset as scripts/bench.sh, one group: the generator (nfgen)
# pinned to CPU 0, the consumer and every one of its threads to CPU 1 (taskset
# at start, then taskset -a on the running process, so that threads it pins
# itself are moved too). A case:
#   1. start the consumer with a socket buffer that holds the whole backlog
#      (DRAIN_RCVBUF, default 256 MiB requested; SO_RCVBUFFORCE doubles it);
#   2. warm ring only: let it record one lap of its ring first, running;
#   3. SIGSTOP it, send exactly N packets, wait until the nft counter has
#      all N and 1.2 s more (libpcap leaves the kernel's 1 s flush timeout:
#      the last partial batch must be queued too);
#   4. note the queued bytes (/proc/net/netlink Rmem) and the CPU time of
#      each thread (/proc/PID/task/*/schedstat: utime+stime in ns), SIGCONT,
#      wait until its CPU time stops growing, read them again, stop it and
#      count what it delivered (must be N: anything less is printed).
# Rate = N / CPU time of the whole process: the consumer has the backlog in
# its socket and CPU 1 to itself (it never waits), so this is its drain rate
# on one CPU without the noise of other load on a shared machine in the wall
# clock. nflogd's capture thread (nflogd-gN) and correlator (nflogd-corr) are
# also given apart.
#
# Cases: nflmin (tests/bench/nflmin.c, receive and count) and nflogd, each on
# a random-source stream (every packet a new source: the correlator makes
# and evicts state per record) and a few-source one (nfgen -s 16: state is
# found); nflogd with a fresh ring (a new file) and a warm one (written for
# one lap, wrapped), 256M (DRAIN_RING_SIZE) so that its correlator is not
# lapped by the backlog; tcpdump -w, ulogd2 text and ulogd2 JSON on the random
# stream. Ratios are to nflmin's figures of the same stream in the same run.
#
# DRAIN_PERF=1: a perf profile (cpu-clock) of nflogd's capture thread and
# correlator in each nflogd drain.
#
# Numbers, not assertions: nothing here fails on a slow machine.

PATH=/usr/bin:$PATH
. "$(dirname "$0")/../netns/lib.sh"
nl_require_root
nl_require_cmd ip nft python3 taskset
nl_require_bins
for b in nfgen nflmin; do
	[ -x "$NFLOGD_BUILD/$b" ] || nl_skip "no $NFLOGD_BUILD/$b (make bench builds it)"
done
NFGEN=$NFLOGD_BUILD/nfgen
NFLMIN=$NFLOGD_BUILD/nflmin

N=${DRAIN_N:-200000}
if [ -n "${QUICK:-}" ] && [ "${QUICK:-0}" != 0 ]; then
	RUNS=${DRAIN_RUNS:-1}
else
	RUNS=${DRAIN_RUNS:-3}
fi
RCVBUF=${DRAIN_RCVBUF:-268435456}
# nflogd's ring: 262144 slots per segment, so that the correlator, which
# drains after the capture thread on the one CPU, is not lapped by the backlog
# (with the default 64M, 65536 slots, it would be: corr_lapped says so).
RING_SIZE=${DRAIN_RING_SIZE:-256M}
MIX=${BENCH_MIX:-syn:40,udp:30,icmp:10,syn6:10,udp6:10}
FEW=16			# sources of the few-source stream
CPU_GEN=0 CPU_CON=1
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || CPU_CON=0
PLUGDIR=$(dirname "$(dpkg -L ulogd2 2>/dev/null | grep -m1 'ulogd_inppkt_NFLOG.so$')" 2>/dev/null)
BENCH_DIR=$NL_ROOT/tests/bench

NL_TMP_NAME=nflogd-drain nl_init
RING_DIR=$NL_TMP
if [ -n "${BENCH_RING_DIR:-}" ]; then
	RING_DIR=$(mktemp -d "$BENCH_RING_DIR/nflogd-drain-ring.XXXXXX") || nl_die "mktemp"
	trap 'rm -rf -- "$RING_DIR"; nl_cleanup' EXIT
fi
nl_setup_pair
MAC_TGT=$(nl_tgt cat "/sys/class/net/$IF_TGT/address")
nl_load_ruleset - <<NFT
table inet bench {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$IF_TGT" counter log group 10 snaplen 128 drop comment "bench"
	}
}
NFT

# Packets the log rule counted.
drain_logged() {
	nl_tgt nft -j list table inet bench | python3 -c '
import json, sys
print(sum(e["counter"]["packets"] for o in json.load(sys.stdin)["nftables"]
          if "rule" in o for e in o["rule"]["expr"] if "counter" in e))'
}

# drain_gen COUNT [SOURCES]: COUNT packets flat out from CPU_GEN.
drain_gen() {
	nl_src taskset -c "$CPU_GEN" "$NFGEN" -i "$IF_SRC" -M "$MAC_TGT" -m "$MIX" -r 0 -t 120 \
		-n "$1" -S "$RANDOM" ${2:+-s "$2"} >/dev/null
}

# "name ns" of every thread of $1 (schedstat: time on the CPU, ns).
drain_threads() {
	local t c
	for t in /proc/"$1"/task/*; do
		read -r c _ <"$t/schedstat" 2>/dev/null || continue
		echo "$(cat "$t/comm" 2>/dev/null) $c"
	done
}

# Wait until the CPU time of $1 stops growing: under 0.5 ms per 20 ms poll, 10
# polls in a row (a consumer that other load on a shared CPU holds off for
# less than that is not taken for done).
drain_idle() {
	python3 - "$1" <<'PY'
import glob, sys, time
pid = sys.argv[1]
def cpu():
    s = 0
    for f in glob.glob("/proc/%s/task/*/schedstat" % pid):
        try:
            s += int(open(f).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return s
t0, last, calm = time.monotonic(), cpu(), 0
while time.monotonic() - t0 < 120 and calm < 10:
    time.sleep(0.02)
    now = cpu()
    calm = calm + 1 if now - last < 500000 else 0
    last = now
PY
}

# Bytes queued on $1's netlink sockets and their drop count, from /proc/net/netlink
# (sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode; Eth 12 = netfilter). The
# port id is not always the pid: the sockets are found by inode.
drain_queued_of() {
	local pid=$1 inodes
	inodes=$(find /proc/"$pid"/fd -lname 'socket:*' -printf '%l\n' 2>/dev/null |
		tr -dc '0-9\n' | paste -sd' ')
	nl_tgt awk -v ino="$inodes" 'BEGIN {n = split(ino, a, " "); for (i = 1; i <= n; i++) s[a[i]] = 1}
		$2 == 12 && ($10 in s) {q += $5; d += $9} END {print q + 0, d + 0}' /proc/net/netlink
}

drain_ulogd_conf() {
	sed -e "s|@TMP@|$NL_TMP|g" -e "s|@PLUGDIR@|$PLUGDIR|g" -e "s|@GROUP@|10|g" \
		-e "s|@OUT@|$COUT|g" \
		-e "s|^netlink_socket_buffer_size=.*|netlink_socket_buffer_size=$RCVBUF|" \
		-e "s|^netlink_socket_buffer_maxsize=.*|netlink_socket_buffer_maxsize=$((2 * RCVBUF))|" \
		"$BENCH_DIR/$1.conf.in" >"$NL_TMP/$1.conf"
}

CPID="" CERR="" COUT="" RINGF=""

drain_start() {
	local c=$1 i
	CERR=$NL_TMP/$c.err COUT=$NL_TMP/$c.out
	rm -f "$COUT"
	case $c in
	nflmin) ip netns exec "$NS_TGT" taskset -c "$CPU_CON" "$NFLMIN" -g 10 --rcvbuf "$RCVBUF" \
			>"$COUT" 2>"$CERR" & ;;
	nflogd) ip netns exec "$NS_TGT" taskset -c "$CPU_CON" "$NFLOGD" --ring "$RINGF" -g 10 \
			--ring-size "$RING_SIZE" --rcvbuf "$RCVBUF" 2>"$CERR" & ;;
	ulogd-text | ulogd-json)
		drain_ulogd_conf "$c"
		ip netns exec "$NS_TGT" taskset -c "$CPU_CON" ulogd -c "$NL_TMP/$c.conf" \
			>/dev/null 2>"$CERR" & ;;
	tcpdump) ip netns exec "$NS_TGT" taskset -c "$CPU_CON" tcpdump -i nflog:10 -w "$COUT" \
			-B $((RCVBUF / 1024)) 2>"$CERR" & ;;
	esac
	CPID=$!
	NL_PIDS+=("$CPID")
	for i in $(seq 200); do
		[ "$(nl_tgt cat /proc/net/netfilter/nfnetlink_log 2>/dev/null | wc -l)" -ge 1 ] && break
		kill -0 "$CPID" 2>/dev/null || break
		sleep 0.05
	done
	case $c in nflogd | nflmin)
		for i in $(seq 200); do grep -q ready "$CERR" && break; sleep 0.05; done ;;
	esac
	if ! kill -0 "$CPID" 2>/dev/null; then
		nl_log "drain: $c did not start:"
		sed 's/^/  | /' "$CERR" >&2
		return 1
	fi
	sleep 0.2
	taskset -a -p -c "$CPU_CON" "$CPID" >/dev/null
}

# drain_stop CONSUMER: stop it; prints what it delivered (nflogd: and the
# records its correlator missed, lapped by the capture thread).
drain_stop() {
	local c=$1 n
	kill -CONT "$CPID" 2>/dev/null
	kill -TERM "$CPID" 2>/dev/null
	nl_wait_pid "$CPID" 15 || { kill -KILL "$CPID"; wait "$CPID" 2>/dev/null; }
	case $c in
	nflmin) n=$(awk '/^received/ {print $2}' "$COUT") ;;
	nflogd) n=$(nl_ctl stats --json 2>/dev/null | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print(t["recorded"], t.get("corr_lapped", 0))' 2>/dev/null) ;;
	ulogd-*) n=$(wc -l <"$COUT") ;;
	tcpdump) n=$(awk '/packets captured/ {print $1}' "$CERR") ;;
	esac
	echo "${n:-0 0}"
}

RES=$NL_TMP/results
: >"$RES"

# drain_case RUN CONSUMER STREAM RING: one measurement, a line of $RES:
# "run consumer stream ring n delivered queued_kib drops total_ns capture_ns corr_ns".
drain_case() {
	local run=$1 c=$2 stream=$3 ringst=$4 few="" n0 n1 got q0 dr0 q dr rec0=0 lap0=0 lapped tot cap cor
	case " ${DRAIN_CONSUMERS:-nflmin nflogd ulogd-text ulogd-json tcpdump} " in
	*" $c "*) ;;
	*) return 0 ;;
	esac
	[ "$stream" = few ] && few=$FEW
	RINGF=$RING_DIR/drain.$c.$stream.$ringst.$run.ring
	rm -f "$RINGF"
	RING=$RINGF
	drain_start "$c" || return 1
	if [ "$ringst" = warm ]; then
		# One lap and a little more: every slot written once, the ring wrapped.
		local slots
		slots=$(nl_ctl stats --json | python3 -c '
import json, sys
print(json.load(sys.stdin).get("slots", 262144))')
		drain_gen $((slots + slots / 8)) $few
		drain_idle "$CPID" >/dev/null
		rec0=$(nl_stat recorded)
		lap0=$(nl_stat corr_lapped)
	fi
	kill -STOP "$CPID"
	n0=$(drain_logged)
	read -r q0 dr0 < <(drain_queued_of "$CPID")
	drain_gen "$N" $few
	for _ in $(seq 600); do
		n1=$(drain_logged)
		[ $((n1 - n0)) -ge "$N" ] && break
		sleep 0.05
	done
	sleep 1.2
	read -r q dr < <(drain_queued_of "$CPID")
	drain_threads "$CPID" >"$NL_TMP/t0"
	local perfpid=""
	if [ "${DRAIN_PERF:-0}" = 1 ] && [ "$c" = nflogd ] && command -v perf >/dev/null; then
		perf record -q -e cpu-clock -F 4999 -p "$CPID" -o "$NL_TMP/perf.$stream.$ringst" \
			>/dev/null 2>&1 &
		perfpid=$!
		sleep 0.3
	fi
	kill -CONT "$CPID"
	drain_idle "$CPID"
	if [ -n "$perfpid" ]; then
		kill -INT "$perfpid"
		wait "$perfpid"
		for t in nflogd-g10 nflogd-corr; do
			echo "perf profile, nflogd $stream $ringst drain: symbols of thread $t" >>"$NL_TMP/perf.txt"
			perf report -q -i "$NL_TMP/perf.$stream.$ringst" --comms "$t" --sort sym \
				--percentage relative --stdio 2>/dev/null | grep -v '^$' | head -20 >>"$NL_TMP/perf.txt"
		done
	fi
	drain_threads "$CPID" >"$NL_TMP/t1"
	read -r got lapped < <(drain_stop "$c")
	got=$((got - rec0)) lapped=$((${lapped:-0} - lap0))
	# CPU during the drain, per thread name class (both files list the same threads).
	# %.0f, not %d: mawk's %d stops at 2^31 - 1 ns, 2.1 s (ulogd-json read as 10737 ns/msg).
	read -r tot cap cor < <(awk 'NR == FNR {a[FNR] = $2; next}
		{d = $2 - a[FNR]; t += d; if ($1 ~ /^nflogd-g/) c += d; if ($1 == "nflogd-corr") k += d}
		END {printf "%.0f %.0f %.0f\n", t, c, k}' "$NL_TMP/t0" "$NL_TMP/t1")
	echo "$run $c $stream $ringst $((n1 - n0)) $got $(((q - q0) / 1024)) $((dr - dr0)) $tot $cap $cor $lapped" >>"$RES"
	printf '  run %d %-10s %-6s %-5s logged %7s delivered %7s queued %6s KiB drops %s corr_lapped %s cpu %6.1f ms\n' \
		"$run" "$c" "$stream" "$ringst" "$((n1 - n0))" "$got" "$(((q - q0) / 1024))" "$((dr - dr0))" "$lapped" \
		"$(awk -v t="$tot" 'BEGIN {print t / 1e6}')" >&2
}

echo "drain bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), backlog $N messages, $RUNS run(s);" \
	"generator CPU $CPU_GEN, consumer and all its threads CPU $CPU_CON; socket buffer $((RCVBUF >> 20)) MiB requested"
T0=$(date +%s)
have_ulogd=1 have_tcpdump=1
{ [ -n "$PLUGDIR" ] && command -v ulogd >/dev/null; } || { have_ulogd=0; nl_log "drain: no ulogd2, skipped"; }
command -v tcpdump >/dev/null || { have_tcpdump=0; nl_log "drain: no tcpdump, skipped"; }
for run in $(seq "$RUNS"); do
	drain_case "$run" nflmin random fresh
	drain_case "$run" nflmin few fresh
	drain_case "$run" nflogd random fresh
	drain_case "$run" nflogd random warm
	drain_case "$run" nflogd few fresh
	drain_case "$run" nflogd few warm
	if [ "$have_ulogd" = 1 ]; then
		drain_case "$run" ulogd-text random fresh
		drain_case "$run" ulogd-json random fresh
	fi
	if [ "$have_tcpdump" = 1 ]; then
		# libpcap asks for SO_RCVBUF, which net.core.rmem_max caps (4 MiB by
		# default): raised for this run, restored at exit.
		[ "$(sysctl -n net.core.rmem_max)" -ge "$RCVBUF" ] || nl_sysctl_init net.core.rmem_max "$RCVBUF"
		drain_case "$run" tcpdump random fresh
	fi
done

echo
python3 - "$RES" "$N" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault((f[1], f[2], f[3]), []).append([int(x) for x in f[4:]])
N = int(sys.argv[2])
def med(key, i):
    v = sorted(r[i] for r in rows.get(key, []))
    return v[(len(v) - 1) // 2] if v else None
def per(key, i):
    t, n = med(key, i), med(key, 1)
    return t / n if t is not None and n else None
print("CPU ns/msg = the consumer's utime+stime (schedstat) over the drain / messages delivered;")
print("M msg/s = 1000 / that: its drain rate on one CPU. capture = nflogd-gN thread, corr =")
print("nflogd-corr, per record it read (a lapped correlator skips records: 'lapped' says how many).")
print("xmin: ratio to nflmin on the same stream (rate: higher is better; CPU: lower).")
print("Median of runs; the machine may be shared (CPU time, not wall time, is what is timed).")
print()
hdr = ("consumer", "stream", "ring", "delivered", "queued MiB", "CPU ns/msg", "M msg/s", "capture ns",
       "corr ns", "lapped", "rate xmin", "capture xmin", "CPU xmin")
print("%-10s %-6s %-5s %13s %10s %10s %8s %10s %8s %7s %9s %12s %8s" % hdr)
order = [("nflmin", "random", "fresh"), ("nflmin", "few", "fresh"),
         ("nflogd", "random", "fresh"), ("nflogd", "random", "warm"),
         ("nflogd", "few", "fresh"), ("nflogd", "few", "warm"),
         ("tcpdump", "random", "fresh"), ("ulogd-text", "random", "fresh"),
         ("ulogd-json", "random", "fresh")]
def fmt(v, f="%.0f"):
    return "-" if v is None else f % v
for k in order:
    if k not in rows:
        continue
    tot, cap = per(k, 4), per(k, 5)
    fed = med(k, 1) - med(k, 7)	# records the correlator read (not lapped)
    cor = med(k, 6) / fed if fed > 0 else None
    base = ("nflmin", k[1], "fresh")
    btot = per(base, 4)
    nfl = k[0] == "nflogd"
    print("%-10s %-6s %-5s %13s %10s %10s %8s %10s %8s %7s %9s %12s %8s" % (
        k[0], k[1], k[2], "%d/%d" % (med(k, 1), med(k, 0)), fmt(med(k, 2) / 1024.0, "%.1f"),
        fmt(tot), fmt(1e3 / tot if tot else None, "%.2f"),
        fmt(cap if nfl else None), fmt(cor if nfl else None), fmt(med(k, 7) if nfl else None, "%d"),
        fmt(btot / tot if tot and btot else None, "%.2f"),
        fmt(cap / btot if nfl and btot else None, "%.2f"),
        fmt(tot / btot if btot else None, "%.2f")))
print()
print("issue 16's targets, from the rows above:")
def rate(k):
    t = per(k, 4)
    return 1e3 / t if t else None
mr = rate(("nflmin", "random", "fresh"))
for ring in ("fresh", "warm"):
    k = ("nflogd", "random", ring)
    r = rate(k)
    if r is None or mr is None:
        continue
    print("  nflogd %s ring, random sources: %.2f M msg/s (target >= 3) = %.2fx nflmin (>= 0.5);"
          " capture thread %.2fx nflmin's CPU/msg (<= 1.3); whole daemon %.2fx (<= 2)" % (
              ring, r, r / mr, per(k, 5) / per(("nflmin", "random", "fresh"), 4),
              per(k, 4) / per(("nflmin", "random", "fresh"), 4)))
wr = rate(("nflogd", "random", "warm"))
for u, want in (("ulogd-text", 15), ("ulogd-json", 30)):
    ur = rate((u, "random", "fresh"))
    if wr and ur:
        print("  nflogd (warm, random) / %s: %.1fx (target >= %d)" % (u, wr / ur, want))
PY
[ -s "$NL_TMP/perf.txt" ] && { echo; cat "$NL_TMP/perf.txt"; }
echo "drain bench: $(($(date +%s) - T0)) s"
