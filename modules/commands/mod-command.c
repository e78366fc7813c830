/* command: runs a program with its arguments, without a shell. */
#include "command-common.h"

static const char *const command_aliases[] = {
	"ansible.builtin.command", "ansible.legacy.command", NULL
};
static const char *const cmd_aliases[] = { "cmd", NULL };

static const struct mod_param command_params[] = {
	{ "_raw_params", P_STR, 0, NULL, NULL, cmd_aliases },
	{ "argv", P_LIST, 0, NULL, NULL, NULL },
	{ "chdir", P_PATH, 0, NULL, NULL, NULL },
	{ "creates", P_PATH, 0, NULL, NULL, NULL },
	{ "removes", P_PATH, 0, NULL, NULL, NULL },
	{ "stdin", P_STR, 0, NULL, NULL, NULL },
	{ "stdin_add_newline", P_BOOL, 0, "yes", NULL, NULL },
	{ "strip_empty_ends", P_BOOL, 0, "yes", NULL, NULL },
	{ "expand_argument_vars", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

static enum mod_status
command_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	return command_common_run(ctx, args, r, 0);
}

static int
command_job(struct task_ctx *ctx, const struct mod_args *args, struct result *r,
    struct buf *script, struct buf *in, enum mod_status *st)
{
	return command_common_job(ctx, args, r, 0, script, in, st);
}

const struct module_entry module_command = {
	.name = "command",
	.aliases = command_aliases,
	.params = command_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_FREE_FORM,
	.run = command_run,
	.job = command_job,
};
