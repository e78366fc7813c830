/* The local transport: the same shells as over ssh, started with posix_spawn. */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conn-internal.h"

extern char **environ;

/* Reading more than this per step lets the caller look for its markers. */
#define LOCAL_READ_MAX	(1024 * 1024)

struct local_stream {
	pid_t	pid;
	int	in;	/* a socket, so writing to a dead shell is EPIPE, not SIGPIPE */
	int	out;
	int	err;
};

static int
conn_local_open(struct conn *c, const struct conn_opts *opts, char **cause)
{
	c->data = NULL;
	return 0;
}

static void
conn_local_close(struct conn *c)
{
}

static void
conn_local_closefd(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

static int
conn_local_stream_open(struct conn *c, const char *cmdline, void **streamp,
    char **cause)
{
	struct local_stream		*ls;
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, dfl;
	int				 sv[2] = { -1, -1 }, po[2] = { -1, -1 };
	int				 pe[2] = { -1, -1 }, r;
	char				*argv[] = { "sh", "-c", (char *)cmdline, NULL };
	pid_t				 pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
		*cause = xasprintf("cannot make pipes for a local shell: %s",
		    strerror(errno));
		r = ERR_UNREACHABLE;
		goto fail;
	}

	/* posix_spawn, not fork: other threads may hold locks. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	/* Its own session: a timeout can kill the whole process group. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	r = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r != 0) {
		*cause = xasprintf("cannot run '/bin/sh' on '%s': %s", c->host,
		    strerror(r));
		r = ERR_UNREACHABLE;
		goto fail;
	}
	close(sv[1]);
	close(po[1]);
	close(pe[1]);

	ls = xcalloc(1, sizeof *ls);
	ls->pid = pid;
	ls->in = sv[0];
	ls->out = po[0];
	ls->err = pe[0];
	fcntl(ls->in, F_SETFL, fcntl(ls->in, F_GETFL) | O_NONBLOCK);
	fcntl(ls->out, F_SETFL, fcntl(ls->out, F_GETFL) | O_NONBLOCK);
	fcntl(ls->err, F_SETFL, fcntl(ls->err, F_GETFL) | O_NONBLOCK);
	*streamp = ls;
	return 0;

fail:
	conn_local_closefd(&sv[0]);
	conn_local_closefd(&sv[1]);
	conn_local_closefd(&po[0]);
	conn_local_closefd(&po[1]);
	conn_local_closefd(&pe[0]);
	conn_local_closefd(&pe[1]);
	return r;
}

/* Reads what is there; closes the descriptor at end of file. */
static void
conn_local_drain(int *fd, struct buf *b)
{
	char	tmp[65536];
	ssize_t	n;
	size_t	total = 0;

	while (*fd != -1 && total < LOCAL_READ_MAX) {
		n = read(*fd, tmp, sizeof tmp);
		if (n > 0) {
			buf_add(b, tmp, (size_t)n);
			total += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		conn_local_closefd(fd);	/* end of file, or an error */
	}
}

static int
conn_local_stream_io(struct conn *c, void *stream, const void *wdata,
    size_t wlen, size_t *written, struct buf *out, struct buf *err, int *eof,
    int timeout_ms, char **cause)
{
	struct local_stream	*ls = stream;
	struct pollfd		 pfd[3];
	int			 n = 0, iw = -1, io = -1, ie = -1;
	ssize_t			 w;

	*written = 0;
	if (wlen != 0 && ls->in != -1) {
		pfd[n].fd = ls->in;
		pfd[n].events = POLLOUT;
		iw = n++;
	}
	if (ls->out != -1) {
		pfd[n].fd = ls->out;
		pfd[n].events = POLLIN;
		io = n++;
	}
	if (ls->err != -1) {
		pfd[n].fd = ls->err;
		pfd[n].events = POLLIN;
		ie = n++;
	}
	if (io == -1 && ie == -1) {
		*eof = 1;
		return 0;
	}
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0) {
		if (errno == EINTR)
			return 0;
		*cause = xasprintf("poll: %s", strerror(errno));
		return ERR_UNREACHABLE;
	}
	if (iw != -1 && pfd[iw].revents != 0) {
		w = send(ls->in, wdata, wlen, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0)
			*written = (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			conn_local_closefd(&ls->in); /* dead: eof follows */
	}
	if (io != -1 && pfd[io].revents != 0)
		conn_local_drain(&ls->out, out);
	if (ie != -1 && pfd[ie].revents != 0)
		conn_local_drain(&ls->err, err);
	if (ls->out == -1 && ls->err == -1)
		*eof = 1;
	return 0;
}

static void
conn_local_stream_close(struct conn *c, void *stream, int force)
{
	struct local_stream	*ls = stream;
	struct timespec		 ts = { 0, 10 * 1000 * 1000 };
	int			 i, status;

	if (ls == NULL)
		return;
	/* An idle shell exits when its input ends. */
	conn_local_closefd(&ls->in);
	if (force)
		kill(-ls->pid, SIGTERM);
	conn_local_closefd(&ls->out);
	conn_local_closefd(&ls->err);
	for (i = 0; i < 200; i++) {
		if (waitpid(ls->pid, &status, WNOHANG) != 0)
			goto done;
		nanosleep(&ts, NULL);
	}
	kill(-ls->pid, SIGKILL);
	kill(ls->pid, SIGKILL);
	while (waitpid(ls->pid, &status, 0) == -1 && errno == EINTR)
		;
done:
	free(ls);
}

const struct conn_ops conn_local_ops = {
	.name = "local",
	.open = conn_local_open,
	.close = conn_local_close,
	.stream_open = conn_local_stream_open,
	.stream_io = conn_local_stream_io,
	.stream_close = conn_local_stream_close,
	.keepalive = NULL,
};
