/*
 * The bottom of the executor: the per-host state of the run (the state
 * of a host, its counters) and the variables a task sees (task_scope_*,
 * task_eval_*).  The layers call downward only: executor.c (plays,
 * strategies, handlers) -> executor-task.c (one task on one host) ->
 * executor-conn.c (connection and become settings) -> this file; nothing
 * here calls back up.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "executor-internal.h"
#include "output.h"
#include "vars.h"

struct host_state *
executor_state_of(struct run *r, struct inv_host *ih)
{
	struct host_state	*hs;

	for (size_t i = 0; i < r->nhosts; i++)
		if (r->hosts[i].ih == ih)
			return &r->hosts[i];
	/* the implicit localhost, made once (delegate_to may race for it) */
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->nadded; i++)
		if (r->added[i]->ih == ih) {
			hs = r->added[i];
			pthread_mutex_unlock(&r->lock);
			return hs;
		}
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

void
executor_count_result(struct run *r, struct host_state *hs, enum out_status st,
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
		/*
		 * As Ansible: an ignored failure also counts as ok, and as
		 * changed when its result says it changed something.
		 */
		if (ignored & COUNT_IGNORED) {
			hs->st.ok++;
			hs->st.ignored++;
			if (ignored & COUNT_CHANGED)
				hs->st.changed++;
		} else
			hs->st.failed++;
		break;
	case OUT_UNREACHABLE:
		hs->st.unreachable++;
		break;
	}
	pthread_mutex_unlock(&r->lock);
}

static struct value *
hostvars_of(struct run *r, struct host_state *hs)
{
	struct value	*d;

	/* add_host and group_by change inv_vars under the lock */
	pthread_mutex_lock(&r->lock);
	d = value_copy(hs->inv_vars);
	for (size_t i = 0; i < hs->facts->u.dict.n; i++) {
		char *k = xasprintf("ansible_%s", hs->facts->u.dict.keys[i]);

		value_dict_set(d, k, value_ref(hs->facts->u.dict.vals[i]));
		free(k);
	}
	if (hs->facts->u.dict.n)
		value_dict_set(d, "ansible_facts", value_copy(hs->facts));
	value_dict_merge(d, hs->hvars, 0);
	value_dict_set(d, "group_names",
	    inventory_group_names(r->inv, hs->ih));
	pthread_mutex_unlock(&r->lock);
	value_dict_setstr(d, "inventory_hostname", hs->name);
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
	if (strcmp(name, "group_names") == 0) {
		/* a delegate outside the inventory is in no group */
		if (ts->hs->ih == NULL)
			return value_list();
		pthread_mutex_lock(&r->lock);
		d = inventory_group_names(r->inv, ts->hs->ih);
		pthread_mutex_unlock(&r->lock);
		return d;
	}
	if (strcmp(name, "groups") == 0) {
		pthread_mutex_lock(&r->lock);
		d = value_ref(r->groups_var);
		pthread_mutex_unlock(&r->lock);
		return d;
	}
	if (strcmp(name, "hostvars") == 0) {
		struct host_state **added;
		size_t nadded;

		d = value_dict();
		for (size_t i = 0; i < r->nhosts; i++)
			value_dict_set(d, r->hosts[i].name,
			    hostvars_of(r, &r->hosts[i]));
		pthread_mutex_lock(&r->lock);
		nadded = r->nadded;
		added = xcalloc(nadded + 1, sizeof *added);
		if (nadded > 0)
			memcpy(added, r->added, nadded * sizeof *added);
		pthread_mutex_unlock(&r->lock);
		for (size_t i = 0; i < nadded; i++)
			value_dict_set(d, added[i]->name,
			    hostvars_of(r, added[i]));
		free(added);
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
		return value_str(
		    r->play->name ? r->play->name : r->play->hosts);
	if (strcmp(name, "ansible_play_role_names") == 0 ||
	    strcmp(name, "ansible_role_names") == 0) {
		/* the play's roles; ansible_role_names with dependencies */
		int deps = strcmp(name, "ansible_role_names") == 0;

		d = value_list();
		/* include_role may add roles meanwhile */
		pthread_mutex_lock(&r->load_lock);
		/* the play's own roles first, then their dependencies */
		for (int pass = 0; pass < 1 + deps; pass++)
			for (size_t i = 0; i < r->play->nroles; i++) {
				struct role *ro = r->play->roles[i];
				struct value *nv = value_str(ro->name);
				int seen = 0;

				for (size_t j = 0; j < d->u.list.n && !seen;
				    j++)
					seen = value_equal(d->u.list.items[j],
					    nv);
				if (!seen && ro->dependency == pass)
					value_list_append(d, nv);
				else
					value_unref(nv);
			}
		pthread_mutex_unlock(&r->load_lock);
		return d;
	}
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

void
task_scope_init(struct task_scope *ts, struct run *r, struct host_state *hs,
    const struct frame *fr, const struct task *t)
{
	const struct frame	*f;
	size_t			 n = 0;

	memset(ts, 0, sizeof *ts);
	ts->run = r;
	ts->hs = hs;
	scope_init(&ts->s, hs->facts, magic_var, ts);
	ts->s.bare_facts = hs->fact_vars;
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

void
task_scope_release(struct task_scope *ts)
{
	value_unref(ts->loop_layer);
	value_unref(ts->result_layer);
}

/* A variable as a string (templated), malloc'd, or NULL when undefined. */
char *
task_scope_string(struct task_scope *ts, const char *name)
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
int
task_eval_bool(struct task_scope *ts, struct value *v, int def)
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

char *
task_eval_string(struct task_scope *ts, struct value *v)
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

struct value *
task_fail_result(const char *fmt, ...)
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
int
task_eval_conditions(struct task_scope *ts, struct value *conds, int *out,
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

/* Results came from hosts: their strings are data, never templates. */
void
task_mark_unsafe(struct value *v)
{
	switch (v->type) {
	case V_STR:
		v->flags |= VALUE_UNSAFE;
		break;
	case V_LIST:
		for (size_t i = 0; i < v->u.list.n; i++)
			task_mark_unsafe(v->u.list.items[i]);
		break;
	case V_DICT:
		for (size_t i = 0; i < v->u.dict.n; i++)
			task_mark_unsafe(v->u.dict.vals[i]);
		break;
	default:
		break;
	}
}
