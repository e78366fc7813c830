/* blockinfile: keeps a marked block of lines in a file, as Ansible's blockinfile does. */
#include <stdlib.h>
#include <string.h>

#include "fileedit.h"
#include "module.h"

static const char *const blockinfile_aliases[] = {
	"ansible.builtin.blockinfile", "ansible.legacy.blockinfile", NULL
};
static const char *const path_aliases[] = { "dest", "destfile", "name", NULL };
static const char *const block_aliases[] = { "content", NULL };
static const char *const state_choices[] = { "absent", "present", NULL };

static const struct mod_param blockinfile_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, path_aliases },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "marker", P_STR, 0, "# {mark} ANSIBLE MANAGED BLOCK", NULL, NULL },
	{ "block", P_STR, 0, "", NULL, block_aliases },
	{ "insertafter", P_STR, 0, NULL, NULL, NULL },
	{ "insertbefore", P_STR, 0, NULL, NULL, NULL },
	{ "create", P_BOOL, 0, "no", NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "validate", P_STR, 0, NULL, NULL, NULL },
	{ "marker_begin", P_STR, 0, "BEGIN", NULL, NULL },
	{ "marker_end", P_STR, 0, "END", NULL, NULL },
	{ "append_newline", P_BOOL, 0, "no", NULL, NULL },
	{ "prepend_newline", P_BOOL, 0, "no", NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

static int
blockinfile_validate(const struct mod_args *args, char **cause)
{
	if (args_has(args, "insertbefore") && args_has(args, "insertafter")) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "insertbefore|insertafter");
		return -1;
	}
	return fileedit_validate_cmd(args, cause);
}

static enum mod_status
blockinfile_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*path = args_str(args, "path");
	struct fileedit_job	 job = FILEEDIT_JOB_INIT(path);
	struct blockinfile_spec	 sp;
	const char		*m;
	int			 exists;
	enum mod_status		 status;

	memset(&sp, 0, sizeof sp);
	sp.block = args_str(args, "block");
	sp.marker = args_str(args, "marker");
	sp.marker_begin = args_str(args, "marker_begin");
	sp.marker_end = args_str(args, "marker_end");
	sp.insertafter = args_str(args, "insertafter");
	sp.insertbefore = args_str(args, "insertbefore");
	sp.present = strcmp(args_str(args, "state"), "present") == 0;
	sp.append_newline = args_bool(args, "append_newline", 0);
	sp.prepend_newline = args_bool(args, "prepend_newline", 0);
	if (sp.block == NULL)
		sp.block = "";

	if (fileedit_load(ctx, &job, r) != 0)
		goto fail;
	exists = job.st.type != FT_NONE;
	if (!exists) {
		if (!args_bool(args, "create", 0)) {
			result_setint(r, "rc", 257);
			job.cause = xasprintf("Path %s does not exist !", path);
			goto fail;
		}
		if (!sp.present) {
			buf_addf(&job.msg, "File %s not present", path);
			goto done;
		}
	}

	if (fileedit_block(buf_cstr(&job.in), job.in.len, exists, &sp,
	    &job.out, &job.changed, &m, &job.cause) != 0)
		goto fail;
	buf_adds(&job.msg, m);
	fileedit_diff(ctx, &job, " (content)", r);
	if (ctx_check_mode(ctx) && !exists)
		goto done;
	if (fileedit_commit(ctx, args, &job, FILEEDIT_ATTR_DIFF |
	    FILEEDIT_BACKUP_FILE, r) != 0)
		goto fail;
done:
	status = fileedit_done(&job, r);
	goto out;
fail:
	status = fileedit_fail(&job, r, "blockinfile failed");
out:
	fileedit_job_release(&job);
	return status;
}

const struct module_entry module_blockinfile = {
	.name = "blockinfile",
	.aliases = blockinfile_aliases,
	.params = blockinfile_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = blockinfile_validate,
	.run = blockinfile_run,
};
