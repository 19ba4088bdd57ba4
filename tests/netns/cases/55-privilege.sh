#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 55-privilege.sh - least privilege (doc/SECURITY.md): once started, nflogd runs as the
# service user with every capability set empty, no_new_privs and the seccomp filter on all
# threads; a forbidden system call kills it (SIGSYS); records still flow. The ring file is
# 0640 in the ring group: a member reads it without privilege, anyone else gets a clear
# permission error. World-writable ring directories and links at the ring path are refused.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft hping3 python3 setpriv timeout stat
nl_require_bins
nl_init
nl_setup_pair

nl_load_ruleset - <<'NFT'
table inet nflogd_priv {
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "veth1" udp dport 7777 counter log prefix "priv" group 10 drop comment "priv"
	}
}
NFT

# The user the daemon drops to by default (sandbox.h): nflogd, else nobody.
if id -u nflogd >/dev/null 2>&1; then SVC=nflogd; else SVC=nobody; fi
SVC_UID=$(id -u "$SVC")
SVC_GID=$(id -g "$SVC")
ZERO=0000000000000000
# Reader ids, used for nothing else; setpriv takes numbers with or without a passwd entry.
READER=4243
RGROUP=4242

# Readers must be able to reach the ring: NL_TMP (the ring's directory) is 0700.
chmod 0711 "$NL_TMP"

send() {	# send N UDP probes to port 7777
	nl_src hping3 -2 -q -c "$1" -i u2000 -p 7777 "$TGT4" >/dev/null 2>&1
}
field() { awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$2"; }
ids() { field "$1" "/proc/$NFLOGD_PID/status" | tr -s ' \t' ','; }
# as_reader GROUPS-OPTION CMD...: run CMD as uid/gid $READER, no capabilities.
as_reader() {
	local groups=$1
	shift
	setpriv --reuid="$READER" --regid="$READER" "$groups" --inh-caps=-all --bounding-set=-all "$@"
}
reads() { as_reader "$1" "$NFLOGCTL" stats --ring "$RING" >/dev/null 2>&1; }
not() { ! "$@"; }

# expect_refused DESC PATTERN ARGS...: nflogd exits non-zero (not by a signal, not by
# timeout) and says something matching PATTERN (grep -Ei) on stderr.
expect_refused() {
	local desc=$1 pat=$2 rc=0
	shift 2
	timeout -k 2 10 ip netns exec "$NS_TGT" "$NFLOGD" -g 10 --ring-size 1M "$@" \
		>"$NL_TMP/out" 2>"$NL_TMP/err" </dev/null || rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] || [ "$rc" -gt 128 ]; then
		nl_fail "$desc: exit status $rc"
	elif grep -Eq 'Sanitizer|runtime error' "$NL_TMP/err"; then
		nl_fail "$desc: sanitizer report: $(head -c 300 "$NL_TMP/err")"
	elif ! grep -Eiq -- "$pat" "$NL_TMP/err"; then
		nl_fail "$desc: stderr does not match /$pat/: '$(head -c 300 "$NL_TMP/err")'"
	else
		nl_pass "$desc (exit $rc: $(grep -v 'does not exist' "$NL_TMP/err" | head -n 1))"
	fi
}

# --- the running daemon: ids, capabilities, no_new_privs, seccomp on every thread ---
nl_start_nflogd -g 10 --ring-size 1M || nl_die "nflogd did not start"
st=/proc/$NFLOGD_PID/status
nl_eq "Uid real,effective,saved,fs" "$SVC_UID,$SVC_UID,$SVC_UID,$SVC_UID" "$(ids Uid)"
nl_eq "Gid real,effective,saved,fs" "$SVC_GID,$SVC_GID,$SVC_GID,$SVC_GID" "$(ids Gid)"
nl_eq "no supplementary groups" "" "$(field Groups "$st")"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	nl_eq "$c empty" "$ZERO" "$(field "$c" "$st")"
done
nl_eq "NoNewPrivs" 1 "$(field NoNewPrivs "$st")"
nl_eq "Seccomp (2 = filter)" 2 "$(field Seccomp "$st")"
nthreads=0 filtered=0
for t in /proc/"$NFLOGD_PID"/task/*/status; do
	nthreads=$((nthreads + 1))
	[ "$(field Seccomp "$t"),$(field NoNewPrivs "$t"),$(field CapEff "$t")" = "2,1,$ZERO" ] &&
		filtered=$((filtered + 1))
done
nl_check "threads: capture, correlator and main ($nthreads)" [ "$nthreads" -ge 3 ]
nl_eq "threads under the filter, no privileges" "$nthreads" "$filtered"
if [ "$SVC" = nobody ]; then
	nl_check "one-line warning about the missing nflogd user" \
		grep -q "user nflogd does not exist.*running as nobody" "$NFLOGD_ERR"
fi

# --- records still flow after the drop ---
send 5
nl_wait_recorded 5 || true
nl_eq "records written after the drop" 5 "$(nl_stat recorded)"
nl_eq "nft counted the same" 5 "$(nl_nft_counter priv)"

# --- the ring file: 0640, owner root, the user's group by default ---
nl_eq "ring file mode" 640 "$(stat -c %a "$RING")"
nl_eq "ring file owner and group" "0:$SVC_GID" "$(stat -c %u:%g "$RING")"
nl_check "a member of the ring group reads it without privilege" reads "--groups=$SVC_GID"
as_reader --clear-groups "$NFLOGCTL" stats --ring "$RING" >/dev/null 2>"$NL_TMP/denied"
rc=$?
nl_check "anyone else is refused (exit $rc)" [ "$rc" -ne 0 ]
nl_check "... with a clear permission error" grep -q "cannot open .*Permission denied" "$NL_TMP/denied"

nl_stop_nflogd; rc=$?
nl_eq "unprivileged daemon stops cleanly on SIGTERM" 0 "$rc"
nl_eq "ring offline after the stop" offline \
	"$(nl_ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"

# --- --ring-group: a group of the admin's choice; a continued ring is regrouped ---
nl_start_nflogd -g 10 --ring-size 1M --user nobody --ring-group "$RGROUP" ||
	nl_die "nflogd --ring-group $RGROUP did not start"
nl_eq "continued ring given to --ring-group" "0:$RGROUP 640" "$(stat -c '%u:%g %a' "$RING")"
nl_stop_nflogd
rm -f "$RING"
nl_start_nflogd -g 10 --ring-size 1M --user nobody --ring-group "$RGROUP" ||
	nl_die "nflogd --ring-group $RGROUP did not start"
nl_eq "new ring in --ring-group" "0:$RGROUP 640" "$(stat -c '%u:%g %a' "$RING")"
send 2
nl_wait_recorded 2 || true
n=$(as_reader "--groups=$RGROUP" "$NFLOGCTL" read --ring "$RING" --json 2>"$NL_TMP/rd" |
	python3 -c 'import json, sys; print(sum(json.loads(l)["event"]["kind"] != "alert" for l in sys.stdin))')
nl_eq "a member of --ring-group reads the records" 2 "$n"
nl_check "a member of the user's group only is refused" not reads "--groups=$(id -g nobody)"
nl_stop_nflogd

# --- --no-sandbox: no filter, everything else dropped ---
nl_start_nflogd -g 10 --ring-size 1M --no-sandbox || nl_die "nflogd --no-sandbox did not start"
st=/proc/$NFLOGD_PID/status
nl_eq "--no-sandbox: Seccomp 0, NoNewPrivs 1, CapEff/CapBnd empty" "0,1,$ZERO,$ZERO" \
	"$(field Seccomp "$st"),$(field NoNewPrivs "$st"),$(field CapEff "$st"),$(field CapBnd "$st")"
nl_stop_nflogd

# --- the test hook: a forbidden system call right after the filter kills the process ---
# (In a subshell, whose stderr takes bash's "Bad system call" notice.)
rc=0
(NFLOGD_SECCOMP_SELFTEST=1 timeout -k 2 10 ip netns exec "$NS_TGT" "$NFLOGD" -g 10 \
	--ring "$RING" --ring-size 1M >/dev/null 2>"$NL_TMP/selftest" </dev/null; exit $?) 2>/dev/null ||
	rc=$?
nl_eq "forbidden call: killed by SIGSYS (128 + 31)" 159 "$rc"
nl_check "... before it was ready" sh -c "! grep -q ready '$NL_TMP/selftest'"
rc=0
NFLOGD_SECCOMP_SELFTEST=1 timeout -k 2 10 ip netns exec "$NS_TGT" "$NFLOGD" -g 10 \
	--ring "$RING" --ring-size 1M --no-sandbox >/dev/null 2>"$NL_TMP/selftest" </dev/null || rc=$?
nl_eq "same call without the filter: allowed, the hook fails the start" 1 "$rc"
nl_check "... and says so" grep -q "forbidden call was allowed" "$NL_TMP/selftest"
nl_check_sanitizer "$NL_TMP/selftest"

# --- unsafe ring paths ---
mkdir -m 0777 "$NL_TMP/ww" "$NL_TMP/sticky"
chmod 1777 "$NL_TMP/sticky"
expect_refused "world-writable ring directory" 'world-writable' --ring "$NL_TMP/ww/drops.ring"
expect_refused "sticky world-writable directory" 'world-writable' --ring "$NL_TMP/sticky/drops.ring"
nl_check "no ring file left there" [ -z "$(find "$NL_TMP/ww" "$NL_TMP/sticky" -mindepth 1)" ]
tmpring=/tmp/nflogd-55-$$.ring
if [ -n "$(find /tmp -maxdepth 0 -perm -0002)" ]; then
	expect_refused "ring directly in /tmp" 'world-writable' --ring "$tmpring"
	nl_check "no ring file in /tmp" sh -c "! ls $tmpring* >/dev/null 2>&1"
	rm -f "$tmpring" "$tmpring".new.*
fi
ln -s "$RING" "$NL_TMP/link.ring"
expect_refused "symbolic link at the ring path (to a good ring)" 'symbolic link' \
	--ring "$NL_TMP/link.ring"
ln -s "$NL_TMP/nothing.ring" "$NL_TMP/dangling.ring"
expect_refused "dangling symbolic link at the ring path" 'symbolic link' \
	--ring "$NL_TMP/dangling.ring"
nl_check "nothing created at the link's target" [ ! -e "$NL_TMP/nothing.ring" ]

nl_summary
