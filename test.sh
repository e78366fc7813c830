#!/bin/bash
# Everything CI checks: a -Werror build and an ASan/UBSan build with their
# unit tests, both functional suites and `make distcheck` at once, then the
# compatibility suite against ansible-playbook; the fuzz harnesses run
# briefly beside the functional suites.
# Ends with "N passed, N failed" summed over all of it; non-zero on any
# failure.  Needs root (the functional tests start throwaway hosts).
set -uo pipefail
# The whole script is one block ending in exit, so that bash has read all of
# it before it starts: the file may be edited while a long run is going on.
{
cd "$(dirname "$0")" || exit 1
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

passed=0
failed=0
failures=()

say() { printf '\n=== %s\n' "$*"; }
pass() { passed=$((passed + ${2:-1})); }
flunk() { failed=$((failed + ${2:-1})); failures+=("$1"); echo "FAILED: $1"; }

tools/deps.sh || { echo "test.sh: tools/deps.sh failed" >&2; exit 1; }
if [ ! -x configure ]; then
	say "autogen"
	./autogen.sh >/dev/null 2>&1 || { ./autogen.sh; echo "test.sh: autogen.sh failed" >&2; exit 1; }
fi

# build NAME CONFIGURE-FLAGS...: configure and make in _build/NAME.  A
# broken build counts as a failure; a good one is not a test.
build() {
	local name=$1 dir=$top/_build/$1
	shift
	say "build $name ($*)"
	mkdir -p "$dir"
	if ! (cd "$dir" && "$top/configure" -q "$@" >configure.log 2>&1); then
		tail -30 "$dir/configure.log"
		[ ! -f "$dir/config.log" ] || tail -30 "$dir/config.log"
		flunk "configure $name"
		return 1
	fi
	if ! (cd "$dir" && make -j"$jobs" >make.log 2>&1); then
		grep -E 'error|warning' "$dir/make.log" | head -60
		tail -30 "$dir/make.log"
		flunk "make $name"
		return 1
	fi
}

# unit NAME: make check in _build/NAME; counts cmocka test cases, a test
# program that died before its summary counts as one failure.
unit() {
	local name=$1 dir=$top/_build/$1 log p f trs
	say "unit tests $name"
	(cd "$dir" && make -j"$jobs" check >check.log 2>&1)
	grep -E '^(PASS|FAIL|ERROR|XPASS|XFAIL|SKIP):|^# [A-Z]+:' "$dir/check.log" || tail -30 "$dir/check.log"
	local any=
	for trs in "$dir"/tests/unit/*.trs; do
		[ -f "$trs" ] || continue
		any=1
		log=${trs%.trs}.log
		p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		# A program without cmocka's summary (a fuzz corpus replay) is one.
		pass "unit" "${p:-1}"
		if grep -q '^:test-result: \(FAIL\|ERROR\|XPASS\)' "$trs"; then
			echo "--- $(basename "$log") ($name)"
			cat "$log"
			[ "${f:-0}" -gt 0 ] 2>/dev/null || f=1
			flunk "unit $(basename "${trs%.trs}") ($name)" "$f"
		fi
	done
	[ -n "$any" ] || { tail -30 "$dir/check.log"; flunk "unit tests $name did not run"; }
}

# func_start NAME SHARD: one share (I/N) of the functional suite with
# _build/NAME/cairn, in the background, on a test-bed slot of its own;
# its output goes to _build/NAME/func-I.log.
func_pids=()
func_logs=()
func_start() {
	local name=$1 shard=$2 dir=$top/_build/$1 log
	log=$dir/func-${shard%/*}.log
	CAIRN_FUNC_SHARD=$shard "$top/tests/func/run" "$dir/cairn" >"$log" 2>&1 &
	func_pids+=("$!")
	func_logs+=("$name $shard $log")
}

# func_collect: waits for every share, prints each one's output and counts
# its "N passed, N failed" line.
func_collect() {
	local entry name shard log line p f
	for p in "${func_pids[@]}"; do
		wait "$p"
	done
	for entry in "${func_logs[@]}"; do
		read -r name shard log <<<"$entry"
		say "functional tests $name (share $shard)"
		cat "$log"
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
		if [ -z "$line" ]; then
			flunk "functional suite $name ($shard) did not finish"
			continue
		fi
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed}
		pass "func" "$p"
		[ "$f" = 0 ] || flunk "functional tests $name ($shard)" "$f"
	done
}

# (a) warnings are errors, (b) sanitizers (any report fails the program
# that hit it): both builds and their unit tests, then both functional
# suites, each in two shares on slots of their own, and (c) the release
# tarball's own build and checks, all at once: most of a functional test is
# waiting on hosts, so four of them and a build share two cores well.
ok_werror=
ok_asan=
if build werror --enable-werror; then
	unit werror
	ok_werror=1
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if build asan --enable-sanitizers; then
	unit asan
	ok_asan=1
	func_start asan 1/2
	func_start asan 2/2
fi
unset ASAN_OPTIONS UBSAN_OPTIONS
if [ -n "$ok_werror" ]; then
	func_start werror 1/2
	func_start werror 2/2
	(cd "$top/_build/werror" &&
		make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
		>distcheck.log 2>&1; echo "$?" >distcheck.rc) &
	func_pids+=("$!")
fi
# (e) each fuzz harness for a short while over its corpus (libFuzzer,
# clang): what the corpus replays in `make check` cannot find.
if command -v clang >/dev/null; then
	(mkdir -p "$top/_build/fuzz" && cd "$top/_build/fuzz" &&
		"$top/configure" -q CC=clang --enable-fuzzing >configure.log 2>&1 &&
		make -j"$jobs" fuzz FUZZ_SECONDS=${CAIRN_FUZZ_SECONDS:-10} \
		>fuzz.log 2>&1; echo "$?" >fuzz.rc) &
	func_pids+=("$!")
fi
func_collect
if command -v clang >/dev/null; then
	say "fuzz harnesses"
	grep -E '^(ok|not ok|#|fuzz:)' "$top/_build/fuzz/fuzz.log" 2>/dev/null ||
		tail -40 "$top/_build/fuzz/fuzz.log" "$top/_build/fuzz/configure.log" 2>/dev/null
	if [ "$(cat "$top/_build/fuzz/fuzz.rc" 2>/dev/null)" = 0 ]; then
		pass fuzz "$(grep -c '^ok - fuzz' "$top/_build/fuzz/fuzz.log")"
	else
		flunk "fuzz harnesses" "$(grep -c '^not ok - fuzz' "$top/_build/fuzz/fuzz.log" || echo 1)"
	fi
fi
if [ -n "$ok_werror" ]; then
	say "distcheck"
	if [ "$(cat "$top/_build/werror/distcheck.rc" 2>/dev/null)" = 0 ]; then
		grep -A1 'archives ready' "$top/_build/werror/distcheck.log"
		pass distcheck
	else
		tail -60 "$top/_build/werror/distcheck.log"
		flunk distcheck
	fi
fi

# (d) the same playbooks through ansible-playbook and cairn give the same
# hosts (installs Debian's ansible for this suite only; CAIRN_SKIP_COMPAT=1
# leaves it out)
# Two shares at once, each on a state directory and address block of its
# own: most of a comparison is waiting on ansible-playbook and the hosts.
if [ -z "${CAIRN_SKIP_COMPAT:-}" ] && [ -x "$top/_build/werror/cairn" ]; then
	CAIRN_COMPAT_INSTALL_ONLY=1 "$top/tests/compat/run" "$top/_build/werror/cairn"
	CAIRN_TESTBED_FLAVOUR=compat CAIRN_TESTBED_QUIET=1 \
	    "$top/tests/testbed/testbed.sh" base
	cpids=()
	for i in 1 2; do
		CAIRN_COMPAT_SHARD=$i/2 CAIRN_COMPAT_DIR=/var/tmp/cairn-compat-$i \
		    CAIRN_COMPAT_FIRST=$((61 + i * 10)) \
		    "$top/tests/compat/run" "$top/_build/werror/cairn" \
		    >"$top/_build/werror/compat-$i.log" 2>&1 &
		cpids+=("$!")
	done
	for p in "${cpids[@]}"; do
		wait "$p"
	done
	for i in 1 2; do
		say "compatibility with ansible-playbook (share $i/2)"
		cat "$top/_build/werror/compat-$i.log"
		line=$(grep -E '^compat: [0-9]+ passed, [0-9]+ failed$' \
			"$top/_build/werror/compat-$i.log" | tail -1)
		if [ -z "$line" ]; then
			flunk "compatibility suite ($i/2) did not finish"
			continue
		fi
		p=${line#compat: }
		p=${p%% passed*}
		f=${line#*, }
		f=${f%% failed}
		pass compat "$p"
		[ "$f" = 0 ] || flunk "compatibility suite ($i/2)" "$f"
	done
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
exit
}
