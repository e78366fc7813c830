#!/bin/bash
# A reboot: the reboot command takes h1 down (its sshd, pid 1 of the
# host's namespace, is told to stop, and the whole host goes with it)
# while this test brings it back up as a fresh host, the way a machine
# comes back; the boot time command reads pid 1's start time, which only
# a restart changes.  cairn waits through new connections, runs the test
# command, and the tasks after it run on the new connection.  --check
# reboots nothing; a host that never comes back times out clearly; a
# reboot command that fails, fails.
. "$(dirname "$0")/lib.sh"

boot() { host_exec 1 "cut -d' ' -f22 /proc/1/stat"; }

pb=$(playbook reboot.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - command: touch /run/before-reboot
    - reboot:
        reboot_command: kill -TERM 1
        boot_time_command: cut -d' ' -f22 /proc/1/stat
        test_command: test -d /run/sshd
        reboot_timeout: 90
        connect_timeout: 5
      register: rb
    - assert:
        that:
          - rb.rebooted
          - rb.elapsed >= 0
    - command: test ! -e /run/before-reboot
YAML
)

note "--check reboots nothing"
b0=$(boot)
run_play --check "$pb"
assert_rc 0
assert_contains "$(recap_line h1)" "failed=0"
assert_eq "$b0" "$(boot)" "boot time after --check"

# Brings h1 back once it is down: what the machine's firmware would do.
revive() {
	local n
	for n in $(seq 1 600); do
		"$TESTBED" status | grep -q '^h1.*down' && break
		sleep 0.1
	done
	"$TESTBED" reset 1 >"$T/reset.log" 2>&1
}

note "the reboot"
revive &
reviver=$!
run_play "$pb"
wait "$reviver"
assert_rc 0
assert_recap h1 changed=3 failed=0 unreachable=0
assert_ne "$b0" "$(boot)" "boot time after the reboot"

pb2=$(playbook never.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - reboot:
        reboot_command: "true"
        reboot_timeout: 3
      ignore_errors: true
    - reboot:
        reboot_command: /bin/false
      ignore_errors: true
    - reboot:
        reboot_command: no-such-shutdown -r now
YAML
)
note "a boot id that never changes times out; failing and missing commands fail"
run_play "$pb2"
assert_rc 2
assert_contains "$OUT" "Timed out waiting for last boot time check (timeout=3)"
assert_contains "$OUT" "Reboot command failed"
assert_contains "$OUT" 'Unable to find command \"no-such-shutdown\" in search paths'
