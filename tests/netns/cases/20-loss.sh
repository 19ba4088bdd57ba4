#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 20-loss.sh - exact loss accounting under overload: recorded + lost_seq == nft counter.
#
# nflogd gets a tiny receive buffer and is frozen (SIGSTOP) while hping3 floods the
# target, so the socket overruns and the kernel drops whole batches. After SIGCONT a few
# trailing packets, 0.2 s apart, make the losses at the end of the flood visible as a
# sequence gap (doc/perf-notes: a consumer only sizes a loss when a later message
# arrives). The nft counter on the logging rule is the ground truth.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 python3 timeout
nl_require_bins
nl_init
nl_setup_pair

GROUP=10
nl_load_ruleset - <<NFT
table inet nflogd_loss {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$IF_TGT" udp dport 9 counter log prefix "loss" group $GROUP drop comment "nflog"
	}
}
NFT

# The smallest receive buffer the daemon takes (the kernel enforces its own minimum).
started=
for rcvbuf in 4096 8192 16384 65536; do
	if nl_start_nflogd -g "$GROUP" --rcvbuf "$rcvbuf" 2>"$NL_TMP/start.err"; then
		started=$rcvbuf
		break
	fi
done
if [ -z "$started" ]; then
	cat "$NL_TMP/start.err" >&2
	nl_die "nflogd refused every --rcvbuf from 4096 to 65536"
fi
echo "  nflogd -g $GROUP --rcvbuf $started (pid $NFLOGD_PID)"

kill -STOP "$NFLOGD_PID"
# hping3 prints its statistics on SIGINT; a second after the flood starts is plenty.
timeout -s INT 1 ip netns exec "$NS_SRC" hping3 --flood -2 -p 9 -s 20000 "$TGT4" \
	>"$NL_TMP/flood.out" 2>&1
kill -CONT "$NFLOGD_PID"
sed -n 's/^/  hping3: /; /packets transmitted/p' "$NL_TMP/flood.out"
sleep 0.2
for i in 1 2 3 4 5; do
	timeout -s INT 0.2 ip netns exec "$NS_SRC" hping3 -q -c 1 -2 -p 9 -s 30000 -k "$TGT4" \
		>/dev/null 2>&1
done
nl_check "nflogd survived the flood" kill -0 "$NFLOGD_PID"

# Wait (up to 5 s) until every counted packet is either recorded or sized as lost.
sent=0 recorded=0 lost=0
for _ in $(seq 50); do
	sent=$(nl_nft_counter nflog)
	recorded=$(nl_stat recorded)
	lost=$(nl_stat lost_seq)
	[ $((recorded + lost)) -ge "$sent" ] && break
	sleep 0.1
done
nl_ctl stats >"$NL_TMP/stats.txt"
enobufs=$(nl_stat enobufs)
sock_drops=$(nl_stat sock_drops)
pending=$(nl_stat drops_pending)
printf '  nft counter %s, recorded %s, lost_seq %s, enobufs %s, sock_drops %s, drops_pending %s\n' \
	"$sent" "$recorded" "$lost" "$enobufs" "$sock_drops" "$pending"
nl_eq "recorded + lost_seq == nft counter" "$sent" "$((recorded + lost))"
nl_check "the flood overran the socket (lost_seq $lost > 0)" [ "$lost" -gt 0 ]
nl_check "ENOBUFS seen (enobufs $enobufs > 0)" [ "$enobufs" -gt 0 ]
nl_check "the trailing packets were recorded" [ "$recorded" -ge 5 ]
nl_eq "no drop left unsized after the trailing packets" 0 "$pending"
nl_check "nflogctl read shows the last trailing packet" \
	sh -c "'$NFLOGCTL' read --ring '$RING' -n 1 | grep -q '\.30000 > 192\.0\.2\.1\.9: udp'"

nl_stop_nflogd
nl_eq "nflogd exit status after SIGTERM" 0 "$?"
# Stopping unbinds the group, which flushes nothing new here: the books still balance.
nl_eq "after exit: recorded + lost_seq == nft counter" "$(nl_nft_counter nflog)" \
	"$(($(nl_stat recorded) + $(nl_stat lost_seq)))"
[ "$NL_FAIL" -ne 0 ] && sed 's/^/  | /' "$NL_TMP/stats.txt" "$NFLOGD_ERR"
nl_summary
