/* ping: proves the connection and the remote shell work (no Python needed). */
#include <stdlib.h>
#include <string.h>

#include "module.h"

static const char *const ping_aliases[] = {
	"ansible.builtin.ping", "ansible.legacy.ping", NULL
};

static const struct mod_param ping_params[] = {
	{ "data", P_STR, 0, "pong", NULL, NULL },
	{ NULL }
};

static enum mod_status
ping_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*data = args_str(args, "data");
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL;
	enum mod_status		 st;

	if (data != NULL && strcmp(data, "crash") == 0)
		return result_fail(r, "boom");
	if (host_run(ctx, "echo pong", &res, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		free(cause);
		exec_result_release(&res);
		return st;
	}
	if (res.rc != 0 || !str_startswith(buf_cstr(&res.out), "pong")) {
		exec_result_release(&res);
		return result_fail(r, "the remote shell did not answer");
	}
	exec_result_release(&res);
	result_setstr(r, "ping", data != NULL ? data : "pong");
	return MOD_OK;
}

const struct module_entry module_ping = {
	.name = "ping",
	.aliases = ping_aliases,
	.params = ping_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = ping_run,
};
