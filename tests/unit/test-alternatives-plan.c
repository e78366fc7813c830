/* Unit tests of alternatives' decisions (modules/system/alternatives-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/sysconf.h"

static const char display[] =
    "foo - manual mode\n"
    "  link best version is /bin/false\n"
    "  link currently points to /bin/true\n"
    "  link foo is /usr/local/bin/foo\n"
    "  slave foo2 is /usr/local/bin/foo2\n"
    "/bin/false - priority 20\n"
    "/bin/true - priority 10\n"
    "  slave foo2: /bin/false\n"
    "/usr/bin/with space - priority 5\n"
    "  slave foo2: (null)\n";

static void
test_parse(void **state)
{
	struct alt_state	 st;
	const struct alt_entry	*e;

	(void)state;
	alt_parse(display, NULL, 0, &st);
	assert_string_equal(st.mode, "manual");
	assert_string_equal(st.current, "/bin/true");
	assert_string_equal(st.link, "/usr/local/bin/foo");
	assert_int_equal(st.nentries, 3);
	e = alt_find(&st, "/bin/false");
	assert_non_null(e);
	assert_int_equal(e->priority, 20);
	assert_int_equal(e->nsubs, 0);
	e = alt_find(&st, "/bin/true");
	assert_int_equal(e->priority, 10);
	assert_int_equal(e->nsubs, 1);
	assert_string_equal(e->subs[0].name, "foo2");
	assert_string_equal(e->subs[0].path, "/bin/false");
	assert_string_equal(e->subs[0].link, "/usr/local/bin/foo2");
	/* a "(null)" follower is not one */
	e = alt_find(&st, "/usr/bin/with space");
	assert_non_null(e);
	assert_int_equal(e->nsubs, 0);
	assert_null(alt_find(&st, "/bin/sh"));
	alt_state_release(&st);
}

static void
test_parse_odd(void **state)
{
	struct alt_state	st;
	struct alt_sub		want = { "w.1.gz", "/p", "/l" };

	(void)state;
	/* no mode line: nothing known */
	alt_parse("update-alternatives: error: no alternatives for x\n",
	    NULL, 0, &st);
	assert_null(st.mode);
	assert_int_equal(st.nentries, 0);
	alt_state_release(&st);
	/* a master link with a dot is not matched by \w+; no slave
	 * links in the output: the task's links stand in */
	alt_parse("x-www - auto mode\n"
	    "  link currently points to /a\n"
	    "  link x-www is /usr/bin/x-www\n"
	    "/a - priority 1\n"
	    "  slave w.1.gz: /p\n", &want, 1, &st);
	assert_string_equal(st.mode, "auto");
	assert_null(st.link);
	assert_int_equal(st.nentries, 1);
	assert_string_equal(st.entries[0].subs[0].link, "/l");
	alt_state_release(&st);
	alt_parse("y - status is auto.\n", NULL, 0, &st);
	assert_string_equal(st.mode, "auto");
	alt_state_release(&st);
}

static void
test_needs_install(void **state)
{
	struct alt_state	st;
	struct alt_sub		same = { "foo2", "/bin/false",
				    "/usr/local/bin/foo2" };
	struct alt_sub		other = { "foo2", "/bin/sh",
				    "/usr/local/bin/foo2" };

	(void)state;
	alt_parse(display, NULL, 0, &st);
	assert_true(alt_needs_install(&st, "/bin/sh", 0, 0, 0, NULL, 0));
	assert_false(alt_needs_install(&st, "/bin/true", 0, 0, 0, NULL, 0));
	assert_false(alt_needs_install(&st, "/bin/true", 1, 10, 0, NULL, 0));
	assert_true(alt_needs_install(&st, "/bin/true", 1, 11, 0, NULL, 0));
	assert_false(alt_needs_install(&st, "/bin/true", 0, 0, 1, &same, 1));
	assert_true(alt_needs_install(&st, "/bin/true", 0, 0, 1, &other, 1));
	assert_true(alt_needs_install(&st, "/bin/true", 0, 0, 1, NULL, 0));
	assert_false(alt_needs_install(&st, "/bin/false", 0, 0, 1, NULL, 0));
	alt_state_release(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_odd),
		cmocka_unit_test(test_needs_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
