#!/bin/bash
# Real Ansible content, unchanged: a role with meta/argument_specs.yml (the
# validation task runs first on every host and fails the bad ones with
# Ansible's message), a role found through ANSIBLE_ROLES_PATH,
# module_defaults at play, role, block and task level giving a file's
# mode and owner, vars_prompt answered by -e, a templated strategy and
# the task keywords cairn used to refuse (async, poll, throttle...).
# A second run changes nothing, --check predicts nothing, --diff shows a
# change, and bad input fails clearly.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/roles/app/tasks" "$T/roles/app/meta" "$T/shared/motd/tasks"
cat >"$T/roles/app/meta/argument_specs.yml" <<'EOF'
argument_specs:
  main:
    short_description: Installs the app's config
    options:
      app_port:
        type: int
        required: true
      app_state:
        choices: [present, absent]
        default: present
EOF
cat >"$T/roles/app/tasks/main.yml" <<'EOF'
- name: app config
  copy:
    dest: /srv/app.conf
    content: "port={{ app_port }}\n"
EOF
cat >"$T/shared/motd/tasks/main.yml" <<'EOF'
- name: motd
  copy:
    dest: /srv/motd
    content: "{{ greeting }}\n"
EOF

pb=$(playbook site.yml <<'EOF'
- hosts: h1:h2
  gather_facts: false
  strategy: "{{ how | default('linear') }}"
  vars_prompt:
    - name: greeting
      prompt: "Greeting?"
      default: hello
  module_defaults:
    ansible.builtin.copy:
      mode: "0640"
    file:
      owner: root
  roles:
    - role: app
      app_port: "{{ 8080 if inventory_hostname == 'h1' else 'eighty' }}"
      module_defaults:
        copy: {mode: "0600"}
    - role: motd
  tasks:
    - block:
        - copy: dest=/srv/flag content=flag
        - file: path=/srv/flagdir state=directory
      module_defaults:
        group/ansible.builtin.testgroup: {}
        ansible.builtin.copy: {mode: "0604"}
        ansible.legacy.file: {mode: "0750"}
    - name: keywords Ansible takes
      copy:
        dest: /srv/kw
        content: "kw\n"
        mode: "0644"
      throttle: 1
      delegate_facts: false
      debugger: never
      poll: 15
EOF
)
export ANSIBLE_ROLES_PATH="$T/shared"
run_play -e greeting=hi "$pb"
assert_rc 2
assert_contains "$OUT" "TASK [app : Validating arguments against arg spec 'main' - Installs the app's config]"
assert_recap h1 failed=0
assert_recap h2 failed=1
assert_contains "$OUT" "argument 'app_port' is of type <class 'str'> and we were unable to convert to int"
assert_contains "$OUT" '"validate_args_context": {"argument_spec_name": "main", "name": "app"'
assert_host_eq 1 "600 root port=8080" 'stat -c "%a %U" /srv/app.conf | tr "\n" " "; cat /srv/app.conf'
assert_host_eq 1 "640 hi" 'stat -c %a /srv/motd | tr "\n" " "; cat /srv/motd'
assert_host_eq 1 "604" 'stat -c %a /srv/flag'
assert_host_eq 1 "750 root" 'stat -c "%a %U" /srv/flagdir'
assert_host_eq 1 "644" 'stat -c %a /srv/kw'
assert_host 2 '[ ! -e /srv/app.conf ] && [ ! -e /srv/motd ]' "h2 stopped at the spec"

# Converged: nothing changes, --check predicts nothing, free strategy too.
before=$(host_digest 1 'stat -c "%n %a %U %s" /srv/app.conf /srv/motd /srv/flag /srv/flagdir /srv/kw')
run_play -e greeting=hi -l h1 "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play -e greeting=hi -e how=free -l h1 --check "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
assert_eq "$before" "$(host_digest 1 'stat -c "%n %a %U %s" /srv/app.conf /srv/motd /srv/flag /srv/flagdir /srv/kw')" "state"

# Without a terminal vars_prompt takes its default; --diff shows it.
run_play -l h1 --diff "$pb"
assert_rc 0
assert_contains "$OUT" "[WARNING]: Not prompting as we are not in interactive mode"
assert_contains "$OUT" "+hello"
assert_recap h1 changed=1 failed=0
assert_host_eq 1 "hello" 'cat /srv/motd'

# The listing shows the validation task and the role tasks.
run_play -e greeting=hi --list-tasks "$pb"
assert_rc 0
assert_contains "$OUT" "      app : Validating arguments against arg spec 'main' - Installs the app's config	TAGS: [always]"
assert_contains "$OUT" "      motd : motd	TAGS: []"

# Bad input: the module without its spec, a wrong choice, a role nowhere,
# a bad strategy, a Python module.
bad=$(playbook bad.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - validate_argument_spec:
        provided_arguments: {a: 1}
      ignore_errors: true
    - validate_argument_spec:
        argument_spec:
          state: {choices: [up, down]}
        provided_arguments: {state: sideways}
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "missing required arguments: argument_spec"
assert_contains "$OUT" "value of state must be one of: up, down, got: sideways"
nowhere=$(playbook nowhere.yml <<'EOF'
- hosts: h1
  roles: [nowhere]
EOF
)
run_play "$nowhere"
assert_rc 4
assert_contains "$OUT" "the role 'nowhere' was not found in $T/roles:$T/shared:$T"
run_play -e how=fast -e greeting=x "$pb"
assert_rc 1
assert_contains "$OUT" "invalid play strategy specified: 'fast'"
mkdir -p "$T/library"
echo 'print("hi")' >"$T/library/legacy_thing.py"
py=$(playbook py.yml <<'EOF'
- hosts: h1
  tasks:
    - legacy_thing: a=1
EOF
)
run_play "$py"
assert_rc 4
assert_contains "$OUT" "legacy_thing.py' is a Python module: cairn runs modules written in Lua, not Python (see docs/lua-modules.md to port it)"
