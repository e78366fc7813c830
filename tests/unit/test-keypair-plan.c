/* Unit tests of openssh_keypair's decisions (modules/crypto/keypair-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "crypto/keypair.h"

static void
test_size(void **state)
{
	long long	 n;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(keypair_size("rsa", 0, 0, &n, &cause), 0);
	assert_int_equal(n, 4096);
	assert_int_equal(keypair_size("rsa", 1, 2048, &n, &cause), 0);
	assert_int_equal(n, 2048);
	assert_int_equal(keypair_size("ed25519", 1, 4096, &n, &cause), 0);
	assert_int_equal(n, 256);
	assert_int_equal(keypair_size("ecdsa", 1, 384, &n, &cause), 0);
	assert_int_equal(keypair_size("dsa", 0, 0, &n, &cause), 0);
	assert_int_equal(n, 1024);
	assert_int_equal(keypair_size("rsa", 1, 512, &n, &cause), -1);
	assert_non_null(strstr(cause, "minimum size is 1024"));
	free(cause);
	assert_int_equal(keypair_size("ecdsa", 1, 300, &n, &cause), -1);
	free(cause);
	assert_int_equal(keypair_size("dsa", 1, 2048, &n, &cause), -1);
	free(cause);
}

static void
test_info(void **state)
{
	struct keypair_info	i;

	(void)state;
	assert_int_equal(keypair_parse_info("256 SHA256:abc/def root@h1 "
	    "with spaces (ED25519)\n", &i), 0);
	assert_int_equal(i.size, 256);
	assert_string_equal(i.type, "ed25519");
	assert_string_equal(i.fingerprint, "SHA256:abc/def");
	keypair_info_release(&i);
	assert_int_equal(keypair_parse_info("4096 SHA256:x no comment "
	    "(RSA)", &i), 0);
	assert_string_equal(i.type, "rsa");
	keypair_info_release(&i);
	assert_int_equal(keypair_parse_info("/k is not a key file.\n", &i),
	    -1);
	keypair_info_release(&i);
}

static void
test_pub(void **state)
{
	struct keypair_pub	a, b;

	(void)state;
	assert_int_equal(keypair_parse_pub(" ssh-ed25519 AAAA me@host two "
	    "words\n", 1, &a), 0);
	assert_string_equal(a.type, "ssh-ed25519");
	assert_string_equal(a.data, "AAAA");
	assert_string_equal(a.comment, "me@host two words");
	assert_int_equal(keypair_parse_pub("ssh-ed25519 AAAA\n", 0, &b), 0);
	assert_string_equal(b.comment, "");
	assert_true(keypair_pub_matches(&a, &b, NULL));
	assert_false(keypair_pub_matches(&a, &b, "other"));
	assert_true(keypair_pub_matches(&a, &b, "me@host two words"));
	keypair_pub_release(&b);
	assert_int_equal(keypair_parse_pub("ssh-ed25519 AAAB", 0, &b), 0);
	assert_false(keypair_pub_matches(&a, &b, NULL));
	keypair_pub_release(&a);
	keypair_pub_release(&b);
	assert_int_equal(keypair_parse_pub("garbage\n", 1, &a), -1);
	keypair_pub_release(&a);
}

static void
test_generate(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_int_equal(keypair_should_generate("never", 0, 0, &cause), 1);
	assert_int_equal(keypair_should_generate("never", 1, 0, &cause), 0);
	assert_int_equal(keypair_should_generate("partial_idempotence", 1, 1,
	    &cause), 0);
	assert_int_equal(keypair_should_generate("partial_idempotence", 1, 0,
	    &cause), 1);
	assert_int_equal(keypair_should_generate("full_idempotence", 1, 0,
	    &cause), 1);
	assert_int_equal(keypair_should_generate("always", 1, 1, &cause), 1);
	assert_int_equal(keypair_should_generate("fail", 1, 1, &cause), 0);
	assert_int_equal(keypair_should_generate("fail", 1, 0, &cause), -1);
	assert_non_null(strstr(cause, "wrong type and/or size"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_pub),
		cmocka_unit_test(test_generate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
