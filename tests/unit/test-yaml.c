/* Unit tests for engine/yaml.c: PyYAML's typing, locations, errors, limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vault.h"
#include "yaml.h"

static struct value *
load(const char *text)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	if (yaml_load_string("t.yml", text, strlen(text), &v, &cause) != 0) {
		print_error("unexpected error: %s\n", cause);
		free(cause);
		fail();
	}
	assert_non_null(v);
	return v;
}

/* Loads text that must fail; checks the whole message. */
static void
load_error(const char *text, const char *want)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	assert_int_equal(yaml_load_string("t.yml", text, strlen(text), &v,
	    &cause), -1);
	assert_null(v);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

/* The value of key "v" in a one-key document, with a reference. */
static struct value *
load_v(const char *text, struct value **doc)
{
	struct value	*v;

	*doc = load(text);
	assert_int_equal((*doc)->type, V_DICT);
	v = value_dict_get(*doc, "v");
	assert_non_null(v);
	return v;
}

/* Expected results generated with PyYAML 6.0 safe_load("v: " + text). */
static const struct {
	const char	*text;
	enum value_type	 type;
	long long	 i;
	double		 f;
	const char	*s;
} scalars[] = {
	{ "yes", V_BOOL, 1, 0, NULL },
	{ "Yes", V_BOOL, 1, 0, NULL },
	{ "YES", V_BOOL, 1, 0, NULL },
	{ "yEs", V_STR, 0, 0, "yEs" },
	{ "no", V_BOOL, 0, 0, NULL },
	{ "No", V_BOOL, 0, 0, NULL },
	{ "NO", V_BOOL, 0, 0, NULL },
	{ "true", V_BOOL, 1, 0, NULL },
	{ "True", V_BOOL, 1, 0, NULL },
	{ "TRUE", V_BOOL, 1, 0, NULL },
	{ "tRue", V_STR, 0, 0, "tRue" },
	{ "false", V_BOOL, 0, 0, NULL },
	{ "False", V_BOOL, 0, 0, NULL },
	{ "FALSE", V_BOOL, 0, 0, NULL },
	{ "on", V_BOOL, 1, 0, NULL },
	{ "On", V_BOOL, 1, 0, NULL },
	{ "ON", V_BOOL, 1, 0, NULL },
	{ "oN", V_STR, 0, 0, "oN" },
	{ "off", V_BOOL, 0, 0, NULL },
	{ "Off", V_BOOL, 0, 0, NULL },
	{ "OFF", V_BOOL, 0, 0, NULL },
	{ "y", V_STR, 0, 0, "y" },
	{ "Y", V_STR, 0, 0, "Y" },
	{ "n", V_STR, 0, 0, "n" },
	{ "N", V_STR, 0, 0, "N" },
	{ "~", V_NULL, 0, 0, NULL },
	{ "null", V_NULL, 0, 0, NULL },
	{ "Null", V_NULL, 0, 0, NULL },
	{ "NULL", V_NULL, 0, 0, NULL },
	{ "nuLL", V_STR, 0, 0, "nuLL" },
	{ "0", V_INT, 0LL, 0, NULL },
	{ "-0", V_INT, 0LL, 0, NULL },
	{ "+0", V_INT, 0LL, 0, NULL },
	{ "00", V_INT, 0LL, 0, NULL },
	{ "007", V_INT, 7LL, 0, NULL },
	{ "0_7", V_INT, 7LL, 0, NULL },
	{ "08", V_STR, 0, 0, "08" },
	{ "019", V_STR, 0, 0, "019" },
	{ "0o17", V_STR, 0, 0, "0o17" },
	{ "0x1F", V_INT, 31LL, 0, NULL },
	{ "0X1F", V_STR, 0, 0, "0X1F" },
	{ "-0x1f", V_INT, -31LL, 0, NULL },
	{ "0x_1F", V_INT, 31LL, 0, NULL },
	{ "0b101", V_INT, 5LL, 0, NULL },
	{ "-0b11", V_INT, -3LL, 0, NULL },
	{ "0b2", V_STR, 0, 0, "0b2" },
	{ "1_000", V_INT, 1000LL, 0, NULL },
	{ "+12_3", V_INT, 123LL, 0, NULL },
	{ "-42", V_INT, -42LL, 0, NULL },
	{ "9223372036854775807", V_INT, 9223372036854775807LL, 0, NULL },
	{ "-9223372036854775808", V_INT, LLONG_MIN, 0, NULL },
	{ "9223372036854775808", V_STR, 0, 0, "9223372036854775808" },	/* a big int in Python */
	{ "1:30", V_INT, 90LL, 0, NULL },
	{ "-1:30", V_INT, -90LL, 0, NULL },
	{ "22:22", V_INT, 1342LL, 0, NULL },
	{ "190:20:30", V_INT, 685230LL, 0, NULL },
	{ "1_2:3_0", V_STR, 0, 0, "1_2:3_0" },
	{ "1:60", V_STR, 0, 0, "1:60" },
	{ "0:30", V_STR, 0, 0, "0:30" },
	{ "1.5", V_FLOAT, 0, 1.5, NULL },
	{ "-1.5", V_FLOAT, 0, -1.5, NULL },
	{ "+1.5", V_FLOAT, 0, 1.5, NULL },
	{ "1.", V_FLOAT, 0, 1.0, NULL },
	{ ".5", V_FLOAT, 0, 0.5, NULL },
	{ "-.5", V_STR, 0, 0, "-.5" },
	{ "1.e+3", V_FLOAT, 0, 1000.0, NULL },
	{ "1.5E-3", V_FLOAT, 0, 0.0015, NULL },
	{ "1.0e3", V_STR, 0, 0, "1.0e3" },
	{ "1e3", V_STR, 0, 0, "1e3" },
	{ "12e+3", V_STR, 0, 0, "12e+3" },
	{ "1_0.5", V_FLOAT, 0, 10.5, NULL },
	{ "1:30.5", V_FLOAT, 0, 90.5, NULL },
	{ ".inf", V_FLOAT, 0, INFINITY, NULL },
	{ ".Inf", V_FLOAT, 0, INFINITY, NULL },
	{ ".INF", V_FLOAT, 0, INFINITY, NULL },
	{ "-.inf", V_FLOAT, 0, -INFINITY, NULL },
	{ "+.inf", V_FLOAT, 0, INFINITY, NULL },
	{ ".nan", V_FLOAT, 0, NAN, NULL },
	{ ".NaN", V_FLOAT, 0, NAN, NULL },
	{ ".NAN", V_FLOAT, 0, NAN, NULL },
	{ "-.nan", V_STR, 0, 0, "-.nan" },
	{ "inf", V_STR, 0, 0, "inf" },
	{ "nan", V_STR, 0, 0, "nan" },
	{ "2001-12-14", V_STR, 0, 0, "2001-12-14" },	/* date in Python */
	{ "12:30", V_INT, 750LL, 0, NULL },
	{ "1.2.3", V_STR, 0, 0, "1.2.3" },
	{ "0x", V_STR, 0, 0, "0x" },
	{ "0b", V_STR, 0, 0, "0b" },
	{ "+-", V_STR, 0, 0, "+-" },
	{ ".", V_STR, 0, 0, "." },
	{ "._5", V_STR, 0, 0, "._5" },
	{ "abc", V_STR, 0, 0, "abc" },
	{ "1a", V_STR, 0, 0, "1a" },
	{ "0.1.2", V_STR, 0, 0, "0.1.2" },
	{ "=x", V_STR, 0, 0, "=x" },
	{ "<<x", V_STR, 0, 0, "<<x" },
};

static void
test_scalar_types(void **state)
{
	struct value	*doc, *v;
	char		 text[128];
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(scalars); i++) {
		snprintf(text, sizeof text, "v: %s\n", scalars[i].text);
		v = load_v(text, &doc);
		if (v->type != scalars[i].type) {
			print_error("'%s': got %s, want %s\n", scalars[i].text,
			    value_type_name(v->type),
			    value_type_name(scalars[i].type));
		}
		assert_int_equal(v->type, scalars[i].type);
		assert_int_equal(v->flags & VALUE_QUOTED, 0);
		switch (v->type) {
		case V_BOOL:
			assert_int_equal(v->u.b, scalars[i].i);
			break;
		case V_INT:
			assert_true(v->u.i == scalars[i].i);
			break;
		case V_FLOAT:
			if (isnan(scalars[i].f))
				assert_true(isnan(v->u.f));
			else
				assert_true(v->u.f == scalars[i].f);
			break;
		case V_STR:
			assert_string_equal(v->u.str.s, scalars[i].s);
			break;
		default:
			break;
		}
		value_unref(doc);
	}
}

static void
test_quoted(void **state)
{
	static const char *const texts[] = {
		"'yes'", "\"yes\"", "'123'", "\"0x10\"", "'~'", "'null'",
		"\"1.5\"", "'.inf'", "''", "\"\"", "'<<'", "'='",
	};
	static const char *const want[] = {
		"yes", "yes", "123", "0x10", "~", "null", "1.5", ".inf", "", "",
		"<<", "=",
	};
	struct value	*doc, *v;
	char		 text[64];
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		snprintf(text, sizeof text, "v: %s", texts[i]);
		v = load_v(text, &doc);
		assert_int_equal(v->type, V_STR);
		assert_string_equal(v->u.str.s, want[i]);
		assert_int_equal(v->flags, VALUE_QUOTED);
		value_unref(doc);
	}

	/* An empty plain value is null, not a string. */
	v = load_v("v:\nw: 1\n", &doc);
	assert_int_equal(v->type, V_NULL);
	value_unref(doc);

	/* Escapes, '' and folding of multi-line quoted and plain scalars. */
	v = load_v("v: 'it''s'", &doc);
	assert_string_equal(v->u.str.s, "it's");
	value_unref(doc);
	v = load_v("v: \"tab\\there \\u00e9 \\x41\"", &doc);
	assert_string_equal(v->u.str.s, "tab\there \xc3\xa9 A");
	value_unref(doc);
	v = load_v("v: \"multi\n  line\"", &doc);
	assert_string_equal(v->u.str.s, "multi line");
	value_unref(doc);
	v = load_v("v: plain\n  folded\n  text", &doc);
	assert_string_equal(v->u.str.s, "plain folded text");
	assert_int_equal(v->flags, 0);
	value_unref(doc);

	/* A NUL in a double-quoted string is kept: len is authoritative. */
	v = load_v("v: \"a\\0b\"", &doc);
	assert_int_equal(v->u.str.len, 3);
	assert_memory_equal(v->u.str.s, "a\0b", 3);
	value_unref(doc);
}

static void
test_block_scalars(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "v: |\n  x\n  y\n\n", "x\ny\n" },
		{ "v: |-\n  x\n  y\n\n", "x\ny" },
		{ "v: |+\n  x\n  y\n\n", "x\ny\n\n" },
		{ "v: >\n  x\n  y\n\n  z\n", "x y\nz\n" },
		{ "v: >-\n  x\n  y\n", "x y" },
		{ "v: >+\n  x\n\n", "x\n\n" },
		{ "v: |2\n   x\n  y\n", " x\ny\n" },
		{ "v: >\n  x\n    indented\n  y\n", "x\n  indented\ny\n" },
		{ "v: |\n  yes\n", "yes\n" },
		{ "v: >-\n  123\n", "123" },
	};
	struct value	*doc, *v;
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = load_v(cases[i].text, &doc);
		assert_int_equal(v->type, V_STR);
		assert_string_equal(v->u.str.s, cases[i].want);
		assert_int_equal(v->flags, VALUE_QUOTED);
		value_unref(doc);
	}
}

static void
test_tags(void **state)
{
	struct value	*doc, *v;

	v = load_v("v: !!str 12", &doc);
	assert_int_equal(v->type, V_STR);
	assert_string_equal(v->u.str.s, "12");
	value_unref(doc);

	v = load_v("v: !!int \"0x10\"", &doc);
	assert_int_equal(v->type, V_INT);
	assert_int_equal(v->u.i, 16);
	value_unref(doc);

	v = load_v("v: !!float 1", &doc);
	assert_int_equal(v->type, V_FLOAT);
	assert_true(v->u.f == 1.0);
	value_unref(doc);

	v = load_v("v: !!float 1e3", &doc);
	assert_true(v->u.f == 1000.0);
	value_unref(doc);

	v = load_v("v: !!bool 'Yes'", &doc);
	assert_int_equal(v->type, V_BOOL);
	assert_int_equal(v->u.b, 1);
	value_unref(doc);

	v = load_v("v: !!null foo", &doc);
	assert_int_equal(v->type, V_NULL);
	value_unref(doc);

	v = load_v("v: !!binary aGVs\n  bG8=", &doc);
	assert_int_equal(v->type, V_STR);
	assert_string_equal(v->u.str.s, "hello");
	value_unref(doc);

	/* The non-specific tag "!" still resolves, as in PyYAML. */
	v = load_v("v: ! 12", &doc);
	assert_int_equal(v->type, V_INT);
	assert_int_equal(v->u.i, 12);
	value_unref(doc);

	v = load_v("v: !!seq [1]", &doc);
	assert_int_equal(v->type, V_LIST);
	value_unref(doc);

	load_error("v: !!int 1e3", "t.yml:1:4: invalid integer '1e3'");
	load_error("v: !!bool 1", "t.yml:1:4: invalid boolean '1'");
	load_error("v: !!float x", "t.yml:1:4: invalid float 'x'");
	load_error("v: !!binary a", "t.yml:1:4: invalid base64 data in "
	    "!!binary");
	load_error("v: !foo 1", "t.yml:1:4: could not determine a constructor "
	    "for the tag '!foo'");
	load_error("v: !!map [1]", "t.yml:1:4: could not determine a "
	    "constructor for the tag 'tag:yaml.org,2002:map'");
	/* Without secrets a !vault value loads, flagged: only a use fails. */
	v = load_v("v: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n", &doc);
	assert_int_equal(v->type, V_STR);
	assert_true(v->flags & VALUE_VAULT);
	value_unref(doc);
	/* With a secret that does not open it, the same: a use says why. */
	{
		struct vault_secrets	s = VAULT_SECRETS_INIT;

		vault_secrets_add(&s, NULL, "pw", 2);
		vault_set_secrets(&s);
		v = load_v("v: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n"
		    "  6162\n", &doc);
		assert_true(v->flags & VALUE_VAULT);
		value_unref(doc);
		vault_set_secrets(NULL);
		vault_secrets_release(&s);
	}
	load_error("v: =", "t.yml:1:4: a plain '=' is not a valid value; quote "
	    "it to mean the text");
	load_error("v: <<", "t.yml:1:4: '<<' is a merge key and cannot be a "
	    "value; quote it to mean the text");
}

static void
test_unsafe(void **state)
{
	struct value	*doc, *v, *d;

	v = load_v("v: !unsafe '{{ lookup(\"pipe\", \"id\") }}'", &doc);
	assert_int_equal(v->type, V_STR);
	assert_string_equal(v->u.str.s, "{{ lookup(\"pipe\", \"id\") }}");
	assert_true(v->flags & VALUE_UNSAFE);
	assert_false(value_is_template(v));
	value_unref(doc);

	/* !unsafe makes a string even of what would be an int. */
	v = load_v("v: !unsafe 123", &doc);
	assert_int_equal(v->type, V_STR);
	assert_int_equal(v->flags, VALUE_UNSAFE);
	value_unref(doc);

	/* On a collection: its strings are unsafe, other types stay. */
	doc = load("a: &s '{{ x }}'\nv: !unsafe\n  k: '{{ y }}'\n  n: 3\n"
	    "  l: ['{%%', 4]\n  al: *s\n");
	v = value_dict_get(doc, "v");
	assert_int_equal(v->type, V_DICT);
	assert_true(value_dict_get(v, "k")->flags & VALUE_UNSAFE);
	assert_int_equal(value_dict_get(v, "n")->type, V_INT);
	d = value_dict_get(v, "l");
	assert_true(d->u.list.items[0]->flags & VALUE_UNSAFE);
	assert_int_equal(d->u.list.items[1]->type, V_INT);
	assert_true(value_dict_get(v, "al")->flags & VALUE_UNSAFE);
	/* The anchored original stays safe. */
	assert_false(value_dict_get(doc, "a")->flags & VALUE_UNSAFE);
	value_unref(doc);
}

static void
test_keys(void **state)
{
	struct value	*doc;

	/* Keys are kept as written: cairn dicts have string keys. */
	doc = load("yes: 1\n0x10: 2\n~: 3\n'q': 4\n? |\n  block\n: 5\n");
	assert_int_equal(doc->u.dict.n, 5);
	assert_string_equal(doc->u.dict.keys[0], "yes");
	assert_string_equal(doc->u.dict.keys[1], "0x10");
	assert_string_equal(doc->u.dict.keys[2], "~");
	assert_string_equal(doc->u.dict.keys[3], "q");
	assert_string_equal(doc->u.dict.keys[4], "block\n");
	value_unref(doc);

	/* Duplicate keys: the last value wins, in the first one's place. */
	doc = load("a: 1\nb: 2\na: 3\n");
	assert_int_equal(doc->u.dict.n, 2);
	assert_string_equal(doc->u.dict.keys[0], "a");
	assert_int_equal(doc->u.dict.vals[0]->u.i, 3);
	assert_string_equal(doc->u.dict.keys[1], "b");
	value_unref(doc);

	/* An aliased scalar can be a key. */
	doc = load("x: &k name\n*k : 2\n");
	assert_int_equal(value_dict_get(doc, "name")->u.i, 2);
	value_unref(doc);

	load_error("? [a]\n: 1\n", "t.yml:1:3: a sequence cannot be a mapping "
	    "key");
	load_error("{a: 1}: 2\n", "t.yml:1:1: a mapping cannot be a mapping "
	    "key");
	load_error("x: &m {a: 1}\n*m : 2\n", "t.yml:2:1: a mapping cannot be "
	    "a mapping key");
	load_error("\"a\\0b\": 1\n", "t.yml:1:1: mapping key contains a NUL "
	    "character");
}

static void
test_anchors(void **state)
{
	struct value	*doc, *a, *b;

	doc = load("a: &x {k: [1, 2]}\nb: *x\nc: &s str\nd: *s\n");
	a = value_dict_get(doc, "a");
	b = value_dict_get(doc, "b");
	/* Aliases share the value, they do not copy it. */
	assert_ptr_equal(a, b);
	assert_int_equal(a->refs, 2);
	assert_ptr_equal(value_dict_get(doc, "c"), value_dict_get(doc, "d"));
	assert_string_equal(value_dict_get(doc, "d")->u.str.s, "str");
	value_unref(doc);

	/* An alias in a list, at the top, and of a null. */
	doc = load("- &n\n- *n\n- &l [x]\n- *l\n");
	assert_int_equal(doc->u.list.n, 4);
	assert_int_equal(doc->u.list.items[1]->type, V_NULL);
	assert_ptr_equal(doc->u.list.items[2], doc->u.list.items[3]);
	value_unref(doc);

	load_error("a: *nope\n", "t.yml:1:4: found undefined alias 'nope'");
	load_error("a: &x 1\nb: &x 2\n", "t.yml:2:4: found duplicate anchor "
	    "'x' (first occurrence at line 1 column 4)");
	load_error("a: &r\n  b: *r\n", "t.yml:2:6: found recursive alias 'r'");
	load_error("&r [1, *r]\n", "t.yml:1:8: found recursive alias 'r'");
}

static void
test_merge_keys(void **state)
{
	struct value	*doc, *c;

	/* PyYAML order: merged keys first, own keys win, earlier lists win. */
	doc = load("a: &a {x: 1, y: 2}\nb: &b {x: 3, z: 4}\nc:\n  w: 0\n"
	    "  <<: [*a, *b]\n  x: 9\n");
	c = value_dict_get(doc, "c");
	assert_int_equal(c->u.dict.n, 4);
	assert_string_equal(c->u.dict.keys[0], "x");
	assert_int_equal(c->u.dict.vals[0]->u.i, 9);
	assert_string_equal(c->u.dict.keys[1], "z");
	assert_int_equal(c->u.dict.vals[1]->u.i, 4);
	assert_string_equal(c->u.dict.keys[2], "y");
	assert_int_equal(c->u.dict.vals[2]->u.i, 2);
	assert_string_equal(c->u.dict.keys[3], "w");
	/* The merged mapping itself is untouched. */
	assert_int_equal(value_dict_get(doc, "a")->u.dict.n, 2);
	value_unref(doc);

	/* A single mapping, an inline one, and a merge of a merge. */
	doc = load("base: &base\n  user: root\n  port: 22\n"
	    "mid: &mid\n  <<: *base\n  port: 2222\n"
	    "top:\n  <<: *mid\n  host: h\n"
	    "inl:\n  <<: {q: 1}\n");
	c = value_dict_get(doc, "top");
	assert_int_equal(c->u.dict.n, 3);
	assert_string_equal(value_dict_get(c, "user")->u.str.s, "root");
	assert_int_equal(value_dict_get(c, "port")->u.i, 2222);
	assert_string_equal(c->u.dict.keys[2], "host");
	assert_int_equal(value_dict_get(value_dict_get(doc, "inl"), "q")->u.i,
	    1);
	value_unref(doc);

	/* Two '<<' keys: the later one wins, like extending the merge list. */
	doc = load("a: &a {x: 1}\nb: &b {x: 2}\nc: {<<: *a, <<: *b}\n");
	assert_int_equal(value_dict_get(value_dict_get(doc, "c"), "x")->u.i, 2);
	value_unref(doc);

	/* A quoted '<<' is an ordinary key. */
	doc = load("'<<': {a: 1}\n");
	assert_non_null(value_dict_get(doc, "<<"));
	value_unref(doc);

	load_error("<<: 1\n", "t.yml:1:5: expected a mapping or list of "
	    "mappings for merging, but found a scalar");
	load_error("<<: [{a: 1}, 2]\n", "t.yml:1:14: expected a mapping for "
	    "merging, but found a scalar");
}

static void
test_locations(void **state)
{
	const char	*text =
	    "- name: play\n"
	    "  hosts: all\n"
	    "  tasks:\n"
	    "    - name: t1\n"
	    "      command: echo hi\n"
	    "      vars:\n"
	    "        x: [1, {y: 2}]\n"
	    "        z: &a |\n"
	    "          text\n"
	    "        w: *a\n";
	struct value	*doc, *play, *task, *vars, *x;
	char		*s;

	/* Positions as PyYAML's start_mark gives them, 1-based. */
	doc = load(text);
	assert_string_equal(doc->loc.file, "t.yml");
	assert_int_equal(doc->loc.line, 1);
	assert_int_equal(doc->loc.col, 1);
	play = doc->u.list.items[0];
	assert_int_equal(play->loc.line, 1);
	assert_int_equal(play->loc.col, 3);
	assert_int_equal(value_dict_get(play, "name")->loc.col, 9);
	assert_int_equal(value_dict_get(play, "hosts")->loc.line, 2);
	assert_int_equal(value_dict_get(play, "hosts")->loc.col, 10);
	assert_int_equal(value_dict_get(play, "tasks")->loc.line, 4);
	assert_int_equal(value_dict_get(play, "tasks")->loc.col, 5);
	task = value_dict_get(play, "tasks")->u.list.items[0];
	assert_int_equal(task->loc.line, 4);
	assert_int_equal(task->loc.col, 7);
	assert_int_equal(value_dict_get(task, "command")->loc.line, 5);
	assert_int_equal(value_dict_get(task, "command")->loc.col, 16);
	vars = value_dict_get(task, "vars");
	assert_int_equal(vars->loc.line, 7);
	assert_int_equal(vars->loc.col, 9);
	x = value_dict_get(vars, "x");
	assert_int_equal(x->loc.line, 7);
	assert_int_equal(x->loc.col, 12);
	assert_int_equal(x->u.list.items[0]->loc.col, 13);
	assert_int_equal(x->u.list.items[1]->loc.col, 16);
	assert_int_equal(value_dict_get(x->u.list.items[1], "y")->loc.col, 20);
	/* An alias is the anchored node, so it has its location. */
	assert_int_equal(value_dict_get(vars, "w")->loc.line, 8);
	assert_int_equal(value_dict_get(vars, "w")->loc.col, 12);

	s = loc_format(&value_dict_get(task, "command")->loc);
	assert_string_equal(s, "t.yml:5:16");
	free(s);
	value_unref(doc);

	/* Columns count characters, not bytes. */
	doc = load("\xc3\xa9\xc3\xa9: [a, b]\n");
	assert_int_equal(value_dict_get(doc, "\xc3\xa9\xc3\xa9")->loc.col, 5);
	value_unref(doc);
}

static void
test_loc(void **state)
{
	struct loc	 loc = { NULL, 0, 0 };
	char		*s, name[] = "some/file.yml";
	const char	*a, *b;

	s = loc_format(&loc);
	assert_string_equal(s, "");
	free(s);
	s = loc_format(NULL);
	assert_string_equal(s, "");
	free(s);

	/* Interning: one pointer per name, not the caller's buffer. */
	a = loc_intern(name);
	name[0] = 'S';
	b = loc_intern("some/file.yml");
	assert_ptr_equal(a, b);
	assert_string_equal(a, "some/file.yml");
	assert_ptr_not_equal(a, loc_intern(name));

	loc.file = a;
	loc.line = 12;
	loc.col = 3;
	s = loc_format(&loc);
	assert_string_equal(s, "some/file.yml:12:3");
	free(s);
}

static void
test_errors(void **state)
{
	load_error("- name: x\n  shell: echo a: b\n",
	    "t.yml:2:16: mapping values are not allowed in this context");
	load_error("a:\n\t- b\n", "t.yml:2:1: found a tab character where an "
	    "indentation space is expected");
	load_error("a: |\n  x\n\ty\n", "t.yml:3:1: found a tab character "
	    "where an indentation space is expected");
	load_error("a: [1, 2\n", "t.yml:2:1: did not find expected ',' or ']' "
	    "(while parsing a flow sequence that starts at line 1 column 4)");
	load_error("a:\n  - b\n c: 1\n", "t.yml:3:2: did not find expected key "
	    "(while parsing a block mapping that starts at line 1 column 1)");
	load_error("a: @x\n", "t.yml:1:4: found character '@' that cannot "
	    "start any token");
	load_error("a: 'x\n", "t.yml:2:1: found unexpected end of stream "
	    "(while scanning a quoted scalar that starts at line 1 column 4)");
	load_error("a: \xff\n", "t.yml:1:4: invalid leading UTF-8 octet "
	    "(#xFF)");
	load_error("a: b\x01\n", "t.yml:1:5: control characters are not "
	    "allowed (#x1)");
}

static void
test_empty_and_documents(void **state)
{
	static const char *const empty[] = {
		"", "\n", "# only a comment\n", "---\n", "--- \n...\n", "~\n",
	};
	struct value	*doc;
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(empty); i++) {
		doc = load(empty[i]);
		assert_int_equal(doc->type, V_NULL);
		assert_string_equal(doc->loc.file, "t.yml");
		value_unref(doc);
	}

	/* The first document is used; the others are only checked. */
	doc = load("- 1\n---\n- 2\n");
	assert_int_equal(doc->type, V_LIST);
	assert_int_equal(doc->u.list.n, 1);
	assert_int_equal(doc->u.list.items[0]->u.i, 1);
	value_unref(doc);
	doc = load("--- a\n--- b\n");
	assert_string_equal(doc->u.str.s, "a");
	value_unref(doc);
	load_error("- 1\n---\n- [2\n", "t.yml:4:1: did not find expected ',' "
	    "or ']' (while parsing a flow sequence that starts at line 3 "
	    "column 3)");

	/* A top-level scalar. */
	doc = load("42\n");
	assert_int_equal(doc->type, V_INT);
	assert_int_equal(doc->u.i, 42);
	value_unref(doc);
}

static void
test_unicode(void **state)
{
	struct value	*doc, *v;

	doc = load("\xef\xbb\xbf" "cl\xc3\xa9: \xe2\x9c\x93 \xf0\x9f\x98\x80\n"
	    "q: \"\\u00e9\\U0001F600\"\n");
	v = value_dict_get(doc, "cl\xc3\xa9");
	assert_non_null(v);
	assert_string_equal(v->u.str.s, "\xe2\x9c\x93 \xf0\x9f\x98\x80");
	assert_string_equal(value_dict_get(doc, "q")->u.str.s,
	    "\xc3\xa9\xf0\x9f\x98\x80");
	value_unref(doc);

	/* UTF-16 with a BOM is read too. */
	doc = NULL;
	{
		const char	 t[] = "\xff\xfe" "a\0:\0 \0\xe9\0\n\0";
		char		*cause = NULL;

		assert_int_equal(yaml_load_string("t.yml", t, sizeof t - 1,
		    &doc, &cause), 0);
		assert_string_equal(value_dict_get(doc, "a")->u.str.s,
		    "\xc3\xa9");
		value_unref(doc);
	}
}

static char *
repeat(const char *s, int n)
{
	struct buf	b = BUF_INIT;

	while (n-- > 0)
		buf_adds(&b, s);
	return buf_detach(&b, NULL);
}

static void
test_limits(void **state)
{
	struct buf	 b = BUF_INIT;
	struct value	*doc, *v = NULL;
	char		*open, *close, *cause = NULL;
	int		 i, j;

	/* 500 levels are fine, 600 are refused. */
	open = repeat("[", 500);
	close = repeat("]", 500);
	buf_addf(&b, "%s%s", open, close);
	doc = load(buf_cstr(&b));
	value_unref(doc);
	free(open);
	free(close);
	buf_reset(&b);
	open = repeat("- ", 600);
	buf_addf(&b, "%sx\n", open);
	free(open);
	assert_int_equal(yaml_load_string("t.yml", b.s, b.len, &v, &cause), -1);
	assert_string_equal(cause, "t.yml:1:1025: too deeply nested (more "
	    "than 512 levels)");
	free(cause);
	buf_reset(&b);

	/* A billion laughs: shared, so small and quick, up to a point. */
	buf_adds(&b, "a0: &a0 [lol]\n");
	for (i = 1; i <= 6; i++) {
		buf_addf(&b, "a%d: &a%d [", i, i);
		for (j = 0; j < 9; j++)
			buf_addf(&b, "%s*a%d", j ? ", " : "", i - 1);
		buf_adds(&b, "]\n");
	}
	doc = load(buf_cstr(&b));
	v = value_dict_get(doc, "a6");
	assert_int_equal(v->u.list.n, 9);
	assert_ptr_equal(v->u.list.items[0], v->u.list.items[8]);
	value_unref(doc);
	v = NULL;
	for (i = 7; i <= 9; i++) {
		buf_addf(&b, "a%d: &a%d [", i, i);
		for (j = 0; j < 9; j++)
			buf_addf(&b, "%s*a%d", j ? ", " : "", i - 1);
		buf_adds(&b, "]\n");
	}
	assert_int_equal(yaml_load_string("t.yml", b.s, b.len, &v, &cause), -1);
	assert_string_equal(cause, "t.yml:8:25: document too large: more "
	    "than 4194304 nodes once aliases are expanded");
	free(cause);
	buf_reset(&b);

	/* Merging a big mapping again and again has a budget too. */
	buf_adds(&b, "big: &big {");
	for (i = 0; i < 2000; i++)
		buf_addf(&b, "%sk%d: %d", i ? ", " : "", i, i);
	buf_adds(&b, "}\n");
	for (i = 0; i < 20; i++)
		buf_addf(&b, "m%d: {<<: *big}\n", i);
	assert_int_equal(yaml_load_string("t.yml", b.s, b.len, &v, &cause), -1);
	assert_string_equal(cause, "t.yml:18:6: too much merging with '<<'");
	free(cause);
	buf_release(&b);
}

static void
test_load_file(void **state)
{
	char		 path[] = "/tmp/cairn-test-yaml-XXXXXX";
	struct value	*v = NULL;
	char		*cause = NULL;
	int		 fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "k: [1]\nbad: [\n", 14), 14);
	close(fd);
	assert_int_equal(yaml_load_file(path, &v, &cause), -1);
	assert_true(str_startswith(cause, path));
	assert_string_equal(cause + strlen(path), ":3:1: did not find expected "
	    "node content (while parsing a flow node that starts at line 3 "
	    "column 1)");
	free(cause);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "k: [1]\n", 7), 7);
	close(fd);
	assert_int_equal(yaml_load_file(path, &v, &cause), 0);
	assert_string_equal(v->loc.file, path);
	assert_ptr_equal(v->loc.file, loc_intern(path));
	assert_int_equal(value_dict_get(v, "k")->u.list.items[0]->u.i, 1);
	value_unref(v);
	unlink(path);

	assert_int_equal(yaml_load_file(path, &v, &cause), -1);
	assert_null(v);
	assert_true(str_startswith(cause, "cannot read '/tmp/cairn-test-yaml-"));
	assert_true(str_endswith(cause, "': No such file or directory"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar_types),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_block_scalars),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_unsafe),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_merge_keys),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_loc),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_empty_and_documents),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
