#!/bin/bash
# ansible.cfg as ansible-playbook reads it, compared on the controller
# (local connection): display_skipped_hosts / display_ok_hosts hide result
# lines and ';' starts an inline comment (byte-identical output); in a
# world-writable directory the file is ignored with a warning; a key cairn
# does not use gets one warning with its file and line (ansible-playbook
# says nothing: cairn says what it ignores).  usage: 340-config-file.sh CAIRN
set -uo pipefail
cairn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
unset ANSIBLE_CONFIG CAIRN_CONFIG
bad=0

mkdir -p "$w/p"
chmod 755 "$w" "$w/p"
cd "$w/p" || exit 1
cat >site.yml <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - name: shown only when ok hosts are
      debug:
        msg: hello
    - name: skipped
      command: echo x
      when: false
    - name: changed
      command: echo y
EOF2
echo 'here ansible_connection=local ansible_python_interpreter=/usr/bin/python3' >hosts.ini
cat >ansible.cfg <<'EOF2'
[defaults]
forks = 5 ; at most five at once
display_skipped_hosts = False
display_ok_hosts = False
EOF2

norm() {
	sed -E 's/"(delta|end|start)": "[^"]*"/"\1": T/g
	    s/"ansible_facts": \{"discovered_interpreter_python": "[^"]*"\}, //' "$1"
}
ansible-playbook -i hosts.ini site.yml >a.out 2>&1
"$cairn" play -i hosts.ini site.yml >c.out 2>&1
if ! diff -u <(norm a.out) <(norm c.out); then
	echo "display_* settings: outputs differ"
	bad=1
fi
! grep -q '^skipping:' c.out || { echo "skipped hosts shown"; bad=1; }
! grep -q '^ok: ' c.out || { echo "ok hosts shown"; bad=1; }

echo 'bogus_key = 1' >>ansible.cfg
"$cairn" play -i hosts.ini site.yml >c.out 2>&1
grep -q 'ansible.cfg:5: \[defaults\] bogus_key is not used by cairn' c.out ||
	{ echo "no warning for an unknown key:"; cat c.out; bad=1; }

chmod 777 "$w/p"
ansible-playbook -i hosts.ini site.yml >a.out 2>&1
"$cairn" play -i hosts.ini site.yml >c.out 2>&1
chmod 755 "$w/p"
for f in a.out c.out; do
	grep -q 'is being run in a world writable directory' $f ||
		{ echo "$f: no world-writable warning"; bad=1; }
	grep -q '^ok: \[here\]' $f ||
		{ echo "$f: the world-writable config was read"; bad=1; }
done
exit $bad
