#!/bin/bash
# A deploy user's SSH setup: openssh_keypair generates an ed25519 key
# pair with a comment and a passphrase-protected RSA one, fixes a .pub
# file edited by hand and a comment that changed; known_hosts records a
# git server's key (plain and hashed), replaces a changed key and removes
# a host.  The passphrase never appears on a command line: a logging
# ssh-keygen wrapper on the host records every argument vector.  A
# second run and --check change nothing.
. "$(dirname "$0")/lib.sh"

host_exec 1 'cat >/usr/local/bin/ssh-keygen <<"SH"
#!/bin/sh
echo "$*" >>/var/log/ssh-keygen.argv
exec /usr/bin/ssh-keygen "$@"
SH
chmod 755 /usr/local/bin/ssh-keygen; mkdir -p /root/.ssh; chmod 700 /root/.ssh'

ED1="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBhgfzqjVYqeBSnHrIz6bXUbxa0Gk1ibdKzV2zmgvYjT"
ED2="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILQjBq+YsqNVqnr/6BGWEQFGtFcZ3VpYn2KUOhLrOnDB"

pb=$(playbook keys.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - openssh_keypair:
        path: /root/.ssh/id_deploy
        type: ed25519
        comment: deploy@h1
      register: k
    - community.crypto.openssh_keypair:
        path: /root/.ssh/id_secret
        type: rsa
        size: 2048
        passphrase: "s3cret-Pass phrase"
        mode: "0600"
      register: s
    - known_hosts:
        name: git.example.org
        key: "git.example.org $ED1"
      register: kh
    - known_hosts:
        name: "[git.example.org]:2222"
        key: "[git.example.org]:2222 $ED1"
        hash_host: yes
    - assert:
        that:
          - ansible_check_mode or k.fingerprint is match('SHA256:')
          - ansible_check_mode or k.public_key is match('ssh-ed25519 ')
          - k.type == 'ed25519' and k.size == 256
          - k.filename == '/root/.ssh/id_deploy'
          - ansible_check_mode or k.comment == 'deploy@h1'
          - s.size == 2048
YAML
)

note "--check on a fresh host predicts and writes nothing"
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host 1 '! test -e /root/.ssh/id_deploy && ! test -e /root/.ssh/known_hosts'

run_play --diff "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host_eq 1 '600 644' 'stat -c %a /root/.ssh/id_deploy /root/.ssh/id_deploy.pub | xargs'
assert_host 1 'grep -q " deploy@h1$" /root/.ssh/id_deploy.pub'
assert_host 1 'ssh-keygen -y -P "" -f /root/.ssh/id_deploy >/dev/null'
note "the RSA key is encrypted with the passphrase"
assert_host 1 '! /usr/bin/ssh-keygen -y -P "" -f /root/.ssh/id_secret >/dev/null 2>&1'
assert_host 1 '/usr/bin/ssh-keygen -y -P "s3cret-Pass phrase" -f /root/.ssh/id_secret >/dev/null'
assert_host_eq 1 '2048' '/usr/bin/ssh-keygen -l -f /root/.ssh/id_secret | cut -d" " -f1'
assert_host_eq 1 "git.example.org $ED1" 'head -1 /root/.ssh/known_hosts'
assert_host 1 'sed -n 2p /root/.ssh/known_hosts | grep -q "^|1|"'
assert_host 1 '/usr/bin/ssh-keygen -F "[git.example.org]:2222" -f /root/.ssh/known_hosts | grep -q ssh-ed25519'
assert_contains "$OUT" "+git.example.org $ED1"

note "second run and --check: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0
assert_host 1 'test -s /var/log/ssh-keygen.argv'
assert_host 1 '! grep -q s3cret /var/log/ssh-keygen.argv' "the passphrase stays off ssh-keygen's command line"
assert_not_contains "$OUT" "s3cret"

note "a hand-edited .pub and a new comment are put right; the key stays"
fp=$(host_exec 1 '/usr/bin/ssh-keygen -l -f /root/.ssh/id_deploy | cut -d" " -f2')
host_exec 1 'echo "ssh-ed25519 AAAAjunk x" >/root/.ssh/id_deploy.pub'
pb2=$(playbook fix.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - openssh_keypair: path=/root/.ssh/id_deploy type=ed25519 comment=deploy@h1
    - openssh_keypair: path=/root/.ssh/id_deploy type=ed25519 comment=ci@h1
    - known_hosts:
        name: git.example.org
        key: "git.example.org $ED2"
    - known_hosts: name=[git.example.org]:2222 state=absent
YAML
)
run_play --diff "$pb2"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host_eq 1 "$fp" '/usr/bin/ssh-keygen -l -f /root/.ssh/id_deploy | cut -d" " -f2'
assert_host 1 'grep -q " ci@h1$" /root/.ssh/id_deploy.pub'
assert_host_eq 1 "git.example.org $ED2" 'cat /root/.ssh/known_hosts'
assert_contains "$OUT" "-git.example.org $ED1"
run_play "$pb2"
assert_recap h1 changed=2 failed=0	# the comment flips back and forth

note "absent removes the pair; a bad size, a missing key, a wrong choice fail"
pb3=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - openssh_keypair: path=/root/.ssh/id_deploy state=absent
    - openssh_keypair: path=/root/.ssh/id_small size=512
      ignore_errors: yes
      register: small
    - assert: { that: [ "'minimum size is 1024' in small.msg" ] }
    - openssh_keypair: path=/nonexistent/dir/key
      ignore_errors: yes
      register: nodir
    - assert: { that: [ "nodir.msg == 'The directory /nonexistent/dir does not exist or the file is not a directory'" ] }
    - known_hosts: name=git.example.org
      ignore_errors: yes
      register: nokey
    - assert: { that: [ "nokey.msg == 'No key specified when adding a host'" ] }
    - known_hosts: name=other.example key="git.example.org ssh-ed25519 AAAA"
      ignore_errors: yes
      register: mismatch
    - assert: { that: [ "'does not match' in mismatch.msg" ] }
    - openssh_keypair: path=/root/.ssh/x type=dss
YAML
)
run_play "$pb3"
assert_rc 2
assert_recap h1 changed=1 failed=1
assert_host 1 '! test -e /root/.ssh/id_deploy && ! test -e /root/.ssh/id_deploy.pub'
assert_contains "$OUT" "value of type must be one of"
