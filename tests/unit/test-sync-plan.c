/* Unit tests of modules/files/sync-plan.c: synchronize's decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "files/sync-plan.h"

static void
test_sync_parse(void **state)
{
	const char		*text =
	    "d\t4096\t1700000000.5\t755\t0\t0\troot\troot\t\t\n"
	    "f\t3\t1577934245.0\t644\t0\t0\troot\troot\tVERSION\t\n"
	    "l\t10\t1700000000.0\t777\t0\t0\troot\troot\trun\tlib/app.sh\n"
	    "@@SUM\n"
	    "0123456789012345678901234567890123456789  VERSION\n";
	struct sync_entry	*v, *e;
	size_t			 n;

	(void)state;
	n = sync_parse(text, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].rel, "");
	assert_int_equal(v[0].type, 'd');
	assert_int_equal(v[0].mtime, 1700000000);
	assert_int_equal(v[1].mode, 0644);
	assert_string_equal(v[2].link, "lib/app.sh");
	sync_parse_sums(text, v, n);
	e = sync_find(v, n, "VERSION");
	assert_non_null(e);
	assert_string_equal(e->sum, "0123456789012345678901234567890123456789");
	assert_null(sync_find(v, n, "nothere"));
	sync_entries_free(v, n);
}

static void
test_sync_decide(void **state)
{
	struct sync_opts	 o;
	struct sync_entry	 s, d;
	char			 item[12];

	(void)state;
	memset(&o, 0, sizeof o);
	o.recursive = o.links = o.perms = o.times = o.owner = o.group = 1;
	memset(&s, 0, sizeof s);
	s.type = 'f';
	s.rel = "a";
	s.size = 3;
	s.mtime = 100;
	s.mode = 0644;
	s.owner = s.group = "root";
	d = s;
	assert_int_equal(sync_decide(&s, NULL, &o, item), SY_CREATE);
	assert_string_equal(item, "<f+++++++++");
	assert_int_equal(sync_decide(&s, &d, &o, item), SY_NONE);
	/* the quick check: size or time */
	d.mtime = 99;
	assert_int_equal(sync_decide(&s, &d, &o, item), SY_UPDATE);
	assert_string_equal(item, "<f..t......");
	d.mtime = 100;
	d.mode = 0600;
	assert_int_equal(sync_decide(&s, &d, &o, item), SY_ATTRS);
	assert_string_equal(item, ".f...p.....");
	/* --checksum: equal sums and sizes win over the time */
	o.checksum = 1;
	d.mode = 0644;
	d.mtime = 50;
	strcpy(s.sum, "aa");
	strcpy(d.sum, "aa");
	assert_int_equal(sync_decide(&s, &d, &o, item), SY_ATTRS);
	assert_string_equal(item, ".f..t......");
	o.pull = 1;
	d.type = 'd';
	assert_int_equal(sync_decide(&s, &d, &o, item), SY_REPLACE);
	assert_string_equal(item, ">f+++++++++");
}

static void
test_sync_excluded(void **state)
{
	const char		*pats[] = { "*.tmp", "cache/", "/lib/x", NULL };
	struct sync_opts	 o;

	(void)state;
	memset(&o, 0, sizeof o);
	o.exclude = pats;
	o.nexclude = 3;
	assert_true(sync_excluded(&o, "a/b/c.tmp", 0));
	assert_true(sync_excluded(&o, "cache", 1));
	assert_false(sync_excluded(&o, "cache", 0));
	assert_true(sync_excluded(&o, "lib/x", 0));
	assert_false(sync_excluded(&o, "src/lib/x", 0));
	assert_false(sync_excluded(&o, "VERSION", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_parse),
		cmocka_unit_test(test_sync_decide),
		cmocka_unit_test(test_sync_excluded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
