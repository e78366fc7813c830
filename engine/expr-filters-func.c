/*
 * Global functions: range(), lookup()/query() (engine/lookup.c), dict(),
 * namespace().
 */
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
	{
		/* in 128 bits: range(-2**63, 2**63 - 1) must not overflow */
		__int128 w = v[2] > 0 ?
		    ((__int128)v[1] - v[0] + v[2] - 1) / v[2] :
		    ((__int128)v[0] - v[1] - v[2] - 1) / -(__int128)v[2];

		if (w > 100000)
			return expr_fail(cause, "range too big (more than "
			    "100000 items)");
		n = (long long)w;
	}
	l = value_list();
	for (i = 0; i < n; i++)
		value_list_append(l, value_int(v[0] + i * v[2]));
	*out = l;
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

/* Jinja2's namespace(): a dict "{% set ns.x = v %}" may change. */
static int
fn_namespace(struct eval *ev, const struct expr_args *a, struct value **out,
    char **cause)
{
	if (fn_dict(ev, a, out, cause) != 0)
		return -1;
	(*out)->flags |= EXPR_VALUE_NAMESPACE;
	return 0;
}

static const char *const functions[] = { "range", "lookup", "query", "q",
    "dict", "namespace", NULL };

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
		return lookup_call(ev, a, 0, out, cause);
	if (strcmp(name, "query") == 0 || strcmp(name, "q") == 0)
		return lookup_call(ev, a, 1, out, cause);
	if (strcmp(name, "dict") == 0)
		return fn_dict(ev, a, out, cause);
	if (strcmp(name, "namespace") == 0)
		return fn_namespace(ev, a, out, cause);
	return expr_fail(cause, "'%s' is undefined", name);
}
