#!/bin/bash
# ~/.ssh/config is honoured: a Host alias names the real address, the
# user, the port and the key, so the inventory holds only the alias, as
# with ansible-playbook on a workstation that already reaches its servers.
. "$(dirname "$0")/lib.sh"

home=$T/home
mkdir -p "$home/.ssh"
chmod 0700 "$home" "$home/.ssh"
cp "$TESTBED_KNOWN_HOSTS" "$home/.ssh/known_hosts"
cp "$TESTBED_KEY" "$home/.ssh/deploy_key"
chmod 0600 "$home/.ssh/deploy_key"
# (absolute key paths: libssh expands ~ from the passwd entry, not $HOME)
cat >"$home/.ssh/config" <<EOF
Host web-one
    HostName $TESTBED_IP_1
    User deploy
    Port 22
    IdentityFile $home/.ssh/deploy_key

Host web-two
    HostName $TESTBED_IP_2
    User root
    IdentityFile $home/.ssh/deploy_key
EOF
note "ssh config:"; cat "$home/.ssh/config"

inv=$(inventory hosts.ini <<'EOF'
[web]
web-one
web-two
EOF
)
pb=$(playbook whoami.yml <<'EOF'
- hosts: web
  gather_facts: false
  tasks:
    - command: id -un
      register: who
    - copy:
        content: "{{ who.stdout }}\n"
        dest: /tmp/whoami-{{ inventory_hostname }}
EOF
)

CAIRN_HOME=$home run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_recap web-one failed=0 unreachable=0
assert_recap web-two failed=0 unreachable=0
assert_host_eq 1 "deploy" 'cat /tmp/whoami-web-one'
assert_host_eq 2 "root" 'cat /tmp/whoami-web-two'

# The inventory's ansible_user wins over the config's User.
inv=$(inventory hosts2.ini <<'EOF'
[web]
web-one ansible_user=root
EOF
)
CAIRN_HOME=$home run_cairn play -i "$inv" -l web-one "$pb"
assert_rc 0
assert_host_eq 1 "root" 'cat /tmp/whoami-web-one'
