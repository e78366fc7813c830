/*
 * Between conn.c (framing, shell cache, become) and the transports
 * (conn-ssh.c, conn-local.c): a transport only knows how to start a
 * command line as a byte stream with stdin/stdout/stderr and move bytes.
 */
#ifndef CAIRN_CONN_INTERNAL_H
#define CAIRN_CONN_INTERNAL_H

#include <sys/types.h>

#include "conn.h"

struct conn;

struct conn_ops {
	const char	*name;
	/*
	 * Connects and authenticates, setting c->data.  Returns 0 or
	 * ERR_UNREACHABLE and *cause (which names the host).
	 */
	int	(*open)(struct conn *, const struct conn_opts *, char **cause);
	/* Frees c->data; NULL-safe about it. */
	void	(*close)(struct conn *);
	/*
	 * Starts cmdline (a POSIX sh command line, run by the login user's
	 * shell over ssh or by /bin/sh -c locally) with its stdin, stdout
	 * and stderr connected to us.  Returns 0 and *stream, or
	 * ERR_UNREACHABLE and *cause.
	 */
	int	(*stream_open)(struct conn *, const char *cmdline, void **stream,
		    char **cause);
	/*
	 * One step of the conversation: writes as much of wdata as can go
	 * without blocking (*written says how much), appends the stdout and
	 * stderr bytes available to out and err, waiting up to timeout_ms
	 * (-1: for ever) for anything to happen.  Sets *eof once the stream's
	 * output has ended (the command exited).  Returns 0, or
	 * ERR_UNREACHABLE and *cause when the link is lost.
	 */
	int	(*stream_io)(struct conn *, void *stream, const void *wdata,
		    size_t wlen, size_t *written, struct buf *out,
		    struct buf *err, int *eof, int timeout_ms, char **cause);
	/*
	 * Ends a stream.  force: it may be busy (a command timed out), kill
	 * it rather than wait.  NULL-safe.
	 */
	void	(*stream_close)(struct conn *, void *stream, int force);
	/*
	 * Optional: called after a long quiet wait; proves the link is alive
	 * (or keeps middleboxes from forgetting it).  Returns 0 or
	 * ERR_UNREACHABLE and *cause.
	 */
	int	(*keepalive)(struct conn *, char **cause);
};

/* One long-lived shell, per become identity. */
struct conn_shell {
	char	*key;		/* "" for the login user, else method/user/flags */
	void	*stream;
	long	 kill_pid;	/* TERM here ends the shell's process group */
	unsigned long gen;	/* tells this start of the shell from a later one */
	unsigned int lockfds;	/* bit n: descriptor n holds a conn_lock */
};

struct conn {
	const struct conn_ops	*ops;
	void			*data;		/* the transport's */
	char			*host;		/* for messages */
	int			 timeout;	/* connect/become timeout, seconds */
	char			 token[33];	/* random hex, secret from commands */
	unsigned long		 seq;
	struct conn_shell	*shells;
	size_t			 nshells;
	char			*lost;		/* why the link died, or NULL */
};

extern const struct conn_ops conn_ssh_ops;
extern const struct conn_ops conn_local_ops;

/* 32 random hex digits (and a NUL) from the kernel's generator. */
void	conn_random_hex(char out[33]);
/* Milliseconds on the monotonic clock. */
long long conn_now_ms(void);

#endif
