#!/bin/bash
# Concurrent runs never lose an edit (issue 11): six runs at once against
# the same three hosts, each adding its own 30 lines to one file with
# lineinfile, its own blocks to another with blockinfile and its own keys
# to alice's authorized_keys: afterwards every line, block and key is there
# once on every host, and no lock is left held (a seventh run with a lock
# timeout of one second completes).  A lock held by a stuck process fails
# the task after the lock timeout, naming the lock file and its holder,
# instead of hanging; --check does not wait for it.
. "$(dirname "$0")/lib.sh"

# lockof PATH: the lock file cairn uses for PATH on a host.
lockof() {
	printf '/run/lock/cairn-%s.lock' "$(printf %s "$1" | sha1sum | cut -c1-40)"
}

RUNS=6
ITEMS=30
KEYS=5

for r in $(seq 1 $RUNS); do
	for k in $(seq 1 $KEYS); do
		ssh-keygen -q -t ed25519 -N '' -C "run$r-key$k" -f "$T/key-$r-$k" ||
			fail "ssh-keygen"
	done
done

# A Lua module's read-modify-write under host:lock; "forget" leaves the
# lock to the end of the task, which releases it.
playbook library/addline.lua >/dev/null <<'EOF'
local M = {}
M.params = {
  path = { type = "str", required = true },
  line = { type = "str", required = true },
  forget = { type = "bool", default = false },
}
M.supports_check = true
function M.run(host, args)
  local lock = host:lock(args.path)
  local text = host:read(args.path) or ""
  for l in text:gmatch("[^\n]+") do
    if l == args.line then
      lock:unlock()
      return { changed = false }
    end
  end
  local changed = host:write(args.path, text .. args.line .. "\n")
  if not args.forget then
    lock:unlock()
  end
  return { changed = changed }
end
return M
EOF

pb=$(playbook edits.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - name: one line per item
      lineinfile:
        path: /srv/edits.txt
        create: true
        line: "run {{ run }} line {{ item }}"
      loop: "{{ range(1, 31) | list }}"
    - name: one block per item
      blockinfile:
        path: /srv/blocks.txt
        create: true
        marker: "# {mark} run {{ run }} block {{ item }}"
        block: |
          run {{ run }} block {{ item }} first
          run {{ run }} block {{ item }} second
      loop: "{{ range(1, 11) | list }}"
    - name: the run's keys
      authorized_key:
        user: alice
        key: "{{ lookup('file', 'key-' ~ run ~ '-' ~ item ~ '.pub') }}"
      loop: "{{ range(1, 6) | list }}"
    - name: Lua, under host:lock
      addline:
        path: /srv/lua.txt
        line: "run {{ run }} lua {{ item }}"
        forget: "{{ item == 3 }}"
      loop: "{{ range(1, 11) | list }}"
EOF
)

note "$RUNS runs at once on the same hosts"
start=$(date +%s)
for r in $(seq 1 $RUNS); do
	(cd "$T" && HOME=$TESTBED_HOME timeout -k 5 "$CAIRN_FUNC_TIMEOUT" \
		"$CAIRN" play -i "$TESTBED_INVENTORY" -e "run=$r" "$pb" \
		</dev/null >"$T/out.$r" 2>&1
	echo $? >"$T/rc.$r") &
done
wait
note "took $(($(date +%s) - start)) s"
for r in $(seq 1 $RUNS); do
	rc=$(cat "$T/rc.$r")
	if [ "$rc" != 0 ]; then
		sed 's/^/  | /' "$T/out.$r"
		fail "run $r exited $rc"
	fi
done

for h in 1 2 3; do
	note "h$h: every line, block and key, once"
	want=$(for r in $(seq 1 $RUNS); do for i in $(seq 1 $ITEMS); do
		echo "run $r line $i"; done; done | sort)
	got=$(host_exec "$h" 'sort /srv/edits.txt')
	[ "$got" = "$want" ] || {
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -20
		fail "h$h: /srv/edits.txt lost or repeated lines ($(printf '%s\n' "$got" | wc -l) of $((RUNS * ITEMS)))"
	}
	want=$(for r in $(seq 1 $RUNS); do for i in $(seq 1 10); do
		printf '# BEGIN run %s block %s\nrun %s block %s first\nrun %s block %s second\n# END run %s block %s\n' \
			"$r" "$i" "$r" "$i" "$r" "$i" "$r" "$i"; done; done | sort)
	got=$(host_exec "$h" 'sort /srv/blocks.txt')
	assert_eq "$want" "$got" "h$h: /srv/blocks.txt"
	# Well-formed: each block's lines follow its BEGIN marker in order.
	assert_host "$h" 'awk '\''/^# BEGIN/ { b = substr($0, 9); n = 1; next }
		n == 1 { if ($0 != b " first") exit 1; n = 2; next }
		n == 2 { if ($0 != b " second") exit 1; n = 3; next }
		n == 3 { if ($0 != "# END " b) exit 1; n = 0; next }
		END { if (n != 0) exit 1 }'\'' /srv/blocks.txt' "h$h: blocks well-formed"
	want=$(for r in $(seq 1 $RUNS); do for i in $(seq 1 10); do
		echo "run $r lua $i"; done; done | sort)
	assert_eq "$want" "$(host_exec "$h" 'sort /srv/lua.txt')" "h$h: /srv/lua.txt"
	assert_host "$h" 'flock -n '"$(lockof /srv/lua.txt)"' true' \
		"h$h: the Lua module's lock is free"
	for r in $(seq 1 $RUNS); do
		for k in $(seq 1 $KEYS); do
			n=$(host_exec "$h" "grep -c 'run$r-key$k\$' ~alice/.ssh/authorized_keys")
			[ "$n" = 1 ] || host_exec "$h" "ls -la ~alice ~alice/.ssh; cat ~alice/.ssh/authorized_keys"
			assert_eq 1 "$n" "h$h: key $r-$k in alice's authorized_keys"
		done
	done
	assert_host "$h" 'flock -n '"$(lockof /srv/edits.txt)"' true' \
		"h$h: the lock of /srv/edits.txt is free"
	assert_host "$h" '[ "$(stat -c %a '"$(lockof /srv/edits.txt)"')" = 600 ]' \
		"h$h: the lock file is 0600"
	assert_host "$h" '! ls /srv/.cairn.* 2>/dev/null' "h$h: no temp file left"
done

note "a seventh run: nothing to change, no lock left to wait for"
CAIRN_LOCK_TIMEOUT=1 run_play -e run=3 "$pb"
assert_rc 0
assert_recap h1 changed=0 failed=0
assert_recap h3 changed=0 failed=0

note "a lock held by a stuck process: the task fails after the timeout"
host_exec 1 'echo a >/srv/stuck.conf; setsid flock '"$(lockof /srv/stuck.conf)"' sleep 600 >/dev/null 2>&1 </dev/null & echo $! >/srv/stuck.pid'
assert_host 1 'sleep 0.5; ! flock -n '"$(lockof /srv/stuck.conf)"' true' "the stuck lock is held"
stuck=$(playbook stuck.yml <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    - lineinfile: { path: /srv/stuck.conf, line: b }
EOF
)
start=$(date +%s)
CAIRN_LOCK_TIMEOUT=3 run_play "$stuck"
took=$(($(date +%s) - start))
assert_rc 2
assert_recap h1 failed=1
assert_contains "$OUT" "timed out after 3 seconds waiting for the lock '$(lockof /srv/stuck.conf)' on " \
	"the message"
assert_match "$OUT" "held by pid [0-9]+: flock $(lockof /srv/stuck.conf) sleep 600" "the holder"
[ "$took" -lt 20 ] || fail "the stuck lock took $took s to fail"
assert_host_eq 1 a 'cat /srv/stuck.conf'

note "--check reads without waiting for the lock"
start=$(date +%s)
CAIRN_LOCK_TIMEOUT=60 run_play --check "$stuck"
assert_rc 0
assert_recap h1 changed=1
[ $(($(date +%s) - start)) -lt 20 ] || fail "--check waited for the lock"

note "the holder gone, the edit goes through"
host_exec 1 'kill -- "-$(cat /srv/stuck.pid)"'
assert_host 1 'sleep 0.5; flock -n '"$(lockof /srv/stuck.conf)"' true' "the stuck lock is free"
CAIRN_LOCK_TIMEOUT=3 run_play "$stuck"
assert_rc 0
assert_recap h1 changed=1
assert_host_eq 1 "$(printf 'a\nb')" 'cat /srv/stuck.conf'
