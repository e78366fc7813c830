/* Unit tests for engine/util.c: allocation helpers, buffers, strings, SHA-1. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static void
test_alloc(void **state)
{
	char	*s;
	int	*ip;

	/* Zero sizes still give a pointer that can be freed. */
	s = xmalloc(0);
	assert_non_null(s);
	free(s);
	ip = xcalloc(4, sizeof *ip);
	assert_int_equal(ip[0] | ip[1] | ip[2] | ip[3], 0);
	ip = xreallocarray(ip, 1000, sizeof *ip);
	ip[999] = 7;
	assert_int_equal(ip[999], 7);
	free(ip);

	s = xstrdup("hello");
	assert_string_equal(s, "hello");
	free(s);
	s = xstrndup("hello", 3);
	assert_string_equal(s, "hel");
	free(s);
	s = xasprintf("%s-%d-%05.1f", "x", 42, 3.14159);
	assert_string_equal(s, "x-42-003.1");
	free(s);
}

/* Appending through xgrowarray keeps every element, from NULL on. */
static void
test_growarray(void **state)
{
	size_t	*v = NULL, n, i;

	(void)state;
	for (n = 0; n < 5000; n++) {
		v = xgrowarray(v, n, sizeof *v);
		v[n] = n * 7;
	}
	for (i = 0; i < n; i++)
		assert_int_equal(v[i], i * 7);
	free(v);
	/* With a terminator: room for n + 2, as NULL-ended lists need. */
	v = NULL;
	for (n = 0; n < 100; n++) {
		v = xgrowarray(v, n + 1, sizeof *v);
		v[n] = n;
		v[n + 1] = 0;
	}
	assert_int_equal(v[99], 99);
	assert_int_equal(v[100], 0);
	free(v);
}

static void
test_buf_basic(void **state)
{
	struct buf	 b = BUF_INIT;
	char		*s;
	size_t		 len;

	assert_null(b.s);
	assert_int_equal(b.len, 0);
	/* A fresh buffer is "" once asked for. */
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(b.len, 0);

	buf_adds(&b, "abc");
	buf_addc(&b, '-');
	buf_add(&b, "xyz", 2);
	buf_addf(&b, "%d/%s", 12, "q");
	assert_string_equal(b.s, "abc-xy12/q");
	assert_int_equal(b.len, 10);
	assert_true(b.cap > b.len);

	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	assert_non_null(b.s);

	buf_adds(&b, "kept");
	s = buf_detach(&b, &len);
	assert_string_equal(s, "kept");
	assert_int_equal(len, 4);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);

	/* Detaching an empty buffer gives "", never NULL. */
	s = buf_detach(&b, NULL);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);

	buf_adds(&b, "x");
	buf_release(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void
test_buf_binary_and_growth(void **state)
{
	struct buf	 b = BUF_INIT;
	char		 big[5000];
	size_t		 i;

	/* Binary data: len is authoritative and a NUL follows it. */
	buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.s, "a\0b", 3);
	assert_int_equal(b.s[3], '\0');
	buf_add(&b, NULL, 0);
	assert_int_equal(b.len, 3);
	buf_release(&b);

	/* Growth across many reallocations keeps the contents. */
	for (i = 0; i < 10000; i++)
		buf_addc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(strlen(b.s), 10000);
	for (i = 0; i < 10000; i++) {
		if (b.s[i] != (char)('a' + i % 26))
			fail_msg("byte %zu changed", i);
	}
	buf_release(&b);

	/* A formatted string longer than the first allocation. */
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_adds(&b, "<");
	buf_addf(&b, "%s>%d", big, 5);
	assert_int_equal(b.len, 1 + 4999 + 2);
	assert_int_equal(b.s[0], '<');
	assert_int_equal(b.s[5000], '>');
	assert_string_equal(b.s + 5001, "5");
	buf_release(&b);
}

static void
test_str_helpers(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} trims[] = {
		{ "", "" },
		{ "   ", "" },
		{ "\t \t", "" },
		{ "a", "a" },
		{ "  a b  ", "a b" },
		{ "\ta\t", "a" },
		{ "a  ", "a" },
		{ "  a", "a" },
		{ " \n ", "\n" },	/* only spaces and tabs */
	};
	char	 tmp[32], *r;
	size_t	 i;

	for (i = 0; i < ARRAY_SIZE(trims); i++) {
		snprintf(tmp, sizeof tmp, "%s", trims[i].in);
		r = str_trim(tmp);
		assert_ptr_equal(r, tmp);
		assert_string_equal(r, trims[i].out);
	}

	assert_true(str_startswith("ansible.builtin.copy", "ansible."));
	assert_true(str_startswith("abc", ""));
	assert_true(str_startswith("abc", "abc"));
	assert_false(str_startswith("ab", "abc"));
	assert_false(str_startswith("xabc", "abc"));
	assert_true(str_endswith("site.yml", ".yml"));
	assert_true(str_endswith("abc", ""));
	assert_true(str_endswith("abc", "abc"));
	assert_false(str_endswith("bc", "abc"));
	assert_false(str_endswith("site.yaml", ".yml"));
}

static void
sha1_str(const char *s, char out[41])
{
	sha1_hex(s, strlen(s), out);
}

static void
test_sha1_vectors(void **state)
{
	char		 out[41], *a;
	struct buf	 acc = BUF_INIT;
	unsigned char	 data[200];
	size_t		 n;

	sha1_str("", out);
	assert_string_equal(out, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	/* FIPS 180-1's vector (the brief had a typo'd tail for this one). */
	sha1_str("abc", out);
	assert_string_equal(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_str("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    out);
	assert_string_equal(out, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	sha1_str("The quick brown fox jumps over the lazy dog", out);
	assert_string_equal(out, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");

	a = xmalloc(1000000);
	memset(a, 'a', 1000000);
	sha1_hex(a, 1000000, out);
	assert_string_equal(out, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(a);

	/*
	 * Every length from 0 to 199 crosses the padding boundaries (55, 56,
	 * 63, 64, 119, 120...).  The digests of bytes 0..n-1 are chained and
	 * hashed once; the expected value comes from Python's hashlib.
	 */
	for (n = 0; n < sizeof data; n++)
		data[n] = (unsigned char)n;
	for (n = 0; n < sizeof data; n++) {
		sha1_hex(data, n, out);
		buf_add(&acc, out, 40);
	}
	sha1_hex(acc.s, acc.len, out);
	assert_string_equal(out, "4a78f9d0f5f3cc3ebc696c7e0a33e0591c20b3d7");
	buf_release(&acc);
}

/* A 1 MB file checked against the system's sha1sum, as Ansible's checksum. */
static void
test_sha1_file_vs_sha1sum(void **state)
{
	char		 path[] = "/tmp/cairn-test-util-XXXXXX", out[41];
	char		 cmd[128], line[128];
	unsigned char	*data;
	struct buf	 b = BUF_INIT;
	FILE		*f;
	size_t		 i, n = 1 << 20;
	int		 fd;

	data = xmalloc(n);
	for (i = 0; i < n; i++)
		data[i] = (unsigned char)((i * 7 + (i >> 8)) & 0xff);
	sha1_hex(data, n, out);
	/* Known value (Python hashlib), so the test can fail without sha1sum. */
	assert_string_equal(out, "a7ccc30ac12dc8d83d6f612100bc4fc6ed0c5a12");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	assert_int_equal(read_file(path, &b), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.s, data, n);
	sha1_hex(b.s, b.len, out);
	buf_release(&b);

	snprintf(cmd, sizeof cmd, "sha1sum %s 2>/dev/null", path);
	if ((f = popen(cmd, "r")) != NULL) {
		if (fgets(line, sizeof line, f) != NULL) {
			line[40] = '\0';
			assert_string_equal(out, line);
		}
		pclose(f);
	}
	unlink(path);
	free(data);
}

static void
test_read_file(void **state)
{
	char		 path[] = "/tmp/cairn-test-util-XXXXXX";
	struct buf	 b = BUF_INIT;
	int		 fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);

	/* An empty file gives an empty, valid string. */
	assert_int_equal(read_file(path, &b), 0);
	assert_int_equal(b.len, 0);
	assert_non_null(b.s);
	assert_string_equal(b.s, "");
	buf_release(&b);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "one\0two\n", 8), 8);
	close(fd);
	/* read_file appends to what the buffer holds. */
	buf_adds(&b, ">");
	assert_int_equal(read_file(path, &b), 0);
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.s, ">one\0two\n", 9);
	assert_int_equal(b.s[9], '\0');
	buf_release(&b);

	unlink(path);
	assert_int_equal(read_file(path, &b), -ENOENT);
	assert_int_equal(read_file("/", &b), -EISDIR);
	/* A file without end is an error past the limit, never a crash. */
	buf_reset(&b);
	assert_int_equal(read_file_max("/dev/zero", &b, 1 << 20), -EFBIG);
	buf_release(&b);
}

/* Decodes one escape (after the backslash); returns the text or NULL. */
static char *
unescape(const char *in, const char **rest)
{
	struct buf	 b = BUF_INIT;
	const char	*p = in;

	if (py_unescape(&p, &b) != 0) {
		buf_release(&b);
		return NULL;
	}
	*rest = p;
	return buf_detach(&b, NULL);
}

static void
test_py_unescape(void **state)
{
	static const struct {
		const char *in, *out, *rest;
	} cases[] = {
		{ "nX", "\n", "X" }, { "t", "\t", "" }, { "\\", "\\", "" },
		{ "'", "'", "" }, { "\"", "\"", "" }, { "x41z", "A", "z" },
		{ "xe9", "\xc3\xa9", "" }, { "u20ac!", "\xe2\x82\xac", "!" },
		{ "U0001F600", "\xf0\x9f\x98\x80", "" }, { "101", "A", "" },
		{ "0", "", "" }, { "\nnext", "", "next" }, { "d", "\\d", "" },
		{ "", "\\", "" },
	};
	struct buf	 b = BUF_INIT;
	const char	*rest, *p;
	char		*out;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		out = unescape(cases[i].in, &rest);
		assert_non_null(out);
		/* "\0" decodes to one NUL byte: compare as C strings */
		assert_string_equal(out, cases[i].out);
		assert_string_equal(rest, cases[i].rest);
		free(out);
	}
	/* malformed hex escapes are refused and the position kept */
	p = "x4";
	assert_int_equal(py_unescape(&p, &b), -1);
	assert_string_equal(p, "x4");
	p = "uzzzz";
	assert_int_equal(py_unescape(&p, &b), -1);
	p = "U00110000";
	assert_int_equal(py_unescape(&p, &b), -1);
	assert_int_equal(b.len, 0);
	buf_release(&b);

	buf_add_utf8(&b, 0x7f);
	buf_add_utf8(&b, 0x7ff);
	buf_add_utf8(&b, 0xffff);
	buf_add_utf8(&b, 0x10ffff);
	assert_memory_equal(b.s, "\x7f\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf",
	    10);
	buf_release(&b);
}

/* strv_free: NULL-safe, and frees every string (ASan sees a leak if not). */
static void
test_strv_free(void **state)
{
	char	**v;

	(void)state;
	strv_free(NULL, 0);
	strv_free(NULL, 3);
	v = xcalloc(3, sizeof *v);
	v[0] = xstrdup("a");
	v[1] = xstrdup("b");
	v[2] = NULL;		/* a slot not yet filled */
	strv_free(v, 3);
	strv_free(xcalloc(1, sizeof *v), 0);
	strv_free_null(NULL);
	v = xcalloc(3, sizeof *v);
	v[0] = xstrdup("a");
	v[1] = xstrdup("b");
	strv_free_null(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_growarray),
		cmocka_unit_test(test_py_unescape),
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_binary_and_growth),
		cmocka_unit_test(test_str_helpers),
		cmocka_unit_test(test_sha1_vectors),
		cmocka_unit_test(test_sha1_file_vs_sha1sum),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_strv_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
