/* replace: substitutes every match of a regular expression in a file, as Ansible's replace does. */
#include <stdlib.h>
#include <string.h>

#include "fileedit.h"
#include "module.h"

static const char *const replace_aliases[] = {
	"ansible.builtin.replace", "ansible.legacy.replace", NULL
};
static const char *const path_aliases[] = { "dest", "destfile", "name", NULL };

static const struct mod_param replace_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, path_aliases },
	{ "regexp", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "replace", P_STR, 0, "", NULL, NULL },
	{ "after", P_STR, 0, NULL, NULL, NULL },
	{ "before", P_STR, 0, NULL, NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "validate", P_STR, 0, NULL, NULL, NULL },
	{ "encoding", P_STR, 0, "utf-8", NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

static int
replace_validate(const struct mod_args *args, char **cause)
{
	return fileedit_validate_cmd(args, cause);
}

static enum mod_status
replace_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*path = args_str(args, "path");
	const char		*repl = args_str(args, "replace");
	struct host_stat	 st;
	struct buf		 in = BUF_INIT, out = BUF_INIT, msg = BUF_INIT;
	char			*cause = NULL, *real = NULL, *backup = NULL;
	char			*m = NULL;
	int			 changed = 0;
	enum mod_status		 status = MOD_FAILED;

	result_setint(r, "rc", 0);
	if (fileedit_stat(ctx, path, &real, &st, &cause) != 0) {
		if (st.type == FT_DIR)
			result_setint(r, "rc", 256);
		goto fail;
	}
	if (st.type == FT_NONE) {
		result_setint(r, "rc", 257);
		cause = xasprintf("Path %s does not exist !", path);
		goto fail;
	}
	if (host_read(ctx, real, &in, &cause) != 0)
		goto fail;
	if (fileedit_replace(buf_cstr(&in), in.len, args_str(args, "regexp"),
	    repl != NULL ? repl : "", args_str(args, "after"),
	    args_str(args, "before"), &out, &changed, &m, &cause) != 0)
		goto fail;
	buf_adds(&msg, m);
	if (!changed && str_startswith(m, "Pattern for before/after")) {
		/* Ansible stops here, without looking at the attributes. */
		status = MOD_OK;
		goto done;
	}
	if (changed && ctx_diff_mode(ctx))
		result_diff(r, path, buf_cstr(&in), path, buf_cstr(&out));
	if (fileedit_commit(ctx, args, path, real, &st, changed, out.s,
	    out.len, 0, &msg, &changed, &backup, r, &cause) != 0)
		goto fail;
	if (backup != NULL)
		result_setstr(r, "backup_file", backup);
	status = changed ? MOD_CHANGED : MOD_OK;
done:
	result_setstr(r, "msg", buf_cstr(&msg));
	goto out;
fail:
	status = result_fail(r, "%s", cause != NULL ? cause :
	    "replace failed");
out:
	free(cause);
	free(real);
	free(backup);
	free(m);
	buf_release(&in);
	buf_release(&out);
	buf_release(&msg);
	return status;
}

const struct module_entry module_replace = {
	.name = "replace",
	.aliases = replace_aliases,
	.params = replace_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = replace_validate,
	.run = replace_run,
};
