/* The run of command and shell: creates/removes, chdir, stdin, timing, output. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "command-common.h"

char *
command_skip_msg(const char *creates, int creates_found, const char *removes,
    int removes_found, int check_mode)
{
	const char	*shoulda = check_mode ? "Would" : "Did";

	if (creates != NULL && creates_found)
		return xasprintf("%s not run command since '%s' exists",
		    shoulda, creates);
	if (removes != NULL && !removes_found)
		return xasprintf("%s not run command since '%s' does not "
		    "exist", shoulda, removes);
	return NULL;
}

static int
command_is_name(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static void
command_add_literal(struct buf *b, const char *var, const char *s, size_t n)
{
	char	*t;

	if (n == 0)
		return;
	t = xstrndup(s, n);
	buf_addf(b, "%s=\"$%s\"", var, var);
	shell_quote_buf(b, t);
	buf_addc(b, '\n');
	free(t);
}

void
command_arg_assign(struct buf *b, const char *var, const char *arg)
{
	const char	*p = arg, *lit, *name, *end;
	size_t		 n, ulen;

	buf_addf(b, "%s=\n", var);
	/* expanduser: "~", "~/x" and "~user/x" at the start only. */
	if (p[0] == '~') {
		ulen = strcspn(p + 1, "/");
		if (ulen == 0) {
			buf_addf(b, "%s=\"$HOME\"\n", var);
			p++;
		} else if (strspn(p + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == ulen) {
			/* The shell's own tilde expansion does the lookup. */
			buf_addf(b, "%s=~%.*s\n", var, (int)ulen, p + 1);
			p += 1 + ulen;
		}
	}
	lit = p;
	while (*p != '\0') {
		if (*p != '$') {
			p++;
			continue;
		}
		if (p[1] == '{') {
			name = p + 2;
			if ((end = strchr(name, '}')) == NULL) {
				p++;
				continue;
			}
			n = end - name;
			end++;
		} else {
			name = p + 1;
			for (n = 0; isalnum((unsigned char)name[n]) ||
			    name[n] == '_'; n++)
				;
			end = name + n;
		}
		if (!command_is_name(name, n)) {
			p++;
			continue;
		}
		command_add_literal(b, var, lit, p - lit);
		/* Defined: its value; undefined: the text as written. */
		buf_addf(b, "if [ \"${%.*s+x}\" = x ]; then %s=\"$%s$%.*s\"; "
		    "else %s=\"$%s\"", (int)n, name, var, var, (int)n, name,
		    var, var);
		{
			char *t = xstrndup(p, end - p);

			shell_quote_buf(b, t);
			free(t);
		}
		buf_adds(b, "; fi\n");
		p = end;
		lit = p;
	}
	command_add_literal(b, var, lit, p - lit);
}

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

/* Adds a glob test that prints tag when pattern matches something. */
static void
command_glob_test(struct buf *s, const char *pattern, const char *tag)
{
	buf_adds(s, "g=");
	host_path_word(s, pattern);
	/* Unquoted $g with IFS empty: pathname expansion, no splitting. */
	buf_addf(s, "\nfor f in $g; do if [ -e \"$f\" ] || [ -L \"$f\" ]; "
	    "then echo %s; break; fi; done\n", tag);
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
	buf_adds(&s, "IFS=\n");
	if (chdir != NULL) {
		buf_adds(&s, "d=");
		host_path_word(&s, chdir);
		buf_adds(&s, "\nif [ ! -e \"$d\" ]; then echo C2; exit 0; fi\n"
		    "if [ ! -d \"$d\" ]; then echo C20; exit 0; fi\n"
		    "cd -- \"$d\" 2>/dev/null || { echo C13; exit 0; }\n");
	}
	if (creates != NULL)
		command_glob_test(&s, creates, "creates");
	if (removes != NULL)
		command_glob_test(&s, removes, "removes");
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

enum mod_status
command_common_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r, int shell)
{
	const char		*raw = args_str(args, "_raw_params");
	const char		*chdir = args_str(args, "chdir");
	const char		*creates = args_str(args, "creates");
	const char		*removes = args_str(args, "removes");
	const char		*stdin_s = args_str(args, "stdin");
	const char		*exe = args_str(args, "executable");
	struct value		*argv = args_get(args, "argv"), *cmd;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT, in = BUF_INIT;
	struct timeval		 t0, t1;
	char			**words = NULL, *cause = NULL, *msg, var[32];
	int			 cd_errno = 0, cfound = 0, rfound = 0, rc;
	int			 expand = args_bool(args, "expand_argument_vars", 1);
	size_t			 i, nw = 0;
	enum mod_status		 st;

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

	if (raw != NULL) {
		char *t = xstrdup(raw);

		if (*str_trim(t) == '\0')
			raw = NULL;
		free(t);
	}
	if (argv != NULL && argv->type == V_LIST && argv->u.list.n == 0)
		argv = NULL;
	if (raw != NULL && argv != NULL) {
		result_setint(r, "rc", 256);
		return result_fail(r, "only command or argv can be specified, "
		    "not both");
	}
	if (raw == NULL && argv == NULL) {
		result_setint(r, "rc", 256);
		return result_fail(r, "no command given");
	}

	/* The cmd Ansible reports: shell's text, command's argv list. */
	if (shell) {
		if (raw == NULL) {
			struct buf j = BUF_INIT;

			for (i = 0; i < argv->u.list.n; i++) {
				char *a = value_to_string(argv->u.list.items[i]);

				if (i > 0)
					buf_addc(&j, ' ');
				shell_quote_buf(&j, a);
				free(a);
			}
			cmd = value_str_take(buf_detach(&j, NULL));
		} else
			cmd = value_str(raw);
	} else {
		cmd = value_list();
		if (raw != NULL) {
			if (shell_split(raw, &words, &cause) != 0) {
				value_unref(cmd);
				result_setint(r, "rc", 256);
				st = result_fail(r, "%s", cause);
				free(cause);
				return st;
			}
			for (nw = 0; words[nw] != NULL; nw++)
				value_list_append(cmd, value_str(words[nw]));
			shell_argv_free(words);
		} else {
			for (i = 0; i < argv->u.list.n; i++)
				value_list_append(cmd, value_str_take(
				    value_to_string(argv->u.list.items[i])));
		}
	}
	result_set(r, "cmd", cmd);

	if (chdir != NULL || creates != NULL || removes != NULL) {
		if (command_precheck(ctx, chdir, creates, removes, &cd_errno,
		    &cfound, &rfound, &cause) != 0)
			goto transport;
		if (cd_errno != 0) {
			return result_fail(r, "Unable to change directory "
			    "before execution: [Errno %d] %s: '%s'", cd_errno,
			    command_errno_text(cd_errno), chdir);
		}
	}
	if ((msg = command_skip_msg(creates, cfound, removes, rfound,
	    ctx_check_mode(ctx))) != NULL) {
		result_set(r, "msg", value_str_take(msg));
		result_setint(r, "rc", 0);
		if (creates != NULL && cfound)
			msg = xasprintf("skipped, since %s exists", creates);
		else
			msg = xasprintf("skipped, since %s does not exist",
			    removes);
		result_set(r, "stdout", value_str(msg));
		value_list_append(value_dict_get(r->v, "stdout_lines"),
		    value_str_take(msg));
		return MOD_OK;
	}
	if (ctx_check_mode(ctx)) {
		result_setint(r, "rc", 0);
		result_setstr(r, "msg", "Command would have run if not in "
		    "check mode");
		if (creates == NULL && removes == NULL)
			return MOD_SKIPPED;
		return MOD_CHANGED;
	}

	if (chdir != NULL) {
		buf_adds(&s, "cd -- ");
		host_path_word(&s, chdir);
		buf_adds(&s, " || exit 1\n");
	}
	if (shell) {
		buf_adds(&s, "exec ");
		if (exe != NULL)
			host_path_word(&s, exe);
		else
			buf_adds(&s, "/bin/sh");
		buf_adds(&s, " -c ");
		shell_quote_buf(&s, value_dict_get(r->v, "cmd")->u.str.s);
	} else {
		cmd = value_dict_get(r->v, "cmd");
		for (i = 0; i < cmd->u.list.n; i++) {
			snprintf(var, sizeof var, "cairn_a%zu", i);
			if (expand)
				command_arg_assign(&s, var,
				    cmd->u.list.items[i]->u.str.s);
			else {
				buf_addf(&s, "%s=", var);
				shell_quote_buf(&s,
				    cmd->u.list.items[i]->u.str.s);
				buf_addc(&s, '\n');
			}
		}
		buf_adds(&s, "exec");
		for (i = 0; i < cmd->u.list.n; i++)
			buf_addf(&s, " \"$cairn_a%zu\"", i);
	}
	if (stdin_s != NULL) {
		buf_adds(&in, stdin_s);
		if (args_bool(args, "stdin_add_newline", 1))
			buf_addc(&in, '\n');
	}
	gettimeofday(&t0, NULL);
	rc = host_run_stdin(ctx, buf_cstr(&s), stdin_s != NULL ? in.s : NULL,
	    in.len, &res, &cause);
	gettimeofday(&t1, NULL);
	buf_release(&s);
	buf_release(&in);
	if (rc != 0)
		goto transport;
	result_set(r, "start", value_str_take(command_time(&t0)));
	result_set(r, "end", value_str_take(command_time(&t1)));
	result_set(r, "delta", value_str_take(command_delta(&t0, &t1)));
	if (args_bool(args, "strip_empty_ends", 1)) {
		command_strip(&res.out);
		command_strip(&res.err);
	}
	result_set_exec(r, &res);
	rc = res.rc;
	exec_result_release(&res);
	if (rc != 0) {
		/* it ran, so Ansible reports it changed even when it failed */
		result_setbool(r, "changed", 1);
		return result_fail(r, "non-zero return code");
	}
	return MOD_CHANGED;

transport:
	exec_result_release(&res);
	st = result_fail(r, "%s", cause != NULL ? cause : "command failed");
	free(cause);
	return st;
}
