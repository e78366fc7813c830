/* Unit tests of known_hosts' search and edit (modules/system/knownhosts-edit.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/knownhosts-edit.h"

#define ED1	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOne"
#define ED2	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITwo"
#define RSA	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC"

static const char file[] =
    "# managed by hand\n"
    "other.example " ED2 "\n"
    "web.example,10.0.0.1 " RSA "\n"
    "web.example " ED1 "\n"
    "[web.example]:2222 " ED2 "\n";

static void
test_search(void **state)
{
	struct kh_search	s;

	(void)state;
	/* the same key: found, nothing to do */
	kh_search(file, "web.example", "web.example " ED1 "\n", &s);
	assert_true(s.found);
	assert_false(s.replace);
	assert_int_equal(s.line, 4);
	/* another key of the type: replace that line */
	kh_search(file, "web.example", "web.example " ED2, &s);
	assert_true(s.found);
	assert_true(s.replace);
	assert_int_equal(s.line, 4);
	/* a host field that differs from the key's: replaced as well */
	kh_search(file, "web.example", "web.example " RSA, &s);
	assert_true(s.replace);
	assert_int_equal(s.line, 3);
	/* a type the host has no key of: appended */
	kh_search(file, "other.example", "other.example " RSA, &s);
	assert_true(s.found);
	assert_true(s.replace);
	assert_int_equal(s.line, 0);
	kh_search(file, "[web.example]:2222", "[web.example]:2222 " ED2, &s);
	assert_false(s.replace);
	assert_int_equal(s.line, 5);
	kh_search(file, "new.example", "new.example " ED1, &s);
	assert_false(s.found);
	assert_false(s.replace);
	kh_search(file, "web.example", NULL, &s);
	assert_true(s.found);
	kh_search("", "web.example", NULL, &s);
	assert_false(s.found);
}

static void
test_edit(void **state)
{
	struct kh_search	 s;
	char			*t;

	(void)state;
	kh_search(file, "web.example", "web.example " ED2 "\n", &s);
	t = kh_edit(file, &s, 1, "web.example " ED2 "\n");
	assert_string_equal(t, "# managed by hand\n"
	    "other.example " ED2 "\n"
	    "web.example,10.0.0.1 " RSA "\n"
	    "[web.example]:2222 " ED2 "\n"
	    "web.example " ED2 "\n");
	free(t);
	kh_search(file, "web.example", "web.example " ED1 "\n", &s);
	t = kh_edit(file, &s, 0, "web.example " ED1 "\n");
	assert_null(strstr(t, "web.example " ED1));
	assert_non_null(strstr(t, "web.example,10.0.0.1"));
	free(t);
	/* a last line without a newline is ended before the key */
	kh_search("a " ED1, "b", "b " ED1, &s);
	t = kh_edit("a " ED1, &s, 1, "b " ED1 "\n");
	assert_string_equal(t, "a " ED1 "\nb " ED1 "\n");
	free(t);
}

static void
test_hashed(void **state)
{
	static const unsigned char salt[20] = "0123456789abcdefghi";
	struct kh_search	 s;
	char			*k, *k2;

	(void)state;
	k = kh_hash_key("web.example", "web.example " ED1 " a comment", salt);
	assert_non_null(k);
	assert_true(strncmp(k, "|1|", 3) == 0);
	assert_non_null(strstr(k, " " ED1 " a comment"));
	assert_true(kh_key_names(k, "web.example"));
	assert_false(kh_key_names(k, "other.example"));
	/* a hashed line is found by name and matches whatever the salt */
	k2 = kh_hash_key("web.example", "web.example " ED1, (const unsigned
	    char *)"zyxwvutsrqponmlkjih");
	kh_search(k, "web.example", k2, &s);
	assert_true(s.found);
	assert_false(s.replace);
	assert_int_equal(s.line, 1);
	free(k);
	free(k2);
	assert_null(kh_hash_key("h", "h ssh-ed25519", salt));
	assert_false(kh_key_names("web.example", "web.example"));
	assert_true(kh_key_names("@cert-authority *.example " ED1,
	    "web.example"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_hashed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
