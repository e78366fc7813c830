/*
 * cairn.regex for Lua code: find, match, gsub and split over PCRE2, the
 * regular expression engine of the C modules, with a match limit so that
 * a catastrophic pattern fails instead of hanging.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "lua-internal.h"

#define LUAREGEX_MATCH_LIMIT	10000000

/* Compiles the pattern at arg with the flags string at fidx (may be none). */
static pcre2_code *
luaregex_compile(lua_State *L, int arg, int fidx)
{
	size_t		 plen;
	const char	*pat = luaL_checklstring(L, arg, &plen);
	const char	*f = luaL_optstring(L, fidx, "");
	uint32_t	 opts = 0;
	pcre2_code	*re;
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	int		 err;

	for (; *f != '\0'; f++) {
		switch (*f) {
		case 'i':
			opts |= PCRE2_CASELESS;
			break;
		case 'm':
			opts |= PCRE2_MULTILINE;
			break;
		case 's':
			opts |= PCRE2_DOTALL;
			break;
		case 'x':
			opts |= PCRE2_EXTENDED;
			break;
		case 'u':
			opts |= PCRE2_UTF;
			break;
		default:
			luaL_error(L, "cairn.regex: unknown flag '%c' (i, m, s, "
			    "x or u)", *f);
		}
	}
	re = pcre2_compile((PCRE2_SPTR)pat, plen, opts, &err, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		luaL_error(L, "cairn.regex: bad pattern '%s': %s at offset %d",
		    pat, (const char *)msg, (int)off);
	}
	return re;
}

/*
 * Runs one match from start; returns the pcre2_match code (>= 0 matched,
 * PCRE2_ERROR_NOMATCH, or an error raised as a Lua error after freeing).
 */
static int
luaregex_exec(lua_State *L, pcre2_code *re, pcre2_match_data *md,
    const char *s, size_t len, size_t start)
{
	pcre2_match_context	*mc = pcre2_match_context_create(NULL);
	int			 rc;

	pcre2_set_match_limit(mc, LUAREGEX_MATCH_LIMIT);
	rc = pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, md, mc);
	pcre2_match_context_free(mc);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
		PCRE2_UCHAR	msg[256];

		pcre2_get_error_message(rc, msg, sizeof msg);
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		luaL_error(L, "cairn.regex: %s", (const char *)msg);
	}
	return rc;
}

/* find(s, pattern [, flags [, init]]): start and end (1-based), or nil. */
static int
luaregex_find(lua_State *L)
{
	size_t			 len;
	const char		*s = luaL_checklstring(L, 1, &len);
	lua_Integer		 init = luaL_optinteger(L, 4, 1);
	pcre2_code		*re = luaregex_compile(L, 2, 3);
	pcre2_match_data	*md = pcre2_match_data_create_from_pattern(re,
				    NULL);
	PCRE2_SIZE		*ov;
	int			 n = 1;

	if (init < 1)
		init = 1;
	if ((size_t)init - 1 > len ||
	    luaregex_exec(L, re, md, s, len, (size_t)init - 1) < 0) {
		lua_pushnil(L);
	} else {
		ov = pcre2_get_ovector_pointer(md);
		lua_pushinteger(L, (lua_Integer)ov[0] + 1);
		lua_pushinteger(L, (lua_Integer)ov[1]);
		n = 2;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return n;
}

/* match(s, pattern [, flags]): { [0] = whole, captures..., names } or nil. */
static int
luaregex_match(lua_State *L)
{
	size_t			 len;
	const char		*s = luaL_checklstring(L, 1, &len);
	pcre2_code		*re = luaregex_compile(L, 2, 3);
	pcre2_match_data	*md = pcre2_match_data_create_from_pattern(re,
				    NULL);
	PCRE2_SIZE		*ov;
	PCRE2_SPTR		 tab;
	uint32_t		 ncap, nnames, esize, i, g;
	int			 rc;

	if ((rc = luaregex_exec(L, re, md, s, len, 0)) < 0) {
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		lua_pushnil(L);
		return 1;
	}
	ov = pcre2_get_ovector_pointer(md);
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	lua_createtable(L, (int)ncap, 1);
	for (i = 0; i <= ncap; i++) {
		if ((int)i >= rc || ov[2 * i] == PCRE2_UNSET)
			continue;
		lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
		lua_rawseti(L, -2, i);
	}
	pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &nnames);
	pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
	pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &tab);
	for (i = 0; i < nnames; i++, tab += esize) {
		g = ((uint32_t)tab[0] << 8) | tab[1];
		if ((int)g >= rc || ov[2 * g] == PCRE2_UNSET)
			continue;
		lua_pushlstring(L, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		lua_setfield(L, -2, (const char *)tab + 2);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return 1;
}

/* gsub(s, pattern, repl [, flags]): the new string and the count. */
static int
luaregex_gsub(lua_State *L)
{
	size_t			 len, rlen;
	const char		*s = luaL_checklstring(L, 1, &len);
	const char		*repl = luaL_checklstring(L, 3, &rlen);
	pcre2_code		*re = luaregex_compile(L, 2, 4);
	pcre2_match_context	*mc = pcre2_match_context_create(NULL);
	PCRE2_UCHAR		*out;
	PCRE2_SIZE		 olen = len + rlen + 64;
	PCRE2_UCHAR		 msg[256];
	int			 rc;

	pcre2_set_match_limit(mc, LUAREGEX_MATCH_LIMIT);
	for (;;) {
		out = xmalloc(olen + 1);
		rc = pcre2_substitute(re, (PCRE2_SPTR)s, len, 0,
		    PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_EXTENDED |
		    PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, NULL, mc,
		    (PCRE2_SPTR)repl, rlen, out, &olen);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
		free(out);
	}
	pcre2_match_context_free(mc);
	pcre2_code_free(re);
	if (rc < 0) {
		free(out);
		pcre2_get_error_message(rc, msg, sizeof msg);
		return luaL_error(L, "cairn.regex.gsub: %s", (const char *)msg);
	}
	lua_pushlstring(L, (const char *)out, olen);
	free(out);
	lua_pushinteger(L, rc);
	return 2;
}

/* split(s, pattern [, flags]): the pieces between matches, as a list. */
static int
luaregex_split(lua_State *L)
{
	size_t			 len, start = 0, from = 0;
	const char		*s = luaL_checklstring(L, 1, &len);
	pcre2_code		*re = luaregex_compile(L, 2, 3);
	pcre2_match_data	*md = pcre2_match_data_create_from_pattern(re,
				    NULL);
	PCRE2_SIZE		*ov;
	lua_Integer		 n = 0;

	lua_newtable(L);
	while (from <= len && luaregex_exec(L, re, md, s, len, from) >= 0) {
		ov = pcre2_get_ovector_pointer(md);
		if (ov[1] == ov[0]) {
			/* an empty match splits nothing; move on */
			if (ov[0] >= len)
				break;
			from = ov[0] + 1;
			if (ov[0] == start)
				continue;
		} else
			from = ov[1];
		lua_pushlstring(L, s + start, ov[0] - start);
		lua_rawseti(L, -2, ++n);
		start = ov[1];
	}
	lua_pushlstring(L, s + start, len - start);
	lua_rawseti(L, -2, ++n);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
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
