#!/bin/bash
# The log collection story: find selects old big logs by pattern, age, size
# and content; slurp reads a file into a variable; fetch brings files to
# the controller under dest/<host>/<path> or flat, atomically, and a second
# run fetches nothing; missing files and bad input give clear results.
. "$(dirname "$0")/lib.sh"

host_exec 1 'mkdir -p /var/log/app/old /var/log/app/.hidden && cd /var/log/app &&
	printf "ok\n" >a.log && printf "ERROR disk\nok\n" >b.log && head -c 3000 /dev/zero >big.log &&
	printf "x\n" >notes.txt && printf "ERROR\n" >old/c.log && printf "h\n" >.h.log &&
	printf "y\n" >.hidden/d.log && touch -d "10 days ago" old/c.log b.log && ln -s b.log link.log'

pb=$(playbook collect.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - find: { paths: /var/log/app, patterns: "*.log" }
      register: top
    - find: { paths: /var/log/app, patterns: "*.log", recurse: true, hidden: true }
      register: all
    - find: { paths: /var/log/app, patterns: '^[ab]\.log$', use_regex: true, age: 5d, recurse: true }
      register: old
    - find: { paths: /var/log/app, size: 2k }
      register: big
    - find: { paths: /var/log/app, contains: "ERROR", recurse: true, excludes: "c.*" }
      register: errs
    - find: { paths: [/var/log/app, /nonexistent], file_type: any, get_checksum: true, depth: 1, recurse: true }
      register: any
    - find: { paths: /var/log/app, file_type: link }
      register: links
    - slurp: { src: /var/log/app/b.log }
      register: b
    - assert:
        that:
          - top.matched == 3
          - top.files | map(attribute='path') | sort | list == ['/var/log/app/a.log', '/var/log/app/b.log', '/var/log/app/big.log']
          - all.matched == 6
          - old.files | map(attribute='path') | list == ['/var/log/app/b.log']
          - big.files | map(attribute='path') | list == ['/var/log/app/big.log']
          - errs.files | map(attribute='path') | list == ['/var/log/app/b.log']
          - any.skipped_paths['/nonexistent'] == "'/nonexistent' is not a directory"
          - any.msg == 'Not all paths examined, check warnings for details'
          - (any.files | selectattr('path', 'equalto', '/var/log/app/a.log') | first).checksum == a_sum
          - (any.files | selectattr('isdir') | list | length) == 1
          - any.matched == 6
          - links.files[0].islnk and links.files[0].path == '/var/log/app/link.log'
          - top.files[0].mode == '0644' and top.files[0].pw_name == 'root'
          - b.content | b64decode == "ERROR disk\nok\n"
          - b.encoding == 'base64' and b.source == '/var/log/app/b.log'
    - fetch: { src: /var/log/app/b.log, dest: fetched }
      register: f1
    - fetch: { src: /var/log/app/a.log, dest: "{{ playbook_dir }}/flat/", flat: true }
    - fetch: { src: /var/log/app/notes.txt, dest: flat/renamed.txt, flat: true }
    - fetch: { src: /var/log/app/none.log, dest: fetched, fail_on_missing: false }
      register: missing
    - assert:
        that:
          - f1.checksum == f1.remote_checksum
          - f1.dest == playbook_dir + '/fetched/h1/var/log/app/b.log'
          - f1.md5sum | length == 32
      when: f1 is changed
    - assert:
        that:
          - missing is not changed and missing is not failed
          - missing.msg == 'the remote file does not exist, not transferring, ignored'
          - f1.checksum | length == 40
      when: not ansible_check_mode
EOF
)

a_sum=$(host_exec 1 'sha1sum /var/log/app/a.log' | cut -c1-40)
run_play -e a_sum="$a_sum" "$pb"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_eq "$(printf 'ERROR disk\nok')" "$(cat "$T/fetched/h1/var/log/app/b.log")" "fetched b.log"
assert_eq "ok" "$(cat "$T/flat/a.log")" "flat fetch into a directory"
assert_eq "x" "$(cat "$T/flat/renamed.txt")" "flat fetch to a name"
assert_eq "" "$(find "$T" -name '.cairn.fetch.*')" "temp files left"

note "second run: nothing fetched again"
run_play -e a_sum="$a_sum" "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "a changed remote file is fetched again; check mode skips fetch"
host_exec 1 'echo more >>/var/log/app/notes.txt'
run_play --check -e a_sum="$a_sum" "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
assert_eq "x" "$(cat "$T/flat/renamed.txt")" "renamed.txt after --check"
run_play -e a_sum="$a_sum" "$pb"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_eq "$(printf 'x\nmore')" "$(cat "$T/flat/renamed.txt")" "renamed.txt fetched again"

note "bad input and failures"
bad=$(playbook bad.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - find: { paths: /var/log/app, age: 3 years }
      ignore_errors: true
    - slurp: { src: /var/log/app/nope }
      ignore_errors: true
    - slurp: { src: /var/log/app }
      ignore_errors: true
    - fetch: { src: /var/log/app, dest: fetched }
      ignore_errors: true
    - fetch: { src: /var/log/app/nope, dest: fetched }
      ignore_errors: true
    - fetch: { src: /var/log/app/nope2, dest: fetched }
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "failed to process age"
assert_contains "$OUT" "file not found: /var/log/app/nope"
assert_contains "$OUT" "source is a directory and must be a file: /var/log/app"
assert_contains "$OUT" "remote file is a directory, fetch cannot work on directories"
assert_contains "$OUT" "the remote file does not exist, not transferring, ignored"
assert_recap h1 failed=1 ignored=5

note "a wrong choice: a warning at load, the task fails on the host (as Ansible)"
bad=$(playbook bad2.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - find: { paths: /var/log/app, file_type: socketish }
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "value of file_type must be one of: any, directory, file, link, got: socketish"

bad=$(playbook bad3.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - fetch: { dest: fetched }
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "fetch: missing required arguments: src"
