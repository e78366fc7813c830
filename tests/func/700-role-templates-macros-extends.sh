#!/bin/bash
# A role whose templates are built the way larger roles build them: a
# macro library imported from the role's templates/, a layout the page
# templates extend (blocks, super()), partials included from the role,
# from the playbook's templates/ and from the template's own directory,
# a call block and a recursive loop, all as ansible-playbook writes them
# (the files' expected text is Ansible's); the same again changes nothing; a
# template that includes itself fails its task with a message instead of
# hanging, and the other hosts' runs go on.
. "$(dirname "$0")/lib.sh"

r=$T/roles/site
mkdir -p "$r/tasks" "$r/templates/pages" "$T/templates"
cat >"$r/tasks/main.yml" <<'EOF2'
- name: nginx site
  template: {src: site.conf.j2, dest: /srv/site.conf}
- name: page from a subdirectory
  template: {src: pages/index.html.j2, dest: /srv/index.html}
- name: a template that includes itself
  template: {src: loop.j2, dest: /srv/loop}
  when: inventory_hostname == 'h2'
  ignore_errors: true
  register: looped
- name: the error says why
  assert:
    that:
      - looped is failed
      - "'nested too deeply' in looped.msg"
  when: inventory_hostname == 'h2'
EOF2
cat >"$r/templates/macros.j2" <<'EOF2'
{% macro location(path, opts={}) -%}
    location {{ path }} {
{% for k, v in opts | dictsort %}
        {{ k }} {{ v }};
{% endfor %}
    }
{%- endmacro %}
{% macro box(title) %}[{{ title }}: {{ caller() | trim }}]{% endmacro %}
EOF2
cat >"$r/templates/site.conf.j2" <<'EOF2'
# {{ ansible_managed | comment }}
{% import 'macros.j2' as m %}
server {
    server_name {{ inventory_hostname }}.{{ domain }};
{% for l in locations %}
{{ m.location(l.path, l.opts | default({})) }}
{% endfor %}
{% include 'common-headers.j2' %}
}
{% call m.box('upstreams') %}
{{ upstreams | join(', ') }}
{% endcall %}
EOF2
cat >"$T/templates/common-headers.j2" <<'EOF2'
    add_header X-Served-By {{ inventory_hostname }};
EOF2
cat >"$r/templates/layout.html.j2" <<'EOF2'
<html>
<head><title>{% block title %}{{ domain }}{% endblock %}</title></head>
<body>
{% block body %}{% endblock %}
</body>
</html>
EOF2
cat >"$r/templates/pages/index.html.j2" <<'EOF2'
{% extends 'layout.html.j2' %}
{% block title %}Home - {{ super() }}{% endblock %}
{% block body %}
<h1>{{ self.title() }}</h1>
{% include 'menu.j2' %}
{% endblock %}
EOF2
cat >"$r/templates/pages/menu.j2" <<'EOF2'
<ul>
{% for item in menu recursive %}
<li>{{ item.name }}{% if item.sub is defined %}<ul>{{ loop(item.sub) }}</ul>{% endif %}</li>
{% endfor %}
</ul>
EOF2
printf 'x{%% include "loop.j2" %%}\n' >"$r/templates/loop.j2"

pb=$(playbook site.yml <<'EOF2'
- hosts: all
  gather_facts: false
  vars:
    domain: example.org
    upstreams: [app1, app2]
    locations:
      - {path: /, opts: {root: /srv/www, index: index.html}}
      - {path: /api}
    menu:
      - {name: home}
      - {name: docs, sub: [{name: guide}, {name: api}]}
  roles: [site]
EOF2
)

run_play "$pb"
assert_rc 0
assert_host_eq 1 '# #
# Ansible managed
#
server {
    server_name h1.example.org;
location / {
        index index.html;
        root /srv/www;
    }
location /api {
    }
    add_header X-Served-By h1;}
[upstreams: app1, app2]' 'cat /srv/site.conf'
assert_host_eq 1 '<html>
<head><title>Home - example.org</title></head>
<body>
<h1>Home - example.org</h1>
<ul>
<li>home</li>
<li>docs<ul><li>guide</li>
<li>api</li>
</ul></li>
</ul></body>
</html>' 'cat /srv/index.html'
assert_contains "$OUT" "nested too deeply"
assert_host 2 '! test -e /srv/loop' "the self-including template wrote nothing"
assert_recap h1 failed=0
assert_recap h2 failed=0

run_play "$pb"
assert_rc 0
assert_recap h1 changed=0
