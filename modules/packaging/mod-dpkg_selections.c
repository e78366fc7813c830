/*
 * dpkg_selections: sets a package's dpkg selection (install, hold,
 * deinstall, purge) with dpkg --set-selections, as apt-mark hold does.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "packaging-plan.h"

static const char *const dpkg_selections_aliases[] = {
	"ansible.builtin.dpkg_selections", "ansible.legacy.dpkg_selections",
	NULL
};
static const char *const selection_choices[] = { "install", "hold",
	"deinstall", "purge", NULL };

static const struct mod_param dpkg_selections_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "selection", P_STR, P_REQUIRED, NULL, selection_choices, NULL },
	{ NULL }
};

static enum mod_status
dpkg_selections_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*name = args_str(args, "name");
	const char		*selection = args_str(args, "selection");
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT, data = BUF_INIT;
	char			*cause = NULL, *current = NULL;
	enum mod_status		 status;

	buf_adds(&cmd, "dpkg --get-selections ");
	shell_quote_buf(&cmd, name);
	if (host_run(ctx, buf_cstr(&cmd), &res, &cause) != 0) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	if (res.rc != 0) {
		status = result_fail_exec(r, buf_cstr(&cmd), &res);
		goto out;
	}
	current = dpkg_selection_parse(buf_cstr(&res.out));
	result_setstr(r, "before", current);
	result_setstr(r, "after", selection);
	if (strcmp(current, selection) == 0) {
		status = MOD_OK;
		goto out;
	}
	status = MOD_CHANGED;
	if (ctx_check_mode(ctx))
		goto out;
	exec_result_release(&res);
	/* The name and selection travel on stdin, never on the command line. */
	buf_addf(&data, "%s %s", name, selection);
	if (host_run_stdin(ctx, "dpkg --set-selections", data.s, data.len,
	    &res, &cause) != 0) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	if (res.rc != 0)
		status = result_fail_exec(r, "dpkg --set-selections", &res);
out:
	free(cause);
	free(current);
	buf_release(&cmd);
	buf_release(&data);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_dpkg_selections = {
	.name = "dpkg_selections",
	.aliases = dpkg_selections_aliases,
	.params = dpkg_selections_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = dpkg_selections_run,
};
