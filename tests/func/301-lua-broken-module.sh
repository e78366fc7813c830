#!/bin/bash
# A broken Lua module fails cleanly: a syntax error or bad arguments stop
# the run before any host is contacted (exit 4, file:line); an error at run
# time, a wrong return value or a runaway loop fails the task on that host
# only, with the file, line and traceback, and the other hosts go on.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/library"
cp "$(dirname "$0")/lua/library/banner.lua" "$T/library/"
cat >"$T/library/crash.lua" <<'EOF2'
local M = {}

local function lookup(t)
  return t.missing.field
end

function M.run(host, args)
  if host.name == "h2" then
    local v = lookup({})
    return v
  end
  return { changed = false, msg = "fine here" }
end

return M
EOF2
cat >"$T/library/wrongret.lua" <<'EOF2'
return { run = function(host, args) return "done" end }
EOF2
cat >"$T/library/runaway.lua" <<'EOF2'
return { run = function(host, args)
  local n = 0
  while true do n = n + 1 end
end }
EOF2
cat >"$T/library/syntax.lua" <<'EOF2'
local M = {}
function M.run(host, args)
  return { changed = false
end
return M
EOF2

note "a run-time error on h2 only"
pb=$(playbook crash.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - crash:
    - banner: text=after
EOF2
)
run_play "$pb"
assert_rc 2
assert_contains "$OUT" "fatal: [h2]: FAILED!"
assert_match "$OUT" 'library/crash\.lua:4: attempt to index a nil value \(field .missing.\)'
assert_contains "$OUT" "stack traceback:"
assert_match "$OUT" 'crash\.lua:9: in '
assert_recap h1 ok=2 changed=1 failed=0
assert_recap h2 failed=1
assert_host 1 'test "$(cat /etc/cairn-banner)" = after'
assert_host 2 'test ! -e /etc/cairn-banner' "h2 went on after its failure"

note "a wrong return value"
pb=$(playbook wrongret.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - wrongret:
      ignore_errors: true
    - banner: text=still
EOF2
)
run_play "$pb"
assert_rc 0
assert_contains "$OUT" "wrongret.lua:1: run returned a string, a table is expected"
assert_recap h1 changed=1 ignored=1
assert_recap h2 changed=1 ignored=1

note "a runaway module is stopped"
pb=$(playbook runaway.yml <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - runaway:
EOF2
)
run_play "$pb"
assert_rc 2
assert_match "$OUT" 'runaway\.lua:3: instruction budget exceeded'

note "a syntax error: refused before any host"
pb=$(playbook syntax.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - banner: text=never
    - syntax:
EOF2
)
run_play "$pb"
assert_rc 4
assert_match "$OUT" 'syntax\.yml:5:[0-9]+: .*library/syntax\.lua:4: .?\}.? expected'
assert_not_contains "$OUT" "PLAY ["
assert_host 1 'test "$(cat /etc/cairn-banner)" = still' "a host was touched"

note "bad arguments: checked like a built-in module's, on the host"
pb=$(playbook badargs.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - banner:
        text: x
        state: bogus
EOF2
)
run_play "$pb"
# As a built-in module's: a warning at load, a failure on each host.
assert_rc 2
assert_contains "$OUT" "[WARNING]"
assert_contains "$OUT" "fatal: [h1]: FAILED!"
assert_contains "$OUT" "value of state must be one of: present, absent, got: bogus"
run_play "$(playbook missing.yml <<'EOF2'
- hosts: testhosts
  gather_facts: false
  tasks:
    - banner: { mode: "0600" }
EOF2
)"
assert_rc 2
assert_contains "$OUT" "missing required arguments: text"
