#!/bin/bash
# The release story with git on the target: clone a bare repository at tag
# v1.0, move to v1.1 (changed, before and after commits), a second run
# changes nothing, --check predicts the move without making it, a local
# modification fails unless force: yes, which resets it; a branch is
# tracked; a bad version fails with git's rc and stderr.
. "$(dirname "$0")/lib.sh"

"$(dirname "$TESTBED")/gitrepo.sh" 1 || fail "cannot create the repository"
V10=$(host_exec 1 'git -C /srv/git/app.git rev-parse "v1.0^{commit}"')
V11=$(host_exec 1 'git -C /srv/git/app.git rev-parse "v1.1^{commit}"')
FEAT=$(host_exec 1 'git -C /srv/git/app.git rev-parse feature')
note "v1.0=$V10 v1.1=$V11 feature=$FEAT"

pb=$(playbook deploy.yml <<'PB'
- hosts: h1
  gather_facts: false
  tasks:
    - name: app at the release
      ansible.builtin.git:
        repo: /srv/git/app.git
        dest: /srv/app
        version: "{{ ver }}"
        force: "{{ force | default(false) }}"
      register: g
    - debug:
        msg: "before={{ g.before }} after={{ g.after }} url={{ g.remote_url_changed | default('-') }}"
PB
)

run_play -e ver=v1.0 "$pb"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_contains "$OUT" "before=None after=$V10"
assert_host_eq 1 "version 1.0" 'cat /srv/app/VERSION'

run_play -e ver=v1.1 --check --diff "$pb"
assert_rc 0
assert_recap h1 changed=1
assert_contains "$OUT" "before=$V10 after=$V11 url=False"
assert_contains "$OUT" "+$V11"
assert_host_eq 1 "version 1.0" 'cat /srv/app/VERSION'

run_play -e ver=v1.1 "$pb"
assert_rc 0
assert_recap h1 changed=1
assert_contains "$OUT" "before=$V10 after=$V11 url=False"
assert_host_eq 1 "version 1.1" 'cat /srv/app/VERSION'

run_play -e ver=v1.1 "$pb"
assert_rc 0
assert_recap h1 changed=0 ok=2
assert_contains "$OUT" "before=$V11 after=$V11"

host_exec 1 'echo local >>/srv/app/VERSION'
run_play -e ver=v1.1 "$pb"
assert_rc 2
assert_contains "$OUT" "Local modifications exist in the destination: /srv/app (force=yes to override)"
assert_host_eq 1 "local" 'tail -1 /srv/app/VERSION'
run_play -e ver=v1.1 --check "$pb"
assert_rc 2
assert_contains "$OUT" "Local modifications exist"

run_play -e ver=v1.1 -e force=true "$pb"
assert_rc 0
assert_recap h1 changed=1
assert_host_eq 1 "version 1.1" 'cat /srv/app/VERSION'

run_play -e ver=feature "$pb"
assert_rc 0
assert_contains "$OUT" "before=$V11 after=$FEAT"
assert_host_eq 1 "feature" 'git -C /srv/app rev-parse --abbrev-ref HEAD'
# The remote branch moves on: the next run follows it.
host_exec 1 'set -e; cd /tmp; rm -rf w; git clone -q -b feature /srv/git/app.git w; cd w;
	echo more >>FEATURE; git -c user.name=t -c user.email=t@t commit -qam more; git push -q origin feature'
FEAT2=$(host_exec 1 'git -C /srv/git/app.git rev-parse feature')
run_play -e ver=feature "$pb"
assert_rc 0
assert_contains "$OUT" "before=$FEAT after=$FEAT2"

run_play -e ver=HEAD "$pb"
assert_rc 0
assert_contains "$OUT" "after=$V11"

run_play -e ver=no-such-version "$pb"
assert_rc 2
assert_contains "$OUT" "Failed to checkout no-such-version"
assert_contains "$OUT" '"rc": 1'

# Static mistakes are refused before any host is touched.
bad=$(playbook bad.yml <<'PB'
- hosts: h1
  gather_facts: false
  tasks:
    - git: { repo: /srv/git/app.git, dest: /srv/x, depth: 0 }
PB
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "bad.yml:4"
assert_contains "$OUT" "depth must be a positive integer"
assert_host 1 '[ ! -e /srv/x ]'
