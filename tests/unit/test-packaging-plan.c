/* Unit tests of package, dpkg_selections and debconf decisions (modules/packaging/packaging-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "packaging/packaging-plan.h"
#include "util.h"

static void
test_package_manager(void **state)
{
	(void)state;
	assert_string_equal(package_manager("auto", "apt"), "apt");
	assert_string_equal(package_manager("dnf", "apt"), "dnf");
	assert_string_equal(package_manager(NULL, "dnf"), "dnf");
	assert_null(package_manager("auto", NULL));
	assert_null(package_manager("auto", ""));
	assert_true(package_manager_supported("apt"));
	assert_false(package_manager_supported("dnf"));
	assert_false(package_manager_supported(NULL));
}

static void
test_dpkg_selection(void **state)
{
	char	*s;

	(void)state;
	s = dpkg_selection_parse("");
	assert_string_equal(s, "not present");
	free(s);
	s = dpkg_selection_parse("openssh-server\t\t\t\thold\n");
	assert_string_equal(s, "hold");
	free(s);
	s = dpkg_selection_parse("git install\n");
	assert_string_equal(s, "install");
	free(s);
}

static void
test_debconf_show(void **state)
{
	struct value	*d;

	(void)state;
	d = debconf_parse_show("* openssh-server/permit-root-login: true\n"
	    "  openssh-server/password-authentication: false\n"
	    "  tzdata/Zones/Etc: UTC\n"
	    "no colon here\n"
	    "  locales/default: a: b \n");
	assert_int_equal(value_len(d), 4);
	assert_string_equal(value_dict_get(d,
	    "openssh-server/permit-root-login")->u.str.s, "true");
	assert_string_equal(value_dict_get(d,
	    "openssh-server/password-authentication")->u.str.s, "false");
	assert_string_equal(value_dict_get(d, "locales/default")->u.str.s,
	    "a: b");
	value_unref(d);
}

static void
test_debconf_values(void **state)
{
	char	*s;

	(void)state;
	s = debconf_set_value("boolean", "True");
	assert_string_equal(s, "true");
	free(s);
	s = debconf_set_value("string", "True");
	assert_string_equal(s, "True");
	free(s);
	assert_true(debconf_differs("string", "x", NULL));
	assert_false(debconf_differs("boolean", "True", "true"));
	assert_true(debconf_differs("string", "True", "true"));
	assert_false(debconf_differs("select", "UTC", "UTC"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_package_manager),
		cmocka_unit_test(test_dpkg_selection),
		cmocka_unit_test(test_debconf_show),
		cmocka_unit_test(test_debconf_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
