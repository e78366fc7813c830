#!/bin/bash
# A host nobody answers for is reported UNREACHABLE; the others are served;
# the run exits 4, as ansible-playbook 2.14 does.
. "$(dirname "$0")/lib.sh"

ghost=$(free_addr)
note "ghost host on $ghost"
inv=$(inventory hosts.ini <<EOF
[web]
$(host_line 1 ansible_user=root)
ghost ansible_host=$ghost ansible_user=root ansible_ssh_private_key_file=$TESTBED_KEY
$(host_line 2 ansible_user=root)
EOF
)
pb=$(playbook site.yml <<'EOF'
- hosts: web
  gather_facts: false
  tasks:
    - name: leave a mark
      copy:
        content: "{{ inventory_hostname }}\n"
        dest: /srv/mark
    - name: and another
      command: touch /srv/mark2
EOF
)

run_cairn play -i "$inv" "$pb"
assert_rc 4
assert_contains "$OUT" "fatal: [ghost]: UNREACHABLE!"
assert_not_contains "$OUT" "[h1]: UNREACHABLE"
assert_recap ghost ok=0 unreachable=1
assert_recap h1 ok=2 changed=2 unreachable=0 failed=0
assert_recap h2 ok=2 changed=2 unreachable=0 failed=0
assert_host_eq 1 h1 'cat /srv/mark'
assert_host_eq 2 h2 'cat /srv/mark'
assert_host 2 'test -e /srv/mark2'
