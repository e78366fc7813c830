/* Filters and methods on strings: case, strip, replace, split, format, %. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"
#include "shell.h"

/* Changes case: 'l'ower, 'u'pper, 'c'apitalize, 't'itle. */
static struct value *
recase(const struct value *in, int how)
{
	char	*s = expr_str_of(in), *p;
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
		    NULL &&
		    s[en - 1] != '\0' : isspace((unsigned char)s[en - 1])))
			en--;
	return value_strn(s + st, en - st);
}

static int
f_trim(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*s = expr_str_of(in);

	*out = strip(s, strlen(s), expr_arg_str(a, 0, "chars", NULL), 'b');
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
	return expr_str_buf(&b);
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
		return expr_fail(cause, "replace needs old and new strings");
	if (expr_arg_int(a, 2, "count", -1, &count, cause) != 0)
		return -1;
	s = expr_str_of(in), os = expr_str_of(o), ns = expr_str_of(n);
	*out = replace(s, strlen(s), os, ns, count);
	free(s), free(os), free(ns);
	return 0;
}

static int
f_quote(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	char	*s = expr_str_of(in);

	*out = value_str_take(shell_quote(s));
	free(s);
	return 0;
}

static int
f_join(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	struct value	*l, *it;
	const char	*sep = expr_arg_str(a, 0, "d", "");
	const char	*attr = expr_arg_str(a, 1, "attribute", NULL);
	size_t		 i;

	if (expr_as_list(in, &l, "join", cause) != 0)
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
	*out = expr_str_buf(&b);
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

	if (expr_need(in, V_STR, "format", cause) != 0) {
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
	int		 first = expr_arg_bool(a, 1, "first", 0);
	int		 blank = expr_arg_bool(a, 2, "blank", 0);
	char		*s = expr_str_of(in), *p, *nl;
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
	*out = expr_str_buf(&b);
	return 0;
}

static int
f_escape(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*s = expr_str_of(in), *p;

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
	*out = expr_str_buf(&b);
	return 0;
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
				while (e > 0 &&
				    isspace((unsigned char)s[e - 1]))
					e--;
				if (e == 0)
					break;
				if (max == 0) {
					value_list_append(r, value_strn(s, e));
					break;
				}
				j = e;
				while (j > 0 &&
				    !isspace((unsigned char)s[j - 1]))
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
				while (j > i &&
				    isspace((unsigned char)s[j - 1]))
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
		hit = max != 0 ?
		    memmem(s + i, len - i, sep->u.str.s, ls) : NULL;
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
			return expr_fail(cause,
			    "single '{' encountered in format "
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
			expr_fail(cause, "format: no argument for '{%s}'",
			    field);
			free(field);
			buf_release(&b);
			return -1;
		}
		free(field);
		expr_add_str(&b, v);
		p = e;
	}
	*out = expr_str_buf(&b);
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
			return expr_fail(cause,
			    "split separator must be a string");
		if (x != NULL && x->type == V_STR && x->u.str.len == 0)
			return expr_fail(cause, "empty separator");
		if (expr_arg_int(a, 1, "maxsplit", -1, &n, cause) != 0)
			return -1;
		*out = split(in, x, n, name[0] == 'r');
		return 0;
	}
	if (strcmp(name, "startswith") == 0 || strcmp(name, "endswith") == 0) {
		if (x == NULL)
			return expr_fail(cause, "%s needs an argument", name);
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
			return expr_fail(cause, "replace needs two strings");
		if (expr_arg_int(a, 2, "count", -1, &n, cause) != 0)
			return -1;
		*out = replace(in->u.str.s, in->u.str.len, x->u.str.s,
		    y->u.str.s, n);
		return 0;
	}
	if (strcmp(name, "find") == 0 || strcmp(name, "index") == 0 ||
	    strcmp(name, "count") == 0) {
		if (x == NULL || x->type != V_STR)
			return expr_fail(cause, "%s needs a string", name);
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
			return expr_fail(cause, "substring not found");
		*out = value_int(hit == NULL ? -1 : hit - in->u.str.s);
		return 0;
	}
	if (strcmp(name, "join") == 0) {
		struct expr_args ja;
		struct value *sep = in;

		if (x == NULL)
			return expr_fail(cause, "join needs a list");
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
			value_list_append(l, value_strn(in->u.str.s + i,
			    j - i));
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
	return expr_fail(cause, "'str object' has no attribute '%s'", name);
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
				return expr_fail(cause, "get needs a key");
			key = expr_str_of(x);
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
				return expr_fail(cause, "%s needs a value",
				    name);
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
				return expr_fail(cause, "value is not in list");
			*out = value_int(n);
			return 0;
		}
	}
	return expr_fail(cause, "'%s object' has no attribute '%s'",
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
				return expr_fail(cause,
				    "not enough arguments for "
				    "format string");
			}
		}
		switch (conv) {
		case 's':
		case 'r':
			s = conv == 'r' && v->type == V_STR ?
			    value_to_string(v) : expr_str_of(v);
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
			if (expr_num_of(v, &d) != 0)
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
			if (expr_num_of(v, &d) != 0)
				goto badtype;
			buf_addc(&spec, conv);
			buf_addf(&b, buf_cstr(&spec), d);
			break;
		case 'c':
			s = expr_str_of(v);
			buf_addc(&b, *s);
			free(s);
			break;
		default:
			goto bad;
		}
	}
	buf_release(&spec);
	*out = expr_str_buf(&b);
	return 0;
badtype:
	buf_release(&b);
	buf_release(&spec);
	return expr_fail(cause, "%%%c format: a number is required, not %s",
	    conv, expr_type_name(v));
bad:
	buf_release(&b);
	buf_release(&spec);
	return expr_fail(cause, "bad format string '%s'", fmt->u.str.s);
}

const struct expr_filter expr_filters_string[] = {
	{ "capitalize", f_capitalize, 0 },
	{ "e", f_escape, 0 },
	{ "escape", f_escape, 0 },
	{ "format", f_format, 0 },
	{ "indent", f_indent, 0 },
	{ "join", f_join, 0 },
	{ "lower", f_lower, 0 },
	{ "quote", f_quote, 0 },
	{ "replace", f_replace, 0 },
	{ "split", f_split, 0 },
	{ "title", f_title, 0 },
	{ "trim", f_trim, 0 },
	{ "upper", f_upper, 0 },
	{ NULL, NULL, 0 }
};
