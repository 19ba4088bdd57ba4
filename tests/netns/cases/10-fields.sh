#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 10-fields.sh - every field nflogd records, checked against what was sent and against
# the kernel's own log line for the same packet.
#
# The target logs each probe twice: a plain `log prefix "KLOG-..."` rule (kernel syslog,
# read back with dmesg; needs net.netfilter.nf_log_all_netns=1 outside the init netns) and
# the NFLOG rule nflogd listens to. tests/netns/check_fields.py holds the probe table and
# the assertions.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 python3 dmesg
nl_require_bins
nl_init
nl_setup_pair

CHECK=$NL_ROOT/tests/netns/check_fields.py
PREFIX=nflogd-drop
GROUP=10
KLOG="KLOG-$$-$RANDOM: "

# Fragments are logged from prerouting: the stack reassembles IPv4 before the input hook.
# Neighbour discovery and MLD stay allowed so that IPv6 works and adds no noise.
nl_load_ruleset - <<NFT
table inet nflogd_fields {
	chain pre {
		type filter hook prerouting priority -450; policy accept;
		iifname "$IF_TGT" ip frag-off & 0x3fff != 0 log prefix "$KLOG"
		iifname "$IF_TGT" ip frag-off & 0x3fff != 0 counter log prefix "$PREFIX" group $GROUP drop comment "nflog-pre"
	}
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit,
			      nd-router-advert, mld-listener-query, mld-listener-report,
			      mld-listener-done, mld2-listener-report } accept
		iifname "$IF_TGT" log prefix "$KLOG"
		iifname "$IF_TGT" counter log prefix "$PREFIX" group $GROUP drop comment "nflog-input"
	}
}
NFT
nl_sysctl_init net.netfilter.nf_log_all_netns 1

nl_start_nflogd -g "$GROUP" || exit 1
NPROBES=$(python3 "$CHECK" count)
nl_check "send $NPROBES probes" python3 "$CHECK" send "$NS_SRC" $$
nl_wait_recorded "$NPROBES" 5
hits=$(($(nl_nft_counter nflog-pre) + $(nl_nft_counter nflog-input)))
nl_eq "nft counters (ground truth)" "$NPROBES" "$hits"
nl_stop_nflogd
nl_eq "nflogd exit status after SIGTERM" 0 "$?"

nl_ctl read --json >"$NL_TMP/records.json"
nl_eq "nflogctl read --json exit status" 0 "$?"
dmesg -t | grep -F "$KLOG" >"$NL_TMP/klog.txt"
ifindex=$(ip -n "$NS_TGT" -o link show "$IF_TGT" | cut -d: -f1)
nl_check "records match probes and kernel log" \
	python3 "$CHECK" check "$NL_TMP/records.json" "$NL_TMP/klog.txt" "$PREFIX" "$GROUP" \
	"$IF_TGT" "$ifindex" $$
nl_eq "stats recorded" "$NPROBES" "$(nl_stat recorded)"
nl_eq "stats lost_seq" 0 "$(nl_stat lost_seq)"
nl_eq "stats ipv6" 6 "$(nl_stat ipv6)"

# The text form: one line per record, tcpdump-like.
# Drops only: alerts of the correlator are shown inline too.
nl_ctl read | grep -v " ALERT #" >"$NL_TMP/records.txt"
nl_eq "text lines" "$NPROBES" "$(grep -c . "$NL_TMP/records.txt")"
nl_eq "text lines naming group, interface and prefix" "$NPROBES" \
	"$(grep -c "g$GROUP.* in=$IF_TGT \"$PREFIX\" IP6\? " "$NL_TMP/records.txt")"
nl_check "text SYN line" grep -q 'IP 198\.51\.100\.2\.40000 > 192\.0\.2\.1\.80: tcp \[S\] seq 123456 win 512, ttl 33 .*len 40 DF' "$NL_TMP/records.txt"
nl_check "text quoted ICMP error" grep -q 'icmp 3/3 .*quoted udp 192\.0\.2\.1\.5353 > 198\.51\.100\.2\.53' "$NL_TMP/records.txt"
nl_check "text IPv6 flow label" grep -q 'IP6 2001:db8::2\.40100 > 2001:db8::1\.22: .*hlim 33 tclass 0x20 flow 0x' "$NL_TMP/records.txt"

if [ "$NL_FAIL" -ne 0 ]; then
	echo "--- nflogctl read ---"
	cat "$NL_TMP/records.txt"
	echo "--- kernel log ---"
	cat "$NL_TMP/klog.txt"
fi
nl_summary
