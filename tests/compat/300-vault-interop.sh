#!/bin/bash
# Vault files and strings are interchangeable between ansible-vault and
# cairn vault in both directions (1.1 and 1.2 envelopes, several vault ids,
# rekey), and a playbook reads what either tool encrypted.  Runs on the
# controller only.  usage: 300-vault-interop.sh CAIRN
set -euo pipefail
cairn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w"
fail() { echo "FAIL: $*" >&2; exit 1; }
printf 'first\n' >pwA
printf 'second\n' >pwB
printf 'db_password: s3cret\nlist: [1, 2]\n' >plain.yml

# ansible-vault -> cairn
cp plain.yml a11.yml && ansible-vault encrypt --vault-password-file pwA a11.yml
cp plain.yml a12.yml && ansible-vault encrypt --vault-id prod@pwB a12.yml
[ "$("$cairn" vault view --vault-password-file pwA a11.yml)" = "$(cat plain.yml)" ] ||
	fail "cairn cannot view ansible-vault's 1.1 file"
[ "$("$cairn" vault view --vault-id dev@pwA --vault-id prod@pwB a12.yml)" = "$(cat plain.yml)" ] ||
	fail "cairn cannot view ansible-vault's 1.2 file"
"$cairn" vault decrypt --vault-password-file pwA a11.yml
cmp -s a11.yml plain.yml || fail "cairn's decrypt of ansible-vault's file differs"

# cairn -> ansible-vault
cp plain.yml c11.yml && "$cairn" vault encrypt --vault-password-file pwA c11.yml
head -1 c11.yml | grep -qx '\$ANSIBLE_VAULT;1.1;AES256' || fail "cairn's 1.1 header"
cp plain.yml c12.yml && "$cairn" vault encrypt --vault-id prod@pwB c12.yml
head -1 c12.yml | grep -qx '\$ANSIBLE_VAULT;1.2;AES256;prod' || fail "cairn's 1.2 header"
[ "$(ansible-vault view --vault-password-file pwA c11.yml)" = "$(cat plain.yml)" ] ||
	fail "ansible-vault cannot view cairn's 1.1 file"
[ "$(ansible-vault view --vault-id prod@pwB c12.yml)" = "$(cat plain.yml)" ] ||
	fail "ansible-vault cannot view cairn's 1.2 file"
"$cairn" vault rekey --vault-password-file pwA --new-vault-password-file pwB c11.yml
[ "$(ansible-vault view --vault-password-file pwB c11.yml)" = "$(cat plain.yml)" ] ||
	fail "ansible-vault cannot view the file cairn rekeyed"
ansible-vault rekey --vault-password-file pwB --new-vault-password-file pwA c11.yml >/dev/null
[ "$("$cairn" vault view --vault-password-file pwA c11.yml)" = "$(cat plain.yml)" ] ||
	fail "cairn cannot view the file ansible-vault rekeyed"

# Strings, read back by the other tool's playbook run.
"$cairn" vault encrypt_string --vault-password-file pwA 'from cairn' --name from_cairn >vars.yml
echo >>vars.yml
ansible-vault encrypt_string --vault-password-file pwA 'from ansible' --name from_ansible >>vars.yml 2>/dev/null
echo >>vars.yml
cat >pb.yml <<'EOF2'
- hosts: localhost
  gather_facts: false
  vars_files: [vars.yml, c11.yml]
  tasks:
    - copy:
        dest: "{{ playbook_dir }}/out-{{ tool }}.txt"
        content: "{{ from_cairn }}|{{ from_ansible }}|{{ db_password }}\n"
EOF2
ansible-playbook -i localhost, -c local --vault-password-file pwA -e tool=ansible pb.yml >ansible.log 2>&1 ||
	{ cat ansible.log; fail "ansible-playbook could not read the strings"; }
"$cairn" play -i localhost, -c local --vault-password-file pwA -e tool=cairn pb.yml >cairn.log 2>&1 ||
	{ cat cairn.log; fail "cairn could not read the strings"; }
[ "$(cat out-ansible.txt)" = "from cairn|from ansible|s3cret" ] || fail "ansible-playbook read '$(cat out-ansible.txt)'"
cmp -s out-ansible.txt out-cairn.txt || fail "cairn read '$(cat out-cairn.txt)'"
echo "vault interop: ok"
