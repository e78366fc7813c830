#!/bin/bash
# Secrets kept with Ansible Vault: an encrypted group_vars file, an inline
# !vault value in host_vars, an encrypted -e @file, two vault ids and a
# password script; a wrong or missing password fails the task that needs
# the secret (and only a run that reads it); no_log keeps the secret out of
# the output and --json; cairn vault edits without leaving the text behind.
. "$(dirname "$0")/lib.sh"

printf 'first\n' >"$T/pw-dev"
printf 'second\n' >"$T/pw-prod"
printf '#!/bin/sh\necho second\n' >"$T/pw-script"
chmod +x "$T/pw-script"

mkdir -p "$T/inv/group_vars" "$T/inv/host_vars"
cp "$TESTBED_INVENTORY" "$T/inv/hosts.ini"
printf 'app_password: gv-s3cret\n' >"$T/inv/group_vars/all.yml"
assert_exit 0 "$CAIRN" vault encrypt --vault-id prod@"$T/pw-prod" "$T/inv/group_vars/all.yml"
assert_match "$(head -1 "$T/inv/group_vars/all.yml")" '^\$ANSIBLE_VAULT;1\.2;AES256;prod$' "the header"
assert_not_contains "$(cat "$T/inv/group_vars/all.yml")" "gv-s3cret" "the encrypted file"
"$CAIRN" vault encrypt_string --vault-id dev@"$T/pw-dev" 'hv-s3cret' --name db_password \
	>"$T/inv/host_vars/h1.yml" || fail "encrypt_string"
printf 'extra_secret: ev-s3cret\n' >"$T/extra.yml"
assert_exit 0 "$CAIRN" vault encrypt --vault-id dev@"$T/pw-dev" "$T/extra.yml"

pb=$(playbook vault.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - name: secrets into a file on the host
      copy:
        dest: /srv/secrets.txt
        content: "{{ app_password }} {{ db_password }} {{ extra_secret }}\n"
        mode: "0600"
      no_log: true
    - name: a task that does not read them
      command: "true"
EOF
)

# Both ids, one as a script: every secret opens.
run_cairn play -i "$T/inv/hosts.ini" --vault-id dev@"$T/pw-dev" \
	--vault-id prod@"$T/pw-script" -e @"$T/extra.yml" "$pb"
assert_rc 0
assert_host_eq 1 "gv-s3cret hv-s3cret ev-s3cret" 'cat /srv/secrets.txt'
assert_not_contains "$OUT" "s3cret" "the output of a no_log task"

run_cairn play -i "$T/inv/hosts.ini" --vault-id dev@"$T/pw-dev" \
	--vault-password-file "$T/pw-prod" -e @"$T/extra.yml" --json "$pb"
assert_rc 0
assert_not_contains "$OUT" "s3cret" "the --json of a no_log task"

# No password: a syntax check needs none; a run that reads the inline
# secret fails that task (no_log still hides why), the others go on.
host_exec 1 'rm -f /srv/secrets.txt'
run_cairn play -i "$T/inv/hosts.ini" --syntax-check "$pb"
assert_rc 0
printf 'unused: 1\n' >"$T/inv/group_vars/all.yml"
run_cairn play -i "$T/inv/hosts.ini" -e extra_secret=x -e app_password=y "$pb"
assert_rc 2
assert_contains "$OUT" "the output has been hidden"
assert_host 1 'test ! -e /srv/secrets.txt' "a file written without the secret"
pb2=$(playbook reads.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - debug: msg="{{ db_password }}"
      ignore_errors: true
    - command: "true"
EOF
)
run_cairn play -i "$T/inv/hosts.ini" "$pb2"
assert_rc 0
assert_contains "$OUT" "Attempting to decrypt but no vault secrets found"
assert_recap h1 ok=2 failed=0 ignored=1

# A wrong password for the inline value: the task fails, with why.
run_cairn play -i "$T/inv/hosts.ini" --vault-password-file "$T/pw-prod" "$pb2"
assert_rc 0
assert_contains "$OUT" "Decryption failed"
# An encrypted -e file with the wrong password stops before any host.
run_cairn play -i "$T/inv/hosts.ini" --vault-password-file "$T/pw-prod" -e @"$T/extra.yml" "$pb"
assert_ne 0 "$RC" "exit status"
assert_contains "$OUT" "Decryption failed"
run_cairn play -i "$T/inv/hosts.ini" --vault-password-file "$T/nope" "$pb"
assert_rc 1
assert_contains "$OUT" "The vault password file $T/nope was not found"

# cairn vault: view, decrypt to stdout, rekey, edit with a scripted editor.
assert_exit 0 "$CAIRN" vault view --vault-password-file "$T/pw-dev" "$T/extra.yml"
assert_eq "extra_secret: ev-s3cret" "$OUT" "view"
assert_exit 0 "$CAIRN" vault rekey --vault-password-file "$T/pw-dev" \
	--new-vault-password-file "$T/pw-prod" "$T/extra.yml"
assert_exit 1 "$CAIRN" vault view --vault-password-file "$T/pw-dev" "$T/extra.yml"
assert_contains "$OUT" "Decryption failed"
cat >"$T/editor" <<'EOF'
#!/bin/sh
# Leaves a trace of where it was asked to edit, then edits.
echo "$1" >"$(dirname "$0")/edited-at"
sed -i 's/ev-s3cret/edited/' "$1"
EOF
chmod +x "$T/editor"
EDITOR=$T/editor assert_exit 0 "$CAIRN" vault edit --vault-password-file "$T/pw-prod" "$T/extra.yml"
assert_exit 0 "$CAIRN" vault view --vault-password-file "$T/pw-prod" "$T/extra.yml"
assert_eq "extra_secret: edited" "$OUT" "after edit"
[ ! -e "$(cat "$T/edited-at")" ] || fail "the editor's plaintext file was left behind"
[ ! -e "$(dirname "$(cat "$T/edited-at")")" ] || fail "the editor's private directory was left behind"
assert_exit 1 "$CAIRN" vault encrypt --vault-password-file "$T/pw-prod" "$T/extra.yml"
assert_contains "$OUT" "input is already encrypted"

# copy decrypts a vault-encrypted src on the way (decrypt: false keeps it).
mkdir -p "$T/files"
printf 'tls key\n' >"$T/files/key.pem"
assert_exit 0 "$CAIRN" vault encrypt --vault-password-file "$T/pw-dev" "$T/files/key.pem"
pb3=$(playbook copykey.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - copy: { src: key.pem, dest: /srv/key.pem, mode: "0600" }
    - copy: { src: key.pem, dest: /srv/key.vault, decrypt: false }
EOF
)
run_cairn play -i "$T/inv/hosts.ini" --vault-password-file "$T/pw-dev" "$pb3"
assert_rc 0
assert_host_eq 1 "tls key" 'cat /srv/key.pem'
assert_host 1 'head -1 /srv/key.vault | grep -q "^\$ANSIBLE_VAULT;1.1;AES256$"' "decrypt: false kept the envelope"
