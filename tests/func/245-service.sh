#!/bin/bash
# A SysV service on a host without systemd: an init script (a sleep loop
# with a pidfile and status) copied by the playbook, started, enabled at
# boot through update-rc.d, restarted, reloaded, stopped and disabled;
# each state checked on the host; a second run and --check change nothing.
. "$(dirname "$0")/lib.sh"

playbook files/cairn-demo >/dev/null <<'EOF2'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          cairn-demo
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: cairn test daemon
### END INIT INFO
PIDFILE=/run/cairn-demo.pid
LOG=/var/log/cairn-demo.log
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case "$1" in
start)
	running && exit 0
	start-stop-daemon --start --background --make-pidfile \
		--pidfile "$PIDFILE" --exec /bin/sh -- -c 'while :; do sleep 1; done'
	echo start >>"$LOG" ;;
stop)
	if running; then kill "$(cat "$PIDFILE")"; fi
	rm -f "$PIDFILE"
	echo stop >>"$LOG" ;;
restart) "$0" stop; "$0" start ;;
reload|force-reload) running || exit 7; echo reload >>"$LOG" ;;
status)
	if running; then echo "cairn-demo is running"; exit 0; fi
	echo "cairn-demo is not running"; exit 3 ;;
*) echo "usage: $0 {start|stop|restart|reload|status}" >&2; exit 2 ;;
esac
exit 0
EOF2

running() { host_exec 1 '/etc/init.d/cairn-demo status >/dev/null 2>&1' && echo yes || echo no; }

pb=$(playbook up.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - copy: src=cairn-demo dest=/etc/init.d/cairn-demo mode=0755
    - service: name=cairn-demo state=started enabled=yes
      register: s
    - assert:
        that:
          - s.name == 'cairn-demo'
          - s.state == 'started'
          - s.enabled
YAML
)
note "check mode: the script is not copied, so the service is not found"
run_play --check "$pb"
assert_rc 2
assert_host 1 '! test -e /etc/init.d/cairn-demo'
run_play "$pb"
assert_rc 0
assert_recap h1 changed=2 failed=0
assert_eq yes "$(running)" "running after start"
assert_host 1 'ls /etc/rc2.d/S??cairn-demo' "S link"

note "second run and --check: nothing to do"
run_play "$pb"
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

pb2=$(playbook cycle.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - systemd: name=cairn-demo state=restarted
    - ansible.builtin.sysvinit: name=cairn-demo state=reloaded
YAML
)
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=2
assert_host_eq 1 "start stop start reload" "tr '\n' ' ' </var/log/cairn-demo.log | sed 's/ \$//'"
assert_eq yes "$(running)" "running after restart"

pb3=$(playbook down.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - service: name=cairn-demo state=stopped enabled=no
      register: s
    - assert: { that: [ "s.state == 'stopped'", "not s.enabled" ] }
YAML
)
note "--check predicts the stop and changes nothing"
run_play --check "$pb3"
assert_recap h1 changed=1
assert_eq yes "$(running)" "still running after --check"
run_play "$pb3"
assert_rc 0
assert_recap h1 changed=1 failed=0
assert_eq no "$(running)" "stopped"
assert_host 1 '! ls /etc/rc2.d/S??cairn-demo' "no S link"
run_play "$pb3"
assert_recap h1 changed=0

pb4=$(playbook missing.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - service: name=no-such-service state=started
YAML
)
run_play "$pb4"
assert_rc 2
assert_contains "$OUT" "Could not find the requested service no-such-service: host"
