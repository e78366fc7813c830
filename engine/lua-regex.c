/*
 * cairn.regex for Lua code: find, match, gsub and split over regex.c, the
 * regular expression engine of the filters and the C modules, so a
 * pattern means the same in Lua as in lineinfile, and a catastrophic one
 * fails instead of hanging.
 */
#include <stdlib.h>
#include <string.h>

#include "lua-internal.h"
#include "regex.h"

/*
 * Compiles the pattern at arg with the flags string at fidx (may be none).
 * Lua strings are bytes; 'u' makes the pattern a UTF-8 one.
 */
static struct regex *
luaregex_compile(lua_State *L, int arg, int fidx)
{
	const char	*pat = luaL_checkstring(L, arg);
	const char	*f = luaL_optstring(L, fidx, "");
	struct regex	*re;
	char		*why;
	size_t		 off;
	int		 flags = 0;

	for (; *f != '\0'; f++) {
		switch (*f) {
		case 'i':
			flags |= REGEX_IGNORECASE;
			break;
		case 'm':
			flags |= REGEX_MULTILINE;
			break;
		case 's':
			flags |= REGEX_DOTALL;
			break;
		case 'x':
			flags |= REGEX_VERBOSE;
			break;
		case 'u':
			flags |= REGEX_UNICODE;
			break;
		default:
			luaL_error(L, "cairn.regex: unknown flag '%c' (i, m, s, "
			    "x or u)", *f);
		}
	}
	if ((re = regex_compile_why(pat, flags, &why, &off)) == NULL) {
		lua_pushfstring(L, "cairn.regex: bad pattern '%s': %s at "
		    "offset %d", pat, why, (int)off);
		free(why);
		lua_error(L);
	}
	return re;
}

/*
 * Raises r's error as a Lua error after releasing what the caller held
 * (lua_error does not return).
 */
static int
luaregex_fail(lua_State *L, struct regex *re, struct regex_match *m,
    char *cause)
{
	if (m != NULL)
		regex_match_release(m);
	regex_free(re);
	lua_pushfstring(L, "cairn.regex: %s", cause);
	free(cause);
	return lua_error(L);
}

/* find(s, pattern [, flags [, init]]): start and end (1-based), or nil. */
static int
luaregex_find(lua_State *L)
{
	size_t			 len;
	const char		*s = luaL_checklstring(L, 1, &len);
	lua_Integer		 init = luaL_optinteger(L, 4, 1);
	struct regex		*re = luaregex_compile(L, 2, 3);
	struct regex_match	 m = REGEX_MATCH_INIT;
	char			*cause = NULL;
	int			 r, n = 1;

	if (init < 1)
		init = 1;
	r = regex_search(re, s, len, (size_t)init - 1, &m, &cause);
	if (r < 0)
		return luaregex_fail(L, re, &m, cause);
	if (r == 0)
		lua_pushnil(L);
	else {
		lua_pushinteger(L, (lua_Integer)m.start[0] + 1);
		lua_pushinteger(L, (lua_Integer)m.end[0]);
		n = 2;
	}
	regex_match_release(&m);
	regex_free(re);
	return n;
}

/* match(s, pattern [, flags]): { [0] = whole, captures..., names } or nil. */
static int
luaregex_match(lua_State *L)
{
	size_t			 len, i;
	const char		*s = luaL_checklstring(L, 1, &len), *name;
	struct regex		*re = luaregex_compile(L, 2, 3);
	struct regex_match	 m = REGEX_MATCH_INIT;
	char			*cause = NULL;
	int			 r, g;

	if ((r = regex_search(re, s, len, 0, &m, &cause)) < 0)
		return luaregex_fail(L, re, &m, cause);
	if (r == 0) {
		regex_free(re);
		lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, (int)m.n - 1, 1);
	for (i = 0; i < m.n; i++) {
		if (m.start[i] == REGEX_UNSET)
			continue;
		lua_pushlstring(L, s + m.start[i], m.end[i] - m.start[i]);
		lua_rawseti(L, -2, (lua_Integer)i);
	}
	for (i = 0; (g = regex_group_name(re, i, &name)) >= 0; i++) {
		if ((size_t)g >= m.n || m.start[g] == REGEX_UNSET)
			continue;
		lua_pushlstring(L, s + m.start[g], m.end[g] - m.start[g]);
		lua_setfield(L, -2, name);
	}
	regex_match_release(&m);
	regex_free(re);
	return 1;
}

/* gsub(s, pattern, repl [, flags]): the new string and the count. */
static int
luaregex_gsub(lua_State *L)
{
	size_t		 len, rlen, count;
	const char	*s = luaL_checklstring(L, 1, &len);
	const char	*repl = luaL_checklstring(L, 3, &rlen);
	struct regex	*re = luaregex_compile(L, 2, 4);
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;

	if (regex_substitute(re, s, len, repl, rlen, &b, &count,
	    &cause) != 0) {
		buf_release(&b);
		regex_free(re);
		lua_pushfstring(L, "cairn.regex.gsub: %s", cause);
		free(cause);
		return lua_error(L);
	}
	regex_free(re);
	lua_pushlstring(L, buf_cstr(&b), b.len);
	buf_release(&b);
	lua_pushinteger(L, (lua_Integer)count);
	return 2;
}

/* split(s, pattern [, flags]): the pieces between matches, as a list. */
static int
luaregex_split(lua_State *L)
{
	size_t			 len, start = 0, from = 0;
	const char		*s = luaL_checklstring(L, 1, &len);
	struct regex		*re = luaregex_compile(L, 2, 3);
	struct regex_match	 m = REGEX_MATCH_INIT;
	char			*cause = NULL;
	lua_Integer		 n = 0;
	int			 r;

	lua_newtable(L);
	while ((r = regex_search(re, s, len, from, &m, &cause)) == 1) {
		if (m.end[0] == m.start[0]) {
			/* an empty match splits nothing; move on */
			if (m.start[0] >= len)
				break;
			from = m.start[0] + 1;
			if (m.start[0] == start)
				continue;
		} else
			from = m.end[0];
		lua_pushlstring(L, s + start, m.start[0] - start);
		lua_rawseti(L, -2, ++n);
		start = m.end[0];
	}
	if (r < 0)
		return luaregex_fail(L, re, &m, cause);
	lua_pushlstring(L, s + start, len - start);
	lua_rawseti(L, -2, ++n);
	regex_match_release(&m);
	regex_free(re);
	return 1;
}

void
luaregex_open(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "find", luaregex_find },
		{ "match", luaregex_match },
		{ "gsub", luaregex_gsub },
		{ "split", luaregex_split },
		{ NULL, NULL }
	};

	luaL_newlib(L, fns);
}
