/* Unit tests for engine/expr.c, expr-filters.c and template.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "expr.h"

static struct value	*vars;

static const char vars_json[] = "{"
    "\"a\": 1, \"b\": 2.5, \"s\": \"Hello World\", \"l\": [3, 1, 2],"
    "\"d\": {\"x\": 1, \"y\": {\"z\": \"deep\"}},"
    "\"users\": [{\"name\": \"bob\", \"uid\": 1001, \"admin\": true},"
    "  {\"name\": \"alice\", \"uid\": 1000, \"admin\": false}],"
    "\"empty\": [], \"none\": null, \"t\": true, \"f\": false,"
    "\"res_ok\": {\"changed\": false, \"failed\": false, \"rc\": 0},"
    "\"res_ch\": {\"changed\": true, \"rc\": 0},"
    "\"res_fail\": {\"failed\": true, \"rc\": 1},"
    "\"res_skip\": {\"skipped\": true, \"changed\": false},"
    "\"res_loop\": {\"results\": [{\"changed\": false}, {\"changed\": true}]},"
    "\"lazy\": \"{{ a + 10 }}\", \"lazy2\": \"x-{{ lazy }}\","
    "\"loop1\": \"{{ loop1 }}\", \"cyc_a\": \"{{ cyc_b }}\","
    "\"cyc_b\": \"{{ cyc_a }}\","
    "\"app\": {\"port\": \"{{ a + 8079 }}\", \"name\": \"web\"},"
    "\"selfref\": {\"x\": \"{{ selfref.x }}\"},"
    "\"nested_list\": [[1, 2], [3, [4, 5]]],"
    "\"path\": \"/etc/nginx/nginx.conf\", \"csv\": \"a,b,,c\","
    "\"numstr\": \"42\""
    "}";

static struct value *
lookup(void *ud, const char *name)
{
	(void)ud;
	return value_ref(value_dict_get(vars, name));
}

static const struct expr_scope scope = { lookup, NULL };

static int
setup(void **state)
{
	char	*cause = NULL;

	(void)state;
	vars = value_from_json(vars_json, strlen(vars_json), &cause);
	if (vars == NULL) {
		fprintf(stderr, "bad test vars: %s\n", cause);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	value_unref(vars);
	return 0;
}

/* The result as JSON (types visible), or "ERR: cause". */
static char *
J(const char *src)
{
	struct value	*v;
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;

	if (expr_eval(src, &scope, &v, &cause) != 0) {
		buf_addf(&b, "ERR: %s", cause);
		free(cause);
		return buf_detach(&b, NULL);
	}
	value_to_json(&b, v, 0);
	value_unref(v);
	return buf_detach(&b, NULL);
}

/* A template's result: strings as they are, others as "JSON:...". */
static char *
T(const char *tmpl)
{
	struct value	*v;
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;

	if (template_render(tmpl, &scope, &v, &cause) != 0) {
		buf_addf(&b, "ERR: %s", cause);
		free(cause);
		return buf_detach(&b, NULL);
	}
	if (v->type == V_STR)
		buf_add(&b, v->u.str.s, v->u.str.len);
	else {
		buf_adds(&b, "JSON:");
		value_to_json(&b, v, 0);
	}
	value_unref(v);
	return buf_detach(&b, NULL);
}

#define EXPECT(src, want) do {						\
	char *got_ = J(src);						\
	if (strcmp(got_, want) != 0)					\
		fail_msg("%s\n  got  %s\n  want %s", src, got_, want);	\
	free(got_);							\
} while (0)

#define EXPECT_T(src, want) do {					\
	char *got_ = T(src);						\
	if (strcmp(got_, want) != 0)					\
		fail_msg("%s\n  got  %s\n  want %s", src, got_, want);	\
	free(got_);							\
} while (0)

static void
test_arithmetic(void **state)
{
	(void)state;
	EXPECT("1 + 2 * 3", "7");
	EXPECT("(1 + 2) * 3", "9");
	EXPECT("10 - 2 - 3", "5");
	EXPECT("7 // 2", "3");
	EXPECT("-7 // 2", "-4");
	EXPECT("-7 % 3", "2");
	EXPECT("7 % -3", "-2");
	EXPECT("7 / 2", "3.5");
	EXPECT("4 / 2", "2.0");
	EXPECT("2 ** 10", "1024");
	EXPECT("2 ** -1", "0.5");
	EXPECT("2 ** 3 ** 2", "64");	/* Jinja2: left to right */
	EXPECT("-2 ** 2", "4");		/* Jinja2: unary minus binds tighter */
	EXPECT("1 + 2.5", "3.5");
	EXPECT("a + b", "3.5");
	EXPECT("-a", "-1");
	EXPECT("7.5 // 2", "3.0");
	EXPECT("'ab' ~ 1 ~ none", "\"ab1None\"");
	EXPECT("'a' ~ t", "\"aTrue\"");
	EXPECT("'a' + 'b'", "\"ab\"");
	EXPECT("'ab' * 3", "\"ababab\"");
	EXPECT("[1] + [2]", "[1, 2]");
	EXPECT("[0] * 3", "[0, 0, 0]");
	EXPECT("'%s-%d' % ('x', 5)", "\"x-5\"");
	EXPECT("'%05.1f' % 3.14159", "\"003.1\"");
	EXPECT("1 / 0", "ERR: division by zero");
	EXPECT("1 // 0", "ERR: integer division or modulo by zero");
	EXPECT("1 + 'a'",
	    "ERR: unsupported operand type(s) for +: 'int' and 'str'");
	EXPECT("9223372036854775807 + 1", "ERR: integer overflow");
	EXPECT("-'a'", "ERR: bad operand type for unary -: 'str'");
	/* Repetition never hangs or aborts: empty at once, huge refused. */
	EXPECT("'' * 10**18", "\"\"");
	EXPECT("[] * 10**18", "[]");
	EXPECT("'ab' * -2", "\"\"");
	EXPECT("('' * 10**18) | length", "0");
	EXPECT("[1] * 10**9", "ERR: '*' would make a list of 1 items times "
	    "1000000000, more than the 64 million cairn allows");
	EXPECT("'xy' * 10**18", "ERR: '*' would make a string of 2 bytes "
	    "times 1000000000000000000, more than the 64 million cairn "
	    "allows");
}

static void
test_literals(void **state)
{
	(void)state;
	EXPECT("'it\\'s'", "\"it's\"");
	EXPECT("\"a\\nb\"", "\"a\\nb\"");
	EXPECT("'\\x41\\u00e9'", "\"A\xc3\xa9\"");
	EXPECT("'a' 'b'", "\"ab\"");
	EXPECT("[1, 'two', 3.0, true, none, False, None, True]",
	    "[1, \"two\", 3.0, true, null, false, null, true]");
	EXPECT("{'k': 1, 'n': {'m': [1]}, 2: 'two'}",
	    "{\"k\": 1, \"n\": {\"m\": [1]}, \"2\": \"two\"}");
	EXPECT("1_000", "1000");
	EXPECT("1e3", "1000.0");
	EXPECT("()", "[]");
	EXPECT("(1, 2)", "[1, 2]");
	EXPECT("[1, 2,]", "[1, 2]");
	EXPECT("  a  ", "1");
}

static void
test_compare_logic(void **state)
{
	(void)state;
	EXPECT("1 == 1.0", "true");
	EXPECT("true == 1", "true");
	EXPECT("1 == '1'", "false");
	EXPECT("1 != 2", "true");
	EXPECT("1 < 2 < 3", "true");
	EXPECT("3 > 2 > 2", "false");
	EXPECT("'a' < 'b'", "true");
	EXPECT("'B' < 'a'", "true");
	EXPECT("[1, 2] < [1, 3]", "true");
	EXPECT("none == none", "true");
	EXPECT("d == {'x': 1, 'y': {'z': 'deep'}}", "true");
	EXPECT("1 < 'a'",
	    "ERR: '<' not supported between instances of 'int' and 'str'");
	EXPECT("'b' in 'abc'", "true");
	EXPECT("2 in l", "true");
	EXPECT("5 not in l", "true");
	EXPECT("'x' in d", "true");
	EXPECT("'q' in d", "false");
	EXPECT("1 in 'abc'",
	    "ERR: 'in <string>' requires string as left operand, not int");
	EXPECT("1 in 5", "ERR: argument of type 'int' is not iterable");
	EXPECT("a and b", "2.5");
	EXPECT("0 and b", "0");
	EXPECT("0 or 'x'", "\"x\"");
	EXPECT("none or []", "[]");
	EXPECT("not 0", "true");
	EXPECT("not a == 1", "false");
	EXPECT("not not a", "true");
	EXPECT("t and not f", "true");
	EXPECT("f or nope", "ERR: 'nope' is undefined");
	EXPECT("t or nope", "true");	/* short circuit */
	EXPECT("'y' if a == 1 else 'n'", "\"y\"");
	EXPECT("'y' if f else 'n'", "\"n\"");
	EXPECT("('y' if f) | default('dflt')", "\"dflt\"");
	EXPECT("1 if f else 2 if t else 3", "2");
}

static void
test_access(void **state)
{
	(void)state;
	EXPECT("d.x", "1");
	EXPECT("d['y']['z']", "\"deep\"");
	EXPECT("d.y.z", "\"deep\"");
	EXPECT("d['y'].z", "\"deep\"");
	EXPECT("l[0]", "3");
	EXPECT("l[-1]", "2");
	EXPECT("l.0", "3");
	EXPECT("l[1:3]", "[1, 2]");
	EXPECT("l[:2]", "[3, 1]");
	EXPECT("l[::-1]", "[2, 1, 3]");
	EXPECT("l[-2:]", "[1, 2]");
	EXPECT("l[5:]", "[]");
	EXPECT("s[0:5]", "\"Hello\"");
	EXPECT("s[-5:]", "\"World\"");
	EXPECT("s[::2]", "\"HloWrd\"");
	EXPECT("s[0]", "\"H\"");
	EXPECT("users[0].name", "\"bob\"");
	EXPECT("users[1]['uid']", "1000");
	EXPECT("(users | first).name", "\"bob\"");
	EXPECT("l[1:3][0]", "1");
}

static void
test_undefined(void **state)
{
	(void)state;
	EXPECT("nope", "ERR: 'nope' is undefined");
	EXPECT("d.missing", "ERR: 'dict object' has no attribute 'missing'");
	EXPECT("d.missing.deeper",
	    "ERR: 'dict object' has no attribute 'missing'");
	EXPECT("d['missing']", "ERR: 'dict object' has no attribute 'missing'");
	EXPECT("l[10]", "ERR: list object has no element 10");
	EXPECT("s.nope", "ERR: 'str object' has no attribute 'nope'");
	EXPECT("nope.x", "ERR: 'nope' is undefined");
	EXPECT("nope + 1", "ERR: 'nope' is undefined");
	EXPECT("nope | upper", "ERR: 'nope' is undefined");
	EXPECT("[nope]", "ERR: 'nope' is undefined");
	EXPECT("nope | default(5)", "5");
	EXPECT("nope | d(5)", "5");
	EXPECT("nope | default", "\"\"");
	EXPECT("d.missing | default(1)", "1");
	EXPECT("nope.x.y | default('z')", "\"z\"");
	EXPECT("d.x | default(9)", "1");
	EXPECT("'' | default('e', true)", "\"e\"");
	EXPECT("'' | default('e')", "\"\"");
	EXPECT("none | d('x')", "null");
	EXPECT("none | d('x', boolean=true)", "\"x\"");
	EXPECT("nope is defined", "false");
	EXPECT("nope is undefined", "true");
	EXPECT("nope is not defined", "true");
	EXPECT("d.x is defined", "true");
	EXPECT("d.q is not defined", "true");
	EXPECT("l[10] is defined", "false");
	EXPECT("not nope is defined", "true");
	EXPECT("nope | mandatory",
	    "ERR: mandatory variable not defined: 'nope' is undefined");
	EXPECT("nope | mandatory('set nope please')", "ERR: set nope please");
	EXPECT("a | mandatory", "1");
	EXPECT("empty | first | default('none')", "\"none\"");
	EXPECT("a | default(nope)", "1");
	EXPECT("nope | default(nope2)", "ERR: 'nope2' is undefined");
	EXPECT("nope | default(omit)", "\"" EXPR_OMIT "\"");
}

static void
test_tests(void **state)
{
	(void)state;
	EXPECT("none is none", "true");
	EXPECT("a is none", "false");
	EXPECT("'a' is string", "true");
	EXPECT("'a' is not string", "false");
	EXPECT("1 is number", "true");
	EXPECT("1.5 is number", "true");
	EXPECT("'1' is number", "false");
	EXPECT("1 is integer", "true");
	EXPECT("1.5 is float", "true");
	EXPECT("t is boolean", "true");
	EXPECT("d is mapping", "true");
	EXPECT("l is mapping", "false");
	EXPECT("l is iterable", "true");
	EXPECT("'x' is iterable", "true");
	EXPECT("1 is iterable", "false");
	EXPECT("l is sequence", "true");
	EXPECT("t is sameas true", "true");
	EXPECT("1 is sameas true", "false");
	EXPECT("none is sameas none", "true");
	EXPECT("res_ok is succeeded", "true");
	EXPECT("res_ok is success", "true");
	EXPECT("res_fail is failed", "true");
	EXPECT("res_fail is succeeded", "false");
	EXPECT("res_ch is changed", "true");
	EXPECT("res_ok is changed", "false");
	EXPECT("res_loop is changed", "true");
	EXPECT("res_skip is skipped", "true");
	EXPECT("res_ok is skipped", "false");
	EXPECT("a is failed", "ERR: the 'failed' test expects a dictionary");
	EXPECT("s is match('Hel')", "true");
	EXPECT("s is match('World')", "false");
	EXPECT("s is search('World')", "true");
	EXPECT("s is search('world')", "false");
	EXPECT("s is search('world', ignorecase=true)", "true");
	EXPECT("s is regex('o W')", "true");
	EXPECT("s is match('(')",
	    "ERR: bad regular expression '(': missing closing parenthesis "
	    "at offset 1");
	EXPECT("2 is in l", "true");
	EXPECT("4 is in l", "false");
	EXPECT("l is contains 3", "true");
	EXPECT("10 is divisibleby 5", "true");
	EXPECT("10 is divisibleby(3)", "false");
	EXPECT("3 is odd", "true");
	EXPECT("3 is even", "false");
	EXPECT("3 is eq 3", "true");
	EXPECT("3 is gt 2", "true");
	EXPECT("3 is ge(4)", "false");
	EXPECT("'abc' is lower", "true");
	EXPECT("'1.2.10' is version('1.2.9', '>')", "true");
	EXPECT("'1.2.10' is version('1.2.9', 'lt')", "false");
	EXPECT("'2.0' is version('2.0', 'eq')", "true");
	EXPECT("'2.0' is version_compare('2.0.1', '<')", "true");
	EXPECT("[1] is subset([1, 2])", "true");
	EXPECT("[1, 3] is subset([1, 2])", "false");
	EXPECT("[1, 2] is superset([2])", "true");
	EXPECT("a is frob", "ERR: no test named 'frob'");
	EXPECT("a is ansible.builtin.number", "true");
}

/* ansible-core 2.14's answers for the same tests (ansible-playbook). */
static void
test_ansible_tests(void **state)
{
	static const struct {
		const char	*src;
		const char	*want;
	} cases[] = {
		{ "res_ok is successful", "true" },
		{ "res_fail is successful", "false" },
		{ "res_ok is finished", "true" },
		{ "{'started': 1, 'finished': 0} is finished", "false" },
		{ "{'started': 1, 'finished': 0} is started", "true" },
		{ "res_ok is started", "true" },
		{ "{'unreachable': true} is unreachable", "true" },
		{ "res_ok is reachable", "true" },
		{ "[1, 0] is all", "false" },
		{ "[1, 0] is any", "true" },
		{ "[] is all", "true" },
		{ "'/etc' is abs", "true" },
		{ "'etc' is abs", "false" },
		{ "'/etc' is directory", "true" },
		{ "'/etc/hostname' is file", "true" },
		{ "'/nope' is exists", "false" },
		{ "'/' is mount", "true" },
		{ "'/etc' is mount", "false" },
		{ "true is true", "true" },
		{ "1 is true", "false" },
		{ "0 is false", "false" },
		{ "[1] is issubset([1, 2])", "true" },
		{ "[1, 2] is issuperset([1])", "true" },
		{ "'http://x.org/a' is url", "true" },
		{ "'file:///a' is url", "true" },
		{ "'mailto:a@b' is uri", "true" },
		{ "'x' is uri", "true" },
		{ "'x' is url", "false" },
		{ "'urn:isbn:0451450523' is urn", "true" },
		{ "'http://x' is url(schemes=['https'])", "false" },
		{ "'$ANSIBLE_VAULT;1.1;AES256' is vault_encrypted", "false" },
		{ "'upper' is filter", "true" },
		{ "'nope' is filter", "false" },
		{ "'match' is test", "true" },
		{ "a is callable", "false" },
		{ "(0.0 / 1) is nan", "false" },
		{ "'/etc/hostname' is same_file('/etc/../etc/hostname')",
		    "true" },
		{ "'/etc' is link", "false" },
		{ "5 is finished", "ERR: the 'finished' test expects a "
		    "dictionary" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(cases[i].src, cases[i].want);
}

static void
test_string_filters(void **state)
{
	(void)state;
	EXPECT("s | lower", "\"hello world\"");
	EXPECT("s | upper", "\"HELLO WORLD\"");
	EXPECT("'hello World' | capitalize", "\"Hello world\"");
	EXPECT("'hello big-world' | title", "\"Hello Big-World\"");
	EXPECT("'  x y \\n' | trim", "\"x y\"");
	EXPECT("s | replace('o', '0')", "\"Hell0 W0rld\"");
	EXPECT("s | replace('o', '0', 1)", "\"Hell0 World\"");
	EXPECT("42 | string", "\"42\"");
	EXPECT("l | string", "\"[3, 1, 2]\"");
	EXPECT("t | string", "\"True\"");
	EXPECT("d | string", "\"{'x': 1, 'y': {'z': 'deep'}}\"");
	EXPECT("path | basename", "\"nginx.conf\"");
	EXPECT("path | dirname", "\"/etc/nginx\"");
	EXPECT("'/' | dirname", "\"/\"");
	EXPECT("'file' | dirname", "\"\"");
	EXPECT("'/a/b/' | basename", "\"\"");
	EXPECT("path | splitext", "[\"/etc/nginx/nginx\", \".conf\"]");
	EXPECT("['/etc', 'app', 'x.conf'] | path_join", "\"/etc/app/x.conf\"");
	EXPECT("\"it's\" | quote", "\"'it'\\\\''s'\"");
	EXPECT("'a b' | quote", "\"'a b'\"");
	EXPECT("'hello' | b64encode", "\"aGVsbG8=\"");
	EXPECT("'ab' | b64encode", "\"YWI=\"");
	EXPECT("'abc' | b64encode", "\"YWJj\"");
	EXPECT("'aGVsbG8=' | b64decode", "\"hello\"");
	EXPECT("'YWI=' | b64decode", "\"ab\"");
	EXPECT("'hello' | hash('sha1')",
	    "\"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d\"");
	EXPECT("'hello' | sha1", "\"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d\"");
	/* md5 is a filter now (docs/templating.md); unknown names fail */
	EXPECT("'x' | hash('md5')", "\"9dd4e461268c8034f5c8564e155c67a6\"");
	EXPECT("'x' | hash('nope')", "ERR: unsupported hash type nope");
	/* crypt(3) hashes, the same as Python's crypt.crypt */
	EXPECT("'secret' | password_hash('sha512', 'saltsalt')",
	    "\"$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5kn"
	    "V8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1\"");
	EXPECT("'secret' | password_hash('sha256', 'saltsalt', rounds=1000)",
	    "\"$5$rounds=1000$saltsalt$eKLZU9t9OoPWrqOQsoTIKG0aYkZ5rGOoOQhiIv"
	    "oSWX2\"");
	EXPECT("'x' | password_hash('sha512', 'bad salt')",
	    "ERR: invalid salt 'bad salt': up to 16 of [./0-9A-Za-z]");
	EXPECT("'x' | password_hash('blowfish')",
	    "ERR: unsupported password hash type 'blowfish'");
	EXPECT("('x' | password_hash('sha512'))[:3]", "\"$6$\"");
	/* random: in range, and the same for the same seed */
	EXPECT("(59 | random(seed='web1')) == (59 | random(seed='web1'))",
	    "true");
	EXPECT("(10 | random) < 10", "true");
	EXPECT("(10 | random(start=5, step=5))", "5");
	EXPECT("[7] | random", "7");
	EXPECT("[] | random", "ERR: random of an empty list");
	EXPECT("'%s=%d' | format('a', 3)", "\"a=3\"");
	EXPECT("'{}-{}'.format('a', 1)", "\"a-1\"");
	EXPECT("'{1}{0}{n}'.format('a', 'b', n='c')", "\"bac\"");
	EXPECT("'a\\nb' | indent(2)", "\"a\\n  b\"");
	EXPECT("'a\\nb' | indent(2, true)", "\"  a\\n  b\"");
	EXPECT("'a.b*' | regex_escape", "\"a\\\\.b\\\\*\"");
	EXPECT("'<a>' | e", "\"&lt;a&gt;\"");
}

static void
test_regex_filters(void **state)
{
	(void)state;
	EXPECT("'ansible' | regex_replace('^a.*i(.*)$', 'a\\\\1')",
	    "\"able\"");
	EXPECT("'foo bar' | regex_replace('(?P<w>\\\\w+)', '<\\\\g<w>>')",
	    "\"<foo> <bar>\"");
	EXPECT("'abc' | regex_replace('x*', '-')", "\"-a-b-c-\"");
	EXPECT("'abxd' | regex_replace('x*', '-')", "\"-a-b--d-\"");
	EXPECT("'aaa' | regex_replace('a', 'b', count=2)", "\"bba\"");
	EXPECT("'ABC' | regex_replace('b', 'x', ignorecase=true)", "\"AxC\"");
	EXPECT("'a\\nb' | regex_replace('^', '# ', multiline=true)",
	    "\"# a\\n# b\"");
	EXPECT("'a1b22' | regex_findall('\\\\d+')", "[\"1\", \"22\"]");
	EXPECT("'k=v, a=b' | regex_findall('(\\\\w)=(\\\\w)')",
	    "[[\"k\", \"v\"], [\"a\", \"b\"]]");
	EXPECT("'k=v, a=b' | regex_findall('(\\\\w)=')", "[\"k\", \"a\"]");
	EXPECT("'server42' | regex_search('\\\\d+')", "\"42\"");
	EXPECT("'x' | regex_search('\\\\d')", "null");
	EXPECT("'ab12' | regex_search('(\\\\w)(\\\\d)', '\\\\2')", "[\"1\"]");
	EXPECT("'v=3' | regex_search('v=(?P<n>\\\\d)', '\\\\g<n>')",
	    "[\"3\"]");
}

static void
test_methods(void **state)
{
	(void)state;
	EXPECT("csv.split(',')", "[\"a\", \"b\", \"\", \"c\"]");
	EXPECT("'a b  c '.split()", "[\"a\", \"b\", \"c\"]");
	EXPECT("'a,b,c'.split(',', 1)", "[\"a\", \"b,c\"]");
	EXPECT("'a,b,c'.rsplit(',', 1)", "[\"a,b\", \"c\"]");
	EXPECT("' a b '.rsplit(None, 1)", "[\" a\", \"b\"]");
	EXPECT("csv | split(',') | length", "4");
	EXPECT("s.startswith('Hell')", "true");
	EXPECT("s.startswith('ell')", "false");
	EXPECT("s.endswith(('x', 'ld'))", "true");
	EXPECT("'  x '.strip()", "\"x\"");
	EXPECT("'xxhixx'.strip('x')", "\"hi\"");
	EXPECT("'xxhixx'.lstrip('x')", "\"hixx\"");
	EXPECT("'xxhixx'.rstrip('x')", "\"xxhi\"");
	EXPECT("s.lower()", "\"hello world\"");
	EXPECT("s.upper()", "\"HELLO WORLD\"");
	EXPECT("s.replace('World', 'You')", "\"Hello You\"");
	EXPECT("s.find('o')", "4");
	EXPECT("s.count('o')", "2");
	EXPECT("', '.join(['a', 'b'])", "\"a, b\"");
	EXPECT("'a\\nb\\n'.splitlines()", "[\"a\", \"b\"]");
	EXPECT("'123'.isdigit()", "true");
	EXPECT("d.get('x')", "1");
	EXPECT("d.get('q', 7)", "7");
	EXPECT("d.get('q')", "null");
	EXPECT("d.keys() | list", "[\"x\", \"y\"]");
	EXPECT("d.values() | first", "1");
	EXPECT("d.items() | first", "[\"x\", 1]");
	EXPECT("{'a': 1}.items() | list", "[[\"a\", 1]]");
	EXPECT("l.index(1)", "1");
	EXPECT("l.count(3)", "1");
	EXPECT("app.get('port')", "8080");
	EXPECT("s.frob()", "ERR: 'str object' has no attribute 'frob'");
	EXPECT("a()", "ERR: 'int' object is not callable");
}

static void
test_list_filters(void **state)
{
	(void)state;
	EXPECT("l | join(',')", "\"3,1,2\"");
	EXPECT("l | join", "\"312\"");
	EXPECT("users | join(', ', attribute='name')", "\"bob, alice\"");
	EXPECT("l | length", "3");
	EXPECT("s | length", "11");
	EXPECT("d | count", "2");
	EXPECT("a | length", "ERR: object of type 'int' has no len()");
	EXPECT("l | first", "3");
	EXPECT("l | last", "2");
	EXPECT("'abc' | last", "\"c\"");
	EXPECT("[1, 2, 1, 3, 2] | unique", "[1, 2, 3]");
	EXPECT("l | sort", "[1, 2, 3]");
	EXPECT("l | sort(reverse=true)", "[3, 2, 1]");
	EXPECT("['b', 'C', 'a'] | sort", "[\"a\", \"b\", \"C\"]");
	EXPECT("['b', 'C', 'a'] | sort(case_sensitive=true)",
	    "[\"C\", \"a\", \"b\"]");
	EXPECT("users | sort(attribute='uid') | map(attribute='name') | list",
	    "[\"alice\", \"bob\"]");
	EXPECT("[1, 'a'] | sort",
	    "ERR: cannot sort: values are of different types or miss the "
	    "attribute");
	EXPECT("l | reverse | list", "[2, 1, 3]");
	EXPECT("'abc' | reverse", "\"cba\"");
	EXPECT("'ab' | list", "[\"a\", \"b\"]");
	EXPECT("d | list", "[\"x\", \"y\"]");
	EXPECT("l | min", "1");
	EXPECT("l | max", "3");
	EXPECT("l | sum", "6");
	EXPECT("[1, 2.5] | sum", "3.5");
	EXPECT("users | sum(attribute='uid')", "2001");
	EXPECT("[[1], [2]] | sum(start=[])", "[1, 2]");
	EXPECT("(users | max(attribute='uid')).name", "\"bob\"");
	EXPECT("l | map('string') | list", "[\"3\", \"1\", \"2\"]");
	EXPECT("['a', 'b'] | map('upper') | list", "[\"A\", \"B\"]");
	EXPECT("users | map(attribute='name') | list", "[\"bob\", \"alice\"]");
	EXPECT("users | map(attribute='shell', default='sh') | list",
	    "[\"sh\", \"sh\"]");
	EXPECT("users | map(attribute='name') | map('regex_replace', '^', 'u-')"
	    " | list", "[\"u-bob\", \"u-alice\"]");
	EXPECT("l | select('odd') | list", "[3, 1]");
	EXPECT("[0, 1, '', 'x'] | select | list", "[1, \"x\"]");
	EXPECT("l | reject('in', [1]) | list", "[3, 2]");
	EXPECT("l | select('gt', 1) | list", "[3, 2]");
	EXPECT("users | selectattr('admin') | map(attribute='name') | list",
	    "[\"bob\"]");
	EXPECT("users | selectattr('uid', '>=', 1001) | list | length", "1");
	EXPECT("users | selectattr('name', 'equalto', 'alice') | first",
	    "{\"name\": \"alice\", \"uid\": 1000, \"admin\": false}");
	EXPECT("users | rejectattr('name', 'eq', 'bob') | map(attribute='name')"
	    " | first", "\"alice\"");
	EXPECT("users | selectattr('shell', 'defined') | list", "[]");
	EXPECT("[1, 2] | zip(['a', 'b']) | list", "[[1, \"a\"], [2, \"b\"]]");
	EXPECT("[1, 2, 3] | zip(['a']) | list", "[[1, \"a\"]]");
	EXPECT("nested_list | flatten", "[1, 2, 3, 4, 5]");
	EXPECT("nested_list | flatten(levels=1)", "[1, 2, 3, [4, 5]]");
	EXPECT("[1, none, [2]] | flatten", "[1, 2]");
	EXPECT("[1, 2] | union([2, 3])", "[1, 2, 3]");
	EXPECT("[1, 2] | intersect([2, 3])", "[2]");
	EXPECT("[1, 2] | difference([2, 3])", "[1]");
	EXPECT("[1, 2] | symmetric_difference([2, 3])", "[1, 3]");
	EXPECT("['x'] | map('extract', d) | list", "[1]");
	EXPECT("[0] | map('extract', users, 'name') | list", "[\"bob\"]");
	EXPECT("range(3) | list", "[0, 1, 2]");
	EXPECT("range(1, 10, 3) | list", "[1, 4, 7]");
	EXPECT("range(5, 0, -2) | list", "[5, 3, 1]");
	EXPECT("range(0)", "[]");
}

static void
test_dict_filters(void **state)
{
	(void)state;
	EXPECT("{'a': 1} | dict2items", "[{\"key\": \"a\", \"value\": 1}]");
	EXPECT("{'a': 1} | dict2items(key_name='k', value_name='v')",
	    "[{\"k\": \"a\", \"v\": 1}]");
	EXPECT("[{'key': 'a', 'value': 1}] | items2dict", "{\"a\": 1}");
	EXPECT("[{'n': 'a', 'v': 1}] | items2dict(key_name='n', value_name='v')",
	    "{\"a\": 1}");
	EXPECT("{'a': 1, 'b': {'c': 1}} | combine({'b': {'d': 2}})",
	    "{\"a\": 1, \"b\": {\"d\": 2}}");
	EXPECT("{'a': 1, 'b': {'c': 1}} | combine({'b': {'d': 2}}, "
	    "recursive=true)", "{\"a\": 1, \"b\": {\"c\": 1, \"d\": 2}}");
	EXPECT("{'a': 1} | combine({'b': 2}, {'a': 3})",
	    "{\"a\": 3, \"b\": 2}");
	EXPECT("{'a': [1]} | combine({'a': [2]}, list_merge='append')",
	    "{\"a\": [1, 2]}");
	EXPECT("{'a': [1]} | combine({'a': [2]}, list_merge='prepend')",
	    "{\"a\": [2, 1]}");
	EXPECT("{'a': [1]} | combine({'a': [2]}, list_merge='keep')",
	    "{\"a\": [1]}");
	EXPECT("{'b': 1, 'a': 2} | dictsort", "[[\"a\", 2], [\"b\", 1]]");
	EXPECT("{'a': 1} | items | list", "[[\"a\", 1]]");
	EXPECT("dict(a=1, b='x')", "{\"a\": 1, \"b\": \"x\"}");
	EXPECT("dict([['a', 1]])", "{\"a\": 1}");
	EXPECT("dict(l | zip(['x', 'y', 'z']))",
	    "{\"3\": \"x\", \"1\": \"y\", \"2\": \"z\"}");
}

static void
test_conversion_filters(void **state)
{
	(void)state;
	EXPECT("'42' | int", "42");
	EXPECT("numstr | int + 1", "43");
	EXPECT("' 7 ' | int", "7");
	EXPECT("'4.7' | int", "4");
	EXPECT("'x' | int", "0");
	EXPECT("'x' | int(7)", "7");
	EXPECT("'0x1F' | int(base=16)", "31");
	EXPECT("3.9 | int", "3");
	EXPECT("t | int", "1");
	EXPECT("'1.5' | float", "1.5");
	EXPECT("3 | float", "3.0");
	EXPECT("'x' | float", "0.0");
	EXPECT("'yes' | bool", "true");
	EXPECT("'True' | bool", "true");
	EXPECT("'off' | bool", "false");
	EXPECT("1 | bool", "true");
	EXPECT("'foo' | bool", "false");
	EXPECT("none | bool", "false");
	EXPECT("-3 | abs", "3");
	EXPECT("-2.5 | abs", "2.5");
	EXPECT("3.14159 | round(2)", "3.14");
	EXPECT("2.5 | round", "3.0");
	EXPECT("2.1 | round(method='ceil')", "3.0");
	EXPECT("2.9 | round(0, 'floor')", "2.0");
	EXPECT("t | ternary('y', 'n')", "\"y\"");
	EXPECT("f | ternary('y', 'n')", "\"n\"");
	EXPECT("none | ternary('y', 'n', 'z')", "\"z\"");
	EXPECT("d | type_debug", "\"dict\"");
	EXPECT("1 | type_debug", "\"int\"");
	EXPECT("'x' | type_debug", "\"str\"");
	EXPECT("none | type_debug", "\"NoneType\"");
	EXPECT("a | frob", "ERR: no filter named 'frob'");
	EXPECT("s | ansible.builtin.lower", "\"hello world\"");
}

static void
test_json_yaml(void **state)
{
	(void)state;
	EXPECT("d | to_json", "\"{\\\"x\\\": 1, \\\"y\\\": {\\\"z\\\": "
	    "\\\"deep\\\"}}\"");
	EXPECT_T("{{ {'b': 1, 'a': [1, 2]} | to_nice_json }}",
	    "{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": 1\n}");
	EXPECT("'{\"a\": [1, 2]}' | from_json", "{\"a\": [1, 2]}");
	EXPECT("'{' | from_json | length", "ERR: from_json: "
	    "invalid JSON at offset 1: expected a string key");
	EXPECT_T("{{ {'b': 1, 'a': [1, 2]} | to_yaml }}", "a: [1, 2]\nb: 1\n");
	EXPECT_T("{{ {'a': 1} | to_yaml }}", "{a: 1}\n");
	EXPECT_T("{{ {'a': {'b': {'c': 'x y'}}} | to_yaml }}",
	    "a:\n  b: {c: x y}\n");
	EXPECT_T("{{ {'b': 1, 'a': [1, 2]} | to_nice_yaml }}",
	    "a:\n- 1\n- 2\nb: 1\n");
	EXPECT_T("{{ users | to_nice_yaml }}",
	    "-   admin: true\n    name: bob\n    uid: 1001\n"
	    "-   admin: false\n    name: alice\n    uid: 1000\n");
	EXPECT_T("{{ {'a': {'b': 'yes', 'c': '', 'd': 'x: y', 'e': '12'}} "
	    "| to_nice_yaml(indent=2) }}",
	    "a:\n  b: 'yes'\n  c: ''\n  d: 'x: y'\n  e: '12'\n");
	EXPECT_T("{{ 'abc' | to_yaml }}", "abc\n...\n");
	EXPECT("'a: 1\\nb: [x]' | from_yaml", "{\"a\": 1, \"b\": [\"x\"]}");
}

static void
test_lookup(void **state)
{
	(void)state;
	setenv("CAIRN_TEST_ENV", "v1", 1);
	EXPECT("lookup('env', 'CAIRN_TEST_ENV')", "\"v1\"");
	EXPECT("lookup('env', 'CAIRN_TEST_NOPE_X')", "\"\"");
	EXPECT("lookup('env', 'CAIRN_TEST_NOPE_X', default='d')", "\"d\"");
	EXPECT("lookup('env', 'CAIRN_TEST_ENV', 'CAIRN_TEST_ENV')",
	    "\"v1,v1\"");
	EXPECT("query('env', 'CAIRN_TEST_ENV')", "[\"v1\"]");
	EXPECT("lookup('vars', 'a')", "1");
	EXPECT("lookup('frob', 'x')", "ERR: lookup plugin 'frob' not found");
	EXPECT("lookup('file', '/nonexistent/cairn')",
	    "ERR: could not read file '/nonexistent/cairn': No such file or "
	    "directory");
}

static void
test_templates(void **state)
{
	(void)state;
	EXPECT_T("plain text", "plain text");
	EXPECT_T("Hello {{ s }}!", "Hello Hello World!");
	EXPECT_T("{{ l }}", "JSON:[3, 1, 2]");
	EXPECT_T("{{ a }}", "JSON:1");
	EXPECT_T("{{ none }}", "JSON:null");
	EXPECT_T("{{ d }}", "JSON:{\"x\": 1, \"y\": {\"z\": \"deep\"}}");
	EXPECT_T(" {{ a }}", " 1");
	EXPECT_T("{{ a }}{{ a }}", "11");
	EXPECT_T("{{ l }}x", "[3, 1, 2]x");
	EXPECT_T("v={{ d }}", "v={'x': 1, 'y': {'z': 'deep'}}");
	EXPECT_T("{{ t }} {{ none }} {{ f }}", "True None False");
	EXPECT_T("{{ 2.0 }}-{{ 100.0 }}-{{ 0.1 }}-{{ 1e20 }}-{{ 1.5e-7 }}",
	    "2.0-100.0-0.1-1e+20-1.5e-07");
	EXPECT_T("{{ ['a', \"it's\"] }}!", "['a', \"it's\"]!");
	EXPECT_T("{{ '{{' }}", "{{");
	EXPECT_T("{{ {'a': {'b': 1}} }}", "JSON:{\"a\": {\"b\": 1}}");
	EXPECT_T("{{ {'a': 1}['a'] }}", "JSON:1");
}

static void
test_blocks(void **state)
{
	(void)state;
	EXPECT_T("{% if a == 1 %}one{% elif a == 2 %}two{% else %}other"
	    "{% endif %}", "one");
	EXPECT_T("{% if f %}x{% elif t %}y{% endif %}", "y");
	EXPECT_T("{% if f %}x{% elif f %}y{% else %}z{% endif %}", "z");
	EXPECT_T("{% if f %}x{% endif %}", "");
	EXPECT_T("{% if nope is defined %}x{% else %}u{% endif %}", "u");
	EXPECT_T("{% if nope %}x{% endif %}", "ERR: 'nope' is undefined");
	EXPECT_T("{% for x in l %}{{ loop.index }}:{{ x }}"
	    "{% if not loop.last %},{% endif %}{% endfor %}", "1:3,2:1,3:2");
	EXPECT_T("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
	    "x=1;y={'z': 'deep'};");
	EXPECT_T("{% for x in empty %}x{% else %}none{% endfor %}", "none");
	EXPECT_T("{% for x in l if x > 1 %}{{ x }}{{ loop.length }}"
	    "{% endfor %}", "3222");
	EXPECT_T("{% for k in d %}{{ k }}{% endfor %}", "xy");
	EXPECT_T("{% for x in [1, 2, 3] %}{{ loop.revindex }}{{ loop.index0 }}"
	    "{% endfor %}", "302112");
	EXPECT_T("{% for x in [1, 2, 3] %}{% if loop.first %}F{% endif %}"
	    "{{ loop.previtem | default('-') }}{% endfor %}", "F-12");
	EXPECT_T("{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}"
	    "{{ loop.index }} {% endfor %}{% endfor %}{{ a }}",
	    "1x1 1y2 2x1 2y2 1");
	EXPECT_T("{% for u in users %}{{ u.name }}{% endfor %}", "bobalice");
	EXPECT_T("{% for x in 5 %}{% endfor %}",
	    "ERR: 'int' object is not iterable");
	EXPECT_T("{% set x = a + 1 %}{{ x }}", "2");
	EXPECT_T("{% set c = 0 %}{% for i in l %}{% set c = c + i %}"
	    "{% endfor %}{{ c }}", "0");
	EXPECT_T("{% set p, q = 1, 2 %}{{ p }}{{ q }}", "12");
	EXPECT_T("{% set blk %}a{{ a }}{% endset %}[{{ blk }}]", "[a1]");
	EXPECT_T("{% set a = 5 %}{{ a }}", "5");
	EXPECT_T("a{# note #}b", "ab");
	EXPECT_T("{% raw %}{{ not }}{% endraw %}", "{{ not }}");
	EXPECT_T("{% for u in users %}\n{{ u.name }}:{{ u.uid }}\n"
	    "{% endfor %}\n", "bob:1001\nalice:1000\n");
}

static void
test_whitespace(void **state)
{
	(void)state;
	EXPECT_T("a  {%- if t %}  x  {%- endif -%}  b", "a  xb");
	EXPECT_T("{% if t %}\nyes\n{% endif %}\nafter", "yes\nafter");
	EXPECT_T("x {{- a -}} y", "x1y");
	EXPECT_T("x {{ a }} y", "x 1 y");
	EXPECT_T("a\n{# c #}\nb", "a\nb");
	/* the templar puts back the source's trailing newline (2.14) */
	EXPECT_T("a\n  {%- for x in [1, 2] %}\n  {{ x }}\n  {%- endfor %}\n",
	    "a  1  2\n");
	EXPECT_T("{% if t -%}\n   y\n{%- endif %}", "y");
	EXPECT_T("line\n", "line\n");
}

/* A template file rendered as the template module does, or "ERR: ...". */
static char *
F(const char *tmpl, int trim, int lstrip, const char *vs, const char *ve)
{
	struct template_opts	 o;
	struct buf		 b = BUF_INIT;
	char			*out = NULL, *cause = NULL;

	template_opts_init(&o);
	o.trim_blocks = trim;
	o.lstrip_blocks = lstrip;
	if (vs != NULL) {
		o.variable_start = vs;
		o.variable_end = ve;
	}
	if (template_render_file(tmpl, &o, NULL, &scope, &out, &cause) != 0) {
		buf_addf(&b, "ERR: %s", cause);
		free(cause);
		return buf_detach(&b, NULL);
	}
	return out;
}

#define EXPECT_F(src, trim, lstrip, want) do {				\
	char *got_ = F(src, trim, lstrip, NULL, NULL);			\
	if (strcmp(got_, want) != 0)					\
		fail_msg("%s\n  got  '%s'\n  want '%s'", src, got_, want); \
	free(got_);							\
} while (0)

/* Expected values are Jinja2 3.x / ansible-core 2.14 output. */
static void
test_template_options(void **state)
{
	char	*got;

	(void)state;
	/* trim_blocks and lstrip_blocks, both ways */
	EXPECT_F("{% if t %}\n  x\n{% endif %}\n", 1, 0, "  x\n");
	EXPECT_F("{% if t %}\n  x\n{% endif %}\n", 0, 0, "\n  x\n");
	EXPECT_F("  {% if t %}\n  x\n  {% endif %}\n", 1, 1, "  x\n");
	EXPECT_F("  {% if t %}\n  x\n  {% endif %}\n", 1, 0, "    x\n  \n");
	EXPECT_F("a  {% if t %}b{% endif %}\n", 1, 1, "a  b\n");
	EXPECT_F("  {%+ if t %}x{% endif %}\n", 1, 1, "  x\n");
	EXPECT_F("{% if t +%}\nx{% endif %}\n", 1, 0, "\nx\n");
	EXPECT_F("  {# c #}\nx\n", 1, 1, "x\n");
	/* the source's trailing newlines are kept, as the templar does */
	EXPECT_F("a{% if t %}b{% endif %}\n", 1, 0, "ab\n");
	EXPECT_F("{{ a }}\n\n\n", 1, 0, "1\n\n\n");
	EXPECT_F("x", 1, 0, "x");
	EXPECT_F("x\r\ny\r\n", 1, 0, "x\ny\n");
	/* "#jinja2:" overrides the options and is not written */
	EXPECT_F("#jinja2: trim_blocks: False\n{% if t %}\nx{% endif %}", 1, 0,
	    "\nx");
	EXPECT_F("#jinja2:lstrip_blocks:True, trim_blocks:True\n"
	    "  {% if t %}\nx\n  {% endif %}\n", 1, 0, "x\n");
	EXPECT_F("#jinja2:variable_start_string:'[[', variable_end_string:']]'\n"
	    "[[ a ]] {{ a }}\n", 1, 0, "1 {{ a }}\n");
	EXPECT_F("#jinja2: trim_blocks False\nx", 1, 0,
	    "ERR: failed to parse jinja2 override 'trim_blocks False'. Did "
	    "you use something different from colon as key-value separator?");
	EXPECT_F("#jinja2: frob: True\nx", 1, 0,
	    "ERR: unknown jinja2 override 'frob'");
	/* other delimiters */
	got = F("<< a >> {{ a }} <<- a ->> .", 1, 0, "<<", ">>");
	assert_string_equal(got, "1 {{ a }}1.");
	free(got);
	{
		struct template_opts	 o;
		char			*out = NULL, *cause = NULL;

		template_opts_init(&o);
		o.block_start = "<%";
		o.block_end = "%>";
		o.comment_start = "<#";
		o.comment_end = "#>";
		assert_int_equal(template_render_file("<% if t %>y<% endif %>"
		    "<# c #>{% x %}{# k #}<% raw %><< a >><% endraw %>", &o,
		    NULL, &scope, &out, &cause), 0);
		assert_string_equal(out, "y{% x %}{# k #}<< a >>");
		free(out);
	}
	/* a non-breaking space inside a tag is whitespace, as in Jinja2 */
	EXPECT_T("{{\xc2\xa0" "a\xc2\xa0}}", "JSON:1");
	EXPECT_T("[{{ a |\xc2\xa0" "string }}]", "[1]");
	/* the template module's variables */
	{
		struct value	*tv = template_file_vars("t.j2", "/etc/hostname",
				    "/tmp/out");
		struct value	*v = value_dict_get(tv, "ansible_managed");

		assert_non_null(v);
		assert_string_equal(v->u.str.s, "Ansible managed");
		assert_string_equal(value_dict_get(tv, "template_path")->u.str.s,
		    "t.j2");
		assert_string_equal(value_dict_get(tv,
		    "template_fullpath")->u.str.s, "/etc/hostname");
		assert_string_equal(value_dict_get(tv,
		    "template_destpath")->u.str.s, "/tmp/out");
		assert_non_null(value_dict_get(tv, "template_uid"));
		assert_non_null(value_dict_get(tv, "template_host"));
		assert_non_null(value_dict_get(tv, "template_run_date"));
		value_unref(tv);
	}
}

static void
test_lazy(void **state)
{
	(void)state;
	EXPECT_T("{{ lazy }}", "JSON:11");
	EXPECT("lazy + 1", "12");
	EXPECT_T("{{ lazy2 }}", "x-11");
	EXPECT("app.port", "8080");
	EXPECT("app", "{\"port\": 8080, \"name\": \"web\"}");
	EXPECT("app | dict2items | first",
	    "{\"key\": \"port\", \"value\": 8080}");
	EXPECT("loop1", "ERR: recursive loop detected in template 'loop1'");
	EXPECT("cyc_a", "ERR: recursive loop detected in template 'cyc_a'");
	EXPECT("selfref.x",
	    "ERR: recursive loop detected in template 'selfref'");
	EXPECT("loop1 | default(1)",
	    "ERR: recursive loop detected in template 'loop1'");
}

static void
test_template_value(void **state)
{
	struct value	*v, *out, *plain;
	char		*cause = NULL;
	struct buf	 b = BUF_INIT;
	const char	*src = "{\"k\": \"{{ a }}\", \"plain\": \"text\","
			    " \"l\": [\"{{ a + 1 }}\", 5], \"{{ s }}\": 1}";

	(void)state;
	v = value_from_json(src, strlen(src), &cause);
	assert_non_null(v);
	assert_int_equal(template_value(v, &scope, &out, &cause), 0);
	value_to_json(&b, out, 0);
	assert_string_equal(b.s, "{\"k\": 1, \"plain\": \"text\", "
	    "\"l\": [2, 5], \"Hello World\": 1}");
	buf_release(&b);
	/* untemplated strings are shared, not copied */
	plain = value_dict_get(v, "plain");
	assert_ptr_equal(value_dict_get(out, "plain"), plain);
	value_unref(out);
	value_unref(v);

	/* nothing to render: the same value comes back */
	src = "[1, \"x\", {\"a\": \"b\"}]";
	v = value_from_json(src, strlen(src), &cause);
	assert_non_null(v);
	assert_int_equal(template_value(v, &scope, &out, &cause), 0);
	assert_ptr_equal(out, v);
	value_unref(out);
	value_unref(v);

	/* !unsafe strings are never templated */
	v = value_str("{{ a }}");
	v->flags |= VALUE_UNSAFE;
	assert_int_equal(template_value(v, &scope, &out, &cause), 0);
	assert_ptr_equal(out, v);
	value_unref(out);
	value_unref(v);

	/* errors come back through cause */
	v = value_str("{{ nope }}");
	assert_int_equal(template_value(v, &scope, &out, &cause), -1);
	assert_string_equal(cause, "'nope' is undefined");
	free(cause);
	value_unref(v);
}

static void
check_err(int (*fn)(const char *, char **), const char *src, const char *want)
{
	char	*cause = NULL;

	if (fn(src, &cause) != -1)
		fail_msg("%s: no error, want %s", src, want);
	if (strcmp(cause, want) != 0)
		fail_msg("%s\n  got  %s\n  want %s", src, cause, want);
	free(cause);
}

static void
test_syntax_errors(void **state)
{
	char	*cause = NULL;

	(void)state;
	check_err(expr_check, "a | }", "unexpected '}' at column 5 in 'a | }'");
	check_err(expr_check, "a +",
	    "unexpected end of expression at column 4 in 'a +'");
	check_err(expr_check, "'abc", "unterminated string at column 1 in "
	    "''abc'");
	check_err(expr_check, "a $ b",
	    "unexpected character '$' at column 3 in 'a $ b'");
	check_err(expr_check, "(1",
	    "unexpected end of expression at column 3 in '(1'");
	check_err(expr_check, "a b", "unexpected 'b' at column 3 in 'a b'");
	check_err(expr_check, "f(a=1, 2)", "positional argument after keyword "
	    "argument at column 8 in 'f(a=1, 2)'");
	check_err(expr_check, "[1, 2", "unexpected end of expression at "
	    "column 6 in '[1, 2'");
	check_err(template_check, "{{ a | }}",
	    "unexpected '}}' at column 8 in '{{ a | }}'");
	check_err(template_check, "{% if a %}x",
	    "unexpected end of template, expected 'endif' at column 12 in "
	    "'{% if a %}x'");
	check_err(template_check, "{% endif %}",
	    "unexpected tag 'endif' at column 4 in '{% endif %}'");
	check_err(template_check, "{% frob %}",
	    "unknown tag 'frob' at column 4 in '{% frob %}'");
	check_err(template_check, "{{ a ",
	    "unexpected end of template, expected '}}' at column 6 in "
	    "'{{ a '");
	check_err(template_check, "{# x", "unterminated comment at column 1 "
	    "in '{# x'");
	check_err(template_check, "line1\n{{ a + }}",
	    "unexpected '}}' at line 2 column 8");
	check_err(template_check, "{% for x l %}{% endfor %}",
	    "unexpected 'l' at column 10 in '{% for x l %}{% endfor %}'");
	check_err(template_check, "{% raw %}x",
	    "missing '{% endraw %}' at column 1 in '{% raw %}x'");
	assert_int_equal(expr_check("a.b | default(c) is defined", &cause), 0);
	assert_int_equal(template_check("{% for x in y %}{{ x }}{% endfor %}",
	    &cause), 0);
	assert_null(cause);
}

static void
test_eval_bool(void **state)
{
	char	*cause = NULL;
	int	 b = -1;

	(void)state;
	assert_int_equal(expr_eval_bool("a == 1", &scope, &b, &cause), 0);
	assert_int_equal(b, 1);
	assert_int_equal(expr_eval_bool("empty", &scope, &b, &cause), 0);
	assert_int_equal(b, 0);
	assert_int_equal(expr_eval_bool("res_ok is succeeded and l | length "
	    "> 2", &scope, &b, &cause), 0);
	assert_int_equal(b, 1);
	assert_int_equal(expr_eval_bool("'{{ f }}'", &scope, &b, &cause), 0);
	assert_int_equal(expr_eval_bool("{{ f }}", &scope, &b, &cause), 0);
	assert_int_equal(b, 0);
	assert_int_equal(expr_eval_bool("d.missing", &scope, &b, &cause), -1);
	assert_string_equal(cause, "'dict object' has no attribute 'missing'");
	free(cause);
}

static int
double_filter(void *ud, struct value *in, struct value *const *args,
    size_t nargs, struct value *kwargs, struct value **out, char **cause)
{
	struct value	*by;
	long long	 k = 2;

	assert_ptr_equal(ud, &vars);
	if (nargs > 0 && args[0]->type == V_INT)
		k = args[0]->u.i;
	if ((by = value_dict_get(kwargs, "by")) != NULL)
		k = by->u.i;
	if (in->type != V_INT) {
		*cause = xstrdup("double wants an int");
		return -1;
	}
	*out = value_int(in->u.i * k);
	return 0;
}

static void
test_register_filter(void **state)
{
	(void)state;
	EXPECT("a | double", "ERR: no filter named 'double'");
	assert_false(expr_filter_exists("double"));
	expr_filter_register("double", double_filter, &vars);
	assert_true(expr_filter_exists("double"));
	assert_true(expr_filter_exists("ansible.builtin.to_json"));
	EXPECT("21 | double", "42");
	EXPECT("2 | double(5)", "10");
	EXPECT("2 | double(by=3)", "6");
	EXPECT("'x' | double", "ERR: double wants an int");
	EXPECT("nope | double", "ERR: 'nope' is undefined");
}

/*
 * Hostile nesting is an error with its place, never a stack overflow.
 * Sizes a few times the limits (an ASan build makes huge ones slow).
 */
static void
test_nesting_limits(void **state)
{
	struct buf	 b = BUF_INIT;
	char		*got;
	int		 i;

	(void)state;
	/* Deep but reasonable nesting still works. */
	for (i = 0; i < 50; i++)
		buf_addc(&b, '(');
	buf_adds(&b, "1");
	for (i = 0; i < 50; i++)
		buf_addc(&b, ')');
	EXPECT(buf_cstr(&b), "1");
	buf_reset(&b);
	for (i = 0; i < 2000; i++)
		buf_addc(&b, '(');
	buf_adds(&b, "1");
	for (i = 0; i < 2000; i++)
		buf_addc(&b, ')');
	got = J(buf_cstr(&b));
	assert_non_null(strstr(got, "expression nested too deeply"));
	free(got);
	buf_reset(&b);
	for (i = 0; i < 2000; i++)
		buf_addc(&b, '[');
	for (i = 0; i < 2000; i++)
		buf_addc(&b, ']');
	got = J(buf_cstr(&b));
	assert_non_null(strstr(got, "nested too deeply"));
	free(got);
	buf_reset(&b);
	for (i = 0; i < 5000; i++)
		buf_adds(&b, "not ");
	buf_adds(&b, "1");
	got = J(buf_cstr(&b));
	assert_non_null(strstr(got, "nested too deeply"));
	free(got);
	/* Long chains: a tree too deep to walk is refused as well. */
	buf_reset(&b);
	buf_adds(&b, "1");
	for (i = 0; i < 5000; i++)
		buf_adds(&b, " | string");
	got = J(buf_cstr(&b));
	assert_non_null(strstr(got, "expression too deep"));
	free(got);
	buf_reset(&b);
	buf_adds(&b, "a");
	for (i = 0; i < 5000; i++)
		buf_adds(&b, ".b");
	got = J(buf_cstr(&b));
	assert_non_null(strstr(got, "expression too deep"));
	free(got);
	buf_reset(&b);
	buf_adds(&b, "1");
	for (i = 0; i < 5000; i++)
		buf_adds(&b, " + 1");
	got = J(buf_cstr(&b));
	assert_non_null(strstr(got, "expression too deep"));
	free(got);
	/* A chain under the limit is fine. */
	buf_reset(&b);
	buf_adds(&b, "1");
	for (i = 0; i < 500; i++)
		buf_adds(&b, " + 1");
	EXPECT(buf_cstr(&b), "501");
	/* Templates: nested blocks. */
	buf_reset(&b);
	for (i = 0; i < 2000; i++)
		buf_adds(&b, "{% if true %}");
	buf_adds(&b, "x");
	for (i = 0; i < 2000; i++)
		buf_adds(&b, "{% endif %}");
	got = T(buf_cstr(&b));
	assert_non_null(strstr(got, "blocks nested too deeply"));
	free(got);
	buf_reset(&b);
	for (i = 0; i < 100; i++)
		buf_adds(&b, "{% if true %}");
	buf_adds(&b, "x");
	for (i = 0; i < 100; i++)
		buf_adds(&b, "{% endif %}");
	EXPECT_T(buf_cstr(&b), "x");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_nesting_limits),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_compare_logic),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_undefined),
		cmocka_unit_test(test_tests),
		cmocka_unit_test(test_ansible_tests),
		cmocka_unit_test(test_template_options),
		cmocka_unit_test(test_string_filters),
		cmocka_unit_test(test_regex_filters),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_dict_filters),
		cmocka_unit_test(test_conversion_filters),
		cmocka_unit_test(test_json_yaml),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_lazy),
		cmocka_unit_test(test_template_value),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_eval_bool),
		cmocka_unit_test(test_register_filter),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
