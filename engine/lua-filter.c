/*
 * Filters written in Lua: filter_plugins/NAME.lua beside the playbook,
 * registered into the expression engine, run in the calling thread's
 * sandbox like modules.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "lua-internal.h"
#include "luamod.h"

struct luafilter {
	const struct luachunk	*chunk;
	char			*name;
};

static int
luafilter_call(void *ud, struct value *in, struct value *const *args,
    size_t nargs, struct value *kwargs, struct value **out, char **cause)
{
	struct luafilter	*lf = ud;
	struct luastate		*ls = luasb_get();
	lua_State		*L = ls->L;
	char			*msg, *trace;
	int			 top = lua_gettop(L), n, r;

	if (luamod_value(ls, lf->chunk, cause) != 0)
		return -1;
	lua_getfield(L, -1, "filters");
	lua_getfield(L, -1, lf->name);
	luahost_push_value(L, in);
	for (size_t i = 0; i < nargs; i++)
		luahost_push_value(L, args[i]);
	n = (int)nargs + 1;
	if (kwargs != NULL && value_len(kwargs) > 0) {
		luahost_push_value(L, kwargs);
		n++;
	}
	ls->chunk = lf->chunk;
	r = luasb_call(ls, n, 1, &msg, &trace);
	ls->chunk = NULL;
	if (r != 0) {
		*cause = xasprintf("filter '%s': %s", lf->name, msg);
		free(msg);
		free(trace);
		lua_settop(L, top);
		return -1;
	}
	*out = luahost_to_value(L, -1, cause);
	lua_settop(L, top);
	return *out != NULL ? 0 : -1;
}

static int
luafilter_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Registers the filters of one file; 0, or -1 and *cause. */
static int
luafilter_file(const char *path, char **cause)
{
	struct luastate		*ls = luasb_get();
	lua_State		*L = ls->L;
	const struct luachunk	*c;
	struct luafilter	*lf;
	int			 top = lua_gettop(L);

	if (luamod_chunk_known(path))
		return 0;	/* already registered */
	if ((c = luamod_chunk(path, path, cause)) == NULL ||
	    luamod_value(ls, c, cause) != 0)
		return -1;
	if (lua_type(L, -1) != LUA_TTABLE ||
	    lua_getfield(L, -1, "filters") != LUA_TTABLE) {
		*cause = xasprintf("%s: a filter file must return { filters = "
		    "{ name = function(value, ...) ... end } }", path);
		lua_settop(L, top);
		return -1;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING ||
		    lua_type(L, -1) != LUA_TFUNCTION) {
			*cause = xasprintf("%s: filters must map names to "
			    "functions", path);
			lua_settop(L, top);
			return -1;
		}
		lf = xcalloc(1, sizeof *lf);
		lf->chunk = c;
		lf->name = xstrdup(lua_tostring(L, -2));
		/* Lives as long as the filter table: until exit. */
		expr_filter_register(lf->name, luafilter_call, lf);
		lua_pop(L, 1);
	}
	lua_settop(L, top);
	return 0;
}

int
luamod_filters_load(const char *playbook_dir, char **cause)
{
	char		*dir, **names = NULL, *path;
	size_t		 n = 0, i;
	DIR		*d;
	struct dirent	*de;
	int		 r = 0;

	dir = xasprintf("%s/filter_plugins", playbook_dir);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !str_endswith(de->d_name, ".lua"))
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, luafilter_cmp);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if (r == 0)
			r = luafilter_file(path, cause);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	return r;
}

