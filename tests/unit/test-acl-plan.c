/* Unit tests of modules/files/acl-plan.c: the acl module's decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "files/acl-plan.h"

static void
test_acl_plan_make(void **state)
{
	struct acl_req	 q;
	struct acl_plan	 p;
	char		*cause = NULL;

	(void)state;
	memset(&q, 0, sizeof q);
	q.state = ACL_PRESENT;
	q.entity = "bob";
	q.permissions = "rx";
	assert_int_equal(acl_plan_make(&q, &p, &cause), -1);
	assert_string_equal(cause, "'etype' MUST be set when 'state=present'.");
	free(cause);
	q.etype = "user";
	assert_int_equal(acl_plan_make(&q, &p, &cause), 0);
	assert_string_equal(p.entry, "user:bob:rx");
	acl_plan_release(&p);

	/* absent: no permissions in the entry; permissions refused. */
	q.state = ACL_ABSENT;
	assert_int_equal(acl_plan_make(&q, &p, &cause), -1);
	assert_string_equal(cause, "'permissions' MUST NOT be set when "
	    "'state=absent'.");
	free(cause);
	q.permissions = NULL;
	assert_int_equal(acl_plan_make(&q, &p, &cause), 0);
	assert_string_equal(p.entry, "user:bob");
	acl_plan_release(&p);

	/* entry: split and rebuilt; a leading d sets default. */
	memset(&q, 0, sizeof q);
	q.state = ACL_PRESENT;
	q.entry = "default:g:staff:rwX";
	assert_int_equal(acl_plan_make(&q, &p, &cause), 0);
	assert_string_equal(p.entry, "group:staff:rwX");
	assert_int_equal(p.default_, 1);
	acl_plan_release(&p);
	q.entry = "u:bob";
	assert_int_equal(acl_plan_make(&q, &p, &cause), -1);
	assert_string_equal(cause, "'entry' MUST have 3 or 4 sections divided "
	    "by ':' when 'state=present'.");
	free(cause);

	memset(&q, 0, sizeof q);
	q.state = ACL_QUERY;
	q.recursive = 1;
	assert_int_equal(acl_plan_make(&q, &p, &cause), -1);
	assert_string_equal(cause, "'recursive' MUST NOT be set when "
	    "'state=query'.");
	free(cause);
	q.recursive = 0;
	q.nfsv4 = 1;
	assert_int_equal(acl_plan_make(&q, &p, &cause), -1);
	assert_non_null(strstr(cause, "use_nfsv4_acls"));
	free(cause);
}

static void
test_acl_command(void **state)
{
	struct acl_req	 q;
	struct acl_plan	 p;
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;

	(void)state;
	memset(&q, 0, sizeof q);
	q.state = ACL_PRESENT;
	q.etype = "user";
	q.entity = "bob's";
	q.permissions = "r";
	q.recursive = 1;
	q.mask = ACL_MASK_NO;
	assert_int_equal(acl_plan_make(&q, &p, &cause), 0);
	acl_command(&b, ACL_SET, &q, &p, 1, "/srv/a b");
	assert_string_equal(buf_cstr(&b), "setfacl --test -m "
	    "'user:bob'\\''s:r' --recursive --no-mask --physical -- "
	    "'/srv/a b'");
	buf_release(&b);
	q.follow = 1;
	p.default_ = 1;
	acl_command(&b, ACL_GET, &q, &p, 0, NULL);
	assert_string_equal(buf_cstr(&b), "getfacl -d --omit-header "
	    "--absolute-names --recursive -- \"$p\"");
	buf_release(&b);
	acl_plan_release(&p);
}

static void
test_acl_output(void **state)
{
	const char	*same = "# file: /srv/x\nuser::rw-\nuser:bob:r--\t*,*\n"
	    "group::r--\t*,*\n\n";
	const char	*diff = "user::rw-\t*,*\nuser:bob:r--\t+,*\n";
	const char	*get = "user::rw-\nuser:bob:r--\ngroup::r--\n"
	    "mask::r--\nother::r--\n\n";
	struct value	*l;

	(void)state;
	/* "user::rw-" without *,* is a change as Ansible sees it */
	assert_int_equal(acl_test_changed(same, strlen(same)), 1);
	assert_int_equal(acl_test_changed(same + 25, strlen(same + 25)), 0);
	assert_int_equal(acl_test_changed(diff, strlen(diff)), 1);
	l = acl_lines(get, strlen(get));
	assert_int_equal(value_len(l), 5);
	assert_string_equal(l->u.list.items[1]->u.str.s, "user:bob:r--");
	value_unref(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_plan_make),
		cmocka_unit_test(test_acl_command),
		cmocka_unit_test(test_acl_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
