#!/bin/bash
# Mounts on a host: a tmpfs scratch area and a bind mount of it with their
# fstab lines (the bind one not at boot), an entry only in fstab, all
# predicted by --check without touching the host; a second run changes
# nothing; the bind mount unmounted (fstab kept), the tmpfs remounted with
# new options, then absent (line gone, unmounted, directory removed); an
# ephemeral mount; a missing src and a wrong state fail clearly.
. "$(dirname "$0")/lib.sh"

state() { host_digest 1 'cat /etc/fstab; for m in /srv/cache /srv/bound /srv/tmp; do findmnt -n -o TARGET "$m"; done; ls -d /srv/cache /srv/bound 2>&1'; }

pb=$(playbook mounts.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - ansible.posix.mount:
        path: /srv/cache
        src: tmpfs
        fstype: tmpfs
        opts: size=2m,mode=0750
        state: mounted
      register: m
    - assert:
        that:
          - m.name == '/srv/cache'
          - m.opts == 'size=2m,mode=0750'
          - m.boot == 'yes'
          - m.fstab == '/etc/fstab'
    - mount:
        path: /srv/bound
        src: /srv/cache
        fstype: none
        opts: bind
        boot: false
        state: mounted
      register: b
    - assert: { that: [ "b.opts == 'bind,noauto'", "b.boot == 'no'" ] }
    - mount: { path: /srv/data, src: "LABEL=data", fstype: ext4, opts: "defaults,noatime", passno: "2", state: present, backup: true }
      register: d
YAML
)

note "--check predicts every change and touches nothing"
before=$(state)
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_eq "$before" "$(state)" "host state after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=3 failed=0
assert_host_eq 1 "/srv/cache tmpfs tmpfs
/srv/bound tmpfs tmpfs" 'for m in /srv/cache /srv/bound; do findmnt -n -o TARGET,SOURCE,FSTYPE "$m"; done | tr -s " "'
assert_host 1 'grep -qx "tmpfs /srv/cache tmpfs size=2m,mode=0750 0 0" /etc/fstab' "tmpfs line"
assert_host 1 'grep -qx "/srv/cache /srv/bound none bind,noauto 0 0" /etc/fstab' "bind line"
assert_host 1 'grep -qx "LABEL=data /srv/data ext4 defaults,noatime 0 2" /etc/fstab' "data line"
assert_host 1 'test "$(stat -c %a /srv/cache)" = 750' "tmpfs mode"
assert_host 1 'ls /etc/fstab.* >/dev/null 2>&1' "fstab backup"
assert_host 1 '! findmnt /srv/data' "present does not mount"

note "second run and --check: nothing to do"
run_play "$pb"
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

pb2=$(playbook cycle.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - mount: { path: /srv/bound, state: unmounted }
    - mount: { path: /srv/bound, state: unmounted }
      register: again
    - assert: { that: [ "not again.changed" ] }
    - mount: { path: /srv/cache, src: tmpfs, fstype: tmpfs, opts: "size=4m,mode=0750", state: mounted }
    - command: findmnt -n -o OPTIONS /srv/cache
      register: o
      changed_when: false
    - assert: { that: [ "'size=4096k' in o.stdout" ] }
    - mount: { path: /srv/cache, state: absent }
    - mount: { path: /srv/tmp, src: tmpfs, fstype: tmpfs, opts: size=1m, state: ephemeral }
YAML
)
note "unmounted keeps the line; changed options remount; absent removes it all"
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host 1 '! findmnt /srv/bound' "bind unmounted"
assert_host 1 'grep -q " /srv/bound " /etc/fstab' "bind line kept"
assert_host 1 '! grep -q " /srv/cache " /etc/fstab' "tmpfs line gone"
assert_host 1 '! findmnt /srv/cache && ! test -e /srv/cache' "tmpfs unmounted, directory gone"
assert_host 1 'findmnt -n /srv/tmp && ! grep -q /srv/tmp /etc/fstab' "ephemeral: mounted, not in fstab"

pb3=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - mount: { path: /srv/x, fstype: tmpfs, state: mounted }
      ignore_errors: true
    - mount: { path: /srv/x, state: mountd }
YAML
)
note "bad input: missing src, wrong state"
run_play "$pb3"
assert_ne 0 "$RC" "exit status"
assert_contains "$OUT" "state is mounted but all of the following are missing: src"
assert_contains "$OUT" "mountd"
assert_host 1 '! grep -q /srv/x /etc/fstab' "nothing written"
