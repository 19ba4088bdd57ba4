#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 88-pressure.sh - pressure from outside the daemon: readers that stop or block, then a
# minute of overload.
#
# Readers: the ring has no locks, so a reader that stops can never hold the writer up.
# The same 40,000 drops are sent twice, first with no reader, then with three stuck
# ones: `nflogctl read -f` frozen by SIGSTOP, `nflogctl read -f` blocked writing into a
# pipe nobody reads, and a process holding the file open and mapped, frozen too. Both
# times every drop must be recorded (recorded grows by the nft counter's growth) with
# no loss. After SIGCONT the frozen follower goes on: it skips what was overwritten
# meanwhile (40,000 records through an 8M ring of 8,192 slots) and prints what comes next.
#
# Overload: for 60 s pktgen offers 100 kpps while nflogd, with a small receive buffer,
# is frozen (SIGSTOP) for 0.3 s out of every 0.6 s: about twice what it can take in.
# The daemon stays up, its resident memory is flat once warm (VmRSS sampled every 5 s
# after 10 s: growth < 1 MiB; not in sanitizer builds, whose allocator keeps freed memory
# in quarantine) and the books balance exactly at the end: nft counter ==
# recorded + lost_seq, nothing left pending (the trailing packets size the last gap, as
# in 20-loss.sh).

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft python3 timeout
nl_require_bins
PKTGEN=$NFLOGD_BUILD/pktgen
[ -x "$PKTGEN" ] || nl_skip "no $PKTGEN (make $NFLOGD_BUILD/pktgen)"
nl_init
nl_setup_pair

GROUP=10
nl_load_ruleset - <<NFT
table inet nflogd_pressure {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$IF_TGT" udp dport 9 counter log group $GROUP drop comment "nflog"
	}
}
NFT

N=40000
# burst SPORT: N drops from SPORT at 40 kpps, then wait until the daemon has them all.
# Sets D_NFT, D_REC, D_LOST: what the nft counter, recorded and lost_seq grew by.
burst() {
	local nft0 rec0 lost0 i
	nft0=$(nl_nft_counter nflog) rec0=$(nl_stat recorded) lost0=$(nl_stat lost_seq)
	nl_src "$PKTGEN" -n "$N" -p "$1" "$TGT4" 9 40000 30 >/dev/null
	for i in $(seq 50); do
		D_NFT=$(($(nl_nft_counter nflog) - nft0))
		D_REC=$(($(nl_stat recorded) - rec0))
		D_LOST=$(($(nl_stat lost_seq) - lost0))
		[ $((D_REC + D_LOST)) -ge "$D_NFT" ] && break
		sleep 0.1
	done
}

# --- stuck readers change nothing ---
nl_start_nflogd -g "$GROUP" --ring-size 8M || nl_die "nflogd did not start"
burst 4100
nl_eq "no reader: every drop recorded ($D_REC of $D_NFT)" "$N $N" "$D_NFT $D_REC"
nl_eq "no reader: nothing lost" 0 "$D_LOST"

"$NFLOGCTL" read -f --ring "$RING" >"$NL_TMP/follow.out" 2>"$NL_TMP/follow.err" &
FOLLOW=$!
NL_PIDS+=("$FOLLOW")
# A pipe nobody reads: the follower blocks in write() once it is full (64 KiB).
mkfifo "$NL_TMP/fifo"
# shellcheck disable=SC2034 # the descriptor only keeps the fifo open, unread
exec {HOLD_FIFO}<>"$NL_TMP/fifo"
"$NFLOGCTL" read -f --ring "$RING" >"$NL_TMP/fifo" 2>/dev/null &
BLOCKED=$!
NL_PIDS+=("$BLOCKED")
python3 -c '
import mmap, sys, time
f = open(sys.argv[1], "rb")
m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
print(m[:8].decode(), flush=True)
time.sleep(3600)' "$RING" >"$NL_TMP/holder.out" &
HOLDER=$!
NL_PIDS+=("$HOLDER")
for _ in $(seq 50); do
	[ -s "$NL_TMP/follow.out" ] && [ -s "$NL_TMP/holder.out" ] && break
	sleep 0.1
done
nl_check "the follower printed the last records before stopping" test -s "$NL_TMP/follow.out"
nl_eq "the holder mapped the ring" NFLOGRNG "$(cat "$NL_TMP/holder.out")"
kill -STOP "$FOLLOW" "$HOLDER"
burst 4101
nl_eq "stuck readers: every drop recorded ($D_REC of $D_NFT)" "$N $N" "$D_NFT $D_REC"
nl_eq "stuck readers: nothing lost" 0 "$D_LOST"
nl_check "the pipe-blocked follower is still blocked, not gone" kill -0 "$BLOCKED"
kill -CONT "$FOLLOW" "$HOLDER"
nl_src "$PKTGEN" -n 3 -p 4102 "$TGT4" 9 100 5 >/dev/null
for _ in $(seq 50); do
	grep -q '\.4102 > ' "$NL_TMP/follow.out" && break
	sleep 0.1
done
nl_check "after SIGCONT the follower goes on (prints the next drops)" grep -q '\.4102 > ' "$NL_TMP/follow.out"
nl_check "the follower did not print the overwritten middle of the burst" \
	test "$(grep -c '\.4101 > ' "$NL_TMP/follow.out")" -lt "$N"
kill -TERM "$FOLLOW" "$BLOCKED" "$HOLDER"
nl_stop_nflogd
nl_eq "nflogd exit status" 0 "$?"

# --- a minute at about twice what the daemon can take ---
started=
for rcvbuf in 131072 262144 524288; do
	if nl_start_nflogd -g "$GROUP" --ring-size 8M --rcvbuf "$rcvbuf" 2>"$NL_TMP/start.err"; then
		started=$rcvbuf
		break
	fi
done
[ -n "$started" ] || nl_die "nflogd refused --rcvbuf 128K..512K: $(cat "$NL_TMP/start.err")"
nft0=$(nl_nft_counter nflog) rec0=$(nl_stat recorded)
ip netns exec "$NS_SRC" "$PKTGEN" "$TGT4" 9 100000 60 >"$NL_TMP/pktgen.out" &
GEN=$!
NL_PIDS+=("$GEN")
(
	trap 'kill -CONT '"$NFLOGD_PID"'; exit 0' TERM
	while :; do
		kill -STOP "$NFLOGD_PID"
		sleep 0.3
		kill -CONT "$NFLOGD_PID"
		sleep 0.3
	done
) &
FREEZER=$!
NL_PIDS+=("$FREEZER")
rss=()
for t in $(seq 5 5 60); do
	sleep 5
	kill -0 "$NFLOGD_PID" 2>/dev/null || break
	[ "$t" -ge 10 ] && rss+=("$(awk '/^VmRSS:/ {print $2}' "/proc/$NFLOGD_PID/status")")
done
wait "$GEN"
kill -TERM "$FREEZER"
wait "$FREEZER" 2>/dev/null
kill -CONT "$NFLOGD_PID"
nl_check "nflogd survived a minute of overload" kill -0 "$NFLOGD_PID"
echo "  --rcvbuf $started, $(cat "$NL_TMP/pktgen.out"); VmRSS kB every 5 s from 10 s: ${rss[*]}"
lo=$(printf '%s\n' "${rss[@]}" | sort -n | head -n 1)
hi=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
if grep -qa __asan_init "$NFLOGD"; then
	# ASan keeps freed memory in quarantine (up to 256 MiB) and maps allocator regions
	# as they are first used, so resident memory grows by design; LSan checks for leaks
	# when the daemon exits (nl_stop_nflogd), the plain build checks the bound.
	echo "  (sanitizer build: VmRSS ${lo}..${hi} kB not checked)"
else
	nl_check "VmRSS flat after warm-up: ${lo}..${hi} kB, growth $((hi - lo)) kB < 1024 kB" \
		test "${#rss[@]}" -ge 10 -a $((hi - lo)) -lt 1024
fi

# Trailing packets, 0.2 s apart: the first after the flood sizes its last loss.
sleep 0.2
for i in 1 2 3 4 5; do
	nl_src "$PKTGEN" -n 1 -p 4103 "$TGT4" 9 1 1 >/dev/null
	sleep 0.2
done
sent=0 recorded=0 lost=0
for _ in $(seq 50); do
	sent=$(nl_nft_counter nflog) recorded=$(nl_stat recorded) lost=$(nl_stat lost_seq)
	[ $((recorded + lost)) -ge "$sent" ] && break
	sleep 0.1
done
printf '  overload: nft counter +%d, recorded +%d, lost_seq %d (offered %s x what was recorded), enobufs %s\n' \
	$((sent - nft0)) $((recorded - rec0)) "$lost" \
	"$(python3 -c "print(round($((sent - nft0)) / max($((recorded - rec0)), 1), 2))")" "$(nl_stat enobufs)"
nl_eq "recorded + lost_seq == nft counter" "$sent" "$((recorded + lost))"
nl_check "the overload lost drops (lost_seq $lost > 0)" test "$lost" -gt 0
nl_eq "no loss left unsized" 0 "$(nl_stat drops_pending)"
nl_stop_nflogd
nl_eq "nflogd exit status after the overload" 0 "$?"
nl_summary
