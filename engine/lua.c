/*
 * Lua modules and filters: finding NAME.lua on the module path, compiling
 * each file once per run (the bytecode is then loaded once per worker
 * state) and require.  lua-entry.c turns M.params into a parameter table
 * the engine checks like a C module's; lua-run.c calls M.run with a host
 * object.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua-internal.h"
#include "luamod.h"

/* Recursive: a module's top-level code may require another file. */
static pthread_mutex_t	 luamod_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static struct luamod	*luamod_list;		/* every module loaded */
static struct luachunk	**luamod_chunks;	/* filter files and required files */
static size_t		 luamod_nchunks;
static char		**luamod_path;		/* user directories */
static size_t		 luamod_npath;

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
luamod_configure(const char *module_path)
{
	luamod_path_add(module_path);
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
const char *
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

char *
luamod_locate(enum luamod_where where, const char *dir, const char *name)
{
	char	*file, *path = NULL;

	if (!luamod_name_ok(name))
		return NULL;
	file = xasprintf("%s.lua", name);
	switch (where) {
	case LUAMOD_MODULE_PATH:
		path = luamod_in_path(file);
		break;
	case LUAMOD_LIBRARY:
		path = luamod_in(dir, "library", file);
		break;
	case LUAMOD_SHIPPED:
		path = luamod_shipped(file);
		break;
	}
	free(file);
	return path;
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

const char *
luamod_library_version(void)
{
	return LUA_RELEASE;
}
