/* Global functions: range(), lookup()/query(), dict(). */
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"

/* Global functions: range(), lookup()/query(), dict(). */

static int
fn_range(struct eval *ev, const struct expr_args *a, struct value **out,
    char **cause)
{
	long long	v[3] = { 0, 0, 1 }, i, n;
	size_t		k;
	struct value	*l;

	if (a->npos < 1 || a->npos > 3)
		return expr_fail(cause, "range expects 1 to 3 arguments");
	for (k = 0; k < a->npos; k++) {
		if (a->pos[k]->type != V_INT && a->pos[k]->type != V_BOOL)
			return expr_fail(cause,
			    "range arguments must be integers");
	}
	if (a->npos == 1)
		v[1] = a->pos[0]->u.i;
	else
		for (k = 0; k < a->npos; k++)
			v[k] = a->pos[k]->u.i;
	if (v[2] == 0)
		return expr_fail(cause, "range step must not be zero");
	n = v[2] > 0 ? (v[1] - v[0] + v[2] - 1) / v[2] :
	    (v[0] - v[1] - v[2] - 1) / -v[2];
	if (n > 100000)
		return expr_fail(cause, "range too big (%lld items)", n);
	l = value_list();
	for (i = 0; i < n; i++)
		value_list_append(l, value_int(v[0] + i * v[2]));
	*out = l;
	return 0;
}

/* One term of a lookup: the list of values it gives. */
static int
lookup_term(struct eval *ev, const char *plugin, struct value *term,
    struct value *acc, char **cause)
{
	struct buf	 b = BUF_INIT;
	const char	*e;
	char		*s = expr_str_of(term), *path;
	struct value	*v;
	int		 r;
	size_t		 i;

	if (strcmp(plugin, "env") == 0) {
		e = getenv(s);
		value_list_append(acc, value_str(e != NULL ? e : ""));
	} else if (strcmp(plugin, "file") == 0) {
		if (s[0] == '~' && s[1] == '/' && getenv("HOME") != NULL)
			path = xasprintf("%s%s", getenv("HOME"), s + 1);
		else
			path = xstrdup(s);
		if ((r = read_file(path, &b)) != 0) {
			expr_fail(cause, "could not read file '%s': %s", path,
			    strerror(-r));
			free(path);
			free(s);
			return -1;
		}
		free(path);
		/* Ansible strips the trailing newline (rstrip=True). */
		while (b.len > 0 && (b.s[b.len - 1] == '\n' ||
		    b.s[b.len - 1] == '\r'))
			b.s[--b.len] = '\0';
		value_list_append(acc, expr_str_buf(&b));
	} else if (strcmp(plugin, "vars") == 0) {
		v = NULL;
		if (ev->scope != NULL && ev->scope->lookup != NULL)
			v = ev->scope->lookup(ev->scope->ud, s);
		if (v == NULL) {
			expr_fail(cause, "no variable found with this name: %s",
			    s);
			free(s);
			return -1;
		}
		if (template_value_eval(ev, v, &term, cause) != 0) {
			value_unref(v);
			free(s);
			return -1;
		}
		value_unref(v);
		value_list_append(acc, term);
	} else if (strcmp(plugin, "items") == 0 ||
	    strcmp(plugin, "list") == 0 || strcmp(plugin, "flattened") == 0) {
		if (term->type == V_LIST)
			for (i = 0; i < term->u.list.n; i++)
				value_list_append(acc,
				    value_ref(term->u.list.items[i]));
		else
			value_list_append(acc, value_ref(term));
	} else {
		free(s);
		return expr_fail(cause, "lookup plugin '%s' not found", plugin);
	}
	free(s);
	return 0;
}

static int
fn_lookup(struct eval *ev, const struct expr_args *a, struct value **out,
    char **cause, int wantlist)
{
	struct value	*acc, *d = expr_arg(a, 99, "default");
	const char	*plugin;
	const char	*errors = expr_arg_str(a, 99, "errors", "strict");
	char		*j;
	size_t		 i;
	struct buf	 b = BUF_INIT;

	if (a->npos < 1 || a->pos[0]->type != V_STR)
		return expr_fail(cause, "lookup needs a plugin name");
	plugin = expr_short_name(a->pos[0]->u.str.s);
	acc = value_list();
	for (i = 1; i < a->npos; i++) {
		if (lookup_term(ev, plugin, a->pos[i], acc, cause) != 0) {
			if (d != NULL || strcmp(errors, "ignore") == 0) {
				value_unref(acc);
				*out = d != NULL ? value_ref(d) : value_null();
				return 0;
			}
			value_unref(acc);
			return -1;
		}
	}
	if (strcmp(plugin, "env") == 0 && d != NULL) {
		/* env with default=: empty values take the default */
		for (i = 0; i < acc->u.list.n; i++) {
			if (acc->u.list.items[i]->u.str.len == 0) {
				value_unref(acc->u.list.items[i]);
				acc->u.list.items[i] = value_ref(d);
			}
		}
	}
	if (wantlist || expr_arg_bool(a, 99, "wantlist", 0) ||
	    strcmp(plugin, "items") == 0) {
		*out = acc;
		return 0;
	}
	/* lookup() joins several results with commas, as Ansible does. */
	if (acc->u.list.n == 1)
		*out = value_ref(acc->u.list.items[0]);
	else {
		for (i = 0; i < acc->u.list.n; i++) {
			if (i > 0)
				buf_addc(&b, ',');
			j = expr_str_of(acc->u.list.items[i]);
			buf_adds(&b, j);
			free(j);
		}
		*out = expr_str_buf(&b);
	}
	value_unref(acc);
	return 0;
}

static int
fn_dict(struct eval *ev, const struct expr_args *a, struct value **out,
    char **cause)
{
	struct value	*d = value_dict(), *p;
	char		*k;
	size_t		 i;

	if (a->npos == 1 && a->pos[0]->type == V_LIST) {
		for (i = 0; i < a->pos[0]->u.list.n; i++) {
			p = a->pos[0]->u.list.items[i];
			if (p->type != V_LIST || p->u.list.n != 2) {
				value_unref(d);
				return expr_fail(cause, "dict() needs pairs");
			}
			k = expr_str_of(p->u.list.items[0]);
			value_dict_set(d, k, value_ref(p->u.list.items[1]));
			free(k);
		}
	} else if (a->npos == 1 && a->pos[0]->type == V_DICT) {
		value_dict_merge(d, a->pos[0], 0);
	} else if (a->npos != 0) {
		value_unref(d);
		return expr_fail(cause, "dict() takes a list of pairs");
	}
	for (i = 0; i < a->nkw; i++)
		value_dict_set(d, a->kwnames[i], value_ref(a->kwvals[i]));
	*out = d;
	return 0;
}

static const char *const functions[] = { "range", "lookup", "query", "q",
    "dict", NULL };

int
expr_has_function(const char *name)
{
	size_t	i;

	for (i = 0; functions[i] != NULL; i++)
		if (strcmp(functions[i], name) == 0)
			return 1;
	return 0;
}

int
expr_call_function(struct eval *ev, const char *name,
    const struct expr_args *a, struct value **out, char **cause)
{
	*out = NULL;
	if (strcmp(name, "range") == 0)
		return fn_range(ev, a, out, cause);
	if (strcmp(name, "lookup") == 0)
		return fn_lookup(ev, a, out, cause, 0);
	if (strcmp(name, "query") == 0 || strcmp(name, "q") == 0)
		return fn_lookup(ev, a, out, cause, 1);
	if (strcmp(name, "dict") == 0)
		return fn_dict(ev, a, out, cause);
	return expr_fail(cause, "'%s' is undefined", name);
}
