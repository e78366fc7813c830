/* postgresql_db: stub. */
#include "db.h"
static const struct mod_param postgresql_db_params[] = { { NULL } };
static enum mod_status
postgresql_db_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	(void)ctx; (void)args;
	return result_fail(r, "not yet");
}
const struct module_entry module_postgresql_db = {
	.name = "postgresql_db", .params = postgresql_db_params, .run = postgresql_db_run,
};
