/*
 * Connection and become settings, connection slots, delegate_to.  Calls
 * executor-scope.c only.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "executor-internal.h"

/*
 * ansible_port as a number, or 0 with cs->bad set: a port such as "22
 * -oProxyCommand=..." is refused as Ansible refuses it, never read as 22.
 */
static int
conn_port(struct conn_settings *cs)
{
	const char	*p = cs->port;
	long		 n = 0;

	if (p == NULL)
		return 0;
	while (*p == ' ')
		p++;
	for (; *p >= '0' && *p <= '9' && n <= 65535; p++)
		n = n * 10 + (*p - '0');
	while (*p == ' ')
		p++;
	if (*p != '\0' || n < 1 || n > 65535 || *cs->port == '\0') {
		cs->bad = xasprintf("the field 'port' has an invalid value (%s), "
		    "and could not be converted to an int", cs->port);
		return 0;
	}
	return (int)n;
}

void
executor_conn_settings_release(struct conn_settings *cs)
{
	free(cs->host);
	free(cs->user);
	free(cs->password);
	free(cs->key);
	free(cs->type);
	free(cs->port);
	free(cs->bad);
	free(cs->key_str);
	free(cs->known_hosts);
	free(cs->ssh_config);
}

void
executor_conn_settings(struct task_scope *ts, const struct task *t,
    const struct frame *fr, struct conn_settings *cs)
{
	struct run	*r = ts->run;
	struct value	*ru;
	char		*hkc;

	memset(cs, 0, sizeof *cs);
	cs->host = task_scope_string(ts, "ansible_host");
	if (cs->host == NULL)
		cs->host = task_scope_string(ts, "ansible_ssh_host");
	if (cs->host == NULL)
		cs->host = xstrdup(ts->hs->name);
	cs->user = task_scope_string(ts, "ansible_user");
	if (cs->user == NULL)
		cs->user = task_scope_string(ts, "ansible_ssh_user");
	if (cs->user == NULL) {
		INHERIT_VALUE(t, fr, r->play, remote_user, ru);
		cs->user = task_eval_string(ts, ru);
	}
	if (cs->user == NULL && r->opts->remote_user != NULL)
		cs->user = xstrdup(r->opts->remote_user);
	cs->password = task_scope_string(ts, "ansible_password");
	if (cs->password == NULL)
		cs->password = task_scope_string(ts, "ansible_ssh_pass");
	cs->key = task_scope_string(ts, "ansible_ssh_private_key_file");
	if (cs->key == NULL)
		cs->key = task_scope_string(ts, "ansible_private_key_file");
	if (cs->key == NULL && r->opts->private_key != NULL)
		cs->key = xstrdup(r->opts->private_key);
	cs->type = task_scope_string(ts, "ansible_connection");
	if (cs->type == NULL && t != NULL && t->connection != NULL)
		cs->type = task_eval_string(ts, t->connection);
	if (cs->type == NULL && t != NULL && r->play->connection != NULL)
		cs->type = task_eval_string(ts, r->play->connection);
	if (cs->type == NULL && r->opts->connection != NULL)
		cs->type = xstrdup(r->opts->connection);
	if (cs->type == NULL || strcmp(cs->type, "smart") == 0 ||
	    strcmp(cs->type, "paramiko") == 0 ||
	    strcmp(cs->type, "ansible.builtin.ssh") == 0) {
		free(cs->type);
		cs->type = xstrdup("ssh");
	}
	if (strcmp(cs->type, "ansible.builtin.local") == 0) {
		free(cs->type);
		cs->type = xstrdup("local");
	}
	cs->port = task_scope_string(ts, "ansible_port");
	if (cs->port == NULL)
		cs->port = task_scope_string(ts, "ansible_ssh_port");
	cs->co.type = cs->type;
	cs->co.host = cs->host;
	cs->co.port = conn_port(cs);
	cs->co.user = cs->user;
	cs->co.password = cs->password;
	cs->co.private_key = cs->key;
	cs->co.timeout = r->opts->timeout;
	/* $HOME, not the passwd entry, as OpenSSH's tools would for a user */
	if (getenv("HOME") != NULL) {
		cs->known_hosts =
		    xasprintf("%s/.ssh/known_hosts", getenv("HOME"));
		cs->ssh_config = xasprintf("%s/.ssh/config", getenv("HOME"));
		cs->co.known_hosts = cs->known_hosts;
		cs->co.ssh_config = cs->ssh_config;
	}
	cs->co.hkc = r->opts->hkc;
	if ((hkc = task_scope_string(ts, "ansible_host_key_checking")) !=
	    NULL) {
		struct value *b = value_str(hkc);

		if (value_as_bool(b) == 0)
			cs->co.hkc = HKC_OFF;
		value_unref(b);
		free(hkc);
	}
	cs->key_str = xasprintf("%s|%s|%d|%s|%s", cs->type, cs->host,
	    cs->co.port, cs->user ? cs->user : "", cs->key ? cs->key : "");
}

/*
 * Opens (or reuses) a connection kept in a slot (a host's own, or its
 * connection to a delegate); a failed connect is remembered so a dead
 * host costs one timeout, not one per task.  0, or -1 with *cause.
 */
static int
slot_connect(struct conn **conn, char **key, char **error,
    struct conn_settings *cs, char **cause)
{
	if (cs->bad != NULL) {
		*cause = xstrdup(cs->bad);
		return ERR_INVALID;
	}
	if (*conn != NULL && strcmp(*key, cs->key_str) == 0)
		return 0;
	if (*error != NULL && *key != NULL && strcmp(*key, cs->key_str) == 0) {
		*cause = xstrdup(*error);
		return -1;
	}
	conn_close(*conn);
	*conn = NULL;
	free(*key);
	free(*error);
	*error = NULL;
	*key = xstrdup(cs->key_str);
	if (conn_open(&cs->co, conn, cause) != 0) {
		*conn = NULL;
		*error = xstrdup(*cause);
		return -1;
	}
	return 0;
}

int
executor_host_connect(
    struct host_state *hs, struct conn_settings *cs, char **cause)
{
	return slot_connect(&hs->conn, &hs->conn_key, &hs->conn_error, cs,
	    cause);
}

void
executor_become_settings(struct task_scope *ts, const struct task *t,
    const struct frame *fr, struct become_settings *bs)
{
	struct run	*r = ts->run;
	struct value	*v;
	char		*s;

	memset(bs, 0, sizeof *bs);
	INHERIT_BOOL(t, fr, r->play, become, v);
	bs->on = task_eval_bool(ts, v, r->opts->become);
	if ((s = task_scope_string(ts, "ansible_become")) != NULL) {
		struct value *b = value_str(s);

		if (value_as_bool(b) >= 0)
			bs->on = value_as_bool(b);
		value_unref(b);
		free(s);
	}
	bs->user = task_scope_string(ts, "ansible_become_user");
	if (bs->user == NULL) {
		INHERIT_VALUE(t, fr, r->play, become_user, v);
		bs->user = task_eval_string(ts, v);
	}
	if (bs->user == NULL)
		bs->user = xstrdup(r->opts->become_user ? r->opts->become_user :
		    "root");
	bs->method = task_scope_string(ts, "ansible_become_method");
	if (bs->method == NULL) {
		INHERIT_VALUE(t, fr, r->play, become_method, v);
		bs->method = task_eval_string(ts, v);
	}
	if (bs->method == NULL)
		bs->method = xstrdup(r->opts->become_method ?
		    r->opts->become_method : "sudo");
	bs->password = task_scope_string(ts, "ansible_become_password");
	if (bs->password == NULL)
		bs->password = task_scope_string(ts, "ansible_become_pass");
	if (bs->password == NULL && r->opts->become_password != NULL)
		bs->password = xstrdup(r->opts->become_password);
	bs->b.method = bs->method;
	bs->b.user = bs->user;
	bs->b.password = bs->password;
}

void
executor_become_settings_release(struct become_settings *bs)
{
	free(bs->user);
	free(bs->method);
	free(bs->password);
}

/*
 * delegate_to: the module runs over a connection to another host, made
 * with that host's connection variables (ansible_host, ansible_user...),
 * while the task keeps this host's variables.  The connection is this
 * host's own (one per delegating host), so threads never share one.
 */
int
executor_delegate_connect(struct task_scope *ts, const struct task *t,
    const struct frame *fr, const char *name, struct conn **out, char **cause)
{
	struct run		*r = ts->run;
	struct host_state	*hs = ts->hs, *ds, tmp;
	struct inv_host		**m = NULL;
	struct task_scope	 dts;
	struct conn_settings	 cs;
	size_t			 n = 0;
	int			 rc, found;

	/* matching may create the implicit localhost: one thread at a time */
	pthread_mutex_lock(&r->lock);
	found = inventory_match(r->inv, name, &m, &n, NULL) == 0 && n == 1;
	pthread_mutex_unlock(&r->lock);
	if (found)
		ds = executor_state_of(r, m[0]);
	else {
		/* not in the inventory: the name is the address */
		memset(&tmp, 0, sizeof tmp);
		tmp.name = name;
		tmp.inv_vars = value_dict();
		tmp.facts = value_dict();
		tmp.hvars = value_dict();
		ds = &tmp;
	}
	free(m);
	task_scope_init(&dts, r, ds, fr, t);
	executor_conn_settings(&dts, t, fr, &cs);
	task_scope_release(&dts);
	if (ds == &tmp) {
		value_unref(tmp.inv_vars);
		value_unref(tmp.facts);
		value_unref(tmp.hvars);
	}
	rc = slot_connect(&hs->dconn, &hs->dconn_key, &hs->dconn_error, &cs,
	    cause);
	executor_conn_settings_release(&cs);
	*out = hs->dconn;
	return rc;
}
