/* Unit tests for engine/error.c: every code has its text, none is an errno. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "error.h"

static const struct {
	int		 code;
	const char	*text;
	int		 transport;
} codes[] = {
	{ ERR_UNREACHABLE, "host unreachable", 1 },
	{ ERR_BECOME, "become refused (sudo/su not allowed or wrong password)",
	    1 },
	{ ERR_TIMEOUT, "command timed out", 1 },
	{ ERR_NOTCONN, "no connection to the host", 1 },
	{ ERR_NOENT, "no such file", 0 },
	{ ERR_IO, "remote command failed", 0 },
	{ ERR_INVALID, "invalid argument", 0 },
	{ ERR_VALIDATE, "validation failed", 0 },
	{ ERR_INTERRUPTED, "interrupted", 1 },
};
#define NCODES	(sizeof codes / sizeof codes[0])

static void
test_err_text(void **state)
{
	size_t	i;

	for (i = 0; i < NCODES; i++)
		assert_string_equal(err_text(codes[i].code), codes[i].text);
	assert_string_equal(err_text(0), "success");
	assert_string_equal(err_text(-1), "unknown error");
	assert_string_equal(err_text(-2), "unknown error");
	assert_string_equal(err_text(1000), "unknown error");
}

/* The whole point: a code from the host API is never some -errno. */
static void
test_codes_outside_errno(void **state)
{
	size_t	i, j;

	for (i = 0; i < NCODES; i++) {
		assert_true(codes[i].code < -4095);
		for (j = i + 1; j < NCODES; j++)
			assert_int_not_equal(codes[i].code, codes[j].code);
	}
}

/* Texts say different things: a user tells the failures apart. */
static void
test_texts_distinct(void **state)
{
	size_t	i, j;

	for (i = 0; i < NCODES; i++)
		for (j = i + 1; j < NCODES; j++)
			assert_string_not_equal(err_text(codes[i].code),
			    err_text(codes[j].code));
}

/* Only the transport's codes say nothing about a file. */
static void
test_is_transport(void **state)
{
	size_t	i;

	for (i = 0; i < NCODES; i++)
		assert_int_equal(err_is_transport(codes[i].code),
		    codes[i].transport);
	assert_false(err_is_transport(0));
	assert_false(err_is_transport(-1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_text),
		cmocka_unit_test(test_codes_outside_errno),
		cmocka_unit_test(test_texts_distinct),
		cmocka_unit_test(test_is_transport),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
