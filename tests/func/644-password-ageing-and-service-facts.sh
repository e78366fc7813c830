#!/bin/bash
# Password ageing on accounts (user's password_expire_* through chage):
# a new user gets its limits, an existing one has only the differing
# ones changed, --check predicts without writing, a second run changes
# nothing; local=yes is refused.  Then the services of a host without
# systemd as service_facts sees them (service --status-all), with a
# running init-script service among them.
. "$(dirname "$0")/lib.sh"

ageing() { host_exec 1 'getent shadow carol alice | cut -d: -f1,4-7'; }

pb=$(playbook ageing.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - user:
        name: carol
        password_expire_max: 90
        password_expire_min: 1
        password_expire_warn: 14
    - user:
        name: alice
        password_expire_max: 99999
        password_expire_min: 7
        password_expire_account_disable: 30
YAML
)

note "--check predicts both, writes nothing"
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_eq "alice:0:99999:7:" "$(ageing)" "shadow after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_eq "carol:1:90:14:
alice:7:99999:7:30" "$(ageing)" "shadow after the run"

note "second run and --check: nothing to do"
run_play "$pb"
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

pb2=$(playbook local.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - user: { name: dave, local: true }
YAML
)
run_play "$pb2"
assert_ne 0 "$RC" "exit status"
assert_contains "$OUT" "local=yes needs luseradd"
assert_host 1 '! getent passwd dave' "no user made"

pb3=$(playbook facts.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - command: /etc/init.d/cron start
    - service_facts:
      register: f
    - assert:
        that:
          - ansible_facts.services.cron.name == 'cron'
          - ansible_facts.services.cron.state == 'running'
          - ansible_facts.services.cron.source == 'sysv'
          - ansible_facts.services.procps.state == 'stopped'
          - "'status' not in ansible_facts.services.cron"
          - not f.changed
YAML
)
note "service_facts on a host without systemd"
run_play "$pb3"
assert_rc 0
assert_recap h1 failed=0
run_play --check "$pb3"
assert_recap h1 failed=0
