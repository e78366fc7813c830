/*
 * One task on one host: conditions, module run, loops, results.  Calls
 * executor-conn.c and executor-scope.c, never executor.c.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor-internal.h"
#include "facts.h"
#include "loop.h"
#include "host.h"
#include "output.h"
#include "vars.h"

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
	    (task_eval_conditions(ts, t->role->when, ok, cause) != 0 || !*ok))
		return *ok ? -1 : 0;
	for (f = fr; f != NULL; f = f->parent) {
		if (f->block == NULL || f->block->when == NULL)
			continue;
		if (task_eval_conditions(ts, f->block->when, ok, cause) != 0)
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

		if (strspn(k,
		        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		        "0123456789_") != strlen(k) ||
		    (k[0] >= '0' && k[0] <= '9') || k[0] == '\0') {
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

/*
 * module_defaults (play, role, enclosing blocks, task) under args, which
 * win: the merge point; the rules are playbook.c's.  0, or -1 and *cause.
 */
static int
task_module_defaults(struct task_scope *ts, const struct task *t,
    const struct frame *fr, struct value *args, char **cause)
{
	struct value		*layers[66], *all, *out = NULL, *pick;
	const struct frame	*chain[64], *f;
	size_t			 n = 0, nl = 0;

	for (f = fr; f != NULL && n < ARRAY_SIZE(chain); f = f->parent)
		chain[n++] = f;
	layers[nl++] = ts->run->play->module_defaults;
	layers[nl++] = t->role != NULL ? t->role->module_defaults : NULL;
	while (n-- > 0)
		layers[nl++] = chain[n]->block != NULL ?
		    chain[n]->block->module_defaults : NULL;
	layers[nl++] = t->module_defaults;
	all = playbook_module_defaults_merge(layers, nl);
	if (all->u.dict.n == 0) {
		value_unref(all);
		return 0;
	}
	/* the keys are static, the values may be templates */
	if (template_value(all, &ts->s.es, &out, cause) != 0) {
		value_unref(all);
		return -1;
	}
	value_unref(all);
	pick = playbook_module_defaults_pick(t, out);
	value_unref(out);
	for (size_t i = 0; i < pick->u.dict.n; i++)
		if (value_dict_get(args, pick->u.dict.keys[i]) == NULL)
			value_dict_set(args, pick->u.dict.keys[i],
			    value_ref(pick->u.dict.vals[i]));
	value_unref(pick);
	return 0;
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
	char			*cause = NULL, *env_prefix = NULL;
	char			*delegate = NULL;
	int			 check, diff, rc;

	if (m == &playbook_missing_module)
		return task_fail_result("%s: not available in cairn (Ansible "
		    "has this module, cairn does not yet)", t->action);
	if (template_value(t->args, &ts->s.es, &args, &cause) != 0) {
		v = task_fail_result("%s", cause);
		free(cause);
		return v;
	}
	if (args->type != V_DICT) {
		value_unref(args);
		return task_fail_result(
		    "the arguments of '%s' must be a mapping", t->action);
	}
	if (args->refs > 1) {
		v = value_copy(args);
		value_unref(args);
		args = v;
	}
	if (task_module_defaults(ts, t, fr, args, &cause) != 0) {
		value_unref(args);
		v = task_fail_result("%s", cause);
		free(cause);
		return v;
	}
	drop_omitted(args);
	if (module_prepare_args(m, args, 0, &margs, &cause) != 0) {
		value_unref(args);
		v = task_fail_result("%s", cause);
		free(cause);
		return v;
	}
	value_unref(args);
	INHERIT_BOOL(t, fr, r->play, check_mode, v);
	check = task_eval_bool(ts, v, r->opts->check);
	INHERIT_BOOL(t, fr, r->play, diff, v);
	diff = task_eval_bool(ts, v, r->opts->diff);
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
	memset(&cs, 0, sizeof cs);
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
		v = task_fail_result("%s", cause);
		free(cause);
		return v;
	}
	ctx.env_prefix = env_prefix;
	ctx.command_timeout = t->timeout;
	if (!(m->flags & MOD_LOCAL)) {
		const struct value *dt = t->delegate_to;

		/* delegate_to on a block or an import covers its tasks */
		for (const struct frame *f = fr; dt == NULL && f != NULL;
		    f = f->parent)
			if (f->block != NULL)
				dt = f->block->delegate_to;
		if (dt != NULL)
			delegate = task_eval_string(ts, (struct value *)dt);
		if (delegate != NULL)
			rc = executor_delegate_connect(
			    ts, t, fr, delegate, &ctx.conn, &cause);
		else {
			executor_conn_settings(ts, t, fr, &cs);
			rc = executor_host_connect(hs, &cs, &cause);
			ctx.conn = hs->conn;
			/* kept for ctx_reconnect until the module returns */
			ctx.conn_slot = &hs->conn;
			ctx.conn_opts = &cs.co;
		}
		if (rc != 0) {
			executor_conn_settings_release(&cs);
			mod_args_release(&margs);
			v = task_fail_result("%s", cause);
			if (rc != ERR_INVALID) {
				*unreachable = 1;
				value_dict_setbool(v, "unreachable", 1);
				value_dict_del(v, "failed");
			}
			free(cause);
			free(env_prefix);
			free(delegate);
			return v;
		}
		executor_become_settings(ts, t, fr, &bs);
		ctx.become = bs.on ? &bs.b : NULL;
	}
	res.v = value_dict();
	st = m->run(&ctx, &margs, &res);
	executor_conn_settings_release(&cs);
	free(env_prefix);
	if (delegate != NULL)
		value_dict_set(res.v, "_ansible_delegated_to",
		    value_str_take(delegate));
	executor_become_settings_release(&bs);
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
		if (task_eval_conditions(ts, t->changed_when, &b, &cause) !=
		    0) {
			value_dict_set(res, "msg", value_strf("error in "
			    "changed_when: %s", cause));
			value_dict_setbool(res, "failed", 1);
			free(cause);
			return;
		}
		value_dict_setbool(res, "changed", b);
	}
	if (t->failed_when != NULL && !result_flag(res, "skipped")) {
		if (task_eval_conditions(ts, t->failed_when, &b, &cause) != 0) {
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
struct value *
task_exec_with_retries(struct task_scope *ts, const struct task *t,
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
		if (task_eval_conditions(ts, t->until, &ok, &cause) != 0) {
			value_unref(res);
			res = task_fail_result("error in until: %s", cause);
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
		    ts->hs->name, task_display_name(t),
		    t->retries - attempt + 1);
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
	return task_eval_bool(ts, v, 0);
}

static int
task_ignore_errors(struct task_scope *ts, const struct task *t,
    const struct frame *fr)
{
	struct value	*v;

	INHERIT_BOOL(t, fr, ts->run->play, ignore_errors, v);
	return task_eval_bool(ts, v, 0);
}

static char *
item_label(struct task_scope *ts, const struct task *t, struct value *item)
{
	char	*s;

	if (t->loop_label != NULL && (s = task_eval_string(ts, t->loop_label)))
		return s;
	return value_to_string(item);
}

/* The loop's items, templated; NULL with *cause on error. */
static struct value *
loop_items(struct task_scope *ts, const struct task *t, char **cause)
{
	struct value	*items = NULL, *flat;
	char		*shown;

	if (template_value(t->loop, &ts->s.es, &items, cause) != 0)
		return NULL;
	if (t->loop_kind != NULL) {
		flat = loop_expand(t->loop_kind, items, ts->run->pb->dir,
		    cause);
		value_unref(items);
		return flat;
	}
	if (items->type == V_STR && t->loop_flatten) {
		flat = value_list();
		value_list_append(flat, items);
		return flat;
	}
	if (items->type != V_LIST) {
		shown = value_to_string(items);
		*cause = xasprintf("Invalid data passed to 'loop', it "
		    "requires a list, got this instead: %s", shown);
		free(shown);
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

/* A result's ansible_facts go to the host's facts, or its variables. */
static void
merge_result_facts(const struct task *t, struct host_state *hs,
    struct value *res)
{
	struct value	*facts;

	if (res == NULL || res->type != V_DICT ||
	    (facts = value_dict_get(res, "ansible_facts")) == NULL ||
	    facts->type != V_DICT || result_flag(res, "failed"))
		return;
	if (t->module->flags & MOD_FACTS_ARE_VARS)
		value_dict_merge(hs->hvars, facts, 0);
	else {
		/* data from the host, never a template */
		task_mark_unsafe(facts);
		facts_merge(hs->facts, &hs->fact_vars, facts);
	}
}

/*
 * What register keeps has Ansible's shape, which the output does not show:
 * "failed": false on a result that ran (not a skipped one), on each loop
 * item too, and "skipped": false on a loop's summary.
 */
static void
register_shape(struct value *v, int loop)
{
	struct value	*items;

	if (v == NULL || v->type != V_DICT)
		return;
	items = value_dict_get(v, "results");
	if (loop && items != NULL && items->type == V_LIST) {
		if (value_dict_get(v, "skipped") == NULL)
			value_dict_setbool(v, "skipped", 0);
		for (size_t i = 0; i < items->u.list.n; i++)
			register_shape(items->u.list.items[i], 0);
		return;
	}
	if (value_dict_get(v, "failed") == NULL &&
	    !result_flag(v, "skipped"))
		value_dict_setbool(v, "failed", 0);
}

static void
record_result(struct task_scope *ts, const struct task *t,
    struct value *res)
{
	struct run		*r = ts->run;
	struct host_state	*hs = ts->hs;
	struct value		*items;

	if (t->register_name != NULL) {
		struct value *safe = value_copy(res);

		register_shape(safe, t->loop != NULL);
		task_mark_unsafe(safe);
		pthread_mutex_lock(&r->lock);
		value_dict_set(hs->hvars, t->register_name, safe);
		pthread_mutex_unlock(&r->lock);
	}
	pthread_mutex_lock(&r->lock);
	merge_result_facts(t, hs, res);
	/* A loop's facts are its items', in order (set_fact in a loop). */
	items = value_dict_get(res, "results");
	for (size_t i = 0; t->loop != NULL && items != NULL &&
	    items->type == V_LIST && i < items->u.list.n; i++)
		merge_result_facts(t, hs, items->u.list.items[i]);
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

/* A when that cannot be evaluated, with Ansible's message. */
static struct value *
condition_error(const struct task *t, const char *cause)
{
	const struct value	*c = t->when->u.list.items[0];
	const char		*text = c->type == V_STR ? c->u.str.s : "";

	return task_fail_result("The conditional check '%s' failed. "
	    "The error was: error while evaluating conditional (%s): %s",
	    text, text, cause);
}

/* Runs a module task on one host, loops and all, and reports it. */
void
task_run_on_host(struct run *r, struct host_state *hs, const struct task *t,
    const struct frame *fr, struct value *shared_result)
{
	struct task_scope	 ts;
	struct value		*res = NULL, *items = NULL, *results, *ir;
	char			*cause = NULL, *label;
	int			 ok, unreachable = 0, no_log, ignore;
	int			 any_changed, any_failed, all_skipped;
	int			 loop_aborted = 0;
	enum out_status		 st;

	task_scope_init(&ts, r, hs, fr, t);
	no_log = task_no_log(&ts, t, fr);
	ignore = task_ignore_errors(&ts, t, fr);
	if (shared_result != NULL) {
		res = value_ref(shared_result);
		goto report;
	}
	if (eval_inherited_conditions(&ts, t, fr, &ok, &cause) != 0) {
		res =
		    task_fail_result("The conditional check failed: %s", cause);
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
		if (task_eval_conditions(&ts, t->when, &ok, &cause) != 0) {
			res = condition_error(t, cause);
			free(cause);
		} else if (!ok) {
			res = value_dict();
			value_dict_setbool(res, "changed", 0);
			value_dict_setbool(res, "skipped", 1);
			value_dict_setstr(res, "skip_reason",
			    "Conditional result was False");
		} else
			res = task_exec_with_retries(&ts, t, fr, &unreachable);
		goto report;
	}
	if ((items = loop_items(&ts, t, &cause)) == NULL) {
		/* No items to show: the failure is the task's, shown as such. */
		res = task_fail_result("%s", cause);
		free(cause);
		loop_aborted = 1;
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
		if (task_eval_conditions(&ts, t->when, &ok, &cause) != 0) {
			/*
			 * As Ansible: the task fails as a whole at the first
			 * item whose condition cannot be evaluated.
			 */
			value_unref(results);
			res = condition_error(t, cause);
			free(cause);
			loop_aborted = 1;
			goto report;
		} else if (!ok) {
			ir = value_dict();
			value_dict_setbool(ir, "changed", 0);
			value_dict_setbool(ir, "skipped", 1);
			value_dict_setstr(ir, "skip_reason",
			    "Conditional result was False");
		} else
			ir = task_exec_with_retries(&ts, t, fr, &unreachable);
		value_dict_set(ir, t->loop_var, value_ref(item));
		value_dict_setstr(ir, "ansible_loop_var", t->loop_var);
		if (t->index_var != NULL) {
			value_dict_setint(ir, t->index_var, (long long)i);
			value_dict_setstr(ir, "ansible_index_var",
			    t->index_var);
		}
		st = status_of(ir);
		any_changed |= st == OUT_CHANGED;
		any_failed |= st == OUT_FAILED;
		all_skipped &= st == OUT_SKIPPED;
		label = item_label(&ts, t, item);
		if (st != OUT_UNREACHABLE)
			output_result(hs->name, delegated_to(ir), st, ir,
			    label, 0, no_log,
			    (t->module->flags & MOD_SHOWS_RESULT) != 0);
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
	/* Cut short by an interrupt: neither shown nor counted. */
	if (conn_interrupted()) {
		value_unref(items);
		value_unref(res);
		task_scope_release(&ts);
		return;
	}
	st = status_of(res);
	if (st != OUT_UNREACHABLE && (t->loop == NULL || loop_aborted ||
	    st == OUT_SKIPPED || shared_result != NULL))
		output_result(hs->name, delegated_to(res), st, res, NULL,
		    st == OUT_FAILED && ignore, no_log,
		    (t->module->flags & MOD_SHOWS_RESULT) != 0);
	else {
		output_loop_result(hs->name, st, res, st == OUT_FAILED &&
		    ignore, no_log, (t->module->flags & MOD_SHOWS_RESULT) != 0);
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
	executor_count_result(r, hs, st, (ignore ? COUNT_IGNORED : 0) |
	    (result_flag(res, "changed") ? COUNT_CHANGED : 0));
	if (st != OUT_UNREACHABLE)
		record_result(&ts, t, res);
	if (st == OUT_CHANGED)
		notify_handlers(r, hs, t);
	value_unref(items);
	value_unref(res);
	task_scope_release(&ts);
}

/* An include's file or role name, templated for this host. */
static char *
include_name(struct task_scope *ts, const struct task *t, char **cause)
{
	struct value	*out = NULL;
	char		*s;

	if (template_value(t->include_name, &ts->s.es, &out, cause) != 0)
		return NULL;
	s = value_to_string(out);
	value_unref(out);
	return s;
}

/* Reports and counts a skip or failure of an include on hs. */
static void
include_report(struct task_scope *ts, const struct task *t,
    const struct frame *fr, struct value *res, const char *label)
{
	enum out_status	st = status_of(res);
	int		ignore = task_ignore_errors(ts, t, fr);

	output_result(ts->hs->name, NULL, st, res, label, st == OUT_FAILED &&
	    ignore, 0, 0);
	if (st == OUT_FAILED && !ignore) {
		ts->hs->failed = 1;
		ts->run->any_failed = 1;
	}
	executor_count_result(ts->run, ts->hs, st, ignore);
}

static struct value *
skip_result(void)
{
	struct value	*res = value_dict();

	value_dict_setbool(res, "changed", 0);
	value_dict_setbool(res, "skipped", 1);
	value_dict_setstr(res, "skip_reason", "Conditional result was False");
	return res;
}

struct value *
task_include_targets(struct run *r, struct host_state *hs,
    const struct task *t, const struct frame *fr)
{
	struct task_scope	 ts;
	struct value		*targets = value_list(), *items = NULL, *res;
	struct value		*tg;
	char			*cause = NULL, *name, *label;
	int			 ok;
	size_t			 n;

	task_scope_init(&ts, r, hs, fr, t);
	if (eval_inherited_conditions(&ts, t, fr, &ok, &cause) != 0) {
		res = task_fail_result("The conditional check failed: %s",
		    cause);
		goto report;
	}
	if (!ok) {
		res = skip_result();
		goto report;
	}
	if (t->loop != NULL && (items = loop_items(&ts, t, &cause)) == NULL) {
		res = task_fail_result("%s", cause);
		goto report;
	}
	n = items != NULL ? items->u.list.n : 1;
	for (size_t i = 0; i < n; i++) {
		struct value *item = items != NULL ? items->u.list.items[i] :
		    NULL;

		label = NULL;
		if (item != NULL) {
			value_dict_set(ts.loop_layer, t->loop_var,
			    value_ref(item));
			value_dict_setstr(ts.loop_layer, "ansible_loop_var",
			    t->loop_var);
			if (t->index_var != NULL)
				value_dict_setint(ts.loop_layer, t->index_var,
				    (long long)i);
			label = item_label(&ts, t, item);
		}
		if (task_eval_conditions(&ts, t->when, &ok, &cause) != 0) {
			res = condition_error(t, cause);
			free(label);
			goto report;
		}
		if (!ok) {
			res = skip_result();
			if (item != NULL)
				output_result(hs->name, NULL, OUT_SKIPPED, res,
				    label, 0, 0, 0);
			value_unref(res);
			free(label);
			continue;
		}
		if ((name = include_name(&ts, t, &cause)) == NULL) {
			res = task_fail_result("%s", cause);
			free(label);
			goto report;
		}
		tg = value_dict();
		value_dict_set(tg, "name", value_str_take(name));
		value_dict_set(tg, "vars", value_copy(ts.loop_layer));
		if (label != NULL)
			value_dict_set(tg, "label", value_str_take(label));
		value_list_append(targets, tg);
	}
	if (targets->u.list.n == 0 && items != NULL) {
		/* every item skipped: the include was skipped on this host */
		executor_count_result(r, hs, OUT_SKIPPED, 0);
	} else if (items == NULL && targets->u.list.n == 0) {
		res = skip_result();
		goto report;
	}
	value_unref(items);
	task_scope_release(&ts);
	return targets;
report:
	free(cause);
	include_report(&ts, t, fr, res, NULL);
	value_unref(res);
	value_unref(items);
	task_scope_release(&ts);
	return targets;
}
