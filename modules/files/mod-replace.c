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
	struct fileedit_job	 job = FILEEDIT_JOB_INIT(path);
	char			*m = NULL;
	enum mod_status		 status;

	result_setint(r, "rc", 0);
	if (fileedit_load(ctx, &job, r) != 0)
		goto fail;
	if (job.st.type == FT_NONE) {
		result_setint(r, "rc", 257);
		job.cause = xasprintf("Path %s does not exist !", path);
		goto fail;
	}
	if (fileedit_replace(buf_cstr(&job.in), job.in.len,
	    args_str(args, "regexp"), repl != NULL ? repl : "",
	    args_str(args, "after"), args_str(args, "before"), &job.out,
	    &job.changed, &m, &job.cause) != 0)
		goto fail;
	buf_adds(&job.msg, m);
	if (!job.changed && str_startswith(m, "Pattern for before/after")) {
		/* Ansible stops here, without looking at the attributes. */
		goto done;
	}
	if (job.changed)
		fileedit_diff(ctx, &job, "", r);
	if (fileedit_commit(ctx, args, &job, FILEEDIT_BACKUP_FILE, r) != 0)
		goto fail;
done:
	status = fileedit_done(&job, r);
	goto out;
fail:
	status = fileedit_fail(&job, r, "replace failed");
out:
	free(m);
	fileedit_job_release(&job);
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
