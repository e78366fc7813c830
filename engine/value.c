/* The JSON-like value type shared by YAML, variables, arguments and results. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

static struct value *
value_new(enum value_type type)
{
	struct value	*v = xcalloc(1, sizeof *v);

	v->type = type;
	v->refs = 1;
	return v;
}

struct value *
value_null(void)
{
	return value_new(V_NULL);
}

struct value *
value_bool(int b)
{
	struct value	*v = value_new(V_BOOL);

	v->u.b = b != 0;
	return v;
}

struct value *
value_int(long long i)
{
	struct value	*v = value_new(V_INT);

	v->u.i = i;
	return v;
}

struct value *
value_float(double f)
{
	struct value	*v = value_new(V_FLOAT);

	v->u.f = f;
	return v;
}

struct value *
value_strn(const char *s, size_t len)
{
	struct value	*v = value_new(V_STR);

	v->u.str.s = xstrndup(s, len);
	v->u.str.len = len;
	return v;
}

struct value *
value_str(const char *s)
{
	return value_strn(s, strlen(s));
}

struct value *
value_str_take(char *s)
{
	struct value	*v = value_new(V_STR);

	v->u.str.s = s;
	v->u.str.len = strlen(s);
	return v;
}

struct value *
value_strf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return value_str_take(s);
}

struct value *
value_list(void)
{
	return value_new(V_LIST);
}

struct value *
value_dict(void)
{
	return value_new(V_DICT);
}

struct value *
value_ref(struct value *v)
{
	if (v != NULL)
		__atomic_add_fetch(&v->refs, 1, __ATOMIC_RELAXED);
	return v;
}

void
value_unref(struct value *v)
{
	size_t	i;

	if (v == NULL || __atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	switch (v->type) {
	case V_STR:
		free(v->u.str.s);
		break;
	case V_LIST:
		for (i = 0; i < v->u.list.n; i++)
			value_unref(v->u.list.items[i]);
		free(v->u.list.items);
		break;
	case V_DICT:
		for (i = 0; i < v->u.dict.n; i++) {
			free(v->u.dict.keys[i]);
			value_unref(v->u.dict.vals[i]);
		}
		free(v->u.dict.keys);
		free(v->u.dict.vals);
		free(v->u.dict.klocs);
		free(v->u.dict.hidx);
		break;
	default:
		break;
	}
	free(v);
}

struct value *
value_copy(const struct value *v)
{
	struct value	*c;
	size_t		 i;

	if (v == NULL)
		return NULL;
	switch (v->type) {
	case V_STR:
		c = value_strn(v->u.str.s, v->u.str.len);
		break;
	case V_LIST:
		c = value_list();
		for (i = 0; i < v->u.list.n; i++)
			value_list_append(c, value_copy(v->u.list.items[i]));
		break;
	case V_DICT:
		c = value_dict();
		for (i = 0; i < v->u.dict.n; i++) {
			value_dict_set(c, v->u.dict.keys[i],
			    value_copy(v->u.dict.vals[i]));
			if (v->u.dict.klocs != NULL)
				value_dict_set_keyloc(c, v->u.dict.keys[i],
				    &v->u.dict.klocs[i]);
		}
		break;
	default:
		c = value_new(v->type);
		c->u = v->u;
		break;
	}
	c->flags = v->flags;
	c->loc = v->loc;
	return c;
}

void
value_list_append(struct value *l, struct value *item)
{
	if (l->type != V_LIST)
		fatal("value_list_append on a %s", value_type_name(l->type));
	if (l->u.list.n == l->u.list.cap) {
		l->u.list.cap = l->u.list.cap ? l->u.list.cap * 2 : 4;
		l->u.list.items = xreallocarray(l->u.list.items,
		    l->u.list.cap, sizeof *l->u.list.items);
	}
	l->u.list.items[l->u.list.n++] = item;
}

size_t
value_len(const struct value *v)
{
	switch (v->type) {
	case V_STR:
		return v->u.str.len;
	case V_LIST:
		return v->u.list.n;
	case V_DICT:
		return v->u.dict.n;
	default:
		return 0;
	}
}

/*
 * Small dicts are searched in order; from DICT_HASH_MIN keys on a dict
 * also keeps an open-addressing index (at most half full) so that big
 * inventories and fact sets do not make every lookup linear.  The index
 * is only ever changed by writers, never built on a read: shared dicts
 * are read by several threads at once.
 */
#define DICT_HASH_MIN	16
#define HIDX_EMPTY	((size_t)-1)

static size_t
key_hash(const char *k)
{
	size_t	h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

static void
dict_hash_insert(struct value *d, size_t i)
{
	size_t	mask = d->u.dict.hcap - 1, h;

	for (h = key_hash(d->u.dict.keys[i]) & mask;
	    d->u.dict.hidx[h] != HIDX_EMPTY; h = (h + 1) & mask)
		;
	d->u.dict.hidx[h] = i;
}

static void
dict_hash_rebuild(struct value *d)
{
	size_t	cap = 64;

	free(d->u.dict.hidx);
	d->u.dict.hidx = NULL;
	d->u.dict.hcap = 0;
	if (d->u.dict.n < DICT_HASH_MIN)
		return;
	while (cap < d->u.dict.n * 2 + 2)
		cap *= 2;
	d->u.dict.hidx = xreallocarray(NULL, cap, sizeof *d->u.dict.hidx);
	memset(d->u.dict.hidx, 0xff, cap * sizeof *d->u.dict.hidx);
	d->u.dict.hcap = cap;
	for (size_t i = 0; i < d->u.dict.n; i++)
		dict_hash_insert(d, i);
}

static long
dict_index(const struct value *d, const char *key)
{
	size_t	i, mask, h;

	if (d->u.dict.hidx != NULL) {
		mask = d->u.dict.hcap - 1;
		for (h = key_hash(key) & mask; (i = d->u.dict.hidx[h]) !=
		    HIDX_EMPTY; h = (h + 1) & mask)
			if (strcmp(d->u.dict.keys[i], key) == 0)
				return (long)i;
		return -1;
	}
	for (i = 0; i < d->u.dict.n; i++) {
		if (strcmp(d->u.dict.keys[i], key) == 0)
			return (long)i;
	}
	return -1;
}

struct value *
value_dict_get(const struct value *d, const char *key)
{
	long	i;

	if (d == NULL || d->type != V_DICT)
		return NULL;
	i = dict_index(d, key);
	return i < 0 ? NULL : d->u.dict.vals[i];
}

void
value_dict_set(struct value *d, const char *key, struct value *v)
{
	long	i;

	if (d->type != V_DICT)
		fatal("value_dict_set on a %s", value_type_name(d->type));
	if ((i = dict_index(d, key)) >= 0) {
		value_unref(d->u.dict.vals[i]);
		d->u.dict.vals[i] = v;
		return;
	}
	if (d->u.dict.n == d->u.dict.cap) {
		d->u.dict.cap = d->u.dict.cap ? d->u.dict.cap * 2 : 4;
		d->u.dict.keys = xreallocarray(d->u.dict.keys, d->u.dict.cap,
		    sizeof *d->u.dict.keys);
		d->u.dict.vals = xreallocarray(d->u.dict.vals, d->u.dict.cap,
		    sizeof *d->u.dict.vals);
		if (d->u.dict.klocs != NULL)
			d->u.dict.klocs = xreallocarray(d->u.dict.klocs,
			    d->u.dict.cap, sizeof *d->u.dict.klocs);
	}
	if (d->u.dict.klocs != NULL)
		memset(&d->u.dict.klocs[d->u.dict.n], 0,
		    sizeof *d->u.dict.klocs);
	d->u.dict.keys[d->u.dict.n] = xstrdup(key);
	d->u.dict.vals[d->u.dict.n++] = v;
	if (d->u.dict.hidx != NULL && d->u.dict.n * 2 < d->u.dict.hcap)
		dict_hash_insert(d, d->u.dict.n - 1);
	else if (d->u.dict.n >= DICT_HASH_MIN)
		dict_hash_rebuild(d);
}

void
value_dict_setstr(struct value *d, const char *key, const char *s)
{
	value_dict_set(d, key, value_str(s));
}

void
value_dict_setint(struct value *d, const char *key, long long i)
{
	value_dict_set(d, key, value_int(i));
}

void
value_dict_setbool(struct value *d, const char *key, int b)
{
	value_dict_set(d, key, value_bool(b));
}

int
value_dict_del(struct value *d, const char *key)
{
	long	i;
	size_t	rest;

	if (d->type != V_DICT || (i = dict_index(d, key)) < 0)
		return 0;
	free(d->u.dict.keys[i]);
	value_unref(d->u.dict.vals[i]);
	rest = d->u.dict.n - (size_t)i - 1;
	memmove(&d->u.dict.keys[i], &d->u.dict.keys[i + 1],
	    rest * sizeof *d->u.dict.keys);
	memmove(&d->u.dict.vals[i], &d->u.dict.vals[i + 1],
	    rest * sizeof *d->u.dict.vals);
	if (d->u.dict.klocs != NULL)
		memmove(&d->u.dict.klocs[i], &d->u.dict.klocs[i + 1],
		    rest * sizeof *d->u.dict.klocs);
	d->u.dict.n--;
	if (d->u.dict.hidx != NULL)
		dict_hash_rebuild(d);
	return 1;
}

const struct loc *
value_dict_keyloc(const struct value *d, const char *key)
{
	long	i;

	if (d == NULL || d->type != V_DICT || d->u.dict.klocs == NULL ||
	    (i = dict_index(d, key)) < 0 || d->u.dict.klocs[i].file == NULL)
		return NULL;
	return &d->u.dict.klocs[i];
}

void
value_dict_set_keyloc(struct value *d, const char *key, const struct loc *loc)
{
	long	i;

	if (d->type != V_DICT || (i = dict_index(d, key)) < 0)
		return;
	if (d->u.dict.klocs == NULL)
		d->u.dict.klocs = xcalloc(d->u.dict.cap ? d->u.dict.cap : 1,
		    sizeof *d->u.dict.klocs);
	d->u.dict.klocs[i] = *loc;
}

void
value_dict_merge(struct value *dst, const struct value *src, int deep)
{
	struct value	*old, *sv, *merged;
	size_t		 i;

	if (src == NULL || src->type != V_DICT)
		return;
	for (i = 0; i < src->u.dict.n; i++) {
		sv = src->u.dict.vals[i];
		old = value_dict_get(dst, src->u.dict.keys[i]);
		if (deep && old != NULL && old->type == V_DICT &&
		    sv->type == V_DICT) {
			merged = value_copy(old);
			value_dict_merge(merged, sv, 1);
			value_dict_set(dst, src->u.dict.keys[i], merged);
		} else
			value_dict_set(dst, src->u.dict.keys[i], value_ref(sv));
	}
}

const char *
value_type_name(enum value_type t)
{
	switch (t) {
	case V_NULL:
		return "NoneType";
	case V_BOOL:
		return "bool";
	case V_INT:
		return "int";
	case V_FLOAT:
		return "float";
	case V_STR:
		return "str";
	case V_LIST:
		return "list";
	case V_DICT:
		return "dict";
	}
	return "unknown";
}

int
value_truthy(const struct value *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case V_NULL:
		return 0;
	case V_BOOL:
		return v->u.b;
	case V_INT:
		return v->u.i != 0;
	case V_FLOAT:
		return v->u.f != 0.0;
	case V_STR:
		return v->u.str.len != 0;
	case V_LIST:
		return v->u.list.n != 0;
	case V_DICT:
		return v->u.dict.n != 0;
	}
	return 0;
}

int
value_as_bool(const struct value *v)
{
	static const char *const yes[] = { "yes", "on", "1", "true", "y", "t" };
	static const char *const no[] = { "no", "off", "0", "false", "n", "f", "" };
	size_t	i;

	if (v == NULL)
		return -1;
	switch (v->type) {
	case V_BOOL:
		return v->u.b;
	case V_INT:
		return v->u.i == 0 || v->u.i == 1 ? (int)v->u.i : -1;
	case V_FLOAT:
		return v->u.f == 0.0 || v->u.f == 1.0 ? (int)v->u.f : -1;
	case V_STR:
		for (i = 0; i < ARRAY_SIZE(yes); i++)
			if (strcasecmp(v->u.str.s, yes[i]) == 0)
				return 1;
		for (i = 0; i < ARRAY_SIZE(no); i++)
			if (strcasecmp(v->u.str.s, no[i]) == 0)
				return 0;
		return -1;
	default:
		return -1;
	}
}

static void
add_float(struct buf *b, double f, int json)
{
	char	tmp[64];

	if (isnan(f)) {
		buf_adds(b, json ? "NaN" : "nan");
		return;
	}
	if (isinf(f)) {
		buf_adds(b, f < 0 ? (json ? "-Infinity" : "-inf") :
		    (json ? "Infinity" : "inf"));
		return;
	}
	/*
	 * Python's repr: the shortest form that reads back the same, in
	 * positional notation from 1e-4 up to 1e16, exponent form outside.
	 */
	int	prec, exp10;
	char	digits[64];

	for (prec = 1; prec <= 17; prec++) {
		snprintf(digits, sizeof digits, "%.*e", prec - 1, f);
		if (strtod(digits, NULL) == f)
			break;
	}
	exp10 = atoi(strchr(digits, 'e') + 1);
	if (f != 0.0 && (exp10 < -4 || exp10 >= 16)) {
		/* 1e+16 as Python writes it: mantissa, "e+16" */
		char *e = strchr(digits, 'e');
		char mant[64];

		snprintf(mant, sizeof mant, "%.*s", (int)(e - digits), digits);
		buf_addf(b, "%se%c%02d", mant, exp10 < 0 ? '-' : '+',
		    exp10 < 0 ? -exp10 : exp10);
		return;
	}
	snprintf(tmp, sizeof tmp, "%.*f", prec - 1 - exp10 > 0 ?
	    prec - 1 - exp10 : 0, f);
	buf_adds(b, tmp);
	if (strchr(tmp, '.') == NULL)
		buf_adds(b, ".0");
}

/* Python's repr() of a string: single quotes unless it holds one. */
static void
add_repr_str(struct buf *b, const char *s, size_t len)
{
	char	q = memchr(s, '\'', len) && !memchr(s, '"', len) ? '"' : '\'';
	size_t	i;

	buf_addc(b, q);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == (unsigned char)q || c == '\\')
			buf_addc(b, '\\'), buf_addc(b, (char)c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
	buf_addc(b, q);
}

static void
add_repr(struct buf *b, const struct value *v)
{
	size_t	i;

	switch (v->type) {
	case V_NULL:
		buf_adds(b, "None");
		break;
	case V_BOOL:
		buf_adds(b, v->u.b ? "True" : "False");
		break;
	case V_INT:
		buf_addf(b, "%lld", v->u.i);
		break;
	case V_FLOAT:
		add_float(b, v->u.f, 0);
		break;
	case V_STR:
		add_repr_str(b, v->u.str.s, v->u.str.len);
		break;
	case V_LIST:
		buf_addc(b, '[');
		for (i = 0; i < v->u.list.n; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			add_repr(b, v->u.list.items[i]);
		}
		buf_addc(b, ']');
		break;
	case V_DICT:
		buf_addc(b, '{');
		for (i = 0; i < v->u.dict.n; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			add_repr_str(b, v->u.dict.keys[i],
			    strlen(v->u.dict.keys[i]));
			buf_adds(b, ": ");
			add_repr(b, v->u.dict.vals[i]);
		}
		buf_addc(b, '}');
		break;
	}
}

char *
value_to_string(const struct value *v)
{
	struct buf	b = BUF_INIT;

	if (v->type == V_STR)
		return xstrndup(v->u.str.s, v->u.str.len);
	add_repr(&b, v);
	return buf_detach(&b, NULL);
}

int
value_equal(const struct value *a, const struct value *b)
{
	size_t		 i;
	struct value	*bv;

	if (a == b)
		return 1;
	if (a == NULL || b == NULL)
		return 0;
	/* Python: 1 == 1.0 == True */
	if ((a->type == V_INT || a->type == V_FLOAT || a->type == V_BOOL) &&
	    (b->type == V_INT || b->type == V_FLOAT || b->type == V_BOOL)) {
		double x = a->type == V_INT ? (double)a->u.i :
		    a->type == V_FLOAT ? a->u.f : a->u.b;
		double y = b->type == V_INT ? (double)b->u.i :
		    b->type == V_FLOAT ? b->u.f : b->u.b;
		return x == y;
	}
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case V_NULL:
		return 1;
	case V_STR:
		return a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
	case V_LIST:
		if (a->u.list.n != b->u.list.n)
			return 0;
		for (i = 0; i < a->u.list.n; i++)
			if (!value_equal(a->u.list.items[i], b->u.list.items[i]))
				return 0;
		return 1;
	case V_DICT:
		if (a->u.dict.n != b->u.dict.n)
			return 0;
		for (i = 0; i < a->u.dict.n; i++) {
			bv = value_dict_get(b, a->u.dict.keys[i]);
			if (bv == NULL || !value_equal(a->u.dict.vals[i], bv))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

int
value_is_template(const struct value *v)
{
	if (v == NULL || v->type != V_STR || (v->flags & VALUE_UNSAFE))
		return 0;
	return strstr(v->u.str.s, "{{") != NULL ||
	    strstr(v->u.str.s, "{%") != NULL;
}

static void
json_str(struct buf *b, const char *s, size_t len)
{
	size_t	i;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\b':
			buf_adds(b, "\\b");
			break;
		case '\f':
			buf_adds(b, "\\f");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_addf(b, "\\u%04x", c);
			else
				buf_addc(b, (char)c);
		}
	}
	buf_addc(b, '"');
}

static void
json_indent(struct buf *b, int pretty, int depth)
{
	if (!pretty)
		return;
	buf_addc(b, '\n');
	for (int i = 0; i < depth * 4; i++)
		buf_addc(b, ' ');
}

static void
json_value(struct buf *b, const struct value *v, int pretty, int depth)
{
	size_t	i;

	switch (v->type) {
	case V_NULL:
		buf_adds(b, "null");
		break;
	case V_BOOL:
		buf_adds(b, v->u.b ? "true" : "false");
		break;
	case V_INT:
		buf_addf(b, "%lld", v->u.i);
		break;
	case V_FLOAT:
		add_float(b, v->u.f, 1);
		break;
	case V_STR:
		json_str(b, v->u.str.s, v->u.str.len);
		break;
	case V_LIST:
		if (v->u.list.n == 0) {
			buf_adds(b, "[]");
			break;
		}
		buf_addc(b, '[');
		for (i = 0; i < v->u.list.n; i++) {
			if (i > 0)
				buf_adds(b, pretty ? "," : ", ");
			json_indent(b, pretty, depth + 1);
			json_value(b, v->u.list.items[i], pretty, depth + 1);
		}
		json_indent(b, pretty, depth);
		buf_addc(b, ']');
		break;
	case V_DICT:
		if (v->u.dict.n == 0) {
			buf_adds(b, "{}");
			break;
		}
		buf_addc(b, '{');
		for (i = 0; i < v->u.dict.n; i++) {
			if (i > 0)
				buf_adds(b, pretty ? "," : ", ");
			json_indent(b, pretty, depth + 1);
			json_str(b, v->u.dict.keys[i], strlen(v->u.dict.keys[i]));
			buf_adds(b, ": ");
			json_value(b, v->u.dict.vals[i], pretty, depth + 1);
		}
		json_indent(b, pretty, depth);
		buf_addc(b, '}');
		break;
	}
}

void
value_to_json(struct buf *b, const struct value *v, int pretty)
{
	json_value(b, v, pretty, 0);
}

struct json_parser {
	const char	*p;
	const char	*end;
	const char	*start;
	char		*cause;
	int		 depth;
};

static void
json_skip_ws(struct json_parser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
	    *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static int
json_error(struct json_parser *jp, const char *what)
{
	if (jp->cause == NULL)
		jp->cause = xasprintf("invalid JSON at offset %zu: %s",
		    (size_t)(jp->p - jp->start), what);
	return -1;
}

static int
json_hex4(struct json_parser *jp, unsigned long *cp)
{
	if (jp->end - jp->p < 4)
		return json_error(jp, "short \\u escape");
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		char c = jp->p[i];

		if (c >= '0' && c <= '9')
			*cp = *cp * 16 + (unsigned long)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*cp = *cp * 16 + (unsigned long)((c | 0x20) - 'a' + 10);
		else
			return json_error(jp, "bad \\u escape");
	}
	jp->p += 4;
	return 0;
}

static int
json_string(struct json_parser *jp, struct buf *b)
{
	unsigned long	cp, lo;

	jp->p++;	/* opening quote */
	while (jp->p < jp->end && *jp->p != '"') {
		if ((unsigned char)*jp->p < 0x20)
			return json_error(jp, "control character in string");
		if (*jp->p != '\\') {
			buf_addc(b, *jp->p++);
			continue;
		}
		if (++jp->p >= jp->end)
			break;
		switch (*jp->p++) {
		case '"': buf_addc(b, '"'); break;
		case '\\': buf_addc(b, '\\'); break;
		case '/': buf_addc(b, '/'); break;
		case 'b': buf_addc(b, '\b'); break;
		case 'f': buf_addc(b, '\f'); break;
		case 'n': buf_addc(b, '\n'); break;
		case 'r': buf_addc(b, '\r'); break;
		case 't': buf_addc(b, '\t'); break;
		case 'u':
			if (json_hex4(jp, &cp) != 0)
				return -1;
			if (cp >= 0xd800 && cp < 0xdc00 && jp->end - jp->p >= 6 &&
			    jp->p[0] == '\\' && jp->p[1] == 'u') {
				jp->p += 2;
				if (json_hex4(jp, &lo) != 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return json_error(jp, "bad surrogate pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xd800 && cp < 0xe000)
				return json_error(jp, "lone surrogate");
			buf_add_utf8(b, cp);
			break;
		default:
			jp->p--;
			return json_error(jp, "bad escape");
		}
	}
	if (jp->p >= jp->end)
		return json_error(jp, "unterminated string");
	jp->p++;
	return 0;
}

static struct value *json_parse(struct json_parser *);

static struct value *
json_container(struct json_parser *jp, char close)
{
	struct value	*c = close == ']' ? value_list() : value_dict();
	struct value	*item;
	struct buf	 key = BUF_INIT;

	jp->p++;
	json_skip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return c;
	}
	for (;;) {
		json_skip_ws(jp);
		if (close == '}') {
			if (jp->p >= jp->end || *jp->p != '"') {
				json_error(jp, "expected a string key");
				goto fail;
			}
			buf_reset(&key);
			if (json_string(jp, &key) != 0)
				goto fail;
			json_skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				json_error(jp, "expected ':'");
				goto fail;
			}
			jp->p++;
		}
		if ((item = json_parse(jp)) == NULL)
			goto fail;
		if (close == '}')
			value_dict_set(c, buf_cstr(&key), item);
		else
			value_list_append(c, item);
		json_skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			break;
		}
		json_error(jp, close == ']' ? "expected ',' or ']'" :
		    "expected ',' or '}'");
		goto fail;
	}
	buf_release(&key);
	return c;
fail:
	buf_release(&key);
	value_unref(c);
	return NULL;
}

static struct value *
json_parse(struct json_parser *jp)
{
	struct value	*v;
	struct buf	 b = BUF_INIT;
	const char	*start;
	char		*end;
	int		 is_float = 0;

	json_skip_ws(jp);
	if (jp->p >= jp->end) {
		json_error(jp, "unexpected end of input");
		return NULL;
	}
	if (++jp->depth > 512) {
		json_error(jp, "nested too deeply");
		return NULL;
	}
	switch (*jp->p) {
	case '{':
		v = json_container(jp, '}');
		break;
	case '[':
		v = json_container(jp, ']');
		break;
	case '"':
		if (json_string(jp, &b) != 0) {
			buf_release(&b);
			return NULL;
		}
		v = value_strn(buf_cstr(&b), b.len);
		buf_release(&b);
		break;
	default:
		if (jp->end - jp->p >= 4 && memcmp(jp->p, "true", 4) == 0) {
			jp->p += 4;
			v = value_bool(1);
		} else if (jp->end - jp->p >= 5 &&
		    memcmp(jp->p, "false", 5) == 0) {
			jp->p += 5;
			v = value_bool(0);
		} else if (jp->end - jp->p >= 4 &&
		    memcmp(jp->p, "null", 4) == 0) {
			jp->p += 4;
			v = value_null();
		} else {
			start = jp->p;
			if (jp->p < jp->end && *jp->p == '-')
				jp->p++;
			while (jp->p < jp->end && (strchr("0123456789", *jp->p) ||
			    (*jp->p && strchr(".eE+-", *jp->p)))) {
				if (strchr(".eE", *jp->p))
					is_float = 1;
				jp->p++;
			}
			if (jp->p == start || (jp->p - start == 1 && *start == '-')) {
				jp->p = start;
				json_error(jp, "unexpected character");
				return NULL;
			}
			buf_add(&b, start, (size_t)(jp->p - start));
			errno = 0;
			if (is_float) {
				double f = strtod(buf_cstr(&b), &end);
				v = *end ? NULL : value_float(f);
			} else {
				long long i = strtoll(buf_cstr(&b), &end, 10);
				v = *end || errno ? NULL : value_int(i);
			}
			buf_release(&b);
			if (v == NULL) {
				jp->p = start;
				json_error(jp, "bad number");
			}
		}
	}
	jp->depth--;
	return v;
}

struct value *
value_from_json(const char *text, size_t len, char **cause)
{
	struct json_parser	 jp = { text, text + len, text, NULL, 0 };
	struct value		*v;

	v = json_parse(&jp);
	if (v != NULL) {
		json_skip_ws(&jp);
		if (jp.p != jp.end) {
			json_error(&jp, "trailing characters");
			value_unref(v);
			v = NULL;
		}
	}
	if (v == NULL) {
		if (cause != NULL)
			*cause = jp.cause;
		else
			free(jp.cause);
	}
	return v;
}
