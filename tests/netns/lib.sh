# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - shared helpers for the end-to-end tests that run nflogd in network namespaces.
#
# Sourced by tests/netns/cases/*.sh and scripts/demo.sh. Topology made by nl_setup_pair:
#
#   ns $NS_SRC                              ns $NS_TGT (nft ruleset + nflogd)
#   veth0 192.0.2.2/24 2001:db8::2/64 <---> veth1 192.0.2.1/24 2001:db8::1/64
#
# Only documentation addresses, only inside namespaces made here; every namespace, daemon,
# sysctl change and temp file is undone by the EXIT trap, also when a test fails half-way.
# Exit status 77 means "skipped" (not root, missing tool or binary).

set -u

NL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NFLOGD_BUILD=${NFLOGD_BUILD:-build}
# nflogctl's settings file on this machine, if any, is not the tests' business.
export NFLOGCTL_CONFIG=${NFLOGCTL_CONFIG:-none}
case $NFLOGD_BUILD in
/*) ;;
*) NFLOGD_BUILD=$NL_ROOT/$NFLOGD_BUILD ;;
esac
NFLOGD=$NFLOGD_BUILD/nflogd
NFLOGCTL=$NFLOGD_BUILD/nflogctl

# Names carry the pid so that parallel runs do not collide; 15-char netns names are fine.
NS_SRC=nfl-src-$$
NS_TGT=nfl-tgt-$$
IF_SRC=veth0
IF_TGT=veth1
SRC4=192.0.2.2
TGT4=192.0.2.1
SRC6=2001:db8::2
TGT6=2001:db8::1

NL_TMP=
NL_NETNS=()		# namespaces to delete
NL_PIDS=()		# background processes to stop
NL_SYSCTLS=()		# "name=original" to restore
NL_PASS=0
NL_FAIL=0
NFLOGD_PID=
NFLOGD_ERR=
RING=

nl_log() { printf '%s\n' "$*" >&2; }

nl_skip() {
	nl_log "SKIP: $*"
	exit 77
}

nl_die() {
	nl_log "ERROR: $*"
	exit 1
}

# nl_require_root: the tests create namespaces and load rulesets.
nl_require_root() {
	[ "$(id -u)" -eq 0 ] || nl_skip "needs root (network namespaces, nftables)"
}

# nl_require_cmd CMD...: skip when a tool is missing (scripts/deps.sh installs them).
nl_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || nl_skip "missing tool: $c (run scripts/deps.sh)"
	done
}

# nl_require_bins: nflogd and nflogctl built into $NFLOGD_BUILD.
nl_require_bins() {
	[ -x "$NFLOGD" ] && [ -x "$NFLOGCTL" ] ||
		nl_skip "no $NFLOGD or $NFLOGCTL (run make all)"
}

nl_cleanup() {
	local rc=$? pid kv ns
	trap - EXIT INT TERM HUP
	for pid in "${NL_PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -CONT "$pid" 2>/dev/null
			kill -TERM "$pid" 2>/dev/null
		fi
	done
	for pid in "${NL_PIDS[@]}"; do
		nl_wait_pid "$pid" 5 || { kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
	done
	for kv in "${NL_SYSCTLS[@]}"; do
		sysctl -qw "$kv" >/dev/null 2>&1 || nl_log "warning: could not restore $kv"
	done
	# The lock belongs to the open file, which daemons we started may have inherited.
	[ -n "$NL_LOCKFD" ] && flock -u "$NL_LOCKFD"
	for ns in "${NL_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$NL_TMP" ] && rm -rf -- "$NL_TMP"
	exit "$rc"
}

nl_init() {
	NL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/${NL_TMP_NAME:-nflogd-test}.XXXXXX") || nl_die "mktemp failed"
	RING=$NL_TMP/drops.ring
	trap nl_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
}

# nl_is_zombie PID: exited but not yet reaped (kill -0 still succeeds on it).
nl_is_zombie() {
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	Z*) return 0 ;;
	esac
	return 1
}

# nl_wait_pid PID SECONDS: wait for our child PID to exit; 0 and $NL_RC set if it did.
nl_wait_pid() {
	local pid=$1 i=0 n=$(($2 * 20))
	while kill -0 "$pid" 2>/dev/null; do
		# A zombie still answers kill -0; wait reaps it below.
		nl_is_zombie "$pid" && break
		i=$((i + 1))
		[ "$i" -ge "$n" ] && return 1
		sleep 0.05
	done
	NL_RC=0
	wait "$pid" 2>/dev/null || NL_RC=$?
	return 0
}

# Init-namespace sysctls are shared by parallel test runs: a case that changes one holds
# this lock until it has restored it, and run.sh takes it to read or restore the value.
NL_SYSCTL_LOCK=/run/lock/nflogd-tests.sysctl.lock
[ -d /run/lock ] || NL_SYSCTL_LOCK=/tmp/nflogd-tests.sysctl.lock
NL_LOCKFD=

# nl_sysctl_init NAME VALUE: set a sysctl of the init namespace, restore it at exit.
nl_sysctl_init() {
	local old
	if [ -z "$NL_LOCKFD" ]; then
		exec {NL_LOCKFD}>>"$NL_SYSCTL_LOCK" || nl_die "cannot open $NL_SYSCTL_LOCK"
		flock -w 300 "$NL_LOCKFD" || nl_die "another test run holds $NL_SYSCTL_LOCK"
	fi
	old=$(sysctl -n "$1") || nl_die "no sysctl $1"
	NL_SYSCTLS+=("$1=$old")
	sysctl -qw "$1=$2" >/dev/null || nl_die "cannot set $1=$2"
}

# nl_netns_add NAME: a namespace with lo up and IPv6 DAD off, deleted at exit.
nl_netns_add() {
	ip netns add "$1" || nl_die "ip netns add $1 failed"
	NL_NETNS+=("$1")
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 >/dev/null
}

# nl_setup_pair: the two namespaces and the veth pair between them (see top of file).
nl_setup_pair() {
	nl_netns_add "$NS_SRC"
	nl_netns_add "$NS_TGT"
	ip link add "$IF_SRC" netns "$NS_SRC" type veth peer name "$IF_TGT" netns "$NS_TGT" ||
		nl_die "cannot create veth pair"
	ip -n "$NS_SRC" addr add "$SRC4/24" dev "$IF_SRC"
	ip -n "$NS_SRC" addr add "$SRC6/64" dev "$IF_SRC" nodad
	ip -n "$NS_TGT" addr add "$TGT4/24" dev "$IF_TGT"
	ip -n "$NS_TGT" addr add "$TGT6/64" dev "$IF_TGT" nodad
	# Probes carry forged sources (198.51.100.0/24): no reverse-path filter in the target,
	# and the source side routes everything over the veth.
	ip netns exec "$NS_TGT" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 "net.ipv4.conf.$IF_TGT.rp_filter=0" >/dev/null
	ip netns exec "$NS_SRC" sysctl -qw "net.ipv6.conf.$IF_SRC.accept_dad=0" \
		net.ipv6.conf.all.router_solicitations=0 \
		"net.ipv6.conf.$IF_SRC.router_solicitations=0" >/dev/null
	ip netns exec "$NS_TGT" sysctl -qw "net.ipv6.conf.$IF_TGT.accept_dad=0" >/dev/null
	ip -n "$NS_SRC" link set "$IF_SRC" up
	ip -n "$NS_TGT" link set "$IF_TGT" up
	# Static neighbours: no ARP/ND delay or retransmission on the first packet, which
	# would otherwise leave the source CPU (see cases/40-percpu.sh) and time to chance.
	local mac_src mac_tgt
	mac_src=$(ip netns exec "$NS_SRC" cat "/sys/class/net/$IF_SRC/address")
	mac_tgt=$(ip netns exec "$NS_TGT" cat "/sys/class/net/$IF_TGT/address")
	ip -n "$NS_SRC" neigh replace "$TGT4" lladdr "$mac_tgt" dev "$IF_SRC" nud permanent
	ip -n "$NS_SRC" neigh replace "$TGT6" lladdr "$mac_tgt" dev "$IF_SRC" nud permanent
	ip -n "$NS_TGT" neigh replace "$SRC4" lladdr "$mac_src" dev "$IF_TGT" nud permanent
	ip -n "$NS_TGT" neigh replace "$SRC6" lladdr "$mac_src" dev "$IF_TGT" nud permanent
	ip -n "$NS_SRC" route add default dev "$IF_SRC"
	ip -n "$NS_SRC" -6 route add default dev "$IF_SRC"
	ip -n "$NS_TGT" route add default dev "$IF_TGT"
	ip -n "$NS_TGT" -6 route add default dev "$IF_TGT"
	nl_wait_v6 || nl_die "IPv6 address not usable on $IF_SRC"
}

# nl_wait_v6: the addresses are nodad, but the link may take a moment to be "up".
nl_wait_v6() {
	local i
	for i in $(seq 50); do
		if ! ip -n "$NS_SRC" -6 addr show dev "$IF_SRC" | grep -q tentative &&
			ip -n "$NS_SRC" link show "$IF_SRC" | grep -q 'state UP'; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

nl_src() { ip netns exec "$NS_SRC" "$@"; }
nl_tgt() { ip netns exec "$NS_TGT" "$@"; }

# nl_load_ruleset FILE|-: load an nft ruleset into the target namespace (never the host's).
nl_load_ruleset() {
	ip netns exec "$NS_TGT" nft -f "$1" || nl_die "nft -f $1 failed in $NS_TGT"
}

# nl_nft_counter COMMENT: packets counted by the target-namespace rule carrying that comment.
nl_nft_counter() {
	ip netns exec "$NS_TGT" nft -j list ruleset | python3 -c '
import json, sys
want = sys.argv[1]
for obj in json.load(sys.stdin)["nftables"]:
    rule = obj.get("rule")
    if not rule or rule.get("comment") != want:
        continue
    for e in rule["expr"]:
        if "counter" in e:
            print(e["counter"]["packets"])
            sys.exit(0)
sys.exit("no counter on rule with comment " + want)
' "$1"
}

# nl_start_nflogd ARGS...: run nflogd in the target namespace on $RING, in the background,
# and wait for its "ready" line. Sets NFLOGD_PID and NFLOGD_ERR (its stderr).
# Must not be called in a subshell: the pid has to stay our child.
nl_start_nflogd() {
	local i
	NFLOGD_ERR=$NL_TMP/nflogd.$((${#NL_PIDS[@]} + 1)).err
	# ip netns exec execs the program, so $! is nflogd's own pid (kill -STOP works on it).
	ip netns exec "$NS_TGT" "$NFLOGD" --ring "$RING" "$@" 2>"$NFLOGD_ERR" &
	NFLOGD_PID=$!
	NL_PIDS+=("$NFLOGD_PID")
	for i in $(seq 200); do
		if grep -q 'ready' "$NFLOGD_ERR" 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$NFLOGD_PID" 2>/dev/null || nl_is_zombie "$NFLOGD_PID"; then
			wait "$NFLOGD_PID" 2>/dev/null
			nl_log "nflogd $* exited early (status $?):"
			sed 's/^/  | /' "$NFLOGD_ERR" >&2
			return 1
		fi
		sleep 0.05
	done
	nl_log "nflogd $* not ready after 10 s; stderr:"
	sed 's/^/  | /' "$NFLOGD_ERR" >&2
	return 1
}

# nl_stop_nflogd: SIGTERM, wait up to 10 s; returns nflogd's exit status (137 on timeout).
nl_stop_nflogd() {
	[ -n "$NFLOGD_PID" ] || return 0
	kill -CONT "$NFLOGD_PID" 2>/dev/null
	kill -TERM "$NFLOGD_PID" 2>/dev/null
	if ! nl_wait_pid "$NFLOGD_PID" 10; then
		nl_log "nflogd did not exit 10 s after SIGTERM; killing it"
		kill -KILL "$NFLOGD_PID" 2>/dev/null
		wait "$NFLOGD_PID" 2>/dev/null
		NL_RC=137
	fi
	NFLOGD_PID=
	nl_check_sanitizer "$NFLOGD_ERR"
	return "$NL_RC"
}

# nl_check_sanitizer FILE: a sanitizer report in a daemon's stderr fails the test.
nl_check_sanitizer() {
	if grep -Eq 'Sanitizer|runtime error:' "$1" 2>/dev/null; then
		nl_fail "sanitizer report in $(basename "$1"):"
		sed 's/^/  | /' "$1" | head -40
	fi
}

# nl_ctl ARGS...: nflogctl on our ring (reading the file needs no namespace).
nl_ctl() {
	"$NFLOGCTL" "$1" --ring "$RING" "${@:2}"
}

# nl_stat COUNTER [SEGMENT]: one counter from "nflogctl stats --json" (total by default).
nl_stat() {
	nl_ctl stats --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
name = sys.argv[1]
if len(sys.argv) > 2:
    print(d["segments"][int(sys.argv[2])]["counters"][name])
else:
    print(d["total"][name])
' "$@"
}

# nl_wait_recorded N [SECONDS]: poll until the ring holds at least N records.
nl_wait_recorded() {
	local n=$1 t=${2:-5} i got=0
	for i in $(seq $((t * 10))); do
		got=$(nl_stat recorded 2>/dev/null) || got=0
		[ "${got:-0}" -ge "$n" ] && return 0
		sleep 0.1
	done
	nl_log "only $got of $n records after $t s"
	return 1
}

# --- assertions: each prints one line and counts; nl_summary ends the test ---

nl_pass() { NL_PASS=$((NL_PASS + 1)); printf '  ok    %s\n' "$1"; }
nl_fail() { NL_FAIL=$((NL_FAIL + 1)); printf '  FAIL  %s\n' "$1"; }

# nl_check DESC CMD...: passes when CMD succeeds.
nl_check() {
	local desc=$1
	shift
	if "$@"; then nl_pass "$desc"; else nl_fail "$desc"; fi
}

# nl_eq DESC EXPECTED GOT
nl_eq() {
	if [ "$2" = "$3" ]; then
		nl_pass "$1 ($3)"
	else
		nl_fail "$1: expected '$2', got '$3'"
	fi
}

# nl_summary: the closing line, exit status 1 if anything failed.
nl_summary() {
	echo "$NL_PASS passed, $NL_FAIL failed"
	[ "$NL_FAIL" -eq 0 ]
}
