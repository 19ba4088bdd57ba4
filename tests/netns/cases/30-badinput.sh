#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 30-badinput.sh - bad options and bad ring files: refused with a clear message, and the
# files involved are left byte-for-byte as they were.
#
# nflogd runs in a namespace of its own so that, should it wrongly start, it binds
# nothing in the host's namespace; a timeout ends it then (and the case fails).

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip timeout sha256sum head setpriv
nl_require_bins
nl_init
NS=nfl-bad-$$
nl_netns_add "$NS"

D=$NL_TMP
sum() { sha256sum <"$1" | cut -d' ' -f1; }

# expect_fail DESC PATTERN CMD...: CMD exits non-zero (not by a signal, not by timeout)
# and says something matching PATTERN (grep -Ei) on stderr, without a sanitizer report.
expect_fail() {
	local desc=$1 pat=$2 rc=0
	shift 2
	timeout -k 2 5 "$@" >"$D/out" 2>"$D/err" </dev/null || rc=$?
	if [ "$rc" -eq 0 ]; then
		nl_fail "$desc: exit status 0"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		nl_fail "$desc: still running after 5 s (it accepted the input)"
	elif [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ]; then
		nl_fail "$desc: could not run: $(head -c 300 "$D/err")"
	elif [ "$rc" -gt 128 ]; then
		nl_fail "$desc: killed by signal $((rc - 128))"
	elif grep -Eq 'Sanitizer|runtime error' "$D/err"; then
		nl_fail "$desc: sanitizer report: $(head -c 300 "$D/err")"
	# The paths used here contain "ring": match the message without them.
	elif ! sed "s#$D/[^ :;,]*#FILE#g" "$D/err" | grep -Eiq -- "$pat"; then
		nl_fail "$desc: stderr does not match /$pat/: '$(head -c 300 "$D/err")'"
	else
		nl_pass "$desc (exit $rc: $(head -n 1 "$D/err"))"
	fi
}

NFLOGD_NS=(ip netns exec "$NS" "$NFLOGD")

# --- options ---
expect_fail "nflogd unknown option" 'option|usage|unrecognized' \
	"${NFLOGD_NS[@]}" --no-such-option -g 10 --ring "$D/a.ring"
expect_fail "nflogd -g abc" 'group' "${NFLOGD_NS[@]}" -g abc --ring "$D/a.ring"
expect_fail "nflogd -g 5-2" 'group' "${NFLOGD_NS[@]}" -g 5-2 --ring "$D/a.ring"
expect_fail "nflogd -g 70000" 'group' "${NFLOGD_NS[@]}" -g 70000 --ring "$D/a.ring"
expect_fail "nflogd -g ''" 'group' "${NFLOGD_NS[@]}" -g '' --ring "$D/a.ring"
expect_fail "nflogd -g 1,,2" 'group' "${NFLOGD_NS[@]}" -g 1,,2 --ring "$D/a.ring"
expect_fail "nflogd --ring-size abc" 'size|ring' "${NFLOGD_NS[@]}" -g 10 --ring "$D/a.ring" --ring-size abc
nl_check "no ring file left behind by refused options" [ ! -e "$D/a.ring" ]

# --- ring paths ---
head -c 4096 /dev/urandom >"$D/precious"
before=$(sum "$D/precious")
ln -s "$D/precious" "$D/link.ring"
expect_fail "nflogd --ring SYMLINK" 'ring|link' "${NFLOGD_NS[@]}" -g 10 --ring "$D/link.ring"
nl_eq "symlink target unchanged" "$before" "$(sum "$D/precious")"
nl_check "symlink still a symlink" [ -L "$D/link.ring" ]

ln -s "$D/not-there" "$D/dangling.ring"
expect_fail "nflogd --ring DANGLING-SYMLINK" 'ring|link' "${NFLOGD_NS[@]}" -g 10 --ring "$D/dangling.ring"
nl_check "dangling symlink target not created" [ ! -e "$D/not-there" ]

expect_fail "nflogd --ring /proc/nflogd.ring" 'ring|/proc' "${NFLOGD_NS[@]}" -g 10 --ring /proc/nflogd.ring
expect_fail "nflogd --ring in a missing directory" 'ring|director|no such' \
	"${NFLOGD_NS[@]}" -g 10 --ring "$D/no/such/dir.ring"
nl_check "missing directory not created" [ ! -e "$D/no" ]

# --- corrupt ring files: refused by both programs, never rewritten ---
# ring_hdr: magic "NFLOGRNG", then version_major and version_minor (u16, host order).
hdr_v1() { printf 'NFLOGRNG\001\000\000\000'; }
head -c 1048576 /dev/urandom >"$D/random.ring"
# Right magic and version, garbage after it: the geometry checks must catch it.
{ hdr_v1; head -c $((1048576 - 12)) /dev/urandom; } >"$D/corrupt.ring"
# A header page with nothing behind it.
{ hdr_v1; head -c $((4096 - 12)) /dev/urandom; } >"$D/short.ring"
# Not even a whole header.
{ hdr_v1; head -c 88 /dev/urandom; } >"$D/tiny.ring"
for f in random corrupt short tiny; do
	sum0=$(sum "$D/$f.ring")
	expect_fail "nflogd --ring $f.ring" 'ring' "${NFLOGD_NS[@]}" -g 10 --ring "$D/$f.ring"
	expect_fail "nflogctl read --ring $f.ring" 'ring|format|magic|short|corrupt|version' \
		"$NFLOGCTL" read --ring "$D/$f.ring"
	expect_fail "nflogctl stats --ring $f.ring" 'ring|format|magic|short|corrupt|version' \
		"$NFLOGCTL" stats --ring "$D/$f.ring"
	nl_eq "$f.ring unchanged" "$sum0" "$(sum "$D/$f.ring")"
done
nl_check "no file moved aside" [ -z "$(find "$D" -name '*.old')" ]

# A ring of another major version (a newer nflogd's) is not refused but moved aside to
# RING.<time>.old, bytes intact, and a new ring takes its place; nflogctl refuses it.
{ printf 'NFLOGRNG\143\000\000\000'; head -c $((1048576 - 12)) /dev/urandom; } >"$D/future.ring"
sum0=$(sum "$D/future.ring")
expect_fail "nflogctl read --ring future.ring (version 99)" 'version' \
	"$NFLOGCTL" read --ring "$D/future.ring"
nl_eq "future.ring unchanged by nflogctl" "$sum0" "$(sum "$D/future.ring")"
# shellcheck disable=SC2034 # read by nl_start_nflogd
NS_TGT=$NS RING=$D/future.ring
if nl_start_nflogd -g 10 --ring-size 1M; then
	nl_pass "nflogd starts over a version-99 ring"
	nl_stop_nflogd
	nl_eq "nflogd exit status after SIGTERM" 0 "$?"
else
	nl_fail "nflogd starts over a version-99 ring"
fi
old=$(find "$D" -name 'future.ring.*.old')
nl_check "version-99 ring moved aside ($old)" [ -f "$old" ]
[ -f "$old" ] && nl_eq "moved-aside ring unchanged" "$sum0" "$(sum "$old")"
nl_check "new ring readable" "$NFLOGCTL" stats --ring "$D/future.ring" >/dev/null

# --- nflogctl ---
expect_fail "nflogctl bogus" 'usage|command|bogus' "$NFLOGCTL" bogus
expect_fail "nflogctl (no command)" 'usage|command' "$NFLOGCTL"
expect_fail "nflogctl read --ring MISSING" 'ring|no such' "$NFLOGCTL" read --ring "$D/missing.ring"
expect_fail "nflogctl read -n abc" 'usage|-n|number|invalid' "$NFLOGCTL" read --ring "$D/missing.ring" -n abc
expect_fail "nflogctl explain 99999: out of range, not unparsable" '^nflogctl: explain: 99999 is out of range \(ports are 0-65535\)' \
	"$NFLOGCTL" explain 99999
expect_fail "nflogctl explain icmp 3/300" 'out of range \(ICMP types and codes are 0-255\)' \
	"$NFLOGCTL" explain icmp 3/300
expect_fail "nflogctl stats --prometheus --json: one format" '--prometheus and --json are mutually exclusive' \
	"$NFLOGCTL" stats --prometheus --json --ring "$D/missing.ring"
expect_fail "nflogctl stats --json --prometheus: the same" '--prometheus and --json are mutually exclusive' \
	"$NFLOGCTL" stats --json --prometheus --ring "$D/missing.ring"

# --- nflogctl: what a first try should find (issue 17) ---
v=$("$NFLOGCTL" --version 2>&1); rc=$?
nl_eq "nflogctl --version: status and the same version as nflogd" \
	"0:nflogctl $("$NFLOGD" --version | sed 's/^nflogd //')" "$rc:$v"
for c in read alerts stats explain; do
	h=$("$NFLOGCTL" "$c" --help 2>&1); rc=$?
	nl_check "nflogctl $c --help: its own usage, status 0" \
		sh -c '[ "$1" -eq 0 ] && printf "%s\n" "$2" | head -n 1 | grep -q "^usage: nflogctl $3 "' \
		sh "$rc" "$h" "$c"
done
# An unreadable ring names the group to join. The directory is the ring group's (as
# /var/lib/nflogd is); nobody is not in it.
chmod 0711 "$D"
mkdir "$D/ringdir" && chgrp daemon "$D/ringdir" && chmod 0750 "$D/ringdir"
: >"$D/ringdir/drops.ring"
expect_fail "unreadable ring: hint about the ring group" "hint: members of group 'daemon' read the ring: sudo usermod -aG daemon" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$NFLOGCTL" read --ring "$D/ringdir/drops.ring"

nl_summary
