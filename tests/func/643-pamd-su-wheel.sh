#!/bin/bash
# PAM hardening with pamd: only wheel members may su (a rule after
# pam_rootok), pam_unix's password rule gains rounds=, its auth rule
# loses nullok, a control is changed, a rule removed; --check and --diff
# predict without writing; a second run changes nothing; a missing
# service file, a state without its parameters and a wrong type fail
# clearly.
. "$(dirname "$0")/lib.sh"

pam() { host_digest 1 'cat /etc/pam.d/su /etc/pam.d/common-password /etc/pam.d/common-auth /etc/pam.d/common-session'; }
# The files without pamd's time-stamped mark.
body() { host_exec 1 "grep -v '^# Updated by Ansible' /etc/pam.d/$1"; }

pb=$(playbook pam.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - community.general.pamd:
        name: su
        type: auth
        control: sufficient
        module_path: pam_rootok.so
        new_type: auth
        new_control: required
        new_module_path: pam_wheel.so
        module_arguments: use_uid
        state: after
      register: su
    - assert: { that: [ "su.change_count == (1 if su.changed else 0)", "su.backupdest == ''" ] }
    - pamd:
        name: common-password
        type: password
        control: "[success=1 default=ignore]"
        module_path: pam_unix.so
        module_arguments: [rounds=65536]
        state: args_present
        backup: true
      register: pw
    - assert: { that: [ "pw.backupdest != '' or not pw.changed or ansible_check_mode" ] }
    - pamd:
        name: common-auth
        type: auth
        control: "[success=1 default=ignore]"
        module_path: pam_unix.so
        module_arguments: nullok
        state: args_absent
    - pamd:
        name: common-session
        type: session
        control: required
        module_path: pam_permit.so
        state: absent
    - pamd:
        name: common-session
        type: session
        control: required
        module_path: pam_unix.so
        new_control: requisite
YAML
)

note "--check --diff predicts, writes nothing"
before=$(pam)
run_play --check --diff "$pb"
assert_rc 0
assert_recap h1 failed=0
assert_contains "$OUT" "+auth       required pam_wheel.so use_uid"
assert_eq "$before" "$(pam)" "pam files after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 failed=0
assert_host 1 'grep -A1 "^auth *sufficient pam_rootok.so" /etc/pam.d/su | grep -qx "auth       required pam_wheel.so use_uid"' "wheel rule after rootok"
assert_host 1 'sed -n 2p /etc/pam.d/su | grep -q "^# Updated by Ansible - 20"' "the mark"
assert_host 1 'grep -q "pam_unix.so obscure yescrypt rounds=65536$" /etc/pam.d/common-password' "rounds added"
assert_host 1 'grep -qx "auth       \[success=1 default=ignore\] pam_unix.so" /etc/pam.d/common-auth' "nullok gone"
assert_host 1 '! grep -q "required pam_permit" /etc/pam.d/common-session' "rule removed"
assert_host 1 'grep -qx "session    requisite pam_unix.so" /etc/pam.d/common-session' "control changed"
assert_host 1 'ls /etc/pam.d/common-password.*~ >/dev/null 2>&1 || ls /etc/pam.d | grep -q "^common-password\."' "backup"
su_body=$(body su)

note "second run: nothing to do, nothing rewritten"
run_play "$pb"
assert_recap h1 changed=0 failed=0
assert_eq "$su_body" "$(body su)" "su after the second run"

pb2=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - pamd: { name: no-such-service, type: auth, control: required, module_path: pam_unix.so, new_control: optional }
      ignore_errors: true
    - pamd: { name: su, type: auth, control: required, module_path: pam_unix.so, state: args_present }
YAML
)
run_play "$pb2"
assert_ne 0 "$RC" "exit status"
assert_contains "$OUT" "state is args_present but all of the following are missing: module_arguments"
pb3=$(playbook bad2.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - pamd: { name: no-such-service, type: auth, control: required, module_path: pam_unix.so, new_control: optional }
      ignore_errors: true
    - pamd: { name: su, type: login, control: required, module_path: pam_unix.so }
YAML
)
run_play "$pb3"
assert_ne 0 "$RC" "exit status"
assert_contains "$OUT" "login"
pb4=$(playbook missing.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - pamd: { name: no-such-service, type: auth, control: required, module_path: pam_unix.so, new_control: optional }
YAML
)
run_play "$pb4"
assert_rc 2
assert_contains "$OUT" "Unable to open/read PAM module file /etc/pam.d/no-such-service"
