#!/bin/bash
# A run killed at any point (SIGKILL, SIGTERM, SIGINT, while a file streams
# or between tasks) leaves every destination either old or new, byte for
# byte, and no temp file: a write proves it is whole before the rename, and
# a command whose stream was cut never runs.
. "$(dirname "$0")/lib.sh"

KILLS=${CAIRN_KILLS:-14}

head -c 24000000 /dev/urandom >"$T/big.bin"
head -c 3000000 /dev/urandom >"$T/old.bin"
ssh-keygen -q -t ed25519 -N '' -C kill@test -f "$T/key"

# Every writer of the host API, each on its own file.
pb=$(playbook writers.yml <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - copy: { src: $T/big.bin, dest: /srv/k/big.bin }
    - copy: { content: "{{ 'new line\n' * 20000 }}", dest: /srv/k/content.txt }
    - template: { src: $T/conf.j2, dest: /srv/k/templated.conf }
    - lineinfile: { path: /srv/k/lines.conf, regexp: '^Port', line: 'Port 2222' }
    - blockinfile: { path: /srv/k/block.conf, block: "a\nb\nc" }
    - replace: { path: /srv/k/replace.conf, regexp: 'old', replace: 'new' }
    - authorized_key: { user: root, key: "$(cat "$T/key.pub")" }
    - cron: { name: killtest, minute: "5", job: /bin/true }
EOF
)
printf '{%% for i in range(30000) %%}line {{ i }}\n{%% endfor %%}' >"$T/conf.j2"

FILES="/srv/k/big.bin /srv/k/content.txt /srv/k/templated.conf /srv/k/lines.conf
/srv/k/block.conf /srv/k/replace.conf /root/.ssh/authorized_keys
/var/spool/cron/crontabs/root"

# The old state: one host gets it by a plain copy of these files.
seed_old() {
	local i=$1
	host_exec "$i" 'rm -rf /srv/k /root/.ssh/authorized_keys /var/spool/cron/crontabs/root;
		mkdir -p /srv/k && printf "Port 22\n" >/srv/k/lines.conf &&
		printf "x\n" >/srv/k/block.conf && printf "old\nold\n" >/srv/k/replace.conf &&
		printf "old content\n" >/srv/k/content.txt && printf "old template\n" >/srv/k/templated.conf'
	"$TESTBED" exec "$i" 'cat >/srv/k/big.bin' <"$T/old.bin"
}

# digests I: one "path sum" line per file, "absent" for a missing one.  The
# crontab is read through crontab -l: its file starts with the time it was
# installed.
digests() {
	host_exec "$1" "for f in $(echo $FILES); do
		if [ ! -e \"\$f\" ]; then echo \"\$f absent\"
		elif [ \"\$f\" = /var/spool/cron/crontabs/root ]; then echo \"\$f \$(crontab -l | sha256sum | cut -c1-64)\"
		else echo \"\$f \$(sha256sum <\"\$f\" | cut -c1-64)\"; fi
	done"
}

# settled I: no write of ours still running on host I (the remote side of a
# killed run finishes or gives up on its own), up to 20 s.
settled() {
	local k
	for k in $(seq 1 40); do
		host_exec "$1" 'pgrep -x dd >/dev/null || pgrep -x base64 >/dev/null' || return 0
		sleep 0.5
	done
	return 1
}

for i in 1 2 3; do seed_old "$i"; done
old=$(digests 1)
note "old state:"; printf '%s\n' "$old"

# The new state, from a run left to finish on h3.
run_play -l h3 "$pb"
assert_rc 0
new=$(digests 3)
note "new state:"; printf '%s\n' "$new"
for f in $FILES; do
	o=$(printf '%s\n' "$old" | grep "^$f ")
	n=$(printf '%s\n' "$new" | grep "^$f ")
	assert_ne "$o" "$n" "old and new $f"
done

signals=(KILL TERM INT)
counts_old=0
counts_new=0
for k in $(seq 1 "$KILLS"); do
	sig=${signals[$((k % 3))]}
	# Spread over the whole run: the big copy takes a second or two.
	delay=$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", rand() * 3.0 }')
	(cd "$T" && HOME=$TESTBED_HOME exec "$CAIRN" play -i "$TESTBED_INVENTORY" -l h1,h2 "$pb" \
		</dev/null >"$T/kill-$k.log" 2>&1) &
	pid=$!
	sleep "$delay"
	kill -s "$sig" "$pid" 2>/dev/null
	# A second INT quits at once, as a user's second Ctrl-C would.
	[ "$sig" != INT ] || { sleep 0.3; kill -s INT "$pid" 2>/dev/null; }
	sleep 2
	kill -s KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	note "kill $k: SIG$sig after ${delay}s"
	for i in 1 2; do
		settled "$i" || fail "h$i: a write still runs 20 s after the kill"
		got=$(digests "$i")
		for f in $FILES; do
			g=$(printf '%s\n' "$got" | grep "^$f ")
			o=$(printf '%s\n' "$old" | grep "^$f ")
			n=$(printf '%s\n' "$new" | grep "^$f ")
			if [ "$g" = "$o" ]; then
				counts_old=$((counts_old + 1))
			elif [ "$g" = "$n" ]; then
				counts_new=$((counts_new + 1))
			else
				host_exec "$i" "ls -la $(dirname "$f"); wc -c $f" || true
				fail "h$i: after SIG$sig at ${delay}s, $f is neither old nor new ('$g')"
			fi
		done
		left=$(host_exec "$i" 'find /srv/k /root/.ssh /var/spool/cron -name ".cairn.*" 2>/dev/null')
		[ -z "$left" ] || fail "h$i: temp files left after SIG$sig at ${delay}s: $left"
		# Half the time back to the old state, half the time the next run
		# starts from whatever this one left.
		[ $((RANDOM % 2)) = 0 ] || seed_old "$i"
	done
done
note "files found old: $counts_old, new: $counts_new"

# The hosts still converge after all that.
run_play -l h1,h2 "$pb"
assert_rc 0
assert_eq "$new" "$(digests 1)" "h1 after a full run"
assert_eq "$new" "$(digests 2)" "h2 after a full run"
