#!/bin/bash
# The accounts story: groups and users with supplementary groups, a
# password hash, an expiry and SSH keys; a second run changes nothing;
# --check changes nothing but predicts; a key added then removed, an
# exclusive key list; a failing useradd (uid taken) reports rc and stderr
# and changes nothing; a user removed with remove: yes.
. "$(dirname "$0")/lib.sh"

# Everything the tasks may touch, to compare before and after.
accounts() {
	host_digest 1 'cat /etc/passwd /etc/group /etc/shadow /etc/gshadow;
		ls -lnR /home 2>/dev/null; cat /home/*/.ssh/authorized_keys 2>/dev/null; true'
}

K1='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey1Key1Key1Key1Key1Key1Key1Key1Key1Key1K carol@laptop'
K2='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey2Key2Key2Key2Key2Key2Key2Key2Key2Key2K carol@desk'
K3='ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQKey3 ops@bastion'
# crypt("secret") with SHA-512, a fixed salt.
HASH='$6$cairnsalt$VyuLwe1Fp3s.HgYLNBPQG7fgAAJm3xxExEGvxk07bD8NetrIWuyQdoxky/mLeAMBh1dCttcpzumve7EanalfS.'
KEYS=/home/carol/.ssh/authorized_keys

pb=$(playbook accounts.yml <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - group: { name: devs, gid: 2001 }
    - group: { name: ops, system: yes }
    - user:
        name: carol
        uid: 2100
        groups: [devs, ops]
        shell: /bin/bash
        comment: Carol Example
        password: '$HASH'
        expires: 1893456000
        generate_ssh_key: yes
        ssh_key_type: ed25519
      register: carol
    - authorized_key:
        user: carol
        key: "$K1"
        path: $KEYS
    - authorized_key:
        user: carol
        key: "$K2"
        path: $KEYS
        key_options: 'no-port-forwarding,from="10.0.0.0/8"'
    - user: { name: svc, system: yes, create_home: no, shell: /usr/sbin/nologin }
EOF
)

# The account tools on h1 log the words they are run with: the hash must
# never be one of them (any user could read it in ps).
host_exec 1 'for t in useradd usermod chpasswd; do
	printf "#!/bin/sh\necho \"$t \$*\" >>/var/log/account-tools\nexec /usr/sbin/$t \"\$@\"\n" \
		>/usr/local/sbin/$t && chmod +x /usr/local/sbin/$t; done'

note "check mode first: every task predicted, nothing written"
before=$(accounts)
run_play -l h1 --check --diff "$pb"
assert_rc 0
assert_recap h1 changed=6 failed=0
assert_eq "$before" "$(accounts)" "accounts after --check"
assert_contains "$OUT" '"state": "present"' "the --check diff"
assert_not_contains "$OUT" cairnsalt "the output (a password hash leaked)"

run_play -l h1 --diff -v "$pb"
assert_rc 0
assert_recap h1 changed=6 failed=0
assert_not_contains "$OUT" cairnsalt "the output (a password hash leaked)"
assert_contains "$OUT" NOT_LOGGING_PASSWORD
assert_host_eq 1 2001 'getent group devs | cut -d: -f3'
assert_host 1 '[ "$(getent group ops | cut -d: -f3)" -lt 1000 ]' "ops is a system group"
assert_host_eq 1 "carol:x:2100:2100:Carol Example:/home/carol:/bin/bash" 'getent passwd carol'
assert_host_eq 1 "carol devs ops" 'id -nG carol'
assert_host_eq 1 "$HASH" 'getent shadow carol | cut -d: -f2'
assert_host 1 'grep -q "^useradd .*carol" /var/log/account-tools' "useradd was not logged"
assert_host 1 '! grep -q cairnsalt /var/log/account-tools' "the hash was on a command line"
# 2030-01-01
assert_host_eq 1 21915 'getent shadow carol | cut -d: -f8'
assert_host 1 '[ -f /home/carol/.bashrc ]' "home from skel"
assert_host_eq 1 carol 'stat -c %U /home/carol'
assert_host 1 '[ -f /home/carol/.ssh/id_ed25519.pub ]' "ssh key generated"
assert_host_eq 1 carol 'stat -c %U /home/carol/.ssh/id_ed25519'
assert_contains "$OUT" '"ssh_public_key": "ssh-ed25519 '
assert_host_eq 1 600:carol "stat -c %a:%U $KEYS"
assert_host_eq 1 700:carol 'stat -c %a:%U /home/carol/.ssh'
assert_host 1 "printf '%s\n' '$K1' 'no-port-forwarding,from=\"10.0.0.0/8\" $K2' | cmp -s - $KEYS" \
	"both keys, options on the second"
assert_host 1 '[ "$(getent passwd svc | cut -d: -f3)" -lt 1000 ]' "svc is a system user"
assert_host 1 '[ ! -e /home/svc ]' "svc without home"

note "second run and --check: nothing to do"
run_play -l h1 "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play -l h1 --check "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "changes to an existing user: shell, groups appended, lock, expiry gone"
modify=$(playbook modify.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - user:
        name: carol
        shell: /bin/sh
        groups: web
        append: yes
        password_lock: yes
        expires: -1
      register: m
    - assert:
        that:
          - m.append
          - m.groups == 'web'
EOF
)
host_exec 1 'groupadd web' || fail "cannot add group web"
before=$(accounts)
run_play -l h1 --check "$modify"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_eq "$before" "$(accounts)" "accounts after --check"
run_play -l h1 "$modify"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_host_eq 1 /bin/sh 'getent passwd carol | cut -d: -f7'
assert_host_eq 1 "carol devs ops web" 'id -nG carol'
assert_host_eq 1 "!$HASH" 'getent shadow carol | cut -d: -f2'
assert_host_eq 1 "" 'getent shadow carol | cut -d: -f8'
run_play -l h1 "$modify"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "a key removed, then an exclusive list"
keys=$(playbook keys.yml <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - authorized_key: { user: carol, key: "$K1", state: absent }
EOF
)
run_play -l h1 "$keys"
assert_rc 0
assert_host 1 "! grep -q Key1 $KEYS && grep -q Key2 $KEYS" "key removed, the other kept"
run_play -l h1 "$keys"
assert_rc 0
assert_recap h1 changed=0 failed=0
exclusive=$(playbook exclusive.yml <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - authorized_key:
        user: carol
        exclusive: yes
        key: |
          $K3
          $K1
EOF
)
run_play -l h1 "$exclusive"
assert_rc 0
assert_host 1 "printf '%s\n' '$K3' '$K1' | cmp -s - $KEYS" \
	"exclusive leaves only the given keys, in order"
run_play -l h1 "$exclusive"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "a uid already taken: useradd fails, the host is left as it was"
taken=$(playbook taken.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - user: { name: dave, uid: 2100, home: /srv/people/dave }
EOF
)
before=$(accounts)
run_play -l h1 "$taken"
assert_rc 2
assert_contains "$OUT" "UID 2100 is not unique"
assert_contains "$OUT" '"rc": 4'
assert_contains "$OUT" "'useradd' '-u' '2100'"
assert_eq "$before" "$(accounts)" "accounts after a failed useradd"
assert_host 1 '[ ! -e /srv/people ]' "no home parent left behind"

note "remove: yes takes the home; groups go with state absent"
remove=$(playbook remove.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - user: { name: carol, state: absent, remove: yes }
      register: gone
    - assert: { that: [ not gone.changed or gone.remove, gone.state == 'absent' ] }
    - group: { name: web, state: absent }
EOF
)
run_play -l h1 --check "$remove"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host 1 'getent passwd carol >/dev/null' "check mode kept carol"
run_play -l h1 "$remove"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host 1 '! getent passwd carol >/dev/null && [ ! -e /home/carol ]' "carol gone with her home"
assert_host 1 '! getent group web >/dev/null' "group gone"
run_play -l h1 "$remove"
assert_rc 0
assert_recap h1 changed=0 failed=0
