#!/bin/bash
# The backup story: archive packs a directory tree (tar.gz, bz2, xz, tar and
# zip), a glob of log files and a single file (compressed beside itself) on
# the host; exclusion_patterns and exclude_path leave things out, remove
# deletes the sources; a second run changes nothing, --check predicts;
# unarchive reads back what archive wrote.  Bad input fails clearly.
. "$(dirname "$0")/lib.sh"

host_exec 1 'mkdir -p /srv/data/sub /var/log/app /srv/out /srv/back &&
	echo one >/srv/data/a.txt && echo two >/srv/data/sub/b.txt && echo tmp >/srv/data/sub/c.tmp &&
	echo l1 >/var/log/app/1.log && echo l2 >/var/log/app/2.log && echo keep >/var/log/app/keep.log &&
	echo single >/srv/out/report.txt && mkdir -p /srv/gone && echo x >/srv/gone/x'

pb=$(playbook archive.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - archive: { path: /srv/data, dest: /srv/back/data.tgz, exclusion_patterns: ["*.tmp"] }
      register: tgz
    - archive: { path: /srv/data, dest: /srv/back/data.tbz2, format: bz2 }
    - archive: { path: /srv/data, dest: /srv/back/data.txz, format: xz }
    - archive: { path: /srv/data, dest: /srv/back/data.tar, format: tar }
    - community.general.archive: { path: /srv/data, dest: /srv/back/data.zip, format: zip, mode: "0600" }
    - archive:
        path: /var/log/app/*.log
        exclude_path: [/var/log/app/keep.log]
        dest: /srv/back/logs.tar.gz
      register: logs
    - archive: { path: /srv/out/report.txt }
      register: single
    - assert:
        that:
          - tgz.arcroot == '/srv/'
          - tgz.dest_state == 'archive'
          - "'/srv/data/sub/b.txt' in tgz.archived"
          - "'/srv/data/sub/c.tmp' not in tgz.archived"
          - logs.expanded_paths | length == 3
          - logs.expanded_exclude_paths == ['/var/log/app/keep.log']
          - logs.archived | sort == ['/var/log/app/1.log', '/var/log/app/2.log']
          - single.dest == '/srv/out/report.txt.gz'
          - single.dest_state == 'compress'
      when: not ansible_check_mode
EOF
)

before=$(host_digest 1 'find /srv/back /srv/out | sort')
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=7 failed=0
assert_eq "$before" "$(host_digest 1 'find /srv/back /srv/out | sort')" "after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=7 failed=0
assert_host_eq 1 "$(printf 'data/a.txt\ndata/sub/\ndata/sub/b.txt')" 'tar tzf /srv/back/data.tgz | sort'
assert_host_eq 1 4 'tar tJf /srv/back/data.txz | wc -l'
assert_host_eq 1 4 'tar tjf /srv/back/data.tbz2 | wc -l'
assert_host_eq 1 4 'tar tf /srv/back/data.tar | wc -l'
assert_host_eq 1 "$(printf 'data/a.txt\ndata/sub/\ndata/sub/b.txt\ndata/sub/c.tmp')" 'unzip -Z1 /srv/back/data.zip | sort'
assert_host_eq 1 600 'stat -c %a /srv/back/data.zip'
assert_host_eq 1 "$(printf '1.log\n2.log')" 'tar tzf /srv/back/logs.tar.gz | sort'
assert_host_eq 1 single 'zcat /srv/out/report.txt.gz'
assert_host 1 '! ls /srv/back | grep -q cairn' "no temp file left"

note "second run: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "a changed source makes a new archive"
host_exec 1 'echo three >/srv/data/sub/b.txt'
run_play "$pb"
assert_rc 0
assert_recap h1 changed=5 failed=0

note "remove: the sources go; unarchive gives them back"
rpb=$(playbook remove.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - archive: { path: /srv/gone, dest: /srv/back/gone.zip, format: zip, remove: true }
    - unarchive: { src: /srv/back/gone.zip, dest: /srv, remote_src: true }
EOF
)
run_play "$rpb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host_eq 1 x 'cat /srv/gone/x'

note "bad input"
run_play "$(playbook bad1.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - archive: { path: /srv/data }
EOF
)"
assert_rc 2
assert_contains "$OUT" 'Error, must specify \"dest\" when archiving multiple files or trees'
run_play "$(playbook bad2.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - archive: { path: /srv/nothing*, dest: /srv/back/x.tgz }
EOF
)"
assert_rc 2
assert_contains "$OUT" "Error, no source paths were found"
run_play "$(playbook bad3.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - archive: { path: /srv/data, dest: /srv/back/x.rar, format: rar }
EOF
)"
assert_ne 0 "$RC" "a wrong format"
assert_contains "$OUT" "format"
run_play "$(playbook bad4.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - archive: { dest: /srv/back/x.tgz }
EOF
)"
assert_ne 0 "$RC" "a missing path"
