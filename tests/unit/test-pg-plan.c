/* Unit tests of the PostgreSQL decisions (modules/database/pg-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "database/db.h"

static void
check_flags(const char *in, const char *want)
{
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;

	assert_int_equal(pg_role_flags_parse(in, &b, &cause), 0);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void
test_flags_parse(void **state)
{
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;

	(void)state;
	check_flags("", "");
	check_flags("createdb,NOsuperuser", "CREATEDB NOSUPERUSER");
	check_flags("LOGIN,login,,BYPASSRLS", "LOGIN BYPASSRLS");
	assert_int_equal(pg_role_flags_parse("CREATEDB,SUPERPOWERS", &b,
	    &cause), -1);
	assert_string_equal(cause, "Invalid role_attr_flags specified: "
	    "SUPERPOWERS");
	free(cause);
	cause = NULL;
	/* flags go into SQL as they are: nothing else passes */
	assert_int_equal(pg_role_flags_parse("LOGIN; DROP ROLE x", &b,
	    &cause), -1);
	free(cause);
	buf_release(&b);
}

static void
test_flags_changing(void **state)
{
	/* SUPERUSER CREATEROLE CREATEDB INHERIT LOGIN REPLICATION BYPASSRLS */
	const char *const cur[PG_NROLE_FLAGS] = {
		"f", "f", "t", "t", "t", "f", "f"
	};

	(void)state;
	assert_false(pg_role_flags_changing("CREATEDB NOSUPERUSER", cur));
	assert_false(pg_role_flags_changing("LOGIN INHERIT", cur));
	assert_true(pg_role_flags_changing("NOCREATEDB", cur));
	assert_true(pg_role_flags_changing("SUPERUSER", cur));
	assert_true(pg_role_flags_changing("CREATEDB REPLICATION", cur));
}

static void
test_password_changing(void **state)
{
	const char *scram = "SCRAM-SHA-256$4096:wl1dT8NoDwwwqNMm3EBoJg==$"
	    "/2bZtQzsRWldspmzBKOCG4mcl9+u2e5qGdk5/750Irw=:"
	    "SaxqQis/ctzLsXcPYhtXKyT2TFyBaNDxv1VXr/2+mdk=";
	const char *md5 = "md54a0a68b43b6cd5cf266fa02f196e2371";

	(void)state;
	assert_false(pg_password_changing(NULL, 1, "alice", scram));
	/* "" removes a password */
	assert_false(pg_password_changing("", 1, "alice", NULL));
	assert_true(pg_password_changing("", 1, "alice", scram));
	/* the clear text checked against the stored verifier */
	assert_false(pg_password_changing("secret", 1, "alice", scram));
	assert_true(pg_password_changing("Secret", 1, "alice", scram));
	/* a verifier given is compared as it is */
	assert_false(pg_password_changing(scram, 1, "alice", scram));
	assert_true(pg_password_changing(scram, 1, "alice", md5));
	/* md5: md5(password || user) */
	assert_false(pg_password_changing("secret", 1, "alice", md5));
	assert_true(pg_password_changing("secret", 1, "bob", md5));
	assert_false(pg_password_changing(md5, 1, "bob", md5));
	assert_true(pg_password_changing("secret", 1, "alice", NULL));
	/* UNENCRYPTED compares the clear text */
	assert_false(pg_password_changing("secret", 0, "alice", "secret"));
}

static char *
grant_sql(struct pg_grant *g)
{
	struct buf	b = BUF_INIT;

	pg_grant_sql(&b, g);
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

static void
test_grant_sql(void **state)
{
	char		*privs[] = { "SELECT", "INSERT" };
	char		*objs[] = { "items", "we\"ird" };
	char		*funcs[] = { "f1(int,text)" };
	char		*defaults[] = { "TABLES" };
	char		*groups[] = { "admins" };
	struct pg_grant	 g = {
		"table", "public", privs, 2, objs, 2, NULL, "\"reader\"",
		NULL, 1, -1, 1
	};
	char		*s;

	(void)state;
	s = grant_sql(&g);
	assert_string_equal(s, "GRANT SELECT,INSERT ON table "
	    "\"public\".\"items\",\"public\".\"we\"\"ird\" TO \"reader\";\n");
	free(s);
	g.present = 0;
	s = grant_sql(&g);
	assert_string_equal(s, "REVOKE SELECT,INSERT ON table "
	    "\"public\".\"items\",\"public\".\"we\"\"ird\" FROM \"reader\";\n");
	free(s);
	g.present = 1;
	g.grant_option = 0;
	g.nobjs = 1;
	g.orig = "ALL TABLES IN SCHEMA";
	s = grant_sql(&g);
	assert_string_equal(s, "GRANT SELECT,INSERT ON ALL TABLES IN SCHEMA "
	    "\"public\" TO \"reader\";\nREVOKE GRANT OPTION FOR SELECT,INSERT "
	    "ON ALL TABLES IN SCHEMA \"public\" FROM \"reader\";\n");
	free(s);
	g.orig = NULL;
	g.type = "function";
	g.objs = funcs;
	g.privs = privs;
	g.nprivs = 1;
	g.grant_option = 1;
	s = grant_sql(&g);
	assert_string_equal(s, "GRANT SELECT ON function \"public\".\"f1\""
	    "(int,text) TO \"reader\" WITH GRANT OPTION;\n");
	free(s);
	g.type = "foreign_server";
	g.schema = NULL;
	g.objs = objs;
	g.grant_option = -1;
	s = grant_sql(&g);
	assert_string_equal(s, "GRANT SELECT ON foreign server \"items\" TO "
	    "\"reader\";\n");
	free(s);
	g.type = "group";
	g.objs = groups;
	g.grant_option = 1;
	s = grant_sql(&g);
	assert_string_equal(s, "GRANT \"admins\" TO \"reader\" WITH ADMIN "
	    "OPTION;\n");
	free(s);
	g.type = "default_privs";
	g.schema = "app";
	g.objs = defaults;
	g.as_who = "\"owner\"";
	g.grant_option = -1;
	s = grant_sql(&g);
	assert_string_equal(s, "ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" "
	    "IN SCHEMA \"app\" REVOKE ALL ON TABLES FROM \"reader\";\n"
	    "ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA \"app\" "
	    "GRANT SELECT ON TABLES TO \"reader\";\n"
	    "ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA \"app\" "
	    "GRANT USAGE ON TYPES TO \"reader\";\n");
	free(s);
}

static void
test_status_sql(void **state)
{
	char		*objs[] = { "it's" };
	struct pg_grant	 g = {
		"table", "public", NULL, 0, objs, 1, NULL, "PUBLIC", NULL, 1,
		-1, 1
	};
	struct buf	 b = BUF_INIT;

	(void)state;
	pg_grant_status_sql(&b, &g, "B");
	assert_non_null(strstr(buf_cstr(&b), "SELECT 'B', coalesce(relacl"));
	assert_non_null(strstr(buf_cstr(&b), "AND nspname = E'public'"));
	assert_non_null(strstr(buf_cstr(&b),
	    "relname = ANY (ARRAY[E'it\\'s']::text[])"));
	buf_reset(&b);
	g.type = "database";
	g.schema = NULL;
	pg_grant_status_sql(&b, &g, "A");
	assert_string_equal(buf_cstr(&b), "SELECT 'A', coalesce(datacl::text, "
	    "'') FROM pg_catalog.pg_database WHERE datname = ANY "
	    "(ARRAY[E'it\\'s']::text[]);\n");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_parse),
		cmocka_unit_test(test_flags_changing),
		cmocka_unit_test(test_password_changing),
		cmocka_unit_test(test_grant_sql),
		cmocka_unit_test(test_status_sql),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
