-- timezone: sets the host's time zone, like community.general.timezone.
-- With systemd running, timedatectl; otherwise the Debian way: the
-- /etc/localtime symlink into /usr/share/zoneinfo and /etc/timezone.
local M = {}

M.params = {
  name    = { type = "str" },
  hwclock = { type = "str", choices = { "local", "UTC" }, aliases = { "rtc" } },
}
M.supports_check = true

local ZONEINFO = "/usr/share/zoneinfo/"

local function trim(s)
  return ((s or ""):gsub("^%s+", ""):gsub("%s+$", ""))
end

-- Ansible renders dict diffs as JSON.
local function render(t)
  return cairn.json.encode(t, true) .. "\n"
end

-- The current zone: the /etc/localtime link, else /etc/timezone.
local function current_name(host)
  local st = host:stat("/etc/localtime", { checksum = false })
  if st.type == "link" and st.link:sub(1, #ZONEINFO) == ZONEINFO then
    return st.link:sub(#ZONEINFO + 1)
  end
  if st.type == "link" then
    local z = st.link:match("zoneinfo/(.+)$")
    if z then return z end
  end
  return trim(host:read("/etc/timezone") or "")
end

-- The hardware clock mode from /etc/adjtime (UTC when absent).
local function current_hwclock(host)
  local adj = host:read("/etc/adjtime")
  if adj and adj:match("\nLOCAL") then return "local" end
  return "UTC"
end

local function systemd(host)
  local r = host:run("[ -d /run/systemd/system ] && command -v timedatectl >/dev/null",
    { check_ok = true })
  return r.rc == 0
end

local function failed(msg, r, cmd)
  return { failed = true, msg = msg .. ": " .. trim(r.stderr), rc = r.rc,
    stderr = r.stderr, cmd = cmd }
end

function M.run(host, args)
  if args.name == nil and args.hwclock == nil then
    return { failed = true, msg = "one of the following is required: name, hwclock" }
  end
  local before, after = {}, {}
  if args.name then
    local name = args.name
    if name:find("%.%.") or name:sub(1, 1) == "/" or not name:match("^[%w%._+/-]+$") then
      return { failed = true, msg = "given timezone \"" .. name .. "\" is not available" }
    end
    local r = host:run("test -f " .. cairn.quote(ZONEINFO .. name), { check_ok = true })
    if r.rc ~= 0 then
      return { failed = true, msg = "given timezone \"" .. name .. "\" is not available" }
    end
    before.name = current_name(host)
    after.name = name
  end
  if args.hwclock then
    before.hwclock = current_hwclock(host)
    after.hwclock = args.hwclock
  end
  local tzfile = host:read("/etc/timezone")
  local changed = before.name ~= after.name or before.hwclock ~= after.hwclock
  -- /etc/timezone lagging behind the link is a change too (Debian keeps both).
  local fix_tzfile = args.name and not systemd(host) and trim(tzfile or "") ~= args.name
  if fix_tzfile then changed = true end
  local result = {
    changed = changed,
    diff = { before = render(before), after = render(after) },
  }
  if not changed or host.check_mode then
    return result
  end
  if systemd(host) then
    if args.name and before.name ~= args.name then
      local cmd = "timedatectl set-timezone " .. cairn.quote(args.name)
      local r = host:run(cmd)
      if r.rc ~= 0 then return failed("timedatectl failed", r, cmd) end
    end
    if args.hwclock and before.hwclock ~= args.hwclock then
      local cmd = "timedatectl set-local-rtc " .. (args.hwclock == "local" and "yes" or "no")
      local r = host:run(cmd)
      if r.rc ~= 0 then return failed("timedatectl failed", r, cmd) end
    end
    return result
  end
  if args.name then
    if before.name ~= args.name then
      -- A new link renamed over the old one: never a moment without one.
      local target = ZONEINFO .. args.name
      local cmd = "ln -sfn " .. cairn.quote(target) .. " /etc/.localtime.cairn && "
        .. "mv -f /etc/.localtime.cairn /etc/localtime"
      local r = host:run(cmd)
      if r.rc ~= 0 then return failed("cannot link /etc/localtime", r, cmd) end
    end
    if fix_tzfile then
      host:write("/etc/timezone", args.name .. "\n", { diff = false })
    end
  end
  if args.hwclock and before.hwclock ~= args.hwclock then
    local adj = host:read("/etc/adjtime") or "0.0 0 0.0\n0\nUTC\n"
    local want = args.hwclock == "local" and "LOCAL" or "UTC"
    local lines = cairn.regex.split(adj, "\n")
    if #lines < 3 then lines = { "0.0 0 0.0", "0", "UTC" } end
    lines[3] = want
    local text = table.concat(lines, "\n")
    if text:sub(-1) ~= "\n" then text = text .. "\n" end
    host:write("/etc/adjtime", text, { diff = false })
  end
  return result
end

return M
