#!/bin/bash
# A host's system settings through the system and packaging modules:
# pam_limits raises nofile for a group and keeps a comment, getent reads
# passwd into a fact, dpkg_selections holds a package, debconf answers a
# question, package installs through apt; --check predicts without
# changing, a second run changes nothing, --diff shows the limits edit,
# and bad input fails the task clearly.
. "$(dirname "$0")/lib.sh"

host_exec 1 'mkdir -p /etc/security && printf "# limits\n*\thard\tcore\t0\n" >/etc/security/limits.conf'

pb=$(playbook system.yml <<'YAML'
- hosts: h1
  gather_facts: yes
  tasks:
    - pam_limits: domain='@dev' limit_type=soft limit_item=nofile value=64000 comment="build farm"
    - community.general.pam_limits: domain='*' limit_type=hard limit_item=core value=100 use_max=yes
    - pam_limits: domain=joe limit_type=- limit_item=nproc value=50 dest=/etc/security/limits.d/joe.conf
    - getent: database=passwd key=root
    - assert:
        that:
          - "ansible_facts.getent_passwd.root[4] == '/root'"
          - "ansible_facts.getent_passwd.root | length == 6"
          - "getent_passwd.root[4] == '/root'"
    - getent: database=hosts key=nosuchhost.invalid fail_key=no
      register: g
    - assert: { that: [ "g.ansible_facts.getent_hosts['nosuchhost.invalid'] is none" ] }
    - dpkg_selections: name=cron selection=hold
      register: sel
    - debconf: name=openssh-server question=openssh-server/permit-root-login vtype=boolean value=false
    - debconf: name=cairn-test question=cairn-test/secret vtype=password value=s3cret-pw
    - package: name=cron state=present
    - ansible.builtin.package: { name: [cron], state: present, use: apt }
YAML
)

note "--check on a fresh host: changes predicted, nothing written"
before=$(host_digest 1 'cat /etc/security/limits.conf; ls /etc/security/limits.d; dpkg --get-selections cron')
run_play --check --diff "$pb"
assert_rc 0
assert_recap h1 failed=0
assert_contains "$OUT" "+@dev	soft	nofile	64000	#build farm"
assert_eq "$before" "$(host_digest 1 'cat /etc/security/limits.conf; ls /etc/security/limits.d; dpkg --get-selections cron')" "state after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=6 failed=0
assert_not_contains "$OUT" "s3cret-pw"
assert_host_eq 1 '# limits
*	hard	core	100
@dev	soft	nofile	64000	#build farm' 'cat /etc/security/limits.conf'
assert_host_eq 1 'joe	-	nproc	50' 'cat /etc/security/limits.d/joe.conf'
assert_host_eq 1 'hold' 'dpkg --get-selections cron | cut -f6- | tr -d "\t "'
assert_host 1 'debconf-show openssh-server | grep -qx "\*\{0,1\} *openssh-server/permit-root-login: false"'

note "second run and --check: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

note "use_max keeps a larger value; a value change rewrites the line"
pb2=$(playbook change.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - pam_limits: domain='*' limit_type=hard limit_item=core value=10 use_max=yes
    - pam_limits: domain='@dev' limit_type=soft limit_item=nofile value=1024
    - dpkg_selections: name=cron selection=install
YAML
)
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_host 1 'grep -qx "@dev	soft	nofile	1024	#build farm" /etc/security/limits.conf'
assert_host 1 'grep -qx "\*	hard	core	100" /etc/security/limits.conf'

note "bad input: a missing parameter, a wrong choice, an invalid value, another package manager"
for t in "pam_limits: domain=x limit_type=soft limit_item=nofile" \
	"pam_limits: domain=x limit_type=soft limit_item=nofiles value=1" \
	"pam_limits: domain=x limit_type=soft limit_item=nofile value=lots" \
	"dpkg_selections: name=cron selection=keep" \
	"package: name=cron state=present use=dnf" \
	"debconf: name=x question=y"; do
	bad=$(playbook bad.yml <<YAML
- hosts: h1
  gather_facts: no
  tasks:
    - $t
YAML
)
	run_play "$bad"
	assert_ne 0 "$RC" "exit status for '$t'"
done
run_play "$bad"
assert_contains "$OUT" "parameters are required together: question, vtype, value"
bad=$(playbook bad2.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - package: name=cron state=present use=dnf
YAML
)
run_play "$bad"
assert_contains "$OUT" "package manager 'dnf' is not available in cairn"
bad=$(playbook bad3.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - getent: database=passwd key=nosuchuser
YAML
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "One or more supplied key could not be found in the database."
