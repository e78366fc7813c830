#!/bin/bash
# A provisioning playbook brings three fresh hosts to the wanted state, and a
# second run finds nothing to change.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/files"
printf 'welcome to a cairn host\n' >"$T/files/motd"

pb=$(playbook provision.yml <<'EOF'
- name: provision
  hosts: testhosts
  gather_facts: false
  vars:
    app_dir: /srv/app
  tasks:
    - name: app directory
      file:
        path: "{{ app_dir }}"
        state: directory
        owner: deploy
        group: deploy
        mode: "0750"

    - name: nested config directory
      file: path={{ app_dir }}/conf/extra state=directory mode=0755

    - name: config from content
      copy:
        content: "listen = {{ inventory_hostname }}\n"
        dest: "{{ app_dir }}/conf/app.conf"
        owner: root
        group: deploy
        mode: "0640"

    - name: motd from a file next to the playbook
      copy:
        src: files/motd
        dest: /etc/motd
        mode: "0644"

    - name: current points at the config
      file:
        src: "{{ app_dir }}/conf"
        dest: "{{ app_dir }}/current"
        state: link

    - name: one-time initialisation
      command: touch {{ app_dir }}/initialized
      args:
        creates: "{{ app_dir }}/initialized"

    - name: no stale file
      file:
        path: /etc/cron.daily/obsolete
        state: absent
EOF
)

# Something for the absent task to remove on one host only.
host_exec 2 'mkdir -p /etc/cron.daily && echo x >/etc/cron.daily/obsolete'

run_play "$pb"
assert_rc 0
for i in 1 2 3; do
	assert_recap "h$i" ok=7 unreachable=0 failed=0
	assert_host_eq "$i" "directory deploy:deploy 750" 'stat -c "%F %U:%G %a" /srv/app'
	assert_host_eq "$i" "directory 755" 'stat -c "%F %a" /srv/app/conf/extra'
	assert_host_eq "$i" "listen = h$i" 'cat /srv/app/conf/app.conf'
	assert_host_eq "$i" "regular file root:deploy 640" 'stat -c "%F %U:%G %a" /srv/app/conf/app.conf'
	assert_host_eq "$i" "welcome to a cairn host" 'cat /etc/motd'
	assert_host_eq "$i" "644" 'stat -c %a /etc/motd'
	assert_host_eq "$i" "/srv/app/conf" 'readlink /srv/app/current'
	assert_host "$i" 'test -f /srv/app/initialized'
	assert_host "$i" 'test ! -e /etc/cron.daily/obsolete'
done
# Every task but the absent one changed h1; h2 had the obsolete file too.
assert_recap h1 changed=6
assert_recap h2 changed=7
assert_recap h3 changed=6

host_exec 1 'stat -c %Y /srv/app/initialized' >"$T/mtime"

run_play "$pb"
assert_rc 0
for i in 1 2 3; do
	assert_recap "h$i" ok=7 changed=0 unreachable=0 failed=0
done
assert_not_contains "$OUT" "changed: ["
# creates= really kept the command from running again.
assert_host_eq 1 "$(cat "$T/mtime")" 'stat -c %Y /srv/app/initialized'

# Drift on one host is repaired there and only there.
host_exec 3 'chmod 0600 /etc/motd && echo tampered >>/srv/app/conf/app.conf'
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0
assert_recap h2 changed=0
assert_recap h3 changed=2
assert_host_eq 3 "644" 'stat -c %a /etc/motd'
assert_host_eq 3 "listen = h3" 'cat /srv/app/conf/app.conf'
