#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 40-percpu.sh - per-CPU mode: the chain from `nflogctl rules print --per-cpu` sends drops on CPU n
# to group BASE+n, `nflogd --per-cpu BASE` records each group in its own segment, and
# `nflogctl read` merges the segments in time order.
#
# Traffic is sent from every CPU in turn with taskset: on a veth the receiving softirq
# normally runs on the sending CPU, so the target's `meta cpu` is the sender's CPU.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 python3 taskset timeout
nl_require_bins
nl_init

BASE=20
NCPU=$(getconf _NPROCESSORS_ONLN)
[ "$NCPU" -ge 2 ] || nl_skip "needs 2 CPUs, have $NCPU"
# The shipped snippet must be what the generator prints.
nl_check "nft/nflogd-drop.nft is nflogctl rules print --per-cpu --cpus 2" \
	cmp -s "$NL_ROOT/nft/nflogd-drop.nft" <("$NFLOGCTL" rules print --per-cpu --cpus 2)

nl_setup_pair
"$NFLOGCTL" rules print --per-cpu --cpus "$NCPU" --groups "$BASE" --table nflogd_percpu \
	>"$NL_TMP/percpu.nft"
cat >>"$NL_TMP/percpu.nft" <<'NFT'
table inet nflogd_percpu {
	chain input {
		type filter hook input priority 0; policy accept;
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report } accept
		jump nflogd_drop
	}
}
NFT
nl_load_ruleset "$NL_TMP/percpu.nft"
nl_start_nflogd --per-cpu "$BASE" || exit 1
nl_check "ready line names groups $BASE..$((BASE + NCPU - 1))" \
	grep -Eq "ready: groups ($BASE-$((BASE + NCPU - 1))|$(seq -s, "$BASE" $((BASE + NCPU - 1))))[ ,]" \
	"$NFLOGD_ERR"

# Three rounds, every CPU sending 4 packets (distinct source port per CPU) at once, so
# the segments interleave in time.
PER=4
ROUNDS=3
for r in $(seq "$ROUNDS"); do
	senders=()
	for cpu in $(seq 0 $((NCPU - 1))); do
		timeout -s INT 1 taskset -c "$cpu" ip netns exec "$NS_SRC" \
			hping3 -q -S -c "$PER" -i u20000 -s $((41000 + cpu)) -k -p $((1000 + r)) "$TGT4" \
			>/dev/null 2>&1 &
		senders+=($!)
	done
	# Not a bare `wait`: nflogd is our child too.
	wait "${senders[@]}"
done
total=$((NCPU * PER * ROUNDS))
hits=0
for cpu in $(seq 0 $((NCPU - 1))); do
	hits=$((hits + $(nl_nft_counter "nflogd cpu $cpu")))
done
nl_eq "packets logged by the per-CPU chains" "$total" "$hits"
nl_eq "packets on a CPU outside the map" 0 "$(nl_nft_counter "nflogd other CPUs")"
nl_wait_recorded "$total" 5

nl_ctl stats --json >"$NL_TMP/stats.json"
nl_ctl read --json >"$NL_TMP/records.json"
nl_check "records: per-CPU groups, merged in time order" python3 - "$NL_TMP/stats.json" \
	"$NL_TMP/records.json" "$BASE" "$NCPU" "$total" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
recs = [r for r in (json.loads(l) for l in open(sys.argv[2]) if l.strip())
        if r["event"]["kind"] != "alert"]
base, ncpu, total = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
bad = []
segs = [s for s in stats["segments"] if s["role"] == "capture"]
if len(segs) != ncpu:
    bad.append("%d segments, expected %d" % (len(segs), ncpu))
for s in segs:
    if s["group"] != base + s["cpu"]:
        bad.append("segment %d: group %d on cpu %d" % (s["segment"], s["group"], s["cpu"]))
if len(recs) != total:
    bad.append("%d records, expected %d" % (len(recs), total))
per = {}
for r in recs:
    g, c = r["nflog"]["group"], r["nflog"].get("cpu")
    per[g] = per.get(g, 0) + 1
    if c is None or g != base + c:
        bad.append("record in group %d has nflog.cpu %r" % (g, c))
    # The sender's CPU is in the source port: 41000 + cpu.
    if r["source"]["port"] - 41000 != g - base:
        bad.append("record from port %d (cpu %d) in group %d"
                   % (r["source"]["port"], r["source"]["port"] - 41000, g))
for cpu in range(ncpu):
    if not per.get(base + cpu):
        bad.append("no records in group %d" % (base + cpu))
ts = [r["@timestamp"] for r in recs]
for i in range(1, len(ts)):
    if ts[i] < ts[i - 1]:
        bad.append("record %d at %s is older than record %d at %s" % (i, ts[i], i - 1, ts[i - 1]))
switches = sum(1 for i in range(1, len(recs)) if recs[i]["nflog"]["group"] != recs[i - 1]["nflog"]["group"])
print("  records per group: %s; group changes in time order: %d" % (sorted(per.items()), switches))
for b in bad[:20]:
    print("  " + b)
sys.exit(1 if bad else 0)
PY

nl_ctl read | grep -v " ALERT #" >"$NL_TMP/records.txt"
nl_eq "text lines" "$total" "$(grep -c . "$NL_TMP/records.txt")"
nl_check "text lines carry g$BASE/cpu0" grep -q " g$BASE/cpu0 " "$NL_TMP/records.txt"
nl_stop_nflogd
nl_eq "nflogd exit status after SIGTERM" 0 "$?"
[ "$NL_FAIL" -ne 0 ] && sed 's/^/  | /' "$NL_TMP/records.txt"
nl_summary
