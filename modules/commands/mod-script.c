/*
 * script: a controller script run on the target.  Its text is piped to
 * its interpreter's stdin over the host's shell ("INTERP /dev/stdin
 * ARGS": the executable parameter, else the script's #! line, else
 * /bin/sh), so no file of code is left on the target; a binary goes
 * through a temp file, checked by size and removed after.
 */
#include <stdlib.h>
#include <string.h>

#include "command-common.h"

static const char *const script_aliases[] = {
	"ansible.builtin.script", "ansible.legacy.script", NULL
};
static const char *const script_cmd_aliases[] = { "cmd", NULL };

static const struct mod_param script_params[] = {
	{ "_raw_params", P_STR, 0, NULL, NULL, script_cmd_aliases },
	{ "free_form", P_STR, 0, NULL, NULL, NULL },
	{ "chdir", P_STR, 0, NULL, NULL, NULL },
	{ "creates", P_STR, 0, NULL, NULL, NULL },
	{ "removes", P_STR, 0, NULL, NULL, NULL },
	{ "executable", P_STR, 0, NULL, NULL, NULL },
	{ "decrypt", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

/* 1 when path exists on the target (Ansible's _remote_file_exists). */
static int
script_exists(struct task_ctx *ctx, const char *path, int *found,
    char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	int			 r;

	buf_adds(&s, "[ -e ");
	host_path_word(&s, path);
	buf_adds(&s, " ]");
	r = host_run(ctx, buf_cstr(&s), &res, cause);
	*found = r == 0 && res.rc == 0;
	buf_release(&s);
	exec_result_release(&res);
	return r;
}

static enum mod_status
script_skip(struct result *r, const char *fmt, const char *path)
{
	result_set(r, "msg", value_strf(fmt, path));
	return MOD_SKIPPED;
}

static enum mod_status
script_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*raw = args_str(args, "_raw_params");
	const char		*chdir = args_str(args, "chdir");
	const char		*creates = args_str(args, "creates");
	const char		*removes = args_str(args, "removes");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 code = BUF_INIT, s = BUF_INIT, interp = BUF_INIT;
	enum mod_status		 st;
	char			**words = NULL, *local = NULL, *cause = NULL;
	const char		*rest;
	int			 found, binary;

	if (raw == NULL)
		raw = args_str(args, "free_form");
	if (raw == NULL || shell_split(raw, &words, &cause) != 0 ||
	    words[0] == NULL) {
		st = result_fail(r, "%s", cause != NULL ? cause :
		    "no script given");
		goto out;
	}
	if (creates != NULL) {
		if (script_exists(ctx, creates, &found, &cause) != 0)
			goto transport;
		if (found) {
			st = script_skip(r, "%s exists, matching creates option",
			    creates);
			goto out;
		}
	}
	if (removes != NULL) {
		if (script_exists(ctx, removes, &found, &cause) != 0)
			goto transport;
		if (!found) {
			st = script_skip(r, "%s does not exist, matching "
			    "removes option", removes);
			goto out;
		}
	}
	if (chdir != NULL && chdir[0] != '/') {
		st = result_fail(r, "chdir %s must be an absolute path for a "
		    "Unix-aware remote node", chdir);
		goto out;
	}
	if ((local = ctx_find_file(ctx, "files", words[0])) == NULL) {
		st = result_fail(r, "Could not find or access '%s' on the "
		    "Ansible Controller.", words[0]);
		goto out;
	}
	if (ctx_read_file(ctx, local, args_bool(args, "decrypt", 1), &code,
	    &cause) != 0) {
		st = result_fail(r, "%s", cause);
		goto out;
	}
	if (ctx_check_mode(ctx)) {
		if (creates != NULL || removes != NULL) {
			st = MOD_CHANGED;
			goto out;
		}
		result_setstr(r, "msg", "Check mode is not supported for "
		    "this task.");
		st = MOD_SKIPPED;
		goto out;
	}
	/* the arguments as written after the script's name */
	rest = strstr(raw, words[0]);
	rest = rest != NULL ? rest + strlen(words[0]) : "";
	if (script_interpreter(args_str(args, "executable"), code.s,
	    code.len, &interp, &binary) != 0) {
		st = result_fail(r, "cannot run '%s': its #! line is empty",
		    words[0]);
		goto out;
	}
	script_command(&s, chdir, buf_cstr(&interp), binary, code.len, rest);
	if (host_run_stdin(ctx, buf_cstr(&s), code.s, code.len, &res,
	    &cause) != 0)
		goto transport;
	result_set_exec(r, &res);
	result_setbool(r, "changed", 1);
	st = res.rc != 0 ? result_fail(r, "non-zero return code") :
	    MOD_CHANGED;
	goto out;
transport:
	st = result_fail(r, "%s", cause != NULL ? cause : "script failed");
out:
	free(cause);
	free(local);
	shell_argv_free(words);
	buf_release(&code);
	buf_release(&s);
	buf_release(&interp);
	exec_result_release(&res);
	return st;
}

const struct module_entry module_script = {
	.name = "script",
	.aliases = script_aliases,
	.params = script_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_FREE_FORM | MOD_NO_ASYNC,
	.run = script_run,
};
