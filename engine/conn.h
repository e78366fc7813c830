/*
 * The transport: one connection per host for the whole run, and inside it
 * one long-lived /bin/sh per privilege (plain, or become to some user) that
 * receives framed commands: one round trip per command, no new channel or
 * process per task on the target.  "ssh" uses libssh, "local" fork/exec.
 *
 * A conn is used by one thread at a time.
 */
#ifndef CAIRN_CONN_H
#define CAIRN_CONN_H

#include "error.h"
#include "exec-result.h"
#include "util.h"

enum host_key_checking {
	HKC_STRICT,	/* unknown or changed keys refuse the host */
	HKC_ACCEPT_NEW,	/* unknown keys are added, changed keys refused */
	HKC_OFF,	/* no check at all */
};

struct conn_opts {
	const char	*type;		/* "ssh" (default) or "local" */
	const char	*host;		/* address or ~/.ssh/config alias */
	int		 port;		/* 0: from ssh config, else 22 */
	const char	*user;		/* NULL: from ssh config, else $USER */
	const char	*password;	/* for password authentication */
	const char	*private_key;	/* key file, in addition to defaults */
	int		 timeout;	/* connect timeout, seconds (default 10) */
	enum host_key_checking hkc;
	const char	*known_hosts;	/* NULL: ~/.ssh/known_hosts */
	const char	*ssh_config;	/* NULL: ~/.ssh/config */
};

struct become {
	const char	*method;	/* "sudo" (default) or "su" */
	const char	*user;		/* default "root" */
	const char	*password;	/* NULL: sudo -n */
	const char	*flags;		/* extra sudo flags, default "-H -S -n" */
};


struct conn;

/*
 * An interrupted run (SIGINT, SIGTERM): set from a signal handler.  From
 * then on conn_exec starts no command and stops the ones running (their
 * process group on the target is sent SIGTERM, as on a timeout), with
 * ERR_INTERRUPTED.
 */
void	 conn_interrupt(int sig);
/* The signal that interrupted the run, or 0. */
int	 conn_interrupted(void);

/*
 * Connects and authenticates.  Returns 0, or ERR_UNREACHABLE and
 * *cause (a sentence a person can act on, e.g. how to accept a new key).
 */
int	 conn_open(const struct conn_opts *, struct conn **, char **cause);
/*
 * Runs cmd through /bin/sh on the target, as the become user if b is not
 * NULL.  stdin_data (may be NULL) is the command's standard input, any
 * bytes; without it stdin is /dev/null.  Returns 0 when the command ran
 * (whatever its exit status, in res->rc), or ERR_UNREACHABLE,
 * ERR_BECOME or ERR_TIMEOUT (error.h) and *cause.
 * timeout is in seconds, 0 for none.
 *
 * res must have been initialised (EXEC_RESULT_INIT); it is reset, and
 * res->out and res->err hold the exact bytes (NUL-terminated as well).
 * Each command runs in a subshell of the persistent shell: cd, variables
 * and set options do not carry over to the next command.  It runs as an
 * asynchronous job, so it starts with SIGINT and SIGQUIT ignored.
 * The first command for a become identity starts its shell (sudo with
 * b->flags, -n dropped and the password written when one is set); a
 * refused become is ERR_BECOME.  On ERR_TIMEOUT the command's
 * process group is sent SIGTERM and that shell is replaced on next use.
 * After ERR_UNREACHABLE from a lost link, every later call returns
 * the same error at once.
 */
int	 conn_exec(struct conn *, const struct become *, const char *cmd,
	    const void *stdin_data, size_t stdin_len, int timeout,
	    struct exec_result *res, char **cause);
void	 conn_close(struct conn *);	/* NULL-safe */

/* libssh's version, for --version. */
const char *conn_ssh_library_version(void);

#endif
