/* raw: sends the text to the host's shell as it is; skipped in check mode. */
#include <stdlib.h>

#include "module.h"

static const char *const raw_aliases[] = {
	"ansible.builtin.raw", "ansible.legacy.raw", NULL
};

static const struct mod_param raw_params[] = {
	{ "_raw_params", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "executable", P_PATH, 0, NULL, NULL, NULL },
	{ NULL }
};

static enum mod_status
raw_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*text = args_str(args, "_raw_params");
	const char		*exe = args_str(args, "executable");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	char			*cause = NULL;
	enum mod_status		 st;
	int			 rc;

	/* Ansible's raw action skips itself in check mode. */
	if (ctx_check_mode(ctx))
		return MOD_SKIPPED;
	if (exe != NULL) {
		host_path_word(&s, exe);
		buf_adds(&s, " -c ");
		shell_quote_buf(&s, text);
	} else
		buf_adds(&s, text);
	rc = host_run(ctx, buf_cstr(&s), &res, &cause);
	buf_release(&s);
	if (rc != 0) {
		st = result_fail(r, "%s", cause);
		free(cause);
		exec_result_release(&res);
		return st;
	}
	result_set_exec(r, &res);
	rc = res.rc;
	exec_result_release(&res);
	if (rc != 0)
		return result_fail(r, "non-zero return code");
	return MOD_CHANGED;
}

const struct module_entry module_raw = {
	.name = "raw",
	.aliases = raw_aliases,
	.params = raw_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_FREE_FORM,
	.run = raw_run,
};
