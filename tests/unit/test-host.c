/* Unit tests for the pure parts of engine/host.c: lock file naming. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "host.h"

static void
check_path(const char *path, const char *want)
{
	char	*got = host_lock_path(path);

	assert_string_equal(got, want);
	free(got);
}

static void
test_lock_path(void **state)
{
	(void)state;
	/* /run/lock/cairn-SHA1.lock, SHA-1 of the path as sha1sum gives it */
	check_path("/etc/ssh/sshd_config",
	    "/run/lock/cairn-fbe6462bc7553466592464efc3e67468b550332d.lock");
	/* trailing slashes do not make another lock */
	check_path("/srv/dir/",
	    "/run/lock/cairn-4f3b2f43bfaa556c2ab651f6090620e507733985.lock");
	check_path("/srv/dir",
	    "/run/lock/cairn-4f3b2f43bfaa556c2ab651f6090620e507733985.lock");
	check_path("~alice/.ssh",
	    "/run/lock/cairn-a4446d3b07574b3ab925e75a54ce8befa28cd221.lock");
	/* any character: the name is made of hex digits only */
	check_path("/srv/it's here",
	    "/run/lock/cairn-6b2807eeeecd954ae4fabe2561e8207911a2c0e8.lock");
}

static void
check_word(const char *lockpath, const char *want)
{
	struct buf	b = BUF_INIT;

	host_lock_word(&b, lockpath);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void
test_lock_word(void **state)
{
	(void)state;
	check_word("/srv/.f.cairn-lock", "'/srv/.f.cairn-lock'");
	check_word("~/..bashrc.cairn-lock", "\"$HOME\"'/..bashrc.cairn-lock'");
	/* ~user/ unquoted up to the slash, so that the shell expands it. */
	check_word("~alice/..ssh.cairn-lock", "~alice/'..ssh.cairn-lock'");
	check_word("~al ice/x", "'~al ice/x'");
	check_word("~-x/y", "'~-x/y'");
	check_word("~$(id)/y", "'~$(id)/y'");
	check_word("/srv/it's", "'/srv/it'\\''s'");
}

static void
test_lock_timeout(void **state)
{
	(void)state;
	unsetenv("CAIRN_LOCK_TIMEOUT");
	assert_int_equal(host_lock_timeout(), 30);
	setenv("CAIRN_LOCK_TIMEOUT", "3", 1);
	assert_int_equal(host_lock_timeout(), 3);
	setenv("CAIRN_LOCK_TIMEOUT", "0", 1);
	assert_int_equal(host_lock_timeout(), 0);
	setenv("CAIRN_LOCK_TIMEOUT", "soon", 1);
	assert_int_equal(host_lock_timeout(), 30);
	setenv("CAIRN_LOCK_TIMEOUT", "-1", 1);
	assert_int_equal(host_lock_timeout(), 30);
	unsetenv("CAIRN_LOCK_TIMEOUT");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_path),
		cmocka_unit_test(test_lock_word),
		cmocka_unit_test(test_lock_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
