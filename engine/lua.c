/*
 * Lua modules and filters: finding NAME.lua on the module path, compiling
 * each file once per run (the bytecode is then loaded once per worker
 * state), turning M.params into a parameter table the engine checks like
 * a C module's, and calling M.run with a host object.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "lua-internal.h"
#include "lua.h"
#include "output.h"

/* A module written in Lua: the entry first, so run can find the rest. */
struct luamod {
	struct module_entry	 entry;
	struct luachunk		 chunk;
	struct mod_param	*params;
	struct luamod		*next;
};

/* Recursive: a module's top-level code may require another file. */
static pthread_mutex_t	 luamod_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static struct luamod	*luamod_list;		/* every module loaded */
static struct luachunk	**luamod_chunks;	/* filter files and required files */
static size_t		 luamod_nchunks;
static char		**luamod_path;		/* user directories */
static size_t		 luamod_npath;
static int		 luamod_verbosity;

static const char *const luamod_types[] = { "str", "bool", "int", "float",
	"path", "list", "dict", "raw", NULL };

static void
luamod_path_add(const char *dirs)
{
	char	*copy, *d, *save = NULL;

	if (dirs == NULL)
		return;
	copy = xstrdup(dirs);
	for (d = strtok_r(copy, ":", &save); d != NULL;
	    d = strtok_r(NULL, ":", &save)) {
		luamod_path = xreallocarray(luamod_path, luamod_npath + 1,
		    sizeof *luamod_path);
		luamod_path[luamod_npath++] = xstrdup(d);
	}
	free(copy);
}

void
lua_configure(const char *module_path, int verbosity)
{
	luamod_path_add(module_path);
	luamod_verbosity = verbosity;
}

/* The shipped modules: $CAIRN_LUA_PATH, the data directory, the source tree. */
static char *
luamod_shipped(const char *file)
{
	const char	*env = getenv("CAIRN_LUA_PATH");
	char		*copy, *d, *save = NULL, *path;

	if (env != NULL && *env != '\0') {
		copy = xstrdup(env);
		for (d = strtok_r(copy, ":", &save); d != NULL;
		    d = strtok_r(NULL, ":", &save)) {
			path = xasprintf("%s/%s", d, file);
			if (access(path, R_OK) == 0) {
				free(copy);
				return path;
			}
			free(path);
		}
		free(copy);
	}
	path = xasprintf("%s/modules/%s", CAIRN_DATADIR, file);
	if (access(path, R_OK) == 0)
		return path;
	free(path);
#ifdef CAIRN_SRCDIR
	path = xasprintf("%s/modules/lua/%s", CAIRN_SRCDIR, file);
	if (access(path, R_OK) == 0)
		return path;
	free(path);
#endif
	return NULL;
}

static char *
luamod_in(const char *dir, const char *sub, const char *file)
{
	char	*path;

	if (dir == NULL)
		return NULL;
	path = sub != NULL ? xasprintf("%s/%s/%s", dir, sub, file) :
	    xasprintf("%s/%s", dir, file);
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

static char *
luamod_in_path(const char *file)
{
	char	*path;

	for (size_t i = 0; i < luamod_npath; i++)
		if ((path = luamod_in(luamod_path[i], NULL, file)) != NULL)
			return path;
	return NULL;
}

/*
 * The name of a file in Lua's messages, which keep at most LUA_IDSIZE
 * bytes: a long path becomes its last two components ("library/x.lua").
 */
static const char *
luamod_shown(const char *path)
{
	const char	*p = path + strlen(path);
	int		 slashes = 0;

	if (strlen(path) < LUA_IDSIZE - 8)
		return path;
	while (p > path && slashes < 2)
		if (*--p == '/')
			slashes++;
	return slashes == 2 ? p + 1 : path;
}

static int
luamod_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	buf_add(ud, p, sz);
	return 0;
}

static int
luamod_compile(const char *path, const char *name, struct luachunk *c,
    char **cause)
{
	struct luastate	*ls = luasb_get();
	struct buf	 src = BUF_INIT, code = BUF_INIT;
	char		*chunkname, *slash;
	int		 r;

	if ((r = read_file(path, &src)) != 0) {
		*cause = xasprintf("cannot read '%s': %s", path, strerror(-r));
		return -1;
	}
	chunkname = xasprintf("@%s", luamod_shown(path));
	r = luaL_loadbufferx(ls->L, buf_cstr(&src), src.len, chunkname, "t");
	free(chunkname);
	buf_release(&src);
	if (r != LUA_OK) {
		*cause = xstrdup(lua_tostring(ls->L, -1));
		lua_pop(ls->L, 1);
		return -1;
	}
	lua_dump(ls->L, luamod_writer, &code, 0);
	lua_pop(ls->L, 1);
	c->path = xstrdup(path);
	c->dir = xstrdup(path);
	if ((slash = strrchr(c->dir, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(c->dir, ".");
	c->name = xstrdup(name);
	c->len = code.len;
	c->code = buf_detach(&code, NULL);
	return 0;
}

/*
 * Pushes what the chunk returned in this state, running it the first
 * time.  0, or -1 and *cause.
 */
int
luamod_value(struct luastate *ls, const struct luachunk *c, char **cause)
{
	lua_State	*L = ls->L;
	char		*msg, *trace, *chunkname;
	int		 r;

	lua_getfield(L, LUA_REGISTRYINDEX, "cairn.chunks");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, "cairn.chunks");
	}
	if (lua_rawgetp(L, -1, c) != LUA_TNIL) {
		lua_remove(L, -2);
		return 0;
	}
	lua_pop(L, 1);
	chunkname = xasprintf("@%s", luamod_shown(c->path));
	r = luaL_loadbufferx(L, c->code, c->len, chunkname, "b");
	free(chunkname);
	if (r != LUA_OK) {
		*cause = xasprintf("%s: %s", c->path, lua_tostring(L, -1));
		lua_pop(L, 2);
		return -1;
	}
	luasb_env(L);
	lua_setupvalue(L, -2, 1);
	ls->chunk = c;
	r = luasb_call(ls, 0, 1, &msg, &trace);
	ls->chunk = NULL;
	if (r != 0) {
		*cause = trace != NULL ? trace : xstrdup(msg);
		if (trace != NULL)
			free(msg);
		lua_pop(L, 1);
		return -1;
	}
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, c);
	lua_remove(L, -2);
	return 0;
}

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

static enum mod_status luamod_run(struct task_ctx *,
    const struct mod_args *, struct result *);

/* Builds the entry from the module table at -1; 0, or -1 and *cause. */
static int
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
static void
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

int
luamod_load(const char *path, const char *name,
    const struct module_entry **out, char **cause)
{
	struct luastate	*ls;
	struct luamod	*m;
	int		 r = -1;

	pthread_mutex_lock(&luamod_lock);
	for (m = luamod_list; m != NULL; m = m->next) {
		if (strcmp(m->chunk.path, path) == 0) {
			*out = &m->entry;
			pthread_mutex_unlock(&luamod_lock);
			return 0;
		}
	}
	m = xcalloc(1, sizeof *m);
	if (luamod_compile(path, name, &m->chunk, cause) != 0) {
		free(m);
		goto out;
	}
	ls = luasb_get();
	if (luamod_value(ls, &m->chunk, cause) != 0) {
		luamod_free(m);
		goto out;
	}
	r = luamod_entry(ls->L, m, cause);
	lua_pop(ls->L, 1);
	if (r != 0) {
		luamod_free(m);
		goto out;
	}
	/* Kept for the whole run: entries are referenced by tasks. */
	m->next = luamod_list;
	luamod_list = m;
	*out = &m->entry;
out:
	pthread_mutex_unlock(&luamod_lock);
	return r;
}

static int
luamod_name_ok(const char *s)
{
	return *s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(s);
}

const struct module_entry *
lua_module_find(const char *name, const char *playbook_dir, char **cause)
{
	const struct module_entry	*m = NULL;
	const char			*base = strrchr(name, '.');
	char				*file, *path, *shipped;

	*cause = NULL;
	base = base != NULL ? base + 1 : name;
	if (!luamod_name_ok(base))
		return module_find(name);
	file = xasprintf("%s.lua", base);
	/* A file on the module path is named on purpose: it wins. */
	if ((path = luamod_in_path(file)) == NULL) {
		if ((m = module_find(name)) != NULL) {
			free(file);
			return m;
		}
		path = luamod_in(playbook_dir, "library", file);
	}
	shipped = luamod_shipped(file);
	if (path == NULL) {
		path = shipped;
		shipped = NULL;
	}
	if (path != NULL && shipped != NULL && luamod_verbosity > 0)
		output_msg("module %s: %s shadows the shipped %s", base, path,
		    shipped);
	if (path != NULL && luamod_load(path, base, &m, cause) != 0)
		m = NULL;
	free(shipped);
	free(path);
	free(file);
	return m;
}

/* Running a module. */

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

static enum mod_status
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

/* require: NAME.lua (dots are directories) on the module path only. */

const struct luachunk *
luamod_chunk(const char *path, const char *name, char **cause)
{
	struct luachunk	*c = NULL;

	pthread_mutex_lock(&luamod_lock);
	for (size_t i = 0; i < luamod_nchunks; i++) {
		if (strcmp(luamod_chunks[i]->path, path) == 0) {
			c = luamod_chunks[i];
			goto out;
		}
	}
	c = xcalloc(1, sizeof *c);
	if (luamod_compile(path, name, c, cause) != 0) {
		free(c);
		c = NULL;
		goto out;
	}
	luamod_chunks = xreallocarray(luamod_chunks, luamod_nchunks + 1,
	    sizeof *luamod_chunks);
	luamod_chunks[luamod_nchunks++] = c;
out:
	pthread_mutex_unlock(&luamod_lock);
	return c;
}

int
luamod_chunk_known(const char *path)
{
	int	found = 0;

	pthread_mutex_lock(&luamod_lock);
	for (size_t i = 0; i < luamod_nchunks && !found; i++)
		found = strcmp(luamod_chunks[i]->path, path) == 0;
	pthread_mutex_unlock(&luamod_lock);
	return found;
}

int
luamod_require(lua_State *L)
{
	struct luastate		*ls = luasb_from(L);
	const char		*name = luaL_checkstring(L, 1);
	const struct luachunk	*c;
	char			*file, *path = NULL, *cause = NULL;

	if (*name == '\0' || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != strlen(name) ||
	    name[0] == '.' || str_endswith(name, ".") ||
	    strstr(name, "..") != NULL)
		return luaL_error(L, "require: bad module name '%s'", name);
	file = xasprintf("%s.lua", name);
	for (char *p = file; p[4] != '\0'; p++)
		if (*p == '.')
			*p = '/';
	if (ls->chunk != NULL)
		path = luamod_in(ls->chunk->dir, NULL, file);
	if (path == NULL)
		path = luamod_in_path(file);
	if (path == NULL)
		path = luamod_shipped(file);
	free(file);
	if (path == NULL)
		return luaL_error(L, "require: module '%s' not found beside "
		    "the module or on the module path", name);
	c = luamod_chunk(path, name, &cause);
	free(path);
	if (c == NULL || luamod_value(ls, c, &cause) != 0) {
		lua_pushstring(L, cause);
		free(cause);
		return lua_error(L);
	}
	return 1;
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
