/* Unit tests for engine/loop.c: the with_<lookup> loops. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "yaml.h"

static struct value *
yaml(const char *text)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	if (yaml_load_string("test", text, strlen(text), &v, &cause) != 0)
		fail_msg("%s", cause);
	return v;
}

/* Expands kind over the YAML text and compares the items' JSON. */
static void
expect(const char *kind, const char *text, const char *want)
{
	struct value	*in = yaml(text), *out;
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;

	out = loop_expand(kind, in, "/", &cause);
	if (out == NULL)
		fail_msg("with_%s '%s': %s", kind, text, cause);
	value_to_json(&b, out, 0);
	if (strcmp(buf_cstr(&b), want) != 0)
		fail_msg("with_%s '%s' gave %s, wanted %s", kind, text,
		    buf_cstr(&b), want);
	buf_release(&b);
	value_unref(out);
	value_unref(in);
}

static void
expect_error(const char *kind, const char *text, const char *what)
{
	struct value	*in = yaml(text), *out;
	char		*cause = NULL;

	out = loop_expand(kind, in, "/", &cause);
	if (out != NULL)
		fail_msg("with_%s '%s' was accepted", kind, text);
	if (strstr(cause, what) == NULL)
		fail_msg("with_%s error '%s' lacks '%s'", kind, cause, what);
	free(cause);
	value_unref(in);
}

static void
test_dict(void **state)
{
	(void)state;
	expect("dict", "{a: 1, b: {c: 2}}",
	    "[{\"key\": \"a\", \"value\": 1}, {\"key\": \"b\", "
	    "\"value\": {\"c\": 2}}]");
	expect("dict", "{}", "[]");
	expect_error("dict", "[1]", "expects a dict");
}

static void
test_sequence(void **state)
{
	(void)state;
	expect("sequence", "start=1 end=3", "[\"1\", \"2\", \"3\"]");
	expect("sequence", "start=0 end=10 stride=5 format=web%02d",
	    "[\"web00\", \"web05\", \"web10\"]");
	expect("sequence", "count=2 start=4", "[\"4\", \"5\"]");
	expect("sequence", "5-1/-2", "[\"5\", \"3\", \"1\"]");
	expect("sequence", "start=3 end=1 stride=-1", "[\"3\", \"2\", \"1\"]");
	expect_error("sequence", "start=1 end=3 format=%s", "bad format");
	expect_error("sequence", "start=1 end=3 format=%d%n", "bad format");
	expect_error("sequence", "start=5 end=1", "stride");
	expect_error("sequence", "colour=blue", "unknown with_sequence");
}

static void
test_nested_together(void **state)
{
	(void)state;
	expect("nested", "[[a, b], [1, 2]]",
	    "[[\"a\", 1], [\"a\", 2], [\"b\", 1], [\"b\", 2]]");
	expect("nested", "[[a], []]", "[]");
	expect("together", "[[a, b, c], [1]]",
	    "[[\"a\", 1], [\"b\", null], [\"c\", null]]");
	expect_error("nested", "[a, [1]]", "list of lists");
}

static void
test_subelements_indexed(void **state)
{
	(void)state;
	expect("subelements", "[[{n: x, k: [1, 2]}, {n: y, k: [3]}], k]",
	    "[[{\"n\": \"x\", \"k\": [1, 2]}, 1], [{\"n\": \"x\", \"k\": "
	    "[1, 2]}, 2], [{\"n\": \"y\", \"k\": [3]}, 3]]");
	expect("subelements", "[[{n: x}, {n: y, k: [3]}], k, "
	    "{skip_missing: true}]", "[[{\"n\": \"y\", \"k\": [3]}, 3]]");
	expect_error("subelements", "[[{n: x}], k]", "missing");
	expect("indexed_items", "[a, b]", "[[0, \"a\"], [1, \"b\"]]");
}

static void
test_fileglob(void **state)
{
	char		 dir[] = "/tmp/cairn-test-loop-XXXXXX";
	char		*path, *cmd;
	struct value	*pat, *out;
	char		*cause = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	cmd = xasprintf("mkdir -p %s/files/sub && touch %s/files/a.conf "
	    "%s/files/b.conf %s/files/c.txt", dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	pat = value_str("*.conf");
	out = loop_expand("fileglob", pat, dir, &cause);
	assert_non_null(out);
	assert_int_equal(value_len(out), 2);
	path = xasprintf("%s/files/a.conf", dir);
	assert_string_equal(out->u.list.items[0]->u.str.s, path);
	free(path);
	value_unref(out);
	value_unref(pat);
	/* directories are not files; no match is an empty list */
	pat = value_str("*");
	out = loop_expand("fileglob", pat, dir, &cause);
	assert_int_equal(value_len(out), 3);
	value_unref(out);
	value_unref(pat);
	pat = value_str("*.none");
	out = loop_expand("fileglob", pat, dir, &cause);
	assert_int_equal(value_len(out), 0);
	value_unref(out);
	value_unref(pat);
	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dict),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_nested_together),
		cmocka_unit_test(test_subelements_indexed),
		cmocka_unit_test(test_fileglob),
	};

	assert_true(loop_kind_known("dict"));
	assert_false(loop_kind_known("items"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
