/* Filters, tests, global functions and methods of the Jinja2/Ansible subset. */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <pthread.h>
#include <crypt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"
#include "regex.h"
#include "shell.h"
#include "yaml.h"

#define F_UNDEF		0x1	/* called with undefined input too */

typedef int (*filter_fn)(struct eval *, struct value *,
    const struct expr_args *, struct value **, char **);
typedef int (*test_fn)(struct eval *, struct value *,
    const struct expr_args *, int *, char **);

static int
fail(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(char **cause, const char *fmt, ...)
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

static int
arg_bool(const struct expr_args *a, size_t i, const char *kw, int def)
{
	struct value	*v = expr_arg(a, i, kw);

	return v == NULL ? def : expr_truthy(v);
}

static int
arg_int(const struct expr_args *a, size_t i, const char *kw, long long def,
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
	return fail(cause, "argument '%s' must be an integer, not %s",
	    kw, expr_type_name(v));
}

/* The argument as a string (borrowed), or def. */
static const char *
arg_str(const struct expr_args *a, size_t i, const char *kw, const char *def)
{
	struct value	*v = expr_arg(a, i, kw);

	return v != NULL && v->type == V_STR ? v->u.str.s : def;
}

static char *
str_of(const struct value *v)
{
	struct buf	b = BUF_INIT;

	expr_add_str(&b, v);
	return buf_detach(&b, NULL);
}

static struct value *
str_buf(struct buf *b)
{
	struct value	*v = value_strn(buf_cstr(b), b->len);

	buf_release(b);
	return v;
}

static int
need(const struct value *v, enum value_type t, const char *what, char **cause)
{
	if (v->type == t)
		return 0;
	return fail(cause, "%s expects a %s, got %s", what,
	    t == V_LIST ? "list" : t == V_DICT ? "dictionary" : "string",
	    expr_type_name(v));
}

/* Lists, strings and dict keys as a fresh list, as Python's list() does. */
static int
as_list(struct value *v, struct value **out, const char *what, char **cause)
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
		return fail(cause, "%s: '%s' object is not iterable", what,
		    expr_type_name(v));
	}
}

/* Basic filters. */

static int
f_default(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*d = expr_arg(a, 0, "default_value");

	if (in == NULL || (arg_bool(a, 1, "boolean", 0) && !expr_truthy(in)))
		*out = d != NULL ? value_ref(d) : value_str("");
	else
		*out = value_ref(in);
	return 0;
}

static int
f_mandatory(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*msg = arg_str(a, 0, "msg", NULL);

	if (in != NULL) {
		*out = value_ref(in);
		return 0;
	}
	if (msg != NULL) {
		free(ev->undef);
		ev->undef = NULL;
		return fail(cause, "%s", msg);
	}
	return fail(cause, "mandatory variable not defined: %s",
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

	if (arg_int(a, 0, "default", 0, &def, cause) != 0 ||
	    arg_int(a, 1, "base", 10, &base, cause) != 0)
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
			    d != NULL && d->type == V_INT ? (double)d->u.i : 0.0;

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
	*out = in->type == V_STR ? value_ref(in) : value_str_take(str_of(in));
	return 0;
}

/* Changes case: 'l'ower, 'u'pper, 'c'apitalize, 't'itle. */
static struct value *
recase(const struct value *in, int how)
{
	char	*s = str_of(in), *p;
	int	 start = 1;

	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		switch (how) {
		case 'l':
			*p = (char)tolower(c);
			break;
		case 'u':
			*p = (char)toupper(c);
			break;
		case 'c':
			*p = (char)(p == s ? toupper(c) : tolower(c));
			break;
		case 't':
			/* Jinja2 starts words after spaces, - ( { [ <. */
			*p = (char)(start ? toupper(c) : tolower(c));
			start = isspace(c) || strchr("-({[<", c) != NULL;
			break;
		}
	}
	return value_str_take(s);
}

static int
f_lower(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	*out = recase(in, 'l');
	return 0;
}

static int
f_upper(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	*out = recase(in, 'u');
	return 0;
}

static int
f_capitalize(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	*out = recase(in, 'c');
	return 0;
}

static int
f_title(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	*out = recase(in, 't');
	return 0;
}

/* Python's strip family: which is 'b'oth, 'l'eft or 'r'ight. */
static struct value *
strip(const char *s, size_t len, const char *chars, int which)
{
	size_t	st = 0, en = len;

	if (which != 'r')
		while (st < en && (chars != NULL ? strchr(chars, s[st]) != NULL
		    && s[st] != '\0' : isspace((unsigned char)s[st])))
			st++;
	if (which != 'l')
		while (en > st && (chars != NULL ? strchr(chars, s[en - 1]) !=
		    NULL && s[en - 1] != '\0' : isspace((unsigned char)s[en - 1])))
			en--;
	return value_strn(s + st, en - st);
}

static int
f_trim(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*s = str_of(in);

	*out = strip(s, strlen(s), arg_str(a, 0, "chars", NULL), 'b');
	free(s);
	return 0;
}

static struct value *
replace(const char *s, size_t len, const char *old, const char *new,
    long long count)
{
	struct buf	 b = BUF_INIT;
	size_t		 lo = strlen(old), i = 0;
	const char	*hit;

	while (count != 0 && i <= len) {
		if (lo == 0) {
			/* Python inserts new around every character. */
			buf_adds(&b, new);
			if (i < len)
				buf_addc(&b, s[i]);
			i++;
			count--;
			continue;
		}
		if ((hit = memmem(s + i, len - i, old, lo)) == NULL)
			break;
		buf_add(&b, s + i, (size_t)(hit - (s + i)));
		buf_adds(&b, new);
		i = (size_t)(hit - s) + lo;
		count--;
	}
	if (i < len)
		buf_add(&b, s + i, len - i);
	return str_buf(&b);
}

static int
f_replace(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char		*s;
	struct value	*o = expr_arg(a, 0, "old"), *n = expr_arg(a, 1, "new");
	long long	 count;
	char		*os, *ns;

	if (o == NULL || n == NULL)
		return fail(cause, "replace needs old and new strings");
	if (arg_int(a, 2, "count", -1, &count, cause) != 0)
		return -1;
	s = str_of(in), os = str_of(o), ns = str_of(n);
	*out = replace(s, strlen(s), os, ns, count);
	free(s), free(os), free(ns);
	return 0;
}

/* Regular expressions: regex.c, as Python's re on str. */

static struct regex *
re_compile(const char *pat, int icase, int multiline, char **cause)
{
	int	flags = REGEX_UNICODE;

	if (icase)
		flags |= REGEX_IGNORECASE;
	if (multiline)
		flags |= REGEX_MULTILINE;
	free(*cause);
	*cause = NULL;
	return regex_compile(pat, flags, cause);
}

static int
f_regex_replace(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct regex	*re;
	struct buf	 b = BUF_INIT;
	char		*s;
	long long	 count;
	size_t		 n;
	int		 r;

	if (arg_int(a, 4, "count", 0, &count, cause) != 0)
		return -1;
	if ((re = re_compile(arg_str(a, 0, "pattern", ""),
	    arg_bool(a, 2, "ignorecase", 0), arg_bool(a, 3, "multiline", 0),
	    cause)) == NULL)
		return -1;
	s = str_of(in);
	/* Python's count: 0 and below replace every match. */
	r = regex_subn(re, s, strlen(s), arg_str(a, 1, "replacement", ""),
	    count <= 0 ? 0 : (size_t)count, &b, &n, cause);
	if (r == 0)
		*out = str_buf(&b);
	else
		buf_release(&b);
	free(s);
	regex_free(re);
	return r;
}

static struct value *
group_value(const char *s, const struct regex_match *m, size_t g)
{
	if (g >= m->n || m->start[g] == REGEX_UNSET)
		return value_str("");
	return value_strn(s + m->start[g], m->end[g] - m->start[g]);
}

static int
findall_one(void *arg, const char *s, const struct regex_match *m)
{
	struct value	*l = arg, *t;
	size_t		 g;

	if (m->n == 1)
		value_list_append(l, group_value(s, m, 0));
	else if (m->n == 2)
		value_list_append(l, group_value(s, m, 1));
	else {
		t = value_list();
		for (g = 1; g < m->n; g++)
			value_list_append(t, group_value(s, m, g));
		value_list_append(l, t);
	}
	return 0;
}

static int
f_regex_findall(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct regex	*re;
	struct value	*l;
	char		*s;
	int		 r;

	if ((re = re_compile(arg_str(a, 0, "regex", ""),
	    arg_bool(a, 2, "ignorecase", 0), arg_bool(a, 1, "multiline", 0),
	    cause)) == NULL)
		return -1;
	l = value_list();
	s = str_of(in);
	r = regex_each(re, s, strlen(s), 0, findall_one, l, cause);
	free(s);
	regex_free(re);
	if (r != 0) {
		value_unref(l);
		return -1;
	}
	*out = l;
	return 0;
}

static int
f_regex_search(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct regex		*re;
	struct regex_match	 m = REGEX_MATCH_INIT;
	char			*s, *name;
	const char		*g;
	struct value		*l;
	size_t			 i;
	int			 rc, k;

	if ((re = re_compile(arg_str(a, 0, "regex", ""),
	    arg_bool(a, a->npos + 99, "ignorecase", 0),
	    arg_bool(a, a->npos + 99, "multiline", 0), cause)) == NULL)
		return -1;
	s = str_of(in);
	if ((rc = regex_search(re, s, strlen(s), 0, &m, cause)) < 0)
		goto out;
	if (rc == 0)
		*out = value_null();
	else if (a->npos <= 1)
		*out = group_value(s, &m, 0);
	else {
		/* Extra arguments '\\1' or '\\g<name>' pick groups. */
		l = value_list();
		for (i = 1; i < a->npos; i++) {
			if (a->pos[i]->type != V_STR)
				continue;
			g = a->pos[i]->u.str.s;
			if (g[0] == '\\' && isdigit((unsigned char)g[1]))
				k = atoi(g + 1);
			else if (strncmp(g, "\\g<", 3) == 0) {
				name = xstrndup(g + 3, strcspn(g + 3, ">"));
				k = regex_group_index(re, name);
				free(name);
			} else
				continue;
			if (k < 0) {
				value_unref(l);
				rc = fail(cause, "unknown group '%s'", g);
				goto out;
			}
			value_list_append(l, group_value(s, &m, (size_t)k));
		}
		*out = l;
	}
	rc = 0;
out:
	free(s);
	regex_match_release(&m);
	regex_free(re);
	return rc;
}

static int
f_regex_escape(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*s = str_of(in), *p;

	for (p = s; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_' &&
		    !((unsigned char)*p & 0x80))
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	free(s);
	*out = str_buf(&b);
	return 0;
}

/* Sequences. */

static int
f_join(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*l, *it;
	const char	*sep = arg_str(a, 0, "d", "");
	const char	*attr = arg_str(a, 1, "attribute", NULL);
	size_t		 i;

	if (as_list(in, &l, "join", cause) != 0)
		return -1;
	for (i = 0; i < l->u.list.n; i++) {
		if (i > 0)
			buf_adds(&b, sep);
		it = l->u.list.items[i];
		if (attr != NULL) {
			if ((it = expr_getattr(it, attr)) != NULL) {
				expr_add_str(&b, it);
				value_unref(it);
			}
		} else
			expr_add_str(&b, it);
	}
	value_unref(l);
	*out = str_buf(&b);
	return 0;
}

static int
f_length(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	if (in->type != V_STR && in->type != V_LIST && in->type != V_DICT)
		return fail(cause, "object of type '%s' has no len()",
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

	if (as_list(in, &l, last ? "last" : "first", cause) != 0)
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

static int
list_has(const struct value *l, const struct value *v)
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

	if (as_list(in, &l, "unique", cause) != 0) {
		value_unref(r);
		return -1;
	}
	for (i = 0; i < l->u.list.n; i++)
		if (!list_has(r, l->u.list.items[i]))
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

	if (a->npos < 1 || as_list(a->pos[0], &o, "set operation", cause) != 0) {
		value_unref(r);
		return a->npos < 1 ? fail(cause, "missing list argument") : -1;
	}
	if (as_list(in, &l, "set operation", cause) != 0) {
		value_unref(o);
		value_unref(r);
		return -1;
	}
	for (i = 0; i < l->u.list.n; i++) {
		struct value *it = l->u.list.items[i];
		int in_o = list_has(o, it);

		if (((which == 'u') || (which == 'i' && in_o) ||
		    ((which == 'd' || which == 's') && !in_o)) &&
		    !list_has(r, it))
			value_list_append(r, value_ref(it));
	}
	for (i = 0; (which == 'u' || which == 's') && i < o->u.list.n; i++) {
		struct value *it = o->u.list.items[i];

		if ((which == 'u' || !list_has(l, it)) && !list_has(r, it))
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

	if (as_list(in, &l, "sort", cause) != 0)
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
		return fail(cause, "cannot sort: values are of different "
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

	sc.reverse = arg_bool(a, 0, "reverse", 0);
	sc.fold = !arg_bool(a, 1, "case_sensitive", 0);
	sc.attr = arg_str(a, 2, "attribute", NULL);
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
	if (as_list(in, &l, "reverse", cause) != 0)
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
	return as_list(in, out, "list", cause);
}

static int
f_dict2items(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*kn = arg_str(a, 0, "key_name", "key");
	const char	*vn = arg_str(a, 1, "value_name", "value");
	struct value	*r, *it;
	size_t		 i;

	if (need(in, V_DICT, "dict2items", cause) != 0)
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
	const char	*kn = arg_str(a, 0, "key_name", "key");
	const char	*vn = arg_str(a, 1, "value_name", "value");
	struct value	*r, *it, *k, *v;
	size_t		 i;
	char		*ks;

	if (need(in, V_LIST, "items2dict", cause) != 0)
		return -1;
	r = value_dict();
	for (i = 0; i < in->u.list.n; i++) {
		it = in->u.list.items[i];
		if ((k = value_dict_get(it, kn)) == NULL ||
		    (v = value_dict_get(it, vn)) == NULL) {
			value_unref(r);
			return fail(cause, "items2dict: item %zu has no '%s' "
			    "or '%s' key", i, kn, vn);
		}
		ks = str_of(k);
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
				value_list_append(m, value_ref(sv->u.list.items[j]));
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
	int		 rec = arg_bool(a, a->npos, "recursive", 0);
	const char	*lm = arg_str(a, a->npos, "list_merge", "replace");
	size_t		 i, j;

	if (need(in, V_DICT, "combine", cause) != 0)
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
	return fail(cause, "combine expects dictionaries, got %s",
	    expr_type_name(src));
}

/* JSON and YAML. */

static struct value *
sort_keys(struct value *v)
{
	struct value	*r;
	size_t		 i, j, *idx, t;

	if (v->type == V_LIST) {
		r = value_list();
		for (i = 0; i < v->u.list.n; i++)
			value_list_append(r, sort_keys(v->u.list.items[i]));
		return r;
	}
	if (v->type != V_DICT)
		return value_ref(v);
	idx = xcalloc(v->u.dict.n + 1, sizeof *idx);
	for (i = 0; i < v->u.dict.n; i++)
		idx[i] = i;
	for (i = 1; i < v->u.dict.n; i++) {
		for (j = i; j > 0 && strcmp(v->u.dict.keys[idx[j - 1]],
		    v->u.dict.keys[idx[j]]) > 0; j--)
			t = idx[j], idx[j] = idx[j - 1], idx[j - 1] = t;
	}
	r = value_dict();
	for (i = 0; i < v->u.dict.n; i++)
		value_dict_set(r, v->u.dict.keys[idx[i]],
		    sort_keys(v->u.dict.vals[idx[i]]));
	free(idx);
	return r;
}

static int
f_to_json(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*v = arg_bool(a, 99, "sort_keys", 0) ? sort_keys(in) :
			    value_ref(in);

	value_to_json(&b, v, 0);
	value_unref(v);
	*out = str_buf(&b);
	return 0;
}

static int
f_to_nice_json(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*v = sort_keys(in);

	value_to_json(&b, v, 1);
	value_unref(v);
	*out = str_buf(&b);
	return 0;
}

static int
f_from_json(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*err = NULL;

	if (need(in, V_STR, "from_json", cause) != 0)
		return -1;
	if ((*out = value_from_json(in->u.str.s, in->u.str.len, &err)) == NULL) {
		fail(cause, "from_json: %s", err != NULL ? err : "bad JSON");
		free(err);
		return -1;
	}
	return 0;
}

static int
f_from_yaml(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*err = NULL;

	if (need(in, V_STR, "from_yaml", cause) != 0)
		return -1;
	if (yaml_load_string("<from_yaml>", in->u.str.s, in->u.str.len, out,
	    &err) != 0) {
		fail(cause, "from_yaml: %s", err != NULL ? err : "bad YAML");
		free(err);
		return -1;
	}
	return 0;
}

/* Would PyYAML read this plain scalar back as something else than a string? */
static int
yaml_needs_quotes(const char *s, int flow)
{
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off",
	    "true", "false", "null", "~", NULL };
	const char	*p;
	char		*end;
	size_t		 i;

	if (*s == '\0' || isspace((unsigned char)*s) ||
	    isspace((unsigned char)s[strlen(s) - 1]))
		return 1;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", *s) != NULL &&
	    !(*s == '-' && s[1] != '\0' && s[1] != ' ' && !isdigit((unsigned char)s[1]) && s[1] != '.'))
		return 1;
	if (strstr(s, ": ") != NULL || strstr(s, " #") != NULL ||
	    str_endswith(s, ":"))
		return 1;
	if (flow && strpbrk(s, ",[]{}") != NULL)
		return 1;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 1;
	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	errno = 0;
	(void)strtod(s, &end);
	if (*end == '\0')
		return 1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o'))
		return 1;
	if (strcasecmp(s, ".inf") == 0 || strcasecmp(s, "-.inf") == 0 ||
	    strcasecmp(s, ".nan") == 0)
		return 1;
	return 0;
}

static void
yaml_scalar(struct buf *b, const struct value *v, int flow)
{
	const char	*s;

	switch (v->type) {
	case V_NULL:
		buf_adds(b, "null");
		return;
	case V_BOOL:
		buf_adds(b, v->u.b ? "true" : "false");
		return;
	case V_INT:
		buf_addf(b, "%lld", v->u.i);
		return;
	case V_FLOAT:
		if (isinf(v->u.f))
			buf_adds(b, v->u.f < 0 ? "-.inf" : ".inf");
		else if (isnan(v->u.f))
			buf_adds(b, ".nan");
		else
			expr_add_str(b, v);
		return;
	default:
		break;
	}
	s = v->u.str.s;
	if (strlen(s) == v->u.str.len && !yaml_needs_quotes(s, flow)) {
		buf_adds(b, s);
		return;
	}
	if (strlen(s) == v->u.str.len && strpbrk(s, "\n\r\t") == NULL) {
		const char *p;

		for (p = s; *p != '\0' && (unsigned char)*p >= 0x20 &&
		    *p != 0x7f; p++)
			;
		if (*p == '\0') {
			buf_addc(b, '\'');
			for (p = s; *p != '\0'; p++) {
				if (*p == '\'')
					buf_addc(b, '\'');
				buf_addc(b, *p);
			}
			buf_addc(b, '\'');
			return;
		}
	}
	value_to_json(b, v, 0);
}

static int
is_scalar(const struct value *v)
{
	return v->type != V_LIST && v->type != V_DICT;
}

static int
leaf_collection(const struct value *v)
{
	size_t	i;

	if (v->type == V_LIST) {
		for (i = 0; i < v->u.list.n; i++)
			if (!is_scalar(v->u.list.items[i]))
				return 0;
		return 1;
	}
	if (v->type == V_DICT) {
		for (i = 0; i < v->u.dict.n; i++)
			if (!is_scalar(v->u.dict.vals[i]))
				return 0;
		return 1;
	}
	return 0;
}

static void
yaml_flow(struct buf *b, const struct value *v)
{
	size_t		i;
	struct value	k;

	if (v->type == V_LIST) {
		buf_addc(b, '[');
		for (i = 0; i < v->u.list.n; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			yaml_scalar(b, v->u.list.items[i], 1);
		}
		buf_addc(b, ']');
	} else {
		buf_addc(b, '{');
		for (i = 0; i < v->u.dict.n; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			memset(&k, 0, sizeof k);
			k.type = V_STR;
			k.u.str.s = v->u.dict.keys[i];
			k.u.str.len = strlen(k.u.str.s);
			yaml_scalar(b, &k, 1);
			buf_adds(b, ": ");
			yaml_scalar(b, v->u.dict.vals[i], 1);
		}
		buf_addc(b, '}');
	}
}

static void
spaces(struct buf *b, int n)
{
	while (n-- > 0)
		buf_addc(b, ' ');
}

/*
 * PyYAML's block style: dicts indented by ind, lists inside dicts not
 * indented ("- item"), list items padded to ind columns ("-   x").
 * flowleaf: collections of scalars in flow style (default_flow_style=None).
 */
static void
yaml_block(struct buf *b, const struct value *v, int col, int ind,
    int flowleaf, int inline_first)
{
	size_t		i;
	struct value	k, *c;

	if (is_scalar(v) || value_len(v) == 0 || (flowleaf &&
	    leaf_collection(v))) {
		if (is_scalar(v))
			yaml_scalar(b, v, 0);
		else if (value_len(v) == 0)
			buf_adds(b, v->type == V_LIST ? "[]" : "{}");
		else
			yaml_flow(b, v);
		buf_addc(b, '\n');
		return;
	}
	if (v->type == V_DICT) {
		for (i = 0; i < v->u.dict.n; i++) {
			if (i > 0 || !inline_first)
				spaces(b, col);
			memset(&k, 0, sizeof k);
			k.type = V_STR;
			k.u.str.s = v->u.dict.keys[i];
			k.u.str.len = strlen(k.u.str.s);
			yaml_scalar(b, &k, 0);
			buf_addc(b, ':');
			c = v->u.dict.vals[i];
			if (is_scalar(c) || value_len(c) == 0 ||
			    (flowleaf && leaf_collection(c))) {
				buf_addc(b, ' ');
				yaml_block(b, c, 0, ind, flowleaf, 0);
			} else {
				buf_addc(b, '\n');
				yaml_block(b, c, c->type == V_LIST ? col :
				    col + ind, ind, flowleaf, 0);
			}
		}
		return;
	}
	for (i = 0; i < v->u.list.n; i++) {
		if (i > 0 || !inline_first)
			spaces(b, col);
		buf_addc(b, '-');
		c = v->u.list.items[i];
		/* PyYAML pads only before a nested block: "-   key: v" */
		if (is_scalar(c) || value_len(c) == 0 ||
		    (flowleaf && leaf_collection(c)))
			buf_addc(b, ' ');
		else
			spaces(b, ind - 1);
		yaml_block(b, c, col + ind, ind, flowleaf, 1);
	}
}

static void
to_yaml(struct buf *b, struct value *in, int ind, int flowleaf)
{
	struct value	*v = sort_keys(in);

	yaml_block(b, v, 0, ind, flowleaf, 0);
	if (is_scalar(v))
		buf_adds(b, "...\n");
	value_unref(v);
}

static int
f_to_yaml(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	b = BUF_INIT;
	long long	ind;

	if (arg_int(a, 99, "indent", 2, &ind, cause) != 0)
		return -1;
	to_yaml(&b, in, ind < 2 ? 2 : (int)ind, 1);
	*out = str_buf(&b);
	return 0;
}

static int
f_to_nice_yaml(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	b = BUF_INIT;
	long long	ind;

	if (arg_int(a, 0, "indent", 4, &ind, cause) != 0)
		return -1;
	to_yaml(&b, in, ind < 2 ? 2 : (int)ind, 0);
	*out = str_buf(&b);
	return 0;
}

/* Paths and encodings. */

static int
f_basename(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*s, *sl;

	if (need(in, V_STR, "basename", cause) != 0)
		return -1;
	s = in->u.str.s;
	sl = strrchr(s, '/');
	*out = value_str(sl != NULL ? sl + 1 : s);
	return 0;
}

static int
f_dirname(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*s, *sl;
	size_t		 n;

	if (need(in, V_STR, "dirname", cause) != 0)
		return -1;
	s = in->u.str.s;
	if ((sl = strrchr(s, '/')) == NULL) {
		*out = value_str("");
		return 0;
	}
	/* Python's os.path.dirname: strip trailing slashes unless all slashes. */
	n = (size_t)(sl - s) + 1;
	while (n > 1 && s[n - 1] == '/')
		n--;
	*out = value_strn(s, n);
	return 0;
}

static int
f_splitext(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*s, *base, *dot;
	struct value	*l;

	if (need(in, V_STR, "splitext", cause) != 0)
		return -1;
	s = in->u.str.s;
	base = strrchr(s, '/');
	base = base != NULL ? base + 1 : s;
	while (*base == '.')
		base++;
	dot = strrchr(base, '.');
	l = value_list();
	if (dot == NULL) {
		value_list_append(l, value_ref(in));
		value_list_append(l, value_str(""));
	} else {
		value_list_append(l, value_strn(s, (size_t)(dot - s)));
		value_list_append(l, value_str(dot));
	}
	*out = l;
	return 0;
}

static int
f_path_join(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*it;
	size_t		 i;

	if (in->type == V_STR) {
		*out = value_ref(in);
		return 0;
	}
	if (need(in, V_LIST, "path_join", cause) != 0)
		return -1;
	for (i = 0; i < in->u.list.n; i++) {
		it = in->u.list.items[i];
		if (it->type != V_STR) {
			buf_release(&b);
			return fail(cause, "path_join expects strings");
		}
		if (it->u.str.s[0] == '/')
			buf_reset(&b);
		else if (b.len > 0 && b.s[b.len - 1] != '/')
			buf_addc(&b, '/');
		buf_adds(&b, it->u.str.s);
	}
	*out = str_buf(&b);
	return 0;
}

static int
f_quote(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*s = str_of(in);

	*out = value_str_take(shell_quote(s));
	free(s);
	return 0;
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
f_b64encode(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf		 b = BUF_INIT;
	char			*s = str_of(in);
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = in->type == V_STR ? in->u.str.len : strlen(s);
	size_t			 i;
	unsigned long		 x;

	for (i = 0; i + 2 < n; i += 3) {
		x = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		buf_addc(&b, b64chars[(x >> 18) & 63]);
		buf_addc(&b, b64chars[(x >> 12) & 63]);
		buf_addc(&b, b64chars[(x >> 6) & 63]);
		buf_addc(&b, b64chars[x & 63]);
	}
	if (i < n) {
		x = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			x |= (unsigned long)p[i + 1] << 8;
		buf_addc(&b, b64chars[(x >> 18) & 63]);
		buf_addc(&b, b64chars[(x >> 12) & 63]);
		buf_addc(&b, i + 1 < n ? b64chars[(x >> 6) & 63] : '=');
		buf_addc(&b, '=');
	}
	free(s);
	*out = str_buf(&b);
	return 0;
}

static int
f_b64decode(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	const char	*p, *c;
	unsigned long	 x = 0;
	int		 bits = 0;

	if (need(in, V_STR, "b64decode", cause) != 0)
		return -1;
	for (p = in->u.str.s; *p != '\0' && *p != '='; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if ((c = strchr(b64chars, *p)) == NULL) {
			/* urlsafe alphabet too */
			if (*p == '-')
				c = b64chars + 62;
			else if (*p == '_')
				c = b64chars + 63;
			else {
				buf_release(&b);
				return fail(cause, "b64decode: invalid "
				    "character '%c'", *p);
			}
		}
		x = (x << 6) | (unsigned long)(c - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&b, (char)((x >> bits) & 0xff));
		}
	}
	*out = str_buf(&b);
	return 0;
}

static int
f_hash(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*alg = arg_str(a, 0, "hashtype", "sha1");
	char		 hex[41];
	char		*s;

	if (strcmp(alg, "sha1") != 0)
		return fail(cause, "unsupported hash type '%s'", alg);
	s = str_of(in);
	sha1_hex(s, in->type == V_STR ? in->u.str.len : strlen(s), hex);
	free(s);
	*out = value_str(hex);
	return 0;
}

/*
 * password_hash(hashtype='sha512', salt=None, rounds=None): a crypt(3)
 * hash as the user module wants it.  Without a salt a random one is made
 * (so the hash differs each run, as in Ansible: give a salt to keep a
 * user task idempotent).
 */
static int
f_password_hash(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char		*alg = arg_str(a, 0, "hashtype", "sha512");
	const char		*salt = arg_str(a, 1, "salt", NULL);
	long long		 rounds;
	const char		*prefix;
	struct crypt_data	*cd;
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE + 64];
	char			*s, *h;
	int			 r = -1;

	(void)ev;
	if (arg_int(a, 2, "rounds", 0, &rounds, cause) != 0)
		return -1;
	if (strcmp(alg, "sha512") == 0 || strcmp(alg, "sha512_crypt") == 0)
		prefix = "$6$";
	else if (strcmp(alg, "sha256") == 0 ||
	    strcmp(alg, "sha256_crypt") == 0)
		prefix = "$5$";
	else if (strcmp(alg, "md5") == 0 || strcmp(alg, "md5_crypt") == 0)
		prefix = "$1$";
	else
		return fail(cause, "unsupported password hash type '%s'", alg);
	if (salt != NULL) {
		if (strspn(salt, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz") != strlen(salt) ||
		    strlen(salt) > 16)
			return fail(cause, "invalid salt '%s': up to 16 of "
			    "[./0-9A-Za-z]", salt);
		if (rounds > 0 && prefix[1] != '1')
			snprintf(setting, sizeof setting, "%srounds=%lld$%s$",
			    prefix, rounds, salt);
		else
			snprintf(setting, sizeof setting, "%s%s$", prefix, salt);
	} else if (crypt_gensalt_rn(prefix, rounds > 0 && prefix[1] != '1' ?
	    (unsigned long)rounds : 0, NULL, 0, setting,
	    sizeof setting) == NULL)
		return fail(cause, "cannot make a salt for '%s'", alg);
	cd = xcalloc(1, sizeof *cd);
	s = str_of(in);
	h = crypt_r(s, setting, cd);
	if (h == NULL || h[0] == '*')
		fail(cause, "crypt failed for hash type '%s'", alg);
	else {
		*out = value_str(h);
		r = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	explicit_bzero(s, strlen(s));
	free(cd);
	free(s);
	return r;
}

/*
 * random: a number below an int (or in range(start, end, step)), or an
 * element of a list.  seed= makes it the same on every run (for spreading
 * cron minutes by host), though not the same numbers as Python's.
 */
static int
f_random(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char		*seed = arg_str(a, 2, "seed", NULL);
	long long		 start, step;
	unsigned long long	 x;
	unsigned char		 b[8];
	char			 hex[41];
	FILE			*f;

	(void)ev;
	if (arg_int(a, 0, "start", 0, &start, cause) != 0 ||
	    arg_int(a, 1, "step", 1, &step, cause) != 0)
		return -1;
	if (seed != NULL) {
		sha1_hex(seed, strlen(seed), hex);
		x = strtoull(hex + 24, NULL, 16);
	} else {
		if ((f = fopen("/dev/urandom", "rb")) == NULL ||
		    fread(b, 1, sizeof b, f) != sizeof b) {
			if (f != NULL)
				fclose(f);
			return fail(cause, "cannot read /dev/urandom");
		}
		fclose(f);
		x = 0;
		for (size_t i = 0; i < sizeof b; i++)
			x = x << 8 | b[i];
	}
	if (in->type == V_LIST) {
		if (in->u.list.n == 0)
			return fail(cause, "random of an empty list");
		*out = value_ref(in->u.list.items[x % in->u.list.n]);
		return 0;
	}
	if (in->type != V_INT || step <= 0 || in->u.i <= start)
		return fail(cause, "random needs a list or an end above the "
		    "start");
	*out = value_int(start + step * (long long)(x %
	    (unsigned long long)((in->u.i - start + step - 1) / step)));
	return 0;
}

/* Numbers. */

static int
num_of(const struct value *v, double *d)
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

static int
minmax(struct value *in, const struct expr_args *a, int max,
    struct value **out, char **cause)
{
	struct sort_ctx	 sc;
	struct value	*best = NULL, *it;
	size_t		 i;

	if (need(in, V_LIST, max ? "max" : "min", cause) != 0)
		return -1;
	sc.attr = arg_str(a, 0, "attribute", NULL);
	sc.fold = !arg_bool(a, 1, "case_sensitive", 0);
	sc.reverse = 0;
	sc.bad = 0;
	for (i = 0; i < in->u.list.n; i++) {
		it = in->u.list.items[i];
		if (best == NULL || (max ? sort_cmp(&sc, it, best) > 0 :
		    sort_cmp(&sc, it, best) < 0))
			best = it;
	}
	if (sc.bad)
		return fail(cause, "cannot compare the values");
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
f_sum(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*attr = arg_str(a, 0, "attribute", NULL);
	struct value	*start = expr_arg(a, 1, "start"), *acc, *it, *n;
	size_t		 i;
	long long	 li = 0;
	double		 f = 0;
	int		 isf = 0;

	if (need(in, V_LIST, "sum", cause) != 0)
		return -1;
	acc = start != NULL ? value_ref(start) : value_int(0);
	if (acc->type == V_LIST) {
		/* sum(lists, start=[]) concatenates */
		n = value_list();
		for (i = 0; i < acc->u.list.n; i++)
			value_list_append(n, value_ref(acc->u.list.items[i]));
		for (i = 0; i < in->u.list.n; i++) {
			it = in->u.list.items[i];
			if (it->type != V_LIST) {
				value_unref(n);
				value_unref(acc);
				return fail(cause, "sum: cannot add %s to list",
				    expr_type_name(it));
			}
			for (size_t j = 0; j < it->u.list.n; j++)
				value_list_append(n,
				    value_ref(it->u.list.items[j]));
		}
		value_unref(acc);
		*out = n;
		return 0;
	}
	if (num_of(acc, &f) != 0) {
		value_unref(acc);
		return fail(cause, "sum: bad start value");
	}
	isf = acc->type == V_FLOAT;
	li = acc->type == V_INT ? acc->u.i : acc->type == V_BOOL ? acc->u.b : 0;
	value_unref(acc);
	for (i = 0; i < in->u.list.n; i++) {
		double d;

		it = in->u.list.items[i];
		if (attr != NULL && (it = expr_getattr(it, attr)) == NULL)
			return fail(cause, "sum: item %zu has no attribute "
			    "'%s'", i, attr);
		if (attr == NULL)
			value_ref(it);
		if (num_of(it, &d) != 0) {
			value_unref(it);
			return fail(cause, "unsupported operand type(s) for "
			    "+: 'int' and '%s'", expr_type_name(it));
		}
		if (it->type == V_FLOAT)
			isf = 1;
		else
			li += it->type == V_INT ? it->u.i : it->u.b;
		f += d;
		value_unref(it);
	}
	*out = isf ? value_float(f) : value_int(li);
	return 0;
}

static int
f_abs(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	if (in->type == V_INT)
		*out = value_int(in->u.i < 0 ? -in->u.i : in->u.i);
	else if (in->type == V_FLOAT)
		*out = value_float(fabs(in->u.f));
	else if (in->type == V_BOOL)
		*out = value_int(in->u.b);
	else
		return fail(cause, "bad operand type for abs(): '%s'",
		    expr_type_name(in));
	return 0;
}

static int
f_round(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	long long	 prec;
	const char	*method = arg_str(a, 1, "method", "common");
	double		 d, m, r;

	if (arg_int(a, 0, "precision", 0, &prec, cause) != 0)
		return -1;
	if (num_of(in, &d) != 0)
		return fail(cause, "round expects a number, got %s",
		    expr_type_name(in));
	m = pow(10, (double)prec);
	if (strcmp(method, "ceil") == 0)
		r = ceil(d * m) / m;
	else if (strcmp(method, "floor") == 0)
		r = floor(d * m) / m;
	else if (strcmp(method, "common") == 0)
		r = round(d * m) / m;
	else
		return fail(cause, "round: method must be common, ceil or "
		    "floor");
	*out = value_float(r);
	return 0;
}

/* Higher order: map, select, reject, selectattr, rejectattr. */

static int
f_map(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*l, *r, *it, *v, *def = expr_arg(a, 99, "default");
	const char	*attr = arg_str(a, 99, "attribute", NULL);
	struct expr_args sub;
	size_t		 i;

	if (attr == NULL && (a->npos < 1 || a->pos[0]->type != V_STR))
		return fail(cause, "map needs a filter name or attribute=");
	if (as_list(in, &l, "map", cause) != 0)
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
					return fail(cause, "'%s object' has no "
					    "attribute '%s'", expr_type_name(it),
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
		if ((attr = arg_str(a, 0, NULL, NULL)) == NULL)
			return fail(cause, "selectattr needs an attribute name");
		first = 1;
	}
	if (a->npos > first) {
		if (a->pos[first]->type != V_STR)
			return fail(cause, "test name must be a string");
		test = a->pos[first]->u.str.s;
		first++;
	}
	if (as_list(in, &l, "select", cause) != 0)
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
		if (as_list(k == 0 ? in : a->pos[k - 1], &ls[k], "zip",
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

	if (need(in, V_LIST, "flatten", cause) != 0 ||
	    arg_int(a, 0, "levels", -1, &levels, cause) != 0)
		return -1;
	*out = value_list();
	flatten(*out, in, levels, arg_bool(a, 1, "skip_nulls", 1));
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
		return fail(cause, "ternary needs true and false values");
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

static int
f_extract(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*c = expr_arg(a, 0, "container"), *v, *k;
	struct value	*morekeys = expr_arg(a, 1, "morekeys");
	char		*key;
	size_t		 i;

	if (c == NULL)
		return fail(cause, "extract needs a container");
	if (c->type == V_LIST && (in->type == V_INT) && in->u.i >= 0 &&
	    (size_t)in->u.i < c->u.list.n)
		v = value_ref(c->u.list.items[in->u.i]);
	else {
		key = str_of(in);
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
			key = str_of(k);
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
f_split(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	return expr_call_method(ev, in, "split", a, out, cause);
}

static int
f_format(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*l = value_list();
	size_t		 i;
	int		 r;

	if (need(in, V_STR, "format", cause) != 0) {
		value_unref(l);
		return -1;
	}
	for (i = 0; i < a->npos; i++)
		value_list_append(l, value_ref(a->pos[i]));
	r = expr_format_percent(in, l, out, cause);
	value_unref(l);
	return r;
}

static int
f_indent(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT, pad = BUF_INIT;
	struct value	*w = expr_arg(a, 0, "width");
	int		 first = arg_bool(a, 1, "first", 0);
	int		 blank = arg_bool(a, 2, "blank", 0);
	char		*s = str_of(in), *p, *nl;
	long long	 k;

	if (w != NULL && w->type == V_STR)
		buf_adds(&pad, w->u.str.s);
	else {
		for (k = w != NULL && w->type == V_INT ? w->u.i : 4; k > 0; k--)
			buf_addc(&pad, ' ');
	}
	for (p = s; ; p = nl + 1) {
		nl = strchr(p, '\n');
		if ((p != s || first) && (blank || (*p != '\n' && *p != '\0')))
			buf_add(&b, pad.s != NULL ? pad.s : "", pad.len);
		if (nl == NULL) {
			buf_adds(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(nl - p) + 1);
	}
	free(s);
	buf_release(&pad);
	*out = str_buf(&b);
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

	if (need(in, V_DICT, "dictsort", cause) != 0)
		return -1;
	items = value_list();
	for (i = 0; i < in->u.dict.n; i++) {
		it = value_list();
		value_list_append(it, value_str(in->u.dict.keys[i]));
		value_list_append(it, value_ref(in->u.dict.vals[i]));
		value_list_append(items, it);
	}
	sc.fold = !arg_bool(a, 0, "case_sensitive", 0);
	sc.attr = strcmp(arg_str(a, 1, "by", "key"), "value") == 0 ? "1" : "0";
	sc.reverse = arg_bool(a, 2, "reverse", 0);
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

static int
f_escape(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*s = str_of(in), *p;

	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&': buf_adds(&b, "&amp;"); break;
		case '<': buf_adds(&b, "&lt;"); break;
		case '>': buf_adds(&b, "&gt;"); break;
		case '"': buf_adds(&b, "&#34;"); break;
		case '\'': buf_adds(&b, "&#39;"); break;
		default: buf_addc(&b, *p); break;
		}
	}
	free(s);
	*out = str_buf(&b);
	return 0;
}

static const struct filter_entry {
	const char	*name;
	filter_fn	 fn;
	int		 flags;
} filters[] = {
	{ "abs", f_abs, 0 },
	{ "b64decode", f_b64decode, 0 },
	{ "b64encode", f_b64encode, 0 },
	{ "basename", f_basename, 0 },
	{ "bool", f_bool, 0 },
	{ "capitalize", f_capitalize, 0 },
	{ "checksum", f_hash, 0 },
	{ "combine", f_combine, 0 },
	{ "count", f_length, 0 },
	{ "d", f_default, F_UNDEF },
	{ "default", f_default, F_UNDEF },
	{ "dict2items", f_dict2items, 0 },
	{ "dictsort", f_dictsort, 0 },
	{ "difference", f_difference, 0 },
	{ "dirname", f_dirname, 0 },
	{ "e", f_escape, 0 },
	{ "escape", f_escape, 0 },
	{ "extract", f_extract, 0 },
	{ "first", f_first, 0 },
	{ "flatten", f_flatten, 0 },
	{ "float", f_float, 0 },
	{ "format", f_format, 0 },
	{ "from_json", f_from_json, 0 },
	{ "from_yaml", f_from_yaml, 0 },
	{ "hash", f_hash, 0 },
	{ "indent", f_indent, 0 },
	{ "int", f_int, 0 },
	{ "intersect", f_intersect, 0 },
	{ "items", f_items, 0 },
	{ "items2dict", f_items2dict, 0 },
	{ "join", f_join, 0 },
	{ "last", f_last, 0 },
	{ "length", f_length, 0 },
	{ "list", f_list, 0 },
	{ "lower", f_lower, 0 },
	{ "mandatory", f_mandatory, F_UNDEF },
	{ "map", f_map, 0 },
	{ "max", f_max, 0 },
	{ "min", f_min, 0 },
	{ "password_hash", f_password_hash, 0 },
	{ "path_join", f_path_join, 0 },
	{ "quote", f_quote, 0 },
	{ "random", f_random, 0 },
	{ "regex_escape", f_regex_escape, 0 },
	{ "regex_findall", f_regex_findall, 0 },
	{ "regex_replace", f_regex_replace, 0 },
	{ "regex_search", f_regex_search, 0 },
	{ "reject", f_reject, 0 },
	{ "rejectattr", f_rejectattr, 0 },
	{ "replace", f_replace, 0 },
	{ "reverse", f_reverse, 0 },
	{ "round", f_round, 0 },
	{ "select", f_select, 0 },
	{ "selectattr", f_selectattr, 0 },
	{ "sha1", f_hash, 0 },
	{ "sort", f_sort, 0 },
	{ "split", f_split, 0 },
	{ "splitext", f_splitext, 0 },
	{ "string", f_string, 0 },
	{ "sum", f_sum, 0 },
	{ "symmetric_difference", f_symmetric_difference, 0 },
	{ "ternary", f_ternary, 0 },
	{ "title", f_title, 0 },
	{ "to_json", f_to_json, 0 },
	{ "to_nice_json", f_to_nice_json, 0 },
	{ "to_nice_yaml", f_to_nice_yaml, 0 },
	{ "to_yaml", f_to_yaml, 0 },
	{ "trim", f_trim, 0 },
	{ "type_debug", f_type_debug, 0 },
	{ "union", f_union, 0 },
	{ "unique", f_unique, 0 },
	{ "upper", f_upper, 0 },
	{ "zip", f_zip, 0 },
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
static const char *
short_name(const char *name)
{
	static const char *const prefixes[] = { "ansible.builtin.",
	    "ansible.utils.", "community.general.", "ansible.netcommon.", NULL };
	size_t	i;

	for (i = 0; prefixes[i] != NULL; i++)
		if (str_startswith(name, prefixes[i]))
			return name + strlen(prefixes[i]);
	return name;
}

static const struct filter_entry *
find_filter(const char *name)
{
	size_t	lo = 0, hi = ARRAY_SIZE(filters), mid;
	int	c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(name, filters[mid].name)) == 0)
			return &filters[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
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
	return r || find_filter(short_name(name)) != NULL;
}

int
expr_call_filter(struct eval *ev, const char *name, struct value *in,
    const struct expr_args *a, struct value **out, char **cause)
{
	const struct filter_entry	*f;
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
	if ((f = find_filter(short_name(name))) == NULL)
		return fail(cause, "no filter named '%s'", name);
	if (in == NULL && (f->flags & F_UNDEF) == 0)
		return expr_undef_error(ev, cause);
	return f->fn(ev, in, a, out, cause);
}

/* Tests. */

static int
t_defined(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in != NULL;
	return 0;
}

static int
t_undefined(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in == NULL;
	return 0;
}

static int
t_none(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	*res = in->type == V_NULL;
	return 0;
}

static int
t_string(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_STR;
	return 0;
}

static int
t_number(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_INT || in->type == V_FLOAT;
	return 0;
}

static int
t_integer(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_INT;
	return 0;
}

static int
t_float(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_FLOAT;
	return 0;
}

static int
t_boolean(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_BOOL;
	return 0;
}

static int
t_mapping(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_DICT;
	return 0;
}

static int
t_iterable(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_LIST || in->type == V_DICT || in->type == V_STR;
	return 0;
}

static int
t_sameas(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	struct value	*o = expr_arg(a, 0, "other");

	if (o == NULL)
		return fail(cause, "sameas needs an argument");
	/* Identity: singletons (None, True, False) or the same object. */
	if (in->type == V_NULL || in->type == V_BOOL)
		*res = o->type == in->type && (in->type == V_NULL ||
		    in->u.b == o->u.b);
	else
		*res = in == o;
	return 0;
}

/* Registered results: the dict a task "register:" produced. */
static int
result_flag(struct value *in, const char *key, const char *test, int *res,
    char **cause)
{
	struct value	*v, *rs;
	size_t		 i;

	if (in->type != V_DICT)
		return fail(cause, "the '%s' test expects a dictionary", test);
	v = value_dict_get(in, key);
	*res = v != NULL && expr_truthy(v);
	/* A looped task: "changed" if any item changed, as Ansible does. */
	if (!*res && strcmp(key, "changed") == 0 &&
	    (rs = value_dict_get(in, "results")) != NULL && rs->type == V_LIST) {
		for (i = 0; i < rs->u.list.n && !*res; i++) {
			v = value_dict_get(rs->u.list.items[i], key);
			*res = v != NULL && expr_truthy(v);
		}
	}
	return 0;
}

static int
t_failed(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	return result_flag(in, "failed", "failed", res, cause);
}

static int
t_succeeded(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	if (result_flag(in, "failed", "succeeded", res, cause) != 0)
		return -1;
	*res = !*res;
	return 0;
}

static int
t_changed(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	return result_flag(in, "changed", "changed", res, cause);
}

static int
t_skipped(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	return result_flag(in, "skipped", "skipped", res, cause);
}

/* match (anchored at the start), search, regex. */
static int
re_test(struct value *in, const struct expr_args *a, int anchored,
    int *res, char **cause)
{
	struct regex	*re;
	int		 rc;

	if (in->type != V_STR)
		return fail(cause, "match and search need a string, got %s",
		    expr_type_name(in));
	if ((re = re_compile(arg_str(a, 0, "pattern", ""),
	    arg_bool(a, 1, "ignorecase", 0), arg_bool(a, 2, "multiline", 0),
	    cause)) == NULL)
		return -1;
	if (anchored)
		rc = regex_match(re, in->u.str.s, strlen(in->u.str.s), NULL,
		    cause);
	else
		rc = regex_search(re, in->u.str.s, strlen(in->u.str.s), 0,
		    NULL, cause);
	regex_free(re);
	if (rc < 0)
		return -1;
	*res = rc > 0;
	return 0;
}

static int
t_match(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	return re_test(in, a, 1, res, cause);
}

static int
t_search(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	return re_test(in, a, 0, res, cause);
}

static int
t_in(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	struct value	*hay = expr_arg(a, 0, "seq");
	int		 r;

	if (hay == NULL)
		return fail(cause, "the 'in' test needs a sequence");
	if ((r = expr_contains(hay, in, cause)) < 0)
		return -1;
	*res = r;
	return 0;
}

static int
t_contains(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	struct value	*needle = expr_arg(a, 0, "value");
	int		 r;

	if (needle == NULL)
		return fail(cause, "the 'contains' test needs a value");
	if ((r = expr_contains(in, needle, cause)) < 0)
		return -1;
	*res = r;
	return 0;
}

static int
cmp_test(struct value *in, const struct expr_args *a, const char *op,
    int *res, char **cause)
{
	struct value	*o = expr_arg(a, 0, "other");
	int		 c;

	if (o == NULL)
		return fail(cause, "the '%s' test needs an argument", op);
	if (strcmp(op, "eq") == 0 || strcmp(op, "ne") == 0) {
		*res = value_equal(in, o) == (op[0] == 'e');
		return 0;
	}
	if ((c = expr_compare(in, o, 0)) == -2)
		return fail(cause, "'%s' not supported between instances of "
		    "'%s' and '%s'", op, expr_type_name(in), expr_type_name(o));
	if (strcmp(op, "lt") == 0)
		*res = c < 0;
	else if (strcmp(op, "le") == 0)
		*res = c <= 0;
	else if (strcmp(op, "gt") == 0)
		*res = c > 0;
	else
		*res = c >= 0;
	return 0;
}

#define CMP_TEST(fname, op)						\
static int								\
fname(struct eval *ev, struct value *in, const struct expr_args *a,	\
    int *res, char **cause)						\
{									\
	return cmp_test(in, a, op, res, cause);				\
}
CMP_TEST(t_eq, "eq")
CMP_TEST(t_ne, "ne")
CMP_TEST(t_lt, "lt")
CMP_TEST(t_le, "le")
CMP_TEST(t_gt, "gt")
CMP_TEST(t_ge, "ge")

static int
t_divisibleby(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	long long	n;

	if (arg_int(a, 0, "num", 0, &n, cause) != 0)
		return -1;
	if (in->type != V_INT || n == 0)
		return fail(cause, "divisibleby needs integers");
	*res = in->u.i % n == 0;
	return 0;
}

static int
t_even(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	if (in->type != V_INT)
		return fail(cause, "even needs an integer");
	*res = in->u.i % 2 == 0;
	return 0;
}

static int
t_odd(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	if (in->type != V_INT)
		return fail(cause, "odd needs an integer");
	*res = in->u.i % 2 != 0;
	return 0;
}

static int
t_lower(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	const char	*p;

	*res = in->type == V_STR;
	for (p = *res ? in->u.str.s : ""; *p != '\0'; p++)
		if (isupper((unsigned char)*p))
			*res = 0;
	return 0;
}

static int
t_upper(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	const char	*p;

	*res = in->type == V_STR;
	for (p = *res ? in->u.str.s : ""; *p != '\0'; p++)
		if (islower((unsigned char)*p))
			*res = 0;
	return 0;
}

static int
t_truthy(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = expr_truthy(in);
	return 0;
}

static int
t_falsy(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = !expr_truthy(in);
	return 0;
}

static int
t_subset(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	struct value	*o = expr_arg(a, 0, "b");
	size_t		 i;

	if (o == NULL || o->type != V_LIST || in->type != V_LIST)
		return fail(cause, "subset and superset need lists");
	*res = 1;
	for (i = 0; i < in->u.list.n && *res; i++)
		*res = list_has(o, in->u.list.items[i]);
	return 0;
}

static int
t_superset(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	struct value	*o = expr_arg(a, 0, "b");
	size_t		 i;

	if (o == NULL || o->type != V_LIST || in->type != V_LIST)
		return fail(cause, "subset and superset need lists");
	*res = 1;
	for (i = 0; i < o->u.list.n && *res; i++)
		*res = list_has(in, o->u.list.items[i]);
	return 0;
}

/* Loose version comparison (distutils LooseVersion), as Ansible's default. */
static int
version_cmp(const char *a, const char *b)
{
	while (*a != '\0' || *b != '\0') {
		while (*a != '\0' && !isalnum((unsigned char)*a))
			a++;
		while (*b != '\0' && !isalnum((unsigned char)*b))
			b++;
		if (*a == '\0' || *b == '\0')
			return *a != '\0' ? 1 : *b != '\0' ? -1 : 0;
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long long x = strtoull(a, &ea, 10);
			unsigned long long y = strtoull(b, &eb, 10);

			if (x != y)
				return x < y ? -1 : 1;
			a = ea, b = eb;
		} else if (isdigit((unsigned char)*a))
			return 1;
		else if (isdigit((unsigned char)*b))
			return -1;
		else {
			size_t la = 0, lb = 0;
			int c;

			while (isalpha((unsigned char)a[la]))
				la++;
			while (isalpha((unsigned char)b[lb]))
				lb++;
			c = strncmp(a, b, la < lb ? la : lb);
			if (c == 0 && la != lb)
				c = la < lb ? -1 : 1;
			if (c != 0)
				return c < 0 ? -1 : 1;
			a += la, b += lb;
		}
	}
	return 0;
}

static int
t_version(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	struct value	*o = expr_arg(a, 0, "version");
	const char	*op = arg_str(a, 1, "operator", "eq");
	char		*x, *y;
	int		 c;

	if (o == NULL)
		return fail(cause, "the 'version' test needs a version");
	x = str_of(in), y = str_of(o);
	c = version_cmp(x, y);
	free(x), free(y);
	if (strcmp(op, "==") == 0 || strcmp(op, "eq") == 0 ||
	    strcmp(op, "=") == 0)
		*res = c == 0;
	else if (strcmp(op, "!=") == 0 || strcmp(op, "ne") == 0 ||
	    strcmp(op, "<>") == 0)
		*res = c != 0;
	else if (strcmp(op, "<") == 0 || strcmp(op, "lt") == 0)
		*res = c < 0;
	else if (strcmp(op, "<=") == 0 || strcmp(op, "le") == 0)
		*res = c <= 0;
	else if (strcmp(op, ">") == 0 || strcmp(op, "gt") == 0)
		*res = c > 0;
	else if (strcmp(op, ">=") == 0 || strcmp(op, "ge") == 0)
		*res = c >= 0;
	else
		return fail(cause, "invalid version operator '%s'", op);
	return 0;
}

static const struct test_entry {
	const char	*name;
	test_fn		 fn;
	int		 flags;
} tests[] = {
	{ "==", t_eq, 0 },
	{ "!=", t_ne, 0 },
	{ "<", t_lt, 0 },
	{ "<=", t_le, 0 },
	{ ">", t_gt, 0 },
	{ ">=", t_ge, 0 },
	{ "boolean", t_boolean, 0 },
	{ "change", t_changed, 0 },
	{ "changed", t_changed, 0 },
	{ "contains", t_contains, 0 },
	{ "defined", t_defined, F_UNDEF },
	{ "divisibleby", t_divisibleby, 0 },
	{ "eq", t_eq, 0 },
	{ "equalto", t_eq, 0 },
	{ "even", t_even, 0 },
	{ "failed", t_failed, 0 },
	{ "failure", t_failed, 0 },
	{ "falsy", t_falsy, 0 },
	{ "float", t_float, 0 },
	{ "ge", t_ge, 0 },
	{ "greaterthan", t_gt, 0 },
	{ "gt", t_gt, 0 },
	{ "in", t_in, 0 },
	{ "integer", t_integer, 0 },
	{ "iterable", t_iterable, 0 },
	{ "le", t_le, 0 },
	{ "lessthan", t_lt, 0 },
	{ "lower", t_lower, 0 },
	{ "lt", t_lt, 0 },
	{ "mapping", t_mapping, 0 },
	{ "match", t_match, 0 },
	{ "ne", t_ne, 0 },
	{ "none", t_none, 0 },
	{ "number", t_number, 0 },
	{ "odd", t_odd, 0 },
	{ "regex", t_search, 0 },
	{ "sameas", t_sameas, 0 },
	{ "search", t_search, 0 },
	{ "sequence", t_iterable, 0 },
	{ "skip", t_skipped, 0 },
	{ "skipped", t_skipped, 0 },
	{ "string", t_string, 0 },
	{ "subset", t_subset, 0 },
	{ "succeeded", t_succeeded, 0 },
	{ "success", t_succeeded, 0 },
	{ "superset", t_superset, 0 },
	{ "truthy", t_truthy, 0 },
	{ "undefined", t_undefined, F_UNDEF },
	{ "upper", t_upper, 0 },
	{ "version", t_version, 0 },
	{ "version_compare", t_version, 0 },
};

int
expr_call_test(struct eval *ev, const char *name, struct value *in,
    const struct expr_args *a, int *res, char **cause)
{
	const char	*s = short_name(name);
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (strcmp(tests[i].name, s) != 0)
			continue;
		if (in == NULL && (tests[i].flags & F_UNDEF) == 0)
			return expr_undef_error(ev, cause);
		if (in != NULL && in->type == V_NULL && tests[i].fn != t_none &&
		    (tests[i].fn == t_failed || tests[i].fn == t_succeeded ||
		    tests[i].fn == t_changed || tests[i].fn == t_skipped))
			return fail(cause, "the '%s' test expects a dictionary",
			    s);
		return tests[i].fn(ev, in, a, res, cause);
	}
	return fail(cause, "no test named '%s'", name);
}

/* Global functions: range(), lookup()/query(), dict(). */

static int
fn_range(struct eval *ev, const struct expr_args *a, struct value **out,
    char **cause)
{
	long long	v[3] = { 0, 0, 1 }, i, n;
	size_t		k;
	struct value	*l;

	if (a->npos < 1 || a->npos > 3)
		return fail(cause, "range expects 1 to 3 arguments");
	for (k = 0; k < a->npos; k++) {
		if (a->pos[k]->type != V_INT && a->pos[k]->type != V_BOOL)
			return fail(cause, "range arguments must be integers");
	}
	if (a->npos == 1)
		v[1] = a->pos[0]->u.i;
	else
		for (k = 0; k < a->npos; k++)
			v[k] = a->pos[k]->u.i;
	if (v[2] == 0)
		return fail(cause, "range step must not be zero");
	n = v[2] > 0 ? (v[1] - v[0] + v[2] - 1) / v[2] :
	    (v[0] - v[1] - v[2] - 1) / -v[2];
	if (n > 100000)
		return fail(cause, "range too big (%lld items)", n);
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
	char		*s = str_of(term), *path;
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
			fail(cause, "could not read file '%s': %s", path,
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
		value_list_append(acc, str_buf(&b));
	} else if (strcmp(plugin, "vars") == 0) {
		v = NULL;
		if (ev->scope != NULL && ev->scope->lookup != NULL)
			v = ev->scope->lookup(ev->scope->ud, s);
		if (v == NULL) {
			fail(cause, "no variable found with this name: %s", s);
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
		return fail(cause, "lookup plugin '%s' not found", plugin);
	}
	free(s);
	return 0;
}

static int
fn_lookup(struct eval *ev, const struct expr_args *a, struct value **out,
    char **cause, int wantlist)
{
	struct value	*acc, *d = expr_arg(a, 99, "default");
	const char	*plugin, *errors = arg_str(a, 99, "errors", "strict");
	char		*j;
	size_t		 i;
	struct buf	 b = BUF_INIT;

	if (a->npos < 1 || a->pos[0]->type != V_STR)
		return fail(cause, "lookup needs a plugin name");
	plugin = short_name(a->pos[0]->u.str.s);
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
	if (wantlist || arg_bool(a, 99, "wantlist", 0) ||
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
			j = str_of(acc->u.list.items[i]);
			buf_adds(&b, j);
			free(j);
		}
		*out = str_buf(&b);
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
				return fail(cause, "dict() needs pairs");
			}
			k = str_of(p->u.list.items[0]);
			value_dict_set(d, k, value_ref(p->u.list.items[1]));
			free(k);
		}
	} else if (a->npos == 1 && a->pos[0]->type == V_DICT) {
		value_dict_merge(d, a->pos[0], 0);
	} else if (a->npos != 0) {
		value_unref(d);
		return fail(cause, "dict() takes a list of pairs");
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
	return fail(cause, "'%s' is undefined", name);
}

/* Methods. */

static int
starts_ends(const struct value *in, const struct value *x, int ends)
{
	size_t	i;

	if (x->type == V_LIST) {
		for (i = 0; i < x->u.list.n; i++)
			if (starts_ends(in, x->u.list.items[i], ends))
				return 1;
		return 0;
	}
	if (x->type != V_STR || x->u.str.len > in->u.str.len)
		return 0;
	return memcmp(in->u.str.s + (ends ? in->u.str.len - x->u.str.len : 0),
	    x->u.str.s, x->u.str.len) == 0;
}

/* Python's str.split and rsplit. */
static struct value *
split(const struct value *in, const struct value *sep, long long max,
    int right)
{
	struct value	*l = value_list(), *r;
	const char	*s = in->u.str.s, *hit;
	size_t		 len = in->u.str.len, i = 0, j, ls;

	if (sep == NULL || sep->type == V_NULL) {
		if (right) {
			/* collect then reverse: whitespace runs, from the end */
			size_t e = len;

			r = value_list();
			while (e > 0) {
				while (e > 0 && isspace((unsigned char)s[e - 1]))
					e--;
				if (e == 0)
					break;
				if (max == 0) {
					value_list_append(r, value_strn(s, e));
					break;
				}
				j = e;
				while (j > 0 && !isspace((unsigned char)s[j - 1]))
					j--;
				value_list_append(r, value_strn(s + j, e - j));
				e = j;
				max--;
			}
			for (j = r->u.list.n; j > 0; j--)
				value_list_append(l,
				    value_ref(r->u.list.items[j - 1]));
			value_unref(r);
			return l;
		}
		for (;;) {
			while (i < len && isspace((unsigned char)s[i]))
				i++;
			if (i >= len)
				break;
			if (max == 0) {
				j = len;
				while (j > i && isspace((unsigned char)s[j - 1]))
					j--;
				value_list_append(l, value_strn(s + i, j - i));
				break;
			}
			j = i;
			while (j < len && !isspace((unsigned char)s[j]))
				j++;
			value_list_append(l, value_strn(s + i, j - i));
			i = j;
			max--;
		}
		return l;
	}
	ls = sep->u.str.len;
	if (right) {
		size_t e = len;

		r = value_list();
		for (;;) {
			const char *found = NULL, *p;

			if (max != 0 && e >= ls) {
				for (p = s + e - ls; ; p--) {
					if (memcmp(p, sep->u.str.s, ls) == 0) {
						found = p;
						break;
					}
					if (p == s)
						break;
				}
			}
			if (found == NULL) {
				value_list_append(r, value_strn(s, e));
				break;
			}
			value_list_append(r, value_strn(found + ls,
			    e - (size_t)(found - s) - ls));
			e = (size_t)(found - s);
			max--;
		}
		for (j = r->u.list.n; j > 0; j--)
			value_list_append(l, value_ref(r->u.list.items[j - 1]));
		value_unref(r);
		return l;
	}
	for (;;) {
		hit = max != 0 ? memmem(s + i, len - i, sep->u.str.s, ls) : NULL;
		if (hit == NULL) {
			value_list_append(l, value_strn(s + i, len - i));
			break;
		}
		value_list_append(l, value_strn(s + i, (size_t)(hit - s) - i));
		i = (size_t)(hit - s) + ls;
		max--;
	}
	return l;
}

/* str.format: "{}", "{0}", "{name}"; format specs are ignored. */
static int
str_format(const struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	const char	*p = in->u.str.s, *e;
	char		*field;
	size_t		 auto_i = 0, k;
	struct value	*v;

	for (; *p != '\0'; p++) {
		if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
			buf_addc(&b, *p++);
			continue;
		}
		if (*p != '{') {
			buf_addc(&b, *p);
			continue;
		}
		if ((e = strchr(p, '}')) == NULL) {
			buf_release(&b);
			return fail(cause, "single '{' encountered in format "
			    "string");
		}
		field = xstrndup(p + 1, strcspn(p + 1, ":!}"));
		v = NULL;
		if (*field == '\0')
			v = auto_i < a->npos ? a->pos[auto_i++] : NULL;
		else if (isdigit((unsigned char)*field))
			v = (k = strtoul(field, NULL, 10)) < a->npos ?
			    a->pos[k] : NULL;
		else
			v = expr_arg(a, SIZE_MAX, field);
		if (v == NULL) {
			fail(cause, "format: no argument for '{%s}'", field);
			free(field);
			buf_release(&b);
			return -1;
		}
		free(field);
		expr_add_str(&b, v);
		p = e;
	}
	*out = str_buf(&b);
	return 0;
}

static int
str_method(struct value *in, const char *name, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*x = expr_arg(a, 0, NULL), *l;
	long long	 n;
	const char	*hit;
	size_t		 i;

	if (strcmp(name, "split") == 0 || strcmp(name, "rsplit") == 0) {
		x = expr_arg(a, 0, "sep");
		if (x != NULL && x->type != V_STR && x->type != V_NULL)
			return fail(cause, "split separator must be a string");
		if (x != NULL && x->type == V_STR && x->u.str.len == 0)
			return fail(cause, "empty separator");
		if (arg_int(a, 1, "maxsplit", -1, &n, cause) != 0)
			return -1;
		*out = split(in, x, n, name[0] == 'r');
		return 0;
	}
	if (strcmp(name, "startswith") == 0 || strcmp(name, "endswith") == 0) {
		if (x == NULL)
			return fail(cause, "%s needs an argument", name);
		*out = value_bool(starts_ends(in, x, name[0] == 'e'));
		return 0;
	}
	if (strcmp(name, "strip") == 0 || strcmp(name, "lstrip") == 0 ||
	    strcmp(name, "rstrip") == 0) {
		*out = strip(in->u.str.s, in->u.str.len, x != NULL &&
		    x->type == V_STR ? x->u.str.s : NULL,
		    name[0] == 's' ? 'b' : name[0]);
		return 0;
	}
	if (strcmp(name, "lower") == 0 || strcmp(name, "upper") == 0 ||
	    strcmp(name, "capitalize") == 0 || strcmp(name, "title") == 0) {
		*out = recase(in, name[0]);
		return 0;
	}
	if (strcmp(name, "replace") == 0) {
		struct value *y = expr_arg(a, 1, NULL);

		if (x == NULL || y == NULL || x->type != V_STR ||
		    y->type != V_STR)
			return fail(cause, "replace needs two strings");
		if (arg_int(a, 2, "count", -1, &n, cause) != 0)
			return -1;
		*out = replace(in->u.str.s, in->u.str.len, x->u.str.s,
		    y->u.str.s, n);
		return 0;
	}
	if (strcmp(name, "find") == 0 || strcmp(name, "index") == 0 ||
	    strcmp(name, "count") == 0) {
		if (x == NULL || x->type != V_STR)
			return fail(cause, "%s needs a string", name);
		if (name[0] == 'c') {
			n = 0;
			for (i = 0; x->u.str.len > 0 && (hit = memmem(
			    in->u.str.s + i, in->u.str.len - i, x->u.str.s,
			    x->u.str.len)) != NULL; n++)
				i = (size_t)(hit - in->u.str.s) + x->u.str.len;
			*out = value_int(n);
			return 0;
		}
		hit = memmem(in->u.str.s, in->u.str.len, x->u.str.s,
		    x->u.str.len);
		if (hit == NULL && name[0] == 'i')
			return fail(cause, "substring not found");
		*out = value_int(hit == NULL ? -1 : hit - in->u.str.s);
		return 0;
	}
	if (strcmp(name, "join") == 0) {
		struct expr_args ja;
		struct value *sep = in;

		if (x == NULL)
			return fail(cause, "join needs a list");
		memset(&ja, 0, sizeof ja);
		ja.pos = &sep;
		ja.npos = 1;
		return f_join(NULL, x, &ja, out, cause);
	}
	if (strcmp(name, "format") == 0)
		return str_format(in, a, out, cause);
	if (strcmp(name, "splitlines") == 0) {
		l = value_list();
		for (i = 0; i < in->u.str.len; ) {
			size_t j = i;

			while (j < in->u.str.len && in->u.str.s[j] != '\n' &&
			    in->u.str.s[j] != '\r')
				j++;
			value_list_append(l, value_strn(in->u.str.s + i, j - i));
			if (j < in->u.str.len && in->u.str.s[j] == '\r' &&
			    j + 1 < in->u.str.len && in->u.str.s[j + 1] == '\n')
				j++;
			i = j + 1;
		}
		*out = l;
		return 0;
	}
	if (strcmp(name, "isdigit") == 0 || strcmp(name, "isalpha") == 0 ||
	    strcmp(name, "isalnum") == 0 || strcmp(name, "isspace") == 0 ||
	    strcmp(name, "islower") == 0 || strcmp(name, "isupper") == 0) {
		int ok = in->u.str.len > 0;

		for (i = 0; i < in->u.str.len && ok; i++) {
			unsigned char c = (unsigned char)in->u.str.s[i];

			ok = name[2] == 'd' ? isdigit(c) : name[2] == 'a' &&
			    name[5] == '\0' ? isalpha(c) : name[2] == 'a' ?
			    isalnum(c) : name[2] == 's' ? isspace(c) :
			    name[2] == 'l' ? !isupper(c) : !islower(c);
		}
		*out = value_bool(ok);
		return 0;
	}
	return fail(cause, "'str object' has no attribute '%s'", name);
}

int
expr_call_method(struct eval *ev, struct value *obj, const char *name,
    const struct expr_args *a, struct value **out, char **cause)
{
	struct value	*x = expr_arg(a, 0, NULL), *l, *it, *v;
	char		*key;
	size_t		 i;

	*out = NULL;
	if (obj->type == V_STR)
		return str_method(obj, name, a, out, cause);
	if (obj->type == V_DICT) {
		if (strcmp(name, "get") == 0) {
			if (x == NULL)
				return fail(cause, "get needs a key");
			key = str_of(x);
			v = value_dict_get(obj, key);
			free(key);
			if (v == NULL)
				v = expr_arg(a, 1, NULL);
			*out = v != NULL ? value_ref(v) : value_null();
			return 0;
		}
		if (strcmp(name, "keys") == 0 || strcmp(name, "values") == 0 ||
		    strcmp(name, "items") == 0) {
			l = value_list();
			for (i = 0; i < obj->u.dict.n; i++) {
				if (name[0] == 'k')
					v = value_str(obj->u.dict.keys[i]);
				else if (name[0] == 'v')
					v = value_ref(obj->u.dict.vals[i]);
				else {
					v = value_list();
					value_list_append(v,
					    value_str(obj->u.dict.keys[i]));
					value_list_append(v,
					    value_ref(obj->u.dict.vals[i]));
				}
				value_list_append(l, v);
			}
			*out = l;
			return 0;
		}
		if (strcmp(name, "copy") == 0) {
			*out = value_ref(obj);
			return 0;
		}
	}
	if (obj->type == V_LIST) {
		if (strcmp(name, "index") == 0 || strcmp(name, "count") == 0) {
			long long n = 0;

			if (x == NULL)
				return fail(cause, "%s needs a value", name);
			for (i = 0; i < obj->u.list.n; i++) {
				it = obj->u.list.items[i];
				if (!value_equal(it, x))
					continue;
				if (name[0] == 'i') {
					*out = value_int((long long)i);
					return 0;
				}
				n++;
			}
			if (name[0] == 'i')
				return fail(cause, "value is not in list");
			*out = value_int(n);
			return 0;
		}
	}
	return fail(cause, "'%s object' has no attribute '%s'",
	    expr_type_name(obj), name);
}

/* Python's "%" string formatting. */
int
expr_format_percent(const struct value *fmt, const struct value *args,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT, spec = BUF_INIT;
	const char	*p = fmt->u.str.s;
	const struct value *v;
	size_t		 ai = 0;
	char		*name, *s, conv;
	double		 d;

	for (; *p != '\0'; p++) {
		if (*p != '%') {
			buf_addc(&b, *p);
			continue;
		}
		p++;
		if (*p == '%') {
			buf_addc(&b, '%');
			continue;
		}
		v = NULL;
		if (*p == '(') {
			const char *e = strchr(p, ')');

			if (e == NULL || args->type != V_DICT)
				goto bad;
			name = xstrndup(p + 1, (size_t)(e - p - 1));
			v = value_dict_get(args, name);
			free(name);
			if (v == NULL)
				goto bad;
			p = e + 1;
		}
		buf_reset(&spec);
		buf_addc(&spec, '%');
		while (*p != '\0' && strchr("-+ #0123456789.", *p) != NULL)
			buf_addc(&spec, *p++);
		conv = *p;
		if (conv == '\0')
			goto bad;
		if (v == NULL) {
			if (args->type == V_LIST)
				v = ai < args->u.list.n ?
				    args->u.list.items[ai++] : NULL;
			else
				v = ai++ == 0 ? args : NULL;
			if (v == NULL) {
				buf_release(&b);
				buf_release(&spec);
				return fail(cause, "not enough arguments for "
				    "format string");
			}
		}
		switch (conv) {
		case 's':
		case 'r':
			s = conv == 'r' && v->type == V_STR ?
			    value_to_string(v) : str_of(v);
			if (conv == 'r' && v->type == V_STR) {
				/* repr of a string: quoted */
				struct value *lv = value_list();

				free(s);
				value_list_append(lv, value_ref(
				    (struct value *)v));
				s = value_to_string(lv);
				value_unref(lv);
				memmove(s, s + 1, strlen(s));
				s[strlen(s) - 1] = '\0';
			}
			buf_addc(&spec, 's');
			buf_addf(&b, buf_cstr(&spec), s);
			free(s);
			break;
		case 'd':
		case 'i':
		case 'x':
		case 'X':
		case 'o':
			if (num_of(v, &d) != 0)
				goto badtype;
			buf_adds(&spec, "ll");
			buf_addc(&spec, conv == 'i' ? 'd' : conv);
			buf_addf(&b, buf_cstr(&spec), v->type == V_INT ?
			    v->u.i : (long long)d);
			break;
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G':
			if (num_of(v, &d) != 0)
				goto badtype;
			buf_addc(&spec, conv);
			buf_addf(&b, buf_cstr(&spec), d);
			break;
		case 'c':
			s = str_of(v);
			buf_addc(&b, *s);
			free(s);
			break;
		default:
			goto bad;
		}
	}
	buf_release(&spec);
	*out = str_buf(&b);
	return 0;
badtype:
	buf_release(&b);
	buf_release(&spec);
	return fail(cause, "%%%c format: a number is required, not %s", conv,
	    expr_type_name(v));
bad:
	buf_release(&b);
	buf_release(&spec);
	return fail(cause, "bad format string '%s'", fmt->u.str.s);
}
