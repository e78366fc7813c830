/* acl: sets, removes or reports a path's POSIX ACL entries with setfacl/getfacl. */
#include <stdlib.h>
#include <string.h>

#include "acl-plan.h"
#include "module.h"

static const char *const acl_aliases[] = {
	"ansible.posix.acl", "community.general.acl", NULL
};
static const char *const path_aliases[] = { "name", NULL };
static const char *const recursive_aliases[] = { "recurse", NULL };
static const char *const etype_choices[] = { "group", "mask", "other",
	"user", NULL };
static const char *const state_choices[] = { "absent", "present", "query",
	NULL };
static const char *const mask_choices[] = { "default", "mask", "no_mask",
	NULL };

static const struct mod_param acl_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, path_aliases },
	{ "entry", P_STR, 0, NULL, NULL, NULL },
	{ "entity", P_STR, 0, "", NULL, NULL },
	{ "etype", P_STR, 0, NULL, etype_choices, NULL },
	{ "permissions", P_STR, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "query", state_choices, NULL },
	{ "follow", P_BOOL, 0, "yes", NULL, NULL },
	{ "default", P_BOOL, 0, "no", NULL, NULL },
	{ "recursive", P_BOOL, 0, "no", NULL, recursive_aliases },
	{ "recalculate_mask", P_STR, 0, "default", mask_choices, NULL },
	{ "use_nfsv4_acls", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

static void
acl_req_fill(const struct mod_args *args, struct acl_req *q)
{
	const char	*state = args_str(args, "state");
	const char	*mask = args_str(args, "recalculate_mask");

	memset(q, 0, sizeof *q);
	q->entry = args_str(args, "entry");
	q->entity = args_str(args, "entity");
	q->etype = args_str(args, "etype");
	q->permissions = args_str(args, "permissions");
	q->state = strcmp(state, "present") == 0 ? ACL_PRESENT :
	    strcmp(state, "absent") == 0 ? ACL_ABSENT : ACL_QUERY;
	q->default_ = args_bool(args, "default", 0);
	q->recursive = args_bool(args, "recursive", 0);
	q->follow = args_bool(args, "follow", 1);
	q->mask = strcmp(mask, "mask") == 0 ? ACL_MASK_MASK :
	    strcmp(mask, "no_mask") == 0 ? ACL_MASK_NO : ACL_MASK_DEFAULT;
	q->nfsv4 = args_bool(args, "use_nfsv4_acls", 0);
}

static int
acl_validate(const struct mod_args *args, char **cause)
{
	struct acl_req	 q;
	struct acl_plan	 p;
	int		 r;

	if (value_is_template(args_get(args, "entry")) ||
	    value_is_template(args_get(args, "entity")) ||
	    value_is_template(args_get(args, "etype")) ||
	    value_is_template(args_get(args, "permissions")) ||
	    value_is_template(args_get(args, "state")))
		return 0;
	acl_req_fill(args, &q);
	r = acl_plan_make(&q, &p, cause);
	acl_plan_release(&p);
	return r;
}

/* Runs s (after "p=PATH" and the existence check); 0 with res, or -1. */
static int
acl_script(struct task_ctx *ctx, const char *path, struct buf *cmd,
    struct exec_result *res, char **cause)
{
	struct buf	 s = BUF_INIT;
	int		 r;

	buf_adds(&s, "p=");
	host_path_word(&s, path);
	buf_adds(&s, "\n[ -e \"$p\" ] || { echo 'Path not found or not "
	    "accessible.' >&2; exit 99; }\n");
	buf_add(&s, cmd->s, cmd->len);
	r = host_run(ctx, buf_cstr(&s), res, cause);
	buf_release(&s);
	buf_release(cmd);
	return r != 0 ? -1 : 0;
}

static enum mod_status
acl_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*path = args_str(args, "path");
	struct acl_req		 q;
	struct acl_plan		 p;
	struct buf		 cmd = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL;
	int			 changed = 0;
	enum mod_status		 status;

	acl_req_fill(args, &q);
	if (acl_plan_make(&q, &p, &cause) != 0)
		goto fail;
	if (q.state != ACL_QUERY) {
		acl_command(&cmd, q.state == ACL_PRESENT ? ACL_SET : ACL_RM,
		    &q, &p, 1, NULL);
		if (acl_script(ctx, path, &cmd, &res, &cause) != 0)
			goto fail;
		if (res.rc != 0)
			goto fail_exec;
		changed = acl_test_changed(res.out.s, res.out.len);
		exec_result_release(&res);
	}
	/* The change and the listing in one round trip. */
	if (changed && !ctx_check_mode(ctx)) {
		acl_command(&cmd, q.state == ACL_PRESENT ? ACL_SET : ACL_RM,
		    &q, &p, 0, NULL);
		/* absent: Ansible ignores setfacl -x's status */
		buf_adds(&cmd, q.state == ACL_PRESENT ? " || exit 1\n" :
		    " || :\n");
	}
	acl_command(&cmd, ACL_GET, &q, &p, 0, NULL);
	if (acl_script(ctx, path, &cmd, &res, &cause) != 0)
		goto fail;
	if (res.rc != 0)
		goto fail_exec;
	result_set(r, "msg", q.state == ACL_PRESENT ?
	    value_strf("%s is present", p.entry) : q.state == ACL_ABSENT ?
	    value_strf("%s is absent", p.entry) : value_str("current acl"));
	result_set(r, "acl", acl_lines(res.out.s, res.out.len));
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;

fail_exec:
	if (res.rc == 99)
		cause = xstrdup("Path not found or not accessible.");
	else {
		status = result_fail_exec(r, "setfacl", &res);
		goto out;
	}
fail:
	status = result_fail(r, "%s", cause != NULL ? cause : "acl failed");
out:
	free(cause);
	exec_result_release(&res);
	acl_plan_release(&p);
	return status;
}

const struct module_entry module_acl = {
	.name = "acl",
	.aliases = acl_aliases,
	.params = acl_params,
	.flags = MOD_SUPPORTS_CHECK,
	.validate = acl_validate,
	.run = acl_run,
};
