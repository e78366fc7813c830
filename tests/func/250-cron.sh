#!/bin/bash
# Cron entries written byte for byte as Ansible's cron module writes them:
# a job in root's crontab, a variable inserted after another, a @reboot
# job for alice, a cron_file under /etc/cron.d with its user field; a
# second run and --check change nothing; an edit made by hand to a managed
# line is put back; absent removes the entry and then the emptied file.
. "$(dirname "$0")/lib.sh"

pb=$(playbook cron.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - cron: name="check dirs" minute="0" hour="5,2" job="ls -alh > /dev/null"
    - cron: name=PATH env=yes job=/bin:/usr/bin
    - cron: name=MAILTO env=yes job=root insertafter=PATH
    - cron: name="reboot job" special_time=reboot job=/bin/true user=alice
    - cron:
        name: yum autoupdate
        weekday: "2"
        minute: "0"
        hour: "12"
        user: root
        job: "YUMINTERACTIVE=0 /usr/sbin/yum-autoupdate"
        cron_file: ansible_yum-autoupdate
      register: cf
    - assert: { that: [ "cf.jobs == ['yum autoupdate']", "cf.cron_file == 'ansible_yum-autoupdate'" ] }
YAML
)
note "--check on a fresh host: changes predicted, nothing written"
# (without MAILTO: insertafter=PATH fails, as in Ansible, while PATH is
# only predicted)
grep -v MAILTO "$pb" >"$T/check.yml"
run_play --check --diff "$T/check.yml"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_contains "$OUT" "+0 5,2 * * * ls -alh > /dev/null"
assert_host 1 '! crontab -l'
assert_host 1 '! test -e /etc/cron.d/ansible_yum-autoupdate'

run_play "$pb"
assert_rc 0
assert_recap h1 changed=5 failed=0
assert_host_eq 1 'PATH="/bin:/usr/bin"
MAILTO="root"
#Ansible: check dirs
0 5,2 * * * ls -alh > /dev/null' 'crontab -l'
assert_host_eq 1 '#Ansible: reboot job
@reboot /bin/true' 'crontab -u alice -l'
assert_host_eq 1 '#Ansible: yum autoupdate
0 12 * * 2 root YUMINTERACTIVE=0 /usr/sbin/yum-autoupdate
644' 'cat /etc/cron.d/ansible_yum-autoupdate; stat -c %a /etc/cron.d/ansible_yum-autoupdate'

note "second run and --check: nothing to do"
run_play "$pb"
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

note "a hand edit of a managed line is put back"
host_exec 1 'crontab -l | sed "s/^0 5,2/9 9/" | crontab -'
run_play "$pb"
assert_recap h1 changed=1
assert_host 1 'crontab -l | grep -qx "0 5,2 \* \* \* ls -alh > /dev/null"'

pb2=$(playbook absent.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - cron: name="check dirs" state=absent backup=yes
      register: b
    - assert: { that: [ "b.backup_file is defined or not b.changed" ] }
    - cron: name=MAILTO env=yes state=absent
    - cron: name="yum autoupdate" cron_file=ansible_yum-autoupdate state=absent
YAML
)
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_host_eq 1 'PATH="/bin:/usr/bin"' 'crontab -l'
assert_host 1 '! test -e /etc/cron.d/ansible_yum-autoupdate'
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=0 failed=0

pb3=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - cron: name=x special_time=daily hour=1 job=/bin/true
YAML
)
run_play "$pb3"
assert_rc 2
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "You must specify time and date fields or special time."
