/*
 * The module contract: what a built-in module (modules/<family>/mod-*.c)
 * sees.  A module gets arguments already checked against its parameter
 * table, a task context with the host API, and a result to fill.  It never
 * parses YAML, never prints, and reaches the shell only through shell_quote.
 */
#ifndef CAIRN_MODULE_H
#define CAIRN_MODULE_H

#include <sys/types.h>

#include "error.h"
#include "exec-result.h"
#include "shell.h"
#include "util.h"
#include "value.h"

enum mod_status {
	MOD_OK,
	MOD_CHANGED,
	MOD_FAILED,
	MOD_SKIPPED,
};

enum param_type {
	P_STR,
	P_BOOL,
	P_INT,
	P_FLOAT,
	P_PATH,		/* a string; ~ is expanded on the target by the module */
	P_LIST,		/* a list; "a,b" strings are split on commas */
	P_DICT,		/* a dict; "k=v k2=v2" strings are parsed */
	P_RAW,		/* any value, as given */
};

#define P_REQUIRED	0x1
#define P_SECRET	0x2	/* no_log: never printed or logged */

struct mod_param {
	const char		 *name;
	enum param_type		  type;
	int			  flags;
	const char		 *def;		/* default, or NULL */
	const char *const	 *choices;	/* NULL-terminated, or NULL */
	const char *const	 *aliases;	/* NULL-terminated, or NULL */
};

/*
 * Ansible's file-common arguments, for the tables of modules that write a
 * file: mode, owner, group, and the ones accepted but not used on Linux
 * hosts without SELinux (unsafe_writes, attributes, seuser...).
 */
extern const char *const mod_attributes_aliases[];
#define MOD_FILE_COMMON_PARAMS						\
	{ "mode", P_RAW, 0, NULL, NULL, NULL },				\
	{ "owner", P_STR, 0, NULL, NULL, NULL },			\
	{ "group", P_STR, 0, NULL, NULL, NULL },			\
	{ "unsafe_writes", P_BOOL, 0, "no", NULL, NULL },		\
	{ "attributes", P_STR, 0, NULL, NULL, mod_attributes_aliases },	\
	{ "seuser", P_STR, 0, NULL, NULL, NULL },			\
	{ "serole", P_STR, 0, NULL, NULL, NULL },			\
	{ "setype", P_STR, 0, NULL, NULL, NULL },			\
	{ "selevel", P_STR, 0, NULL, NULL, NULL }

#define MOD_SUPPORTS_CHECK	0x1
#define MOD_SUPPORTS_DIFF	0x2
#define MOD_FREE_FORM		0x4	/* "cmd args" text goes to _raw_params */
#define MOD_LOCAL		0x8	/* runs on the controller: no connection */
/*
 * Any parameter name is accepted (set_fact): declared parameters are still
 * checked and converted, the others are passed through as given.
 */
#define MOD_ANY_PARAMS		0x10
/*
 * What the executor does with a result besides reporting it is said here,
 * never by the module's name.  A result's ansible_facts are merged into
 * the host's facts (setup, hostname.lua); with MOD_FACTS_ARE_VARS they
 * become host variables instead, as set_fact's (and include_vars') do.
 */
#define MOD_FACTS_ARE_VARS	0x20
/* The default output prints the result's msg or var (debug). */
#define MOD_SHOWS_RESULT	0x40
/*
 * Without MOD_SUPPORTS_CHECK the engine does not call run in check mode:
 * the task is skipped ("remote module (X) does not support check mode").
 * With it, run is called and honours ctx_check_mode() itself (modules that
 * skip in check mode, like raw, return MOD_SKIPPED).
 */

/*
 * Checked arguments: a dict holding every declared parameter under its
 * canonical name, converted to its type (P_BOOL gives V_BOOL, P_INT V_INT,
 * P_LIST V_LIST...), defaults filled in; absent optional parameters without
 * a default are missing from the dict.
 */
struct mod_args {
	struct value	*v;
};

struct task_ctx;
struct run_ctl;

/*
 * What a run returns besides its status: a dict of fields visible through
 * "register" (rc, stdout, msg, ...).  "changed" and "failed" are set by the
 * engine from the status.  For --diff a module sets "diff" with
 * result_diff().
 */
struct result {
	struct value	*v;
};

struct module_entry {
	const char		 *name;		/* "lineinfile" */
	const char *const	 *aliases;	/* "ansible.builtin.lineinfile" */
	const struct mod_param	 *params;	/* ends with { NULL } */
	int			  flags;
	/*
	 * Optional: checks combinations of parameters before any host is
	 * contacted, on literal values (templated values are skipped).
	 * Returns 0, or -1 and *cause.
	 */
	int			(*validate)(const struct mod_args *, char **cause);
	enum mod_status		(*run)(struct task_ctx *, const struct mod_args *,
				    struct result *);
	/*
	 * Optional, in place of run: a module that acts on the run itself
	 * rather than on a host (meta).  The executor calls it once for
	 * each of the task's hosts still in the play, with its arguments
	 * checked but not templated, and prints and counts nothing for it;
	 * the module asks for what it wants with the ctl_* functions.
	 */
	void			(*control)(struct run_ctl *,
				    const struct mod_args *);
};

/*
 * The run as a control hook may change it: a narrow interface the
 * executor implements.  Each call is about the host the hook was called
 * for, unless it says otherwise.  A module that changes more of the
 * run (add_host, group_by: the inventory; set_stats: the stats) gets a
 * ctl_* function here, not a test of its name in the executor.
 */
/* 1 when the task's "when" holds on the host; an error in it gives 0. */
int		 ctl_when(struct run_ctl *);
/* Every host of the task leaves the play (end_play, end_batch). */
void		 ctl_end_play(struct run_ctl *);
/* The host leaves the play. */
void		 ctl_end_host(struct run_ctl *);
/*
 * The handlers notified on the task's hosts run once the hook has been
 * called for all of them; asking again for another host changes nothing.
 */
void		 ctl_flush_handlers(struct run_ctl *);
/* The host's gathered facts are forgotten. */
void		 ctl_clear_facts(struct run_ctl *);
/* A failed host is back in the play. */
void		 ctl_clear_host_errors(struct run_ctl *);
/* The host's connection is closed; the next task opens a new one. */
void		 ctl_reset_connection(struct run_ctl *);
/*
 * Within a run: closes the task's connection to its host and opens a new
 * one with the same settings (reboot: the host went down and came back),
 * which serves the rest of the task and the next tasks.  timeout is the
 * connect timeout in seconds (0: the connection's own).  A connection
 * lost before the call (the host went away) no longer makes the host
 * unreachable once a new one is open.  0, or ERR_UNREACHABLE (no answer
 * yet: the task has no connection until a later call succeeds) or
 * ERR_INVALID (a delegated or local task: nothing to reopen), with
 * *cause.
 */
int		 ctx_reconnect(struct task_ctx *, int timeout, char **cause);

/*
 * Checks and converts raw arguments against a module's table into *out
 * (released with mod_args_release).  The engine calls it before run; a
 * module that hands its task to another (template to copy) calls it too.
 * Returns 0, or -1 and *cause naming the parameter.
 */
#define ARGS_STATIC	0x1	/* before any host: skip templated values */
int		 module_prepare_args(const struct module_entry *,
		    struct value *raw, int flags, struct mod_args *out,
		    char **cause);
void		 mod_args_release(struct mod_args *);	/* NULL-safe */

/* Argument accessors; the _or variants return def when the key is absent. */
const char	*args_str(const struct mod_args *, const char *);	/* or NULL */
int		 args_bool(const struct mod_args *, const char *, int def);
long long	 args_int(const struct mod_args *, const char *, long long def);
struct value	*args_get(const struct mod_args *, const char *); /* borrowed */
int		 args_has(const struct mod_args *, const char *);

/* Result helpers. */
void		 result_set(struct result *, const char *, struct value *);
void		 result_setstr(struct result *, const char *, const char *);
void		 result_setint(struct result *, const char *, long long);
void		 result_setbool(struct result *, const char *, int);
/* Sets msg and returns MOD_FAILED, for "return result_fail(r, ...)". */
enum mod_status	 result_fail(struct result *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Records rc, stdout, stderr, stdout_lines, stderr_lines of a command. */
void		 result_set_exec(struct result *, const struct exec_result *);
/*
 * A command that exited non-zero: records rc/stdout/stderr and cmd, and
 * fails with its stderr (trailing newlines cut), or with the status when
 * it printed nothing.  Returns MOD_FAILED.
 */
enum mod_status	 result_fail_exec(struct result *, const char *cmd,
		    const struct exec_result *);
/* Adds a before/after pair to the diff list (text diffs; headers optional). */
void		 result_diff(struct result *, const char *before_header,
		    const char *before, const char *after_header,
		    const char *after);
/*
 * Adds a diff of two dicts (file's {path, state, mode, ...}) rendered as
 * Ansible renders them: JSON with sorted keys and an indent of 4, plus a
 * newline.  Borrows both values.
 */
void		 result_diff_dict(struct result *, const struct value *before,
		    const struct value *after);
/* Appends a warning to the result's "warnings" list. */
void		 result_warn(struct result *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* The same JSON rendering as result_diff_dict, for tests; malloc'd. */
char		*diff_dict_text(const struct value *);

/*
 * File modes as Ansible's file-common arguments take them.  mode_parse
 * accepts an int value (the bits themselves: YAML's 0644 is 420, which is
 * 0644) or a string: octal ("644", "0644", "0o644") or symbolic
 * ("u=rw,g+r,o-wx", "a+X").  Returns 0 and *octal (-1 for a symbolic mode,
 * then the text stays in the value), or -1 and *cause.  "preserve" is
 * handled by copy, not here.
 */
int		 mode_parse(const struct value *, int *octal, char **cause);
/*
 * Applies a symbolic mode to the current bits the way Ansible (and chmod)
 * does: an empty "who" means "a" minus the umask bits; X sets x only on a
 * directory or when some x bit is already set.  0 and *out, or -1 and
 * *cause ("bad symbolic permission for mode: ...").
 */
int		 mode_apply_symbolic(const char *, mode_t cur, int isdir,
		    mode_t umask, mode_t *out, char **cause);
/*
 * The target mode for a path from a mode argument (octal or symbolic, as
 * given to the module): 0 and *out, or -1 and *cause.
 */
int		 mode_target(const struct value *, mode_t cur, int isdir,
		    mode_t umask, mode_t *out, char **cause);
/* "0644", "04755": as Ansible's file and copy print modes ('0%03o'). */
void		 mode_format(mode_t, char out[8]);

/* The task context. */
int		 ctx_check_mode(struct task_ctx *);
int		 ctx_diff_mode(struct task_ctx *);
const char	*ctx_host_name(struct task_ctx *);
int		 ctx_verbosity(struct task_ctx *);	/* -v count */
/* A variable of the host (facts included), new reference or NULL. */
struct value	*ctx_var(struct task_ctx *, const char *);
/* Evaluates an expression in the task's variables; 0, or -1 and *cause. */
int		 ctx_eval(struct task_ctx *, const char *, struct value **,
		    char **cause);
/* Renders a template text in the task's variables; 0, or -1 and *cause. */
int		 ctx_render(struct task_ctx *, const char *, struct value **,
		    char **cause);
/*
 * Finds a controller file the way Ansible does for copy's src: absolute
 * as is, else in the role's or playbook's files/ (subdir) then beside
 * the playbook.  malloc'd path, or NULL.
 */
char		*ctx_find_file(struct task_ctx *, const char *subdir,
		    const char *);
/*
 * Renders a template file's text as the template module does, in the
 * task's variables plus Ansible's template_* variables and
 * ansible_managed (from src as given, its fullpath on the controller and
 * dest); a "#jinja2:" first line sets options and is not written.  NULL
 * strings in opts keep Jinja2's delimiters.  0 and a malloc'd *out, or -1
 * and *cause.
 */
struct ctx_template_opts {
	const char	*block_start, *block_end;
	const char	*variable_start, *variable_end;
	const char	*comment_start, *comment_end;
	int		 trim_blocks, lstrip_blocks;
};
int		 ctx_render_file(struct task_ctx *, const char *text,
		    const struct ctx_template_opts *, const char *src,
		    const char *fullpath, const char *dest, char **out,
		    char **cause);
/*
 * Loads a controller YAML or JSON file (vault-encrypted or not, as
 * Ansible's loader reads vars files) into a new *out; an empty file is
 * NULL's value.  0, or -1 and *cause with file:line:col.
 */
int		 ctx_load_vars_file(struct task_ctx *, const char *path,
		    struct value **out, char **cause);
/* The task's role directory (NULL outside a role), the playbook's. */
const char	*ctx_role_dir(struct task_ctx *);
const char	*ctx_playbook_dir(struct task_ctx *);
/*
 * Reads a controller file whole into buf; with decrypt, a file encrypted
 * with ansible-vault is decrypted with the run's secrets (copy's and
 * assemble's "decrypt", template's sources), as Ansible's loader does.
 * 0, ERR_NOENT (cannot be read) or ERR_INVALID (cannot be decrypted),
 * with *cause.
 */
int		 ctx_read_file(struct task_ctx *, const char *path,
		    int decrypt, struct buf *, char **cause);

/*
 * The host API.  Every call goes over the host's one connection as the
 * task's become user.  Return 0, or a negative ERR_* of error.h and
 * *cause: the transport's ERR_UNREACHABLE (the engine makes the host
 * "unreachable"), ERR_BECOME or ERR_TIMEOUT, ERR_NOTCONN, and the calls'
 * own below.  Only ERR_NOENT says a path is absent; any other code says
 * nothing about the file and fails the task.
 */
int		 host_run(struct task_ctx *, const char *cmd,
		    struct exec_result *, char **cause);
int		 host_run_stdin(struct task_ctx *, const char *cmd,
		    const void *data, size_t len, struct exec_result *,
		    char **cause);
/*
 * Whole file into buf; ERR_NOENT when it does not exist, ERR_IO when it
 * cannot be read.
 */
int		 host_read(struct task_ctx *, const char *path, struct buf *,
		    char **cause);

enum host_ftype { FT_NONE, FT_FILE, FT_DIR, FT_LINK, FT_OTHER };
struct host_stat {
	enum host_ftype	 type;		/* FT_NONE: does not exist */
	mode_t		 mode;		/* permission bits only (07777) */
	char		 owner[64];
	char		 group[64];
	long long	 uid, gid;
	long long	 size;
	long long	 mtime;
	long long	 nlink;
	char		 link[4096];	/* target of a symlink */
	char		 checksum[41];	/* sha1 of a regular file, if asked */
	/* filled by host_stat as well (stat's return values) */
	unsigned int	 rawmode;	/* st_mode with the type bits */
	long long	 ino, dev;
	double		 atime_f, mtime_f, ctime_f;
	int		 readable, writeable, executable;
	char		 lnk_source[4096];	/* realpath of a symlink */
	mode_t		 umask;		/* the remote shell's umask */
};
#define STAT_CHECKSUM	0x1	/* compute the sha1 of a regular file */
#define STAT_FOLLOW	0x2	/* follow symlinks */
/* 0 with type FT_NONE for an absent path; ERR_IO when stat fails. */
int		 host_stat(struct task_ctx *, const char *path, int flags,
		    struct host_stat *, char **cause);

/*
 * Writes a whole file atomically: a temp file in the same directory, fsync,
 * then rename over path, so a failure never leaves a half-written file.
 * mode/owner/group may be NULL to keep the existing file's (or defaults for
 * a new file).  backup != NULL: the old file is first copied to a
 * timestamped name, returned in *backup (malloc'd).  validate != NULL: a
 * command with %s, run on the temp file; a non-zero status aborts the
 * write with ERR_VALIDATE and its output.  Other failures are ERR_IO.
 * Does nothing in check mode.
 */
struct host_lock;
struct write_opts {
	const char	*mode;		/* octal or symbolic, for chmod */
	const char	*owner;
	const char	*group;
	int		 backup;
	const char	*validate;
	int		 mkdirs;	/* create missing parent directories */
	const char	*dir_mode;	/* mode of created parent directories */
	/* released in the write's round trip, written or not (host_lock) */
	struct host_lock *unlock;
};
int		 host_write(struct task_ctx *, const char *path,
		    const void *data, size_t len, const struct write_opts *,
		    char **backup, char **cause);

/*
 * Locks for a read-modify-write (read, decide here, write): an exclusive
 * flock(2) on "/run/lock/cairn-SHA1.lock", SHA1 that of path (created
 * 0600 by the task's become user and left in place), held by the host's persistent
 * shell for that user across round trips, so that another run (or
 * another controller) editing the same file waits between our read and
 * our write.  It goes with the shell: on a lost connection, a timeout or
 * an interrupt it is released by the host's kernel.  Different hosts and
 * different files never share a lock; two tasks of one run never hold
 * one at once (each releases before it ends), so they never deadlock.
 *
 * host_lock waits up to host_lock_timeout() seconds
 * ($CAIRN_LOCK_TIMEOUT, default 30), then fails with ERR_TIMEOUT and a
 * cause naming the lock file and its holder when known.  Returns 0 and
 * *lock, to give to host_unlock (or to a write's write_opts.unlock).
 * *lock is NULL, and nothing is held, in check mode (nothing is written,
 * and reads never wait for a lock) and when the lock file cannot be
 * created (its directory is missing or not writable by the become user:
 * a write there fails as well); on an error too.  Lock, write and unlock
 * must use the same become identity.
 *
 * The _lock variants take the lock in the same round trip as the call,
 * before it runs, so that a module pays no extra round trip for it: the
 * call's own result and errors as without a lock, plus the lock's; on
 * any error nothing is held.  path is the file to lock, for
 * host_run_lock ("~user/..." is expanded on the host).
 */
int		 host_lock(struct task_ctx *, const char *path,
		    struct host_lock **, char **cause);
int		 host_stat_lock(struct task_ctx *, const char *path, int flags,
		    struct host_stat *, struct host_lock **, char **cause);
int		 host_read_lock(struct task_ctx *, const char *path,
		    struct buf *, struct host_lock **, char **cause);
int		 host_run_lock(struct task_ctx *, const char *cmd,
		    const char *path, struct exec_result *,
		    struct host_lock **, char **cause);
/*
 * Releases and frees a lock (NULL-safe; one round trip when it is still
 * held, none after a write that released it).  Failures are ignored: a
 * shell that cannot be reached has ended, and its locks with it.
 */
void		 host_unlock(struct task_ctx *, struct host_lock *);

/*
 * Applies mode/owner/group to an existing path if they differ (chmod
 * accepts octal and symbolic modes).  *changed set to 1 if anything was
 * (or in check mode would be) changed.  ERR_NOENT when path does not
 * exist, ERR_INVALID for a mode that cannot be applied.
 */
int		 host_set_attrs(struct task_ctx *, const char *path,
		    const char *mode, const char *owner, const char *group,
		    int recurse, int follow, int *changed, struct result *,
		    char **cause);
/*
 * The same with the caller's view: st is the path's current stat (taken
 * with the same follow), mode the module's mode argument (int or string
 * value, or NULL).  Records before/after "mode", "owner", "group" in the
 * diff dicts when not NULL (Ansible's file diff: "0644" and uid/gid
 * numbers).  One round trip when something changes (two with recurse),
 * none when nothing does.
 */
int		 host_set_attrs_st(struct task_ctx *, const char *path,
		    const struct host_stat *st, const struct value *mode,
		    const char *owner, const char *group, int recurse,
		    int follow, int *changed, struct value *diff_before,
		    struct value *diff_after, char **cause);
/*
 * Appends a path as one shell word: like shell_quote_buf, but a leading
 * "~" or "~/" becomes "$HOME" so paths are expanded on the target as
 * Ansible's path arguments are.
 */
void		 host_path_word(struct buf *, const char *path);

/* The table of built-in modules, in modules/table.c. */
extern const struct module_entry *const module_table[];
/* By name or alias ("file", "ansible.builtin.file", "ansible.legacy.file"). */
const struct module_entry *module_find(const char *name);

/*
 * Sets up module resolution: the module path (directories separated by
 * ':', from --module-path, CAIRN_LIBRARY or the "library" setting; NULL
 * for none) and the -v count for notes.  Call once, before any playbook
 * is loaded.
 */
void		 module_configure(const char *module_path, int verbosity);
/*
 * Resolves a task's action to a module, from two providers (the C table,
 * Lua files), in this order: NAME.lua on the module path (it wins over a
 * built-in module of the same name); the built-in C module; NAME.lua in
 * role_dir's library/ (role_dir NULL: not a role's task), then in
 * playbook_dir's library/; then the modules shipped with cairn.  For
 * "a.b.NAME" the Lua file is NAME.lua.  A Lua file is compiled and
 * checked once, the first time it is found.  Returns the entry (it lives
 * until the process exits); or NULL with *cause NULL when there is no
 * such module; or NULL with *cause ("file:line: message") when the file
 * is broken, or (a message) when the only module of that name is an
 * Ansible Python module, NAME.py in a library/ or on the module path.
 */
const struct module_entry *module_resolve(const char *name,
		    const char *role_dir, const char *playbook_dir,
		    char **cause);

#endif
