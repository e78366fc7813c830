/* Unit tests of the pamd edits (modules/system/pamd.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/pamd.h"

#define MARK	"# Updated by Ansible - T"

static const char su[] =
	"#\n"
	"# The PAM configuration file for the Shadow `su' service\n"
	"#\n"
	"auth       sufficient pam_rootok.so\n"
	"\n"
	"# Uncomment this to force users to be a member of group wheel\n"
	"# auth       required   pam_wheel.so\n"
	"session       required   pam_env.so readenv=1\n"
	"session [success=1 default=ignore] pam_succeed_if.so quiet uid = 0\n"
	"@include common-auth\n"
	"account    required   pam_unix.so\n";

/* Applies f to text with q and checks the count and the rendered text. */
static void
check(const char *text, int (*f)(struct pamd *, const struct pamd_req *),
    const struct pamd_req *q, int changes, const char *want)
{
	struct pamd	p;
	struct buf	b = BUF_INIT;
	char		*cause = NULL;

	pamd_parse(text, &p);
	assert_int_equal(f(&p, q), changes);
	if (pamd_validate(&p, &cause) != 0)
		fail_msg("%s", cause);
	pamd_render(&p, MARK, &b);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
	pamd_free(&p);
}

static struct pamd_req
req(const char *type, const char *control, const char *path)
{
	struct pamd_req	q;

	memset(&q, 0, sizeof q);
	q.type = type;
	q.control = control;
	q.path = path;
	return q;
}

static void
set_args(struct pamd_req *q, const char *a)
{
	const char	*items[1] = { a };

	q->has_args = 1;
	pamd_split_args(items, 1, &q->args, &q->nargs);
}

static void
test_split(void **state)
{
	const char	*items[2] = { "preauth  silent deny=3", "[a b] c" };
	const char	*empty[1] = { "" };
	char		**v = NULL;
	size_t		  n = 0;

	(void)state;
	pamd_split_args(items, 2, &v, &n);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "preauth");
	assert_string_equal(v[2], "deny=3");
	assert_string_equal(v[3], "[a b]");
	assert_string_equal(v[4], "c");
	strv_free(v, n);
	v = NULL;
	n = 0;
	pamd_split_args(empty, 1, &v, &n);
	assert_int_equal(n, 0);
}

static void
test_update(void **state)
{
	struct pamd_req	q = req("auth", "sufficient", "pam_rootok.so");

	(void)state;
	q.new_control = "required";
	/* Every rule re-rendered, the mark on the second line. */
	check(su, pamd_update, &q, 1,
	    "#\n" MARK "\n"
	    "# The PAM configuration file for the Shadow `su' service\n"
	    "#\n"
	    "auth       required pam_rootok.so\n"
	    "\n"
	    "# Uncomment this to force users to be a member of group wheel\n"
	    "# auth       required   pam_wheel.so\n"
	    "session    required pam_env.so readenv=1\n"
	    "session    [success=1 default=ignore] pam_succeed_if.so quiet "
	    "uid = 0\n"
	    "@include common-auth\n"
	    "account    required pam_unix.so\n");
	/* A bracketed control matches as rendered; no change: count 0. */
	q = req("session", "[success=1 default=ignore]", "pam_succeed_if.so");
	q.new_control = "[success=1 default=ignore]";
	check("session [success=1 default=ignore] pam_succeed_if.so\n",
	    pamd_update, &q, 0,
	    "\n" MARK "\nsession    [success=1 default=ignore] "
	    "pam_succeed_if.so\n");
	/* module_arguments: '' clears them. */
	q = req("session", "required", "pam_env.so");
	set_args(&q, "");
	check("#a\n" MARK "\nsession required pam_env.so readenv=1\n",
	    pamd_update, &q, 1, "#a\n" MARK "\nsession    required pam_env.so\n");
	strv_free(q.args, q.nargs);
}

static void
test_insert(void **state)
{
	struct pamd_req	q = req("auth", "sufficient", "pam_rootok.so");

	(void)state;
	q.new_type = "auth";
	q.new_control = "required";
	q.new_path = "pam_wheel.so";
	set_args(&q, "use_uid");
	/* After: the comments between the two rules go, as pamd drops them. */
	check("#\nauth sufficient pam_rootok.so\n\n# c\nsession required "
	    "pam_env.so\n", pamd_insert_after, &q, 1,
	    "#\n" MARK "\nauth       sufficient pam_rootok.so\n"
	    "auth       required pam_wheel.so use_uid\n"
	    "session    required pam_env.so\n");
	/* Already there: nothing to do. */
	check("#\nauth sufficient pam_rootok.so\n# c\nauth required "
	    "pam_wheel.so use_uid\n", pamd_insert_after, &q, 0,
	    "#\n" MARK "\nauth       sufficient pam_rootok.so\n# c\n"
	    "auth       required pam_wheel.so use_uid\n");
	/* The last rule: appended, trailing comments dropped. */
	check("#\nauth sufficient pam_rootok.so\n# end\n", pamd_insert_after,
	    &q, 1, "#\n" MARK "\nauth       sufficient pam_rootok.so\n"
	    "auth       required pam_wheel.so use_uid\n");
	/* Before the first rule: the comments before it stay. */
	check("# top\nauth sufficient pam_rootok.so\n", pamd_insert_before,
	    &q, 1, "# top\n" MARK "\nauth       required pam_wheel.so "
	    "use_uid\nauth       sufficient pam_rootok.so\n");
	check("auth required pam_wheel.so use_uid\n# c\n"
	    "auth sufficient pam_rootok.so\n", pamd_insert_before, &q, 0,
	    "auth       required pam_wheel.so use_uid\n" MARK "\n# c\n"
	    "auth       sufficient pam_rootok.so\n");
	strv_free(q.args, q.nargs);
}

static void
test_args(void **state)
{
	struct pamd_req	q = req("auth", "required", "pam_faillock.so");

	(void)state;
	set_args(&q, "silent deny=5 fail_interval=900");
	check("#x\nauth required pam_faillock.so preauth deny=3\n",
	    pamd_args_present, &q, 1, "#x\n" MARK "\nauth       required "
	    "pam_faillock.so preauth deny=5 silent fail_interval=900\n");
	check("#x\nauth required pam_faillock.so deny=5 silent "
	    "fail_interval=900\n", pamd_args_present, &q, 0,
	    "#x\n" MARK "\nauth       required pam_faillock.so deny=5 silent "
	    "fail_interval=900\n");
	strv_free(q.args, q.nargs);
	q = req("auth", "required", "pam_faillock.so");
	set_args(&q, "silent preauth");
	check("#x\nauth required pam_faillock.so preauth deny=3 silent\n",
	    pamd_args_absent, &q, 1,
	    "#x\n" MARK "\nauth       required pam_faillock.so deny=3\n");
	check("#x\nauth required pam_faillock.so deny=3\n", pamd_args_absent,
	    &q, 0, "#x\n" MARK "\nauth       required pam_faillock.so deny=3\n");
	strv_free(q.args, q.nargs);
}

static void
test_remove_validate(void **state)
{
	struct pamd_req	 q = req("account", "required", "pam_unix.so");
	struct pamd	 p;
	char		*cause = NULL;

	(void)state;
	check("# a\naccount required pam_unix.so\nauth required pam_x.so\n",
	    pamd_remove, &q, 1, "# a\n" MARK "\nauth       required "
	    "pam_x.so\n");
	pamd_parse("auth sometimes pam_x.so\n", &p);
	assert_int_equal(pamd_validate(&p, &cause), -1);
	assert_string_equal(cause, "Rule control, sometimes, is not valid in "
	    "rule auth       sometimes pam_x.so");
	free(cause);
	pamd_free(&p);
	pamd_parse("auth [success=1 default=maybe] pam_x.so\n", &p);
	assert_int_equal(pamd_validate(&p, &cause), -1);
	assert_non_null(strstr(cause, "action, maybe,"));
	free(cause);
	pamd_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_insert),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_remove_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
