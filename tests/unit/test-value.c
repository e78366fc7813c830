/* Unit tests for engine/value.c: the value type, its Python-like text, JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

/* value_to_string into a static-free comparison. */
static void
assert_str_of(const struct value *v, const char *want)
{
	char	*s = value_to_string(v);

	assert_string_equal(s, want);
	free(s);
}

static void
assert_json_of(const struct value *v, int pretty, const char *want)
{
	struct buf	b = BUF_INIT;

	value_to_json(&b, v, pretty);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static struct value *
json(const char *text)
{
	char		*cause = NULL;
	struct value	*v;

	v = value_from_json(text, strlen(text), &cause);
	if (v == NULL) {
		print_error("'%s': %s\n", text, cause);
		free(cause);
		fail();
	}
	assert_null(cause);
	return v;
}

static void
test_constructors(void **state)
{
	struct value	*v;
	char		*s;

	v = value_null();
	assert_int_equal(v->type, V_NULL);
	assert_int_equal(v->refs, 1);
	assert_int_equal(v->flags, 0);
	assert_null(v->loc.file);
	value_unref(v);

	v = value_bool(5);
	assert_int_equal(v->type, V_BOOL);
	assert_int_equal(v->u.b, 1);
	value_unref(v);

	v = value_int(-42);
	assert_int_equal(v->type, V_INT);
	assert_true(v->u.i == -42);
	value_unref(v);

	v = value_float(2.5);
	assert_int_equal(v->type, V_FLOAT);
	assert_true(v->u.f == 2.5);
	value_unref(v);

	v = value_str("hello");
	assert_int_equal(v->type, V_STR);
	assert_string_equal(v->u.str.s, "hello");
	assert_int_equal(v->u.str.len, 5);
	assert_int_equal(value_len(v), 5);
	value_unref(v);

	v = value_strn("a\0b", 3);
	assert_int_equal(v->u.str.len, 3);
	assert_memory_equal(v->u.str.s, "a\0b", 4);
	value_unref(v);

	s = xstrdup("taken");
	v = value_str_take(s);
	assert_ptr_equal(v->u.str.s, s);
	assert_int_equal(v->u.str.len, 5);
	value_unref(v);

	v = value_strf("%s=%d", "x", 7);
	assert_string_equal(v->u.str.s, "x=7");
	assert_int_equal(v->u.str.len, 3);
	value_unref(v);

	v = value_list();
	assert_int_equal(v->type, V_LIST);
	assert_int_equal(value_len(v), 0);
	value_unref(v);

	v = value_dict();
	assert_int_equal(v->type, V_DICT);
	assert_int_equal(value_len(v), 0);
	value_unref(v);

	v = value_int(3);
	assert_int_equal(value_len(v), 0);
	value_unref(v);

	assert_string_equal(value_type_name(V_NULL), "NoneType");
	assert_string_equal(value_type_name(V_BOOL), "bool");
	assert_string_equal(value_type_name(V_INT), "int");
	assert_string_equal(value_type_name(V_FLOAT), "float");
	assert_string_equal(value_type_name(V_STR), "str");
	assert_string_equal(value_type_name(V_LIST), "list");
	assert_string_equal(value_type_name(V_DICT), "dict");
}

static void
test_refcount(void **state)
{
	struct value	*l = value_list(), *item = value_str("x");

	assert_null(value_ref(NULL));
	value_unref(NULL);

	assert_ptr_equal(value_ref(item), item);
	assert_int_equal(item->refs, 2);
	value_list_append(l, item);		/* takes our second reference */
	value_list_append(l, value_ref(item));
	assert_int_equal(item->refs, 3);
	assert_int_equal(value_len(l), 2);
	assert_ptr_equal(l->u.list.items[0], l->u.list.items[1]);

	value_ref(l);
	value_unref(l);
	assert_int_equal(l->refs, 1);
	/* Freeing the list drops its two references, not ours. */
	value_unref(l);
	assert_int_equal(item->refs, 1);
	assert_string_equal(item->u.str.s, "x");
	value_unref(item);
}

static void
test_list(void **state)
{
	struct value	*l = value_list();
	int		 i;

	for (i = 0; i < 100; i++)
		value_list_append(l, value_int(i));
	assert_int_equal(value_len(l), 100);
	for (i = 0; i < 100; i++)
		assert_true(l->u.list.items[i]->u.i == i);
	value_unref(l);
}

static void
test_dict(void **state)
{
	struct value	*d = value_dict(), *v;

	value_dict_setstr(d, "b", "1");
	value_dict_setint(d, "a", 2);
	value_dict_setbool(d, "c", 1);
	value_dict_set(d, "n", value_null());
	assert_int_equal(value_len(d), 4);
	/* Insertion order, not sorted. */
	assert_string_equal(d->u.dict.keys[0], "b");
	assert_string_equal(d->u.dict.keys[1], "a");
	assert_string_equal(d->u.dict.keys[2], "c");
	assert_string_equal(d->u.dict.keys[3], "n");
	assert_string_equal(value_dict_get(d, "b")->u.str.s, "1");
	assert_true(value_dict_get(d, "a")->u.i == 2);
	assert_int_equal(value_dict_get(d, "c")->u.b, 1);
	assert_int_equal(value_dict_get(d, "n")->type, V_NULL);
	assert_null(value_dict_get(d, "missing"));
	assert_null(value_dict_get(d, ""));
	assert_null(value_dict_get(NULL, "a"));

	/* Replacing keeps the key's place. */
	value_dict_setint(d, "b", 9);
	assert_int_equal(value_len(d), 4);
	assert_string_equal(d->u.dict.keys[0], "b");
	assert_true(d->u.dict.vals[0]->u.i == 9);

	/* Deleting keeps the order of the rest. */
	assert_int_equal(value_dict_del(d, "a"), 1);
	assert_int_equal(value_dict_del(d, "a"), 0);
	assert_int_equal(value_len(d), 3);
	assert_string_equal(d->u.dict.keys[0], "b");
	assert_string_equal(d->u.dict.keys[1], "c");
	assert_string_equal(d->u.dict.keys[2], "n");
	assert_int_equal(value_dict_del(d, "n"), 1);
	assert_int_equal(value_dict_del(d, "b"), 1);
	assert_int_equal(value_dict_del(d, "c"), 1);
	assert_int_equal(value_len(d), 0);
	value_dict_setint(d, "again", 1);
	assert_string_equal(d->u.dict.keys[0], "again");

	/* Not a dict: get and del find nothing. */
	v = value_int(1);
	assert_null(value_dict_get(v, "a"));
	assert_int_equal(value_dict_del(v, "a"), 0);
	value_unref(v);
	value_unref(d);
}

static void
test_dict_merge(void **state)
{
	struct value	*dst = json("{\"a\": 1, \"n\": {\"x\": 1, \"y\": 2}, "
			    "\"keep\": true}");
	struct value	*src = json("{\"n\": {\"y\": 3, \"z\": 4}, \"a\": 5, "
			    "\"new\": [1]}");
	struct value	*deep = value_copy(dst), *inner;

	/* Shallow: src's values replace dst's whole, new keys go last. */
	value_dict_merge(dst, src, 0);
	assert_str_of(dst, "{'a': 5, 'n': {'y': 3, 'z': 4}, 'keep': True, "
	    "'new': [1]}");
	/* The values are shared, not copied. */
	assert_ptr_equal(value_dict_get(dst, "new"), value_dict_get(src, "new"));

	/* Deep: nested dicts are merged key by key. */
	inner = value_ref(value_dict_get(deep, "n"));
	value_dict_merge(deep, src, 1);
	assert_str_of(deep, "{'a': 5, 'n': {'x': 1, 'y': 3, 'z': 4}, "
	    "'keep': True, 'new': [1]}");
	/* The old nested dict (maybe shared elsewhere) is left alone. */
	assert_str_of(inner, "{'x': 1, 'y': 2}");
	assert_str_of(src, "{'n': {'y': 3, 'z': 4}, 'a': 5, 'new': [1]}");

	/* Merging NULL or a non-dict does nothing. */
	value_dict_merge(deep, NULL, 1);
	value_dict_merge(deep, inner->u.dict.vals[0], 1);
	assert_int_equal(value_len(deep), 4);

	value_unref(inner);
	value_unref(dst);
	value_unref(src);
	value_unref(deep);
}

static void
test_copy(void **state)
{
	struct value	*v = json("{\"l\": [1, \"s\", {\"k\": null}], "
			    "\"f\": 1.5, \"b\": false}");
	struct value	*c, *s;

	v->loc.file = "f.yml";
	v->loc.line = 3;
	v->loc.col = 7;
	s = value_dict_get(v, "l")->u.list.items[1];
	s->flags = VALUE_QUOTED | VALUE_UNSAFE;

	c = value_copy(v);
	assert_ptr_not_equal(c, v);
	assert_int_equal(c->refs, 1);
	assert_true(value_equal(c, v));
	assert_ptr_equal(c->loc.file, v->loc.file);
	assert_int_equal(c->loc.line, 3);
	assert_int_equal(c->loc.col, 7);
	/* Deep: no node is shared, flags go along. */
	assert_ptr_not_equal(value_dict_get(c, "l"), value_dict_get(v, "l"));
	assert_ptr_not_equal(value_dict_get(c, "l")->u.list.items[1], s);
	assert_ptr_not_equal(value_dict_get(c, "l")->u.list.items[1]->u.str.s,
	    s->u.str.s);
	assert_int_equal(value_dict_get(c, "l")->u.list.items[1]->flags,
	    VALUE_QUOTED | VALUE_UNSAFE);

	/* Changing the copy leaves the original as it was. */
	value_dict_setint(value_dict_get(c, "l")->u.list.items[2], "k", 5);
	value_list_append(value_dict_get(c, "l"), value_int(4));
	value_dict_del(c, "f");
	assert_str_of(v, "{'l': [1, 's', {'k': None}], 'f': 1.5, 'b': False}");
	assert_str_of(c, "{'l': [1, 's', {'k': 5}, 4], 'b': False}");

	s = value_strn("x\0y", 3);
	c = (value_unref(c), value_copy(s));
	assert_int_equal(c->u.str.len, 3);
	assert_memory_equal(c->u.str.s, "x\0y", 3);
	value_unref(c);
	value_unref(s);
	value_unref(v);
}

static void
test_truthy(void **state)
{
	static const struct {
		const char	*json;
		int		 want;
	} cases[] = {
		{ "null", 0 }, { "true", 1 }, { "false", 0 }, { "0", 0 },
		{ "-1", 1 }, { "0.0", 0 }, { "0.5", 1 }, { "\"\"", 0 },
		{ "\"0\"", 1 }, { "\"false\"", 1 }, { "[]", 0 }, { "[0]", 1 },
		{ "{}", 0 }, { "{\"a\": 0}", 1 },
	};
	struct value	*v;
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = json(cases[i].json);
		if (value_truthy(v) != cases[i].want)
			fail_msg("truthy(%s) != %d", cases[i].json,
			    cases[i].want);
		value_unref(v);
	}
	assert_int_equal(value_truthy(NULL), 0);
}

static void
test_as_bool(void **state)
{
	static const struct {
		const char	*json;
		int		 want;
	} cases[] = {
		{ "true", 1 }, { "false", 0 }, { "1", 1 }, { "0", 0 },
		{ "2", -1 }, { "-1", -1 }, { "1.0", 1 }, { "0.0", 0 },
		{ "0.5", -1 }, { "null", -1 }, { "[]", -1 }, { "{}", -1 },
		{ "\"yes\"", 1 }, { "\"Yes\"", 1 }, { "\"YES\"", 1 },
		{ "\"on\"", 1 }, { "\"ON\"", 1 }, { "\"true\"", 1 },
		{ "\"True\"", 1 }, { "\"1\"", 1 }, { "\"y\"", 1 }, { "\"t\"", 1 },
		{ "\"no\"", 0 }, { "\"No\"", 0 }, { "\"off\"", 0 },
		{ "\"OFF\"", 0 }, { "\"false\"", 0 }, { "\"FALSE\"", 0 },
		{ "\"0\"", 0 }, { "\"n\"", 0 }, { "\"f\"", 0 },
		{ "\"maybe\"", -1 }, { "\"2\"", -1 }, { "\"yess\"", -1 },
		{ "\"tru\"", -1 },
	};
	struct value	*v;
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = json(cases[i].json);
		if (value_as_bool(v) != cases[i].want)
			fail_msg("as_bool(%s) = %d, want %d", cases[i].json,
			    value_as_bool(v), cases[i].want);
		value_unref(v);
	}
	assert_int_equal(value_as_bool(NULL), -1);
}

static void
test_to_string(void **state)
{
	static const struct {
		double		 f;
		const char	*want;
	} floats[] = {
		{ 1.0, "1.0" }, { 1.5, "1.5" }, { -2.25, "-2.25" },
		{ 0.1, "0.1" }, { 1.0 / 3, "0.3333333333333333" },
		{ 123456.789, "123456.789" }, { 1e16, "1e+16" },
		{ 1e22, "1e+22" }, { 1e-05, "1e-05" }, { 0.0001, "0.0001" },
		{ 2.5e-07, "2.5e-07" }, { -0.0, "-0.0" },
		/* Python switches to exponents at 1e16, not at 17 digits. */
		{ 1e15, "1000000000000000.0" },
		{ 123456789012.0, "123456789012.0" },
	};
	struct value	*v;
	size_t		 i;

	v = value_null();
	assert_str_of(v, "None");
	value_unref(v);
	v = value_bool(1);
	assert_str_of(v, "True");
	value_unref(v);
	v = value_bool(0);
	assert_str_of(v, "False");
	value_unref(v);
	v = value_int(-9223372036854775807LL - 1);
	assert_str_of(v, "-9223372036854775808");
	value_unref(v);

	for (i = 0; i < ARRAY_SIZE(floats); i++) {
		v = value_float(floats[i].f);
		assert_str_of(v, floats[i].want);
		value_unref(v);
	}
	v = value_float(INFINITY);
	assert_str_of(v, "inf");
	value_unref(v);
	v = value_float(-INFINITY);
	assert_str_of(v, "-inf");
	value_unref(v);
	v = value_float(NAN);
	assert_str_of(v, "nan");
	value_unref(v);

	/* A string is itself, unquoted; inside containers it is repr'd. */
	v = value_str("it's");
	assert_str_of(v, "it's");
	value_unref(v);

	v = json("[\"a\", 1, null, true, 1.5, {\"k\": \"v\"}, [], {}]");
	assert_str_of(v, "['a', 1, None, True, 1.5, {'k': 'v'}, [], {}]");
	value_unref(v);

	v = json("[\"it's\", \"it's \\\"x\\\"\", \"back\\\\slash\", "
	    "\"\\u00e9\\u0001\\u007f\\t\\n\"]");
	assert_str_of(v, "[\"it's\", 'it\\'s \"x\"', 'back\\\\slash', "
	    "'\xc3\xa9\\x01\\x7f\\t\\n']");
	value_unref(v);

	v = json("{\"k'\": {\"n\": [1.0]}}");
	assert_str_of(v, "{\"k'\": {'n': [1.0]}}");
	value_unref(v);
}

static void
test_equal(void **state)
{
	static const struct {
		const char	*a;
		const char	*b;
		int		 want;
	} cases[] = {
		{ "1", "1", 1 }, { "1", "1.0", 1 }, { "1", "true", 1 },
		{ "0", "false", 1 }, { "2", "true", 0 }, { "1", "\"1\"", 0 },
		{ "null", "null", 1 }, { "null", "0", 0 }, { "null", "\"\"", 0 },
		{ "\"a\"", "\"a\"", 1 }, { "\"a\"", "\"b\"", 0 },
		{ "\"a\"", "\"ab\"", 0 }, { "[]", "[]", 1 }, { "[]", "{}", 0 },
		{ "[1, [2]]", "[1, [2]]", 1 }, { "[1, [2]]", "[1, [3]]", 0 },
		{ "[1, 2]", "[2, 1]", 0 }, { "[1]", "[1, 1]", 0 },
		/* Python dicts compare without regard to order. */
		{ "{\"a\": 1, \"b\": 2}", "{\"b\": 2, \"a\": 1}", 1 },
		{ "{\"a\": 1}", "{\"a\": 2}", 0 },
		{ "{\"a\": 1}", "{\"b\": 1}", 0 },
		{ "{\"a\": 1}", "{\"a\": 1, \"b\": 1}", 0 },
		{ "{\"a\": [1, {\"x\": null}]}", "{\"a\": [1.0, {\"x\": null}]}",
		    1 },
	};
	struct value	*a, *b, *s1, *s2;
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		a = json(cases[i].a);
		b = json(cases[i].b);
		if (value_equal(a, b) != cases[i].want ||
		    value_equal(b, a) != cases[i].want)
			fail_msg("%s == %s should be %d", cases[i].a, cases[i].b,
			    cases[i].want);
		value_unref(a);
		value_unref(b);
	}
	a = value_str("x");
	assert_true(value_equal(a, a));
	assert_false(value_equal(a, NULL));
	assert_false(value_equal(NULL, a));
	assert_true(value_equal(NULL, NULL));
	value_unref(a);

	/* Strings compare by length and bytes, NULs included. */
	s1 = value_strn("a\0b", 3);
	s2 = value_strn("a\0c", 3);
	assert_false(value_equal(s1, s2));
	value_unref(s1);
	value_unref(s2);
}

static void
test_is_template(void **state)
{
	struct value	*v;

	v = value_str("hello {{ name }}");
	assert_true(value_is_template(v));
	v->flags |= VALUE_UNSAFE;
	assert_false(value_is_template(v));
	value_unref(v);
	v = value_str("{% if x %}y{% endif %}");
	assert_true(value_is_template(v));
	value_unref(v);
	v = value_str("{ {x} } {#");
	assert_false(value_is_template(v));
	value_unref(v);
	v = value_int(1);
	assert_false(value_is_template(v));
	value_unref(v);
	assert_false(value_is_template(NULL));
}

static void
test_json_encode(void **state)
{
	struct value	*v;

	/* The same text as Python's json.dumps, compact and indent=4. */
	v = json("{\"a\": [1, 2.5, null, true], \"b\": {}, \"c\": []}");
	assert_json_of(v, 0, "{\"a\": [1, 2.5, null, true], \"b\": {}, "
	    "\"c\": []}");
	assert_json_of(v, 1,
	    "{\n"
	    "    \"a\": [\n"
	    "        1,\n"
	    "        2.5,\n"
	    "        null,\n"
	    "        true\n"
	    "    ],\n"
	    "    \"b\": {},\n"
	    "    \"c\": []\n"
	    "}");
	value_unref(v);

	/* Escapes; UTF-8 is kept as it is (valid JSON, ensure_ascii off). */
	v = value_str("q\" b\\ n\n r\r t\t \b \f \x01 \x1f \x7f / \xc3\xa9");
	assert_json_of(v, 0, "\"q\\\" b\\\\ n\\n r\\r t\\t \\b \\f \\u0001 "
	    "\\u001f \\u007f / \xc3\xa9\"");
	value_unref(v);

	v = value_strn("a\0b", 3);
	assert_json_of(v, 0, "\"a\\u0000b\"");
	value_unref(v);

	v = value_dict();
	value_dict_setstr(v, "k\"ey", "v");
	assert_json_of(v, 0, "{\"k\\\"ey\": \"v\"}");
	value_unref(v);

	v = value_float(1.0);
	assert_json_of(v, 0, "1.0");
	value_unref(v);
	v = value_float(-INFINITY);
	assert_json_of(v, 0, "-Infinity");
	value_unref(v);
	v = value_float(NAN);
	assert_json_of(v, 0, "NaN");
	value_unref(v);
	v = value_int(-7);
	assert_json_of(v, 1, "-7");
	value_unref(v);
	v = value_null();
	assert_json_of(v, 1, "null");
	value_unref(v);
}

static void
test_json_decode(void **state)
{
	struct value	*v;

	v = json(" \t\r\n{ \"s\" : \"x\" , \"i\": -12, \"f\": 1.5e3, \"F\": 2E-1,"
	    " \"z\": 0, \"t\": true, \"n\": null, \"l\": [ ], \"d\": {},"
	    " \"big\": 9223372036854775807 }\n");
	assert_int_equal(v->type, V_DICT);
	assert_int_equal(value_len(v), 10);
	assert_string_equal(v->u.dict.keys[0], "s");
	assert_string_equal(value_dict_get(v, "s")->u.str.s, "x");
	assert_int_equal(value_dict_get(v, "i")->type, V_INT);
	assert_true(value_dict_get(v, "i")->u.i == -12);
	assert_int_equal(value_dict_get(v, "f")->type, V_FLOAT);
	assert_true(value_dict_get(v, "f")->u.f == 1500.0);
	assert_true(value_dict_get(v, "F")->u.f == 0.2);
	assert_int_equal(value_dict_get(v, "z")->type, V_INT);
	assert_int_equal(value_dict_get(v, "t")->type, V_BOOL);
	assert_int_equal(value_dict_get(v, "n")->type, V_NULL);
	assert_int_equal(value_dict_get(v, "l")->type, V_LIST);
	assert_int_equal(value_dict_get(v, "d")->type, V_DICT);
	assert_true(value_dict_get(v, "big")->u.i == 9223372036854775807LL);
	value_unref(v);

	/* Escapes, \u with surrogate pairs, and raw UTF-8. */
	v = json("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac"
	    "\\ud83d\\ude00\xc3\xa9\"");
	assert_string_equal(v->u.str.s, "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac"
	    "\xf0\x9f\x98\x80\xc3\xa9");
	value_unref(v);

	v = json("\"a\\u0000b\"");
	assert_int_equal(v->u.str.len, 3);
	assert_memory_equal(v->u.str.s, "a\0b", 3);
	value_unref(v);

	/* A duplicate key: the last wins, as in Python. */
	v = json("{\"a\": 1, \"a\": 2}");
	assert_int_equal(value_len(v), 1);
	assert_true(value_dict_get(v, "a")->u.i == 2);
	value_unref(v);

	/* Scalars at the top, and round trips. */
	v = json("  \"top\"  ");
	assert_string_equal(v->u.str.s, "top");
	value_unref(v);
	v = json("[[[[]]], {\"x\": [{}]}]");
	assert_json_of(v, 0, "[[[[]]], {\"x\": [{}]}]");
	value_unref(v);
}

static void
test_json_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "", "invalid JSON at offset 0: unexpected end of input" },
		{ "   ", "invalid JSON at offset 3: unexpected end of input" },
		{ "nul", "invalid JSON at offset 0: unexpected character" },
		{ "[1,]", "invalid JSON at offset 3: unexpected character" },
		{ "[1 2]", "invalid JSON at offset 3: expected ',' or ']'" },
		{ "{\"a\" 1}", "invalid JSON at offset 5: expected ':'" },
		{ "{a: 1}", "invalid JSON at offset 1: expected a string key" },
		{ "{\"a\": 1", "invalid JSON at offset 7: expected ',' or '}'" },
		{ "\"abc", "invalid JSON at offset 4: unterminated string" },
		{ "\"a\\qb\"", "invalid JSON at offset 3: bad escape" },
		{ "\"a\nb\"", "invalid JSON at offset 2: control character in "
		    "string" },
		{ "\"\\u12\"", "invalid JSON at offset 3: short \\u escape" },
		{ "\"\\u12zz\"", "invalid JSON at offset 3: bad \\u escape" },
		/* Exactly four hex digits: strtoul's sign and spaces are not. */
		{ "\"\\u+123\"", "invalid JSON at offset 3: bad \\u escape" },
		{ "\"\\u 123\"", "invalid JSON at offset 3: bad \\u escape" },
		{ "1 2", "invalid JSON at offset 2: trailing characters" },
		{ "{} x", "invalid JSON at offset 3: trailing characters" },
		{ "-", "invalid JSON at offset 0: unexpected character" },
		{ "1.2.3", "invalid JSON at offset 0: bad number" },
		{ "99999999999999999999", "invalid JSON at offset 0: bad "
		    "number" },
	};
	struct value	*v;
	char		*cause;
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cause = NULL;
		v = value_from_json(cases[i].text, strlen(cases[i].text),
		    &cause);
		if (v != NULL)
			fail_msg("'%s' was accepted", cases[i].text);
		assert_non_null(cause);
		if (strcmp(cause, cases[i].want) != 0)
			fail_msg("'%s': got \"%s\"", cases[i].text, cause);
		free(cause);
	}

	/* A NULL cause is allowed. */
	assert_null(value_from_json("[", 1, NULL));

	/* Nesting is limited, so hostile input cannot exhaust the stack. */
	{
		struct buf	b = BUF_INIT;

		for (i = 0; i < 600; i++)
			buf_addc(&b, '[');
		cause = NULL;
		assert_null(value_from_json(b.s, b.len, &cause));
		assert_string_equal(cause, "invalid JSON at offset 512: nested "
		    "too deeply");
		free(cause);
		buf_release(&b);
	}
}

/* Big dicts keep a hash index: lookups, replacement, deletion, copies. */
static void
test_dict_big(void **state)
{
	struct value	*d = value_dict(), *c;
	char		 key[32];
	int		 i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		value_dict_set(d, key, value_int(i));
	}
	assert_int_equal(value_len(d), 5000);
	for (i = 0; i < 5000; i += 7) {
		snprintf(key, sizeof key, "k%d", i);
		assert_int_equal(value_dict_get(d, key)->u.i, i);
	}
	assert_null(value_dict_get(d, "k5000"));
	/* replacing keeps the place and the count */
	value_dict_set(d, "k42", value_str("x"));
	assert_int_equal(value_len(d), 5000);
	assert_string_equal(d->u.dict.keys[42], "k42");
	assert_string_equal(value_dict_get(d, "k42")->u.str.s, "x");
	/* deleting shifts the order; every other key is still found */
	for (i = 0; i < 5000; i += 2) {
		snprintf(key, sizeof key, "k%d", i);
		assert_true(value_dict_del(d, key));
	}
	assert_int_equal(value_len(d), 2500);
	assert_string_equal(d->u.dict.keys[0], "k1");
	for (i = 1; i < 5000; i += 2) {
		snprintf(key, sizeof key, "k%d", i);
		assert_int_equal(value_dict_get(d, key)->u.i, i);
	}
	assert_null(value_dict_get(d, "k0"));
	c = value_copy(d);
	assert_true(value_equal(c, d));
	assert_int_equal(value_dict_get(c, "k4999")->u.i, 4999);
	value_unref(c);
	/* shrinking below the threshold drops back to the plain search */
	for (i = 1; i < 4990; i += 2) {
		snprintf(key, sizeof key, "k%d", i);
		value_dict_del(d, key);
	}
	assert_int_equal(value_len(d), 5);
	assert_int_equal(value_dict_get(d, "k4993")->u.i, 4993);
	assert_null(value_dict_get(d, "k1"));
	value_unref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dict_big),
		cmocka_unit_test(test_constructors),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_dict),
		cmocka_unit_test(test_dict_merge),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_truthy),
		cmocka_unit_test(test_as_bool),
		cmocka_unit_test(test_to_string),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_is_template),
		cmocka_unit_test(test_json_encode),
		cmocka_unit_test(test_json_decode),
		cmocka_unit_test(test_json_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
