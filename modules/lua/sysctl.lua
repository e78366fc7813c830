-- sysctl: a kernel parameter persisted in a file (/etc/sysctl.conf by
-- default, as ansible.posix.sysctl) and applied.
local M = {}

M.params = {
  name         = { type = "str", required = true, aliases = { "key" } },
  value        = { type = "str", aliases = { "val" } },
  state        = { type = "str", default = "present", choices = { "present", "absent" } },
  reload       = { type = "bool", default = true },
  sysctl_file  = { type = "path", default = "/etc/sysctl.conf" },
  sysctl_set   = { type = "bool", default = false },
  ignoreerrors = { type = "bool", default = false },
}
M.supports_check = true

local function trim(s)
  return ((s or ""):gsub("^%s+", ""):gsub("%s+$", ""))
end

-- Values compare as Ansible does: booleans as 1/0, blanks collapsed.
function M.normalize(v)
  if v == nil then return nil end
  local l = trim(v):lower()
  if l == "yes" or l == "true" or l == "on" then return "1" end
  if l == "no" or l == "false" or l == "off" then return "0" end
  return (trim(v):gsub("%s+", " "))
end

-- "net/ipv4/ip_forward" and "net.ipv4.ip_forward" name the same key.
function M.key(name)
  return (trim(name):gsub("/", "."))
end

-- The new file content and what the file held for the key (nil: absent).
function M.edit(content, key, value, state)
  local out, found, old = {}, false, nil
  for line in (content .. (content:sub(-1) == "\n" and "" or "\n")):gmatch("(.-)\n") do
    local k, v = line:match("^%s*([^#;=][^=]-)%s*=%s*(.-)%s*$")
    if k and M.key(k) == key then
      old = v
      if state == "present" and not found then
        table.insert(out, key .. "=" .. value)
      end
      found = true
    else
      table.insert(out, line)
    end
  end
  if content == "" then out = {} end
  if state == "present" and not found then
    table.insert(out, key .. "=" .. value)
  end
  local text = table.concat(out, "\n")
  if #out > 0 then text = text .. "\n" end
  return text, old
end

function M.run(host, args)
  local key = M.key(args.name)
  local state = args.state
  local value = M.normalize(args.value)
  if state == "present" and value == nil then
    return { failed = true, msg = "value cannot be None" }
  end
  if state == "present" and value == "" then
    return { failed = true, msg = "value cannot be blank" }
  end
  local file = args.sysctl_file
  local content = host:read(file) or ""
  local text, old = M.edit(content, key, value or "", state)
  local changed = text ~= content
  local result = { changed = false, name = key }
  if changed then
    host:write(file, text, { mode = "0644" })
    result.changed = true
  end
  -- The running kernel: only with sysctl_set, or when the file changed.
  local proc = "/proc/sys/" .. key:gsub("%.", "/")
  if state == "present" and args.sysctl_set then
    local r = host:run("cat " .. cairn.quote(proc), { check_ok = true })
    if r.rc ~= 0 then
      if not args.ignoreerrors then
        return { failed = true, msg = "setting " .. key .. " failed: no such key ("
          .. trim(r.stderr) .. ")", rc = r.rc, stderr = r.stderr }
      end
    elseif M.normalize(r.stdout) ~= value then
      result.changed = true
      if not host.check_mode then
        local cmd = "sysctl -w " .. cairn.quote(key .. "=" .. value)
        local w = host:run(cmd)
        if w.rc ~= 0 and not args.ignoreerrors then
          return { failed = true, msg = "setting " .. key .. " failed: " .. trim(w.stderr),
            rc = w.rc, stderr = w.stderr, cmd = cmd }
        end
      end
    end
  end
  if changed and args.reload and not host.check_mode then
    local cmd = "sysctl -p " .. cairn.quote(file)
    local r = host:run(cmd)
    if r.rc ~= 0 and not args.ignoreerrors then
      return { failed = true, changed = true,
        msg = "Failed to reload sysctl: " .. trim(r.stderr),
        rc = r.rc, stdout = r.stdout, stderr = r.stderr, cmd = cmd }
    end
  end
  result.old_value = old
  return result
end

return M
