#!/bin/bash
# A full disk on the target: the write fails with the host's error, the old
# file is left exactly as it was, and no temp file is left behind.
. "$(dirname "$0")/lib.sh"

host_exec 1 'mkdir -p /mnt/small && mount -t tmpfs -o size=64k tmpfs /mnt/small &&
	printf "old config\n" >/mnt/small/app.conf'

pb=$(playbook full.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - name: a config too big for the disk
      copy:
        content: "{{ 'x' * 200000 }}"
        dest: /mnt/small/app.conf
    - name: never reached
      copy:
        content: "after\n"
        dest: /srv/after
EOF
)

run_play "$pb"
assert_rc 2
assert_recap h1 failed=1
assert_match "$OUT" "[Nn]o space left on device" "the failure message"
assert_host_eq 1 "old config" 'cat /mnt/small/app.conf'
assert_host_eq 1 "app.conf" 'ls -A /mnt/small'
assert_host 1 'test ! -e /srv/after' "a task ran after the failure"

# A wrong key: the host is unreachable and the message says what to do.
ssh-keygen -q -t ed25519 -N '' -f "$T/wrong"
inv=$(inventory wrong.ini <<EOF
h1 ansible_host=$TESTBED_IP_1 ansible_user=root ansible_ssh_private_key_file=$T/wrong
EOF
)
run_cairn play -i "$inv" "$pb"
assert_rc 4
assert_contains "$OUT" "fatal: [h1]: UNREACHABLE!"
assert_match "$OUT" "cannot log in to '[^']*' as 'root'" "the failure message"
