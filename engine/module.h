/*
 * The module contract: what a built-in module (modules/mod-*.c) sees.  A
 * module gets arguments already checked against its parameter table, a
 * task context with the host API, and a result to fill.  It never parses
 * YAML, never prints, and reaches the shell only through shell_quote.
 */
#ifndef CAIRN_MODULE_H
#define CAIRN_MODULE_H

#include <sys/types.h>

#include "conn.h"
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

#define MOD_SUPPORTS_CHECK	0x1
#define MOD_SUPPORTS_DIFF	0x2
#define MOD_FREE_FORM		0x4	/* "cmd args" text goes to _raw_params */
#define MOD_LOCAL		0x8	/* runs on the controller: no connection */

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
};

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
/* Adds a before/after pair to the diff list (text diffs; headers optional). */
void		 result_diff(struct result *, const char *before_header,
		    const char *before, const char *after_header,
		    const char *after);

/* The task context. */
int		 ctx_check_mode(struct task_ctx *);
int		 ctx_diff_mode(struct task_ctx *);
const char	*ctx_host_name(struct task_ctx *);
/* A variable of the host (facts included), new reference or NULL. */
struct value	*ctx_var(struct task_ctx *, const char *);
/* Evaluates an expression in the task's variables; 0, or -1 and *cause. */
int		 ctx_eval(struct task_ctx *, const char *, struct value **,
		    char **cause);
/*
 * Finds a controller file the way Ansible does for copy's src: absolute
 * as is, else in the role's or playbook's files/ (subdir) then beside
 * the playbook.  malloc'd path, or NULL.
 */
char		*ctx_find_file(struct task_ctx *, const char *subdir,
		    const char *);

/*
 * The host API.  Every call goes over the host's one connection as the
 * task's become user.  Return 0, or a negative CONN_ERR_* / -errno with
 * *cause; the engine turns CONN_ERR_UNREACHABLE into "unreachable".
 */
int		 host_run(struct task_ctx *, const char *cmd,
		    struct exec_result *, char **cause);
int		 host_run_stdin(struct task_ctx *, const char *cmd,
		    const void *data, size_t len, struct exec_result *,
		    char **cause);
/* Whole file into buf; -ENOENT when it does not exist. */
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
};
#define STAT_CHECKSUM	0x1	/* compute the sha1 of a regular file */
#define STAT_FOLLOW	0x2	/* follow symlinks */
int		 host_stat(struct task_ctx *, const char *path, int flags,
		    struct host_stat *, char **cause);

/*
 * Writes a whole file atomically: a temp file in the same directory, fsync,
 * then rename over path, so a failure never leaves a half-written file.
 * mode/owner/group may be NULL to keep the existing file's (or defaults for
 * a new file).  backup != NULL: the old file is first copied to a
 * timestamped name, returned in *backup (malloc'd).  validate != NULL: a
 * command with %s, run on the temp file; a non-zero status aborts the
 * write and fails with its output.  Does nothing in check mode.
 */
struct write_opts {
	const char	*mode;
	const char	*owner;
	const char	*group;
	int		 backup;
	const char	*validate;
};
int		 host_write(struct task_ctx *, const char *path,
		    const void *data, size_t len, const struct write_opts *,
		    char **backup, char **cause);

/*
 * Applies mode/owner/group to an existing path if they differ (chmod
 * accepts octal and symbolic modes).  *changed set to 1 if anything was
 * (or in check mode would be) changed.
 */
int		 host_set_attrs(struct task_ctx *, const char *path,
		    const char *mode, const char *owner, const char *group,
		    int recurse, int follow, int *changed, struct result *,
		    char **cause);

/* The table of built-in modules, in modules/table.c. */
extern const struct module_entry *const module_table[];
const struct module_entry *module_find(const char *name);

#endif
