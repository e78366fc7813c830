#!/bin/bash
# The merge-request review story: a pipeline runs the playbook with
# --check --diff --report-md and posts the file.  The report has the
# recap as a table, each task that would change or failed with its hosts,
# and one diff block per distinct diff (hosts with the same change share
# it); nothing on the hosts changes.  A run that changes nothing says so,
# and a real run reports "changed".
. "$(dirname "$0")/lib.sh"

reset_hosts
host_exec 1 'printf "Port 22\nPermitRootLogin yes\n" >/etc/app.conf'
host_exec 2 'printf "Port 22\nPermitRootLogin yes\n" >/etc/app.conf'
host_exec 3 'printf "Port 2222\nPermitRootLogin yes\n" >/etc/app.conf'

pb=$(playbook review.yml <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - name: no root login
      lineinfile:
        path: /etc/app.conf
        regexp: '^PermitRootLogin'
        line: PermitRootLogin no
    - name: the port
      lineinfile:
        path: /etc/app.conf
        regexp: '^Port'
        line: Port 2222
    - name: a check that fails on h3
      command: "true"
      changed_when: false
      failed_when: inventory_hostname == 'h3'
      check_mode: false
EOF2
)
before=$(host_digest 1 'cat /etc/app.conf')
run_play --check --diff --report-md "$T/report.md" "$pb"
assert_rc 2
assert_eq "$before" "$(host_digest 1 'cat /etc/app.conf')" "app.conf after --check"
R=$(cat "$T/report.md")
printf '%s\n' "$R" | sed 's/^/  md| /'
assert_contains "$R" "## cairn: $pb (check mode, diff)"
assert_contains "$R" '| `h1` | 3 | 2 | 0 | 0 | 0 | 0 | 0 |'
assert_contains "$R" '| `h3` | 2 | 1 | 0 | 1 | 0 | 0 | 0 |'
assert_contains "$R" "### no root login ($pb:4)"
assert_contains "$R" '- would change: `h1`, `h2`, `h3`'
# h1 and h2 would get the same edit of the port: one block for both
assert_contains "$R" '<details><summary>diff on h1, h2</summary>'
assert_contains "$R" '- failed on `h3`: rc=0'
assert_match "$R" '^[+]PermitRootLogin no$' "a diff line"
[ "$(printf '%s\n' "$R" | grep -c '^```diff$')" = 3 ] ||
	fail "expected 3 diff blocks (one per distinct change)"

run_play -l h1 --report-md "$T/real.md" "$pb"
assert_rc 0
assert_contains "$(cat "$T/real.md")" '- changed: `h1`'
run_play -l h1 --check --report-md "$T/again.md" "$pb"
assert_rc 0
assert_contains "$(cat "$T/again.md")" "Nothing would change."
assert_not_contains "$(cat "$T/again.md")" "###"
