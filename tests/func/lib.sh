# shellcheck shell=bash
# Helpers for the functional tests, sourced by each tests/func/NNN-*.sh.
#
# tests/func/run exports: CAIRN (the binary), TESTBED (testbed.sh), the
# TESTBED_* variables of `testbed.sh env` and T (a fresh directory for this
# test, also the working directory).  A test is a plain bash script: it runs
# cairn, then checks the result and the hosts' state; the first failed
# assertion ends it with status 1.  Everything it prints is shown only when it
# fails, so log generously.

: "${CAIRN:?run through tests/func/run}"
: "${TESTBED:?run through tests/func/run}"
: "${T:?run through tests/func/run}"

# Last run_cairn result.
OUT=
RC=

# Any single cairn run longer than this is a hang, not a slow host.
CAIRN_FUNC_TIMEOUT=${CAIRN_FUNC_TIMEOUT:-120}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() { echo "# $*"; }

# run_cairn ARGS...: run cairn with the test bed's HOME (so its known_hosts
# and ssh config are used) and no standard input; sets OUT (stdout and
# stderr) and RC, never fails by itself.
run_cairn() {
	echo "\$ cairn $*"
	OUT=$(cd "$T" && HOME=${CAIRN_HOME:-$TESTBED_HOME} timeout -k 5 "$CAIRN_FUNC_TIMEOUT" \
		"$CAIRN" "$@" </dev/null 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /'
	echo "  => exit $RC"
	[ "$RC" != 124 ] || fail "cairn timed out after ${CAIRN_FUNC_TIMEOUT}s"
	return 0
}

# run_play ARGS... PLAYBOOK: cairn play against the test bed's inventory.
run_play() {
	run_cairn play -i "$TESTBED_INVENTORY" "$@"
}

# playbook NAME <<'EOF' ... EOF: write stdin to $T/NAME, print the path.
playbook() {
	local f=$T/$1
	mkdir -p "$(dirname "$f")"
	cat >"$f"
	echo "$f"
}

assert_eq() {
	[ "$2" = "$1" ] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_ne() {
	[ "$2" != "$1" ] || fail "${3:-value}: expected anything but '$1'"
}

# assert_contains HAYSTACK NEEDLE [WHAT]: fixed-string search.
assert_contains() {
	case $1 in
	*"$2"*) ;;
	*) fail "${3:-output} does not contain '$2'" ;;
	esac
}

assert_not_contains() {
	case $1 in
	*"$2"*) fail "${3:-output} contains '$2'" ;;
	esac
	return 0
}

# assert_match HAYSTACK ERE [WHAT]
assert_match() {
	printf '%s\n' "$1" | grep -Eq -- "$2" || fail "${3:-output} does not match /$2/"
}

assert_not_match() {
	! printf '%s\n' "$1" | grep -Eq -- "$2" || fail "${3:-output} matches /$2/"
}

# assert_exit CODE CMD...: run a command (its output into OUT), check status.
assert_exit() {
	local want=$1
	shift
	OUT=$("$@" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /'
	[ "$RC" = "$want" ] || fail "'$*' exited $RC, expected $want"
}

# assert_rc CODE: the last run_cairn exited with CODE.
assert_rc() {
	[ "$RC" = "$1" ] || fail "cairn exited $RC, expected $1"
}

# host_exec I CMD...: run in test host I (one argument is a shell command
# line), e.g. host_exec 1 'stat -c %a /srv/x'.
host_exec() {
	"$TESTBED" exec "$@"
}

# assert_host I 'SHELL TEST' [WHAT]: the test holds on host I.
assert_host() {
	host_exec "$1" "$2" >/dev/null 2>&1 || fail "${3:-on h$1}: '$2' does not hold"
}

# assert_host_eq I EXPECTED 'SHELL CMD': the command's output on host I.
assert_host_eq() {
	local got
	got=$(host_exec "$1" "$3" 2>&1)
	[ "$got" = "$2" ] || fail "on h$1: '$3' gave '$got', expected '$2'"
}

# host_digest I 'SHELL CMD': a digest of the command's output and exit status
# on host I; taken before and after a run, it shows the run changed nothing.
host_digest() {
	{
		host_exec "$1" "$2" 2>&1
		echo "exit $?"
	} | sha1sum | cut -c1-40
}

# recap_line HOST: the host's PLAY RECAP line of OUT, spaces squeezed.
recap_line() {
	printf '%s\n' "$OUT" | sed -n '/PLAY RECAP/,$p' |
		grep -E "^$1[[:space:]]+:" | tr -s ' \t' ' ' | tail -1
}

# assert_recap HOST k=v...: every given counter has that value in HOST's
# recap line (counters not given are not checked).
assert_recap() {
	local host=$1 line kv
	shift
	line=$(recap_line "$host")
	[ -n "$line" ] || fail "no PLAY RECAP line for $host"
	for kv in "$@"; do
		case " $line " in
		*" $kv "*) ;;
		*) fail "recap of $host: expected $kv in '$line'" ;;
		esac
	done
}

# reset_hosts [I...]: back to pristine hosts (all by default).
reset_hosts() {
	"$TESTBED" reset "$@" >/dev/null
}

# free_addr: an address of the test bed's block that nothing listens on.
free_addr() {
	local last ip
	for last in 250 249 248 247 246 245; do
		ip=$TESTBED_NET.$last
		if ! ss -Hltn 2>/dev/null | awk '{ print $4 }' | grep -qx "$ip:22" &&
			! timeout 2 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null; then
			echo "$ip"
			return 0
		fi
	done
	fail "no free address in $TESTBED_NET"
}

# inventory NAME <<'EOF': like playbook, for inventory files.
inventory() {
	playbook "$@"
}

# host_line I [EXTRA VARS]: an inventory line for test host I without the
# user, so -u and ansible_user can be tested.
host_line() {
	local i=$1 ipvar=TESTBED_IP_$1
	shift
	echo "h$i ansible_host=${!ipvar} ansible_ssh_private_key_file=$TESTBED_KEY $*"
}
