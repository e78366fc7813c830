#!/bin/bash
# A controller script run on a host: its text piped to the interpreter of
# its #! line (or executable, or /bin/sh), its arguments as written, with
# creates/removes for a second run that changes nothing, chdir, --check,
# a binary through a temp file that does not stay, and shell's
# executable; a missing script and a relative chdir fail clearly.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/files"
cat >"$T/files/setup.sh" <<'EOF2'
#!/bin/bash
# bash only: arrays and [[ ]]
args=("$@")
[[ ${#args[@]} -eq 2 ]] || { echo "want 2 args, got ${#args[@]}" >&2; exit 4; }
read -r nothing || true
printf '%s|%s|%s|%s\n' "${args[0]}" "${args[1]}" "$(pwd)" "${nothing:-no stdin}" > /srv/setup.out
echo configured
EOF2
printf 'echo "plain $1" > /srv/plain.out\n' >"$T/plain.sh"
cp /bin/true "$T/files/truebin"

pb=$(playbook script.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - name: bash script with arguments
      script: setup.sh "two words" second
      args:
        chdir: /tmp
        creates: /srv/setup.out
      register: s
    - name: no shebang, explicit executable
      script:
        cmd: plain.sh arg
        executable: /bin/sh
        removes: /etc/hostname
        creates: /srv/plain.out
    - name: a binary
      script: truebin
      register: bin
      changed_when: false
    - name: shell with bash
      shell: "[[ -n x ]] && echo bash > /srv/shell.out"
      args:
        executable: /bin/bash
        creates: /srv/shell.out
    - copy:
        dest: /srv/results
        content: "{{ s.rc | default('skip') }} {{ s.stdout_lines | default([]) }} {{ bin.rc | default('') }}\n"
      when: s is not skipped
EOF2
)
before=$(host_exec 1 'ls /tmp | wc -l')
run_play "$pb"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host_eq 1 "two words|second|/tmp|no stdin" 'cat /srv/setup.out'
assert_host_eq 1 "plain arg" 'cat /srv/plain.out'
assert_host_eq 1 "bash" 'cat /srv/shell.out'
assert_host_eq 1 "0 ['configured'] 0" 'cat /srv/results'
assert_host_eq 1 "$before" 'ls /tmp | wc -l'

note "second run: creates/removes skip"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0 skipped=3

note "--check: predicted where creates says, skipped otherwise"
host_exec 1 'rm -f /srv/setup.out'
run_play --check "$pb"
assert_rc 0
assert_host 1 '[ ! -e /srv/setup.out ]'
assert_recap h1 failed=0

note "a missing script, a relative chdir"
pb2=$(playbook bad.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - script: nope.sh
      ignore_errors: true
    - script: setup.sh a b
      args: { chdir: tmp }
EOF2
)
run_play "$pb2"
assert_rc 2
assert_contains "$OUT" "Could not find or access 'nope.sh'"
assert_contains "$OUT" "chdir tmp must be an absolute path"
