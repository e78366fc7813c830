#!/bin/bash
# connection: local (and -c local) runs tasks on the controller itself.
. "$(dirname "$0")/lib.sh"

inv=$(inventory local.ini <<'EOF'
[control]
localhost
EOF
)
pb=$(playbook local.yml <<EOF
- hosts: control
  connection: local
  gather_facts: false
  tasks:
    - name: a file on the controller
      copy:
        content: "made locally\n"
        dest: $T/out/local.txt
    - name: where am i
      command: hostname
      register: where
    - name: tell
      debug:
        msg: "running on {{ where.stdout }}"
EOF
)
mkdir -p "$T/out"

run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_eq "made locally" "$(cat "$T/out/local.txt")" "the local file"
assert_contains "$OUT" "\"msg\": \"running on $(hostname)\""
assert_recap localhost failed=0 unreachable=0

# -c local with the test bed's inventory: hosts are "h1" but the work
# happens here, not on h1.
pb2=$(playbook c-local.yml <<EOF
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: a file per host, on the controller
      copy:
        content: "{{ inventory_hostname }}\n"
        dest: $T/out/{{ inventory_hostname }}.txt
EOF
)
run_play -c local -l h1 "$pb2"
assert_rc 0
assert_eq "h1" "$(cat "$T/out/h1.txt")" "the -c local file"
[ ! -e "$T/out/h2.txt" ] || fail "-l h1 ran h2"
assert_host 1 "test ! -e $T/out/h1.txt" "-c local wrote on h1"
