#!/bin/bash
# sudo that prints a warning before its prompt ("unable to resolve host",
# common on fresh hosts) takes the right password every time (100 runs in
# a row), and says which refusal it is: a wrong password, a user sudo does
# not know.
. "$(dirname "$0")/lib.sh"

# The host's name no longer resolves: sudo warns on every call.
host_exec 1 'printf "127.0.0.1\tlocalhost\n" >/etc/hosts'
warn=$(host_exec 1 'su alice -c "echo alicepw | sudo -S -p PROMPT: true" 2>&1')
assert_contains "$warn" "unable to resolve host" "sudo's warning"

inv=$(inventory hosts.ini <<EOF
$(host_line 1 ansible_user=alice)
EOF
)
pb=$(playbook root.yml <<'EOF'
- hosts: all
  gather_facts: false
  become: true
  tasks:
    - command: id -u
      register: id
    - assert: { that: "id.stdout == '0'" }
EOF
)

ok=0
for k in $(seq 1 100); do
	out=$(cd "$T" && HOME=$TESTBED_HOME timeout -k 5 60 "$CAIRN" play -i "$inv" \
		-e ansible_become_password=alicepw "$pb" </dev/null 2>&1)
	if [ $? = 0 ]; then
		ok=$((ok + 1))
	else
		printf '%s\n' "$out" | sed 's/^/  | /'
		fail "run $k of 100 failed behind a noisy sudo ($ok succeeded)"
	fi
done
note "$ok of 100 runs became root"

run_cairn play -i "$inv" -e ansible_become_password=wrongpw "$pb"
assert_rc 2
assert_contains "$OUT" "incorrect sudo password"
assert_not_contains "$OUT" "wrongpw" "the output (the password leaked)"

# bob has a password but no sudo rule at all.
inv2=$(inventory bob.ini <<EOF
h1 ansible_host=$TESTBED_IP_1 ansible_user=bob ansible_password=bobpw
EOF
)
run_cairn play -i "$inv2" -e ansible_become_password=bobpw "$pb"
assert_rc 2
assert_contains "$OUT" "not in the sudoers file"
assert_not_contains "$OUT" "incorrect sudo password"
