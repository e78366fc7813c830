/* Unit tests of modprobe's decisions (modules/system/modprobe-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/sysconf.h"

static void
test_loaded(void **state)
{
	(void)state;
	assert_true(modprobe_loaded("br_netfilter 32768 0 - Live 0x0\n"
	    "dummy 16384 0 - Live 0x0\n", NULL, "dummy"));
	/* '-' in the name is '_' in /proc/modules */
	assert_true(modprobe_loaded("br_netfilter 32768 0 - Live 0x0\n",
	    NULL, "br-netfilter"));
	assert_false(modprobe_loaded("dummyx 16384 0 - Live 0x0\n", NULL,
	    "dummy"));
	assert_true(modprobe_loaded(NULL, "kernel/fs/ext4/ext4.ko\n",
	    "ext4"));
	assert_false(modprobe_loaded(NULL, "kernel/fs/ext4/ext4.ko\n",
	    "xt4"));
	assert_false(modprobe_loaded(NULL, NULL, "dummy"));
}

static void
test_lists(void **state)
{
	(void)state;
	assert_true(modprobe_file_lists("# comment\n  dummy  # why\n",
	    "dummy"));
	assert_true(modprobe_file_lists("dummy;x", "dummy"));
	assert_false(modprobe_file_lists("#dummy\n", "dummy"));
	assert_false(modprobe_file_lists("dummy0\n", "dummy"));
}

static void
test_params(void **state)
{
	char	**list = NULL;
	size_t	  n = 0;

	(void)state;
	modprobe_file_params("options dummy numdummies=2\n"
	    "options dummy numdummies=2 # again\n"
	    "options dummy a=1 b=2\n"	/* two on a line: not one option */
	    "options other x=1\n"
	    "#options dummy c=3\n", "dummy", &list, &n);
	assert_int_equal(n, 1);
	assert_string_equal(list[0], "numdummies=2");
	assert_true(modprobe_params_match(list, n, "numdummies=2"));
	assert_true(modprobe_params_match(list, n, " numdummies=2 "
	    "numdummies=2"));
	assert_false(modprobe_params_match(list, n, ""));
	assert_false(modprobe_params_match(list, n, "numdummies=3"));
	assert_false(modprobe_params_match(list, n, "numdummies=2 x=1"));
	assert_true(modprobe_params_match(NULL, 0, ""));
	strv_free(list, n);
}

static void
test_comment_out(void **state)
{
	char	*s;

	(void)state;
	/* the lines keep their newlines and are joined with one more */
	s = modprobe_comment_out("a\ndummy\nb\n", "dummy", 0);
	assert_string_equal(s, "a\n\n#dummy\n\nb\n");
	free(s);
	assert_null(modprobe_comment_out("a\nb\n", "dummy", 0));
	s = modprobe_comment_out("options dummy numdummies=2\n", "dummy", 1);
	assert_string_equal(s, "#options dummy numdummies=2\n");
	free(s);
	assert_null(modprobe_comment_out("options dummy a=1 b=2\n", "dummy",
	    1));
}

static void
test_options_text(void **state)
{
	char	*s;

	(void)state;
	s = modprobe_options_text("dummy", "numdummies=2  x=1");
	assert_string_equal(s, "options dummy numdummies=2\n"
	    "options dummy x=1\n");
	free(s);
	s = modprobe_options_text("dummy", "");
	assert_string_equal(s, "\n");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loaded),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_comment_out),
		cmocka_unit_test(test_options_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
