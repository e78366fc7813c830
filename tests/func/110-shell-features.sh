#!/bin/bash
# shell with chdir, creates, removes and stdin; command with argv and no
# shell; raw.
. "$(dirname "$0")/lib.sh"

pb=$(playbook shell.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - name: chdir
      shell: pwd >where
      args:
        chdir: /srv

    - name: creates, first time
      shell: echo once >>/srv/count
      args:
        creates: /srv/count

    - name: creates, second time does nothing
      shell: echo twice >>/srv/count
      args:
        creates: /srv/count

    - name: removes, nothing to remove
      shell: echo ran >/srv/removes-ran
      args:
        removes: /srv/nothing-here

    - name: removes, something to remove
      shell: rm /srv/present && echo gone >/srv/present-gone
      args:
        removes: /srv/present

    - name: stdin
      shell: cat >/srv/stdin.txt
      args:
        stdin: hello from stdin

    - name: pipes, variables and exit codes are the shell's
      shell: "x=a; echo $x | tr a b >/srv/pipe; exit 3"
      register: three
      ignore_errors: true

    - name: argv, no shell involved
      command:
        argv:
          - printf
          - "%s|"
          - "a b"
          - "it's a;b"
      register: argv

    - name: command does not interpret shell syntax
      command: echo a > /srv/redirected
      register: literal

    - name: raw
      raw: echo raw-$((1 + 2)) >/srv/raw.txt

    - name: results to a file
      copy:
        content: "{{ three.rc }}\n{{ argv.stdout }}\n{{ literal.stdout }}\n"
        dest: /srv/results
EOF
)

host_exec 1 'touch /srv/present'
run_play "$pb"
assert_rc 0
assert_recap h1 failed=0 ignored=1
assert_host_eq 1 "/srv" 'cat /srv/where'
assert_host_eq 1 "once" 'cat /srv/count'
assert_host 1 'test ! -e /srv/removes-ran' "removes= ran the command"
assert_host 1 'test ! -e /srv/present' "removes= did not run the command"
assert_host_eq 1 "gone" 'cat /srv/present-gone'
assert_host_eq 1 "hello from stdin" 'cat /srv/stdin.txt'
assert_host_eq 1 "b" 'cat /srv/pipe'
assert_host 1 'test ! -e /srv/redirected' "command went through a shell"
assert_host_eq 1 "raw-3" 'cat /srv/raw.txt'
assert_host_eq 1 "3
a b|it's a;b|
a > /srv/redirected" 'cat /srv/results'
