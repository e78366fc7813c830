#!/bin/bash
# The sshd hardening story: lineinfile on /etc/ssh/sshd_config validated
# with `sshd -t -f %s`; a bad line is refused and the file left untouched;
# a second run changes nothing; --check changes nothing but predicts; --diff
# shows the edit.  Also replace and blockinfile on the same host.
#
# Uses tests/func/lib.sh when present; standalone it needs CAIRN (the
# binary) and brings up its own host with tests/testbed/testbed.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CAIRN=${CAIRN:-$top/cairn}
export CAIRN_TESTBED_DIR=${CAIRN_TESTBED_DIR:-/var/tmp/cairn-func-200}
export CAIRN_TESTBED_FIRST=${CAIRN_TESTBED_FIRST:-200}
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
sum() { onhost 'sha1sum /etc/ssh/sshd_config' | cut -c1-40; }

cat > "$work/harden.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - name: no root login
      lineinfile:
        path: /etc/ssh/sshd_config
        regexp: '^#?PermitRootLogin'
        line: PermitRootLogin no
        validate: /usr/sbin/sshd -t -f %s
    - name: no passwords
      lineinfile:
        dest: /etc/ssh/sshd_config
        regex: '^#?PasswordAuthentication'
        line: PasswordAuthentication no
        validate: /usr/sbin/sshd -t -f %s
    - name: banner after the include
      lineinfile:
        path: /etc/ssh/sshd_config
        insertafter: '^Include'
        line: Banner none
    - name: backup user rules
      blockinfile:
        path: /etc/ssh/sshd_config
        block: |
          Match User backup
            X11Forwarding no
    - name: no X11 forwarding
      replace:
        path: /etc/ssh/sshd_config
        regexp: '^(X11Forwarding) yes$'
        replace: '\1 no'
EOF

# Check mode first: everything predicted, nothing written.
before=$(sum)
out=$(play harden.yml --check --diff 2>&1) || true
check "check mode reports changes" grep -q 'changed=5' <<<"$out"
check "check mode leaves the file" [ "$(sum)" = "$before" ]
check "check mode diff shows the new line" grep -q '^+PermitRootLogin no' <<<"$out"

out=$(play harden.yml --diff 2>&1)
check "first run changes" grep -q 'changed=5' <<<"$out"
check "diff shows the replaced line" grep -q '^-#PermitRootLogin prohibit-password' <<<"$out"
check "root login off" onhost 'grep -qx "PermitRootLogin no" /etc/ssh/sshd_config'
check "passwords off" onhost 'grep -qx "PasswordAuthentication no" /etc/ssh/sshd_config'
check "banner after Include" onhost 'grep -A1 "^Include" /etc/ssh/sshd_config | tail -1 | grep -qx "Banner none"'
check "block present" onhost 'grep -qx "# BEGIN ANSIBLE MANAGED BLOCK" /etc/ssh/sshd_config'
check "X11 off" onhost '! grep -qx "X11Forwarding yes" /etc/ssh/sshd_config'
check "sshd accepts the result" onhost '/usr/sbin/sshd -t'

out=$(play harden.yml 2>&1)
check "second run changes nothing" grep -q 'changed=0' <<<"$out"

# A line sshd refuses: the task fails with the validator's message and the
# file is untouched.
cat > "$work/bad.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - lineinfile:
        path: /etc/ssh/sshd_config
        regexp: '^PermitRootLogin'
        line: PermitRootLogin maybe
        validate: /usr/sbin/sshd -t -f %s
EOF
before=$(sum)
rc=0
out=$(play bad.yml 2>&1) || rc=$?
check "bad line fails the host (rc 2)" [ "$rc" = 2 ]
check "failure says validation failed" grep -q 'failed to validate' <<<"$out"
check "bad line leaves the file untouched" [ "$(sum)" = "$before" ]
check "no temp file left" onhost '! ls -a /etc/ssh | grep -q "^\.cairn\."'

# state=absent, backup, create, mode.
cat > "$work/more.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - lineinfile:
        path: /etc/ssh/sshd_config
        line: Banner none
        state: absent
        backup: true
      register: gone
    - assert:
        that:
          - gone.changed
          - gone.msg == '1 line(s) removed'
          - gone.found == 1
          - gone.backup != ''
    - lineinfile:
        path: /tmp/new/conf
        line: key=1
        create: true
        mode: '0600'
      register: made
    - assert:
        that:
          - made.msg == 'line added and ownership, perms or SE linux context changed'
EOF
out=$(play more.yml 2>&1) || true
check "absent, backup, create, mode" grep -q 'failed=0' <<<"$out"
check "created with mode 0600" onhost '[ "$(stat -c %a /tmp/new/conf)" = 600 ] && [ "$(cat /tmp/new/conf)" = key=1 ]'

# A file with CRLF endings and no final newline, byte for byte as Ansible.
onhost 'printf "a=1\r\nb=2" > /tmp/crlf'
cat > "$work/crlf.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - lineinfile: { path: /tmp/crlf, line: c=3 }
    - lineinfile: { path: /tmp/crlf, regexp: '^a=', line: a=9 }
EOF
play crlf.yml >/dev/null 2>&1 || true
check "crlf file edited as Ansible does" \
	[ "$(onhost 'od -An -c /tmp/crlf' | tr -s ' \n' ' ')" = " a = 9 \n b = 2 \n c = 3 \n " ]

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all passed"
