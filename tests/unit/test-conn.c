/*
 * Unit tests for engine/conn*.c through the local transport (and over ssh
 * when CAIRN_TEST_SSH_HOST is set: CAIRN_TEST_SSH_PORT, _USER, _KEY,
 * _KNOWN_HOSTS optional).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "shell.h"

static struct conn *
open_local(void)
{
	struct conn_opts	 opts = { .type = "local", .host = "localhost" };
	struct conn		*c = NULL;
	char			*cause = NULL;

	assert_int_equal(conn_open(&opts, &c, &cause), 0);
	assert_null(cause);
	assert_non_null(c);
	return c;
}

static int
setup_local(void **state)
{
	*state = open_local();
	return 0;
}

/* The transport under test: local, or ssh when the environment says so. */
static int
setup_ssh(void **state)
{
	struct conn_opts	 opts = { 0 };
	struct conn		*c = NULL;
	char			*cause = NULL;
	const char		*port;

	opts.type = "ssh";
	opts.host = getenv("CAIRN_TEST_SSH_HOST");
	opts.user = getenv("CAIRN_TEST_SSH_USER");
	opts.private_key = getenv("CAIRN_TEST_SSH_KEY");
	opts.known_hosts = getenv("CAIRN_TEST_SSH_KNOWN_HOSTS");
	if ((port = getenv("CAIRN_TEST_SSH_PORT")) != NULL)
		opts.port = atoi(port);
	if (conn_open(&opts, &c, &cause) != 0) {
		print_error("ssh: %s\n", cause);
		free(cause);
		return -1;
	}
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	conn_close(*state);
	return 0;
}

/* Runs cmd and expects it to succeed at the transport level. */
static void
run(struct conn *c, const char *cmd, const void *in, size_t inlen,
    struct exec_result *res)
{
	char	*cause = NULL;
	int	 r;

	r = conn_exec(c, NULL, cmd, in, inlen, 0, res, &cause);
	if (r != 0)
		print_error("conn_exec '%s': %s\n", cmd, cause);
	assert_int_equal(r, 0);
	assert_null(cause);
}

static long
shell_pid(struct conn *c)
{
	struct exec_result	res = EXEC_RESULT_INIT;
	long			pid;

	/* $$ in a subshell is still the persistent shell's pid. */
	run(c, "echo $$", NULL, 0, &res);
	assert_int_equal(res.rc, 0);
	pid = strtol(res.out.s, NULL, 10);
	assert_true(pid > 1);
	exec_result_release(&res);
	return pid;
}

static void
test_exact_output(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;

	run(c, "printf 'a\\nb'", NULL, 0, &res);
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.out.len, 3);
	assert_memory_equal(res.out.s, "a\nb", 3);
	assert_int_equal(res.err.len, 0);
	assert_string_equal(res.err.s, "");

	run(c, "printf out; printf err >&2; printf '\\n\\n' >&2", NULL, 0,
	    &res);
	assert_string_equal(res.out.s, "out");
	assert_string_equal(res.err.s, "err\n\n");

	run(c, "true", NULL, 0, &res);
	assert_int_equal(res.out.len, 0);
	assert_string_equal(res.out.s, "");

	/* Quoting of the command itself. */
	run(c, "x=\"it's\"; echo \"$x $((1+2))\" '$HOME' `echo bq`", NULL, 0,
	    &res);
	assert_string_equal(res.out.s, "it's 3 $HOME bq\n");

	/* Output that looks like a marker does not end the command. */
	run(c, "printf 'CAIRN-x-1:0\\nCAIRN-'; printf 'CAIRN-\\n' >&2", NULL,
	    0, &res);
	assert_string_equal(res.out.s, "CAIRN-x-1:0\nCAIRN-");
	assert_string_equal(res.err.s, "CAIRN-\n");

	/* NUL bytes and a multi-line command. */
	run(c, "printf 'a\\000b'\nprintf 'c'", NULL, 0, &res);
	assert_int_equal(res.out.len, 4);
	assert_memory_equal(res.out.s, "a\0bc", 4);
	exec_result_release(&res);
}

static void
test_exit_codes(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;
	long			 pid = shell_pid(c);

	run(c, "exit 3", NULL, 0, &res);
	assert_int_equal(res.rc, 3);
	run(c, "false", NULL, 0, &res);
	assert_int_equal(res.rc, 1);
	run(c, "sh -c 'exit 255'", NULL, 0, &res);
	assert_int_equal(res.rc, 255);
	run(c, "/nonexistent/cmd", NULL, 0, &res);
	assert_int_equal(res.rc, 127);
	assert_non_null(strstr(res.err.s, "/nonexistent/cmd"));
	run(c, "echo partial; exit 4; echo never", NULL, 0, &res);
	assert_int_equal(res.rc, 4);
	assert_string_equal(res.out.s, "partial\n");

	/* A syntax error ends only the subshell. */
	run(c, "if then fi (", NULL, 0, &res);
	assert_int_equal(res.rc, 2);
	assert_true(res.err.len > 0);
	assert_string_equal(res.out.s, "");
	run(c, "echo 'unbalanced", NULL, 0, &res);
	assert_int_equal(res.rc, 2);

	/* set -e, exec, cd and variables do not leak into the shell. */
	run(c, "set -e; cd /; X=1; exec true", NULL, 0, &res);
	assert_int_equal(res.rc, 0);
	run(c, "echo \"${X:-unset}\"", NULL, 0, &res);
	assert_string_equal(res.out.s, "unset\n");

	assert_int_equal(shell_pid(c), pid);
	exec_result_release(&res);
}

static void
test_persistent(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;
	long			 pid = shell_pid(c);
	char			 cmd[64], want[64];
	int			 i;

	for (i = 0; i < 200; i++) {
		snprintf(cmd, sizeof cmd, "echo %d; echo e%d >&2", i, i);
		snprintf(want, sizeof want, "%d\n", i);
		run(c, cmd, NULL, 0, &res);
		assert_string_equal(res.out.s, want);
		snprintf(want, sizeof want, "e%d\n", i);
		assert_string_equal(res.err.s, want);
	}
	assert_int_equal(shell_pid(c), pid);
	exec_result_release(&res);
}

/* Deterministic "random" bytes: every value 0..255 appears. */
static unsigned char *
make_data(size_t len)
{
	unsigned char	*p = malloc(len);
	uint32_t	 x = 2463534242u;
	size_t		 i;

	assert_non_null(p);
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
	return p;
}

static void
test_stdin_binary(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;
	size_t			 len = 3 * 1024 * 1024 + 1;
	unsigned char		*data = make_data(len);
	char			 sum[41], want[64];
	long			 pid = shell_pid(c);

	sha1_hex(data, len, sum);
	run(c, "sha1sum", data, len, &res);
	assert_int_equal(res.rc, 0);
	snprintf(want, sizeof want, "%s  -\n", sum);
	assert_string_equal(res.out.s, want);

	/* Back out byte-exact: stdin and stdout at once, no deadlock. */
	run(c, "cat", data, len, &res);
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.out.len, len);
	assert_memory_equal(res.out.s, data, len);

	run(c, "wc -c", data, 1, &res);
	assert_string_equal(res.out.s, "1\n");

	/* Empty data is an empty stdin. */
	run(c, "wc -c", "", 0, &res);
	assert_string_equal(res.out.s, "0\n");

	assert_int_equal(shell_pid(c), pid);
	free(data);
	exec_result_release(&res);
}

static void
test_stdin_isolated(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;

	/* A command reads only its own data, up to its end. */
	run(c, "cat; echo done", "hello\n", 6, &res);
	assert_string_equal(res.out.s, "hello\ndone\n");
	/* Without data stdin is empty, and the shell's stream is safe. */
	run(c, "cat; read x; echo \"[$x]\"", NULL, 0, &res);
	assert_string_equal(res.out.s, "[]\n");
	run(c, "echo still", NULL, 0, &res);
	assert_string_equal(res.out.s, "still\n");
	/* Data with a line that looks like the end of a here-document. */
	run(c, "cat", "EOF\nCAIRN-IN\n'\n", 15, &res);
	assert_string_equal(res.out.s, "EOF\nCAIRN-IN\n'\n");
	exec_result_release(&res);
}

static void
test_large_output(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;
	size_t			 i;

	run(c, "head -c 2000000 /dev/zero | tr '\\0' o; "
	    "head -c 700000 /dev/zero | tr '\\0' e >&2", NULL, 0, &res);
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.out.len, 2000000);
	assert_int_equal(res.err.len, 700000);
	for (i = 0; i < res.out.len; i++)
		if (res.out.s[i] != 'o')
			fail_msg("byte %zu of stdout is %d", i, res.out.s[i]);
	exec_result_release(&res);
}

static void
test_timeout(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL;
	long			 pid = shell_pid(c);
	time_t			 t0 = time(NULL);
	int			 r;

	r = conn_exec(c, NULL, "echo before; sleep 31 | cat", NULL, 0, 1,
	    &res, &cause);
	assert_int_equal(r, ERR_TIMEOUT);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "timed out after 1 seconds"));
	free(cause);
	assert_true(time(NULL) - t0 <= 5);

	/* A fresh shell takes over. */
	assert_int_not_equal(shell_pid(c), pid);
	run(c, "echo after", NULL, 0, &res);
	assert_string_equal(res.out.s, "after\n");

	/* What the command started was killed with it. */
	run(c, "sleep 1; n=0; for f in /proc/[0-9]*/cmdline; do "
	    "tr '\\0' ' ' <$f 2>/dev/null | grep -q '^sleep 31 $' && "
	    "n=$((n+1)); done; echo $n", NULL, 0, &res);
	assert_string_equal(res.out.s, "0\n");

	/* A background job does not hold the command up. */
	t0 = time(NULL);
	run(c, "sleep 3 >/dev/null 2>&1 & echo bg", NULL, 0, &res);
	assert_string_equal(res.out.s, "bg\n");
	assert_true(time(NULL) - t0 <= 2);
	exec_result_release(&res);
}

static void
test_shell_killed(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL;
	int			 r;

	r = conn_exec(c, NULL, "kill -9 $$", NULL, 0, 0, &res, &cause);
	assert_int_equal(r, ERR_UNREACHABLE);
	assert_non_null(strstr(cause, "exited during a command"));
	free(cause);
	run(c, "echo back", NULL, 0, &res);
	assert_string_equal(res.out.s, "back\n");
	exec_result_release(&res);
}

static int
can_sudo(void)
{
	return geteuid() == 0 && access("/usr/bin/sudo", X_OK) == 0;
}

static void
test_become(void **state)
{
	struct conn		*c = *state;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct become		 b = { .method = "sudo", .user = "nobody" };
	struct become		 bad = { .user = "no-such-user-cairn" };
	struct become		 su = { .method = "su", .password = "x" };
	char			*cause = NULL;
	long			 pid;
	int			 r;

	if (!can_sudo())
		skip();
	run(c, "id -un", NULL, 0, &res);
	assert_string_equal(res.out.s, "root\n");
	r = conn_exec(c, &b, "id -un; echo $$", NULL, 0, 0, &res, &cause);
	assert_int_equal(r, 0);
	assert_true(str_startswith(res.out.s, "nobody\n"));
	pid = strtol(res.out.s + 7, NULL, 10);
	/* The become shell persists too, beside the plain one. */
	r = conn_exec(c, &b, "echo $$", NULL, 0, 0, &res, &cause);
	assert_int_equal(r, 0);
	assert_int_equal(strtol(res.out.s, NULL, 10), pid);
	run(c, "id -un", NULL, 0, &res);
	assert_string_equal(res.out.s, "root\n");
	/* stdin through become. */
	r = conn_exec(c, &b, "cat", "x\0y", 3, 0, &res, &cause);
	assert_int_equal(r, 0);
	assert_int_equal(res.out.len, 3);
	assert_memory_equal(res.out.s, "x\0y", 3);

	r = conn_exec(c, &bad, "true", NULL, 0, 0, &res, &cause);
	assert_int_equal(r, ERR_BECOME);
	assert_non_null(strstr(cause, "no-such-user-cairn"));
	free(cause);
	cause = NULL;

	r = conn_exec(c, &su, "true", NULL, 0, 0, &res, &cause);
	assert_int_equal(r, ERR_BECOME);
	assert_non_null(strstr(cause, "'su' with a password"));
	free(cause);
	cause = NULL;

	/* su needs no password from root. */
	su.password = NULL;
	su.user = "nobody";
	r = conn_exec(c, &su, "id -un", NULL, 0, 0, &res, &cause);
	assert_int_equal(r, 0);
	assert_string_equal(res.out.s, "nobody\n");

	/* A timeout under become ends the command as well. */
	r = conn_exec(c, &b, "sleep 32 | cat", NULL, 0, 1, &res, &cause);
	assert_int_equal(r, ERR_TIMEOUT);
	free(cause);
	run(c, "sleep 1; n=0; for f in /proc/[0-9]*/cmdline; do "
	    "tr '\\0' ' ' <$f 2>/dev/null | grep -q '^sleep 32 $' && "
	    "n=$((n+1)); done; echo $n", NULL, 0, &res);
	assert_string_equal(res.out.s, "0\n");
	r = conn_exec(c, &b, "id -un", NULL, 0, 0, &res, &cause);
	assert_int_equal(r, 0);
	assert_string_equal(res.out.s, "nobody\n");
	exec_result_release(&res);
}

static void
test_open_errors(void **state)
{
	struct conn_opts	 opts = { .type = "docker", .host = "x" };
	struct conn		*c = (struct conn *)1;
	char			*cause = NULL;

	assert_int_equal(conn_open(&opts, &c, &cause), ERR_UNREACHABLE);
	assert_null(c);
	assert_string_equal(cause, "unknown connection type 'docker': use ssh "
	    "or local");
	free(cause);
	conn_close(NULL);
}

static void
test_many_conns(void **state)
{
	struct conn		*c[4];
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 i;

	for (i = 0; i < 4; i++)
		c[i] = open_local();
	for (i = 0; i < 4; i++) {
		run(c[i], "echo ok", NULL, 0, &res);
		assert_string_equal(res.out.s, "ok\n");
	}
	assert_int_not_equal(shell_pid(c[0]), shell_pid(c[1]));
	for (i = 0; i < 4; i++)
		conn_close(c[i]);
	exec_result_release(&res);
}


/* The frame text: unchanged without locks, the lock steps with them. */
static void
test_frame_text(void **state)
{
	struct buf		 b = BUF_INIT;
	struct conn_lock	 rl = { NULL, 0, 4, NULL };
	struct conn_lockop	 op;

	(void)state;
	conn_frame_text(&b, "M", "echo hi", NULL, 0, NULL, -1, 0, NULL);
	assert_string_equal(buf_cstr(&b),
	    "{ trap 'trap - TERM; kill -TERM 0' TERM; ( eval 'echo hi' ) "
	    "</dev/null & wait $!; printf '%s%d\\n' 'M:' \"$?\"; "
	    "printf '%s\\n' 'M' >&2\n}\n");

	buf_reset(&b);
	memset(&op, 0, sizeof op);
	op.take = "'/srv/.f.cairn-lock'";
	op.wait = 5;
	conn_frame_text(&b, "M", "cat f", NULL, 0, &op, 3, 0x28, "me");
	/* Opened by the persistent shell itself, not in a subshell. */
	assert_non_null(strstr(b.s, "{ trap 'trap - TERM; kill -TERM 0' "
	    "TERM; cairn_k=2; [ -L '/srv/.f.cairn-lock' ] || { "
	    "cairn_u=$(umask); umask 077; command exec "
	    "3>>'/srv/.f.cairn-lock' && cairn_k=0;"));
	assert_non_null(strstr(b.s, "flock -w 5 3 </dev/null & wait $!"));
	assert_non_null(strstr(b.s, "[ -L '/srv/.f.cairn-lock' ] || "
	    "{ printf '%s\\n' 'me' >'/srv/.f.cairn-lock'"));
	/* The command inherits no lock descriptor. */
	assert_non_null(strstr(b.s, "( eval 'cat f' ) 3>&- 5>&- </dev/null"));
	assert_non_null(strstr(b.s, "printf '%s%d %d\\n' 'M:' \"$cairn_s\" "
	    "\"$cairn_k\""));

	buf_reset(&b);
	memset(&op, 0, sizeof op);
	op.release = &rl;
	conn_frame_text(&b, "M", "w", "x", 1, &op, -1, 0x10, NULL);
	assert_null(strstr(b.s, "flock"));
	assert_non_null(strstr(b.s, "cairn_k=0; base64 -d <<'M-IN' | "
	    "( eval 'w' ) 4>&- & wait $!; cairn_s=$?; exec 4>&-; printf"));
	buf_release(&b);
}

/* Takes lockfile on c with cmd, waiting wait seconds. */
static int
take(struct conn *c, const char *lockfile, int wait, const char *cmd,
    struct conn_lock **lk, struct exec_result *res, char **cause)
{
	struct conn_lockop	op;
	struct buf		w = BUF_INIT;
	int			r;

	memset(&op, 0, sizeof op);
	shell_quote_buf(&w, lockfile);
	op.take = buf_cstr(&w);
	op.name = lockfile;
	op.wait = wait;
	r = conn_exec_lock(c, NULL, &op, cmd, NULL, 0, 0, res, cause);
	*lk = op.held;
	buf_release(&w);
	return r;
}

static void
release(struct conn *c, struct conn_lock *lk)
{
	struct exec_result	res = EXEC_RESULT_INIT;
	struct conn_lockop	op;
	char			*cause = NULL;

	memset(&op, 0, sizeof op);
	op.release = lk;
	assert_int_equal(conn_exec_lock(c, NULL, &op, ":", NULL, 0, 0, &res,
	    &cause), 0);
	assert_int_equal(lk->fd, -1);
	exec_result_release(&res);
	conn_lock_free(lk);
}

static void
test_lock(void **state)
{
	struct conn		*a = *state, *b = open_local();
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct conn_lock	*la = NULL, *lb = NULL;
	char			 dir[] = "/tmp/cairn-test-lock.XXXXXX";
	char			*f, *cmd, *cause = NULL;

	assert_non_null(mkdtemp(dir));
	f = xasprintf("%s/.f.cairn-lock", dir);

	/* Taken in the same round trip as the command, which runs. */
	assert_int_equal(take(a, f, 1, "echo in", &la, &res, &cause), 0);
	assert_string_equal(res.out.s, "in\n");
	assert_non_null(la);
	assert_int_equal(la->fd, 3);
	/* Held across round trips; commands do not inherit it. */
	cmd = xasprintf("flock -n %s true; echo $?; stat -c %%a %s; "
	    "[ -e /proc/self/fd/3 ] && echo inherited; :", f, f);
	run(a, cmd, NULL, 0, &res);
	assert_string_equal(res.out.s, "1\n600\n");
	free(cmd);

	/* Another shell waits, then fails naming the lock file. */
	assert_int_equal(take(b, f, 1, "echo never", &lb, &res, &cause),
	    ERR_TIMEOUT);
	assert_null(lb);
	assert_non_null(strstr(cause, "timed out after 1 seconds waiting "
	    "for the lock"));
	assert_non_null(strstr(cause, f));
	/* The holder wrote who it is. */
	assert_non_null(strstr(cause, "held by cairn run on "));
	free(cause);
	cause = NULL;

	release(a, la);
	assert_int_equal(take(b, f, 1, "echo b", &lb, &res, &cause), 0);
	assert_string_equal(res.out.s, "b\n");
	assert_non_null(lb);

	/* A lock goes with its shell: a timeout replaces b's. */
	assert_int_equal(conn_exec(b, NULL, "sleep 5", NULL, 0, 1, &res,
	    &cause), ERR_TIMEOUT);
	free(cause);
	cause = NULL;
	assert_int_equal(take(a, f, 2, ":", &la, &res, &cause), 0);
	assert_non_null(la);
	/* Releasing b's stale lock does nothing, and is not an error. */
	release(b, lb);
	release(a, la);

	/* No directory for the lock file: the command runs unlocked. */
	free(f);
	f = xasprintf("%s/no/.f.cairn-lock", dir);
	assert_int_equal(take(a, f, 1, "echo unlocked", &la, &res, &cause),
	    0);
	assert_null(la);
	assert_string_equal(res.out.s, "unlocked\n");

	/* Nor through a symlink: its target is neither created nor locked. */
	free(f);
	f = xasprintf("%s/.l.cairn-lock", dir);
	cmd = xasprintf("ln -s %s/target %s", dir, f);
	run(a, cmd, NULL, 0, &res);
	free(cmd);
	assert_int_equal(take(a, f, 1, "echo unlocked", &la, &res, &cause),
	    0);
	assert_null(la);
	cmd = xasprintf("[ -e %s/target ] || echo absent", dir);
	run(a, cmd, NULL, 0, &res);
	assert_string_equal(res.out.s, "absent\n");
	free(cmd);

	cmd = xasprintf("rm -rf %s", dir);
	run(a, cmd, NULL, 0, &res);
	free(cmd);
	free(f);
	exec_result_release(&res);
	conn_close(b);
}

#define CONN_TESTS(setup)						\
	cmocka_unit_test_setup_teardown(test_exact_output, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_exit_codes, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_persistent, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_stdin_binary, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_stdin_isolated, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_large_output, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_timeout, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_shell_killed, setup, teardown)

int
main(void)
{
	const struct CMUnitTest local[] = {
		CONN_TESTS(setup_local),
		cmocka_unit_test_setup_teardown(test_become, setup_local,
		    teardown),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_many_conns),
		cmocka_unit_test(test_frame_text),
		cmocka_unit_test_setup_teardown(test_lock, setup_local,
		    teardown),
	};
	const struct CMUnitTest ssh[] = {
		CONN_TESTS(setup_ssh),
	};
	int	failed;

	failed = cmocka_run_group_tests_name("conn-local", local, NULL, NULL);
	if (getenv("CAIRN_TEST_SSH_HOST") != NULL)
		failed += cmocka_run_group_tests_name("conn-ssh", ssh, NULL,
		    NULL);
	return failed;
}
