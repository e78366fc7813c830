#!/bin/bash
# Keywords on import_tasks and import_role apply to every imported task, as
# ansible-playbook applies them: become/become_user, vars, environment,
# when, tags, ignore_errors, remote_user; the imported file is read before
# any host, so a mistake in it stops the run first.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/roles/marker/tasks"
cat >"$T/roles/marker/tasks/main.yml" <<'EOF'
- name: role marker
  shell: echo "$(id -un) {{ who }}" > /tmp/role-marker
EOF
cat >"$T/steps.yml" <<'EOF'
- name: who and what
  shell: echo "$(id -un) $STEP_ENV {{ level }}" > /tmp/step-{{ level }}
- name: a failing step
  command: /bin/false
EOF

pb=$(playbook site.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - import_tasks: steps.yml
      become: true
      become_user: nobody
      environment:
        STEP_ENV: from-import
      vars:
        level: one
      ignore_errors: true
      tags: [steps]
    - import_tasks: steps.yml
      vars:
        level: two
      when: level == 'never'
    - import_role:
        name: marker
      become: true
      become_user: nobody
      vars:
        who: role
    - name: after
      command: "true"
EOF
)

run_play "$pb"
assert_rc 0
for i in 1 2 3; do
	assert_host_eq "$i" "nobody from-import one" 'cat /tmp/step-one'
	assert_host "$i" 'test ! -e /tmp/step-two'
	assert_host_eq "$i" "nobody role" 'cat /tmp/role-marker'
	# two steps run (one ignored), two skipped, the role, after
	assert_recap "h$i" ok=4 failed=0 skipped=2 ignored=1
done

# tags on the import reach its tasks: --tags steps runs only those
assert_host 1 'rm -f /tmp/step-one /tmp/role-marker'
run_play --tags steps "$pb"
assert_rc 0
assert_host_eq 1 "nobody from-import one" 'cat /tmp/step-one'
assert_host 1 'test ! -e /tmp/role-marker'

# a mistake in an imported file is found before any host
cat >"$T/steps.yml" <<'EOF'
- name: typo
  shell: echo hi
  regsiter: out
EOF
run_play "$pb"
assert_rc 4
assert_match "$OUT" "steps.yml:3:[0-9]+" "the place in the imported file"
assert_not_contains "$OUT" "TASK ["
