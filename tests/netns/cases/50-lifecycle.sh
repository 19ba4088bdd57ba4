#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 50-lifecycle.sh - daemon hygiene: clean stop, restart continues the same ring, kill -9
# keeps what was published, -d detaches with a pidfile, --user drops privileges (all of
# the privilege checks: 55-privilege.sh).

. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 python3
nl_require_bins
nl_init
nl_setup_pair

nl_load_ruleset - <<'NFT'
table inet nflogd_life {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "veth1" udp dport 7777 counter log prefix "life" group 10 drop comment "life"
	}
}
NFT

send() {	# send N UDP probes to port 7777
	nl_src hping3 -2 -q -c "$1" -i u2000 -p 7777 "$TGT4" >/dev/null 2>&1
}
state() { nl_ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
seqs() { nl_ctl read --json | python3 -c '
import json, sys
recs = (json.loads(l) for l in sys.stdin)
print(" ".join(str(r["event"]["sequence"]) for r in recs if r["event"]["kind"] != "alert"))'; }

# --- clean stop ---
nl_start_nflogd -g 10 --ring-size 1M || nl_die "nflogd did not start"
nl_eq "ring online while running" online "$(state)"
send 5
nl_wait_recorded 5 || true
nl_stop_nflogd; rc=$?
nl_eq "SIGTERM exit status" 0 "$rc"
nl_eq "ring offline after SIGTERM" offline "$(state)"
nl_eq "records after clean stop" "0 1 2 3 4" "$(seqs)"

# --- restart continues positions and counters ---
nl_start_nflogd -g 10 --ring-size 1M || nl_die "nflogd did not restart"
send 3
nl_wait_recorded 8 || true
nl_eq "positions continue after restart" "0 1 2 3 4 5 6 7" "$(seqs)"
nl_eq "recorded counter continues" 8 "$(nl_stat recorded)"

# --- kill -9 keeps every published record ---
kill -KILL "$NFLOGD_PID"
wait "$NFLOGD_PID" 2>/dev/null
NFLOGD_PID=
nl_eq "records after kill -9" "0 1 2 3 4 5 6 7" "$(seqs)"
nl_eq "ring still marked online after kill -9" online "$(state)"
nl_start_nflogd -g 10 --ring-size 1M || nl_die "nflogd did not start after kill -9"
send 2
nl_wait_recorded 10 || true
nl_eq "restart after kill -9 continues" "0 1 2 3 4 5 6 7 8 9" "$(seqs)"
nl_stop_nflogd

# --- a different geometry moves the old ring aside, never overwrites it ---
old_sum=$(sha256sum <"$RING" | cut -d' ' -f1)
nl_start_nflogd -g 10,11 --ring-size 1M || nl_die "nflogd did not start with two groups"
nl_stop_nflogd
moved=$(ls "$RING".*.old 2>/dev/null | head -n 1)
nl_check "incompatible ring moved aside" test -n "$moved"
[ -n "$moved" ] && nl_eq "moved ring unchanged" "$old_sum" "$(sha256sum <"$moved" | cut -d' ' -f1)"
grep -q "moved it to" "$NFLOGD_ERR" && nl_pass "daemon says where it moved the ring" ||
	nl_fail "no 'moved it to' message: $(cat "$NFLOGD_ERR")"

# --- -d detaches, writes its pidfile, stops on SIGTERM ---
# The pidfile is written before the privilege drop and removed after it, as the service
# user: like /run/nflogd, its directory belongs to that user (and NL_TMP must let it in).
rm -f "$RING"
chmod 0711 "$NL_TMP"
mkdir -m 0755 "$NL_TMP/run" && chown nobody "$NL_TMP/run"
pidfile=$NL_TMP/run/nflogd.pid
ip netns exec "$NS_TGT" "$NFLOGD" -d --user nobody --pidfile "$pidfile" -g 10 --ring "$RING" \
	--ring-size 1M
nl_eq "-d returns at once with status 0" 0 "$?"
for i in $(seq 50); do [ -s "$pidfile" ] && break; sleep 0.1; done
dpid=$(cat "$pidfile" 2>/dev/null)
nl_check "pidfile names a running nflogd" grep -q nflogd "/proc/${dpid:-0}/comm"
sleep 0.3
send 2
nl_wait_recorded 2 || true
nl_eq "detached daemon records" 2 "$(nl_stat recorded)"
kill -TERM "$dpid" 2>/dev/null
for i in $(seq 50); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
nl_check "detached daemon stops on SIGTERM" sh -c "! kill -0 $dpid 2>/dev/null"
nl_check "pidfile removed on clean stop" test ! -e "$pidfile"

# A pidfile whose directory does not exist yet: made (the service user's), so the
# user can remove the pidfile at exit. One in a directory it cannot write (NL_TMP,
# root's): said at start, with the fix, not only when the removal fails at exit.
rm -f "$RING"
pidfile=$NL_TMP/run2/nflogd.pid
nl_start_nflogd --user nobody --pidfile "$pidfile" -g 10 --ring-size 1M ||
	nl_die "nflogd --pidfile in a new directory did not start"
nl_eq "pidfile directory made for the service user" "nobody 755" \
	"$(stat -c '%U %a' "$NL_TMP/run2" 2>/dev/null)"
nl_stop_nflogd
nl_check "that pidfile removed at exit" test ! -e "$pidfile"
nl_check "no warning about it" sh -c "! grep -q pidfile '$NFLOGD_ERR'"
rm -f "$RING"
nl_start_nflogd --user nobody --pidfile "$NL_TMP/nflogd.pid" -g 10 --ring-size 1M ||
	nl_die "nflogd --pidfile in root's directory did not start"
nl_check "a pidfile it cannot remove is said at start" \
	grep -q "pidfile $NL_TMP/nflogd.pid: nobody cannot remove it at exit" "$NFLOGD_ERR"
nl_stop_nflogd
rm -f "$NL_TMP/nflogd.pid"

# --- --user drops privileges after binding and opening the ring ---
rm -f "$RING"
nl_start_nflogd -g 10 --ring-size 1M --user nobody || nl_die "nflogd --user nobody did not start"
uid=$(awk '/^Uid:/ {print $2 "," $3 "," $4 "," $5}' "/proc/$NFLOGD_PID/status")
nl_eq "uids after --user nobody" "65534,65534,65534,65534" "$uid"
capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$NFLOGD_PID/status")
nl_eq "no effective capabilities" 0000000000000000 "$capeff"
send 3
nl_wait_recorded 3 || true
nl_eq "records written after dropping privileges" 3 "$(nl_stat recorded)"
nl_stop_nflogd; rc=$?
nl_eq "unprivileged daemon stops cleanly" 0 "$rc"
nl_eq "ring offline after unprivileged stop" offline "$(state)"

nl_summary
