#!/bin/bash
# Everything CI checks, in order: a -Werror build with its unit and
# functional tests, an ASan/UBSan build with the same, `make distcheck`,
# and the compatibility suite against ansible-playbook.
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
		pass "unit" "${p:-0}"
		if grep -q '^:test-result: \(FAIL\|ERROR\|XPASS\)' "$trs"; then
			echo "--- $(basename "$log") ($name)"
			cat "$log"
			[ "${f:-0}" -gt 0 ] 2>/dev/null || f=1
			flunk "unit $(basename "${trs%.trs}") ($name)" "$f"
		fi
	done
	[ -n "$any" ] || { tail -30 "$dir/check.log"; flunk "unit tests $name did not run"; }
}

# func NAME: the functional suite with _build/NAME/cairn.
func() {
	local name=$1 dir=$top/_build/$1 line p f
	say "functional tests $name"
	"$top/tests/func/run" "$dir/cairn" 2>&1 | tee "$dir/func.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$dir/func.log" | tail -1)
	if [ -z "$line" ]; then
		flunk "functional suite $name did not finish"
		return
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed}
	pass "func" "$p"
	[ "$f" = 0 ] || flunk "functional tests $name" "$f"
}

# (a) warnings are errors
if build werror --enable-werror; then
	unit werror
	func werror
fi

# (b) sanitizers: any report fails the program that hit it
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if build asan --enable-sanitizers; then
	unit asan
	func asan
fi
unset ASAN_OPTIONS UBSAN_OPTIONS

# (c) the release tarball builds and passes its own checks
if [ -f "$top/_build/werror/Makefile" ]; then
	say "distcheck"
	if (cd "$top/_build/werror" &&
		make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >distcheck.log 2>&1); then
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
if [ -z "${CAIRN_SKIP_COMPAT:-}" ] && [ -x "$top/_build/werror/cairn" ]; then
	say "compatibility with ansible-playbook"
	"$top/tests/compat/run" "$top/_build/werror/cairn" 2>&1 |
		tee "$top/_build/werror/compat.log"
	line=$(grep -E '^compat: [0-9]+ passed, [0-9]+ failed$' \
		"$top/_build/werror/compat.log" | tail -1)
	if [ -z "$line" ]; then
		flunk "compatibility suite did not finish"
	else
		p=${line#compat: }
		p=${p%% passed*}
		f=${line#*, }
		f=${f%% failed}
		pass compat "$p"
		[ "$f" = 0 ] || flunk "compatibility suite" "$f"
	fi
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
