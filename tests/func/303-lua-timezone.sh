#!/bin/bash
# The shipped timezone module (Lua): the /etc/localtime link and
# /etc/timezone, check mode, diff, idempotence, an unknown zone refused.
. "$(dirname "$0")/lib.sh"
CAIRN_LUA_PATH=$(cd "$(dirname "$0")/../../modules/lua" && pwd)
export CAIRN_LUA_PATH

pb=$(playbook site.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - community.general.timezone:
        name: Europe/Paris
EOF2
)

run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=1
assert_host_eq 1 /usr/share/zoneinfo/Etc/UTC 'readlink /etc/localtime'

run_play --diff "$pb"
assert_rc 0
assert_contains "$OUT" '+    "name": "Europe/Paris"'
assert_contains "$OUT" '-    "name": "Etc/UTC"'
assert_recap h1 changed=1 failed=0
assert_recap h2 changed=1 failed=0
assert_host_eq 1 /usr/share/zoneinfo/Europe/Paris 'readlink /etc/localtime'
assert_host_eq 2 Europe/Paris 'cat /etc/timezone'
assert_host_eq 2 CET 'date +%Z | sed s/CEST/CET/'

run_play "$pb"
assert_rc 0
assert_recap h1 changed=0
assert_recap h2 changed=0

note "hwclock in /etc/adjtime"
run_play "$(playbook hw.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - timezone: hwclock=local
EOF2
)"
assert_rc 0
assert_recap h1 changed=1
assert_host_eq 1 LOCAL 'sed -n 3p /etc/adjtime'

note "an unknown zone"
run_play "$(playbook bad.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - timezone: name=Mars/Olympus_Mons
EOF2
)"
assert_rc 2
assert_contains "$OUT" 'given timezone \"Mars/Olympus_Mons\" is not available'
assert_host_eq 1 /usr/share/zoneinfo/Europe/Paris 'readlink /etc/localtime'
