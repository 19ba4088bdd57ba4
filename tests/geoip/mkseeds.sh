#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkseeds.sh - remake fuzz_geoip's seeds (tests/fuzz/corpus/fuzz_geoip/): the files
# mkmmdb.pl writes, and damaged copies of them (cut short, cut inside the metadata,
# bytes flipped in the search tree, the data section and the metadata).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../fuzz/corpus/fuzz_geoip
tmp=$(mktemp -d "${TMPDIR:-/tmp}/geo-seeds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
perl "$here/mkmmdb.pl" "$tmp"
rm -rf "$out"
mkdir -p "$out"
for f in "$tmp"/*.mmdb; do
	n=$(basename "$f" .mmdb)
	cp "$f" "$out/$n"
done
for n in city asn; do
	f=$tmp/$n.mmdb
	size=$(stat -c %s "$f")
	head -c $((size / 2)) "$f" >"$out/$n-half"
	head -c $((size - 40)) "$f" >"$out/$n-cut-metadata"
	for at in 10 200 $((size / 2)) $((size - 200)) $((size - 60)); do
		python3 - "$f" "$at" "$out/$n-flip-$at" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
at = int(sys.argv[2])
b[at] ^= 0xff
open(sys.argv[3], 'wb').write(b)
PY
	done
done
