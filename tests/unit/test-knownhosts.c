/* Unit tests for engine/knownhosts.c: OpenSSH's known_hosts rules, case by case. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "knownhosts.h"
#include "util.h"

#define ED "ssh-ed25519"
/* two ed25519 keys and an ECDSA one, from ssh-keygen */
#define KA "AAAAC3NzaC1lZDI1NTE5AAAAIJbPwzJ8P70AdlPe0fc43ZQnTuT//GX7dnfOGMIYrXO8"
#define KB "AAAAC3NzaC1lZDI1NTE5AAAAIFJ81VyD0LD+BYcZnbnie86BMIX7LG9WdOuKtWOlKdC4"
#define EC "ecdsa-sha2-nistp256"
#define KC "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHdqZ5t0gERgyHwebmnY6dF92p3GUqBpcLWUQ3auujWkU0LUqesoDnTlr37iJ55NVyjLCFbYfnKUodsOodRz4Sc="
/* ssh-keygen -H of "web1.example.com" and "[10.0.0.5]:2222" with KA */
#define H_WEB1 "|1|1UqW+D5M07U4E0IGLvQrLCEHnS4=|pYZcBvzAr6JXWNDztQKXadxXPHM="
#define H_PORT "|1|1BpCRbhynwEM42IG1MMFBMNaAqA=|bIjemS6O6KfN6HOFz3j8k/b3xWA="

/* The decision for host:port offering (type, key) against text. */
static enum knownhosts_status
decide(const char *text, const char *host, int port, const char *type,
    const char *key, unsigned long *line)
{
	struct knownhosts_result	 r = KNOWNHOSTS_RESULT_INIT;
	enum knownhosts_status		 st;
	char				*name = knownhosts_name(host, port);

	knownhosts_scan(text, strlen(text), "kh", name, type, key, &r);
	st = r.status;
	if (line != NULL)
		*line = r.line;
	knownhosts_result_release(&r);
	free(name);
	return st;
}

static void
test_name(void **state)
{
	char	*n;

	n = knownhosts_name("Web1.Example.COM", 22);
	assert_string_equal(n, "web1.example.com");
	free(n);
	n = knownhosts_name("10.0.0.5", 2222);
	assert_string_equal(n, "[10.0.0.5]:2222");
	free(n);
	n = knownhosts_name("h", 0);
	assert_string_equal(n, "h");
	free(n);
}

static void
test_patterns(void **state)
{
	assert_int_equal(knownhosts_match_pattern("web1", "web?"), 1);
	assert_int_equal(knownhosts_match_pattern("web12", "web?"), 0);
	assert_int_equal(knownhosts_match_pattern("a.b.c", "*.c"), 1);
	assert_int_equal(knownhosts_match_pattern("a.b.c", "*"), 1);
	assert_int_equal(knownhosts_match_pattern("", "*"), 1);
	assert_int_equal(knownhosts_match_pattern("abc", "a*b*c"), 1);
	assert_int_equal(knownhosts_match_pattern("abd", "a*c"), 0);
	assert_int_equal(knownhosts_match_pattern("WEB", "web"), 1);
	/* no character classes: '[' is literal, as [host]:port needs */
	assert_int_equal(knownhosts_match_pattern("[h]:2222", "[h]:2222"), 1);
	assert_int_equal(knownhosts_match_pattern("[h]:2222", "[h]:*"), 1);
}

static void
test_lists_and_negation(void **state)
{
	const char	*l = "127.0.4.*,!127.0.4.5";

	assert_int_equal(knownhosts_match_list("127.0.4.3", l, strlen(l)), 1);
	assert_int_equal(knownhosts_match_list("127.0.4.5", l, strlen(l)), -1);
	assert_int_equal(knownhosts_match_list("127.0.5.1", l, strlen(l)), 0);
	/* the negation rejects even when listed before the positive match */
	l = "!h2,h*";
	assert_int_equal(knownhosts_match_list("h2", l, strlen(l)), -1);
	assert_int_equal(knownhosts_match_list("h3", l, strlen(l)), 1);
	/* only len bytes are the list */
	assert_int_equal(knownhosts_match_list("a", "a,b", 1), 1);
	assert_int_equal(knownhosts_match_list("b", "a,b", 1), 0);
}

static void
test_hashed(void **state)
{
	assert_int_equal(knownhosts_match_hashed("web1.example.com", H_WEB1,
	    strlen(H_WEB1)), 1);
	assert_int_equal(knownhosts_match_hashed("web2.example.com", H_WEB1,
	    strlen(H_WEB1)), 0);
	assert_int_equal(knownhosts_match_hashed("[10.0.0.5]:2222", H_PORT,
	    strlen(H_PORT)), 1);
	assert_int_equal(knownhosts_match_hashed("x", "|1|bad", 6), 0);
	assert_int_equal(knownhosts_match_hashed("x", "|2|a|b", 6), 0);
	assert_int_equal(decide(H_WEB1 " " ED " " KA "\n", "web1.example.com",
	    22, ED, KA, NULL), KNOWNHOSTS_OK);
	assert_int_equal(decide(H_WEB1 " " ED " " KA "\n", "WEB1.example.com",
	    22, ED, KB, NULL), KNOWNHOSTS_CHANGED);
	assert_int_equal(decide(H_PORT " " ED " " KA "\n", "10.0.0.5", 2222,
	    ED, KA, NULL), KNOWNHOSTS_OK);
	assert_int_equal(decide(H_PORT " " ED " " KA "\n", "10.0.0.5", 22,
	    ED, KA, NULL), KNOWNHOSTS_UNKNOWN);
}

static void
test_plain_ok_changed_unknown(void **state)
{
	const char	*kh = "# a comment\n\nh1,h2 " ED " " KA " root@x\n"
	    "h3 " ED " " KB "\n";
	unsigned long	 line;

	assert_int_equal(decide(kh, "h2", 22, ED, KA, &line), KNOWNHOSTS_OK);
	assert_int_equal(line, 3);
	assert_int_equal(decide(kh, "h3", 22, ED, KA, &line),
	    KNOWNHOSTS_CHANGED);
	assert_int_equal(line, 4);
	assert_int_equal(decide(kh, "h4", 22, ED, KA, NULL),
	    KNOWNHOSTS_UNKNOWN);
	/* another key type known for the host is not a changed key */
	assert_int_equal(decide(kh, "h3", 22, EC, KC, NULL),
	    KNOWNHOSTS_UNKNOWN);
	/* a line with the right key wins over one with a stale key */
	kh = "h1 " ED " " KB "\nh1 " ED " " KA "\n";
	assert_int_equal(decide(kh, "h1", 22, ED, KA, &line), KNOWNHOSTS_OK);
	assert_int_equal(line, 2);
}

static void
test_ports(void **state)
{
	const char	*kh = "[h1]:2222 " ED " " KA "\nh2 " ED " " KA "\n";

	assert_int_equal(decide(kh, "h1", 2222, ED, KA, NULL), KNOWNHOSTS_OK);
	assert_int_equal(decide(kh, "h1", 22, ED, KA, NULL),
	    KNOWNHOSTS_UNKNOWN);
	/* a plain name is port 22 only */
	assert_int_equal(decide(kh, "h2", 2200, ED, KA, NULL),
	    KNOWNHOSTS_UNKNOWN);
	assert_int_equal(decide("[h2]:22 " ED " " KA "\n", "h2", 22, ED, KA,
	    NULL), KNOWNHOSTS_UNKNOWN);
	assert_int_equal(decide("[h*]:* " ED " " KA "\n", "h9", 2200, ED, KA,
	    NULL), KNOWNHOSTS_OK);
}

static void
test_negated_line(void **state)
{
	const char	*kh = "127.0.4.*,!127.0.4.5 " ED " " KA "\n";

	assert_int_equal(decide(kh, "127.0.4.3", 22, ED, KA, NULL),
	    KNOWNHOSTS_OK);
	assert_int_equal(decide(kh, "127.0.4.5", 22, ED, KA, NULL),
	    KNOWNHOSTS_UNKNOWN);
	/* a rejected line does not make the key look changed either */
	assert_int_equal(decide(kh, "127.0.4.5", 22, ED, KB, NULL),
	    KNOWNHOSTS_UNKNOWN);
}

static void
test_revoked(void **state)
{
	unsigned long	 line;
	const char	*kh = "h1 " ED " " KA "\n@revoked * " ED " " KA "\n";

	assert_int_equal(decide(kh, "h1", 22, ED, KA, &line),
	    KNOWNHOSTS_REVOKED);
	assert_int_equal(line, 2);
	/* as ssh: a @revoked line for another host does not concern this one */
	kh = "h1 " ED " " KA "\n@revoked other.host " ED " " KA "\n";
	assert_int_equal(decide(kh, "h1", 22, ED, KA, NULL),
	    KNOWNHOSTS_OK);
	assert_int_equal(decide(kh, "other.host", 22, ED, KA, NULL),
	    KNOWNHOSTS_REVOKED);
	/* another revoked key is no concern of this one */
	kh = "h1 " ED " " KA "\n@revoked * " ED " " KB "\n";
	assert_int_equal(decide(kh, "h1", 22, ED, KA, NULL), KNOWNHOSTS_OK);
	/* revoked and unknown otherwise: still revoked, never added */
	assert_int_equal(decide("@revoked h1 " ED " " KA "\n", "h1", 22, ED,
	    KA, NULL), KNOWNHOSTS_REVOKED);
}

static void
test_cert_authority(void **state)
{
	const char	*kh = "@cert-authority *.example.com " ED " " KA "\n";

	/* the CA's own key offered as a host key is not vouched for */
	assert_int_equal(decide(kh, "w.example.com", 22, ED, KA, NULL),
	    KNOWNHOSTS_CA_ONLY);
	assert_int_equal(decide(kh, "w.example.com", 22, ED, KB, NULL),
	    KNOWNHOSTS_CA_ONLY);
	assert_int_equal(decide(kh, "w.example.org", 22, ED, KB, NULL),
	    KNOWNHOSTS_UNKNOWN);
	/* a plain line decides over the CA line */
	assert_int_equal(decide("w.example.com " ED " " KB "\n" "@cert-authority"
	    " * " ED " " KA "\n", "w.example.com", 22, ED, KB, NULL),
	    KNOWNHOSTS_OK);
}

static void
test_malformed_skipped(void **state)
{
	const char	*kh =
	    "@unknown h1 " ED " " KA "\n"	/* unknown marker */
	    "h1\n"				/* no key */
	    "h1 " ED "\n"			/* no blob */
	    "h1 " ED " not-base64!\n"		/* bad blob */
	    "h1 " EC " " KA "\n"		/* blob of another type */
	    "@revoked\n"
	    "   \t\n"
	    "   # indented comment h1 " ED " " KB "\n"
	    "h1 " ED " " KB "\r\n";		/* CRLF, still read */
	unsigned long	 line;

	assert_int_equal(decide(kh, "h1", 22, ED, KA, &line),
	    KNOWNHOSTS_CHANGED);
	assert_int_equal(line, 9);
	assert_int_equal(decide(kh, "h1", 22, ED, KB, NULL), KNOWNHOSTS_OK);
	/* a server key that is not base64 matches nothing */
	assert_int_equal(decide(kh, "h1", 22, ED, "@@@", NULL),
	    KNOWNHOSTS_UNKNOWN);
}

static void
test_files_and_add(void **state)
{
	struct knownhosts_result	 r = KNOWNHOSTS_RESULT_INIT;
	char				 dir[] = "/tmp/cairn-kh-XXXXXX";
	char				*user, *global, *cause = NULL;
	const char			*files[3];
	struct buf			 b = BUF_INIT;
	FILE				*f;

	assert_non_null(mkdtemp(dir));
	user = xasprintf("%s/ssh/known_hosts", dir);
	global = xasprintf("%s/global", dir);
	f = fopen(global, "w");
	assert_non_null(f);
	fputs("h1 " ED " " KA, f);	/* no final newline */
	fclose(f);
	files[0] = user;		/* missing: empty */
	files[1] = global;
	assert_int_equal(knownhosts_check(files, 2, "h1", 22, ED, KA, &r,
	    &cause), 0);
	assert_int_equal(r.status, KNOWNHOSTS_OK);
	assert_string_equal(r.file, global);
	knownhosts_result_release(&r);

	/* added to the user file (its directory created), plain */
	assert_int_equal(knownhosts_add(user, "[h2]:2222", ED, KB, &cause), 0);
	assert_int_equal(read_file(user, &b), 0);
	assert_string_equal(buf_cstr(&b), "[h2]:2222 " ED " " KB "\n");
	buf_reset(&b);
	assert_int_equal(knownhosts_check(files, 2, "h2", 2222, ED, KB, &r,
	    &cause), 0);
	assert_int_equal(r.status, KNOWNHOSTS_OK);
	assert_string_equal(r.file, user);
	knownhosts_result_release(&r);

	/* as ssh(1): another port falls back on the plain name's key... */
	assert_int_equal(knownhosts_check(files, 2, "h1", 2200, ED, KA, &r,
	    &cause), 0);
	assert_int_equal(r.status, KNOWNHOSTS_OK);
	knownhosts_result_release(&r);
	/* ...but a changed key under it leaves the port's key unknown */
	assert_int_equal(knownhosts_check(files, 2, "h1", 2200, ED, KB, &r,
	    &cause), 0);
	assert_int_equal(r.status, KNOWNHOSTS_UNKNOWN);
	knownhosts_result_release(&r);
	assert_int_equal(knownhosts_check(files, 2, "h1", 22, ED, KB, &r,
	    &cause), 0);
	assert_int_equal(r.status, KNOWNHOSTS_CHANGED);
	knownhosts_result_release(&r);

	/* a file without a final newline gets one before the new line */
	assert_int_equal(knownhosts_add(global, "h3", ED, KB, &cause), 0);
	assert_int_equal(read_file(global, &b), 0);
	assert_string_equal(buf_cstr(&b), "h1 " ED " " KA "\nh3 " ED " " KB
	    "\n");
	buf_release(&b);

	/* a directory where a file should be cannot be read */
	files[2] = dir;
	assert_int_equal(knownhosts_check(files, 3, "h1", 22, ED, KA, &r,
	    &cause), -1);
	assert_non_null(cause);
	free(cause);
	knownhosts_result_release(&r);

	unlink(user);
	unlink(global);
	free(global);
	global = xasprintf("%s/ssh", dir);
	rmdir(global);
	rmdir(dir);
	free(global);
	free(user);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_lists_and_negation),
		cmocka_unit_test(test_hashed),
		cmocka_unit_test(test_plain_ok_changed_unknown),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_negated_line),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_cert_authority),
		cmocka_unit_test(test_malformed_skipped),
		cmocka_unit_test(test_files_and_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
