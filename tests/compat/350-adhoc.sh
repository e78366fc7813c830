#!/bin/bash
# cairn adhoc against Ansible's `ansible` on the controller (local
# connection): the same output, line for line, and the same exit status,
# for the module and argument forms people type (-m/-a k=v, free-form
# commands, -o, a failure, --check, a pattern that matches nothing).
# usage: 350-adhoc.sh CAIRN
set -uo pipefail
cairn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
export ANSIBLE_NOCOLOR=1
unset ANSIBLE_CONFIG ANSIBLE_STDOUT_CALLBACK
bad=0
echo 'here ansible_connection=local ansible_python_interpreter=/usr/bin/python3' >hosts.ini
mkdir d

norm() {
	sed -E 's/"(delta|end|start)": "[^"]*"/"\1": T/g
	    /^ *"ansible_facts": \{$/,/^ *\},$/d
	    s/"ansible_facts": \{"discovered_interpreter_python": "[^"]*"\}, ?//
	    /^\[WARNING\]: /d'
}

cases=(
	"here -m ping"
	"all -a 'echo hello world'"
	"here -m shell -a 'echo one; echo two >&2'"
	"here -m debug -a msg=hi"
	"here -o -m debug -a 'msg=\"one line\"'"
	"here -o -a 'printf \"a\\nb\"'"
	"here -m command -a /bin/false"
	"here -m file -a 'path=$w/d/f state=touch' --check"
	"nomatch -m ping"
)
for c in "${cases[@]}"; do
	eval "ansible -i hosts.ini $c" >a.out 2>&1
	arc=$?
	eval "\"$cairn\" adhoc -i hosts.ini $c" >c.out 2>&1
	crc=$?
	if [ "$arc" != "$crc" ]; then
		echo "adhoc $c: ansible exit $arc, cairn $crc"
		bad=1
	fi
	if ! diff -u <(norm <a.out) <(norm <c.out) >d.diff; then
		echo "adhoc $c: outputs differ"
		cat d.diff
		bad=1
	fi
done
exit $bad
