/* Tests ("x is defined") and their dispatch. */
#include <sys/stat.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr-internal.h"

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
		return expr_fail(cause, "sameas needs an argument");
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
		return expr_fail(cause, "the '%s' test expects a dictionary",
		    test);
	v = value_dict_get(in, key);
	*res = v != NULL && expr_truthy(v);
	/* A looped task: "changed" if any item changed, as Ansible does. */
	if (!*res && strcmp(key, "changed") == 0 &&
	    (rs = value_dict_get(in, "results")) != NULL &&
	    rs->type == V_LIST) {
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

static int
t_in(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	struct value	*hay = expr_arg(a, 0, "seq");
	int		 r;

	if (hay == NULL)
		return expr_fail(cause, "the 'in' test needs a sequence");
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
		return expr_fail(cause, "the 'contains' test needs a value");
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
		return expr_fail(cause, "the '%s' test needs an argument", op);
	if (strcmp(op, "eq") == 0 || strcmp(op, "ne") == 0) {
		*res = value_equal(in, o) == (op[0] == 'e');
		return 0;
	}
	if ((c = expr_compare(in, o, 0)) == -2)
		return expr_fail(cause,
		    "'%s' not supported between instances of "
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

	if (expr_arg_int(a, 0, "num", 0, &n, cause) != 0)
		return -1;
	if (in->type != V_INT || n == 0)
		return expr_fail(cause, "divisibleby needs integers");
	*res = in->u.i % n == 0;
	return 0;
}

static int
t_even(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	if (in->type != V_INT)
		return expr_fail(cause, "even needs an integer");
	*res = in->u.i % 2 == 0;
	return 0;
}

static int
t_odd(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	if (in->type != V_INT)
		return expr_fail(cause, "odd needs an integer");
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
		return expr_fail(cause, "subset and superset need lists");
	*res = 1;
	for (i = 0; i < in->u.list.n && *res; i++)
		*res = expr_list_has(o, in->u.list.items[i]);
	return 0;
}

static int
t_superset(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	struct value	*o = expr_arg(a, 0, "b");
	size_t		 i;

	if (o == NULL || o->type != V_LIST || in->type != V_LIST)
		return expr_fail(cause, "subset and superset need lists");
	*res = 1;
	for (i = 0; i < o->u.list.n && *res; i++)
		*res = expr_list_has(in, o->u.list.items[i]);
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
	const char	*op = expr_arg_str(a, 1, "operator", "eq");
	char		*x, *y;
	int		 c;

	if (o == NULL)
		return expr_fail(cause, "the 'version' test needs a version");
	x = expr_str_of(in), y = expr_str_of(o);
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
		return expr_fail(cause, "invalid version operator '%s'", op);
	return 0;
}

/* finished/started: async results; a result without the key counts as 1. */
static int
result_int_is(struct value *in, const char *key, long long def,
    const char *test, int *res, char **cause)
{
	struct value	*v;
	double		 d;

	if (in->type != V_DICT)
		return expr_fail(cause, "the '%s' test expects a dictionary",
		    test);
	v = value_dict_get(in, key);
	d = (double)def;
	if (v != NULL && expr_num_of(v, &d) != 0)
		d = 0;
	*res = d == 1;
	return 0;
}

static int
t_finished(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	return result_int_is(in, "finished", 1, "finished", res, cause);
}

static int
t_started(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	return result_int_is(in, "started", 1, "started", res, cause);
}

static int
t_unreachable(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	return result_flag(in, "unreachable", "unreachable", res, cause);
}

static int
t_reachable(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	if (result_flag(in, "unreachable", "reachable", res, cause) != 0)
		return -1;
	*res = !*res;
	return 0;
}

/* all/any: Python's builtins over a list. */
static int
t_all_any(struct value *in, int want_all, int *res, char **cause)
{
	struct value	*l;
	size_t		 i;

	if (expr_as_list(in, &l, want_all ? "all" : "any", cause) != 0)
		return -1;
	*res = want_all;
	for (i = 0; i < l->u.list.n; i++)
		if (expr_truthy(l->u.list.items[i]) != want_all) {
			*res = !want_all;
			break;
		}
	value_unref(l);
	return 0;
}

static int
t_all(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	return t_all_any(in, 1, res, cause);
}

static int
t_any(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	return t_all_any(in, 0, res, cause);
}

/* Jinja2's true/false: the bool itself, not truthiness. */
static int
t_true(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	*res = in->type == V_BOOL && in->u.b;
	return 0;
}

static int
t_false(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_BOOL && !in->u.b;
	return 0;
}

/* callable/escaped: no value of a playbook is either. */
static int
t_never(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = 0;
	return 0;
}

/* filter/test (Jinja2 3): whether a filter or test of that name exists. */
static const struct expr_test *find_test(const char *);

static int
t_filter(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	*res = in->type == V_STR && expr_filter_exists(in->u.str.s);
	return 0;
}

static int
t_test(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	*res = in->type == V_STR &&
	    find_test(expr_short_name(in->u.str.s)) != NULL;
	return 0;
}

static int
t_nan(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	*res = in->type == V_FLOAT && in->u.f != in->u.f;
	return 0;
}

static int
t_vault_encrypted(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	/* a !vault value, as Ansible's test (not any "$ANSIBLE_VAULT" text) */
	*res = (in->flags & VALUE_VAULT) != 0;
	return 0;
}

/* Path tests, on the controller as in Ansible ("~" expanded). */
enum path_kind { PK_ABS, PK_EXISTS, PK_FILE, PK_DIR, PK_LINK, PK_LEXISTS,
    PK_MOUNT };

static int
path_test(struct value *in, enum path_kind k, int *res, char **cause)
{
	struct stat	 st, up;
	char		*p, *parent;
	const char	*home = getenv("HOME");
	int		 r;

	if (in->type != V_STR)
		return expr_fail(cause, "path tests expect a string, got %s",
		    expr_type_name(in));
	p = in->u.str.s[0] == '~' && in->u.str.s[1] == '/' && home != NULL &&
	    k != PK_ABS ? xasprintf("%s%s", home, in->u.str.s + 1) :
	    xstrdup(in->u.str.s);
	switch (k) {
	case PK_ABS:
		*res = p[0] == '/';
		break;
	case PK_EXISTS:
		*res = stat(p, &st) == 0;
		break;
	case PK_FILE:
		*res = stat(p, &st) == 0 && S_ISREG(st.st_mode);
		break;
	case PK_DIR:
		*res = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
		break;
	case PK_LINK:
		*res = lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
		break;
	case PK_LEXISTS:
		*res = lstat(p, &st) == 0;
		break;
	case PK_MOUNT:
		/* os.path.ismount: another device, or the same inode as .. */
		parent = xasprintf("%s/..", p);
		r = lstat(p, &st) == 0 && !S_ISLNK(st.st_mode) &&
		    stat(parent, &up) == 0;
		*res = r && (st.st_dev != up.st_dev || st.st_ino == up.st_ino);
		free(parent);
		break;
	}
	free(p);
	return 0;
}

#define PATH_TEST(fn, kind)						\
static int								\
fn(struct eval *ev, struct value *in, const struct expr_args *a,	\
    int *res, char **cause)						\
{									\
	return path_test(in, kind, res, cause);				\
}
PATH_TEST(t_is_abs, PK_ABS)
PATH_TEST(t_exists, PK_EXISTS)
PATH_TEST(t_is_file, PK_FILE)
PATH_TEST(t_is_dir, PK_DIR)
PATH_TEST(t_is_link, PK_LINK)
PATH_TEST(t_link_exists, PK_LEXISTS)
PATH_TEST(t_is_mount, PK_MOUNT)

static int
t_same_file(struct eval *ev, struct value *in, const struct expr_args *a,
    int *res, char **cause)
{
	struct value	*o = expr_arg(a, 0, NULL);
	struct stat	 s1, s2;

	if (in->type != V_STR || o == NULL || o->type != V_STR)
		return expr_fail(cause, "same_file expects two paths");
	*res = stat(in->u.str.s, &s1) == 0 && stat(o->u.str.s, &s2) == 0 &&
	    s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino;
	return 0;
}

/*
 * uri/url/urn (ansible.builtin): url needs a scheme and a host; uri a
 * scheme; urn the "urn:NID:NSS" shape.  schemes= narrows the first two.
 */
static int
t_uri_kind(struct value *in, const struct expr_args *a, int kind, int *res,
    char **cause)
{
	struct value	*schemes = expr_arg(a, 0, "schemes");
	const char	*s, *c;
	size_t		 sl, i;

	if (in->type != V_STR) {
		*res = 0;
		return 0;
	}
	s = in->u.str.s;
	if (kind == 2) {
		*res = strncasecmp(s, "urn:", 4) == 0 && isalnum((unsigned
		    char)s[4]) && (c = strchr(s + 4, ':')) != NULL &&
		    c - (s + 4) <= 32 && c[1] != '\0';
		return 0;
	}
	/* urlparse's scheme: letters first, then [a-zA-Z0-9+-.], then ':' */
	sl = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+-.");
	if (sl == 0 || !isalpha((unsigned char)s[0]) || s[sl] != ':')
		sl = 0;
	/* any string is a uri to Ansible; a url has a host or is file: */
	*res = 1;
	if (kind == 1)
		*res = sl > 0 && ((strncmp(s + sl, "://", 3) == 0 &&
		    s[sl + 3] != '\0' && s[sl + 3] != '/') ||
		    (sl == 4 && strncasecmp(s, "file", 4) == 0));
	if (*res && schemes != NULL && schemes->type == V_LIST) {
		*res = 0;
		for (i = 0; i < schemes->u.list.n; i++)
			if (schemes->u.list.items[i]->type == V_STR &&
			    strlen(schemes->u.list.items[i]->u.str.s) == sl &&
			    strncmp(schemes->u.list.items[i]->u.str.s, s,
			    sl) == 0)
				*res = 1;
	}
	(void)cause;
	return 0;
}

static int
t_uri(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	return t_uri_kind(in, a, 0, res, cause);
}

static int
t_url(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	return t_uri_kind(in, a, 1, res, cause);
}

static int
t_urn(struct eval *ev, struct value *in, const struct expr_args *a, int *res,
    char **cause)
{
	return t_uri_kind(in, a, 2, res, cause);
}

static const struct expr_test expr_tests[] = {
	{ "==", t_eq, 0 },
	{ "!=", t_ne, 0 },
	{ "<", t_lt, 0 },
	{ "<=", t_le, 0 },
	{ ">", t_gt, 0 },
	{ ">=", t_ge, 0 },
	{ "abs", t_is_abs, 0 },
	{ "all", t_all, 0 },
	{ "any", t_any, 0 },
	{ "callable", t_never, 0 },
	{ "directory", t_is_dir, 0 },
	{ "escaped", t_never, 0 },
	{ "exists", t_exists, 0 },
	{ "false", t_false, 0 },
	{ "file", t_is_file, 0 },
	{ "filter", t_filter, 0 },
	{ "finished", t_finished, 0 },
	{ "is_abs", t_is_abs, 0 },
	{ "is_dir", t_is_dir, 0 },
	{ "is_file", t_is_file, 0 },
	{ "is_link", t_is_link, 0 },
	{ "is_mount", t_is_mount, 0 },
	{ "is_same_file", t_same_file, 0 },
	{ "isnan", t_nan, 0 },
	{ "issubset", t_subset, 0 },
	{ "issuperset", t_superset, 0 },
	{ "link", t_is_link, 0 },
	{ "link_exists", t_link_exists, 0 },
	{ "mount", t_is_mount, 0 },
	{ "nan", t_nan, 0 },
	{ "reachable", t_reachable, 0 },
	{ "same_file", t_same_file, 0 },
	{ "started", t_started, 0 },
	{ "successful", t_succeeded, 0 },
	{ "test", t_test, 0 },
	{ "true", t_true, 0 },
	{ "unreachable", t_unreachable, 0 },
	{ "uri", t_uri, 0 },
	{ "url", t_url, 0 },
	{ "urn", t_urn, 0 },
	{ "vault_encrypted", t_vault_encrypted, 0 },
	{ "boolean", t_boolean, 0 },
	{ "change", t_changed, 0 },
	{ "changed", t_changed, 0 },
	{ "contains", t_contains, 0 },
	{ "defined", t_defined, EXPR_F_UNDEF },
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
	{ "ne", t_ne, 0 },
	{ "none", t_none, 0 },
	{ "number", t_number, 0 },
	{ "odd", t_odd, 0 },
	{ "sameas", t_sameas, 0 },
	{ "sequence", t_iterable, 0 },
	{ "skip", t_skipped, 0 },
	{ "skipped", t_skipped, 0 },
	{ "string", t_string, 0 },
	{ "subset", t_subset, 0 },
	{ "succeeded", t_succeeded, 0 },
	{ "success", t_succeeded, 0 },
	{ "superset", t_superset, 0 },
	{ "truthy", t_truthy, 0 },
	{ "undefined", t_undefined, EXPR_F_UNDEF },
	{ "upper", t_upper, 0 },
	{ "version", t_version, 0 },
	{ "version_compare", t_version, 0 },
	{ NULL, NULL, 0 }
};

/* Every test, by topic; names are unique across them. */
static const struct expr_test *const expr_test_tables[] = {
	expr_tests,
	expr_tests_regex,
};

static const struct expr_test *
find_test(const char *name)
{
	const struct expr_test	*t;
	size_t			 i;

	for (i = 0; i < ARRAY_SIZE(expr_test_tables); i++) {
		for (t = expr_test_tables[i]; t->name != NULL; t++) {
			if (strcmp(t->name, name) == 0)
				return t;
		}
	}
	return NULL;
}

int
expr_call_test(struct eval *ev, const char *name, struct value *in,
    const struct expr_args *a, int *res, char **cause)
{
	const char		*s = expr_short_name(name);
	const struct expr_test	*t;

	if ((t = find_test(s)) == NULL)
		return expr_fail(cause, "no test named '%s'", name);
	if (in == NULL && (t->flags & EXPR_F_UNDEF) == 0)
		return expr_undef_error(ev, cause);
	if (in != NULL && in->type == V_NULL && t->fn != t_none &&
	    (t->fn == t_failed || t->fn == t_succeeded ||
	    t->fn == t_changed || t->fn == t_skipped ||
	    t->fn == t_finished || t->fn == t_started ||
	    t->fn == t_reachable || t->fn == t_unreachable))
		return expr_fail(cause, "the '%s' test expects a dictionary",
		    s);
	return t->fn(ev, in, a, res, cause);
}
