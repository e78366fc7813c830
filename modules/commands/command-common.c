/* The run of command and shell: creates/removes, chdir, stdin, timing, output. */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "command-common.h"

/* Python's str(datetime.now()) and str(timedelta). */
static char *
command_time(const struct timeval *tv)
{
	struct tm	tm;
	char		s[32];

	localtime_r(&tv->tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
	return xasprintf("%s.%06ld", s, (long)tv->tv_usec);
}

static char *
command_delta(const struct timeval *a, const struct timeval *b)
{
	long long	us;

	us = (long long)(b->tv_sec - a->tv_sec) * 1000000 +
	    (b->tv_usec - a->tv_usec);
	if (us < 0)
		us = 0;
	return xasprintf("%lld:%02lld:%02lld.%06lld", us / 3600000000LL,
	    (us / 60000000) % 60, (us / 1000000) % 60, us % 1000000);
}

static void
command_strip(struct buf *b)
{
	while (b->len > 0 && (b->s[b->len - 1] == '\n' ||
	    b->s[b->len - 1] == '\r'))
		b->s[--b->len] = '\0';
}

/*
 * The one round trip before the command when chdir, creates or removes
 * are given: whether cd works (and why not), and what the globs match,
 * relative to chdir as Ansible does.
 */
static int
command_precheck(struct task_ctx *ctx, const char *chdir, const char *creates,
    const char *removes, int *cd_errno, int *cfound, int *rfound,
    char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*o;
	int			 r;

	*cd_errno = 0;
	*cfound = *rfound = 0;
	command_precheck_script(&s, chdir, creates, removes);
	r = host_run(ctx, buf_cstr(&s), &res, cause);
	buf_release(&s);
	if (r == 0) {
		o = buf_cstr(&res.out);
		if (str_startswith(o, "C"))
			*cd_errno = atoi(o + 1);
		*cfound = strstr(o, "creates\n") != NULL;
		*rfound = strstr(o, "removes\n") != NULL;
	}
	exec_result_release(&res);
	return r;
}

static const char *
command_errno_text(int e)
{
	switch (e) {
	case 2:
		return "No such file or directory";
	case 20:
		return "Not a directory";
	default:
		return "Permission denied";
	}
}

/* Every key Ansible's command returns, before anything is known. */
static void
command_result_init(struct result *r)
{
	result_set(r, "stdout", value_str(""));
	result_set(r, "stderr", value_str(""));
	result_set(r, "rc", value_null());
	result_set(r, "cmd", value_null());
	result_set(r, "start", value_null());
	result_set(r, "end", value_null());
	result_set(r, "delta", value_null());
	result_setstr(r, "msg", "");
	result_set(r, "stdout_lines", value_list());
	result_set(r, "stderr_lines", value_list());
}

/* Skipped by creates/removes: msg, and the stdout Ansible gives. */
static enum mod_status
command_skipped(struct result *r, char *msg, const char *creates,
    int cfound, const char *removes)
{
	result_set(r, "msg", value_str_take(msg));
	result_setint(r, "rc", 0);
	if (creates != NULL && cfound)
		msg = xasprintf("skipped, since %s exists", creates);
	else
		msg = xasprintf("skipped, since %s does not exist", removes);
	result_set(r, "stdout", value_str(msg));
	value_list_append(value_dict_get(r->v, "stdout_lines"),
	    value_str_take(msg));
	return MOD_OK;
}

/* Runs the command, timed; 0, or -1 and *cause for the transport. */
static int
command_exec(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r, int shell, int *rc, char **cause)
{
	const char		*stdin_s = args_str(args, "stdin");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT, in = BUF_INIT;
	struct timeval		 t0, t1;
	int			 e;

	command_script(&s, value_dict_get(r->v, "cmd"), shell,
	    args_str(args, "chdir"), args_str(args, "executable"),
	    args_bool(args, "expand_argument_vars", 1));
	if (stdin_s != NULL) {
		buf_adds(&in, stdin_s);
		if (args_bool(args, "stdin_add_newline", 1))
			buf_addc(&in, '\n');
	}
	gettimeofday(&t0, NULL);
	e = host_run_stdin(ctx, buf_cstr(&s), stdin_s != NULL ? in.s : NULL,
	    in.len, &res, cause);
	gettimeofday(&t1, NULL);
	buf_release(&s);
	buf_release(&in);
	if (e != 0) {
		exec_result_release(&res);
		return -1;
	}
	result_set(r, "start", value_str_take(command_time(&t0)));
	result_set(r, "end", value_str_take(command_time(&t1)));
	result_set(r, "delta", value_str_take(command_delta(&t0, &t1)));
	if (args_bool(args, "strip_empty_ends", 1)) {
		command_strip(&res.out);
		command_strip(&res.err);
	}
	result_set_exec(r, &res);
	*rc = res.rc;
	exec_result_release(&res);
	return 0;
}

/*
 * What comes before the command, run or job: the cmd, the chdir and
 * creates/removes check, check mode.  1 when the module is done (*st its
 * status), 0 when the command is to run.
 */
static int
command_begin(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r, int shell, enum mod_status *st)
{
	const char	*chdir = args_str(args, "chdir");
	const char	*creates = args_str(args, "creates");
	const char	*removes = args_str(args, "removes");
	struct value	*cmd;
	char		*cause = NULL, *msg;
	int		 cd_errno = 0, cfound = 0, rfound = 0;

	command_result_init(r);
	if ((cmd = command_cmd(args_str(args, "_raw_params"),
	    args_get(args, "argv"), shell, &cause)) == NULL) {
		result_setint(r, "rc", 256);
		*st = result_fail(r, "%s", cause);
		free(cause);
		return 1;
	}
	result_set(r, "cmd", cmd);

	if (chdir != NULL || creates != NULL || removes != NULL) {
		if (command_precheck(ctx, chdir, creates, removes, &cd_errno,
		    &cfound, &rfound, &cause) != 0) {
			*st = result_fail(r, "%s", cause != NULL ? cause :
			    "command failed");
			free(cause);
			return 1;
		}
		if (cd_errno != 0) {
			*st = result_fail(r, "Unable to change directory "
			    "before execution: [Errno %d] %s: '%s'", cd_errno,
			    command_errno_text(cd_errno), chdir);
			return 1;
		}
	}
	if ((msg = command_skip_msg(creates, cfound, removes, rfound,
	    ctx_check_mode(ctx))) != NULL) {
		*st = command_skipped(r, msg, creates, cfound, removes);
		return 1;
	}
	if (ctx_check_mode(ctx)) {
		result_setint(r, "rc", 0);
		result_setstr(r, "msg", "Command would have run if not in "
		    "check mode");
		*st = creates == NULL && removes == NULL ? MOD_SKIPPED :
		    MOD_CHANGED;
		return 1;
	}
	return 0;
}

enum mod_status
command_common_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r, int shell)
{
	char		*cause = NULL;
	int		 rc;
	enum mod_status	 st;

	if (command_begin(ctx, args, r, shell, &st))
		return st;
	if (command_exec(ctx, args, r, shell, &rc, &cause) != 0) {
		st = result_fail(r, "%s", cause != NULL ? cause :
		    "command failed");
		free(cause);
		return st;
	}
	if (rc != 0) {
		/* it ran, so Ansible reports it changed even when it failed */
		result_setbool(r, "changed", 1);
		return result_fail(r, "non-zero return code");
	}
	return MOD_CHANGED;
}

int
command_common_job(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r, int shell, struct buf *script, struct buf *in,
    enum mod_status *st)
{
	const char	*stdin_s = args_str(args, "stdin");

	if (command_begin(ctx, args, r, shell, st))
		return 1;
	command_script(script, value_dict_get(r->v, "cmd"), shell,
	    args_str(args, "chdir"), args_str(args, "executable"),
	    args_bool(args, "expand_argument_vars", 1));
	if (stdin_s != NULL) {
		buf_adds(in, stdin_s);
		if (args_bool(args, "stdin_add_newline", 1))
			buf_addc(in, '\n');
	}
	return 0;
}
