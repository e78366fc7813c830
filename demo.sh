#!/bin/bash
# The tour: builds cairn, starts three throwaway Debian hosts, provisions
# them with playbooks/provision.yml, runs it again to show that nothing
# changes, and tears the hosts down.  Run as root on Debian 12.
set -euo pipefail
# The whole script is one block ending in exit, so that bash has read all of
# it before it starts: the file may be edited while a long run is going on.
{
cd "$(dirname "$0")"
top=$(pwd)

if [ -t 1 ]; then
	step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
	step() { printf '\n==> %s\n' "$*"; }
fi

[ "$(id -u)" = 0 ] || { echo "demo.sh: run me as root (I start throwaway hosts with namespaces)" >&2; exit 1; }

step "Checking build dependencies (tools/deps.sh)"
tools/deps.sh

step "Building cairn in _build/"
[ -x configure ] || ./autogen.sh >/dev/null 2>&1
mkdir -p _build
(
	cd _build
	[ -f Makefile ] || ../configure -q
	make -j"$(nproc)" cairn >make.log 2>&1 || { tail -40 make.log; exit 1; }
)
echo "built $top/_build/cairn"

# Hosts of their own, so a test bed already up (127.0.1.11...) is left alone.
export CAIRN_TESTBED_DIR=${CAIRN_TESTBED_DIR:-/var/tmp/cairn-demo}
export CAIRN_TESTBED_FIRST=${CAIRN_TESTBED_FIRST:-21}
tb=$top/tests/testbed/testbed.sh

step "Starting 3 throwaway Debian hosts (the first time builds a base image, about a minute)"
trap '"$tb" down >/dev/null 2>&1 || true' EXIT
"$tb" up 3
"$tb" status
eval "$("$tb" env)"
echo "inventory: $TESTBED_INVENTORY"
sed 's/^/    /' "$TESTBED_INVENTORY"

cairn() { HOME=$TESTBED_HOME "$top/_build/cairn" "$@"; }

step "cairn play -i $TESTBED_INVENTORY playbooks/provision.yml"
time cairn play -i "$TESTBED_INVENTORY" playbooks/provision.yml

step "The same again: everything is already in place, so nothing changes"
time cairn play -i "$TESTBED_INVENTORY" playbooks/provision.yml

step "Tearing the hosts down"
"$tb" down
trap - EXIT
echo "done"
exit
}
