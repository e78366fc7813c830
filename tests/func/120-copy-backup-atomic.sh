#!/bin/bash
# copy with backup keeps the old file; a copy that cannot be done leaves
# neither a half-written file nor a temporary one.
. "$(dirname "$0")/lib.sh"

host_exec 1 'mkdir -p /srv/conf && echo old >/srv/conf/app.conf'

pb=$(playbook backup.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - name: new config, keep the old one
      copy:
        content: "new\n"
        dest: /srv/conf/app.conf
        backup: true
      register: c

    - name: where the backup went
      debug:
        var: c.backup_file
EOF
)

run_play "$pb"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_host_eq 1 "new" 'cat /srv/conf/app.conf'
backups=$(host_exec 1 'ls /srv/conf' | grep -v '^app\.conf$')
assert_eq 1 "$(printf '%s\n' "$backups" | grep -c .)" "number of backup files"
assert_match "$backups" '^app\.conf\..+~$' "the backup's name"
assert_host_eq 1 "old" "cat /srv/conf/$backups"
assert_contains "$OUT" "/srv/conf/$backups"

# Nothing to change, nothing to back up.
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
assert_eq 2 "$(host_exec 1 'ls /srv/conf' | grep -c .)" "files in /srv/conf"

pb2=$(playbook impossible.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - name: into a directory that is not there
      copy:
        content: "data\n"
        dest: /srv/missing/sub/file.txt
EOF
)
run_play "$pb2"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_host 1 'test ! -e /srv/missing' "a failed copy created directories"
pb3=$(playbook owner.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - name: to an owner that is not there
      copy:
        content: "new content\n"
        dest: /srv/conf/app.conf
        owner: nosuchuser
EOF
)
run_play "$pb3"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
# No temporary file left behind in the target directory or /srv (where
# the image keeps its offline packages, /srv/debs).
assert_eq "app.conf $(printf '%s' "$backups")" "$(host_exec 1 'ls -A /srv/conf' | tr '\n' ' ' | sed 's/ $//')" \
	"files in /srv/conf"
assert_eq "conf" "$(host_exec 1 'ls -A /srv' | grep -vx debs | tr '\n' ' ' | sed 's/ $//')" "files in /srv"
