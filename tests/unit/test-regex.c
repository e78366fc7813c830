/*
 * Unit tests for engine/regex.c: one set of patterns gives the same answer
 * through the regex_replace filter, lineinfile's decision code and Lua's
 * cairn.regex, since all three now compile through regex.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "luamod.h"
#include "regex.h"
#include "files/fileedit.h"

/*
 * A pattern run on one line of text ("LINE\n": lineinfile reads lines
 * with their newline, so the other two get the same bytes): 1 if it
 * matches, 0 if not, -1 if the match must fail with an error.
 */
struct rcase {
	const char	*pattern;
	const char	*line;
	int		 want;
	const char	*replaced;	/* LINE\n with each match made "X" */
};

static const struct rcase cases[] = {
	/* Python's \Z is the very end, never before a final newline. */
	{ "b\\Z", "ab", 0, "ab\n" },
	{ "b$", "ab", 1, "aX\n" },
	{ "(?P<k>\\w+)=(?P=k)", "x=x", 1, "X\n" },
	{ "(?P<k>\\w+)=(?P=k)", "x=y", 0, "x=y\n" },
	{ "^\\d{3}", "123 go", 1, "X go\n" },
	{ "\\d", "abc", 0, "abc\n" },
	{ "(?<=port )\\d+", "port 22", 1, "port X\n" },
	{ "(?<=port )\\d+", "port22", 0, "port22\n" },
	/* Catastrophic backtracking: an error, not a hang. */
	{ "(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", -1, NULL },
};

struct rvars {
	const char	*s;
	const char	*p;
};

static struct value *
lookup(void *ud, const char *name)
{
	struct rvars	*v = ud;

	if (strcmp(name, "s") == 0)
		return value_str(v->s);
	if (strcmp(name, "p") == 0)
		return value_str(v->p);
	return NULL;
}

/* regex_replace: 0 and *out, or -1 and *cause. */
static int
via_filter(const char *pattern, const char *text, char **out, char **cause)
{
	struct rvars		 rv = { text, pattern };
	struct expr_scope	 scope = { lookup, &rv };
	struct value		*v;

	if (expr_eval("s | regex_replace(p, 'X')", &scope, &v, cause) != 0)
		return -1;
	assert_int_equal(v->type, V_STR);
	*out = xstrdup(v->u.str.s);
	value_unref(v);
	return 0;
}

/* lineinfile regexp=pattern line=X: 1 replaced, 0 added, -1 error. */
static int
via_lineinfile(const char *pattern, const char *text, char **cause)
{
	struct lineinfile_spec	 spec;
	struct buf		 out = BUF_INIT;
	const char		*msg = NULL;
	int			 changed = 0, r;

	memset(&spec, 0, sizeof spec);
	spec.regexp = pattern;
	spec.line = "X";
	r = fileedit_line_present(text, strlen(text), &spec, &out, &changed,
	    &msg, cause);
	if (r == 0 && strcmp(msg, "line replaced") == 0) {
		assert_string_equal(buf_cstr(&out), "X\n");
		r = 1;
	} else if (r == 0) {
		assert_string_equal(msg, "line added");
		assert_true(changed);
	}
	buf_release(&out);
	return r;
}

/* cairn.regex.gsub(text, pattern, 'X'): 0 and *out, or -1 and *cause. */
static int
via_lua(const char *pattern, const char *text, char **out, char **cause)
{
	char	*code;
	int	 r;

	code = xasprintf("return (cairn.regex.gsub([==[%s]==], [==[%s]==], "
	    "'X'))", text, pattern);
	r = luamod_eval(code, out, cause);
	free(code);
	return r == 0 ? 0 : -1;
}

/* A substitution's outcome (r, got or cause) against the case. */
static void
check_sub(const char *via, const struct rcase *c, int r, const char *got,
    const char *cause)
{
	if (c->want < 0) {
		if (r != -1 || strstr(cause, "backtracks too much") == NULL)
			fail_msg("%s '%s': %s", via, c->pattern,
			    r == 0 ? got : cause);
	} else if (r != 0 || strcmp(got, c->replaced) != 0)
		fail_msg("%s '%s' on '%s': %s", via, c->pattern, c->line,
		    r == 0 ? got : cause);
}

static void
test_same_everywhere(void **state)
{
	const struct rcase	*c;
	char			*text, *f, *l, *cause;
	size_t			 i;
	int			 r;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c = &cases[i];
		text = xasprintf("%s\n", c->line);
		f = l = cause = NULL;

		r = via_filter(c->pattern, text, &f, &cause);
		check_sub("filter", c, r, f, cause);
		free(f);
		free(cause);
		cause = NULL;

		r = via_lineinfile(c->pattern, text, &cause);
		if (r != c->want || (r < 0 &&
		    strstr(cause, "backtracks too much") == NULL))
			fail_msg("lineinfile '%s' on '%s': %d, want %d (%s)",
			    c->pattern, c->line, r, c->want,
			    cause != NULL ? cause : "");
		free(cause);
		cause = NULL;

		r = via_lua(c->pattern, text, &l, &cause);
		check_sub("lua", c, r, l, cause);
		free(l);
		free(cause);
		free(text);
	}
}

/* Python 3's str patterns: \d and \w are Unicode, as in regex_replace. */
static void
test_unicode_classes(void **state)
{
	struct regex	*re;
	char		*cause = NULL;
	const char	*arabic3 = "\xd9\xa3";	/* ARABIC-INDIC DIGIT THREE */

	(void)state;
	re = regex_compile("^\\d$", REGEX_UNICODE, &cause);
	assert_non_null(re);
	assert_int_equal(regex_search(re, arabic3, strlen(arabic3), 0, NULL,
	    &cause), 1);
	regex_free(re);
	/* A bytes pattern (lineinfile's) keeps \d to [0-9]. */
	re = regex_compile("^\\d$", 0, &cause);
	assert_int_equal(regex_search(re, arabic3, strlen(arabic3), 0, NULL,
	    &cause), 0);
	regex_free(re);
}

/* The cache hands out references: each one must be released. */
static void
test_cache(void **state)
{
	struct regex	*a, *b;
	char		*cause = NULL, name[32];
	int		 i;

	(void)state;
	a = regex_compile("x(y)", 0, &cause);
	b = regex_compile("x(y)", 0, &cause);
	assert_ptr_equal(a, b);
	regex_free(b);
	b = regex_compile("x(y)", REGEX_IGNORECASE, &cause);
	assert_ptr_not_equal(a, b);
	regex_free(b);
	/* Pushed out of a full cache, a pattern still held stays valid. */
	for (i = 0; i < REGEX_CACHE_SIZE + 8; i++) {
		snprintf(name, sizeof name, "p%d", i);
		regex_free(regex_compile(name, 0, &cause));
	}
	assert_int_equal(regex_groups(a), 1);
	assert_int_equal(regex_search(a, "axy", 3, 0, NULL, &cause), 1);
	regex_free(a);

	assert_null(regex_compile("(", 0, &cause));
	assert_string_equal(cause, "bad regular expression '(': missing "
	    "closing parenthesis at offset 1");
	free(cause);
}

/* re.finditer, re.match and subn's count. */
static void
test_iteration(void **state)
{
	struct regex		*re;
	struct buf		 b = BUF_INIT;
	char			*cause = NULL;
	size_t			 n;

	(void)state;
	re = regex_compile("x*", 0, &cause);
	assert_int_equal(regex_subn(re, "abxd", 4, "-", 0, &b, &n, &cause),
	    0);
	assert_string_equal(buf_cstr(&b), "-a-b--d-");
	assert_int_equal(n, 5);
	buf_reset(&b);
	assert_int_equal(regex_subn(re, "abxd", 4, "-", 2, &b, &n, &cause),
	    0);
	assert_string_equal(buf_cstr(&b), "-a-bxd");
	buf_release(&b);
	regex_free(re);

	re = regex_compile("b", 0, &cause);
	assert_int_equal(regex_match(re, "ab", 2, NULL, &cause), 0);
	assert_int_equal(regex_search(re, "ab", 2, 0, NULL, &cause), 1);
	regex_free(re);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_everywhere),
		cmocka_unit_test(test_unicode_classes),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_iteration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
