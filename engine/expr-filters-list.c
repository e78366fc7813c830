/* Filters on lists and dicts: sets, sort, combine, map, select, zip... */
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"

/* Sequences. */

static int
f_length(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	if (in->type != V_STR && in->type != V_LIST && in->type != V_DICT)
		return expr_fail(cause, "object of type '%s' has no len()",
		    expr_type_name(in));
	*out = value_int((long long)value_len(in));
	return 0;
}

static int
first_last(struct eval *ev, struct value *in, struct value **out, int last,
    char **cause)
{
	struct value	*l;
	size_t		 n;

	if (expr_as_list(in, &l, last ? "last" : "first", cause) != 0)
		return -1;
	n = l->u.list.n;
	if (n == 0)
		expr_set_undef(ev, "no %s item, sequence was empty",
		    last ? "last" : "first");
	else
		*out = value_ref(l->u.list.items[last ? n - 1 : 0]);
	value_unref(l);
	return 0;
}

static int
f_first(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return first_last(ev, in, out, 0, cause);
}

static int
f_last(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return first_last(ev, in, out, 1, cause);
}

int
expr_list_has(const struct value *l, const struct value *v)
{
	size_t	i;

	for (i = 0; i < l->u.list.n; i++)
		if (value_equal(l->u.list.items[i], v))
			return 1;
	return 0;
}

static int
f_unique(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*l, *r = value_list();
	size_t		 i;

	if (expr_as_list(in, &l, "unique", cause) != 0) {
		value_unref(r);
		return -1;
	}
	for (i = 0; i < l->u.list.n; i++)
		if (!expr_list_has(r, l->u.list.items[i]))
			value_list_append(r, value_ref(l->u.list.items[i]));
	value_unref(l);
	*out = r;
	return 0;
}

/* Set operations, keeping the first list's order as Ansible does. */
static int
setop(struct value *in, const struct expr_args *a, int which,
    struct value **out, char **cause)
{
	struct value	*l, *o, *r = value_list();
	size_t		 i;

	if (a->npos < 1 || expr_as_list(a->pos[0], &o, "set operation",
	    cause) != 0) {
		value_unref(r);
		return a->npos < 1 ? expr_fail(cause,
		    "missing list argument") : -1;
	}
	if (expr_as_list(in, &l, "set operation", cause) != 0) {
		value_unref(o);
		value_unref(r);
		return -1;
	}
	for (i = 0; i < l->u.list.n; i++) {
		struct value *it = l->u.list.items[i];
		int in_o = expr_list_has(o, it);

		if (((which == 'u') || (which == 'i' && in_o) ||
		    ((which == 'd' || which == 's') && !in_o)) &&
		    !expr_list_has(r, it))
			value_list_append(r, value_ref(it));
	}
	for (i = 0; (which == 'u' || which == 's') && i < o->u.list.n; i++) {
		struct value *it = o->u.list.items[i];

		if ((which == 'u' || !expr_list_has(l, it)) &&
		    !expr_list_has(r, it))
			value_list_append(r, value_ref(it));
	}
	value_unref(l);
	value_unref(o);
	*out = r;
	return 0;
}

static int
f_union(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return setop(in, a, 'u', out, cause);
}

static int
f_intersect(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return setop(in, a, 'i', out, cause);
}

static int
f_difference(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return setop(in, a, 'd', out, cause);
}

static int
f_symmetric_difference(struct eval *ev, struct value *in,
    const struct expr_args *a, struct value **out, char **cause)
{
	return setop(in, a, 's', out, cause);
}

/* A stable merge sort: Jinja2's sort is stable and qsort is not. */
struct sort_ctx {
	const char	*attr;
	int		 fold;
	int		 reverse;
	int		 bad;
};

static int
sort_cmp(struct sort_ctx *sc, struct value *a, struct value *b)
{
	struct value	*x = a, *y = b;
	int		 c;

	if (sc->attr != NULL) {
		x = expr_getattr(a, sc->attr);
		y = expr_getattr(b, sc->attr);
		if (x == NULL || y == NULL) {
			value_unref(x);
			value_unref(y);
			sc->bad = 1;
			return 0;
		}
	}
	c = expr_compare(x, y, sc->fold);
	if (sc->attr != NULL) {
		value_unref(x);
		value_unref(y);
	}
	if (c == -2) {
		sc->bad = 1;
		return 0;
	}
	return sc->reverse ? -c : c;
}

static void
merge_sort(struct value **v, struct value **tmp, size_t n, struct sort_ctx *sc)
{
	size_t	m = n / 2, i = 0, j = m, k = 0;

	if (n < 2)
		return;
	merge_sort(v, tmp, m, sc);
	merge_sort(v + m, tmp, n - m, sc);
	while (i < m && j < n)
		tmp[k++] = sort_cmp(sc, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < m)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

static int
sorted(struct value *in, struct sort_ctx *sc, struct value **out, char **cause)
{
	struct value	*l, *r, **tmp;
	size_t		 i;

	if (expr_as_list(in, &l, "sort", cause) != 0)
		return -1;
	r = value_list();
	for (i = 0; i < l->u.list.n; i++)
		value_list_append(r, value_ref(l->u.list.items[i]));
	value_unref(l);
	tmp = xcalloc(r->u.list.n + 1, sizeof *tmp);
	merge_sort(r->u.list.items, tmp, r->u.list.n, sc);
	free(tmp);
	if (sc->bad) {
		value_unref(r);
		return expr_fail(cause, "cannot sort: values are of different "
		    "types or miss the attribute");
	}
	*out = r;
	return 0;
}

static int
f_sort(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct sort_ctx	sc;

	sc.reverse = expr_arg_bool(a, 0, "reverse", 0);
	sc.fold = !expr_arg_bool(a, 1, "case_sensitive", 0);
	sc.attr = expr_arg_str(a, 2, "attribute", NULL);
	sc.bad = 0;
	return sorted(in, &sc, out, cause);
}

static int
f_reverse(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*l, *r;
	size_t		 i, n;
	char		*s;

	if (in->type == V_STR) {
		n = in->u.str.len;
		s = xmalloc(n + 1);
		for (i = 0; i < n; i++)
			s[i] = in->u.str.s[n - 1 - i];
		s[n] = '\0';
		*out = value_str_take(s);
		return 0;
	}
	if (expr_as_list(in, &l, "reverse", cause) != 0)
		return -1;
	r = value_list();
	for (i = l->u.list.n; i > 0; i--)
		value_list_append(r, value_ref(l->u.list.items[i - 1]));
	value_unref(l);
	*out = r;
	return 0;
}

static int
f_list(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return expr_as_list(in, out, "list", cause);
}

static int
f_dict2items(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*kn = expr_arg_str(a, 0, "key_name", "key");
	const char	*vn = expr_arg_str(a, 1, "value_name", "value");
	struct value	*r, *it;
	size_t		 i;

	if (expr_need(in, V_DICT, "dict2items", cause) != 0)
		return -1;
	r = value_list();
	for (i = 0; i < in->u.dict.n; i++) {
		it = value_dict();
		value_dict_setstr(it, kn, in->u.dict.keys[i]);
		value_dict_set(it, vn, value_ref(in->u.dict.vals[i]));
		value_list_append(r, it);
	}
	*out = r;
	return 0;
}

static int
f_items2dict(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*kn = expr_arg_str(a, 0, "key_name", "key");
	const char	*vn = expr_arg_str(a, 1, "value_name", "value");
	struct value	*r, *it, *k, *v;
	size_t		 i;
	char		*ks;

	if (expr_need(in, V_LIST, "items2dict", cause) != 0)
		return -1;
	r = value_dict();
	for (i = 0; i < in->u.list.n; i++) {
		it = in->u.list.items[i];
		if ((k = value_dict_get(it, kn)) == NULL ||
		    (v = value_dict_get(it, vn)) == NULL) {
			value_unref(r);
			return expr_fail(cause,
			    "items2dict: item %zu has no '%s' "
			    "or '%s' key", i, kn, vn);
		}
		ks = expr_str_of(k);
		value_dict_set(r, ks, value_ref(v));
		free(ks);
	}
	*out = r;
	return 0;
}

/* Ansible's combine: list_merge replace, keep, append, prepend. */
static void
combine(struct value *dst, const struct value *src, int recursive,
    const char *lm)
{
	struct value	*old, *sv, *m;
	size_t		 i, j;

	for (i = 0; i < src->u.dict.n; i++) {
		sv = src->u.dict.vals[i];
		old = value_dict_get(dst, src->u.dict.keys[i]);
		if (old != NULL && recursive && old->type == V_DICT &&
		    sv->type == V_DICT) {
			m = value_copy(old);
			combine(m, sv, recursive, lm);
		} else if (old != NULL && old->type == V_LIST &&
		    sv->type == V_LIST && strcmp(lm, "replace") != 0) {
			if (strcmp(lm, "keep") == 0)
				continue;
			m = value_list();
			if (strncmp(lm, "append", 6) == 0) {
				for (j = 0; j < old->u.list.n; j++)
					value_list_append(m,
					    value_ref(old->u.list.items[j]));
			}
			for (j = 0; j < sv->u.list.n; j++)
				value_list_append(m,
				    value_ref(sv->u.list.items[j]));
			if (strncmp(lm, "prepend", 7) == 0) {
				for (j = 0; j < old->u.list.n; j++)
					value_list_append(m,
					    value_ref(old->u.list.items[j]));
			}
		} else
			m = value_ref(sv);
		value_dict_set(dst, src->u.dict.keys[i], m);
	}
}

static int
f_combine(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*r, *src;
	int		 rec = expr_arg_bool(a, a->npos, "recursive", 0);
	const char	*lm = expr_arg_str(a, a->npos, "list_merge", "replace");
	size_t		 i, j;

	if (expr_need(in, V_DICT, "combine", cause) != 0)
		return -1;
	r = value_copy(in);
	for (i = 0; i < a->npos; i++) {
		src = a->pos[i];
		if (src->type == V_LIST) {
			for (j = 0; j < src->u.list.n; j++) {
				if (src->u.list.items[j]->type != V_DICT)
					goto bad;
				combine(r, src->u.list.items[j], rec, lm);
			}
		} else if (src->type == V_DICT)
			combine(r, src, rec, lm);
		else
			goto bad;
	}
	*out = r;
	return 0;
bad:
	value_unref(r);
	return expr_fail(cause, "combine expects dictionaries, got %s",
	    expr_type_name(src));
}

/* Higher order: map, select, reject, selectattr, rejectattr. */

/* min and max compare as sort does. */
static int
minmax(struct value *in, const struct expr_args *a, int max,
    struct value **out, char **cause)
{
	struct sort_ctx	 sc;
	struct value	*best = NULL, *it;
	size_t		 i;

	if (expr_need(in, V_LIST, max ? "max" : "min", cause) != 0)
		return -1;
	sc.attr = expr_arg_str(a, 0, "attribute", NULL);
	sc.fold = !expr_arg_bool(a, 1, "case_sensitive", 0);
	sc.reverse = 0;
	sc.bad = 0;
	for (i = 0; i < in->u.list.n; i++) {
		it = in->u.list.items[i];
		if (best == NULL || (max ? sort_cmp(&sc, it, best) > 0 :
		    sort_cmp(&sc, it, best) < 0))
			best = it;
	}
	if (sc.bad)
		return expr_fail(cause, "cannot compare the values");
	*out = best != NULL ? value_ref(best) : value_null();
	return 0;
}

static int
f_min(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return minmax(in, a, 0, out, cause);
}

static int
f_max(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return minmax(in, a, 1, out, cause);
}

static int
f_map(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*l, *r, *it, *v, *def = expr_arg(a, 99, "default");
	const char	*attr = expr_arg_str(a, 99, "attribute", NULL);
	struct expr_args sub;
	size_t		 i;

	if (attr == NULL && (a->npos < 1 || a->pos[0]->type != V_STR))
		return expr_fail(cause,
		    "map needs a filter name or attribute=");
	if (expr_as_list(in, &l, "map", cause) != 0)
		return -1;
	r = value_list();
	memset(&sub, 0, sizeof sub);
	if (a->npos > 1) {
		sub.pos = a->pos + 1;
		sub.npos = a->npos - 1;
	}
	sub.kwnames = a->kwnames;
	sub.kwvals = a->kwvals;
	sub.nkw = a->nkw;
	for (i = 0; i < l->u.list.n; i++) {
		it = l->u.list.items[i];
		if (attr != NULL) {
			if ((v = expr_getattr(it, attr)) == NULL) {
				if (def == NULL) {
					value_unref(l);
					value_unref(r);
					return expr_fail(cause,
					    "'%s object' has no "
					    "attribute '%s'",
					    expr_type_name(it),
					    attr);
				}
				v = value_ref(def);
			}
		} else if (expr_call_filter(ev, a->pos[0]->u.str.s, it, &sub,
		    &v, cause) != 0) {
			value_unref(l);
			value_unref(r);
			return -1;
		} else if (v == NULL) {
			value_unref(l);
			value_unref(r);
			return expr_undef_error(ev, cause);
		}
		value_list_append(r, v);
	}
	value_unref(l);
	*out = r;
	return 0;
}

/* select/reject (attr NULL) and selectattr/rejectattr. */
static int
select_common(struct eval *ev, struct value *in, const struct expr_args *a,
    int withattr, int keep, struct value **out, char **cause)
{
	struct value	*l, *r, *it, *v;
	struct expr_args sub;
	const char	*attr = NULL, *test = NULL;
	size_t		 i, first = 0;
	int		 t;

	if (withattr) {
		if ((attr = expr_arg_str(a, 0, NULL, NULL)) == NULL)
			return expr_fail(cause,
			    "selectattr needs an attribute name");
		first = 1;
	}
	if (a->npos > first) {
		if (a->pos[first]->type != V_STR)
			return expr_fail(cause, "test name must be a string");
		test = a->pos[first]->u.str.s;
		first++;
	}
	if (expr_as_list(in, &l, "select", cause) != 0)
		return -1;
	memset(&sub, 0, sizeof sub);
	sub.pos = a->pos + first;
	sub.npos = a->npos - first;
	r = value_list();
	for (i = 0; i < l->u.list.n; i++) {
		it = l->u.list.items[i];
		v = attr != NULL ? expr_getattr(it, attr) : value_ref(it);
		if (test == NULL)
			t = v != NULL && expr_truthy(v);
		else if (expr_call_test(ev, test, v, &sub, &t, cause) != 0) {
			value_unref(v);
			value_unref(l);
			value_unref(r);
			return -1;
		}
		value_unref(v);
		if (t == keep)
			value_list_append(r, value_ref(it));
	}
	value_unref(l);
	*out = r;
	return 0;
}

static int
f_select(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return select_common(ev, in, a, 0, 1, out, cause);
}

static int
f_reject(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return select_common(ev, in, a, 0, 0, out, cause);
}

static int
f_selectattr(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return select_common(ev, in, a, 1, 1, out, cause);
}

static int
f_rejectattr(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return select_common(ev, in, a, 1, 0, out, cause);
}

static int
f_zip(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*r, *t, **ls;
	size_t		 i, k, n, nl = a->npos + 1;

	ls = xcalloc(nl, sizeof *ls);
	for (k = 0; k < nl; k++) {
		if (expr_as_list(k == 0 ? in : a->pos[k - 1], &ls[k], "zip",
		    cause) != 0) {
			while (k-- > 0)
				value_unref(ls[k]);
			free(ls);
			return -1;
		}
	}
	n = ls[0]->u.list.n;
	for (k = 1; k < nl; k++)
		if (ls[k]->u.list.n < n)
			n = ls[k]->u.list.n;
	r = value_list();
	for (i = 0; i < n; i++) {
		t = value_list();
		for (k = 0; k < nl; k++)
			value_list_append(t, value_ref(ls[k]->u.list.items[i]));
		value_list_append(r, t);
	}
	for (k = 0; k < nl; k++)
		value_unref(ls[k]);
	free(ls);
	*out = r;
	return 0;
}

static void
flatten(struct value *r, const struct value *l, long long levels, int skip)
{
	struct value	*it;
	size_t		 i;

	for (i = 0; i < l->u.list.n; i++) {
		it = l->u.list.items[i];
		if (skip && (it->type == V_NULL || (it->type == V_STR &&
		    (strcmp(it->u.str.s, "None") == 0 ||
		    strcmp(it->u.str.s, "null") == 0))))
			continue;
		if (it->type == V_LIST && levels != 0)
			flatten(r, it, levels - 1, skip);
		else
			value_list_append(r, value_ref(it));
	}
}

static int
f_flatten(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	long long	levels;

	if (expr_need(in, V_LIST, "flatten", cause) != 0 ||
	    expr_arg_int(a, 0, "levels", -1, &levels, cause) != 0)
		return -1;
	*out = value_list();
	flatten(*out, in, levels, expr_arg_bool(a, 1, "skip_nulls", 1));
	return 0;
}

static int
f_extract(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*c = expr_arg(a, 0, "container"), *v, *k;
	struct value	*morekeys = expr_arg(a, 1, "morekeys");
	char		*key;
	size_t		 i;

	if (c == NULL)
		return expr_fail(cause, "extract needs a container");
	if (c->type == V_LIST && (in->type == V_INT) && in->u.i >= 0 &&
	    (size_t)in->u.i < c->u.list.n)
		v = value_ref(c->u.list.items[in->u.i]);
	else {
		key = expr_str_of(in);
		v = value_ref(value_dict_get(c, key));
		if (v == NULL)
			expr_set_undef(ev, "'%s object' has no attribute '%s'",
			    expr_type_name(c), key);
		free(key);
	}
	if (v != NULL && morekeys != NULL) {
		struct value *ks = morekeys;

		for (i = 0; v != NULL && i < (ks->type == V_LIST ?
		    ks->u.list.n : 1); i++) {
			k = ks->type == V_LIST ? ks->u.list.items[i] : ks;
			key = expr_str_of(k);
			c = v;
			v = expr_getattr(c, key);
			if (v == NULL)
				expr_set_undef(ev, "'%s object' has no "
				    "attribute '%s'", expr_type_name(c), key);
			value_unref(c);
			free(key);
		}
	}
	*out = v;
	return 0;
}

static int
f_dictsort(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*items, *it, *r;
	struct sort_ctx	 sc;
	size_t		 i;
	int		 rc;

	if (expr_need(in, V_DICT, "dictsort", cause) != 0)
		return -1;
	items = value_list();
	for (i = 0; i < in->u.dict.n; i++) {
		it = value_list();
		value_list_append(it, value_str(in->u.dict.keys[i]));
		value_list_append(it, value_ref(in->u.dict.vals[i]));
		value_list_append(items, it);
	}
	sc.fold = !expr_arg_bool(a, 0, "case_sensitive", 0);
	sc.attr = strcmp(expr_arg_str(a, 1, "by", "key"), "value") == 0 ?
	    "1" : "0";
	sc.reverse = expr_arg_bool(a, 2, "reverse", 0);
	sc.bad = 0;
	rc = sorted(items, &sc, &r, cause);
	value_unref(items);
	if (rc == 0)
		*out = r;
	return rc;
}

static int
f_items(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return expr_call_method(ev, in, "items", a, out, cause);
}

const struct expr_filter expr_filters_list[] = {
	{ "combine", f_combine, 0 },
	{ "count", f_length, 0 },
	{ "dict2items", f_dict2items, 0 },
	{ "dictsort", f_dictsort, 0 },
	{ "difference", f_difference, 0 },
	{ "extract", f_extract, 0 },
	{ "first", f_first, 0 },
	{ "flatten", f_flatten, 0 },
	{ "intersect", f_intersect, 0 },
	{ "items", f_items, 0 },
	{ "items2dict", f_items2dict, 0 },
	{ "last", f_last, 0 },
	{ "length", f_length, 0 },
	{ "list", f_list, 0 },
	{ "map", f_map, 0 },
	{ "max", f_max, 0 },
	{ "min", f_min, 0 },
	{ "reject", f_reject, 0 },
	{ "rejectattr", f_rejectattr, 0 },
	{ "reverse", f_reverse, 0 },
	{ "select", f_select, 0 },
	{ "selectattr", f_selectattr, 0 },
	{ "sort", f_sort, 0 },
	{ "symmetric_difference", f_symmetric_difference, 0 },
	{ "union", f_union, 0 },
	{ "unique", f_unique, 0 },
	{ "zip", f_zip, 0 },
	{ NULL, NULL, 0 }
};
