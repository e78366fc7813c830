/*
 * wait_for: waits on the target for a TCP port to open, close or drain,
 * or for a file to appear (with a pattern in it) or go away.  Ports are
 * read from /proc/net/tcp{,6} for the host itself and tried with curl
 * for another host; files with stat and a read.  One short round trip
 * per try; the waiting happens here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net.h"
#include "regex.h"

static const char *const wait_for_aliases[] = {
	"ansible.builtin.wait_for", "ansible.legacy.wait_for", NULL
};
static const char *const state_choices[] = { "absent", "drained",
	"present", "started", "stopped", NULL };

static const struct mod_param wait_for_params[] = {
	{ "host", P_STR, 0, "127.0.0.1", NULL, NULL },
	{ "timeout", P_INT, 0, "300", NULL, NULL },
	{ "connect_timeout", P_INT, 0, "5", NULL, NULL },
	{ "delay", P_INT, 0, "0", NULL, NULL },
	{ "port", P_INT, 0, NULL, NULL, NULL },
	{ "active_connection_states", P_LIST, 0,
	    "ESTABLISHED,FIN_WAIT1,FIN_WAIT2,SYN_RECV,SYN_SENT,TIME_WAIT", NULL,
	    NULL },
	{ "path", P_PATH, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "started", state_choices, NULL },
	{ "exclude_hosts", P_LIST, 0, NULL, NULL, NULL },
	{ "search_regex", P_STR, 0, NULL, NULL, NULL },
	{ "sleep", P_INT, 0, "1", NULL, NULL },
	{ "msg", P_STR, 0, NULL, NULL, NULL },
	{ NULL }
};

static int
wait_for_validate(const struct mod_args *args, char **cause)
{
	struct value	*l = args_get(args, "active_connection_states"), *v;
	const char	*state = args_str(args, "state");
	int		 path = args_has(args, "path");

	if (args_has(args, "port") && path) {
		*cause = xstrdup("port and path parameter can not both be "
		    "passed to wait_for");
		return -1;
	}
	if (path && state != NULL && (strcmp(state, "stopped") == 0 ||
	    strcmp(state, "drained") == 0)) {
		*cause = xasprintf("state=%s should only be used for checking "
		    "a port in the wait_for module", state);
		return -1;
	}
	if (args_has(args, "exclude_hosts") && state != NULL &&
	    strcmp(state, "drained") != 0) {
		*cause = xstrdup("exclude_hosts should only be with "
		    "state=drained");
		return -1;
	}
	if (args_has(args, "port") && args_has(args, "search_regex")) {
		*cause = xstrdup("search_regex on a port is not supported by "
		    "cairn's wait_for (a target without Python has no client "
		    "to read from it)");
		return -1;
	}
	for (size_t i = 0; l != NULL && l->type == V_LIST && i < l->u.list.n;
	    i++) {
		v = l->u.list.items[i];
		if (v->type == V_STR && !value_is_template(v) &&
		    net_tcp_state(v->u.str.s) < 0) {
			*cause = xasprintf("unknown active_connection_state (%s) "
			    "defined", v->u.str.s);
			return -1;
		}
	}
	return 0;
}

/* What one wait is about, and what a try found. */
struct wait_for {
	struct task_ctx		*ctx;
	const char		*host;
	int			 port;
	const char		*path;
	const char		*state;
	struct regex		*re;
	int			 connect_timeout;
	int			 local;		/* host is the target itself */
	char			 addr[9];	/* its IPv4 hex, or "" */
	unsigned int		 states;	/* active_connection_states */
	char			**exclude;	/* hex, NULL-terminated */
	struct value		*groups, *groupdict;
};

static double
wait_for_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
wait_for_sleep(double s)
{
	struct timespec	ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The target's sockets on the port in states: a count, or -1. */
static long
wait_for_sockets(struct wait_for *w, unsigned int states, const char *addr,
    char *const *exclude, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	long			 n = -1;

	if (host_run(w->ctx, "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null",
	    &res, cause) == 0)
		n = (long)net_tcp_count(buf_cstr(&res.out), w->port, states,
		    addr, exclude);
	exec_result_release(&res);
	return n;
}

/* 1 when a connection to another host's port opens, 0 not, -1 error. */
static int
wait_for_connect(struct wait_for *w, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	char			*target;
	int			 r = -1;

	target = xasprintf("telnet://%s:%d", w->host, w->port);
	buf_addf(&s, "command -v curl >/dev/null 2>&1 || exit 3\n"
	    "t=$(curl -s -o /dev/null -w '%%{time_connect}' "
	    "--connect-timeout %d -m %d ", w->connect_timeout,
	    w->connect_timeout + 1);
	shell_quote_buf(&s, target);
	/* curl reports 0 for time_connect when it never connected. */
	buf_adds(&s, " </dev/null)\n[ -n \"$(printf %s \"$t\" | tr -d '0.')\" ]");
	if (host_run(w->ctx, buf_cstr(&s), &res, cause) == 0) {
		if (res.rc == 3) {
			/* No curl: the host's own sockets are all we see. */
			r = wait_for_sockets(w, 1U << 10, w->addr[0] != '\0' ?
			    w->addr : NULL, NULL, cause);
			r = r < 0 ? -1 : r > 0;
		} else
			r = res.rc == 0;
	}
	free(target);
	buf_release(&s);
	exec_result_release(&res);
	return r;
}

/* A port accepts connections: 1, 0, or -1 and *cause. */
static int
wait_for_port_open(struct wait_for *w, char **cause)
{
	long	n;

	if (!w->local)
		return wait_for_connect(w, cause);
	n = wait_for_sockets(w, 1U << 10, w->addr[0] != '\0' ? w->addr : NULL,
	    NULL, cause);
	return n < 0 ? -1 : n > 0;
}

/* The file exists (and holds the pattern): 1, 0, or -1 and *cause. */
static int
wait_for_path(struct wait_for *w, char **cause)
{
	struct host_stat	 st;
	struct buf		 b = BUF_INIT;
	struct regex_match	 m = REGEX_MATCH_INIT;
	const char		*name;
	int			 r, idx;

	if (host_stat(w->ctx, w->path, STAT_FOLLOW, &st, cause) != 0)
		return -1;
	if (st.type == FT_NONE || w->re == NULL)
		return st.type != FT_NONE;
	if ((r = host_read(w->ctx, w->path, &b, cause)) != 0) {
		buf_release(&b);
		if (r == -ENOENT) {
			free(*cause);
			*cause = NULL;
			return 0;
		}
		return -1;
	}
	r = regex_search(w->re, buf_cstr(&b), b.len, 0, &m, cause);
	if (r == 1) {
		value_unref(w->groups);
		value_unref(w->groupdict);
		w->groups = value_list();
		w->groupdict = value_dict();
		for (size_t i = 1; i < m.n; i++)
			value_list_append(w->groups, m.start[i] == REGEX_UNSET ?
			    value_null() : value_strn(b.s + m.start[i],
			    m.end[i] - m.start[i]));
		for (size_t i = 0; (idx = regex_group_name(w->re, i,
		    &name)) >= 0; i++)
			value_dict_set(w->groupdict, name,
			    value_ref(w->groups->u.list.items[idx - 1]));
		regex_match_release(&m);
	}
	buf_release(&b);
	return r;
}

/* One try: 1 when the wait is over, 0 to try again, -1 and *cause. */
static int
wait_for_try(struct wait_for *w, char **cause)
{
	int	r;
	long	n;

	if (strcmp(w->state, "drained") == 0) {
		n = wait_for_sockets(w, w->states, NULL, w->exclude, cause);
		return n < 0 ? -1 : n == 0;
	}
	if (w->path != NULL) {
		r = wait_for_path(w, cause);
		if (r < 0 || strcmp(w->state, "absent") != 0)
			return r;
		return !r;
	}
	r = wait_for_port_open(w, cause);
	if (r < 0 || strcmp(w->state, "stopped") != 0)
		return r;
	return !r;
}

static char *
wait_for_timeout_msg(const struct wait_for *w, const char *regex)
{
	if (strcmp(w->state, "drained") == 0)
		return xasprintf("Timeout when waiting for %s:%d to drain",
		    w->host, w->port);
	if (strcmp(w->state, "stopped") == 0)
		return xasprintf("Timeout when waiting for %s:%d to stop.",
		    w->host, w->port);
	if (strcmp(w->state, "absent") == 0)
		return xasprintf("Timeout when waiting for %s to be absent.",
		    w->path);
	if (w->path != NULL && regex != NULL)
		return xasprintf("Timeout when waiting for search string %s in "
		    "%s", regex, w->path);
	if (w->path != NULL)
		return xasprintf("Timeout when waiting for file %s", w->path);
	return xasprintf("Timeout when waiting for %s:%d", w->host, w->port);
}

static enum mod_status
wait_for_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct value		*l;
	struct wait_for		 w;
	const char		*regex = args_str(args, "search_regex");
	const char		*msg = args_str(args, "msg");
	double			 start, end, pause;
	long long		 timeout = args_int(args, "timeout", 300);
	char			*cause = NULL, *text, hex[9];
	size_t			 i, n = 0;
	int			 done = 0;
	enum mod_status		 status = MOD_FAILED;

	memset(&w, 0, sizeof w);
	w.ctx = ctx;
	w.host = args_str(args, "host");
	w.port = (int)args_int(args, "port", 0);
	w.path = args_str(args, "path");
	w.state = args_str(args, "state");
	w.connect_timeout = (int)args_int(args, "connect_timeout", 5);
	w.groups = value_list();
	w.groupdict = value_dict();
	pause = (double)args_int(args, "sleep", 1);
	start = wait_for_now();
	result_setint(r, "elapsed", 0);
	if (wait_for_validate(args, &cause) != 0)
		goto out;
	if (regex != NULL && (w.re = regex_compile(regex, REGEX_MULTILINE,
	    &cause)) == NULL) {
		text = xasprintf("Invalid regular expression: %s", cause);
		free(cause);
		cause = text;
		goto out;
	}
	w.local = strcmp(w.host, "localhost") == 0 ||
	    strncmp(w.host, "127.", 4) == 0 || strcmp(w.host, "::1") == 0 ||
	    strcmp(w.host, "0.0.0.0") == 0;
	if (net_ipv4_hex(strcmp(w.host, "localhost") == 0 ? "127.0.0.1" :
	    w.host, w.addr) != 0)
		w.addr[0] = '\0';
	l = args_get(args, "active_connection_states");
	for (i = 0; l != NULL && l->type == V_LIST && i < l->u.list.n; i++) {
		int st = net_tcp_state(l->u.list.items[i]->u.str.s);

		if (st > 0)
			w.states |= 1U << st;
	}
	l = args_get(args, "exclude_hosts");
	w.exclude = xcalloc((l != NULL && l->type == V_LIST ? l->u.list.n :
	    0) + 1, sizeof *w.exclude);
	for (i = 0; l != NULL && l->type == V_LIST && i < l->u.list.n; i++) {
		text = value_to_string(l->u.list.items[i]);
		if (net_ipv4_hex(text, hex) == 0)
			w.exclude[n++] = xstrdup(hex);
		free(text);
	}

	wait_for_sleep((double)args_int(args, "delay", 0));
	if (w.port == 0 && w.path == NULL && strcmp(w.state, "drained") != 0) {
		wait_for_sleep((double)timeout);
		done = 1;
	}
	end = start + (double)timeout;
	while (!done && wait_for_now() < end) {
		if ((done = wait_for_try(&w, &cause)) < 0)
			goto out;
		if (!done)
			wait_for_sleep(pause < end - wait_for_now() ? pause :
			    end - wait_for_now());
	}
	result_setint(r, "elapsed", (long long)(wait_for_now() - start));
	if (!done) {
		cause = msg != NULL ? xstrdup(msg) :
		    wait_for_timeout_msg(&w, regex);
		goto out;
	}
	result_setstr(r, "state", w.state);
	if (w.port != 0)
		result_setint(r, "port", w.port);
	else
		result_set(r, "port", value_null());
	result_set(r, "path", w.path != NULL ? value_str(w.path) :
	    value_null());
	result_set(r, "search_regex", regex != NULL ? value_str(regex) :
	    value_null());
	result_set(r, "match_groups", value_ref(w.groups));
	result_set(r, "match_groupdict", value_ref(w.groupdict));
	status = MOD_OK;
out:
	if (status == MOD_FAILED)
		status = result_fail(r, "%s", cause != NULL ? cause :
		    "wait_for failed");
	for (i = 0; w.exclude != NULL && w.exclude[i] != NULL; i++)
		free(w.exclude[i]);
	free(w.exclude);
	regex_free(w.re);
	value_unref(w.groups);
	value_unref(w.groupdict);
	free(cause);
	return status;
}

const struct module_entry module_wait_for = {
	.name = "wait_for",
	.aliases = wait_for_aliases,
	.params = wait_for_params,
	.validate = wait_for_validate,
	.run = wait_for_run,
};
