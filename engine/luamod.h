/*
 * Modules and filters written in Lua, one of the two module providers
 * (module_resolve in module.c orders them): files on the module path, in
 * library/ and shipped with cairn, one compilation per run, one sandboxed
 * Lua state per worker thread, and the host API of module.h offered to
 * Lua code.  The contract Lua authors see
 * is documented in docs/lua-modules.md.
 */
#ifndef CAIRN_LUAMOD_H
#define CAIRN_LUAMOD_H

#include <stddef.h>

#include "module.h"

/*
 * Sets the module path: directories separated by ':', from --module-path,
 * CAIRN_LIBRARY or the "library" setting (NULL for none), searched for
 * modules and by require.  Call once, before any playbook is loaded.
 */
void	 luamod_configure(const char *module_path);

/* The places a Lua module's file can be; module_resolve orders them. */
enum luamod_where {
	LUAMOD_MODULE_PATH,	/* the directories of luamod_configure */
	LUAMOD_LIBRARY,		/* library/ in a directory (role, playbook) */
	LUAMOD_SHIPPED,		/* the modules shipped with cairn */
};

/*
 * The file NAME.lua at where (dir is used by LUAMOD_LIBRARY only, NULL
 * gives NULL).  name is a bare module name ("sysctl"); one that is not a
 * plain identifier has no file.  malloc'd path, or NULL.
 */
char	*luamod_locate(enum luamod_where, const char *dir, const char *name);

/*
 * Registers the filters of every filter_plugins/NAME.lua beside the
 * playbook into the expression engine.  Call before worker threads start.
 * 0, or -1 and *cause.
 */
int	 luamod_filters_load(const char *playbook_dir, char **cause);

/*
 * Limits of one call into Lua (a module's run, a filter): instructions
 * and bytes the call may allocate.  0 keeps the current value.  The
 * defaults are LUAMOD_DEF_INSTRUCTIONS and LUAMOD_DEF_MEMORY.
 */
#define LUAMOD_DEF_INSTRUCTIONS	200000000LL
#define LUAMOD_DEF_MEMORY		((size_t)256 << 20)
void	 luamod_set_limits(long long instructions, size_t memory);

/*
 * Compiles and checks one module file (for module_resolve and tests).
 * The entry is cached by path and lives until the process exits.  0 and *out, or -1 and *cause.
 */
int	 luamod_load(const char *path, const char *name,
	    const struct module_entry **out, char **cause);

/*
 * Runs a chunk of Lua text in the calling thread's sandbox with the
 * limits, as a module's code would run (no host).  0 and *out (what the
 * chunk returned, through tostring, malloc'd), or -1 and *cause (the
 * error with its traceback).  For tests.
 */
int	 luamod_eval(const char *code, char **out, char **cause);

/* Lua's release ("Lua 5.4.4"), for --version. */
const char *luamod_library_version(void);

#endif
