#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh - a live nflogd demo in two private network namespaces (what `sudo make demo` runs).
#
# A "target" namespace gets nft/nflogd.nft (drops are logged to NFLOG group 10) and runs
# nflogd on a temporary ring; a "source" namespace sends it a few dozen typical scan and
# probe packets, some from forged documentation addresses. Then it shows what nflogd
# recorded. Nothing outside the two namespaces is touched, and everything is removed at
# exit; KEEP_RING=1 keeps the ring file to explore with nflogctl afterwards.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../tests/netns/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: needs root for network namespaces and nftables: sudo make demo" >&2
	exit 1
fi
for c in ip nft hping3 python3 timeout; do
	command -v "$c" >/dev/null || { echo "demo.sh: missing $c: run scripts/deps.sh" >&2; exit 1; }
done
[ -x "$NFLOGD" ] && [ -x "$NFLOGCTL" ] ||
	{ echo "demo.sh: no $NFLOGD or $NFLOGCTL: run make all" >&2; exit 1; }

NL_TMP_NAME=nflogd-demo
nl_init
if [ "${KEEP_RING:-0}" = 1 ]; then
	# A directory of its own: nflogd refuses a ring in a world-writable one such as /tmp.
	RING=$(mktemp -d "${TMPDIR:-/tmp}/nflogd-demo.XXXXXX")/drops.ring
fi

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
[ -t 1 ] || section() { printf '\n== %s\n' "$*"; }

section "Setting up"
nl_setup_pair
nl_load_ruleset "$NL_ROOT/nft/nflogd.nft"
echo "target:  namespace $NS_TGT, $IF_TGT $TGT4 $TGT6, ruleset nft/nflogd.nft (NFLOG group 10)"
echo "source:  namespace $NS_SRC, $IF_SRC $SRC4 $SRC6, plus forged sources"
nl_start_nflogd -g 10 --ring-size 4M || exit 1
echo "daemon:  $(grep ready "$NFLOGD_ERR")"

# hping3 waits a second for replies after its last packet, so each batch of probes is
# sent in parallel. Arguments: description, then hping3 options (target appended).
probe_what=()
probe_args=()
probe() {
	probe_what+=("$1")
	shift
	probe_args+=("$*")
}
probe "TCP SYN to telnet"          -S -p 23 -a 198.51.100.23
probe "TCP SYN to http"            -S -p 80 -a 198.51.100.80 -t 52
probe "TCP SYN to netbios-ssn"     -S -p 139 -a 203.0.113.139
probe "TCP SYN to microsoft-ds"    -S -p 445 -a 203.0.113.45 -t 113
probe "TCP SYN to ms-sql"          -S -p 1433 -a 203.0.113.14
probe "TCP SYN to rdp"             -S -p 3389 -a 198.51.100.33 -w 64240 -y
probe "TCP SYN to 5900 (vnc)"      -S -p 5900 -a 198.51.100.59
probe "TCP SYN to 8080"            -S -p 8080 -a 198.51.100.88
probe "TCP SYN to 27374 (SubSeven)" -S -p 27374 -a 203.0.113.73
probe "TCP SYN to 31337 (Back Orifice)" -S -p 31337 -a 203.0.113.37
probe "TCP FIN scan"               -F -p 80 -a 198.51.100.101
probe "TCP XMAS scan"              -F -P -U -p 31337 -a 198.51.100.102
probe "TCP NULL scan"              -p 23 -a 198.51.100.103
probe "TCP SYN+FIN"                -S -F -p 445 -a 198.51.100.104
probe "TCP ACK probe"              -A -p 80 -a 198.51.100.105
probe "TCP RST"                    -R -p 443 -a 198.51.100.106
probe "UDP to domain"              -2 -p 53 -a 198.51.100.53 -d 29
probe "UDP to netbios-ns"          -2 -p 137 -a 203.0.113.137 -d 50
probe "UDP to snmp"                -2 -p 161 -a 203.0.113.161 -d 40
probe "UDP to ssdp"                -2 -p 1900 -a 198.51.100.19 -d 120
probe "UDP to 5060 (sip)"          -2 -p 5060 -a 198.51.100.50 -d 64
probe "traceroute-style UDP, TTL 1" -2 -p 33434 -t 1 -d 32
probe "ICMP echo request"          -1 -a 198.51.100.8
probe "ICMP echo, DF, 56 bytes"    -1 -y -d 56
probe "ICMP timestamp request"     --icmp-ts -a 203.0.113.13
probe "TCP SYN, TOS 0x10 (low delay)" -S -p 22222 -o 10 -a 198.51.100.10
# Sent below by the python sender; listed here for the summary.
probe "IPv6 TCP SYN to https"       raw6 2001:db8:bad::443
probe "IPv6 ICMPv6 echo request"    raw6 "$SRC6"
probe "IPv6 UDP to mdns, hop limit 1" raw6 2001:db8:bad::53

section "Sending ${#probe_what[@]} probes from $NS_SRC"
pids=()
ttls=(64 128 255 52 47 113 116 241)
for i in "${!probe_what[@]}"; do
	args=${probe_args[$i]}
	src=$SRC4
	[[ $args == *"-a "* ]] && src=${args#*-a } src=${src%% *}
	[[ $args == "raw6 "* ]] && src=${args#raw6 }
	printf '  %-34s from %s\n' "${probe_what[$i]}" "$src"
	[[ $args == "raw6 "* ]] && continue
	# Parallel hping3s seed their randomness alike: pick source port, IP ID, TCP seq and (unless
	# the probe sets one) a TTL typical of some OS here, so the drops look like real ones.
	extra="-s $((1024 + RANDOM % 64000)) -N $((RANDOM + 1)) -M $((RANDOM * 65536 + RANDOM))"
	[[ $args == *"-t "* ]] || extra="$extra -t ${ttls[RANDOM % ${#ttls[@]}]}"
	# shellcheck disable=SC2086 # each probe is a word list by design
	timeout -s INT 3 ip netns exec "$NS_SRC" hping3 -q -c 1 $extra $args "$TGT4" \
		>/dev/null 2>&1 &
	pids+=($!)
done
# IPv6 (hping3 has none): a SYN to https, an echo request, a UDP packet, as raw packets.
ip netns exec "$NS_SRC" python3 - "$NL_ROOT/tests/netns" <<'PY' &
import socket, struct, sys
sys.path.insert(0, sys.argv[1])
from check_fields import ip6_hdr, l4_tcp, l4_udp, csum, a6
dst = "2001:db8::1"
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
def send(src, nh, l4, hlim=64, fl=0):
    s.sendto(ip6_hdr(src, dst, nh, len(l4), hlim=hlim, fl=fl) + l4, (dst, 0))
def pseudo(src):
    return lambda proto, n: a6(src) + a6(dst) + struct.pack("!IxxxB", n, proto)
src = "2001:db8:bad::443"
send(src, 6, l4_tcp(dict(sport=51515, dport=443, flags=0x02, win=64800, seq=1), pseudo(src)), fl=0x2b3c4)
src = "2001:db8::2"
body = struct.pack("!BBHHH", 128, 0, 0, 4242, 1) + bytes(56)
send(src, 58, body[:2] + struct.pack("!H", csum(pseudo(src)(58, len(body)) + body)) + body[4:], hlim=255)
src = "2001:db8:bad::53"
send(src, 17, l4_udp(dict(sport=5353, dport=5353, data=20), pseudo(src)), hlim=1)
PY
pids+=($!)
wait "${pids[@]}"
# A port scan of 100 ports from one (forged) source: the correlator makes it one alert.
ip netns exec "$NS_SRC" hping3 -q -S -a 198.51.100.66 -p ++20 -c 100 -i u2000 "$TGT4" \
	>/dev/null 2>&1
# A neighbour's NetBIOS name-service broadcasts: harmless noise the log need not keep.
ip netns exec "$NS_SRC" hping3 -q -2 -s 137 -k -p 137 -c 12 -i u5000 -d 50 "${TGT4%.*}.255" \
	>/dev/null 2>&1

# Wait until everything the ruleset counted is in the ring (the kernel batches messages
# until its next timer tick with the default --flush-timeout 0).
want=$(nl_nft_counter nflogd)
for _ in $(seq 50); do
	[ "$(nl_stat recorded)" -ge "$want" ] && break
	sleep 0.1
done

section "Dropped packets: nflogctl read --ring $RING"
nl_ctl read
section "Alerts: nflogctl alerts"
sleep 1.2	# the correlator reads the ring every 100 ms and updates incidents each second
nl_ctl alerts
section "Explained: nflogctl explain 27374/tcp"
"$NFLOGCTL" explain 27374/tcp
section "Counters: nflogctl stats (in the target namespace, so it can name the log rule)"
nl_tgt "$NFLOGCTL" stats --ring "$RING"
echo "(the nft rule counted $want packets)"
section "Suggested rules: nflogctl suggest (a script to review; nothing is changed)"
nl_tgt "$NFLOGCTL" suggest --ring "$RING" >"$NL_TMP/suggest.nft"
cat "$NL_TMP/suggest.nft"
if nl_tgt nft -c -f "$NL_TMP/suggest.nft"; then
	echo "(nft -c -f accepts it against the target's ruleset)"
fi
section "Applying the blocks: nflogctl rules install; nflogctl suggest --apply"
nl_tgt "$NFLOGCTL" rules install
nl_tgt "$NFLOGCTL" suggest --ring "$RING" --apply >/dev/null
nl_tgt nft list set inet nflogd block4 | sed 's/^/  /'
section "The ring file"
ls -l "$RING" | sed 's/^/  /'
nl_stop_nflogd || echo "nflogd exited with status $?"
if [ "${KEEP_RING:-0}" = 1 ]; then
	cat <<EOT
It is kept. Look at it with:
  $NFLOGCTL read --ring $RING --json
  $NFLOGCTL stats --ring $RING
and remove it with: rm -r $(dirname "$RING")
EOT
else
	echo "It is removed now, with the namespaces; run with KEEP_RING=1 to keep it."
	echo "As JSON Lines:  nflogctl read --ring PATH --json  (one object per drop)"
fi
