/* Tests ("x is defined") and their dispatch. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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

static const struct expr_test expr_tests[] = {
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
	    t->fn == t_changed || t->fn == t_skipped))
		return expr_fail(cause, "the '%s' test expects a dictionary",
		    s);
	return t->fn(ev, in, a, res, cause);
}
