#!/bin/bash
# A user pings every host of the inventory, then reads per-host variables.
. "$(dirname "$0")/lib.sh"

pb=$(playbook ping.yml <<'EOF'
- name: reach every host
  hosts: testhosts
  gather_facts: false
  tasks:
    - name: ping them
      ping:

    - name: who are you
      command: hostname
      register: who

    - name: say where
      debug:
        msg: "{{ inventory_hostname }} at {{ ansible_host }} is {{ who.stdout }}"
EOF
)

run_play "$pb"
assert_rc 0
assert_contains "$OUT" "PLAY [reach every host]"
assert_contains "$OUT" "TASK [ping them]"
assert_contains "$OUT" "PLAY RECAP"
for i in 1 2 3; do
	ipvar=TESTBED_IP_$i
	assert_contains "$OUT" "ok: [h$i]"
	assert_contains "$OUT" "\"msg\": \"h$i at ${!ipvar} is h$i\""
	# command always reports a change, like Ansible's
	assert_recap "h$i" ok=3 changed=1 unreachable=0 failed=0 skipped=0
	# What cairn read is what the host says about itself.
	assert_host_eq "$i" "h$i" hostname
done
assert_not_contains "$OUT" "fatal:"

# A limit narrows the run to one host.
run_play -l h2 "$pb"
assert_rc 0
assert_contains "$OUT" "ok: [h2]"
assert_not_contains "$OUT" "[h1]"
assert_not_contains "$OUT" "[h3]"
assert_recap h2 ok=3 failed=0
