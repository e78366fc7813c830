#!/bin/bash
# A Lua module in library/ beside the playbook runs like a built-in one on
# every host in parallel: check mode predicts, --diff shows, a second run
# changes nothing, register sees its fields; a Lua filter works in
# templates.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/library" "$T/filter_plugins"
cp "$(dirname "$0")/lua/library/banner.lua" "$T/library/"
cp "$(dirname "$0")/lua/filter_plugins/text.lua" "$T/filter_plugins/"

pb=$(playbook site.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: banner
      banner:
        text: "welcome to {{ inventory_hostname | shout }}"
        mode: "0640"
      register: b
    - name: show
      debug:
        msg: "{{ b.path }} {{ b.host }} {{ b.lines }} {{ 'a b  c' | words | length }}"
EOF2
)

note "check mode: changes predicted, nothing written"
run_play --check "$pb"
assert_rc 0
assert_contains "$OUT" "changed: [h1]"
assert_contains "$OUT" "changed: [h2]"
assert_host 1 'test ! -e /etc/cairn-banner' "check mode wrote"
assert_host 2 'test ! -e /etc/cairn-banner' "check mode wrote"

note "diff mode: the real run shows the new content"
run_play --diff "$pb"
assert_rc 0
assert_contains "$OUT" "+welcome to H1!"
assert_contains "$OUT" "+welcome to H2!"
assert_contains "$OUT" '"msg": "/etc/cairn-banner h1 1 3"'
assert_recap h1 ok=2 changed=1 failed=0
assert_recap h2 ok=2 changed=1 failed=0
assert_host_eq 1 "welcome to H1!" 'cat /etc/cairn-banner'
assert_host_eq 2 "welcome to H2!" 'cat /etc/cairn-banner'
assert_host_eq 2 "640" 'stat -c %a /etc/cairn-banner'

note "again: nothing to do"
run_play --diff "$pb"
assert_rc 0
assert_recap h1 ok=2 changed=0
assert_recap h2 ok=2 changed=0
assert_not_contains "$OUT" "+welcome"

note "state=absent in check mode with diff, then for real"
pb2=$(playbook remove.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - banner: text=x state=absent
EOF2
)
run_play --check --diff "$pb2"
assert_rc 0
assert_contains "$OUT" "-welcome to H1!"
assert_host 1 'test -e /etc/cairn-banner' "check mode removed"
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=1
assert_host 1 'test ! -e /etc/cairn-banner'
assert_host 2 'test ! -e /etc/cairn-banner'
