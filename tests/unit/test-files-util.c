/*
 * Unit tests of modules/files/files-util.c and find-plan.c: base64, paths
 * as Python's os.path gives them, fetch's destination, assemble's join and
 * find's filters and output shape, with the expected values taken from
 * Python (base64, os.path.normpath, the modules' own functions).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files/files.h"
#include "regex.h"

static void
test_b64(void **state)
{
	static const char *const cases[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
		{ "line\n\xff\x00", "bGluZQr/AA==" },
	};
	struct buf	b = BUF_INIT;
	size_t		i, len;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		len = i == 7 ? 7 : strlen(cases[i][0]);
		buf_reset(&b);
		files_b64_encode(&b, cases[i][0], len);
		assert_string_equal(buf_cstr(&b), cases[i][1]);
		buf_reset(&b);
		assert_int_equal(files_b64_decode(&b, cases[i][1],
		    strlen(cases[i][1])), 0);
		assert_int_equal(b.len, len);
		assert_memory_equal(b.s != NULL ? b.s : "", cases[i][0], len);
	}
	buf_reset(&b);
	assert_int_equal(files_b64_decode(&b, "Zm9v\nYmFy\n", 10), 0);
	assert_string_equal(buf_cstr(&b), "foobar");
	assert_int_equal(files_b64_decode(&b, "Zm9", 3), -1);
	assert_int_equal(files_b64_decode(&b, "Zm9*", 4), -1);
	buf_release(&b);
}

static void
test_md5(void **state)
{
	char	out[33];

	(void)state;
	files_md5_hex("", 0, out);
	assert_string_equal(out, "d41d8cd98f00b204e9800998ecf8427e");
	files_md5_hex("hello\n", 6, out);
	assert_string_equal(out, "b1946ac92492d2347c6235b4d2611184");
}

static void
test_normpath(void **state)
{
	static const char *const cases[][2] = {
		{ "", "." }, { "/", "/" }, { "//", "//" }, { "///", "/" },
		{ "a//b/./c/../d", "a/b/d" }, { "/a/../../b", "/b" },
		{ "../a/..", ".." }, { "a/../..", ".." }, { "./", "." },
		{ "/tmp/x/", "/tmp/x" }, { "//a/b", "//a/b" },
	};
	char	*s;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = files_normpath(cases[i][0]);
		if (strcmp(s, cases[i][1]) != 0)
			fail_msg("normpath(%s) = %s, want %s", cases[i][0], s,
			    cases[i][1]);
		free(s);
	}
	assert_string_equal(files_basename("/etc/hosts"), "hosts");
	assert_string_equal(files_basename("/etc/"), "");
	assert_string_equal(files_basename("x"), "x");
}

static void
test_fetch_dest(void **state)
{
	char	*out = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(files_fetch_dest("/backup", "/etc/hosts", "h1", 0, 1,
	    "/pb", &out, &cause), 0);
	assert_string_equal(out, "/backup/h1/etc/hosts");
	free(out);
	assert_int_equal(files_fetch_dest("fetched", "/etc/hosts", "h1", 0, 0,
	    "/pb", &out, &cause), 0);
	assert_string_equal(out, "/pb/fetched/h1/etc/hosts");
	free(out);
	assert_int_equal(files_fetch_dest("/b/", "/etc/hosts", "h1", 1, 1,
	    "/pb", &out, &cause), 0);
	assert_string_equal(out, "/b/hosts");
	free(out);
	assert_int_equal(files_fetch_dest("x/y.conf", "/etc/hosts", "h1", 1, 0,
	    "/pb", &out, &cause), 0);
	assert_string_equal(out, "/pb/x/y.conf");
	free(out);
	/* Relative src: under dest/<host>/ as given. */
	assert_int_equal(files_fetch_dest("/b", "rel/f", "h1", 0, 1, "/pb",
	    &out, &cause), 0);
	assert_string_equal(out, "/b/h1/rel/f");
	free(out);
	assert_int_equal(files_fetch_dest("/b", "/etc/hosts", "h1", 1, 1,
	    "/pb", &out, &cause), -1);
	assert_string_equal(cause, "dest is an existing directory, use a "
	    "trailing slash if you want to fetch src into that directory");
	free(cause);
	assert_int_equal(files_fetch_dest("/b", "../../etc/passwd", "h1", 0, 1,
	    "/pb", &out, &cause), -1);
	assert_non_null(strstr(cause, "Detected directory traversal"));
	free(cause);
}

static void
test_assemble(void **state)
{
	struct files_fragment	f[] = {
		{ "a", "one", 3 }, { "b", "two\n", 4 }, { "c", "", 0 },
		{ "d", "four\n", 5 },
	};
	struct buf		b = BUF_INIT;
	struct regex		*re;
	char			*cause = NULL;

	(void)state;
	/* As assemble_from_fragments writes them (checked with Python). */
	files_assemble(f, 4, NULL, &b);
	assert_string_equal(buf_cstr(&b), "one\ntwo\n\nfour\n");
	buf_reset(&b);
	files_assemble(f, 4, "# --", &b);
	assert_string_equal(buf_cstr(&b),
	    "one\n# --\ntwo\n# --\n\n# --\nfour\n");
	buf_reset(&b);
	files_assemble(f, 2, "\\n--\\n", &b);
	assert_string_equal(buf_cstr(&b), "one\n\n--\ntwo\n");
	buf_reset(&b);
	files_assemble(f, 0, "x", &b);
	assert_string_equal(buf_cstr(&b), "");
	buf_release(&b);

	re = regex_compile("\\.conf$", REGEX_UNICODE, &cause);
	assert_non_null(re);
	assert_int_equal(files_assemble_take("10-a.conf", re, 0, &cause), 1);
	assert_int_equal(files_assemble_take("10-a.conf~", re, 0, &cause), 0);
	assert_int_equal(files_assemble_take(".x.conf", re, 1, &cause), 0);
	assert_int_equal(files_assemble_take(".x.conf", re, 0, &cause), 1);
	regex_free(re);
	assert_int_equal(files_assemble_take(".x", NULL, 0, &cause), 1);
}

static void
test_find_units(void **state)
{
	long long	v;

	(void)state;
	assert_int_equal(find_parse_age("3d", &v), 0);
	assert_int_equal(v, 3 * 86400);
	assert_int_equal(find_parse_age("-2W", &v), 0);
	assert_int_equal(v, -2 * 604800);
	assert_int_equal(find_parse_age("45", &v), 0);
	assert_int_equal(v, 45);
	assert_int_equal(find_parse_age("3y", &v), -1);
	assert_int_equal(find_parse_age("d", &v), -1);
	assert_int_equal(find_parse_age("1dd", &v), -1);
	assert_int_equal(find_parse_size("10k", &v), 0);
	assert_int_equal(v, 10240);
	assert_int_equal(find_parse_size("-1m", &v), 0);
	assert_int_equal(v, -1048576);
	assert_int_equal(find_parse_size("2G", &v), 0);
	assert_int_equal(v, 2LL << 30);
	assert_int_equal(find_parse_size("1.5k", &v), -1);

	assert_true(find_agefilter(1000, 900, 1, 100));
	assert_false(find_agefilter(1000, 901, 1, 100));
	assert_true(find_agefilter(1000, 950, 1, -100));
	assert_false(find_agefilter(1000, 800, 1, -100));
	assert_true(find_agefilter(1000, 0, 0, 0));
	assert_true(find_sizefilter(10, 1, 10));
	assert_false(find_sizefilter(9, 1, 10));
	assert_true(find_sizefilter(9, 1, -10));
	assert_false(find_sizefilter(11, 1, -10));
}

static void
test_find_pfilter(void **state)
{
	const char	*pat[] = { "*.log", "*.txt" }, *exc[] = { "skip*" };
	const char	*rpat[] = { "a.c" }, *bad[] = { "(" };
	char		*cause = NULL;

	(void)state;
	assert_int_equal(find_pfilter("x.log", pat, 2, NULL, 0, 0, &cause), 1);
	assert_int_equal(find_pfilter("x.txt", pat, 2, NULL, 0, 0, &cause), 1);
	assert_int_equal(find_pfilter("x.conf", pat, 2, NULL, 0, 0, &cause), 0);
	assert_int_equal(find_pfilter("skip.log", pat, 2, exc, 1, 0, &cause),
	    0);
	assert_int_equal(find_pfilter(".h", NULL, 0, NULL, 0, 0, &cause), 1);
	/* fnmatch: no escapes, brackets as sets. */
	assert_int_equal(find_pfilter("a\\b", (const char *[]){ "a\\b" }, 1,
	    NULL, 0, 0, &cause), 1);
	assert_int_equal(find_pfilter("x1", (const char *[]){ "x[0-9]" }, 1,
	    NULL, 0, 0, &cause), 1);
	/* re.match: anchored at the start, not at the end. */
	assert_int_equal(find_pfilter("abcd", rpat, 1, NULL, 0, 1, &cause), 1);
	assert_int_equal(find_pfilter("xabc", rpat, 1, NULL, 0, 1, &cause), 0);
	assert_int_equal(find_pfilter("anything", NULL, 0, (const char *[]){
	    "any" }, 1, 1, &cause), 0);
	assert_int_equal(find_pfilter("x", bad, 1, NULL, 0, 1, &cause), -1);
	free(cause);
}

static void
test_find_content(void **state)
{
	const char	*t = "alpha\nport = 80\nomega\n";

	(void)state;
	assert_true(find_contentfilter(t, strlen(t), NULL, 0));
	assert_true(find_contentfilter(t, strlen(t), "port", 0));
	/* Line by line it is re.match: "= 80" starts no line. */
	assert_false(find_contentfilter(t, strlen(t), "= 80", 0));
	assert_true(find_contentfilter(t, strlen(t), "= 80", 1));
	assert_true(find_contentfilter(t, strlen(t), "alpha\\nport", 1));
	assert_false(find_contentfilter(t, strlen(t), "alpha\\nport", 0));
	assert_true(find_contentfilter(t, strlen(t), "omega$", 0));
	assert_false(find_contentfilter("", 0, ".*", 0));
	assert_false(find_contentfilter("\xff\xfe", 2, "x", 1));
}

/* Records as find -printf FIND_PRINTF prints them. */
#define REC(d, y, Y, m, path) d "\t" y "\t" Y "\t" m "\t0\t0\t5\t7\t2049\t1\t" \
	"100.5\t200.25\t300.0\troot\troot\t" path "\0"

static void
test_find_parse_order(void **state)
{
	static const char data[] =
	    REC("1", "d", "d", "755", "/r/sub")
	    REC("2", "f", "f", "644", "/r/sub/inner")
	    REC("1", "f", "f", "4755", "/r/top")
	    REC("1", "l", "d", "777", "/r/link")
	    REC("1", "d", "d", "700", "/r/zdir")
	    REC("2", "f", "f", "600", "/r/zdir/deep\twith tab");
	struct find_entry	*v = NULL;
	struct value		*d;
	size_t			 n = 0;

	(void)state;
	assert_int_equal(find_parse(data, sizeof data - 1, &v, &n), 6);
	assert_int_equal(n, 6);
	assert_string_equal(v[5].path, "/r/zdir/deep\twith tab");
	assert_int_equal(v[2].perm, 04755);
	assert_true(v[3].walkdir);
	find_walk_order(v, n);
	/* os.walk: the root's files, then its directories, then theirs. */
	assert_string_equal(v[0].path, "/r/top");
	assert_string_equal(v[1].path, "/r/sub");
	assert_string_equal(v[2].path, "/r/link");
	assert_string_equal(v[3].path, "/r/zdir");
	assert_string_equal(v[4].path, "/r/sub/inner");
	assert_string_equal(v[5].path, "/r/zdir/deep\twith tab");

	d = find_entry_dict(&v[0]);
	assert_string_equal(value_dict_get(d, "mode")->u.str.s, "4755");
	assert_true(value_dict_get(d, "isreg")->u.b);
	assert_true(value_dict_get(d, "isuid")->u.b);
	assert_false(value_dict_get(d, "islnk")->u.b);
	assert_int_equal(value_dict_get(d, "size")->u.i, 5);
	assert_int_equal(value_dict_get(d, "inode")->u.i, 7);
	assert_true(value_dict_get(d, "mtime")->u.f == 200.25);
	assert_string_equal(value_dict_get(d, "pw_name")->u.str.s, "root");
	value_unref(d);
	find_entries_free(v, n);

	v = NULL;
	n = 0;
	assert_int_equal(find_parse("1\td\n", 4, &v, &n), -1);
	find_entries_free(v, n);
}

static void
test_files_stderr_and_names(void **state)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			 dir[] = "/tmp/cairn-test-names.XXXXXX", *p, *e;
	char			**names;
	size_t			 n;

	(void)state;
	buf_adds(&res.err, "tar: broken\n\n");
	e = files_stderr(&res);
	assert_string_equal(e, "tar: broken");
	free(e);
	exec_result_release(&res);

	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/b", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/a", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	names = files_dir_names(dir, &n);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "b");
	assert_null(names[2]);
	files_names_free(names, n);
	rmdir(p);
	free(p);
	p = xasprintf("%s/b", dir);
	rmdir(p);
	free(p);
	rmdir(dir);
	assert_null(files_dir_names("/nonexistent/cairn", &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_md5),
		cmocka_unit_test(test_normpath),
		cmocka_unit_test(test_fetch_dest),
		cmocka_unit_test(test_assemble),
		cmocka_unit_test(test_find_units),
		cmocka_unit_test(test_find_pfilter),
		cmocka_unit_test(test_find_content),
		cmocka_unit_test(test_find_parse_order),
		cmocka_unit_test(test_files_stderr_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
