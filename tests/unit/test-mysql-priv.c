/* Unit tests of mysql_user's privilege handling (mysql-priv.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "database/db.h"

/* "on=P1|P2;on2=..." for compact comparisons. */
static char *
dump(const struct mysql_privs *p)
{
	struct buf	b = BUF_INIT;
	size_t		i, j;

	for (i = 0; i < p->n; i++) {
		buf_addf(&b, "%s%s=", i > 0 ? ";" : "", p->v[i].on);
		for (j = 0; j < p->v[i].n; j++)
			buf_addf(&b, "%s%s", j > 0 ? "|" : "", p->v[i].privs[j]);
	}
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

static void
check_unpack(const char *in, int ansi, int usage, const char *want)
{
	struct mysql_privs	 p = MYSQL_PRIVS_INIT;
	char			*cause = NULL, *s;

	assert_int_equal(mysql_privs_unpack(in, ansi, usage, &p, &cause), 0);
	s = dump(&p);
	assert_string_equal(s, want);
	free(s);
	mysql_privs_release(&p);
}

static void
test_unpack(void **state)
{
	(void)state;
	check_unpack("mydb.*:INSERT,UPDATE/anotherdb.*:SELECT/yetanother.*:ALL",
	    0, 1, "`mydb`.*=INSERT|UPDATE;`anotherdb`.*=SELECT;"
	    "`yetanother`.*=ALL;*.*=USAGE");
	check_unpack("*.*:ALL,GRANT", 0, 1, "*.*=ALL|GRANT");
	check_unpack("db.t:select", 0, 0, "`db`.`t`=SELECT");
	check_unpack("`db`.`t`:SELECT", 0, 0, "`db`.`t`=SELECT");
	check_unpack("db.t:SELECT", 1, 0, "\"db\".\"t\"=SELECT");
	/* Ansible keeps the blank after a comma (no column list) */
	check_unpack("db.*:SELECT, INSERT", 0, 0, "`db`.*=SELECT| INSERT");
	check_unpack("FUNCTION db.f:EXECUTE", 0, 0,
	    "FUNCTION `db`.`f`=EXECUTE");
	check_unpack("PROCEDURE db.p:EXECUTE", 0, 0,
	    "PROCEDURE `db`.`p`=EXECUTE");
	/* a later item for the same object replaces the earlier one */
	check_unpack("db.*:SELECT/db.*:INSERT", 0, 0, "`db`.*=INSERT");
	check_unpack("  db.*:SELECT  ", 0, 0, "`db`.*=SELECT");
	check_unpack("my.db.t:SELECT", 0, 0, "`my.db`.`t`=SELECT");
}

static void
test_unpack_columns(void **state)
{
	(void)state;
	/* Ansible upper-cases the whole list, column names too */
	check_unpack("db.t:SELECT (b, a),INSERT", 0, 0,
	    "`db`.`t`=SELECT (A, B)|INSERT");
	check_unpack("db.t:select (colB,colA), update (x)", 0, 0,
	    "`db`.`t`=SELECT (COLA, COLB)|UPDATE (X)");
	check_unpack("db.t:INSERT,SELECT (`c`, a)", 0, 0,
	    "`db`.`t`=INSERT|SELECT (A, C)");
}

static void
test_unpack_hostile(void **state)
{
	struct mysql_privs	 p = MYSQL_PRIVS_INIT;
	char			*cause = NULL, *s;

	(void)state;
	/* names are quoted, embedded backquotes doubled */
	check_unpack("we`ird.*:SELECT", 0, 0, "`we``ird`.*=SELECT");
	assert_int_equal(mysql_privs_unpack("db.*:SELECT; DROP DATABASE x",
	    0, 0, &p, &cause), -1);
	assert_non_null(strstr(cause, "Invalid privileges specified"));
	free(cause);
	cause = NULL;
	assert_int_equal(mysql_privs_unpack("db.t:SELECT (a'b)", 0, 0, &p,
	    &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(mysql_privs_unpack("db.*", 0, 0, &p, &cause), -1);
	assert_non_null(strstr(cause, "invalid privileges string"));
	free(cause);
	s = dump(&p);
	assert_string_equal(s, "");
	free(s);
}

static void
test_dict_to_str(void **state)
{
	struct value	*d = value_dict();
	char		*s;

	(void)state;
	value_dict_setstr(d, "db1.*", "SELECT,INSERT");
	value_dict_setstr(d, "*.*", "PROCESS");
	s = mysql_priv_dict_to_str(d);
	assert_string_equal(s, "db1.*:SELECT,INSERT/*.*:PROCESS");
	free(s);
	value_unref(d);
}

static void
check_grants(char **lines, size_t n, const char *want)
{
	struct mysql_privs	 p = MYSQL_PRIVS_INIT;
	char			*cause = NULL, *s;

	assert_int_equal(mysql_privs_from_grants(lines, n, &p, &cause), 0);
	s = dump(&p);
	assert_string_equal(s, want);
	free(s);
	mysql_privs_release(&p);
}

static void
test_grants(void **state)
{
	char	*mariadb[] = {
		"GRANT PROCESS ON *.* TO `bob`@`localhost` IDENTIFIED BY "
		    "PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
		"GRANT SELECT, INSERT ON `app`.* TO `bob`@`localhost`",
		"GRANT ALL PRIVILEGES ON `shop`.* TO `bob`@`localhost` WITH "
		    "GRANT OPTION",
		"GRANT SELECT (`b`, `a`), INSERT ON `app`.`t1` TO "
		    "`bob`@`localhost`",
		"GRANT `admin` TO `bob`@`localhost`",
	};
	char	*mysql[] = {
		"GRANT USAGE ON *.* TO 'u'@'%'",
		"GRANT EXECUTE ON PROCEDURE `db`.`p` TO 'u'@'%'",
	};
	struct mysql_privs	 p = MYSQL_PRIVS_INIT;
	char			*bad[] = { "REVOKE ALL" }, *cause = NULL;

	(void)state;
	check_grants(mariadb, ARRAY_SIZE(mariadb), "*.*=PROCESS;"
	    "`app`.*=SELECT|INSERT;`shop`.*=ALL|GRANT;"
	    "`app`.`t1`=SELECT (a, b)|INSERT");
	check_grants(mysql, ARRAY_SIZE(mysql),
	    "*.*=USAGE;PROCEDURE `db`.`p`=EXECUTE");
	assert_int_equal(mysql_privs_from_grants(bad, 1, &p, &cause), -1);
	assert_string_equal(cause, "unable to parse the MySQL grant string: "
	    "REVOKE ALL");
	free(cause);
}

/* The plan as "R|G on privs [go]" steps. */
static char *
plan_of(const char *cur_s, const char *want_s, int append, int subtract,
    const char *user, char **msg)
{
	struct mysql_privs	 cur = MYSQL_PRIVS_INIT, want = MYSQL_PRIVS_INIT;
	struct mysql_priv_plan	 plan = MYSQL_PRIV_PLAN_INIT;
	struct buf		 b = BUF_INIT;
	char			*cause = NULL;
	size_t			 i, j;

	assert_int_equal(mysql_privs_unpack(cur_s, 0, 1, &cur, &cause), 0);
	assert_int_equal(mysql_privs_unpack(want_s, 0, !subtract, &want,
	    &cause), 0);
	mysql_priv_plan(&cur, &want, append, subtract, user, &plan);
	for (i = 0; i < plan.n; i++) {
		buf_addf(&b, "%s%s %s ", i > 0 ? "; " : "",
		    plan.v[i].revoke ? "R" : "G", plan.v[i].on);
		for (j = 0; j < plan.v[i].n; j++)
			buf_addf(&b, "%s%s", j > 0 ? "," : "",
			    plan.v[i].privs[j]);
		if (plan.v[i].grant_option)
			buf_adds(&b, " go");
		if (plan.v[i].certain)
			buf_adds(&b, " !");
	}
	if (msg != NULL)
		*msg = plan.msg != NULL ? xstrdup(plan.msg) : NULL;
	mysql_priv_plan_release(&plan);
	mysql_privs_release(&cur);
	mysql_privs_release(&want);
	buf_cstr(&b);
	return buf_detach(&b, NULL);
}

static void
check_plan(const char *cur, const char *want, int append, int subtract,
    const char *user, const char *expect)
{
	char	*s = plan_of(cur, want, append, subtract, user, NULL);

	assert_string_equal(s, expect);
	free(s);
}

static void
test_plan(void **state)
{
	char	*msg, *s;

	(void)state;
	/* same privileges: nothing */
	check_plan("app.*:SELECT,INSERT", "app.*:SELECT,INSERT", 0, 0, "bob",
	    "");
	/* an object no longer wanted is revoked, a new one granted */
	check_plan("app.*:SELECT/old.*:ALL", "app.*:SELECT/new.*:INSERT", 0, 0,
	    "bob", "R `old`.* ALL !; G `new`.* INSERT !");
	/* root keeps what it has */
	check_plan("old.*:ALL", "*.*:USAGE", 0, 0, "root", "");
	/* differences on a shared object */
	check_plan("app.*:SELECT,INSERT", "app.*:SELECT,DELETE", 0, 0, "bob",
	    "R `app`.* INSERT; G `app`.* DELETE");
	/* ALL: only GRANT and PROXY are worth revoking */
	check_plan("app.*:SELECT,INSERT,GRANT", "app.*:ALL", 0, 0, "bob",
	    "R `app`.* GRANT go; G `app`.* ALL");
	/* append: grants only */
	check_plan("app.*:SELECT", "app.*:INSERT", 1, 0, "bob",
	    "G `app`.* INSERT");
	check_plan("app.*:SELECT/x.*:ALL", "app.*:SELECT", 1, 0, "bob", "");
	/* subtract: revokes of what is held only */
	check_plan("app.*:SELECT,DELETE", "app.*:DELETE,INSERT", 0, 1, "bob",
	    "R `app`.* DELETE");
	/* GRANT OPTION alone needs USAGE */
	check_plan("app.*:SELECT", "app.*:SELECT,GRANT", 0, 0, "bob",
	    "G `app`.* GRANT,USAGE");
	s = plan_of("app.*:SELECT", "app.*:INSERT", 0, 0, "bob", &msg);
	assert_string_equal(msg, "Privileges updated: granted ['INSERT'], "
	    "revoked ['SELECT']");
	free(msg);
	free(s);
}

static void
test_act_sql(void **state)
{
	char			*privs[] = { "SELECT", "GRANT" };
	struct mysql_priv_act	 g = { 0, 0, 1, "`app`.*", privs, 2 };
	struct mysql_priv_act	 r = { 1, 1, 0, "`app`.*", privs, 2 };
	struct buf		 b = BUF_INIT;

	(void)state;
	mysql_priv_act_sql(&b, &g, "o'neil", "%");
	assert_string_equal(buf_cstr(&b), "GRANT SELECT ON `app`.* TO "
	    "'o''neil'@'%' WITH GRANT OPTION;\n");
	buf_reset(&b);
	mysql_priv_act_sql(&b, &r, "bob", "localhost");
	assert_string_equal(buf_cstr(&b), "REVOKE GRANT OPTION ON `app`.* "
	    "FROM 'bob'@'localhost';\nREVOKE SELECT ON `app`.* FROM "
	    "'bob'@'localhost';\nFLUSH PRIVILEGES;\n");
	buf_release(&b);
}

static void
test_tls(void **state)
{
	struct value	*d = value_dict();
	char		*s;

	(void)state;
	assert_null(mysql_tls_wanted(NULL));
	assert_null(mysql_tls_wanted(d));
	value_dict_set(d, "ssl", value_null());
	s = mysql_tls_wanted(d);
	assert_string_equal(s, "SSL");
	free(s);
	value_dict_set(d, "X509", value_null());
	s = mysql_tls_wanted(d);
	assert_string_equal(s, "X509");
	free(s);
	value_dict_setstr(d, "subject", "/CN=o'k");
	value_dict_setstr(d, "CIPHER", "ECDHE");
	s = mysql_tls_wanted(d);
	/* always in one order, so that the server's compares */
	assert_string_equal(s, "CIPHER 'ECDHE' AND SUBJECT '/CN=o''k'");
	free(s);
	value_unref(d);

	assert_null(mysql_tls_from_create("CREATE USER `u`@`%` IDENTIFIED BY "
	    "PASSWORD '*AB'"));
	assert_null(mysql_tls_from_create("CREATE USER `u`@`%` REQUIRE NONE"));
	s = mysql_tls_from_create("CREATE USER `r`@`%` IDENTIFIED BY PASSWORD "
	    "'*BC' REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 5");
	assert_string_equal(s, "SSL");
	free(s);
	s = mysql_tls_from_create("CREATE USER `r`@`%` REQUIRE SUBJECT "
	    "'/CN=x' AND CIPHER 'ECDHE' WITH MAX_QUERIES_PER_HOUR 5");
	assert_string_equal(s, "CIPHER 'ECDHE' AND SUBJECT '/CN=x'");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unpack),
		cmocka_unit_test(test_unpack_columns),
		cmocka_unit_test(test_unpack_hostile),
		cmocka_unit_test(test_dict_to_str),
		cmocka_unit_test(test_grants),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_act_sql),
		cmocka_unit_test(test_tls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
