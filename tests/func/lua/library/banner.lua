-- A test module: a banner file with the given text (tests/func/300-*).
local M = {}

M.params = {
  text  = { type = "str", required = true },
  path  = { type = "path", default = "/etc/cairn-banner" },
  mode  = { type = "str", default = "0644" },
  state = { type = "str", default = "present", choices = { "present", "absent" } },
}
M.supports_check = true

function M.run(host, args)
  if args.state == "absent" then
    local st = host:stat(args.path)
    if not st.exists then
      return { changed = false, path = args.path }
    end
    local before = host:read(args.path) or ""
    local result = { changed = true, path = args.path,
      diff = { before = before, after = "", before_header = args.path } }
    if host.check_mode then return result end
    local r = host:run("rm -f -- " .. cairn.quote(args.path))
    if r.rc ~= 0 then
      return { failed = true, msg = "cannot remove " .. args.path .. ": " .. r.stderr,
        rc = r.rc, stderr = r.stderr }
    end
    return result
  end
  local changed = host:write(args.path, args.text .. "\n", { mode = args.mode })
  return {
    changed = changed,
    path = args.path,
    host = host.name,
    lines = #cairn.regex.split(args.text, "\n"),
  }
end

return M
