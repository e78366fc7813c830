/* Unit tests of modules/commands/command-plan.c: command's and shell's decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "commands/command-common.h"

static struct value *
list2(const char *a, const char *b)
{
	struct value	*l = value_list();

	value_list_append(l, value_str(a));
	value_list_append(l, value_str(b));
	return l;
}

static void
test_command_cmd(void **state)
{
	struct value	*argv = list2("echo", "a b"), *empty = value_list();
	struct value	*c;
	char		*cause = NULL;

	(void)state;
	c = command_cmd("echo 'a b'", NULL, 0, &cause);
	assert_int_equal(c->type, V_LIST);
	assert_int_equal(c->u.list.n, 2);
	assert_string_equal(c->u.list.items[1]->u.str.s, "a b");
	value_unref(c);
	c = command_cmd("echo $HOME | wc", NULL, 1, &cause);
	assert_string_equal(c->u.str.s, "echo $HOME | wc");
	value_unref(c);
	/* shell with argv: quoted and joined. */
	c = command_cmd(NULL, argv, 1, &cause);
	assert_string_equal(c->u.str.s, "'echo' 'a b'");
	value_unref(c);
	/* A blank text and an empty argv are no command. */
	c = command_cmd("  ", empty, 0, &cause);
	assert_null(c);
	assert_string_equal(cause, "no command given");
	free(cause);
	cause = NULL;
	assert_null(command_cmd("ls", argv, 0, &cause));
	assert_string_equal(cause,
	    "only command or argv can be specified, not both");
	free(cause);
	cause = NULL;
	assert_null(command_cmd("echo 'open", NULL, 0, &cause));
	assert_non_null(cause);
	free(cause);
	value_unref(argv);
	value_unref(empty);
}

static void
test_command_script(void **state)
{
	struct value	*cmd = list2("ls", "$X");
	struct value	*sh = value_str("echo hi");
	struct buf	 s = BUF_INIT;

	(void)state;
	command_script(&s, sh, 1, "/tmp", NULL, 1);
	assert_string_equal(buf_cstr(&s),
	    "cd -- '/tmp' || exit 1\nexec /bin/sh -c 'echo hi'");
	buf_reset(&s);
	command_script(&s, sh, 1, NULL, "/bin/bash", 1);
	assert_string_equal(buf_cstr(&s), "exec '/bin/bash' -c 'echo hi'");
	buf_reset(&s);
	/* Without expansion every word is assigned as it is. */
	command_script(&s, cmd, 0, NULL, NULL, 0);
	assert_string_equal(buf_cstr(&s), "cairn_a0='ls'\ncairn_a1='$X'\n"
	    "exec \"$cairn_a0\" \"$cairn_a1\"");
	buf_reset(&s);
	command_script(&s, cmd, 0, NULL, NULL, 1);
	assert_non_null(strstr(buf_cstr(&s), "${X+x}"));
	assert_true(str_endswith(buf_cstr(&s),
	    "exec \"$cairn_a0\" \"$cairn_a1\""));
	buf_release(&s);
	value_unref(cmd);
	value_unref(sh);
}

static void
test_command_precheck_script(void **state)
{
	struct buf	s = BUF_INIT;

	(void)state;
	command_precheck_script(&s, NULL, "/etc/x*", NULL);
	assert_true(str_startswith(buf_cstr(&s), "IFS=\ng='/etc/x*'\n"));
	assert_non_null(strstr(buf_cstr(&s), "echo creates"));
	assert_null(strstr(buf_cstr(&s), "removes"));
	assert_null(strstr(buf_cstr(&s), "cd --"));
	buf_reset(&s);
	command_precheck_script(&s, "/srv", NULL, "/r");
	assert_non_null(strstr(buf_cstr(&s), "d='/srv'\n"));
	assert_non_null(strstr(buf_cstr(&s), "echo C13"));
	assert_non_null(strstr(buf_cstr(&s), "echo removes"));
	buf_release(&s);
}

static void
test_script_interpreter(void **state)
{
	struct buf	 b = BUF_INIT;
	int		 bin;

	(void)state;
	/* executable wins, split and quoted word by word */
	assert_int_equal(0, script_interpreter("/usr/bin/env bash", "#!/bin/sh\n",
	    10, &b, &bin));
	assert_string_equal("'/usr/bin/env' 'bash'", buf_cstr(&b));
	assert_int_equal(0, bin);
	buf_reset(&b);
	/* the #! line: the interpreter and one argument, as the kernel */
	assert_int_equal(0, script_interpreter(NULL, "#! /bin/bash -e -x\necho",
	    23, &b, &bin));
	assert_string_equal("'/bin/bash' '-e -x'", buf_cstr(&b));
	buf_reset(&b);
	assert_int_equal(0, script_interpreter(NULL, "#!/bin/sh", 9, &b,
	    &bin));
	assert_string_equal("'/bin/sh'", buf_cstr(&b));
	buf_reset(&b);
	/* no #!: /bin/sh, as the shell does for ENOEXEC */
	assert_int_equal(0, script_interpreter(NULL, "echo hi\n", 8, &b, &bin));
	assert_string_equal("/bin/sh", buf_cstr(&b));
	buf_reset(&b);
	/* a binary has no interpreter */
	assert_int_equal(0, script_interpreter(NULL, "\177ELF\2\1", 6, &b,
	    &bin));
	assert_int_equal(1, bin);
	assert_string_equal("", buf_cstr(&b));
	buf_reset(&b);
	assert_int_equal(0, script_interpreter(NULL, "a\0b", 3, &b, &bin));
	assert_int_equal(1, bin);
	buf_reset(&b);
	assert_int_equal(-1, script_interpreter(NULL, "#!  \nx", 6, &b, &bin));
	buf_release(&b);
}

static void
test_script_command(void **state)
{
	struct buf	s = BUF_INIT;

	(void)state;
	script_command(&s, "/srv/my dir", "'/bin/sh'", 0, 10, " a 'b c'");
	assert_string_equal("cd -- '/srv/my dir' || exit 1\n"
	    "'/bin/sh' /dev/fd/3  a 'b c' 3<&0 </dev/null", buf_cstr(&s));
	buf_reset(&s);
	script_command(&s, NULL, "", 1, 42, "");
	assert_non_null(strstr(buf_cstr(&s), "t=$(mktemp) || exit 1\n"));
	assert_non_null(strstr(buf_cstr(&s), "-ne 42 ]"));
	assert_non_null(strstr(buf_cstr(&s), "rm -f \"$t\"; exit $rc"));
	buf_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_cmd),
		cmocka_unit_test(test_command_script),
		cmocka_unit_test(test_command_precheck_script),
		cmocka_unit_test(test_script_interpreter),
		cmocka_unit_test(test_script_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
