#!/bin/bash
# include_vars as roles use it: a file found in vars/, the OS-specific file
# named by a fact, a directory walked in order with filters, name:, an
# include that wins over play vars, and Ansible's failures (a missing file,
# a file that is not a mapping) that ignore_errors and register see.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/vars/conf.d/more" "$T/roles/web/vars" "$T/roles/web/tasks"
printf 'port: 8080\nlisten: {addr: 0.0.0.0}\n' >"$T/vars/common.yml"
printf 'a: 1\n' >"$T/vars/conf.d/10-a.yml"
printf '{"b": 2}\n' >"$T/vars/conf.d/20-b.json"
printf 'c: 3\n' >"$T/vars/conf.d/more/30-c.yml"
printf 'not vars\n' >"$T/vars/conf.d/notes.txt"
printf -- '- a list\n' >"$T/vars/list.yml"
printf 'web_pkg: nginx-debian\n' >"$T/roles/web/vars/Debian.yml"
printf 'web_pkg: nginx-redhat\n' >"$T/roles/web/vars/RedHat.yml"
cat >"$T/roles/web/tasks/main.yml" <<'EOF'
- include_vars: "{{ ansible_os_family }}.yml"
- copy: { content: "{{ web_pkg }}\n", dest: /srv/web_pkg }
EOF

pb=$(playbook site.yml <<'EOF'
- hosts: h1
  gather_facts: true
  gather_subset: [min]
  vars:
    port: 80
  roles: [web]
  tasks:
    - include_vars: common.yml
      register: r_common
    - include_vars: { dir: vars/conf.d, ignore_unknown_extensions: true }
      register: r_dir
    - include_vars: { dir: vars/conf.d, depth: 1, files_matching: '^1', name: first }
    - include_vars: nope.yml
      ignore_errors: true
      register: r_missing
    - include_vars: list.yml
      ignore_errors: true
      register: r_list
    - copy:
        dest: /srv/vars.txt
        content: |
          port={{ port }} addr={{ listen.addr }} a={{ a }} b={{ b }} c={{ c }}
          first={{ first }}
          files={{ r_dir.ansible_included_var_files | map('basename') | list }}
          missing={{ r_missing is failed }} {{ 'Could not find or access' in r_missing.message }}
          list={{ r_list.message is search('must be stored as a dictionary/hash') }}
EOF
)
run_play "$pb"
assert_rc 0
assert_recap h1 failed=0 ignored=2
assert_host_eq 1 "nginx-debian" 'cat /srv/web_pkg'
assert_host_eq 1 "port=8080 addr=0.0.0.0 a=1 b=2 c=3
first={'a': 1}
files=['10-a.yml', '20-b.json', '30-c.yml']
missing=True True
list=True" 'cat /srv/vars.txt'

# A second run changes nothing; --check predicts nothing either.
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

# file and dir arguments together are refused, as Ansible does.
bad=$(playbook bad.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - include_vars: { file: vars/common.yml, depth: 1 }
EOF
)
run_play "$bad"
assert_rc 2
assert_contains "$OUT" "You are mixing file only and dir only arguments"
