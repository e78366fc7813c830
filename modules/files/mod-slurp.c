/* slurp: a target file's content, base64-encoded, as Ansible's slurp returns it. */
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "module.h"

static const char *const slurp_aliases[] = {
	"ansible.builtin.slurp", "ansible.legacy.slurp", NULL
};
static const char *const src_aliases[] = { "path", NULL };

static const struct mod_param slurp_params[] = {
	{ "src", P_PATH, P_REQUIRED, NULL, NULL, src_aliases },
	{ NULL }
};

/*
 * Ansible's messages for the errno of open(): the shell tells them apart
 * with its exit status, since cat's own text differs from Python's.
 */
static const char *
slurp_reason(int rc)
{
	switch (rc) {
	case 3:
		return "file not found";
	case 4:
		return "source is a directory and must be a file";
	case 5:
		return "file is not readable";
	}
	return NULL;
}

static enum mod_status
slurp_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*src = args_str(args, "src");
	struct buf		 s = BUF_INIT, b64 = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*why;
	char			*cause = NULL;
	enum mod_status		 status;

	buf_adds(&s, "p=");
	host_path_word(&s, src);
	buf_adds(&s, "; [ -e \"$p\" ] || exit 3; [ -d \"$p\" ] && exit 4; "
	    "[ -r \"$p\" ] || exit 5; exec cat -- \"$p\"");
	if (host_run(ctx, buf_cstr(&s), &res, &cause) != 0) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	if (res.rc != 0) {
		if ((why = slurp_reason(res.rc)) != NULL)
			status = result_fail(r, "%s: %s", why, src);
		else {
			while (res.err.len > 0 &&
			    res.err.s[res.err.len - 1] == '\n')
				res.err.s[--res.err.len] = '\0';
			status = result_fail(r, "unable to slurp file: %s",
			    buf_cstr(&res.err));
		}
		goto out;
	}
	files_b64_encode(&b64, res.out.s, res.out.len);
	result_setstr(r, "content", buf_cstr(&b64));
	result_setstr(r, "source", src);
	result_setstr(r, "encoding", "base64");
	status = MOD_OK;
out:
	free(cause);
	buf_release(&s);
	buf_release(&b64);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_slurp = {
	.name = "slurp",
	.aliases = slurp_aliases,
	.params = slurp_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = slurp_run,
};
