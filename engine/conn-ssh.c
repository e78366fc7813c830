/*
 * The ssh transport (libssh 0.10): one session per host for the whole run,
 * each shell an exec channel on it.
 *
 * Keepalive: libssh 0.10 has no keepalive option, and a dead peer that
 * sends no reset would leave a read waiting for ever.  So reads never block
 * in libssh: we poll(2) the session's socket with a bounded timeout, the
 * socket has TCP keepalive and TCP_USER_TIMEOUT set (a peer that stops
 * acknowledging is declared dead after CONN_SSH_DEAD_SECS), and conn.c calls
 * our keepalive op after every quiet 15 seconds, which sends SSH_MSG_IGNORE:
 * traffic that keeps NAT state alive and, unacknowledged, trips the
 * TCP_USER_TIMEOUT.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "conn-internal.h"

#define CONN_SSH_DEAD_SECS	45
/* Bytes per channel write: well under any window sshd offers. */
#define CONN_SSH_WRITE_MAX	(64 * 1024)
/* Stop reading after this much in one step so markers are looked for. */
#define CONN_SSH_READ_MAX	(1024 * 1024)

struct ssh_data {
	ssh_session		 session;
	struct ssh_callbacks_struct cb;
};

struct ssh_stream {
	ssh_channel	 channel;
};

static pthread_once_t	conn_ssh_once = PTHREAD_ONCE_INIT;
static int		conn_ssh_init_rc;

static void
conn_ssh_init(void)
{
	conn_ssh_init_rc = ssh_init();
}

/* libssh must never prompt on the terminal for a key's passphrase. */
static int
conn_ssh_no_prompt(const char *prompt, char *buf, size_t len, int echo,
    int verify, void *userdata)
{
	return -1;
}

/* "host" or "[host]:port", as known_hosts and ssh-keygen -R write it. */
static char *
conn_ssh_host_name(ssh_session s)
{
	char		*host = NULL;
	unsigned int	 port = 22;
	char		*name;

	if (ssh_options_get(s, SSH_OPTIONS_HOST, &host) != SSH_OK)
		return xstrdup("?");
	ssh_options_get_port(s, &port);
	if (port == 22)
		name = xstrdup(host);
	else
		name = xasprintf("[%s]:%u", host, port);
	ssh_string_free_char(host);
	return name;
}

/* "ssh-ed25519 SHA256:..." of the server's key, for messages. */
static char *
conn_ssh_fingerprint(ssh_session s)
{
	ssh_key		 key = NULL;
	unsigned char	*hash = NULL;
	size_t		 hlen;
	char		*fp, *out;

	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return xstrdup("unknown key");
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != 0) {
		out = xstrdup(ssh_key_type_to_char(ssh_key_type(key)));
		ssh_key_free(key);
		return out;
	}
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	out = xasprintf("%s %s", ssh_key_type_to_char(ssh_key_type(key)),
	    fp != NULL ? fp : "");
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	return out;
}

static int
conn_ssh_check_host_key(struct conn *c, ssh_session s,
    const struct conn_opts *opts, char **cause)
{
	enum ssh_known_hosts_e	 state;
	char			*name, *fp, *kh, *keyscan;
	unsigned int		 port = 22;
	char			*host = NULL;
	int			 r = ERR_UNREACHABLE;

	if (opts->hkc == HKC_OFF)
		return 0;
	state = ssh_session_is_known_server(s);
	if (state == SSH_KNOWN_HOSTS_OK)
		return 0;

	name = conn_ssh_host_name(s);
	fp = conn_ssh_fingerprint(s);
	kh = xstrdup(opts->known_hosts != NULL ? opts->known_hosts :
	    "~/.ssh/known_hosts");
	ssh_options_get(s, SSH_OPTIONS_HOST, &host);
	ssh_options_get_port(s, &port);
	if (port == 22)
		keyscan = xasprintf("ssh-keyscan -H %s", host ? host : "?");
	else
		keyscan = xasprintf("ssh-keyscan -p %u -H %s", port,
		    host ? host : "?");
	ssh_string_free_char(host);

	switch (state) {
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		*cause = xasprintf("host key for '%s' has changed (possible "
		    "man-in-the-middle; it now offers %s): if the change is "
		    "expected, remove the old key with `ssh-keygen -R '%s'%s%s`",
		    name, fp, name, opts->known_hosts ? " -f " : "",
		    opts->known_hosts ? opts->known_hosts : "");
		break;
	case SSH_KNOWN_HOSTS_NOT_FOUND:
	case SSH_KNOWN_HOSTS_UNKNOWN:
		if (opts->hkc == HKC_ACCEPT_NEW) {
			if (ssh_session_update_known_hosts(s) == SSH_OK) {
				r = 0;
				break;
			}
			*cause = xasprintf("cannot add the host key for '%s' "
			    "to '%s': %s", name, kh, ssh_get_error(s));
			break;
		}
		*cause = xasprintf("host key for '%s' is not known (%s): add "
		    "it with `%s >> %s` or set host_key_checking=accept-new",
		    name, fp, keyscan, kh);
		break;
	default:
		*cause = xasprintf("cannot check the host key for '%s' against "
		    "'%s': %s", name, kh, ssh_get_error(s));
		break;
	}
	free(keyscan);
	free(kh);
	free(fp);
	free(name);
	return r;
}

static int
conn_ssh_kbdint(ssh_session s, const char *password)
{
	int	rc, i, n, rounds = 0;

	rc = ssh_userauth_kbdint(s, NULL, NULL);
	while (rc == SSH_AUTH_INFO && rounds++ < 8) {
		n = ssh_userauth_kbdint_getnprompts(s);
		for (i = 0; i < n; i++) {
			if (ssh_userauth_kbdint_setanswer(s, (unsigned int)i,
			    password) < 0)
				return SSH_AUTH_ERROR;
		}
		rc = ssh_userauth_kbdint(s, NULL, NULL);
	}
	return rc;
}

/*
 * Agent, the given key, default keys (and IdentityFile from ssh config),
 * then the password both as "password" and as keyboard-interactive.
 */
static int
conn_ssh_auth(struct conn *c, ssh_session s, const struct conn_opts *opts,
    char **cause)
{
	struct buf	 tried = BUF_INIT;
	char		*user = NULL, *keyerr = NULL;
	ssh_key		 key = NULL;
	int		 rc, methods;

	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
	if (rc == SSH_AUTH_ERROR)
		goto error;
	methods = ssh_userauth_list(s, NULL);

	if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
		buf_adds(&tried, "publickey");
		if (opts->private_key != NULL) {
			if (ssh_pki_import_privkey_file(opts->private_key,
			    NULL, conn_ssh_no_prompt, NULL, &key) != SSH_OK) {
				keyerr = xasprintf("; cannot read private key "
				    "'%s' (missing, unreadable, or protected "
				    "by a passphrase: load it into ssh-agent)",
				    opts->private_key);
			} else {
				rc = ssh_userauth_publickey(s, NULL, key);
				ssh_key_free(key);
				if (rc == SSH_AUTH_SUCCESS)
					goto done;
				if (rc == SSH_AUTH_ERROR)
					goto error;
			}
		}
		/* The agent, then ~/.ssh/id_* and IdentityFile. */
		rc = ssh_userauth_publickey_auto(s, NULL, NULL);
		if (rc == SSH_AUTH_SUCCESS)
			goto done;
		if (rc == SSH_AUTH_ERROR)
			goto error;
	}
	if (opts->password != NULL && (methods & SSH_AUTH_METHOD_PASSWORD)) {
		buf_adds(&tried, tried.len ? ", password" : "password");
		rc = ssh_userauth_password(s, NULL, opts->password);
		if (rc == SSH_AUTH_SUCCESS)
			goto done;
		if (rc == SSH_AUTH_ERROR)
			goto error;
	}
	if (opts->password != NULL &&
	    (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
		buf_adds(&tried, tried.len ? ", keyboard-interactive" :
		    "keyboard-interactive");
		rc = conn_ssh_kbdint(s, opts->password);
		if (rc == SSH_AUTH_SUCCESS)
			goto done;
		if (rc == SSH_AUTH_ERROR)
			goto error;
	}

	ssh_options_get(s, SSH_OPTIONS_USER, &user);
	*cause = xasprintf("cannot log in to '%s' as '%s' (tried %s%s): %s"
	    "install a key with `ssh-copy-id %s@%s` or load one into "
	    "ssh-agent%s", c->host, user ? user : "?",
	    tried.len ? tried.s : "nothing the server accepts",
	    keyerr ? keyerr : "",
	    opts->password ? "check the password, or " : "",
	    user ? user : "?", c->host,
	    opts->password ? "" : ", or set ansible_password");
	ssh_string_free_char(user);
	free(keyerr);
	buf_release(&tried);
	return ERR_UNREACHABLE;

error:
	*cause = xasprintf("cannot authenticate to '%s': %s", c->host,
	    ssh_get_error(s));
	free(keyerr);
	buf_release(&tried);
	return ERR_UNREACHABLE;
done:
	free(keyerr);
	buf_release(&tried);
	return 0;
}

/* Lets the kernel notice a dead peer (not possible over a ProxyCommand). */
static void
conn_ssh_tcp_opts(ssh_session s)
{
	socket_t	fd = ssh_get_fd(s);
	int		on = 1, idle = 15, intvl = 5, cnt = 3;
	unsigned int	user_timeout = CONN_SSH_DEAD_SECS * 1000;

	if (fd == SSH_INVALID_SOCKET)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
	    sizeof user_timeout);
}

static int
conn_ssh_open(struct conn *c, const struct conn_opts *opts, char **cause)
{
	struct ssh_data	*d;
	ssh_session	 s;
	long		 timeout = c->timeout;
	int		 r, on = 1;
	char		*name;

	pthread_once(&conn_ssh_once, conn_ssh_init);
	if (conn_ssh_init_rc != 0) {
		*cause = xstrdup("cannot initialise libssh");
		return ERR_UNREACHABLE;
	}
	if (opts->host == NULL || *opts->host == '\0') {
		*cause = xstrdup("no host to connect to");
		return ERR_UNREACHABLE;
	}
	if ((s = ssh_new()) == NULL)
		fatal("ssh_new failed");
	d = xcalloc(1, sizeof *d);
	d->session = s;
	ssh_callbacks_init(&d->cb);
	d->cb.auth_function = conn_ssh_no_prompt;
	ssh_set_callbacks(s, &d->cb);

	/*
	 * The host first, so ~/.ssh/config's Host blocks match it; then the
	 * config; then what the inventory says, which wins over the config.
	 */
	if (ssh_options_set(s, SSH_OPTIONS_HOST, opts->host) != SSH_OK) {
		*cause = xasprintf("bad host '%s': %s", opts->host,
		    ssh_get_error(s));
		goto fail;
	}
	if (ssh_options_parse_config(s, opts->ssh_config) != SSH_OK) {
		*cause = xasprintf("cannot read ssh config '%s': %s",
		    opts->ssh_config ? opts->ssh_config : "~/.ssh/config",
		    ssh_get_error(s));
		goto fail;
	}
	if (opts->user != NULL &&
	    ssh_options_set(s, SSH_OPTIONS_USER, opts->user) != SSH_OK)
		goto option;
	if (opts->port > 0 &&
	    ssh_options_set(s, SSH_OPTIONS_PORT, &opts->port) != SSH_OK)
		goto option;
	if (opts->known_hosts != NULL && ssh_options_set(s,
	    SSH_OPTIONS_KNOWNHOSTS, opts->known_hosts) != SSH_OK)
		goto option;
	if (ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_NODELAY, &on) != SSH_OK)
		goto option;

	if (ssh_connect(s) != SSH_OK) {
		name = conn_ssh_host_name(s);
		if (strcmp(name, opts->host) == 0)
			*cause = xasprintf("cannot connect to '%s': %s",
			    opts->host, ssh_get_error(s));
		else
			*cause = xasprintf("cannot connect to '%s' (%s): %s",
			    opts->host, name, ssh_get_error(s));
		free(name);
		goto fail;
	}
	conn_ssh_tcp_opts(s);
	if ((r = conn_ssh_check_host_key(c, s, opts, cause)) != 0 ||
	    (r = conn_ssh_auth(c, s, opts, cause)) != 0)
		goto fail;
	c->data = d;
	return 0;

option:
	*cause = xasprintf("bad ssh option for '%s': %s", opts->host,
	    ssh_get_error(s));
fail:
	ssh_disconnect(s);
	ssh_free(s);
	free(d);
	return ERR_UNREACHABLE;
}

static void
conn_ssh_close(struct conn *c)
{
	struct ssh_data	*d = c->data;

	if (d == NULL)
		return;
	ssh_disconnect(d->session);
	ssh_free(d->session);
	free(d);
	c->data = NULL;
}

static int
conn_ssh_lost(struct conn *c, char **cause)
{
	struct ssh_data	*d = c->data;

	*cause = xasprintf("connection to '%s' lost: %s", c->host,
	    ssh_get_error(d->session));
	return ERR_UNREACHABLE;
}

static int
conn_ssh_stream_open(struct conn *c, const char *cmdline, void **streamp,
    char **cause)
{
	struct ssh_data		*d = c->data;
	struct ssh_stream	*st;
	ssh_channel		 ch;

	if ((ch = ssh_channel_new(d->session)) == NULL)
		return conn_ssh_lost(c, cause);
	if (ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, cmdline) != SSH_OK) {
		*cause = xasprintf("cannot start a shell on '%s': %s", c->host,
		    ssh_get_error(d->session));
		ssh_channel_free(ch);
		return ERR_UNREACHABLE;
	}
	st = xcalloc(1, sizeof *st);
	st->channel = ch;
	*streamp = st;
	return 0;
}

/* Moves what libssh has for us into out and err: >0 if any, <0 error. */
static int
conn_ssh_read(struct ssh_stream *st, struct buf *out, struct buf *err,
    int *eof)
{
	char	tmp[65536];
	int	n, is_err, got, any = 0;
	size_t	total = 0;

	do {
		got = 0;
		for (is_err = 0; is_err <= 1; is_err++) {
			n = ssh_channel_read_nonblocking(st->channel, tmp,
			    sizeof tmp, is_err);
			if (n == SSH_EOF) {
				*eof = 1;
				continue;
			}
			if (n < 0)
				return -1;
			if (n > 0) {
				buf_add(is_err ? err : out, tmp, (size_t)n);
				total += (size_t)n;
				got = any = 1;
			}
		}
	} while (got && total < CONN_SSH_READ_MAX);
	return any;
}

static int
conn_ssh_stream_io(struct conn *c, void *stream, const void *wdata,
    size_t wlen, size_t *written, struct buf *out, struct buf *err, int *eof,
    int timeout_ms, char **cause)
{
	struct ssh_data		*d = c->data;
	struct ssh_stream	*st = stream;
	struct pollfd		 pfd;
	uint32_t		 window;
	size_t			 n;
	int			 w, r, rounds;

	*written = 0;
	for (rounds = 0; rounds < 2; rounds++) {
		/*
		 * Never more than the window: a blocking write waiting for
		 * a window adjust while the shell waits for us to read its
		 * output would deadlock.
		 */
		if (wlen != 0 && *written == 0 &&
		    (window = ssh_channel_window_size(st->channel)) > 0) {
			n = wlen < window ? wlen : window;
			if (n > CONN_SSH_WRITE_MAX)
				n = CONN_SSH_WRITE_MAX;
			w = ssh_channel_write(st->channel, wdata, (uint32_t)n);
			if (w < 0)
				return conn_ssh_lost(c, cause);
			*written = (size_t)w;
		}
		if ((r = conn_ssh_read(st, out, err, eof)) < 0)
			return conn_ssh_lost(c, cause);
		if (r > 0 || *written != 0)
			return 0;
		if (*eof || !ssh_channel_is_open(st->channel)) {
			*eof = 1;
			return 0;
		}
		if (rounds == 1)
			break;
		pfd.fd = ssh_get_fd(d->session);
		pfd.events = POLLIN;
		if (pfd.fd == SSH_INVALID_SOCKET)
			return conn_ssh_lost(c, cause);
		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;	/* timed out or EINTR: the caller decides */
	}
	return 0;
}

static void
conn_ssh_stream_close(struct conn *c, void *stream, int force)
{
	struct ssh_stream	*st = stream;

	if (st == NULL)
		return;
	/*
	 * conn.c has already told a busy shell's process group to end; the
	 * signal request is a second try (OpenSSH 7.9+ delivers it to the
	 * session's process group, when privilege separation allows).
	 */
	if (force && ssh_channel_is_open(st->channel))
		ssh_channel_request_send_signal(st->channel, "TERM");
	if (ssh_channel_is_open(st->channel)) {
		ssh_channel_send_eof(st->channel);
		ssh_channel_close(st->channel);
	}
	ssh_channel_free(st->channel);
	free(st);
}

static int
conn_ssh_keepalive(struct conn *c, char **cause)
{
	struct ssh_data	*d = c->data;

	if (ssh_send_ignore(d->session, "cairn") != SSH_OK)
		return conn_ssh_lost(c, cause);
	return 0;
}

const struct conn_ops conn_ssh_ops = {
	.name = "ssh",
	.open = conn_ssh_open,
	.close = conn_ssh_close,
	.stream_open = conn_ssh_stream_open,
	.stream_io = conn_ssh_stream_io,
	.stream_close = conn_ssh_stream_close,
	.keepalive = conn_ssh_keepalive,
};

const char *
conn_ssh_library_version(void)
{
	return ssh_version(0);
}
