#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# callgrind.sh - instructions per operation of a bench binary, counted by
# callgrind: stable where timings are not (a shared or noisy VM). Each op runs at
# two iteration counts (BIN --ir OP N); the difference cancels start-up.
#
#   tests/bench/callgrind.sh [-n N1,N2] [-c FUNCTION] [-u UNIT] [-t TITLE] BIN OP...
#
#   -n  the two counts (default 2000,22000)
#   -c  count only inside FUNCTION (callgrind --toggle-collect), so that what the
#       binary does to set up each operation does not count
#   -u  what one operation is, for the output (default op)
#   -t  the heading (default "instructions per operation")
set -u
N1=2000 N2=22000 COLLECT='' UNIT=op TITLE="instructions per operation"
while getopts n:c:u:t: opt; do
	case $opt in
	n) N1=${OPTARG%,*} N2=${OPTARG#*,} ;;
	c) COLLECT=$OPTARG ;;
	u) UNIT=$OPTARG ;;
	t) TITLE=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { echo "usage: $0 [-n N1,N2] [-c FUNCTION] [-u UNIT] [-t TITLE] BIN OP..." >&2; exit 2; }
BIN=$1
shift
command -v valgrind >/dev/null 2>&1 || { echo "callgrind: no valgrind, skipped"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nflogd-callgrind.XXXXXX") || exit 1
trap 'rm -rf -- "$tmp"' EXIT
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
		${COLLECT:+--toggle-collect="$COLLECT"} "$BIN" --ir "$1" "$2" \
		>/dev/null 2>&1 || return 1
	awk '/^(summary|totals):/ {print $2; exit}' "$tmp/out"
}
units=${UNIT}s
[ "$UNIT" = op ] && units=operations
echo "$TITLE (callgrind, ($N2 - $N1) $units):"
for op in "$@"; do
	if ! a=$(ir "$op" "$N1") || ! b=$(ir "$op" "$N2"); then
		echo "  $op: valgrind failed"
		continue
	fi
	awk -v op="$op" -v a="$a" -v b="$b" -v n=$((N2 - N1)) -v u="$UNIT" \
		'BEGIN { printf "  %-14s %8.1f instructions/%s\n", op, (b - a) / n, u }'
done
