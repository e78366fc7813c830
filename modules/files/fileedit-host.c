/*
 * The host side of lineinfile, replace and blockinfile: lock, stat and
 * read, then the shared epilogue (write and unlock, backup, attributes,
 * diff, msg).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fileedit.h"

int
fileedit_validate_cmd(const struct mod_args *args, char **cause)
{
	struct value	*v = args_get(args, "validate");

	if (v == NULL || v->type != V_STR || value_is_template(v))
		return 0;
	if (strstr(v->u.str.s, "%s") == NULL) {
		*cause = xasprintf("validate must contain %%s: %s",
		    v->u.str.s);
		return -1;
	}
	return 0;
}

void
fileedit_job_release(struct fileedit_job *job)
{
	free(job->real);
	free(job->backup);
	free(job->cause);
	buf_release(&job->in);
	buf_release(&job->out);
	buf_release(&job->msg);
	job->real = job->backup = job->cause = NULL;
	host_unlock(job->ctx, job->lock);
	job->lock = NULL;
}

int
fileedit_load(struct task_ctx *ctx, struct fileedit_job *job,
    struct result *r)
{
	struct host_stat	*st = &job->st;

	job->ctx = ctx;
	if (host_stat_lock(ctx, job->path, 0, st, &job->lock,
	    &job->cause) != 0)
		return -1;
	if (st->type == FT_LINK && st->lnk_source[0] != '\0') {
		job->real = xstrdup(st->lnk_source);
		if (host_stat(ctx, job->real, STAT_FOLLOW, st,
		    &job->cause) != 0)
			return -1;
	} else
		job->real = xstrdup(job->path);
	if (st->type == FT_DIR) {
		result_setint(r, "rc", 256);
		job->cause = xasprintf("Path %s is a directory !", job->path);
		return -1;
	}
	if (st->type != FT_NONE &&
	    host_read(ctx, job->real, &job->in, &job->cause) != 0)
		return -1;
	return 0;
}

void
fileedit_diff(struct task_ctx *ctx, struct fileedit_job *job,
    const char *suffix, struct result *r)
{
	char	*header;

	if (!ctx_diff_mode(ctx))
		return;
	header = xasprintf("%s%s", job->path, suffix);
	result_diff(r, header, buf_cstr(&job->in), header,
	    buf_cstr(&job->out));
	free(header);
}

enum mod_status
fileedit_done(struct fileedit_job *job, struct result *r)
{
	result_setstr(r, "msg", buf_cstr(&job->msg));
	return job->changed ? MOD_CHANGED : MOD_OK;
}

enum mod_status
fileedit_fail(struct fileedit_job *job, struct result *r, const char *what)
{
	return result_fail(r, "%s", job->cause != NULL ? job->cause : what);
}

static int
fileedit_write(struct task_ctx *ctx, const struct mod_args *args,
    struct fileedit_job *job, int flags, struct result *r)
{
	struct write_opts	 wo;
	struct host_stat	 now;
	const struct host_stat	*st = &job->st;
	struct value		*mode = args_get(args, "mode");
	struct value		*before, *after, *l, *d;
	const char		*owner = args_str(args, "owner");
	const char		*group = args_str(args, "group");
	int			 ac = 0, check = ctx_check_mode(ctx);

	if (job->changed && !check) {
		memset(&wo, 0, sizeof wo);
		wo.backup = args_bool(args, "backup", 0) && st->type != FT_NONE;
		wo.validate = args_str(args, "validate");
		wo.mkdirs = st->type == FT_NONE;
		wo.unlock = job->lock;
		if (host_write(ctx, job->real, job->out.s, job->out.len, &wo,
		    &job->backup, &job->cause) != 0)
			return -1;
	}
	if (mode == NULL && owner == NULL && group == NULL)
		return 0;
	now = *st;
	if (st->type == FT_NONE) {
		/* Ansible stops here in check mode: nothing to compare. */
		if (check)
			return 0;
		if (host_stat(ctx, job->real, STAT_FOLLOW, &now,
		    &job->cause) != 0)
			return -1;
	}
	before = value_dict();
	after = value_dict();
	if (host_set_attrs_st(ctx, job->real, &now, mode, owner, group, 0, 1,
	    &ac, before, after, &job->cause) != 0) {
		value_unref(before);
		value_unref(after);
		return -1;
	}
	if (ac) {
		if (job->changed)
			buf_adds(&job->msg, " and ");
		buf_adds(&job->msg,
		    "ownership, perms or SE linux context changed");
		job->changed = 1;
		if ((flags & FILEEDIT_ATTR_DIFF) && ctx_diff_mode(ctx)) {
			result_diff_dict(r, before, after);
			l = value_dict_get(r->v, "diff");
			d = l->u.list.items[l->u.list.n - 1];
			value_dict_set(d, "before_header", value_strf("%s (file "
			    "attributes)", job->path));
			value_dict_set(d, "after_header", value_strf("%s (file "
			    "attributes)", job->path));
		}
	}
	value_unref(before);
	value_unref(after);
	return 0;
}

int
fileedit_commit(struct task_ctx *ctx, const struct mod_args *args,
    struct fileedit_job *job, int flags, struct result *r)
{
	if (fileedit_write(ctx, args, job, flags, r) != 0)
		return -1;
	if ((flags & FILEEDIT_BACKUP_FILE) && job->backup != NULL)
		result_setstr(r, "backup_file", job->backup);
	return 0;
}

int
fileedit_commit_text(struct task_ctx *ctx, const struct mod_args *args,
    const char *path, const char *real, const struct host_stat *st,
    struct buf *out, int *changed, char **backup, struct result *r,
    char **cause)
{
	struct fileedit_job	job = FILEEDIT_JOB_INIT(path);
	int			rc;

	job.real = xstrdup(real);
	job.st = *st;
	job.changed = *changed;
	/* The job borrows the text: it goes back to the caller after. */
	job.out = *out;
	rc = fileedit_commit(ctx, args, &job, 0, r);
	*out = job.out;
	job.out = (struct buf)BUF_INIT;
	*changed = job.changed;
	*backup = job.backup;
	job.backup = NULL;
	*cause = job.cause;
	job.cause = NULL;
	fileedit_job_release(&job);
	return rc;
}
