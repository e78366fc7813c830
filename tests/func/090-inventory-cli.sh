#!/bin/bash
# `cairn inventory` shows what an INI inventory with children, vars and
# ranges means, without contacting anyone.
. "$(dirname "$0")/lib.sh"

inv=$(inventory hosts.ini <<'EOF'
# a comment
solo.example.com

[web]
web[01:03].example.com http_port=8080

[db]
db1 ansible_host=10.0.0.5 ansible_port=2222

[app:children]
web
db

[app:vars]
env=prod

[web:vars]
role=frontend
EOF
)

# JSON is compared with whitespace removed, so layout does not matter.
squeeze() { printf '%s' "$1" | tr -d ' \t\n'; }

run_cairn inventory -i "$inv" --list
assert_rc 0
j=$(squeeze "$OUT")
for h in web01.example.com web02.example.com web03.example.com db1 solo.example.com; do
	assert_contains "$j" "\"$h\"" "--list"
done
assert_not_contains "$j" "web04" "--list"
assert_not_contains "$j" "web00" "--list"
assert_match "$j" '"web":\{"hosts":\["web01.example.com","web02.example.com","web03.example.com"\]' "--list web group"
assert_match "$j" '"app":\{"children":\["(db","web|web","db)"\]' "--list app children"
assert_match "$j" '"ungrouped":\{"hosts":\["solo.example.com"\]' "--list ungrouped"
assert_contains "$j" '"_meta":{"hostvars":{' "--list"
# hostvars carry the group vars they inherit.
assert_match "$j" '"web02.example.com":\{[^}]*"env":"prod"' "web02's hostvars"
assert_match "$j" '"web02.example.com":\{[^}]*"role":"frontend"' "web02's hostvars"
assert_match "$j" '"db1":\{[^}]*"ansible_host":"10.0.0.5"' "db1's hostvars"

run_cairn inventory -i "$inv" --graph
assert_rc 0
assert_contains "$OUT" "@all:"
assert_contains "$OUT" "  |--@app:"
assert_contains "$OUT" "  |  |--@web:"
assert_contains "$OUT" "  |  |  |--web02.example.com"
assert_contains "$OUT" "  |  |--@db:"
assert_contains "$OUT" "  |  |  |--db1"
assert_contains "$OUT" "  |--@ungrouped:"
assert_contains "$OUT" "  |  |--solo.example.com"

run_cairn inventory -i "$inv" --graph web
assert_rc 0
assert_contains "$OUT" "@web:"
assert_contains "$OUT" "  |--web03.example.com"
assert_not_contains "$OUT" "db1"

run_cairn inventory -i "$inv" --host web02.example.com
assert_rc 0
j=$(squeeze "$OUT")
assert_contains "$j" '"env":"prod"'
assert_contains "$j" '"role":"frontend"'
assert_match "$j" '"http_port":"?8080"?'
assert_not_contains "$j" "10.0.0.5"

run_cairn inventory -i "$inv" --host db1
assert_rc 0
j=$(squeeze "$OUT")
assert_contains "$j" '"ansible_host":"10.0.0.5"'
assert_match "$j" '"ansible_port":"?2222"?'
assert_not_contains "$j" "frontend"

run_cairn inventory -i "$inv" --host nosuchhost
assert_ne 0 "$RC" "exit status for an unknown host"

# A YAML inventory means the same.
yinv=$(inventory hosts.yml <<'EOF'
all:
  children:
    app:
      vars:
        env: prod
      children:
        web:
          hosts:
            web[01:02].example.com:
              http_port: 8080
EOF
)
run_cairn inventory -i "$yinv" --host web02.example.com
assert_rc 0
j=$(squeeze "$OUT")
assert_contains "$j" '"env":"prod"'
assert_contains "$j" '"http_port":8080'

# Options without a mode are bad options.
run_cairn inventory -i "$inv"
assert_rc 5

# --version says what a user checks first: config file, module path,
# the libraries.
printf '[defaults]\nlibrary = %s/lib\n' "$T" >"$T/ansible.cfg"
OUT=$(cd "$T" && "$CAIRN" --version 2>&1)
assert_match "$OUT" '^cairn [0-9]' "--version"
assert_contains "$OUT" "config file = $T/ansible.cfg"
assert_contains "$OUT" "configured module search path = $T/lib"
for lib in libssh libyaml pcre2 lua libcrypto; do
	assert_match "$OUT" "^  $lib = [^ ]" "--version ($lib)"
done
