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

struct sshargs;

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
	/* NULL: from ssh config, else /etc/ssh/ssh_known_hosts */
	const char	*global_known_hosts;
	const char	*ssh_config;	/* NULL: ~/.ssh/config */
	/*
	 * OpenSSH options (ansible_ssh_common_args...), or NULL.  The fields
	 * above that are set win over them (port, user, checking off), as
	 * Ansible passes its own -o options first; they win over the ssh
	 * config, and their known hosts files over known_hosts above.
	 */
	const struct sshargs *ssh;
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
/*
 * A lock held by a persistent shell: an exclusive flock(2) on a lock
 * file whose descriptor the shell itself opened (not the subshell a
 * command runs in), so it stays held across round trips until released,
 * and goes with the shell when it ends (a lost link, a timeout, an
 * interrupt, conn_close).  Commands run with the descriptor closed, so
 * nothing they start can keep it.
 */
struct conn_lock {
	char		*shell;		/* the identity holding it */
	unsigned long	 gen;		/* which start of that shell */
	int		 fd;		/* its descriptor in the shell, 3 to 9 */
	char		*file;		/* the lock file, as given */
};
void	 conn_lock_free(struct conn_lock *);	/* NULL-safe; releases nothing */

/*
 * What conn_exec_lock does in the persistent shell around the command.
 * take: a lock file, one shell word (quoted by the caller), opened for
 * appending (created 0600 when absent, never removed: removing it would
 * let a waiter lock a file nobody else sees) and locked, waiting up to
 * wait seconds.  release: a lock closed after the command, whatever its
 * status.  Either may be NULL.
 */
struct conn_lockop {
	const char		*take;
	const char		*name;		/* take in messages, or NULL */
	int			 wait;
	struct conn_lock	*release;
	/* out: the lock taken; NULL when take cannot be opened (no such
	 * directory, no permission, a read-only file system) */
	struct conn_lock	*held;
};
/*
 * conn_exec with lock operations in the same round trip.  When take is
 * held by someone else after wait seconds, the command does not run:
 * ERR_TIMEOUT and *cause naming the lock file and its holder when it can
 * be found.  More than 7 locks held by one shell is ERR_INVALID.  A
 * release of a lock whose shell has ended since is a no-op; op->release
 * is not freed.
 */
int	 conn_exec_lock(struct conn *, const struct become *,
	    struct conn_lockop *, const char *cmd, const void *stdin_data,
	    size_t stdin_len, int timeout, struct exec_result *res,
	    char **cause);

/*
 * The shell text of one chunk, for tests: cmd framed with marker, and
 * the lock operations (take on descriptor take_fd; closefds the mask of
 * descriptors a command must not inherit) when op is not NULL.
 */
void	 conn_frame_text(struct buf *, const char *marker, const char *cmd,
	    const void *in, size_t inlen, const struct conn_lockop *op,
	    int take_fd, unsigned int closefds, const char *owner);

void	 conn_close(struct conn *);	/* NULL-safe */

/* libssh's version, for --version. */
const char *conn_ssh_library_version(void);

#endif
