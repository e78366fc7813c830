#!/bin/bash
# Mistakes in a playbook are reported as file:line:col with exit 4 before
# any host is contacted: the inventory holds a host nobody answers for, which
# would turn any contact into an UNREACHABLE line and a recap, and a real
# host that would get a mark.
. "$(dirname "$0")/lib.sh"

ghost=$(free_addr)
inv=$(inventory hosts.ini <<EOF
[testhosts]
$(host_line 1 ansible_user=root)
ghost ansible_host=$ghost ansible_user=root ansible_ssh_private_key_file=$TESTBED_KEY
EOF
)

# check_parse_error NAME LINE: run playbook NAME, expect exit 4 and an error
# located at NAME:LINE:COL, and no host touched.
check_parse_error() {
	local name=$1 line=$2
	run_cairn play -i "$inv" "$T/$name"
	assert_rc 4
	assert_match "$OUT" "$name:$line:[0-9]+" "the error location ($name:$line:COL)"
	assert_not_contains "$OUT" "UNREACHABLE"
	assert_not_contains "$OUT" "PLAY RECAP"
	assert_not_contains "$OUT" "TASK ["
	assert_host 1 'test ! -e /srv/mark' "$name: h1 was changed"
}

# 1. YAML itself is broken: a second mapping on line 7.
playbook bad-yaml.yml >/dev/null <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: leave a mark
      copy: content=x dest=/srv/mark
    - name: broken
      debug: msg: two colons
EOF
check_parse_error bad-yaml.yml 7

# 2. An unknown task keyword (a typo of register) on line 8.
playbook bad-keyword.yml >/dev/null <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: leave a mark
      copy: content=x dest=/srv/mark
    - name: typo
      command: hostname
      regsiter: out
EOF
check_parse_error bad-keyword.yml 8
assert_contains "$OUT" "regsiter"

# 3. An unknown module, in the second play: the whole file is checked before
# the first play starts.
playbook bad-module.yml >/dev/null <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: leave a mark
      copy: content=x dest=/srv/mark

- hosts: testhosts
  gather_facts: false
  tasks:
    - name: no such thing
      no_such_module:
        arg: 1
EOF
check_parse_error bad-module.yml 11
assert_contains "$OUT" "no_such_module"

# 4. An unknown module parameter on line 9, and 5. a required one missing
# (file without path) on line 11: as in Ansible, these fail the task on the
# host that runs it (so ignore_errors, rescue and register see them), and
# --syntax-check lists them all as warnings, with their place, before any
# host.
playbook bad-param.yml >/dev/null <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: leave a mark
      copy: content=x dest=/srv/mark
    - name: misspelt
      copy:
        dest: /srv/other
        contnet: hello
    - name: where
      file:
        state: directory
        mode: "0755"
EOF
run_cairn play -i "$inv" --syntax-check "$T/bad-param.yml"
assert_rc 0
assert_match "$OUT" "bad-param.yml:9:[0-9]+: .*contnet" "the warning for contnet"
assert_match "$OUT" "bad-param.yml:11:[0-9]+: .*path" "the warning for the missing path"
assert_not_contains "$OUT" "TASK ["
assert_host 1 'test ! -e /srv/mark' "syntax-check: h1 was changed"
run_cairn play -i "$inv" -l h1 "$T/bad-param.yml"
assert_rc 2
assert_match "$OUT" "FAILED.*contnet" "the task fails on the host"
assert_host 1 'test -e /srv/mark' "the task before it ran"
assert_host 1 'test ! -e /srv/other' "the bad task did nothing"
assert_host 1 'rm -f /srv/mark'

# 6. Several mistakes: all of them in one report, before any host.
playbook many.yml >/dev/null <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: leave a mark
      copy: content=x dest=/srv/mark
    - name: typo
      command: hostname
      regsiter: out
    - name: no such thing
      no_such_module: {}
EOF
check_parse_error many.yml 8
assert_match "$OUT" "many.yml:10:[0-9]+: .*no_such_module" "the second error"

# A file that does not exist is an error too, but not a parse error of a
# file: it still contacts nobody.
run_cairn play -i "$inv" "$T/no-such-playbook.yml"
assert_rc 1
assert_not_contains "$OUT" "UNREACHABLE"

# The same inventory with a correct playbook does reach out (so the checks
# above mean something): h1 gets its mark, the ghost is unreachable.
playbook good.yml >/dev/null <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: leave a mark
      copy: content=x dest=/srv/mark
EOF
run_cairn play -i "$inv" "$T/good.yml"
assert_rc 4
assert_host 1 'test -e /srv/mark'
