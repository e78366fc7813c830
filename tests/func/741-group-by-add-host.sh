#!/bin/bash
# The inventory grows during a run, as Ansible's does: group_by sorts the
# hosts into groups by a variable (with parents), add_host brings in a
# host the inventory does not list (its address, port and variables as
# arguments), and later plays target the new groups and host; group_vars
# of a new group apply.  A second run reports the same; bad input fails.
. "$(dirname "$0")/lib.sh"

inv=$(inventory hosts.ini <<EOF2
$(host_line 1 ansible_user=root role=web)
$(host_line 2 ansible_user=root role=db)
EOF2
)
mkdir -p "$T/group_vars"
printf 'motd: from group_vars of role_web\n' >"$T/group_vars/role_web.yml"

pb=$(playbook grow.yml <<EOF2
- hosts: all
  gather_facts: false
  tasks:
    - name: sort by role
      group_by:
        key: "role_{{ role }}"
        parents: [servers]
    - name: bring in h3
      add_host:
        name: "h3:22"
        groups: [late, extra]
        ansible_host: $TESTBED_IP_3
        ansible_user: root
        ansible_ssh_private_key_file: $TESTBED_KEY
        colour: blue
      register: added
    - copy:
        dest: /srv/groups
        content: |
          {{ group_names | join(',') }}
          {{ groups['servers'] | sort | join(',') }} {{ groups['late'] | join(',') }}
          {{ added.add_host.host_name }} {{ added.add_host.groups }} {{ added.add_host.host_vars.ansible_ssh_port }}

- hosts: role_web
  gather_facts: false
  tasks:
    - copy: { dest: /srv/motd, content: "{{ motd }}\n" }

- hosts: late
  gather_facts: false
  tasks:
    - copy:
        dest: /srv/late
        content: "{{ inventory_hostname }} {{ colour }} {{ group_names | join(',') }}\n"
EOF2
)
run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_recap h2 changed=2 failed=0
assert_recap h3 changed=1 failed=0
# add_host runs once, on the first host, as Ansible's bypass_host_loop
assert_eq 1 "$(printf '%s\n' "$OUT" | grep -A3 'TASK \[bring in h3\]' | grep -c '^changed')" "add_host lines"
assert_host_eq 1 "role_web,servers
h1,h2 h3
h3 ['late', 'extra'] 22" 'cat /srv/groups'
assert_host_eq 2 "role_db,servers" 'head -1 /srv/groups'
assert_host_eq 1 "from group_vars of role_web" 'cat /srv/motd'
assert_host 2 '[ ! -e /srv/motd ]'
assert_host_eq 3 "h3 blue extra,late" 'cat /srv/late'

note "second run: group_by and add_host change the run's inventory again"
run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_recap h2 changed=1 failed=0
assert_recap h3 changed=0 failed=0

note "bad input: no key, no name"
pb2=$(playbook bad.yml <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - group_by: { parents: [x] }
      ignore_errors: true
    - add_host: { groups: [x] }
EOF2
)
run_cairn play -i "$inv" "$pb2"
assert_rc 2
assert_contains "$OUT" "key"
assert_contains "$OUT" "name"
