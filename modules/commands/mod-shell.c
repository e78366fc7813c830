/* shell: runs a command line through /bin/sh (or executable). */
#include "command-common.h"

static const char *const shell_aliases[] = {
	"ansible.builtin.shell", "ansible.legacy.shell", NULL
};
static const char *const cmd_aliases[] = { "cmd", NULL };

static const struct mod_param shell_params[] = {
	{ "_raw_params", P_STR, 0, NULL, NULL, cmd_aliases },
	{ "chdir", P_PATH, 0, NULL, NULL, NULL },
	{ "executable", P_PATH, 0, NULL, NULL, NULL },
	{ "creates", P_PATH, 0, NULL, NULL, NULL },
	{ "removes", P_PATH, 0, NULL, NULL, NULL },
	{ "stdin", P_STR, 0, NULL, NULL, NULL },
	{ "stdin_add_newline", P_BOOL, 0, "yes", NULL, NULL },
	{ "strip_empty_ends", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

static enum mod_status
shell_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	return command_common_run(ctx, args, r, 1);
}

static int
shell_job(struct task_ctx *ctx, const struct mod_args *args, struct result *r,
    struct buf *script, struct buf *in, enum mod_status *st)
{
	return command_common_job(ctx, args, r, 1, script, in, st);
}

const struct module_entry module_shell = {
	.name = "shell",
	.aliases = shell_aliases,
	.params = shell_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_FREE_FORM,
	.run = shell_run,
	.job = shell_job,
};
