/*
 * cron: manages "#Ansible: name" entries and NAME="value" variables in a
 * user's crontab (through crontab -l / crontab -) or in a cron_file, with
 * the same lines Ansible's cron module writes.
 */
#include <stdlib.h>
#include <string.h>

#include "cron-tab.h"
#include "module.h"

static const char *const cron_aliases[] = {
	"ansible.builtin.cron", "ansible.legacy.cron", NULL
};
static const char *const job_aliases[] = { "value", NULL };
static const char *const day_aliases[] = { "dom", NULL };
static const char *const weekday_aliases[] = { "dow", NULL };
static const char *const state_choices[] = { "present", "absent", NULL };
static const char *const special_choices[] = { "reboot", "yearly",
	"annually", "monthly", "weekly", "daily", "hourly", NULL };

static const struct mod_param cron_params[] = {
	{ "name", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "user", P_STR, 0, NULL, NULL, NULL },
	{ "job", P_STR, 0, NULL, NULL, job_aliases },
	{ "cron_file", P_PATH, 0, NULL, NULL, NULL },
	{ "state", P_STR, 0, "present", state_choices, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "minute", P_STR, 0, "*", NULL, NULL },
	{ "hour", P_STR, 0, "*", NULL, NULL },
	{ "day", P_STR, 0, "*", NULL, day_aliases },
	{ "month", P_STR, 0, "*", NULL, NULL },
	{ "weekday", P_STR, 0, "*", NULL, weekday_aliases },
	{ "special_time", P_STR, 0, NULL, special_choices, NULL },
	{ "disabled", P_BOOL, 0, "no", NULL, NULL },
	{ "env", P_BOOL, 0, "no", NULL, NULL },
	{ "insertafter", P_STR, 0, NULL, NULL, NULL },
	{ "insertbefore", P_STR, 0, NULL, NULL, NULL },
	{ NULL }
};

static void
cron_req_from_args(const struct mod_args *a, struct cron_req *q)
{
	memset(q, 0, sizeof *q);
	q->name = args_str(a, "name");
	q->job = args_str(a, "job");
	q->minute = args_str(a, "minute");
	q->hour = args_str(a, "hour");
	q->day = args_str(a, "day");
	q->month = args_str(a, "month");
	q->weekday = args_str(a, "weekday");
	q->special_time = args_str(a, "special_time");
	q->disabled = args_bool(a, "disabled", 0);
	q->env = args_bool(a, "env", 0);
	q->present = strcmp(args_str(a, "state") != NULL ?
	    args_str(a, "state") : "present", "present") == 0;
	q->insertafter = args_str(a, "insertafter");
	q->insertbefore = args_str(a, "insertbefore");
}

static int
cron_validate(const struct mod_args *a, char **cause)
{
	struct cron_req	q;

	cron_req_from_args(a, &q);
	if (q.name == NULL)
		q.name = "";
	/* A templated job is only known at run time. */
	if (q.job == NULL && args_get(a, "job") != NULL)
		q.job = "";
	return cron_req_check(&q, args_str(a, "cron_file"),
	    args_get(a, "user") != NULL ? "" : NULL, cause);
}

/* "crontab ARGS" for user, with -u only when it is not the shell's user. */
static void
cron_cmd(struct buf *b, const char *user, const char *args)
{
	if (user == NULL) {
		buf_addf(b, "crontab %s", args);
		return;
	}
	buf_adds(b, "if [ \"$(id -un)\" = ");
	shell_quote_buf(b, user);
	buf_addf(b, " ]; then crontab %s; else crontab -u ", args);
	shell_quote_buf(b, user);
	buf_addf(b, " %s; fi", args);
}

static char *
cron_file_path(const char *f)
{
	if (f[0] == '/' || f[0] == '~')
		return xstrdup(f);
	return xasprintf("/etc/cron.d/%s", f);
}

static const char *
cron_basename(const char *p)
{
	const char	*s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

static void
cron_set_names(struct result *r, const struct cron_tab *t)
{
	struct value	*l;
	char		**names, **p;
	int		  k;

	for (k = 0; k < 2; k++) {
		names = k == 0 ? cron_tab_jobnames(t) : cron_tab_envnames(t);
		l = value_list();
		for (p = names; *p != NULL; p++)
			value_list_append(l, value_str(*p));
		result_set(r, k == 0 ? "jobs" : "envs", l);
		strv_free_null(names);
	}
}

/*
 * The last job of a cron_file went: the file goes too.  *changed: it was
 * there (existed, in check mode).  0, or -1 and *cause.
 */
static int
cron_remove_file(struct task_ctx *ctx, const char *path, int existed,
    int *changed, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT;
	int			 rv;

	if (ctx_check_mode(ctx)) {
		*changed = existed;
		return 0;
	}
	buf_adds(&cmd, "test -f ");
	host_path_word(&cmd, path);
	buf_adds(&cmd, " || exit 3; rm -f ");
	host_path_word(&cmd, path);
	if ((rv = host_run(ctx, buf_cstr(&cmd), &res, cause)) == 0)
		*changed = res.rc == 0;
	buf_release(&cmd);
	exec_result_release(&res);
	return rv != 0 ? -1 : 0;
}

/* Ansible's backup: the crontab as it was, in a private temp file. */
static int
cron_backup(struct task_ctx *ctx, struct result *r, const char *backup,
    char **cause)
{
	struct exec_result	res = EXEC_RESULT_INIT;

	if (host_run_stdin(ctx, "umask 077; f=$(mktemp "
	    "/tmp/crontabXXXXXXXX) && cat >\"$f\" && "
	    "printf '%s' \"$f\"", backup, strlen(backup), &res, cause) != 0) {
		exec_result_release(&res);
		return -1;
	}
	if (res.rc == 0)
		result_setstr(r, "backup_file", buf_cstr(&res.out));
	exec_result_release(&res);
	return 0;
}

/*
 * Writes the new text: to the cron_file at path (0644 when created), or
 * through `crontab -` for user when path is NULL.  0, or -1 and *cause.
 */
static int
cron_write(struct task_ctx *ctx, struct result *r, const char *user,
    const char *path, int created, const char *after, char **cause)
{
	struct write_opts	 wo;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 cmd = BUF_INIT;
	int			 rv = -1;

	if (path != NULL) {
		memset(&wo, 0, sizeof wo);
		wo.mode = created ? "0644" : NULL;
		return host_write(ctx, path, after, strlen(after), &wo, NULL,
		    cause) != 0 ? -1 : 0;
	}
	cron_cmd(&cmd, user, "-");
	if (host_run_stdin(ctx, buf_cstr(&cmd), after, strlen(after), &res,
	    cause) != 0)
		goto out;
	if (res.rc != 0) {
		result_set_exec(r, &res);
		*cause = xstrndup(buf_cstr(&res.err), res.err.len);
		goto out;
	}
	rv = 0;
out:
	buf_release(&cmd);
	exec_result_release(&res);
	return rv;
}

static enum mod_status
cron_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*user = args_str(args, "user");
	const char		*cf = args_str(args, "cron_file");
	struct cron_req		 q;
	struct cron_tab		 t;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 text = BUF_INIT, cmd = BUF_INIT;
	struct host_lock	*lock = NULL;
	char			*before = NULL, *lpath;
	char			*cause = NULL, *path = NULL, *warn = NULL;
	char			*after = NULL, *backup = NULL, *hdr = NULL;
	int			 changed = 0, empty = 0, check = ctx_check_mode(ctx);
	int			 rr = ERR_NOENT, lr;
	enum mod_status		 st = MOD_FAILED;

	memset(&t, 0, sizeof t);
	cron_req_from_args(args, &q);
	if (cron_req_check(&q, cf, user, &cause) != 0)
		goto fail;
	if (cf != NULL) {
		path = cron_file_path(cf);
		if (!cron_file_name_ok(path))
			result_warn(r, "Filename portion of cron_file (\"%s\") "
			    "should consist solely of upper- and lower-case "
			    "letters, digits, underscores, and hyphens",
			    cron_basename(path));
		rr = host_read_lock(ctx, path, &text, &lock, &cause);
		if (rr == ERR_NOENT) {
			free(cause);
			cause = NULL;
		} else if (rr != 0)
			goto fail;
		hdr = xstrdup(path);
	} else {
		/*
		 * crontab(1) reads and installs without a lock across the
		 * two: ours sits in the spool beside the user's crontab
		 * (one for "the shell's user"), created by root only; a
		 * user editing their own goes unlocked.
		 */
		cron_cmd(&cmd, user, "-l");
		lpath = xasprintf("/var/spool/cron/crontabs/%s",
		    user != NULL && strchr(user, '/') == NULL ? user :
		    "crontab");
		lr = host_run_lock(ctx, buf_cstr(&cmd), lpath, &res, &lock,
		    &cause);
		free(lpath);
		if (lr != 0)
			goto fail;
		if (res.rc != 0 && res.rc != 1) {
			result_set_exec(r, &res);
			cause = xstrdup(res.rc == 127 ? "Failed to find "
			    "required executable \"crontab\"" :
			    "Unable to read crontab");
			goto fail;
		}
		buf_add(&text, res.out.s, res.out.len);
		hdr = user != NULL ? xasprintf("crontab for user \"%s\"",
		    user) : xstrdup("crontab");
	}
	cron_tab_parse(&t, buf_cstr(&text), cf != NULL, user);
	if (ctx_diff_mode(ctx))
		before = xstrdup(t.existing);
	/* Ansible's backup holds the crontab as it renders it, before. */
	if (args_bool(args, "backup", 0))
		backup = cron_tab_render(&t);
	if (cron_tab_apply(&t, &q, &changed, &empty, &warn, &cause) != 0)
		goto fail;
	if (warn != NULL)
		result_warn(r, "%s", warn);

	if (empty) {
		/* The last job of a cron_file went: the file goes too. */
		if (cron_remove_file(ctx, path, rr == 0, &changed,
		    &cause) != 0)
			goto fail;
		if (before != NULL)
			result_diff(r, hdr, before, "/dev/null", "");
		result_setstr(r, "cron_file", cf);
		result_setstr(r, "state", "absent");
		st = changed ? MOD_CHANGED : MOD_OK;
		goto out;
	}

	cron_set_names(r, &t);
	if (changed) {
		after = cron_tab_render(&t);
		if (backup != NULL && !check &&
		    cron_backup(ctx, r, backup, &cause) != 0)
			goto fail;
		if (!check && cron_write(ctx, r, user, path, rr != 0, after,
		    &cause) != 0)
			goto fail;
		if (before != NULL)
			result_diff(r, hdr, before, hdr, after);
	}
	if (cf != NULL)
		result_setstr(r, "cron_file", cf);
	st = changed ? MOD_CHANGED : MOD_OK;
	goto out;

fail:
	st = result_fail(r, "%s", cause != NULL ? cause : "cron failed");
out:
	host_unlock(ctx, lock);
	free(before);
	cron_tab_free(&t);
	exec_result_release(&res);
	buf_release(&text);
	buf_release(&cmd);
	free(cause);
	free(path);
	free(warn);
	free(after);
	free(backup);
	free(hdr);
	return st;
}

const struct module_entry module_cron = {
	.name = "cron",
	.aliases = cron_aliases,
	.params = cron_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = cron_validate,
	.run = cron_run,
};
