#!/bin/bash
# Packages from a local repository (tests/testbed/aptrepo.sh, no network):
# a pinned install with its dependency, a second run that changes nothing,
# --check that predicts without touching dpkg, state=latest, a local
# change to a conffile kept across an upgrade (force-confold), a .deb
# file on the host, remove and purge, install_recommends, update_cache
# with cache_valid_time, and a clean failure for an unknown package.
. "$(dirname "$0")/lib.sh"

reset_hosts 1
"$(dirname "$TESTBED")/aptrepo.sh" 1 || fail "aptrepo.sh"
# "VERSION STATUS" of a package dpkg knows, or nothing (not installed).
ver() {
	host_exec 1 "dpkg-query -W -f='\${Version} \${db:Status-Abbrev}' $1 2>/dev/null" |
		grep -v '^ *[a-z]n *$' || true
}

pb=$(playbook install.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - name: pinned hello and an app with a dependency
      apt:
        name: [cairn-hello=1.0, cairn-app, cairn-conf=1.0]
    - name: recommendations off
      apt: name=cairn-rec install_recommends=no
YAML
)

note "check mode on a fresh host: predicted, nothing installed"
run_play --check --diff "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_eq "" "$(ver cairn-hello)" "cairn-hello after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_eq "1.0 ii " "$(ver cairn-hello)" "pinned version"
assert_eq "1.0 ii " "$(ver cairn-lib)" "dependency"
assert_eq "1.0 ii " "$(ver cairn-rec)" "cairn-rec"
assert_eq "" "$(ver cairn-extra)" "recommendation left out"
assert_host_eq 1 "auto" "apt-mark showauto | grep -qx cairn-lib && echo auto"

note "second run: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 ok=2 changed=0

note "latest: check predicts the upgrade, the run does it, then ok"
host_exec 1 'echo "setting = local" >/etc/cairn-conf.conf'
pb2=$(playbook latest.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt: name=cairn-hello,cairn-conf state=latest
YAML
)
run_play --check -v "$pb2"
assert_rc 0
assert_recap h1 changed=1
assert_contains "$OUT" "Inst cairn-hello [1.0] (2.0"
assert_eq "1.0 ii " "$(ver cairn-hello)" "hello after --check latest"
run_play -v --diff "$pb2"
assert_rc 0
assert_recap h1 changed=1
assert_contains "$OUT" "2 upgraded, 0 newly installed"
assert_eq "2.0 ii " "$(ver cairn-hello)" "hello upgraded"
assert_eq "2.0 ii " "$(ver cairn-conf)" "conf upgraded"
assert_host_eq 1 "setting = local" "cat /etc/cairn-conf.conf"
run_play "$pb2"
assert_recap h1 changed=0

note "downgrade needs allow_downgrade"
pb3=$(playbook down.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt: name=cairn-hello=1.0
      ignore_errors: yes
    - apt: name=cairn-hello=1.0 allow_downgrade=yes
YAML
)
run_play "$pb3"
assert_recap h1 changed=1 ignored=1
assert_eq "1.0 ii " "$(ver cairn-hello)" "downgraded"

note "a .deb on the host, its dependency from the repository"
host_exec 1 'apt-get -y -q remove cairn-app cairn-lib >/dev/null'
pb4=$(playbook deb.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt: deb=/srv/debs/cairn-local_1.0_all.deb
YAML
)
run_play "$pb4"
assert_rc 0
assert_recap h1 changed=1
assert_eq "1.0 ii " "$(ver cairn-local)" "deb installed"
assert_eq "1.0 ii " "$(ver cairn-lib)" "deb dependency"
run_play "$pb4"
assert_recap h1 changed=0

note "remove, then purge what is left"
pb5=$(playbook remove.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt: name=cairn-conf state=absent
    - apt: name=cairn-conf state=absent
      register: again
    - assert: { that: [ "not again.changed" ] }
    - apt: name=cairn-conf state=absent purge=yes
YAML
)
run_play "$pb5"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_eq "" "$(ver cairn-conf)" "purged"
assert_host 1 '! test -e /etc/cairn-conf.conf'

note "update_cache, then cache_valid_time skips the update"
pb6=$(playbook cache.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt: update_cache=yes
      register: u1
    - apt: update_cache=yes cache_valid_time=3600
      register: u2
    - assert:
        that:
          - u1.changed and u1.cache_updated
          - not u2.changed and not u2.cache_updated
          - u2.cache_update_time == u1.cache_update_time
YAML
)
run_play "$pb6"
assert_rc 0
assert_recap h1 failed=0

note "an unknown package fails cleanly and changes nothing"
pb7=$(playbook unknown.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt: name=cairn-hello,nosuch-package state=latest
YAML
)
run_play "$pb7"
assert_rc 2
assert_contains "$OUT" "No package matching 'nosuch-package' is available"
assert_eq "1.0 ii " "$(ver cairn-hello)" "hello untouched"

note "parameter checks before any host"
pb8=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt: name=a deb=/tmp/a.deb
YAML
)
run_play "$pb8"
# As Ansible: a warning at load (with the place), the task fails on the host.
assert_rc 2
assert_contains "$OUT" "[WARNING]"
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "mutually exclusive"
assert_contains "$OUT" "bad.yml:4"
