#!/bin/bash
# The accounts story: groups and users with supplementary groups, a
# password hash, an expiry and SSH keys; a second run changes nothing;
# --check changes nothing but predicts; a key added then removed, an
# exclusive key list; a failing useradd (uid taken) reports rc and stderr
# and changes nothing; a user removed with remove: yes.
#
# Uses tests/func/lib.sh when present; standalone it needs CAIRN (the
# binary) and brings up its own host with tests/testbed/testbed.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CAIRN=${CAIRN:-$top/cairn}
export CAIRN_TESTBED_DIR=${CAIRN_TESTBED_DIR:-/var/tmp/cairn-func-220}
export CAIRN_TESTBED_FIRST=${CAIRN_TESTBED_FIRST:-220}
export CAIRN_TESTBED_QUIET=1
tb=$top/tests/testbed/testbed.sh
work=$(mktemp -d)
started=
fails=0

cleanup() {
	rm -rf "$work"
	[ -z "$started" ] || "$tb" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

st=$("$tb" status 2>/dev/null || true)
if ! grep -q '^h1.*up$' <<<"$st"; then
	"$tb" up 1 >/dev/null
	started=1
else
	"$tb" reset 1 >/dev/null
fi
inv=$CAIRN_TESTBED_DIR/inventory.ini
export HOME=$CAIRN_TESTBED_DIR/home

play() { (cd "$work" && "$CAIRN" play -i "$inv" -l h1 "$@"); }
onhost() { "$tb" exec 1 "$1"; }
# Everything the tasks may touch, to compare before and after.
snapshot() {
	onhost 'cat /etc/passwd /etc/group /etc/shadow /etc/gshadow;
		ls -lnR /home 2>/dev/null; cat /home/*/.ssh/authorized_keys 2>/dev/null; true' |
		sha1sum | cut -c1-40
}

K1='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey1Key1Key1Key1Key1Key1Key1Key1Key1Key1K carol@laptop'
K2='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey2Key2Key2Key2Key2Key2Key2Key2Key2Key2K carol@desk'
K3='ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQKey3 ops@bastion'
# crypt("secret") with SHA-512, a fixed salt.
HASH='$6$cairnsalt$VyuLwe1Fp3s.HgYLNBPQG7fgAAJm3xxExEGvxk07bD8NetrIWuyQdoxky/mLeAMBh1dCttcpzumve7EanalfS.'

cat > "$work/accounts.yml" <<EOF
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
        path: /home/carol/.ssh/authorized_keys
    - authorized_key:
        user: carol
        key: "$K2"
        path: /home/carol/.ssh/authorized_keys
        key_options: 'no-port-forwarding,from="10.0.0.0/8"'
    - user: { name: svc, system: yes, create_home: no, shell: /usr/sbin/nologin }
EOF

# Check mode first: every task predicted, nothing written.
before=$(snapshot)
out=$(play accounts.yml --check --diff 2>&1) || true
check "check mode reports changes" grep -q 'changed=6 .*failed=0' <<<"$out"
check "check mode changes nothing" [ "$(snapshot)" = "$before" ]
check "check mode diff shows the new user" grep -q '"state": "present"' <<<"$out"
check "password never shown" bash -c '! grep -q cairnsalt <<<"$1"' _ "$out"

out=$(play accounts.yml --diff -v 2>&1)
check "first run changes" grep -q 'changed=6 .*failed=0' <<<"$out"
check "password never shown" bash -c '! grep -q cairnsalt <<<"$1"' _ "$out"
check "NOT_LOGGING_PASSWORD returned" grep -q NOT_LOGGING_PASSWORD <<<"$out"
check "groups created" onhost '[ "$(getent group devs | cut -d: -f3)" = 2001 ] && [ "$(getent group ops | cut -d: -f3)" -lt 1000 ]'
check "carol as asked" onhost '[ "$(getent passwd carol)" = "carol:x:2100:2100:Carol Example:/home/carol:/bin/bash" ]'
check "carol in devs and ops" onhost '[ "$(id -nG carol)" = "carol devs ops" ]'
check "password hash set" onhost "[ \"\$(getent shadow carol | cut -d: -f2)\" = '$HASH' ]"
check "expiry set (2030-01-01)" onhost '[ "$(getent shadow carol | cut -d: -f8)" = 21915 ]'
check "home from skel" onhost '[ -f /home/carol/.bashrc ] && [ "$(stat -c %U /home/carol)" = carol ]'
check "ssh key generated" onhost '[ -f /home/carol/.ssh/id_ed25519.pub ] && [ "$(stat -c %U /home/carol/.ssh/id_ed25519)" = carol ]'
check "ssh_public_key returned" grep -q '"ssh_public_key": "ssh-ed25519 ' <<<"$out"
check "keys file 0600 owned by carol" onhost '[ "$(stat -c %a:%U /home/carol/.ssh/authorized_keys)" = 600:carol ] && [ "$(stat -c %a:%U /home/carol/.ssh)" = 700:carol ]'
check "both keys, options on the second" onhost "printf '%s\n' '$K1' 'no-port-forwarding,from=\"10.0.0.0/8\" $K2' | cmp -s - /home/carol/.ssh/authorized_keys"
check "system user without home" onhost '[ "$(getent passwd svc | cut -d: -f3)" -lt 1000 ] && [ ! -e /home/svc ]'

out=$(play accounts.yml 2>&1)
check "second run changes nothing" grep -q 'changed=0 .*failed=0' <<<"$out"
out=$(play accounts.yml --check 2>&1)
check "check mode after it predicts nothing" grep -q 'changed=0 .*failed=0' <<<"$out"

# Changes to an existing user: shell, groups appended, lock, expiry gone.
cat > "$work/modify.yml" <<'EOF'
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
onhost 'groupadd web'
before=$(snapshot)
out=$(play modify.yml --check 2>&1) || true
check "modify predicted" grep -q 'changed=1 .*failed=0' <<<"$out"
check "modify in check mode changes nothing" [ "$(snapshot)" = "$before" ]
out=$(play modify.yml 2>&1) || true
check "modify runs" grep -q 'changed=1 .*failed=0' <<<"$out"
check "shell changed" onhost '[ "$(getent passwd carol | cut -d: -f7)" = /bin/sh ]'
check "groups appended" onhost '[ "$(id -nG carol)" = "carol devs ops web" ]'
check "password locked" onhost "[ \"\$(getent shadow carol | cut -d: -f2)\" = '!$HASH' ]"
check "expiry removed" onhost '[ -z "$(getent shadow carol | cut -d: -f8)" ]'
out=$(play modify.yml 2>&1) || true
check "modify again changes nothing" grep -q 'changed=0 .*failed=0' <<<"$out"

# A key removed, then an exclusive list.
cat > "$work/keys.yml" <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - authorized_key: { user: carol, key: "$K1", state: absent }
EOF
play keys.yml >/dev/null 2>&1 || true
check "key removed, the other kept" onhost "! grep -q Key1 /home/carol/.ssh/authorized_keys && grep -q Key2 /home/carol/.ssh/authorized_keys"
out=$(play keys.yml 2>&1) || true
check "removing again changes nothing" grep -q 'changed=0 .*failed=0' <<<"$out"
cat > "$work/exclusive.yml" <<EOF
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
play exclusive.yml >/dev/null 2>&1 || true
check "exclusive leaves only the given keys, in order" onhost "printf '%s\n' '$K3' '$K1' | cmp -s - /home/carol/.ssh/authorized_keys"
out=$(play exclusive.yml 2>&1) || true
check "exclusive again changes nothing" grep -q 'changed=0 .*failed=0' <<<"$out"

# A uid already taken: useradd fails, the host is left as it was.
cat > "$work/taken.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - user: { name: dave, uid: 2100, home: /srv/people/dave }
EOF
before=$(snapshot)
rc=0
out=$(play taken.yml 2>&1) || rc=$?
check "taken uid fails the host (rc 2)" [ "$rc" = 2 ]
check "failure carries useradd's message" grep -q "UID 2100 is not unique" <<<"$out"
check "failure carries rc" grep -q '"rc": 4' <<<"$out"
check "failure carries the command" grep -q "'useradd' '-u' '2100'" <<<"$out"
check "nothing changed on failure" [ "$(snapshot)" = "$before" ]
check "no home parent left behind" onhost '[ ! -e /srv/people ]'

# Removal with remove: yes takes the home; groups go with state absent.
cat > "$work/remove.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - user: { name: carol, state: absent, remove: yes }
      register: gone
    - assert: { that: [ not gone.changed or gone.remove, gone.state == 'absent' ] }
    - group: { name: web, state: absent }
EOF
out=$(play remove.yml --check 2>&1) || true
check "removal predicted" grep -q 'changed=2 .*failed=0' <<<"$out"
check "check mode kept carol" onhost 'getent passwd carol >/dev/null'
out=$(play remove.yml 2>&1) || true
check "removal runs" grep -q 'changed=2 .*failed=0' <<<"$out"
check "carol gone with her home" onhost '! getent passwd carol >/dev/null && [ ! -e /home/carol ]'
check "group gone" onhost '! getent group web >/dev/null'
out=$(play remove.yml 2>&1) || true
check "removing again changes nothing" grep -q 'changed=0 .*failed=0' <<<"$out"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all passed"
