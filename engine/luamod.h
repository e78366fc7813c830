/*
 * Modules and filters written in Lua: discovery on the module path, one
 * compilation per run, one sandboxed Lua state per worker thread, and the
 * host API of module.h offered to Lua code.  The contract Lua authors see
 * is documented in docs/lua-modules.md.
 */
#ifndef CAIRN_LUAMOD_H
#define CAIRN_LUAMOD_H

#include <stddef.h>

#include "module.h"

/*
 * Sets the module path (directories separated by ':', from --module-path,
 * CAIRN_LIBRARY or the "library" setting; NULL for none) and the -v count
 * used for notes.  Call once, before any playbook is loaded.
 */
void	 luamod_configure(const char *module_path, int verbosity);

/*
 * Resolves a task's action to a module.  A NAME.lua in a directory of the
 * module path wins over a built-in module of the same name; otherwise the
 * built-in C module; otherwise NAME.lua in library/ beside the playbook,
 * then in the module path, then in the modules shipped with cairn.  A
 * Lua file is compiled and checked once (syntax, M.params, M.run) the
 * first time it is found; the entry lives until the process exits.
 * Returns the entry; or NULL with *cause NULL when there is no such
 * module; or NULL with *cause ("file:line: message") when the file is
 * broken.
 */
const struct module_entry *luamod_module_find(const char *name,
	    const char *playbook_dir, char **cause);

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
 * Compiles and checks one module file (for tests and luamod_module_find).
 * The entry is cached by path.  0 and *out, or -1 and *cause.
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

#endif
