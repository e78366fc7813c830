#!/bin/bash
# Throwaway Debian test hosts: a cached debootstrap base, then per host an
# overlay, a private mount/pid/uts namespace and sshd on a loopback address.
#
# usage: testbed.sh base | up N | down | reset [I...] | status | exec I CMD... | env
#
# Environment (all optional):
#   CAIRN_TESTBED_DIR      state directory        (/var/tmp/cairn-testbed)
#   CAIRN_TESTBED_CACHE    base image cache       (/var/cache/cairn-testbed)
#   CAIRN_TESTBED_NET      first three octets     (127.0.1)
#   CAIRN_TESTBED_FIRST    last octet of host h1  (11)
#   CAIRN_TESTBED_FLAVOUR  default | python | podman | compat (default: no python
#                          at all; compat: python3, python3-apt and podman, for
#                          the compatibility suite's ansible-playbook side)
#   CAIRN_TESTBED_MIRROR   Debian mirror          (from apt's sources)
#
# Needs root.  Everything a run creates lives under the state directory, so
# two runs with different state directories and address blocks never meet.
set -euo pipefail

STATE=${CAIRN_TESTBED_DIR:-/var/tmp/cairn-testbed}
CACHE=${CAIRN_TESTBED_CACHE:-/var/cache/cairn-testbed}
NET=${CAIRN_TESTBED_NET:-127.0.1}
FIRST=${CAIRN_TESTBED_FIRST:-11}
FLAVOUR=${CAIRN_TESTBED_FLAVOUR:-default}
SUITE=bookworm

# Bump when the base setup below changes, so a stale cached base is not reused.
BASE_REV=5
BASE_PKGS=openssh-server,sudo,git,ca-certificates,procps,cron,curl,rsync,unzip,zip,xz-utils,bzip2,zstd,acl,iptables,kmod,locales
case $FLAVOUR in
default) ;;
python) BASE_PKGS=$BASE_PKGS,python3 ;;
podman) ;;	# podman itself is installed after debootstrap, by podman.sh
compat) BASE_PKGS=$BASE_PKGS,python3,python3-apt ;;
*) echo "testbed: unknown flavour '$FLAVOUR' (default, python, podman or compat)" >&2; exit 1 ;;
esac
BASE=$CACHE/$SUITE-$FLAVOUR-r$BASE_REV
HOSTS=$STATE/hosts
SSHDIR=$STATE/home/.ssh
KEY=$SSHDIR/id_ed25519
INVENTORY=$STATE/inventory.ini

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

die() { echo "testbed: $*" >&2; exit 1; }
say() { [ -n "${CAIRN_TESTBED_QUIET:-}" ] || echo "testbed: $*" >&2; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root"; }

ip_of() { echo "$NET.$((FIRST + $1 - 1))"; }

# The first non-security URIs: entry of apt's deb822 sources, else a
# sources.list "deb" line, else the public mirror.
mirror() {
	local m=${CAIRN_TESTBED_MIRROR:-}
	if [ -z "$m" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
		m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
			/etc/apt/sources.list.d/debian.sources)
	fi
	if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
		m=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
			/etc/apt/sources.list)
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

# --- base image -------------------------------------------------------------

# Settings every host shares.  Host keys and authorized keys are per host and
# per state directory, so they are added when a host starts, not here.
base_setup() {
	local d=$1
	rm -f "$d"/etc/ssh/ssh_host_*
	mkdir -p "$d/etc/ssh/sshd_config.d" "$d/etc/ssh/authorized_keys"
	cat >"$d/etc/ssh/sshd_config.d/cairn-testbed.conf" <<-'EOF'
	# cairn test bed: keys from /etc/ssh/authorized_keys/USER, bob logs in
	# with a password.
	HostKey /etc/ssh/ssh_host_ed25519_key
	PermitRootLogin prohibit-password
	PasswordAuthentication yes
	KbdInteractiveAuthentication yes
	AuthorizedKeysFile /etc/ssh/authorized_keys/%u .ssh/authorized_keys
	UseDNS no
	MaxStartups 100:30:200
	MaxSessions 50
	EOF
	chroot "$d" /usr/sbin/useradd -m -s /bin/bash deploy
	chroot "$d" /usr/sbin/useradd -m -s /bin/bash alice
	chroot "$d" /usr/sbin/useradd -m -s /bin/bash bob
	# '*' is "no password" without being "locked" (sshd refuses locked ones).
	chroot "$d" /usr/sbin/usermod -p '*' deploy
	printf 'alice:alicepw\nbob:bobpw\n' | chroot "$d" /usr/sbin/chpasswd
	echo 'deploy ALL=(ALL:ALL) NOPASSWD:ALL' >"$d/etc/sudoers.d/deploy"
	echo 'alice ALL=(ALL:ALL) ALL' >"$d/etc/sudoers.d/alice"
	chmod 0440 "$d/etc/sudoers.d/deploy" "$d/etc/sudoers.d/alice"
	# No daemon may start inside the image while it is being built or used.
	printf '#!/bin/sh\nexit 101\n' >"$d/usr/sbin/policy-rc.d"
	chmod 0755 "$d/usr/sbin/policy-rc.d"
	case $FLAVOUR in podman | compat) "$(dirname "$0")/podman.sh" setup "$d" ;; esac
	extra_packages "$d"
	mkdir -p "$d/var/cache/apt/archives/partial"
	chroot "$d" apt-get clean
	mkdir -p "$d/var/cache/apt/archives/partial"
	echo "$FLAVOUR r$BASE_REV $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$d/etc/cairn-testbed"
}

# Database servers for the database modules' tests (installed, never
# started by the image: a test starts the one it needs).  What needs Python
# (ufw, pip) is kept as .deb files in /srv/debs/python, so a default host
# stays Python-free until a test installs them with
# "dpkg -i /srv/debs/python/*.deb" (no network needed); the python and
# compat flavours have them installed.  systemd, never the image's init,
# waits the same way in /srv/debs/systemd.
extra_packages() {
	local d=$1
	chroot "$d" apt-get update -q
	apt_in "$d" mariadb-server mariadb-client postgresql
	case $FLAVOUR in
	default | podman) debs_in "$d" python python3-pip python3-venv ufw ;;
	python) apt_in "$d" python3-pip python3-venv ufw ;;
	# Ansible's database modules need their Python drivers on the host.
	compat) apt_in "$d" python3-pip python3-venv ufw python3-pymysql python3-psycopg2 ;;
	esac
	debs_in "$d" systemd systemd
}

# apt_in DIR PKG...: install into image DIR.
apt_in() {
	local d=$1
	shift
	DEBIAN_FRONTEND=noninteractive chroot "$d" apt-get install -y -q \
		--no-install-recommends "$@"
}

# debs_in DIR NAME PKG...: the .debs PKG... need beyond what DIR has, kept
# in DIR/srv/debs/NAME.
debs_in() {
	local d=$1 name=$2
	shift 2
	chroot "$d" apt-get clean
	apt_in "$d" --download-only "$@"
	mkdir -p "$d/srv/debs/$name"
	mv "$d"/var/cache/apt/archives/*.deb "$d/srv/debs/$name/"
}

cmd_base() {
	need_root
	[ -f "$BASE/etc/cairn-testbed" ] && return 0
	mkdir -p "$CACHE"
	exec 8>"$CACHE/.lock"
	flock -w 600 8 || die "base image cache $CACHE is locked by another run"
	# Someone else may have built it while we waited for the lock.
	if [ -f "$BASE/etc/cairn-testbed" ]; then
		exec 8>&-
		return 0
	fi
	# Half-built images from an interrupted run are never reused.
	rm -rf "$BASE.tmp."*
	local tmp=$BASE.tmp.$$ m
	m=$(mirror)
	say "building $FLAVOUR base image from $m (about a minute, once)"
	if ! debootstrap --variant=minbase --include="$BASE_PKGS" "$SUITE" "$tmp" "$m" \
		>"$CACHE/debootstrap.log" 2>&1; then
		tail -20 "$CACHE/debootstrap.log" >&2
		rm -rf "$tmp"
		die "debootstrap failed (log in $CACHE/debootstrap.log)"
	fi
	base_setup "$tmp" >>"$CACHE/debootstrap.log" 2>&1 ||
		{ rm -rf "$tmp"; die "base setup failed (log in $CACHE/debootstrap.log)"; }
	mv "$tmp" "$BASE"
	exec 8>&-
	say "base image ready in $BASE"
}

# --- hosts ------------------------------------------------------------------

# Pids of every namespace launcher (unshare) belonging to this state
# directory, found by command line so lost pid files do not leak hosts.
launcher_pids() {
	local p cmd
	for p in /proc/[0-9]*; do
		cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
		case $cmd in
		unshare\ *"$HOSTS/h"*) echo "${p#/proc/}" ;;
		esac
	done
}

# The sshd (pid 1 of the host's pid namespace) under launcher $1.
host_init_pid() {
	local c
	c=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
	set -- $c
	[ -n "${1:-}" ] && echo "$1"
}

host_pid() {
	local pf=$HOSTS/h$1/pid p cmd
	[ -f "$pf" ] || return 1
	p=$(cat "$pf")
	cmd=$({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null) || return 1
	case $cmd in
	unshare\ *"$HOSTS/h$1/"*) echo "$p" ;;
	*) return 1 ;;
	esac
}

# Up to 30 s each: a loaded CI machine (two ASan suites, a fuzzer and a
# distcheck at once) has been seen taking more than 5 s to reap a host.
wait_gone() {
	local p i
	for p in "$@"; do
		for i in $(seq 1 600); do
			[ -d "/proc/$p" ] || break
			sleep 0.05
		done
		[ -d "/proc/$p" ] && die "process $p does not go away"
	done
	return 0
}

# Unmount everything under $1, deepest first.
unmount_under() {
	local mp
	awk -v pre="$1" '{ if (index($5, pre) == 1) print $5 }' /proc/self/mountinfo |
		sort -r | while read -r mp; do
			umount -R "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
		done
}

stop_host_processes() {
	local pids kids="" p k
	pids=$*
	[ -n "$pids" ] || return 0
	for p in $pids; do
		k=$(host_init_pid "$p" || true)
		kids="$kids $k"
	done
	# unshare --fork ignores SIGTERM while waiting; --kill-child takes the
	# host's init (sshd) and so its whole pid namespace with it.
	kill -KILL $pids 2>/dev/null || true
	for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
	wait_gone $pids $kids
}

addr_in_use() {
	local ip=$1
	# A wildcard listener on port 22 takes every loopback address too.
	if ss -Hltn 2>/dev/null | awk '{ print $4 }' |
		grep -qxE "($(echo "$ip" | sed 's/\./\\./g')|0\.0\.0\.0|\*|\[::\]):22"; then
		return 0
	fi
	timeout 2 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null
}

# Per-state-directory client key pair and ssh files for the tests.
client_setup() {
	mkdir -p "$SSHDIR"
	chmod 0700 "$STATE/home" "$SSHDIR"
	if [ ! -f "$KEY" ] || [ ! -f "$KEY.pub" ]; then
		rm -f "$KEY" "$KEY.pub"
		ssh-keygen -q -t ed25519 -N '' -C "cairn-testbed" -f "$KEY"
	fi
	[ -f "$SSHDIR/config" ] || echo "# cairn test bed: intentionally empty" >"$SSHDIR/config"
}

# Mount host $1's overlay and put its identity into it.
prepare_host() {
	local i=$1 h=$HOSTS/h$1 u
	mkdir -p "$h/upper" "$h/work" "$h/merged" "$h/hostkeys"
	# Host keys live outside the overlay: a reset keeps the host's identity.
	[ -f "$h/hostkeys/ssh_host_ed25519_key" ] ||
		ssh-keygen -q -t ed25519 -N '' -C "h$i" -f "$h/hostkeys/ssh_host_ed25519_key"
	mount -t overlay overlay \
		-o "lowerdir=$BASE,upperdir=$h/upper,workdir=$h/work" "$h/merged"
	local m=$h/merged
	install -m 0600 "$h/hostkeys/ssh_host_ed25519_key" "$m/etc/ssh/"
	install -m 0644 "$h/hostkeys/ssh_host_ed25519_key.pub" "$m/etc/ssh/"
	echo "h$i" >"$m/etc/hostname"
	printf '127.0.0.1\tlocalhost\n%s\th%s\n' "$(ip_of "$i")" "$i" >"$m/etc/hosts"
	for u in root deploy alice; do
		install -m 0644 "$KEY.pub" "$m/etc/ssh/authorized_keys/$u"
	done
}

launch_host() {
	local i=$1 h=$HOSTS/h$1 ip
	ip=$(ip_of "$i")
	local m=$h/merged
	local inner="hostname h$i
mount -t proc proc $m/proc
mount --rbind /sys $m/sys
mount --rbind /dev $m/dev
mount -t tmpfs -o mode=1777 tmpfs $m/tmp
mount -t tmpfs -o mode=0755 tmpfs $m/run
mkdir -p $m/run/sshd $m/run/lock
exec chroot $m /usr/sbin/sshd -D -e -o ListenAddress=$ip"
	rm -f "$h/pid"
	# The launched shell records its own pid, which unshare then keeps.
	# Descriptors other than 0-2 are closed: an inherited lock or pipe held
	# by a host for its whole life would block later runs or our caller.
	setsid bash -c 'for fd in $(ls /proc/$$/fd); do
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"
		done
		echo $$ >"$1"; shift; exec "$@"' launcher "$h/pid" \
		unshare --mount --pid --uts --fork --kill-child \
		sh -c "$inner" </dev/null >"$h/sshd.log" 2>&1 8>&- 9>&- &
	local n
	for n in $(seq 1 100); do
		[ -s "$h/pid" ] && break
		sleep 0.05
	done
	[ -s "$h/pid" ] || die "h$i: launcher did not start"
}

# Poll until sshd on host $1 answers with its key; print the known_hosts line.
wait_sshd() {
	local i=$1 ip out n
	ip=$(ip_of "$i")
	for n in $(seq 1 100); do
		out=$(ssh-keyscan -T 1 -t ed25519 "$ip" 2>/dev/null || true)
		if [ -n "$out" ]; then
			echo "$out"
			return 0
		fi
		host_pid "$i" >/dev/null || break
		sleep 0.1
	done
	cat "$HOSTS/h$i/sshd.log" >&2 || true
	die "h$i: sshd on $ip did not come up"
}

host_count() {
	local n=0
	while [ -d "$HOSTS/h$((n + 1))" ]; do n=$((n + 1)); done
	echo "$n"
}

write_client_files() {
	local n=$1 i
	: >"$SSHDIR/known_hosts.new"
	for i in $(seq 1 "$n"); do
		wait_sshd "$i" >>"$SSHDIR/known_hosts.new"
	done
	mv "$SSHDIR/known_hosts.new" "$SSHDIR/known_hosts"
	{
		echo "# cairn test bed ($STATE)"
		echo "[testhosts]"
		for i in $(seq 1 "$n"); do
			echo "h$i ansible_host=$(ip_of "$i") ansible_user=root ansible_ssh_private_key_file=$KEY"
		done
	} >"$INVENTORY"
}

stop_all() {
	local pids
	pids=$(launcher_pids)
	stop_host_processes $pids
	unmount_under "$HOSTS/"
	rm -rf "$HOSTS"
	rm -f "$INVENTORY" "$SSHDIR/known_hosts"
}

lock_state() {
	mkdir -p "$STATE"
	exec 9>"$STATE/.lock"
	flock -w 120 9 || die "state directory $STATE is locked by another run"
}

cmd_up() {
	need_root
	local n=${1:-3} i ip
	case $n in '' | *[!0-9]*) die "up: bad host count '$n'" ;; esac
	[ "$n" -ge 1 ] && [ $((FIRST + n - 1)) -le 254 ] || die "up: bad host count '$n'"
	cmd_base
	lock_state
	# Whatever an interrupted earlier run of this state directory left.
	stop_all
	for i in $(seq 1 "$n"); do
		ip=$(ip_of "$i")
		if addr_in_use "$ip"; then
			die "$ip:22 is already in use (set CAIRN_TESTBED_NET or CAIRN_TESTBED_FIRST)"
		fi
	done
	client_setup
	for i in $(seq 1 "$n"); do
		prepare_host "$i"
		launch_host "$i"
	done
	write_client_files "$n"
	say "$n host(s) up: inventory $INVENTORY"
}

cmd_down() {
	need_root
	[ -d "$STATE" ] || return 0
	lock_state
	stop_all
	say "down"
}

# Back to a pristine host (fresh overlay, same host key and address).
cmd_reset() {
	need_root
	local n i p
	lock_state
	n=$(host_count)
	[ "$n" -ge 1 ] || die "reset: no hosts"
	[ $# -gt 0 ] || set -- $(seq 1 "$n")
	for i in "$@"; do
		[ -d "$HOSTS/h$i" ] || die "reset: no host $i"
		p=$(host_pid "$i" || true)
		[ -z "$p" ] || stop_host_processes "$p"
		unmount_under "$HOSTS/h$i/"
		rm -rf "$HOSTS/h$i/upper" "$HOSTS/h$i/work"
		prepare_host "$i"
		launch_host "$i"
	done
	for i in "$@"; do wait_sshd "$i" >/dev/null; done
}

cmd_status() {
	local n i ip p st
	n=$(host_count)
	if [ "$n" = 0 ]; then
		echo "no hosts in $STATE"
		return 0
	fi
	for i in $(seq 1 "$n"); do
		ip=$(ip_of "$i")
		if p=$(host_pid "$i"); then
			if timeout 2 bash -c "exec 3<>/dev/tcp/$ip/22" 2>/dev/null; then
				st=up
			else
				st="running, sshd not answering"
			fi
		else
			p=-
			st=down
		fi
		printf 'h%s\t%s\tpid %s\t%s\n' "$i" "$ip" "$p" "$st"
	done
}

# Run a command in host $1's view of the world: its mount namespace and root,
# so tmpfs /tmp and /run are the ones sshd sees.  One argument is a shell
# command line; several are an argv.
cmd_exec() {
	need_root
	[ $# -ge 2 ] || die "usage: exec I CMD..."
	local i=$1 p k
	shift
	[ -d "$HOSTS/h$i/merged" ] || die "exec: no host $i"
	[ $# -eq 1 ] && set -- /bin/sh -c "$1"
	set -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C "$@"
	if p=$(host_pid "$i") && k=$(host_init_pid "$p"); then
		exec nsenter --target "$k" --mount --uts --pid --root --wd "$@"
	fi
	exec chroot "$HOSTS/h$i/merged" "$@"
}

cmd_env() {
	local n i
	n=$(host_count)
	printf 'TESTBED_DIR=%q\n' "$STATE"
	printf 'TESTBED_HOME=%q\n' "$STATE/home"
	printf 'TESTBED_KEY=%q\n' "$KEY"
	printf 'TESTBED_KNOWN_HOSTS=%q\n' "$SSHDIR/known_hosts"
	printf 'TESTBED_INVENTORY=%q\n' "$INVENTORY"
	printf 'TESTBED_NET=%q\n' "$NET"
	printf 'TESTBED_FIRST=%q\n' "$FIRST"
	printf 'TESTBED_N=%q\n' "$n"
	printf 'TESTBED_HOSTS=%q\n' "$(for i in $(seq 1 "$n"); do printf 'h%s ' "$i"; done | sed 's/ $//')"
	for i in $(seq 1 "$n"); do
		printf 'TESTBED_IP_%s=%q\n' "$i" "$(ip_of "$i")"
	done
}

# One compound command ending in exit: bash reads a script as it runs it, and
# this keeps an edit of the file during a long "up" from being executed.
{
case ${1:-} in
base) cmd_base ;;
up) shift; cmd_up "$@" ;;
down) cmd_down ;;
reset) shift; cmd_reset "$@" ;;
status) cmd_status ;;
exec) shift; cmd_exec "$@" ;;
env) cmd_env ;;
*)
	echo "usage: testbed.sh base | up N | down | reset [I...] | status | exec I CMD... | env" >&2
	exit 1
	;;
esac
exit
}
