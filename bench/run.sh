#!/bin/bash
# Benchmark: the same playbook through ansible-playbook and cairn on the
# same throwaway hosts, cold (fresh hosts) and warm (nothing to change),
# several rounds each.  Prints medians and the ratio.  Needs root.
#   bench/run.sh [CAIRN_BINARY]   (env: HOSTS=10 ROUNDS=5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cairn=${1:-$top/_build/werror/cairn}
hosts=${HOSTS:-10}
rounds=${ROUNDS:-5}
export CAIRN_TESTBED_DIR=${CAIRN_TESTBED_DIR:-/var/tmp/cairn-bench}
export CAIRN_TESTBED_FIRST=${CAIRN_TESTBED_FIRST:-141}
export CAIRN_TESTBED_FLAVOUR=python
tb=$top/tests/testbed/testbed.sh

command -v ansible-playbook >/dev/null || {
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends ansible-core >/dev/null
}
[ -x "$cairn" ] || { echo "no cairn binary at $cairn" >&2; exit 1; }

"$tb" down >/dev/null 2>&1 || true
trap '"$tb" down >/dev/null 2>&1 || true' EXIT
"$tb" up "$hosts" >/dev/null
eval "$("$tb" env)"
inv=$CAIRN_TESTBED_DIR/inventory.ini
export HOME=$CAIRN_TESTBED_DIR/home
export ANSIBLE_PIPELINING=True ANSIBLE_FORKS=50 ANSIBLE_HOST_KEY_CHECKING=True
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
# OpenSSH reads ~/.ssh from the passwd entry, not $HOME: say it.
export ANSIBLE_SSH_ARGS="-o UserKnownHostsFile=$HOME/.ssh/known_hosts -o ControlMaster=auto -o ControlPersist=60s"

reset_hosts() {
	for i in $(seq 1 "$hosts"); do "$tb" exec "$i" rm -rf /srv/bench; done
}

# time_run TOOL: seconds for one run
time_run() {
	local start end
	start=$(date +%s.%N)
	if [ "$1" = ansible ]; then
		ansible-playbook -i "$inv" "$here/playbook.yml" >/dev/null
	else
		"$cairn" play -i "$inv" "$here/playbook.yml" >/dev/null
	fi
	end=$(date +%s.%N)
	echo "$end - $start" | bc -l
}

# A timing only counts if the run did the work: both tools must succeed
# on every host first.
check_run() {
	local out
	if [ "$1" = ansible ]; then
		out=$(ansible-playbook -i "$inv" "$here/playbook.yml" 2>&1)
	else
		out=$("$cairn" play -i "$inv" "$here/playbook.yml" 2>&1)
	fi || { echo "$out"; echo "bench: $1 failed" >&2; exit 1; }
	[ "$(grep -c 'failed=0' <<<"$out")" = "$hosts" ] ||
	    { echo "$out"; echo "bench: $1 did not run on all hosts" >&2; exit 1; }
}
check_run ansible
check_run cairn

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

declare -A res
for tool in ansible cairn; do
	cold=(); warm=()
	for r in $(seq 1 "$rounds"); do
		reset_hosts
		cold+=("$(time_run $tool)")
		warm+=("$(time_run $tool)")
	done
	res[$tool-cold]=$(printf '%s\n' "${cold[@]}" | median)
	res[$tool-warm]=$(printf '%s\n' "${warm[@]}" | median)
done
echo "hosts=$hosts rounds=$rounds tasks=16 (medians, seconds)"
printf '%-8s %10s %10s\n' "" cold warm
printf '%-8s %10s %10s\n' ansible "${res[ansible-cold]}" "${res[ansible-warm]}"
printf '%-8s %10s %10s\n' cairn "${res[cairn-cold]}" "${res[cairn-warm]}"
printf '%-8s %9.1fx %9.1fx\n' ratio \
    "$(echo "${res[ansible-cold]} / ${res[cairn-cold]}" | bc -l)" \
    "$(echo "${res[ansible-warm]} / ${res[cairn-warm]}" | bc -l)"
