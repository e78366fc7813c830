/* Unit tests of getent's fact (modules/system/getent.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/getent.h"
#include "util.h"

static char *
json(const struct value *v)
{
	struct buf	b = BUF_INIT;

	value_to_json(&b, v, 0);
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

static void
test_passwd(void **state)
{
	struct value	*d;
	char		*s;

	(void)state;
	assert_string_equal(getent_default_split("passwd"), ":");
	assert_null(getent_default_split("hosts"));
	d = getent_parse("root:x:0:0:root:/root:/bin/bash\n"
	    "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n", ":");
	s = json(d);
	assert_string_equal(s, "{\"root\": [\"x\", \"0\", \"0\", \"root\", "
	    "\"/root\", \"/bin/bash\"], \"nobody\": [\"x\", \"65534\", "
	    "\"65534\", \"\", \"/nonexistent\", \"/usr/sbin/nologin\"]}");
	free(s);
	value_unref(d);
}

/* Blank-separated records; a key seen again holds a list of records. */
static void
test_hosts_duplicates(void **state)
{
	struct value	*d;
	char		*s;

	(void)state;
	d = getent_parse("127.0.0.1       localhost\n"
	    "::1  localhost ip6-localhost\n::1\tip6-loopback\n"
	    "::1 again\n\n", NULL);
	s = json(d);
	assert_string_equal(s, "{\"127.0.0.1\": [\"localhost\"], \"::1\": "
	    "[[\"localhost\", \"ip6-localhost\"], [\"ip6-loopback\"], "
	    "[\"again\"]]}");
	free(s);
	value_unref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_hosts_duplicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
