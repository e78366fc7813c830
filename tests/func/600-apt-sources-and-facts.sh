#!/bin/bash
# A second apt repository on the host (a copy of tests/testbed/aptrepo.sh's)
# added with apt_repository under the file name Ansible gives it, apt-get
# update run, a package installed from it; a second run changes nothing,
# --check and --diff predict; absent takes it out again; the same
# repository as a deb822 stanza; PPAs refused on Debian, bad lines and a
# source apt cannot read fail cleanly (the file is taken back); then
# package_facts, and apt's clean, policy_rc_d and build-dep.
. "$(dirname "$0")/lib.sh"

reset_hosts 1
"$(dirname "$TESTBED")/aptrepo.sh" 1 || fail "aptrepo.sh"
# a second repository holding one package the first has not
host_exec 1 'set -e; mkdir -p /srv/repo2; cd /srv/repo2
	d=$(mktemp -d); mkdir -p $d/DEBIAN $d/usr/share/cairn-two
	printf "Package: cairn-two\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@t.invalid>\nDescription: two\n" >$d/DEBIAN/control
	dpkg-deb -b $d cairn-two_1.0_all.deb >/dev/null
	printf "Package: cairn-two\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@t.invalid>\nFilename: ./cairn-two_1.0_all.deb\nSize: $(stat -c %s cairn-two_1.0_all.deb)\nSHA256: $(sha256sum cairn-two_1.0_all.deb | cut -d" " -f1)\nDescription: two\n\n" >Packages'
F=/etc/apt/sources.list.d/file_srv_repo2.list

pb=$(playbook add.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt_repository:
        repo: "deb [trusted=yes]  file:/srv/repo2 ./"
      register: added
    - apt: name=cairn-two
    - assert:
        that:
          - added.repo == "deb [trusted=yes]  file:/srv/repo2 ./"
          - added.state == "present"
YAML
)
note "check mode: the new file is predicted, with its diff, and not written"
run_play --check --diff "$pb"
assert_rc 2	# apt in check mode cannot find cairn-two: no update ran
assert_contains "$OUT" "+deb [trusted=yes] file:/srv/repo2 ./"
assert_contains "$OUT" "$F"
assert_host 1 "! test -e $F"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host_eq 1 "deb [trusted=yes] file:/srv/repo2 ./" "cat $F"
assert_host_eq 1 "644" "stat -c %a $F"
assert_host_eq 1 "1.0" "dpkg-query -W -f='\${Version}' cairn-two"
run_play "$pb"
assert_recap h1 changed=0 failed=0

note "a disabled copy is enabled again; filename and mode"
host_exec 1 "sed -i 's/^deb/# deb/' $F"
pb2=$(playbook again.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt_repository:
        repo: "deb [trusted=yes] file:/srv/repo2 ./"
        update_cache: no
    - apt_repository:
        repo: "deb-src [trusted=yes] file:/srv/repo2 ./"
        filename: cairn-src
        mode: "0600"
        update_cache: no
YAML
)
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=2
assert_host_eq 1 "deb [trusted=yes] file:/srv/repo2 ./" "cat $F"
assert_host_eq 1 "600 deb-src [trusted=yes] file:/srv/repo2 ./" \
	"printf '%s ' \$(stat -c %a /etc/apt/sources.list.d/cairn-src.list); cat /etc/apt/sources.list.d/cairn-src.list"

note "absent: --check predicts, the run removes the emptied files"
pb3=$(playbook absent.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt_repository:
        repo: "deb-src [trusted=yes] file:/srv/repo2 ./"
        state: absent
        update_cache: no
    - apt_repository:
        repo: "deb [trusted=yes] file:/srv/repo2 ./"
        state: absent
YAML
)
run_play --check "$pb3"
assert_recap h1 changed=2
assert_host 1 "test -s $F"
run_play --diff "$pb3"
assert_rc 0
assert_recap h1 changed=2
assert_contains "$OUT" "-deb [trusted=yes] file:/srv/repo2 ./"
assert_host 1 "! test -e $F && ! test -e /etc/apt/sources.list.d/cairn-src.list"
assert_host_eq 1 "deb [trusted=yes] file:/srv/repo ./" "cat /etc/apt/sources.list"
run_play "$pb3"
assert_recap h1 changed=0

note "refusals: a PPA on Debian, a line that is no source, no repo"
pb4=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt_repository: repo=ppa:nginx/stable
      ignore_errors: yes
    - apt_repository: repo="rpm http://example.invalid/ x"
      ignore_errors: yes
    - apt_repository: repo="deb [trusted=yes] file:/srv/nosuch ./"
      ignore_errors: yes
    - apt_repository: state=present
      ignore_errors: yes
YAML
)
run_play "$pb4"
assert_recap h1 failed=0 ignored=4
assert_contains "$OUT" "PPA repositories are for Ubuntu: cannot use 'ppa:nginx/stable' on this debian host"
assert_contains "$OUT" "Invalid repository string: rpm http://example.invalid/ x"
assert_contains "$OUT" "Failed to update apt cache"
assert_contains "$OUT" "missing required arguments: repo"
assert_host 1 "! test -e /etc/apt/sources.list.d/file_srv_nosuch.list"

note "deb822_repository: the stanza as Ansible writes it, usable by apt"
host_exec 1 'apt-get -y -q remove cairn-two >/dev/null'
pb5=$(playbook deb822.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - deb822_repository:
        name: Cairn Two
        uris: file:/srv/repo2
        suites: ./
        trusted: yes
      register: d
    - apt: name=cairn-two update_cache=yes
    - assert:
        that:
          - d.dest == "/etc/apt/sources.list.d/cairn-two.sources"
          - d.key_filename is none
YAML
)
run_play --check --diff "$pb5"
assert_contains "$OUT" "+X-Repolib-Name: Cairn Two"
assert_host 1 "! test -e /etc/apt/sources.list.d/cairn-two.sources"
run_play "$pb5"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host_eq 1 "Install-Python-Debian: yes
X-Repolib-Name: Cairn Two
Suites: ./
Trusted: yes
Types: deb
URIs: file:/srv/repo2" "cat /etc/apt/sources.list.d/cairn-two.sources"
assert_host_eq 1 "644" "stat -c %a /etc/apt/sources.list.d/cairn-two.sources"
run_play "$pb5"
assert_recap h1 changed=0
pb6=$(playbook deb822-absent.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - deb822_repository: name="Cairn Two" state=absent
    - deb822_repository: name="Cairn Two" state=absent
      register: again
    - assert: { that: [ "not again.changed", "again.repo is none" ] }
    - deb822_repository: name=x types=rpm
      ignore_errors: yes
YAML
)
run_play "$pb6"
assert_recap h1 changed=1 failed=0 ignored=1
assert_contains "$OUT" "value of types must be one of"
assert_host 1 "! test -e /etc/apt/sources.list.d/cairn-two.sources"

note "package_facts: dpkg's view in one task"
pb7=$(playbook facts.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - package_facts:
    - assert:
        that:
          - ansible_facts.packages['cairn-two'][0].version == '1.0'
          - ansible_facts.packages['cairn-two'][0].arch == 'all'
          - ansible_facts.packages['cairn-two'][0].source == 'apt'
          - "'bash' in ansible_facts.packages"
          - "'cairn-hello' not in ansible_facts.packages"
    - package_facts: manager=rpm
      ignore_errors: yes
YAML
)
run_play "$pb7"
assert_rc 0
assert_recap h1 ok=3 failed=0 ignored=1
assert_contains "$OUT" "Could not detect a supported package manager"

note "apt: policy_rc_d is put in place for the run and the old one back"
host_exec 1 'printf "#!/bin/sh\nexit 0\n" >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d'
pb8=$(playbook policy.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - apt: name=cairn-hello policy_rc_d=101
    - apt: clean=yes
    - apt: name=cairn-hello state=build-dep
      ignore_errors: yes
YAML
)
run_play "$pb8"
assert_rc 0
assert_recap h1 changed=2 failed=0 ignored=1
assert_host_eq 1 "exit 0" "tail -1 /usr/sbin/policy-rc.d"
assert_host 1 "test -z \"\$(ls /var/cache/apt/archives/*.deb 2>/dev/null)\""
assert_contains "$OUT" "deb-src"
