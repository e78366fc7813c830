/* Unit tests for engine/lookup.c: lookup()/query() and each plugin. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expr.h"

static struct value	*vars;
static char		 dir[] = "/tmp/cairn-test-lookup-XXXXXX";

static struct value *
lookup(void *ud, const char *name)
{
	(void)ud;
	return value_ref(value_dict_get(vars, name));
}

static struct value *
names(void *ud)
{
	struct value	*l = value_list();

	(void)ud;
	for (size_t i = 0; i < vars->u.dict.n; i++)
		value_list_append(l, value_str(vars->u.dict.keys[i]));
	return l;
}

static const struct expr_scope scope = { lookup, NULL, names };

static void
put(const char *rel, const char *text)
{
	char	*p = NULL;
	FILE	*f;

	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		abort();
	if ((f = fopen(p, "w")) == NULL)
		abort();
	fputs(text, f);
	fclose(f);
	free(p);
}

static int
setup(void **state)
{
	char	*cause = NULL, *json = NULL, *p = NULL;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	if (asprintf(&p, "%s/files", dir) < 0 || mkdir(p, 0755) != 0)
		return -1;
	free(p);
	if (asprintf(&p, "%s/templates", dir) < 0 || mkdir(p, 0755) != 0)
		return -1;
	free(p);
	if (asprintf(&p, "%s/role", dir) < 0 || mkdir(p, 0755) != 0)
		return -1;
	free(p);
	if (asprintf(&p, "%s/role/vars", dir) < 0 || mkdir(p, 0755) != 0)
		return -1;
	free(p);
	put("files/motd", "hello {{ x }}\n\n");
	put("files/a.conf", "a");
	put("files/b.conf", "b");
	put("role/vars/Debian.yml", "x: 1\n");
	put("templates/t.j2", "x={{ x }}\n");
	put("files/app.ini", "top=1\n[global]\nuser = bob\nUpper=u\n"
	    "[db]\nhost: db1\nport=5432\npw_1=a\npw_2=b\n");
	put("files/app.properties", "name=cairn\nKey=v\n");
	put("files/users.csv", "bob\t1001\t/home/bob\nalice\t1000\t/home/al\n");
	put("files/c.csv", "k1,v1,w1\nk2,v2,w2\n");
	if (asprintf(&json, "{\"x\": 42, \"xs\": [1, 2], \"xa\": \"{{ x }}\","
	    "\"playbook_dir\": \"%s\", \"users\": [{\"name\": \"a\", "
	    "\"keys\": [\"k1\", \"k2\"]}, {\"name\": \"b\", \"keys\": "
	    "[\"k3\"]}]}", dir) < 0)
		return -1;
	vars = value_from_json(json, strlen(json), &cause);
	free(json);
	return vars == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	*cmd = NULL;

	(void)state;
	value_unref(vars);
	if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0 && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	return 0;
}

/* The result as JSON, or "ERR: cause"; paths under the test dir as "D". */
static char *
J(const char *src)
{
	struct value	*v;
	struct buf	 b = BUF_INIT, o = BUF_INIT;
	char		*cause = NULL, *s, *real = realpath(dir, NULL);
	const char	*p, *q;

	if (expr_eval(src, &scope, &v, &cause) != 0) {
		buf_addf(&b, "ERR: %s", cause);
		free(cause);
	} else {
		value_to_json(&b, v, 0);
		value_unref(v);
	}
	s = buf_detach(&b, NULL);
	for (p = s; (q = strstr(p, real)) != NULL; p = q + strlen(real)) {
		buf_add(&o, p, (size_t)(q - p));
		buf_addc(&o, 'D');
	}
	buf_adds(&o, p);
	free(s);
	free(real);
	return buf_detach(&o, NULL);
}

#define EXPECT(src, want) do {						\
	char *got_ = J(src);						\
	if (strcmp(got_, want) != 0)					\
		fail_msg("%s\n  got  %s\n  want %s", src, got_, want);	\
	free(got_);							\
} while (0)

struct lcase {
	const char	*src;
	const char	*want;
};

static void
run_cases(const struct lcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		EXPECT(c[i].src, c[i].want);
}

/* Expected values are ansible-core 2.14's output for the same calls. */
static void
test_lists(void **state)
{
	static const struct lcase cases[] = {
		{ "lookup('items', [1, 2])", "[1, 2]" },
		{ "q('items', [1, [2, 3]])", "[1, [2, 3]]" },
		{ "q('list', [1, 2])", "[[1, 2]]" },
		{ "lookup('list', [1, 2])", "[1, 2]" },
		{ "q('list', 1, 2)", "[1, 2]" },
		{ "lookup('items', 'a', 'b')", "\"a,b\"" },
		{ "lookup('vars', 'xs')", "[1, 2]" },
		{ "q('vars', 'xs')", "[[1, 2]]" },
		{ "lookup('vars', 'xa')", "42" },
		{ "lookup('vars', 'nope', default=7)", "7" },
		{ "lookup('vars', 'nope')",
		    "ERR: no variable found with this name: nope" },
		{ "lookup('sequence', 'count=3')", "\"1,2,3\"" },
		{ "q('sequence', 'start=1 end=3', 'count=2')",
		    "[\"1\", \"2\", \"3\", \"1\", \"2\"]" },
		{ "q('nested', [1, 2], ['a', 'b'])",
		    "[[1, \"a\"], [1, \"b\"], [2, \"a\"], [2, \"b\"]]" },
		{ "q('together', [1, 2], ['a'])", "[[1, \"a\"], [2, null]]" },
		{ "q('indexed_items', ['a', 'b'])",
		    "[[0, \"a\"], [1, \"b\"]]" },
		{ "lookup('indexed_items', ['a'])", "[0, \"a\"]" },
		{ "q('dict', {'k': 1})", "[{\"key\": \"k\", \"value\": 1}]" },
		{ "q('subelements', users, 'keys') | map('last') | list",
		    "[\"k1\", \"k2\", \"k3\"]" },
		{ "lookup('random_choice', 'a')", "\"a\"" },
		{ "lookup('random_choice', 'a', 'b') in ['a', 'b']", "true" },
		{ "lookup('varnames', '^x')", "\"x,xs,xa\"" },
		{ "q('varnames', '^u', '^xs')", "[\"users\", \"xs\"]" },
		{ "lookup('ansible.builtin.items', 'a')", "\"a\"" },
	};

	(void)state;
	run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void
test_files(void **state)
{
	static const struct lcase cases[] = {
		{ "lookup('file', 'motd')", "\"hello {{ x }}\"" },
		{ "lookup('file', 'files/motd', rstrip=false)",
		    "\"hello {{ x }}\\n\\n\"" },
		{ "lookup('file', 'a.conf', 'b.conf')", "\"a,b\"" },
		{ "lookup('file', 'nope', errors='ignore')", "null" },
		{ "q('file', 'nope', errors='warn')", "[]" },
		{ "lookup('fileglob', '*.conf')",
		    "\"D/files/a.conf,D/files/b.conf\"" },
		{ "q('fileglob', '*.nope')", "[]" },
		{ "lookup('first_found', ['nope', 'a.conf'])",
		    "\"D/files/a.conf\"" },
		{ "lookup('first_found', 'nope', skip=true)", "[]" },
		{ "lookup('first_found', 'nope')",
		    "ERR: No file was found when using first_found." },
		{ "lookup('first_found', {'files': ['Ubuntu.yml', "
		    "'Debian.yml'], 'paths': ['role/vars']})",
		    "\"D/role/vars/Debian.yml\"" },
		{ "lookup('first_found', files='x.yml,Debian.yml', "
		    "paths='role/vars')", "\"D/role/vars/Debian.yml\"" },
		{ "lookup('template', 't.j2')", "\"x=42\\n\"" },
		{ "lookup('template', 't.j2', template_vars={'x': 1})",
		    "\"x=1\\n\"" },
		{ "lookup('ini', 'user section=global file=app.ini')",
		    "\"bob\"" },
		{ "lookup('ini', 'upper section=global file=app.ini')",
		    "\"u\"" },
		{ "lookup('ini', 'host', section='db', file='app.ini')",
		    "\"db1\"" },
		{ "lookup('ini', 'nope section=db file=app.ini default=d')",
		    "\"d\"" },
		{ "q('ini', 'pw_.* section=db file=app.ini re=true')",
		    "[\"a\", \"b\"]" },
		{ "lookup('ini', 'name type=properties file=app.properties')",
		    "\"cairn\"" },
		{ "lookup('csvfile', 'alice file=users.csv')", "\"1000\"" },
		{ "lookup('csvfile', 'bob file=users.csv col=2')",
		    "\"/home/bob\"" },
		{ "lookup('csvfile', 'k2 file=c.csv delimiter=,')", "\"v2\"" },
		{ "lookup('csvfile', 'zz file=c.csv delimiter=, default=n')",
		    "\"n\"" },
	};

	(void)state;
	run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void
test_commands_env(void **state)
{
	static const struct lcase cases[] = {
		{ "lookup('pipe', 'echo hi; echo there')", "\"hi\\nthere\"" },
		{ "q('lines', 'printf \"a\\\\nb\\\\n\"')", "[\"a\", \"b\"]" },
		{ "lookup('pipe', 'exit 3')",
		    "ERR: lookup_plugin.pipe(exit 3) returned 3" },
		{ "lookup('env', 'CAIRN_LK', 'CAIRN_LK_NOPE')", "\"v,\"" },
		{ "lookup('env', 'CAIRN_LK_NOPE', default='d')", "\"d\"" },
		{ "lookup('config', 'DEFAULT_BECOME_USER')", "\"root\"" },
		{ "lookup('config', 'NOPE', on_missing='skip')", "[]" },
		{ "lookup('config', 'NOPE')", "ERR: Unable to find setting NOPE" },
		{ "lookup('url', 'http://example.com')",
		    "ERR: lookup plugin 'url' is not supported: cairn does not "
		    "fetch URLs on the controller; fetch on a host with get_url "
		    "or uri and register the result" },
		{ "lookup('frob', 'x')", "ERR: lookup plugin 'frob' not found" },
		{ "lookup('env', 'X', errors='loud')",
		    "ERR: errors= must be strict, warn or ignore, not 'loud'" },
	};

	(void)state;
	setenv("CAIRN_LK", "v", 1);
	run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void
test_password(void **state)
{
	char	*a, *b, *c, *path = NULL;
	struct stat st;

	(void)state;
	a = J("lookup('password', 'creds/db length=12 chars=digits')");
	assert_int_equal(strlen(a), 14);
	assert_int_equal(strspn(a + 1, "0123456789"), 12);
	/* the second call reads the file the first wrote */
	b = J("lookup('password', 'creds/db length=12 chars=digits')");
	assert_string_equal(a, b);
	if (asprintf(&path, "%s/creds/db", dir) < 0)
		abort();
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);
	free(a);
	free(b);
	/* seed= gives the same secret each time, /dev/null keeps nothing */
	a = J("lookup('password', '/dev/null seed=web1 length=8')");
	b = J("lookup('password', '/dev/null seed=web1 length=8')");
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 10);
	free(a);
	free(b);
	/* encrypt= gives a hash and keeps the salt in the file */
	a = J("lookup('password', 'creds/h encrypt=sha512_crypt')");
	b = J("lookup('password', 'creds/h encrypt=sha512_crypt')");
	assert_string_equal(a, b);
	assert_true(strncmp(a, "\"$6$", 4) == 0);
	c = J("lookup('password', 'creds/h') is search(' salt=')");
	assert_string_equal(c, "false");
	free(a);
	free(b);
	free(c);
	a = J("lookup('password', 'x length=0')");
	assert_string_equal(a,
	    "ERR: password length must be 1 to 4096, not '0'");
	free(a);
	a = J("lookup('password', 'creds/comma chars=,, length=3')");
	assert_string_equal(a, "\",,,\"");
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_commands_env),
		cmocka_unit_test(test_password),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
