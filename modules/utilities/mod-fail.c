/* fail: fails the task with a message (usually under a "when"). */
#include "module.h"

static const char *const fail_aliases[] = {
	"ansible.builtin.fail", "ansible.legacy.fail", NULL
};

static const struct mod_param fail_params[] = {
	{ "msg", P_RAW, 0, "Failed as requested from task", NULL, NULL },
	{ NULL }
};

static enum mod_status
fail_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	(void)ctx;
	result_set(r, "msg", value_ref(args_get(args, "msg")));
	return MOD_FAILED;
}

const struct module_entry module_fail = {
	.name = "fail",
	.aliases = fail_aliases,
	.params = fail_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL,
	.run = fail_run,
};
