/*
 * Unit tests of the argument spec checker (modules/utilities/argspec.c).
 * The expected messages and values are what Ansible 2.14's
 * ArgumentSpecValidator gives for the same spec and parameters (its set-
 * ordered list of booleans aside, which cairn prints in a fixed order).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utilities/argspec.h"

static const struct {
	const char	*name;
	const char	*spec, *params;
	const char	*errors;	/* JSON list */
	const char	*validated;	/* JSON dict, or NULL: not compared */
} cases[] = {
	{ "types ok",
	    "{\"a\": {\"type\": \"int\"}, \"b\": {\"type\": \"bool\"}, \"c\": {\"type\": \"float\"}, \"d\": {\"type\": \"list\", \"elements\": \"int\"}, \"e\": {\"type\": \"dict\"}, \"f\": {\"type\": \"str\"}, \"g\": {\"type\": \"raw\"}, \"h\": {\"type\": \"bytes\"}, \"i\": {\"type\": \"bits\"}, \"j\": {\"type\": \"jsonarg\"}}",
	    "{\"a\": \"42\", \"b\": \"yes\", \"c\": \"1.5\", \"d\": [\"1\", 2], \"e\": \"k=v, x='a b'\", \"f\": 12, \"g\": [1], \"h\": \"1.5K\", \"i\": \"1Mb\", \"j\": {\"x\": 1}}",
	    "[]",
	    "{\"a\": 42, \"b\": true, \"c\": 1.5, \"d\": [1, 2], \"e\": {\"k\": \"v\", \"x\": \"a b\"}, \"f\": \"12\", \"g\": [1], \"h\": 1536, \"i\": 1048576, \"j\": \"{\\\"x\\\": 1}\"}" },
	{ "type errors",
	    "{\"a\": {\"type\": \"int\"}, \"c\": {\"type\": \"float\"}, \"d\": {\"type\": \"list\", \"elements\": \"int\"}, \"e\": {\"type\": \"dict\"}, \"h\": {\"type\": \"bytes\"}, \"w\": {\"type\": \"weird\"}}",
	    "{\"a\": \"x\", \"c\": [1], \"d\": [1, \"x\"], \"e\": \"nope\", \"h\": \"zz\", \"w\": 1}",
	    "[\"argument 'a' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int\", \"argument 'c' is of type <class 'list'> and we were unable to convert to float: <class 'list'> cannot be converted to a float\", \"Elements value for option 'd' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int\", \"argument 'e' is of type <class 'str'> and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value\", \"argument 'h' is of type <class 'str'> and we were unable to convert to bytes: <class 'str'> cannot be converted to a Byte value\", \"argument 'w' is of type <class 'int'> and we were unable to convert to weird: 'NoneType' object is not callable\"]",
	    NULL },
	{ "required and unsupported",
	    "{\"name\": {\"required\": true}, \"port\": {\"type\": \"int\", \"aliases\": [\"p\"]}, \"zz\": {\"required\": true}}",
	    "{\"p\": \"80\", \"other\": 1}",
	    "[\"missing required arguments: name, zz\", \"other. Supported parameters include: name, port, zz (p).\"]",
	    NULL },
	{ "choices",
	    "{\"state\": {\"choices\": [\"present\", \"absent\"]}, \"l\": {\"type\": \"list\", \"choices\": [\"a\", \"b\"]}, \"flag\": {\"choices\": [\"yes\", \"no\"]}}",
	    "{\"state\": \"gone\", \"l\": [\"a\", \"c\", \"d\"], \"flag\": \"False\"}",
	    "[\"value of state must be one of: present, absent, got: gone\", \"value of l must be one or more of: a, b. Got no match for: c, d\"]",
	    "{\"state\": \"gone\", \"l\": [\"a\", \"c\", \"d\"], \"flag\": \"no\"}" },
	{ "defaults",
	    "{\"a\": {\"default\": 5, \"type\": \"int\"}, \"b\": {\"type\": \"str\"}}",
	    "{}",
	    "[]",
	    "{\"a\": 5, \"b\": null}" },
	{ "required with default",
	    "{\"a\": {\"required\": true, \"default\": 1}}",
	    "{\"a\": 1}",
	    "[\"internal error: required and default are mutually exclusive for a\"]",
	    NULL },
	{ "nested",
	    "{\"user\": {\"type\": \"dict\", \"options\": {\"name\": {\"required\": true}, \"uid\": {\"type\": \"int\"}}, \"mutually_exclusive\": [[\"x\", \"y\"]], \"required_together\": [[\"uid\", \"gid\"]]}, \"items\": {\"type\": \"list\", \"elements\": \"dict\", \"options\": {\"k\": {\"type\": \"int\", \"required\": true}, \"x\": {}, \"y\": {}}, \"mutually_exclusive\": [[\"x\", \"y\"]], \"required_one_of\": [[\"k\", \"x\"]], \"required_if\": [[\"k\", 1, [\"x\", \"y\"]]], \"required_by\": {\"x\": [\"y\"]}}}",
	    "{\"user\": {\"uid\": \"q\", \"extra\": 1}, \"items\": [{\"k\": \"1\", \"x\": 1, \"y\": 2}, {\"x\": \"a\"}, \"str\"]}",
	    "[\"dictionary requested, could not parse JSON or key=value\", \"Elements value for option 'items' is of type <class 'str'> and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value\", \"missing required arguments: name found in user\", \"argument 'uid' is of type <class 'str'> found in 'user'. and we were unable to convert to int: <class 'str'> cannot be converted to an int\", \"parameters are required together: uid, gid found in user\", \"parameters are mutually exclusive: x|y found in items\", \"missing required arguments: k found in items\", \"missing parameter(s) required by 'x': y found in items\", \"user.extra. Supported parameters include: name, uid.\"]",
	    "{\"user\": {\"uid\": \"q\", \"extra\": 1, \"name\": null}, \"items\": [{\"k\": 1, \"x\": \"1\", \"y\": \"2\"}, {\"x\": \"a\", \"k\": null, \"y\": null}]}" },
	{ "elements not list",
	    "{\"a\": {\"type\": \"str\", \"elements\": \"int\"}}",
	    "{\"a\": \"x\"}",
	    "[\"Invalid type str for option 'x', elements value check is supported only with 'list' type\", \"Elements value for option 'a' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int\"]",
	    NULL },
	{ "bad bool",
	    "{\"b\": {\"type\": \"bool\"}}",
	    "{\"b\": \"maybe\"}",
	    "[\"argument 'b' is of type <class 'str'> and we were unable to convert to bool: The value 'maybe' is not a valid boolean.  Valid booleans include: 'y', 'yes', 'on', '1', 'true', 't', 1, 'n', 'no', 'off', '0', 'false', 'f', 0\"]",
	    NULL },
	{ "apply defaults",
	    "{\"o\": {\"type\": \"dict\", \"apply_defaults\": true, \"options\": {\"a\": {\"default\": 1}, \"b\": {\"required\": true}}}}",
	    "{}",
	    "[\"missing required arguments: b found in o\"]",
	    NULL },
	{ "list from string",
	    "{\"l\": {\"type\": \"list\", \"elements\": \"str\"}, \"n\": {\"type\": \"list\"}}",
	    "{\"l\": \"a,b,c\", \"n\": 3}",
	    "[]",
	    "{\"l\": [\"a\", \"b\", \"c\"], \"n\": [\"3\"]}" },
	{ "required_if any",
	    "{\"s\": {}, \"a\": {}, \"b\": {}, \"o\": {\"type\": \"dict\", \"options\": {\"s\": {}, \"a\": {}, \"b\": {}}, \"required_if\": [[\"s\", \"on\", [\"a\", \"b\"], true]]}}",
	    "{\"o\": {\"s\": \"on\"}}",
	    "[\"s is on but any of the following are missing: a, b found in o\"]",
	    NULL },
	{ "int from float",
	    "{\"a\": {\"type\": \"int\"}, \"f\": {\"type\": \"float\"}}",
	    "{\"a\": 1.5, \"f\": true}",
	    "[\"argument 'a' is of type <class 'float'> and we were unable to convert to int: <class 'float'> cannot be converted to an int\"]",
	    NULL },
};

static struct value *
json(const char *s)
{
	char		*cause = NULL;
	struct value	*v = value_from_json(s, strlen(s), &cause);

	if (v == NULL)
		fail_msg("bad JSON in the test: %s", cause);
	return v;
}

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct value	*spec = json(cases[i].spec);
		struct value	*params = json(cases[i].params);
		struct value	*want = json(cases[i].errors), *got, *val;
		struct buf	 g = BUF_INIT, w = BUF_INIT;

		got = argspec_validate(spec, NULL, params, &val);
		value_to_json(&g, got, 1);
		value_to_json(&w, want, 1);
		if (strcmp(buf_cstr(&g), buf_cstr(&w)) != 0)
			fail_msg("%s: errors\n%s\nwanted\n%s", cases[i].name,
			    buf_cstr(&g), buf_cstr(&w));
		if (cases[i].validated != NULL) {
			struct value *wv = json(cases[i].validated);

			g.len = 0;
			w.len = 0;
			value_to_json(&g, val, 1);
			value_to_json(&w, wv, 1);
			if (strcmp(buf_cstr(&g), buf_cstr(&w)) != 0)
				fail_msg("%s: validated\n%s\nwanted\n%s",
				    cases[i].name, buf_cstr(&g), buf_cstr(&w));
			value_unref(wv);
		}
		buf_release(&g);
		buf_release(&w);
		value_unref(spec);
		value_unref(params);
		value_unref(want);
		value_unref(got);
		value_unref(val);
	}
}

/* Top-level checks, which a role's spec does not have but a caller may. */
static void
test_top_level_checks(void **state)
{
	struct value	*spec = json("{\"a\": {}, \"b\": {}, \"c\": {}}");
	struct value	*checks = json("{\"mutually_exclusive\": [[\"a\", "
			    "\"b\"]], \"required_one_of\": [[\"c\"]]}");
	struct value	*params = json("{\"a\": 1, \"b\": 2}");
	struct value	*errs;

	(void)state;
	errs = argspec_validate(spec, checks, params, NULL);
	assert_int_equal(errs->u.list.n, 2);
	assert_string_equal(errs->u.list.items[0]->u.str.s,
	    "parameters are mutually exclusive: a|b");
	assert_string_equal(errs->u.list.items[1]->u.str.s,
	    "one of the following is required: c");
	value_unref(errs);
	value_unref(spec);
	value_unref(checks);
	value_unref(params);
}

static void
test_human_to_bytes(void **state)
{
	long long	n;

	(void)state;
	assert_int_equal(argspec_human_to_bytes("10", 0, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(argspec_human_to_bytes("1.5K", 0, &n), 0);
	assert_int_equal(n, 1536);
	assert_int_equal(argspec_human_to_bytes("2 MB", 0, &n), 0);
	assert_int_equal(n, 2 << 20);
	assert_int_equal(argspec_human_to_bytes("1 byte", 0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(argspec_human_to_bytes("1Mb", 1, &n), 0);
	assert_int_equal(n, 1 << 20);
	assert_int_equal(argspec_human_to_bytes("1Mb", 0, &n), -1);
	assert_int_equal(argspec_human_to_bytes("1Q", 0, &n), -1);
	assert_int_equal(argspec_human_to_bytes("zz", 0, &n), -1);
	assert_int_equal(argspec_human_to_bytes(".", 0, &n), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_top_level_checks),
		cmocka_unit_test(test_human_to_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
