#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench.sh - nflogd at the kernel's limit, side by side with the minimal consumer,
# ulogd2 and tcpdump, on the same traffic in the same run (`make bench`, root).
#
#   sudo [QUICK=1] [BENCH_RUNS=N] [BENCH_PERF=0|1] scripts/bench.sh
#
# Topology: the namespace pair of tests/netns/lib.sh. In the target namespace one
# rule logs and drops everything that arrives on the veth, `counter` first (the
# ground truth): one group (`counter log group 10 snaplen 128 drop`), or the
# per-CPU chain of `nflogctl rules print --per-cpu` (meta cpu -> group 10+n).
# `nfgen` (scripts/nfgen.c) writes a mix of IPv4/IPv6 TCP SYN, UDP and ICMP
# frames with random sources, sizes up to 1500 B, on the source end of the veth
# with AF_PACKET; the receive softirq (veth -> IP -> nftables -> NFLOG) runs on
# the sending CPU. One group: one generator on CPU 0, the consumer pinned to the
# last CPU. Per-CPU groups: a generator on every CPU (RATE/ncpu each), so the
# `meta cpu` dispatch spreads the load; consumer threads pinned per CPU.
#
# Consumers, each started fresh for every trial, all on the same group(s):
#   min-1     tests/bench/nflmin.c, one group: receive and count only (same
#             socket settings as nflogd, via capture_open())
#   min-cpu   the same, one group per CPU
#   nflogd-1  nflogd -g 10
#   nflogd-cpu nflogd --per-cpu 10
#   ulogd-text ulogd2 NFLOG -> BASE -> IFINDEX -> IP2STR -> PRINTPKT -> LOGEMU
#   ulogd-json ulogd2 NFLOG -> BASE -> IFINDEX -> IP2STR -> HWHDR -> JSON
#   tcpdump   tcpdump -i nflog:10 -w FILE (libpcap: its own qthreshold/timeout)
#
# A trial: start the consumer, offer RATE for TRIAL seconds, send a 10-packet
# tail (so that loss at the end of a burst shows as a sequence gap), wait until
# the consumer's CPU time stops growing, stop it, count what it delivered.
# A trial passes when nothing was lost (nft counter = delivered) and the
# consumer was idle again within DRAIN_MAX s after the generators stopped: a
# consumer that only survives because a 64 MiB socket buffer absorbs the
# backlog is not keeping up. The zero-loss rate of a consumer is the achieved
# rate of its best passing trial: flat out first (if that passes, the
# generator and the kernel's softirq, not the consumer, are the bound), else a
# bisection in log space between flat-out/64 and flat-out. Then one trial at
# twice that rate for the loss figure. Median of RUNS runs.
#
# CPU per record: the consumer's utime+stime over the trial (from
# /proc/PID/task/*/schedstat: the same time in ns instead of clock ticks) /
# records. RSS: /proc/PID/smaps without the ring file's mapping.
# Delay (nflogd): nfdelay polls the ring's heads while nfgen sends at 1 kpps and
# at half of nflogd's zero-loss rate; the UDP packets carry their send time.
# Loss accounting: nflogd with a 1 MiB socket buffer, frozen 0.5 s in a flood:
# generator count = nft counter = records + lost_seq, or MISMATCH.
# Profile (full runs, BENCH_PERF=1): perf record -a -e cpu-clock for 1.5 s of a
# flat-out nflogd-1 and nflogd-cpu trial: busy share of each CPU (/proc/stat), shares by
# command and the capture thread's symbols.
#
# Knobs: BENCH_CONSUMERS (subset, in that order), BENCH_MIX (nfgen -m),
# BENCH_RING_DIR / BENCH_RING_SIZE (nflogd's ring; default next to the rest, 64M).
#
# Numbers, not assertions: nothing here fails on a slow machine.

# Debian's python3 first: a pyenv shim costs 0.1 s per call, and trials make dozens.
PATH=/usr/bin:$PATH
. "$(dirname "$0")/../tests/netns/lib.sh"
nl_require_root

# Bench-only Debian packages, installed here when missing (never by make test).
bench_deps() {
	local p missing=()
	for p in ulogd2 ulogd2-json tcpdump linux-perf; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	nl_log "bench: installing ${missing[*]}"
	# Stale package lists are the usual failure: refresh once and retry.
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } ||
		nl_log "bench: apt-get install ${missing[*]} failed; those consumers are skipped"
}
bench_deps
nl_require_cmd ip nft python3 taskset
nl_require_bins
for b in nfgen nflmin nfdelay; do
	[ -x "$NFLOGD_BUILD/$b" ] || nl_skip "no $NFLOGD_BUILD/$b (make bench builds it)"
done
NFGEN=$NFLOGD_BUILD/nfgen
NFLMIN=$NFLOGD_BUILD/nflmin
NFDELAY=$NFLOGD_BUILD/nfdelay

if [ -n "${QUICK:-}" ] && [ "${QUICK:-0}" != 0 ]; then
	QUICK=1 TRIAL=1 RUNS=${BENCH_RUNS:-1} STEPS=4 DELAY_SECS=2
else
	QUICK=0 TRIAL=2 RUNS=${BENCH_RUNS:-3} STEPS=5 DELAY_SECS=3
fi
DRAIN_MAX=0.5
MIX=${BENCH_MIX:-syn:40,udp:30,icmp:10,syn6:10,udp6:10}
CONSUMERS=${BENCH_CONSUMERS:-min-1 nflogd-1 ulogd-text ulogd-json tcpdump min-cpu nflogd-cpu}
PLUGDIR=$(dirname "$(dpkg -L ulogd2 2>/dev/null | grep -m1 'ulogd_inppkt_NFLOG.so$')" 2>/dev/null)
BENCH_DIR=$NL_ROOT/tests/bench

NL_TMP_NAME=nflogd-bench nl_init
# BENCH_RING_DIR: where nflogd's ring goes (default: next to everything else).
RING_BASE=$NL_TMP/drops.ring
RING_SIZE=${BENCH_RING_SIZE:-64M}	# nflogd's default
if [ -n "${BENCH_RING_DIR:-}" ]; then
	RING_DIR=$(mktemp -d "$BENCH_RING_DIR/nflogd-bench-ring.XXXXXX") || nl_die "mktemp"
	RING_BASE=$RING_DIR/drops.ring
fi
# bench_ours PID: still running one of the consumers this script starts (not a
# recycled pid).
bench_ours() {
	case $(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") in
	*"$NFLMIN"* | *"$NFLOGD"* | *ulogd\ -c\ "$NL_TMP"* | *tcpdump\ -i\ nflog*) return 0 ;;
	esac
	return 1
}

# Consumers started inside $(bench_trial ...) subshells are not in NL_PIDS: stop
# them from the pid file, then let lib.sh undo the rest.
bench_cleanup() {
	local rc=$? pid
	if [ -s "$NL_TMP/pids" ]; then
		while read -r pid; do
			bench_ours "$pid" && kill -CONT "$pid" && kill -TERM "$pid"
		done <"$NL_TMP/pids"
		sleep 0.5
		while read -r pid; do
			bench_ours "$pid" && kill -KILL "$pid"
		done <"$NL_TMP/pids"
	fi
	[ -n "${RING_DIR:-}" ] && rm -rf -- "$RING_DIR"
	(exit "$rc")
	nl_cleanup
}
trap bench_cleanup EXIT
nl_setup_pair
NCPU=$(getconf _NPROCESSORS_ONLN)
MAC_TGT=$(nl_tgt cat "/sys/class/net/$IF_TGT/address")
MODE=
GEN_CPUS=0
PIN=
NFLOGD_EXTRA=

# --- ruleset ---------------------------------------------------------------

# One group: the generator on CPU 0, the consumer pinned to the last CPU (one
# producer vCPU, one consumer vCPU: neither starves the other). Per-CPU groups:
# a generator on every CPU, consumer threads pinned per CPU (as nflogd does).
bench_ruleset() {
	case $1 in
	single)
		GEN_CPUS=0 PIN="taskset -c $((NCPU - 1))"
		[ "$NCPU" -gt 1 ] || PIN= ;;
	percpu) GEN_CPUS=$(seq -s ' ' 0 $((NCPU - 1))) PIN= ;;
	esac
	[ "$MODE" = "$1" ] && return 0
	nl_tgt nft delete table inet bench 2>/dev/null
	case $1 in
	single)
		nl_load_ruleset - <<NFT
table inet bench {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$IF_TGT" counter log group 10 snaplen 128 drop comment "bench"
	}
}
NFT
		;;
	percpu)
		{
			"$NFLOGCTL" rules print --per-cpu --cpus "$NCPU" --groups 10 --table bench
			cat <<NFT
table inet bench {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$IF_TGT" jump nflogd_drop
	}
}
NFT
		} | nl_load_ruleset -
		;;
	esac
	MODE=$1
}

# Packets the log rules counted: every rule of table bench with counter and log.
bench_logged() {
	nl_tgt nft -j list table inet bench | python3 -c '
import json, sys
n = 0
for o in json.load(sys.stdin)["nftables"]:
    r = o.get("rule")
    if not r:
        continue
    ex = r["expr"]
    if any("log" in e for e in ex):
        n += sum(e["counter"]["packets"] for e in ex if "counter" in e)
print(n)'
}

# --- traffic -----------------------------------------------------------------

# bench_gen RATE SECS [MIX]: one nfgen per CPU of $GEN_CPUS, pinned, each sending
# RATE/n (0: flat out); prints the packets sent.
bench_gen() {
	local rate=$1 secs=$2 mix=${3:-$MIX} cpu pids=() n
	n=$(wc -w <<<"$GEN_CPUS")
	rm -f "$NL_TMP"/gen.*
	for cpu in $GEN_CPUS; do
		nl_src taskset -c "$cpu" "$NFGEN" -i "$IF_SRC" -M "$MAC_TGT" -m "$mix" \
			-r $((rate / n)) -t "$secs" -S $((cpu + RANDOM)) >"$NL_TMP/gen.$cpu" &
		pids+=($!)
	done
	wait "${pids[@]}"
	awk '/^sent/ {s += $2} END {print s + 0}' "$NL_TMP"/gen.*
}

bench_tail() {
	nl_src "$NFGEN" -i "$IF_SRC" -M "$MAC_TGT" -m syn -r 1000 -n 10 -t 1 >/dev/null
}

# --- consumers ---------------------------------------------------------------

CPID="" CERR="" COUT=""

# CPU time of all threads of $1, ns.
bench_cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.0f\n", s}'
}

# CPU time of the threads of $1 whose name starts with $2, ns (nflogd: the
# capture threads are nflogd-gN, the correlator nflogd-corr).
bench_cpu_ns_of() {
	local t s=0 c
	for t in /proc/"$1"/task/*; do
		case $(cat "$t/comm" 2>/dev/null) in
		"$2"*) read -r c _ <"$t/schedstat" && s=$((s + c)) ;;
		esac
	done
	echo "$s"
}

# Resident KiB of $1 without mappings of $2 (the ring file).
bench_rss_kib() {
	python3 - "$1" "$2" <<'PY'
import sys
pid, skip = sys.argv[1], sys.argv[2]
tot, cur = 0, ""
try:
    for line in open("/proc/%s/smaps" % pid):
        f = line.split()
        if not f:
            continue
        if f[0][0] in "0123456789abcdef" and "-" in f[0] and not f[0].endswith(":"):
            cur = f[5] if len(f) > 5 else ""
        elif f[0] == "Rss:" and not (skip and cur == skip):
            tot += int(f[1])
except OSError:
    pass
print(tot)
PY
}

# bench_groups_bound N: wait until N NFLOG instances exist in the target namespace.
bench_groups_bound() {
	for _ in $(seq 100); do
		[ "$(nl_tgt cat /proc/net/netfilter/nfnetlink_log 2>/dev/null | wc -l)" -ge "$1" ] &&
			return 0
		kill -0 "$CPID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

bench_ulogd_conf() {
	sed -e "s|@TMP@|$NL_TMP|g" -e "s|@PLUGDIR@|$PLUGDIR|g" -e "s|@GROUP@|10|g" \
		-e "s|@OUT@|$COUT|g" "$BENCH_DIR/$1.conf.in" >"$NL_TMP/$1.conf"
}

bench_start() {
	local c=$1 ngroups=1
	CERR=$NL_TMP/$c.err COUT=$NL_TMP/$c.out
	rm -f "$COUT"
	# nflogd continues its ring from trial to trial (one file per geometry), as
	# a running daemon does: bench_warm has paged it in, so trials measure the
	# steady state, not the first lap's page allocation.
	RING=$RING_BASE.$c
	case $c in
	min-1) ip netns exec "$NS_TGT" $PIN "$NFLMIN" -g 10 >"$COUT" 2>"$CERR" & ;;
	min-cpu) ip netns exec "$NS_TGT" "$NFLMIN" --per-cpu 10 >"$COUT" 2>"$CERR" & ngroups=$NCPU ;;
	nflogd-1) ip netns exec "$NS_TGT" $PIN "$NFLOGD" --ring "$RING" --ring-size "$RING_SIZE" -g 10 $NFLOGD_EXTRA 2>"$CERR" & ;;
	nflogd-cpu)
		ip netns exec "$NS_TGT" "$NFLOGD" --ring "$RING" --ring-size "$RING_SIZE" --per-cpu 10 $NFLOGD_EXTRA 2>"$CERR" &
		ngroups=$NCPU ;;
	ulogd-text | ulogd-json)
		bench_ulogd_conf "${c/ulogd-/ulogd-}"
		ip netns exec "$NS_TGT" $PIN ulogd -c "$NL_TMP/$c.conf" >/dev/null 2>"$CERR" & ;;
	tcpdump)
		ip netns exec "$NS_TGT" $PIN tcpdump -i nflog:10 -w "$COUT" -B 32768 2>"$CERR" & ;;
	esac
	CPID=$!
	NL_PIDS+=("$CPID")
	echo "$CPID" >>"$NL_TMP/pids"	# trials run in subshells: for bench_cleanup
	if ! bench_groups_bound "$ngroups"; then
		nl_log "bench: $c did not bind its groups:"
		sed 's/^/  | /' "$CERR" >&2
		return 1
	fi
	case $c in nflogd*)
		for _ in $(seq 100); do grep -q ready "$CERR" && break; sleep 0.05; done ;;
	esac
	return 0
}

# bench_idle: wait until the consumer's CPU time stops growing; prints seconds waited.
bench_idle() {
	python3 - "$CPID" "$1" <<'PY'
import glob, sys, time
pid, floor = sys.argv[1], float(sys.argv[2])
def cpu():
    s = 0
    for f in glob.glob("/proc/%s/task/*/schedstat" % pid):
        try:
            s += int(open(f).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return s
t0 = time.monotonic()
last, calm = cpu(), 0
while time.monotonic() - t0 < 30:
    time.sleep(0.05)
    now = cpu()
    # idle: under 1 ms of CPU per 50 ms poll, three polls in a row
    calm = calm + 1 if now - last < 1000000 else 0
    last = now
    if calm >= 3 and time.monotonic() - t0 >= floor:
        break
print("%.2f" % max(time.monotonic() - t0 - 0.15, 0))
PY
}

# nflogd's counters, summed over segments: recorded lost_seq drops_pending.
bench_nflstats() {
	nl_ctl stats --json | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print(t["recorded"], t["lost_seq"], t["drops_pending"])'
}

# bench_stop: stop the consumer; GOT = what it delivered (NFL_* for nflogd).
bench_stop() {
	local c=$1 n
	kill -TERM "$CPID" 2>/dev/null
	nl_wait_pid "$CPID" 15 || { kill -KILL "$CPID"; wait "$CPID" 2>/dev/null; }
	case $c in
	min-*) n=$(awk '/^received/ {print $2}' "$COUT") ;;
	nflogd-*) read -r n NFL_LOST NFL_PENDING < <(bench_nflstats) ;;
	ulogd-*) n=$(wc -l <"$COUT") ;;
	tcpdump) n=$(awk '/packets captured/ {print $1}' "$CERR") ;;
	esac
	GOT=${n:-0}
}

# bench_trial CONSUMER RATE SECS: prints "rate logged delivered lost drain cpu_ns rss_kib extra".
bench_trial() {
	local c=$1 rate=$2 secs=$3 n0 n1 r0=0 l0=0 sent cpu0 cpu1 cap0 cap1 drain rss got extra=""
	bench_start "$c" || { echo "0 0 0 0 0 0 0 failed"; return 1; }
	n0=$(bench_logged)
	case $c in nflogd-*) read -r r0 l0 _ < <(bench_nflstats) ;; esac
	cpu0=$(bench_cpu_ns "$CPID")
	cap0=$(bench_cpu_ns_of "$CPID" nflogd-g)
	sent=$(bench_gen "$rate" "$secs")
	drain=$(bench_idle 0)
	bench_tail
	# libpcap keeps the kernel's 1 s flush timeout: wait for its last batch.
	bench_idle "$([ "$c" = tcpdump ] && echo 1.2 || echo 0.2)" >/dev/null
	cpu1=$(bench_cpu_ns "$CPID")
	cap1=$(bench_cpu_ns_of "$CPID" nflogd-g)
	rss=$(bench_rss_kib "$CPID" "$RING")
	bench_stop "$c"
	got=$((GOT - r0))
	n1=$(bench_logged)
	# Exactness: records + counted loss must equal the nft counter, and
	# the counter what the generators sent (+ the 10-packet tail).
	extra="gen-nft=$((sent + 10 - (n1 - n0)))"
	case $c in
	min-*) extra="$extra lost_seq=$(awk '/^received/ {print $4}' "$COUT")" ;;
	nflogd-*) extra="$extra lost_seq=$((NFL_LOST - l0)) pending=$NFL_PENDING capture_ns/rec=$(((cap1 - cap0) / (got > 0 ? got : 1)))" ;;
	esac
	# The 10 tail packets are in both the counter and the records.
	echo "$(awk -v s="$sent" -v t="$secs" 'BEGIN { printf "%.0f", s / t }') $((n1 - n0)) $got \
$((n1 - n0 - got)) $drain $((cpu1 - cpu0)) $rss $extra"
}

# bench_warm CONSUMER: nflogd only: fill its ring once (one lap) so that its pages
# are in the page cache before the first measured trial.
bench_warm() {
	case $1 in nflogd-*) ;; *) return 0 ;; esac
	bench_start "$1" || return 1
	local slots
	slots=$(nl_ctl stats --json | python3 -c '
import json, sys
print(json.load(sys.stdin).get("slots", 0))' 2>/dev/null)
	bench_gen 0 "$([ "$QUICK" = 1 ] && echo 1 || echo 2)" >/dev/null
	bench_idle 0.2 >/dev/null
	bench_stop "$1"
	nl_log "  $1: warm-up wrote $GOT records (ring: ${slots:-?} slots per segment)"
}

bench_le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

# --- the search ----------------------------------------------------------------

RES=$NL_TMP/results
: >"$RES"

# bench_search CONSUMER RUN: appends "c run zl_rate loss2x_pct cpu_ns_per_rec rss bound extra" to $RES.
bench_search() {
	local c=$1 run=$2 out rate logged got lost drain cpu rss extra lo hi mid best=
	local twox bound r2 d2
	case $c in *-cpu) bench_ruleset percpu ;; *) bench_ruleset single ;; esac
	[ "$run" = 1 ] && bench_warm "$c"
	out=$(bench_trial "$c" 0 "$TRIAL") || { nl_log "  $c: trial failed"; return 1; }
	read -r rate logged got lost drain cpu rss extra <<<"$out"
	printf '  %-11s run %d  flat out  %8s pps  logged %9s  got %9s  lost %8s  drain %4ss  %s\n' \
		"$c" "$run" "$rate" "$logged" "$got" "$lost" "$drain" "$extra" >&2
	hi=$rate
	if [ "$lost" -eq 0 ] && bench_le "$drain" "$DRAIN_MAX"; then
		best="$rate $cpu $got $rss" bound=gen
		twox="$lost $logged $rate $drain"
	else
		bound=consumer
		lo=$((hi / 64))
		for _ in $(seq "$STEPS"); do
			mid=$(python3 -c "print(int(($lo * $hi) ** 0.5))")
			out=$(bench_trial "$c" "$mid" "$TRIAL")
			read -r rate logged got lost drain cpu rss extra <<<"$out"
			printf '  %-11s run %d  offered %9s  %8s pps  logged %9s  got %9s  lost %8s  drain %4ss  %s\n' \
				"$c" "$run" "$mid" "$rate" "$logged" "$got" "$lost" "$drain" "$extra" >&2
			if [ "$lost" -eq 0 ] && bench_le "$drain" "$DRAIN_MAX"; then
				lo=$mid best="$rate $cpu $got $rss"
			else
				hi=$mid
			fi
		done
		[ -n "$best" ] || best="$((lo)) 0 1 0"
		out=$(bench_trial "$c" $((2 * ${best%% *})) "$TRIAL")
		read -r rate logged got lost drain cpu rss extra <<<"$out"
		printf '  %-11s run %d  2x        %8s pps  logged %9s  got %9s  lost %8s  drain %4ss  %s\n' \
			"$c" "$run" "$rate" "$logged" "$got" "$lost" "$drain" "$extra" >&2
		twox="$lost $logged $rate $drain"
	fi
	read -r rate cpu got rss <<<"$best"
	read -r lost logged r2 d2 <<<"$twox"
	echo "$c $run $rate $(awk -v l="$lost" -v n="$logged" 'BEGIN { printf "%.2f", 100 * l / (n > 0 ? n : 1) }') \
$(awk -v c="$cpu" -v g="$got" 'BEGIN { printf "%.0f", c / (g > 0 ? g : 1) }') $rss $bound $r2 $d2" >>"$RES"
}

# --- delay -----------------------------------------------------------------------

bench_delay() {
	local rate=$1 label=$2 dpid line
	bench_ruleset single
	bench_start nflogd-1 || return 1
	"$NFDELAY" "$RING" $((DELAY_SECS + 1)) >"$NL_TMP/delay.out" &
	dpid=$!
	sleep 0.3
	bench_gen "$rate" "$DELAY_SECS" >/dev/null
	wait "$dpid"
	line=$(cat "$NL_TMP/delay.out")
	bench_stop nflogd-1
	echo "$label $line" >>"$NL_TMP/delays"
	printf '  delay at %-9s %s\n' "$label" "$line" >&2
}

# --- loss accounting under overload ---------------------------------------------

# bench_overload CONSUMER: nflogd with a 1 MiB socket buffer, frozen (SIGSTOP) for
# 0.5 s in the middle of a flat-out flood of 2 s: the socket overruns. Every packet
# the generators sent must be in the nft counter, and every counted packet either
# a record or in lost_seq (the tail sizes the last gap).
bench_overload() {
	local c=$1 n0 n1 r0 l0 sent g rec lost
	case $c in *-cpu) bench_ruleset percpu ;; *) bench_ruleset single ;; esac
	NFLOGD_EXTRA="--rcvbuf 1048576"
	bench_start "$c" || { NFLOGD_EXTRA=; return 1; }
	NFLOGD_EXTRA=
	n0=$(bench_logged)
	read -r r0 l0 _ < <(bench_nflstats)
	bench_gen 0 2 >"$NL_TMP/ov.sent" &
	g=$!
	sleep 0.7
	kill -STOP "$CPID"
	sleep 0.5
	kill -CONT "$CPID"
	wait "$g"
	sent=$(cat "$NL_TMP/ov.sent")
	sleep 0.3
	bench_tail
	bench_idle 0.3 >/dev/null
	bench_stop "$c"
	n1=$(bench_logged)
	rec=$((GOT - r0)) lost=$((NFL_LOST - l0))
	printf '%-11s sent %9s  nft %9s  recorded %9s  lost_seq %8s  pending %s  => %s\n' \
		"$c" "$((sent + 10))" "$((n1 - n0))" "$rec" "$lost" "$NFL_PENDING" \
		"$([ $((sent + 10)) -eq $((n1 - n0)) ] && [ $((rec + lost)) -eq $((n1 - n0)) ] &&
			echo "exact ($((100 * lost / (n1 - n0)))% lost)" || echo MISMATCH)" >>"$NL_TMP/overload"
	tail -n 1 "$NL_TMP/overload" | sed 's/^/  overload /' >&2
}

# --- perf profile ------------------------------------------------------------------

bench_perf() {
	local c=$1
	command -v perf >/dev/null || return 0
	case $c in *-cpu) bench_ruleset percpu ;; *) bench_ruleset single ;; esac
	[ -e "$RING_BASE.$c" ] || bench_warm "$c" 2>/dev/null
	bench_start "$c" || return 1
	(bench_gen 0 3 >/dev/null) &
	local g=$!
	sleep 0.7	# the generators are running, at full rate
	grep '^cpu[0-9]' /proc/stat >"$NL_TMP/stat.0"
	perf record -q -a -e cpu-clock -F 1999 -o "$NL_TMP/perf.data" -- sleep 1.5 >/dev/null 2>&1
	grep '^cpu[0-9]' /proc/stat >"$NL_TMP/stat.1"
	wait "$g"
	bench_idle 0 >/dev/null
	PERF_PID=$CPID
	bench_stop "$c"
	echo "CPU use while profiling, from /proc/stat (not idle, iowait or stolen):"
	paste "$NL_TMP/stat.0" "$NL_TMP/stat.1" | awk '{
		# user nice system idle iowait irq softirq steal (guest is in user)
		n = (NF - 2) / 2; tot = 0; idle = 0
		for (i = 2; i <= 9; i++) {
			d = $(i + n + 1) - $i; tot += d
			if (i == 5 || i == 6 || i == 9) idle += d	# idle, iowait, steal
		}
		sirq = $(8 + n + 1) - $8
		if (tot > 0) printf "  %-5s busy %5.1f%%  (softirq ticks %5.1f%%)\n", $1, 100 * (tot - idle) / tot, 100 * sirq / tot
	}'
	echo "perf profile, $c flat out (1.5 s, all CPUs, cpu-clock): shares by command"
	echo "(other users' processes included: the machine is shared)"
	perf report -q -i "$NL_TMP/perf.data" --sort comm --stdio 2>/dev/null | head -10
	echo "top symbols, all:"
	perf report -q -i "$NL_TMP/perf.data" --sort comm,sym --stdio 2>/dev/null |
		grep -v '^$' | head -25
	local comms
	comms=$(perf report -q -i "$NL_TMP/perf.data" --pid "$PERF_PID" --sort comm --stdio \
		2>/dev/null | awk '$2 ~ /^(nflogd-g|nflmin|ulogd|tcpdump)/ {print $2}' | paste -sd,)
	echo "capture thread(s) by binary, share of that thread's samples:"
	perf report -q -i "$NL_TMP/perf.data" --pid "$PERF_PID" --comms "$comms" \
		--percentage relative --sort dso --stdio 2>/dev/null | grep -v '^$' | head -8
	echo "top symbols of the capture thread(s), share of that thread's samples:"
	perf report -q -i "$NL_TMP/perf.data" --pid "$PERF_PID" --comms "$comms" \
		--percentage relative --sort sym --stdio 2>/dev/null | grep -v '^$' | head -30
}

# --- main -------------------------------------------------------------------------

echo "nflogd bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $NCPU CPUs," \
	"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "mix $MIX; trial ${TRIAL}s; $RUNS run(s); $STEPS bisection steps; quick=$QUICK"
T0=$(date +%s)
for run in $(seq "$RUNS"); do
	for c in $CONSUMERS; do
		case $c in
		ulogd-*)
			if [ -z "$PLUGDIR" ] || ! command -v ulogd >/dev/null; then
				nl_log "skip $c: no ulogd2"
				continue
			fi ;;
		tcpdump) command -v tcpdump >/dev/null || { nl_log "skip $c"; continue; } ;;
		esac
		bench_search "$c" "$run"
	done
done

# Delay: 1 kpps and half of nflogd's median zero-loss rate.
NFL_ZL=$(awk '$1 == "nflogd-1" {print $3}' "$RES" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)] + 0}')
: >"$NL_TMP/delays"
bench_delay 1000 "1kpps"
[ "${NFL_ZL:-0}" -gt 2000 ] && bench_delay $((NFL_ZL / 2)) "$((NFL_ZL / 2000))kpps"

: >"$NL_TMP/overload"
for c in $CONSUMERS; do
	case $c in nflogd-*) bench_overload "$c" ;; esac
done

if [ "${BENCH_PERF:-$((1 - QUICK))}" = 1 ] && perf record -q -e cpu-clock -o /dev/null true >/dev/null 2>&1; then
	: >"$NL_TMP/perf.txt"
	for c in $CONSUMERS; do
		case $c in nflogd-*) bench_perf "$c" >>"$NL_TMP/perf.txt" 2>&1 ;; esac
	done
fi

echo
python3 - "$RES" "$NL_TMP/delays" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault(f[0], []).append(f)
order = ["min-1", "nflogd-1", "ulogd-text", "ulogd-json", "tcpdump", "min-cpu", "nflogd-cpu"]
def med(c):
    rs = sorted(rows[c], key=lambda f: float(f[2]))
    return rs[(len(rs) - 1) // 2]
m = {c: med(c) for c in rows}
def val(c, i):
    return float(m[c][i]) if c in m else None
print("zero-loss rate: best passing trial (no loss, idle again within 0.5 s), median of runs;")
print("'>=' = no loss even flat out: the generator and the kernel's softirq were the bound;")
print("a ratio between two such figures ('~') compares generator runs, not consumers.")
print("loss@2x: loss in one trial at twice the zero-loss rate (achieved rate, and how long the")
print("consumer still worked through its socket backlog after the generators stopped).")
print("CPU = consumer utime+stime per record; 1-vCPU = 1e9 / CPU, what one vCPU could absorb.")
print()
hdr = ("consumer", "0-loss pps", "runs (kpps)", "loss@2x(at,+drain)", "CPU ns/rec", "1-vCPU M/s",
       "RSS MiB", "rate/min", "rate/ulogdT", "rate/ulogdJ", "CPU/min")
print("%-11s %12s %-15s %18s %10s %10s %8s %9s %11s %11s %8s" % hdr)
for c in order:
    if c not in m:
        continue
    f = m[c]
    runs = ",".join("%.0f" % (float(r[2]) / 1000) for r in rows[c])
    base = "min-cpu" if c.endswith("-cpu") else "min-1"
    gen = f[6] == "gen"
    def ratio(b, i=2, inv=False):
        x, y = val(c, i), val(b, i)
        if not x or not y:
            return "-"
        r = x / y
        mark = ""
        if i == 2 and b != c:
            bgen = m[b][6] == "gen"
            # both generator-bound: the ratio only compares the generators' runs
            mark = "~" if gen and bgen else ">=" if gen else "<=" if bgen else ""
        return "%s%.2f" % (mark, r)
    cpu = float(f[4])
    print("%-11s %12s %-15s %18s %10.0f %10.2f %8.1f %9s %11s %11s %8s" % (
        c, (">=" if gen else "") + "%.0f" % float(f[2]), runs,
        "n/a" if gen else "%s%%@%.0fk+%.1fs" % (f[3], float(f[7]) / 1000, float(f[8])), cpu, 1e3 / cpu if cpu else 0, int(f[5]) / 1024.0,
        ratio(base), ratio("ulogd-text"), ratio("ulogd-json"), ratio(base, 4)))
print()
for line in open(sys.argv[2]):
    print("nflogd delay, packet sent -> record visible to a reader, at " + line.strip())
PY
if [ -s "$NL_TMP/overload" ]; then
	echo
	echo "loss accounting, nflogd with a 1 MiB socket buffer frozen 0.5 s in a 2 s flat-out flood:"
	sed 's/^/  /' "$NL_TMP/overload"
fi
[ -s "$NL_TMP/perf.txt" ] && { echo; cat "$NL_TMP/perf.txt"; }
echo "bench: $(($(date +%s) - T0)) s"
