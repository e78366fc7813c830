/* Number filters: min, max, sum, abs, round, random. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr-internal.h"

/*
 * random: a number below an int (or in range(start, end, step)), or an
 * element of a list.  seed= makes it the same on every run (for spreading
 * cron minutes by host), and the same as Python's Random(seed) gives.
 */
static int
f_random(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value		*seedv = expr_arg(a, 2, "seed");
	struct py_random	 pr;
	long long		 start, step;
	unsigned long long	 x;
	unsigned char		 b[8];
	FILE			*f;

	(void)ev;
	if (expr_arg_int(a, 0, "start", 0, &start, cause) != 0 ||
	    expr_arg_int(a, 1, "step", 1, &step, cause) != 0)
		return -1;
	if (seedv != NULL && seedv->type != V_NULL) {
		/* Python's Random(seed), so the pick is Ansible's */
		expr_pyrand_seed(&pr, seedv);
		if (in->type == V_LIST) {
			if (in->u.list.n == 0)
				return expr_fail(cause, "random of an empty "
				    "list");
			*out = value_ref(in->u.list.items[expr_pyrand_below(
			    &pr, in->u.list.n)]);
			return 0;
		}
		if (in->type != V_INT || step <= 0 || in->u.i <= start)
			return expr_fail(cause, "random needs a list or an end "
			    "above the start");
		*out = value_int(start + step * (long long)expr_pyrand_below(
		    &pr, (unsigned long long)((in->u.i - start + step - 1) /
		    step)));
		return 0;
	} else {
		if ((f = fopen("/dev/urandom", "rb")) == NULL ||
		    fread(b, 1, sizeof b, f) != sizeof b) {
			if (f != NULL)
				fclose(f);
			return expr_fail(cause, "cannot read /dev/urandom");
		}
		fclose(f);
		x = 0;
		for (size_t i = 0; i < sizeof b; i++)
			x = x << 8 | b[i];
	}
	if (in->type == V_LIST) {
		if (in->u.list.n == 0)
			return expr_fail(cause, "random of an empty list");
		*out = value_ref(in->u.list.items[x % in->u.list.n]);
		return 0;
	}
	if (in->type != V_INT || step <= 0 || in->u.i <= start)
		return expr_fail(cause,
		    "random needs a list or an end above the "
		    "start");
	*out = value_int(start + step * (long long)(x %
	    (unsigned long long)((in->u.i - start + step - 1) / step)));
	return 0;
}

/* Numbers. */

static int
f_sum(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*attr = expr_arg_str(a, 0, "attribute", NULL);
	struct value	*start = expr_arg(a, 1, "start"), *acc, *it, *n;
	size_t		 i;
	long long	 li = 0;
	double		 f = 0;
	int		 isf = 0;

	if (expr_need(in, V_LIST, "sum", cause) != 0)
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
				return expr_fail(cause,
				    "sum: cannot add %s to list",
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
	if (expr_num_of(acc, &f) != 0) {
		value_unref(acc);
		return expr_fail(cause, "sum: bad start value");
	}
	isf = acc->type == V_FLOAT;
	li = acc->type == V_INT ? acc->u.i : acc->type == V_BOOL ? acc->u.b : 0;
	value_unref(acc);
	for (i = 0; i < in->u.list.n; i++) {
		double d;

		it = in->u.list.items[i];
		if (attr != NULL && (it = expr_getattr(it, attr)) == NULL)
			return expr_fail(cause,
			    "sum: item %zu has no attribute "
			    "'%s'", i, attr);
		if (attr == NULL)
			value_ref(it);
		if (expr_num_of(it, &d) != 0) {
			value_unref(it);
			return expr_fail(cause,
			    "unsupported operand type(s) for "
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
		return expr_fail(cause, "bad operand type for abs(): '%s'",
		    expr_type_name(in));
	return 0;
}

static int
f_round(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	long long	 prec;
	const char	*method = expr_arg_str(a, 1, "method", "common");
	double		 d, m, r;

	if (expr_arg_int(a, 0, "precision", 0, &prec, cause) != 0)
		return -1;
	if (expr_num_of(in, &d) != 0)
		return expr_fail(cause, "round expects a number, got %s",
		    expr_type_name(in));
	m = pow(10, (double)prec);
	if (strcmp(method, "ceil") == 0)
		r = ceil(d * m) / m;
	else if (strcmp(method, "floor") == 0)
		r = floor(d * m) / m;
	else if (strcmp(method, "common") == 0)
		r = round(d * m) / m;
	else
		return expr_fail(cause, "round: method must be common, ceil or "
		    "floor");
	*out = value_float(r);
	return 0;
}

const struct expr_filter expr_filters_num[] = {
	{ "abs", f_abs, 0 },
	{ "random", f_random, 0 },
	{ "round", f_round, 0 },
	{ "sum", f_sum, 0 },
	{ NULL, NULL, 0 }
};
