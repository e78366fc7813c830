#!/bin/bash
# A task failing on one host stops that host only: the others go on to the
# end of the play; the run exits 2.
. "$(dirname "$0")/lib.sh"

pb=$(playbook site.yml <<'EOF'
- name: mixed fortunes
  hosts: testhosts
  gather_facts: false
  tasks:
    - name: breaks on h2
      command: /bin/false
      when: inventory_hostname == 'h2'

    - name: breaks on h3 but that is fine
      command: /bin/false
      when: inventory_hostname == 'h3'
      ignore_errors: true

    - name: after the failure
      copy:
        content: "reached\n"
        dest: /srv/after
EOF
)

run_play "$pb"
assert_rc 2
assert_contains "$OUT" "fatal: [h2]: FAILED!"
assert_contains "$OUT" "skipping: [h1]"
assert_contains "$OUT" "changed: [h1]"
assert_contains "$OUT" "changed: [h3]"
assert_contains "$OUT" "...ignoring"
assert_recap h1 ok=1 changed=1 failed=0 skipped=2
assert_recap h2 ok=0 changed=0 failed=1 skipped=0
assert_recap h3 failed=0 ignored=1
assert_host 1 'test "$(cat /srv/after)" = reached'
assert_host 3 'test "$(cat /srv/after)" = reached'
assert_host 2 'test ! -e /srv/after' "the failed host went on"
