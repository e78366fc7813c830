/* Unit tests of modules/files/archive-plan.c: the archive module's decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "files/archive-plan.h"

static void
test_archive_common_path(void **state)
{
	const char *const	 a[] = { "/srv/data" };
	const char *const	 b[] = { "/var/log/app/1.log",
		"/var/log/app/2.log" };
	const char *const	 c[] = { "/srv/a/x", "/srv/ab/y" };
	const char *const	 d[] = { "rel", "other" };
	char			*p;

	(void)state;
	assert_string_equal((p = archive_common_path(a, 1)), "/srv/");
	free(p);
	assert_string_equal((p = archive_common_path(b, 2)), "/var/log/app/");
	free(p);
	/* commonprefix is by character: "/srv/a" then its dirname */
	assert_string_equal((p = archive_common_path(c, 2)), "/srv/");
	free(p);
	assert_string_equal((p = archive_common_path(d, 2)), "");
	free(p);
}

static void
test_archive_names(void **state)
{
	(void)state;
	assert_true(archive_is_globby("/var/log/*.log"));
	assert_false(archive_is_globby("/var/log"));
	assert_true(archive_is_archive("/srv/x.TAR.GZ"));
	assert_true(archive_is_archive("/srv/x.tbz2"));
	assert_false(archive_is_archive("/srv/x.gz"));
	assert_string_equal(archive_tar_flag("xz"), "-J");
	assert_string_equal(archive_tar_flag("tar"), "");
	assert_string_equal(archive_compressor("bz2"), "bzip2");
	assert_non_null(strstr(archive_list_cmd("gz", 1), "gzip -dc"));
	assert_non_null(strstr(archive_list_cmd("gz", 0), "tar -tv"));
}

static void
test_archive_members(void **state)
{
	const char *const	 walk[] = { "/srv/data/sub", "/srv/data/a.txt",
		"/srv/data/sub/c.tmp" };
	const char *const	 pat[] = { "*.tmp", NULL };
	const char *const	 zpat[] = { "/srv/data/sub*", NULL };
	struct value		*arch = value_list(), *names = value_list();

	(void)state;
	archive_members(walk, 3, "/srv/", "gz", pat, arch, names);
	assert_int_equal(value_len(arch), 2);
	assert_string_equal(names->u.list.items[0]->u.str.s, "data/sub");
	assert_string_equal(arch->u.list.items[1]->u.str.s, "/srv/data/a.txt");
	value_unref(arch);
	value_unref(names);
	/* zip matches the patterns on the full path */
	arch = value_list();
	names = value_list();
	archive_members(walk, 3, "/srv/", "zip", zpat, arch, names);
	assert_int_equal(value_len(arch), 1);
	assert_string_equal(names->u.list.items[0]->u.str.s, "data/a.txt");
	value_unref(arch);
	value_unref(names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_archive_common_path),
		cmocka_unit_test(test_archive_names),
		cmocka_unit_test(test_archive_members),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
