/*
 * Argument spec checking, a port of Ansible 2.14's ArgumentSpecValidator
 * (module_utils/common/arg_spec.py, parameters.py, validation.py): the
 * same steps in the same order, so the same messages come out.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "argspec.h"

struct ctx {
	struct value	*errors;	/* list of strings */
	struct value	*unsupported;	/* list of "a.b" names */
	struct value	*supported;	/* the last one's [names, aliases] */
	struct buf	 where;		/* "a -> b", options_context */
};

static const char *
attr_str(const struct value *opt, const char *key)
{
	struct value	*v = value_dict_get(opt, key);

	return v != NULL && v->type == V_STR ? v->u.str.s : NULL;
}

static int
attr_bool(const struct value *opt, const char *key)
{
	struct value	*v = value_dict_get(opt, key);

	return v != NULL && value_truthy(v);
}

/*
 * Python's type(value) as printed in messages.  What Ansible read from
 * YAML keeps its loader's classes (a value with a file location here);
 * what a template made is a plain str.
 */
static const char *
py_type(const struct value *v)
{
	if (v->loc.file != NULL) {
		if (v->type == V_STR)
			return "<class 'ansible.parsing.yaml.objects."
			    "AnsibleUnicode'>";
		if (v->type == V_LIST)
			return "<class 'ansible.parsing.yaml.objects."
			    "AnsibleSequence'>";
		if (v->type == V_DICT)
			return "<class 'ansible.parsing.yaml.objects."
			    "AnsibleMapping'>";
	}
	switch (v->type) {
	case V_NULL:
		return "<class 'NoneType'>";
	case V_BOOL:
		return "<class 'bool'>";
	case V_INT:
		return "<class 'int'>";
	case V_FLOAT:
		return "<class 'float'>";
	case V_STR:
		return "<class 'str'>";
	case V_LIST:
		return "<class 'list'>";
	default:
		return "<class 'dict'>";
	}
}

/* Python's ==, where 1 == 1.0 == True. */
static int
py_eq(const struct value *a, const struct value *b)
{
	int	 an = a->type == V_BOOL || a->type == V_INT || a->type == V_FLOAT;
	int	 bn = b->type == V_BOOL || b->type == V_INT || b->type == V_FLOAT;

	if (an && bn) {
		double x = a->type == V_FLOAT ? a->u.f : a->type == V_INT ?
		    (double)a->u.i : a->u.b;
		double y = b->type == V_FLOAT ? b->u.f : b->type == V_INT ?
		    (double)b->u.i : b->u.b;

		return x == y;
	}
	return value_equal(a, b);
}

static int
py_in(const struct value *v, const struct value *list)
{
	for (size_t i = 0; i < list->u.list.n; i++)
		if (py_eq(v, list->u.list.items[i]))
			return 1;
	return 0;
}

static void
add_error(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add_error(struct ctx *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	value_list_append(c->errors, value_str_take(msg));
}

/* " found in a -> b" as the checks of validation.py add it. */
static void
add_error_in(struct ctx *c, char *msg)
{
	if (c->where.len)
		add_error(c, "%s found in %s", msg, buf_cstr(&c->where));
	else
		add_error(c, "%s", msg);
	free(msg);
}

/* boolean() of convert_bool.py; -1 when it is not a boolean. */
static int
py_boolean(const struct value *v)
{
	static const char *const yes[] = { "y", "yes", "on", "1", "true", "t" };
	static const char *const no[] = { "n", "no", "off", "0", "false", "f" };
	char	*s;
	int	 r = -1;

	if (v->type == V_BOOL)
		return v->u.b;
	if (v->type == V_INT || v->type == V_FLOAT) {
		double d = v->type == V_INT ? (double)v->u.i : v->u.f;

		return d == 1 ? 1 : d == 0 ? 0 : -1;
	}
	if (v->type != V_STR)
		return -1;
	s = xstrdup(v->u.str.s);
	str_trim(s);
	for (char *p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (size_t i = 0; i < ARRAY_SIZE(yes) && r < 0; i++)
		if (strcmp(s, yes[i]) == 0)
			r = 1;
	for (size_t i = 0; i < ARRAY_SIZE(no) && r < 0; i++)
		if (strcmp(s, no[i]) == 0)
			r = 0;
	free(s);
	return r;
}

int
argspec_human_to_bytes(const char *s, int isbits, long long *out)
{
	static const char	 units[] = "BKMGTPEZY";
	const char		*p = s, *num, *u;
	char			*numtext, *end;
	double			 n;
	size_t			 nl, ul;
	int			 shift;

	while (isspace((unsigned char)*p))
		p++;
	num = p;
	p += strspn(p, "0123456789");
	if (*p == '.')
		p++;
	p += strspn(p, "0123456789");
	nl = (size_t)(p - num);
	while (isspace((unsigned char)*p))
		p++;
	u = p;
	while (isalpha((unsigned char)*p))
		p++;
	ul = (size_t)(p - u);
	numtext = xstrndup(num, nl);
	n = strtod(numtext, &end);
	if (nl == 0 || *end != '\0' || (nl == 1 && *num == '.')) {
		free(numtext);
		return -1;
	}
	free(numtext);
	if (ul == 0) {
		*out = (long long)nearbyint(n);
		return 0;
	}
	if (strchr(units, toupper((unsigned char)*u)) == NULL)
		return -1;
	shift = (int)(strchr(units, toupper((unsigned char)*u)) - units) * 10;
	if (ul > 1) {
		char *unit = xstrndup(u, ul);

		for (char *q = unit; *q != '\0'; q++)
			*q = (char)tolower((unsigned char)*q);
		if (strstr(unit, isbits ? "bit" : "byte") == NULL &&
		    u[1] != (isbits ? 'b' : 'B')) {
			free(unit);
			return -1;
		}
		free(unit);
	}
	if (shift >= 63)
		return -1;
	*out = (long long)nearbyint(n * (double)(1LL << shift));
	return 0;
}

/* check_type_dict's "k=v, k2='v 2'" splitting. */
static struct value *
dict_from_kv(const char *s)
{
	struct value	*d = value_dict();
	struct buf	 field = BUF_INIT;
	char		*copy = xstrdup(s), *t = str_trim(copy);
	char		 quote = 0;
	int		 esc = 0;

	for (;; t++) {
		int stop = *t == '\0';

		if (!stop && esc) {
			buf_addc(&field, *t);
			esc = 0;
			continue;
		}
		if (!stop && *t == '\\') {
			esc = 1;
			continue;
		}
		if (!stop && !quote && (*t == '\'' || *t == '"')) {
			quote = *t;
			continue;
		}
		if (!stop && quote && *t == quote) {
			quote = 0;
			continue;
		}
		if (stop || (!quote && (*t == ',' || *t == ' '))) {
			const char *f = buf_cstr(&field), *eq;

			if (field.len && (eq = strchr(f, '=')) == NULL) {
				value_unref(d);
				d = NULL;
			} else if (field.len && d != NULL) {
				char *k = xstrndup(f, (size_t)(eq - f));

				value_dict_set(d, k, value_str(eq + 1));
				free(k);
			}
			field.len = 0;
			if (field.s != NULL)
				field.s[0] = '\0';
			if (stop || d == NULL)
				break;
			continue;
		}
		buf_addc(&field, *t);
	}
	buf_release(&field);
	free(copy);
	return d;
}

/* os.path.expanduser(os.path.expandvars(s)), on the controller. */
static char *
expand_path(const char *s)
{
	struct buf	 b = BUF_INIT;
	const char	*home = getenv("HOME"), *p = s, *e;

	while (*p != '\0') {
		size_t	 n;
		int	 brace = p[1] == '{';

		if (*p != '$') {
			buf_addc(&b, *p++);
			continue;
		}
		e = p + 1 + brace;
		n = strspn(e, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_");
		if (n == 0 || (brace && e[n] != '}')) {
			buf_addc(&b, *p++);
			continue;
		}
		char *name = xstrndup(e, n);
		const char *val = getenv(name);

		if (val != NULL)
			buf_adds(&b, val);
		else
			buf_add(&b, p, (size_t)(e + n + brace - p));
		free(name);
		p = e + n + brace;
	}
	if (b.len && b.s[0] == '~' && (b.s[1] == '/' || b.s[1] == '\0') &&
	    home != NULL) {
		char *r = xasprintf("%s%s", home, b.s + 1);

		buf_release(&b);
		return r;
	}
	return buf_detach(&b, NULL);
}

/*
 * One value through the check_type_* of a type name: a new value, or
 * NULL and *why (the exception's text).
 */
static struct value *
convert(const char *type, struct value *v, char **why)
{
	struct value	*out;
	long long	 n;
	char		*s, *end;
	int		 b;

	*why = NULL;
	if (type == NULL || strcmp(type, "str") == 0) {
		if (v->type == V_STR)
			return value_ref(v);
		return value_str_take(value_to_string(v));
	}
	if (strcmp(type, "raw") == 0)
		return value_ref(v);
	if (strcmp(type, "path") == 0) {
		s = value_to_string(v);
		out = value_str_take(expand_path(s));
		free(s);
		return out;
	}
	if (strcmp(type, "list") == 0) {
		if (v->type == V_LIST)
			return value_ref(v);
		out = value_list();
		if (v->type == V_STR) {
			const char *p = v->u.str.s, *c;

			while ((c = strchr(p, ',')) != NULL) {
				value_list_append(out, value_strn(p,
				    (size_t)(c - p)));
				p = c + 1;
			}
			value_list_append(out, value_str(p));
			return out;
		}
		if (v->type == V_INT || v->type == V_FLOAT ||
		    v->type == V_BOOL) {
			value_list_append(out, value_str_take(
			    value_to_string(v)));
			return out;
		}
		value_unref(out);
		*why = xasprintf("%s cannot be converted to a list",
		    py_type(v));
		return NULL;
	}
	if (strcmp(type, "dict") == 0) {
		if (v->type == V_DICT)
			return value_ref(v);
		if (v->type != V_STR) {
			*why = xasprintf("%s cannot be converted to a dict",
			    py_type(v));
			return NULL;
		}
		if (v->u.str.s[0] == '{') {
			char *cause = NULL;

			out = value_from_json(v->u.str.s, v->u.str.len, &cause);
			free(cause);
			if (out == NULL || out->type != V_DICT) {
				value_unref(out);
				*why = xstrdup("unable to evaluate string as "
				    "dictionary");
				return NULL;
			}
			return out;
		}
		if (strchr(v->u.str.s, '=') != NULL &&
		    (out = dict_from_kv(v->u.str.s)) != NULL)
			return out;
		*why = xstrdup("dictionary requested, could not parse JSON or "
		    "key=value");
		return NULL;
	}
	if (strcmp(type, "bool") == 0) {
		if (v->type == V_LIST || v->type == V_DICT ||
		    v->type == V_NULL) {
			*why = xasprintf("%s cannot be converted to a bool",
			    py_type(v));
			return NULL;
		}
		if ((b = py_boolean(v)) < 0) {
			s = value_to_string(v);
			/* boolean()'s own text; Python prints a set, in no order */
			*why = xasprintf("The value '%s' is not a valid boolean. "
			    " Valid booleans include: 'y', 'yes', 'on', '1', "
			    "'true', 't', 1, 'n', 'no', 'off', '0', 'false', "
			    "'f', 0", s);
			free(s);
			return NULL;
		}
		return value_bool(b);
	}
	if (strcmp(type, "int") == 0) {
		if (v->type == V_INT || v->type == V_BOOL)
			return value_ref(v);
		if (v->type == V_STR) {
			s = xstrdup(v->u.str.s);
			str_trim(s);
			n = strtoll(s, &end, 10);
			b = *s != '\0' && *end == '\0';
			free(s);
			if (b)
				return value_int(n);
		}
		*why = xasprintf("%s cannot be converted to an int", py_type(v));
		return NULL;
	}
	if (strcmp(type, "float") == 0) {
		if (v->type == V_FLOAT)
			return value_ref(v);
		if (v->type == V_INT || v->type == V_BOOL)
			return value_float(v->type == V_INT ? (double)v->u.i :
			    v->u.b);
		if (v->type == V_STR) {
			double d;

			s = xstrdup(v->u.str.s);
			str_trim(s);
			d = strtod(s, &end);
			b = *s != '\0' && *end == '\0';
			free(s);
			if (b)
				return value_float(d);
		}
		*why = xasprintf("%s cannot be converted to a float",
		    py_type(v));
		return NULL;
	}
	if (strcmp(type, "jsonarg") == 0 || strcmp(type, "json") == 0) {
		if (v->type == V_STR) {
			s = xstrdup(v->u.str.s);
			out = value_str(str_trim(s));
			free(s);
			return out;
		}
		if (v->type == V_LIST || v->type == V_DICT) {
			struct buf j = BUF_INIT;

			value_to_json(&j, v, 0);
			return value_str_take(buf_detach(&j, NULL));
		}
		*why = xasprintf("%s cannot be converted to a json string",
		    py_type(v));
		return NULL;
	}
	if (strcmp(type, "bytes") == 0 || strcmp(type, "bits") == 0) {
		int bits = strcmp(type, "bits") == 0;

		s = value_to_string(v);
		b = v->type != V_LIST && v->type != V_DICT &&
		    argspec_human_to_bytes(s, bits, &n) == 0;
		free(s);
		if (b)
			return value_int(n);
		*why = xasprintf("%s cannot be converted to a %s value",
		    py_type(v), bits ? "Bit" : "Byte");
		return NULL;
	}
	/* DEFAULT_TYPE_VALIDATORS has no such name: None is called */
	*why = xstrdup("'NoneType' object is not callable");
	return NULL;
}

/* _handle_aliases: params[name] = params[alias]; -1 after an error. */
static int
handle_aliases(struct ctx *c, const struct value *spec, struct value *params,
    struct value *aliases)
{
	for (size_t i = 0; i < spec->u.dict.n; i++) {
		const char	*k = spec->u.dict.keys[i];
		struct value	*opt = spec->u.dict.vals[i], *al, *dv;

		if (opt->type != V_DICT)
			continue;
		al = value_dict_get(opt, "aliases");
		dv = value_dict_get(opt, "default");
		if (dv != NULL && dv->type != V_NULL &&
		    attr_bool(opt, "required")) {
			add_error(c, "internal error: required and default "
			    "are mutually exclusive for %s", k);
			return -1;
		}
		if (al == NULL || al->type == V_NULL)
			continue;
		if (al->type != V_LIST) {
			add_error(c, "internal error: aliases must be a list "
			    "or tuple");
			return -1;
		}
		for (size_t j = 0; j < al->u.list.n; j++) {
			char		*a = value_to_string(al->u.list.items[j]);
			struct value	*pv = value_dict_get(params, a);

			if (aliases != NULL)
				value_dict_setstr(aliases, a, k);
			if (pv != NULL)
				value_dict_set(params, k, value_ref(pv));
			free(a);
		}
	}
	return 0;
}

/* Options and aliases a spec takes; aliases also get their own list. */
static int
is_legal(const struct value *spec, const struct value *aliases, const char *k)
{
	return value_dict_get(spec, k) != NULL ||
	    value_dict_get(aliases, k) != NULL;
}

static void
check_unsupported(struct ctx *c, const struct value *spec,
    const struct value *params, const struct value *aliases)
{
	struct value	*names, *al;

	for (size_t i = 0; i < params->u.dict.n; i++) {
		const char *k = params->u.dict.keys[i];

		if (is_legal(spec, aliases, k))
			continue;
		value_list_append(c->unsupported, c->where.len ?
		    value_strf("%s.%s", buf_cstr(&c->where), k) :
		    value_str(k));
		names = value_list();
		al = value_list();
		for (size_t j = 0; j < spec->u.dict.n; j++)
			value_list_append(names, value_str(spec->u.dict.keys[j]));
		for (size_t j = 0; j < aliases->u.dict.n; j++)
			value_list_append(al, value_str(aliases->u.dict.keys[j]));
		value_unref(c->supported);
		c->supported = value_list();
		value_list_append(c->supported, names);
		value_list_append(c->supported, al);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	const struct value *const *x = a, *const *y = b;

	return strcmp((*x)->u.str.s, (*y)->u.str.s);
}

/* ", ".join(sorted(list)) of a list of strings. */
static char *
join_sorted(struct value *list, const char *sep)
{
	struct buf	b = BUF_INIT;

	if (list->u.list.n > 1)
		qsort(list->u.list.items, list->u.list.n,
		    sizeof *list->u.list.items, cmp_str);
	for (size_t i = 0; i < list->u.list.n; i++)
		buf_addf(&b, "%s%s", i ? sep : "", list->u.list.items[i]->u.str.s);
	return buf_detach(&b, NULL);
}

/* ", ".join of a list's items as Python's str() gives them. */
static char *
join_items(const struct value *list, const char *sep)
{
	struct buf	b = BUF_INIT;

	for (size_t i = 0; list != NULL && i < list->u.list.n; i++) {
		char *s = value_to_string(list->u.list.items[i]);

		buf_addf(&b, "%s%s", i ? sep : "", s);
		free(s);
	}
	return buf_detach(&b, NULL);
}

/* count_terms: how many of terms (a name or a list) are in params. */
static size_t
count_terms(const struct value *terms, const struct value *params)
{
	size_t	n = 0;

	if (terms->type != V_LIST) {
		char *s = value_to_string(terms);

		n = value_dict_get(params, s) != NULL;
		free(s);
		return n;
	}
	for (size_t i = 0; i < terms->u.list.n; i++) {
		int dup = 0;

		/* a set: a name written twice counts once */
		for (size_t j = 0; j < i; j++)
			dup |= py_eq(terms->u.list.items[i],
			    terms->u.list.items[j]);
		if (!dup)
			n += count_terms(terms->u.list.items[i], params);
	}
	return n;
}

static void
check_mutually_exclusive(struct ctx *c, const struct value *terms,
    const struct value *params)
{
	struct buf	b = BUF_INIT;

	if (terms == NULL || terms->type != V_LIST)
		return;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		struct value *t = terms->u.list.items[i];

		if (count_terms(t, params) <= 1)
			continue;
		char *j = t->type == V_LIST ? join_items(t, "|") :
		    value_to_string(t);

		buf_addf(&b, "%s%s", b.len ? ", " : "", j);
		free(j);
	}
	if (b.len)
		add_error_in(c, xasprintf("parameters are mutually exclusive: "
		    "%s", buf_cstr(&b)));
	buf_release(&b);
}

static void
check_required(struct ctx *c, const struct value *spec,
    const struct value *params)
{
	struct value	*missing = value_list();

	for (size_t i = 0; i < spec->u.dict.n; i++)
		if (spec->u.dict.vals[i]->type == V_DICT &&
		    attr_bool(spec->u.dict.vals[i], "required") &&
		    value_dict_get(params, spec->u.dict.keys[i]) == NULL)
			value_list_append(missing,
			    value_str(spec->u.dict.keys[i]));
	if (missing->u.list.n > 0) {
		char *ms = join_sorted(missing, ", ");

		add_error_in(c, xasprintf("missing required arguments: %s", ms));
		free(ms);
	}
	value_unref(missing);
}

/* _set_defaults: with set_default, absent options become their default. */
static void
set_defaults(const struct value *spec, struct value *params, int set_default)
{
	for (size_t i = 0; i < spec->u.dict.n; i++) {
		struct value *opt = spec->u.dict.vals[i], *dv;

		if (opt->type != V_DICT ||
		    value_dict_get(params, spec->u.dict.keys[i]) != NULL)
			continue;
		dv = value_dict_get(opt, "default");
		if ((dv != NULL && dv->type != V_NULL) || set_default)
			value_dict_set(params, spec->u.dict.keys[i],
			    dv != NULL ? value_copy(dv) : value_null());
	}
}

/* A dict option, or a list of dicts: what "options" applies to. */
static int
takes_suboptions(const struct value *opt)
{
	const char	*type = attr_str(opt, "type");
	const char	*el = attr_str(opt, "elements");

	return type != NULL && (strcmp(type, "dict") == 0 ||
	    (strcmp(type, "list") == 0 && el != NULL &&
	    strcmp(el, "dict") == 0));
}

/* A list of what Python's iter() gives: items, characters, keys. */
static struct value *
iterable(struct value *v)
{
	struct value	*l;

	if (v->type == V_LIST)
		return value_ref(v);
	if (v->type != V_STR && v->type != V_DICT)
		return NULL;
	l = value_list();
	if (v->type == V_STR)
		for (size_t i = 0; i < v->u.str.len; i++)
			value_list_append(l, value_strn(v->u.str.s + i, 1));
	else
		for (size_t i = 0; i < v->u.dict.n; i++)
			value_list_append(l, value_str(v->u.dict.keys[i]));
	return l;
}

/*
 * _list_no_log_values' walk through suboptions, which converts string
 * elements to dicts and stops at the first it cannot: its error comes
 * before any other.  The values themselves are not hidden: Ansible's
 * action returns its arguments as they are.  -1 when it stopped.
 */
static int
scan_suboptions(struct ctx *c, const struct value *spec,
    const struct value *params)
{
	for (size_t i = 0; i < spec->u.dict.n; i++) {
		struct value	*opt = spec->u.dict.vals[i], *sub, *pv, *el;
		const char	*type, *k = spec->u.dict.keys[i];
		int		 r = 0;

		if (opt->type != V_DICT ||
		    (sub = value_dict_get(opt, "options")) == NULL ||
		    sub->type != V_DICT ||
		    (pv = value_dict_get(params, k)) == NULL ||
		    pv->type == V_NULL)
			continue;
		type = attr_str(opt, "type");
		if (!takes_suboptions(opt))
			continue;
		for (size_t j = 0; r == 0 && j < (pv->type == V_LIST ?
		    pv->u.list.n : 1); j++) {
			char *why = NULL;

			el = pv->type == V_LIST ? pv->u.list.items[j] : pv;
			if (el->type == V_STR) {
				if ((el = convert("dict", el, &why)) == NULL) {
					add_error(c, "%s", why);
					free(why);
					return -1;
				}
			} else
				el = value_ref(el);
			if (el->type != V_DICT) {
				char *vs = value_to_string(el);

				add_error(c, "Value '%s' in the sub parameter "
				    "field '%s' must by a %s, not '%s'", vs, k,
				    type, value_type_name(el->type));
				free(vs);
				value_unref(el);
				return -1;
			}
			r = scan_suboptions(c, sub, el);
			value_unref(el);
		}
		if (r != 0)
			return -1;
	}
	return 0;
}

static void
validate_types(struct ctx *c, const struct value *spec, struct value *params)
{
	for (size_t i = 0; i < spec->u.dict.n; i++) {
		const char	*k = spec->u.dict.keys[i];
		struct value	*opt = spec->u.dict.vals[i], *v, *out, *ev;
		const char	*type, *et;
		char		*why = NULL;

		if (opt->type != V_DICT ||
		    (v = value_dict_get(params, k)) == NULL ||
		    v->type == V_NULL)
			continue;
		type = attr_str(opt, "type");
		if ((out = convert(type, v, &why)) == NULL) {
			add_error(c, "argument '%s' is of type %s%s%s%s and we "
			    "were unable to convert to %s: %s", k, py_type(v),
			    c->where.len ? " found in '" : "",
			    buf_cstr(&c->where), c->where.len ? "'." : "",
			    type != NULL ? type : "str", why);
			free(why);
			continue;
		}
		value_dict_set(params, k, out);
		if ((et = attr_str(opt, "elements")) == NULL)
			continue;
		if (type == NULL || strcmp(type, "list") != 0 ||
		    out->type != V_LIST) {
			char *s = value_to_string(out);

			add_error(c, "Invalid type %s for option '%s'%s%s%s, "
			    "elements value check is supported only with "
			    "'list' type", type != NULL ? type : "str", s,
			    c->where.len ? " found in '" : "",
			    buf_cstr(&c->where), c->where.len ? "'." : "");
			free(s);
		}
		/* Python iterates what it has: a string's characters too */
		struct value *items = iterable(out);

		if (items == NULL) {
			add_error(c, "argument '%s' is of type %s%s%s%s and we "
			    "were unable to convert to %s: '%s' object is not "
			    "iterable", k, py_type(v),
			    c->where.len ? " found in '" : "",
			    buf_cstr(&c->where), c->where.len ? "'." : "",
			    type != NULL ? type : "str", value_type_name(out->type));
			continue;
		}
		ev = value_list();
		for (size_t j = 0; j < items->u.list.n; j++) {
			struct value *e = items->u.list.items[j], *ce;

			if ((ce = convert(et, e, &why)) != NULL) {
				value_list_append(ev, ce);
				continue;
			}
			add_error(c, "Elements value for option '%s'%s%s%s is of "
			    "type %s and we were unable to convert to %s: %s",
			    k, c->where.len ? " found in '" : "",
			    buf_cstr(&c->where), c->where.len ? "'" : "",
			    py_type(e), et, why);
			free(why);
		}
		value_unref(items);
		value_dict_set(params, k, ev);
	}
}

static void
validate_values(struct ctx *c, const struct value *spec, struct value *params)
{
	static const char *const t[] = { "y", "yes", "on", "1", "true", "t" };
	static const char *const f[] = { "n", "no", "off", "0", "false", "f" };

	for (size_t i = 0; i < spec->u.dict.n; i++) {
		const char	*k = spec->u.dict.keys[i];
		struct value	*opt = spec->u.dict.vals[i], *ch, *v;
		char		*cs, *vs;

		if (opt->type != V_DICT ||
		    (ch = value_dict_get(opt, "choices")) == NULL ||
		    ch->type == V_NULL)
			continue;
		if (ch->type != V_LIST) {
			cs = value_to_string(ch);
			add_error_in(c, xasprintf("internal error: choices for "
			    "argument %s are not iterable: %s", k, cs));
			free(cs);
			continue;
		}
		if ((v = value_dict_get(params, k)) == NULL)
			continue;
		if (v->type == V_LIST) {
			struct value *diff = value_list();

			for (size_t j = 0; j < v->u.list.n; j++)
				if (!py_in(v->u.list.items[j], ch))
					value_list_append(diff,
					    value_ref(v->u.list.items[j]));
			if (diff->u.list.n > 0) {
				cs = join_items(ch, ", ");
				vs = join_items(diff, ", ");
				add_error_in(c, xasprintf("value of %s must be "
				    "one or more of: %s. Got no match for: %s",
				    k, cs, vs));
				free(cs);
				free(vs);
			}
			value_unref(diff);
			continue;
		}
		if (py_in(v, ch))
			continue;
		/* "False" from a template matches the one false choice */
		if (v->type == V_STR && (strcmp(v->u.str.s, "False") == 0 ||
		    strcmp(v->u.str.s, "True") == 0)) {
			const char *const *set = v->u.str.s[0] == 'F' ? f : t;
			struct value *only = NULL;
			int hits = 0;

			for (size_t j = 0; j < ch->u.list.n; j++) {
				struct value *cv = ch->u.list.items[j];

				for (size_t s = 0; s < 6; s++)
					if (cv->type == V_STR &&
					    strcmp(cv->u.str.s, set[s]) == 0)
						hits++, only = cv;
				if ((cv->type == V_BOOL || cv->type == V_INT) &&
				    py_eq(cv, &(struct value){ .type = V_INT,
				    .u.i = set == t }))
					hits++, only = cv;
			}
			if (hits == 1) {
				value_dict_set(params, k, value_ref(only));
				continue;
			}
		}
		cs = join_items(ch, ", ");
		vs = value_to_string(v);
		add_error_in(c, xasprintf("value of %s must be one of: %s, got: "
		    "%s", k, cs, vs));
		free(cs);
		free(vs);
	}
}

static void
check_required_together(struct ctx *c, const struct value *terms,
    const struct value *params)
{
	if (terms == NULL || terms->type != V_LIST)
		return;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		struct value	*t = terms->u.list.items[i];
		int		 some = 0, none = 0;

		for (size_t j = 0; t->type == V_LIST && j < t->u.list.n; j++) {
			if (count_terms(t->u.list.items[j], params) > 0)
				some = 1;
			else
				none = 1;
		}
		if (some && none) {
			char *j = join_items(t, ", ");

			add_error_in(c, xasprintf("parameters are required "
			    "together: %s", j));
			free(j);
			return;	/* the first raises */
		}
	}
}

static void
check_required_one_of(struct ctx *c, const struct value *terms,
    const struct value *params)
{
	if (terms == NULL || terms->type != V_LIST)
		return;
	for (size_t i = 0; i < terms->u.list.n; i++) {
		struct value *t = terms->u.list.items[i];

		if (count_terms(t, params) == 0) {
			char *j = t->type == V_LIST ? join_items(t, ", ") :
			    value_to_string(t);

			add_error_in(c, xasprintf("one of the following is "
			    "required: %s", j));
			free(j);
			return;
		}
	}
}

static void
check_required_if(struct ctx *c, const struct value *reqs,
    const struct value *params)
{
	if (reqs == NULL || reqs->type != V_LIST)
		return;
	for (size_t i = 0; i < reqs->u.list.n; i++) {
		struct value	*r = reqs->u.list.items[i], *key, *val, *need;
		struct value	*missing, *pv;
		char		*ks;
		int		 any;

		if (r->type != V_LIST || r->u.list.n < 3)
			continue;
		key = r->u.list.items[0];
		val = r->u.list.items[1];
		need = r->u.list.items[2];
		any = r->u.list.n > 3 && value_truthy(r->u.list.items[3]);
		ks = value_to_string(key);
		pv = value_dict_get(params, ks);
		missing = value_list();
		if (pv != NULL && py_eq(pv, val))
			for (size_t j = 0; need->type == V_LIST &&
			    j < need->u.list.n; j++)
				if (count_terms(need->u.list.items[j],
				    params) == 0)
					value_list_append(missing, value_ref(
					    need->u.list.items[j]));
		if (missing->u.list.n > 0 && (!any ||
		    missing->u.list.n >= need->u.list.n)) {
			char *vs = value_to_string(val);
			char *ms = join_items(missing, ", ");

			add_error_in(c, xasprintf("%s is %s but %s of the "
			    "following are missing: %s", ks, vs,
			    any ? "any" : "all", ms));
			free(vs);
			free(ms);
			free(ks);
			value_unref(missing);
			return;
		}
		free(ks);
		value_unref(missing);
	}
}

static void
check_required_by(struct ctx *c, const struct value *reqs,
    const struct value *params)
{
	if (reqs == NULL || reqs->type != V_DICT)
		return;
	for (size_t i = 0; i < reqs->u.dict.n; i++) {
		const char	*k = reqs->u.dict.keys[i];
		struct value	*need = reqs->u.dict.vals[i], *pv, *missing;

		pv = value_dict_get(params, k);
		if (pv == NULL || pv->type == V_NULL)
			continue;
		missing = value_list();
		for (size_t j = 0; j < (need->type == V_LIST ? need->u.list.n :
		    1); j++) {
			struct value *nv = need->type == V_LIST ?
			    need->u.list.items[j] : need;
			char *ns = value_to_string(nv);

			pv = value_dict_get(params, ns);
			if (pv == NULL || pv->type == V_NULL)
				value_list_append(missing, value_ref(nv));
			free(ns);
		}
		if (missing->u.list.n > 0) {
			char *ms = join_items(missing, ", ");

			add_error_in(c, xasprintf("missing parameter(s) required "
			    "by '%s': %s", k, ms));
			free(ms);
			value_unref(missing);
			return;
		}
		value_unref(missing);
	}
}

static void
additional_checks(struct ctx *c, const struct value *owner,
    const struct value *params)
{
	if (owner == NULL || owner->type != V_DICT)
		return;
	check_required_together(c, value_dict_get(owner, "required_together"),
	    params);
	check_required_one_of(c, value_dict_get(owner, "required_one_of"),
	    params);
	check_required_if(c, value_dict_get(owner, "required_if"), params);
	check_required_by(c, value_dict_get(owner, "required_by"), params);
}

static void validate_level(struct ctx *, const struct value *,
    const struct value *, struct value *);

/* _validate_sub_spec: the options of dict and list-of-dict options. */
static void
validate_sub(struct ctx *c, const struct value *spec, struct value *params)
{
	for (size_t i = 0; i < spec->u.dict.n; i++) {
		const char	*k = spec->u.dict.keys[i];
		struct value	*opt = spec->u.dict.vals[i], *sub, *pv, *elems;
		size_t		 saved;

		if (opt->type != V_DICT)
			continue;
		if (!takes_suboptions(opt))
			continue;
		sub = value_dict_get(opt, "options");
		pv = value_dict_get(params, k);
		if (attr_bool(opt, "apply_defaults")) {
			if (sub == NULL || sub->type != V_DICT)
				continue;
			if (pv == NULL || pv->type == V_NULL) {
				pv = value_dict();
				value_dict_set(params, k, pv);
			}
		} else if (sub == NULL || sub->type != V_DICT || pv == NULL ||
		    pv->type == V_NULL)
			continue;
		saved = c->where.len;
		buf_addf(&c->where, "%s%s", saved ? " -> " : "", k);
		if (pv->type == V_LIST)
			elems = value_ref(pv);
		else {
			elems = value_list();
			value_list_append(elems, value_ref(pv));
		}
		for (size_t j = 0; j < elems->u.list.n; j++) {
			struct value *sp = elems->u.list.items[j];

			if (sp->type != V_DICT) {
				add_error(c, "value of '%s' must be of type dict "
				    "or list of dicts", k);
				continue;
			}
			/* the checks change the element in place, as Python */
			validate_level(c, sub, opt, sp);
		}
		value_unref(elems);
		c->where.len = saved;
		c->where.s[saved] = '\0';
	}
}

/* One level of a spec, in ArgumentSpecValidator.validate's order. */
static void
validate_level(struct ctx *c, const struct value *spec,
    const struct value *owner, struct value *params)
{
	struct value	*aliases = value_dict();

	if (handle_aliases(c, spec, params, aliases) != 0) {
		value_unref(aliases);
		aliases = value_dict();
	}
	scan_suboptions(c, spec, params);
	check_unsupported(c, spec, params, aliases);
	if (owner != NULL)
		check_mutually_exclusive(c, value_dict_get(owner,
		    "mutually_exclusive"), params);
	set_defaults(spec, params, 0);
	check_required(c, spec, params);
	validate_types(c, spec, params);
	validate_values(c, spec, params);
	additional_checks(c, owner, params);
	set_defaults(spec, params, 1);
	validate_sub(c, spec, params);
	value_unref(aliases);
}

struct value *
argspec_validate(const struct value *spec, const struct value *checks,
    const struct value *params, struct value **validated)
{
	struct ctx	 c = { value_list(), value_list(), NULL, BUF_INIT };
	struct value	*p = value_copy(params);

	buf_adds(&c.where, "");
	validate_level(&c, spec, checks, p);
	if (c.unsupported->u.list.n > 0) {
		char *u = join_sorted(c.unsupported, ", ");
		char *s = join_sorted(c.supported->u.list.items[0], ", ");
		struct value *al = c.supported->u.list.items[1];

		if (al->u.list.n > 0) {
			char *a = join_sorted(al, ", ");

			add_error(&c, "%s. Supported parameters include: %s "
			    "(%s).", u, s, a);
			free(a);
		} else
			add_error(&c, "%s. Supported parameters include: %s.",
			    u, s);
		free(u);
		free(s);
	}
	value_unref(c.unsupported);
	value_unref(c.supported);
	buf_release(&c.where);
	if (validated != NULL)
		*validated = p;
	else
		value_unref(p);
	return c.errors;
}
