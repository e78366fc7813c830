/*
 * async_status: the state of a job that an async task started, read from
 * its file on the target (executor-async.c keeps it as Ansible does), or
 * the job's files removed with mode=cleanup.
 */
#include "module.h"

static const char *const async_status_aliases[] = {
	"ansible.builtin.async_status", "ansible.legacy.async_status", NULL
};

static const char *const async_status_modes[] = {
	"status", "cleanup", NULL
};

static const struct mod_param async_status_params[] = {
	{ "jid", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "mode", P_STR, 0, "status", async_status_modes, NULL },
	{ NULL }
};

static enum mod_status
async_status_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char	*mode = args_str(args, "mode");

	return async_job_status(ctx, args_str(args, "jid"),
	    mode != NULL && mode[0] == 'c', r);
}

const struct module_entry module_async_status = {
	.name = "async_status",
	.aliases = async_status_aliases,
	.params = async_status_params,
	/* Ansible's module does not support check mode: skipped there */
	.flags = 0,
	.run = async_status_run,
};
