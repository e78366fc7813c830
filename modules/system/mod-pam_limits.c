/*
 * pam_limits: sets one domain/type/item limit in a limits.conf
 * (community.general.pam_limits).  The file is read, edited by
 * pam_limits_edit and written back atomically when it changed.
 */
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "pam-limits.h"

static const char *const pam_limits_aliases[] = {
	"community.general.pam_limits", "community.general.system.pam_limits",
	NULL
};
static const char *const type_choices[] = { "hard", "soft", "-", NULL };
static const char *const item_choices[] = { "core", "data", "fsize",
	"memlock", "nofile", "rss", "stack", "cpu", "nproc", "as",
	"maxlogins", "maxsyslogins", "priority", "locks", "sigpending",
	"msgqueue", "nice", "rtprio", "chroot", NULL };

static const struct mod_param pam_limits_params[] = {
	{ "domain", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "limit_type", P_STR, P_REQUIRED, NULL, type_choices, NULL },
	{ "limit_item", P_STR, P_REQUIRED, NULL, item_choices, NULL },
	{ "value", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "use_max", P_BOOL, 0, "no", NULL, NULL },
	{ "use_min", P_BOOL, 0, "no", NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "dest", P_PATH, 0, "/etc/security/limits.conf", NULL, NULL },
	/* Later community.general releases: no means a missing dest fails. */
	{ "create", P_BOOL, 0, "yes", NULL, NULL },
	{ "comment", P_STR, 0, "", NULL, NULL },
	{ NULL }
};

static int
pam_limits_validate(const struct mod_args *args, char **cause)
{
	struct value	*v = args_get(args, "value");
	const char	*item = args_str(args, "limit_item");

	if (args_bool(args, "use_max", 0) && args_bool(args, "use_min", 0)) {
		*cause = xstrdup("Cannot use use_min and use_max at the same "
		    "time.");
		return -1;
	}
	if (v == NULL || v->type != V_STR || value_is_template(v) ||
	    item == NULL || value_is_template(args_get(args, "limit_item")))
		return 0;
	return pam_limits_check_value(item, v->u.str.s, "", cause);
}

/* The directory part of path, as os.path.dirname gives it. */
static char *
pam_limits_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

static enum mod_status
pam_limits_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*dest = args_str(args, "dest");
	struct pam_limits_req	 q;
	struct host_stat	 st, dst;
	struct write_opts	 wo;
	struct buf		 in = BUF_INIT, out = BUF_INIT;
	char			*cause = NULL, *msg = NULL, *backup = NULL;
	char			*dir = NULL;
	int			 changed = 0;
	enum mod_status		 status = MOD_FAILED;

	if (pam_limits_validate(args, &cause) != 0)
		goto out;
	memset(&q, 0, sizeof q);
	q.domain = args_str(args, "domain");
	q.type = args_str(args, "limit_type");
	q.item = args_str(args, "limit_item");
	q.value = args_str(args, "value");
	q.use_max = args_bool(args, "use_max", 0);
	q.use_min = args_bool(args, "use_min", 0);
	q.comment = args_str(args, "comment");

	if (host_stat(ctx, dest, STAT_FOLLOW, &st, &cause) != 0)
		goto out;
	if (st.type == FT_NONE) {
		dir = pam_limits_dirname(dest);
		if (!args_bool(args, "create", 1)) {
			cause = xasprintf("%s does not exist and create is "
			    "false", dest);
			goto out;
		}
		if (host_stat(ctx, dir, STAT_FOLLOW, &dst, &cause) != 0)
			goto out;
		if (dst.type != FT_DIR || !dst.writeable) {
			cause = xasprintf("directory %s is not writable (check "
			    "presence, access rights, use sudo)", dir);
			goto out;
		}
	} else if (st.type != FT_FILE) {
		cause = xasprintf("%s is not a regular file", dest);
		goto out;
	} else if (!st.writeable) {
		cause = xasprintf("%s is not writable. Use sudo", dest);
		goto out;
	} else if (host_read(ctx, dest, &in, &cause) != 0)
		goto out;

	if (pam_limits_edit(buf_cstr(&in), in.len, dest, &q, &out, &changed,
	    &msg, &cause) != 0)
		goto out;
	if (st.type == FT_NONE)
		changed = 1;
	if (changed && ctx_diff_mode(ctx))
		result_diff(r, NULL, buf_cstr(&in), NULL, buf_cstr(&out));
	if (changed && !ctx_check_mode(ctx)) {
		memset(&wo, 0, sizeof wo);
		wo.backup = args_bool(args, "backup", 0) && st.type != FT_NONE;
		if (host_write(ctx, dest, out.s, out.len, &wo, &backup,
		    &cause) != 0)
			goto out;
	}
	if (backup != NULL)
		result_setstr(r, "backup_file", backup);
	result_setstr(r, "msg", msg);
	status = changed ? MOD_CHANGED : MOD_OK;
out:
	if (status == MOD_FAILED)
		status = result_fail(r, "%s", cause != NULL ? cause :
		    "pam_limits failed");
	free(cause);
	free(msg);
	free(backup);
	free(dir);
	buf_release(&in);
	buf_release(&out);
	return status;
}

const struct module_entry module_pam_limits = {
	.name = "pam_limits",
	.aliases = pam_limits_aliases,
	.params = pam_limits_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = pam_limits_validate,
	.run = pam_limits_run,
};
