#!/bin/bash
# The sshd hardening story: lineinfile on /etc/ssh/sshd_config validated
# with `sshd -t -f %s`; a bad line is refused and the file left untouched;
# a second run changes nothing; --check changes nothing but predicts; --diff
# shows the edit.  Also replace and blockinfile on the same host.
. "$(dirname "$0")/lib.sh"

sshd_config() { host_digest 1 'cat /etc/ssh/sshd_config'; }

pb=$(playbook harden.yml <<'EOF'
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
)

note "check mode first: everything predicted, nothing written"
before=$(sshd_config)
run_play -l h1 --check --diff "$pb"
assert_rc 0
assert_recap h1 changed=5
assert_eq "$before" "$(sshd_config)" "sshd_config after --check"
assert_match "$OUT" '^[+]PermitRootLogin no' "the --check diff"

run_play -l h1 --diff "$pb"
assert_rc 0
assert_recap h1 changed=5
assert_match "$OUT" '^-#PermitRootLogin prohibit-password' "the diff"
assert_host 1 'grep -qx "PermitRootLogin no" /etc/ssh/sshd_config' "root login off"
assert_host 1 'grep -qx "PasswordAuthentication no" /etc/ssh/sshd_config' "passwords off"
assert_host 1 'grep -A1 "^Include" /etc/ssh/sshd_config | tail -1 | grep -qx "Banner none"' \
	"banner after Include"
assert_host 1 'grep -qx "# BEGIN ANSIBLE MANAGED BLOCK" /etc/ssh/sshd_config' "block present"
assert_host 1 '! grep -qx "X11Forwarding yes" /etc/ssh/sshd_config' "X11 off"
assert_host 1 '/usr/sbin/sshd -t' "sshd accepts the result"

note "second run: nothing to do"
run_play -l h1 "$pb"
assert_rc 0
assert_recap h1 changed=0

note "a line sshd refuses: the validator's message, the file untouched"
bad=$(playbook bad.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - lineinfile:
        path: /etc/ssh/sshd_config
        regexp: '^PermitRootLogin'
        line: PermitRootLogin maybe
        validate: /usr/sbin/sshd -t -f %s
EOF
)
before=$(sshd_config)
run_play -l h1 "$bad"
assert_rc 2
assert_contains "$OUT" "failed to validate"
assert_eq "$before" "$(sshd_config)" "sshd_config after a refused line"
assert_host 1 '! ls -a /etc/ssh | grep -q "^\.cairn\."' "no temp file left"

note "state=absent, backup, create, mode"
more=$(playbook more.yml <<'EOF'
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
)
run_play -l h1 "$more"
assert_rc 0
assert_recap h1 failed=0
assert_host_eq 1 600 'stat -c %a /tmp/new/conf'
assert_host_eq 1 key=1 'cat /tmp/new/conf'

note "CRLF endings and no final newline, byte for byte as Ansible"
host_exec 1 'printf "a=1\r\nb=2" >/tmp/crlf' || fail "cannot write /tmp/crlf"
crlf=$(playbook crlf.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - lineinfile: { path: /tmp/crlf, line: c=3 }
    - lineinfile: { path: /tmp/crlf, regexp: '^a=', line: a=9 }
EOF
)
run_play -l h1 "$crlf"
assert_rc 0
assert_eq " a = 9 \n b = 2 \n c = 3 \n " \
	"$(host_exec 1 'od -An -c /tmp/crlf' | tr -s ' \n' ' ')" "the CRLF file, as od -c"
