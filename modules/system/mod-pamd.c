/*
 * pamd (community.general.pamd): edits one rule of a PAM service file in
 * /etc/pam.d.  The file is read under its lock, edited by pamd.c exactly
 * as community.general's pamd edits it and written back atomically (to
 * the symlink's target, as Ansible does) when a rule changed.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "module.h"
#include "pamd.h"

static const char *const pamd_aliases[] = {
	"community.general.pamd", "community.general.system.pamd", NULL
};
static const char *const type_choices[] = { "account", "-account", "auth",
	"-auth", "password", "-password", "session", "-session", NULL };
static const char *const state_choices[] = { "absent", "before", "after",
	"args_absent", "args_present", "updated", NULL };

static const struct mod_param pamd_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "type", P_STR, P_REQUIRED, NULL, type_choices, NULL },
	{ "control", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "module_path", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "new_type", P_STR, 0, NULL, type_choices, NULL },
	{ "new_control", P_STR, 0, NULL, NULL, NULL },
	{ "new_module_path", P_STR, 0, NULL, NULL, NULL },
	{ "module_arguments", P_LIST, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "updated", state_choices, NULL },
	{ "path", P_PATH, 0, "/etc/pam.d", NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

static int
pamd_mod_validate(const struct mod_args *args, char **cause)
{
	const char	*state = args_str(args, "state");
	const char	*need[3];
	struct buf	 b = BUF_INIT;
	size_t		 n = 0;

	if (state == NULL)
		return 0;
	if (strcmp(state, "args_present") == 0 ||
	    strcmp(state, "args_absent") == 0)
		need[n++] = "module_arguments";
	else if (strcmp(state, "before") == 0 || strcmp(state, "after") == 0) {
		need[n++] = "new_control";
		need[n++] = "new_type";
		need[n++] = "new_module_path";
	}
	for (size_t i = 0; i < n; i++)
		if (!args_has(args, need[i]))
			buf_addf(&b, "%s%s", b.len > 0 ? ", " : "", need[i]);
	if (b.len == 0)
		return 0;
	*cause = xasprintf("state is %s but all of the following are missing: "
	    "%s", state, buf_cstr(&b));
	buf_release(&b);
	return -1;
}

/* module_arguments split as pamd's parse_module_arguments. */
static void
pamd_mod_args(const struct mod_args *args, struct pamd_req *q)
{
	struct value	 *l = args_get(args, "module_arguments");
	const char	**items;
	size_t		  n = 0;

	if (l == NULL || l->type != V_LIST)
		return;
	q->has_args = 1;
	items = xcalloc(l->u.list.n + 1, sizeof *items);
	for (size_t i = 0; i < l->u.list.n; i++)
		if (l->u.list.items[i]->type == V_STR)
			items[n++] = l->u.list.items[i]->u.str.s;
	pamd_split_args(items, n, &q->args, &q->nargs);
	free(items);
}

/* "# Updated by Ansible - " and the local time as isoformat() gives it. */
static char *
pamd_mark(void)
{
	struct timeval	tv;
	struct tm	tm;
	char		t[32];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
	if (tv.tv_usec == 0)
		return xasprintf("# Updated by Ansible - %s", t);
	return xasprintf("# Updated by Ansible - %s.%06ld", t,
	    (long)tv.tv_usec);
}

static enum mod_status
pamd_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*state = args_str(args, "state");
	struct pamd_req		 q;
	struct pamd		 p;
	struct host_stat	 st;
	struct host_lock	*lock = NULL;
	struct write_opts	 wo;
	struct buf		 in = BUF_INIT, out = BUF_INIT, path = BUF_INIT;
	char			*cause = NULL, *backup = NULL, *mark = NULL;
	const char		*file;
	int			 changes = 0;
	enum mod_status		 status = MOD_FAILED;

	memset(&p, 0, sizeof p);
	memset(&q, 0, sizeof q);
	if (pamd_mod_validate(args, &cause) != 0)
		goto out;
	buf_addf(&path, "%s", args_str(args, "path"));
	if (path.len == 0 || path.s[path.len - 1] != '/')
		buf_adds(&path, "/");
	buf_adds(&path, args_str(args, "name"));
	if (host_stat(ctx, buf_cstr(&path), 0, &st, &cause) != 0)
		goto out;
	/* Ansible replaces the file a link points to, not the link. */
	file = st.type == FT_LINK && st.lnk_source[0] != '\0' ? st.lnk_source :
	    buf_cstr(&path);
	if (st.type == FT_NONE || host_read_lock(ctx, file, &in, &lock,
	    &cause) != 0) {
		free(cause);
		cause = xasprintf("Unable to open/read PAM module file %s with "
		    "error [Errno 2] No such file or directory: '%s'.",
		    buf_cstr(&path), buf_cstr(&path));
		goto out;
	}
	q.type = args_str(args, "type");
	q.control = args_str(args, "control");
	q.path = args_str(args, "module_path");
	q.new_type = args_str(args, "new_type");
	q.new_control = args_str(args, "new_control");
	q.new_path = args_str(args, "new_module_path");
	pamd_mod_args(args, &q);
	if (strcmp(state, "args_present") == 0)
		for (size_t i = 0; i < q.nargs; i++)
			if (q.args[i][0] == '[') {
				cause = xstrdup("Unable to process bracketed "
				    "'[' complex arguments with "
				    "'args_present'. Please use 'updated'.");
				goto out;
			}
	pamd_parse(buf_cstr(&in), &p);
	if (strcmp(state, "updated") == 0)
		changes = pamd_update(&p, &q);
	else if (strcmp(state, "before") == 0)
		changes = pamd_insert_before(&p, &q);
	else if (strcmp(state, "after") == 0)
		changes = pamd_insert_after(&p, &q);
	else if (strcmp(state, "args_absent") == 0)
		changes = pamd_args_absent(&p, &q);
	else if (strcmp(state, "args_present") == 0)
		changes = pamd_args_present(&p, &q);
	else
		changes = pamd_remove(&p, &q);
	if (pamd_validate(&p, &cause) != 0)
		goto out;
	if (changes > 0) {
		mark = pamd_mark();
		pamd_render(&p, mark, &out);
		if (ctx_diff_mode(ctx))
			result_diff(r, NULL, buf_cstr(&in), NULL,
			    buf_cstr(&out));
	}
	if (changes > 0 && !ctx_check_mode(ctx)) {
		memset(&wo, 0, sizeof wo);
		wo.backup = args_bool(args, "backup", 0);
		wo.unlock = lock;
		if (host_write(ctx, file, out.s, out.len, &wo, &backup,
		    &cause) != 0)
			goto out;
	}
	result_setint(r, "change_count", changes);
	result_setstr(r, "backupdest", backup != NULL ? backup : "");
	status = changes > 0 ? MOD_CHANGED : MOD_OK;
out:
	host_unlock(ctx, lock);
	if (status == MOD_FAILED)
		status = result_fail(r, "%s", cause != NULL ? cause :
		    "pamd failed");
	pamd_free(&p);
	strv_free(q.args, q.nargs);
	free(cause);
	free(backup);
	free(mark);
	buf_release(&in);
	buf_release(&out);
	buf_release(&path);
	return status;
}

const struct module_entry module_pamd = {
	.name = "pamd",
	.aliases = pamd_aliases,
	.params = pamd_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = pamd_mod_validate,
	.run = pamd_run,
};
