#!/bin/bash
# The shared-directory story: acl grants a user and a group access to a
# directory (and default entries for what is created in it), a second run
# changes nothing, --check predicts, query lists the entries, absent takes
# one away; bad arguments fail the task with Ansible's messages.  file's
# modification_time / access_time pin a file's times and keep them.
. "$(dirname "$0")/lib.sh"

host_exec 1 'useradd -M acluser; mkdir -p /srv/share &&
	printf "x\n" >/srv/share/stamp'

pb=$(playbook acl.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - acl: { path: /srv/share, entity: acluser, etype: user, permissions: rwx, state: present }
      register: a
    - ansible.posix.acl: { path: /srv/share, entry: "default:group:staff:rX", state: present }
    - acl: { path: /srv/share }
      register: q
    - file:
        path: /srv/share/stamp
        modification_time: "202001021030.15"
        access_time: preserve
      register: t
    - assert:
        that:
          - a.msg == 'user:acluser:rwx is present'
          - "'user:acluser:rwx' in q.acl"
          - q.msg == 'current acl'
          - q is not changed
      when: not ansible_check_mode
EOF
)

before=$(host_digest 1 'getfacl -p /srv/share; stat -c %Y /srv/share/stamp')
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_eq "$before" "$(host_digest 1 'getfacl -p /srv/share; stat -c %Y /srv/share/stamp')" "after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_host 1 'getfacl -p /srv/share | grep -qx "user:acluser:rwx"' "acluser's entry"
assert_host 1 'getfacl -p /srv/share | grep -qx "default:group:staff:r-x"' "the default entry"
assert_host_eq 1 "2020-01-02 10:30:15" 'TZ=UTC date -r /srv/share/stamp "+%Y-%m-%d %H:%M:%S"'

note "second run: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "absent removes acluser's entry, once"
rm_pb=$(playbook rm.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - acl: { path: /srv/share, entity: acluser, etype: user, state: absent }
EOF
)
run_play "$rm_pb"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_host 1 '! getfacl -p /srv/share | grep -q "user:acluser"' "acluser's entry gone"
run_play "$rm_pb"
assert_recap h1 changed=0 failed=0

note "bad input: a missing etype, a wrong choice, a missing path, nfsv4"
n=0
for args in '{ path: /srv/share, entity: acluser, permissions: r, state: present }' \
	'{ path: /srv/share, etype: nobody, state: present }' \
	'{ path: /srv/share, entity: acluser, etype: user, permissions: r, state: present, use_nfsv4_acls: true }'; do
	n=$((n + 1))
	bad=$(playbook bad$n.yml <<EOF
- hosts: h1
  gather_facts: false
  tasks:
    - acl: $args
EOF
)
	run_play "$bad"
	assert_ne 0 "$RC" "exit status for $args"
done
assert_contains "$OUT" "use_nfsv4_acls"
run_play "$(playbook nopath.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - acl: { path: /srv/nothere, entity: acluser, etype: user, permissions: r, state: present }
EOF
)"
assert_rc 2
assert_contains "$OUT" "Path not found or not accessible."

note "file: a time that does not match the format fails clearly"
run_play "$(playbook badtime.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - file: { path: /srv/share/stamp, modification_time: yesterday }
EOF
)"
assert_rc 2
assert_contains "$OUT" "Error while obtaining timestamp for time yesterday"
