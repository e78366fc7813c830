#!/bin/bash
# A host's locale, kernel module settings and default editor: locale_gen
# enables de_CH.UTF-8 in /etc/locale.gen and builds it; modprobe (the test
# hosts cannot load kernel modules) keeps a module out of the running
# kernel, lists it in /etc/modules-load.d and sets its options in
# /etc/modprobe.d, and reports modprobe's own refusal; alternatives
# installs and selects two alternatives with a follower link.  A second
# run and --check change nothing; bad input fails the task clearly.
. "$(dirname "$0")/lib.sh"

pb=$(playbook host.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - locale_gen: name=de_CH.UTF-8
      register: loc
    - community.general.modprobe:
        name: dummy
        state: absent
        params: numdummies=2
        persistent: present
      register: mp
    - alternatives:
        name: cairntool
        link: /usr/local/bin/cairntool
        path: /bin/true
        priority: 10
        state: present
        subcommands:
          - name: cairntool2
            link: /usr/local/bin/cairntool2
            path: /bin/false
    - community.general.alternatives:
        name: cairntool
        link: /usr/local/bin/cairntool
        path: /bin/echo
        priority: 20
      register: alt
    - assert:
        that:
          - ansible_check_mode or loc.name == 'de_CH.UTF-8'
          - mp.name == 'dummy' and mp.params == 'numdummies=2'
          - mp.state == 'absent'
YAML
)

note "--check on a fresh host predicts and changes nothing"
before=$(host_digest 1 'cat /etc/locale.gen; locale -a; ls /etc/modules-load.d /etc/modprobe.d; update-alternatives --display cairntool')
run_play --check --diff "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_contains "$OUT" "+de_CH.UTF-8 UTF-8"
assert_contains "$OUT" "+options dummy numdummies=2"
after=$(host_digest 1 'cat /etc/locale.gen; locale -a; ls /etc/modules-load.d /etc/modprobe.d; update-alternatives --display cairntool')
assert_eq "$before" "$after" "host state after --check"

run_play --diff "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host 1 'grep -qx "de_CH.UTF-8 UTF-8" /etc/locale.gen'
assert_host 1 'locale -a | grep -qx de_CH.utf8'
assert_host_eq 1 'dummy' 'cat /etc/modules-load.d/dummy.conf'
assert_host_eq 1 'options dummy numdummies=2' 'cat /etc/modprobe.d/dummy.conf'
assert_host_eq 1 '/bin/echo' 'readlink /etc/alternatives/cairntool'
assert_host 1 'update-alternatives --query cairntool | grep -qx "Status: manual"'
assert_host 1 'update-alternatives --display cairntool | grep -qx "  slave cairntool2: /bin/false"'

note "second run and --check: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

note "absent, auto, and the options moved to another value"
host_exec 1 'printf "options dummy numdummies=2\n# keep\n" >/etc/modprobe.d/local.conf'
pb2=$(playbook undo.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - locale_gen: name=de_CH.UTF-8 state=absent
    - modprobe: name=dummy state=absent persistent=absent
    - alternatives: name=cairntool path=/bin/echo state=auto
    - alternatives: name=cairntool path=/bin/true state=absent
      register: gone
    - assert: { that: [ "gone.msg == \"Remove alternative '/bin/true' from 'cairntool'.\" or not gone.changed" ] }
YAML
)
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host 1 'grep -qx "# de_CH.UTF-8 UTF-8" /etc/locale.gen'
assert_host 1 '! locale -a | grep -qx de_CH.utf8'
assert_host_eq 1 '#dummy' 'cat /etc/modules-load.d/dummy.conf'
assert_host_eq 1 '#options dummy numdummies=2

# keep' 'cat /etc/modprobe.d/local.conf'
assert_host_eq 1 '/bin/echo' 'readlink /etc/alternatives/cairntool'
assert_host 1 'update-alternatives --query cairntool | grep -qx "Status: auto"'
assert_host 1 '! update-alternatives --display cairntool | grep -q /bin/true'
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=0 failed=0

note "modprobe's refusal, an unknown locale, a missing link, a bad choice"
pb3=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - modprobe: name=dummy
      ignore_errors: yes
      register: load
    - assert: { that: [ "load.failed", "'dummy' in load.msg", "load.rc != 0" ] }
    - locale_gen: name=xx_YY.UTF-8
      ignore_errors: yes
      register: badloc
    - assert: { that: [ "badloc.msg == \"The locale you've entered is not available on your system.\"" ] }
    - alternatives: name=nosuchalt path=/bin/true
      ignore_errors: yes
      register: nolink
    - assert: { that: [ "'missing the link' in nolink.msg" ] }
    - alternatives: name=x path=/nonexistent link=/usr/local/bin/x
      ignore_errors: yes
      register: nopath
    - assert: { that: [ "nopath.msg == 'Specified path /nonexistent does not exist'" ] }
    - locale_gen: name=de_CH.UTF-8 state=gone
YAML
)
run_play "$pb3"
assert_rc 2
assert_recap h1 failed=1
assert_match "$OUT" "modprobe: FATAL: Module dummy not found"
assert_contains "$OUT" "value of state must be one of"
pb4=$(playbook missing.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - alternatives: name=x
YAML
)
run_play "$pb4"
assert_ne 0 "$RC" "exit status without a required parameter"
assert_contains "$OUT" "path"
