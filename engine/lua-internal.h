/*
 * Shared between engine/lua*.c: the per-thread state, the sandbox, the
 * conversions between values and Lua, the cairn library.
 */
#ifndef CAIRN_LUA_INTERNAL_H
#define CAIRN_LUA_INTERNAL_H

#include <lua.h>
#include <lauxlib.h>

#include "module.h"
#include "value.h"

/* Why the current call was stopped; such errors cannot be caught by pcall. */
enum luasb_trip {
	TRIP_NONE,
	TRIP_INSTR,	/* instruction budget exceeded */
	TRIP_MEM,	/* memory limit exceeded */
	TRIP_FAIL,	/* cairn.fail(msg) */
};

/* A compiled file: the bytecode of its main chunk, loaded once per state. */
struct luachunk {
	char	*path;		/* as found: "library/foo.lua" */
	char	*dir;		/* its directory, searched first by require */
	char	*name;		/* module name, or the file name for filters */
	char	*code;		/* lua_dump output */
	size_t	 len;
};

/* A module written in Lua: the entry first, so run can find the rest. */
struct luamod {
	struct module_entry	 entry;
	struct luachunk		 chunk;
	struct mod_param	*params;
	struct luamod		*next;
};

struct luahost;

/* One per thread: the Lua state and what the running call may use. */
struct luastate {
	lua_State		*L;
	size_t			 used;		/* bytes allocated by L */
	size_t			 limit;		/* 0: none (outside calls) */
	long long		 count;		/* instructions of this call */
	long long		 budget;
	int			 depth;		/* nested luasb_call */
	enum luasb_trip		 tripped;
	char			*tripmsg;	/* why, for TRIP_INSTR/TRIP_FAIL */
	struct luahost		*host;		/* during a module run */
	const struct luachunk	*chunk;		/* the running file */
};

/* lua-sandbox.c */
/* The state of the calling thread, created on first use. */
struct luastate	*luasb_get(void);
struct luastate	*luasb_from(lua_State *);
/* Pushes a fresh global table for one file: safe libraries only. */
void		 luasb_env(lua_State *);
/*
 * Calls the function below its nargs arguments under the limits, with a
 * traceback handler.  0 and nres results on the stack; -1 and *msg (the
 * error, "file:line: text") and *trace (the traceback, or NULL); -2 and
 * *msg for cairn.fail.  The stack is left as it was minus the function
 * and its arguments.
 */
int		 luasb_call(struct luastate *, int nargs, int nres, char **msg,
		    char **trace);
/* Stops the current call: raises an error that pcall cannot catch. */
int		 luasb_trip(lua_State *, enum luasb_trip, const char *msg);
/* Limits for the next calls. */
extern long long	 luasb_budget;
extern size_t		 luasb_memory;

/* lua-host.c */
/* Converts a value to Lua (null inside containers is cairn.null). */
void		 luahost_push_value(lua_State *, const struct value *);
/* Converts the Lua value at idx; NULL and *cause on a cycle or bad key. */
struct value	*luahost_to_value(lua_State *, int idx, char **cause);
/* Pushes the cairn table (quote, regex, json, log, fail, null, ...). */
void		 luahost_open_cairn(lua_State *);
/*
 * Pushes a host object for one run; luahost_end invalidates it (a host
 * kept by the module raises an error when used later).
 */
struct luahost	*luahost_begin(lua_State *, struct task_ctx *, struct result *);
void		 luahost_end(struct luahost *);
/* Appends a log line from cairn.log/print to the running result. */
void		 luahost_log(lua_State *, const char *level, const char *text);

/* lua.c: the require of the sandbox. */
int		 luamod_require(lua_State *);
/* The chunk of a file, compiled on first use; NULL and *cause. */
const struct luachunk *luamod_chunk(const char *path, const char *name,
		    char **cause);
/* 1 if the file was compiled already. */
int		 luamod_chunk_known(const char *path);
/* Pushes what the chunk returned in this state (run once); 0 or -1. */
int		 luamod_value(struct luastate *, const struct luachunk *,
		    char **cause);
/*
 * The name of a file in Lua's messages, which keep at most LUA_IDSIZE
 * bytes: path, or its last two components when it is long (borrowed).
 */
const char	*luamod_shown(const char *path);

/* lua-entry.c */
/*
 * Builds m's entry (name, run, flags, params) from the module table at
 * the top of the stack, which is left there.  0, or -1 and *cause
 * ("file: what is wrong").
 */
int		 luamod_entry(lua_State *, struct luamod *m, char **cause);
/* Frees a module that failed to load, m included (loaded ones live on). */
void		 luamod_free(struct luamod *);

/* lua-run.c */
/* The run of every Lua module's entry: M.run(host, args) in the sandbox. */
enum mod_status	 luamod_run(struct task_ctx *, const struct mod_args *,
		    struct result *);

/* lua-regex.c */
void		 luaregex_open(lua_State *);	/* pushes cairn.regex */

#endif
