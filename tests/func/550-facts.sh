#!/bin/bash
# A user writes playbooks against Ansible's facts: the same names and shapes
# on a host without Python, gathered in one command per host, narrowed by
# gather_subset and filter, extended by custom facts in facts.d, reused by a
# later play and forgotten with meta: clear_facts.
. "$(dirname "$0")/lib.sh"

# Every command of the gathering runs uname.  The shim records, for each
# call, the subshell that cairn's persistent shell (the sh whose parent is
# sshd) started for the command: one pid per command cairn sent.  (sshd's
# motd scripts run uname too, outside any such subshell.)
cat >"$T/uname.sh" <<'EOF'
#!/bin/sh
ppid() { set -- $(cat "/proc/$1/stat" 2>/dev/null); echo "${4:-0}"; }
p=$$
while [ "$p" -gt 1 ]; do
	pp=$(ppid "$p")
	[ "$pp" -gt 1 ] || break
	if [ "$(cat "/proc/$p/comm")" = sh ] &&
	    [ "$(cat "/proc/$pp/comm")" = sh ]; then
		case $(cat "/proc/$(ppid "$pp")/comm") in
		sshd*) echo "$p" >>/tmp/uname.log; break ;;
		esac
	fi
	p=$pp
done
exec /usr/bin/uname "$@"
EOF
for i in 1 2 3; do
	host_exec "$i" 'rm -f /tmp/uname.log; mkdir -p /usr/local/bin &&
	    cat >/usr/local/bin/uname && chmod 755 /usr/local/bin/uname' <"$T/uname.sh"
done
groups_seen() { host_exec "$1" 'sort -u /tmp/uname.log 2>/dev/null | wc -l'; }

pb=$(playbook facts.yml <<'EOF'
- name: names and shapes
  hosts: testhosts
  tasks:
    - name: facts as Ansible names them
      assert:
        that:
          - ansible_facts.distribution == ansible_distribution
          - ansible_distribution == 'Debian'
          - ansible_os_family == 'Debian'
          - ansible_distribution_major_version == '12'
          - ansible_distribution_release == 'bookworm'
          - ansible_distribution_version is string
          - ansible_distribution_file_variety == 'Debian'
          - ansible_pkg_mgr == 'apt'
          - ansible_service_mgr is string
          - ansible_hostname == inventory_hostname
          - ansible_nodename == inventory_hostname
          - ansible_fqdn is string
          - ansible_domain is string
          - ansible_system == 'Linux'
          - ansible_machine == ansible_architecture
          - ansible_userspace_bits == '64'
          - ansible_kernel is string
          - ansible_kernel_version is string
          - ansible_user_id == 'root'
          - ansible_user_uid == 0
          - ansible_user_gid == 0
          - ansible_user_dir == '/root'
          - ansible_user_gecos == 'root'
          - ansible_user_shell is string
          - ansible_env.HOME == '/root'
          - ansible_env is mapping
          - ansible_date_time.year | int >= 2024
          - ansible_date_time.epoch is string
          - ansible_date_time.iso8601 is string
          - ansible_memtotal_mb is integer
          - ansible_memtotal_mb > 0
          - ansible_memfree_mb is integer
          - ansible_memory_mb.real.total == ansible_memtotal_mb
          - ansible_memory_mb.swap.total is integer
          - ansible_processor is sequence
          - ansible_processor_count >= 1
          - ansible_processor_cores >= 1
          - ansible_processor_threads_per_core >= 1
          - ansible_processor_vcpus >= 1
          - ansible_processor_nproc >= 1
          - ansible_mounts is sequence
          - ansible_devices is mapping
          - ansible_device_links.uuids is mapping
          - ansible_uptime_seconds is integer
          - "'lo' in ansible_interfaces"
          - ansible_lo.ipv4.address == '127.0.0.1'
          - ansible_lo.type == 'loopback'
          - ansible_lo.active
          - ansible_lo.mtu is integer
          - ansible_all_ipv4_addresses is sequence
          - ansible_all_ipv6_addresses is sequence
          - ansible_default_ipv4 is mapping
          - ansible_default_ipv6 is mapping
          - ansible_dns is mapping
          - ansible_selinux.status == 'disabled'
          - ansible_apparmor.status is string
          - ansible_lsb is mapping
          - ansible_fips is boolean
          - ansible_cmdline is mapping
          - ansible_proc_cmdline is mapping
          - ansible_virtualization_type is string
          - ansible_virtualization_role is string
          - ansible_virtualization_tech_guest is sequence
          - ansible_local == {}
          - ansible_facts.gather_subset == ['all']
          - ansible_facts.module_setup
          - ansible_ssh_host_key_ed25519_public_keytype == 'ssh-ed25519'
          # the default test bed has no Python: no python fact
          - ansible_python is not defined

    - name: kernel
      debug:
        msg: "kernel={{ ansible_kernel }} machine={{ ansible_machine }} mem={{ ansible_memtotal_mb }}"
EOF
)

run_play "$pb"
assert_rc 0
assert_contains "$OUT" "TASK [Gathering Facts]"
assert_not_contains "$OUT" "fatal:"
for i in 1 2 3; do
	assert_recap "h$i" ok=3 failed=0
	k=$(host_exec "$i" 'uname -r')
	m=$(host_exec "$i" 'uname -m')
	mem=$(host_exec "$i" "awk '/^MemTotal:/ { print int(\$2 / 1024) }' /proc/meminfo")
	assert_contains "$OUT" "\"msg\": \"kernel=$k machine=$m mem=$mem\""
	# one command per host gathered everything
	assert_eq 1 "$(groups_seen "$i")" "commands of the gathering on h$i"
done

# A later play reuses the facts; clear_facts forgets them, so the next play
# gathers again; an explicit setup always asks the host.
for i in 1 2 3; do host_exec "$i" 'rm -f /tmp/uname.log'; done
pb=$(playbook cache.yml <<'EOF'
- hosts: testhosts
  tasks:
    - debug: msg="first {{ ansible_hostname }}"
- hosts: testhosts
  tasks:
    - debug: msg="reused {{ ansible_hostname }}"
    - meta: clear_facts
    - assert:
        that: ansible_hostname is not defined
- hosts: testhosts
  tasks:
    - debug: msg="again {{ ansible_hostname }}"
    - setup:
    - debug: msg="setup {{ ansible_hostname }}"
EOF
)
run_play -f 1 -l h1 "$pb"
assert_rc 0
assert_contains "$OUT" "\"msg\": \"reused h1\""
assert_contains "$OUT" "\"msg\": \"again h1\""
assert_contains "$OUT" "\"msg\": \"setup h1\""
assert_eq 3 "$(groups_seen 1)" "gathering commands over three plays"

# gather_subset on the play and on setup; filter; a bad subset.
pb=$(playbook subsets.yml <<'EOF'
- name: network only
  hosts: h1
  gather_subset: ['!all', '!min', 'network']
  tasks:
    - assert:
        that:
          - ansible_interfaces is defined
          - ansible_lo is defined
          - ansible_hostname is defined
          - ansible_env is not defined
          - ansible_memtotal_mb is not defined
          - ansible_virtualization_type is not defined
          - ansible_facts.gather_subset == ['!all', '!min', 'network']

- name: more than the cache holds is gathered again
  hosts: h1
  gather_subset: hardware
  tasks:
    - assert:
        that:
          - ansible_memtotal_mb is defined
          - ansible_env is defined
          - ansible_mounts is defined

- name: setup's own arguments
  hosts: h1
  gather_facts: false
  tasks:
    - setup:
        gather_subset: '!all'
      register: min
    - setup:
        filter:
          - ansible_lo
          - '*_mb'
      register: some
    - setup:
        gather_subset: virtual,!min
      register: virt
    - assert:
        that:
          # a module result names facts as Ansible's setup does
          - min.ansible_facts.ansible_env is defined
          - min.ansible_facts.ansible_interfaces is not defined
          - min.ansible_facts.ansible_memtotal_mb is not defined
          - min.ansible_facts.gather_subset == ['!all']
          - some.ansible_facts | list | sort == ['ansible_lo', 'ansible_memfree_mb', 'ansible_memory_mb', 'ansible_memtotal_mb', 'ansible_swapfree_mb', 'ansible_swaptotal_mb']
          - virt.ansible_facts.ansible_virtualization_role is defined
          - virt.ansible_facts.ansible_hostname is not defined
          - virt.ansible_facts.module_setup
          - not some.changed
    - setup:
        gather_subset: bogus
EOF
)
run_play "$pb"
assert_rc 2
assert_contains "$OUT" "Bad subset 'bogus' given to Ansible. gather_subset options allowed: all"
assert_recap h1 failed=1
assert_not_contains "$OUT" "Assertion failed"

# Custom facts: JSON, INI, an executable, a broken one, a slow one cut by
# gather_timeout, and another directory with fact_path.
pb=$(playbook local.yml <<'EOF'
- hosts: h2
  gather_facts: false
  tasks:
    - file: path=/etc/ansible/facts.d state=directory
    - copy:
        dest: /etc/ansible/facts.d/app.fact
        content: '{"version": "1.2", "workers": 4}'
    - copy:
        dest: /etc/ansible/facts.d/site.fact
        content: |
          [general]
          Owner = ops
          tier: gold
    - copy:
        dest: /etc/ansible/facts.d/gen.fact
        mode: '0755'
        content: |
          #!/bin/sh
          echo '{"generated": true, "by": "'"$(id -un)"'"}'
    - copy:
        dest: /etc/ansible/facts.d/broken.fact
        content: "neither json nor ini\n"
    - copy:
        dest: /etc/ansible/facts.d/slow.fact
        mode: '0755'
        content: |
          #!/bin/sh
          sleep 60
          echo '{"late": true}'
    - file: path=/srv/facts state=directory
    - copy:
        dest: /srv/facts/other.fact
        content: '{"where": "srv"}'
    - setup:
        gather_timeout: 2
    - assert:
        that:
          - ansible_local.app.version == '1.2'
          - ansible_local.app.workers == 4
          - ansible_local.site.general.owner == 'ops'
          - ansible_local.site.general.tier == 'gold'
          - ansible_local.gen.generated
          - ansible_local.gen.by == 'root'
          - ansible_local.broken is string
          - "'error loading facts' in ansible_local.broken"
          - ansible_local.slow is string
          - ansible_local.other is not defined
    - setup:
        fact_path: /srv/facts
        gather_subset: '!all'
    - assert:
        that:
          - ansible_local.other.where == 'srv'
          - ansible_local.app is not defined
EOF
)
start=$(date +%s)
run_play "$pb"
assert_rc 0
assert_recap h2 failed=0
[ $(($(date +%s) - start)) -lt 40 ] || fail "gather_timeout did not cut the slow fact"

for i in 1 2 3; do host_exec "$i" 'rm -f /usr/local/bin/uname /tmp/uname.log'; done
