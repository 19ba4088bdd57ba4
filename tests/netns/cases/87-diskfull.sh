#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 87-diskfull.sh - a full or unwritable file system under the ring.
#
# The case runs in a private mount namespace (it re-executes itself under unshare -m)
# with small tmpfs mounts of its own, so nothing is mounted where the host can see it:
#   - a ring bigger than the file system: nflogd refuses at start, non-zero exit, says
#     why (no space) and leaves no file behind;
#   - a read-only file system: refused at start whether the ring has to be created or
#     already exists, with the reason;
#   - a ring that fits, then the rest of the file system filled with another file: the
#     ring was allocated in full at start (posix_fallocate), so every drop keeps being
#     recorded, around the ring more than once, and the daemon stays up and stops cleanly.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft unshare mount umount dd df python3
nl_require_bins
PKTGEN=$NFLOGD_BUILD/pktgen
[ -x "$PKTGEN" ] || nl_skip "no $PKTGEN (make $NFLOGD_BUILD/pktgen)"
if [ -z "${NFL_PRIVATE_MOUNTS:-}" ]; then
	# Same pid after exec: lib.sh's names (they carry $$) stay as they are.
	NFL_PRIVATE_MOUNTS=1 exec unshare -m --propagation private "$0" "$@"
fi
nl_init
nl_setup_pair

FS=$NL_TMP/fs
RO=$NL_TMP/ro
mkdir -p "$FS" "$RO"
# The mounts die with this mount namespace; unmount them before lib.sh removes $NL_TMP.
trap 'rc=$?; umount -l "$FS" "$RO" 2>/dev/null; (exit $rc); nl_cleanup' EXIT
# mode 0700: nflogd may refuse a world-writable ring directory.
mount -t tmpfs -o size=8M,mode=0700 nflogd-test-fs "$FS" || nl_die "cannot mount a tmpfs"
mount -t tmpfs -o size=1M,mode=0700 nflogd-test-ro "$RO" || nl_die "cannot mount a tmpfs"

nl_load_ruleset - <<NFT
table inet nflogd_full {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "$IF_TGT" udp dport 9 counter log group 10 drop comment "nflog"
	}
}
NFT

# start_fail DESC PATTERN ARGS...: nflogd ARGS exits non-zero at start (within 10 s),
# saying something that matches PATTERN.
start_fail() {
	local desc=$1 pat=$2 rc=0
	shift 2
	timeout -k 2 10 ip netns exec "$NS_TGT" "$NFLOGD" -g 10 "$@" >/dev/null \
		2>"$NL_TMP/err" </dev/null || rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -ge 124 ]; then
		nl_fail "$desc: exit $rc (it should refuse to start)"
	elif ! sed "s#$NL_TMP/##g" "$NL_TMP/err" | grep -Eiq -- "$pat"; then
		nl_fail "$desc: the message does not say why: $(head -c 300 "$NL_TMP/err")"
	else
		nl_pass "$desc (exit $rc: $(sed "s#$NL_TMP/##g" "$NL_TMP/err" | grep -Ei -m 1 -- "$pat"))"
	fi
}

# --- bigger than the file system: refused, nothing left behind ---
start_fail "16M ring on an 8M file system" 'space|allocate' --ring "$FS/drops.ring" --ring-size 16M
nl_eq "nothing left on the file system" "" "$(ls -A "$FS")"

# --- read-only: refused to create, refused to continue ---
mount -o remount,ro "$RO" || nl_die "cannot remount read-only"
start_fail "ring on a read-only file system" 'read-only|create' --ring "$RO/drops.ring" --ring-size 256K
mount -o remount,rw "$RO"
RING=$RO/drops.ring
nl_start_nflogd -g 10 --ring-size 256K || nl_die "nflogd did not start on the tmpfs"
nl_stop_nflogd
mount -o remount,ro "$RO" || nl_die "cannot remount read-only"
sum0=$(sha256sum <"$RO/drops.ring")
start_fail "existing ring on a read-only file system" 'read-only' --ring "$RO/drops.ring" --ring-size 256K
nl_eq "existing ring unchanged" "$sum0" "$(sha256sum <"$RO/drops.ring")"

# --- a ring that fits, then the disk fills up: recording goes on ---
RING=$FS/drops.ring
nl_start_nflogd -g 10 --ring-size 4M || nl_die "nflogd did not start with a 4M ring on 8M"
slots=$(nl_ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["slots"])')
dd if=/dev/zero of="$FS/filler" bs=64k >/dev/null 2>&1
avail=$(df --output=avail -B1 "$FS" | tail -n 1 | tr -d ' ')
nl_eq "the file system is full (bytes available)" 0 "$avail"
n=$((slots * 5 / 2))
nl_src "$PKTGEN" -n "$n" -p 4002 "$TGT4" 9 50000 60 >/dev/null
nl_wait_recorded "$n" 10 || true
nl_check "nflogd still running on a full file system" kill -0 "$NFLOGD_PID"
nl_eq "every drop recorded, around the ring $((n / slots)) times (nft counter)" \
	"$(nl_nft_counter nflog)" "$(nl_stat recorded)"
nl_eq "nothing lost" 0 "$(nl_stat lost_seq)"
nl_check "the last drops read back" \
	sh -c "'$NFLOGCTL' read --ring '$RING' -n $((slots / 2)) 2>&1 | grep -c '\\.4002 > ' | grep -qx $((slots / 2))"
nl_stop_nflogd
nl_eq "nflogd exit status on a full file system" 0 "$?"
nl_eq "ring offline after the stop" offline "$(nl_ctl stats --json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
nl_check_sanitizer "$NFLOGD_ERR"
nl_summary
