#!/bin/sh
# deps.sh - install the Debian 12 packages nflogd needs to build and test, only those missing.
#
# Fast and quiet when everything is there (one dpkg-query); as root it runs apt-get update
# once and installs the rest; as anyone else it names what is missing and exits 1.

set -eu

PKGS="build-essential pkg-config nftables libnetfilter-log-dev libmnl-dev libnftnl-dev
libcmocka-dev iproute2 iputils-ping hping3 nmap traceroute python3 kmod procps
tcpdump tmux chromium prometheus
clang libclang-rt-14-dev valgrind util-linux
mandoc systemd"

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
