#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - the .deb under a real systemd: installed, booted, probed, reloaded, stopped, removed, purged.
#
#   tests/systemd/run.sh build/deb/nflogd_VERSION_ARCH.deb      (root; make check-systemd)
#
# A Debian 12 root (debootstrap --variant=minbase, cached as a tarball in
# $NFLOGD_SYSTEMD_CACHE, default /var/cache/nflogd-tests, so only the first run
# downloads it) is unpacked into a fresh directory; apt installs the package there
# with systemd-nspawn, then the root boots with its own network namespace and every
# check runs inside it through nsenter on its PID 1. The package must have enabled
# and started the service; the daemon must run as nflogd with no capabilities,
# no_new_privs and its seccomp filter; `systemd-analyze security` must rate the unit
# 2.0 or less; the optional nflogd-rules.service adds and removes its table; probes to a port that an nft rule logs to group 10 and drops must be
# recorded; `systemctl reload` must apply a new local.kb; `systemctl stop` must lose
# nothing (recorded + lost_seq = the rule's nft counter); a broken or missing
# nflogd.conf must make `systemctl start` fail with the reason in the journal; a
# reinstall restarts the service and keeps the ring; remove keeps the ring and the
# conffiles, purge removes them. The container and its directory go on any exit.
# Exit status: 0 pass, 1 fail, 77 skip (not root, no tools).

# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/../netns/lib.sh"	# nl_pass, nl_fail, nl_check, nl_eq, nl_summary

DEB=${1:-}
CACHE=${NFLOGD_SYSTEMD_CACHE:-/var/cache/nflogd-tests}
SUITE=bookworm
MIRROR=${NFLOGD_SYSTEMD_MIRROR:-http://deb.debian.org/debian}
INCLUDE=systemd,systemd-sysv,dbus,nftables,iproute2
MACHINE=deb-nflogd-$$
GROUP=10		# the default nflogd.conf's per-cpu = 10 binds 10 and up
PORT=7777		# logged to $GROUP and dropped
PORT_KB=7778		# the same, and local.kb's row after the reload
KB_ID=30001

WORK=
NSPAWN_PID=
CPID=			# the container's PID 1, as the host sees it
T0=$SECONDS

st_cleanup() {
	local rc=$? i
	trap - EXIT INT TERM HUP
	if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
		# SIGTERM asks nspawn to shut the container down cleanly.
		kill -TERM "$NSPAWN_PID" 2>/dev/null
		for i in $(seq 100); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$NSPAWN_PID" 2>/dev/null
		wait "$NSPAWN_PID" 2>/dev/null
	fi
	if [ -n "$WORK" ] && [ -d "$WORK" ]; then
		[ "$rc" -eq 0 ] || [ ! -s "$WORK/boot.log" ] || {
			echo "--- container console (last 30 lines)"; tail -n 30 "$WORK/boot.log"; }
		rm -rf --one-file-system "$WORK"
	fi
	exit "$rc"
}

# ct CMD...: run CMD inside the booted container (every namespace of its PID 1).
ct() { nsenter -t "$CPID" -a "$@"; }
# in_net CMD...: run the host's CMD in the container's network namespace only.
in_net() { nsenter -t "$CPID" -n "$@"; }
nl_ctl() { ct nflogctl "$@"; }

# st_root: the cached minbase root as a tarball, made once (under a lock: two runs
# may start together), then unpacked into $WORK/root for this run alone.
st_root() {
	local tar=$CACHE/$SUITE-minbase-$(echo "$INCLUDE $MIRROR" | md5sum | cut -c1-12).tar
	mkdir -p "$CACHE" || nl_die "cannot create $CACHE"
	exec {lockfd}>>"$CACHE/.lock"
	flock -w 900 "$lockfd" || nl_die "cannot lock $CACHE"
	if [ ! -s "$tar" ]; then
		local tmp
		tmp=$(mktemp -d "$CACHE/deb-bootstrap.XXXXXX") || nl_die "mktemp in $CACHE failed"
		echo "debootstrap --variant=minbase --include=$INCLUDE $SUITE (cached as $tar)"
		if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$tmp/root" "$MIRROR" \
			>"$tmp/debootstrap.log" 2>&1; then
			tail -n 20 "$tmp/debootstrap.log"
			rm -rf --one-file-system "$tmp"
			nl_die "debootstrap failed"
		fi
		rm -rf "$tmp"/root/var/cache/apt/archives/*.deb
		tar -C "$tmp/root" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar" ||
			nl_die "cannot write $tar"
		rm -rf --one-file-system "$tmp"
	fi
	flock -u "$lockfd"
	mkdir "$WORK/root" && tar -C "$WORK/root" --numeric-owner -xpf "$tar" ||
		nl_die "cannot unpack $tar"
	echo "root: $tar unpacked in $((SECONDS - T0)) s"
}

# st_install: apt installs the .deb (and its dependencies, from the mirror) in the
# root before it boots, as an admin's `apt install ./nflogd_*.deb` would.
st_install() {
	local rc=0
	systemd-nspawn -q -D "$WORK/root" -M "$MACHINE" --register=no --keep-unit \
		--bind-ro="$DEB:/tmp/$(basename "$DEB")" \
		sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends /tmp/$(basename "$DEB")" \
		>"$WORK/install.log" 2>&1 </dev/null || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 20 "$WORK/install.log"
		nl_die "apt-get install in the container failed ($rc)"
	fi
	grep -E "^(Creating|Created symlink)" "$WORK/install.log" | sed 's/^/  apt: /'
	echo "installed in the root at $((SECONDS - T0)) s"
}

# st_boot: boot the root in the background; CPID is its PID 1 once systemd has
# finished starting up (is-system-running --wait).
st_boot() {
	local i state
	systemd-nspawn -q -D "$WORK/root" -M "$MACHINE" --private-network --register=no \
		--keep-unit --bind-ro="$DEB:/tmp/$(basename "$DEB")" -b systemd.firstboot=off \
		>"$WORK/boot.log" 2>&1 </dev/null &
	NSPAWN_PID=$!
	for i in $(seq 100); do
		CPID=$(pgrep -P "$NSPAWN_PID" -x systemd | head -n 1)
		[ -n "$CPID" ] && break
		kill -0 "$NSPAWN_PID" 2>/dev/null || nl_die "systemd-nspawn exited at boot"
		sleep 0.1
	done
	[ -n "$CPID" ] || nl_die "no PID 1 in the container after 10 s"
	# Until PID 1 answers on its bus (at first the socket is not there yet).
	for i in $(seq 300); do
		state=$(timeout 60 nsenter -t "$CPID" -a systemctl is-system-running --wait 2>/dev/null)
		[ -n "$state" ] && break
		sleep 0.2
	done
	echo "booted: PID 1 is $CPID on the host, system $state, at $((SECONDS - T0)) s"
	[ "$state" = running ] || ct systemctl --failed --no-pager --no-legend | sed 's/^/  failed: /'
}

# st_stat COUNTER: a total from `nflogctl stats --json` inside.
st_stat() {
	nl_ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"][sys.argv[1]])' "$1"
}

# st_counter COMMENT: the packets the container's nft rule with that comment counted.
st_counter() {
	ct nft -j list ruleset | python3 -c '
import json, sys
for r in json.load(sys.stdin)["nftables"]:
    r = r.get("rule")
    if r and r.get("comment") == sys.argv[1]:
        print(next(e["counter"]["packets"] for e in r["expr"] if "counter" in e)); break
else:
    print(-1)' "$1"
}

# st_send N PORT: N UDP probes to 127.0.0.1:PORT from the container's namespace
# (bash's /dev/udp: nothing to install inside).
st_send() {
	in_net bash -c 'for ((i = 0; i < $1; i++)); do echo probe >"/dev/udp/127.0.0.1/$2"; done' \
		st_send "$1" "$2" 2>/dev/null
}

# st_wait_recorded N: until the ring holds N records (10 s at most).
st_wait_recorded() {
	local i got=0
	for i in $(seq 100); do
		got=$(st_stat recorded 2>/dev/null) || got=0
		[ "$got" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# st_journal_grep PATTERN: this boot's journal of the unit matches (5 s at most).
st_journal_grep() {
	local i
	for i in $(seq 50); do
		ct journalctl -u nflogd --no-pager -o cat -b | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# st_ready_priority: the journal's start-up line has PRIORITY 6 and a message
# that starts with "ready:".
st_ready_priority() {
	ct journalctl -u nflogd --no-pager -o json -b | grep '"MESSAGE":"ready: groups' |
		grep -q '"PRIORITY":"6"'
}

# st_status_text: the unit's status line is what READY=1 set.
st_status_text() {
	ct systemctl show -p StatusText --value nflogd | grep -q '^capturing groups 10'
}

st_service() {
	echo "--- the package's service after boot"
	nl_eq "nflogd.service enabled by the package" enabled "$(ct systemctl is-enabled nflogd)"
	nl_eq "nflogd.service active after boot" active "$(ct systemctl is-active nflogd)"
	nl_eq "nflogd-rules.service installed, not enabled" disabled \
		"$(ct systemctl is-enabled nflogd-rules)"
	nl_check "journal has the start-up line (ready: groups ...)" \
		st_journal_grep '^ready: groups 10'
	ct journalctl -u nflogd --no-pager -o cat -b | grep 'ready:' | sed 's/^/  journal: /'
	# stderr is the journal stream: the line's priority travels as "<6>" and
	# the program's name is not repeated in the message.
	nl_check "journal: the start-up line at priority info (6), no 'nflogd:' prefix" \
		st_ready_priority
	nl_check "systemctl status shows what it does, not 'starting'" st_status_text
	nl_eq "state directory root:nflogd 0750" "root:nflogd 750" \
		"$(ct stat -c '%U:%G %a' /var/lib/nflogd)"
	nl_eq "ring root:nflogd 0640" "root:nflogd 640" \
		"$(ct stat -c '%U:%G %a' /var/lib/nflogd/drops.ring)"
	nl_eq "nflogctl --version is the package's version" "nflogctl $(ct dpkg-query -W -f '${Version}' nflogd)" \
		"$(ct nflogctl --version | cut -d' ' -f1,2)"
	nl_check "bash completion installed for both programs" ct test -f \
		/usr/share/bash-completion/completions/nflogd -a -f /usr/share/bash-completion/completions/nflogctl
	local out rc=0
	out=$(ct systemd-analyze verify --man=no /lib/systemd/system/nflogd.service \
		/lib/systemd/system/nflogd-rules.service 2>&1) || rc=$?
	nl_eq "systemd-analyze verify on both units" "0:" "$rc:$out"
}

st_rules_unit() {
	echo "--- boot order and the optional nflogd-rules.service"
	nl_check "nflogd.service is ordered after nftables.service" \
		sh -c "nsenter -t $CPID -a systemctl show -p After --value nflogd | grep -qw nftables.service"
	nl_check "nflogd-rules.service is ordered before nflogd.service" \
		sh -c "nsenter -t $CPID -a systemctl show -p Before --value nflogd-rules | grep -qw nflogd.service"
	nl_check "systemctl start nflogd-rules" ct systemctl start nflogd-rules
	nl_check "it installed table inet nflogd" sh -c "nsenter -t $CPID -a nft list table inet nflogd >/dev/null"
	nl_check "systemctl stop nflogd-rules" ct systemctl stop nflogd-rules
	nl_check "stopping removed the table" sh -c "! nsenter -t $CPID -a nft list table inet nflogd 2>/dev/null"
}

st_privileges() {
	local pid status
	echo "--- the running daemon's credentials"
	pid=$(ct systemctl show -p MainPID --value nflogd)
	status=$(ct grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' \
		"/proc/$pid/status")
	printf '%s\n' "$status" | sed "s/^/  \/proc\/$pid\/status: /"
	nl_eq "runs as the nflogd user" "$(ct id -u nflogd)" \
		"$(printf '%s\n' "$status" | awk '$1 == "Uid:" { print $2 }')"
	nl_check "no uid 0 left (real, effective, saved, fs)" \
		sh -c "printf '%s\n' \"\$1\" | awk '\$1 == \"Uid:\" { exit (\$2 && \$3 && \$4 && \$5) ? 0 : 1 }'" \
		sh "$status"
	nl_eq "CapEff" 0000000000000000 "$(printf '%s\n' "$status" | awk '$1 == "CapEff:" { print $2 }')"
	nl_eq "CapBnd" 0000000000000000 "$(printf '%s\n' "$status" | awk '$1 == "CapBnd:" { print $2 }')"
	nl_eq "NoNewPrivs" 1 "$(printf '%s\n' "$status" | awk '$1 == "NoNewPrivs:" { print $2 }')"
	nl_eq "Seccomp (2: filter)" 2 "$(printf '%s\n' "$status" | awk '$1 == "Seccomp:" { print $2 }')"
}

st_exposure() {
	local table level
	echo "--- systemd-analyze security nflogd.service"
	table=$(ct systemd-analyze security --no-pager nflogd.service 2>&1)
	printf '%s\n' "$table" | sed 's/^/  /'
	level=$(printf '%s\n' "$table" | sed -n 's/.*Overall exposure level for nflogd.service: \([0-9.]*\).*/\1/p')
	echo "exposure: ${level:-none}"
	nl_check "exposure ${level:-?} <= 2.0" \
		awk -v l="${level:-99}" 'BEGIN { exit !(l + 0 <= 2.0) }'
}

st_probes() {
	echo "--- probes logged by an nft rule inside, recorded by the service"
	ct nft -f - <<NFT || nl_die "nft -f in the container failed"
table inet deb_probe {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport { $PORT, $PORT_KB } counter log prefix "probe" group $GROUP drop comment "probe"
	}
}
NFT
	st_send 20 "$PORT"
	st_wait_recorded 20 || true
	nl_eq "20 probes recorded" 20 "$(st_stat recorded)"
	nl_eq "nft counted 20" 20 "$(st_counter probe)"
	nl_ctl read -n 3 | sed 's/^/  read: /'
	nl_check "nflogctl read shows them" \
		sh -c "nsenter -t $CPID -a nflogctl read -n 1 | grep -q '127\.0\.0\.1\.[0-9]* > 127\.0\.0\.1\.$PORT: udp'"
}

st_reload() {
	local pid0
	echo "--- systemctl reload: local.kb read again (SIGHUP)"
	pid0=$(ct systemctl show -p MainPID --value nflogd)
	printf 'port\t%s\tudp\t%s\tdst\tdeb-probe\tapp\texpected\tlocal\tThe systemd test port\tAdded before the reload.\n' \
		"$KB_ID" "$PORT_KB" | ct sh -c 'cat >/etc/nflogd/local.kb'
	nl_check "systemctl reload nflogd succeeds" ct systemctl reload nflogd
	nl_check "journal: the new local.kb applied" \
		st_journal_grep 'reload: local kb /etc/nflogd/local.kb applied'
	ct journalctl -u nflogd --no-pager -o cat -b | grep 'reload:' | sed 's/^/  journal: /'
	nl_eq "same pid after the reload" "$pid0" "$(ct systemctl show -p MainPID --value nflogd)"
	st_send 5 "$PORT_KB"
	st_wait_recorded 25 || true
	nl_eq "probes after the reload explained by the new row" "$KB_ID" "$(nl_ctl read --json -n 5 |
		python3 -c 'import json,sys; print(",".join(sorted({str(json.loads(l)["nflog"]["kb"]["id"]) for l in sys.stdin})))')"
}

st_stop() {
	local sent rec lost
	echo "--- systemctl stop: nothing lost"
	st_send 30 "$PORT"
	nl_check "systemctl stop nflogd" ct systemctl stop nflogd
	nl_eq "inactive after the stop" inactive "$(ct systemctl is-active nflogd)"
	sent=$(st_counter probe) rec=$(st_stat recorded) lost=$(st_stat lost_seq)
	echo "  nft counter $sent, recorded $rec, lost_seq $lost"
	nl_eq "recorded + lost_seq = nft counter" "$sent" "$((rec + lost))"
	nl_eq "clean exit status" 0 "$(ct systemctl show -p ExecMainStatus --value nflogd)"
}

# st_bad_start DESC PATTERN: systemctl start must fail, the journal must say PATTERN.
st_bad_start() {
	local rc=0
	ct systemctl start nflogd 2>/dev/null || rc=$?
	nl_check "$1: systemctl start fails (status $rc)" [ "$rc" -ne 0 ]
	nl_check "$1: not active" sh -c "[ \"\$(nsenter -t $CPID -a systemctl is-active nflogd)\" != active ]"
	nl_check "$1: journal says why" st_journal_grep "$2"
	ct journalctl -u nflogd --no-pager -o cat -b | grep -E -- "$2" | tail -n 1 | sed 's/^/  journal: /'
	ct systemctl stop nflogd 2>/dev/null	# no auto-restart left behind
	ct systemctl reset-failed nflogd 2>/dev/null
}

st_bad_config() {
	echo "--- a broken or missing /etc/nflogd/nflogd.conf"
	ct cp /etc/nflogd/nflogd.conf /root/nflogd.conf.good
	ct sh -c 'echo "ring_size = 1M" >>/etc/nflogd/nflogd.conf'
	st_bad_start "unknown key" "nflogd.conf:[0-9]+: unknown key 'ring_size'"
	ct mv /etc/nflogd/nflogd.conf /root/nflogd.conf.bad
	st_bad_start "missing file" "/etc/nflogd/nflogd.conf: No such file"
	ct cp /root/nflogd.conf.good /etc/nflogd/nflogd.conf
	nl_check "a good file starts it again" ct systemctl start nflogd
	nl_eq "active again" active "$(ct systemctl is-active nflogd)"
}

st_upgrade() {
	local pid0 rec0
	echo "--- reinstall (an upgrade's maintainer scripts): restarted, ring kept"
	pid0=$(ct systemctl show -p MainPID --value nflogd)
	rec0=$(st_stat recorded)
	ct env DEBIAN_FRONTEND=noninteractive dpkg -i "/tmp/$(basename "$DEB")" >"$WORK/upgrade.log" 2>&1 ||
		nl_fail "dpkg -i over the installed package failed: $(tail -n 3 "$WORK/upgrade.log")"
	nl_eq "active after the reinstall" active "$(ct systemctl is-active nflogd)"
	nl_check "restarted: a new pid" \
		[ "$pid0" != "$(ct systemctl show -p MainPID --value nflogd)" ]
	nl_eq "the ring's records still readable" "$rec0" "$(st_stat recorded)"
}

st_remove_purge() {
	echo "--- apt-get remove, then purge"
	ct env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q nflogd >"$WORK/remove.log" 2>&1 ||
		nl_fail "apt-get remove failed: $(tail -n 3 "$WORK/remove.log")"
	# No procps inside: the container's own /proc (the host's pgrep would see
	# other daemons of the same name on this machine).
	nl_check "remove: no nflogd process left" ct sh -c \
		'for c in /proc/[0-9]*/comm; do [ "$(cat "$c" 2>/dev/null)" != nflogd ] || exit 1; done'
	nl_check "remove: the unit is gone" sh -c "! nsenter -t $CPID -a systemctl cat nflogd >/dev/null 2>&1"
	nl_check "remove: ring kept" ct test -s /var/lib/nflogd/drops.ring
	nl_check "remove: conffile kept" ct test -f /etc/nflogd/nflogd.conf
	nl_check "remove: the programs are gone" sh -c "! nsenter -t $CPID -a test -e /usr/sbin/nflogd"
	ct env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q nflogd >"$WORK/purge.log" 2>&1 ||
		nl_fail "apt-get purge failed: $(tail -n 3 "$WORK/purge.log")"
	nl_check "purge: state directory and ring removed" sh -c "! nsenter -t $CPID -a test -e /var/lib/nflogd"
	nl_check "purge: conffile removed" sh -c "! nsenter -t $CPID -a test -e /etc/nflogd/nflogd.conf"
	nl_check "purge: the admin's own local.kb kept" ct test -f /etc/nflogd/local.kb
	nl_check "purge: enablement symlink removed" \
		sh -c "! nsenter -t $CPID -a test -e /etc/systemd/system/multi-user.target.wants/nflogd.service"
}

main() {
	nl_require_root
	[ -f "$DEB" ] || nl_die "usage: $0 PACKAGE.deb (make check-systemd builds it)"
	DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
	nl_require_cmd debootstrap systemd-nspawn nsenter python3 flock tar md5sum
	WORK=$(mktemp -d /var/tmp/deb-nflogd-systemd.XXXXXX) || nl_die "mktemp failed"
	trap st_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	echo "package: $DEB"
	st_root
	st_install
	st_boot
	st_service
	st_rules_unit
	st_privileges
	st_exposure
	st_probes
	st_reload
	st_stop
	st_bad_config
	st_upgrade
	st_remove_purge
	echo "check-systemd: $((SECONDS - T0)) s"
	nl_summary
}

main "$@"
