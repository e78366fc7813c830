#!/bin/bash
# become to root as a user sudo refuses (carol may run only id as root,
# without a password, so sudo says "not allowed" rather than asking):
# cron (crontab and cron_file), lineinfile, copy and a Lua module's
# host:read each fail with the become error, in --check and for real;
# nothing is predicted as changed and nothing is written on the host.
# (The become error used to share its code with "no such file": a cron_file
# or a Lua host:read took a refused sudo for an absent file.)
. "$(dirname "$0")/lib.sh"

host_exec 1 'useradd -m -s /bin/bash carol &&
	usermod -p "*" carol &&
	cp /etc/ssh/authorized_keys/root /etc/ssh/authorized_keys/carol &&
	printf "Defaults:carol !authenticate\ncarol ALL=(root) /usr/bin/id\n" \
		>/etc/sudoers.d/carol &&
	chmod 0440 /etc/sudoers.d/carol &&
	printf "a=1\n" >/etc/cairn-085.conf' || fail "cannot set up carol on h1"
assert_host_eq 1 "root" 'su carol -c "sudo -n /usr/bin/id -un"'
assert_host 1 '! su carol -c "sudo -n /bin/sh -c true"' "sudo lets carol run a shell"

inv=$(inventory hosts.ini <<EOF
[testhosts]
$(host_line 1 ansible_user=carol)
EOF
)

playbook library/conffile.lua >/dev/null <<'EOF'
-- Writes path unless it holds text; an absent file is created.
local M = {}
M.params = {
  path = { type = "path", required = true },
  text = { type = "str", required = true },
}
M.supports_check = true
function M.run(host, args)
  local cur = host:read(args.path)
  if cur == args.text then return { changed = false } end
  if host.check_mode then return { changed = true } end
  return { changed = host:write(args.path, args.text) }
end
return M
EOF

pb=$(playbook refused.yml <<'EOF'
- hosts: testhosts
  gather_facts: false
  become: true
  tasks:
    - name: cron in root's crontab
      cron: name=job1 minute=5 job=/bin/true user=root
      ignore_errors: true

    - name: cron in a cron_file
      cron: name=job2 minute=5 job=/bin/true user=root cron_file=cairn_085
      ignore_errors: true

    - name: lineinfile
      lineinfile: path=/etc/cairn-085.conf line=b=2
      ignore_errors: true

    - name: copy
      copy: content="new\n" dest=/etc/cairn-085.copy
      ignore_errors: true

    - name: a Lua module reading a file
      conffile: path=/etc/cairn-085.lua text=x
      ignore_errors: true
EOF
)

state='crontab -l -u root 2>&1; ls -la /etc/cron.d; cat /etc/cairn-085.conf
	ls -la /etc/cairn-085.copy /etc/cairn-085.lua 2>&1
	find /etc /var/spool/cron /tmp -newer /etc/sudoers.d/carol 2>/dev/null | sort'
before=$(host_digest 1 "$state")

# Every task fails on its own (ignore_errors lets the next one try), each
# with sudo's refusal, and none is counted or shown as changed.
check_refused() {
	local n
	assert_rc 0
	n=$(printf '%s\n' "$OUT" | grep -c 'fatal: \[h1\]: FAILED!')
	assert_eq 5 "$n" "failed tasks"
	n=$(printf '%s\n' "$OUT" | grep "become to 'root' on" | grep -c 'not allowed')
	assert_eq 5 "$n" "failures naming sudo's refusal"
	assert_not_contains "$OUT" "changed: [h1]"
	assert_not_contains "$OUT" "UNREACHABLE"
	assert_recap h1 changed=0 failed=0 ignored=5 unreachable=0
	assert_eq "$before" "$(host_digest 1 "$state")" "the host's files (a refused task wrote)"
}

note "--check: no change predicted"
run_cairn play -i "$inv" --check --diff "$pb"
check_refused

note "for real: nothing written"
run_cairn play -i "$inv" "$pb"
check_refused
