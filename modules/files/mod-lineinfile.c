/* lineinfile: ensures a line is in a file, or not, as Ansible's lineinfile does. */
#include <stdlib.h>
#include <string.h>

#include "fileedit.h"
#include "module.h"

static const char *const lineinfile_aliases[] = {
	"ansible.builtin.lineinfile", "ansible.legacy.lineinfile", NULL
};
static const char *const path_aliases[] = { "dest", "destfile", "name", NULL };
static const char *const regexp_aliases[] = { "regex", NULL };
static const char *const line_aliases[] = { "value", NULL };
static const char *const state_choices[] = { "absent", "present", NULL };

static const struct mod_param lineinfile_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, path_aliases },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "regexp", P_STR, 0, NULL, NULL, regexp_aliases },
	{ "search_string", P_STR, 0, NULL, NULL, NULL },
	{ "line", P_STR, 0, NULL, NULL, line_aliases },
	{ "insertafter", P_STR, 0, NULL, NULL, NULL },
	{ "insertbefore", P_STR, 0, NULL, NULL, NULL },
	{ "backrefs", P_BOOL, 0, "no", NULL, NULL },
	{ "create", P_BOOL, 0, "no", NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "firstmatch", P_BOOL, 0, "no", NULL, NULL },
	{ "validate", P_STR, 0, NULL, NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

static int
lineinfile_tmpl(const struct mod_args *args, const char *key)
{
	return value_is_template(args_get(args, key));
}

static int
lineinfile_validate(const struct mod_args *args, char **cause)
{
	static const char *const excl[][2] = {
		{ "insertbefore", "insertafter" },
		{ "regexp", "search_string" },
		{ "backrefs", "search_string" },
	};
	const char	*state = args_str(args, "state");
	size_t		 i;

	for (i = 0; i < ARRAY_SIZE(excl); i++) {
		if (args_has(args, excl[i][0]) && args_has(args, excl[i][1]) &&
		    (strcmp(excl[i][0], "backrefs") != 0 ||
		    args_bool(args, "backrefs", 0))) {
			*cause = xasprintf("parameters are mutually exclusive: "
			    "%s|%s", excl[i][0], excl[i][1]);
			return -1;
		}
	}
	if (fileedit_validate_cmd(args, cause) != 0)
		return -1;
	if (state == NULL || lineinfile_tmpl(args, "state"))
		return 0;
	if (strcmp(state, "present") == 0) {
		if (!lineinfile_tmpl(args, "backrefs") &&
		    args_bool(args, "backrefs", 0) && !args_has(args, "regexp")) {
			*cause = xstrdup("regexp is required with backrefs=true");
			return -1;
		}
		if (!args_has(args, "line")) {
			*cause = xstrdup("line is required with state=present");
			return -1;
		}
	} else if (!args_has(args, "line") && !args_has(args, "regexp") &&
	    !args_has(args, "search_string")) {
		*cause = xstrdup("one of line, search_string, or regexp is "
		    "required with state=absent");
		return -1;
	}
	return 0;
}

static enum mod_status
lineinfile_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*path = args_str(args, "path");
	const char		*regexp = args_str(args, "regexp");
	const char		*search = args_str(args, "search_string");
	struct fileedit_job	 job = FILEEDIT_JOB_INIT(path);
	struct lineinfile_spec	 sp;
	const char		*m;
	size_t			 found = 0;
	int			 present, check = ctx_check_mode(ctx);
	enum mod_status		 status;

	present = strcmp(args_str(args, "state"), "present") == 0;
	if ((regexp != NULL && *regexp == '\0') ||
	    (search != NULL && *search == '\0'))
		result_warn(r, "The %s is an empty string, which will match "
		    "every line in the file. This may have unintended "
		    "consequences, such as replacing the last line in the "
		    "file rather than appending.%s", regexp != NULL ?
		    "regular expression" : "search string", regexp != NULL ?
		    " If this is desired, use '^' to match every line in the "
		    "file and avoid this warning." : "");
	memset(&sp, 0, sizeof sp);
	sp.regexp = regexp;
	sp.search_string = search;
	sp.line = args_str(args, "line");
	sp.insertafter = args_str(args, "insertafter");
	sp.insertbefore = args_str(args, "insertbefore");
	sp.backrefs = args_bool(args, "backrefs", 0);
	sp.firstmatch = args_bool(args, "firstmatch", 0);

	if (fileedit_load(ctx, &job, r) != 0)
		goto fail;
	if (job.st.type == FT_NONE) {
		if (!present) {
			buf_adds(&job.msg, "file not present");
			goto done;
		}
		if (!args_bool(args, "create", 0)) {
			result_setint(r, "rc", 257);
			job.cause = xasprintf("Destination %s does not exist !",
			    path);
			goto fail;
		}
	}

	if (present) {
		if (fileedit_line_present(buf_cstr(&job.in), job.in.len, &sp,
		    &job.out, &job.changed, &m, &job.cause) != 0)
			goto fail;
		buf_adds(&job.msg, m);
	} else {
		if (fileedit_line_absent(buf_cstr(&job.in), job.in.len, &sp,
		    &job.out, &found, &job.cause) != 0)
			goto fail;
		job.changed = found > 0;
	}
	fileedit_diff(ctx, &job, " (content)", r);
	if (!present && job.changed)
		buf_addf(&job.msg, "%zu line(s) removed", found);
	if (present && check && job.st.type == FT_NONE) {
		result_setstr(r, "backup", "");
		goto done;
	}
	if (fileedit_commit(ctx, args, &job, FILEEDIT_ATTR_DIFF, r) != 0)
		goto fail;
	result_setstr(r, "backup", job.backup != NULL ? job.backup : "");
	if (!present)
		result_setint(r, "found", (long long)found);
done:
	status = fileedit_done(&job, r);
	goto out;
fail:
	status = fileedit_fail(&job, r, "lineinfile failed");
out:
	fileedit_job_release(&job);
	return status;
}

const struct module_entry module_lineinfile = {
	.name = "lineinfile",
	.aliases = lineinfile_aliases,
	.params = lineinfile_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = lineinfile_validate,
	.run = lineinfile_run,
};
