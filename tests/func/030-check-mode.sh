#!/bin/bash
# --check on fresh hosts reports what would change and changes nothing;
# --diff shows the content change a copy would make.
. "$(dirname "$0")/lib.sh"

pb=$(playbook site.yml <<'EOF'
- name: would provision
  hosts: testhosts
  gather_facts: false
  tasks:
    - name: a directory
      file: path=/srv/checked state=directory mode=0755

    - name: a file
      copy:
        content: "new line\n"
        dest: /srv/config.txt
        mode: "0600"

    - name: a command
      command: touch /srv/command-ran
EOF
)

host_exec 1 'printf "old line\n" >/srv/config.txt && chmod 0644 /srv/config.txt'

run_play --check "$pb"
assert_rc 0
assert_contains "$OUT" "changed: [h1]"
assert_contains "$OUT" "changed: [h2]"
for i in 1 2 3; do
	assert_recap "h$i" failed=0 unreachable=0 changed=2
	assert_host "$i" 'test ! -e /srv/checked' "check mode created a directory on h$i"
	assert_host "$i" 'test ! -e /srv/command-ran' "check mode ran a command on h$i"
done
assert_host 2 'test ! -e /srv/config.txt' "check mode created a file"
assert_host_eq 1 "old line" 'cat /srv/config.txt'
assert_host_eq 1 "644" 'stat -c %a /srv/config.txt'

run_play --check --diff -l h1 "$pb"
assert_rc 0
assert_contains "$OUT" "-old line"
assert_contains "$OUT" "+new line"
assert_host_eq 1 "old line" 'cat /srv/config.txt'

# The same playbook for real, then --check has nothing left to report.
run_play "$pb"
assert_rc 0
assert_host_eq 1 "new line" 'cat /srv/config.txt'
assert_host 2 'test -d /srv/checked && test -e /srv/command-ran'
