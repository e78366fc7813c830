/*
 * Unit tests for the evaluation budget of engine/expr.c and template.c:
 * variables rendered once per evaluation, the nesting depth of variables,
 * and the size of what concatenation and rendering may build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "expr-internal.h"
#include "value.h"

static struct value	*vars;
static long		 lookups;

static struct value *
lookup(void *ud, const char *name)
{
	(void)ud;
	lookups++;
	return value_ref(value_dict_get(vars, name));
}

static const struct expr_scope scope = { lookup, NULL, NULL };

/* v0: x, then vI: "{{ vI-1 }}{{ vI-1 }}" (with twice) or "{{ vI-1 }}". */
static void
chain(int n, int twice)
{
	char	name[16], tmpl[64];
	int	i;

	value_unref(vars);
	vars = value_dict();
	value_dict_setstr(vars, "v0", "x");
	for (i = 1; i <= n; i++) {
		snprintf(name, sizeof name, "v%d", i);
		if (twice)
			snprintf(tmpl, sizeof tmpl, "{{ v%d }}{{ v%d }}",
			    i - 1, i - 1);
		else
			snprintf(tmpl, sizeof tmpl, "{{ v%d }}", i - 1);
		value_dict_setstr(vars, name, tmpl);
	}
}

/* Evaluates src; the result's text, or "ERR: cause" (malloc'd). */
static char *
eval(const char *src)
{
	struct value	*v = NULL;
	char		*cause = NULL, *s;

	if (expr_eval(src, &scope, &v, &cause) != 0) {
		if (asprintf(&s, "ERR: %s", cause) < 0)
			abort();
		free(cause);
		return s;
	}
	if (v->type == V_STR)
		s = strdup(v->u.str.s);
	else if (asprintf(&s, "%lld", v->u.i) < 0)
		abort();
	value_unref(v);
	return s;
}

static void
test_each_variable_renders_once(void **state)
{
	char	*got;

	(void)state;
	/* 2^20 renders without the memo; one lookup per level with it. */
	chain(20, 1);
	lookups = 0;
	got = eval("v20 | length");
	assert_string_equal(got, "1048576");
	free(got);
	assert_true(lookups < 100);
}

static void
test_variable_nesting_depth(void **state)
{
	char	*got;

	(void)state;
	/* ansible-playbook renders a 40-level chain and refuses 150. */
	chain(40, 0);
	got = eval("v40");
	assert_string_equal(got, "x");
	free(got);
	chain(150, 0);
	got = eval("v150");
	assert_non_null(strstr(got, "ERR: variables nested more than 128 deep"));
	free(got);
	/* A variable that names itself is a loop, whatever the depth. */
	value_unref(vars);
	vars = value_dict();
	value_dict_setstr(vars, "a", "{{ b }}");
	value_dict_setstr(vars, "b", "{{ a }}");
	got = eval("a");
	assert_non_null(strstr(got, "recursive loop detected"));
	free(got);
}

static void
test_result_size_limit(void **state)
{
	char	*got;

	(void)state;
	/* Doubling 40 times would be a terabyte: the task fails instead. */
	chain(40, 1);
	got = eval("v40 | length");
	assert_non_null(strstr(got, "ERR: result larger than 64 million"));
	free(got);
	value_unref(vars);
	vars = value_dict();
	value_dict_setstr(vars, "s", "{{ 'a' * 40000000 }}");
	got = eval("(s ~ s) | length");
	assert_non_null(strstr(got, "ERR: result larger than"));
	free(got);
	got = eval("(s + s) | length");
	assert_non_null(strstr(got, "ERR: result larger than"));
	free(got);
	got = eval("(s + 'b') | length");
	assert_string_equal(got, "40000001");
	free(got);
}

/* Work without output or size still ends: the step budget. */
static void
test_step_budget(void **state)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	(void)state;
	value_unref(vars);
	vars = value_dict();
	expr_max_steps = 200000;
	assert_int_equal(template_render("{% for i in range(100000) %}"
	    "{% for j in range(100000) %}{% endfor %}{% endfor %}", &scope,
	    &v, &cause), -1);
	assert_non_null(strstr(cause, "evaluation steps: an endless"));
	free(cause);
	cause = NULL;
	/* a budget per evaluation: the next one starts afresh */
	assert_int_equal(template_render("{{ range(1000) | sum }}", &scope,
	    &v, &cause), 0);
	assert_int_equal(v->type, V_INT);
	assert_int_equal(v->u.i, 499500);
	value_unref(v);
	expr_max_steps = EXPR_MAX_STEPS;
	/* range's bounds never overflow */
	assert_int_equal(expr_eval("range(-9223372036854775807, "
	    "9223372036854775807)", &scope, &v, &cause), -1);
	assert_non_null(strstr(cause, "range too big"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_variable_renders_once),
		cmocka_unit_test(test_variable_nesting_depth),
		cmocka_unit_test(test_result_size_limit),
		cmocka_unit_test(test_step_budget),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	value_unref(vars);
	return rc;
}
