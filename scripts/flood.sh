#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# flood.sh - quick flood: the logged-drop rate at which nflogd first loses a packet.
#
#   sudo [NFLOGD_ARGS='--rcvbuf 212992'] scripts/flood.sh [single|percpu] [SECONDS] [RATE...]
#
# Builds the namespace pair of tests/netns/lib.sh, loads a ruleset that logs and drops
# UDP to port 9 (one group, or one group per CPU via meta cpu), starts nflogd with its
# defaults, and for each offered rate (packets/s, 0 = flat out) runs one pktgen per CPU
# (each pinned, sending RATE/ncpu) for SECONDS. Ground truth is the nft counter; the
# daemon's counters must account for every packet (recorded + lost_seq = counter). It
# prints one line per rate. Numbers, not assertions: this is a measurement, not a test.

. "$(dirname "$0")/../tests/netns/lib.sh"
nl_require_root
nl_require_cmd ip nft python3 taskset
MODE=${1:-single}
SECS=${2:-3}
shift 2 2>/dev/null
RATES=("${@:-100000 200000 400000 0}")
read -r -a RATES <<<"${RATES[*]}"
PKTGEN=$NFLOGD_BUILD/pktgen
[ -x "$PKTGEN" ] || nl_skip "no $PKTGEN (make $NFLOGD_BUILD/pktgen)"
nl_require_bins
nl_init
nl_setup_pair
NCPU=$(getconf _NPROCESSORS_ONLN)

case $MODE in
single)
	nl_load_ruleset - <<NFT
table inet nflogd_flood {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 9 counter log group 10 drop comment "flood"
	}
}
NFT
	# shellcheck disable=SC2086
	nl_start_nflogd -g 10 --ring-size 512M ${NFLOGD_ARGS:-} || nl_die "nflogd did not start"
	;;
percpu)
	{
		"$NFLOGCTL" rules print --per-cpu --cpus "$NCPU" --groups 10 --table nflogd_flood
		cat <<'NFT'
table inet nflogd_flood {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 9 counter jump nflogd_drop comment "flood"
	}
}
NFT
	} | nl_load_ruleset -
	# shellcheck disable=SC2086
	nl_start_nflogd --per-cpu 10 --ring-size 512M ${NFLOGD_ARGS:-} || nl_die "nflogd did not start"
	;;
*) nl_die "mode must be single or percpu" ;;
esac

total() { nl_stat "$1"; }
printf '%-8s %-6s %12s %12s %12s %12s %10s\n' mode offered sent nft recorded lost loss%
prev_nft=0 prev_rec=0 prev_lost=0
for rate in "${RATES[@]}"; do
	per=$((rate / NCPU))
	pids=()
	for cpu in $(seq 0 $((NCPU - 1))); do
		nl_src taskset -c "$cpu" "$PKTGEN" "$TGT4" 9 "$per" "$SECS" >"$NL_TMP/gen.$cpu" &
		pids+=($!)
	done
	wait "${pids[@]}"
	sent=$(cat "$NL_TMP"/gen.* | awk '{s += $2} END {print s}')
	# One packet after the flood sizes any loss at its tail (perf-notes section 8).
	sleep 0.5
	nl_src "$PKTGEN" "$TGT4" 9 0 0.001 >/dev/null
	sleep 1
	nft=$(nl_nft_counter flood)
	rec=$(total recorded)
	lost=$(total lost_seq)
	d_nft=$((nft - prev_nft)) d_rec=$((rec - prev_rec)) d_lost=$((lost - prev_lost))
	printf '%-8s %-6s %12s %12s %12s %12s %9.3f%%  %s\n' "$MODE" "$rate" \
		"$((sent / SECS))/s" "$d_nft" "$d_rec" "$d_lost" \
		"$(python3 -c "print(100.0 * $d_lost / max($d_nft, 1))")" \
		"$([ $((rec + lost)) -eq "$nft" ] && echo exact || echo "MISMATCH")"
	prev_nft=$nft prev_rec=$rec prev_lost=$lost
done
