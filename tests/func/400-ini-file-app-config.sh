#!/bin/bash
# The app config story: ini_file sets options in an INI file (a commented
# default is replaced in place, a new section is added), --check predicts
# without writing, --diff shows the edit, a second run changes nothing;
# state=absent removes an option and a section; bad input fails the task.
. "$(dirname "$0")/lib.sh"

host_exec 1 'mkdir -p /etc/app && printf "[server]\n# port = 8080\nhost = 0.0.0.0\n\n[log]\nlevel = info\n" >/etc/app/app.ini'
digest() { host_digest 1 'cat /etc/app/app.ini; stat -c %a /etc/app/app.ini'; }

pb=$(playbook ini.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - name: port
      community.general.ini_file:
        path: /etc/app/app.ini
        section: server
        option: port
        value: "9090"
        mode: "0640"
      register: port
    - name: a new section
      ini_file:
        dest: /etc/app/app.ini
        section: cache
        option: size
        value: 64m
        no_extra_spaces: true
    - name: log level
      ini_file:
        path: /etc/app/app.ini
        section: log
        option: level
        value: debug
        backup: true
      register: lvl
    - assert:
        that:
          - (port.changed and port.msg == 'option changed') or (not port.changed and port.msg == 'OK')
          - port.path == '/etc/app/app.ini'
EOF
)

note "check mode: predicted, nothing written"
before=$(digest)
run_play --check --diff "$pb"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_eq "$before" "$(digest)" "app.ini after --check"
assert_match "$OUT" '^[+]port = 9090' "the --check diff"

run_play --diff "$pb"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_match "$OUT" '^-# port = 8080' "the diff"
assert_host_eq 1 "$(printf '[server]\nport = 9090\nhost = 0.0.0.0\n\n[log]\nlevel = debug\n[cache]\nsize=64m')" \
	'cat /etc/app/app.ini'
assert_host_eq 1 640 'stat -c %a /etc/app/app.ini'
assert_host_eq 1 1 'ls /etc/app | grep -c "^app.ini\..*~$"'

note "second run: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "state=absent: an option, then a whole section; new files are created"
rm_pb=$(playbook rm.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - ini_file: { path: /etc/app/app.ini, section: server, option: host, state: absent }
      register: a
    - ini_file: { path: /etc/app/app.ini, section: cache, state: absent }
      register: b
    - ini_file: { path: /etc/app/new/other.ini, section: s, option: k, values: [a, b] }
    - ini_file: { path: /etc/app/flags.ini, section: f, option: verbose, allow_no_value: true }
    - assert:
        that:
          - not a.changed or a.msg == 'option changed'
          - not b.changed or b.msg == 'section removed'
EOF
)
run_play "$rm_pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host 1 '! grep -q "^host" /etc/app/app.ini' "host removed"
assert_host 1 '! grep -q "cache" /etc/app/app.ini' "cache section removed"
assert_host_eq 1 "$(printf '\n[s]\nk = a\nk = b')" 'cat /etc/app/new/other.ini'
assert_host_eq 1 "$(printf '\n[f]\nverbose')" 'cat /etc/app/flags.ini'
run_play "$rm_pb"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "bad input: missing path, wrong state, no value, create: false"
bad=$(playbook bad.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - ini_file: { section: a, option: b, value: c }
EOF
)
run_play "$bad"
assert_ne 0 "$RC"
assert_contains "$OUT" "path"
bad=$(playbook bad2.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - ini_file: { path: /tmp/x.ini, section: a, option: b, value: c, state: gone }
EOF
)
run_play "$bad"
assert_ne 0 "$RC"
assert_contains "$OUT" "state"
bad=$(playbook bad3.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - ini_file: { path: /tmp/x.ini, section: a, option: b }
      ignore_errors: true
    - ini_file: { path: /nonexistent/x.ini, section: a, option: b, value: c, create: false }
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "Parameter 'value(s)' must be defined if state=present and allow_no_value=False."
assert_contains "$OUT" "Destination /nonexistent/x.ini does not exist!"
assert_host 1 '[ ! -e /tmp/x.ini ]' "nothing written on a failure"
