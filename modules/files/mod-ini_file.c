/* ini_file: sets or removes an option or a section of an INI file, as community.general's ini_file. */
#include <stdlib.h>
#include <string.h>

#include "fileedit.h"
#include "files.h"
#include "module.h"

static const char *const ini_file_aliases[] = {
	"community.general.ini_file", "community.general.files.ini_file",
	"ansible.builtin.ini_file", "ansible.legacy.ini_file", NULL
};
static const char *const path_aliases[] = { "dest", NULL };
static const char *const state_choices[] = { "absent", "present", NULL };

static const struct mod_param ini_file_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, path_aliases },
	{ "section", P_STR, 0, NULL, NULL, NULL },
	{ "option", P_STR, 0, NULL, NULL, NULL },
	{ "value", P_STR, 0, NULL, NULL, NULL },
	{ "values", P_LIST, 0, NULL, NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "exclusive", P_BOOL, 0, "yes", NULL, NULL },
	{ "no_extra_spaces", P_BOOL, 0, "no", NULL, NULL },
	{ "allow_no_value", P_BOOL, 0, "no", NULL, NULL },
	{ "create", P_BOOL, 0, "yes", NULL, NULL },
	{ "modify_inactive_option", P_BOOL, 0, "yes", NULL, NULL },
	{ "ignore_spaces", P_BOOL, 0, "no", NULL, NULL },
	{ "follow", P_BOOL, 0, "no", NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

static int
ini_file_validate(const struct mod_args *args, char **cause)
{
	if (args_has(args, "value") && args_has(args, "values")) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "value|values");
		return -1;
	}
	return 0;
}

/* value, or the strings of values, NULL-terminated (borrowed). */
static const char **
ini_file_values(const struct mod_args *args)
{
	const char	**v, *one = args_str(args, "value");
	size_t		  n;

	if (one == NULL && (v = files_arg_strings(args, "values", &n)) != NULL)
		return v;
	v = xcalloc(2, sizeof *v);
	v[0] = one;
	return v;
}

static enum mod_status
ini_file_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*path = args_str(args, "path");
	const char		*msg;
	const char		**vals = NULL;
	struct ini_spec		 sp;
	struct host_stat	 st, lst;
	struct buf		 in = BUF_INIT, out = BUF_INIT;
	struct host_lock	*lock = NULL;
	char			*cause = NULL, *real = NULL, *backup = NULL;
	char			*header = NULL;
	int			 changed = 0;
	enum mod_status		 status = MOD_FAILED;

	memset(&sp, 0, sizeof sp);
	sp.section = args_str(args, "section");
	sp.option = args_str(args, "option");
	sp.present = strcmp(args_str(args, "state"), "present") == 0;
	sp.exclusive = args_bool(args, "exclusive", 1);
	sp.no_extra_spaces = args_bool(args, "no_extra_spaces", 0);
	sp.allow_no_value = args_bool(args, "allow_no_value", 0);
	sp.modify_inactive_option = args_bool(args, "modify_inactive_option",
	    1);
	sp.ignore_spaces = args_bool(args, "ignore_spaces", 0);
	vals = ini_file_values(args);
	sp.values = vals;
	if (sp.present && !sp.allow_no_value && vals[0] == NULL) {
		status = result_fail(r, "Parameter 'value(s)' must be defined "
		    "if state=present and allow_no_value=False.");
		goto out;
	}

	/*
	 * Read through a symlink; write to its target only with follow.
	 * Locked from the first look to the write: another run's edit in
	 * between would be lost.
	 */
	if (host_stat_lock(ctx, path, 0, &lst, &lock, &cause) != 0 ||
	    host_stat(ctx, path, STAT_FOLLOW, &st, &cause) != 0)
		goto fail;
	if (lst.type == FT_LINK && st.type != FT_NONE &&
	    args_bool(args, "follow", 0) && lst.lnk_source[0] != '\0')
		real = xstrdup(lst.lnk_source);
	else
		real = xstrdup(path);
	if (st.type == FT_DIR) {
		cause = xasprintf("Path %s is a directory !", path);
		goto fail;
	}
	if (st.type == FT_NONE) {
		if (!args_bool(args, "create", 1)) {
			result_setint(r, "rc", 257);
			cause = xasprintf("Destination %s does not exist!",
			    path);
			goto fail;
		}
	} else if (host_read(ctx, path, &in, &cause) != 0)
		goto fail;

	ini_edit(buf_cstr(&in), in.len, &sp, &out, &changed, &msg);
	if (ctx_diff_mode(ctx)) {
		/* Ansible's before is the text as Python read it. */
		header = xasprintf("%s (content)", path);
		result_diff(r, header, buf_cstr(&in), header, buf_cstr(&out));
	}
	/* Ansible applies mode/owner/group only outside check mode. */
	if (!ctx_check_mode(ctx) && fileedit_commit_text(ctx, args, path,
	    real, &st, &out, &changed, &backup, r, &cause) != 0)
		goto fail;
	if (backup != NULL)
		result_setstr(r, "backup_file", backup);
	result_setstr(r, "msg", msg);
	result_setstr(r, "path", path);
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;
fail:
	status = result_fail(r, "%s", cause != NULL ? cause :
	    "ini_file failed");
out:
	host_unlock(ctx, lock);
	free(vals);
	free(cause);
	free(real);
	free(backup);
	free(header);
	buf_release(&in);
	buf_release(&out);
	return status;
}

const struct module_entry module_ini_file = {
	.name = "ini_file",
	.aliases = ini_file_aliases,
	.params = ini_file_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = ini_file_validate,
	.run = ini_file_run,
};
