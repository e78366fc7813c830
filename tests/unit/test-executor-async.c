/* Unit tests of engine/executor-async.c: job ids, kill times, job files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "executor-internal.h"

static void
test_async_jid(void **state)
{
	char	*a = async_new_jid(), *b = async_new_jid();

	(void)state;
	assert_int_equal('j', a[0]);
	assert_non_null(strchr(a, '.'));
	assert_true(strspn(a + 1, "0123456789.") == strlen(a + 1));
	assert_true(strcspn(a + 1, ".") <= 12);
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void
test_async_kill_after(void **state)
{
	(void)state;
	/* async_wrapper: a first 5 s step, then steps until the limit */
	assert_int_equal(10, async_kill_after(1));
	assert_int_equal(10, async_kill_after(5));
	assert_int_equal(15, async_kill_after(6));
	assert_int_equal(65, async_kill_after(60));
	assert_int_equal(10, async_kill_after(0));
}

static void
test_async_status_of(void **state)
{
	struct value	*r = value_dict();
	const char	*done = "{\"cmd\": \"echo hi\", \"changed\": true, "
			    "\"msg\": \"\", \"rc\": 0, \"stdout\": \"a\\nb\\n\", "
			    "\"stderr\": \"\"}";
	const char	*run = "{\"started\": 1, \"finished\": 0, "
			    "\"ansible_job_id\": \"j1.2\"}";
	const char	*bad = "{\"failed\": true, \"msg\": \"non-zero return "
			    "code\", \"rc\": 2, \"changed\": true}";
	struct value	*l;

	(void)state;
	/* finished: no "started" in it, so Ansible says finished */
	assert_int_equal(MOD_CHANGED, async_status_of(r, "j1.2", "/p/j1.2",
	    done, strlen(done)));
	assert_int_equal(1, value_dict_get(r, "finished")->u.i);
	assert_int_equal(1, value_dict_get(r, "started")->u.i);
	assert_string_equal("a\nb", value_dict_get(r, "stdout")->u.str.s);
	l = value_dict_get(r, "stdout_lines");
	assert_int_equal(2, l->u.list.n);
	assert_string_equal("/p/j1.2",
	    value_dict_get(r, "results_file")->u.str.s);
	assert_string_equal("j1.2",
	    value_dict_get(r, "ansible_job_id")->u.str.s);
	value_unref(r);
	/* still running */
	r = value_dict();
	assert_int_equal(MOD_OK, async_status_of(r, "j1.2", "/p/j1.2", run,
	    strlen(run)));
	assert_int_equal(0, value_dict_get(r, "finished")->u.i);
	value_unref(r);
	/* not written yet, or half written: running */
	r = value_dict();
	assert_int_equal(MOD_OK, async_status_of(r, "j1.2", "/p", "{\"a", 3));
	assert_int_equal(0, value_dict_get(r, "finished")->u.i);
	assert_non_null(value_dict_get(r, "stdout_lines"));
	value_unref(r);
	r = value_dict();
	assert_int_equal(MOD_FAILED, async_status_of(r, "j1.2", "/p", bad,
	    strlen(bad)));
	assert_int_equal(1, value_dict_get(r, "finished")->u.i);
	value_unref(r);
}

static void
test_async_launch_script(void **state)
{
	struct buf	s = BUF_INIT;
	const char	*t;

	(void)state;
	async_launch_script(&s, "j7.1", 3, "echo 'x'", "\"cmd\": \"x\", ", 1);
	t = buf_cstr(&s);
	/* the started file first, atomically, then stdin, then the job */
	assert_non_null(strstr(t, "\"started\": 1, \"finished\": 0, "
	    "\"ansible_job_id\": \"j7.1\""));
	assert_non_null(strstr(t, "mv -f \"$j.tmp\" \"$j\" || exit 1\n"
	    "cat >\"$j.in\" || exit 1\nsetsid /bin/sh -c "));
	/* the script and the first fields are quoted words; killed at 10 */
	assert_non_null(strstr(t, " cairn-async \"$j\" 10 'echo '\\''x'\\'''"));
	assert_non_null(strstr(t, "</dev/null >/dev/null 2>&1 &\n"));
	buf_reset(&s);
	async_launch_script(&s, "j7.1", 3, "true", "", 0);
	assert_null(strstr(buf_cstr(&s), "$j.in\" ||"));
	buf_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_async_jid),
		cmocka_unit_test(test_async_kill_after),
		cmocka_unit_test(test_async_status_of),
		cmocka_unit_test(test_async_launch_script),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
