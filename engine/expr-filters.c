/*
 * The filter table and its dispatch (built-in topics, then filters
 * registered at run time), the helpers every expr-filters-*.c file shares,
 * and the basic filters: default, mandatory, bool, int, float, string,
 * ternary, type_debug.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"

int
expr_fail(char **cause, const char *fmt, ...)
{
	va_list	ap;

	free(*cause);
	va_start(ap, fmt);
	*cause = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* Positional argument i, or the keyword kw; borrowed, NULL if absent. */
struct value *
expr_arg(const struct expr_args *a, size_t i, const char *kw)
{
	size_t	k;

	if (i < a->npos)
		return a->pos[i];
	for (k = 0; kw != NULL && k < a->nkw; k++) {
		if (strcmp(a->kwnames[k], kw) == 0)
			return a->kwvals[k];
	}
	return NULL;
}

int
expr_arg_bool(const struct expr_args *a, size_t i, const char *kw, int def)
{
	struct value	*v = expr_arg(a, i, kw);

	return v == NULL ? def : expr_truthy(v);
}

int
expr_arg_int(const struct expr_args *a, size_t i, const char *kw, long long def,
    long long *out, char **cause)
{
	struct value	*v = expr_arg(a, i, kw);

	if (v == NULL || v->type == V_NULL) {
		*out = def;
		return 0;
	}
	if (v->type == V_INT || v->type == V_BOOL) {
		*out = v->type == V_INT ? v->u.i : v->u.b;
		return 0;
	}
	return expr_fail(cause, "argument '%s' must be an integer, not %s",
	    kw, expr_type_name(v));
}

static int
key_cmp(const void *a, const void *b, void *keys)
{
	char	**k = keys;

	return strcmp(k[*(const size_t *)a], k[*(const size_t *)b]);
}

size_t *
expr_sorted_keys(const struct value *d)
{
	size_t	*idx = xcalloc(d->u.dict.n + 1, sizeof *idx), i;

	for (i = 0; i < d->u.dict.n; i++)
		idx[i] = i;
	qsort_r(idx, d->u.dict.n, sizeof *idx, key_cmp, d->u.dict.keys);
	return idx;
}

/* The argument as a string (borrowed), or def. */
const char *
expr_arg_str(const struct expr_args *a, size_t i, const char *kw,
    const char *def)
{
	struct value	*v = expr_arg(a, i, kw);

	return v != NULL && v->type == V_STR ? v->u.str.s : def;
}

char *
expr_str_of(const struct value *v)
{
	struct buf	b = BUF_INIT;

	expr_add_str(&b, v);
	return buf_detach(&b, NULL);
}

struct value *
expr_str_buf(struct buf *b)
{
	struct value	*v = value_strn(buf_cstr(b), b->len);

	buf_release(b);
	return v;
}

int
expr_need(const struct value *v, enum value_type t, const char *what,
    char **cause)
{
	if (v->type == t)
		return 0;
	return expr_fail(cause, "%s expects a %s, got %s", what,
	    t == V_LIST ? "list" : t == V_DICT ? "dictionary" : "string",
	    expr_type_name(v));
}

int
expr_num_of(const struct value *v, double *d)
{
	if (v->type == V_INT)
		*d = (double)v->u.i;
	else if (v->type == V_FLOAT)
		*d = v->u.f;
	else if (v->type == V_BOOL)
		*d = v->u.b;
	else
		return -1;
	return 0;
}

/* Lists, strings and dict keys as a fresh list, as Python's list() does. */
int
expr_as_list(struct value *v, struct value **out, const char *what,
    char **cause)
{
	struct value	*l;
	size_t		 i;

	switch (v->type) {
	case V_LIST:
		*out = value_ref(v);
		return 0;
	case V_DICT:
		l = value_list();
		for (i = 0; i < v->u.dict.n; i++)
			value_list_append(l, value_str(v->u.dict.keys[i]));
		*out = l;
		return 0;
	case V_STR:
		l = value_list();
		for (i = 0; i < v->u.str.len; i++)
			value_list_append(l, value_strn(v->u.str.s + i, 1));
		*out = l;
		return 0;
	default:
		return expr_fail(cause, "%s: '%s' object is not iterable", what,
		    expr_type_name(v));
	}
}

/* Basic filters. */

static int
f_default(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*d = expr_arg(a, 0, "default_value");

	if (in == NULL || (expr_arg_bool(a, 1, "boolean", 0) &&
	    !expr_truthy(in)))
		*out = d != NULL ? value_ref(d) : value_str("");
	else
		*out = value_ref(in);
	return 0;
}

static int
f_mandatory(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*msg = expr_arg_str(a, 0, "msg", NULL);

	if (in != NULL) {
		*out = value_ref(in);
		return 0;
	}
	if (msg != NULL) {
		free(ev->undef);
		ev->undef = NULL;
		return expr_fail(cause, "%s", msg);
	}
	return expr_fail(cause, "mandatory variable not defined: %s",
	    ev->undef != NULL ? ev->undef : "?");
}

static int
f_bool(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	*out = value_bool(in->type == V_NULL ? 0 : value_as_bool(in) == 1);
	return 0;
}

static int
parse_int(const struct value *in, int base, long long *out)
{
	char		*end, *s;
	double		 d;
	int		 ok;

	switch (in->type) {
	case V_INT:
		*out = in->u.i;
		return 0;
	case V_BOOL:
		*out = in->u.b;
		return 0;
	case V_FLOAT:
		if (!isfinite(in->u.f))
			return -1;
		*out = (long long)in->u.f;
		return 0;
	case V_STR:
		s = xstrdup(in->u.str.s);
		str_trim(s);
		errno = 0;
		*out = strtoll(s, &end, base);
		ok = *s != '\0' && *end == '\0' && errno == 0;
		if (!ok && base == 10) {
			/* Jinja2 falls back to int(float(value)). */
			d = strtod(s, &end);
			if (*s != '\0' && *end == '\0' && isfinite(d)) {
				*out = (long long)d;
				ok = 1;
			}
		}
		free(s);
		return ok ? 0 : -1;
	default:
		return -1;
	}
}

static int
f_int(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	long long	i, def, base;

	if (expr_arg_int(a, 0, "default", 0, &def, cause) != 0 ||
	    expr_arg_int(a, 1, "base", 10, &base, cause) != 0)
		return -1;
	if (parse_int(in, (int)base, &i) != 0)
		i = def;
	*out = value_int(i);
	return 0;
}

static int
f_float(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*d = expr_arg(a, 0, "default");
	char		*end, *s;
	double		 f = d != NULL && d->type == V_FLOAT ? d->u.f :
			    d != NULL &&
			    d->type == V_INT ? (double)d->u.i : 0.0;

	if (in->type == V_FLOAT)
		f = in->u.f;
	else if (in->type == V_INT || in->type == V_BOOL)
		f = in->type == V_INT ? (double)in->u.i : in->u.b;
	else if (in->type == V_STR) {
		s = xstrdup(in->u.str.s);
		str_trim(s);
		double x = strtod(s, &end);
		if (*s != '\0' && *end == '\0')
			f = x;
		free(s);
	}
	*out = value_float(f);
	return 0;
}

static int
f_string(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	*out = in->type == V_STR ? value_ref(in) :
	    value_str_take(expr_str_of(in));
	return 0;
}

static int
f_ternary(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*t = expr_arg(a, 0, "true_val");
	struct value	*f = expr_arg(a, 1, "false_val");
	struct value	*nv = expr_arg(a, 2, "none_val");

	if (t == NULL || f == NULL)
		return expr_fail(cause, "ternary needs true and false values");
	if (in->type == V_NULL && nv != NULL)
		*out = value_ref(nv);
	else
		*out = value_ref(expr_truthy(in) ? t : f);
	return 0;
}

static int
f_type_debug(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	*out = value_str(expr_type_name(in));
	return 0;
}

static const struct expr_filter expr_filters_basic[] = {
	{ "bool", f_bool, 0 },
	{ "d", f_default, EXPR_F_UNDEF },
	{ "default", f_default, EXPR_F_UNDEF },
	{ "float", f_float, 0 },
	{ "int", f_int, 0 },
	{ "mandatory", f_mandatory, EXPR_F_UNDEF },
	{ "string", f_string, 0 },
	{ "ternary", f_ternary, 0 },
	{ "type_debug", f_type_debug, 0 },
	{ NULL, NULL, 0 }
};

/* Every built-in filter, by topic; names are unique across them. */
static const struct expr_filter *const expr_filter_tables[] = {
	expr_filters_basic,
	expr_filters_string,
	expr_filters_regex,
	expr_filters_list,
	expr_filters_encode,
	expr_filters_path,
	expr_filters_num,
	expr_filters_text,
	expr_filters_seq,
	expr_filters_data,
};

/* Filters registered at run time (Lua). */
struct ext_filter {
	char		*name;
	expr_filter_fn	 fn;
	void		*ud;
};
static struct ext_filter	*ext_filters;
static size_t			 n_ext_filters;
static pthread_mutex_t		 ext_lock = PTHREAD_MUTEX_INITIALIZER;

void
expr_filter_register(const char *name, expr_filter_fn fn, void *ud)
{
	size_t	i;

	pthread_mutex_lock(&ext_lock);
	for (i = 0; i < n_ext_filters; i++) {
		if (strcmp(ext_filters[i].name, name) == 0)
			break;
	}
	if (i == n_ext_filters) {
		ext_filters = xreallocarray(ext_filters, n_ext_filters + 1,
		    sizeof *ext_filters);
		ext_filters[n_ext_filters++].name = xstrdup(name);
	}
	ext_filters[i].fn = fn;
	ext_filters[i].ud = ud;
	pthread_mutex_unlock(&ext_lock);
}

/* Collections' names resolve to the same built-ins. */
const char *
expr_short_name(const char *name)
{
	static const char *const prefixes[] = { "ansible.builtin.",
	    "ansible.utils.", "community.general.", "ansible.netcommon.",
	    NULL };
	size_t	i;

	for (i = 0; prefixes[i] != NULL; i++)
		if (str_startswith(name, prefixes[i]))
			return name + strlen(prefixes[i]);
	return name;
}

static const struct expr_filter *
find_filter(const char *name)
{
	const struct expr_filter	*f;
	size_t				 i;

	for (i = 0; i < ARRAY_SIZE(expr_filter_tables); i++) {
		for (f = expr_filter_tables[i]; f->name != NULL; f++) {
			if (strcmp(f->name, name) == 0)
				return f;
		}
	}
	return NULL;
}

static struct ext_filter *
find_ext(const char *name)
{
	size_t	i;

	for (i = 0; i < n_ext_filters; i++)
		if (strcmp(ext_filters[i].name, name) == 0)
			return &ext_filters[i];
	return NULL;
}

int
expr_filter_exists(const char *name)
{
	int	r;

	pthread_mutex_lock(&ext_lock);
	r = find_ext(name) != NULL;
	pthread_mutex_unlock(&ext_lock);
	return r || find_filter(expr_short_name(name)) != NULL;
}

int
expr_call_filter(struct eval *ev, const char *name, struct value *in,
    const struct expr_args *a, struct value **out, char **cause)
{
	const struct expr_filter	*f;
	struct ext_filter		 x;
	struct ext_filter		*xp;
	struct value			*kw = NULL;
	size_t				 i;
	int				 r;

	*out = NULL;
	pthread_mutex_lock(&ext_lock);
	if ((xp = find_ext(name)) != NULL)
		x = *xp;
	pthread_mutex_unlock(&ext_lock);
	if (xp != NULL) {
		if (in == NULL)
			return expr_undef_error(ev, cause);
		if (a->nkw > 0) {
			kw = value_dict();
			for (i = 0; i < a->nkw; i++)
				value_dict_set(kw, a->kwnames[i],
				    value_ref(a->kwvals[i]));
		}
		r = x.fn(x.ud, in, a->pos, a->npos, kw, out, cause);
		value_unref(kw);
		if (r == 0 && *out == NULL)
			*out = value_null();
		return r;
	}
	if ((f = find_filter(expr_short_name(name))) == NULL)
		return expr_fail(cause, "no filter named '%s'", name);
	if (in == NULL && (f->flags & EXPR_F_UNDEF) == 0)
		return expr_undef_error(ev, cause);
	return f->fn(ev, in, a, out, cause);
}
