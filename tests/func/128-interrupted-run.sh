#!/bin/bash
# Ctrl-C (SIGINT) or SIGTERM in the middle of a run: no task starts after
# it, the commands running on the targets are stopped (no sleep left
# behind), the recap says what was done, and the exit status is
# ansible-playbook's (99 for SIGINT, 143 for SIGTERM).
. "$(dirname "$0")/lib.sh"

pb=$(playbook long.yml <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - name: first, done before the interrupt
      copy: { content: "one\n", dest: /srv/first }
    - name: a long command
      command: sleep 47
    - name: never started
      copy: { content: "three\n", dest: /srv/third }
EOF2
)

# interrupt SIG: start the run, wait for every host's sleep, send SIG.
interrupt() {
	local sig=$1 i k pid
	(cd "$T" && HOME=$TESTBED_HOME exec "$CAIRN" play -i "$TESTBED_INVENTORY" "$pb" \
		</dev/null >"$T/run.log" 2>&1) &
	pid=$!
	for i in 1 2 3; do
		for k in $(seq 1 100); do
			host_exec "$i" 'pgrep -f "sleep 4[7]" >/dev/null' && break
			sleep 0.2
		done
		host_exec "$i" 'pgrep -f "sleep 4[7]" >/dev/null' || fail "h$i never started the sleep"
	done
	kill -s "$sig" "$pid"
	for k in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -0 "$pid" 2>/dev/null && fail "cairn still runs 10 s after SIG$sig"
	wait "$pid"
	RC=$?
	OUT=$(cat "$T/run.log")
	printf '%s\n' "$OUT" | sed 's/^/  | /'
	echo "  => exit $RC"
}

interrupt INT
assert_rc 99
assert_contains "$OUT" "[ERROR]: User interrupted execution"
assert_contains "$OUT" "PLAY RECAP"
for i in 1 2 3; do
	assert_recap "h$i" ok=1 changed=1 failed=0
	assert_host "$i" 'test -e /srv/first'
	assert_host "$i" 'test ! -e /srv/third' "h$i: a task started after the interrupt"
	sleep 0.5
	assert_host "$i" '! pgrep -f "sleep 4[7]"' "h$i: the command still runs"
done

reset_hosts
interrupt TERM
assert_rc 143
for i in 1 2 3; do
	assert_host "$i" 'test ! -e /srv/third' "h$i: a task started after SIGTERM"
	assert_host "$i" '! pgrep -f "sleep 4[7]"' "h$i: the command still runs"
done

# The next run on the same hosts is clean.
run_play "$pb" -e x=1 --check
assert_rc 0
