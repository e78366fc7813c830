#!/bin/bash
# Keywords that change where and how a task runs: environment (play and
# task), delegate_to and local_action, any_errors_fatal stopping every host,
# force_handlers running handlers on a failed host.
. "$(dirname "$0")/lib.sh"

pb=$(playbook where.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  environment:
    APP_ENV: production
  tasks:
    - name: environment reaches the command
      shell: echo "$APP_ENV $APP_ROLE" > /srv/env
      environment:
        APP_ROLE: "web-{{ inventory_hostname }}"
    - name: run on the controller for each host
      command: echo "{{ inventory_hostname }}"
      delegate_to: localhost
      register: local
    - name: the old spelling
      local_action: command hostname
      register: ctl
    - name: delegate to another host of the inventory
      shell: echo "from {{ inventory_hostname }}" > /srv/delegated-{{ inventory_hostname }}
      delegate_to: h1
    - copy:
        content: "{{ local.stdout }} {{ ctl.stdout == lookup('env', 'CAIRN_CONTROLLER') }}\n"
        dest: /srv/local
EOF
)
CAIRN_CONTROLLER=$(hostname) run_play "$pb"
assert_rc 0
assert_contains "$OUT" "changed: [h2 -> localhost]"
assert_contains "$OUT" "changed: [h3 -> h1]"
for i in 1 2 3; do
	assert_host_eq "$i" "production web-h$i" 'cat /srv/env'
	assert_host_eq "$i" "h$i True" 'cat /srv/local'
	assert_host_eq 1 "from h$i" "cat /srv/delegated-h$i"
done
assert_host 2 'test ! -e /srv/delegated-h2' "delegate_to ran on the host itself"

# any_errors_fatal: h2 fails, nobody goes on.
pb=$(playbook fatal.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - command: /bin/false
      when: inventory_hostname == 'h2'
    - copy: content=x dest=/srv/after-fatal
EOF
)
run_play "$pb"
assert_rc 2
assert_contains "$OUT" "NO MORE HOSTS LEFT"
for i in 1 2 3; do
	assert_host "$i" 'test ! -e /srv/after-fatal' "a task ran after a fatal error"
done

# force_handlers: the handler runs although the host then failed.
pb=$(playbook force.yml <<'EOF'
- hosts: h1
  gather_facts: false
  force_handlers: true
  tasks:
    - copy: content=y dest=/srv/conf
      notify: restart
    - fail: msg="later failure"
  handlers:
    - name: restart
      copy: content=restarted dest=/srv/restarted
EOF
)
run_play "$pb"
assert_rc 2
assert_host_eq 1 "restarted" 'cat /srv/restarted'

# The play's hosts may come from an extra variable.
pb=$(playbook target.yml <<'EOF'
- hosts: "{{ target }}"
  gather_facts: false
  tasks:
    - copy: content=targeted dest=/srv/targeted
EOF
)
run_play -e target=h3 "$pb"
assert_rc 0
assert_host_eq 3 "targeted" 'cat /srv/targeted'
assert_host 1 'test ! -e /srv/targeted' "a host outside the target ran"
