/* Regular expression filters and tests: regex_*, match, search, regex. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"
#include "regex.h"

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

	if (expr_arg_int(a, 4, "count", 0, &count, cause) != 0)
		return -1;
	if ((re = re_compile(expr_arg_str(a, 0, "pattern", ""),
	    expr_arg_bool(a, 2, "ignorecase", 0),
	    expr_arg_bool(a, 3, "multiline", 0), cause)) == NULL)
		return -1;
	s = expr_str_of(in);
	/* Python's count: 0 and below replace every match. */
	r = regex_subn(re, s, strlen(s), expr_arg_str(a, 1, "replacement", ""),
	    count <= 0 ? 0 : (size_t)count, &b, &n, cause);
	if (r == 0)
		*out = expr_str_buf(&b);
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

	if ((re = re_compile(expr_arg_str(a, 0, "regex", ""),
	    expr_arg_bool(a, 2, "ignorecase", 0),
	    expr_arg_bool(a, 1, "multiline", 0), cause)) == NULL)
		return -1;
	l = value_list();
	s = expr_str_of(in);
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

	if ((re = re_compile(expr_arg_str(a, 0, "regex", ""),
	    expr_arg_bool(a, a->npos + 99, "ignorecase", 0),
	    expr_arg_bool(a, a->npos + 99, "multiline", 0), cause)) == NULL)
		return -1;
	s = expr_str_of(in);
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
				rc = expr_fail(cause, "unknown group '%s'", g);
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
	char		*s = expr_str_of(in), *p;

	for (p = s; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_' &&
		    !((unsigned char)*p & 0x80))
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	free(s);
	*out = expr_str_buf(&b);
	return 0;
}

/* match (anchored at the start), search, regex. */
static int
re_test(struct value *in, const struct expr_args *a, int anchored,
    int *res, char **cause)
{
	struct regex	*re;
	int		 rc;

	if (in->type != V_STR)
		return expr_fail(cause,
		    "match and search need a string, got %s",
		    expr_type_name(in));
	if ((re = re_compile(expr_arg_str(a, 0, "pattern", ""),
	    expr_arg_bool(a, 1, "ignorecase", 0),
	    expr_arg_bool(a, 2, "multiline", 0), cause)) == NULL)
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

const struct expr_filter expr_filters_regex[] = {
	{ "regex_escape", f_regex_escape, 0 },
	{ "regex_findall", f_regex_findall, 0 },
	{ "regex_replace", f_regex_replace, 0 },
	{ "regex_search", f_regex_search, 0 },
	{ NULL, NULL, 0 }
};

const struct expr_test expr_tests_regex[] = {
	{ "match", t_match, 0 },
	{ "regex", t_search, 0 },
	{ "search", t_search, 0 },
	{ NULL, NULL, 0 }
};
