#!/bin/bash
# The deploy-a-tree story: synchronize pushes a controller directory to the
# host as rsync -a would (times, perms, links), --delete removes what the
# source no longer has, excludes protect; pull brings host logs back to the
# controller; a second run changes nothing, --check predicts; the
# itemized lines are rsync's.  An unsupported rsync option fails clearly.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/files/rel/lib" "$T/files/rel/cache"
printf 'v1\n' >"$T/files/rel/VERSION"
printf 'code\n' >"$T/files/rel/lib/app.sh" && chmod 750 "$T/files/rel/lib/app.sh"
printf 'c\n' >"$T/files/rel/cache/x.tmp"
ln -s lib/app.sh "$T/files/rel/run"
touch -d '2020-01-02 03:04:05' "$T/files/rel/VERSION"
host_exec 1 'mkdir -p /srv/app /var/log/app && echo old >/srv/app/stale.txt && echo keep >/srv/app/keep.tmp &&
	echo log1 >/var/log/app/a.log && mkdir -p /var/log/app/old && echo log2 >/var/log/app/old/b.log'

pb=$(playbook sync.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - synchronize:
        src: rel/
        dest: /srv/app
        delete: true
        rsync_opts: ["--exclude=*.tmp"]
      register: push
    - ansible.posix.synchronize: { src: /var/log/app, dest: "{{ playbook_dir }}/logs/", mode: pull }
      register: pull
    - assert:
        that:
          - "'<f+++++++++ VERSION' in push.stdout_lines"
          - "'*deleting   stale.txt' in push.stdout_lines"
          - push.rc == 0
          - "'rsync' in push.cmd"
          - "'>f+++++++++ app/a.log' in pull.stdout_lines"
      when: not ansible_check_mode and (first | default(false))
EOF
)

before=$(host_digest 1 'find /srv/app | sort')
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_eq "$before" "$(host_digest 1 'find /srv/app | sort')" "/srv/app after --check"
[ ! -e "$T/logs" ] || fail "--check pulled files"

run_play --diff -e first=true "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host_eq 1 v1 'cat /srv/app/VERSION'
assert_host_eq 1 "2020-01-02 03:04:05" 'date -r /srv/app/VERSION "+%Y-%m-%d %H:%M:%S"'
assert_host_eq 1 750 'stat -c %a /srv/app/lib/app.sh'
assert_host_eq 1 lib/app.sh 'readlink /srv/app/run'
assert_host 1 '[ ! -e /srv/app/stale.txt ]' "deleted"
assert_host_eq 1 keep 'cat /srv/app/keep.tmp'
assert_host 1 '[ ! -e /srv/app/cache/x.tmp ]' "excluded"
assert_eq log2 "$(cat "$T/logs/app/old/b.log")" "the pulled log"
assert_contains "$OUT" "<f+++++++++ lib/app.sh"

note "second run: nothing to do"
run_play --diff "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "a changed file on the host is put back, with its time"
host_exec 1 'echo v2 >/srv/app/VERSION'
run_play "$pb"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_host_eq 1 v1 'cat /srv/app/VERSION'

note "an option cairn does not honour is refused"
run_play "$(playbook bad.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - synchronize: { src: rel/, dest: /srv/app, rsync_opts: ["--inplace"] }
EOF
)"
assert_rc 2
assert_contains "$OUT" "rsync_opts: '--inplace' is not supported"
run_play "$(playbook bad2.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - synchronize: { src: rel/, dest: /srv/app, mode: sideways }
EOF
)"
assert_ne 0 "$RC" "a wrong mode"
