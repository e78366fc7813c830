#!/bin/bash
# After the host drops every ssh session (as a reboot does),
# wait_for_connection gets a new connection and the play goes on over
# it; a host that never answers fails the task after its timeout (failed,
# not unreachable, so rescue and ignore_errors see it); --check skips it.
. "$(dirname "$0")/lib.sh"

dead=$(free_addr)
printf '#!/bin/sh\nexec %s exec 1 "pkill -f %s"\n' "$TESTBED" "'^sshd: root'" >"$T/drop.sh"
chmod +x "$T/drop.sh"
inv=$(inventory hosts.ini <<EOF2
$(host_line 1 ansible_user=root)
dead ansible_host=$dead ansible_user=root ansible_ssh_private_key_file=$TESTBED_KEY
EOF2
)
pb=$(playbook wfc.yml <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - command: echo before
      changed_when: false
    - name: every session of the host goes
      command: $T/drop.sh
      delegate_to: localhost
      changed_when: false
    - wait_for_connection: { timeout: 60, sleep: 1 }
      register: w
    - copy: { dest: /srv/after, content: "{{ w.elapsed | default(0) is number }}\n" }

- hosts: dead
  gather_facts: false
  tasks:
    - block:
        - wait_for_connection: { timeout: 2, connect_timeout: 1, sleep: 1 }
      rescue:
        - debug: msg="rescued {{ ansible_failed_result.msg }}"
          delegate_to: localhost
EOF2
)
run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_recap h1 changed=1 failed=0 unreachable=0
assert_recap dead failed=0 rescued=1 unreachable=0
assert_contains "$OUT" "rescued timed out waiting for ping module test"
assert_host_eq 1 "True" 'cat /srv/after'

note "--check: skipped"
run_cairn play -i "$inv" --check -l h1 "$pb"
assert_rc 0
assert_recap h1 skipped=3 failed=0

note "without it, the dropped connection makes the host unreachable"
pb2=$(playbook drop.yml <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - command: echo before
      changed_when: false
    - command: $T/drop.sh
      delegate_to: localhost
      changed_when: false
    - command: echo after
EOF2
)
run_cairn play -i "$inv" "$pb2"
assert_rc 4
assert_recap h1 unreachable=1
