#!/bin/bash
# become: deploy has passwordless sudo, alice needs her password, and a
# missing password is a clean task failure, not a hang.
. "$(dirname "$0")/lib.sh"

inv=$(inventory hosts.ini <<EOF
[testhosts]
$(host_line 1)
$(host_line 2)
EOF
)

pb=$(playbook whoami.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: who am i
      command: id -u
      register: uid

    - name: show it
      debug:
        var: uid.stdout

    - name: write as the become user
      shell: id -un >/var/tmp/who
EOF
)

# 1. -u deploy -b: root through sudo -n.
run_cairn play -i "$inv" -u deploy -b "$pb"
assert_rc 0
assert_contains "$OUT" '"uid.stdout": "0"'
assert_recap h1 failed=0 unreachable=0
assert_host_eq 1 "root:root root" 'echo $(stat -c %U:%G /var/tmp/who) $(cat /var/tmp/who)'

# 2. Without -b, deploy is deploy.
reset_hosts 1
run_cairn play -i "$inv" -u deploy -l h1 "$pb"
assert_rc 0
assert_contains "$OUT" '"uid.stdout": "1000"'
assert_host_eq 1 "deploy" 'cat /var/tmp/who'

# 3. become_user: from deploy to alice, per task, and to root for the rest.
pb2=$(playbook become-user.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  remote_user: deploy
  become: true
  tasks:
    - name: as alice
      become_user: alice
      copy:
        content: "from deploy\n"
        dest: /home/alice/note
        mode: "0600"

    - name: as alice too
      become_user: alice
      command: id -un
      register: who

    - name: back to root
      copy:
        content: "{{ who.stdout }}\n"
        dest: /root/who
EOF
)
run_cairn play -i "$inv" -l h1 "$pb2"
assert_rc 0
assert_host_eq 1 "alice:alice 600" 'stat -c "%U:%G %a" /home/alice/note'
assert_host_eq 1 "from deploy" 'cat /home/alice/note'
assert_host_eq 1 "alice" 'cat /root/who'
assert_host_eq 1 "root" 'stat -c %U /root/who'

# 4. alice without her password: failed (not unreachable), says why.
reset_hosts 1 2
run_cairn play -i "$inv" -u alice -b "$pb"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_match "$OUT" "[Pp]assword" "the failure message"
assert_not_contains "$OUT" "UNREACHABLE"
assert_recap h1 failed=1 unreachable=0
assert_host 1 'test ! -e /var/tmp/who' "a task ran after the failure"

# 5. ... and with it.
run_cairn play -i "$inv" -u alice -b -e ansible_become_password=alicepw "$pb"
assert_rc 0
assert_contains "$OUT" '"uid.stdout": "0"'
assert_not_contains "$OUT" "alicepw" "the output (a secret leaked)"
assert_host_eq 1 "root" 'cat /var/tmp/who'
assert_host_eq 2 "root" 'cat /var/tmp/who'

# 6. -K asks once; without a terminal the password is read from stdin.
reset_hosts 1
echo "\$ echo alicepw | cairn play -K ..."
OUT=$(cd "$T" && echo alicepw | HOME=$TESTBED_HOME timeout -k 5 60 \
	"$CAIRN" play -i "$inv" -u alice -b -K -l h1 "$pb" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /'
assert_rc 0
assert_contains "$OUT" "BECOME password:"
assert_not_contains "$OUT" "alicepw" "the output (a secret leaked)"
assert_host_eq 1 "root" 'cat /var/tmp/who'

# 7. A wrong password is a clean failure that names the problem.
reset_hosts 1
OUT=$(cd "$T" && echo wrong | HOME=$TESTBED_HOME timeout -k 5 60 \
	"$CAIRN" play -i "$inv" -u alice -b -K -l h1 "$pb" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /'
assert_rc 2
assert_match "$OUT" "[Ii]ncorrect|[Ss]orry|wrong" "the failure message"
assert_not_contains "$OUT" "UNREACHABLE"
