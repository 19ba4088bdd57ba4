#!/bin/bash
# corrcg.sh - instructions per record of the correlator thread (read from the
# ring, order by time, corr_feed), counted by callgrind inside
# corrmicro_round() only, so that writing the records does not count. Each
# stream runs at two record counts; the difference cancels start-up and the
# filling of the tables (8192 sources: N1 is past that, so the random stream
# is measured while every new source evicts an old one).
#
#   tests/bench/corrcg.sh CORRMICRO [STREAM...]     (default: random mix)
set -u
CORRMICRO=$1
shift
STREAMS=("${@:-random mix}")
read -r -a STREAMS <<<"${STREAMS[*]}"
N1=20000 N2=100000
command -v valgrind >/dev/null 2>&1 || { echo "corrcg: no valgrind, skipped"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nflogd-corrcg.XXXXXX") || exit 1
trap 'rm -rf -- "$tmp"' EXIT
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
		--toggle-collect=corrmicro_round "$CORRMICRO" --ir "$1" "$2" \
		>/dev/null 2>&1 || return 1
	awk '/^(summary|totals):/ {print $2; exit}' "$tmp/out"
}
echo "correlator thread, instructions per record (callgrind, ($N2 - $N1) records):"
for s in "${STREAMS[@]}"; do
	if ! a=$(ir "$s" "$N1") || ! b=$(ir "$s" "$N2"); then
		echo "  $s: valgrind failed"
		continue
	fi
	awk -v s="$s" -v a="$a" -v b="$b" -v n=$((N2 - N1)) \
		'BEGIN { printf "  %-14s %8.1f instructions/record\n", s, (b - a) / n }'
done
