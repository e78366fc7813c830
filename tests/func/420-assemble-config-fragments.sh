#!/bin/bash
# The config-from-fragments story: assemble joins /etc/app/conf.d/* (sorted,
# filtered by regexp, hidden files left out) into one file, validated and
# backed up; a controller directory works with remote_src: false; a second
# run changes nothing and --check skips; tempfile makes scratch files and
# directories.
. "$(dirname "$0")/lib.sh"

host_exec 1 'mkdir -p /etc/app/conf.d && cd /etc/app/conf.d &&
	printf "b=2\n" >20-b.conf && printf "a=1" >10-a.conf && printf "x\n" >.30-hidden.conf &&
	printf "skip\n" >README && printf "old\n" >/etc/app/app.conf'
mkdir -p "$T/files/frags" && printf 'one\n' >"$T/files/frags/1" && printf 'two\n' >"$T/files/frags/2"

pb=$(playbook assemble.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - assemble:
        src: /etc/app/conf.d
        dest: /etc/app/app.conf
        regexp: '\.conf$'
        ignore_hidden: true
        delimiter: '# --'
        backup: true
        validate: grep -q a=1 %s
        mode: "0600"
      register: a
    - assemble: { src: frags, dest: /etc/app/local.conf, remote_src: false }
    - assert:
        that:
          - a.msg == 'OK'
          - a.checksum | length == 40
          - a.md5sum | length == 32
          - a is not changed or a.backup_file is defined
      when: not ansible_check_mode
EOF
)

run_play --diff "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host_eq 1 "$(printf 'a=1\n# --\nb=2')" 'cat /etc/app/app.conf'
assert_host_eq 1 600 'stat -c %a /etc/app/app.conf'
assert_host_eq 1 "$(printf 'one\ntwo')" 'cat /etc/app/local.conf'
assert_host_eq 1 1 'ls /etc/app | grep -c "^app.conf\..*~$"'
assert_match "$OUT" '^[+]# --' "the diff"

note "second run: nothing to do; --check skips"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
host_exec 1 'printf "c=3\n" >/etc/app/conf.d/30-c.conf'
before=$(host_digest 1 'cat /etc/app/app.conf')
run_play --check "$pb"
assert_rc 0
assert_recap h1 skipped=3
assert_eq "$before" "$(host_digest 1 'cat /etc/app/app.conf')" "app.conf after --check"

note "a fragment the validator refuses: the file is left alone"
host_exec 1 'printf "a=2" >/etc/app/conf.d/10-a.conf'
run_play "$pb"
assert_rc 2
assert_contains "$OUT" "failed to validate"
assert_eq "$before" "$(host_digest 1 'cat /etc/app/app.conf')" "app.conf after a refused fragment"

note "tempfile: a file and a directory, 0600 and 0700"
tmp=$(playbook tmp.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - tempfile: { suffix: .txt }
      register: f
    - tempfile: { state: directory, prefix: build., path: /var/tmp }
      register: d
    - copy: { content: "{{ f.path }} {{ d.path }}\n", dest: /root/tmp-paths }
    - assert:
        that:
          - f is changed
          - f.path is match('^/tmp/ansible\..{8}\.txt$')
          - d.path is match('^/var/tmp/build\..{8}$')
EOF
)
run_play "$tmp"
assert_rc 0
assert_recap h1 failed=0 changed=3
assert_host 1 'set -- $(cat /root/tmp-paths); [ -f "$1" ] && [ "$(stat -c %a "$1")" = 600 ] && [ -d "$2" ] && [ "$(stat -c %a "$2")" = 700 ]' \
	"temp file and directory"

note "bad input: missing dest, missing source, a bad state"
bad=$(playbook bad.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - assemble: { src: /nonexistent, dest: /tmp/x }
      ignore_errors: true
    - assemble: { src: /etc/app/app.conf, dest: /tmp/x }
      ignore_errors: true
    - tempfile: { path: /nonexistent }
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "Source (/nonexistent) does not exist"
assert_contains "$OUT" "Source (/etc/app/app.conf) is not a directory"
assert_contains "$OUT" "mktemp"
assert_recap h1 failed=1 ignored=2
bad=$(playbook bad2.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - assemble: { src: /etc/app/conf.d }
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "missing required arguments: dest"
bad=$(playbook bad3.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - tempfile: { state: socket }
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "value of state must be one of"
