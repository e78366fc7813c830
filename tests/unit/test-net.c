/* Unit tests of the net_tools family's pure side (modules/net_tools/net.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net_tools/net.h"

static const char proc_tcp[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
    "retrnsmt   uid  timeout inode\n"
    "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 "
    "00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
    "00000000     0        0 2 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 "
    "00000000     0        0 3 1 0000000000000000 20 4 30 10 -1\n"
    "   3: 0100007F:1F90 0A00000A:D2F1 06 00000000:00000000 00:00000000 "
    "00000000     0        0 4 1 0000000000000000 20 4 30 10 -1\n"
    "  sl  local_address                         remote_address        "
    "                st\n"
    "   0: 00000000000000000000000000000000:0050 "
    "00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 5 1\n";

static void
test_tcp(void **state)
{
	char		 hex[9], lo[9];
	char		*ex[] = { lo, NULL };
	unsigned int	 active;

	(void)state;
	assert_int_equal(net_ipv4_hex("127.0.0.1", lo), 0);
	assert_string_equal(lo, "0100007F");
	assert_int_equal(net_ipv4_hex("10.0.0.10", hex), 0);
	assert_string_equal(hex, "0A00000A");
	assert_int_equal(net_ipv4_hex("example.org", hex), -1);
	assert_int_equal(net_ipv4_hex("300.1.1.1", hex), -1);
	assert_int_equal(net_tcp_state("LISTEN"), 10);
	assert_int_equal(net_tcp_state("TIME_WAIT"), 6);
	assert_int_equal(net_tcp_state("BOGUS"), -1);

	/* Listening: port 22 on any address, 8080 on loopback, 80 on ::. */
	assert_int_equal(net_tcp_count(proc_tcp, 22, 1U << 10, lo, NULL), 1);
	assert_int_equal(net_tcp_count(proc_tcp, 8080, 1U << 10, lo, NULL), 1);
	assert_int_equal(net_tcp_count(proc_tcp, 8080, 1U << 10, hex, NULL),
	    0);
	assert_int_equal(net_tcp_count(proc_tcp, 80, 1U << 10, hex, NULL), 1);
	assert_int_equal(net_tcp_count(proc_tcp, 81, 1U << 10, NULL, NULL), 0);
	/* Drained: active ones, less those from excluded hosts. */
	active = 1U << 1 | 1U << 6;
	assert_int_equal(net_tcp_count(proc_tcp, 8080, active, NULL, NULL), 2);
	assert_int_equal(net_tcp_count(proc_tcp, 8080, active, NULL, ex), 1);
}

static void
test_curl_quote(void **state)
{
	struct buf	b = BUF_INIT;

	(void)state;
	net_curl_quote(&b, "a \"b\" \\c\n$(x)");
	assert_string_equal(buf_cstr(&b), "\"a \\\"b\\\" \\\\c\\n$(x)\"");
	buf_release(&b);
}

static void
test_form(void **state)
{
	struct buf	 b = BUF_INIT;
	struct value	*d = value_dict(), *l = value_list();
	char		*cause = NULL;

	(void)state;
	value_dict_setstr(d, "name", "J Doe & co");
	value_list_append(l, value_str("a"));
	value_list_append(l, value_int(2));
	value_dict_set(d, "tags", l);
	value_dict_setbool(d, "ok", 1);
	value_dict_set(d, "none", value_null());
	assert_int_equal(net_form_urlencode(d, &b, &cause), 0);
	assert_string_equal(buf_cstr(&b),
	    "name=J+Doe+%26+co&tags=a&tags=2&ok=True");
	buf_release(&b);
	value_unref(d);
	d = value_int(3);
	assert_int_equal(net_form_urlencode(d, &b, &cause), -1);
	free(cause);
	value_unref(d);
	buf_release(&b);
}

static void
test_reply(void **state)
{
	struct net_reply	r;

	(void)state;
	assert_int_equal(net_reply_parse("cairn-code=302\ncairn-redirects=1\n"
	    "cairn-url=http://h/b\ncairn-rc=0\ncairn-body=/tmp/.cairn-http.x\n"
	    "cairn-error=\ncairn-headers\nHTTP/1.0 302 Found\r\n"
	    "Location: /b\r\n\r\nHTTP/1.0 200 OK\r\nContent-Type: "
	    "application/json\r\nX-Thing:  v \r\n\r\n", &r), 0);
	assert_int_equal(r.status, 302);
	assert_int_equal(r.redirects, 1);
	assert_string_equal(r.url, "http://h/b");
	assert_string_equal(r.body_path, "/tmp/.cairn-http.x");
	assert_null(r.error);
	assert_null(value_dict_get(r.headers, "location"));
	assert_string_equal(value_dict_get(r.headers,
	    "content-type")->u.str.s, "application/json");
	assert_string_equal(value_dict_get(r.headers, "x-thing")->u.str.s,
	    "v");
	net_reply_free(&r);
	assert_int_equal(net_reply_parse("cairn-code=000\ncairn-rc=7\n"
	    "cairn-error=curl: (7) Failed to connect\n", &r), 0);
	assert_int_equal(r.status, -1);
	assert_int_equal(r.tool_rc, 7);
	assert_string_equal(r.error, "curl: (7) Failed to connect");
	net_reply_free(&r);
	assert_int_equal(net_reply_parse("garbage\n", &r), -1);
	net_reply_free(&r);
}

static void
test_url_checksum(void **state)
{
	char	*s, *algo, *hex, *cause = NULL;

	(void)state;
	s = net_url_filename("http://h:80/a/b/file.tar.gz?x=1#f");
	assert_string_equal(s, "file.tar.gz");
	free(s);
	s = net_url_filename("http://h/");
	assert_string_equal(s, "");
	free(s);
	s = net_url_filename("http://h");
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(net_checksum_split("SHA256:ABCdef01", &algo, &hex,
	    &cause), 0);
	assert_string_equal(algo, "sha256");
	assert_string_equal(hex, "abcdef01");
	free(algo);
	free(hex);
	assert_int_equal(net_checksum_split("abc", &algo, &hex, &cause), -1);
	assert_string_equal(cause, "The checksum parameter has to be in "
	    "format <algorithm>:<checksum>");
	free(cause);
	assert_int_equal(net_checksum_split("crc32:00", &algo, &hex, &cause),
	    -1);
	free(cause);
	assert_int_equal(net_checksum_split("sha1:zz", &algo, &hex, &cause),
	    -1);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_curl_quote),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_url_checksum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
