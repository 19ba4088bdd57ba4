#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mkdeb.sh OUTDIR - build the Debian package from a clean copy of the tree, then lintian.
#
# The copy (OUTDIR/nflogd-VERSION, the files git tracks plus new ones it does not
# ignore; without git, everything but build/) is what `dpkg-buildpackage -us -uc -b`
# sees, as on a fresh checkout: the worktree's own build/ is never cleaned or reused,
# and the .deb, .changes and .buildinfo land in OUTDIR, not next to the tree.
# lintian must report no error and no warning on the .deb and the .changes.

set -eu
out=${1:?usage: mkdeb.sh OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$top/debian/changelog")
[ -n "$version" ] || { echo "mkdeb.sh: no version in debian/changelog" >&2; exit 1; }
for c in dpkg-buildpackage dh lintian; do
	command -v "$c" >/dev/null || { echo "mkdeb.sh: no $c (scripts/deps.sh deb)" >&2; exit 1; }
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/nflogd-$version
rm -rf "$src" "$out"/nflogd_"$version"_*
mkdir -p "$src"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z -c -o --exclude-standard | xargs -0 tar -cf - --no-recursion) |
		tar -xf - -C "$src"
else
	(cd "$top" && tar -cf - --exclude=./build .) | tar -xf - -C "$src"
fi

echo "mkdeb.sh: dpkg-buildpackage -us -uc -b in $src"
jobs=$(nproc 2>/dev/null || echo 1)
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$jobs${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
	dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "mkdeb.sh: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
ls "$out"/nflogd_"$version"_*.deb "$out"/nflogd_"$version"_*.changes

# --fail-on warning: a warning fails the build as an error does. Overrides, each
# with its reason, are in debian/*lintian-overrides.
echo "mkdeb.sh: lintian"
lintian --fail-on error,warning --display-info "$out"/nflogd_"$version"_*.changes
echo "mkdeb.sh: lintian: no errors, no warnings"
