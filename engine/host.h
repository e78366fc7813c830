/*
 * The engine's side of the module contract: what a task context holds.
 * Modules see it only through the ctx_* and host_* functions of module.h;
 * the executor fills it in, host.c implements those functions on it.
 */
#ifndef CAIRN_HOST_H
#define CAIRN_HOST_H

#include "conn.h"
#include "expr.h"
#include "module.h"

struct task_ctx {
	const char		*host_name;	/* inventory_hostname */
	const struct module_entry *module;	/* the module being run */
	struct conn		*conn;		/* open connection, NULL for MOD_LOCAL */
	const struct become	*become;	/* NULL: run as the login user */
	int			 check_mode;
	int			 diff_mode;
	int			 no_log;
	int			 verbosity;	/* -v count */
	struct expr_scope	 scope;		/* the task's variables */
	const char		*playbook_dir;	/* directory of the playbook file */
	const char		*role_dir;	/* the role's directory, or NULL */
	int			 command_timeout;	/* seconds, 0: none */
	/* "export K='v' ...; " for the task's environment, or NULL */
	const char		*env_prefix;
	/* host.c: lock operations for the next round trip, or NULL */
	struct conn_lockop	*lockop;
	/* set by host.c when the connection fails: the host is unreachable */
	int			 unreachable;
	char			*unreachable_msg;
	/*
	 * For ctx_reconnect: where the executor keeps the host's
	 * connection and the settings it was opened with (NULL for a
	 * delegated or local task).
	 */
	struct conn		**conn_slot;
	const struct conn_opts	*conn_opts;
};

/*
 * host.c: the lock file of path, "/run/lock/cairn-SHA1.lock" with the
 * SHA-1 of path as written, trailing slashes ignored (/run/lock is the
 * FHS's sticky lock directory, on every Debian).  malloc'd.
 */
#define HOST_LOCK_DIR	"/run/lock"
char	*host_lock_path(const char *path);
/*
 * The lock file as one shell word: host_path_word's "~" and "~/", and
 * "~user/" left to the shell's tilde expansion for a plain user name.
 */
void	 host_lock_word(struct buf *, const char *lockpath);
/* Seconds a lock is waited for: $CAIRN_LOCK_TIMEOUT, else 30. */
int	 host_lock_timeout(void);

#endif
