#!/bin/bash
# The shipped hostname module (Lua) names fresh hosts: the running name and
# /etc/hostname, check mode first, a diff, then nothing to do.
. "$(dirname "$0")/lib.sh"
CAIRN_LUA_PATH=$(cd "$(dirname "$0")/../../modules/lua" && pwd)
export CAIRN_LUA_PATH

pb=$(playbook site.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: name the host
      hostname:
        name: "web-{{ inventory_hostname }}.example.org"
      register: hn
    - debug: var=hn.ansible_facts.ansible_hostname
EOF2
)

run_play --check --diff "$pb"
assert_rc 0
assert_contains "$OUT" "+hostname = web-h1.example.org"
assert_recap h1 changed=1
assert_host_eq 1 h1 hostname

run_play --diff "$pb"
assert_rc 0
assert_contains "$OUT" "-hostname = h1"
assert_contains "$OUT" '"hn.ansible_facts.ansible_hostname": "web-h1"'
assert_recap h1 changed=1 failed=0
assert_recap h2 changed=1 failed=0
assert_host_eq 1 web-h1.example.org hostname
assert_host_eq 1 web-h1.example.org 'cat /etc/hostname'
assert_host_eq 2 web-h2.example.org hostname

run_play "$pb"
assert_rc 0
assert_recap h1 changed=0
assert_recap h2 changed=0

note "a bad name is refused on the host, nothing changes"
run_play "$(playbook bad.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - hostname: name=bad_name!
EOF2
)"
assert_rc 2
assert_contains "$OUT" "invalid hostname 'bad_name!'"
assert_host_eq 1 web-h1.example.org hostname
