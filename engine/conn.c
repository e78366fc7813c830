/* The transport-independent half: shells per become identity and framing. */
#include <sys/random.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conn-internal.h"
#include "shell.h"

/*
 * A quiet wait longer than this asks the transport to prove the link is
 * alive (libssh 0.10 has no keepalive of its own).
 */
#define CONN_KEEPALIVE_MS	15000
/* How long a wait for a command's output goes before looking at signals. */
#define CONN_INTERRUPT_MS	200
/* Bytes of stdin data per here-document line, before base64 (76 out). */
#define CONN_B64_LINE		57

void
exec_result_release(struct exec_result *res)
{
	if (res == NULL)
		return;
	buf_release(&res->out);
	buf_release(&res->err);
	res->rc = 0;
}

void
conn_random_hex(char out[33])
{
	unsigned char	 raw[16];
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd, i;

	while (got < sizeof raw) {
		n = getrandom(raw + got, sizeof raw - got, 0);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (got < sizeof raw) {
		/* Old kernels: /dev/urandom is as good. */
		if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
			fatal("cannot open '/dev/urandom': %s", strerror(errno));
		while (got < sizeof raw) {
			n = read(fd, raw + got, sizeof raw - got);
			if (n <= 0 && errno != EINTR)
				fatal("cannot read '/dev/urandom'");
			if (n > 0)
				got += (size_t)n;
		}
		close(fd);
	}
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

long long
conn_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
conn_open(const struct conn_opts *opts, struct conn **cp, char **cause)
{
	const struct conn_ops	*ops;
	struct conn		*c;
	int			 r;

	*cp = NULL;
	if (opts->type == NULL || strcmp(opts->type, "ssh") == 0 ||
	    strcmp(opts->type, "smart") == 0 ||
	    strcmp(opts->type, "paramiko") == 0)
		ops = &conn_ssh_ops;
	else if (strcmp(opts->type, "local") == 0)
		ops = &conn_local_ops;
	else {
		*cause = xasprintf("unknown connection type '%s': use ssh or "
		    "local", opts->type);
		return ERR_UNREACHABLE;
	}

	c = xcalloc(1, sizeof *c);
	c->ops = ops;
	c->host = xstrdup(opts->host != NULL ? opts->host : "localhost");
	c->timeout = opts->timeout > 0 ? opts->timeout : 10;
	conn_random_hex(c->token);
	if ((r = ops->open(c, opts, cause)) != 0) {
		free(c->host);
		free(c);
		return r;
	}
	*cp = c;
	return 0;
}

/*
 * A busy shell is told to end its process group, from a second stream:
 * closing ours only reaches it once its command is done, and OpenSSH
 * refuses signal requests in some setups.
 */
static void
conn_kill_shell(struct conn *c, struct conn_shell *sh)
{
	struct buf	 out = BUF_INIT, err = BUF_INIT;
	char		 cmd[64], *cause = NULL;
	void		*k;
	size_t		 n;
	int		 eof = 0;
	long long	 deadline = conn_now_ms() + 3000, left;

	if (sh->kill_pid <= 1 || c->lost != NULL)
		return;
	snprintf(cmd, sizeof cmd, "kill -TERM %ld", sh->kill_pid);
	if (c->ops->stream_open(c, cmd, &k, &cause) != 0) {
		free(cause);
		return;
	}
	while (!eof && (left = deadline - conn_now_ms()) > 0) {
		if (c->ops->stream_io(c, k, NULL, 0, &n, &out, &err, &eof,
		    (int)left, &cause) != 0) {
			free(cause);
			break;
		}
	}
	c->ops->stream_close(c, k, !eof);
	buf_release(&out);
	buf_release(&err);
}

static void
conn_drop_shell(struct conn *c, size_t i, int force)
{
	if (force)
		conn_kill_shell(c, &c->shells[i]);
	c->ops->stream_close(c, c->shells[i].stream, force);
	free(c->shells[i].key);
	c->nshells--;
	memmove(&c->shells[i], &c->shells[i + 1],
	    (c->nshells - i) * sizeof *c->shells);
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	while (c->nshells > 0)
		conn_drop_shell(c, c->nshells - 1, 0);
	free(c->shells);
	free(c->lost);
	c->ops->close(c);
	free(c->host);
	free(c);
}

/* Finds needle in b from *from on; remembers where to look next time. */
static const char *
conn_find(struct buf *b, size_t *from, const char *needle)
{
	size_t		 nlen = strlen(needle);
	const char	*p;

	if (b->len < *from + nlen)
		return NULL;
	p = memmem(b->s + *from, b->len - *from, needle, nlen);
	if (p == NULL)
		*from = b->len - nlen + 1;
	return p;
}

/* The last lines of a shell's stderr, for an error message. */
static char *
conn_err_text(struct buf *err, const char *drop)
{
	char	*s, *p;
	size_t	 dlen = drop != NULL ? strlen(drop) : 0;

	s = xstrndup(err->len ? err->s : "", err->len);
	/* The sudo prompt is noise in a message. */
	while (dlen != 0 && (p = strstr(s, drop)) != NULL)
		memmove(p, p + dlen, strlen(p + dlen) + 1);
	for (p = s; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	str_trim(s);
	if (strlen(s) > 400)
		memmove(s, s + strlen(s) - 400, 401);
	return s;
}

/* The identity a shell runs as: "" for the login user. */
static char *
conn_shell_key(const struct become *b)
{
	if (b == NULL)
		return xstrdup("");
	return xasprintf("%s\n%s\n%s", b->method ? b->method : "sudo",
	    b->user ? b->user : "root", b->flags ? b->flags : "");
}

/*
 * sudo flags with a password: it has to be read from stdin (-S) after our
 * prompt, so a -n (which refuses to ask) has to go.
 */
static int
conn_sudo_flags(struct buf *cmd, const struct become *b, char **cause)
{
	const char	*flags = b->flags != NULL ? b->flags : "-H -S -n";
	char		**argv, *w, *p;
	size_t		  i;

	if (shell_split(flags, &argv, cause) != 0)
		return -1;
	for (i = 0; argv[i] != NULL; i++) {
		w = argv[i];
		if (b->password != NULL) {
			if (strcmp(w, "--non-interactive") == 0)
				continue;
			if (w[0] == '-' && w[1] != '-') {
				while ((p = strchr(w + 1, 'n')) != NULL)
					memmove(p, p + 1, strlen(p + 1) + 1);
				if (w[1] == '\0')
					continue;
			}
		}
		buf_addc(cmd, ' ');
		shell_quote_buf(cmd, w);
	}
	shell_argv_free(argv);
	return 0;
}

/*
 * The command line that starts a shell for b, printing ready once it runs
 * (so a refused become is seen at once, and a password prompt can be told
 * from a shell that needs none).
 */
static int
conn_shell_cmdline(struct conn *c, const struct become *b, const char *ready,
    const char *prompt, struct buf *cmd, char **cause)
{
	const char	*method, *user;
	char		*inner;

	/*
	 * The pid to signal on a timeout: the shell, or sudo (which relays
	 * TERM to it) when the shell belongs to another user.
	 */
	inner = xasprintf("echo %s $%s; exec /bin/sh", ready,
	    b == NULL ? "$" : "PPID");
	if (b == NULL) {
		buf_adds(cmd, "/bin/sh -c ");
		shell_quote_buf(cmd, inner);
		free(inner);
		return 0;
	}
	method = b->method != NULL ? b->method : "sudo";
	user = b->user != NULL ? b->user : "root";
	if (strcmp(method, "sudo") == 0) {
		buf_adds(cmd, "sudo");
		if (conn_sudo_flags(cmd, b, cause) != 0) {
			free(inner);
			return ERR_BECOME;
		}
		buf_adds(cmd, " -S -p ");
		shell_quote_buf(cmd, prompt);
		buf_adds(cmd, " -u ");
		shell_quote_buf(cmd, user);
		buf_adds(cmd, " /bin/sh -c ");
		shell_quote_buf(cmd, inner);
	} else if (strcmp(method, "su") == 0) {
		if (b->password != NULL) {
			/*
			 * TODO: su reads the password from a terminal only;
			 * that needs a pty, which would mix stdout and stderr.
			 */
			free(inner);
			*cause = xasprintf("become method 'su' with a password "
			    "is not supported yet on '%s': use become_method "
			    "sudo", c->host);
			return ERR_BECOME;
		}
		buf_adds(cmd, "su -s /bin/sh -c ");
		shell_quote_buf(cmd, inner);
		buf_addc(cmd, ' ');
		shell_quote_buf(cmd, user);
	} else {
		free(inner);
		*cause = xasprintf("become method '%s' is not supported: use "
		    "sudo or su", method);
		return ERR_BECOME;
	}
	free(inner);
	return 0;
}

/*
 * What sudo's last words mean, ahead of them in the message: a user sudo
 * does not know is not a wrong password, and neither is a command the
 * rules do not allow.
 */
static const char *
conn_become_reason(const char *text, int prompts)
{
	if (strstr(text, "is not in the sudoers file") != NULL)
		return "the user is not in the sudoers file: ";
	if (strstr(text, "is not allowed to") != NULL)
		return "sudo's rules do not allow it: ";
	if (strstr(text, "incorrect password") != NULL ||
	    strstr(text, "Sorry, try again") != NULL || prompts > 0)
		return "incorrect sudo password: ";
	return "";
}

/* Starts a shell and waits until it says it is ready. */
static int
conn_start_shell(struct conn *c, const struct become *b, void **streamp,
    long *kill_pid, char **cause)
{
	struct buf	 cmd = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	struct buf	 wbuf = BUF_INIT;
	char		 rnd[33], ready[64], prompt[64], *text;
	const char	*rp;
	size_t		 rfrom = 0, pfrom = 0, woff = 0, n;
	void		*stream = NULL;
	int		 r, eof = 0, prompts = 0;
	long long	 deadline, left;
	const char	*user = b != NULL && b->user != NULL ? b->user : "root";

	/* Not the framing token: these show in ps on the target. */
	conn_random_hex(rnd);
	snprintf(ready, sizeof ready, "CAIRN-READY-%.16s", rnd);
	snprintf(prompt, sizeof prompt, "CAIRN-PROMPT-%.16s:", rnd + 16);
	if ((r = conn_shell_cmdline(c, b, ready, prompt, &cmd, cause)) != 0)
		goto out;
	if ((r = c->ops->stream_open(c, buf_cstr(&cmd), &stream, cause)) != 0)
		goto out;

	deadline = conn_now_ms() + (long long)c->timeout * 1000;
	for (;;) {
		if ((rp = conn_find(&out, &rfrom, ready)) != NULL) {
			rfrom = (size_t)(rp - out.s);
			if (memchr(rp, '\n', out.len - rfrom) != NULL) {
				*kill_pid = strtol(rp + strlen(ready), NULL,
				    10);
				break;
			}
		}
		if ((rp = conn_find(&err, &pfrom, prompt)) != NULL) {
			/*
			 * Past this prompt, wherever it is: sudo may print a
			 * warning first ("unable to resolve host"), and the
			 * same prompt must not count twice.
			 */
			pfrom = (size_t)(rp - err.s) + strlen(prompt);
			if (b == NULL || b->password == NULL) {
				*cause = xasprintf("become to '%s' on '%s' "
				    "failed: sudo asks for a password: set "
				    "become_password (ansible_become_password)",
				    user, c->host);
				r = ERR_BECOME;
				goto out;
			}
			if (++prompts > 1) {
				text = conn_err_text(&err, prompt);
				*cause = xasprintf("become to '%s' on '%s' "
				    "failed: incorrect sudo password%s%s%s",
				    user, c->host, *text ? " (" : "", text,
				    *text ? ")" : "");
				free(text);
				r = ERR_BECOME;
				goto out;
			}
			buf_adds(&wbuf, b->password);
			buf_addc(&wbuf, '\n');
			continue;
		}
		if (eof) {
			text = conn_err_text(&err, prompt);
			if (b != NULL) {
				*cause = xasprintf("become to '%s' on '%s' "
				    "failed: %s%s", user, c->host,
				    conn_become_reason(text, prompts),
				    *text != '\0' ? text : "no reason given");
				r = ERR_BECOME;
			} else {
				*cause = xasprintf("cannot start /bin/sh on "
				    "'%s': %s", c->host,
				    *text != '\0' ? text : "it exited at once");
				r = ERR_UNREACHABLE;
			}
			free(text);
			goto out;
		}
		if ((left = deadline - conn_now_ms()) <= 0) {
			*cause = xasprintf("%s on '%s' did not start within %d "
			    "seconds", b != NULL ? "become" : "/bin/sh",
			    c->host, c->timeout);
			r = b != NULL ? ERR_BECOME : ERR_UNREACHABLE;
			goto out;
		}
		n = 0;
		r = c->ops->stream_io(c, stream, wbuf.s + woff, wbuf.len - woff,
		    &n, &out, &err, &eof, (int)left, cause);
		woff += n;
		if (r != 0)
			goto out;
	}
	*streamp = stream;
	stream = NULL;
	r = 0;
out:
	if (stream != NULL)
		c->ops->stream_close(c, stream, 1);
	if (wbuf.s != NULL)
		explicit_bzero(wbuf.s, wbuf.len);
	buf_release(&wbuf);
	buf_release(&cmd);
	buf_release(&out);
	buf_release(&err);
	return r;
}

/* The shell for b, started on first use. Returns its index. */
static int
conn_get_shell(struct conn *c, const struct become *b, size_t *idx,
    char **cause)
{
	char	*key = conn_shell_key(b);
	void	*stream = NULL;
	size_t	 i;
	int	 r;
	long	 kill_pid = 0;

	if (c->lost != NULL) {
		/* Say what happened, not what fails now because of it. */
		free(key);
		*cause = xstrdup(c->lost);
		return ERR_UNREACHABLE;
	}
	for (i = 0; i < c->nshells; i++) {
		if (strcmp(c->shells[i].key, key) == 0) {
			free(key);
			*idx = i;
			return 0;
		}
	}
	if ((r = conn_start_shell(c, b, &stream, &kill_pid, cause)) != 0) {
		free(key);
		return r;
	}
	c->shells = xreallocarray(c->shells, c->nshells + 1,
	    sizeof *c->shells);
	c->shells[c->nshells].key = key;
	c->shells[c->nshells].stream = stream;
	c->shells[c->nshells].kill_pid = kill_pid;
	c->shells[c->nshells].gen = ++c->seq;
	c->shells[c->nshells].lockfds = 0;
	*idx = c->nshells++;
	return 0;
}

static void
conn_base64(struct buf *b, const unsigned char *p, size_t len)
{
	static const char	 tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i, line;
	char			*o;
	unsigned int		 v;

	buf_grow(b, (len + 2) / 3 * 4 + len / CONN_B64_LINE + 2);
	o = b->s + b->len;
	for (i = 0, line = 0; i < len; i += 3) {
		v = (unsigned int)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned int)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		*o++ = tab[(v >> 18) & 63];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? tab[v & 63] : '=';
		line += 3;
		if (line == CONN_B64_LINE || i + 3 >= len) {
			*o++ = '\n';
			line = 0;
		}
	}
	b->len = (size_t)(o - b->s);
	b->s[b->len] = '\0';
}

/*
 * The lock operations of a chunk, run by the persistent shell itself so
 * that the descriptor outlives the command's subshell.  cairn_k says how
 * the take went: 0 held (or nothing to take), 1 busy past the wait (the
 * command does not run; its output is who holds the lock), 2 the file
 * cannot be opened or flock is missing (the command runs unlocked: a
 * write there would fail the same way, a read-only look need not).
 * flock waits as a job, as commands do, so that a TERM ends it at once.
 * "command exec": a failed redirection of a bare exec would end the shell.
 */
static void
conn_frame_take(struct buf *chunk, const struct conn_lockop *op, int fd,
    const char *owner)
{
	/*
	 * Never through a symlink: one planted in a shared directory would
	 * have root create or scribble on a file of the planter's choice.
	 */
	buf_addf(chunk, "cairn_k=2; [ -L %s ] || { cairn_u=$(umask); "
	    "umask 077; command exec %d>>%s && cairn_k=0; "
	    "umask \"$cairn_u\"; } 2>/dev/null; ", op->take, fd, op->take);
	buf_addf(chunk, "if [ $cairn_k = 0 ]; then flock -w %d %d </dev/null "
	    "& wait $!; cairn_f=$?; if [ $cairn_f = 0 ]; then "
	    "[ -L %s ] || { printf '%%s\\n' ", op->wait > 0 ? op->wait : 0, fd,
	    op->take);
	shell_quote_buf(chunk, owner);
	buf_addf(chunk, " >%s; } 2>/dev/null; elif [ $cairn_f = 1 ]; then "
	    "cairn_k=1; exec %d>&-; else cairn_k=2; exec %d>&-; fi; fi; ",
	    op->take, fd, fd);
	/*
	 * Who holds it: the kernel's list of flock locks on the file's
	 * inode gives a pid (of a live process, such as a stuck "flock
	 * FILE cmd"); failing that, what the last cairn holder wrote in it.
	 */
	buf_addf(chunk, "if [ $cairn_k = 1 ]; then ( i=$(stat -L -c %%i -- %s "
	    "2>/dev/null) || exit 0; for p in $(awk -v i=\":$i\" "
	    "'$2 == \"FLOCK\" && substr($6, length($6) - length(i) + 1) == i "
	    "{ print $5 }' /proc/locks 2>/dev/null); do a=$(ps -o args= -p "
	    "\"$p\" 2>/dev/null) && { printf 'pid %%s: %%s\\n' \"$p\" \"$a\"; "
	    "exit 0; }; done; head -c 300 -- %s 2>/dev/null ) </dev/null & "
	    "wait $!; else ", op->take, op->take);
}

/*
 * One chunk per command.  eval in a subshell: a syntax error or an exit in
 * the command ends only the subshell.  Its stdin is /dev/null or its data,
 * never the shell's own command stream.  The markers carry the secret
 * token, so no output can fake them; stdout's carries the exit status
 * (and, with lock operations, how the take went).
 *
 * The whole chunk is one { ... } group closed on its last line, after the
 * data: the shell parses a group to its end before it runs any of it, so
 * a chunk cut short (cairn killed, link lost) is a syntax error at end of
 * file and nothing of it runs.  Without the group, a here-document cut in
 * the middle still ends at end of file and its command runs on part of
 * the data.
 */
void
conn_frame_text(struct buf *chunk, const char *marker, const char *cmd,
    const void *in, size_t inlen, const struct conn_lockop *op,
    int take_fd, unsigned int closefds, const char *owner)
{
	struct buf	 close = BUF_INIT;
	int		 fd;

	/* Nothing a command starts may keep a lock after its release. */
	for (fd = 0; fd < 10; fd++)
		if (closefds & (1u << fd))
			buf_addf(&close, " %d>&-", fd);
	/*
	 * A job waited for, not a foreground command: the shell then runs
	 * its TERM trap at once, which takes the command's whole process
	 * group down when a timeout closes the shell.
	 */
	buf_adds(chunk, "{ trap 'trap - TERM; kill -TERM 0' TERM; ");
	if (op != NULL && op->take != NULL)
		conn_frame_take(chunk, op, take_fd, owner);
	else if (op != NULL)
		buf_adds(chunk, "cairn_k=0; ");
	if (in != NULL && inlen != 0) {
		buf_addf(chunk, "base64 -d <<'%s-IN' | ( eval ", marker);
		shell_quote_buf(chunk, cmd);
		buf_addf(chunk, " )%s & wait $!", buf_cstr(&close));
	} else {
		buf_adds(chunk, "( eval ");
		shell_quote_buf(chunk, cmd);
		buf_addf(chunk, " )%s </dev/null & wait $!", buf_cstr(&close));
	}
	if (op == NULL)
		buf_addf(chunk, "; printf '%%s%%d\\n' '%s:' \"$?\"; ", marker);
	else {
		if (op->take != NULL)
			buf_adds(chunk, "; fi");
		buf_adds(chunk, "; cairn_s=$?; ");
		if (op->release != NULL && op->release->fd > 0)
			buf_addf(chunk, "exec %d>&-; ", op->release->fd);
		buf_addf(chunk, "printf '%%s%%d %%d\\n' '%s:' \"$cairn_s\" "
		    "\"$cairn_k\"; ", marker);
	}
	buf_addf(chunk, "printf '%%s\\n' '%s' >&2\n", marker);
	if (in != NULL && inlen != 0) {
		conn_base64(chunk, in, inlen);
		buf_addf(chunk, "%s-IN\n", marker);
	}
	buf_adds(chunk, "}\n");
	buf_release(&close);
}

static volatile sig_atomic_t	conn_stop_signal;

void
conn_interrupt(int sig)
{
	conn_stop_signal = sig;
}

int
conn_interrupted(void)
{
	return conn_stop_signal;
}

void
conn_lock_free(struct conn_lock *lk)
{
	if (lk == NULL)
		return;
	free(lk->shell);
	free(lk->file);
	free(lk);
}

/*
 * What a waiter reads in the lock file: which controller holds it.  The
 * shell's pid is added by the shell.
 */
static char *
conn_lock_owner(struct conn *c)
{
	char	host[256];

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "?");
	host[sizeof host - 1] = '\0';
	return xasprintf("cairn run on %s (pid %ld) for '%s'", host,
	    (long)getpid(), c->host);
}

/* Checks op against shell sh; picks the descriptor to take on. */
static int
conn_lock_prepare(struct conn *c, struct conn_shell *sh,
    struct conn_lockop *op, int *take_fd, char **cause)
{
	struct conn_lock	*rl = op->release;
	int			 fd;

	op->held = NULL;
	*take_fd = -1;
	if (rl != NULL && (strcmp(rl->shell, sh->key) != 0 ||
	    rl->gen != sh->gen || rl->fd < 3 ||
	    !(sh->lockfds & (1u << rl->fd)))) {
		if (strcmp(rl->shell, sh->key) != 0) {
			*cause = xasprintf("lock '%s' on '%s' belongs to "
			    "another become identity", rl->file, c->host);
			return ERR_INVALID;
		}
		/* Its shell has ended since: the lock went with it. */
		rl->fd = -1;
	}
	if (op->take == NULL)
		return 0;
	/* dash takes descriptors 0 to 9 in redirections. */
	for (fd = 3; fd < 10; fd++)
		if (!(sh->lockfds & (1u << fd)))
			break;
	if (fd == 10) {
		*cause = xasprintf("too many locks held at once on '%s'",
		    c->host);
		return ERR_INVALID;
	}
	*take_fd = fd;
	return 0;
}

int
conn_exec(struct conn *c, const struct become *b, const char *cmd,
    const void *stdin_data, size_t stdin_len, int timeout,
    struct exec_result *res, char **cause)
{
	return conn_exec_lock(c, b, NULL, cmd, stdin_data, stdin_len, timeout,
	    res, cause);
}

int
conn_exec_lock(struct conn *c, const struct become *b, struct conn_lockop *op,
    const char *cmd, const void *stdin_data, size_t stdin_len, int timeout,
    struct exec_result *res, char **cause)
{
	struct buf	 chunk = BUF_INIT, omark = BUF_INIT, emark = BUF_INIT;
	struct buf	 out = BUF_INIT, err = BUF_INIT;
	struct conn_shell *sh;
	char		 marker[80], *text, *owner = NULL, *end;
	const char	*p;
	size_t		 idx, woff = 0, n, ofrom = 0, efrom = 0, olen, elen;
	ssize_t		 opos = -1, epos = -1;	/* offsets: buffers move */
	int		 r, eof = 0, wait, take_fd = -1, k = 0;
	unsigned int	 closefds;
	long long	 deadline = 0, now, quiet_since;

	buf_reset(&res->out);
	buf_reset(&res->err);
	res->rc = -1;
	if (op != NULL)
		op->held = NULL;
	if (conn_stop_signal != 0) {
		*cause = xstrdup("interrupted");
		return ERR_INTERRUPTED;
	}
	if ((r = conn_get_shell(c, b, &idx, cause)) != 0)
		return r;
	sh = &c->shells[idx];
	closefds = sh->lockfds;
	if (op != NULL) {
		if ((r = conn_lock_prepare(c, sh, op, &take_fd, cause)) != 0)
			return r;
		if (take_fd != -1) {
			closefds |= 1u << take_fd;
			owner = conn_lock_owner(c);
		}
	}

	snprintf(marker, sizeof marker, "CAIRN-%s-%lu", c->token, ++c->seq);
	conn_frame_text(&chunk, marker, cmd, stdin_data, stdin_len, op,
	    take_fd, closefds, owner);
	free(owner);
	buf_addf(&omark, "%s:", marker);
	buf_addf(&emark, "%s\n", marker);

	now = quiet_since = conn_now_ms();
	if (timeout > 0) {
		deadline = now + (long long)timeout * 1000;
		/* The wait for the lock is not the command's time. */
		if (take_fd != -1 && op->wait > 0)
			deadline += (long long)op->wait * 1000;
	}
	for (;;) {
		if (opos == -1 && (p = conn_find(&out, &ofrom,
		    omark.s)) != NULL) {
			/* Wait for the whole status line. */
			ofrom = (size_t)(p - out.s);
			if (memchr(p, '\n', out.len - ofrom) != NULL)
				opos = (ssize_t)ofrom;
		}
		if (epos == -1 && (p = conn_find(&err, &efrom,
		    emark.s)) != NULL)
			epos = p - err.s;
		if (opos != -1 && epos != -1)
			break;
		if (eof) {
			text = conn_err_text(&err, NULL);
			*cause = xasprintf("the shell on '%s' exited during a "
			    "command%s%s", c->host, *text ? ": " : "", text);
			free(text);
			r = ERR_UNREACHABLE;
			goto fail;
		}
		if (conn_stop_signal != 0) {
			/* Dropping the shell stops the command, as a timeout. */
			*cause = xstrdup("interrupted");
			r = ERR_INTERRUPTED;
			goto fail;
		}
		now = conn_now_ms();
		/* Short waits, so that an interrupt is seen at once. */
		wait = CONN_INTERRUPT_MS;
		if (timeout > 0) {
			if (now >= deadline) {
				*cause = xasprintf("command timed out after %d "
				    "seconds on '%s'", timeout, c->host);
				r = ERR_TIMEOUT;
				goto fail;
			}
			if (deadline - now < wait)
				wait = (int)(deadline - now);
		}
		if (now - quiet_since >= CONN_KEEPALIVE_MS &&
		    c->ops->keepalive != NULL) {
			if ((r = c->ops->keepalive(c, cause)) != 0)
				goto lost;
			quiet_since = now;
		}
		n = 0;
		olen = out.len;
		elen = err.len;
		r = c->ops->stream_io(c, c->shells[idx].stream,
		    chunk.s + woff, chunk.len - woff, &n, &out, &err, &eof,
		    wait, cause);
		if (r != 0)
			goto lost;
		woff += n;
		if (n != 0 || out.len != olen || err.len != elen)
			quiet_since = conn_now_ms();
	}

	res->rc = (int)strtol(out.s + opos + omark.len, &end, 10);
	if (op != NULL)
		k = (int)strtol(end, NULL, 10);
	buf_add(&res->out, out.s, (size_t)opos);
	buf_add(&res->err, err.s, (size_t)epos);
	buf_cstr(&res->out);
	buf_cstr(&res->err);
	r = 0;
	if (op != NULL && op->release != NULL && op->release->fd > 0) {
		sh->lockfds &= ~(1u << op->release->fd);
		op->release->fd = -1;
	}
	if (k == 0 && take_fd != -1) {
		sh->lockfds |= 1u << take_fd;
		op->held = xcalloc(1, sizeof *op->held);
		op->held->shell = xstrdup(sh->key);
		op->held->gen = sh->gen;
		op->held->fd = take_fd;
		op->held->file = xstrdup(op->name != NULL ? op->name :
		    op->take);
	} else if (k == 1) {
		text = conn_err_text(&res->out, NULL);
		*cause = xasprintf("timed out after %d seconds waiting for the "
		    "lock '%s' on '%s'%s%s%s", op->wait, op->name != NULL ?
		    op->name : op->take, c->host,
		    *text != '\0' ? " (held by " : "", text,
		    *text != '\0' ? ")" : "");
		free(text);
		buf_reset(&res->out);
		r = ERR_TIMEOUT;
	}
	goto out;

lost:
	free(c->lost);
	c->lost = xstrdup(*cause);
fail:
	/* In an unknown state: a later command gets a fresh shell. */
	conn_drop_shell(c, idx, 1);
out:
	buf_release(&chunk);
	buf_release(&omark);
	buf_release(&emark);
	buf_release(&out);
	buf_release(&err);
	return r;
}
