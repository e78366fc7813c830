/* Unit tests for engine/sshargs.c: OpenSSH arguments as Ansible users write them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "sshargs.h"

static void
test_option_forms(void **state)
{
	struct sshargs	 sa;
	char		*cause = NULL;

	sshargs_init(&sa);
	assert_int_equal(sshargs_parse(&sa, "-o StrictHostKeyChecking=no "
	    "-oUserKnownHostsFile=/dev/null -o 'ProxyCommand ssh -W %h:%p b' "
	    "-o \"Port = 2222\" -o user=deploy", NULL, &cause), 0);
	assert_int_equal(sa.hkc, HKC_OFF);
	assert_string_equal(sa.known_hosts, "/dev/null");
	assert_string_equal(sa.proxy_command, "ssh -W %h:%p b");
	assert_int_equal(sa.port, 2222);
	assert_string_equal(sa.user, "deploy");
	assert_int_equal(sa.nignored, 0);
	sshargs_release(&sa);
}

static void
test_short_options(void **state)
{
	struct sshargs	 sa;
	char		*cause = NULL;

	sshargs_init(&sa);
	assert_int_equal(sshargs_parse(&sa, "-i ~/.ssh/k -p2200 -l root "
	    "-J bastion:2222 -F /etc/cfg -qC -vvv -c aes128-ctr", "/home/u",
	    &cause), 0);
	assert_string_equal(sa.identity, "/home/u/.ssh/k");
	assert_int_equal(sa.port, 2200);
	assert_string_equal(sa.user, "root");
	assert_string_equal(sa.proxy_jump, "bastion:2222");
	assert_string_equal(sa.config, "/etc/cfg");
	assert_int_equal(sa.compression, 1);
	assert_string_equal(sa.ciphers, "aes128-ctr");
	assert_int_equal(sa.nignored, 0);
	sshargs_release(&sa);
}

static void
test_first_value_wins(void **state)
{
	struct sshargs	 sa;
	char		*cause = NULL;

	sshargs_init(&sa);
	/* the common arguments, then the extra ones, as Ansible orders them */
	assert_int_equal(sshargs_parse(&sa, "-o Port=2201 -o "
	    "StrictHostKeyChecking=accept-new", NULL, &cause), 0);
	assert_int_equal(sshargs_parse(&sa, "-p 2202 -o "
	    "StrictHostKeyChecking=yes -o Compression=no -C", NULL, &cause),
	    0);
	assert_int_equal(sa.port, 2201);
	assert_int_equal(sa.hkc, HKC_ACCEPT_NEW);
	assert_int_equal(sa.compression, 0);
	sshargs_release(&sa);
}

static void
test_known_and_unknown(void **state)
{
	struct sshargs	 sa;
	char		*cause = NULL;

	sshargs_init(&sa);
	assert_int_equal(sshargs_parse(&sa, "-o ControlMaster=auto "
	    "-o ControlPersist=60s -o ControlPath=/tmp/%r -o ForwardAgent=yes "
	    "-o forwardagent=no -A -4 -o IdentitiesOnly=yes "
	    "-o ConnectTimeout=5 -o ServerAliveInterval=30 "
	    "-o ServerAliveCountMax=3 -o KexAlgorithms=curve25519-sha256 "
	    "-o HostKeyAlgorithms=ssh-ed25519 "
	    "-o PubkeyAcceptedKeyTypes=+ssh-rsa "
	    "-o GlobalKnownHostsFile=/etc/kh -L 8080:localhost:80", NULL,
	    &cause), 0);
	/* once per name, whatever its case */
	assert_int_equal(sa.nignored, 4);
	assert_string_equal(sa.ignored[0], "ForwardAgent");
	assert_string_equal(sa.ignored[1], "-A");
	assert_string_equal(sa.ignored[2], "-4");
	assert_string_equal(sa.ignored[3], "-L");
	assert_int_equal(sa.identities_only, 1);
	assert_int_equal(sa.timeout, 5);
	assert_int_equal(sa.alive_interval, 30);
	assert_int_equal(sa.alive_count, 3);
	assert_string_equal(sa.kex, "curve25519-sha256");
	assert_string_equal(sa.hostkeys, "ssh-ed25519");
	assert_string_equal(sa.pubkey_types, "+ssh-rsa");
	assert_string_equal(sa.global_known_hosts, "/etc/kh");
	sshargs_release(&sa);
}

static void
test_errors(void **state)
{
	const char	*bad[] = {
		"-o Port=http",		/* not a number */
		"-p",			/* no value */
		"-o",
		"-o Compression=maybe",
		"-o StrictHostKeyChecking=perhaps",
		"-o 'Port'",		/* no value */
		"host.example.com",	/* not an option */
		"-o 'unterminated",
	};
	struct sshargs	 sa;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sshargs_init(&sa);
		cause = NULL;
		assert_int_equal(sshargs_parse(&sa, bad[i], NULL, &cause), -1);
		assert_non_null(cause);
		free(cause);
		sshargs_release(&sa);
	}
	sshargs_init(&sa);
	assert_int_equal(sshargs_parse(&sa, NULL, NULL, &cause), 0);
	assert_int_equal(sshargs_parse(&sa, "", NULL, &cause), 0);
	assert_int_equal(sa.hkc, -1);
	sshargs_release(&sa);
	sshargs_release(NULL);
}

static void
test_strict_values(void **state)
{
	const struct {
		const char	*v;
		int		 hkc;
	} cases[] = {
		{ "yes", HKC_STRICT }, { "ask", HKC_STRICT },
		{ "no", HKC_OFF }, { "off", HKC_OFF },
		{ "accept-new", HKC_ACCEPT_NEW },
	};
	struct sshargs	 sa;
	char		*args, *cause = NULL;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sshargs_init(&sa);
		args = xasprintf("-o StrictHostKeyChecking=%s", cases[i].v);
		assert_int_equal(sshargs_parse(&sa, args, NULL, &cause), 0);
		assert_int_equal(sa.hkc, cases[i].hkc);
		free(args);
		sshargs_release(&sa);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_forms),
		cmocka_unit_test(test_short_options),
		cmocka_unit_test(test_first_value_wins),
		cmocka_unit_test(test_known_and_unknown),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_strict_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
