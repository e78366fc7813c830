#!/bin/bash
# The shipped sysctl module (Lua): a key persisted in /etc/sysctl.conf
# (Ansible's default file) and applied.  The test hosts share the machine's kernel, so the key is
# kernel.domainname, which each host's UTS namespace keeps to itself.
. "$(dirname "$0")/lib.sh"
CAIRN_LUA_PATH=$(cd "$(dirname "$0")/../../modules/lua" && pwd)
export CAIRN_LUA_PATH

pb=$(playbook site.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - ansible.posix.sysctl:
        name: kernel.domainname
        value: "{{ inventory_hostname }}.cairn.test"
        sysctl_set: true
EOF2
)

run_play --check --diff "$pb"
assert_rc 0
assert_contains "$OUT" "+kernel.domainname=h1.cairn.test"
assert_recap h1 changed=1
assert_host 1 '! grep -q "^kernel.domainname" /etc/sysctl.conf' "check mode wrote"
assert_host_eq 1 "(none)" 'sysctl -n kernel.domainname'

run_play "$pb"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_recap h2 changed=1 failed=0
assert_host_eq 1 "kernel.domainname=h1.cairn.test" 'grep -v "^#" /etc/sysctl.conf | grep .'
assert_host_eq 1 h1.cairn.test 'sysctl -n kernel.domainname'
assert_host_eq 2 h2.cairn.test 'sysctl -n kernel.domainname'

run_play "$pb"
assert_rc 0
assert_recap h1 changed=0
assert_recap h2 changed=0

note "the running value drifted: sysctl_set puts it back"
host_exec 1 'sysctl -w kernel.domainname=drift' >/dev/null
run_play "$pb"
assert_recap h1 changed=1
assert_recap h2 changed=0
assert_host_eq 1 h1.cairn.test 'sysctl -n kernel.domainname'

note "a key the kernel does not have: persisted, the apply failure reported"
run_play "$(playbook bad.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - sysctl: name=cairn.no_such_key value=1 sysctl_file=/etc/sysctl.d/98-bad.conf
EOF2
)"
assert_rc 2
assert_contains "$OUT" "Failed to reload sysctl:"
assert_contains "$OUT" "/proc/sys/cairn/no_such_key"
assert_host_eq 1 "cairn.no_such_key=1" 'cat /etc/sysctl.d/98-bad.conf'

note "state=absent removes the line"
run_play "$(playbook absent.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - sysctl: name=kernel.domainname state=absent
EOF2
)"
assert_rc 0
assert_recap h1 changed=1
assert_host_eq 1 "" 'grep -v "^#" /etc/sysctl.conf | grep .'
