#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 86-badring.sh - a ring made by a real run, then damaged on disk in the ways
# 30-badinput.sh does not cover: a header that lies about its sizes, a file truncated or
# extended after the fact, other versions, records damaged in the middle, a segment
# header full of impossible values, random bytes scattered over the file.
#
#   - nflogctl never crashes and never hangs (each call under a 10 s timeout): a file it
#     cannot use is refused with the reason, a file whose records are damaged is read
#     with the damaged ones skipped, counted on stderr, and missing from the output at
#     exactly their positions (event.sequence);
#   - nflogd refuses a file it does not understand or moves it aside byte for byte and
#     starts a new one; it continues a file whose header it understands, leaving the
#     damaged records as they are;
#   - the valgrind step runs read, read --json, alerts, stats --json and explain on the
#     real ring and read on the damaged one: no invalid access, no definite leak
#     (skipped for sanitizer builds, which check the same themselves).

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft nmap timeout sha256sum python3
nl_require_bins
PKTGEN=$NFLOGD_BUILD/pktgen
[ -x "$PKTGEN" ] || nl_skip "no $PKTGEN (make $NFLOGD_BUILD/pktgen)"
nl_init
nl_setup_pair
D=$NL_TMP

nl_load_ruleset - <<NFT
table inet nflogd_badring {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		iifname "$IF_TGT" counter log prefix "badring" group 10 drop comment "nflog"
	}
}
NFT

# --- a real ring: 300 UDP drops and an nmap scan (drops and alerts); 1024 slots ---
REAL=$D/real.ring
RING=$REAL
nl_start_nflogd -g 10 --ring-size 1M || nl_die "nflogd did not start"
nl_src "$PKTGEN" -n 300 -p 4000 "$TGT4" 9 3000 10 >/dev/null
ip -n "$NS_SRC" addr add 198.51.100.31/32 dev "$IF_SRC"
nl_src nmap -n -Pn -e "$IF_SRC" -S 198.51.100.31 --max-retries 0 -T5 -sS -p 1-100 "$TGT4" \
	>/dev/null 2>&1
nl_wait_recorded 400 10 || true
nl_stop_nflogd
nl_eq "nflogd exit status" 0 "$?"
HEAD=$(nl_ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["segments"][0]["head"])')
NALERT=$(nl_ctl alerts --json | grep -c .)
NLINES=$(nl_ctl read | grep -c .)
echo "  real ring: $HEAD drop records, $NALERT alerts, $NLINES lines of nflogctl read"
nl_check "the real ring has 400 drops and an alert" test "$HEAD" -ge 400 -a "$NALERT" -ge 1

sum() { sha256sum <"$1" | cut -d' ' -f1; }

# ctl DESC RC-WANTED FILE ARGS...: nflogctl ARGS --ring FILE under a timeout; passes when
# it exits with RC-WANTED (not by a signal, not by the timeout) without a sanitizer
# report. Output in $D/out and $D/err.
ctl() {
	local desc=$1 want=$2 file=$3 rc=0
	shift 3
	timeout -k 2 10 "$NFLOGCTL" "$@" --ring "$file" >"$D/out" 2>"$D/err" </dev/null || rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		nl_fail "$desc: still running after 10 s"
	elif [ "$rc" -gt 128 ]; then
		nl_fail "$desc: killed by signal $((rc - 128))"
	elif grep -Eq 'Sanitizer|runtime error' "$D/err"; then
		nl_fail "$desc: sanitizer report: $(head -c 300 "$D/err")"
	elif [ "$rc" -ne "$want" ]; then
		nl_fail "$desc: exit $rc, want $want: $(head -c 300 "$D/err")"
	else
		return 0
	fi
	return 1
}

# --- valgrind on the real ring ---
if ! command -v valgrind >/dev/null 2>&1; then
	nl_log "  (valgrind not installed: valgrind step skipped)"
elif grep -qa -e __asan_init -e __ubsan_handle "$NFLOGCTL"; then
	echo "  (sanitizer build: valgrind step skipped, ASan/UBSan check the reader instead)"
else
	VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite)
	vg() {	# vg DESC ARGS...: nflogctl ARGS under valgrind; exit 0 and a quiet valgrind
		local desc=$1 rc=0
		shift
		timeout -k 5 120 "${VG[@]}" "$NFLOGCTL" "$@" >"$D/vg.out" 2>"$D/vg.err" || rc=$?
		if [ "$rc" -eq 0 ] && ! grep -q '^==[0-9]*==' "$D/vg.err"; then
			nl_pass "valgrind: nflogctl $desc ($(wc -l <"$D/vg.out") lines)"
		else
			nl_fail "valgrind: nflogctl $desc: exit $rc"
			sed 's/^/  | /' "$D/vg.err" | head -30
		fi
	}
	vg "read" read --ring "$REAL"
	vg "read --json" read --json --ring "$REAL"
	vg "read -n 5" read -n 5 --ring "$REAL"
	vg "alerts" alerts --ring "$REAL"
	vg "alerts --json" alerts --json --ring "$REAL"
	vg "stats --json" stats --json --ring "$REAL"
	vg "stats" stats --ring "$REAL"
	vg "explain 137" explain 137
	vg "explain icmp 3/4" explain icmp 3/4
	vg "explain fe80::1" explain fe80::1
	VALGRIND_OK=1
fi

# --- damaged copies, made from the real ring by offset (doc/ring-format.md) ---
python3 - "$REAL" "$D" <<'PY' || nl_die "could not make the damaged rings"
import os, random, struct, sys
src, d = sys.argv[1], sys.argv[2]
ring = open(src, "rb").read()
nsegs, = struct.unpack_from("<I", ring, 24)
slots, data_off, file_size = struct.unpack_from("<QQQ", ring, 32)
SEG0 = 4096
def rec(pos):                      # file offset of segment 0's record at pos
    return data_off + (pos % slots) * 256
def out(name, b):
    open(os.path.join(d, name + ".ring"), "wb").write(bytes(b))
def patch(name, fmt, off, val):
    b = bytearray(ring); struct.pack_into(fmt, b, off, val); out(name, b)
# The header lies about sizes (refused by both programs).
patch("lie-nsegs", "<I", 24, nsegs + 1)
patch("lie-slots-odd", "<Q", 32, slots - 1)
patch("lie-dataoff", "<Q", 40, data_off + 256)
patch("lie-filesize", "<Q", 48, file_size + 4096)
patch("lie-hdrsize", "<I", 12, 8192)
patch("lie-recsize", "<I", 20, 128)
b = bytearray(ring)                # bigger geometry, consistent with itself, not the file
struct.pack_into("<QQQ", b, 32, slots * 2, data_off, data_off + nsegs * slots * 2 * 256)
out("lie-geometry", b)
out("trunc-1", ring[:-1])
out("trunc-records", ring[:data_off])
out("extended", ring + bytes(4096))
patch("version-0", "<H", 8, 0)     # another major: moved aside by nflogd
patch("version-2", "<H", 8, 2)
patch("minor-99", "<H", 10, 99)    # a newer minor: readers accept it, nflogd moves it
b = bytearray(ring)
b[64:4096] = random.Random(1).randbytes(4096 - 64)   # past the geometry fields
out("random-header", b)
# Geometry right, records damaged in the middle of segment 0.
b = bytearray(ring)
for p in range(100, 110):          # body changed: the CRC no longer matches
    b[rec(p) + 100] ^= 0x5a
for p in range(110, 115):          # commit word of a slot never written
    struct.pack_into("<Q", b, rec(p), 0)
for p in range(115, 117):          # commit word of a later lap: overwritten
    struct.pack_into("<Q", b, rec(p), 2 * (p + slots) + 2)
out("records", b)
# Segment header with impossible values, interface names with escapes and no NUL.
b = bytearray(ring)
struct.pack_into("<I", b, SEG0 + 20, 0xffffffff)      # nprefixes
struct.pack_into("<I", b, SEG0 + 4096, 0xffffffff)    # nkb
b[SEG0 + 1152:SEG0 + 3072] = b"\xff" * 1920            # prefixes without a NUL
struct.pack_into("<I", b, 88, 0x7fffffff)             # iface_gen odd: "being written"
for i in range(64):
    struct.pack_into("<I16s", b, 256 + 20 * i, i + 1, b"\x1b]0;pwned\x07\x1b[2J\x9b1")
out("seghdr", b)
patch("head-huge", "<Q", SEG0, (1 << 64) - 1)
patch("head-ahead", "<Q", SEG0, slots * 5 + 7)
# Random bytes all over (geometry fields kept so the reader gets past them).
b = bytearray(ring)
rng = random.Random(2)
for _ in range(3000):
    b[rng.randrange(64, len(b))] = rng.randrange(256)
out("scattered", b)
PY

# --- lying and truncated headers: refused by nflogctl and nflogd, files untouched ---
NS=nfl-bad86-$$
nl_netns_add "$NS"
for f in lie-nsegs lie-slots-odd lie-dataoff lie-filesize lie-hdrsize lie-recsize \
	lie-geometry trunc-1 trunc-records extended; do
	s0=$(sum "$D/$f.ring")
	for cmd in read alerts stats; do
		if ctl "nflogctl $cmd $f" 1 "$D/$f.ring" "$cmd"; then
			if grep -Eiq 'size|segment|slot|offset|length|truncated|version|short|magic' "$D/err"
			then nl_pass "nflogctl $cmd refuses $f: $(head -n 1 "$D/err" | sed "s#$D/##")"
			else nl_fail "nflogctl $cmd $f: no reason given: $(head -c 200 "$D/err")"
			fi
		fi
	done
	rc=0
	timeout -k 2 10 ip netns exec "$NS" "$NFLOGD" -g 10 --ring "$D/$f.ring" --ring-size 1M \
		>/dev/null 2>"$D/err" </dev/null || rc=$?
	# The reason is the last line (a warning about --user may come first).
	if [ "$rc" -eq 0 ] || [ "$rc" -ge 124 ]; then
		nl_fail "nflogd --ring $f: exit $rc (it should refuse)"
	elif grep -Eq 'Sanitizer|runtime error' "$D/err"; then
		nl_fail "nflogd --ring $f: sanitizer report: $(head -c 300 "$D/err")"
	elif ! tail -n 1 "$D/err" | grep -Eiq 'corrupt|size|length|segment|slot|offset|refus'; then
		nl_fail "nflogd --ring $f: no reason given: $(tail -n 1 "$D/err")"
	else
		nl_pass "nflogd refuses $f: $(tail -n 1 "$D/err" | sed "s#$D/##")"
	fi
	nl_eq "$f unchanged" "$s0" "$(sum "$D/$f.ring")"
done
nl_check "nothing moved aside or created next to the refused files" \
	test -z "$(find "$D" -name '*.old' -o -name '*.new.*')"

# --- other versions: nflogctl refuses another major and reads a newer minor; nflogd
# moves all of them aside untouched and starts a new ring ---
for f in version-0 version-2; do
	ctl "nflogctl read $f" 1 "$D/$f.ring" read &&
		nl_check "$f: refused for its version" grep -qi version "$D/err"
done
ctl "nflogctl read minor-99" 0 "$D/minor-99.ring" read &&
	nl_eq "minor-99: every record read" "$NLINES" "$(grep -c . "$D/out")"
for f in version-0 version-2 minor-99; do
	s0=$(sum "$D/$f.ring")
	RING=$D/$f.ring NS_TGT=$NS
	if nl_start_nflogd -g 10 --ring-size 1M; then
		nl_stop_nflogd
		old=$(find "$D" -name "$f.ring.*.old" | head -n 1)
		nl_check "nflogd moved $f aside (${old#"$D"/})" test -n "$old"
		[ -n "$old" ] && nl_eq "moved-aside $f unchanged" "$s0" "$(sum "$old")"
		nl_check "the new ring at $f is empty and readable" \
			sh -c "'$NFLOGCTL' read --ring '$D/$f.ring' | wc -l | grep -qx 0"
	else
		nl_fail "nflogd did not start over $f"
	fi
done
RING=$REAL NS_TGT=nfl-tgt-$$

# --- damaged records: skipped, counted, and missing at exactly their positions ---
if ctl "nflogctl read records" 0 "$D/records.ring" read --json; then
	if python3 - "$D/out" "$HEAD" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
got = {r["event"]["sequence"] for r in recs if r["event"]["kind"] != "alert"}
want = set(range(int(sys.argv[2]))) - set(range(100, 117))
sys.exit(0 if got == want else f"missing {sorted(want - got)[:20]}, extra {sorted(got - want)[:20]}")
PY
	then
		nl_pass "read skips exactly the damaged positions 100-116"
	else
		nl_fail "read of records.ring: wrong positions"
	fi
fi
nl_check "stderr counts 2 overwritten and 15 damaged: $(cat "$D/err")" \
	grep -q 'skipped 2 records overwritten .*, 15 damaged' "$D/err"
ctl "nflogctl read -n 20 records" 0 "$D/records.ring" read -n 20 &&
	nl_eq "read -n 20 past the damage: nothing skipped" "" "$(cat "$D/err")"
ctl "nflogctl stats records" 0 "$D/records.ring" stats && nl_pass "stats reads records.ring"
if [ -n "${VALGRIND_OK:-}" ]; then
	vg "read (damaged records)" read --ring "$D/records.ring"
fi
# nflogd continues the file: new records after the old head, damaged slots untouched.
slots_sum() {
	python3 -c '
import hashlib, struct, sys
b = open(sys.argv[1], "rb").read()
slots, data_off = struct.unpack_from("<QQ", b, 32)
print(hashlib.sha256(b[data_off + 100 * 256:data_off + 117 * 256]).hexdigest())' "$1"
}
s0=$(slots_sum "$D/records.ring")
RING=$D/records.ring
nl_start_nflogd -g 10 --ring-size 1M || nl_die "nflogd did not continue records.ring"
nl_src "$PKTGEN" -n 20 -p 4001 "$TGT4" 9 1000 10 >/dev/null
nl_wait_recorded $((HEAD + 20)) 5 || true
nl_stop_nflogd
nl_eq "damaged slots left as they were" "$s0" "$(slots_sum "$D/records.ring")"
ctl "nflogctl read records (continued)" 0 "$D/records.ring" read --json &&
	nl_eq "continued: old records minus the damaged ones, plus 20 new" \
		"$((HEAD - 17 + 20))" "$(grep -vc '"kind":"alert"' "$D/out")"
nl_check "continued: still 2 overwritten and 15 damaged" \
	grep -q 'skipped 2 records overwritten .*, 15 damaged' "$D/err"
nl_check "no ring moved aside for damaged records" \
	test -z "$(find "$D" -name 'records.ring.*.old')"
RING=$REAL

# --- impossible segment-header values, a header page of random bytes past the geometry
# fields, random bytes scattered over the file: the reader copes, its output stays clean ---
for f in seghdr head-huge head-ahead random-header scattered; do
	for args in "read" "read --json" "alerts" "stats" "stats --json"; do
		# shellcheck disable=SC2086 # word splitting of args intended
		ctl "nflogctl $args $f" 0 "$D/$f.ring" $args || continue
		if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$D/out"; then
			nl_fail "nflogctl $args $f: control characters reached the output"
		else
			nl_pass "nflogctl $args $f: $(wc -l <"$D/out") lines; $(head -n 1 "$D/err" | sed "s#$D/##" | cut -c1-110)"
		fi
		case $f/$args in
		head-huge/read|head-ahead/read)
			nl_check "$f: read says it skipped records" grep -q 'skipped' "$D/err" ;;
		esac
	done
done

nl_summary
