/* Unit tests of locale_gen's decisions (modules/system/locale-gen.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/sysconf.h"

static const char gen[] =
    "# This file lists locales\n"
    "#\n"
    "# de_CH.UTF-8 UTF-8\n"
    "#  en_GB ISO-8859-1\n"
    "en_US.UTF-8 UTF-8\n"
    "# fr_FR@euro ISO-8859-15";

static void
test_available(void **state)
{
	(void)state;
	assert_true(locale_gen_available(gen, "de_CH.UTF-8", 0));
	assert_true(locale_gen_available(gen, "en_GB", 0));
	assert_true(locale_gen_available(gen, "en_US.UTF-8", 0));
	assert_true(locale_gen_available(gen, "fr_FR@euro", 0));
	assert_false(locale_gen_available(gen, "de_CH", 0));
	assert_false(locale_gen_available(gen, "xx_XX.UTF-8", 0));
	/* SUPPORTED has no comments */
	assert_false(locale_gen_available(gen, "de_CH.UTF-8", 1));
	assert_true(locale_gen_available(gen, "en_US.UTF-8", 1));
	/* two spaces before the charset is not a locale line */
	assert_false(locale_gen_available("# de_DE  UTF-8\n", "de_DE", 0));
}

static void
test_present(void **state)
{
	(void)state;
	assert_true(locale_gen_present("C\nC.utf8\nen_US.utf8\nPOSIX\n",
	    "en_US.UTF-8"));
	assert_true(locale_gen_present("C\nC.utf8\nen_US.utf8\nPOSIX\n",
	    "en_US.utf8"));
	assert_false(locale_gen_present("C\nC.utf8\nPOSIX\n", "en_US.UTF-8"));
	assert_false(locale_gen_present("en_US.utf8\n", "en_US"));
	assert_true(locale_gen_present("de_DE.iso885915@euro\n",
	    "de_DE.ISO-8859-15@euro"));
}

static void
test_edit(void **state)
{
	char	*s;

	(void)state;
	s = locale_gen_edit(gen, "de_CH.UTF-8", 1);
	assert_non_null(strstr(s, "\nde_CH.UTF-8 UTF-8\n"));
	assert_null(strstr(s, "# de_CH"));
	free(s);
	s = locale_gen_edit(gen, "en_US.UTF-8", 0);
	assert_non_null(strstr(s, "\n# en_US.UTF-8 UTF-8\n"));
	free(s);
	/* blanks after '#' go, the last line keeps having no newline */
	s = locale_gen_edit(gen, "en_GB", 1);
	assert_non_null(strstr(s, "\nen_GB ISO-8859-1\n"));
	free(s);
	s = locale_gen_edit(gen, "fr_FR@euro", 1);
	assert_true(strlen(s) > 23);
	assert_string_equal(s + strlen(s) - 23, "\nfr_FR@euro ISO-8859-15");
	free(s);
	/* nothing to match: the same text */
	s = locale_gen_edit(gen, "xx_XX", 1);
	assert_string_equal(s, gen);
	free(s);
}

static void
test_drop(void **state)
{
	char	*s;

	(void)state;
	s = locale_gen_drop("en_US.UTF-8 UTF-8\nde_DE.UTF-8 UTF-8\n",
	    "en_US.UTF-8");
	assert_string_equal(s, "de_DE.UTF-8 UTF-8\n");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_available),
		cmocka_unit_test(test_present),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_drop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
