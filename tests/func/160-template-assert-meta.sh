#!/bin/bash
# Everyday playbook plumbing: template from templates/, assert and fail
# with their messages, meta flush_handlers / end_host, and --check with a
# template predicting the change without making it.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/templates"
cat >"$T/templates/hosts.j2" <<'EOF'
# {{ inventory_hostname }}
{% for h in groups['testhosts'] | sort %}
{{ hostvars[h]['ansible_host'] }} {{ h }}{% if h == inventory_hostname %} self{% endif %}

{% endfor %}
EOF

pb=$(playbook plumbing.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: facts hold
      assert:
        that:
          - groups['testhosts'] | length == 3
          - inventory_hostname in groups['testhosts']
        success_msg: "all good"

    - name: host list
      template:
        src: hosts.j2
        dest: /srv/hosts
      notify: note it

    - name: handlers now, not at the end
      meta: flush_handlers

    - name: after the handler
      shell: test -f /srv/noted && echo after > /srv/order

    - name: h3 stops here
      meta: end_host
      when: inventory_hostname == 'h3'

    - name: only h1 and h2 get here
      copy: content="reached\n" dest=/srv/reached

  handlers:
    - name: note it
      copy: content="noted\n" dest=/srv/noted
EOF
)

run_play --check "$pb"
assert_rc 0
assert_host 1 'test ! -e /srv/hosts' "check mode wrote the template"

run_play "$pb"
assert_rc 0
assert_contains "$OUT" '"msg": "all good"'
want=$(printf '# h2\n%s h1\n%s h2 self\n%s h3' "$TESTBED_IP_1" "$TESTBED_IP_2" "$TESTBED_IP_3")
assert_host_eq 2 "$want" 'cat /srv/hosts'
for i in 1 2 3; do
	assert_host_eq "$i" "after" 'cat /srv/order'
done
assert_host_eq 1 "reached" 'cat /srv/reached'
assert_host 3 'test ! -e /srv/reached' "end_host did not stop h3"

run_play "$pb"
assert_rc 0
for i in 1 2 3; do
	assert_recap "h$i" failed=0
done
assert_not_contains "$OUT" "RUNNING HANDLER"

# assert and fail report their messages and fail only where they apply.
pb=$(playbook refuse.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - assert:
        that: inventory_hostname != 'h2'
        fail_msg: "h2 is not allowed"
    - fail:
        msg: "h3 refused"
      when: inventory_hostname == 'h3'
    - copy: content="ok\n" dest=/srv/survivor
EOF
)
run_play "$pb"
assert_rc 2
assert_contains "$OUT" "h2 is not allowed"
assert_contains "$OUT" "h3 refused"
assert_recap h1 failed=0
assert_recap h2 failed=1
assert_recap h3 failed=1
assert_host 1 'test -f /srv/survivor'
assert_host 2 'test ! -e /srv/survivor'
