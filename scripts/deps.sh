#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# deps.sh [demo|test|deb|fleet] - install the Debian 12 packages nflogd needs, only those missing:
# `demo` what building and the demo need, `test` (default) also what the tests use (make
# check-fleet's packages included), `deb` what building the package (make deb) and make
# check-systemd need, `fleet` what make check-fleet adds to `demo` (rsyslog with RELP and
# TLS, a Prometheus server).
#
# Fast and quiet when everything is there (one dpkg-query); as root it runs apt-get update
# once and installs the rest; as anyone else it names what is missing and exits 1.

set -eu

# What building and `make demo` need; libwireshark-data brings IANA's service-name
# registry (/usr/share/wireshark/services), which nflogctl reads for the ports kb/ lacks;
# libmaxminddb-dev: country, city and AS in nflogctl's output (optional: without it the
# build works and says GeoIP is off).
PKGS_DEMO="build-essential pkg-config nftables libnetfilter-log-dev libmnl-dev libnftnl-dev
libcmocka-dev iproute2 iputils-ping hping3 nmap traceroute python3 kmod procps util-linux
libwireshark-data libmaxminddb-dev"
# What `make test` adds: fuzzers and valgrind, the tools the output tests check against
# (tcpdump, a headless browser, promtool, tmux, mmdblookup), man page lint,
# systemd-analyze, and the writer the GeoIP tests build their .mmdb files with.
PKGS_TEST="tcpdump tmux chromium prometheus clang libclang-rt-14-dev valgrind mandoc systemd
mmdb-bin libmaxmind-db-writer-perl"
# What `make deb` and `make check-systemd` add: dh and lintian; a Debian root to boot
# (debootstrap) and the container tools (systemd-nspawn, in systemd-container).
PKGS_DEB="debhelper lintian debootstrap systemd-container"
# What `make check-fleet` adds: rsyslogd with RELP (omrelp/imrelp) and TLS (gnutls), and
# Prometheus (the server; promtool comes with it). Their Debian services are not needed:
# the tests run instances of their own (tests/fleet/run.sh), see the end of this file.
PKGS_FLEET="rsyslog rsyslog-relp rsyslog-gnutls prometheus"

case ${1:-test} in
demo) PKGS=$PKGS_DEMO ;;
test) PKGS="$PKGS_DEMO $PKGS_TEST $PKGS_FLEET" ;;
deb) PKGS="$PKGS_DEMO $PKGS_DEB" ;;
fleet) PKGS="$PKGS_DEMO $PKGS_FLEET" ;;
*) echo "usage: $0 [demo|test|deb|fleet]" >&2; exit 2 ;;
esac

missing=
for p in $PKGS; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages:$missing" >&2
	echo "deps.sh: install them as root: apt-get install --no-install-recommends$missing" >&2
	exit 1
fi

echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -q --no-install-recommends $missing

# The packages enable their services (a system rsyslogd on /dev/log, a Prometheus on
# :9090). On a machine where this script installed them for the tests, keep them off:
# the tests start their own instances, and a system rsyslogd would take over /dev/log.
case " $missing " in
*" rsyslog "* | *" prometheus "*)
	if command -v systemctl >/dev/null 2>&1; then
		for u in rsyslog.service prometheus.service; do
			systemctl disable --now "$u" >/dev/null 2>&1 || systemctl disable "$u" >/dev/null 2>&1 || true
		done
	fi
	;;
esac
