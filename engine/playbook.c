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
#include "vars.h"
#include "yaml.h"

static const char *const play_keywords[] = {
	"hosts", "name", "vars", "vars_files", "remote_user", "become",
	"become_user", "become_method", "connection", "gather_facts",
	"strategy", "serial", "tasks", "pre_tasks", "post_tasks", "handlers",
	"ignore_errors", "check_mode", "diff", "no_log", "tags", "environment",
	"any_errors_fatal", "force_handlers", "max_fail_percentage",
	"gather_subset", "gather_timeout", "collections", "order", "port",
	"become_flags", "become_exe", "roles", "vars_prompt",
	"module_defaults", "fact_path", "run_once", "throttle", "timeout",
	"debugger", "ignore_unreachable", NULL
};

static const char *const task_keywords[] = {
	"name", "args", "action", "local_action", "vars", "when", "register",
	"ignore_errors", "ignore_unreachable", "become", "become_user",
	"become_method", "become_flags", "tags", "loop", "with_items",
	"with_list", "loop_control", "changed_when", "failed_when", "notify",
	"listen", "no_log", "check_mode", "diff", "environment", "until",
	"retries", "delay", "block", "rescue", "always", "run_once",
	"remote_user", "timeout", "delegate_to", "collections", "throttle",
	"any_errors_fatal", "debugger", "connection", "async", "poll",
	"delegate_facts", "module_defaults", "port", "become_exe", NULL
};

/*
 * New task keywords Ansible's Block does not have (the older ones a block
 * takes silently, as it always has in cairn).
 */
static const char *const task_only_keywords[] = { "async", "poll", NULL };

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

void
playbook_warn_at(struct loader *ld, const struct value *v, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *where;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (ld->warnings == NULL)
		ld->warnings = value_list();
	where = v != NULL && v->loc.file != NULL ? loc_format(&v->loc) :
	    xstrdup(ld->path);
	value_list_append(ld->warnings, value_strf("%s: %s", where, msg));
	free(where);
	free(msg);
}

void
playbook_keep_error(struct loader *ld)
{
	if (ld->cause == NULL)
		return;
	if (ld->errors == NULL)
		ld->errors = value_list();
	value_list_append(ld->errors, value_str_take(ld->cause));
	ld->cause = NULL;
}

/* All the errors kept, one a line, as a malloc'd string; NULL if none. */
static char *
loader_errors(struct loader *ld)
{
	struct buf	b = BUF_INIT;

	playbook_keep_error(ld);
	if (ld->errors == NULL || ld->errors->u.list.n == 0)
		return NULL;
	for (size_t i = 0; i < ld->errors->u.list.n; i++)
		buf_addf(&b, "%s%s", i ? "\n" : "",
		    ld->errors->u.list.items[i]->u.str.s);
	value_unref(ld->errors);
	ld->errors = NULL;
	return buf_detach(&b, NULL);
}

static enum mod_status
missing_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *res)
{
	(void)ctx;
	(void)args;
	(void)res;
	return MOD_FAILED;	/* not reached: the executor fails the task */
}

static const struct mod_param missing_params[] = { { NULL } };

const struct module_entry playbook_missing_module = {
	.name = "(not in cairn)",
	.params = missing_params,
	.flags = MOD_ANY_PARAMS | MOD_LOCAL | MOD_SUPPORTS_CHECK,
	.run = missing_run,
};

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

/* A boolean keyword of node, when it is there, as a plain flag. */
static int
want_flag(struct loader *ld, struct value *node, const char *key, int *out)
{
	struct opt_bool	ob = { 0, NULL };

	if (get(node, key) == NULL)
		return 0;
	if (want_bool(ld, get(node, key), key, &ob) != 0)
		return -1;
	*out = value_truthy(ob.v);
	value_unref(ob.v);
	return 0;
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

int
playbook_want_module_defaults(struct loader *ld, struct value *v,
    struct value **out)
{
	struct value	*list;
	size_t		 i, n;

	if (v == NULL || v->type == V_NULL)
		return 0;
	n = v->type == V_LIST ? v->u.list.n : 1;
	for (i = 0; i < n; i++) {
		struct value *d = v->type == V_LIST ? v->u.list.items[i] : v;

		if (d->type != V_DICT)
			return playbook_fail_at(ld, d, "The field "
			    "'module_defaults' is supposed to be a dictionary "
			    "or list of dictionaries, the keys of which must "
			    "be static action, module, or group names. Only "
			    "the values may contain templates. For example: "
			    "{'ping': \"{{ ping_defaults }}\"}");
		if (check_templates(ld, d) != 0)
			return -1;
	}
	list = value_list();
	for (i = 0; i < n; i++)
		value_list_append(list, value_ref(v->type == V_LIST ?
		    v->u.list.items[i] : v));
	*out = list;
	return 0;
}

/* The last dot-separated part of a module name: "a.b.NAME". */
static const char *
short_name(const char *s)
{
	const char	*dot = strrchr(s, '.');

	return dot != NULL ? dot + 1 : s;
}

/* A module_defaults key that names t's module. */
static int
names_module(const char *key, const struct task *t)
{
	const struct module_entry	*m = module_find(key);

	if (m != NULL)
		return m == t->module;
	/* a Lua module: by its name, with or without a collection */
	return strcmp(key, t->action) == 0 ||
	    strcmp(short_name(key), t->module->name) == 0;
}

struct value *
playbook_module_defaults_merge(struct value *const *layers, size_t n)
{
	struct value	*all = value_dict();

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; layers[i] != NULL &&
		    j < layers[i]->u.list.n; j++)
			value_dict_merge(all, layers[i]->u.list.items[j], 0);
	return all;
}

struct value *
playbook_module_defaults_pick(const struct task *t, const struct value *all)
{
	struct value	*out = value_dict(), *v;

	if (t->kind != TASK_MODULE || t->module == NULL || all == NULL)
		return out;
	for (size_t i = 0; i < all->u.dict.n; i++) {
		const char *k = all->u.dict.keys[i];

		v = all->u.dict.vals[i];
		if (str_startswith(k, "group/") && v->type == V_DICT &&
		    playbook_action_group_has(k + 6, t->module))
			value_dict_merge(out, v, 0);
	}
	for (size_t i = 0; i < all->u.dict.n; i++) {
		const char *k = all->u.dict.keys[i];

		v = all->u.dict.vals[i];
		if (!str_startswith(k, "group/") && v->type == V_DICT &&
		    names_module(k, t))
			value_dict_merge(out, v, 0);
	}
	return out;
}

/*
 * vars_prompt: a list of mappings with a name, checked as Ansible's
 * Play._load_vars_prompt; prompting is the command line's (cli.c).
 */
static int
playbook_want_vars_prompt(struct loader *ld, struct value *v,
    struct value **out)
{
	static const char *const keys[] = { "name", "prompt", "default",
	    "private", "confirm", "encrypt", "salt_size", "salt", "unsafe",
	    NULL };

	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type != V_LIST)
		return playbook_fail_at(ld, v, "'vars_prompt' must be a list "
		    "of mappings");
	for (size_t i = 0; i < v->u.list.n; i++) {
		struct value *d = v->u.list.items[i];

		if (d->type != V_DICT || get(d, "name") == NULL)
			return playbook_fail_at(ld, d, "Invalid vars_prompt "
			    "data structure, missing 'name' key");
		for (size_t j = 0; j < d->u.dict.n; j++)
			if (!playbook_in_list(keys, d->u.dict.keys[j]))
				return fail_key(ld, d, d->u.dict.keys[j],
				    "Invalid vars_prompt data structure, "
				    "found unsupported key '%s'",
				    d->u.dict.keys[j]);
		if (check_templates(ld, d) != 0)
			return -1;
	}
	*out = value_ref(v);
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

/*
 * What the white space after a raw word gives it in Ansible's
 * split_args/join_args: the gap as written, less the one space that
 * separated the words on its last line (join_args puts that back between
 * two words, unless the first ends a line).
 */
static void
raw_gap(struct buf *b, const char *gap, size_t n)
{
	const char	*nl = NULL;

	for (size_t i = 0; i < n; i++)
		if (gap[i] == '\n')
			nl = gap + i;
	if (nl == NULL ? n > 0 : (size_t)(gap + n - nl - 1) > 0)
		n--;
	buf_add(b, gap, n);
}

struct value *
playbook_parse_kv(const char *s, int free_form)
{
	struct value	*d = value_dict();
	struct buf	 raw = BUF_INIT, pending = BUF_INIT;
	size_t		 pos = 0, len, keylen, g;
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
			/*
			 * A script keeps its newlines and indentation, as
			 * Ansible's split_args/join_args keep them.
			 */
			if (raw.len) {
				buf_add(&raw, pending.s, pending.len);
				if (raw.s[raw.len - 1] != '\n')
					buf_addc(&raw, ' ');
			}
			buf_add(&raw, tok, len);
			for (g = pos + len; s[g] == ' ' || s[g] == '\t' ||
			    s[g] == '\n'; g++)
				;
			buf_reset(&pending);
			raw_gap(&pending, s + pos + len, g - pos - len);
		}
		free(key);
		pos += len;
	}
	if (raw.len) {
		buf_add(&raw, pending.s, pending.len);
		value_dict_set(d, "_raw_params",
		    value_str_take(buf_detach(&raw, NULL)));
	}
	buf_release(&raw);
	buf_release(&pending);
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
	value_unref(t->include_name);
	value_unref(t->include_spec);
	value_unref(t->include_apply);
	value_unref(t->include_tags);
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
	value_unref(t->module_defaults);
	free(t);
}

void
playbook_task_free(struct task *t)
{
	task_free(t);
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
		if (playbook_ansible_module(t->action) == NULL)
			return playbook_fail_at(ld, &where,
			    "couldn't resolve module/action '%s'"
			    " (a misspelled module name, or a module cairn "
			    "does not have yet)", t->action);
		/* Ansible has it: only a host that gets here fails */
		playbook_warn_at(ld, &where, "%s: not available in cairn",
		    playbook_ansible_module(t->action));
		t->module = &playbook_missing_module;
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
	if (t->module == &playbook_missing_module)
		return 0;
	/* module_defaults may give what is missing: checked at run time */
	if (ld->module_defaults > 0 || get(node, "module_defaults") != NULL)
		return 0;
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
		/*
		 * As Ansible: an argument error fails the task on the host
		 * that runs it (ignore_errors, rescue and register see it);
		 * a module that acts on the run itself has no host to fail.
		 */
		if (t->module->control != NULL) {
			playbook_fail_at(ld, &where, "%s: %s", t->action,
			    cause);
			free(cause);
			return -1;
		}
		playbook_warn_at(ld, &where, "%s: %s", t->action, cause);
		free(cause);
		return 0;
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
		if (want_int(ld, get(lc, "pause"), "pause", &t->loop_pause) !=
		    0 || want_flag(ld, lc, "extended", &t->loop_extended) !=
		    0 || want_flag(ld, lc, "extended_allitems",
		    &t->loop_extended_allitems) != 0)
			return -1;
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

/* The keys of a task file's imports and includes. */
enum import_kind {
	IMPORT_NONE,
	IMPORT_TASKS,
	INCLUDE_TASKS,
	INCLUDE_LEGACY,		/* "include:", static or not as Ansible 2.14 */
	IMPORT_ROLE,
	INCLUDE_ROLE,
};

static const struct {
	const char		*name;
	enum import_kind	 kind;
} import_keys[] = {
	{ "import_tasks", IMPORT_TASKS },
	{ "include_tasks", INCLUDE_TASKS },
	{ "include", INCLUDE_LEGACY },
	{ "import_role", IMPORT_ROLE },
	{ "include_role", INCLUDE_ROLE },
};

/* Which import or include a task node is; *key gets its key as written. */
static enum import_kind
import_kind(struct value *node, const char **key)
{
	const char	*k;

	if (node->type != V_DICT)
		return IMPORT_NONE;
	for (size_t i = 0; i < node->u.dict.n; i++) {
		k = node->u.dict.keys[i];
		if (str_startswith(k, "ansible.builtin."))
			k += strlen("ansible.builtin.");
		else if (str_startswith(k, "ansible.legacy."))
			k += strlen("ansible.legacy.");
		for (size_t j = 0; j < ARRAY_SIZE(import_keys); j++) {
			if (strcmp(k, import_keys[j].name) != 0)
				continue;
			*key = node->u.dict.keys[i];
			return import_keys[j].kind;
		}
	}
	return IMPORT_NONE;
}

static int
is_loop_key(const char *k)
{
	return strcmp(k, "loop") == 0 || strcmp(k, "loop_control") == 0 ||
	    str_startswith(k, "with_");
}


static char *legacy_include_split(struct value *, struct value **);

static const char *const include_role_keys[] = {
	"name", "tasks_from", "vars_from", "defaults_from", "handlers_from",
	"apply", "public", "allow_duplicates", "rolespec_validate", NULL
};

/*
 * include_tasks / include_role / a dynamic "include": what to load and
 * the "apply" keywords, checked now; the file is read when a host gets
 * there, so a branch no host takes is never read.
 */
static int
parse_include(struct loader *ld, struct value *node, const char *key,
    enum import_kind kind, struct task *t)
{
	struct value	*v = get(node, key), *args = get(node, "args");
	struct value	*name = NULL, *apply = NULL, *vars = NULL;
	struct value	*hold = NULL;
	const char	*kw = kind == INCLUDE_ROLE ? "include_role" :
			    "include_tasks";
	int		 r = -1;

	for (size_t i = 0; i < node->u.dict.n; i++) {
		const char *k = node->u.dict.keys[i];

		if (strcmp(k, key) == 0 || str_startswith(k, "with_"))
			continue;
		if (!playbook_in_list(task_keywords, k) ||
		    strcmp(k, "block") == 0 || strcmp(k, "rescue") == 0 ||
		    strcmp(k, "always") == 0)
			return fail_key(ld, node, k, "conflicting action "
			    "statements: %s, %s (or '%s' is not a valid task "
			    "keyword)", key, k, k);
	}
	if (args != NULL && args->type != V_DICT)
		return playbook_fail_at(ld, args, "'args' must be a mapping");
	t->action = xstrdup(key);
	if (kind == INCLUDE_ROLE) {
		if (v->type == V_STR && strchr(v->u.str.s, '=') != NULL &&
		    !value_is_template(v)) {
			t->include_spec = playbook_parse_kv(v->u.str.s, 0);
			t->include_spec->loc = v->loc;
		} else if (v->type == V_STR) {
			t->include_spec = value_dict();
			value_dict_set(t->include_spec, "name", value_ref(v));
		} else if (v->type == V_DICT)
			t->include_spec = value_copy(v);
		else
			return playbook_fail_at(ld, v, "include_role needs a "
			    "role name or a mapping with 'name'");
		if (args != NULL)
			value_dict_merge(t->include_spec, args, 0);
		for (size_t i = 0; i < t->include_spec->u.dict.n; i++) {
			const char *k = t->include_spec->u.dict.keys[i];

			if (!playbook_in_list(include_role_keys, k))
				return playbook_fail_at(ld, v, "Invalid options "
				    "for include_role: %s", k);
		}
		name = get(t->include_spec, "name");
		apply = get(t->include_spec, "apply");
		/* an unnamed include_role shows as "include_role : role" */
		if (t->name == NULL && name != NULL && name->type == V_STR) {
			t->name = xasprintf("%s : %s", key, name->u.str.s);
			t->implicit_name = 1;
		}
	} else if (v->type == V_DICT || (v->type == V_NULL && args != NULL)) {
		struct value *spec = v->type == V_DICT ? value_copy(v) :
		    value_dict();

		if (args != NULL)
			value_dict_merge(spec, args, 0);
		for (size_t i = 0; i < spec->u.dict.n; i++) {
			const char *k = spec->u.dict.keys[i];

			if (strcmp(k, "file") != 0 && strcmp(k, "apply") != 0 &&
			    strcmp(k, "_raw_params") != 0) {
				playbook_fail_at(ld, v, "Invalid options for "
				    "%s: %s", kw, k);
				value_unref(spec);
				return -1;
			}
		}
		name = get(spec, "file") ? get(spec, "file") :
		    get(spec, "_raw_params");
		apply = get(spec, "apply");
		hold = spec;	/* name and apply live in it */
	} else
		name = v;
	if (name == NULL || name->type == V_LIST || name->type == V_DICT ||
	    name->type == V_NULL) {
		playbook_fail_at(ld, v, "%s needs a %s name", kw,
		    kind == INCLUDE_ROLE ? "role" : "file");
		goto out;
	}
	if (kind == INCLUDE_LEGACY && name->type == V_STR) {
		char *file = legacy_include_split(name, &vars);

		t->include_name = value_str_take(file);
		t->include_name->loc = name->loc;
		if (vars != NULL) {
			/* the include's own vars: keyword vars win */
			if (get(node, "vars") != NULL &&
			    get(node, "vars")->type == V_DICT)
				value_dict_merge(vars, get(node, "vars"), 0);
			t->vars = vars;
		}
	} else
		t->include_name = value_ref(name);
	t->include_role = kind == INCLUDE_ROLE;
	if (check_templates(ld, t->include_name) != 0)
		goto out;
	if (apply != NULL) {
		if (apply->type != V_DICT) {
			playbook_fail_at(ld, apply,
			    "'apply' must be a mapping of task keywords");
			goto out;
		}
		for (size_t i = 0; i < apply->u.dict.n; i++) {
			const char *k = apply->u.dict.keys[i];

			if (!playbook_in_list(task_keywords, k) ||
			    is_loop_key(k) || strcmp(k, "block") == 0 ||
			    strcmp(k, "rescue") == 0 ||
			    strcmp(k, "always") == 0) {
				fail_key(ld, apply, k, "'%s' is not a "
				    "valid keyword for 'apply'", k);
				goto out;
			}
		}
		t->include_apply = value_ref(apply);
	}
	r = 0;
out:
	value_unref(hold);
	return r;
}

static int
parse_task(struct loader *ld, struct value *node, struct value *tags,
    const char *section, struct task **out)
{
	struct task	*t = NULL;
	struct value	*v;
	const char	*key = NULL;
	enum import_kind kind;
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
	t->poll = 15;	/* Ansible's DEFAULT_POLL_INTERVAL */
	t->loop_extended_allitems = 1;
	if (want_string(ld, get(node, "name"), "name", &t->name) != 0 ||
	    playbook_want_tags(ld, get(node, "tags"), tags, &t->tags) != 0)
		goto out;
	if ((kind = import_kind(node, &key)) == INCLUDE_TASKS ||
	    kind == INCLUDE_LEGACY || kind == INCLUDE_ROLE) {
		t->kind = TASK_INCLUDE;
		t->include_tags = value_ref(tags);
		t->in_handlers = strcmp(section, "handlers") == 0;
		if (parse_include(ld, node, key, kind, t) != 0 ||
		    parse_loop(ld, node, t) != 0)
			goto out;
	} else if ((v = get(node, "block")) != NULL) {
		t->kind = TASK_BLOCK;
		for (size_t i = 0; i < node->u.dict.n; i++) {
			const char *k = node->u.dict.keys[i];

			if (!playbook_in_list(task_keywords, k) ||
			    playbook_in_list(task_only_keywords, k))
				return fail_key(ld, node, k,
				    "'%s' is not a valid keyword for a block",
				    k), task_free(t), -1;
		}
		int md = get(node, "module_defaults") != NULL;

		ld->module_defaults += md;
		r = parse_task_list(ld, v, "block", t->tags, &t->block,
		    &t->nblock, section) != 0 ||
		    parse_task_list(ld, get(node, "rescue"), "rescue", t->tags,
		    &t->rescue, &t->nrescue, section) != 0 ||
		    parse_task_list(ld, get(node, "always"), "always", t->tags,
		    &t->always, &t->nalways, section) != 0 ? -1 : 0;
		ld->module_defaults -= md;
		if (r != 0)
			goto out;
		r = -1;
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
	/* a legacy include's "file k=v" has set vars already */
	if (want_dict(ld, t->vars == NULL ? get(node, "vars") : NULL, "vars",
	    &t->vars) != 0 ||
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
	    want_int(ld, get(node, "async"), "async", &t->async_) != 0 ||
	    want_int(ld, get(node, "poll"), "poll", &t->poll) != 0 ||
	    want_int(ld, get(node, "throttle"), "throttle", &t->throttle) !=
	        0 ||
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
	/* delegate_facts: the run side reads it (NAME=run) */
	if (want_flag(ld, node, "delegate_facts", &t->delegate_facts) != 0 ||
	    playbook_want_module_defaults(ld, get(node, "module_defaults"),
	    &t->module_defaults) != 0 ||
	    want_flag(ld, node, "any_errors_fatal", &t->any_errors_fatal) != 0)
		goto out;
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

static int parse_task(struct loader *, struct value *, struct value *,
    const char *, struct task **);

static void
append_task(struct task ***list, size_t *n, size_t *cap, struct task *t)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*list = xreallocarray(*list, *cap, sizeof **list);
	}
	(*list)[(*n)++] = t;
}

/*
 * Ansible 2.14 reads a legacy "include:" in place when its file name is
 * literal, it has no loop and nothing around it was included at run time.
 */
static int
legacy_include_static(struct loader *ld, struct value *node, const char *key)
{
	struct value	*v = get(node, key);

	if (ld->dynamic || v == NULL || v->type != V_STR ||
	    value_is_template(v))
		return 0;
	for (size_t i = 0; i < node->u.dict.n; i++)
		if (is_loop_key(node->u.dict.keys[i]))
			return 0;
	return 1;
}

/*
 * The file an import or include names, as Ansible looks for it: beside
 * the file that names it, in the role's tasks/, beside the playbook.
 */
static char *
task_file_path(struct loader *ld, const struct loc *from, const char *name)
{
	char	*tmp, *path;

	if (name[0] == '/')
		return xstrdup(name);
	tmp = xstrdup(from->file != NULL ? from->file : ld->path);
	path = xasprintf("%s/%s", dirname(tmp), name);
	free(tmp);
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	if (ld->role != NULL) {
		path = xasprintf("%s/tasks/%s", ld->role->path, name);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return xasprintf("%s/%s", ld->dir, name);
}

/* A legacy include's "file.yml k=v" text: the file, and vars in *vars. */
static char *
legacy_include_split(struct value *v, struct value **vars)
{
	struct value	*kv = playbook_parse_kv(v->u.str.s, 0), *raw;
	char		*file;

	raw = get(kv, "_raw_params");
	file = raw != NULL ? xstrdup(raw->u.str.s) : xstrdup("");
	value_dict_del(kv, "_raw_params");
	if (kv->u.dict.n > 0)
		*vars = kv;
	else
		value_unref(kv);
	return file;
}

/*
 * The keywords of an import that apply to every task it brings in (when,
 * become, vars, environment...): an implicit block around them, so they
 * are inherited as a block's are.  skip lists keys handled elsewhere.
 */
static int
import_wrap(struct loader *ld, struct value *node, const char *key,
    const char *const *skip, struct value *tags, const char *section,
    struct task **sub, size_t nsub, struct task ***list, size_t *n,
    size_t *cap)
{
	struct value	*synth = value_dict();
	struct task	*blk = NULL;
	int		 r;

	synth->loc = node->loc;
	for (size_t i = 0; i < node->u.dict.n; i++) {
		const char *k = node->u.dict.keys[i];

		if (strcmp(k, key) == 0 || playbook_in_list(skip, k))
			continue;
		value_dict_set(synth, k, value_ref(node->u.dict.vals[i]));
	}
	if (synth->u.dict.n == 0) {
		for (size_t i = 0; i < nsub; i++)
			append_task(list, n, cap, sub[i]);
		free(sub);
		value_unref(synth);
		return 0;
	}
	if (strcmp(section, "handlers") == 0) {
		value_unref(synth);
		tasks_free(sub, nsub);
		return playbook_fail_at(ld, node, "keywords on '%s' in handlers "
		    "are not supported: set them on the imported handlers",
		    key);
	}
	value_dict_set(synth, "block", value_list());
	r = parse_task(ld, synth, tags, section, &blk);
	value_unref(synth);
	if (r != 0) {
		tasks_free(sub, nsub);
		return -1;
	}
	blk->block = sub;
	blk->nblock = nsub;
	blk->implicit = 1;
	append_task(list, n, cap, blk);
	return 0;
}

/*
 * import_tasks (or a static legacy include): the file is read now and
 * its tasks take the import's keywords.
 */
static int
task_import(struct loader *ld, struct value *node, const char *key,
    enum import_kind kind, struct value *tags, const char *section,
    struct task ***list, size_t *n, size_t *cap)
{
	static const char *const skip_tasks[] = { "name", "tags", NULL };
	static const char *const skip_role[] = { "name", "tags", "vars",
	    "when", NULL };
	struct value	*v = get(node, key), *itags = NULL, *vars = NULL;
	struct value	*fv;
	struct task	**sub = NULL;
	size_t		 nsub = 0, subcap = 0;
	char		*path, *file;
	const char	*kw = kind == IMPORT_ROLE ? "import_role" :
			    "import_tasks";
	int		 r;

	for (size_t i = 0; i < node->u.dict.n; i++) {
		const char *k = node->u.dict.keys[i];

		if (strcmp(k, key) == 0)
			continue;
		if (is_loop_key(k))
			return fail_key(ld, node, k, "You cannot use loops on "
			    "'%s' statements. You should use '%s' instead.",
			    kw, kind == IMPORT_ROLE ? "include_role" :
			    "include_tasks");
		if (!playbook_in_list(task_keywords, k) ||
		    strcmp(k, "block") == 0 || strcmp(k, "rescue") == 0 ||
		    strcmp(k, "always") == 0 || strcmp(k, "register") == 0)
			return fail_key(ld, node, k, "'%s' is not a valid "
			    "attribute for %s", k, kw);
	}
	if (kind == IMPORT_ROLE) {
		if (playbook_role_import(ld, node, v, tags, &sub, &nsub,
		    &subcap) != 0) {
			tasks_free(sub, nsub);
			return -1;
		}
		return import_wrap(ld, node, key, skip_role, tags, section,
		    sub, nsub, list, n, cap);
	}
	fv = v;
	if (v->type == V_DICT)
		fv = get(v, "file") != NULL ? get(v, "file") :
		    get(v, "_raw_params");
	if (fv == NULL || fv->type != V_STR || value_is_template(fv))
		return playbook_fail_at(ld, v != NULL ? v : node, "%s needs a "
		    "literal file name (include_tasks takes a template)", kw);
	if (kind == INCLUDE_LEGACY)
		file = legacy_include_split(fv, &vars);
	else
		file = xstrdup(fv->u.str.s);
	path = task_file_path(ld, &fv->loc, file);
	free(file);
	if (playbook_want_tags(ld, get(node, "tags"), tags, &itags) != 0) {
		free(path);
		value_unref(vars);
		return -1;
	}
	r = load_task_file(ld, path, fv, itags, section, &sub, &nsub, &subcap);
	value_unref(itags);
	free(path);
	if (r != 0) {
		tasks_free(sub, nsub);
		value_unref(vars);
		return -1;
	}
	if (vars != NULL) {
		/* "include: f.yml x=1": x is a var of the included tasks */
		struct value *node2 = value_copy(node);

		if (get(node2, "vars") != NULL &&
		    get(node2, "vars")->type == V_DICT)
			value_dict_merge(vars, get(node2, "vars"), 0);
		value_dict_set(node2, "vars", vars);
		r = import_wrap(ld, node2, key, skip_tasks, tags, section, sub,
		    nsub, list, n, cap);
		value_unref(node2);
		return r;
	}
	return import_wrap(ld, node, key, skip_tasks, tags, section, sub, nsub,
	    list, n, cap);
}

int
playbook_parse_tasks(struct loader *ld, struct value *v, const char *what,
    struct value *tags, const char *section, struct task ***list,
    size_t *n, size_t *cap)
{
	struct task	*t = NULL;
	const char	*key;
	enum import_kind kind;
	size_t		 i;

	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type != V_LIST)
		return playbook_fail_at(
		    ld, v, "'%s' must be a list of tasks", what);
	for (i = 0; i < v->u.list.n; i++) {
		struct value *node = v->u.list.items[i];

		kind = import_kind(node, &key);
		if (kind == INCLUDE_LEGACY)
			playbook_warn_at(ld, node, "\"include\" is deprecated, "
			    "use include_tasks/import_tasks instead (Ansible "
			    "2.16 removes it)");
		/* a mistake is kept and the next task read: all at once */
		if (kind == IMPORT_TASKS || kind == IMPORT_ROLE ||
		    (kind == INCLUDE_LEGACY &&
		    legacy_include_static(ld, node, key))) {
			if (task_import(ld, node, key, kind, tags, section,
			    list, n, cap) != 0)
				playbook_keep_error(ld);
			continue;
		}
		if (parse_task(ld, node, tags, section, &t) != 0) {
			playbook_keep_error(ld);
			continue;
		}
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
	value_unref(p->hosts_list);
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
	value_unref(p->strategy);
	value_unref(p->module_defaults);
	value_unref(p->vars_prompt);
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
		p->hosts_list = value_ref(v);
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
	    playbook_want_module_defaults(ld, get(node, "module_defaults"),
	    &p->module_defaults) != 0 ||
	    playbook_want_vars_prompt(ld, get(node, "vars_prompt"),
	    &p->vars_prompt) != 0)
		goto fail;
	v = get(node, "strategy");
	if (v != NULL && value_is_template(v)) {
		/* Ansible templates it at play start, with the play's vars */
		if (check_templates(ld, v) != 0)
			goto fail;
		p->strategy = value_ref(v);
	} else if (want_string(ld, v, "strategy", &strategy) != 0)
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
	ld->module_defaults = p->module_defaults != NULL;
	v = get(node, "collections");
	ld->collections = v != NULL && v->type == V_LIST ? v : NULL;
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
		if (parse_play(ld, node, &p) != 0) {
			playbook_keep_error(ld);
			continue;
		}
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
	if (load_plays(&ld, path, NULL, pb, &cap) != 0 ||
	    ld.cause != NULL || ld.errors != NULL) {
		*cause = loader_errors(&ld);
		value_unref(ld.warnings);
		playbook_free(pb);
		return -1;
	}
	pb->warnings = ld.warnings != NULL ? ld.warnings : value_list();
	*out = pb;
	return 0;
}

int
playbook_render_play(const struct play *p, struct value *extra_vars,
    struct value *v, struct value **out, char **cause)
{
	struct scope	s;

	scope_init(&s, NULL, NULL, NULL);
	scope_push(&s, extra_vars);
	scope_push(&s, p->vars);
	return template_value(v, &s.es, out, cause);
}

int
playbook_resolve_strategy(struct play *p, struct value *extra_vars,
    char **cause)
{
	struct value	*out = NULL;
	char		*s;
	int		 r = 0;

	if (p->strategy == NULL)
		return 0;
	if (playbook_render_play(p, extra_vars, p->strategy, &out,
	    cause) != 0)
		return -1;
	s = value_to_string(out);
	if (strcmp(s, "free") == 0)
		p->strategy_free = 1;
	else if (strcmp(s, "linear") == 0)
		p->strategy_free = 0;
	else {
		char *where = loc_format(&p->strategy->loc);

		*cause = xasprintf("%s: invalid play strategy specified: "
		    "'%s' (linear or free)", where, s);
		free(where);
		r = -1;
	}
	free(s);
	value_unref(out);
	return r;
}

int
playbook_load_include(struct playbook *pb, struct play *p,
    const struct task *inc, const char *name, struct value *vars,
    struct task **out, char **path_out, char **cause)
{
	struct loader	 ld = { 0 };
	struct task	**sub = NULL, *blk = NULL;
	struct value	*synth = NULL, *tags = NULL, *from, *spec, *node;
	const char	*section = inc->in_handlers ? "handlers" : "tasks";
	size_t		 nsub = 0, cap = 0;
	char		*path = NULL;
	int		 r = -1;

	ld.path = pb->path;
	ld.dir = pb->dir;
	ld.play = p;
	ld.role = (struct role *)inc->role;
	ld.dynamic = 1;
	*out = NULL;
	/* "apply: {tags: x}" tags what it loads, the include's own do not */
	if (playbook_want_tags(&ld, inc->include_apply != NULL ?
	    get(inc->include_apply, "tags") : NULL, inc->include_tags,
	    &tags) != 0)
		goto out;
	if (inc->include_role) {
		spec = value_copy(inc->include_spec);
		value_dict_setstr(spec, "name", name);
		value_dict_del(spec, "apply");
		spec->loc = inc->loc;
		node = value_dict();
		r = playbook_role_import(&ld, node, spec, tags, &sub, &nsub,
		    &cap);
		value_unref(node);
		value_unref(spec);
		path = xstrdup(name);
	} else {
		from = inc->include_name;
		path = task_file_path(&ld, &from->loc, name);
		if (access(path, R_OK) != 0) {
			char	 cwd[4096];
			char	*shown = path;

			if (path[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
				shown = xasprintf("%s/%s", cwd,
				    str_startswith(path, "./") ? path + 2 :
				    path);
			ld.cause = xasprintf("Could not find or access '%s' on "
			    "the Ansible Controller.", shown);
			if (shown != path)
				free(shown);
			goto out;
		}
		r = load_task_file(&ld, path, from, tags, section, &sub, &nsub,
		    &cap);
	}
	if (r != 0)
		goto out;
	r = -1;
	if (!inc->include_role) {
		/* shown as Ansible shows it: the absolute path */
		char *real = realpath(path, NULL);

		if (real != NULL) {
			free(path);
			path = real;
		}
	}
	synth = inc->include_apply != NULL ? value_copy(inc->include_apply) :
	    value_dict();
	value_dict_del(synth, "tags");
	value_dict_set(synth, "block", value_list());
	synth->loc = inc->loc;
	if (parse_task(&ld, synth, NULL, section, &blk) != 0)
		goto out;
	blk->block = sub;
	blk->nblock = nsub;
	blk->implicit = 1;
	sub = NULL;
	nsub = 0;
	/* the include's vars and loop variables, around what it loaded */
	if (blk->vars == NULL || blk->vars->type != V_DICT) {
		value_unref(blk->vars);
		blk->vars = value_dict();
	} else {
		struct value *copy = value_copy(blk->vars);

		value_unref(blk->vars);
		blk->vars = copy;
	}
	if (inc->vars != NULL && inc->vars->type == V_DICT)
		value_dict_merge(blk->vars, inc->vars, 0);
	if (vars != NULL)
		value_dict_merge(blk->vars, vars, 0);
	*out = blk;
	blk = NULL;
	r = 0;
out:
	if (r == 0 && (ld.cause != NULL || ld.errors != NULL)) {
		task_free(*out);
		*out = NULL;
		r = -1;
	}
	if (r != 0) {
		*cause = loader_errors(&ld);
		if (*cause == NULL)
			*cause = xstrdup("cannot load the include");
	}
	if (r == 0 && path_out != NULL) {
		*path_out = path;
		path = NULL;
	}
	free(ld.cause);
	free(path);
	tasks_free(sub, nsub);
	task_free(blk);
	value_unref(synth);
	value_unref(tags);
	value_unref(ld.warnings);
	return r;
}

void
playbook_free(struct playbook *pb)
{
	if (pb == NULL)
		return;
	for (size_t i = 0; i < pb->nplays; i++)
		play_free(pb->plays[i]);
	free(pb->plays);
	value_unref(pb->warnings);
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
