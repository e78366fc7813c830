#!/bin/bash
# The keywords that shape a run: throttle (at most N hosts on a task at
# once), run_once with delegate_to and delegate_facts, loop_control's
# pause, extended, label and index_var, meta end_batch (the next batch
# still runs) against end_play (no more batches), set_stats, and pause
# (timed, and a prompt that does not wait without a terminal).
. "$(dirname "$0")/lib.sh"

log=$T/throttle.log
pb=$(playbook keywords.yml <<EOF2
- hosts: testhosts
  gather_facts: false
  tasks:
    - name: one host at a time
      shell: echo "start {{ inventory_hostname }}" >>$log; sleep 1; echo "end {{ inventory_hostname }}" >>$log
      delegate_to: localhost
      throttle: 1
      changed_when: false
    - name: everyone learns it
      set_fact: { told: "{{ inventory_hostname }}" }
      run_once: true
    - name: only the delegate learns it
      set_fact: { secret: "{{ inventory_hostname }}" }
      run_once: true
      delegate_to: h3
      delegate_facts: true
    - name: loop details
      debug: msg="{{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.previtem | default('-') }} {{ i }} {{ ansible_loop.last }}"
      loop: [a, b, c]
      loop_control: { extended: true, pause: 1, index_var: i, label: "L{{ item }}" }
      register: looped
      run_once: true
    - name: stats
      set_stats: { data: { n: 1, names: ["{{ inventory_hostname }}"] }, per_host: false }
      register: stats
    - name: a short pause
      pause: { seconds: 1 }
      register: paused
    - name: nobody to answer
      pause: { prompt: "go on?" }
      register: asked
    - copy:
        dest: /srv/kw
        content: |
          told={{ told }} secret={{ secret | default('none') }}
          loop={{ looped.results | map(attribute='msg') | list }}
          stats={{ stats.ansible_stats.data.n }} {{ stats.ansible_stats.aggregate }}
          paused={{ paused.stdout is match('Paused for [0-9.]+ seconds$') }} {{ paused.delta >= 1 }}
          asked={{ asked.user_input == '' }} {{ asked.stdout }}
EOF2
)
run_play -f 3 "$pb"
assert_rc 0
assert_recap h1 failed=0
assert_recap h2 failed=0
assert_recap h3 failed=0
# throttle: every start is followed by its own end
note "$(cat "$log")"
assert_eq 6 "$(wc -l <"$log")" "throttle log lines"
assert_eq "" "$(paste -d' ' - - <"$log" | awk '$1 != "start" || $3 != "end" || $2 != $4')" "overlapping hosts"
assert_host_eq 1 "told=h1 secret=none" 'head -1 /srv/kw'
assert_host_eq 2 "told=h1 secret=none" 'head -1 /srv/kw'
assert_host_eq 3 "told=h1 secret=h1" 'head -1 /srv/kw'
assert_host_eq 1 "loop=['1/3 - 0 False', '2/3 a 1 False', '3/3 b 2 True']
stats=1 True
paused=True True
asked=True Paused for 0.0 minutes" 'tail -4 /srv/kw'
assert_contains "$OUT" "(item=La)"
# run_once, pause and add_host show the first host only
assert_eq 1 "$(printf '%s\n' "$OUT" | grep -A2 'TASK \[a short pause\]' | grep -c '^ok')" "pause lines"

note "end_batch ends the batch, end_play the play"
pb2=$(playbook batches.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  serial: 1
  tasks:
    - copy: { dest: /srv/b1, content: "1\n" }
    - meta: end_batch
      when: inventory_hostname == 'h2'
    - copy: { dest: /srv/b2, content: "2\n" }

- hosts: testhosts
  gather_facts: false
  serial: 1
  tasks:
    - copy: { dest: /srv/p1, content: "1\n" }
    - meta: end_play
      when: inventory_hostname == 'h2'
    - copy: { dest: /srv/p2, content: "2\n" }
EOF2
)
run_play "$pb2"
assert_rc 0
assert_host 1 '[ -e /srv/b1 ] && [ -e /srv/b2 ] && [ -e /srv/p1 ] && [ -e /srv/p2 ]'
assert_host 2 '[ -e /srv/b1 ] && [ ! -e /srv/b2 ] && [ -e /srv/p1 ] && [ ! -e /srv/p2 ]'
assert_host 3 '[ -e /srv/b1 ] && [ -e /srv/b2 ] && [ ! -e /srv/p1 ]'

note "second run changes nothing"
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=0
assert_recap h3 changed=0

note "bad input"
pb3=$(playbook bad.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - set_stats: { data: { "not valid": 1 } }
      ignore_errors: true
    - pause: { seconds: 1, minutes: 1 }
      ignore_errors: true
    - set_stats: { per_host: true }
EOF2
)
run_play "$pb3"
assert_rc 2
assert_contains "$OUT" "The variable name 'not valid' is not valid"
assert_contains "$OUT" "mutually exclusive: minutes|seconds"
assert_contains "$OUT" "data"
assert_recap h1 failed=1 ignored=2

note "a run_once failure is every host's, as in Ansible"
pb4=$(playbook once-fails.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - command: "false"
      run_once: true
    - copy: { dest: /srv/after-once, content: "x\n" }
EOF2
)
run_play "$pb4"
assert_rc 2
assert_recap h1 failed=1
assert_eq "" "$(recap_line h2)" "h2's recap line"
assert_host 2 '[ ! -e /srv/after-once ]'
