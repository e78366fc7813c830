/* Unit tests of the pip module's decisions (modules/packaging/pip-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "packaging/pip-plan.h"
#include "util.h"

static void
test_recover_names(void **state)
{
	char	*in1[] = { "django>1.11.1", "<1.11.3", "ipaddress",
		"simpleproject>1.1.0", "<2.0.0" };
	char	*in2[] = { "django>1.11.1,<1.11.3,ipaddress",
		"simpleproject>1.1.0,<2.0.0" };
	char	*in3[] = { "requests[security,socks]", "six" };
	char	**l;
	size_t	 n;

	(void)state;
	l = pip_recover_names(in1, 5, &n);
	assert_int_equal(n, 3);
	assert_string_equal(l[0], "django>1.11.1,<1.11.3");
	assert_string_equal(l[1], "ipaddress");
	assert_string_equal(l[2], "simpleproject>1.1.0,<2.0.0");
	assert_null(l[3]);
	strv_free_null(l);
	l = pip_recover_names(in2, 2, &n);
	assert_int_equal(n, 3);
	assert_string_equal(l[0], "django>1.11.1,<1.11.3");
	assert_string_equal(l[2], "simpleproject>1.1.0,<2.0.0");
	strv_free_null(l);
	l = pip_recover_names(in3, 2, &n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0], "requests[security,socks]");
	assert_string_equal(l[1], "six");
	strv_free_null(l);
}

static void
test_req_parse(void **state)
{
	struct pip_req	r;
	char		*c;

	(void)state;
	c = pip_canonicalize("Foo__Bar.baz");
	assert_string_equal(c, "foo-bar-baz");
	free(c);
	pip_req_parse("Cairn_Demo >= 1.0, <2", NULL, &r);
	assert_true(r.plain);
	assert_string_equal(r.name, "cairn-demo");
	assert_string_equal(r.text, "Cairn_Demo>=1.0,<2");
	assert_int_equal(r.nspecs, 2);
	assert_string_equal(r.specs[0].op, ">=");
	assert_string_equal(r.specs[1].version, "2");
	assert_true(pip_req_has_version(&r));
	pip_req_free(&r);
	pip_req_parse("six", "1.16.0", &r);
	assert_string_equal(r.text, "six==1.16.0");
	assert_int_equal(r.nspecs, 1);
	pip_req_free(&r);
	pip_req_parse("six", ">1.0", &r);
	assert_string_equal(r.text, "six>1.0");
	assert_string_equal(r.specs[0].op, ">");
	pip_req_free(&r);
	pip_req_parse("requests[socks]==2.0; python_version > '3'", NULL, &r);
	assert_true(r.plain);
	assert_string_equal(r.name, "requests");
	assert_int_equal(r.nspecs, 1);
	pip_req_free(&r);
	pip_req_parse("git+https://example.invalid/x.git", NULL, &r);
	assert_false(r.plain);
	assert_false(pip_req_has_version(&r));
	pip_req_free(&r);
	pip_req_parse("./dist/x-1.0.tar.gz", NULL, &r);
	assert_false(r.plain);
	pip_req_free(&r);
}

static void
test_version_order(void **state)
{
	(void)state;
	assert_int_equal(pip_version_cmp("1.0", "1.0.0"), 0);
	assert_true(pip_version_cmp("1.10", "1.9") > 0);
	assert_true(pip_version_cmp("1.0a1", "1.0") < 0);
	assert_true(pip_version_cmp("1.0b2", "1.0a9") > 0);
	assert_true(pip_version_cmp("1.0rc1", "1.0b9") > 0);
	assert_true(pip_version_cmp("1.0.dev1", "1.0a1") < 0);
	assert_true(pip_version_cmp("1.0.post1", "1.0") > 0);
	assert_true(pip_version_cmp("1.0-1", "1.0") > 0);
	assert_true(pip_version_cmp("1!0.5", "2.0") > 0);
	assert_true(pip_version_cmp("v2.0", "1.9") > 0);
}

static int
holds(const char *req, const char *version)
{
	struct pip_req	r;
	int		ok;

	pip_req_parse(req, NULL, &r);
	ok = pip_req_satisfied(&r, version);
	pip_req_free(&r);
	return ok;
}

static void
test_satisfied(void **state)
{
	(void)state;
	assert_true(holds("a", "0.1"));
	assert_true(holds("a==1.0", "1.0.0"));
	assert_false(holds("a==1.0", "1.0.1"));
	assert_true(holds("a>=1.0,<2", "1.5"));
	assert_false(holds("a>=1.0,<2", "2.0"));
	assert_true(holds("a!=1.5", "1.6"));
	assert_true(holds("a==1.2.*", "1.2.7"));
	assert_false(holds("a==1.2.*", "1.3"));
	assert_true(holds("a~=1.4.5", "1.4.9"));
	assert_false(holds("a~=1.4.5", "1.5.0"));
	assert_false(holds("a~=1.4.5", "1.4.4"));
	assert_true(holds("a~=2.2", "2.9"));
	assert_true(holds("a===1.0", "1.0"));
	assert_false(holds("a===1.0", "1.0.0"));
	/* prereleases count, as Ansible asks */
	assert_true(holds("a>=1.0a1", "1.0b1"));
	assert_false(holds("git+https://x/y.git", "1.0"));
}

static void
test_is_present(void **state)
{
	static const char	freeze[] = "pip==23.0.1\n"
	    "Cairn.Demo==1.0\n"
	    "setuptools==66.1.1\n"
	    "-e git+https://x/y.git@abc#egg=y\n";
	struct pip_req		r;

	(void)state;
	pip_req_parse("cairn-demo", NULL, &r);
	assert_true(pip_is_present(&r, freeze));
	pip_req_free(&r);
	pip_req_parse("cairn_demo", "2.0", &r);
	assert_false(pip_is_present(&r, freeze));
	pip_req_free(&r);
	pip_req_parse("setuptools>=60", NULL, &r);
	assert_true(pip_is_present(&r, freeze));
	pip_req_free(&r);
	pip_req_parse("y", NULL, &r);
	assert_false(pip_is_present(&r, freeze));
	pip_req_free(&r);
	pip_req_parse("nosuch", NULL, &r);
	assert_false(pip_is_present(&r, ""));
	pip_req_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recover_names),
		cmocka_unit_test(test_req_parse),
		cmocka_unit_test(test_version_order),
		cmocka_unit_test(test_satisfied),
		cmocka_unit_test(test_is_present),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
