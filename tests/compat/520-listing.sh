#!/bin/bash
# Listing and stepping, byte for byte: --list-tasks, --list-tags and
# --list-hosts (with --tags/--skip-tags/--limit), --start-at-task and
# --step of a playbook with roles (a dependency, an argument spec, role
# tags), imports, includes, blocks and tags, through ansible-playbook and
# through cairn on the controller; stdout and the status must be the
# same.  Ansible prints a play's tags and its hosts as Python sets, in no
# order: each play here has one tag and the listed plays one host.
# usage: 520-listing.sh CAIRN
set -uo pipefail
cairn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=0
bad=0

mkdir -p roles/base/tasks roles/base/meta roles/dep/tasks
cat >roles/base/tasks/main.yml <<'EOF'
- name: base one
  debug: msg=1
  tags: [b1]
- debug: msg=2
- import_tasks: more.yml
- include_tasks: inc.yml
EOF
cat >roles/base/tasks/more.yml <<'EOF'
- name: base more
  command: /bin/true
  tags: more
EOF
echo '- debug: msg=inc' >roles/base/tasks/inc.yml
cat >roles/base/meta/main.yml <<'EOF'
dependencies: [dep]
argument_specs:
  main:
    short_description: the base role
    options:
      x: {type: str}
EOF
cat >roles/dep/tasks/main.yml <<'EOF'
- name: dep task
  debug: msg=dep
  tags: [never, debugonly]
EOF
cat >tasks.yml <<'EOF'
- name: imported
  debug: msg=imported
- name: imported block
  block:
    - name: in imported block
      debug: msg=x
EOF
cat >site.yml <<'EOF'
- name: first play
  hosts: all
  gather_facts: false
  tags: [play1]
  pre_tasks:
    - name: pre
      debug: msg=pre
  roles:
    - role: base
      tags: [rb]
  tasks:
    - name: a task
      debug: msg=a
      tags: [t1, t2]
    - import_tasks: tasks.yml
      tags: imp
    - include_tasks: tasks.yml
    - name: named include
      include_tasks: tasks.yml
    - include_role:
        name: dep
    - import_role:
        name: dep
    - block:
        - name: in block
          debug: msg=b
      rescue:
        - name: rescuer
          debug: msg=r
      always:
        - debug: msg=alw
      tags: blk
    - name: always task
      debug: msg=al
      tags: always
    - meta: flush_handlers
  post_tasks:
    - ansible.builtin.debug: msg=post
- hosts: localhost
  gather_facts: false
  tasks:
    - ping:
- import_playbook: other.yml
EOF
cat >other.yml <<'EOF'
- hosts: localhost
  name: other play
  tasks:
    - name: other task
      debug: msg=o
EOF
cat >steps.yml <<'EOF'
- hosts: localhost
  name: p1
  tasks:
    - name: one
      debug: msg=1
- hosts: localhost
  name: p2
  tasks:
    - name: two
      debug: msg=2
    - block:
        - name: three
          debug: msg=3
        - name: four
          debug: msg=4
    - name: five
      debug: msg=5
- hosts: localhost
  name: p3
  gather_facts: false
  tasks:
    - name: six
      debug: msg=6
EOF

# same NAME STDIN ARGS...: the same stdout and status from both tools.
same() {
	local name=$1 in=$2 a c
	shift 2
	ansible-playbook "$@" <"$in" >"$name.ansible" 2>"$name.ansible.err"
	a=$?
	"$cairn" play "$@" <"$in" >"$name.cairn" 2>"$name.cairn.err"
	c=$?
	if [ "$a" != "$c" ] || ! cmp -s "$name.ansible" "$name.cairn"; then
		echo "FAIL $name: ansible-playbook $a, cairn $c ($*)"
		diff "$name.ansible" "$name.cairn" | head -20
		bad=1
	else
		echo "ok $name"
	fi
}

# the times in the recap line are the only thing that differs: none here
L="-i localhost, -c local"
same list-tasks /dev/null $L site.yml --list-tasks
same list-tags /dev/null $L site.yml --list-tags
same list-both /dev/null $L site.yml --list-tasks --list-tags
same list-hosts /dev/null $L site.yml --list-hosts
same list-hosts-tasks /dev/null $L site.yml --list-hosts --list-tasks
same list-only-tag /dev/null $L site.yml --list-tasks -t t1
same list-never-tag /dev/null $L site.yml --list-tasks --skip-tags rb \
    -t all,debugonly
same list-tags-filtered /dev/null $L site.yml --list-tags --skip-tags imp
same start-at /dev/null $L steps.yml --start-at-task 'thr*'
same start-at-exact /dev/null $L steps.yml --start-at-task five
same start-at-missing /dev/null $L steps.yml --start-at-task nomatch
grep -q 'No matching task "nomatch" found' start-at-missing.cairn.err ||
	{ echo "FAIL start-at-missing: no error"; bad=1; }
printf 'n\ny\nc\n' >answers
same step answers $L steps.yml --step
printf 'y\nn\nyes\nno\nc\n' >answers2
same step-more answers2 $L steps.yml --step
exit $bad
