#!/bin/bash
# A local apt repository for the apt module's tests: a few tiny packages
# built with dpkg-deb, indexed with dpkg-scanpackages, put into running
# test hosts under /srv/repo, with apt pointed only at it (no network).
#
# usage: aptrepo.sh [--no-update] I...
#
# Packages (all Architecture: all):
#   cairn-hello 1.0 and 2.0        two versions: pins, latest, downgrade
#   cairn-lib 1.0                   a dependency of cairn-app
#   cairn-app 1.0                   Depends: cairn-lib
#   cairn-conf 1.0 and 2.0          a conffile /etc/cairn-conf.conf
#   cairn-rec 1.0                   Recommends: cairn-extra
#   cairn-extra 1.0                 only pulled in as a recommendation
# and, outside the repository, /srv/debs/cairn-local_1.0_all.deb
# (Depends: cairn-lib) for the deb parameter.
#
# Environment: as testbed.sh (CAIRN_TESTBED_DIR, ...).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
update=1
if [ "${1:-}" = --no-update ]; then
	update=0
	shift
fi
[ $# -ge 1 ] || { echo "usage: aptrepo.sh [--no-update] I..." >&2; exit 1; }
command -v dpkg-scanpackages >/dev/null ||
	{ echo "aptrepo: dpkg-scanpackages not found (install dpkg-dev)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# mkpkg NAME VERSION [FIELD: VALUE]... : a package holding
# /usr/share/NAME/version, plus a conffile for cairn-conf.
mkpkg() {
	local name=$1 version=$2 d
	shift 2
	d=$work/build/${name}_$version
	mkdir -p "$d/DEBIAN" "$d/usr/share/$name"
	echo "$name $version" >"$d/usr/share/$name/version"
	{
		echo "Package: $name"
		echo "Version: $version"
		echo "Architecture: all"
		echo "Maintainer: cairn tests <tests@cairn.invalid>"
		echo "Section: misc"
		echo "Priority: optional"
		for f in "$@"; do echo "$f"; done
		echo "Description: cairn test package $name"
		echo " A tiny package for cairn's apt module tests."
	} >"$d/DEBIAN/control"
	if [ "$name" = cairn-conf ]; then
		mkdir -p "$d/etc"
		echo "setting = $version" >"$d/etc/cairn-conf.conf"
		echo /etc/cairn-conf.conf >"$d/DEBIAN/conffiles"
	fi
	dpkg-deb --root-owner-group -Zgzip -b "$d" "$work/out.deb" >/dev/null
	echo "$work/out.deb"
}

mkdir -p "$work/srv/repo" "$work/srv/debs"
put() { mv "$(mkpkg "$@")" "$work/srv/repo/${1}_${2}_all.deb"; }
put cairn-hello 1.0
put cairn-hello 2.0
put cairn-lib 1.0
put cairn-app 1.0 "Depends: cairn-lib"
put cairn-conf 1.0
put cairn-conf 2.0
put cairn-rec 1.0 "Recommends: cairn-extra"
put cairn-extra 1.0
mv "$(mkpkg cairn-local 1.0 "Depends: cairn-lib")" \
	"$work/srv/debs/cairn-local_1.0_all.deb"
(cd "$work/srv/repo" && dpkg-scanpackages -m . /dev/null >Packages 2>/dev/null)

for i in "$@"; do
	tar -C "$work/srv" -cf - repo debs |
		"$here/testbed.sh" exec "$i" 'rm -rf /srv/repo /srv/debs && mkdir -p /srv && tar -C /srv -xf -'
	"$here/testbed.sh" exec "$i" '
		rm -f /etc/apt/sources.list.d/*
		echo "deb [trusted=yes] file:/srv/repo ./" >/etc/apt/sources.list
		mkdir -p /var/cache/apt/archives/partial'
	if [ "$update" = 1 ]; then
		"$here/testbed.sh" exec "$i" 'apt-get update -q >/dev/null' ||
			{ echo "aptrepo: apt-get update failed on h$i" >&2; exit 1; }
	fi
done
