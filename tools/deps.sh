#!/bin/sh
# Installs what building and testing cairn needs on Debian 12, and only what
# is missing: quiet and quick when everything is there already.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config libssh-dev
libyaml-dev libpcre2-dev liblua5.4-dev libcmocka-dev debootstrap dpkg-dev
busybox-static openssh-client iproute2 util-linux procps ca-certificates git
sudo bc libcrypt-dev libssl-dev clang libclang-rt-14-dev rsync"

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case $st in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
