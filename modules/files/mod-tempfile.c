/* tempfile: creates a temporary file or directory on the target with mktemp(1). */
#include <stdlib.h>
#include <string.h>

#include "module.h"

static const char *const tempfile_aliases[] = {
	"ansible.builtin.tempfile", "ansible.legacy.tempfile", NULL
};
static const char *const state_choices[] = { "directory", "file", NULL };

static const struct mod_param tempfile_params[] = {
	{ "state", P_STR, 0, "file", state_choices, NULL },
	{ "path", P_PATH, 0, NULL, NULL, NULL },
	{ "prefix", P_STR, 0, "ansible.", NULL, NULL },
	{ "suffix", P_STR, 0, "", NULL, NULL },
	{ NULL }
};

static int
tempfile_validate(const struct mod_args *args, char **cause)
{
	struct value	*v;
	const char	*k[] = { "prefix", "suffix" };
	size_t		 i;

	/* mktemp refuses a slash in them; Python would build a subpath. */
	for (i = 0; i < ARRAY_SIZE(k); i++) {
		v = args_get(args, k[i]);
		if (v != NULL && v->type == V_STR && !value_is_template(v) &&
		    strchr(v->u.str.s, '/') != NULL) {
			*cause = xasprintf("%s must not contain '/': %s", k[i],
			    v->u.str.s);
			return -1;
		}
	}
	return 0;
}

static enum mod_status
tempfile_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*path = args_str(args, "path");
	const char		*prefix = args_str(args, "prefix");
	const char		*suffix = args_str(args, "suffix");
	int			 dir = strcmp(args_str(args, "state"),
				    "directory") == 0;
	struct buf		 s = BUF_INIT, t = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL;
	enum mod_status		 status;

	/* Python's mkstemp/mkdtemp: 8 random characters, $TMPDIR or /tmp. */
	buf_adds(&s, "exec mktemp ");
	if (dir)
		buf_adds(&s, "-d ");
	buf_adds(&s, "-p ");
	if (path != NULL)
		host_path_word(&s, path);
	else
		buf_adds(&s, "\"${TMPDIR:-/tmp}\"");
	buf_adds(&s, " --suffix=");
	shell_quote_buf(&s, suffix != NULL ? suffix : "");
	buf_adds(&s, " -- ");
	buf_addf(&t, "%sXXXXXXXX", prefix != NULL ? prefix : "");
	shell_quote_buf(&s, buf_cstr(&t));
	if (host_run(ctx, buf_cstr(&s), &res, &cause) != 0) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	if (res.rc != 0) {
		status = result_fail_exec(r, buf_cstr(&s), &res);
		goto out;
	}
	while (res.out.len > 0 && res.out.s[res.out.len - 1] == '\n')
		res.out.s[--res.out.len] = '\0';
	result_setstr(r, "path", buf_cstr(&res.out));
	status = MOD_CHANGED;
out:
	free(cause);
	buf_release(&s);
	buf_release(&t);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_tempfile = {
	.name = "tempfile",
	.aliases = tempfile_aliases,
	.params = tempfile_params,
	.validate = tempfile_validate,
	.run = tempfile_run,
};
