/*
 * What Lua code sees of cairn: values converted both ways, the host
 * object of a run (host:run/read/stat/write over the host API of
 * module.h) and the cairn table (quote, regex, json, log, fail, null).
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "lua-internal.h"

/* Bigger files are not read back for the diff of host:write. */
#define LUAHOST_MAX_DIFF	104448
#define LUAHOST_MAX_DEPTH	64

/* The marker of tables that are JSON arrays even when empty. */
#define LUAHOST_ARRAY_MT	"cairn.array"

/* A shell holds at most 7 locks (descriptors 3 to 9). */
#define LUAHOST_MAX_LOCKS	7
#define LUAHOST_LOCK_MT		"cairn.lock"

struct luahost_lock;
struct luahost {
	struct task_ctx	*ctx;		/* NULL once the run is over */
	struct result	*res;
	/* the run's locks still held: released by luahost_end at the latest */
	struct luahost_lock *locks[LUAHOST_MAX_LOCKS];
};

/* host:lock's object; keeps its host alive (user value 1). */
struct luahost_lock {
	struct luahost	 *h;
	struct host_lock *lk;		/* NULL: check mode, or no lock file */
	int		  held;		/* not released yet */
};

/* Values. */

static void
luahost_push_array_mt(lua_State *L)
{
	if (luaL_newmetatable(L, LUAHOST_ARRAY_MT)) {
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
	}
}

static void
luahost_push_depth(lua_State *L, const struct value *v, int top)
{
	size_t	i;

	switch (v->type) {
	case V_NULL:
		if (top)
			lua_pushnil(L);
		else
			lua_pushlightuserdata(L, NULL);	/* cairn.null */
		break;
	case V_BOOL:
		lua_pushboolean(L, v->u.b);
		break;
	case V_INT:
		lua_pushinteger(L, (lua_Integer)v->u.i);
		break;
	case V_FLOAT:
		lua_pushnumber(L, v->u.f);
		break;
	case V_STR:
		lua_pushlstring(L, v->u.str.s, v->u.str.len);
		break;
	case V_LIST:
		luaL_checkstack(L, 4, "value too deep");
		lua_createtable(L, (int)v->u.list.n, 0);
		for (i = 0; i < v->u.list.n; i++) {
			luahost_push_depth(L, v->u.list.items[i], 0);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		luahost_push_array_mt(L);
		lua_setmetatable(L, -2);
		break;
	case V_DICT:
		luaL_checkstack(L, 4, "value too deep");
		lua_createtable(L, 0, (int)v->u.dict.n);
		for (i = 0; i < v->u.dict.n; i++) {
			luahost_push_depth(L, v->u.dict.vals[i], 0);
			lua_setfield(L, -2, v->u.dict.keys[i]);
		}
		break;
	}
}

void
luahost_push_value(lua_State *L, const struct value *v)
{
	if (v == NULL)
		lua_pushnil(L);
	else
		luahost_push_depth(L, v, 1);
}

/* n > 0 if the table at idx is a sequence 1..n and nothing else. */
static size_t
luahost_seq_len(lua_State *L, int idx)
{
	size_t		n = 0;
	lua_Integer	k;

	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1) || (k = lua_tointeger(L, -1)) < 1) {
			lua_pop(L, 1);
			return 0;
		}
		n++;
	}
	return (size_t)lua_rawlen(L, idx) == n ? n : 0;
}

static struct value *
luahost_to_depth(lua_State *L, int idx, int depth, char **cause)
{
	struct value	*v, *item;
	size_t		 n, len, i;
	const char	*s;
	char		*key;
	int		 isarray;

	idx = lua_absindex(L, idx);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TNONE:
		return value_null();
	case LUA_TBOOLEAN:
		return value_bool(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return value_int((long long)lua_tointeger(L, idx));
		return value_float(lua_tonumber(L, idx));
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		return value_strn(s, len);
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == NULL)
			return value_null();
		break;
	case LUA_TTABLE:
		if (depth > LUAHOST_MAX_DEPTH) {
			*cause = xstrdup("table nested too deep (a cycle?)");
			return NULL;
		}
		luaL_checkstack(L, 6, "table too deep");
		isarray = 0;
		if (lua_getmetatable(L, idx)) {
			luaL_getmetatable(L, LUAHOST_ARRAY_MT);
			isarray = lua_rawequal(L, -1, -2);
			lua_pop(L, 2);
		}
		if ((n = luahost_seq_len(L, idx)) > 0 || isarray) {
			v = value_list();
			for (i = 1; i <= n; i++) {
				lua_rawgeti(L, idx, (lua_Integer)i);
				item = luahost_to_depth(L, -1, depth + 1, cause);
				lua_pop(L, 1);
				if (item == NULL) {
					value_unref(v);
					return NULL;
				}
				value_list_append(v, item);
			}
			return v;
		}
		v = value_dict();
		lua_pushnil(L);
		while (lua_next(L, idx) != 0) {
			/* never lua_tostring a number key: lua_next needs it */
			if (lua_type(L, -2) == LUA_TSTRING)
				key = xstrdup(lua_tostring(L, -2));
			else if (lua_isinteger(L, -2))
				key = xasprintf("%lld",
				    (long long)lua_tointeger(L, -2));
			else if (lua_type(L, -2) == LUA_TNUMBER)
				key = xasprintf("%.14g", lua_tonumber(L, -2));
			else {
				*cause = xasprintf("a table key is a %s: only "
				    "strings and numbers can be keys",
				    luaL_typename(L, -2));
				lua_pop(L, 2);
				value_unref(v);
				return NULL;
			}
			item = luahost_to_depth(L, -1, depth + 1, cause);
			lua_pop(L, 1);
			if (item == NULL) {
				free(key);
				lua_pop(L, 1);
				value_unref(v);
				return NULL;
			}
			value_dict_set(v, key, item);
			free(key);
		}
		return v;
	default:
		break;
	}
	*cause = xasprintf("a %s cannot be converted to a value",
	    luaL_typename(L, idx));
	return NULL;
}

struct value *
luahost_to_value(lua_State *L, int idx, char **cause)
{
	return luahost_to_depth(L, idx, 0, cause);
}

/* The host object. */

static struct luahost *
luahost_check(lua_State *L)
{
	struct luahost	*h = luaL_checkudata(L, 1, "cairn.host");

	if (h->ctx == NULL)
		luaL_error(L, "this host object belongs to a task that has "
		    "ended");
	return h;
}

/* Raises the error of a failed host call; unreachable ends the module. */
static int
luahost_error(lua_State *L, const char *what, char *cause)
{
	lua_pushfstring(L, "%s: %s", what, cause != NULL ? cause : "failed");
	free(cause);
	return lua_error(L);
}

static const char *
luahost_optfield(lua_State *L, int t, const char *k)
{
	if (lua_type(L, t) != LUA_TTABLE)
		return NULL;
	lua_getfield(L, t, k);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return NULL;
	}
	if (lua_isinteger(L, -1) && strcmp(k, "mode") == 0) {
		/* mode = 420, or 0x1a4: the bits themselves, like YAML's 0644 */
		char	m[24];

		snprintf(m, sizeof m, "0%llo",
		    (unsigned long long)lua_tointeger(L, -1));
		lua_pop(L, 1);
		/* stays on the stack until the C function returns */
		return lua_pushstring(L, m);
	}
	if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER)
		luaL_error(L, "option '%s' must be a string", k);
	return lua_tostring(L, -1);
}

static int
luahost_optbool(lua_State *L, int t, const char *k)
{
	int	b;

	if (lua_type(L, t) != LUA_TTABLE)
		return 0;
	lua_getfield(L, t, k);
	b = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return b;
}

static int
luahost_env_name(const char *s)
{
	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_") == strlen(s);
}

/* host:run(cmd [, { stdin, chdir, env, check_ok }]) */
static int
luahost_run(lua_State *L)
{
	struct luahost		*h = luahost_check(L);
	const char		*cmd = luaL_checkstring(L, 2), *dir, *in = NULL;
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	size_t			 inlen = 0;
	char			*cause = NULL;
	int			 r;

	if (!lua_isnoneornil(L, 3))
		luaL_checktype(L, 3, LUA_TTABLE);
	if (ctx_check_mode(h->ctx) && !luahost_optbool(L, 3, "check_ok")) {
		lua_createtable(L, 0, 4);
		lua_pushinteger(L, 0);
		lua_setfield(L, -2, "rc");
		lua_pushliteral(L, "");
		lua_setfield(L, -2, "stdout");
		lua_pushliteral(L, "");
		lua_setfield(L, -2, "stderr");
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, "skipped");
		return 1;
	}
	if ((dir = luahost_optfield(L, 3, "chdir")) != NULL) {
		buf_adds(&s, "cd ");
		host_path_word(&s, dir);
		buf_adds(&s, " || exit 1\n");
	}
	if (lua_type(L, 3) == LUA_TTABLE) {
		if (lua_getfield(L, 3, "env") == LUA_TTABLE) {
			lua_pushnil(L);
			while (lua_next(L, -2) != 0) {
				if (lua_type(L, -2) != LUA_TSTRING ||
				    !luahost_env_name(lua_tostring(L, -2))) {
					buf_release(&s);
					return luaL_error(L, "host:run: bad "
					    "environment variable name");
				}
				buf_addf(&s, "export %s=", lua_tostring(L, -2));
				shell_quote_buf(&s, luaL_tolstring(L, -1, NULL));
				buf_addc(&s, '\n');
				lua_pop(L, 2);
			}
		}
		lua_pop(L, 1);
		if (lua_getfield(L, 3, "stdin") == LUA_TSTRING)
			in = lua_tolstring(L, -1, &inlen);
	}
	buf_adds(&s, cmd);
	r = host_run_stdin(h->ctx, buf_cstr(&s), in, inlen, &res, &cause);
	buf_release(&s);
	if (r != 0) {
		exec_result_release(&res);
		return luahost_error(L, "host:run", cause);
	}
	lua_createtable(L, 0, 3);
	lua_pushinteger(L, res.rc);
	lua_setfield(L, -2, "rc");
	lua_pushlstring(L, res.out.s != NULL ? res.out.s : "", res.out.len);
	lua_setfield(L, -2, "stdout");
	lua_pushlstring(L, res.err.s != NULL ? res.err.s : "", res.err.len);
	lua_setfield(L, -2, "stderr");
	exec_result_release(&res);
	return 1;
}

/*
 * host:read(path): content, or nil and the reason when the file is absent
 * or unreadable.  A failed transport (lost link, refused become, timeout)
 * raises instead: it must not look like an absent file to the module.
 */
static int
luahost_read(lua_State *L)
{
	struct luahost	*h = luahost_check(L);
	const char	*path = luaL_checkstring(L, 2);
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;
	int		 r;

	if ((r = host_read(h->ctx, path, &b, &cause)) != 0) {
		buf_release(&b);
		if (err_is_transport(r))
			return luahost_error(L, "host:read", cause);
		lua_pushnil(L);
		lua_pushstring(L, cause != NULL ? cause : err_text(r));
		free(cause);
		return 2;
	}
	lua_pushlstring(L, buf_cstr(&b), b.len);
	buf_release(&b);
	return 1;
}

static void
luahost_push_stat(lua_State *L, const struct host_stat *st)
{
	static const char *const types[] = { "absent", "file", "directory",
		"link", "other" };
	char	m[8];

	lua_createtable(L, 0, 12);
	lua_pushboolean(L, st->type != FT_NONE);
	lua_setfield(L, -2, "exists");
	lua_pushstring(L, types[st->type]);
	lua_setfield(L, -2, "type");
	if (st->type == FT_NONE)
		return;
	mode_format(st->mode, m);
	lua_pushstring(L, m);
	lua_setfield(L, -2, "mode");
	lua_pushstring(L, st->owner);
	lua_setfield(L, -2, "owner");
	lua_pushstring(L, st->group);
	lua_setfield(L, -2, "group");
	lua_pushinteger(L, st->uid);
	lua_setfield(L, -2, "uid");
	lua_pushinteger(L, st->gid);
	lua_setfield(L, -2, "gid");
	lua_pushinteger(L, st->size);
	lua_setfield(L, -2, "size");
	lua_pushinteger(L, st->mtime);
	lua_setfield(L, -2, "mtime");
	if (st->checksum[0] != '\0') {
		lua_pushstring(L, st->checksum);
		lua_setfield(L, -2, "checksum");
	}
	if (st->type == FT_LINK) {
		lua_pushstring(L, st->link);
		lua_setfield(L, -2, "link");
	}
}

/* host:stat(path [, { follow, checksum }]) */
static int
luahost_stat(lua_State *L)
{
	struct luahost	*h = luahost_check(L);
	const char	*path = luaL_checkstring(L, 2);
	struct host_stat st;
	char		*cause = NULL;
	int		 flags = STAT_CHECKSUM;

	if (lua_type(L, 3) == LUA_TTABLE) {
		if (luahost_optbool(L, 3, "follow"))
			flags |= STAT_FOLLOW;
		lua_getfield(L, 3, "checksum");
		if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1))
			flags &= ~STAT_CHECKSUM;
		lua_pop(L, 1);
	}
	memset(&st, 0, sizeof st);
	if (host_stat(h->ctx, path, flags, &st, &cause) != 0)
		return luahost_error(L, "host:stat", cause);
	luahost_push_stat(L, &st);
	return 1;
}

/*
 * Records the diff of a content change when --diff is on.  A file that
 * cannot be read diffs as empty; a failed transport is returned (with
 * *cause), as the write would not go through either.
 */
static int
luahost_write_diff(struct luahost *h, const char *path,
    const struct host_stat *st, const char *data, size_t len, char **cause)
{
	struct buf	 old = BUF_INIT;
	char		*after;
	int		 r;

	if (!ctx_diff_mode(h->ctx))
		return 0;
	if (st->type == FT_FILE && st->size <= LUAHOST_MAX_DIFF &&
	    (r = host_read(h->ctx, path, &old, cause)) != 0) {
		buf_release(&old);
		if (err_is_transport(r))
			return r;
		free(*cause);
		*cause = NULL;
	}
	if (len > LUAHOST_MAX_DIFF || memchr(data, '\0', len) != NULL ||
	    (old.len > 0 && memchr(old.s, '\0', old.len) != NULL)) {
		result_diff(h->res, path, "(binary or large content)\n", path,
		    "(binary or large content, changed)\n");
		buf_release(&old);
		return 0;
	}
	after = xstrndup(data, len);
	result_diff(h->res, st->type == FT_NONE ? "/dev/null" : path,
	    buf_cstr(&old), path, after);
	free(after);
	buf_release(&old);
	return 0;
}

/* host:write(path, data [, { mode, owner, group, backup, validate }]) */
static int
luahost_write(lua_State *L)
{
	struct luahost	*h = luahost_check(L);
	const char	*path = luaL_checkstring(L, 2), *data;
	struct write_opts o;
	struct host_stat st;
	size_t		 len;
	char		 sum[41], *cause = NULL, *backup = NULL;
	int		 changed = 0, attrs = 0, nodiff;

	data = luaL_checklstring(L, 3, &len);
	if (lua_isnoneornil(L, 4)) {
		lua_settop(L, 3);
		lua_newtable(L);
	}
	luaL_checktype(L, 4, LUA_TTABLE);
	memset(&o, 0, sizeof o);
	o.mode = luahost_optfield(L, 4, "mode");
	o.owner = luahost_optfield(L, 4, "owner");
	o.group = luahost_optfield(L, 4, "group");
	o.validate = luahost_optfield(L, 4, "validate");
	o.backup = luahost_optbool(L, 4, "backup");
	memset(&st, 0, sizeof st);
	if (host_stat(h->ctx, path, STAT_CHECKSUM, &st, &cause) != 0)
		return luahost_error(L, "host:write", cause);
	if (st.type == FT_DIR)
		return luaL_error(L, "host:write: '%s' is a directory", path);
	sha1_hex(data, len, sum);
	lua_getfield(L, 4, "diff");
	nodiff = lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (st.type != FT_FILE || strcmp(sum, st.checksum) != 0) {
		if (!nodiff && luahost_write_diff(h, path, &st, data, len,
		    &cause) != 0)
			return luahost_error(L, "host:write", cause);
		changed = 1;
		if (host_write(h->ctx, path, data, len, &o, &backup,
		    &cause) != 0)
			return luahost_error(L, "host:write", cause);
	} else if (o.mode != NULL || o.owner != NULL || o.group != NULL) {
		if (host_set_attrs(h->ctx, path, o.mode, o.owner, o.group, 0,
		    0, &attrs, h->res, &cause) != 0)
			return luahost_error(L, "host:write", cause);
		changed = attrs;
	}
	lua_pushboolean(L, changed);
	if (backup == NULL)
		return 1;
	lua_pushstring(L, backup);
	free(backup);
	return 2;
}

static int
luahost_vars_index(lua_State *L)
{
	struct luahost	*h = lua_touserdata(L, lua_upvalueindex(1));
	struct value	*v;

	if (h->ctx == NULL)
		return luaL_error(L, "host.vars used after its task ended");
	v = ctx_var(h->ctx, luaL_checkstring(L, 2));
	luahost_push_value(L, v);
	value_unref(v);
	return 1;
}

static int
luahost_readonly(lua_State *L)
{
	return luaL_error(L, "host.vars is read-only");
}

static int
luahost_index(lua_State *L)
{
	struct luahost	*h = luahost_check(L);
	const char	*k = luaL_checkstring(L, 2);

	if (strcmp(k, "name") == 0)
		lua_pushstring(L, ctx_host_name(h->ctx));
	else if (strcmp(k, "check_mode") == 0)
		lua_pushboolean(L, ctx_check_mode(h->ctx));
	else if (strcmp(k, "diff_mode") == 0)
		lua_pushboolean(L, ctx_diff_mode(h->ctx));
	else if (strcmp(k, "vars") == 0) {
		lua_newtable(L);
		lua_createtable(L, 0, 3);
		lua_pushvalue(L, 1);
		lua_pushcclosure(L, luahost_vars_index, 1);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, luahost_readonly);
		lua_setfield(L, -2, "__newindex");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
		lua_setmetatable(L, -2);
	} else {
		luaL_getmetatable(L, "cairn.host");
		lua_getfield(L, -1, "methods");
		lua_getfield(L, -1, k);
	}
	return 1;
}

/* Releases l (once) and forgets it in its host's list. */
static void
luahost_lock_release(struct luahost_lock *l)
{
	size_t	i;

	if (!l->held)
		return;
	l->held = 0;
	for (i = 0; i < LUAHOST_MAX_LOCKS; i++)
		if (l->h->locks[i] == l)
			l->h->locks[i] = NULL;
	/* After the run the task's shell cannot be asked: luahost_end did. */
	if (l->h->ctx != NULL)
		host_unlock(l->h->ctx, l->lk);
	l->lk = NULL;
}

static int
luahost_lock_unlock(lua_State *L)
{
	luahost_lock_release(luaL_checkudata(L, 1, LUAHOST_LOCK_MT));
	return 0;
}

static int
luahost_lock(lua_State *L)
{
	static const luaL_Reg	 methods[] = {
		{ "unlock", luahost_lock_unlock },
		{ NULL, NULL }
	};
	struct luahost		*h = luahost_check(L);
	const char		*path = luaL_checkstring(L, 2);
	struct luahost_lock	*l;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < LUAHOST_MAX_LOCKS; i++)
		if (h->locks[i] == NULL)
			break;
	if (i == LUAHOST_MAX_LOCKS)
		return luaL_error(L, "host:lock: too many locks held at once");
	/* The object first: an error below must not leak a held lock. */
	l = lua_newuserdatauv(L, sizeof *l, 1);
	memset(l, 0, sizeof *l);
	l->h = h;
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	if (luaL_newmetatable(L, LUAHOST_LOCK_MT)) {
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, luahost_lock_unlock);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, luahost_lock_unlock);
		lua_setfield(L, -2, "__close");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
	}
	lua_setmetatable(L, -2);
	if (host_lock(h->ctx, path, &l->lk, &cause) != 0)
		return luahost_error(L, "host:lock", cause);
	l->held = 1;
	h->locks[i] = l;
	return 1;
}

struct luahost *
luahost_begin(lua_State *L, struct task_ctx *ctx, struct result *res)
{
	static const luaL_Reg methods[] = {
		{ "run", luahost_run },
		{ "read", luahost_read },
		{ "stat", luahost_stat },
		{ "write", luahost_write },
		{ "lock", luahost_lock },
		{ NULL, NULL }
	};
	struct luahost	*h;

	/* Owned by Lua: a module may keep it, luahost_end disarms it. */
	h = lua_newuserdatauv(L, sizeof *h, 0);
	memset(h, 0, sizeof *h);
	h->ctx = ctx;
	h->res = res;
	if (luaL_newmetatable(L, "cairn.host")) {
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "methods");
		lua_pushcfunction(L, luahost_index);
		lua_setfield(L, -2, "__index");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
	}
	lua_setmetatable(L, -2);
	luasb_from(L)->host = h;
	return h;
}

void
luahost_end(struct luahost *h)
{
	size_t	i;

	if (h == NULL)
		return;
	/* The task ends: whatever the module still holds is released. */
	for (i = 0; i < LUAHOST_MAX_LOCKS; i++)
		if (h->locks[i] != NULL)
			luahost_lock_release(h->locks[i]);
	h->ctx = NULL;
}

/* The cairn table. */

void
luahost_log(lua_State *L, const char *level, const char *text)
{
	struct luahost	*h = luasb_from(L)->host;
	struct value	*l;
	int		 need;

	if (h == NULL || h->ctx == NULL)
		return;
	if (strcmp(level, "warn") == 0 || strcmp(level, "warning") == 0 ||
	    strcmp(level, "error") == 0) {
		result_warn(h->res, "%s", text);
		return;
	}
	need = strcmp(level, "debug") == 0 ? 2 : 1;
	if (ctx_verbosity(h->ctx) < need)
		return;
	if (h->res->v == NULL)
		h->res->v = value_dict();
	if ((l = value_dict_get(h->res->v, "log")) == NULL ||
	    l->type != V_LIST) {
		l = value_list();
		value_dict_set(h->res->v, "log", l);
	}
	value_list_append(l, value_strf("%s: %s", level, text));
}

static int
luahost_cairn_log(lua_State *L)
{
	const char	*level = luaL_checkstring(L, 1);
	luaL_Buffer	 b;
	int		 n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (int i = 2; i <= n; i++) {
		if (i > 2)
			luaL_addchar(&b, ' ');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	luahost_log(L, level, lua_tostring(L, -1));
	return 0;
}

static int
luahost_cairn_fail(lua_State *L)
{
	return luasb_trip(L, TRIP_FAIL, luaL_tolstring(L, 1, NULL));
}

static int
luahost_cairn_quote(lua_State *L)
{
	struct buf	b = BUF_INIT;

	shell_quote_buf(&b, luaL_checkstring(L, 1));
	lua_pushlstring(L, buf_cstr(&b), b.len);
	buf_release(&b);
	return 1;
}

static int
luahost_json_encode(lua_State *L)
{
	struct value	*v;
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;

	luaL_checkany(L, 1);
	if ((v = luahost_to_value(L, 1, &cause)) == NULL) {
		lua_pushfstring(L, "cairn.json.encode: %s", cause);
		free(cause);
		return lua_error(L);
	}
	value_to_json(&b, v, lua_toboolean(L, 2));
	value_unref(v);
	lua_pushlstring(L, buf_cstr(&b), b.len);
	buf_release(&b);
	return 1;
}

static int
luahost_json_decode(lua_State *L)
{
	size_t		 len;
	const char	*s = luaL_checklstring(L, 1, &len);
	struct value	*v;
	char		*cause = NULL;

	if ((v = value_from_json(s, len, &cause)) == NULL) {
		lua_pushnil(L);
		lua_pushstring(L, cause != NULL ? cause : "bad JSON");
		free(cause);
		return 2;
	}
	luahost_push_value(L, v);
	value_unref(v);
	return 1;
}

static int
luahost_json_array(lua_State *L)
{
	if (lua_isnoneornil(L, 1))
		lua_newtable(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	luahost_push_array_mt(L);
	lua_setmetatable(L, 1);
	return 1;
}

/* cairn.read_local(name): a controller file from files/ or beside the playbook. */
static int
luahost_read_local(lua_State *L)
{
	struct luahost	*h = luasb_from(L)->host;
	const char	*name = luaL_checkstring(L, 1);
	struct buf	 b = BUF_INIT;
	char		*path;
	int		 r;

	if (h == NULL || h->ctx == NULL)
		return luaL_error(L, "cairn.read_local: only during a task");
	if (name[0] == '/' || strcmp(name, "..") == 0 ||
	    str_startswith(name, "../") || strstr(name, "/../") != NULL ||
	    str_endswith(name, "/.."))
		return luaL_error(L, "cairn.read_local: '%s' refused: only "
		    "files beside the playbook can be read", name);
	if ((path = ctx_find_file(h->ctx, "files", name)) == NULL) {
		lua_pushnil(L);
		lua_pushfstring(L, "could not find '%s' in files/ or beside "
		    "the playbook", name);
		return 2;
	}
	r = read_file(path, &b);
	free(path);
	if (r != 0) {
		buf_release(&b);
		lua_pushnil(L);
		lua_pushfstring(L, "cannot read '%s': %s", name, strerror(-r));
		return 2;
	}
	lua_pushlstring(L, buf_cstr(&b), b.len);
	buf_release(&b);
	return 1;
}

void
luahost_open_cairn(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "quote", luahost_cairn_quote },
		{ "log", luahost_cairn_log },
		{ "fail", luahost_cairn_fail },
		{ "read_local", luahost_read_local },
		{ NULL, NULL }
	};
	static const luaL_Reg json[] = {
		{ "encode", luahost_json_encode },
		{ "decode", luahost_json_decode },
		{ "array", luahost_json_array },
		{ NULL, NULL }
	};

	luaL_newlib(L, fns);
	lua_pushlightuserdata(L, NULL);
	lua_setfield(L, -2, "null");
	luaL_newlib(L, json);
	lua_setfield(L, -2, "json");
	luaregex_open(L);
	lua_setfield(L, -2, "regex");
}
