/* Unit tests of the database family's quoting and parsing (db-sql.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "database/db.h"

typedef void (*quote_fn)(struct buf *, const char *);

static void
check_quote(quote_fn f, const char *in, const char *want)
{
	struct buf	b = BUF_INIT;

	f(&b, in);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void
test_mysql_quote(void **state)
{
	(void)state;
	check_quote(mysql_quote_ident, "app", "`app`");
	check_quote(mysql_quote_ident, "a`; DROP DATABASE x; -- `",
	    "`a``; DROP DATABASE x; -- ```");
	check_quote(mysql_quote_ident, "", "``");
	check_quote(mysql_quote_literal, "bob", "'bob'");
	check_quote(mysql_quote_literal, "o'brien", "'o''brien'");
	/* a backslash must not escape the closing quote */
	check_quote(mysql_quote_literal, "x\\", "'x\\\\'");
	check_quote(mysql_quote_literal, "x\\'; DROP USER root; -- ",
	    "'x\\\\''; DROP USER root; -- '");
	check_quote(mysql_quote_literal, "a\032b", "'a\\Zb'");
}

static void
test_mysql_quote_ansi(void **state)
{
	struct buf	b = BUF_INIT;

	(void)state;
	mysql_quote_ident_mode(&b, "we\"ird`", 1);
	assert_string_equal(buf_cstr(&b), "\"we\"\"ird`\"");
	buf_release(&b);
}

static void
test_pg_quote(void **state)
{
	(void)state;
	check_quote(pg_quote_ident, "shop", "\"shop\"");
	check_quote(pg_quote_ident, "a\"; DROP ROLE x; --",
	    "\"a\"\"; DROP ROLE x; --\"");
	check_quote(pg_quote_literal, "it's", "E'it\\'s'");
	check_quote(pg_quote_literal, "x\\'; DROP TABLE t; --",
	    "E'x\\\\\\'; DROP TABLE t; --'");
	check_quote(pg_quote_conninfo, "my db's", "'my db\\'s'");
	check_quote(pg_quote_conninfo, "a\\b", "'a\\\\b'");
}

static void
test_option_values(void **state)
{
	struct buf	b = BUF_INIT;

	(void)state;
	assert_int_equal(mysql_option_value(&b, "p\"w\\x\ny"), 0);
	assert_string_equal(buf_cstr(&b), "\"p\\\"w\\\\x\\ny\"");
	buf_reset(&b);
	assert_int_equal(pg_pgpass_value(&b, "a:b\\c"), 0);
	assert_string_equal(buf_cstr(&b), "a\\:b\\\\c");
	buf_reset(&b);
	assert_int_equal(pg_pgpass_value(&b, "two\nlines"), -1);
	buf_release(&b);
}

static void
test_rows_mysql(void **state)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	const char	*out = "a\tb\\tc\n\\\\x\\ny\tNULL\n";

	(void)state;
	db_rows_parse_mysql(out, strlen(out), &rows);
	assert_int_equal(rows.n, 2);
	assert_string_equal(db_rows_get(&rows, 0, 0), "a");
	assert_string_equal(db_rows_get(&rows, 0, 1), "b\tc");
	assert_string_equal(db_rows_get(&rows, 1, 0), "\\x\ny");
	assert_string_equal(db_rows_get(&rows, 1, 1), "NULL");
	assert_null(db_rows_get(&rows, 1, 2));
	assert_null(db_rows_get(&rows, 2, 0));
	db_rows_release(&rows);
	db_rows_parse_mysql("", 0, &rows);
	assert_int_equal(rows.n, 0);
	db_rows_release(&rows);
}

static void
test_rows_pg(void **state)
{
	struct db_rows	 rows = DB_ROWS_INIT;
	const char	*out = "alice\037t\036bob\037two\nlines\n";
	const char	*multi = "B\037{a=r/p}\nA\037{a=rw/p}\036A\037\n";

	(void)state;
	db_rows_parse_pg(out, strlen(out), 0, &rows);
	assert_int_equal(rows.n, 2);
	assert_string_equal(db_rows_get(&rows, 0, 0), "alice");
	assert_string_equal(db_rows_get(&rows, 0, 1), "t");
	assert_string_equal(db_rows_get(&rows, 1, 1), "two\nlines");
	db_rows_release(&rows);
	db_rows_parse_pg(multi, strlen(multi), 1, &rows);
	assert_int_equal(rows.n, 3);
	assert_string_equal(db_rows_get(&rows, 0, 0), "B");
	assert_string_equal(db_rows_get(&rows, 1, 1), "{a=rw/p}");
	assert_string_equal(db_rows_get(&rows, 2, 1), "");
	db_rows_release(&rows);
	db_rows_parse_pg("\n", 1, 0, &rows);
	assert_int_equal(rows.n, 0);
	db_rows_release(&rows);
}

static void
test_mysql_hash(void **state)
{
	char	h[42];

	(void)state;
	/* SELECT PASSWORD('password') */
	mysql_native_hash("password", h);
	assert_string_equal(h, "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
	assert_true(mysql_is_hash(h));
	assert_false(mysql_is_hash("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1"));
	assert_false(mysql_is_hash("password"));
	assert_false(mysql_is_hash("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1EZZ"));
}

static void
test_pg_passwords(void **state)
{
	char	md5[36];
	/* PostgreSQL 15 for: CREATE ROLE x PASSWORD 'secret' */
	const char *scram = "SCRAM-SHA-256$4096:wl1dT8NoDwwwqNMm3EBoJg==$"
	    "/2bZtQzsRWldspmzBKOCG4mcl9+u2e5qGdk5/750Irw=:"
	    "SaxqQis/ctzLsXcPYhtXKyT2TFyBaNDxv1VXr/2+mdk=";

	(void)state;
	/* md5('secret' || 'alice') */
	pg_md5_password("secret", "alice", md5);
	assert_string_equal(md5, "md54a0a68b43b6cd5cf266fa02f196e2371");
	assert_true(pg_is_scram(scram));
	assert_false(pg_is_scram(md5));
	assert_int_equal(pg_scram_verify(scram, "secret"), 1);
	assert_int_equal(pg_scram_verify(scram, "Secret"), 0);
	assert_int_equal(pg_scram_verify(md5, "secret"), -1);
	assert_int_equal(pg_scram_verify("SCRAM-SHA-256$x:y$z:w", "s"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mysql_quote),
		cmocka_unit_test(test_mysql_quote_ansi),
		cmocka_unit_test(test_pg_quote),
		cmocka_unit_test(test_option_values),
		cmocka_unit_test(test_rows_mysql),
		cmocka_unit_test(test_rows_pg),
		cmocka_unit_test(test_mysql_hash),
		cmocka_unit_test(test_pg_passwords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
