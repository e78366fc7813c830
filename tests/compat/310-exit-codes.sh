#!/bin/bash
# The exit codes a CI job's `if` tests: each case runs through
# ansible-playbook (and ansible-inventory) and through cairn, on the
# controller only (local connection, or a port nothing listens on for an
# unreachable host), and the two statuses must be the same; so must the
# retry file and a run limited by it.  usage: 310-exit-codes.sh CAIRN
set -uo pipefail
cairn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
unset ANSIBLE_RETRY_FILES_ENABLED
export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOLOR=1
bad=0

cat >ok.yml <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=hi
EOF2
cat >fail.yml <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - fail: msg=no
      when: inventory_hostname == 'here'
    - ping:
EOF2
cat >ping.yml <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - ping:
EOF2
printf -- '- hosts: all\n  tasks:\n  - debug: {\n' >parse.yml
cat >mixed.ini <<'EOF2'
here ansible_connection=local
there ansible_host=127.0.0.1 ansible_port=1 ansible_user=nobody
EOF2
printf 'here\n\n' >limit.txt
printf 'h1 ansible_host=127.0.0.1 ansible_port="22 -oProxyCommand=touch %s/pwned"\n' "$w" >port.ini

# same NAME TOOL-ARGS...: both tools, the same arguments, the same status.
same() {
	local name=$1 a c
	shift
	ansible-playbook "$@" >"$name.ansible" 2>&1; a=$?
	"$cairn" play "$@" >"$name.cairn" 2>&1; c=$?
	if [ "$a" != "$c" ]; then
		echo "FAIL $name: ansible-playbook $a, cairn $c ($*)"
		sed 's/^/  ansible| /' "$name.ansible" | tail -5
		sed 's/^/  cairn  | /' "$name.cairn" | tail -5
		bad=1
	else
		echo "ok $name: $a"
	fi
}

same ok -i localhost, -c local ok.yml
same failed -i mixed.ini -l here fail.yml
same unreachable -i mixed.ini -l there ping.yml
same unreachable-and-failed -i mixed.ini fail.yml
same parse-error -i localhost, -c local parse.yml
same bad-extra-vars -i localhost, -c local -e '{bad' ok.yml
same missing-playbook -i localhost, -c local nosuch.yml
same bad-option -i localhost, --bogus ok.yml
same no-playbook -i localhost,
same limit-no-match -i localhost, -c local -l nomatch ok.yml
same limit-file -i mixed.ini -l @limit.txt fail.yml
same limit-file-missing -i localhost, -c local -l @nosuch.txt ok.yml
same limit-match -i localhost, -c local -e x=1 ok.yml --limit localhost
same bad-port -i port.ini ping.yml
[ ! -e pwned ] || { echo "FAIL: a port with options ran a command"; bad=1; }
grep -q "the field 'port' has an invalid value" bad-port.cairn ||
	{ echo "FAIL: cairn's bad port message"; cat bad-port.cairn; bad=1; }
grep -q 'leaves us with no hosts to target' limit-no-match.cairn ||
	{ echo "FAIL: cairn's no-host message"; bad=1; }

ansible-inventory -i mixed.ini >inv.ansible 2>&1; a=$?
"$cairn" inventory -i mixed.ini >inv.cairn 2>&1; c=$?
[ "$a" = "$c" ] && echo "ok inventory-no-action: $a" ||
	{ echo "FAIL inventory-no-action: ansible-inventory $a, cairn $c"; bad=1; }

# Retry files: the same content, and the hint names it.
mkdir a c
cp fail.yml a/site.yml
cp fail.yml c/site.yml
ANSIBLE_RETRY_FILES_ENABLED=1 ansible-playbook -i mixed.ini a/site.yml >retry.ansible 2>&1
ANSIBLE_RETRY_FILES_ENABLED=1 "$cairn" play -i mixed.ini c/site.yml >retry.cairn 2>&1
if ! cmp -s a/site.retry c/site.retry; then
	echo "FAIL retry file: ansible '$(cat a/site.retry 2>&1)', cairn '$(cat c/site.retry 2>&1)'"
	bad=1
elif ! grep -qF "to retry, use: --limit @$w/c/site.retry" retry.cairn; then
	echo "FAIL retry hint:"; cat retry.cairn; bad=1
else
	echo "ok retry file"
fi
exit $bad
