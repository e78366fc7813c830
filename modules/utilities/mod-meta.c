/*
 * meta: actions on the run itself (flush_handlers, end_play, end_host,
 * noop, ...).  The executor carries them out; this entry only names and
 * checks them.
 */
#include <string.h>

#include "module.h"

static const char *const meta_aliases[] = {
	"ansible.builtin.meta", "ansible.legacy.meta", NULL
};

static const char *const meta_actions[] = {
	"flush_handlers", "noop", "end_play", "end_host", "end_batch",
	"clear_facts", "clear_host_errors", "refresh_inventory",
	"reset_connection", NULL
};

static const struct mod_param meta_params[] = {
	{ "_raw_params", P_STR, P_REQUIRED, NULL, meta_actions, NULL },
	{ NULL }
};

static enum mod_status
meta_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	(void)ctx;
	(void)args;
	(void)r;
	return MOD_OK;
}

const struct module_entry module_meta = {
	.name = "meta",
	.aliases = meta_aliases,
	.params = meta_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL | MOD_FREE_FORM,
	.run = meta_run,
};
