/*
 * The executor's run: plays, serial batches, the linear and free
 * strategies, handlers and meta actions over a pool of worker threads,
 * and the recap.  Each host keeps one connection for the whole run; a
 * host that fails or is unreachable drops out, the others go on.  The
 * top layer: it calls executor-task.c, executor-conn.c and
 * executor-scope.c, and none of them calls it.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "executor-internal.h"
#include "facts.h"
#include "host.h"
#include "output.h"
#include "vars.h"
#include "yaml.h"

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

struct task_job {
	const struct task	*task;
	const struct frame	*frame;
	struct host_state	**hosts;
	struct value **results; /* per host, for run_once */
	int			 run_once;
};

static void
task_job_fn(struct run *r, size_t i, void *arg)
{
	struct task_job	*j = arg;

	task_run_on_host(r, j->hosts[i], j->task, j->frame,
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

	/* Interrupted: no host starts anything more. */
	if (conn_interrupted())
		return 0;
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

/*
 * Runs tasks on hosts even if they have failed (always sections, forced
 * handlers); each host's failure stands afterwards as it was.
 */
static void
run_tasks_with_failed(struct run *r, struct task **tasks, size_t ntasks,
    const struct frame *fr, struct host_state **hosts, size_t n)
{
	int	*was = xcalloc(n + 1, sizeof *was);

	for (size_t i = 0; i < n; i++) {
		was[i] = hosts[i]->failed;
		hosts[i]->failed = 0;
	}
	run_tasks(r, tasks, ntasks, fr, hosts, n);
	for (size_t i = 0; i < n; i++)
		hosts[i]->failed |= was[i];
	free(was);
}

static void
run_block(struct run *r, const struct task *t, const struct frame *parent,
    struct host_state **hosts, size_t n)
{
	struct frame fr = {parent, t, parent ? parent->is_handler : 0};
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
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (!hosts[i]->unreachable)
				again[k++] = hosts[i];
		run_tasks_with_failed(r, t->always, t->nalways, &fr, again, k);
		free(again);
	}
	free(failed);
}

/* "/abs/path/site.yml:12", as Ansible's reports name a play or task. */
static char *
report_path(const struct loc *loc)
{
	char	*real, *s;

	if (loc->file == NULL)
		return NULL;
	real = realpath(loc->file, NULL);
	s = xasprintf("%s:%d", real != NULL ? real : loc->file, loc->line);
	free(real);
	return s;
}

static void
play_header(const struct play *p)
{
	char	*path;

	output_play(p->name ? p->name : p->hosts);
	path = report_path(&p->loc);
	output_play_detail(path);
	free(path);
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
	name = report_path(&t->loc);
	/* a no_log given as a template counts as set: never show args */
	output_task_detail(name, t->action, t->args, t->no_log.set &&
	    (t->no_log.v == NULL || t->no_log.v->type != V_BOOL ||
	    value_truthy(t->no_log.v)));
	free(name);
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

/*
 * The run as a control hook (meta) sees it: the task, its hosts and the
 * one the hook is called for.
 */
struct run_ctl {
	struct run		*run;
	const struct task	*task;
	const struct frame	*frame;
	struct host_state	**hosts;
	size_t			 n;
	size_t			 i;
	int			 flush;		/* ctl_flush_handlers asked */
};

int
ctl_when(struct run_ctl *c)
{
	struct task_scope	 ts;
	char			*cause = NULL;
	int			 ok;

	task_scope_init(&ts, c->run, c->hosts[c->i], c->frame, c->task);
	if (task_eval_conditions(&ts, c->task->when, &ok, &cause) != 0) {
		free(cause);
		ok = 0;
	}
	task_scope_release(&ts);
	return ok;
}

void
ctl_end_play(struct run_ctl *c)
{
	for (size_t j = 0; j < c->n; j++)
		c->hosts[j]->ended = 1;
}

void
ctl_end_host(struct run_ctl *c)
{
	c->hosts[c->i]->ended = 1;
}

void
ctl_flush_handlers(struct run_ctl *c)
{
	c->flush = 1;
}

void
ctl_clear_facts(struct run_ctl *c)
{
	struct host_state	*hs = c->hosts[c->i];

	pthread_mutex_lock(&c->run->lock);
	value_unref(hs->facts);
	hs->facts = value_dict();
	value_unref(hs->fact_vars);
	hs->fact_vars = NULL;
	pthread_mutex_unlock(&c->run->lock);
}

void
ctl_clear_host_errors(struct run_ctl *c)
{
	c->hosts[c->i]->failed = 0;
}

void
ctl_reset_connection(struct run_ctl *c)
{
	struct host_state	*hs = c->hosts[c->i];

	conn_close(hs->conn);
	hs->conn = NULL;
	free(hs->conn_key);
	hs->conn_key = NULL;
}

/*
 * A module that acts on the run (meta) is not run on a host: its control
 * hook is called for each host still in the play, without a task header
 * or a result.  Its arguments were checked when the playbook was loaded
 * and, as Ansible's meta, are not templated.
 */
static void
run_control(struct run *r, const struct task *t, const struct frame *fr,
    struct host_state **hosts, size_t n)
{
	struct run_ctl	 c = { r, t, fr, hosts, n, 0, 0 };
	struct mod_args	 args = { NULL };
	char		*cause = NULL;

	if (module_prepare_args(t->module, t->args, 0, &args, &cause) != 0) {
		free(cause);
		return;
	}
	/* a host that end_play or end_host took out is not asked again */
	for (c.i = 0; c.i < n; c.i++)
		if (!hosts[c.i]->ended)
			t->module->control(&c, &args);
	mod_args_release(&args);
	if (c.flush)
		flush_handlers(r, hosts, n);
}

/* One file (or role) an include loads, and the hosts that load it. */
struct include_group {
	struct value		*target;	/* name, vars, label */
	struct host_state	**hosts;
	size_t			 n;
	struct task		*block;		/* what was loaded */
};

/*
 * include_tasks / include_role: each host says what it includes; hosts
 * that include the same file with the same loop variables run it
 * together, in the order the files were first named, as Ansible does.
 * What is loaded lives until the end of the run.
 */
static void
run_include(struct run *r, const struct task *t, const struct frame *fr,
    struct host_state **hosts, size_t n)
{
	struct include_group	*g = NULL;
	size_t			 ng = 0, j;
	struct value		*targets, *tg, *res;
	struct buf		 b = BUF_INIT;
	char			*cause = NULL, *path = NULL;

	print_task_header(t, fr);
	for (size_t i = 0; i < n; i++) {
		targets = task_include_targets(r, hosts[i], t, fr);
		for (size_t k = 0; k < targets->u.list.n; k++) {
			tg = targets->u.list.items[k];
			/* a second include of the same file by a host is a
			 * new one, after the first */
			for (j = 0; j < ng; j++)
				if (value_equal(g[j].target, tg) &&
				    (g[j].n == 0 ||
				    g[j].hosts[g[j].n - 1] != hosts[i]))
					break;
			if (j == ng) {
				g = xreallocarray(g, ng + 1, sizeof *g);
				g[ng].target = value_ref(tg);
				g[ng].hosts = xcalloc(n + 1,
				    sizeof *g[ng].hosts);
				g[ng].n = 0;
				g[ng].block = NULL;
				ng++;
			}
			g[j].hosts[g[j].n++] = hosts[i];
		}
		value_unref(targets);
	}
	for (j = 0; j < ng; j++) {
		struct value *lbl = value_dict_get(g[j].target, "label");
		int rc;

		pthread_mutex_lock(&r->load_lock);
		rc = playbook_load_include(r->pb, r->play, t,
		    value_dict_get(g[j].target, "name")->u.str.s,
		    value_dict_get(g[j].target, "vars"), &g[j].block, &path,
		    &cause);
		if (rc == 0) {
			r->included = xreallocarray(r->included,
			    r->nincluded + 1, sizeof *r->included);
			r->included[r->nincluded++] = g[j].block;
		}
		pthread_mutex_unlock(&r->load_lock);
		if (rc != 0) {
			/* as Ansible: not ignored, the hosts are out */
			res = value_dict();
			value_dict_setbool(res, "failed", 1);
			value_dict_setstr(res, "reason", cause);
			for (size_t i = 0; i < g[j].n; i++) {
				output_result(g[j].hosts[i]->name, NULL,
				    OUT_FAILED, res, NULL, 0, 0, 0);
				executor_count_result(r, g[j].hosts[i],
				    OUT_FAILED, 0);
				g[j].hosts[i]->failed = 1;
			}
			r->any_failed = 1;
			value_unref(res);
			free(cause);
			cause = NULL;
			g[j].block = NULL;
			continue;
		}
		/* include_role says nothing and counts nothing, as Ansible */
		if (!t->include_role) {
			buf_reset(&b);
			for (size_t i = 0; i < g[j].n; i++) {
				buf_addf(&b, "%s%s", i ? ", " : "",
				    g[j].hosts[i]->name);
				executor_count_result(r, g[j].hosts[i], OUT_OK,
				    0);
			}
			if (lbl != NULL)
				output_msg("included: %s for %s => (item=%s)",
				    path, buf_cstr(&b), lbl->u.str.s);
			else
				output_msg("included: %s for %s", path,
				    buf_cstr(&b));
		}
		free(path);
		path = NULL;
	}
	for (j = 0; j < ng; j++) {
		struct host_state **alive = xcalloc(g[j].n + 1, sizeof *alive);
		size_t k = alive_hosts(g[j].hosts, g[j].n, alive);

		if (g[j].block != NULL && k > 0)
			run_block(r, g[j].block, fr, alive, k);
		free(alive);
		value_unref(g[j].target);
		free(g[j].hosts);
	}
	free(g);
	buf_release(&b);
}

/*
 * --start-at-task: tasks before the first that matches are passed over
 * (tags or not); --step: the user says whether each task runs (t NULL:
 * the facts gathering).
 */
static int
task_gate(struct run *r, const struct task *t, int before_tags)
{
	int	 go = 1;
	char	*name;

	pthread_mutex_lock(&r->load_lock);
	if (before_tags) {
		if (r->opts->start_at_task != NULL && !r->start_at_done) {
			if (playbook_task_matches(t, r->opts->start_at_task))
				r->start_at_done = 1;
			else
				go = 0;
		}
	} else if (r->opts->step != NULL && !r->step_off) {
		name = t != NULL ? playbook_task_full_name(t) :
		    xstrdup("Gathering Facts");
		switch (r->step_eof ? -1 : r->opts->step(name)) {
		case -1:
			/* Ansible's prompt raises: the run stops, status 2 */
			r->step_eof = 1;
			/* FALLTHROUGH */
		case 0:
			go = 0;
			break;
		case 2:
			r->step_off = 1;
			break;
		}
		free(name);
	}
	pthread_mutex_unlock(&r->load_lock);
	return go;
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
		if (!task_gate(r, t, 1) || !tags_match(r, t) ||
		    !task_gate(r, t, 0))
			continue;
		if (t->kind == TASK_INCLUDE) {
			run_include(r, t, fr, alive, k);
			stop_on_failures(r, t, alive, k);
			continue;
		}
		if (t->module->control != NULL) {
			run_control(r, t, fr, alive, k);
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
			shared =
			    task_exec_with_retries(&ts, t, fr, &unreachable);
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

	for (size_t h = 0;; h++) {
		struct task *t;
		size_t k = 0;

		/* an included role may add handlers while they run */
		pthread_mutex_lock(&r->load_lock);
		t = h < p->nhandlers ? p->handlers[h] : NULL;
		pthread_mutex_unlock(&r->load_lock);
		if (t == NULL)
			break;

		for (size_t i = 0; i < n; i++) {
			struct value *nl = hosts[i]->notified;
			int hit = 0;

			if (hosts[i]->unreachable ||
			    (hosts[i]->failed && !r->play->force_handlers &&
			    !r->opts->force_handlers))
				continue;
			for (size_t j = 0; j < nl->u.list.n && !hit; j++) {
				const char *name = nl->u.list.items[j]->u.str.s;

				hit = t->name != NULL &&
				    strcmp(t->name, name) == 0;
				for (size_t l = 0; t->listen != NULL &&
				    l < t->listen->u.list.n && !hit; l++)
					hit = strcmp(name, t->listen->u.list.
					    items[l]->u.str.s) == 0;
			}
			if (hit)
				notified[k++] = hosts[i];
		}
		/* with force_handlers, failed hosts are among them */
		if (k > 0)
			run_tasks_with_failed(r, &t, 1, &fr, notified, k);
	}
	for (size_t i = 0; i < n; i++) {
		value_unref(hosts[i]->notified);
		hosts[i]->notified = value_list();
	}
	free(notified);
}

/* A host whose facts could not be gathered: out of the run, reported. */
static void
gather_failed(struct run *r, struct host_state *hs, int unreachable,
    const char *cause)
{
	struct value	*res = task_fail_result("%s", cause);
	enum out_status	 st = unreachable ? OUT_UNREACHABLE : OUT_FAILED;

	if (unreachable) {
		value_dict_del(res, "failed");
		value_dict_setbool(res, "unreachable", 1);
		hs->unreachable = 1;
		r->any_unreachable = 1;
	} else {
		hs->failed = 1;
		r->any_failed = 1;
	}
	output_result(hs->name, NULL, st, res, NULL, 0, 0, 0);
	executor_count_result(r, hs, st, 0);
	value_unref(res);
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
	struct facts_opts	 fo = { 0 };
	struct value		*facts, *spec = r->play->gather_subset;
	char			*cause = NULL, *cmd, *tmo;
	int			 rc, cached;

	task_scope_init(&ts, r, hs, NULL, &dummy);
	executor_conn_settings(&ts, &dummy, NULL, &cs);
	if (facts_subsets(spec, &fo.subsets, &cause) != 0) {
		gather_failed(r, hs, 0, cause);
		free(cause);
		goto out;
	}
	/* Facts this run already gathered are reused until clear_facts. */
	pthread_mutex_lock(&r->lock);
	cached = facts_cached(hs->facts, fo.subsets);
	pthread_mutex_unlock(&r->lock);
	if (cached)
		goto ok;
	tmo = task_eval_string(&ts, r->play->gather_timeout);
	fo.timeout = tmo != NULL ? atoi(tmo) : 0;
	free(tmo);
	if ((rc = executor_host_connect(hs, &cs, &cause)) != 0) {
		if (rc != ERR_INVALID)
			rc = ERR_UNREACHABLE;
	} else {
		executor_become_settings(&ts, &dummy, NULL, &bs);
		cmd = facts_command(&fo);
		rc = conn_exec(hs->conn, bs.on ? &bs.b : NULL,
		    cmd, NULL, 0, 0, &er, &cause);
		free(cmd);
		executor_become_settings_release(&bs);
	}
	if (rc != 0) {
		gather_failed(r, hs, rc == ERR_UNREACHABLE, cause);
		free(cause);
		goto out;
	}
	facts = facts_result(buf_cstr(&er.out), fo.subsets, spec, NULL);
	task_mark_unsafe(facts);
	pthread_mutex_lock(&r->lock);
	facts_merge(hs->facts, &hs->fact_vars, facts);
	pthread_mutex_unlock(&r->lock);
	value_unref(facts);
ok:
	output_result(hs->name, NULL, OUT_OK, NULL, NULL, 0, 0, 0);
	executor_count_result(r, hs, OUT_OK, 0);
out:
	exec_result_release(&er);
	executor_conn_settings_release(&cs);
	task_scope_release(&ts);
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
			name = task_eval_string(&ts, f);
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

static int
list_match(void *arg, const struct task *t)
{
	return tags_match(arg, t);
}

/* --list-hosts/--list-tasks/--list-tags: playbook-list.c's text. */
static void
list_play(struct run *r, struct play *p, struct host_state **hosts, size_t n)
{
	struct playbook_list_opts	 lo = { r->opts->list_hosts,
					    r->opts->list_tasks,
					    r->opts->list_tags, list_match, r };
	const char			**names;
	char				 *text;

	names = xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = hosts[i]->name;
	text = playbook_list_play(r->pb, p, names, n, &lo);
	output_msg("%s", text);
	free(text);
	free(names);
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
	char			*cause = NULL, *pattern, *path;
	struct task_scope	 ts;
	int			 gather, rc;

	if (r->step_eof)
		return EXIT_HOST_FAILED;
	r->play = p;
	r->step_off = 0;	/* "continue" lasts the play, as Ansible's */
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
			hosts[n++] = executor_state_of(r, ih[i]);
	}
	free(ih);
	free(lim);
	if (r->opts->list_hosts || r->opts->list_tasks || r->opts->list_tags) {
		list_play(r, p, hosts, n);
		free(hosts);
		return 0;
	}
	play_header(p);
	/* a play before the one --start-at-task names runs nothing */
	if (r->opts->start_at_task != NULL && !r->start_at_done &&
	    !playbook_play_has_task(p, r->opts->start_at_task)) {
		free(hosts);
		return 0;
	}
	if (n == 0) {
		output_no_hosts();
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
		gather = task_eval_bool(&ts, p->gather_facts.v,
		    r->opts->gather_facts);
		task_scope_release(&ts);
		if (bsz < n - done || done > 0)
			if (bn > 0)
				play_header(p);
		r->active = hosts + done;
		r->nactive = bsz;
		struct host_state **batch = xcalloc(bsz + 1, sizeof *batch);
		size_t k = alive_hosts(hosts + done, bsz, batch);
		if (gather && k > 0 && (r->opts->tags == NULL ||
		    tags_match(r, &(struct task){ .tags = NULL }) || 1) &&
		    task_gate(r, NULL, 0)) {
			output_task("TASK", "Gathering Facts");
			path = report_path(&p->loc);
			output_task_detail(path, "gather_facts", NULL, 0);
			free(path);
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

/*
 * --limit must leave some host, as Ansible checks it before any play: each
 * part that matches nothing is a warning, no host at all an error.
 */
static int
limit_check(struct run *r)
{
	struct inv_host	**m = NULL;
	size_t		  n = 0;
	char		 *dup, *part, *save = NULL, *cause = NULL;

	if (r->opts->limit == NULL)
		return EXIT_OK;
	dup = xstrdup(r->opts->limit);
	for (part = strtok_r(dup, ",", &save); part != NULL;
	    part = strtok_r(NULL, ",", &save)) {
		if (*part == '\0')
			continue;
		if (inventory_match(r->inv, part, &m, &n, &cause) != 0) {
			free(cause);
			cause = NULL;
			n = 0;
		}
		free(m);
		m = NULL;
		if (n == 0)
			output_warning("Could not match supplied host pattern, "
			    "ignoring: %s", part);
	}
	free(dup);
	if (inventory_match(r->inv, r->opts->limit, &m, &n, &cause) != 0) {
		output_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	free(m);
	if (n == 0) {
		output_error("Specified inventory, host pattern and/or --limit "
		    "leaves us with no hosts to target.");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int
retry_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * DIR/NAME.retry: the hosts that failed or were unreachable, sorted, one a
 * line, for "--limit @FILE", as ansible-playbook writes it.
 */
static void
write_retry_file(struct run *r, const char *playbook)
{
	const char	**names = xcalloc(r->nhosts + 1, sizeof *names);
	size_t		  n = 0;
	char		 *dup = xstrdup(playbook), *dir, *base, *dot, *path;
	char		 *pdup = xstrdup(playbook), *real = NULL;
	FILE		 *f;

	for (size_t i = 0; i < r->nhosts; i++)
		if (r->hosts[i].st.failed > 0 || r->hosts[i].st.unreachable > 0)
			names[n++] = r->hosts[i].name;
	if (n == 0)
		goto out;
	qsort(names, n, sizeof *names, retry_name_cmp);
	base = basename(dup);
	if ((dot = strrchr(base, '.')) != NULL && dot != base)
		*dot = '\0';
	dir = r->opts->retry_dir != NULL ? (char *)r->opts->retry_dir :
	    dirname(pdup);
	/* Absolute, as Ansible prints it, so the hint works from anywhere. */
	if ((real = realpath(dir, NULL)) != NULL)
		dir = real;
	path = xasprintf("%s/%s.retry", dir, base);
	if ((f = fopen(path, "w")) == NULL) {
		output_warning("Could not create retry file '%s'.\n\t%s", path,
		    strerror(errno));
	} else {
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s\n", names[i]);
		if (fclose(f) != 0)
			output_warning("Could not create retry file '%s'.\n\t%s",
			    path, strerror(errno));
		else
			output_msg("\tto retry, use: --limit @%s", path);
	}
	free(path);
out:
	free(real);
	free(names);
	free(dup);
	free(pdup);
}

/* The recap lists hosts by name, as Ansible sorts them. */
static void
sort_recap(const char **names, struct host_stats *stats, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		const char		*name = names[i];
		struct host_stats	 st = stats[i];
		size_t			 j = i;

		for (; j > 0 && strcmp(names[j - 1], name) > 0; j--) {
			names[j] = names[j - 1];
			stats[j] = stats[j - 1];
		}
		names[j] = name;
		stats[j] = st;
	}
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
	pthread_mutex_init(&r.load_lock, NULL);
	pthread_cond_init(&r.work_cond, NULL);
	pthread_cond_init(&r.done_cond, NULL);
	pool_start(&r);
	if ((rc = limit_check(&r)) != EXIT_OK) {
		pool_stop(&r);
		goto out;
	}
	for (size_t i = 0; i < npbs && rc == EXIT_OK; i++) {
		r.pb = pbs[i];
		output_playbook(pbs[i]->path, pbs[i]->nplays);
		if (opts->list_hosts || opts->list_tasks || opts->list_tags)
			output_msg("\nplaybook: %s", pbs[i]->path);
		for (size_t j = 0; j < pbs[i]->nplays; j++) {
			if ((prc = run_play(&r, pbs[i]->plays[j])) != 0) {
				rc = prc;
				break;
			}
		}
	}
	pool_stop(&r);
	if (r.step_eof && rc == EXIT_OK)
		rc = EXIT_HOST_FAILED;
	if (conn_interrupted()) {
		/* Ansible's words; the recap still says what was done. */
		output_display_error("User interrupted execution");
		rc = conn_interrupted() == SIGINT ? EXIT_INTERRUPTED :
		    128 + conn_interrupted();
	}
	if (!opts->list_hosts && !opts->list_tasks && !opts->list_tags &&
	    opts->retry_files)
		for (size_t i = 0; i < npbs; i++)
			write_retry_file(&r, pbs[i]->path);
	if (!opts->list_hosts && !opts->list_tasks && !opts->list_tags) {
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
		sort_recap(names, stats, nstats);
		output_recap(names, stats, nstats);
		free(names);
		free(stats);
		if (opts->start_at_task != NULL && !r.start_at_done) {
			char *msg = playbook_start_at_missed(
			    opts->start_at_task);

			output_display_error("%s", msg);
			free(msg);
		}
	}
out:
	if (rc == EXIT_OK && r.any_unreachable)
		rc = EXIT_UNREACHABLE;
	else if (rc == EXIT_OK && r.any_failed)
		rc = EXIT_HOST_FAILED;
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
		value_unref(hs->fact_vars);
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
		value_unref(r.localhost->fact_vars);
		value_unref(r.localhost->hvars);
		value_unref(r.localhost->notified);
		free(r.localhost);
	}
	free(r.hosts);
	for (size_t i = 0; i < r.nincluded; i++)
		playbook_task_free(r.included[i]);
	free(r.included);
	value_unref(r.groups_var);
	value_unref(r.play_vars_files);
	return rc;
}
