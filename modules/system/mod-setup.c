/*
 * setup: gathers the host's facts (engine/facts.h) in one round trip; the
 * executor merges the result's ansible_facts into the host's facts.
 */
#include <stdlib.h>

#include "facts.h"
#include "module.h"

static const char *const setup_aliases[] = {
	"ansible.builtin.setup", "ansible.legacy.setup", NULL
};

static const struct mod_param setup_params[] = {
	{ "gather_subset", P_LIST, 0, "all", NULL, NULL },
	{ "filter", P_LIST, 0, NULL, NULL, NULL },
	{ "fact_path", P_PATH, 0, FACTS_PATH_DEFAULT, NULL, NULL },
	{ "gather_timeout", P_INT, 0, "10", NULL, NULL },
	{ NULL }
};

static enum mod_status
setup_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const struct value	*spec = args_get(args, "gather_subset");
	struct facts_opts	 fo = { 0 };
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL, *cmd;
	enum mod_status		 st;

	if (facts_subsets(spec, &fo.subsets, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		free(cause);
		return st;
	}
	fo.fact_path = args_str(args, "fact_path");
	fo.timeout = (int)args_int(args, "gather_timeout",
	    FACTS_TIMEOUT_DEFAULT);
	cmd = facts_command(&fo);
	if (host_run(ctx, cmd, &res, &cause) != 0) {
		st = result_fail(r, "%s", cause);
		free(cause);
		goto out;
	}
	result_set(r, "ansible_facts", facts_result(buf_cstr(&res.out),
	    fo.subsets, spec, args_get(args, "filter")));
	st = MOD_OK;
out:
	free(cmd);
	exec_result_release(&res);
	return st;
}

const struct module_entry module_setup = {
	.name = "setup",
	.aliases = setup_aliases,
	.params = setup_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = setup_run,
};
