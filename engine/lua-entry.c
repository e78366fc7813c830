/* A Lua module's table as a module entry: M.run, M.supports_check, M.params as a parameter table. */
#include <stdlib.h>
#include <string.h>

#include "lua-internal.h"

static const char *const luamod_types[] = { "str", "bool", "int", "float",
	"path", "list", "dict", "raw", NULL };

/* The field k of table t as a NULL-terminated list of strings. */
static const char *const *
luamod_strlist(lua_State *L, int t, const char *k, const char *where,
    char **cause)
{
	char		**l;
	lua_Integer	  n, i;

	if (lua_getfield(L, t, k) == LUA_TNIL) {
		lua_pop(L, 1);
		return NULL;
	}
	if (lua_type(L, -1) != LUA_TTABLE) {
		*cause = xasprintf("%s: '%s' must be a list", where, k);
		lua_pop(L, 1);
		return NULL;
	}
	n = (lua_Integer)lua_rawlen(L, -1);
	l = xcalloc((size_t)n + 1, sizeof *l);
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		if (lua_type(L, -1) != LUA_TSTRING &&
		    lua_type(L, -1) != LUA_TNUMBER) {
			*cause = xasprintf("%s: '%s' must hold strings", where,
			    k);
			lua_pop(L, 2);
			while (--i >= 1)
				free(l[i - 1]);
			free(l);
			return NULL;
		}
		l[i - 1] = xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return (const char *const *)l;
}

static int
luamod_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mod_param *)a)->name,
	    ((const struct mod_param *)b)->name);
}

/* One parameter spec (the table at -1) into p; 0, or -1 and *cause. */
static int
luamod_param(lua_State *L, const char *path, const char *name,
    struct mod_param *p, char **cause)
{
	static const char *const keys[] = { "type", "required", "default",
		"choices", "aliases", "no_log", "elements", "description",
		NULL };
	const char	*type = "str";
	char		*where = xasprintf("%s: parameter '%s'", path, name);
	size_t		 i;
	int		 t = lua_gettop(L);

	p->name = xstrdup(name);
	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		lua_pop(L, 1);
		for (i = 0; keys[i] != NULL; i++)
			if (lua_type(L, -1) == LUA_TSTRING &&
			    strcmp(lua_tostring(L, -1), keys[i]) == 0)
				break;
		if (keys[i] == NULL) {
			*cause = xasprintf("%s: unknown key '%s' (type, "
			    "required, default, choices, aliases, no_log)",
			    where, luaL_tolstring(L, -1, NULL));
			lua_pop(L, 2);
			goto fail;
		}
	}
	if (lua_getfield(L, t, "type") == LUA_TSTRING)
		type = lua_tostring(L, -1);
	else if (!lua_isnil(L, -1)) {
		*cause = xasprintf("%s: 'type' must be a string", where);
		lua_pop(L, 1);
		goto fail;
	}
	for (i = 0; luamod_types[i] != NULL; i++)
		if (strcmp(type, luamod_types[i]) == 0)
			break;
	if (luamod_types[i] == NULL) {
		*cause = xasprintf("%s: unknown type '%s' (str, bool, int, "
		    "float, path, list, dict or raw)", where, type);
		lua_pop(L, 1);
		goto fail;
	}
	lua_pop(L, 1);
	p->type = (enum param_type)i;	/* same order as enum param_type */
	lua_getfield(L, t, "required");
	if (lua_toboolean(L, -1))
		p->flags |= P_REQUIRED;
	lua_pop(L, 1);
	lua_getfield(L, t, "no_log");
	if (lua_toboolean(L, -1))
		p->flags |= P_SECRET;
	lua_pop(L, 1);
	switch (lua_getfield(L, t, "default")) {
	case LUA_TNIL:
	case LUA_TTABLE:	/* list and dict defaults: applied by run */
		break;
	case LUA_TBOOLEAN:
		p->def = xstrdup(lua_toboolean(L, -1) ? "yes" : "no");
		break;
	case LUA_TNUMBER:
	case LUA_TSTRING:
		p->def = xstrdup(lua_tostring(L, -1));
		break;
	default:
		*cause = xasprintf("%s: bad default (a %s)", where,
		    luaL_typename(L, -1));
		lua_pop(L, 1);
		goto fail;
	}
	lua_pop(L, 1);
	p->choices = luamod_strlist(L, t, "choices", where, cause);
	if (*cause == NULL)
		p->aliases = luamod_strlist(L, t, "aliases", where, cause);
	if (*cause != NULL)
		goto fail;
	free(where);
	return 0;
fail:
	free(where);
	return -1;
}

/* Builds the entry from the module table at -1; 0, or -1 and *cause. */
int
luamod_entry(lua_State *L, struct luamod *m, char **cause)
{
	const char	*path = m->chunk.path;
	size_t		 n = 0, i;
	int		 t = lua_gettop(L);

	if (lua_type(L, t) != LUA_TTABLE) {
		*cause = xasprintf("%s: a module must return a table (it "
		    "returned a %s)", path, luaL_typename(L, t));
		return -1;
	}
	if (lua_getfield(L, t, "run") != LUA_TFUNCTION) {
		*cause = xasprintf("%s: the module table has no run function "
		    "(function M.run(host, args) ... end)", path);
		lua_pop(L, 1);
		return -1;
	}
	lua_pop(L, 1);
	m->entry.name = m->chunk.name;
	m->entry.run = luamod_run;
	m->entry.flags = MOD_SUPPORTS_DIFF;
	lua_getfield(L, t, "supports_check");
	if (lua_toboolean(L, -1))
		m->entry.flags |= MOD_SUPPORTS_CHECK;
	lua_pop(L, 1);
	switch (lua_getfield(L, t, "params")) {
	case LUA_TNIL:
		lua_pop(L, 1);
		lua_newtable(L);
		break;
	case LUA_TTABLE:
		break;
	default:
		*cause = xasprintf("%s: M.params must be a table", path);
		lua_pop(L, 1);
		return -1;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pop(L, 1);
		n++;
	}
	m->params = xcalloc(n + 1, sizeof *m->params);
	i = 0;
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING ||
		    lua_type(L, -1) != LUA_TTABLE) {
			*cause = xasprintf("%s: M.params must map names to "
			    "tables ({ type = \"str\" })", path);
			lua_pop(L, 3);
			return -1;
		}
		if (luamod_param(L, path, lua_tostring(L, -2), &m->params[i],
		    cause) != 0) {
			lua_pop(L, 3);
			return -1;
		}
		i++;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	qsort(m->params, n, sizeof *m->params, luamod_cmp);
	m->entry.params = m->params;
	return 0;
}

static void
luamod_strlist_free(const char *const *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; l[i] != NULL; i++)
		free((char *)l[i]);
	free((char **)l);
}

/* Only for a module that failed to load: loaded ones live until exit. */
void
luamod_free(struct luamod *m)
{
	struct mod_param	*p;

	for (p = m->params; p != NULL && p->name != NULL; p++) {
		free((char *)p->name);
		free((char *)p->def);
		luamod_strlist_free(p->choices);
		luamod_strlist_free(p->aliases);
	}
	free(m->params);
	free(m->chunk.path);
	free(m->chunk.dir);
	free(m->chunk.name);
	free(m->chunk.code);
	free(m);
}
