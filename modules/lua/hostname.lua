-- hostname: sets the host's name, now (the kernel's) and for the next boot
-- (/etc/hostname), like ansible.builtin.hostname.  Uses hostnamectl when
-- systemd runs the host, else writes /etc/hostname and runs hostname(1).
local M = {}

M.params = {
  name = { type = "str", required = true },
  -- Ansible's choices; the other platforms' strategies are refused in run.
  use  = { type = "str", choices = { "alpine", "debian", "freebsd", "generic",
    "macos", "macosx", "darwin", "openbsd", "openrc", "redhat", "sles",
    "solaris", "systemd" } },
}
M.supports_check = true

-- Trims the trailing newline and blanks of a command's output or a file.
local function trim(s)
  return ((s or ""):gsub("^%s+", ""):gsub("%s+$", ""))
end

-- The strategy: systemd when it runs (and hostnamectl exists), else file.
local function strategy(host, use)
  if use then return use end
  local r = host:run("[ -d /run/systemd/system ] && command -v hostnamectl >/dev/null",
    { check_ok = true })
  if r.rc == 0 then return "systemd" end
  return "generic"
end

local function valid(name)
  -- RFC 1123 labels: letters, digits and hyphens, dots between labels.
  if #name == 0 or #name > 253 then return false end
  for label in (name .. "."):gmatch("([^.]*)%.") do
    if #label == 0 or #label > 63 or not label:match("^[%w][%w-]*$")
        or label:sub(-1) == "-" then
      return false
    end
  end
  return true
end

local function facts(name)
  local short, domain = name:match("^([^.]*)%.?(.*)$")
  return {
    ansible_hostname = short,
    ansible_nodename = name,
    ansible_fqdn = name,
    ansible_domain = domain,
  }
end

function M.run(host, args)
  local name = args.name
  if not valid(name) then
    return { failed = true, msg = "invalid hostname '" .. name .. "': letters, digits, "
      .. "hyphens and dots only, at most 63 characters between dots" }
  end
  -- Alpine's strategy is Debian's file and hostname(1).
  local known = { systemd = true, debian = true, generic = true, alpine = true }
  if args.use and not known[args.use] then
    return { failed = true, msg = "use=" .. args.use .. " is another platform's "
      .. "way of naming a host: cairn drives systemd, debian, alpine and generic" }
  end
  local use = strategy(host, args.use)
  local r = host:run("hostname", { check_ok = true })
  if r.rc ~= 0 then
    return { failed = true, msg = "cannot read the current hostname: " .. trim(r.stderr),
      rc = r.rc, stderr = r.stderr }
  end
  local current = trim(r.stdout)
  local permanent = trim(host:read("/etc/hostname") or "")
  local changed = current ~= name or permanent ~= name
  local result = {
    changed = changed,
    name = name,
    ansible_facts = facts(name),
    diff = {
      before = "hostname = " .. current .. "\n",
      after = "hostname = " .. name .. "\n",
    },
  }
  if not changed or host.check_mode then
    return result
  end
  if use == "systemd" then
    r = host:run("hostnamectl set-hostname " .. cairn.quote(name))
    if r.rc ~= 0 then
      return { failed = true, msg = "hostnamectl set-hostname failed: " .. trim(r.stderr),
        rc = r.rc, stderr = r.stderr, cmd = "hostnamectl set-hostname " .. name }
    end
    return result
  end
  if permanent ~= name then
    host:write("/etc/hostname", name .. "\n", { diff = false })
  end
  if current ~= name then
    r = host:run("hostname " .. cairn.quote(name))
    if r.rc ~= 0 then
      return { failed = true, msg = "cannot set the hostname: " .. trim(r.stderr),
        rc = r.rc, stderr = r.stderr, cmd = "hostname " .. name }
    end
  end
  return result
end

return M
