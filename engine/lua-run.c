/* Running Lua code: a module's M.run with a host object, its returned table as the result; eval. */
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "lua-internal.h"
#include "luamod.h"

static enum mod_status
luamod_fail_trace(struct result *res, char *msg, char *trace)
{
	result_setstr(res, "msg", msg);
	if (trace != NULL)
		result_setstr(res, "exception", trace);
	free(msg);
	free(trace);
	return MOD_FAILED;
}

/* The diff field of a returned table: one {before, after} or a list. */
static int
luamod_diff(struct result *res, struct value *d)
{
	struct value	*e, *b, *a, *bh, *ah;
	size_t		 n = d->type == V_LIST ? d->u.list.n : 1;

	for (size_t i = 0; i < n; i++) {
		e = d->type == V_LIST ? d->u.list.items[i] : d;
		if (e->type != V_DICT)
			return -1;
		b = value_dict_get(e, "before");
		a = value_dict_get(e, "after");
		bh = value_dict_get(e, "before_header");
		ah = value_dict_get(e, "after_header");
		char *bs = b != NULL ? value_to_string(b) : xstrdup("");
		char *as = a != NULL ? value_to_string(a) : xstrdup("");
		result_diff(res, bh != NULL && bh->type == V_STR ?
		    bh->u.str.s : NULL, bs, ah != NULL && ah->type == V_STR ?
		    ah->u.str.s : NULL, as);
		free(bs);
		free(as);
	}
	return 0;
}

/* The table M.run returned (at -1) into the result. */
static enum mod_status
luamod_result(lua_State *L, int mod, const struct luamod *m,
    struct result *res)
{
	struct value	*v;
	char		*cause = NULL;
	int		 line;
	enum mod_status	 st = MOD_OK;
	const char	*flags[] = { "changed", "failed", "skipped" };

	if (lua_type(L, -1) != LUA_TTABLE) {
		lua_getfield(L, mod, "run");
		lua_Debug ar;
		lua_getinfo(L, ">S", &ar);
		line = ar.linedefined;
		return result_fail(res, "%s:%d: run returned a %s, a table is "
		    "expected ({ changed = false, msg = \"...\" })",
		    luamod_shown(m->chunk.path), line, luaL_typename(L, -1));
	}
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		lua_getfield(L, -1, flags[i]);
		if (!lua_isnil(L, -1) && !lua_isboolean(L, -1)) {
			st = result_fail(res, "%s: run returned '%s' as a %s: a "
			    "boolean is expected", m->chunk.path, flags[i],
			    luaL_typename(L, -1));
			lua_pop(L, 1);
			return st;
		}
		lua_pop(L, 1);
	}
	if ((v = luahost_to_value(L, -1, &cause)) == NULL) {
		result_fail(res, "%s: bad value returned by run: %s",
		    m->chunk.path, cause);
		free(cause);
		return MOD_FAILED;
	}
	if (value_truthy(value_dict_get(v, "failed")))
		st = MOD_FAILED;
	else if (value_truthy(value_dict_get(v, "skipped")))
		st = MOD_SKIPPED;
	else if (value_truthy(value_dict_get(v, "changed")))
		st = MOD_CHANGED;
	for (size_t i = 0; i < v->u.dict.n; i++) {
		const char *k = v->u.dict.keys[i];

		if (strcmp(k, "changed") == 0 || strcmp(k, "failed") == 0 ||
		    strcmp(k, "skipped") == 0)
			continue;
		if (strcmp(k, "diff") == 0) {
			if (luamod_diff(res, v->u.dict.vals[i]) != 0) {
				value_unref(v);
				return result_fail(res, "%s: run returned a "
				    "bad diff: { before = ..., after = ... } "
				    "is expected", m->chunk.path);
			}
			continue;
		}
		result_set(res, k, value_ref(v->u.dict.vals[i]));
	}
	value_unref(v);
	return st;
}

/*
 * Pushes the args table, with the list and dict defaults the engine's
 * parameter table cannot hold; mod is the index of the module table.
 */
static void
luamod_push_args(lua_State *L, int mod, const struct mod_args *args)
{
	struct value	*v;
	char		*cause = NULL;
	int		 t, p;

	luahost_push_value(L, args->v);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	t = lua_gettop(L);
	if (lua_getfield(L, mod, "params") != LUA_TTABLE) {
		lua_pop(L, 1);
		return;
	}
	p = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, p) != 0) {
		/* key, spec */
		if (lua_type(L, -2) == LUA_TSTRING &&
		    lua_type(L, -1) == LUA_TTABLE) {
			lua_getfield(L, -1, "default");
			lua_pushvalue(L, -3);
			lua_rawget(L, t);
			/* key, spec, default, current */
			if (lua_type(L, -2) == LUA_TTABLE && lua_isnil(L, -1)) {
				/* a copy: run may change its args */
				v = luahost_to_value(L, -2, &cause);
				lua_pushvalue(L, -4);
				luahost_push_value(L, v);
				lua_rawset(L, t);
				value_unref(v);
				free(cause);
				cause = NULL;
			}
			lua_pop(L, 2);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

enum mod_status
luamod_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *res)
{
	const struct luamod	*m = (const struct luamod *)ctx->module;
	struct luastate		*ls = luasb_get();
	lua_State		*L = ls->L;
	struct luahost		*h;
	enum mod_status		 st;
	char			*cause = NULL, *msg, *trace;
	int			 top = lua_gettop(L), r;

	if (luamod_value(ls, &m->chunk, &cause) != 0)
		return luamod_fail_trace(res, cause, NULL);
	/* The host stays referenced below the call until luahost_end. */
	h = luahost_begin(L, ctx, res);
	lua_getfield(L, top + 1, "run");
	lua_pushvalue(L, top + 2);
	luamod_push_args(L, top + 1, args);
	ls->chunk = &m->chunk;
	r = luasb_call(ls, 2, 1, &msg, &trace);
	ls->chunk = NULL;
	ls->host = NULL;
	luahost_end(h);
	if (r == -2) {
		result_setstr(res, "msg", msg);
		free(msg);
		st = MOD_FAILED;
	} else if (r != 0)
		st = luamod_fail_trace(res, msg, trace);
	else
		st = luamod_result(L, top + 1, m, res);
	lua_settop(L, top);
	if (ctx->unreachable)
		return MOD_FAILED;
	return st;
}

int
luamod_eval(const char *code, char **out, char **cause)
{
	struct luastate	*ls = luasb_get();
	lua_State	*L = ls->L;
	char		*msg, *trace;
	int		 r;

	if (luaL_loadbufferx(L, code, strlen(code), "=eval", "t") != LUA_OK) {
		*cause = xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
		return -1;
	}
	luasb_env(L);
	lua_setupvalue(L, -2, 1);
	if ((r = luasb_call(ls, 0, 1, &msg, &trace)) != 0) {
		*cause = trace != NULL ? trace : msg;
		if (trace != NULL)
			free(msg);
		return -1;
	}
	*out = xstrdup(luaL_tolstring(L, -1, NULL));
	lua_pop(L, 2);
	return 0;
}
