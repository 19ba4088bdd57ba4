#!/bin/bash
# callgrind.sh - instructions per operation of the micro-benchmarks, counted by
# callgrind: stable where timings are not (a shared or noisy VM). Each op runs at
# two iteration counts; the difference cancels start-up (kb, ring, 64 Ki records).
#
#   tests/bench/callgrind.sh MICRO [OP...]      (default: every op)
set -u
MICRO=$1
shift
OPS=("${@:-nlparse nlwalk decode lookup direct classify crc append append-nocrc path path-rand read}")
read -r -a OPS <<<"${OPS[*]}"
N1=2000 N2=22000
command -v valgrind >/dev/null 2>&1 || { echo "callgrind: no valgrind, skipped"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nflogd-callgrind.XXXXXX") || exit 1
trap 'rm -rf -- "$tmp"' EXIT
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$MICRO" --ir "$1" "$2" \
		>/dev/null 2>&1 || return 1
	awk '/^(summary|totals):/ {print $2; exit}' "$tmp/out"
}
echo "instructions per operation (callgrind, ($N2 - $N1) operations):"
for op in "${OPS[@]}"; do
	if ! a=$(ir "$op" "$N1") || ! b=$(ir "$op" "$N2"); then
		echo "  $op: valgrind failed"
		continue
	fi
	awk -v op="$op" -v a="$a" -v b="$b" -v n=$((N2 - N1)) \
		'BEGIN { printf "  %-14s %8.1f instructions/op\n", op, (b - a) / n }'
done
