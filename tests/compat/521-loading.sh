#!/bin/bash
# Loading, as ansible-playbook 2.14 does it, on the controller: a role's
# argument spec (the validation task, its failure and its result), the
# roles path (ANSIBLE_ROLES_PATH, ansible.cfg's roles_path, the role not
# found), vars_prompt without a terminal, module_defaults (play, block,
# task, group/), a templated strategy, task keywords cairn used to
# refuse.  stdout and the status of each run must be the same.
# usage: 521-loading.sh CAIRN
set -uo pipefail
cairn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=0
unset ANSIBLE_ROLES_PATH ANSIBLE_CONFIG
bad=0

mkdir -p roles/web/tasks roles/web/meta elsewhere/far/tasks cfgroles/near/tasks
cat >roles/web/meta/argument_specs.yml <<'EOF'
argument_specs:
  main:
    short_description: The web role
    options:
      listen:
        type: int
        required: true
      state:
        choices: [present, absent]
        default: present
      users:
        type: list
        elements: dict
        options:
          name: {required: true}
          uid: {type: int}
  other:
    options:
      flag: {type: int, required: true}
EOF
cat >roles/web/tasks/main.yml <<'EOF'
- name: web says
  debug: msg="listen {{ listen }} {{ state | default('unset') }}"
EOF
cat >roles/web/tasks/other.yml <<'EOF'
- name: other says
  debug: msg="flag {{ flag }}"
EOF
echo '- debug: msg=far' >elsewhere/far/tasks/main.yml
echo '- debug: msg=near' >cfgroles/near/tasks/main.yml

cat >spec-ok.yml <<'EOF'
- hosts: localhost
  gather_facts: false
  roles:
    - role: web
      listen: "8080"
      users: [{name: a, uid: "5"}]
EOF
cat >spec-bad.yml <<'EOF'
- hosts: localhost
  gather_facts: false
  roles:
    - role: web
      state: gone
      users: [{uid: x}]
      extra: 1
EOF
cat >spec-entry.yml <<'EOF'
- hosts: localhost
  gather_facts: false
  vars:
    flag: "12"
  tasks:
    - import_role:
        name: web
        tasks_from: other
    - include_role:
        name: web
        tasks_from: other
      vars:
        flag: twelve
      ignore_errors: true
    - validate_argument_spec:
        argument_spec:
          n: {type: int}
        provided_arguments:
          n: "12"
EOF
cat >far.yml <<'EOF'
- hosts: localhost
  gather_facts: false
  roles: [far]
EOF
cat >near.yml <<'EOF'
- hosts: localhost
  gather_facts: false
  roles: [near]
EOF
cat >prompt.yml <<'EOF'
- hosts: localhost
  gather_facts: false
  vars_prompt:
    - name: a
      prompt: "Give a"
    - name: b
      default: bee
    - name: c
      default: "{{ 'x' + 'y' }}"
      private: false
    - name: given
  tasks:
    - debug: msg="{{ a }}|{{ b }}|{{ c }}|{{ given }}"
EOF
cat >defaults.yml <<'EOF'
- hosts: localhost
  gather_facts: false
  strategy: "{{ how | default('linear') }}"
  module_defaults:
    ansible.builtin.debug:
      msg: "from play"
  tasks:
    - debug:
    - debug:
        msg: own
    - block:
        - debug:
        - ansible.legacy.debug:
      module_defaults:
        debug:
          msg: "from block {{ 1 + 1 }}"
    - name: keywords cairn takes now
      debug: msg=kw
      poll: 0
      delegate_facts: true
      throttle: 1
      debugger: never
      module_defaults:
        group/ansible.builtin.testgroup: {}
EOF

# status NAME ARGS...: the same status from both tools.
status() {
	local name=$1 a c
	shift
	ansible-playbook "$@" </dev/null >"$name.ansible" 2>&1; a=$?
	"$cairn" play "$@" </dev/null >"$name.cairn" 2>&1; c=$?
	[ "$a" = "$c" ] && echo "ok $name: $a" ||
		{ echo "FAIL $name: ansible-playbook $a, cairn $c"; bad=1; }
}

# same NAME ARGS...: the same stdout and status from both tools; the
# environment of the call applies to both.
same() {
	local name=$1 a c
	shift
	ansible-playbook "$@" </dev/null >"$name.ansible" 2>"$name.ansible.err"
	a=$?
	"$cairn" play "$@" </dev/null >"$name.cairn" 2>"$name.cairn.err"
	c=$?
	if [ "$a" != "$c" ] || ! cmp -s "$name.ansible" "$name.cairn"; then
		echo "FAIL $name: ansible-playbook $a, cairn $c ($*)"
		diff "$name.ansible" "$name.cairn" | head -20
		bad=1
	else
		echo "ok $name"
	fi
}

L="-i localhost, -c local"
same spec-ok $L spec-ok.yml
same spec-bad $L spec-bad.yml
same spec-entry $L spec-entry.yml
same spec-list $L spec-ok.yml --list-tasks
ANSIBLE_ROLES_PATH=$w/elsewhere same roles-path-env $L far.yml
# the message, not the status: Ansible's is 1 (an AnsibleError), cairn's
# 4 as for every mistake found at load
"$cairn" play $L far.yml >roles-path-missing.cairn 2>&1
ansible-playbook $L far.yml >roles-path-missing.ansible 2>&1
m="the role 'far' was not found in $w/roles:$HOME/.ansible/roles:"
m="$m/usr/share/ansible/roles:/etc/ansible/roles:$w"
if grep -qF "$m" roles-path-missing.ansible &&
    grep -qF "$m" roles-path-missing.cairn; then
	echo "ok roles-path-missing"
else
	echo "FAIL roles-path-missing: message"
	head -3 roles-path-missing.ansible roles-path-missing.cairn
	bad=1
fi
printf '[defaults]\nroles_path = %s/cfgroles\n' "$w" >ansible.cfg
same roles-path-cfg $L near.yml
rm ansible.cfg
same prompt-no-tty $L prompt.yml -e given=x
grep -q 'Not prompting as we are not in interactive mode' prompt-no-tty.cairn.err ||
	{ echo "FAIL prompt-no-tty: no warning"; bad=1; }
same prompt-list $L prompt.yml --list-tasks
same defaults $L defaults.yml
same defaults-free $L defaults.yml -e how=free
status strategy-bad $L defaults.yml -e how=bogus
exit $bad
