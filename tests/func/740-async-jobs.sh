#!/bin/bash
# Long commands as async jobs on the target, as Ansible runs them: polled
# until done (ok, failed with its rc, or given up on after "async"
# seconds and killed), fired and forgotten with poll: 0 then found with
# async_status, even across a new connection; the job files under
# ~/.ansible_async; creates makes a second run change nothing; check mode,
# a module that refuses async, and bad async_status input fail clearly.
. "$(dirname "$0")/lib.sh"

pb=$(playbook async.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - name: polled job
      shell: echo out; echo err >&2; touch /srv/polled
      args: { creates: /srv/polled }
      async: 30
      poll: 1
      register: polled
    - name: failing job
      command: sh -c 'echo no >&2; exit 3'
      async: 30
      poll: 1
      register: failing
      ignore_errors: true
    - name: too slow
      shell: sleep 30; touch /srv/slow
      async: 2
      poll: 1
      register: slow
      ignore_errors: true
    - name: fire and forget
      shell: sleep 2; echo done > /srv/bg
      args: { creates: /srv/bg }
      async: 60
      poll: 0
      register: bg
    - name: the job outlives the connection
      meta: reset_connection
    - name: wait for it
      async_status: { jid: "{{ bg.ansible_job_id }}" }
      register: job
      until: job.finished
      retries: 30
      delay: 1
      when: bg.ansible_job_id is defined
    - name: the job file is still there
      command: test -f "{{ job.results_file }}"
      changed_when: false
      when: job.results_file is defined
    - name: clean up
      async_status: { jid: "{{ bg.ansible_job_id }}", mode: cleanup }
      register: gone
      when: bg.ansible_job_id is defined
    - name: unknown job
      async_status: { jid: j1.1 }
      register: unknown
      ignore_errors: true
    - copy:
        dest: /srv/report
        content: |
          polled={{ polled.rc | default('skip') }} {{ polled.stdout | default('') }} {{ polled.stderr | default('') }} {{ polled.finished | default('') }}
          failing={{ failing.rc }} {{ failing.msg }} {{ failing.stderr_lines }}
          slow={{ slow.msg }} {{ slow.async_result.finished }}
          bg={{ bg.started | default('') }} {{ bg.finished | default('') }} {{ (bg.results_file | default('')).startswith('/root/.ansible_async/j') }}
          job={{ job.stdout | default('') }} {{ job.rc | default('') }} {{ job.finished | default('') }}
          gone={{ gone.erased | default('') == job.results_file | default('') }}
          unknown={{ unknown.msg }} {{ unknown.finished }}
EOF2
)
run_play "$pb"
assert_rc 0
assert_contains "$OUT" "ASYNC OK on h1: jid="
assert_contains "$OUT" "ASYNC FAILED on h1: jid="
assert_contains "$OUT" "ASYNC POLL on h1: jid="
assert_recap h1 failed=0 ignored=3
assert_host_eq 1 "polled=0 out err 1
failing=3 non-zero return code ['no']
slow=async task did not complete within the requested time - 2s 0
bg=1 0 True
job= 0 1
gone=True
unknown=could not find job 1" 'cat /srv/report'
assert_host_eq 1 "done" 'cat /srv/bg'
# the slow job was killed, not left to finish
sleep 1
assert_host 1 "! pgrep -f '^sleep 30'" "the slow job is gone"
assert_host 1 '[ ! -e /srv/slow ]' "the slow job did not finish"
assert_host 1 '[ -z "$(ls /root/.ansible_async | grep -v "^j.*" )" ]'

note "second run: the creates jobs do not run again"
run_play "$pb"
assert_rc 0
assert_recap h1 failed=0

note "check mode and async do not go together, as in Ansible"
pb2=$(playbook check.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - shell: touch /srv/checked
      async: 10
      poll: 1
EOF2
)
run_play --check "$pb2"
assert_rc 2
assert_contains "$OUT" "check mode and async cannot be used on same task."
assert_host 1 '[ ! -e /srv/checked ]'

note "script refuses async; async_status needs a jid and a known mode"
printf '#!/bin/sh\necho hi\n' >"$T/hi.sh"
pb3=$(playbook bad.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - script: hi.sh
      async: 10
      ignore_errors: true
    - async_status: { mode: status }
      ignore_errors: true
    - async_status: { jid: x, mode: kill }
EOF2
)
run_play "$pb3"
assert_rc 2
assert_contains "$OUT" "async is not supported for this task."
assert_contains "$OUT" "jid"
assert_contains "$OUT" "kill"
assert_recap h1 failed=1 ignored=2
