#!/bin/bash
# The SSH options an inventory passes to Ansible work under cairn: with
# StrictHostKeyChecking=no and UserKnownHostsFile=/dev/null a host with no
# known_hosts entry connects; -o Port= and -o User= take effect (below an
# explicit ansible_port/ansible_user, as ssh takes the first value and
# Ansible passes its own first); an unknown option warns once.
. "$(dirname "$0")/lib.sh"

home=$T/home
mkdir -p "$home/.ssh"
chmod 0700 "$home" "$home/.ssh"
: >"$home/.ssh/known_hosts"
# on h1's own address only: another suite's h1 may run one too
host_exec 1 "/usr/sbin/sshd -o ListenAddress=$TESTBED_IP_1:2222 -o PidFile=/run/sshd-2222.pid"
for _ in $(seq 1 50); do
	timeout 1 bash -c "exec 3<>/dev/tcp/$TESTBED_IP_1/2222" 2>/dev/null && break
	sleep 0.1
done

pb=$(playbook who.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - command: id -un
      register: who
    - copy:
        content: "{{ who.stdout }}\n"
        dest: /tmp/who-{{ inventory_hostname }}
EOF
)

# no known_hosts entry: refused without the options...
inv=$(inventory plain.ini <<EOF
$(host_line 1 ansible_user=root)
EOF
)
CAIRN_HOME=$home run_cairn play -i "$inv" "$pb"
assert_ne 0 "$RC" "a host with no known_hosts entry"

# ...connects with them, and learns nothing
inv=$(inventory common.ini <<EOF
[web]
$(host_line 1 ansible_user=root)
$(host_line 2 ansible_user=root)
[web:vars]
ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ControlMaster=auto -o ControlPersist=60s -o ForwardAgent=yes'
EOF
)
CAIRN_HOME=$home run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_recap h1 failed=0 unreachable=0
assert_recap h2 failed=0 unreachable=0
assert_eq "" "$(cat "$home/.ssh/known_hosts")" "known_hosts"
# the unknown option warns once, not once per host
n=$(printf '%s\n' "$OUT" | grep -c "ForwardAgent")
assert_eq 1 "$n" "warnings about ForwardAgent"
assert_not_contains "$OUT" "ControlMaster"

# -o Port= and -o User= take effect (sshd on 2222 and user deploy)
host_exec 1 'rm -f /tmp/who-h1'
inv=$(inventory port.ini <<EOF
h1 ansible_host=$TESTBED_IP_1 ansible_ssh_private_key_file=$TESTBED_KEY ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o Port=2222 -o User=deploy'
EOF
)
CAIRN_HOME=$home run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_host_eq 1 deploy 'cat /tmp/who-h1'

# stop the second sshd: the Port must really have been 2222
host_exec 1 'kill "$(cat /run/sshd-2222.pid)"'
CAIRN_HOME=$home run_cairn play -i "$inv" "$pb"
assert_ne 0 "$RC" "a connection to the stopped port 2222"

# ansible_port and ansible_user win over -o Port and -o User, as in Ansible
inv=$(inventory explicit.ini <<EOF
h1 ansible_host=$TESTBED_IP_1 ansible_port=22 ansible_user=root ansible_ssh_private_key_file=$TESTBED_KEY ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o Port=2222 -o User=deploy'
EOF
)
CAIRN_HOME=$home run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_host_eq 1 root 'cat /tmp/who-h1'

# the command line's --ssh-extra-args, and -c paramiko said once
inv=$(inventory cli.ini <<EOF
$(host_line 1 ansible_user=root)
$(host_line 2 ansible_user=root)
EOF
)
CAIRN_HOME=$home run_cairn play -i "$inv" -c paramiko \
	--ssh-extra-args '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' \
	--scp-extra-args '-l 100' --sftp-extra-args '-B 1024' "$pb"
assert_rc 0
n=$(printf '%s\n' "$OUT" | grep -c "libssh")
assert_eq 1 "$n" "the paramiko note"

# arguments that cannot be read fail the host's task, as a bad port does
inv=$(inventory bad.ini <<EOF
$(host_line 1 ansible_user=root) ansible_ssh_common_args='-o Port=http'
EOF
)
CAIRN_HOME=$home run_cairn play -i "$inv" "$pb"
assert_ne 0 "$RC" "bad ssh arguments"
assert_contains "$OUT" "Port"
