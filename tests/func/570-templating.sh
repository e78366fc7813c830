#!/bin/bash
# A role's templates the way real roles write them: trim_blocks and
# lstrip_blocks as the task or a "#jinja2:" first line asks, other
# delimiters for files full of "{{", ansible_managed and template_path in
# a header, trailing newlines kept as Ansible keeps them, and lookups
# (first_found for OS-specific vars, file, password kept on the controller).
. "$(dirname "$0")/lib.sh"

r=$T/roles/web
mkdir -p "$r/tasks" "$r/templates" "$r/vars" "$r/files"
cat >"$r/tasks/main.yml" <<'EOF2'
- name: OS-specific vars
  set_fact:
    port: "{{ osvars.port }}"
    workers: "{{ osvars.workers }}"
  vars:
    osvars: "{{ lookup('file', lookup('first_found', params)) | from_yaml }}"
    params:
      files: ["{{ ansible_os_family | default('none') }}.yml", "Debian.yml"]
      paths: [vars]
- name: plain
  template: {src: app.conf.j2, dest: /srv/app.conf}
- name: lstrip
  template: {src: app.conf.j2, dest: /srv/app-lstrip.conf, lstrip_blocks: true}
- name: no trim
  template: {src: app.conf.j2, dest: /srv/app-notrim.conf, trim_blocks: false}
- name: header
  template: {src: header.j2, dest: /srv/header.conf}
- name: delimiters
  template:
    src: vue.j2
    dest: /srv/vue.html
    variable_start_string: "[["
    variable_end_string: "]]"
- name: lookups
  copy:
    dest: /srv/lookups
    content: "{{ lookup('file', 'motd') }}|{{ secret | length }}|{{ secret == lookup('password', 'creds/' ~ inventory_hostname) }}\n"
  vars:
    secret: "{{ lookup('password', 'creds/' ~ inventory_hostname ~ ' length=16') }}"
EOF2
printf 'port: 8080\nworkers: [a, b]\n' >"$r/vars/Debian.yml"
printf 'welcome\n' >"$r/files/motd"
cat >"$r/templates/app.conf.j2" <<'EOF2'
# {{ ansible_managed }} ({{ template_path }})
[main]
    {% for w in workers %}
    worker={{ w }}
    {% endfor %}
port={{ port }}{% if port > 1 %}!{% endif %}
EOF2
cat >"$r/templates/header.j2" <<'EOF2'
#jinja2: lstrip_blocks: True, trim_blocks: True
  {% if port %}
port {{ port }}
  {% endif %}


EOF2
cat >"$r/templates/vue.j2" <<'EOF2'
<p>{{ message }}</p> <b>[[ port ]]</b>
EOF2

pb=$(playbook site.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  roles: [web]
EOF2
)

run_play "$pb"
assert_rc 0
assert_host_eq 1 '# Ansible managed (app.conf.j2)$
[main]$
        worker=a$
        worker=b$
    port=8080!$' 'cat -A /srv/app.conf'
assert_host_eq 1 '# Ansible managed (app.conf.j2)$
[main]$
    worker=a$
    worker=b$
port=8080!$' 'cat -A /srv/app-lstrip.conf'
assert_host_eq 1 '# Ansible managed (app.conf.j2)$
[main]$
    $
    worker=a$
    $
    worker=b$
    $
port=8080!$' 'cat -A /srv/app-notrim.conf'
assert_host_eq 1 'port 8080$
$
$' 'cat -A /srv/header.conf'
assert_host_eq 1 '<p>{{ message }}</p> <b>8080</b>$' 'cat -A /srv/vue.html'
assert_host_eq 1 'welcome|16|True' 'cat /srv/lookups'
test -s "$T/creds/h1" || fail "the password lookup kept no file on the controller"
assert_eq "$(stat -c %a "$T/creds/h1")" 600

# the same again changes nothing: the password file is read back
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0
