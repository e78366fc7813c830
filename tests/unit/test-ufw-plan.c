/* Unit tests of ufw's decisions (modules/system/ufw-plan.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/firewall.h"

static const char status[] =
    "Status: active\n"
    "Logging: on (low)\n"
    "Default: deny (incoming), allow (outgoing), disabled (routed)\n"
    "New profiles: skip\n";

static void
test_argv(void **state)
{
	struct ufw_req	 q;
	struct fw_argv	 a = { NULL, 0 };
	char		*s;

	(void)state;
	memset(&q, 0, sizeof q);
	q.rule = "allow";
	q.from_ip = "any";
	q.to_ip = "any";
	q.to_port = "22";
	q.proto = "tcp";
	q.comment = "ssh in";
	ufw_rule_argv(&q, 1, -1, &a);
	s = fw_argv_join(&a, 0);
	assert_string_equal(s, "ufw --dry-run allow from any to any port 22 "
	    "proto tcp comment ssh in");
	free(s);
	fw_argv_release(&a);
	memset(&q, 0, sizeof q);
	q.rule = "deny";
	q.route = 1;
	q.delete = 1;
	q.direction = "in";
	q.interface = "eth0";
	q.log = 1;
	q.from_ip = "10.0.0.0/8";
	q.from_port = "53";
	q.to_ip = "any";
	q.name = "OpenSSH";
	ufw_rule_argv(&q, 0, 2, &a);
	s = fw_argv_join(&a, 0);
	assert_string_equal(s, "ufw route delete insert 2 deny in on eth0 log "
	    "from 10.0.0.0/8 port 53 to any app OpenSSH");
	free(s);
	fw_argv_release(&a);
}

static void
test_insert(void **state)
{
	static const char numbered[] =
	    "Status: active\n\n"
	    "     To                         Action      From\n"
	    "     --                         ------      ----\n"
	    "[ 1] 22/tcp                     ALLOW IN    Anywhere\n"
	    "[ 2] 80/tcp                     ALLOW IN    Anywhere\n"
	    "[ 3] 22/tcp (v6)                ALLOW IN    Anywhere (v6)\n"
	    "[ 4] 80/tcp (v6)                ALLOW IN    Anywhere (v6)\n";
	long	to;

	(void)state;
	ufw_insert_to(numbered, 5, "zero", &to);
	assert_int_equal(to, 5);
	ufw_insert_to(numbered, 0, "first-ipv4", &to);
	assert_int_equal(to, 1);
	ufw_insert_to(numbered, 0, "last-ipv4", &to);
	assert_int_equal(to, 2);
	ufw_insert_to(numbered, 0, "first-ipv6", &to);
	assert_int_equal(to, 3);
	ufw_insert_to(numbered, -1, "last-ipv6", &to);
	assert_int_equal(to, 3);
	/* past the last rule: no insert at all */
	ufw_insert_to(numbered, 1, "last-ipv6", &to);
	assert_int_equal(to, -1);
	ufw_insert_to("Status: inactive\n", 0, "first-ipv4", &to);
	assert_int_equal(to, -1);
}

static void
test_logging_default(void **state)
{
	(void)state;
	assert_false(ufw_logging_changes(status, "on"));
	assert_false(ufw_logging_changes(status, "low"));
	assert_true(ufw_logging_changes(status, "high"));
	assert_true(ufw_logging_changes(status, "off"));
	assert_false(ufw_logging_changes("Logging: off\n", "off"));
	assert_true(ufw_logging_changes("Logging: off\n", "on"));
	assert_true(ufw_logging_changes("Status: inactive\n", "on"));

	assert_false(ufw_default_changes(status, NULL, "deny"));
	assert_true(ufw_default_changes(status, "incoming", "allow"));
	assert_false(ufw_default_changes(status, "outgoing", "allow"));
	/* routed "disabled" never counts as a change */
	assert_false(ufw_default_changes(status, "routed", "allow"));
	assert_true(ufw_default_changes("Status: inactive\n", NULL, "deny"));
}

static void
test_rule_changes(void **state)
{
	static const char pre[] =
	    "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n"
	    "### tuple ### allow tcp 22 ::/0 any ::/0 in\n";

	(void)state;
	assert_false(ufw_rule_changes(pre, "Skipping adding existing rule\n"
	    "Skipping adding existing rule (v6)\n", "any", "any"));
	assert_true(ufw_rule_changes(pre, "*filter\n"
	    "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n"
	    "### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in\n"
	    "COMMIT\n", "any", "any"));
	/* an IPv4 rule: only the IPv4 lines are compared */
	assert_false(ufw_rule_changes(pre,
	    "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n",
	    "0.0.0.0/0", "any"));
	assert_true(ufw_starts_ipv4("10.1.2.3/8"));
	assert_false(ufw_starts_ipv4("any"));
	assert_false(ufw_starts_ipv4("1.2.3"));
	assert_true(ufw_starts_ipv6("2001:db8::1"));
	assert_true(ufw_starts_ipv6("::/0"));
	assert_true(ufw_starts_ipv6("1:2:3:4:5:6:7:8"));
	assert_false(ufw_starts_ipv6("any"));
	assert_false(ufw_starts_ipv6("10.0.0.1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_insert),
		cmocka_unit_test(test_logging_default),
		cmocka_unit_test(test_rule_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
