/*
 * The Lua sandbox: one state per thread with only safe libraries, an
 * allocator that enforces a memory limit and a count hook that enforces
 * an instruction budget on each call into Lua.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "lua-internal.h"
#include "luamod.h"

/* The count hook runs every this many VM instructions. */
#define LUASB_HOOK_EVERY	1000

long long	 luasb_budget = LUAMOD_DEF_INSTRUCTIONS;
size_t		 luasb_memory = LUAMOD_DEF_MEMORY;

static pthread_key_t		 luasb_key;
static pthread_once_t		 luasb_once = PTHREAD_ONCE_INIT;
static __thread struct luastate	*luasb_tls;

void
luamod_set_limits(long long instructions, size_t memory)
{
	if (instructions > 0)
		luasb_budget = instructions;
	if (memory > 0)
		luasb_memory = memory;
}

struct luastate *
luasb_from(lua_State *L)
{
	return *(struct luastate **)lua_getextraspace(L);
}

static void *
luasb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct luastate	*ls = ud;
	void		*p;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		ls->used -= osize;
		return NULL;
	}
	/* Shrinking never fails; growing past the limit does. */
	if (ls->limit != 0 && nsize > osize &&
	    ls->used + (nsize - osize) > ls->limit) {
		ls->tripped = TRIP_MEM;
		return NULL;
	}
	if ((p = realloc(ptr, nsize)) == NULL)
		return NULL;
	ls->used = ls->used - osize + nsize;
	return p;
}

int
luasb_trip(lua_State *L, enum luasb_trip why, const char *msg)
{
	struct luastate	*ls = luasb_from(L);

	ls->tripped = why;
	free(ls->tripmsg);
	ls->tripmsg = xstrdup(msg);
	lua_pushstring(L, msg);
	return lua_error(L);
}

static void
luasb_hook(lua_State *L, lua_Debug *ar)
{
	struct luastate	*ls = luasb_from(L);
	char		*msg;

	ls->count += LUASB_HOOK_EVERY;
	if (ls->budget <= 0 || ls->count <= ls->budget)
		return;
	/* Keep raising: a module's own pcall cannot swallow this. */
	lua_getinfo(L, "Sl", ar);
	msg = xasprintf("%s:%d: instruction budget exceeded (%lld "
	    "instructions): a runaway loop?", ar->short_src, ar->currentline,
	    ls->budget);
	lua_pushstring(L, msg);
	free(msg);
	luasb_trip(L, TRIP_INSTR, lua_tostring(L, -1));
}

static int
luasb_panic(lua_State *L)
{
	fatal("unprotected error in Lua: %s", lua_tostring(L, -1));
}

/* pcall and xpcall that let limit errors and cairn.fail through. */
static int
luasb_pcall(lua_State *L)
{
	int	st;

	luaL_checkany(L, 1);
	st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (luasb_from(L)->tripped != TRIP_NONE)
		return lua_error(L);
	lua_pushboolean(L, st == LUA_OK);
	lua_insert(L, 1);
	return lua_gettop(L);
}

static int
luasb_xpcall(lua_State *L)
{
	int	n = lua_gettop(L), st;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_replace(L, 1);
	lua_replace(L, 2);
	st = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (luasb_from(L)->tripped != TRIP_NONE)
		return lua_error(L);
	lua_pushboolean(L, st == LUA_OK);
	lua_replace(L, 1);
	return lua_gettop(L);
}

/* load: text chunks only, in a fresh sandbox environment by default. */
static int
luasb_load(lua_State *L)
{
	size_t		 len;
	const char	*s, *name, *mode;

	if (lua_type(L, 1) != LUA_TSTRING)
		return luaL_error(L, "load: only strings can be loaded here");
	s = lua_tolstring(L, 1, &len);
	name = luaL_optstring(L, 2, "=(load)");
	mode = luaL_optstring(L, 3, "t");
	if (strcmp(mode, "t") != 0)
		return luaL_error(L, "load: mode '%s' refused: only text "
		    "chunks (\"t\") may be loaded", mode);
	if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (!lua_isnoneornil(L, 4))
		lua_pushvalue(L, 4);
	else
		luasb_env(L);
	if (lua_setupvalue(L, -2, 1) == NULL)
		lua_pop(L, 1);
	return 1;
}

static int
luasb_print(lua_State *L)
{
	luaL_Buffer	b;
	int		n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	luahost_log(L, "info", lua_tostring(L, -1));
	return 0;
}

static int
luasb_collectgarbage(lua_State *L)
{
	const char	*opt = luaL_optstring(L, 1, "collect");

	if (strcmp(opt, "count") == 0) {
		lua_pushnumber(L, (lua_Number)luasb_from(L)->used / 1024);
		return 1;
	}
	if (strcmp(opt, "collect") == 0 || strcmp(opt, "step") == 0) {
		lua_gc(L, LUA_GCCOLLECT);
		lua_pushinteger(L, 0);
		return 1;
	}
	return luaL_error(L, "collectgarbage: option '%s' refused in the "
	    "sandbox", opt);
}

/* Copies the listed fields of the table at -1 into a new table. */
static void
luasb_copy(lua_State *L, const char *const *names)
{
	lua_newtable(L);
	for (; *names != NULL; names++) {
		lua_getfield(L, -2, *names);
		lua_setfield(L, -2, *names);
	}
}

/* Builds registry["cairn.safe"]: what every file's environment starts from. */
static void
luasb_open(lua_State *L)
{
	static const char *const base[] = { "assert", "error", "ipairs",
		"next", "pairs", "rawequal", "rawget", "rawlen", "rawset",
		"select", "setmetatable", "getmetatable", "tonumber",
		"tostring", "type", "_VERSION", NULL };
	static const char *const os[] = { "time", "date", "getenv", "clock",
		"difftime", NULL };
	static const struct {
		const char	*name;
		lua_CFunction	 open;
	} libs[] = {
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
	};
	static const luaL_Reg fns[] = {
		{ "pcall", luasb_pcall },
		{ "xpcall", luasb_xpcall },
		{ "load", luasb_load },
		{ "print", luasb_print },
		{ "collectgarbage", luasb_collectgarbage },
		{ "require", luamod_require },
		{ NULL, NULL }
	};

	luaL_requiref(L, "_G", luaopen_base, 0);
	luasb_copy(L, base);				/* _G safe */
	luaL_setfuncs(L, fns, 0);
	for (size_t i = 0; i < ARRAY_SIZE(libs); i++) {
		luaL_requiref(L, libs[i].name, libs[i].open, 0);
		lua_newtable(L);
		lua_pushnil(L);
		while (lua_next(L, -3) != 0) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_settable(L, -4);
		}
		lua_remove(L, -2);
		lua_setfield(L, -2, libs[i].name);
	}
	lua_getfield(L, -1, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");	/* bytecode is never loaded anyway */
	lua_pop(L, 1);
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
	luasb_copy(L, os);
	lua_remove(L, -2);
	lua_setfield(L, -2, "os");
	lua_setfield(L, LUA_REGISTRYINDEX, "cairn.safe");
	lua_pop(L, 1);					/* _G */
	/* The shared string metatable is not reachable from modules. */
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

void
luasb_env(lua_State *L)
{
	lua_newtable(L);
	lua_getfield(L, LUA_REGISTRYINDEX, "cairn.safe");
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		/* Library tables are copied: a module's changes stay its own. */
		if (lua_type(L, -1) == LUA_TTABLE) {
			lua_newtable(L);
			lua_pushnil(L);
			while (lua_next(L, -3) != 0) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_settable(L, -4);
			}
			lua_remove(L, -2);
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_settable(L, -5);
	}
	lua_pop(L, 1);
	luahost_open_cairn(L);
	lua_setfield(L, -2, "cairn");
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
}

static void
luasb_destroy(void *p)
{
	struct luastate	*ls = p;

	if (ls == NULL)
		return;
	lua_close(ls->L);
	free(ls->tripmsg);
	free(ls);
}

static void
luasb_key_init(void)
{
	if (pthread_key_create(&luasb_key, luasb_destroy) != 0)
		fatal("cannot create the Lua thread key");
}

struct luastate *
luasb_get(void)
{
	struct luastate	*ls;

	if (luasb_tls != NULL)
		return luasb_tls;
	pthread_once(&luasb_once, luasb_key_init);
	ls = xcalloc(1, sizeof *ls);
	if ((ls->L = lua_newstate(luasb_alloc, ls)) == NULL)
		fatal("cannot create a Lua state");
	*(struct luastate **)lua_getextraspace(ls->L) = ls;
	lua_atpanic(ls->L, luasb_panic);
	lua_sethook(ls->L, luasb_hook, LUA_MASKCOUNT, LUASB_HOOK_EVERY);
	luasb_open(ls->L);
	pthread_setspecific(luasb_key, ls);
	luasb_tls = ls;
	return ls;
}

/* The message handler: the error with a traceback, cairn.fail as it is. */
static int
luasb_msgh(lua_State *L)
{
	const char	*msg;

	if (luasb_from(L)->tripped == TRIP_FAIL)
		return 1;
	if ((msg = lua_tostring(L, 1)) == NULL) {
		if (luaL_callmeta(L, 1, "__tostring") &&
		    lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)",
			    luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

int
luasb_call(struct luastate *ls, int nargs, int nres, char **msg,
    char **trace)
{
	lua_State	*L = ls->L;
	int		 base = lua_gettop(L) - nargs, st, r = -1;
	const char	*e, *tb;

	*msg = NULL;
	*trace = NULL;
	lua_pushcfunction(L, luasb_msgh);
	lua_insert(L, base);
	/* A nested call (require) counts against the outer call's limits. */
	if (ls->depth++ == 0) {
		ls->count = 0;
		ls->budget = luasb_budget;
		ls->tripped = TRIP_NONE;
		ls->limit = luasb_memory != 0 ? ls->used + luasb_memory : 0;
	}
	st = lua_pcall(L, nargs, nres, base);
	if (--ls->depth == 0) {
		ls->limit = 0;
		ls->budget = 0;
	}
	lua_remove(L, base);
	if (st == LUA_OK) {
		if (ls->depth == 0)
			ls->tripped = TRIP_NONE;
		return 0;
	}
	switch (ls->tripped) {
	case TRIP_FAIL:
		*msg = xstrdup(ls->tripmsg != NULL ? ls->tripmsg : "failed");
		r = -2;
		break;
	case TRIP_MEM:
		*msg = xasprintf("memory limit exceeded (%zu MiB allowed per "
		    "call)", luasb_memory >> 20);
		break;
	default:
		if (st == LUA_ERRMEM) {
			*msg = xstrdup("not enough memory");
			break;
		}
		e = lua_tostring(L, -1);
		if (e == NULL)
			e = "(error object is not a string)";
		if (ls->tripped == TRIP_INSTR && ls->tripmsg != NULL &&
		    strstr(e, "instruction budget") == NULL)
			e = ls->tripmsg;
		tb = strstr(e, "\nstack traceback:");
		*msg = tb != NULL ? xstrndup(e, (size_t)(tb - e)) : xstrdup(e);
		if (tb != NULL)
			*trace = xstrdup(e);
		break;
	}
	lua_pop(L, 1);
	if (ls->depth == 0) {
		ls->tripped = TRIP_NONE;
		lua_gc(L, LUA_GCCOLLECT);
	}
	return r;
}
