/* Unit tests for engine/shell.c: quoting through a real sh, shlex splitting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "shell.h"

static void
test_quote_exact(void **state)
{
	char	*q;

	q = shell_quote("it's");
	assert_string_equal(q, "'it'\\''s'");
	free(q);
	q = shell_quote("");
	assert_string_equal(q, "''");
	free(q);
	q = shell_quote("plain");
	assert_string_equal(q, "'plain'");
	free(q);
	q = shell_quote("''");
	assert_string_equal(q, "''\\'''\\'''");
	free(q);
}

static void
test_quote_buf_appends(void **state)
{
	struct buf	b = BUF_INIT;

	buf_adds(&b, "echo ");
	shell_quote_buf(&b, "a b");
	buf_addc(&b, ' ');
	shell_quote_buf(&b, "$x");
	assert_string_equal(buf_cstr(&b), "echo 'a b' '$x'");
	buf_release(&b);
}

/* What sh makes of `printf %s QUOTED`: must be the string itself. */
static char *
through_sh(const char *s, size_t *len)
{
	struct buf	 cmd = BUF_INIT, out = BUF_INIT;
	FILE		*f;
	char		 tmp[4096];
	size_t		 n;

	buf_adds(&cmd, "printf %s ");
	shell_quote_buf(&cmd, s);
	f = popen(buf_cstr(&cmd), "r");
	assert_non_null(f);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&out, tmp, n);
	assert_int_equal(pclose(f), 0);
	buf_release(&cmd);
	return buf_detach(&out, len);
}

static void
test_quote_roundtrip(void **state)
{
	static const char *nasty[] = {
		"", " ", "a b", "it's", "'", "''", "'\\''", "\n", "a\nb\n",
		"\n\n", "$HOME", "${HOME}", "`id`", "$(id)", "\\", "\\\\n",
		"\"", "\"'\"", "é ü 日本 \xf0\x9f\x98\x80", "*", "?", "[a]",
		"~", "~root", "-n", "--", "%s%d%%", "; rm -rf /nonexistent",
		"a && b || c | d & e", "\t\ttabs", "!x !!", "a\\'b",
		"#comment", "x=1", "{a,b}", "\x01\x02\x7f\xff", NULL,
	};
	const char	**sp;
	char		 *got;
	size_t		  len;

	for (sp = nasty; *sp != NULL; sp++) {
		got = through_sh(*sp, &len);
		assert_int_equal(len, strlen(*sp));
		assert_memory_equal(got, *sp, len);
		free(got);
	}
}

/* Splits and compares with the expected words (NULL-terminated). */
static void
check_split(const char *line, ...)
{
	va_list		  ap;
	char		**argv;
	char		 *cause = NULL;
	const char	 *want;
	size_t		  i = 0;

	assert_int_equal(shell_split(line, &argv, &cause), 0);
	assert_null(cause);
	va_start(ap, line);
	while ((want = va_arg(ap, const char *)) != NULL) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], want);
		i++;
	}
	va_end(ap);
	assert_null(argv[i]);
	shell_argv_free(argv);
}

static void
test_split(void **state)
{
	/* Expected values are what Python's shlex.split() returns. */
	check_split("a b  c", "a", "b", "c", NULL);
	check_split(" lead trail ", "lead", "trail", NULL);
	check_split("a\"b c\"d", "ab cd", NULL);
	check_split("a '' b", "a", "", "b", NULL);
	check_split("\"\"", "", NULL);
	check_split("echo \"a\\\"b\" 'x'", "echo", "a\"b", "x", NULL);
	check_split("a\\ b", "a b", NULL);
	check_split("\"a\\\\b\\c\\$\"", "a\\b\\c\\$", NULL);
	check_split("x\\\\", "x\\", NULL);
	check_split("tab\tsep\nnl", "tab", "sep", "nl", NULL);
	check_split("'$HOME \"q\"'", "$HOME \"q\"", NULL);
	check_split("a#b # c", "a#b", "#", "c", NULL);
	check_split("a\\\nb", "a\nb", NULL);
	check_split("'it'\\''s'", "it's", NULL);
	check_split("\xc3\xa9 \xc3\xbc", "\xc3\xa9", "\xc3\xbc", NULL);
	check_split("", NULL);
	check_split("   ", NULL);
}

static void
test_split_errors(void **state)
{
	static const char *bad[] = { "\"abc", "'abc", "abc\\", "a 'b\" c", NULL };
	const char	**bp;
	char		**argv, *cause;

	for (bp = bad; *bp != NULL; bp++) {
		cause = NULL;
		argv = (char **)1;
		assert_int_equal(shell_split(*bp, &argv, &cause), -1);
		assert_null(argv);
		assert_non_null(cause);
		free(cause);
	}
	assert_int_equal(shell_split("\"abc", &argv, &cause), -1);
	assert_string_equal(cause, "no closing quotation in '\"abc'");
	free(cause);
}

/* What split returns, quoted back, splits to the same words. */
static void
test_split_quote_inverse(void **state)
{
	static const char *words[] = { "it's", "", "a b", "\\", "\"", "$x",
	    "\n", NULL };
	struct buf	  line = BUF_INIT;
	char		**argv, *cause = NULL;
	size_t		  i;

	for (i = 0; words[i] != NULL; i++) {
		if (i != 0)
			buf_addc(&line, ' ');
		shell_quote_buf(&line, words[i]);
	}
	assert_int_equal(shell_split(buf_cstr(&line), &argv, &cause), 0);
	for (i = 0; words[i] != NULL; i++)
		assert_string_equal(argv[i], words[i]);
	assert_null(argv[i]);
	shell_argv_free(argv);
	buf_release(&line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_exact),
		cmocka_unit_test(test_quote_buf_appends),
		cmocka_unit_test(test_quote_roundtrip),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_split_quote_inverse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
