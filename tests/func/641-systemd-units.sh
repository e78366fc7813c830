#!/bin/bash
# systemd units, on a host that really runs systemd: the test starts one
# (the base image plus the offline systemd .debs, systemd as pid 1 of its
# own pid/mount/uts/cgroup namespaces, sshd a unit of it on a free
# address).  A unit file is dropped in, daemon-reloaded, started and
# enabled; a second run changes nothing; restarted gets a new main pid;
# --check predicts stop+mask and changes nothing; then stopped and masked;
# service_facts sees systemd's units; a missing name and a wrong state
# fail.  Then on an ordinary test host with systemctl but no systemd
# running: enable/mask work on unit files, daemon-reload and a state fail
# saying systemd does not run the host.
. "$(dirname "$0")/lib.sh"

ip=$(free_addr)
base=$(findmnt -n -o OPTIONS "$TESTBED_DIR/hosts/h1/merged" | tr ',' '\n' | sed -n 's/^lowerdir=//p')
[ -d "$base" ] || fail "no base image under h1 ($base)"
sd=$T/sd
mkdir -p "$sd/upper" "$sd/work" "$sd/m"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$sd/upper,workdir=$sd/work" "$sd/m" ||
	fail "cannot mount the systemd host's overlay"
launcher=
cleanup() {
	[ -z "$launcher" ] || kill -KILL "$launcher" 2>/dev/null
	for n in $(seq 1 50); do [ -n "$launcher" ] && [ -d "/proc/$launcher" ] || break; sleep 0.1; done
	umount -R "$sd/m" 2>/dev/null || umount -l "$sd/m"
}
trap cleanup EXIT

m=$sd/m
chroot "$m" sh -c 'dpkg -i /srv/debs/systemd/*.deb' >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "systemd .debs do not install"; }
# Nothing that reaches past the namespaces: consoles, udev, kernel
# settings and modules; no database servers either.
chroot "$m" systemctl mask getty-static.service getty@.service serial-getty@.service \
	console-getty.service systemd-udevd.service systemd-udev-trigger.service \
	systemd-sysctl.service systemd-modules-load.service procps.service kmod.service \
	mariadb.service postgresql.service e2scrub_reap.service >/dev/null 2>&1
ssh-keygen -q -t ed25519 -N '' -f "$m/etc/ssh/ssh_host_ed25519_key"
install -m 0644 "$TESTBED_KEY.pub" "$m/etc/ssh/authorized_keys/root"
echo "SSHD_OPTS='-o ListenAddress=$ip'" >"$m/etc/default/ssh"
echo sd >"$m/etc/hostname"
setsid unshare --mount --pid --uts --cgroup --fork --kill-child \
	chroot "$m" /lib/systemd/systemd --system </dev/null >"$T/systemd.log" 2>&1 &
launcher=$!
up=
for n in $(seq 1 300); do
	if ssh-keyscan -T 1 -t ed25519 "$ip" >"$T/kh" 2>/dev/null && [ -s "$T/kh" ]; then up=1; break; fi
	[ -d "/proc/$launcher" ] || break
	sleep 0.1
done
[ -n "$up" ] || { cat "$T/systemd.log"; fail "the systemd host's sshd did not come up"; }
mkdir -p "$T/home/.ssh"
chmod 0700 "$T/home" "$T/home/.ssh"
cp "$T/kh" "$T/home/.ssh/known_hosts"
cat "$TESTBED_HOME/.ssh/config" >"$T/home/.ssh/config" 2>/dev/null
export CAIRN_HOME=$T/home
inv=$(inventory sd.ini <<EOF
sd ansible_host=$ip ansible_user=root ansible_ssh_private_key_file=$TESTBED_KEY
EOF
)
# sd_exec CMD: a command on the systemd host, through cairn's own transport.
sd_exec() { ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile="$T/kh" -i "$TESTBED_KEY" "root@$ip" "$@"; }

pb=$(playbook up.yml <<'YAML'
- hosts: sd
  gather_facts: false
  tasks:
    - copy:
        dest: /lib/systemd/system/cairn-demo.service
        content: |
          [Unit]
          Description=cairn test daemon
          [Service]
          ExecStart=/bin/sleep infinity
          ExecReload=/bin/true
          [Install]
          WantedBy=multi-user.target
    - systemd:
        name: cairn-demo
        state: started
        enabled: true
        daemon_reload: true
      register: s
    - assert:
        that:
          - s.name == 'cairn-demo'
          - s.state == 'started'
          - s.enabled
          - s.status.LoadState == 'loaded'
          - s.status.ActiveState in ['inactive', 'active']
YAML
)
run_play -i "$inv" "$pb"
assert_rc 0
assert_recap sd changed=2 failed=0
assert_eq active "$(sd_exec systemctl is-active cairn-demo)" "after start"
assert_eq enabled "$(sd_exec systemctl is-enabled cairn-demo)" "after enable"

note "second run: nothing to do"
run_play -i "$inv" "$pb"
assert_recap sd changed=0 failed=0

pid=$(sd_exec systemctl show -p MainPID --value cairn-demo)
pb2=$(playbook restart.yml <<'YAML'
- hosts: sd
  gather_facts: false
  tasks:
    - ansible.builtin.systemd_service: { name: cairn-demo.service, state: restarted }
      register: s
    - assert: { that: [ "s.state == 'started'", "s.status.ActiveState == 'active'" ] }
    - service: { name: cron, state: started }
YAML
)
run_play -i "$inv" "$pb2"
assert_rc 0
assert_recap sd failed=0
assert_ne "$pid" "$(sd_exec systemctl show -p MainPID --value cairn-demo)" "main pid after restart"

pb3=$(playbook down.yml <<'YAML'
- hosts: sd
  gather_facts: false
  tasks:
    - systemd: { name: cairn-demo, state: stopped, masked: true }
YAML
)
note "--check predicts stop and mask, changes nothing"
run_play -i "$inv" --check "$pb3"
assert_recap sd changed=1 failed=0
assert_eq active "$(sd_exec systemctl is-active cairn-demo)" "still running after --check"
run_play -i "$inv" "$pb3"
assert_recap sd changed=1 failed=0
assert_eq inactive "$(sd_exec systemctl is-active cairn-demo)" "stopped"
assert_eq masked "$(sd_exec systemctl is-enabled cairn-demo)" "masked"
run_play -i "$inv" "$pb3"
assert_recap sd changed=0 failed=0

pb4=$(playbook facts.yml <<'YAML'
- hosts: sd
  gather_facts: false
  tasks:
    - service_facts:
    - assert:
        that:
          - ansible_facts.services['cron.service'].state == 'running'
          - ansible_facts.services['cron.service'].source == 'systemd'
          - ansible_facts.services['cairn-demo.service'].status == 'masked'
          - ansible_facts.services['ssh.service'].status == 'enabled'
YAML
)
run_play -i "$inv" "$pb4"
assert_rc 0
assert_recap sd failed=0

pb5=$(playbook bad.yml <<'YAML'
- hosts: sd
  gather_facts: false
  tasks:
    - systemd: { name: no-such-unit, state: started }
      ignore_errors: true
    - systemd: { state: started }
YAML
)
run_play -i "$inv" "$pb5"
assert_ne 0 "$RC" "exit status"
assert_contains "$OUT" "missing parameter(s) required by 'state', 'enabled' or 'masked': name"
pb6=$(playbook bad2.yml <<'YAML'
- hosts: sd
  gather_facts: false
  tasks:
    - systemd: { name: no-such-unit, state: started }
      ignore_errors: true
    - systemd: { name: cron, state: begun }
YAML
)
run_play -i "$inv" "$pb6"
assert_ne 0 "$RC" "exit status"
assert_contains "$OUT" "begun"

note "a host with systemctl that systemd does not run"
unset CAIRN_HOME
host_exec 1 'dpkg -i /srv/debs/systemd/*.deb' >/dev/null 2>&1 || fail "systemd .debs do not install on h1"
pb7=$(playbook offline.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - systemd: { name: cron, enabled: false }
    - systemd: { name: cron, masked: true }
      register: m
    - assert: { that: [ "m.status == {}" ] }
    - systemd: { daemon_reload: true }
      ignore_errors: true
    - systemd: { name: cron, state: started }
      ignore_errors: true
YAML
)
run_play "$pb7"
assert_rc 0
assert_recap h1 changed=2 ignored=2
assert_contains "$OUT" "failure 1 during daemon-reload: System has not been booted with systemd as init system (PID 1)"
assert_contains "$OUT" "Service is in unknown state: systemd does not run this host, so cron cannot be started"
assert_host_eq 1 masked 'systemctl is-enabled cron'
run_play "$pb7"
assert_recap h1 changed=0 ignored=2
