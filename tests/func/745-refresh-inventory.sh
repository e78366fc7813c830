#!/bin/bash
# A play writes a new host into the inventory file and refreshes the
# inventory: the next play targets it, with the variables and group the
# file gives it; what group_by made stays.  Without the refresh the new
# host is not seen.
. "$(dirname "$0")/lib.sh"

inv=$(inventory hosts.ini <<EOF2
[web]
$(host_line 1 ansible_user=root)
EOF2
)
pb=$(playbook refresh.yml <<EOF2
- hosts: web
  gather_facts: false
  tasks:
    - group_by: { key: early }
    - name: a new host in the file
      copy:
        dest: $inv
        content: |
          [web]
          $(host_line 1 ansible_user=root)
          [db]
          $(host_line 2 ansible_user=root colour=green)
      delegate_to: localhost
    - meta: refresh_inventory
      when: false

- hosts: db
  gather_facts: false
  tasks:
    - copy: { dest: /srv/refreshed, content: "{{ colour }} {{ group_names | join(',') }}\n" }

- hosts: early
  gather_facts: false
  tasks:
    - copy: { dest: /srv/early, content: "still early\n" }
EOF2
)
run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_recap h2 changed=1 failed=0
assert_host_eq 2 "green db" 'cat /srv/refreshed'
assert_host_eq 1 "still early" 'cat /srv/early'

note "without the refresh, the host the file gained during the run is not seen"
printf '[web]\n%s\n' "$(host_line 1 ansible_user=root)" >"$inv"
host_exec 2 'rm -f /srv/refreshed'
sed -i '/refresh_inventory/,+1d' "$pb"
run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_host 2 '[ ! -e /srv/refreshed ]'
