/*
 * The executor: plays, batches, tasks, loops and handlers over a pool of
 * worker threads.  Each host keeps one connection for the whole run; a
 * host that fails or is unreachable drops out, the others go on.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "executor.h"
#include "host.h"
#include "output.h"
#include "vars.h"
#include "yaml.h"

#define OMIT_TOKEN "__omit_place_holder__cairn"

struct host_state {
	struct inv_host		*ih;
	const char		*name;
	struct value		*inv_vars;	/* inventory vars, dict */
	struct value		*facts;		/* gathered facts, dict */
	struct value		*hvars;		/* register and set_fact */
	struct conn		*conn;
	char			*conn_key;	/* what conn was opened with */
	char			*conn_error;	/* a failed connect, reused */
	/* delegate_to: this host's own connection to the delegate */
	struct conn		*dconn;
	char			*dconn_key;
	char			*dconn_error;
	int			 failed;	/* out of the run */
	int			 unreachable;
	int			 ended;		/* meta end_host/end_play: out of the play */
	struct value		*notified;	/* handler names and topics */
	struct host_stats	 st;
};

struct run {
	const struct run_opts	*opts;
	struct inventory	*inv;
	struct host_state	*hosts;		/* one per inventory host */
	size_t			 nhosts;
	struct host_state	*localhost;	/* implicit, made on demand */
	pthread_mutex_t		 lock;		/* hvars, facts, stats */
	struct playbook		*pb;
	struct play		*play;
	struct value		*play_vars_files; /* dict of the play */
	struct host_state	**active;	/* the current batch */
	size_t			 nactive;
	struct value		*groups_var;
	int			 any_failed;
	int			 any_unreachable;
	/* worker pool */
	pthread_t		*threads;
	size_t			 nthreads;
	pthread_cond_t		 work_cond, done_cond;
	void			(*job)(struct run *, size_t, void *);
	void			*job_arg;
	size_t			 job_next, job_count, job_done;
	int			 stopping;
};

/* The block chain a task runs in: vars, become and other inherited keys. */
struct frame {
	const struct frame	*parent;
	const struct task	*block;		/* NULL at the play level */
	int			 is_handler;
};

static int run_tasks(struct run *, struct task **, size_t,
    const struct frame *, struct host_state **, size_t);

/* The worker pool: a job is "call fn(run, i, arg) for i in 0..count-1". */
static void *
worker_main(void *arg)
{
	struct run	*r = arg;
	size_t		 i;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->stopping && r->job_next >= r->job_count)
			pthread_cond_wait(&r->work_cond, &r->lock);
		if (r->stopping)
			break;
		i = r->job_next++;
		pthread_mutex_unlock(&r->lock);
		r->job(r, i, r->job_arg);
		pthread_mutex_lock(&r->lock);
		if (++r->job_done == r->job_count)
			pthread_cond_broadcast(&r->done_cond);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static void
pool_start(struct run *r)
{
	size_t	n = (size_t)(r->opts->forks > 0 ? r->opts->forks : 1);

	if (n > r->nhosts + 1)
		n = r->nhosts + 1;
	r->threads = xcalloc(n, sizeof *r->threads);
	for (r->nthreads = 0; r->nthreads < n; r->nthreads++) {
		if (pthread_create(&r->threads[r->nthreads], NULL, worker_main,
		    r) != 0)
			break;
	}
	if (r->nthreads == 0)
		fatal("cannot start worker threads");
}

static void
pool_stop(struct run *r)
{
	pthread_mutex_lock(&r->lock);
	r->stopping = 1;
	pthread_cond_broadcast(&r->work_cond);
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < r->nthreads; i++)
		pthread_join(r->threads[i], NULL);
	free(r->threads);
}

static void
pool_run(struct run *r, size_t count, void (*fn)(struct run *, size_t, void *),
    void *arg)
{
	if (count == 0)
		return;
	if (count == 1) {
		fn(r, 0, arg);
		return;
	}
	pthread_mutex_lock(&r->lock);
	r->job = fn;
	r->job_arg = arg;
	r->job_next = 0;
	r->job_done = 0;
	r->job_count = count;
	pthread_cond_broadcast(&r->work_cond);
	while (r->job_done < r->job_count)
		pthread_cond_wait(&r->done_cond, &r->lock);
	r->job_count = 0;
	r->job_next = 0;
	pthread_mutex_unlock(&r->lock);
}

/* Per-host variable lookup: what every template of a task sees. */
struct task_scope {
	struct scope		 s;
	struct run		*run;
	struct host_state	*hs;
	struct value		*loop_layer;
	struct value		*result_layer;
	struct value		*frame_vars[16];
};

static struct value *
hostvars_of(struct run *r, struct host_state *hs)
{
	struct value	*d = value_copy(hs->inv_vars);

	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < hs->facts->u.dict.n; i++) {
		char *k = xasprintf("ansible_%s", hs->facts->u.dict.keys[i]);

		value_dict_set(d, k, value_ref(hs->facts->u.dict.vals[i]));
		free(k);
	}
	if (hs->facts->u.dict.n)
		value_dict_set(d, "ansible_facts", value_copy(hs->facts));
	value_dict_merge(d, hs->hvars, 0);
	pthread_mutex_unlock(&r->lock);
	value_dict_setstr(d, "inventory_hostname", hs->name);
	value_dict_set(d, "group_names",
	    inventory_group_names(r->inv, hs->ih));
	return d;
}

static struct value *
play_hosts_var(struct run *r)
{
	struct value	*l = value_list();

	for (size_t i = 0; i < r->nactive; i++)
		if (!r->active[i]->failed && !r->active[i]->unreachable)
			value_list_append(l, value_str(r->active[i]->name));
	return l;
}

static struct value *
magic_var(void *ud, const char *name)
{
	struct task_scope	*ts = ud;
	struct run		*r = ts->run;
	struct value		*d;

	if (strcmp(name, "inventory_hostname") == 0)
		return value_str(ts->hs->name);
	if (strcmp(name, "inventory_hostname_short") == 0)
		return value_strn(ts->hs->name, strcspn(ts->hs->name, "."));
	if (strcmp(name, "group_names") == 0)
		return inventory_group_names(r->inv, ts->hs->ih);
	if (strcmp(name, "groups") == 0)
		return value_ref(r->groups_var);
	if (strcmp(name, "hostvars") == 0) {
		d = value_dict();
		for (size_t i = 0; i < r->nhosts; i++)
			value_dict_set(d, r->hosts[i].name,
			    hostvars_of(r, &r->hosts[i]));
		if (r->localhost != NULL && !value_dict_get(d, "localhost"))
			value_dict_set(d, "localhost",
			    hostvars_of(r, r->localhost));
		return d;
	}
	if (strcmp(name, "play_hosts") == 0 ||
	    strcmp(name, "ansible_play_hosts") == 0 ||
	    strcmp(name, "ansible_play_batch") == 0 ||
	    strcmp(name, "ansible_play_hosts_all") == 0)
		return play_hosts_var(r);
	if (strcmp(name, "playbook_dir") == 0)
		return value_str(r->pb->dir);
	if (strcmp(name, "ansible_play_name") == 0)
		return value_str(r->play->name ? r->play->name : r->play->hosts);
	if (strcmp(name, "ansible_check_mode") == 0)
		return value_bool(r->opts->check);
	if (strcmp(name, "ansible_diff_mode") == 0)
		return value_bool(r->opts->diff);
	if (strcmp(name, "ansible_verbosity") == 0)
		return value_int(r->opts->verbosity);
	if (strcmp(name, "ansible_forks") == 0)
		return value_int(r->opts->forks);
	if (strcmp(name, "omit") == 0)
		return value_str(OMIT_TOKEN);
	if (strcmp(name, "ansible_version") == 0) {
		d = value_dict();
		value_dict_setstr(d, "full", "2.14.0");
		value_dict_setint(d, "major", 2);
		value_dict_setint(d, "minor", 14);
		value_dict_setint(d, "revision", 0);
		value_dict_setstr(d, "string", "2.14.0");
		return d;
	}
	if (strcmp(name, "cairn_version") == 0)
		return value_str(PACKAGE_VERSION);
	return NULL;
}

static void
task_scope_init(struct task_scope *ts, struct run *r, struct host_state *hs,
    const struct frame *fr, const struct task *t)
{
	const struct frame	*f;
	size_t			 n = 0;

	memset(ts, 0, sizeof *ts);
	ts->run = r;
	ts->hs = hs;
	scope_init(&ts->s, hs->facts, magic_var, ts);
	/* Highest first: extra vars, loop, registered, task, blocks, play. */
	scope_push(&ts->s, r->opts->extra_vars);
	ts->loop_layer = value_dict();
	scope_push(&ts->s, ts->loop_layer);
	ts->result_layer = value_dict();
	scope_push(&ts->s, ts->result_layer);
	scope_push(&ts->s, hs->hvars);
	if (t != NULL && t->vars != NULL && t->vars->type == V_DICT)
		scope_push(&ts->s, t->vars);
	for (f = fr; f != NULL && n < ARRAY_SIZE(ts->frame_vars); f = f->parent)
		if (f->block != NULL && f->block->vars != NULL &&
		    f->block->vars->type == V_DICT)
			scope_push(&ts->s, f->block->vars);
	if (t != NULL && t->role != NULL)
		scope_push(&ts->s, t->role->vars);
	scope_push(&ts->s, r->play_vars_files);
	scope_push(&ts->s, r->play->vars);
	scope_push(&ts->s, hs->inv_vars);
	if (t != NULL && t->role != NULL)
		scope_push(&ts->s, t->role->defaults);
}

static void
task_scope_release(struct task_scope *ts)
{
	value_unref(ts->loop_layer);
	value_unref(ts->result_layer);
}

/* A variable as a string (templated), malloc'd, or NULL when undefined. */
static char *
scope_string(struct task_scope *ts, const char *name)
{
	struct value	*v = scope_lookup(&ts->s, name), *out = NULL;
	char		*s = NULL, *cause = NULL;

	if (v == NULL)
		return NULL;
	if (template_value(v, &ts->s.es, &out, &cause) == 0) {
		if (out->type != V_NULL)
			s = value_to_string(out);
		value_unref(out);
	} else
		free(cause);
	value_unref(v);
	return s;
}

/* Renders a keyword value (bool or template) to a boolean. */
static int
eval_opt_bool(struct task_scope *ts, struct value *v, int def)
{
	struct value	*out = NULL;
	char		*cause = NULL;
	int		 b;

	if (v == NULL)
		return def;
	if (template_value(v, &ts->s.es, &out, &cause) != 0) {
		free(cause);
		return def;
	}
	b = value_as_bool(out);
	value_unref(out);
	return b < 0 ? def : b;
}

static char *
eval_string(struct task_scope *ts, struct value *v)
{
	struct value	*out = NULL;
	char		*cause = NULL, *s;

	if (v == NULL)
		return NULL;
	if (template_value(v, &ts->s.es, &out, &cause) != 0) {
		free(cause);
		return value_to_string(v);
	}
	s = out->type == V_NULL ? NULL : value_to_string(out);
	value_unref(out);
	return s;
}

/* The innermost setting of a task keyword: task, enclosing blocks, play. */
#define INHERIT_BOOL(t, fr, play, field, out) do {			\
	const struct frame *f_;						\
	(out) = NULL;							\
	if ((t)->field.set)						\
		(out) = (t)->field.v;					\
	for (f_ = (fr); (out) == NULL && f_ != NULL; f_ = f_->parent)	\
		if (f_->block != NULL && f_->block->field.set)		\
			(out) = f_->block->field.v;			\
	if ((out) == NULL && (play)->field.set)				\
		(out) = (play)->field.v;				\
} while (0)

#define INHERIT_VALUE(t, fr, play, field, out) do {			\
	const struct frame *f_;						\
	(out) = (t)->field;						\
	for (f_ = (fr); (out) == NULL && f_ != NULL; f_ = f_->parent)	\
		if (f_->block != NULL)					\
			(out) = f_->block->field;			\
	if ((out) == NULL)						\
		(out) = (play)->field;					\
} while (0)

struct conn_settings {
	struct conn_opts	 co;
	char			*host, *user, *password, *key, *type, *port;
	char			*key_str, *known_hosts, *ssh_config;
};

static void
conn_settings_release(struct conn_settings *cs)
{
	free(cs->host);
	free(cs->user);
	free(cs->password);
	free(cs->key);
	free(cs->type);
	free(cs->port);
	free(cs->key_str);
	free(cs->known_hosts);
	free(cs->ssh_config);
}

static void
conn_settings(struct task_scope *ts, const struct task *t,
    const struct frame *fr, struct conn_settings *cs)
{
	struct run	*r = ts->run;
	struct value	*ru;
	char		*hkc;

	memset(cs, 0, sizeof *cs);
	cs->host = scope_string(ts, "ansible_host");
	if (cs->host == NULL)
		cs->host = scope_string(ts, "ansible_ssh_host");
	if (cs->host == NULL)
		cs->host = xstrdup(ts->hs->name);
	cs->user = scope_string(ts, "ansible_user");
	if (cs->user == NULL)
		cs->user = scope_string(ts, "ansible_ssh_user");
	if (cs->user == NULL) {
		INHERIT_VALUE(t, fr, r->play, remote_user, ru);
		cs->user = eval_string(ts, ru);
	}
	if (cs->user == NULL && r->opts->remote_user != NULL)
		cs->user = xstrdup(r->opts->remote_user);
	cs->password = scope_string(ts, "ansible_password");
	if (cs->password == NULL)
		cs->password = scope_string(ts, "ansible_ssh_pass");
	cs->key = scope_string(ts, "ansible_ssh_private_key_file");
	if (cs->key == NULL)
		cs->key = scope_string(ts, "ansible_private_key_file");
	if (cs->key == NULL && r->opts->private_key != NULL)
		cs->key = xstrdup(r->opts->private_key);
	cs->type = scope_string(ts, "ansible_connection");
	if (cs->type == NULL && t != NULL && t->connection != NULL)
		cs->type = eval_string(ts, t->connection);
	if (cs->type == NULL && t != NULL && r->play->connection != NULL)
		cs->type = eval_string(ts, r->play->connection);
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
	cs->port = scope_string(ts, "ansible_port");
	if (cs->port == NULL)
		cs->port = scope_string(ts, "ansible_ssh_port");
	cs->co.type = cs->type;
	cs->co.host = cs->host;
	cs->co.port = cs->port ? atoi(cs->port) : 0;
	cs->co.user = cs->user;
	cs->co.password = cs->password;
	cs->co.private_key = cs->key;
	cs->co.timeout = r->opts->timeout;
	/* $HOME, not the passwd entry, as OpenSSH's tools would for a user */
	if (getenv("HOME") != NULL) {
		cs->known_hosts = xasprintf("%s/.ssh/known_hosts", getenv("HOME"));
		cs->ssh_config = xasprintf("%s/.ssh/config", getenv("HOME"));
		cs->co.known_hosts = cs->known_hosts;
		cs->co.ssh_config = cs->ssh_config;
	}
	cs->co.hkc = r->opts->hkc;
	if ((hkc = scope_string(ts, "ansible_host_key_checking")) != NULL) {
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

static int
host_connect(struct host_state *hs, struct conn_settings *cs, char **cause)
{
	return slot_connect(&hs->conn, &hs->conn_key, &hs->conn_error, cs,
	    cause);
}

struct become_settings {
	struct become	 b;
	char		*user, *method, *password;
	int		 on;
};

static void
become_settings(struct task_scope *ts, const struct task *t,
    const struct frame *fr, struct become_settings *bs)
{
	struct run	*r = ts->run;
	struct value	*v;
	char		*s;

	memset(bs, 0, sizeof *bs);
	INHERIT_BOOL(t, fr, r->play, become, v);
	bs->on = eval_opt_bool(ts, v, r->opts->become);
	if ((s = scope_string(ts, "ansible_become")) != NULL) {
		struct value *b = value_str(s);

		if (value_as_bool(b) >= 0)
			bs->on = value_as_bool(b);
		value_unref(b);
		free(s);
	}
	bs->user = scope_string(ts, "ansible_become_user");
	if (bs->user == NULL) {
		INHERIT_VALUE(t, fr, r->play, become_user, v);
		bs->user = eval_string(ts, v);
	}
	if (bs->user == NULL)
		bs->user = xstrdup(r->opts->become_user ? r->opts->become_user :
		    "root");
	bs->method = scope_string(ts, "ansible_become_method");
	if (bs->method == NULL) {
		INHERIT_VALUE(t, fr, r->play, become_method, v);
		bs->method = eval_string(ts, v);
	}
	if (bs->method == NULL)
		bs->method = xstrdup(r->opts->become_method ?
		    r->opts->become_method : "sudo");
	bs->password = scope_string(ts, "ansible_become_password");
	if (bs->password == NULL)
		bs->password = scope_string(ts, "ansible_become_pass");
	if (bs->password == NULL && r->opts->become_password != NULL)
		bs->password = xstrdup(r->opts->become_password);
	bs->b.method = bs->method;
	bs->b.user = bs->user;
	bs->b.password = bs->password;
}

static void
become_settings_release(struct become_settings *bs)
{
	free(bs->user);
	free(bs->method);
	free(bs->password);
}

/* Drops arguments whose value is the omit placeholder. */
static void
drop_omitted(struct value *args)
{
	size_t	i = 0;

	while (i < args->u.dict.n) {
		struct value *v = args->u.dict.vals[i];

		if (v->type == V_STR && strcmp(v->u.str.s, OMIT_TOKEN) == 0)
			value_dict_del(args, args->u.dict.keys[i]);
		else
			i++;
	}
}

static struct value *
fail_result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct value *
fail_result(const char *fmt, ...)
{
	struct value	*res = value_dict();
	va_list		 ap;

	va_start(ap, fmt);
	value_dict_set(res, "msg", value_str_take(xvasprintf(fmt, ap)));
	va_end(ap);
	value_dict_setbool(res, "failed", 1);
	value_dict_setbool(res, "changed", 0);
	return res;
}

/* Evaluates a list of conditions (all must hold); -1 with *cause. */
static int
eval_conditions(struct task_scope *ts, struct value *conds, int *out,
    char **cause)
{
	struct value	*c, *rendered;
	char		*expr;
	int		 b;

	*out = 1;
	for (size_t i = 0; conds != NULL && i < conds->u.list.n; i++) {
		c = conds->u.list.items[i];
		if (c->type != V_STR) {
			if (!value_truthy(c)) {
				*out = 0;
				return 0;
			}
			continue;
		}
		expr = xstrdup(c->u.str.s);
		/* "{{ x }}" in a condition is allowed (with a warning). */
		if (value_is_template(c)) {
			if (template_render(c->u.str.s, &ts->s.es, &rendered,
			    cause) != 0) {
				free(expr);
				return -1;
			}
			b = value_truthy(rendered);
			if (rendered->type == V_STR)
				b = value_as_bool(rendered) == 1 ||
				    (value_as_bool(rendered) < 0 &&
				    rendered->u.str.len > 0);
			value_unref(rendered);
		} else if (expr_eval_bool(expr, &ts->s.es, &b, cause) != 0) {
			free(expr);
			return -1;
		}
		free(expr);
		if (!b) {
			*out = 0;
			return 0;
		}
	}
	return 0;
}

/*
 * The conditions a task inherits: its role's "when" and those of the
 * blocks around it, all of which must hold before its own.
 */
static int
eval_inherited_conditions(struct task_scope *ts, const struct task *t,
    const struct frame *fr, int *ok, char **cause)
{
	const struct frame	*f;

	*ok = 1;
	if (t->role != NULL && t->role->when != NULL &&
	    (eval_conditions(ts, t->role->when, ok, cause) != 0 || !*ok))
		return *ok ? -1 : 0;
	for (f = fr; f != NULL; f = f->parent) {
		if (f->block == NULL || f->block->when == NULL)
			continue;
		if (eval_conditions(ts, f->block->when, ok, cause) != 0)
			return -1;
		if (!*ok)
			return 0;
	}
	return 0;
}

/* Adds one environment mapping (templated) to env; -1 with *cause. */
static int
env_merge(struct task_scope *ts, struct value *layer, struct value *env,
    char **cause)
{
	struct value	*out = NULL;

	if (layer == NULL)
		return 0;
	if (template_value(layer, &ts->s.es, &out, cause) != 0)
		return -1;
	if (out->type != V_DICT) {
		value_unref(out);
		*cause = xstrdup("'environment' must be a mapping");
		return -1;
	}
	value_dict_merge(env, out, 0);
	value_unref(out);
	return 0;
}

/*
 * The task's environment (play, then enclosing blocks, then the task) as
 * a shell prefix "export K='v'; ", or NULL when there is none.
 */
static int
task_env_prefix(struct task_scope *ts, const struct task *t,
    const struct frame *fr, char **out, char **cause)
{
	const struct frame	*chain[64], *f;
	struct value		*env = value_dict();
	struct buf		 b = BUF_INIT;
	size_t			 n = 0;
	int			 r = -1;

	*out = NULL;
	for (f = fr; f != NULL && n < ARRAY_SIZE(chain); f = f->parent)
		chain[n++] = f;
	if (env_merge(ts, ts->run->play->environment, env, cause) != 0)
		goto done;
	while (n-- > 0)
		if (chain[n]->block != NULL && env_merge(ts,
		    chain[n]->block->environment, env, cause) != 0)
			goto done;
	if (env_merge(ts, t->environment, env, cause) != 0)
		goto done;
	for (size_t i = 0; i < env->u.dict.n; i++) {
		const char *k = env->u.dict.keys[i];
		char *v;

		if (strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_") != strlen(k) || (k[0] >= '0' && k[0] <= '9') ||
		    k[0] == '\0') {
			*cause = xasprintf("invalid environment variable name "
			    "'%s'", k);
			goto done;
		}
		v = value_to_string(env->u.dict.vals[i]);
		buf_addf(&b, "export %s=", k);
		shell_quote_buf(&b, v);
		buf_adds(&b, "; ");
		free(v);
	}
	if (b.len > 0)
		*out = buf_detach(&b, NULL);
	r = 0;
done:
	buf_release(&b);
	value_unref(env);
	return r;
}

static struct host_state *state_of(struct run *, struct inv_host *);

/*
 * delegate_to: the module runs over a connection to another host, made
 * with that host's connection variables (ansible_host, ansible_user...),
 * while the task keeps this host's variables.  The connection is this
 * host's own (one per delegating host), so threads never share one.
 */
static int
delegate_connect(struct task_scope *ts, const struct task *t,
    const struct frame *fr, const char *name, struct conn **out, char **cause)
{
	struct run		*r = ts->run;
	struct host_state	*hs = ts->hs, *ds, tmp;
	struct inv_host		**m = NULL;
	struct task_scope	 dts;
	struct conn_settings	 cs;
	size_t			 n = 0;
	int			 rc;

	if (inventory_match(r->inv, name, &m, &n, NULL) == 0 && n == 1)
		ds = state_of(r, m[0]);
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
	conn_settings(&dts, t, fr, &cs);
	task_scope_release(&dts);
	if (ds == &tmp) {
		value_unref(tmp.inv_vars);
		value_unref(tmp.facts);
		value_unref(tmp.hvars);
	}
	rc = slot_connect(&hs->dconn, &hs->dconn_key, &hs->dconn_error, &cs,
	    cause);
	conn_settings_release(&cs);
	*out = hs->dconn;
	return rc;
}

/* Runs the module once (no loop) on one host; returns a result dict. */
static struct value *
exec_module(struct task_scope *ts, const struct task *t,
    const struct frame *fr, int *unreachable)
{
	struct run		*r = ts->run;
	struct host_state	*hs = ts->hs;
	const struct module_entry *m = t->module;
	struct value		*args = NULL, *v;
	struct mod_args		 margs = { NULL };
	struct result		 res = { NULL };
	struct task_ctx		 ctx;
	struct conn_settings	 cs;
	struct become_settings	 bs;
	enum mod_status		 st;
	char			*cause = NULL, *env_prefix = NULL, *delegate = NULL;
	int			 check, diff, rc;

	if (template_value(t->args, &ts->s.es, &args, &cause) != 0) {
		v = fail_result("%s", cause);
		free(cause);
		return v;
	}
	if (args->type != V_DICT) {
		value_unref(args);
		return fail_result("the arguments of '%s' must be a mapping",
		    t->action);
	}
	if (args->refs > 1) {
		v = value_copy(args);
		value_unref(args);
		args = v;
	}
	drop_omitted(args);
	if (module_prepare_args(m, args, 0, &margs, &cause) != 0) {
		value_unref(args);
		v = fail_result("%s", cause);
		free(cause);
		return v;
	}
	value_unref(args);
	INHERIT_BOOL(t, fr, r->play, check_mode, v);
	check = eval_opt_bool(ts, v, r->opts->check);
	INHERIT_BOOL(t, fr, r->play, diff, v);
	diff = eval_opt_bool(ts, v, r->opts->diff);
	if (check && !(m->flags & MOD_SUPPORTS_CHECK)) {
		mod_args_release(&margs);
		v = value_dict();
		value_dict_setbool(v, "skipped", 1);
		value_dict_setbool(v, "changed", 0);
		value_dict_set(v, "msg", value_strf("remote module (%s) does "
		    "not support check mode", m->name));
		return v;
	}
	memset(&ctx, 0, sizeof ctx);
	memset(&bs, 0, sizeof bs);
	ctx.host_name = hs->name;
	ctx.check_mode = check;
	ctx.diff_mode = diff;
	ctx.module = m;
	ctx.verbosity = r->opts->verbosity;
	ctx.scope = ts->s.es;
	ctx.playbook_dir = r->pb->dir;
	ctx.role_dir = t->role != NULL ? t->role->path : NULL;
	if (task_env_prefix(ts, t, fr, &env_prefix, &cause) != 0) {
		mod_args_release(&margs);
		v = fail_result("%s", cause);
		free(cause);
		return v;
	}
	ctx.env_prefix = env_prefix;
	ctx.command_timeout = t->timeout;
	if (!(m->flags & MOD_LOCAL)) {
		if (t->delegate_to != NULL)
			delegate = eval_string(ts, t->delegate_to);
		if (delegate != NULL)
			rc = delegate_connect(ts, t, fr, delegate, &ctx.conn,
			    &cause);
		else {
			conn_settings(ts, t, fr, &cs);
			rc = host_connect(hs, &cs, &cause);
			conn_settings_release(&cs);
			ctx.conn = hs->conn;
		}
		if (rc != 0) {
			mod_args_release(&margs);
			*unreachable = 1;
			v = fail_result("%s", cause);
			value_dict_setbool(v, "unreachable", 1);
			value_dict_del(v, "failed");
			free(cause);
			free(env_prefix);
			free(delegate);
			return v;
		}
		become_settings(ts, t, fr, &bs);
		ctx.become = bs.on ? &bs.b : NULL;
	}
	res.v = value_dict();
	st = m->run(&ctx, &margs, &res);
	free(env_prefix);
	if (delegate != NULL)
		value_dict_set(res.v, "_ansible_delegated_to",
		    value_str_take(delegate));
	become_settings_release(&bs);
	mod_args_release(&margs);
	if (ctx.unreachable) {
		*unreachable = 1;
		value_dict_set(res.v, "msg", value_str(ctx.unreachable_msg ?
		    ctx.unreachable_msg : "connection lost"));
		value_dict_setbool(res.v, "unreachable", 1);
		free(ctx.unreachable_msg);
		/* a lost connection is not reused */
		if (ctx.conn == hs->dconn) {
			conn_close(hs->dconn);
			hs->dconn = NULL;
		} else {
			conn_close(hs->conn);
			hs->conn = NULL;
		}
		return res.v;
	}
	free(ctx.unreachable_msg);
	/* a failed module may say it changed something (command ran) */
	if (st != MOD_FAILED || value_dict_get(res.v, "changed") == NULL)
		value_dict_setbool(res.v, "changed", st == MOD_CHANGED);
	if (st == MOD_FAILED)
		value_dict_setbool(res.v, "failed", 1);
	else
		value_dict_del(res.v, "failed");
	if (st == MOD_SKIPPED)
		value_dict_setbool(res.v, "skipped", 1);
	return res.v;
}

static int
result_flag(struct value *res, const char *key)
{
	return value_truthy(value_dict_get(res, key));
}

/* changed_when / failed_when, with the result visible under its name. */
static void
apply_overrides(struct task_scope *ts, const struct task *t, struct value *res)
{
	char	*cause = NULL;
	int	 b;

	if (t->changed_when == NULL && t->failed_when == NULL)
		return;
	if (t->register_name != NULL)
		value_dict_set(ts->result_layer, t->register_name,
		    value_ref(res));
	if (t->changed_when != NULL && !result_flag(res, "skipped")) {
		if (eval_conditions(ts, t->changed_when, &b, &cause) != 0) {
			value_dict_set(res, "msg", value_strf("error in "
			    "changed_when: %s", cause));
			value_dict_setbool(res, "failed", 1);
			free(cause);
			return;
		}
		value_dict_setbool(res, "changed", b);
	}
	if (t->failed_when != NULL && !result_flag(res, "skipped")) {
		if (eval_conditions(ts, t->failed_when, &b, &cause) != 0) {
			value_dict_set(res, "msg", value_strf("error in "
			    "failed_when: %s", cause));
			value_dict_setbool(res, "failed", 1);
			free(cause);
			return;
		}
		value_dict_setbool(res, "failed_when_result", b);
		if (b)
			value_dict_setbool(res, "failed", 1);
		else
			value_dict_del(res, "failed");
	}
}

/* One module run with until/retries. */
static struct value *
exec_with_retries(struct task_scope *ts, const struct task *t,
    const struct frame *fr, int *unreachable)
{
	struct value	*res = NULL;
	char		*cause = NULL;
	int		 attempt, ok;

	for (attempt = 1;; attempt++) {
		value_unref(res);
		res = exec_module(ts, t, fr, unreachable);
		if (*unreachable)
			return res;
		apply_overrides(ts, t, res);
		if (t->until == NULL)
			return res;
		if (t->register_name != NULL)
			value_dict_set(ts->result_layer, t->register_name,
			    value_ref(res));
		if (eval_conditions(ts, t->until, &ok, &cause) != 0) {
			value_unref(res);
			res = fail_result("error in until: %s", cause);
			free(cause);
			return res;
		}
		value_dict_setint(res, "attempts", attempt);
		if (ok) {
			value_dict_del(res, "failed");
			return res;
		}
		if (attempt > t->retries) {
			value_dict_setbool(res, "failed", 1);
			return res;
		}
		output_msg("FAILED - RETRYING: [%s]: %s (%d retries left).",
		    ts->hs->name, task_display_name(t), t->retries - attempt + 1);
		sleep((unsigned)t->delay);
	}
}

/* The host a result's module ran on, when it was delegated. */
static const char *
delegated_to(struct value *res)
{
	struct value	*d = value_dict_get(res, "_ansible_delegated_to");

	return d != NULL && d->type == V_STR ? d->u.str.s : NULL;
}

static enum out_status
status_of(struct value *res)
{
	if (result_flag(res, "unreachable"))
		return OUT_UNREACHABLE;
	if (result_flag(res, "failed"))
		return OUT_FAILED;
	if (result_flag(res, "skipped"))
		return OUT_SKIPPED;
	return result_flag(res, "changed") ? OUT_CHANGED : OUT_OK;
}

static int
task_no_log(struct task_scope *ts, const struct task *t, const struct frame *fr)
{
	struct value	*v;

	INHERIT_BOOL(t, fr, ts->run->play, no_log, v);
	return eval_opt_bool(ts, v, 0);
}

static int
task_ignore_errors(struct task_scope *ts, const struct task *t,
    const struct frame *fr)
{
	struct value	*v;

	INHERIT_BOOL(t, fr, ts->run->play, ignore_errors, v);
	return eval_opt_bool(ts, v, 0);
}

static char *
item_label(struct task_scope *ts, const struct task *t, struct value *item)
{
	char	*s;

	if (t->loop_label != NULL && (s = eval_string(ts, t->loop_label)))
		return s;
	return value_to_string(item);
}

/* The loop's items, templated; NULL with *cause on error. */
static struct value *
loop_items(struct task_scope *ts, const struct task *t, char **cause)
{
	struct value	*items = NULL, *flat;

	if (template_value(t->loop, &ts->s.es, &items, cause) != 0)
		return NULL;
	if (items->type == V_STR && t->loop_flatten) {
		flat = value_list();
		value_list_append(flat, items);
		return flat;
	}
	if (items->type != V_LIST) {
		*cause = xasprintf("Invalid data passed to 'loop', it "
		    "requires a list, got this instead: %s",
		    value_to_string(items));
		value_unref(items);
		return NULL;
	}
	if (t->loop_flatten) {
		flat = value_list();
		for (size_t i = 0; i < items->u.list.n; i++) {
			struct value *it = items->u.list.items[i];

			if (it->type == V_LIST)
				for (size_t j = 0; j < it->u.list.n; j++)
					value_list_append(flat,
					    value_ref(it->u.list.items[j]));
			else
				value_list_append(flat, value_ref(it));
		}
		value_unref(items);
		items = flat;
	}
	return items;
}

static void
count_result(struct run *r, struct host_state *hs, enum out_status st,
    int ignored)
{
	pthread_mutex_lock(&r->lock);
	switch (st) {
	case OUT_OK:
		hs->st.ok++;
		break;
	case OUT_CHANGED:
		hs->st.ok++;
		hs->st.changed++;
		break;
	case OUT_SKIPPED:
		hs->st.skipped++;
		break;
	case OUT_FAILED:
		/* As Ansible: an ignored failure also counts as ok. */
		if (ignored) {
			hs->st.ok++;
			hs->st.ignored++;
		} else
			hs->st.failed++;
		break;
	case OUT_UNREACHABLE:
		hs->st.unreachable++;
		break;
	}
	pthread_mutex_unlock(&r->lock);
}

struct task_job {
	const struct task	*task;
	const struct frame	*frame;
	struct host_state	**hosts;
	struct value		**results;	/* per host, for run_once */
	int			 run_once;
};

/* Results came from hosts: their strings are data, never templates. */
static void
mark_unsafe(struct value *v)
{
	switch (v->type) {
	case V_STR:
		v->flags |= VALUE_UNSAFE;
		break;
	case V_LIST:
		for (size_t i = 0; i < v->u.list.n; i++)
			mark_unsafe(v->u.list.items[i]);
		break;
	case V_DICT:
		for (size_t i = 0; i < v->u.dict.n; i++)
			mark_unsafe(v->u.dict.vals[i]);
		break;
	default:
		break;
	}
}

static void
record_result(struct task_scope *ts, const struct task *t,
    struct value *res)
{
	struct run		*r = ts->run;
	struct host_state	*hs = ts->hs;
	struct value		*facts;

	if (t->register_name != NULL) {
		struct value *safe = value_copy(res);

		mark_unsafe(safe);
		pthread_mutex_lock(&r->lock);
		value_dict_set(hs->hvars, t->register_name, safe);
		pthread_mutex_unlock(&r->lock);
	}
	pthread_mutex_lock(&r->lock);
	facts = value_dict_get(res, "ansible_facts");
	if (facts != NULL && facts->type == V_DICT &&
	    !result_flag(res, "failed")) {
		if (strcmp(t->module->name, "set_fact") == 0)
			value_dict_merge(hs->hvars, facts, 0);
		else
			value_dict_merge(hs->facts, facts, 0);
	}
	pthread_mutex_unlock(&r->lock);
}

static void
notify_handlers(struct run *r, struct host_state *hs, const struct task *t)
{
	if (t->notify == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < t->notify->u.list.n; i++)
		value_list_append(hs->notified,
		    value_ref(t->notify->u.list.items[i]));
	pthread_mutex_unlock(&r->lock);
}

/* Runs a module task on one host, loops and all, and reports it. */
static void
run_task_host(struct run *r, struct host_state *hs, const struct task *t,
    const struct frame *fr, struct value *shared_result)
{
	struct task_scope	 ts;
	struct value		*res = NULL, *items = NULL, *results, *ir;
	char			*cause = NULL, *label;
	int			 ok, unreachable = 0, no_log, ignore, any_changed;
	int			 any_failed, all_skipped;
	enum out_status		 st;

	task_scope_init(&ts, r, hs, fr, t);
	no_log = task_no_log(&ts, t, fr);
	ignore = task_ignore_errors(&ts, t, fr);
	if (shared_result != NULL) {
		res = value_ref(shared_result);
		goto report;
	}
	if (eval_inherited_conditions(&ts, t, fr, &ok, &cause) != 0) {
		res = fail_result("The conditional check failed: %s", cause);
		free(cause);
		goto report;
	}
	if (!ok) {
		res = value_dict();
		value_dict_setbool(res, "changed", 0);
		value_dict_setbool(res, "skipped", 1);
		value_dict_setstr(res, "skip_reason",
		    "Conditional result was False");
		goto report;
	}
	if (t->loop == NULL) {
		if (eval_conditions(&ts, t->when, &ok, &cause) != 0) {
			res = fail_result("The conditional check '%s' failed. "
			    "The error was: %s", t->when->u.list.items[0]->type
			    == V_STR ? t->when->u.list.items[0]->u.str.s : "",
			    cause);
			free(cause);
		} else if (!ok) {
			res = value_dict();
			value_dict_setbool(res, "changed", 0);
			value_dict_setbool(res, "skipped", 1);
			value_dict_setstr(res, "skip_reason",
			    "Conditional result was False");
		} else
			res = exec_with_retries(&ts, t, fr, &unreachable);
		goto report;
	}
	if ((items = loop_items(&ts, t, &cause)) == NULL) {
		res = fail_result("%s", cause);
		free(cause);
		goto report;
	}
	results = value_list();
	any_changed = any_failed = 0;
	all_skipped = items->u.list.n > 0;
	for (size_t i = 0; i < items->u.list.n && !unreachable; i++) {
		struct value *item = items->u.list.items[i];

		value_dict_set(ts.loop_layer, t->loop_var, value_ref(item));
		value_dict_setstr(ts.loop_layer, "ansible_loop_var",
		    t->loop_var);
		if (t->index_var != NULL)
			value_dict_setint(ts.loop_layer, t->index_var,
			    (long long)i);
		if (eval_conditions(&ts, t->when, &ok, &cause) != 0) {
			ir = fail_result("The conditional check failed: %s",
			    cause);
			free(cause);
		} else if (!ok) {
			ir = value_dict();
			value_dict_setbool(ir, "changed", 0);
			value_dict_setbool(ir, "skipped", 1);
			value_dict_setstr(ir, "skip_reason",
			    "Conditional result was False");
		} else
			ir = exec_with_retries(&ts, t, fr, &unreachable);
		value_dict_set(ir, t->loop_var, value_ref(item));
		value_dict_setstr(ir, "ansible_loop_var", t->loop_var);
		st = status_of(ir);
		any_changed |= st == OUT_CHANGED;
		any_failed |= st == OUT_FAILED;
		all_skipped &= st == OUT_SKIPPED;
		label = item_label(&ts, t, item);
		if (st != OUT_UNREACHABLE)
			output_result(hs->name, delegated_to(ir), st, ir,
			    label, 0, no_log,
			    strcmp(t->module->name, "debug") == 0);
		free(label);
		value_list_append(results, ir);
	}
	if (unreachable) {
		res = value_ref(results->u.list.items[results->u.list.n - 1]);
		value_unref(results);
	} else {
		res = value_dict();
		value_dict_setbool(res, "changed", any_changed);
		if (any_failed) {
			value_dict_setbool(res, "failed", 1);
			value_dict_setstr(res, "msg", "One or more items "
			    "failed");
		} else
			value_dict_setstr(res, "msg", "All items completed");
		if (all_skipped)
			value_dict_setbool(res, "skipped", 1);
		value_dict_set(res, "results", results);
	}
report:
	st = status_of(res);
	if (st != OUT_UNREACHABLE && (t->loop == NULL || st == OUT_SKIPPED ||
	    shared_result != NULL))
		output_result(hs->name, delegated_to(res), st, res, NULL,
		    st == OUT_FAILED && ignore, no_log,
		    strcmp(t->module->name, "debug") == 0);
	else {
		output_loop_result(hs->name, res, no_log);
		if (st == OUT_FAILED && ignore)
			output_msg("...ignoring");
	}
	if (st == OUT_UNREACHABLE) {
		output_result(hs->name, NULL, st, res, NULL, 0, no_log, 0);
		hs->unreachable = 1;
		r->any_unreachable = 1;
	} else if (st == OUT_FAILED && !ignore) {
		struct value *ft = value_dict();

		value_dict_setstr(ft, "name", task_display_name(t));
		value_dict_setstr(ft, "action", t->action);
		pthread_mutex_lock(&r->lock);
		value_dict_set(hs->hvars, "ansible_failed_task", ft);
		value_dict_set(hs->hvars, "ansible_failed_result",
		    value_ref(res));
		pthread_mutex_unlock(&r->lock);
		hs->failed = 1;
		r->any_failed = 1;
	}
	count_result(r, hs, st, ignore);
	if (st != OUT_UNREACHABLE)
		record_result(&ts, t, res);
	if (st == OUT_CHANGED)
		notify_handlers(r, hs, t);
	value_unref(items);
	value_unref(res);
	task_scope_release(&ts);
}

static void
task_job_fn(struct run *r, size_t i, void *arg)
{
	struct task_job	*j = arg;

	run_task_host(r, j->hosts[i], j->task, j->frame,
	    j->results != NULL ? j->results[0] : NULL);
}

static int
tags_match(struct run *r, const struct task *t)
{
	const struct run_opts	*o = r->opts;
	struct value		*tags = t->tags;
	int			 always = 0, never = 0, hit;

	for (size_t i = 0; tags != NULL && i < tags->u.list.n; i++) {
		const char *tag = tags->u.list.items[i]->u.str.s;

		always |= strcmp(tag, "always") == 0;
		never |= strcmp(tag, "never") == 0;
	}
	if (o->skip_tags != NULL) {
		for (size_t i = 0; i < o->skip_tags->u.list.n; i++) {
			const char *s = o->skip_tags->u.list.items[i]->u.str.s;

			for (size_t j = 0; tags && j < tags->u.list.n; j++)
				if (strcmp(s, tags->u.list.items[j]->u.str.s)
				    == 0)
					return 0;
			if (strcmp(s, "tagged") == 0 && tags && tags->u.list.n)
				return 0;
			if (strcmp(s, "untagged") == 0 &&
			    (tags == NULL || tags->u.list.n == 0))
				return 0;
		}
	}
	if (o->tags == NULL)
		return !never;
	hit = 0;
	for (size_t i = 0; i < o->tags->u.list.n && !hit; i++) {
		const char *want = o->tags->u.list.items[i]->u.str.s;

		if (strcmp(want, "all") == 0)
			hit = !never;
		else if (strcmp(want, "tagged") == 0)
			hit = tags != NULL && tags->u.list.n > 0;
		else if (strcmp(want, "untagged") == 0)
			hit = tags == NULL || tags->u.list.n == 0;
		for (size_t j = 0; tags && j < tags->u.list.n && !hit; j++)
			hit = strcmp(want, tags->u.list.items[j]->u.str.s) == 0;
	}
	return hit || always;
}

/* Hosts still in the run among a set. */
static size_t
alive_hosts(struct host_state **in, size_t n, struct host_state **out)
{
	size_t	k = 0;

	for (size_t i = 0; i < n; i++)
		if (!in[i]->failed && !in[i]->unreachable && !in[i]->ended)
			out[k++] = in[i];
	return k;
}

static int
block_contains_tagged(struct run *r, struct task **tasks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (tasks[i]->kind == TASK_BLOCK) {
			if (block_contains_tagged(r, tasks[i]->block,
			    tasks[i]->nblock) ||
			    block_contains_tagged(r, tasks[i]->rescue,
			    tasks[i]->nrescue) ||
			    block_contains_tagged(r, tasks[i]->always,
			    tasks[i]->nalways))
				return 1;
		} else if (tags_match(r, tasks[i]))
			return 1;
	}
	return 0;
}

static void
run_block(struct run *r, const struct task *t, const struct frame *parent,
    struct host_state **hosts, size_t n)
{
	struct frame		 fr = { parent, t, parent ? parent->is_handler : 0 };
	struct host_state	**failed = xcalloc(n + 1, sizeof *failed);
	size_t			 nfailed = 0;
	int			 saved = r->any_failed;

	run_tasks(r, t->block, t->nblock, &fr, hosts, n);
	/* Hosts that failed inside the block get the rescue section. */
	for (size_t i = 0; i < n; i++) {
		if (hosts[i]->failed && !hosts[i]->unreachable &&
		    t->nrescue > 0) {
			hosts[i]->failed = 0;
			failed[nfailed++] = hosts[i];
		}
	}
	if (nfailed > 0) {
		int others_failed = 0;

		for (size_t i = 0; i < n; i++)
			others_failed |= hosts[i]->failed;
		/* the block's failures count only if the rescue fails too */
		r->any_failed = saved || others_failed;
		run_tasks(r, t->rescue, t->nrescue, &fr, failed, nfailed);
		for (size_t i = 0; i < nfailed; i++) {
			pthread_mutex_lock(&r->lock);
			if (!failed[i]->failed) {
				failed[i]->st.rescued++;
				if (failed[i]->st.failed > 0)
					failed[i]->st.failed--;
			} else
				r->any_failed = 1;
			pthread_mutex_unlock(&r->lock);
		}
	}
	if (t->nalways > 0) {
		/* always runs for every host that entered, even failed ones */
		struct host_state **again = xcalloc(n + 1, sizeof *again);
		int *was = xcalloc(n + 1, sizeof *was);
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			if (hosts[i]->unreachable)
				continue;
			was[k] = hosts[i]->failed;
			hosts[i]->failed = 0;
			again[k++] = hosts[i];
		}
		run_tasks(r, t->always, t->nalways, &fr, again, k);
		for (size_t i = 0; i < k; i++)
			again[i]->failed |= was[i];
		free(was);
		free(again);
	}
	free(failed);
}

static void
print_task_header(const struct task *t, const struct frame *fr)
{
	const char	*kind = fr != NULL && fr->is_handler ?
			    "RUNNING HANDLER" : "TASK";
	char		*name;

	/* role tasks show as "role : task", as Ansible does */
	if (t->role != NULL) {
		name = xasprintf("%s : %s", t->role->name,
		    task_display_name(t));
		output_task(kind, name);
		free(name);
	} else
		output_task(kind, task_display_name(t));
}

static void flush_handlers(struct run *, struct host_state **, size_t);

/*
 * any_errors_fatal: a failure on one host ends the play for all of them;
 * max_fail_percentage: so does more than that share of the batch failing.
 */
static void
stop_on_failures(struct run *r, const struct task *t,
    struct host_state **ran, size_t n)
{
	struct play	*p = r->play;
	size_t		 failed = 0, batch_failed = 0;

	for (size_t i = 0; i < n; i++)
		failed += ran[i]->failed || ran[i]->unreachable;
	for (size_t i = 0; i < r->nactive; i++)
		batch_failed += r->active[i]->failed ||
		    r->active[i]->unreachable;
	if (!((failed > 0 && (p->any_errors_fatal || t->any_errors_fatal)) ||
	    (p->max_fail_percentage >= 0 && r->nactive > 0 &&
	    batch_failed * 100 > (size_t)p->max_fail_percentage * r->nactive)))
		return;
	output_banner("NO MORE HOSTS LEFT");
	for (size_t i = 0; i < r->nactive; i++)
		r->active[i]->ended = 1;
	r->any_failed = 1;
}

/* meta actions act on the run, not on a host: carried out here. */
static void
run_meta(struct run *r, const struct task *t, const struct frame *fr,
    struct host_state **hosts, size_t n)
{
	struct value	*a = value_dict_get(t->args, "_raw_params");
	const char	*action = a != NULL && a->type == V_STR ? a->u.str.s : "";
	struct task_scope ts;
	int		 ok;
	char		*cause = NULL;

	if (strcmp(action, "flush_handlers") == 0) {
		flush_handlers(r, hosts, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		task_scope_init(&ts, r, hosts[i], fr, t);
		if (eval_conditions(&ts, t->when, &ok, &cause) != 0) {
			free(cause);
			cause = NULL;
			ok = 0;
		}
		task_scope_release(&ts);
		if (!ok)
			continue;
		if (strcmp(action, "end_play") == 0 ||
		    strcmp(action, "end_batch") == 0) {
			for (size_t j = 0; j < n; j++)
				hosts[j]->ended = 1;
			return;
		}
		if (strcmp(action, "end_host") == 0)
			hosts[i]->ended = 1;
		else if (strcmp(action, "clear_facts") == 0) {
			pthread_mutex_lock(&r->lock);
			value_unref(hosts[i]->facts);
			hosts[i]->facts = value_dict();
			pthread_mutex_unlock(&r->lock);
		} else if (strcmp(action, "clear_host_errors") == 0)
			hosts[i]->failed = 0;
		else if (strcmp(action, "reset_connection") == 0) {
			conn_close(hosts[i]->conn);
			hosts[i]->conn = NULL;
			free(hosts[i]->conn_key);
			hosts[i]->conn_key = NULL;
		}
	}
}

static int
run_tasks(struct run *r, struct task **tasks, size_t ntasks,
    const struct frame *fr, struct host_state **hosts, size_t n)
{
	struct host_state	**alive = xcalloc(n + 1, sizeof *alive);
	struct task_job		 job;
	struct value		*shared = NULL;
	size_t			 k;

	for (size_t i = 0; i < ntasks; i++) {
		const struct task *t = tasks[i];

		if ((k = alive_hosts(hosts, n, alive)) == 0)
			break;
		if (t->kind == TASK_BLOCK) {
			if (block_contains_tagged(r, t->block, t->nblock) ||
			    block_contains_tagged(r, t->rescue, t->nrescue) ||
			    block_contains_tagged(r, t->always, t->nalways))
				run_block(r, t, fr, alive, k);
			continue;
		}
		if (!tags_match(r, t))
			continue;
		if (strcmp(t->module->name, "meta") == 0) {
			run_meta(r, t, fr, alive, k);
			continue;
		}
		print_task_header(t, fr);
		memset(&job, 0, sizeof job);
		job.task = t;
		job.frame = fr;
		job.hosts = alive;
		if (t->run_once.set && value_truthy(t->run_once.v) && k > 1) {
			/* run on the first host, share the result with all */
			struct task_scope ts;
			int unreachable = 0;

			task_scope_init(&ts, r, alive[0], fr, t);
			shared = exec_with_retries(&ts, t, fr, &unreachable);
			task_scope_release(&ts);
			job.results = &shared;
		}
		pool_run(r, k, task_job_fn, &job);
		value_unref(shared);
		shared = NULL;
		stop_on_failures(r, t, alive, k);
	}
	free(alive);
	return 0;
}

/* Runs notified handlers, in the order they are written in the play. */
static void
flush_handlers(struct run *r, struct host_state **hosts, size_t n)
{
	struct play		*p = r->play;
	struct host_state	**notified = xcalloc(n + 1, sizeof *notified);
	struct frame		 fr = { NULL, NULL, 1 };

	for (size_t h = 0; h < p->nhandlers; h++) {
		struct task *t = p->handlers[h];
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			struct value *nl = hosts[i]->notified;
			int hit = 0;

			if (hosts[i]->unreachable ||
			    (hosts[i]->failed && !r->play->force_handlers &&
			    !r->opts->force_handlers))
				continue;
			for (size_t j = 0; j < nl->u.list.n && !hit; j++) {
				const char *name = nl->u.list.items[j]->u.str.s;

				hit = t->name != NULL && strcmp(t->name, name) == 0;
				for (size_t l = 0; t->listen != NULL &&
				    l < t->listen->u.list.n && !hit; l++)
					hit = strcmp(name, t->listen->u.list.
					    items[l]->u.str.s) == 0;
			}
			if (hit)
				notified[k++] = hosts[i];
		}
		if (k > 0) {
			/* force_handlers: failed hosts run them too */
			int *was = xcalloc(k, sizeof *was);

			for (size_t i = 0; i < k; i++) {
				was[i] = notified[i]->failed;
				notified[i]->failed = 0;
			}
			run_tasks(r, &p->handlers[h], 1, &fr, notified, k);
			for (size_t i = 0; i < k; i++)
				notified[i]->failed |= was[i];
			free(was);
		}
	}
	for (size_t i = 0; i < n; i++) {
		value_unref(hosts[i]->notified);
		hosts[i]->notified = value_list();
	}
	free(notified);
}

static void
gather_facts_fn(struct run *r, size_t i, void *arg)
{
	struct host_state	**hosts = arg, *hs = hosts[i];
	static const struct task dummy;
	struct task_scope	 ts;
	struct conn_settings	 cs;
	struct become_settings	 bs;
	struct exec_result	 er = EXEC_RESULT_INIT;
	struct value		*facts, *res;
	char			*cause = NULL;
	int			 rc;

	task_scope_init(&ts, r, hs, NULL, &dummy);
	conn_settings(&ts, &dummy, NULL, &cs);
	if (host_connect(hs, &cs, &cause) != 0) {
		res = fail_result("%s", cause);
		value_dict_del(res, "failed");
		value_dict_setbool(res, "unreachable", 1);
		output_result(hs->name, NULL, OUT_UNREACHABLE, res, NULL, 0,
		    0, 0);
		count_result(r, hs, OUT_UNREACHABLE, 0);
		hs->unreachable = 1;
		r->any_unreachable = 1;
		value_unref(res);
		free(cause);
		goto out;
	}
	become_settings(&ts, &dummy, NULL, &bs);
	rc = conn_exec(hs->conn, bs.on ? &bs.b : NULL, facts_command(), NULL,
	    0, 0, &er, &cause);
	become_settings_release(&bs);
	if (rc != 0) {
		res = fail_result("%s", cause);
		free(cause);
		if (rc == CONN_ERR_UNREACHABLE) {
			value_dict_del(res, "failed");
			value_dict_setbool(res, "unreachable", 1);
			hs->unreachable = 1;
			r->any_unreachable = 1;
			output_result(hs->name, NULL, OUT_UNREACHABLE, res,
			    NULL, 0, 0, 0);
			count_result(r, hs, OUT_UNREACHABLE, 0);
		} else {
			hs->failed = 1;
			r->any_failed = 1;
			output_result(hs->name, NULL, OUT_FAILED, res, NULL, 0,
			    0, 0);
			count_result(r, hs, OUT_FAILED, 0);
		}
		value_unref(res);
		goto out;
	}
	facts = facts_parse(buf_cstr(&er.out));
	mark_unsafe(facts);
	pthread_mutex_lock(&r->lock);
	value_dict_merge(hs->facts, facts, 0);
	pthread_mutex_unlock(&r->lock);
	value_unref(facts);
	output_result(hs->name, NULL, OUT_OK, NULL, NULL, 0, 0, 0);
	count_result(r, hs, OUT_OK, 0);
out:
	exec_result_release(&er);
	conn_settings_release(&cs);
	task_scope_release(&ts);
}

static struct host_state *
state_of(struct run *r, struct inv_host *ih)
{
	struct host_state	*hs;

	for (size_t i = 0; i < r->nhosts; i++)
		if (r->hosts[i].ih == ih)
			return &r->hosts[i];
	/* the implicit localhost, made once (delegate_to may race for it) */
	pthread_mutex_lock(&r->lock);
	if (r->localhost == NULL) {
		hs = xcalloc(1, sizeof *hs);
		hs->ih = ih;
		hs->name = ih->name;
		hs->inv_vars = inventory_host_vars(r->inv, ih);
		hs->facts = value_dict();
		hs->hvars = value_dict();
		hs->notified = value_list();
		r->localhost = hs;
	}
	hs = r->localhost;
	pthread_mutex_unlock(&r->lock);
	return hs;
}

/* vars_files of the play, relative to the playbook. */
static int
load_vars_files(struct run *r, struct play *p, char **cause)
{
	struct value	*all = value_dict(), *doc;
	struct task_scope ts;
	char		*path, *name;

	value_unref(r->play_vars_files);
	r->play_vars_files = all;
	if (p->vars_files == NULL)
		return 0;
	for (size_t i = 0; i < p->vars_files->u.list.n; i++) {
		struct value *f = p->vars_files->u.list.items[i];

		if (value_is_template(f) && r->nactive > 0) {
			task_scope_init(&ts, r, r->active[0], NULL, NULL);
			name = eval_string(&ts, f);
			task_scope_release(&ts);
		} else
			name = value_to_string(f);
		path = name[0] == '/' ? xstrdup(name) :
		    xasprintf("%s/%s", r->pb->dir, name);
		free(name);
		doc = NULL;
		if (yaml_load_file(path, &doc, cause) != 0) {
			free(path);
			return -1;
		}
		free(path);
		if (doc->type == V_DICT)
			value_dict_merge(all, doc, 0);
		else if (doc->type != V_NULL) {
			char *where = loc_format(&doc->loc);

			*cause = xasprintf("%s: a vars file must hold a "
			    "mapping", where);
			free(where);
			value_unref(doc);
			return -1;
		}
		value_unref(doc);
	}
	return 0;
}

static void
list_play(struct run *r, struct play *p, struct host_state **hosts, size_t n)
{
	if (r->opts->list_hosts) {
		output_msg("\n  play #%zu (%s): %s\tTAGS: []", (size_t)1,
		    p->hosts, p->name ? p->name : "");
		output_msg("    pattern: ['%s']", p->hosts);
		output_msg("    hosts (%zu):", n);
		for (size_t i = 0; i < n; i++)
			output_msg("      %s", hosts[i]->name);
	}
	if (r->opts->list_tasks) {
		struct task **lists[] = { p->pre_tasks, p->tasks, p->post_tasks };
		size_t counts[] = { p->npre_tasks, p->ntasks, p->npost_tasks };

		output_msg("\n  play #1 (%s): %s\tTAGS: []", p->hosts,
		    p->name ? p->name : "");
		output_msg("    tasks:");
		for (size_t l = 0; l < 3; l++)
			for (size_t i = 0; i < counts[l]; i++) {
				struct task *t = lists[l][i];
				struct buf b = BUF_INIT;

				if (!tags_match(r, t) && t->kind != TASK_BLOCK)
					continue;
				for (size_t j = 0; t->tags &&
				    j < t->tags->u.list.n; j++)
					buf_addf(&b, "%s%s", j ? ", " : "",
					    t->tags->u.list.items[j]->u.str.s);
				output_msg("      %s\tTAGS: [%s]",
				    task_display_name(t), buf_cstr(&b));
				buf_release(&b);
			}
	}
}

/* Splits the play's hosts into batches per "serial". */
static size_t
batch_size(struct run *r, struct task_scope *ts, struct value *serial,
    size_t nhosts, size_t batch_no)
{
	struct value	*v = serial, *out = NULL;
	char		*cause = NULL;
	long		 n;
	size_t		 sz;

	if (serial == NULL)
		return nhosts;
	if (serial->type == V_LIST && serial->u.list.n > 0)
		v = serial->u.list.items[batch_no < serial->u.list.n ?
		    batch_no : serial->u.list.n - 1];
	if (template_value(v, &ts->s.es, &out, &cause) != 0) {
		free(cause);
		return nhosts;
	}
	if (out->type == V_INT)
		n = (long)out->u.i;
	else {
		char *s = value_to_string(out);

		n = strtol(s, NULL, 10);
		if (strchr(s, '%') != NULL)
			n = (long)(nhosts * (size_t)n / 100);
		free(s);
	}
	value_unref(out);
	(void)r;
	sz = n <= 0 ? (n == 0 ? nhosts : 1) : (size_t)n;
	return sz > nhosts ? nhosts : sz;
}

/* pre_tasks, tasks and post_tasks, each followed by its handlers. */
static void
run_sections(struct run *r, struct host_state **hosts, size_t n)
{
	struct play	*p = r->play;

	run_tasks(r, p->pre_tasks, p->npre_tasks, NULL, hosts, n);
	flush_handlers(r, hosts, n);
	run_tasks(r, p->role_tasks, p->nrole_tasks, NULL, hosts, n);
	run_tasks(r, p->tasks, p->ntasks, NULL, hosts, n);
	flush_handlers(r, hosts, n);
	run_tasks(r, p->post_tasks, p->npost_tasks, NULL, hosts, n);
	flush_handlers(r, hosts, n);
}

/* free strategy: each host runs through the play on its own. */
static void
free_host_fn(struct run *r, size_t i, void *arg)
{
	struct host_state	**hosts = arg;

	run_sections(r, &hosts[i], 1);
}

/* The play's host pattern; "{{ target }}" from -e or play vars works. */
static char *
play_pattern(struct run *r, struct play *p, char **cause)
{
	struct scope	 s;
	struct value	*out = NULL;
	char		*pattern;

	if (strstr(p->hosts, "{{") == NULL)
		return xstrdup(p->hosts);
	scope_init(&s, NULL, NULL, NULL);
	scope_push(&s, r->opts->extra_vars);
	scope_push(&s, p->vars);
	if (template_render(p->hosts, &s.es, &out, cause) != 0)
		return NULL;
	if (out->type == V_LIST) {
		struct buf b = BUF_INIT;

		for (size_t i = 0; i < out->u.list.n; i++) {
			char *h = value_to_string(out->u.list.items[i]);

			buf_addf(&b, "%s%s", i ? ":" : "", h);
			free(h);
		}
		pattern = buf_detach(&b, NULL);
	} else
		pattern = value_to_string(out);
	value_unref(out);
	return pattern;
}

static int
run_play(struct run *r, struct play *p)
{
	struct inv_host		**ih = NULL, **lim = NULL;
	struct host_state	**hosts;
	size_t			 nih = 0, nlim = 0, n = 0, done, bn;
	char			*cause = NULL, *pattern;
	struct task_scope	 ts;
	int			 gather, rc;

	r->play = p;
	pattern = play_pattern(r, p, &cause);
	if (pattern == NULL) {
		output_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	rc = inventory_match(r->inv, pattern, &ih, &nih, &cause);
	free(pattern);
	if (rc != 0) {
		output_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (r->opts->limit != NULL &&
	    inventory_match(r->inv, r->opts->limit, &lim, &nlim, &cause) != 0) {
		output_error("%s", cause);
		free(cause);
		free(ih);
		return EXIT_OPTIONS;
	}
	hosts = xcalloc(nih + 1, sizeof *hosts);
	for (size_t i = 0; i < nih; i++) {
		int keep = r->opts->limit == NULL;

		for (size_t j = 0; !keep && j < nlim; j++)
			keep = lim[j] == ih[i];
		if (keep)
			hosts[n++] = state_of(r, ih[i]);
	}
	free(ih);
	free(lim);
	if (r->opts->list_hosts || r->opts->list_tasks) {
		list_play(r, p, hosts, n);
		free(hosts);
		return 0;
	}
	output_play(p->name ? p->name : p->hosts);
	if (n == 0) {
		output_msg("skipping: no hosts matched");
		free(hosts);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		hosts[i]->ended = 0;
	r->active = hosts;
	r->nactive = n;
	if (load_vars_files(r, p, &cause) != 0) {
		output_error("%s", cause);
		free(cause);
		free(hosts);
		return EXIT_ERROR;
	}
	for (done = 0, bn = 0; done < n; bn++) {
		size_t bsz;

		task_scope_init(&ts, r, hosts[done], NULL, NULL);
		bsz = batch_size(r, &ts, p->serial, n - done, bn);
		gather = eval_opt_bool(&ts, p->gather_facts.v,
		    r->opts->gather_facts);
		task_scope_release(&ts);
		if (bsz < n - done || done > 0)
			if (bn > 0)
				output_play(p->name ? p->name : p->hosts);
		r->active = hosts + done;
		r->nactive = bsz;
		struct host_state **batch = xcalloc(bsz + 1, sizeof *batch);
		size_t k = alive_hosts(hosts + done, bsz, batch);
		if (gather && k > 0 && (r->opts->tags == NULL ||
		    tags_match(r, &(struct task){ .tags = NULL }) || 1)) {
			output_task("TASK", "Gathering Facts");
			pool_run(r, k, gather_facts_fn, batch);
		}
		k = alive_hosts(hosts + done, bsz, batch);
		if (p->strategy_free)
			pool_run(r, k, free_host_fn, batch);
		else
			run_sections(r, batch, k);
		free(batch);
		done += bsz;
	}
	r->active = NULL;
	r->nactive = 0;
	free(hosts);
	return 0;
}

int
executor_run(struct inventory *inv, struct playbook **pbs, size_t npbs,
    const struct run_opts *opts)
{
	struct run	 r;
	const char	**names;
	struct host_stats *stats;
	size_t		 nstats = 0;
	int		 rc = EXIT_OK, prc;

	memset(&r, 0, sizeof r);
	r.opts = opts;
	r.inv = inv;
	r.nhosts = inv->nhosts;
	r.hosts = xcalloc(inv->nhosts + 1, sizeof *r.hosts);
	for (size_t i = 0; i < inv->nhosts; i++) {
		r.hosts[i].ih = inv->hosts[i];
		r.hosts[i].name = inv->hosts[i]->name;
		r.hosts[i].inv_vars = inventory_host_vars(inv, inv->hosts[i]);
		r.hosts[i].facts = value_dict();
		r.hosts[i].hvars = value_dict();
		r.hosts[i].notified = value_list();
	}
	r.groups_var = inventory_groups_var(inv);
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.work_cond, NULL);
	pthread_cond_init(&r.done_cond, NULL);
	pool_start(&r);
	if (opts->list_hosts || opts->list_tasks)
		for (size_t i = 0; i < npbs; i++)
			output_msg("\nplaybook: %s", pbs[i]->path);
	for (size_t i = 0; i < npbs && rc == EXIT_OK; i++) {
		r.pb = pbs[i];
		for (size_t j = 0; j < pbs[i]->nplays; j++) {
			if ((prc = run_play(&r, pbs[i]->plays[j])) != 0) {
				rc = prc;
				break;
			}
		}
	}
	pool_stop(&r);
	if (!opts->list_hosts && !opts->list_tasks) {
		names = xcalloc(r.nhosts + 2, sizeof *names);
		stats = xcalloc(r.nhosts + 2, sizeof *stats);
		for (size_t i = 0; i < r.nhosts; i++) {
			struct host_stats *s = &r.hosts[i].st;

			if (s->ok + s->changed + s->unreachable + s->failed +
			    s->skipped + s->rescued + s->ignored == 0)
				continue;
			names[nstats] = r.hosts[i].name;
			stats[nstats++] = *s;
		}
		if (r.localhost != NULL) {
			struct host_stats *s = &r.localhost->st;

			/* only when it ran something itself, not as a delegate */
			if (s->ok + s->changed + s->unreachable + s->failed +
			    s->skipped + s->rescued + s->ignored > 0) {
				names[nstats] = r.localhost->name;
				stats[nstats++] = *s;
			}
		}
		output_recap(names, stats, nstats);
		free(names);
		free(stats);
	}
	if (rc == EXIT_OK && r.any_failed)
		rc = EXIT_HOST_FAILED;
	else if (rc == EXIT_OK && r.any_unreachable)
		rc = EXIT_UNREACHABLE;
	for (size_t i = 0; i < r.nhosts; i++) {
		struct host_state *hs = &r.hosts[i];

		conn_close(hs->conn);
		free(hs->conn_key);
		free(hs->conn_error);
		conn_close(hs->dconn);
		free(hs->dconn_key);
		free(hs->dconn_error);
		value_unref(hs->inv_vars);
		value_unref(hs->facts);
		value_unref(hs->hvars);
		value_unref(hs->notified);
	}
	if (r.localhost != NULL) {
		conn_close(r.localhost->conn);
		free(r.localhost->conn_key);
		free(r.localhost->conn_error);
		conn_close(r.localhost->dconn);
		free(r.localhost->dconn_key);
		free(r.localhost->dconn_error);
		value_unref(r.localhost->inv_vars);
		value_unref(r.localhost->facts);
		value_unref(r.localhost->hvars);
		value_unref(r.localhost->notified);
		free(r.localhost);
	}
	free(r.hosts);
	value_unref(r.groups_var);
	value_unref(r.play_vars_files);
	return rc;
}
