/* Unit tests of the limits.conf edit (modules/system/pam-limits.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/pam-limits.h"

static void
req(struct pam_limits_req *q, const char *domain, const char *type,
    const char *item, const char *value)
{
	memset(q, 0, sizeof *q);
	q->domain = domain;
	q->type = type;
	q->item = item;
	q->value = value;
	q->comment = "";
}

/* Applies q to text: the new text, *changed and *msg. */
static char *
edit(const char *text, const struct pam_limits_req *q, int *changed,
    char **msg)
{
	struct buf	 out = BUF_INIT;
	char		*cause = NULL;

	if (pam_limits_edit(text, strlen(text), "/etc/security/limits.conf",
	    q, &out, changed, msg, &cause) != 0)
		fail_msg("edit: %s", cause);
	buf_cstr(&out);
	return buf_detach(&out, NULL);
}

static void
test_append_to_empty(void **state)
{
	struct pam_limits_req	 q;
	char			*out, *msg;
	int			 changed;

	(void)state;
	req(&q, "joe", "soft", "nofile", "64000");
	out = edit("", &q, &changed, &msg);
	assert_string_equal(out, "joe\tsoft\tnofile\t64000\n");
	assert_string_equal(msg, "joe\tsoft\tnofile\t64000\n");
	assert_int_equal(changed, 1);
	free(out);
	free(msg);
	q.comment = "raised for the db";
	out = edit("# header\n\n", &q, &changed, &msg);
	assert_string_equal(out, "# header\n\n"
	    "joe\tsoft\tnofile\t64000\t#raised for the db\n");
	free(out);
	free(msg);
}

static void
test_same_value_untouched(void **state)
{
	struct pam_limits_req	 q;
	const char		*text = "*   hard   core   0\n"
	    "joe    soft  nofile  64000   # db\n";
	char			*out, *msg;
	int			 changed;

	(void)state;
	req(&q, "joe", "soft", "nofile", "64000");
	out = edit(text, &q, &changed, &msg);
	assert_string_equal(out, text);
	assert_int_equal(changed, 0);
	assert_string_equal(msg, "joe    soft  nofile  64000   # db\n");
	free(out);
	free(msg);
}

/* The line is rewritten with tabs; its comment (newline and all) kept. */
static void
test_change_keeps_comment(void **state)
{
	struct pam_limits_req	 q;
	char			*out, *msg;
	int			 changed;

	(void)state;
	req(&q, "joe", "soft", "nofile", "1024");
	out = edit("joe soft nofile 64000 # db\n@staff - nproc 20\n", &q,
	    &changed, &msg);
	assert_string_equal(out, "joe\tsoft\tnofile\t1024\t# db\n\n"
	    "@staff - nproc 20\n");
	assert_int_equal(changed, 1);
	free(out);
	free(msg);
}

static void
test_use_max_min(void **state)
{
	struct pam_limits_req	 q;
	char			*out, *msg;
	int			 changed;

	(void)state;
	req(&q, "joe", "hard", "nproc", "100");
	q.use_max = 1;
	out = edit("joe hard nproc 200\n", &q, &changed, &msg);
	assert_string_equal(out, "joe hard nproc 200\n");
	assert_int_equal(changed, 0);
	free(out);
	free(msg);
	out = edit("joe hard nproc 50\n", &q, &changed, &msg);
	assert_string_equal(out, "joe\thard\tnproc\t100\n");
	free(out);
	free(msg);
	out = edit("joe hard nproc unlimited\n", &q, &changed, &msg);
	assert_int_equal(changed, 0);
	free(out);
	free(msg);
	q.use_max = 0;
	q.use_min = 1;
	out = edit("joe hard nproc unlimited\n", &q, &changed, &msg);
	assert_string_equal(out, "joe\thard\tnproc\t100\n");
	free(out);
	free(msg);
	out = edit("joe hard nproc 050\n", &q, &changed, &msg);
	assert_string_equal(out, "joe\thard\tnproc\t50\n");
	assert_int_equal(changed, 1);
	free(out);
	free(msg);
}

static void
test_values(void **state)
{
	struct pam_limits_req	 q;
	struct buf		 out = BUF_INIT;
	char			*cause = NULL, *msg = NULL;
	const char		*bad = "joe soft nofile lots\n";
	int			 changed;

	(void)state;
	assert_int_equal(pam_limits_check_value("nofile", "unlimited", "",
	    &cause), 0);
	assert_int_equal(pam_limits_check_value("nofile", "-1", "", &cause),
	    0);
	assert_int_equal(pam_limits_check_value("nice", "-20", "", &cause), 0);
	assert_int_equal(pam_limits_check_value("nice", "20", "", &cause), -1);
	assert_non_null(strstr(cause, "range -20 to 19"));
	free(cause);
	assert_int_equal(pam_limits_check_value("nofile", "-2", "", &cause),
	    -1);
	assert_string_equal(cause, " Value of '-2' for item 'nofile' is "
	    "invalid. Value must either be 'unlimited', 'infinity' or -1, all "
	    "of which indicate no limit, or a limit of 0 or larger. Refer to "
	    "the limits.conf(5) manual pages for more details.");
	free(cause);
	req(&q, "joe", "soft", "core", "0");
	assert_int_equal(pam_limits_edit(bad, strlen(bad), "/x", &q, &out,
	    &changed, &msg, &cause), -1);
	assert_non_null(strstr(cause, "Invalid configuration found in '/x'. "
	    "Value of 'lots'"));
	free(cause);
	free(msg);
	buf_release(&out);
}

/* Lines that are not four fields are kept as they are. */
static void
test_other_lines(void **state)
{
	struct pam_limits_req	 q;
	const char		*text = "  # indented comment\n"
	    "include other\n\t\n";
	char			*out, *msg, *want;
	int			 changed;

	(void)state;
	req(&q, "*", "-", "core", "0");
	out = edit(text, &q, &changed, &msg);
	/* The indented comment's text is taken up as the new line's. */
	want = xasprintf("%s*\t-\tcore\t0\t# indented comment\n\n", text);
	assert_string_equal(out, want);
	free(want);
	free(out);
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_to_empty),
		cmocka_unit_test(test_same_value_untouched),
		cmocka_unit_test(test_change_keeps_comment),
		cmocka_unit_test(test_use_max_min),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_other_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
