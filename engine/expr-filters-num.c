/*
 * Number filters: min, max, sum, abs, round, random, log, pow, root, and
 * sizes for people (filesizeformat, human_readable, human_to_bytes).
 */
#include <ctype.h>
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

/* filesizeformat(binary=False): "1.5 kB", "2.0 MiB", Jinja2's. */
static int
f_filesizeformat(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	static const char *const dec[] = { "kB", "MB", "GB", "TB", "PB", "EB",
	    "ZB", "YB" };
	static const char *const bin[] = { "KiB", "MiB", "GiB", "TiB", "PiB",
	    "EiB", "ZiB", "YiB" };
	int		 binary = expr_arg_bool(a, 0, "binary", 0);
	double		 bytes, base = binary ? 1024 : 1000, unit = base;
	char		*s, *end;
	size_t		 i;

	if (in->type == V_STR) {
		bytes = strtod(in->u.str.s, &end);
		if (end == in->u.str.s)
			return expr_fail(cause, "could not convert string to "
			    "float: '%s'", in->u.str.s);
	} else if (expr_num_of(in, &bytes) != 0)
		return expr_fail(cause, "filesizeformat expects a number, got "
		    "%s", expr_type_name(in));
	if (bytes == 1) {
		*out = value_str("1 Byte");
		return 0;
	}
	if (bytes < base) {
		*out = value_strf("%lld Bytes", (long long)bytes);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(dec); i++) {
		unit = pow(base, (double)i + 2);
		if (bytes < unit)
			break;
	}
	if (i == ARRAY_SIZE(dec))
		i--;
	s = xasprintf("%.1f %s", base * bytes / unit, binary ? bin[i] : dec[i]);
	*out = value_str_take(s);
	return 0;
}

/* Ansible's SIZE_RANGES, largest first. */
static const struct {
	char		 suffix;
	double		 limit;
} size_ranges[] = {
	{ 'Y', 1208925819614629174706176.0 }, { 'Z', 1180591620717411303424.0 },
	{ 'E', 1152921504606846976.0 }, { 'P', 1125899906842624.0 },
	{ 'T', 1099511627776.0 }, { 'G', 1073741824.0 }, { 'M', 1048576.0 },
	{ 'K', 1024.0 }, { 'B', 1.0 },
};

/* human_readable(isbits=False, unit=None): "1.00 KB", "512.00 Bytes". */
static int
f_human_readable(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*unit = expr_arg_str(a, 1, "unit", NULL);
	int		 bits = expr_arg_bool(a, 0, "isbits", 0);
	double		 size;
	char		*end;
	size_t		 i;

	if (in->type == V_STR) {
		size = strtod(in->u.str.s, &end);
		if (end == in->u.str.s || *end != '\0')
			return expr_fail(cause, "human_readable() can't "
			    "interpret following string: %s", in->u.str.s);
	} else if (expr_num_of(in, &size) != 0)
		return expr_fail(cause, "human_readable() failed on bad input: "
		    "%s", expr_type_name(in));
	for (i = 0; i < ARRAY_SIZE(size_ranges) - 1; i++) {
		if ((unit == NULL && size >= size_ranges[i].limit) ||
		    (unit != NULL && toupper((unsigned char)unit[0]) ==
		    size_ranges[i].suffix))
			break;
	}
	if (size_ranges[i].limit != 1)
		*out = value_strf("%.2f %c%c", size / size_ranges[i].limit,
		    size_ranges[i].suffix, bits ? 'b' : 'B');
	else
		*out = value_strf("%.2f %s", size, bits ? "bits" : "Bytes");
	return 0;
}

/* human_to_bytes(default_unit=None, isbits=False): "10 MB" to 10485760. */
static int
f_human_to_bytes(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	const char	*defunit = expr_arg_str(a, 0, "default_unit", NULL);
	int		 bits = expr_arg_bool(a, 1, "isbits", 0);
	char		*s, *p, *q, *num, *unit, *low, cls;
	double		 f, limit = 0;
	size_t		 i;
	int		 r = -1, bad;

	s = expr_str_of(in);
	for (p = s; isspace((unsigned char)*p); p++)
		;
	for (q = p; isdigit((unsigned char)*q); q++)
		;
	if (*q == '.')
		for (q++; isdigit((unsigned char)*q); q++)
			;
	num = xstrndup(p, (size_t)(q - p));
	for (p = q; isspace((unsigned char)*p); p++)
		;
	for (q = p; isalpha((unsigned char)*q); q++)
		;
	unit = q > p ? xstrndup(p, (size_t)(q - p)) :
	    defunit != NULL ? xstrdup(defunit) : NULL;
	if (*num == '\0' || strcmp(num, ".") == 0) {
		expr_fail(cause, "human_to_bytes() can't interpret following "
		    "string: %s", s);
		goto out;
	}
	f = strtod(num, NULL);
	if (unit == NULL) {
		*out = value_int((long long)nearbyint(f));
		r = 0;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(size_ranges); i++)
		if (size_ranges[i].suffix == toupper((unsigned char)unit[0]))
			limit = size_ranges[i].limit;
	if (limit == 0) {
		expr_fail(cause, "human_to_bytes() failed to convert %s (unit "
		    "= %s). The suffix must be one of Y, Z, E, P, T, G, M, K, "
		    "B", s, unit);
		goto out;
	}
	cls = bits ? 'b' : 'B';
	if (strlen(unit) > 1) {
		low = xstrdup(unit);
		for (p = low; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		bad = strstr(low, bits ? "bit" : "byte") == NULL &&
		    unit[1] != cls;
		free(low);
		if (bad) {
			if (toupper((unsigned char)unit[0]) == 'B')
				expr_fail(cause, "human_to_bytes() failed to "
				    "convert %s. Value is not a valid string "
				    "(expect %c or %s)", s, cls, bits ? "bit" :
				    "byte");
			else
				expr_fail(cause, "human_to_bytes() failed to "
				    "convert %s. Value is not a valid string "
				    "(expect %c%c or %c)", s,
				    toupper((unsigned char)unit[0]), cls,
				    toupper((unsigned char)unit[0]));
			goto out;
		}
	}
	*out = value_int((long long)nearbyint(f * limit));
	r = 0;
out:
	free(num);
	free(unit);
	free(s);
	return r;
}

static int
num_arg(struct value *v, const char *what, double *d, char **cause)
{
	if (v == NULL || expr_num_of(v, d) != 0)
		return expr_fail(cause, "%s() can only be used on numbers",
		    what);
	return 0;
}

/* log(base=e), pow(y), root(base=2): floats, as Python's math gives. */
static int
f_log(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*bv = expr_arg(a, 0, "base");
	double		 x, base = M_E;

	if (num_arg(in, "log", &x, cause) != 0 ||
	    (bv != NULL && num_arg(bv, "log", &base, cause) != 0))
		return -1;
	if (x <= 0 || base <= 0 || base == 1)
		return expr_fail(cause, "math domain error");
	*out = value_float(bv != NULL && base == 10 ? log10(x) : bv == NULL ?
	    log(x) : log(x) / log(base));
	return 0;
}

static int
f_pow(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	double	x, y;

	if (num_arg(in, "pow", &x, cause) != 0 ||
	    num_arg(expr_arg(a, 0, "y"), "pow", &y, cause) != 0)
		return -1;
	*out = value_float(pow(x, y));
	return 0;
}

static int
f_root(struct eval *ev, struct value *in, const struct expr_args *a,
    struct value **out, char **cause)
{
	struct value	*bv = expr_arg(a, 0, "base");
	double		 x, base = 2;

	if (num_arg(in, "root", &x, cause) != 0 ||
	    (bv != NULL && num_arg(bv, "root", &base, cause) != 0))
		return -1;
	if (base == 2 && x < 0)
		return expr_fail(cause, "root() can only be used on numbers: "
		    "math domain error");
	*out = value_float(base == 2 ? sqrt(x) : pow(x, 1.0 / base));
	return 0;
}

const struct expr_filter expr_filters_num[] = {
	{ "abs", f_abs, 0 },
	{ "filesizeformat", f_filesizeformat, 0 },
	{ "human_readable", f_human_readable, 0 },
	{ "human_to_bytes", f_human_to_bytes, 0 },
	{ "log", f_log, 0 },
	{ "pow", f_pow, 0 },
	{ "random", f_random, 0 },
	{ "root", f_root, 0 },
	{ "round", f_round, 0 },
	{ "sum", f_sum, 0 },
	{ NULL, NULL, 0 }
};
