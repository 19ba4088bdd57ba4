#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mkcorpus.sh - remake the fuzzers' seed corpora (tests/fuzz/corpus/) from real probes.
#
#   sudo NFLOGD_BUILD=build tests/fuzz/mkcorpus.sh
#
# Builds the namespace pair of tests/netns/lib.sh, drops and logs everything the target
# receives, and sends it a mix of nmap, hping3, ping and traceroute probes (IPv4 and
# IPv6, TCP flag scans, UDP payloads, IPv4 options and fragments, ICMP errors quoting a
# header, RSTs) while three things watch:
#   - tcpdump on the target's veth (Ethernet frames -> raw L3 packets for fuzz_decode),
#   - tcpdump on nflog:21 (the kernel's own NFLOG messages -> fuzz_nflogmsg),
#   - nflogd on group 20 with the smallest ring (16 records per segment), copied after
#     each group of probes (-> fuzz_ringread, drops and alerts).
# The captures are kept in tests/fuzz/pcap/; tests/fuzz/pcap2corpus.py turns them into
# seeds, with truncated and damaged variants. The kb parser's seeds come from kb/, the
# rtnetlink parser's from tests/fuzz/rtnl2corpus.py and the target namespace's kernel.
# Only documentation addresses, only inside the namespaces made here.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"
nl_require_root
nl_require_cmd ip nft tcpdump nmap hping3 ping traceroute python3
nl_require_bins
nl_init
nl_setup_pair
HERE=$NL_ROOT/tests/fuzz

nl_load_ruleset - <<NFT
table inet nflogd_corpus {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit,
			      mld2-listener-report } accept
		iifname "$IF_TGT" log prefix "seed" group 21
		iifname "$IF_TGT" counter log prefix "corpus" group 20 drop
	}
}
NFT

RING=$NL_TMP/small.ring
nl_start_nflogd -g 20 --ring-size 45056 || nl_die "nflogd did not start"

# capture NAME IFACE: tcpdump in the target namespace until we stop it.
capture() {
	ip netns exec "$NS_TGT" tcpdump -n -U -s 0 -i "$2" -w "$NL_TMP/$1.pcap" \
		2>"$NL_TMP/$1.err" &
	NL_PIDS+=($!)
	for _ in $(seq 100); do
		grep -q 'listening on' "$NL_TMP/$1.err" && return 0
		sleep 0.05
	done
	nl_die "tcpdump -i $2 did not start: $(cat "$NL_TMP/$1.err")"
}
capture probes-l2 "$IF_TGT"
TCPDUMP_L2=$!
capture probes-nflog nflog:21
TCPDUMP_NFLOG=$!

nrings=0
snapshot() {	# a copy of the ring as it is now, once the daemon has caught up
	sleep 0.5
	nrings=$((nrings + 1))
	cp "$RING" "$NL_TMP/ring$nrings.ring"
}
nmap4() { nl_src nmap -n -Pn -e "$IF_SRC" --max-retries 0 -T5 "$@" "$TGT4" >/dev/null 2>&1; }
nmap6() { nl_src nmap -6 -n -Pn -e "$IF_SRC" --max-retries 0 -T5 "$@" "$TGT6" >/dev/null 2>&1; }
hp() { nl_src hping3 -q -c "$1" -i u5000 "${@:2}" >/dev/null 2>&1; }

nmap4 -sS -p 21-23,80,137,443,31337
nmap4 -sF -p 22,80
nmap4 -sX -p 22,80
nmap4 -sN -p 22,80
nmap4 -sA -p 22,80
nmap4 -sU -p 53,123,137,161,1434,33434
nmap4 -sS -f -p 80,8080
nmap4 -sS --ip-options R -p 25
nmap4 -sS --badsum --data-length 40 -p 110
nmap4 -O -p 22,80 --osscan-guess
snapshot
hp 2 -S -p 31337 "$TGT4"
hp 2 -F -P -U -p 0 "$TGT4"
hp 2 -S -A -R -p 139 -N 39426 "$TGT4"
hp 2 -2 -s 137 -k -p 137 -d 50 "${TGT4%.*}.255"
hp 2 -2 -p 7 -a 198.51.100.18 "${TGT4%.*}.255"
hp 2 -2 -p 1434 -d 376 "$TGT4"
hp 2 -2 -s 31790 -k -p 31789 "$TGT4"
hp 2 -1 -C 8 "$TGT4"
hp 2 -1 -C 0 -a 198.51.100.19 "$TGT4"
hp 2 -1 -C 13 "$TGT4"
hp 2 -1 -C 3 -K 3 --icmp-ipproto 17 --icmp-srcport 53 --icmp-dstport 40000 "$TGT4"
hp 2 -1 -C 11 -K 0 --icmp-ipproto 6 "$TGT4"
hp 2 -1 -C 5 -K 1 --icmp-gw 192.0.2.254 "$TGT4"
hp 2 -0 -H 47 "$TGT4"
hp 2 -0 -H 50 -d 20 "$TGT4"
hp 2 -S -p 80 --ttl 1 -f -d 200 "$TGT4"
hp 2 -S -p 80 -x -d 100 "$TGT4"
hp 1 -S -p 80 -a "$TGT4" "$TGT4"
snapshot
nl_src ping -c 2 -i 0.05 -s 3000 "$TGT4" >/dev/null 2>&1
nl_src traceroute -n -q 1 -w 0.2 -m 3 "$TGT4" >/dev/null 2>&1
nl_src traceroute -I -n -q 1 -w 0.2 -m 3 "$TGT4" >/dev/null 2>&1
nl_src traceroute -T -n -q 1 -w 0.2 -m 3 -p 443 "$TGT4" >/dev/null 2>&1
# Replies: the source answers the target's own probes with RSTs and ICMP errors that
# quote the probe, and the target logs and drops them.
nl_tgt hping3 -q -c 2 -i u5000 -2 -p 5555 "$SRC4" >/dev/null 2>&1
nl_tgt hping3 -q -c 2 -i u5000 -S -p 5556 "$SRC4" >/dev/null 2>&1
nl_tgt traceroute -6 -n -q 1 -w 0.2 -m 2 "$SRC6" >/dev/null 2>&1
snapshot
nmap6 -sS -p 22,80,443
nmap6 -sU -p 53,547
nmap6 -sF -p 22
nl_src ping -6 -c 2 -i 0.05 "$TGT6" >/dev/null 2>&1
nl_src ping -6 -c 2 -i 0.05 -s 3000 "$TGT6" >/dev/null 2>&1
nl_src traceroute -6 -n -q 1 -w 0.2 -m 3 "$TGT6" >/dev/null 2>&1
snapshot

kill -INT "$TCPDUMP_L2" "$TCPDUMP_NFLOG"
if ! nl_wait_pid "$TCPDUMP_L2" 5 || ! nl_wait_pid "$TCPDUMP_NFLOG" 5; then
	nl_die "tcpdump did not stop"
fi
nl_stop_nflogd || nl_die "nflogd did not stop cleanly"
cp "$RING" "$NL_TMP/ring-stopped.ring"
echo "captured: $(grep -h 'packets captured' "$NL_TMP"/probes-*.err | tr '\n' ' ')"

mkdir -p "$HERE/pcap"
cp "$NL_TMP/probes-l2.pcap" "$NL_TMP/probes-nflog.pcap" "$HERE/pcap/"
rings=()
for r in "$NL_TMP"/ring*.ring; do rings+=(--ring "$r"); done
python3 "$HERE/pcap2corpus.py" --pcap "$HERE/pcap" "${rings[@]}" "$NL_TMP/corpus" ||
	nl_die "pcap2corpus.py failed"

# rtnetlink (fuzz_rtnlmsg): hand-made messages, and the target namespace's links and
# addresses as its kernel dumps them.
ip netns exec "$NS_TGT" python3 "$HERE/rtnl2corpus.py" --live "$NL_TMP/corpus/fuzz_rtnlmsg" ||
	nl_die "rtnl2corpus.py failed"

# The kb parser: data[0] % 8 picks the table (kbparse.h order), 5-7 mean local.kb. Big
# tables are cut at a line boundary: short seeds mutate faster, the rows repeat anyway.
k=$NL_TMP/corpus/fuzz_kbparse
mkdir -p "$k"
i=0
for t in categories ports icmp addresses ttl; do
	# shellcheck disable=SC2059 # the format is the selector byte, built on purpose
	{ printf "\\x$(printf %02x $i)"; head -c 6000 "$NL_ROOT/kb/$t.tsv" | sed '$d'; } >"$k/$t"
	i=$((i + 1))
done
printf '\005port\t30001\ttcp\t8443\tdst\tadmin-panel\tapp\texpected\tlocal\tOur admin panel\tReverse proxy\n' >"$k/local-port"
printf '\006addr\t30002\t203.0.113.0/24\tpartner\texpected\tlocal\tPartner network\tVPN peers\n' >"$k/local-addr"
printf '\007# comment\n\nport\t30003\tboth\t9000-9010\tsrc\t-\tapp\tnoise\tlocal\tRange\tA range row\n' >"$k/local-range"

# Inputs that once crashed a target (regress-*) stay: they guard the fix.
for t in fuzz_decode fuzz_nflogmsg fuzz_ringread fuzz_explain fuzz_kbparse fuzz_rtnlmsg; do
	find "$HERE/corpus/$t" -name 'regress-*' -exec cp {} "$NL_TMP/corpus/$t/" \; 2>/dev/null
	rm -rf "${HERE:?}/corpus/$t"
	mkdir -p "$HERE/corpus"
	cp -R "$NL_TMP/corpus/$t" "$HERE/corpus/$t"
	echo "$t: $(find "$HERE/corpus/$t" -type f | wc -l) seeds, $(du -sh "$HERE/corpus/$t" | cut -f1)"
done
