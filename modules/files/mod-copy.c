/* copy: puts a controller file or inline content on the host, atomically and idempotently. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "copy-plan.h"
#include "module.h"

static const char *const copy_aliases[] = {
	"ansible.builtin.copy", "ansible.legacy.copy", NULL
};
static const char *const force_aliases[] = { "thirsty", NULL };

static const struct mod_param copy_params[] = {
	{ "src", P_PATH, 0, NULL, NULL, NULL },
	{ "content", P_RAW, P_SECRET, NULL, NULL, NULL },
	{ "dest", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "force", P_BOOL, 0, "yes", NULL, force_aliases },
	MOD_FILE_COMMON_PARAMS,
	{ "directory_mode", P_RAW, 0, NULL, NULL, NULL },
	{ "remote_src", P_BOOL, 0, "no", NULL, NULL },
	{ "validate", P_STR, 0, NULL, NULL, NULL },
	{ "checksum", P_STR, 0, NULL, NULL, NULL },
	{ "follow", P_BOOL, 0, "no", NULL, NULL },
	{ "local_follow", P_BOOL, 0, "yes", NULL, NULL },
	{ "decrypt", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

static int
copy_validate(const struct mod_args *args, char **cause)
{
	const char	*dest = args_str(args, "dest");

	if (args_has(args, "src") && args_has(args, "content")) {
		*cause = xstrdup("src and content are mutually exclusive");
		return -1;
	}
	if (!args_has(args, "src") && !args_has(args, "content")) {
		*cause = xstrdup("src (or content) is required");
		return -1;
	}
	if (args_has(args, "content") && dest != NULL &&
	    !value_is_template(args_get(args, "dest")) &&
	    str_endswith(dest, "/")) {
		*cause = xstrdup("can not use content with a dir as dest");
		return -1;
	}
	return 0;
}

/* What copy_run gathered and decided. */
struct copy_job {
	const char		*src;
	struct buf		 data;		/* what to write */
	char			*local;		/* the controller file */
	mode_t			 src_mode;
	char			 sum[41];	/* sha1 of data */
	char			*final;		/* the path written */
	int			 mkdirs;
	struct host_stat	 st;		/* final, followed */
	struct host_stat	 sst;		/* remote_src: src, followed */
	char			*mtext;		/* mode as chmod text */
	char			*backup;
};

static void
copy_job_release(struct copy_job *j)
{
	buf_release(&j->data);
	free(j->local);
	free(j->final);
	free(j->mtext);
	free(j->backup);
}

/* The data from content, a host file (remote_src) or a controller file. */
static int
copy_gather_src(struct task_ctx *ctx, const struct mod_args *args,
    struct copy_job *j, char **cause)
{
	struct value		*content = args_get(args, "content");
	struct stat		 lst;
	char			*t = NULL;
	int			 rc;

	if (content != NULL) {
		if (content->type == V_LIST || content->type == V_DICT)
			value_to_json(&j->data, content, 0);
		else {
			t = value_to_string(content);
			buf_adds(&j->data, t);
			free(t);
		}
	} else if (args_bool(args, "remote_src", 0)) {
		if (j->sst.type == FT_NONE) {	/* copy_src_dir's stat */
			*cause = xasprintf("Source %s not found", j->src);
			return -1;
		}
		j->src_mode = j->sst.mode;
		if (host_read(ctx, j->src, &j->data, cause) != 0)
			return -1;
	} else {
		if ((j->local = ctx_find_file(ctx, "files", j->src)) == NULL) {
			*cause = xasprintf("Could not find or access '%s' on "
			    "the Ansible Controller.\nIf you are using a "
			    "module and expect the file to exist on the "
			    "remote, see the remote_src option", j->src);
			return -1;
		}
		if (stat(j->local, &lst) == 0)
			j->src_mode = lst.st_mode & 07777;
		if ((rc = ctx_read_file(ctx, j->local, args_bool(args,
		    "decrypt", 1), &j->data, &t)) != 0) {
			/* A vault that does not open says so; else Ansible's. */
			if (rc == ERR_INVALID)
				*cause = t;
			else {
				free(t);
				*cause = xasprintf("Could not find or access "
				    "'%s' on the Ansible Controller.", j->src);
			}
			return -1;
		}
	}
	return 0;
}

/*
 * A src that is a directory (on the controller, or on the host with
 * remote_src): *found is where it is, else NULL.  With remote_src, *st
 * is src's stat, for copy_gather_src.  0, or -1 and *cause.
 */
static int
copy_src_dir(struct task_ctx *ctx, const struct mod_args *args,
    const char *src, struct host_stat *st, char **found, char **cause)
{
	struct stat		 lst;
	char			*local;

	*found = NULL;
	if (src == NULL || args_get(args, "content") != NULL)
		return 0;
	if (args_bool(args, "remote_src", 0)) {
		if (host_stat(ctx, src, STAT_FOLLOW, st, cause) != 0)
			return -1;
		if (st->type == FT_DIR)
			*found = xstrdup(src);
		return 0;
	}
	if ((local = ctx_find_file(ctx, "files", src)) == NULL)
		return 0;	/* copy_gather_src says so */
	if (stat(local, &lst) == 0 && S_ISDIR(lst.st_mode))
		*found = local;
	else
		free(local);
	return 0;
}

/* Where to write: dest, or inside it when it is a directory. */
static int
copy_gather_dest(struct task_ctx *ctx, const struct mod_args *args,
    struct copy_job *j, char **cause)
{
	const char	*dest = args_str(args, "dest");

	j->final = copy_dest_path(dest, j->src, &j->mkdirs);
	if (host_stat(ctx, j->final, STAT_FOLLOW | STAT_CHECKSUM, &j->st,
	    cause) != 0)
		return -1;
	if (j->st.type != FT_DIR)
		return 0;
	if (args_get(args, "content") != NULL) {
		*cause = xstrdup("can not use content with a dir as dest");
		return -1;
	}
	free(j->final);
	j->final = xasprintf("%s/%s", dest, copy_basename(j->src));
	return host_stat(ctx, j->final, STAT_FOLLOW | STAT_CHECKSUM, &j->st,
	    cause);
}

/* Same content: applies mode/owner/group only. */
static int
copy_apply_attrs(struct task_ctx *ctx, const struct mod_args *args,
    struct copy_job *j, int *changed, char **cause)
{
	struct value	*mode = args_get(args, "mode"), *m = mode;
	const char	*owner = args_str(args, "owner");
	const char	*group = args_str(args, "group");
	int		 r = 0;

	*changed = 0;
	if (mode == NULL && owner == NULL && group == NULL)
		return 0;
	if (mode != NULL && mode->type == V_STR &&
	    strcmp(mode->u.str.s, "preserve") == 0)
		m = value_str(j->mtext);
	else if (m != NULL)
		value_ref(m);
	r = host_set_attrs_st(ctx, j->final, &j->st, m, owner, group, 0,
	    args_bool(args, "follow", 0), changed, NULL, NULL, cause);
	value_unref(m);
	return r != 0 ? -1 : 0;
}

static void
copy_diff(struct task_ctx *ctx, struct copy_job *j, struct result *r)
{
	struct buf	 old = BUF_INIT;
	struct value	*l;
	char		*cause = NULL;
	const char	*text = NULL;

	if (j->st.type == FT_FILE && j->st.size <= COPY_MAX_DIFF) {
		if (host_read(ctx, j->final, &old, &cause) == 0)
			text = buf_cstr(&old);
		free(cause);
	}
	if (r->v == NULL || (l = value_dict_get(r->v, "diff")) == NULL) {
		l = value_list();
		result_set(r, "diff", l);
	}
	value_list_append(l, copy_diff_entry(j->final, j->src != NULL ?
	    (j->local != NULL ? j->local : j->src) : "dynamically generated",
	    &j->st, text, old.len, buf_cstr(&j->data), j->data.len));
	buf_release(&old);
}

/* New or different content: the diff, then an atomic write. */
static int
copy_write(struct task_ctx *ctx, const struct mod_args *args,
    struct copy_job *j, struct result *r, char **cause)
{
	struct value		*dmode = args_get(args, "directory_mode");
	struct write_opts	 wo;
	char			*dtext = NULL;
	int			 rc;

	if (ctx_diff_mode(ctx))
		copy_diff(ctx, j, r);
	if (dmode != NULL &&
	    (dtext = copy_mode_text(dmode, 0755, cause)) == NULL)
		return -1;
	memset(&wo, 0, sizeof wo);
	wo.mode = j->mtext;
	wo.owner = args_str(args, "owner");
	wo.group = args_str(args, "group");
	wo.backup = args_bool(args, "backup", 0);
	wo.validate = args_str(args, "validate");
	wo.mkdirs = j->mkdirs;
	wo.dir_mode = dtext;
	rc = host_write(ctx, j->final, buf_cstr(&j->data), j->data.len, &wo,
	    &j->backup, cause);
	free(dtext);
	if (rc != 0)
		return -1;
	if (j->backup != NULL)
		result_setstr(r, "backup_file", j->backup);
	return 0;
}

static void
copy_path_info(struct result *r, const struct host_stat *st)
{
	char	m[8];

	if (st->type == FT_NONE)
		return;
	mode_format(st->mode, m);
	result_setstr(r, "mode", m);
	result_setstr(r, "owner", st->owner);
	result_setstr(r, "group", st->group);
	result_setint(r, "uid", st->uid);
	result_setint(r, "gid", st->gid);
	result_setint(r, "size", st->size);
	result_setstr(r, "state", st->type == FT_DIR ? "directory" : "file");
}

static enum mod_status
copy_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*want_sum = args_str(args, "checksum");
	struct value		*mode = args_get(args, "mode");
	struct copy_job		 j;
	char			*cause = NULL, *dir = NULL;
	int			 changed = 0;
	enum copy_action	 action;
	enum mod_status		 status = MOD_FAILED;

	memset(&j, 0, sizeof j);
	j.src = args_str(args, "src");
	j.src_mode = 0644;
	if (copy_validate(args, &cause) != 0 ||
	    copy_src_dir(ctx, args, j.src, &j.sst, &dir, &cause) != 0)
		goto fail;
	if (dir != NULL) {
		status = copy_tree_run(ctx, args, j.src, dir,
		    args_bool(args, "remote_src", 0), r);
		free(dir);
		goto out;
	}
	if (copy_gather_src(ctx, args, &j, &cause) != 0)
		goto fail;
	sha1_hex(buf_cstr(&j.data), j.data.len, j.sum);
	if (want_sum != NULL && strcmp(want_sum, j.sum) != 0) {
		cause = xstrdup("Copied file does not match the expected "
		    "checksum. Transfer failed.");
		goto fail;
	}
	if (copy_gather_dest(ctx, args, &j, &cause) != 0)
		goto fail;
	result_setstr(r, "dest", j.final);
	if (j.src != NULL)
		result_setstr(r, "src", j.local != NULL ? j.local : j.src);
	result_setstr(r, "checksum", j.sum);
	if (j.st.type == FT_DIR) {
		cause = xasprintf("Destination %s is a directory", j.final);
		goto fail;
	}
	action = copy_decide(&j.st, j.sum, args_bool(args, "force", 1));
	if (action == COPY_KEEP) {
		copy_path_info(r, &j.st);
		status = MOD_OK;
		goto out;
	}
	if (mode != NULL &&
	    (j.mtext = copy_mode_text(mode, j.src_mode, &cause)) == NULL)
		goto fail;
	if (action == COPY_ATTRS) {
		if (copy_apply_attrs(ctx, args, &j, &changed, &cause) != 0)
			goto fail;
	} else {
		if (copy_write(ctx, args, &j, r, &cause) != 0)
			goto fail;
		changed = 1;
	}
	if (changed && !ctx_check_mode(ctx) && host_stat(ctx, j.final,
	    STAT_FOLLOW, &j.st, &cause) != 0)
		goto fail;
	copy_path_info(r, &j.st);
	if (j.st.type == FT_NONE)
		result_setint(r, "size", (long long)j.data.len);
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;

fail:
	status = result_fail(r, "%s", cause != NULL ? cause : "copy failed");
out:
	free(cause);
	copy_job_release(&j);
	return status;
}

const struct module_entry module_copy = {
	.name = "copy",
	.aliases = copy_aliases,
	.params = copy_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = copy_validate,
	.run = copy_run,
};
