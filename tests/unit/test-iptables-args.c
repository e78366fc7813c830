/* Unit tests of the iptables argument vector (modules/system/iptables-args.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "system/firewall.h"

static char *
rule(const struct iptables_req *q)
{
	struct fw_argv	 a = { NULL, 0 };
	char		*s;

	iptables_rule(q, &a);
	s = fw_argv_join(&a, 0);
	fw_argv_release(&a);
	return s;
}

static void
test_basic(void **state)
{
	struct iptables_req	 q;
	static const char *const ports[] = { "80", "443", "8081:8083" };
	static const char *const cts[] = { "ESTABLISHED", "RELATED" };
	char			*s;

	(void)state;
	memset(&q, 0, sizeof q);
	q.syn = "ignore";
	s = rule(&q);
	assert_string_equal(s, "");
	free(s);

	q.protocol = "tcp";
	q.destination_port = "22";
	q.source = "!10.0.0.0/8";
	q.jump = "ACCEPT";
	q.comment = "ssh";
	s = rule(&q);
	assert_string_equal(s, "-p tcp ! -s 10.0.0.0/8 -j ACCEPT "
	    "--destination-port 22 -m comment --comment ssh");
	free(s);

	memset(&q, 0, sizeof q);
	q.protocol = "tcp";
	q.destination_ports.v = ports;
	q.destination_ports.n = 3;
	q.ctstate.v = cts;
	q.ctstate.n = 2;
	q.jump = "ACCEPT";
	q.syn = "match";
	s = rule(&q);
	assert_string_equal(s, "-p tcp -j ACCEPT -m multiport "
	    "--dports 80,443,8081:8083 --syn -m conntrack "
	    "--ctstate ESTABLISHED,RELATED");
	free(s);
}

static void
test_matches(void **state)
{
	struct iptables_req	 q;
	static const char *const st[] = { "state" };
	static const char *const cts[] = { "NEW" };
	static const char *const fl[] = { "ALL" };
	static const char *const fs[] = { "ACK", "RST", "SYN", "FIN" };
	char			*s;

	(void)state;
	memset(&q, 0, sizeof q);
	q.match.v = st;
	q.match.n = 1;
	q.ctstate.v = cts;
	q.ctstate.n = 1;
	q.syn = "negate";
	q.src_range = "192.168.1.100-192.168.1.199";
	q.limit = "2/second";
	q.uid_owner = "1000";
	q.reject_with = "tcp-reset";
	q.ip_version = "ipv6";
	q.icmp_type = "echo-request";
	s = rule(&q);
	assert_string_equal(s, "-m state ! --syn --state NEW -m iprange "
	    "--src-range 192.168.1.100-192.168.1.199 -m limit --limit "
	    "2/second -m owner --uid-owner 1000 -j REJECT --reject-with "
	    "tcp-reset --icmpv6-type echo-request");
	free(s);

	memset(&q, 0, sizeof q);
	q.tcp_flags.v = fl;
	q.tcp_flags.n = 1;
	q.tcp_flags_set.v = fs;
	q.tcp_flags_set.n = 4;
	q.have_tcp_flags = 1;
	q.jump = "TEE";
	q.gateway = "10.0.0.9";
	q.match_set = "admins";
	q.match_set_flags = "src";
	q.log_prefix = "x ";
	s = rule(&q);
	assert_string_equal(s, "--tcp-flags ALL ACK,RST,SYN,FIN -j TEE "
	    "--gateway 10.0.0.9 --log-prefix x  -m set --match-set admins "
	    "src");
	free(s);
}

static void
test_command(void **state)
{
	struct iptables_req	 q;
	struct fw_argv		 a = { NULL, 0 };
	struct buf		 b = BUF_INIT;
	char			*s;

	(void)state;
	memset(&q, 0, sizeof q);
	q.table = "nat";
	q.chain = "PREROUTING";
	q.rule_num = "3";
	q.wait = "5";
	q.comment = "it's";
	iptables_command(&q, "-I", 1, &a);
	s = fw_argv_join(&a, 0);
	assert_string_equal(s, "iptables -t nat -I PREROUTING 3 -w 5 "
	    "-m comment --comment it's");
	free(s);
	fw_argv_shell(&b, &a);
	assert_string_equal(buf_cstr(&b), "'iptables' '-t' 'nat' '-I' "
	    "'PREROUTING' '3' '-w' '5' '-m' 'comment' '--comment' "
	    "'it'\\''s'");
	buf_release(&b);
	fw_argv_release(&a);
	/* the rule number only goes with -I, no rule with make_rule 0 */
	iptables_command(&q, "-C", 0, &a);
	s = fw_argv_join(&a, 0);
	assert_string_equal(s, "iptables -t nat -C PREROUTING");
	free(s);
	fw_argv_release(&a);
	q.chain = NULL;
	q.ip_version = "ipv6";
	iptables_command(&q, "-F", 0, &a);
	s = fw_argv_join(&a, 0);
	assert_string_equal(s, "ip6tables -t nat -F");
	free(s);
	fw_argv_release(&a);
}

static void
test_policy(void **state)
{
	char	*p;

	(void)state;
	p = iptables_policy("Chain INPUT (policy DROP)\n"
	    "target     prot opt source               destination\n");
	assert_string_equal(p, "DROP");
	free(p);
	assert_null(iptables_policy("Chain mine (0 references)\n"
	    "(policy ACCEPT)\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
