#!/bin/bash
# known_hosts is read as OpenSSH reads it: for each known_hosts file built
# against h1's real key (revoked, negated, hashed, [host]:port, wildcard,
# global file only, CA line only...), OpenSSH's own client and cairn make
# the same accept/refuse decision.
. "$(dirname "$0")/lib.sh"

home=$T/home
mkdir -p "$home/.ssh"
chmod 0700 "$home" "$home/.ssh"
ip=$TESTBED_IP_1
key=$(awk -v ip="$ip" '$1 == ip { print $2 " " $3; exit }' "$TESTBED_KNOWN_HOSTS")
[ -n "$key" ] || fail "no key for $ip in $TESTBED_KNOWN_HOSTS"
ssh-keygen -q -t ed25519 -N '' -f "$T/impostor"
other=$(cut -d' ' -f1,2 "$T/impostor.pub")
net=${ip%.*}
# a second sshd on h1, for [host]:port
# on h1's own address only: another suite's h1 may run one too
host_exec 1 "/usr/sbin/sshd -o ListenAddress=$ip:2222 -o PidFile=/run/sshd-2222.pid"
for _ in $(seq 1 50); do
	timeout 1 bash -c "exec 3<>/dev/tcp/$ip/2222" 2>/dev/null && break
	sleep 0.1
done

user_kh=$home/.ssh/known_hosts
global_kh=$T/global_known_hosts
cat >"$home/.ssh/config" <<EOF
GlobalKnownHostsFile $global_kh
EOF

pb=$(playbook true.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
EOF
)

# check NAME PORT WANT: USER and GLOBAL (variables) as the two files;
# WANT is accept or refuse, for ssh(1) and for cairn alike.
check() {
	local name=$1 port=$2 want=$3 got_ssh got_cairn inv
	printf '%s' "$USER_KH" >"$user_kh"
	printf '%s' "$GLOBAL_KH" >"$global_kh"
	[ -z "${HASH:-}" ] || ssh-keygen -q -H -f "$user_kh" >/dev/null 2>&1
	rm -f "$user_kh.old"
	note "case $name (port $port): user file:"; cat "$user_kh"
	note "global file:"; cat "$global_kh"
	if ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$user_kh" \
		-o GlobalKnownHostsFile="$global_kh" -o ConnectTimeout=10 \
		-i "$TESTBED_KEY" -p "$port" "root@$ip" true </dev/null; then
		got_ssh=accept
	else
		got_ssh=refuse
	fi
	inv=$(inventory "hosts-$name.ini" <<-EOF
	$(host_line 1 ansible_user=root ansible_port="$port")
	EOF
	)
	CAIRN_HOME=$home run_cairn play -i "$inv" "$pb"
	if [ "$RC" = 0 ]; then
		got_cairn=accept
	else
		got_cairn=refuse
		assert_contains "$OUT" "UNREACHABLE"
	fi
	assert_eq "$want" "$got_ssh" "ssh's decision for $name"
	assert_eq "$want" "$got_cairn" "cairn's decision for $name"
}

USER_KH="$ip $key
" GLOBAL_KH="" check plain 22 accept

USER_KH="$ip $key
@revoked * $key
" GLOBAL_KH="" check revoked 22 refuse
assert_match "$OUT" "revoked"

# a @revoked line for another host does not concern this one (as ssh)
USER_KH="$ip $key
@revoked other.example $key
" GLOBAL_KH="" check revoked-other-host 22 accept

# revoked in the global file, trusted in the user file
USER_KH="$ip $key
" GLOBAL_KH="@revoked $ip $key
" check revoked-global 22 refuse

USER_KH="$net.*,!$ip $key
" GLOBAL_KH="" check negated 22 refuse

USER_KH="!$net.250,$net.* $key
" GLOBAL_KH="" check negated-other 22 accept

HASH=1 USER_KH="$ip $key
" GLOBAL_KH="" check hashed 22 accept

HASH=1 USER_KH="$ip $other
" GLOBAL_KH="" check hashed-changed 22 refuse
assert_contains "$OUT" "ssh-keygen -R"

USER_KH="$ip $other
" GLOBAL_KH="" check changed 22 refuse
assert_contains "$OUT" "ssh-keygen -R '$ip' -f $user_kh"

USER_KH="[$ip]:2222 $key
" GLOBAL_KH="" check port 2222 accept

USER_KH="[$ip]:2222 $key
" GLOBAL_KH="" check port-not-22 22 refuse

# as ssh(1): "checking without port identifier" when no [host]:port line
USER_KH="$ip $key
" GLOBAL_KH="" check plain-for-other-port 2222 accept

USER_KH="$ip $other
" GLOBAL_KH="" check plain-changed-other-port 2222 refuse

HASH=1 USER_KH="[$ip]:2222 $key
" GLOBAL_KH="" check port-hashed 2222 accept

USER_KH="${net%.*}.*.? $key
" GLOBAL_KH="" check wildcard-miss 22 refuse

USER_KH="${net%.*}.* $key
" GLOBAL_KH="" check wildcard 22 accept

USER_KH="" GLOBAL_KH="$ip $key
" check global-only 22 accept

USER_KH="@cert-authority * $key
" GLOBAL_KH="" check ca-only 22 refuse
assert_contains "$OUT" "certificates"

USER_KH="# comment

garbage line
$ip ssh-ed25519
@bogus $ip $key
$ip $key
" GLOBAL_KH="" check malformed-skipped 22 accept

USER_KH="" GLOBAL_KH="" check unknown 22 refuse

# accept-new adds an unknown key (plain), never a revoked one
printf '' >"$user_kh"
printf '@revoked * %s\n' "$key" >"$global_kh"
inv=$(inventory hosts-new.ini <<EOF
$(host_line 1 ansible_user=root)
EOF
)
CAIRN_HOME=$home CAIRN_HOST_KEY_CHECKING=accept-new run_cairn play -i "$inv" "$pb"
assert_ne 0 "$RC" "accept-new with a revoked key"
assert_eq "" "$(cat "$user_kh")" "known_hosts after a revoked key"
printf '' >"$global_kh"
CAIRN_HOME=$home CAIRN_HOST_KEY_CHECKING=accept-new run_cairn play -i "$inv" "$pb"
assert_rc 0
assert_eq "$ip $key" "$(cat "$user_kh")" "known_hosts after accept-new"

# a revoked key is refused even with checking off (ssh -o
# StrictHostKeyChecking=no would go on without password authentication)
printf '@revoked * %s\n' "$key" >"$global_kh"
CAIRN_HOME=$home ANSIBLE_HOST_KEY_CHECKING=False run_cairn play -i "$inv" "$pb"
assert_ne 0 "$RC" "checking off with a revoked key"
assert_match "$OUT" "revoked"

host_exec 1 'kill "$(cat /run/sshd-2222.pid)"' || true
