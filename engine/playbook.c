/*
 * Playbook loading: YAML values to plays and tasks.  Everything a person
 * can get wrong in the file is refused here, with file:line:col, before
 * the executor contacts any host.  Roles are read in playbook-role.c.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expr.h"
#include "host.h"
#include "luamod.h"
#include "loop.h"
#include "playbook-internal.h"
#include "playbook.h"
#include "yaml.h"

static const char *const play_keywords[] = {
	"hosts", "name", "vars", "vars_files", "remote_user", "become",
	"become_user", "become_method", "connection", "gather_facts",
	"strategy", "serial", "tasks", "pre_tasks", "post_tasks", "handlers",
	"ignore_errors", "check_mode", "diff", "no_log", "tags", "environment",
	"any_errors_fatal", "force_handlers", "max_fail_percentage",
	"gather_subset", "gather_timeout", "collections", "order", "port",
	"become_flags", "become_exe", "roles", NULL
};

static const char *const task_keywords[] = {
	"name", "args", "action", "local_action", "vars", "when", "register",
	"ignore_errors", "ignore_unreachable", "become", "become_user",
	"become_method", "become_flags", "tags", "loop", "with_items",
	"with_list", "loop_control", "changed_when", "failed_when", "notify",
	"listen", "no_log", "check_mode", "diff", "environment", "until",
	"retries", "delay", "block", "rescue", "always", "run_once",
	"remote_user", "timeout", "delegate_to", "collections", "throttle",
	"any_errors_fatal", "debugger", "connection", NULL
};

/* Keys that Ansible pulls out of a free-form command line. */
static const char *const free_form_keys[] = {
	"creates", "removes", "chdir", "executable", "warn", "stdin",
	"stdin_add_newline", "strip_empty_ends", NULL
};

int
playbook_in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int
playbook_fail_at(struct loader *ld, const struct value *v, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *where;

	if (ld->cause != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	where = v != NULL && v->loc.file != NULL ? loc_format(&v->loc) :
	    xstrdup(ld->path);
	ld->cause = xasprintf("%s: %s", where, msg);
	free(where);
	free(msg);
	return -1;
}

/* An error at a mapping key (where it was written), else at its value. */
static int
fail_key(struct loader *ld, const struct value *d, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail_key(struct loader *ld, const struct value *d, const char *key,
    const char *fmt, ...)
{
	const struct loc	*kl = value_dict_keyloc(d, key);
	struct value		 at;
	va_list			 ap;
	char			*msg;
	int			 r;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (kl != NULL) {
		memset(&at, 0, sizeof at);
		at.loc = *kl;
		r = playbook_fail_at(ld, &at, "%s", msg);
	} else
		r = playbook_fail_at(ld, value_dict_get(d, key), "%s", msg);
	free(msg);
	return r;
}

static int
want_string(struct loader *ld, struct value *v, const char *what, char **out)
{
	if (v == NULL)
		return 0;
	if (v->type == V_LIST || v->type == V_DICT || v->type == V_NULL)
		return playbook_fail_at(ld, v, "'%s' must be a string", what);
	*out = value_to_string(v);
	return 0;
}

static int
want_bool(struct loader *ld, struct value *v, const char *what,
    struct opt_bool *out)
{
	if (v == NULL)
		return 0;
	if (value_is_template(v) || value_as_bool(v) != -1) {
		out->set = 1;
		out->v = value_is_template(v) ? value_ref(v) :
		    value_bool(value_as_bool(v));
		return 0;
	}
	return playbook_fail_at(ld, v, "'%s' must be a boolean, not '%s'", what,
	    v->type == V_STR ? v->u.str.s : value_type_name(v->type));
}

static int
want_int(struct loader *ld, struct value *v, const char *what, int *out)
{
	char	*end;

	if (v == NULL)
		return 0;
	if (v->type == V_INT) {
		*out = (int)v->u.i;
		return 0;
	}
	if (v->type == V_STR) {
		*out = (int)strtol(v->u.str.s, &end, 10);
		if (*end == '\0' && end != v->u.str.s)
			return 0;
	}
	return playbook_fail_at(ld, v, "'%s' must be an integer", what);
}

/* A template string's syntax, checked now so no host sees a broken one. */
static int
check_templates(struct loader *ld, struct value *v)
{
	char	*cause = NULL;
	size_t	 i;

	if (v == NULL)
		return 0;
	switch (v->type) {
	case V_STR:
		if (value_is_template(v) &&
		    template_check(v->u.str.s, &cause)) {
			playbook_fail_at(ld, v, "template error: %s", cause);
			free(cause);
			return -1;
		}
		return 0;
	case V_LIST:
		for (i = 0; i < v->u.list.n; i++)
			if (check_templates(ld, v->u.list.items[i]) != 0)
				return -1;
		return 0;
	case V_DICT:
		for (i = 0; i < v->u.dict.n; i++)
			if (check_templates(ld, v->u.dict.vals[i]) != 0)
				return -1;
		return 0;
	default:
		return 0;
	}
}

/*
 * A "when"-like value: a string or a list of strings (bools allowed), each
 * a bare expression.  Returns a list, or NULL with ld->cause.
 */
int
playbook_want_conditions(struct loader *ld, struct value *v, const char *what,
    struct value **out)
{
	struct value	*list, *item;
	char		*cause = NULL, *expr;
	size_t		 i, n;

	if (v == NULL)
		return 0;
	list = value_list();
	n = v->type == V_LIST ? v->u.list.n : 1;
	for (i = 0; i < n; i++) {
		item = v->type == V_LIST ? v->u.list.items[i] : v;
		if (item->type == V_LIST || item->type == V_DICT) {
			value_unref(list);
			return playbook_fail_at(ld, item,
			    "'%s' must be a string or a "
			    "list of strings",
			    what);
		}
		expr = value_to_string(item);
		if (item->type == V_STR && !value_is_template(item) &&
		    expr_check(expr, &cause) != 0) {
			playbook_fail_at(ld, item,
			    "invalid condition in '%s': %s", what, cause);
			free(cause);
			free(expr);
			value_unref(list);
			return -1;
		}
		free(expr);
		value_list_append(list, value_ref(item));
	}
	*out = list;
	return 0;
}

/* Tags: a string ("a,b"), a list, or a number; returns a list of strings. */
int
playbook_want_tags(struct loader *ld, struct value *v, struct value *inherited,
    struct value **out)
{
	struct value	*list = value_list(), *item;
	char		*s, *tok, *save;
	size_t		 i, n;

	for (i = 0; inherited != NULL && i < inherited->u.list.n; i++)
		value_list_append(list, value_ref(inherited->u.list.items[i]));
	if (v != NULL) {
		n = v->type == V_LIST ? v->u.list.n : 1;
		for (i = 0; i < n; i++) {
			item = v->type == V_LIST ? v->u.list.items[i] : v;
			if (item->type == V_LIST || item->type == V_DICT) {
				value_unref(list);
				return playbook_fail_at(ld, item,
				    "tags must be a "
				    "string or a list of strings");
			}
			s = value_to_string(item);
			for (tok = strtok_r(s, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save))
				if (*str_trim(tok) != '\0')
					value_list_append(list, value_str(tok));
			free(s);
		}
	}
	*out = list;
	return 0;
}

static int is_kv_key(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		        (s[i] >= 'A' && s[i] <= 'Z') ||
		        (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/* Removes one level of matching outer quotes, as Ansible's unquote(). */
static char *
unquote(const char *s, size_t n)
{
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		return xstrndup(s + 1, n - 2);
	return xstrndup(s, n);
}

/*
 * Splits on whitespace outside quotes and outside {{ }} / {% %}, keeping
 * each token's text as written.
 */
static size_t
next_token(const char *s, size_t *start)
{
	size_t	i = *start, depth = 0;
	char	quote = 0;

	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
		i++;
	*start = i;
	for (; s[i] != '\0'; i++) {
		if (quote) {
			if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
			else if (s[i] == quote)
				quote = 0;
			continue;
		}
		if ((s[i] == '{' && (s[i + 1] == '{' || s[i + 1] == '%'))) {
			depth++, i++;
			continue;
		}
		if ((s[i] == '}' || s[i] == '%') && s[i + 1] == '}' && depth) {
			depth--, i++;
			continue;
		}
		if (depth)
			continue;
		if (s[i] == '"' || s[i] == '\'')
			quote = s[i];
		else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
			break;
	}
	return i - *start;
}

/*
 * Python's escape sequences in a k=v token, as Ansible's _decode_escapes:
 * \n, \t, \\, \', \", \xHH, \uHHHH ... (others stay as written).
 */
static char *
decode_escapes(const char *s, size_t n)
{
	struct buf	 b = BUF_INIT;
	char		*copy = xstrndup(s, n);
	const char	*p = copy;

	while (*p != '\0') {
		if (*p != '\\') {
			buf_addc(&b, *p++);
			continue;
		}
		p++;
		/* a malformed \x stays as written, as the regex Ansible uses */
		if (py_unescape(&p, &b) != 0)
			buf_addc(&b, '\\');
	}
	free(copy);
	return buf_detach(&b, NULL);
}

struct value *
playbook_parse_kv(const char *s, int free_form)
{
	struct value	*d = value_dict();
	struct buf	 raw = BUF_INIT;
	size_t		 pos = 0, len, keylen;
	const char	*tok, *eq;
	char		*key, *val;

	for (;;) {
		len = next_token(s, &pos);
		if (len == 0)
			break;
		tok = s + pos;
		eq = memchr(tok, '=', len);
		keylen = eq ? (size_t)(eq - tok) : 0;
		key = eq ? xstrndup(tok, keylen) : NULL;
		if (eq != NULL && is_kv_key(tok, keylen) &&
		    (!free_form || playbook_in_list(free_form_keys, key))) {
			char *dec = decode_escapes(eq + 1, len - keylen - 1);

			val = unquote(dec, strlen(dec));
			free(dec);
			value_dict_set(d, key, value_str_take(val));
		} else {
			if (raw.len)
				buf_addc(&raw, ' ');
			buf_add(&raw, tok, len);
		}
		free(key);
		pos += len;
	}
	if (raw.len)
		value_dict_set(d, "_raw_params",
		    value_str_take(buf_detach(&raw, NULL)));
	buf_release(&raw);
	return d;
}

static void task_free(struct task *);

static void
tasks_free(struct task **t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		task_free(t[i]);
	free(t);
}

static void
task_free(struct task *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->action);
	value_unref(t->args);
	tasks_free(t->block, t->nblock);
	tasks_free(t->rescue, t->nrescue);
	tasks_free(t->always, t->nalways);
	value_unref(t->vars);
	value_unref(t->when);
	value_unref(t->tags);
	free(t->register_name);
	value_unref(t->ignore_errors.v);
	value_unref(t->ignore_unreachable.v);
	value_unref(t->become.v);
	value_unref(t->become_user);
	value_unref(t->become_method);
	value_unref(t->check_mode.v);
	value_unref(t->diff.v);
	value_unref(t->no_log.v);
	value_unref(t->run_once.v);
	value_unref(t->remote_user);
	value_unref(t->loop);
	free(t->loop_kind);
	free(t->loop_var);
	free(t->index_var);
	value_unref(t->loop_label);
	value_unref(t->changed_when);
	value_unref(t->failed_when);
	value_unref(t->until);
	value_unref(t->notify);
	value_unref(t->listen);
	value_unref(t->environment);
	value_unref(t->delegate_to);
	value_unref(t->connection);
	free(t);
}

static int parse_task_list(struct loader *, struct value *, const char *,
    struct value *, struct task ***, size_t *, const char *);

/* Finds the module of a task: the one key that is not a task keyword. */
static int
find_action(struct loader *ld, struct value *node, struct task *t,
    struct value **argsv, struct value **keyv)
{
	const char	*found = NULL;
	struct value	*v;
	size_t		 i;

	for (i = 0; i < node->u.dict.n; i++) {
		const char *k = node->u.dict.keys[i];

		if (playbook_in_list(task_keywords, k) ||
		    str_startswith(k, "with_"))
			continue;
		if (found != NULL)
			return fail_key(ld, node, k,
			    "conflicting action statements: '%s', '%s' "
			    "(or '%s' is not a valid task keyword)",
			    found, k, k);
		found = k;
		*argsv = node->u.dict.vals[i];
		*keyv = node->u.dict.vals[i];
		t->action_key = k;
	}
	if (found != NULL && (get(node, "action") || get(node, "local_action")))
		return playbook_fail_at(ld, *argsv,
		    "conflicting action statements: "
		    "'%s' and 'action'",
		    found);
	if (found == NULL) {
		v = get(node, "action") ? get(node, "action") :
		    get(node, "local_action");
		if (v == NULL)
			return playbook_fail_at(ld, node,
			    "no module or action found "
			    "in this task");
		if (get(node, "local_action"))
			t->delegate_to = value_str("localhost");
		*keyv = v;
		if (v->type == V_DICT) {
			struct value *m = get(v, "module");

			if (m == NULL || m->type != V_STR)
				return playbook_fail_at(ld, v,
				    "'action' needs a "
				    "'module' key");
			t->action = xstrdup(m->u.str.s);
			*argsv = value_copy(v);
			value_dict_del(*argsv, "module");
			return 1;	/* args were copied */
		}
		if (v->type != V_STR)
			return playbook_fail_at(
			    ld, v, "'action' must be a string");
		size_t pos = 0, len = next_token(v->u.str.s, &pos);
		t->action = xstrndup(v->u.str.s + pos, len);
		*argsv = value_str(v->u.str.s + pos + len);
		(*argsv)->loc = v->loc;
		return 1;
	}
	t->action = xstrdup(found);
	return 0;
}

/* Builds the raw argument dict of a module task and checks it statically. */
static int
parse_module_args(struct loader *ld, struct value *node, struct task *t)
{
	struct value		*argsv = NULL, *keyv = NULL, *extra, *a;
	struct value		 where;
	struct mod_args		 margs = { NULL };
	char			*cause = NULL;
	size_t			 i;
	int			 owned, free_form;

	if ((owned = find_action(ld, node, t, &argsv, &keyv)) < 0)
		return -1;
	/* errors about the module point at its name */
	memset(&where, 0, sizeof where);
	where.loc = keyv->loc;
	if (t->action_key != NULL && value_dict_keyloc(node, t->action_key))
		where.loc = *value_dict_keyloc(node, t->action_key);
	t->module = module_resolve(t->action,
	    ld->role != NULL ? ld->role->path : NULL, ld->dir, &cause);
	if (t->module == NULL) {
		if (owned)
			value_unref(argsv);
		if (cause != NULL) {
			playbook_fail_at(
			    ld, &where, "%s: %s", t->action, cause);
			free(cause);
			return -1;
		}
		return playbook_fail_at(ld, &where,
		    "couldn't resolve module/action '%s'"
		    " (a misspelled module name, or a module cairn does not "
		    "have yet)",
		    t->action);
	}
	free_form = (t->module->flags & MOD_FREE_FORM) != 0;
	if (argsv == NULL || argsv->type == V_NULL)
		a = value_dict();
	else if (argsv->type == V_STR)
		a = playbook_parse_kv(argsv->u.str.s, free_form);
	else if (argsv->type == V_DICT)
		a = value_copy(argsv);
	else {
		if (owned)
			value_unref(argsv);
		return playbook_fail_at(ld, keyv, "arguments of '%s' must be a "
		    "mapping or a 'key=value' string", t->action);
	}
	if (argsv != NULL)
		a->loc = argsv->loc;
	if (owned)
		value_unref(argsv);
	if ((extra = get(node, "args")) != NULL) {
		if (extra->type != V_DICT) {
			value_unref(a);
			return playbook_fail_at(
			    ld, extra, "'args' must be a mapping");
		}
		for (i = 0; i < extra->u.dict.n; i++)
			if (value_dict_get(a, extra->u.dict.keys[i]) == NULL)
				value_dict_set(a, extra->u.dict.keys[i],
				    value_ref(extra->u.dict.vals[i]));
	}
	t->args = a;
	if (check_templates(ld, a) != 0)
		return -1;
	if (module_prepare_args(t->module, a, ARGS_STATIC, &margs,
	    &cause) != 0) {
		/* point at the parameter the message names, if any */
		for (i = 0; i < a->u.dict.n; i++) {
			char *q = xasprintf("'%s'", a->u.dict.keys[i]);
			const struct loc *kl = value_dict_keyloc(a,
			    a->u.dict.keys[i]);

			if (strstr(cause, q) != NULL && kl != NULL)
				where.loc = *kl;
			free(q);
		}
		playbook_fail_at(ld, &where, "%s: %s", t->action, cause);
		free(cause);
		return -1;
	}
	mod_args_release(&margs);
	return 0;
}

static int
parse_loop(struct loader *ld, struct value *node, struct task *t)
{
	struct value	*lc, *v;
	const char	*found = NULL;

	for (size_t i = 0; i < node->u.dict.n; i++) {
		const char *k = node->u.dict.keys[i];
		int items = strcmp(k, "with_items") == 0 ||
		    strcmp(k, "with_list") == 0;

		if (strcmp(k, "loop") != 0 && !str_startswith(k, "with_"))
			continue;
		v = node->u.dict.vals[i];
		if (found != NULL)
			return playbook_fail_at(ld, v, "only one loop may be "
			    "used: '%s' and '%s'", found, k);
		found = k;
		if (!items && strcmp(k, "loop") != 0 &&
		    !loop_kind_known(k + 5))
			return fail_key(ld, node, k, "'%s' is not a loop cairn "
			    "knows (loop, with_items, with_list, with_dict, "
			    "with_fileglob, with_sequence, with_nested, "
			    "with_together, with_subelements, "
			    "with_indexed_items)", k);
		if (strcmp(k, "loop") == 0 || items) {
			if (v->type != V_LIST && !value_is_template(v))
				return playbook_fail_at(ld, v, "'%s' must be a "
				    "list or a template giving one", k);
		} else
			t->loop_kind = xstrdup(k + 5);
		t->loop = value_ref(v);
		/* with_items flattens one level; loop does not. */
		t->loop_flatten = strcmp(k, "with_items") == 0;
	}
	if ((lc = get(node, "loop_control")) != NULL) {
		if (lc->type != V_DICT)
			return playbook_fail_at(ld, lc,
			    "'loop_control' must be a "
			    "mapping");
		for (size_t i = 0; i < lc->u.dict.n; i++) {
			const char *k = lc->u.dict.keys[i];

			if (!playbook_in_list((const char *const[]){ "loop_var",
			    "index_var", "label", "pause", "extended",
			    "extended_allitems", NULL }, k))
				return playbook_fail_at(ld, lc->u.dict.vals[i],
				    "'%s' is not a valid loop_control key", k);
		}
		if (want_string(ld, get(lc, "loop_var"), "loop_var",
		    &t->loop_var) != 0 || want_string(ld, get(lc, "index_var"),
		    "index_var", &t->index_var) != 0)
			return -1;
		t->loop_label = value_ref(get(lc, "label"));
	}
	if (t->loop_var == NULL)
		t->loop_var = xstrdup("item");
	return 0;
}

static int
want_string_list(struct loader *ld, struct value *v, const char *what,
    struct value **out)
{
	struct value	*list;
	size_t		 i;

	if (v == NULL)
		return 0;
	if (v->type == V_STR) {
		list = value_list();
		value_list_append(list, value_ref(v));
		*out = list;
		return 0;
	}
	if (v->type != V_LIST)
		return playbook_fail_at(
		    ld, v, "'%s' must be a string or a list", what);
	for (i = 0; i < v->u.list.n; i++)
		if (v->u.list.items[i]->type != V_STR)
			return playbook_fail_at(ld, v->u.list.items[i],
			    "'%s' must "
			    "list strings",
			    what);
	*out = value_ref(v);
	return 0;
}

static int
want_dict(struct loader *ld, struct value *v, const char *what,
    struct value **out)
{
	if (v == NULL)
		return 0;
	if (v->type == V_NULL) {
		*out = value_dict();
		return 0;
	}
	if (v->type != V_DICT && !value_is_template(v))
		return playbook_fail_at(ld, v, "'%s' must be a mapping", what);
	if (check_templates(ld, v) != 0)
		return -1;
	*out = value_ref(v);
	return 0;
}

static int
parse_task(struct loader *ld, struct value *node, struct value *tags,
    const char *section, struct task **out)
{
	struct task	*t = NULL;
	struct value	*v;
	int		 r = -1;

	if (node->type != V_DICT)
		return playbook_fail_at(ld, node,
		    "a task must be a mapping, not a %s",
		    value_type_name(node->type));
	t = xcalloc(1, sizeof *t);
	t->loc = node->loc;
	t->role = ld->role;
	t->retries = 3;
	t->delay = 5;
	if (want_string(ld, get(node, "name"), "name", &t->name) != 0 ||
	    playbook_want_tags(ld, get(node, "tags"), tags, &t->tags) != 0)
		goto out;
	if ((v = get(node, "block")) != NULL) {
		t->kind = TASK_BLOCK;
		for (size_t i = 0; i < node->u.dict.n; i++) {
			const char *k = node->u.dict.keys[i];

			if (!playbook_in_list(task_keywords, k))
				return fail_key(ld, node, k,
				    "'%s' is not a valid keyword for a block",
				    k), task_free(t), -1;
		}
		if (parse_task_list(ld, v, "block", t->tags, &t->block,
		    &t->nblock, section) != 0 ||
		    parse_task_list(ld, get(node, "rescue"), "rescue", t->tags,
		    &t->rescue, &t->nrescue, section) != 0 ||
		    parse_task_list(ld, get(node, "always"), "always", t->tags,
		    &t->always, &t->nalways, section) != 0)
			goto out;
	} else {
		if (get(node, "rescue") || get(node, "always"))
			return playbook_fail_at(ld, node,
			           "'rescue' and 'always' need "
			           "a 'block'"),
			       task_free(t), -1;
		t->kind = TASK_MODULE;
		int bad = parse_module_args(ld, node, t);

		t->action_key = NULL;	/* it points into node */
		if (bad != 0 || parse_loop(ld, node, t) != 0)
			goto out;
	}
	if (want_dict(ld, get(node, "vars"), "vars", &t->vars) != 0 ||
	    playbook_want_conditions(ld, get(node, "when"), "when", &t->when) !=
	        0 ||
	    playbook_want_conditions(ld, get(node, "changed_when"),
	        "changed_when", &t->changed_when) != 0 ||
	    playbook_want_conditions(ld, get(node, "failed_when"),
	        "failed_when", &t->failed_when) != 0 ||
	    playbook_want_conditions(
	        ld, get(node, "until"), "until", &t->until) != 0 ||
	    want_string(ld, get(node, "register"), "register",
	        &t->register_name) != 0 ||
	    want_bool(ld, get(node, "ignore_errors"), "ignore_errors",
	        &t->ignore_errors) != 0 ||
	    want_bool(ld, get(node, "ignore_unreachable"), "ignore_unreachable",
	        &t->ignore_unreachable) != 0 ||
	    want_bool(ld, get(node, "become"), "become", &t->become) != 0 ||
	    want_bool(ld, get(node, "check_mode"), "check_mode",
	        &t->check_mode) != 0 ||
	    want_bool(ld, get(node, "diff"), "diff", &t->diff) != 0 ||
	    want_bool(ld, get(node, "no_log"), "no_log", &t->no_log) != 0 ||
	    want_bool(ld, get(node, "run_once"), "run_once", &t->run_once) !=
	        0 ||
	    want_int(ld, get(node, "retries"), "retries", &t->retries) != 0 ||
	    want_int(ld, get(node, "delay"), "delay", &t->delay) != 0 ||
	    want_int(ld, get(node, "timeout"), "timeout", &t->timeout) != 0 ||
	    want_string_list(ld, get(node, "notify"), "notify", &t->notify) !=
	        0 ||
	    want_string_list(ld, get(node, "listen"), "listen", &t->listen) !=
	        0 ||
	    want_dict(ld, get(node, "environment"), "environment",
	        &t->environment) != 0)
		goto out;
	if (t->register_name != NULL && !is_kv_key(t->register_name,
	    strlen(t->register_name))) {
		playbook_fail_at(ld, get(node, "register"),
		    "'%s' is not a valid "
		    "variable name for register",
		    t->register_name);
		goto out;
	}
	if (t->listen != NULL && strcmp(section, "handlers") != 0) {
		playbook_fail_at(ld, get(node, "listen"),
		    "'listen' is only valid in "
		    "handlers");
		goto out;
	}
	t->become_user = value_ref(get(node, "become_user"));
	t->become_method = value_ref(get(node, "become_method"));
	t->connection = value_ref(get(node, "connection"));
	if (get(node, "any_errors_fatal") != NULL) {
		struct opt_bool afe = { 0, NULL };

		if (want_bool(ld, get(node, "any_errors_fatal"),
		    "any_errors_fatal", &afe) != 0)
			goto out;
		t->any_errors_fatal = value_truthy(afe.v);
		value_unref(afe.v);
	}
	t->remote_user = value_ref(get(node, "remote_user"));
	if (get(node, "delegate_to") != NULL) {
		value_unref(t->delegate_to);
		t->delegate_to = value_ref(get(node, "delegate_to"));
	}
	if (get(node, "until") != NULL && get(node, "retries") == NULL)
		t->retries = 3;
	r = 0;
out:
	if (r != 0) {
		task_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

static int load_task_file(struct loader *, const char *, struct value *,
    struct value *, const char *, struct task ***, size_t *, size_t *);

static void
append_task(struct task ***list, size_t *n, size_t *cap, struct task *t)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*list = xreallocarray(*list, *cap, sizeof **list);
	}
	(*list)[(*n)++] = t;
}

/* import_tasks / include_tasks with a literal file name: inlined here. */
static int
task_import(struct loader *ld, struct value *node, struct value *tags,
    const char *section, struct task ***list, size_t *n, size_t *cap)
{
	struct value	*v = get(node, "import_tasks");
	char		*path;
	int		 r;

	if (v == NULL)
		v = get(node, "include_tasks");
	if (v == NULL)
		v = get(node, "ansible.builtin.import_tasks");
	if (v == NULL)
		v = get(node, "ansible.builtin.include_tasks");
	if (v->type == V_DICT)
		v = get(v, "file");
	if (v == NULL || v->type != V_STR || value_is_template(v))
		return playbook_fail_at(ld, node,
		    "import_tasks/include_tasks need a "
		    "literal file name");
	for (size_t i = 0; i < node->u.dict.n; i++) {
		const char *k = node->u.dict.keys[i];

		if (strstr(k, "_tasks") == NULL && strcmp(k, "name") != 0 &&
		    strcmp(k, "tags") != 0)
			return playbook_fail_at(ld, node->u.dict.vals[i],
			    "'%s' is not "
			    "supported with import_tasks yet",
			    k);
	}
	if (v->u.str.s[0] == '/')
		path = xstrdup(v->u.str.s);
	else {
		char *tmp = xstrdup(v->loc.file ? v->loc.file : ld->path);
		char *d = dirname(tmp);

		path = xasprintf("%s/%s", d, v->u.str.s);
		free(tmp);
		if (access(path, R_OK) != 0) {
			free(path);
			path = xasprintf("%s/%s", ld->dir, v->u.str.s);
		}
	}
	struct value *itags = NULL;
	if (playbook_want_tags(ld, get(node, "tags"), tags, &itags) != 0) {
		free(path);
		return -1;
	}
	r = load_task_file(ld, path, v, itags, section, list, n, cap);
	value_unref(itags);
	free(path);
	return r;
}

static int
is_import(struct value *node)
{
	return node->type == V_DICT && (get(node, "import_tasks") ||
	    get(node, "include_tasks") ||
	    get(node, "ansible.builtin.import_tasks") ||
	    get(node, "ansible.builtin.include_tasks"));
}

int
playbook_parse_tasks(struct loader *ld, struct value *v, const char *what,
    struct value *tags, const char *section, struct task ***list,
    size_t *n, size_t *cap)
{
	struct task	*t = NULL;
	size_t		 i;

	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type != V_LIST)
		return playbook_fail_at(
		    ld, v, "'%s' must be a list of tasks", what);
	for (i = 0; i < v->u.list.n; i++) {
		struct value *node = v->u.list.items[i], *rv;

		if (is_import(node)) {
			if (task_import(ld, node, tags, section,
			    list, n, cap) != 0)
				return -1;
			continue;
		}
		if (node->type == V_DICT && ((rv = get(node, "import_role")) ||
		    (rv = get(node, "include_role")) ||
		    (rv = get(node, "ansible.builtin.import_role")) ||
		    (rv = get(node, "ansible.builtin.include_role")))) {
			if (playbook_role_import(
			        ld, node, rv, tags, list, n, cap) != 0)
				return -1;
			continue;
		}
		if (parse_task(ld, node, tags, section, &t) != 0)
			return -1;
		append_task(list, n, cap, t);
	}
	return 0;
}

static int
parse_task_list(struct loader *ld, struct value *v, const char *what,
    struct value *tags, struct task ***out, size_t *nout, const char *section)
{
	size_t	cap = 0;

	*out = NULL;
	*nout = 0;
	return playbook_parse_tasks(
	    ld, v, what, tags, section, out, nout, &cap);
}

static int
load_task_file(struct loader *ld, const char *path, struct value *from,
    struct value *tags, const char *section, struct task ***list, size_t *n,
    size_t *cap)
{
	struct value	*doc = NULL;
	char		*cause = NULL;
	int		 r;

	if (++ld->depth > 32)
		return playbook_fail_at(ld, from, "imports nested too deeply");
	if (yaml_load_file(path, &doc, &cause) != 0) {
		if (ld->cause == NULL)
			ld->cause = cause;
		else
			free(cause);
		return -1;
	}
	r = playbook_parse_tasks(ld, doc, path, tags, section, list, n, cap);
	value_unref(doc);
	ld->depth--;
	return r;
}

static void
play_free(struct play *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->hosts);
	value_unref(p->vars);
	value_unref(p->vars_files);
	value_unref(p->remote_user);
	value_unref(p->become.v);
	value_unref(p->become_user);
	value_unref(p->become_method);
	value_unref(p->connection);
	value_unref(p->gather_facts.v);
	value_unref(p->gather_subset);
	value_unref(p->gather_timeout);
	value_unref(p->serial);
	value_unref(p->ignore_errors.v);
	value_unref(p->check_mode.v);
	value_unref(p->diff.v);
	value_unref(p->no_log.v);
	value_unref(p->tags);
	value_unref(p->environment);
	tasks_free(p->pre_tasks, p->npre_tasks);
	tasks_free(p->tasks, p->ntasks);
	tasks_free(p->post_tasks, p->npost_tasks);
	tasks_free(p->handlers, p->nhandlers);
	tasks_free(p->role_tasks, p->nrole_tasks);
	for (size_t i = 0; i < p->nroles; i++)
		playbook_role_free(p->roles[i]);
	free(p->roles);
	free(p);
}

static int
parse_play(struct loader *ld, struct value *node, struct play **out)
{
	struct play	*p = NULL;
	struct value	*v;
	char		*strategy = NULL;
	int		 afe = 0, fh = 0;
	struct opt_bool	 ob = { 0, NULL };

	if (node->type != V_DICT)
		return playbook_fail_at(ld, node,
		    "a play must be a mapping, not a %s",
		    value_type_name(node->type));
	for (size_t i = 0; i < node->u.dict.n; i++) {
		const char *k = node->u.dict.keys[i];

		if (strcmp(k, "vars_prompt") == 0)
			return fail_key(ld, node, k, "'vars_prompt'"
			    " is not supported: pass the values with -e");
		if (!playbook_in_list(play_keywords, k))
			return fail_key(ld, node, k, "'%s' is not "
			    "a valid attribute for a play", k);
	}
	if ((v = get(node, "hosts")) == NULL)
		return playbook_fail_at(ld, node, "the play has no 'hosts'");
	p = xcalloc(1, sizeof *p);
	p->loc = node->loc;
	p->max_fail_percentage = -1;
	if (v->type == V_LIST) {
		struct buf b = BUF_INIT;

		for (size_t i = 0; i < v->u.list.n; i++) {
			char *s = value_to_string(v->u.list.items[i]);

			buf_adds(&b, i ? ":" : "");
			buf_adds(&b, s);
			free(s);
		}
		p->hosts = buf_detach(&b, NULL);
	} else if (want_string(ld, v, "hosts", &p->hosts) != 0)
		goto fail;
	if (want_string(ld, get(node, "name"), "name", &p->name) != 0 ||
	    want_dict(ld, get(node, "vars"), "vars", &p->vars) != 0 ||
	    want_string_list(ld, get(node, "vars_files"), "vars_files",
	    &p->vars_files) != 0 ||
	    want_bool(ld, get(node, "become"), "become", &p->become) != 0 ||
	    want_bool(ld, get(node, "gather_facts"), "gather_facts",
	    &p->gather_facts) != 0 ||
	    want_bool(ld, get(node, "ignore_errors"), "ignore_errors",
	    &p->ignore_errors) != 0 ||
	    want_bool(ld, get(node, "check_mode"), "check_mode",
	    &p->check_mode) != 0 ||
	    want_bool(ld, get(node, "diff"), "diff", &p->diff) != 0 ||
	    want_bool(ld, get(node, "no_log"), "no_log", &p->no_log) != 0 ||
	    want_bool(ld, get(node, "any_errors_fatal"), "any_errors_fatal",
	    &ob) != 0)
		goto fail;
	afe = ob.set && value_truthy(ob.v);
	value_unref(ob.v);
	ob.v = NULL;
	ob.set = 0;
	if (want_bool(ld, get(node, "force_handlers"), "force_handlers",
	    &ob) != 0)
		goto fail;
	fh = ob.set && value_truthy(ob.v);
	value_unref(ob.v);
	p->any_errors_fatal = afe;
	p->force_handlers = fh;
	if (want_int(ld, get(node, "max_fail_percentage"),
	    "max_fail_percentage", &p->max_fail_percentage) != 0 ||
	    playbook_want_tags(ld, get(node, "tags"), NULL, &p->tags) != 0 ||
	    want_dict(ld, get(node, "environment"), "environment",
	    &p->environment) != 0 ||
	    want_string(ld, get(node, "strategy"), "strategy", &strategy) != 0)
		goto fail;
	if (strategy != NULL) {
		if (strcmp(strategy, "free") == 0)
			p->strategy_free = 1;
		else if (strcmp(strategy, "linear") != 0) {
			playbook_fail_at(ld, get(node, "strategy"),
			    "unknown strategy "
			    "'%s' (linear or free)",
			    strategy);
			free(strategy);
			goto fail;
		}
		free(strategy);
	}
	if (p->vars == NULL)
		p->vars = value_dict();
	p->remote_user = value_ref(get(node, "remote_user"));
	p->become_user = value_ref(get(node, "become_user"));
	p->become_method = value_ref(get(node, "become_method"));
	p->connection = value_ref(get(node, "connection"));
	p->serial = value_ref(get(node, "serial"));
	p->gather_subset = value_ref(get(node, "gather_subset"));
	p->gather_timeout = value_ref(get(node, "gather_timeout"));
	ld->play = p;
	if (parse_task_list(ld, get(node, "handlers"), "handlers", p->tags,
	    &p->handlers, &p->nhandlers, "handlers") != 0 ||
	    playbook_parse_roles(ld, get(node, "roles"), p) != 0 ||
	    parse_task_list(ld, get(node, "pre_tasks"), "pre_tasks", p->tags,
	    &p->pre_tasks, &p->npre_tasks, "tasks") != 0 ||
	    parse_task_list(ld, get(node, "tasks"), "tasks", p->tags,
	    &p->tasks, &p->ntasks, "tasks") != 0 ||
	    parse_task_list(ld, get(node, "post_tasks"), "post_tasks", p->tags,
	    &p->post_tasks, &p->npost_tasks, "tasks") != 0)
		goto fail;
	*out = p;
	return 0;
fail:
	play_free(p);
	return -1;
}

static int load_plays(struct loader *, const char *, struct value *,
    struct playbook *, size_t *);

static int
import_playbook(struct loader *ld, struct value *node, struct playbook *pb,
    size_t *cap)
{
	struct value	*v = get(node, "import_playbook");
	char		*path, *tmp;
	int		 r;

	if (v == NULL)
		v = get(node, "ansible.builtin.import_playbook");
	if (v->type != V_STR || value_is_template(v))
		return playbook_fail_at(ld, v,
		    "import_playbook needs a literal file "
		    "name");
	if (v->u.str.s[0] == '/')
		path = xstrdup(v->u.str.s);
	else {
		tmp = xstrdup(v->loc.file ? v->loc.file : ld->path);
		path = xasprintf("%s/%s", dirname(tmp), v->u.str.s);
		free(tmp);
	}
	r = load_plays(ld, path, v, pb, cap);
	free(path);
	return r;
}

static int
load_plays(struct loader *ld, const char *path, struct value *from,
    struct playbook *pb, size_t *cap)
{
	struct value	*doc = NULL, *node;
	struct play	*p = NULL;
	char		*cause = NULL;
	size_t		 i;
	int		 r = -1;

	if (++ld->depth > 32)
		return playbook_fail_at(
		    ld, from, "import_playbook nested too deeply");
	if (yaml_load_file(path, &doc, &cause) != 0) {
		ld->cause = cause;
		return -1;
	}
	if (doc->type == V_NULL) {
		r = 0;
		goto out;
	}
	if (doc->type != V_LIST) {
		playbook_fail_at(ld, doc,
		    "a playbook must be a list of plays, not a %s",
		    value_type_name(doc->type));
		goto out;
	}
	for (i = 0; i < doc->u.list.n; i++) {
		node = doc->u.list.items[i];
		if (node->type == V_DICT && (get(node, "import_playbook") ||
		    get(node, "ansible.builtin.import_playbook"))) {
			if (import_playbook(ld, node, pb, cap) != 0)
				goto out;
			continue;
		}
		if (parse_play(ld, node, &p) != 0)
			goto out;
		if (pb->nplays == *cap) {
			*cap = *cap ? *cap * 2 : 4;
			pb->plays = xreallocarray(pb->plays, *cap,
			    sizeof *pb->plays);
		}
		pb->plays[pb->nplays++] = p;
	}
	r = 0;
out:
	value_unref(doc);
	ld->depth--;
	return r;
}

int
playbook_load(const char *path, struct playbook **out, char **cause)
{
	struct playbook	*pb = xcalloc(1, sizeof *pb);
	struct loader	 ld = { 0 };
	char		*tmp;
	size_t		 cap = 0;

	pb->path = xstrdup(path);
	tmp = xstrdup(path);
	pb->dir = xstrdup(dirname(tmp));
	free(tmp);
	ld.path = pb->path;
	ld.dir = pb->dir;
	/* Lua filters first: expressions are checked against the filters. */
	if (luamod_filters_load(pb->dir, cause) != 0) {
		playbook_free(pb);
		return -1;
	}
	if (load_plays(&ld, path, NULL, pb, &cap) != 0) {
		*cause = ld.cause;
		playbook_free(pb);
		return -1;
	}
	*out = pb;
	return 0;
}

void
playbook_free(struct playbook *pb)
{
	if (pb == NULL)
		return;
	for (size_t i = 0; i < pb->nplays; i++)
		play_free(pb->plays[i]);
	free(pb->plays);
	free(pb->path);
	free(pb->dir);
	free(pb);
}

const char *
task_display_name(const struct task *t)
{
	if (t->name != NULL)
		return t->name;
	if (t->kind == TASK_BLOCK)
		return "block";
	return t->action;
}
