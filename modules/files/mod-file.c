/* file: makes a path a file, directory, link, hard link, touched or absent, with attributes. */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "file-plan.h"
#include "module.h"

static const char *const file_aliases[] = {
	"ansible.builtin.file", "ansible.legacy.file", NULL
};
static const char *const path_aliases[] = { "dest", "name", NULL };
static const char *const state_choices[] = { "absent", "directory", "file",
	"hard", "link", "touch", NULL };

static const struct mod_param file_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, path_aliases },
	{ "state", P_STR, 0, NULL, state_choices, NULL },
	{ "src", P_PATH, 0, NULL, NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ "recurse", P_BOOL, 0, "no", NULL, NULL },
	{ "force", P_BOOL, 0, "no", NULL, NULL },
	{ "follow", P_BOOL, 0, "yes", NULL, NULL },
	{ "modification_time", P_STR, 0, NULL, NULL, NULL },
	{ "modification_time_format", P_STR, 0, "%Y%m%d%H%M.%S", NULL, NULL },
	{ "access_time", P_STR, 0, NULL, NULL, NULL },
	{ "access_time_format", P_STR, 0, "%Y%m%d%H%M.%S", NULL, NULL },
	{ NULL }
};

/* What file_run gathered from the host, decided and did. */
struct file_job {
	const char		*path;	/* a followed symlink's target */
	char			*real;	/* owns path when following */
	char			*absrc;	/* a relative link source, resolved */
	enum file_state		 want;
	struct file_attrs	 attrs;
	int			 recurse;
	int			 check;
	struct host_stat	 st;	/* path, not followed */
	struct host_stat	 srcst;
	struct file_plan	 plan;
	enum file_action	 action;
	struct value		*before, *after;	/* the diff dicts */
	int			 changed;
	struct file_time	 mtime, atime;
};

static void
file_job_release(struct file_job *j)
{
	free(j->real);
	free(j->absrc);
	value_unref(j->before);
	value_unref(j->after);
}

/* Runs a script that must succeed; 0, or -1 and *cause ("what: stderr"). */
static int
file_script(struct task_ctx *ctx, struct buf *s, const char *what,
    struct exec_result *out, char **cause)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*e;
	int			 rc;

	rc = host_run(ctx, buf_cstr(s), &res, cause);
	buf_release(s);
	if (rc != 0) {
		exec_result_release(&res);
		return -1;
	}
	if (res.rc != 0) {
		e = xstrndup(res.err.s != NULL ? res.err.s : "", res.err.len);
		while (*e != '\0' && e[strlen(e) - 1] == '\n')
			e[strlen(e) - 1] = '\0';
		*cause = xasprintf("%s: %s", what, e);
		free(e);
		exec_result_release(&res);
		return -1;
	}
	if (out != NULL)
		*out = res;
	else
		exec_result_release(&res);
	return 0;
}

/* Ansible's diff of a removed directory: what it held. */
static struct value *
file_walk(struct task_ctx *ctx, const char *path)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct value		*w = value_dict(), *dirs = value_list();
	struct value		*files = value_list();
	char			*text, *line, *nl, *cause = NULL;

	buf_adds(&s, "find ");
	host_path_word(&s, path);
	buf_adds(&s, " -mindepth 1 \\( -type d -printf 'd%p\\n' \\) -o "
	    "-printf 'f%p\\n'");
	if (host_run(ctx, buf_cstr(&s), &res, &cause) == 0) {
		text = xstrndup(res.out.s != NULL ? res.out.s : "",
		    res.out.len);
		for (line = text; *line != '\0'; line = nl) {
			if ((nl = strchr(line, '\n')) == NULL)
				nl = line + strlen(line);
			else
				*nl++ = '\0';
			value_list_append(line[0] == 'd' ? dirs : files,
			    value_str(line + 1));
		}
		free(text);
	}
	free(cause);
	buf_release(&s);
	exec_result_release(&res);
	value_dict_set(w, "directories", dirs);
	value_dict_set(w, "files", files);
	return w;
}

/* path_info of Ansible's exit_json: state, mode, owner... of the path now. */
static void
file_path_info(struct result *r, const struct host_stat *st)
{
	char	m[8];

	if (st->type == FT_NONE)
		return;
	result_setint(r, "uid", st->uid);
	result_setint(r, "gid", st->gid);
	result_setstr(r, "owner", st->owner);
	result_setstr(r, "group", st->group);
	mode_format(st->mode, m);
	result_setstr(r, "mode", m);
	result_setstr(r, "state", file_state_name(file_prev_state(st)));
	result_setint(r, "size", st->size);
}

/* Fails with cause and frees it. */
static enum mod_status
file_failed(struct result *r, char *cause)
{
	enum mod_status	st = result_fail(r, "%s", cause);

	free(cause);
	return st;
}

/*
 * The host's side of the plan: the path (or a followed symlink's target),
 * the link source, whether a directory to replace is empty.  Fills j->plan;
 * 0, or -1 and *cause.
 */
static int
file_gather(struct task_ctx *ctx, const struct mod_args *args,
    struct file_job *j, struct result *r, char **cause)
{
	const char		*src = args_str(args, "src"), *e;
	struct file_plan	*p = &j->plan;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;

	if (host_stat(ctx, j->path, 0, &j->st, cause) != 0)
		return -1;
	j->want = file_want(args_str(args, "state"), file_prev_state(&j->st),
	    j->recurse);
	if ((e = file_args_error(j->want, j->recurse, src)) != NULL) {
		result_setstr(r, "path", j->path);
		*cause = xstrdup(e);
		return -1;
	}

	/* file and directory work on a symlink's target when following. */
	if ((j->want == FS_FILE || j->want == FS_DIRECTORY) &&
	    j->attrs.follow && j->st.type == FT_LINK) {
		j->real = xstrdup(j->st.lnk_source);
		j->path = j->real;
		if (host_stat(ctx, j->path, 0, &j->st, cause) != 0)
			return -1;
	}

	p->want = j->want;
	p->st = &j->st;
	p->path = j->path;
	p->src = src;
	p->force = args_bool(args, "force", 0);
	if (src != NULL) {	/* link or hard: file_args_error checked */
		if (j->want == FS_LINK)
			j->absrc = file_link_source(j->path,
			    j->st.type == FT_DIR, src);
		if (host_stat(ctx, j->absrc != NULL ? j->absrc : src,
		    STAT_FOLLOW, &j->srcst, cause) != 0)
			return -1;
		p->srcst = &j->srcst;
	}
	if (j->st.type == FT_DIR && j->want == FS_LINK && p->force) {
		buf_adds(&s, "ls -A -- ");
		host_path_word(&s, j->path);
		if (file_script(ctx, &s, "cannot list directory", &res,
		    cause) != 0)
			return -1;
		p->dir_empty = res.out.len == 0;
		exec_result_release(&res);
	}
	return 0;
}

/* Performs the action (not in check mode); 0, or -1 and *cause. */
static int
file_apply(struct task_ctx *ctx, struct file_job *j, char **cause)
{
	struct buf	 s = BUF_INIT;
	const char	*what;

	if (j->action == FA_NONE || j->action == FA_ATTRS)
		return 0;
	if (j->action == FA_TOUCH && j->attrs.touch_keep_times &&
	    j->st.type != FT_NONE)
		return 0;
	j->changed = 1;
	if (j->check)
		return 0;
	if (file_action_script(&j->plan, j->action, &j->attrs, &s, &what,
	    cause) != 0) {
		buf_release(&s);
		return -1;
	}
	return file_script(ctx, &s, what, NULL, cause);
}

/* Attributes, on what the path is now; 0, or -1 and *cause. */
static int
file_apply_attrs(struct task_ctx *ctx, struct file_job *j, char **cause)
{
	const struct file_attrs	*a = &j->attrs;
	struct host_stat	 now = j->st;
	int			 acted, follow, ac;
	mode_t			 mm;
	char			 m[8];

	if (j->want == FS_ABSENT || (a->mode == NULL && a->owner == NULL &&
	    a->group == NULL))
		return 0;
	acted = j->action != FA_ATTRS && j->action != FA_NONE;
	follow = a->follow && j->want != FS_DIRECTORY && j->want != FS_FILE;
	if (acted && !j->check) {
		if (host_stat(ctx, j->path, follow ? STAT_FOLLOW : 0, &now,
		    cause) != 0)
			return -1;
	} else if (follow && j->st.type == FT_LINK) {
		if (host_stat(ctx, j->path, STAT_FOLLOW, &now, cause) != 0)
			return -1;
	}
	if (j->action == FA_MKDIR && !j->check)
		return 0;	/* already applied to the new directories */
	if (now.type != FT_NONE && !(j->check && acted)) {
		if (host_set_attrs_st(ctx, j->path, &now, a->mode, a->owner,
		    a->group, j->recurse, a->follow, &ac, j->before, j->after,
		    cause) != 0)
			return -1;
		j->changed |= ac;
	} else if (j->check && a->mode != NULL) {
		/* Created in check mode: the mode it would get. */
		if (mode_target(a->mode, 0666 & ~j->st.umask, 0, j->st.umask,
		    &mm, cause) != 0)
			return -1;
		mode_format(mm, m);
		value_dict_setstr(j->after, "mode", m);
	}
	return 0;
}

/*
 * access_time and modification_time, on what the path is now, as
 * update_timestamp_for_file does (after the attributes).  0, or -1 and
 * *cause.
 */
static int
file_apply_times(struct task_ctx *ctx, struct file_job *j, char **cause)
{
	struct host_stat	 now;
	struct timeval		 tv;
	struct buf		 s = BUF_INIT;
	double			 nm, na;
	int			 follow = j->attrs.follow;

	if (j->want == FS_ABSENT || (j->mtime.kind == FTIME_PRESERVE &&
	    j->atime.kind == FTIME_PRESERVE))
		return 0;
	if (!j->attrs.touch_keep_times && j->want == FS_TOUCH)
		return 0;	/* the touch itself set them to now */
	if (j->check && j->changed && j->st.type == FT_NONE)
		return 0;	/* created in check mode: nothing to compare */
	if (host_stat(ctx, j->path, follow ? STAT_FOLLOW : 0, &now,
	    cause) != 0)
		return -1;
	if (now.type == FT_NONE)
		return 0;
	gettimeofday(&tv, NULL);
	if (!file_time_update(&j->mtime, &j->atime, now.mtime_f, now.atime_f,
	    tv.tv_sec + tv.tv_usec / 1e6, &nm, &na))
		return 0;
	j->changed = 1;
	if (nm != now.mtime_f) {
		value_dict_set(j->before, "mtime", value_float(now.mtime_f));
		value_dict_set(j->after, "mtime", value_float(nm));
	}
	if (na != now.atime_f) {
		value_dict_set(j->before, "atime", value_float(now.atime_f));
		value_dict_set(j->after, "atime", value_float(na));
	}
	if (j->check)
		return 0;
	buf_adds(&s, "p=");
	host_path_word(&s, j->path);
	buf_adds(&s, "\n");
	file_time_script(&s, &j->mtime, &j->atime, nm, na, follow);
	return file_script(ctx, &s, "Error while updating modification or "
	    "access time", NULL, cause);
}

/* The diff and Ansible's return values: dest or path, src, path_info. */
static enum mod_status
file_report(struct task_ctx *ctx, struct file_job *j, const char *src,
    struct result *r)
{
	struct host_stat	 now;
	char			*cause = NULL;
	enum file_state		 want = j->want;

	if (ctx_diff_mode(ctx) && j->changed)
		result_diff_dict(r, j->before, j->after);
	result_setstr(r, want == FS_LINK || want == FS_HARD ||
	    want == FS_TOUCH ? "dest" : "path", j->path);
	if (want == FS_LINK || want == FS_HARD)
		result_set(r, "src", src != NULL ? value_str(src) :
		    value_null());
	if (want == FS_ABSENT) {
		result_setstr(r, "state", "absent");
	} else if (j->changed && !j->check) {
		if (host_stat(ctx, j->path, 0, &now, &cause) != 0)
			return file_failed(r, cause);
		file_path_info(r, &now);
	} else
		file_path_info(r, &j->st);
	return j->changed ? MOD_CHANGED : MOD_OK;
}

static enum mod_status
file_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct file_job	 j;
	char		*cause = NULL;
	enum mod_status	 status;

	memset(&j, 0, sizeof j);
	j.path = args_str(args, "path");
	j.attrs.mode = args_get(args, "mode");
	j.attrs.owner = args_str(args, "owner");
	j.attrs.group = args_str(args, "group");
	j.attrs.follow = args_bool(args, "follow", 1);
	j.recurse = args_bool(args, "recurse", 0);
	j.check = ctx_check_mode(ctx);

	if (file_gather(ctx, args, &j, r, &cause) != 0)
		goto fail;
	if (file_time_parse(args_str(args, "modification_time"),
	    args_str(args, "modification_time_format"), j.want, &j.mtime,
	    &cause) != 0 || file_time_parse(args_str(args, "access_time"),
	    args_str(args, "access_time_format"), j.want, &j.atime,
	    &cause) != 0)
		goto fail;
	j.attrs.touch_keep_times = j.want == FS_TOUCH &&
	    (j.mtime.kind != FTIME_NOW || j.atime.kind != FTIME_NOW);
	if (file_decide(&j.plan, &j.action, &cause) != 0) {
		result_setstr(r, j.want == FS_LINK || j.want == FS_HARD ?
		    "dest" : "path", j.path);
		goto fail;
	}
	j.before = value_dict();
	j.after = value_dict();
	file_diff_init(&j.plan, j.action, j.before, j.after);
	if (j.want == FS_ABSENT && j.st.type == FT_DIR && ctx_diff_mode(ctx))
		value_dict_set(j.before, "path_content", file_walk(ctx, j.path));
	if (file_apply(ctx, &j, &cause) != 0 ||
	    file_apply_attrs(ctx, &j, &cause) != 0 ||
	    file_apply_times(ctx, &j, &cause) != 0)
		goto fail;
	status = file_report(ctx, &j, args_str(args, "src"), r);
	goto out;
fail:
	status = file_failed(r, cause);
out:
	file_job_release(&j);
	return status;
}

const struct module_entry module_file = {
	.name = "file",
	.aliases = file_aliases,
	.params = file_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = file_run,
};
