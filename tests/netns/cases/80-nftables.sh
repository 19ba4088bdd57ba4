#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 80-nftables.sh - nflogd alongside a ruleset: the shipped .nft files load and pass
# `nft -c`; `nflogctl rules install` adds nflogd's own table through libnftnl exactly as
# `rules print --own` describes it, a second install changes nothing, `rules remove`
# leaves the rest of the ruleset byte-identical and never touches a table it did not make;
# without CAP_NET_ADMIN the commands say so.

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../lib.sh"
nl_require_root
nl_require_cmd ip nft setpriv
nl_require_bins
nl_init

NS=nfl-nft-$$
nl_netns_add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }
ctl() { ip netns exec "$NS" "$NFLOGCTL" "$@"; }
listing() { in_ns nft "$@" list ruleset; }

# --- every shipped file: checked, loaded, reloaded ---
for f in "$NL_ROOT"/nft/*.nft; do
	name=nft/$(basename "$f")
	in_ns nft flush ruleset
	nl_check "$name passes nft -c -f" in_ns nft -c -f "$f"
	nl_check "$name loads" in_ns nft -f "$f"
	nl_check "$name loads again (reloadable)" in_ns nft -f "$f"
done
nl_check "nft/nflogd-drop.nft is nflogctl rules print --per-cpu --cpus 2" \
	cmp -s "$NL_ROOT/nft/nflogd-drop.nft" <("$NFLOGCTL" rules print --per-cpu --cpus 2)
for args in "" "--per-cpu --cpus 3 --groups 40" "--table t6 --groups 7"; do
	# shellcheck disable=SC2086
	"$NFLOGCTL" rules print $args >"$NL_TMP/snippet.nft"
	in_ns nft flush ruleset
	nl_check "rules print $args passes nft -c -f" in_ns nft -c -f "$NL_TMP/snippet.nft"
done
"$NFLOGCTL" rules print --table "ip6 t6" >"$NL_TMP/snippet6.nft"
nl_check "rules print --table 'ip6 t6' passes nft -c -f" in_ns nft -c -f "$NL_TMP/snippet6.nft"

# --- install == print --own, for one group and per-CPU groups ---
for args in "" "--per-cpu --cpus 2" "--per-cpu --cpus 5 --groups 100"; do
	in_ns nft flush ruleset
	# shellcheck disable=SC2086
	ctl rules install $args >/dev/null
	listing >"$NL_TMP/installed.txt"
	in_ns nft flush ruleset
	# shellcheck disable=SC2086
	"$NFLOGCTL" rules print --own $args >"$NL_TMP/own.nft"
	in_ns nft -f "$NL_TMP/own.nft"
	listing >"$NL_TMP/printed.txt"
	nl_check "rules install ${args:-(one group)} = nft -f of rules print --own" \
		cmp -s "$NL_TMP/installed.txt" "$NL_TMP/printed.txt"
done

# --- install/remove round trip next to an existing ruleset ---
in_ns nft flush ruleset
in_ns nft -f "$NL_ROOT/nft/host-firewall.nft"
in_ns nft -f - <<'NFT'
table ip other {
	set friends { type ipv4_addr; elements = { 192.0.2.7, 198.51.100.9 } }
	chain pre {
		type filter hook prerouting priority -100; policy accept;
		ip saddr @friends counter accept comment "friends"
	}
}
table ip6 nflogd {
	chain c { }
}
NFT
listing >"$NL_TMP/before.txt"
listing -a >"$NL_TMP/before-a.txt"
out=$(ctl rules install --per-cpu --cpus 2 2>&1)
nl_eq "rules install exit status" 0 "$?"
nl_check "rules install says what it added" grep -q "installed table inet nflogd" <<<"$out"
has_own() { in_ns nft list table inet nflogd >/dev/null 2>&1; }
nl_check "table inet nflogd exists after install" has_own
listing -a >"$NL_TMP/installed-a.txt"
out=$(ctl rules install --per-cpu --cpus 2 2>&1)
nl_eq "second rules install exit status" 0 "$?"
nl_check "second install: nothing changed (said)" grep -q "nothing changed" <<<"$out"
listing -a >"$NL_TMP/installed2-a.txt"
nl_check "second install: ruleset identical, handles included" \
	cmp -s "$NL_TMP/installed-a.txt" "$NL_TMP/installed2-a.txt"
out=$(ctl rules install --groups 20 2>&1)
nl_eq "install with other settings refused" 1 "$?"
nl_check "  ... and says to remove first" grep -q "rules remove" <<<"$out"
out=$(ctl rules remove 2>&1)
nl_eq "rules remove exit status" 0 "$?"
listing >"$NL_TMP/after.txt"
listing -a >"$NL_TMP/after-a.txt"
nl_check "install + remove: ruleset byte-identical to before" \
	cmp -s "$NL_TMP/before.txt" "$NL_TMP/after.txt"
nl_check "install + remove: identical with handles too" \
	cmp -s "$NL_TMP/before-a.txt" "$NL_TMP/after-a.txt"
out=$(ctl rules remove 2>&1)
nl_eq "remove when not installed exit status" 0 "$?"
nl_check "  ... says nothing to remove" grep -q "nothing to remove" <<<"$out"

# --- a table of the same name that nflogd did not make is left alone ---
in_ns nft add table inet nflogd
in_ns nft add chain inet nflogd mine
listing >"$NL_TMP/foreign.txt"
out=$(ctl rules install 2>&1)
nl_eq "install over a foreign inet nflogd refused" 1 "$?"
nl_check "  ... with a reason" grep -q "did not create it" <<<"$out"
out=$(ctl rules remove 2>&1)
nl_eq "remove of a foreign inet nflogd refused" 1 "$?"
nl_check "  ... with a reason" grep -q "not created by nflogd" <<<"$out"
listing >"$NL_TMP/foreign2.txt"
nl_check "foreign table untouched" cmp -s "$NL_TMP/foreign.txt" "$NL_TMP/foreign2.txt"
in_ns nft delete table inet nflogd

# --- no CAP_NET_ADMIN: a clear refusal, nothing changed ---
listing >"$NL_TMP/priv-before.txt"
unpriv() { in_ns setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
out=$(unpriv "$NFLOGCTL" rules install 2>&1)
nl_eq "unprivileged rules install exit status" 1 "$?"
nl_check "  ... names CAP_NET_ADMIN" grep -q "CAP_NET_ADMIN" <<<"$out"
out=$(unpriv "$NFLOGCTL" rules remove 2>&1)
nl_eq "unprivileged rules remove exit status" 1 "$?"
nl_check "  ... names CAP_NET_ADMIN" grep -q "CAP_NET_ADMIN" <<<"$out"
listing >"$NL_TMP/priv-after.txt"
nl_check "unprivileged attempts changed nothing" \
	cmp -s "$NL_TMP/priv-before.txt" "$NL_TMP/priv-after.txt"

# --- bad input ---
for bad in "rules print --groups 70000" "rules print --table 1abc" "rules print --cpus 2" \
	"rules print --per-cpu --cpus 0" "rules frobnicate" "rules install --table 'ip x'" \
	"rules print --per-cpu --cpus 2 --groups 65535" "suggest --since 5x" "suggest --since 0s" \
	"suggest --format xml" "suggest --bogus" "suggest extra"; do
	eval "set -- $bad"
	"$NFLOGCTL" "$@" >/dev/null 2>"$NL_TMP/bad.err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ -s "$NL_TMP/bad.err" ]; then
		nl_pass "nflogctl $bad: exit 2 with a message"
	else
		nl_fail "nflogctl $bad: exit $rc, stderr: $(head -c 200 "$NL_TMP/bad.err")"
	fi
done

"$NFLOGCTL" suggest --ring "$NL_TMP/no-such.ring" >/dev/null 2>"$NL_TMP/bad.err"
nl_eq "suggest on a missing ring exit status" 1 "$?"
nl_check "  ... with a message naming it" grep -q "no-such.ring" "$NL_TMP/bad.err"
printf '192.0.2.0/24\n192.0.2.1/24\n' >"$NL_TMP/allow.bad"
"$NFLOGCTL" suggest --allow "$NL_TMP/allow.bad" >/dev/null 2>"$NL_TMP/bad.err"
nl_eq "suggest with a bad allowlist exit status" 1 "$?"
nl_check "  ... names file and line" grep -q "allow.bad:2:" "$NL_TMP/bad.err"
"$NFLOGCTL" suggest --allow "$NL_TMP/no-such-allow" >/dev/null 2>"$NL_TMP/bad.err"
nl_eq "suggest with a missing --allow file exit status" 1 "$?"

nl_summary
