#!/bin/bash
# The default output, byte for byte, as golden-output tests written
# against ansible-playbook read it: without -v, with -v (the config line,
# every result on one line) and with -vv (the PLAYBOOK banner, "task
# path:" lines), on the controller only (a local connection).  Dropped:
# command timestamps, Python's discovered interpreter and -vv's lines
# about callback plugins.  usage: 330-default-output-verbosity.sh CAIRN
set -uo pipefail
cairn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
unset ANSIBLE_CONFIG
bad=0

cat >site.yml <<'EOF2'
- name: output
  hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      debug:
        msg: "hi <&> \"q\""
    - name: two lines
      command: printf 'one\ntwo'
    - name: never
      command: echo x
      when: false
    - name: items
      debug:
        msg: "{{ item }}"
      loop: [a, b]
    - name: an ignored failure
      command: /bin/false
      ignore_errors: true
    - name: the end
      fail:
        msg: boom
EOF2
echo 'here ansible_connection=local ansible_python_interpreter=/usr/bin/python3' >hosts.ini

# Each tool's version block (-vv) names itself: from the config line on.
norm() {
	sed -n '/^ansible-playbook \[core\|^cairn [0-9]/,/^  [a-z]/!p' "$1" |
	    sed '/^  [a-z].* = /d' |
	    sed -E 's/"(delta|end|start)": "[^"]*"/"\1": T/g
	    s/"ansible_facts": \{"discovered_interpreter_python": "[^"]*"\}, //
	    /^Skipping callback /d'
}

for v in "" -v -vv; do
	ansible-playbook -i hosts.ini $v site.yml >a.out 2>&1
	arc=$?
	"$cairn" play -i hosts.ini $v site.yml >c.out 2>&1
	crc=$?
	[ "$arc" = "$crc" ] || { echo "${v:-default}: exit $arc vs $crc"; bad=1; }
	if ! diff -u <(norm a.out) <(norm c.out) >out.diff; then
		echo "output with '${v:-no -v}' differs:"
		cat out.diff
		bad=1
	fi
done
exit $bad
