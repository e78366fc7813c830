/* postgresql_privs: stub. */
#include "db.h"
static const struct mod_param postgresql_privs_params[] = { { NULL } };
static enum mod_status
postgresql_privs_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	(void)ctx; (void)args;
	return result_fail(r, "not yet");
}
const struct module_entry module_postgresql_privs = {
	.name = "postgresql_privs", .params = postgresql_privs_params, .run = postgresql_privs_run,
};
