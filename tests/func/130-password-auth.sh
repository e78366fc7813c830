#!/bin/bash
# A user with only a password (bob) logs in with ansible_password; a wrong
# password makes the host unreachable.
. "$(dirname "$0")/lib.sh"

inv=$(inventory hosts.ini <<EOF
[testhosts]
h1 ansible_host=$TESTBED_IP_1 ansible_user=bob ansible_password=bobpw
h2 ansible_host=$TESTBED_IP_2 ansible_user=bob ansible_password=wrongpw
EOF
)
pb=$(playbook bob.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: who
      shell: id -un >/home/bob/who
EOF
)

run_cairn play -i "$inv" "$pb"
assert_rc 4
assert_recap h1 changed=1 failed=0 unreachable=0
assert_recap h2 unreachable=1
assert_contains "$OUT" "fatal: [h2]: UNREACHABLE!"
assert_not_contains "$OUT" "bobpw" "the output (a secret leaked)"
assert_host_eq 1 "bob" 'cat /home/bob/who'
assert_host 2 'test ! -e /home/bob/who' "h2 logged in with a wrong password"

# The password can come from the command line too.
run_cairn play -i "$inv" -l h2 -e ansible_password=bobpw "$pb"
assert_rc 0
assert_host_eq 2 "bob" 'cat /home/bob/who'
