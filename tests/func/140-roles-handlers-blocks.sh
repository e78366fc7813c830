#!/bin/bash
# An existing Ansible layout runs unchanged: a role with defaults, vars,
# templates, handlers and a dependency; a block whose rescue recovers a
# failure; handlers that run once after the tasks that notified them.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/roles/web/tasks" "$T/roles/web/defaults" "$T/roles/web/handlers" \
	"$T/roles/web/templates" "$T/roles/web/meta" "$T/roles/common/tasks"
cat >"$T/roles/common/tasks/main.yml" <<'EOF'
- name: common marker
  copy: content="common {{ common_label | default('none') }}\n" dest=/srv/common
EOF
cat >"$T/roles/web/meta/main.yml" <<'EOF'
dependencies:
  - role: common
    common_label: from-web
EOF
cat >"$T/roles/web/defaults/main.yml" <<'EOF'
web_port: 80
web_names: [default.example]
EOF
cat >"$T/roles/web/templates/site.conf.j2" <<'EOF'
# managed by {{ role_name }}
listen {{ web_port }};
{% for n in web_names %}
server_name {{ n }};
{% endfor %}
EOF
cat >"$T/roles/web/tasks/main.yml" <<'EOF'
- name: site config
  template: src=site.conf.j2 dest=/srv/site.conf mode=0644
  notify: reload web
EOF
cat >"$T/roles/web/handlers/main.yml" <<'EOF'
- name: reload web
  shell: echo reloaded >> /srv/reloads
EOF

pb=$(playbook site.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  roles:
    - role: web
      web_port: 8080
      web_names: [a.example, b.example]
  tasks:
    - name: recoverable step
      block:
        - command: /bin/false
      rescue:
        - copy: content="rescued {{ ansible_failed_task.name }}\n" dest=/srv/rescued
      always:
        - file: path=/srv/always state=touch
          changed_when: false
    - name: a second notification of the same handler
      file: path=/srv/touched state=directory
      notify: reload web
EOF
)

run_play "$pb"
assert_rc 0
assert_contains "$OUT" "TASK [web : site config]"
assert_contains "$OUT" "TASK [common : common marker]"
assert_contains "$OUT" "RUNNING HANDLER [web : reload web]"
for i in 1 2 3; do
	assert_recap "h$i" failed=0 rescued=1
	assert_host_eq "$i" "common from-web" 'cat /srv/common'
	assert_host_eq "$i" "$(printf '# managed by web\nlisten 8080;\nserver_name a.example;\nserver_name b.example;')" 'cat /srv/site.conf'
	assert_host_eq "$i" "rescued command" 'cat /srv/rescued'
	assert_host "$i" 'test -f /srv/always'
	# notified twice, run once
	assert_host_eq "$i" "reloaded" 'cat /srv/reloads'
done

# Second run: nothing changes, so the handler does not run again.
run_play "$pb"
assert_rc 0
assert_not_contains "$OUT" "RUNNING HANDLER"
for i in 1 2 3; do
	assert_recap "h$i" changed=0 failed=0
	assert_host_eq "$i" "reloaded" 'cat /srv/reloads'
done

# A role that does not exist is a parse error, before any host.
pb=$(playbook missing.yml <<'EOF'
- hosts: testhosts
  roles:
    - nosuchrole
EOF
)
run_play "$pb"
assert_rc 4
assert_match "$OUT" 'missing.yml:3:7: the role .nosuchrole. was not found'
