/* postgresql_user: stub. */
#include "db.h"
static const struct mod_param postgresql_user_params[] = { { NULL } };
static enum mod_status
postgresql_user_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	(void)ctx; (void)args;
	return result_fail(r, "not yet");
}
const struct module_entry module_postgresql_user = {
	.name = "postgresql_user", .params = postgresql_user_params, .run = postgresql_user_run,
};
