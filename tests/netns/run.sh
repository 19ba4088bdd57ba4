#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - run every executable tests/netns/cases/*.sh in order; PASS/FAIL/SKIP with timing.
#
#   NFLOGD_BUILD=build tests/netns/run.sh [NAME-GLOB]
#
# A case exits 0 (pass), 77 (skip) or anything else (fail); its output is indented under
# its name. Exits 1 if any case failed. Cases may change net.netfilter.nf_log_all_netns in
# the init namespace; whatever happens to them, it is put back here as well.

set -u

here=$(cd "$(dirname "$0")" && pwd)
export NFLOGD_BUILD=${NFLOGD_BUILD:-build}
filter=${1:-*}

# Read and restore under the lock the cases hold while they have it changed (lib.sh), so
# that parallel runs neither record nor restore another run's temporary value.
sysctl_name=net.netfilter.nf_log_all_netns
lock=/run/lock/nflogd-tests.sysctl.lock
[ -d /run/lock ] || lock=/tmp/nflogd-tests.sysctl.lock
sysctl_orig=$(flock -w 300 "$lock" sysctl -n "$sysctl_name" 2>/dev/null || true)
restore() {
	[ -n "$sysctl_orig" ] || return 0
	flock -w 300 "$lock" sh -c '
		[ "$(sysctl -n "$1")" = "$2" ] || sysctl -qw "$1=$2" >/dev/null' \
		sh "$sysctl_name" "$sysctl_orig" ||
		echo "run.sh: could not restore $sysctl_name=$sysctl_orig" >&2
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Microseconds since the epoch, from bash's own clock.
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
secs_since() { local d=$(($(now_us) - $1)); printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000)); }

npass=0 nfail=0 nskip=0 failed=
start=$(now_us)
for t in "$here"/cases/*.sh; do
	[ -x "$t" ] || continue
	name=$(basename "$t" .sh)
	# shellcheck disable=SC2053 # glob match intended
	[[ $name == $filter ]] || continue
	echo "=== $name"
	t0=$(now_us)
	"$t" 2>&1 | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	secs=$(secs_since "$t0")
	restore
	case $rc in
	0) res=PASS npass=$((npass + 1)) ;;
	77) res=SKIP nskip=$((nskip + 1)) ;;
	*) res=FAIL nfail=$((nfail + 1)) failed="$failed $name" ;;
	esac
	printf -- '--- %s %s (%s s)\n' "$res" "$name" "$secs"
done
total=$(secs_since "$start")
echo
[ -n "$failed" ] && echo "netns: failed:$failed"
echo "netns: $total s"
echo "netns: $npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
