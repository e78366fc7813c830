/* Unit tests for engine/output.c: the unified diff of --diff. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "output.h"

static void
expect_diff(const char *before, const char *after, const char *want)
{
	struct buf	b = BUF_INIT;

	output_text_diff(&b, "before", before, "after", after);
	if (strcmp(buf_cstr(&b), want) != 0)
		fail_msg("diff:\n%s\nwanted:\n%s", buf_cstr(&b), want);
	buf_release(&b);
}

static void
test_diff_change(void **state)
{
	(void)state;
	expect_diff("a\nb\nc\n", "a\nB\nc\n",
	    "--- before\n+++ after\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n\n");
}

static void
test_diff_add_to_empty(void **state)
{
	(void)state;
	expect_diff("", "x\ny\n",
	    "--- before\n+++ after\n@@ -0,0 +1,2 @@\n+x\n+y\n\n");
}

static void
test_diff_context(void **state)
{
	(void)state;
	/* 10 lines, line 5 removed: three lines of context each side */
	expect_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
	    "1\n2\n3\n4\n6\n7\n8\n9\n10\n",
	    "--- before\n+++ after\n@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n"
	    " 7\n 8\n\n");
}

static void
test_diff_no_newline(void **state)
{
	(void)state;
	expect_diff("a\nb", "a\nb\n",
	    "--- before\n+++ after\n@@ -1,2 +1,2 @@\n a\n-b\n"
	    "\\ No newline at end of file\n+b\n\n");
}

static void
test_diff_two_hunks(void **state)
{
	(void)state;
	expect_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
	    "X\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\nY\n",
	    "--- before\n+++ after\n@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n"
	    "@@ -12,4 +12,4 @@\n 12\n 13\n 14\n-15\n+Y\n\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_change),
		cmocka_unit_test(test_diff_add_to_empty),
		cmocka_unit_test(test_diff_context),
		cmocka_unit_test(test_diff_no_newline),
		cmocka_unit_test(test_diff_two_hunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
