#!/bin/bash
# A when that cannot be evaluated inside a loop fails the task as a whole,
# as Ansible does, at the first item: no crash, and ignore_errors/register
# see one failed result with Ansible's message.
. "$(dirname "$0")/lib.sh"

pb=$(playbook loop-when.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - name: a condition that fails on every item
      debug: msg="{{ item }}"
      loop: [1, 2, 3]
      when: item.nope.deeper
      ignore_errors: true
      register: r
    - name: what was registered
      assert:
        that:
          - r is failed
          - "'item.nope.deeper' in r.msg"
          - r.results is not defined
    - name: a second loop whose condition fails at its second item
      debug: msg="{{ item }}"
      loop: [a, b]
      when: item == 'a' or undefined_thing.x
EOF2
)
run_play "$pb"
assert_rc 2
assert_not_contains "$OUT" "double free"
assert_contains "$OUT" "The conditional check 'item.nope.deeper' failed"
assert_contains "$OUT" "...ignoring"
assert_recap h1 ok=2 failed=1 ignored=1

# A loop expression that fails says why in the default output, as Ansible.
pb2=$(playbook loop-expr.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - debug: msg="{{ item }}"
      loop: "{{ nope }}"
EOF2
)
run_play "$pb2"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "'nope' is undefined"
