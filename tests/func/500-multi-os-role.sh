#!/bin/bash
# A Galaxy-style role that branches per OS family runs unchanged on Debian:
# tasks/main.yml includes "setup-{{ ansible_os_family }}.yml" when each host
# gets there, so the RedHat and FreeBSD files (yum, dnf, pkgng: modules
# cairn does not have) are never read; a yum task in static content is only
# a warning and is skipped by its condition.  Includes loop, take vars and
# "apply", are counted in the recap and print "included: FILE for HOSTS" as
# ansible-playbook does; a handler can be an include too.
. "$(dirname "$0")/lib.sh"

R=$T/roles/pkgsetup
mkdir -p "$R/tasks" "$R/handlers" "$R/defaults"
cat >"$R/defaults/main.yml" <<'EOF'
pkg_marker: /srv/pkgsetup
EOF
cat >"$R/tasks/main.yml" <<'EOF'
- name: os specific setup
  include_tasks: "setup-{{ ansible_os_family }}.yml"
- name: yum cache on RedHat only
  yum:
    update_cache: true
  when: ansible_os_family == 'RedHat'
- name: per-item files
  include_tasks:
    file: item.yml
    apply:
      tags: [items]
  tags: [items]
  loop: [one, two]
  loop_control:
    loop_var: part
- name: never reached
  include_tasks: "setup-{{ 'Missing' }}.yml"
  when: false
EOF
cat >"$R/tasks/setup-Debian.yml" <<'EOF'
- name: debian marker
  copy:
    content: "debian {{ flavour }}\n"
    dest: "{{ pkg_marker }}"
  notify: announce
EOF
cat >"$R/tasks/setup-RedHat.yml" <<'EOF'
- name: packages with dnf
  dnf: name=httpd state=present
- yum: name=httpd
EOF
cat >"$R/tasks/setup-FreeBSD.yml" <<'EOF'
- community.general.pkgng: name=nginx
  this is: not even valid
EOF
cat >"$R/tasks/item.yml" <<'EOF'
- name: item file
  copy: content="{{ part }}\n" dest="/srv/part-{{ part }}"
EOF
cat >"$R/handlers/main.yml" <<'EOF'
- name: announce
  include_tasks: announce.yml
EOF
cat >"$R/handlers/announce.yml" <<'EOF'
- name: write the announcement
  shell: echo announced >> /srv/announced
EOF

pb=$(playbook site.yml <<'EOF'
- hosts: testhosts
  roles:
    - role: pkgsetup
      vars:
        flavour: plain
EOF
)

run_play "$pb"
assert_rc 0
assert_match "$OUT" "yum: not available in cairn" "the warning for yum"
assert_not_contains "$OUT" "dnf"
assert_not_contains "$OUT" "pkgng"
assert_contains "$OUT" "TASK [pkgsetup : os specific setup]"
assert_match "$OUT" "included: /[^ ]*/roles/pkgsetup/tasks/setup-Debian.yml for h1, h2, h3" "the included line"
assert_match "$OUT" "included: /[^ ]*/item.yml for h1, h2, h3 => \(item=one\)" "the first item"
assert_match "$OUT" "included: /[^ ]*/item.yml for h1, h2, h3 => \(item=two\)" "the second item"
assert_contains "$OUT" "TASK [pkgsetup : debian marker]"
assert_contains "$OUT" "RUNNING HANDLER [pkgsetup : write the announcement]"
for i in 1 2 3; do
	# facts 1, includes 1 + 2, marker 1, items 2, handler include 1 + 1
	assert_recap "h$i" ok=9 changed=4 failed=0 skipped=2
	assert_host_eq "$i" "debian plain" 'cat /srv/pkgsetup'
	assert_host_eq "$i" "one" 'cat /srv/part-one'
	assert_host_eq "$i" "two" 'cat /srv/part-two'
	assert_host_eq "$i" "announced" 'cat /srv/announced'
done

# The apply tags reach the included tasks (the include itself carries the
# tag too, as Ansible needs): with --tags items only the item files are
# written again.
assert_host 1 'rm -f /srv/part-one /srv/pkgsetup'
run_play --tags items "$pb"
assert_rc 0
assert_host_eq 1 "one" 'cat /srv/part-one'
assert_host 1 'test ! -e /srv/pkgsetup'
