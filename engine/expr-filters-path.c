/* Path filters: basename, dirname, splitext, path_join. */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"

/* Paths and encodings. */

static int
f_basename(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*s, *sl;

	if (expr_need(in, V_STR, "basename", cause) != 0)
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

	if (expr_need(in, V_STR, "dirname", cause) != 0)
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

	if (expr_need(in, V_STR, "splitext", cause) != 0)
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
	if (expr_need(in, V_LIST, "path_join", cause) != 0)
		return -1;
	for (i = 0; i < in->u.list.n; i++) {
		it = in->u.list.items[i];
		if (it->type != V_STR) {
			buf_release(&b);
			return expr_fail(cause, "path_join expects strings");
		}
		if (it->u.str.s[0] == '/')
			buf_reset(&b);
		else if (b.len > 0 && b.s[b.len - 1] != '/')
			buf_addc(&b, '/');
		buf_adds(&b, it->u.str.s);
	}
	*out = expr_str_buf(&b);
	return 0;
}

const struct expr_filter expr_filters_path[] = {
	{ "basename", f_basename, 0 },
	{ "dirname", f_dirname, 0 },
	{ "path_join", f_path_join, 0 },
	{ "splitext", f_splitext, 0 },
	{ NULL, NULL, 0 }
};
