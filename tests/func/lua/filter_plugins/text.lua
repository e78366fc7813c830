-- Test filters (tests/func/300-*).
return {
  filters = {
    shout = function(value, suffix)
      return string.upper(value) .. (suffix or "!")
    end,
    words = function(value)
      return cairn.regex.split(value, "\\s+")
    end,
  },
}
