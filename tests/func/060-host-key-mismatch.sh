#!/bin/bash
# A host whose key does not match known_hosts is refused (man in the middle
# or a reinstalled host); turning host key checking off lets it through.
. "$(dirname "$0")/lib.sh"

home=$T/home
mkdir -p "$home/.ssh"
chmod 0700 "$home" "$home/.ssh"
cp "$TESTBED_HOME/.ssh/config" "$home/.ssh/config"
ssh-keygen -q -t ed25519 -N '' -f "$T/impostor"
# h2's entry now carries another key, h1's and h3's are intact.
awk -v ip="$TESTBED_IP_2" -v key="$(cut -d' ' -f1,2 "$T/impostor.pub")" \
	'$1 == ip { print ip " " key; next } { print }' \
	"$TESTBED_KNOWN_HOSTS" >"$home/.ssh/known_hosts"
note "known_hosts:"; cat "$home/.ssh/known_hosts"

pb=$(playbook site.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: leave a mark
      copy:
        content: "{{ inventory_hostname }}\n"
        dest: /srv/mark
EOF
)

CAIRN_HOME=$home run_play "$pb"
assert_rc 4
assert_contains "$OUT" "fatal: [h2]: UNREACHABLE!"
assert_match "$OUT" "[Hh]ost key" "the UNREACHABLE message"
assert_recap h2 unreachable=1
assert_recap h1 changed=1 unreachable=0
assert_recap h3 changed=1 unreachable=0
assert_host 2 'test ! -e /srv/mark' "a host with the wrong key was contacted"
assert_host_eq 1 h1 'cat /srv/mark'
# A refused key is not "learned" into known_hosts.
assert_contains "$(cat "$home/.ssh/known_hosts")" "$(cut -d' ' -f2 "$T/impostor.pub")" "known_hosts"

ANSIBLE_HOST_KEY_CHECKING=False CAIRN_HOME=$home run_play "$pb"
assert_rc 0
assert_recap h2 changed=1 unreachable=0 failed=0
assert_host_eq 2 h2 'cat /srv/mark'
