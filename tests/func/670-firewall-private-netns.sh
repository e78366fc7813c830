#!/bin/bash
# A host's firewall with iptables and ufw.  The test hosts share the
# machine's network namespace, so the test first gives h1 a private one:
# root's login shell on h1 becomes a wrapper that enters it, so every
# command cairn runs there (and ufw's and iptables' children) sees only
# that namespace, and the test checks that before any firewall task; the
# host-side checks enter it with nsenter.  Nothing here touches the
# machine's own firewall.  iptables: rules appended, inserted, in a new
# chain, for IPv6, a policy, a flush; ufw: enabled with defaults, rules,
# logging, a rule deleted.  --check predicts, a second run changes
# nothing, bad input fails clearly.
. "$(dirname "$0")/lib.sh"

NS=/run/cairn-fw/net
host_exec 1 "set -e
mkdir -p /run/cairn-fw
touch $NS
unshare --net=$NS true
cat >/usr/local/sbin/fw-shell <<'SH'
#!/bin/sh
# root's logins run inside the test's private network namespace, or fail
exec nsenter --net=$NS /bin/sh \"\$@\"
SH
chmod 755 /usr/local/sbin/fw-shell
usermod -s /usr/local/sbin/fw-shell root" || fail "cannot set up the private network namespace"

# fw CMD: CMD on h1 inside the private namespace
fw() {
	host_exec 1 "nsenter --net=$NS sh -c '$1'"
}

note "cairn's commands on h1 see the private namespace only"
pb0=$(playbook netns.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - command: sed -n 's/^ *\([^:]*\):.*/\1/p' /proc/net/dev
      register: ifs
    - assert: { that: [ "ifs.stdout_lines == ['lo']" ] }
YAML
)
run_play "$pb0"
assert_rc 0
assert_recap h1 failed=0

pb=$(playbook iptables.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - iptables:
        chain: INPUT
        ctstate: [ESTABLISHED, RELATED]
        jump: ACCEPT
    - ansible.builtin.iptables:
        chain: INPUT
        protocol: tcp
        destination_port: "22"
        source: "!192.0.2.0/24"
        jump: ACCEPT
        comment: "ssh from anywhere but the test net"
      register: ssh
    - iptables:
        chain: INPUT
        action: insert
        rule_num: "1"
        in_interface: lo
        jump: ACCEPT
    - iptables:
        chain: WEB
        chain_management: yes
        protocol: tcp
        destination_ports: ["80", "443"]
        jump: ACCEPT
    - iptables:
        chain: INPUT
        protocol: tcp
        limit: 5/minute
        log_prefix: "dropped "
        log_level: info
    - iptables: chain=INPUT policy=DROP
    - iptables:
        ip_version: ipv6
        chain: INPUT
        protocol: ipv6-icmp
        jump: ACCEPT
    - assert:
        that:
          - ssh.rule == '-p tcp ! -s 192.0.2.0/24 -j ACCEPT --destination-port 22 -m comment --comment ssh from anywhere but the test net'
          - ssh.chain == 'INPUT' and ssh.table == 'filter'
YAML
)
note "--check predicts and changes nothing"
before=$(fw 'iptables-save | grep -v "^#"; ip6tables-save | grep -v "^#"')
run_play --check "$pb"
assert_rc 0
assert_recap h1 changed=7 failed=0
assert_eq "$before" "$(fw 'iptables-save | grep -v "^#"; ip6tables-save | grep -v "^#"')" "rules after --check"

run_play "$pb"
assert_rc 0
assert_recap h1 changed=7 failed=0
assert_host_eq 1 '-P INPUT DROP
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N WEB
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT ! -s 192.0.2.0/24 -p tcp -m tcp --dport 22 -m comment --comment "ssh from anywhere but the test net" -j ACCEPT
-A INPUT -p tcp -m limit --limit 5/min -j LOG --log-prefix "dropped " --log-level 6
-A WEB -p tcp -m multiport --dports 80,443 -j ACCEPT' "nsenter --net=$NS iptables -S"
assert_host 1 "nsenter --net=$NS ip6tables -S INPUT | grep -q -- '-p ipv6-icmp -j ACCEPT'"

note "second run and --check: nothing to do"
run_play "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb"
assert_recap h1 changed=0 failed=0

pb2=$(playbook undo.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - iptables: chain=INPUT in_interface=lo jump=ACCEPT state=absent
    - iptables: chain=WEB flush=yes
    - iptables: chain=WEB chain_management=yes state=absent
    - iptables: chain=INPUT policy=ACCEPT
YAML
)
run_play "$pb2"
assert_rc 0
assert_recap h1 changed=4 failed=0
assert_host 1 "! nsenter --net=$NS iptables -S | grep -q -- '-i lo'"
assert_host 1 "! nsenter --net=$NS iptables -S WEB"
assert_host_eq 1 '-P INPUT ACCEPT' "nsenter --net=$NS iptables -S INPUT | head -1"
# (flush always reports a change, as in Ansible: left out of the rerun)
grep -v flush "$pb2" >"$T/undo2.yml"
run_play "$T/undo2.yml"
assert_recap h1 changed=0 failed=0

note "ufw, installed and run inside the namespace"
# (one dpkg run trips over the pre-dependencies of python3-minimal and
# python3: each further run gets one step further)
host_exec 1 "nsenter --net=$NS sh -c 'for i in 1 2 3 4; do dpkg -i /srv/debs/python/*.deb && exit 0; done; exit 1' >/tmp/dpkg.log 2>&1 || { tail -20 /tmp/dpkg.log; false; }" || fail "cannot install ufw"
# ufw's sysctl settings are the namespace's anyway; keep them out
host_exec 1 ': >/etc/ufw/cairn-sysctl.conf; sed -i "s|^IPT_SYSCTL=.*|IPT_SYSCTL=/etc/ufw/cairn-sysctl.conf|" /etc/default/ufw'
fw 'iptables -F; iptables -X; ip6tables -F'
pb3=$(playbook ufw.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - ufw: state=enabled
    - community.general.ufw: default=deny direction=incoming
    - ufw: rule=allow port=22 proto=tcp comment="ssh"
    - ufw: rule=limit to_port=2222 proto=tcp
    - ufw: rule=allow from_ip=192.0.2.0/24 to_port=80 proto=tcp
    - ufw: logging=medium
      register: log
    - assert: { that: [ "ansible_check_mode or 'Status: active' in log.msg", "log.commands | length > 0" ] }
YAML
)
# (an inactive ufw prints no defaults: check mode counts "default" as
# a change, as community.general does)
run_play --check "$pb3"
assert_rc 0
assert_recap h1 changed=6 failed=0
assert_host 1 "nsenter --net=$NS ufw status | grep -qx 'Status: inactive'"
run_play "$pb3"
assert_rc 0
assert_recap h1 changed=5 failed=0
assert_host 1 "nsenter --net=$NS ufw status | grep -qx 'Status: active'"
assert_host 1 "nsenter --net=$NS ufw status | grep -q '^22/tcp .*ALLOW .*# ssh'"
assert_host 1 "nsenter --net=$NS ufw status | grep -q '^2222/tcp .*LIMIT'"
assert_host 1 "nsenter --net=$NS ufw status | grep -q '^80/tcp .*ALLOW .*192.0.2.0/24'"
assert_host 1 "nsenter --net=$NS ufw status verbose | grep -qx 'Logging: on (medium)'"
run_play "$pb3"
assert_rc 0
assert_recap h1 changed=0 failed=0
run_play --check "$pb3"
assert_recap h1 changed=0 failed=0

pb4=$(playbook ufw-del.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - ufw: rule=limit to_port=2222 proto=tcp delete=yes
    - ufw: rule=allow to_port=8080 proto=tcp insert=0 insert_relative_to=first-ipv4
YAML
)
run_play --check "$pb4"
assert_recap h1 changed=2 failed=0
run_play "$pb4"
assert_recap h1 changed=2 failed=0
assert_host 1 "! nsenter --net=$NS ufw status | grep -q '^2222/tcp'"
assert_host_eq 1 '[ 1] 8080/tcp' "nsenter --net=$NS ufw status numbered | grep '^\[ 1\]' | cut -c1-13"
run_play "$pb4"
assert_recap h1 changed=0 failed=0

note "bad input"
pb5=$(playbook bad.yml <<'YAML'
- hosts: h1
  gather_facts: no
  tasks:
    - ufw: direction=in
      ignore_errors: yes
      register: none
    - assert: { that: [ "'one of the following is required' in none.msg" ] }
    - iptables: chain=INPUT log_prefix=x jump=ACCEPT
      ignore_errors: yes
      register: logjump
    - assert: { that: [ "logjump.msg == 'Logging options can only be used with the LOG jump target.'" ] }
    - iptables: chain=INPUT jump=NOSUCHTARGET
      ignore_errors: yes
      register: bad
    - assert: { that: [ "bad.failed" ] }
    - ufw: rule=open
YAML
)
run_play "$pb5"
assert_rc 2
assert_contains "$OUT" "value of rule must be one of"
