/* file: makes a path a file, directory, link, hard link, touched or absent, with attributes. */
#include <stdlib.h>
#include <string.h>

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
	{ "mode", P_RAW, 0, NULL, NULL, NULL },
	{ "owner", P_STR, 0, NULL, NULL, NULL },
	{ "group", P_STR, 0, NULL, NULL, NULL },
	{ "recurse", P_BOOL, 0, "no", NULL, NULL },
	{ "force", P_BOOL, 0, "no", NULL, NULL },
	{ "follow", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

static const char *const file_state_names[] = { "absent", "file",
	"directory", "link", "hard", "touch" };

const char *
file_state_name(enum file_state s)
{
	return file_state_names[s];
}

enum file_state
file_prev_state(const struct host_stat *st)
{
	switch (st->type) {
	case FT_NONE:
		return FS_ABSENT;
	case FT_LINK:
		return FS_LINK;
	case FT_DIR:
		return FS_DIRECTORY;
	default:
		return st->nlink > 1 ? FS_HARD : FS_FILE;
	}
}

static int
file_decide_link(const struct file_plan *p, enum file_state prev,
    enum file_action *action, char **cause)
{
	if (!p->force && p->src != NULL && (p->srcst == NULL ||
	    p->srcst->type == FT_NONE)) {
		*cause = xasprintf("src file does not exist, use \"force=yes\" "
		    "if you really want to create the link: %s", p->src);
		return -1;
	}
	if (prev == FS_DIRECTORY) {
		if (!p->force) {
			*cause = xasprintf("refusing to convert from directory "
			    "to symlink for %s", p->path);
			return -1;
		}
		if (!p->dir_empty) {
			*cause = xasprintf("the directory %s is not empty, "
			    "refusing to convert it", p->path);
			return -1;
		}
	} else if ((prev == FS_FILE || prev == FS_HARD) && !p->force) {
		*cause = xasprintf("refusing to convert from %s to symlink for "
		    "%s", file_state_name(prev), p->path);
		return -1;
	}
	if (prev != FS_LINK) {
		if (p->src == NULL) {
			*cause = xstrdup("src is required for creating new "
			    "symlinks");
			return -1;
		}
		*action = FA_LINK;
		return 0;
	}
	if (p->src != NULL && strcmp(p->st->link, p->src) != 0)
		*action = FA_LINK;
	else
		*action = FA_ATTRS;
	return 0;
}

static int
file_decide_hard(const struct file_plan *p, enum file_state prev,
    enum file_action *action, char **cause)
{
	if (prev != FS_HARD && p->src == NULL) {
		*cause = xstrdup("src is required for creating new hardlinks");
		return -1;
	}
	if (p->src != NULL && (p->srcst == NULL ||
	    p->srcst->type == FT_NONE)) {
		*cause = xstrdup("src does not exist");
		return -1;
	}
	*action = FA_ATTRS;
	switch (prev) {
	case FS_ABSENT:
	case FS_LINK:
		*action = FA_HARDLINK;
		break;
	case FS_HARD:
		if (p->src != NULL && (p->st->ino != p->srcst->ino ||
		    p->st->dev != p->srcst->dev)) {
			if (!p->force) {
				*cause = xstrdup("Cannot link, different hard "
				    "link exists at destination");
				return -1;
			}
			*action = FA_HARDLINK;
		}
		break;
	case FS_FILE:
		if (p->src != NULL && p->st->ino == p->srcst->ino &&
		    p->st->dev == p->srcst->dev)
			break;
		if (!p->force) {
			*cause = xstrdup("Cannot link, file exists at "
			    "destination");
			return -1;
		}
		*action = FA_HARDLINK;
		break;
	case FS_DIRECTORY:
		if (!p->force) {
			*cause = xstrdup("Cannot link: different hard link "
			    "exists at destination");
			return -1;
		}
		*action = FA_HARDLINK;
		break;
	default:
		break;
	}
	return 0;
}

int
file_decide(const struct file_plan *p, enum file_action *action,
    char **cause)
{
	enum file_state	prev = file_prev_state(p->st);

	*action = FA_NONE;
	switch (p->want) {
	case FS_FILE:
		if (prev != FS_FILE && prev != FS_HARD) {
			*cause = xasprintf("file (%s) is %s, cannot continue",
			    p->path, file_state_name(prev));
			return -1;
		}
		*action = FA_ATTRS;
		return 0;
	case FS_DIRECTORY:
		if (prev == FS_ABSENT)
			*action = FA_MKDIR;
		else if (prev == FS_DIRECTORY)
			*action = FA_ATTRS;
		else {
			*cause = xasprintf("%s already exists as a %s",
			    p->path, file_state_name(prev));
			return -1;
		}
		return 0;
	case FS_LINK:
		return file_decide_link(p, prev, action, cause);
	case FS_HARD:
		return file_decide_hard(p, prev, action, cause);
	case FS_TOUCH:
		*action = FA_TOUCH;
		return 0;
	case FS_ABSENT:
		*action = prev == FS_ABSENT ? FA_NONE : FA_REMOVE;
		return 0;
	}
	return 0;
}

/* Runs a script that must succeed; 0 or -1 with a failed result. */
static int
file_script(struct task_ctx *ctx, struct buf *s, struct result *r,
    const char *what, struct exec_result *out)
{
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*cause = NULL, *e;
	int			 rc;

	rc = host_run(ctx, buf_cstr(s), &res, &cause);
	buf_release(s);
	if (rc != 0) {
		result_fail(r, "%s", cause);
		free(cause);
		exec_result_release(&res);
		return -1;
	}
	if (res.rc != 0) {
		e = xstrndup(res.err.s != NULL ? res.err.s : "", res.err.len);
		while (*e != '\0' && e[strlen(e) - 1] == '\n')
			e[strlen(e) - 1] = '\0';
		result_fail(r, "%s: %s", what, e);
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

static enum mod_status
file_failed(struct result *r, char *cause)
{
	enum mod_status	st = result_fail(r, "%s", cause);

	free(cause);
	return st;
}

static enum mod_status
file_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*path = args_str(args, "path");
	const char		*state_s = args_str(args, "state");
	const char		*src = args_str(args, "src");
	const char		*owner = args_str(args, "owner");
	const char		*group = args_str(args, "group");
	struct value		*mode = args_get(args, "mode");
	int			 recurse = args_bool(args, "recurse", 0);
	int			 force = args_bool(args, "force", 0);
	int			 follow = args_bool(args, "follow", 1);
	int			 check = ctx_check_mode(ctx), changed = 0, ac;
	struct host_stat	 st, srcst, now;
	struct file_plan	 plan;
	struct value		*before, *after;
	struct buf		 s = BUF_INIT;
	enum file_state		 want, prev;
	enum file_action	 action;
	char			*cause = NULL, *real = NULL, *absrc = NULL, m[8];
	const char		*key = "path", *tpath;
	size_t			 i;

	if (host_stat(ctx, path, 0, &st, &cause) != 0)
		return file_failed(r, cause);
	prev = file_prev_state(&st);
	if (state_s == NULL) {
		if (prev != FS_ABSENT)
			want = prev;
		else
			want = recurse ? FS_DIRECTORY : FS_FILE;
	} else {
		for (i = 0; i < ARRAY_SIZE(file_state_names); i++)
			if (strcmp(state_s, file_state_names[i]) == 0)
				break;
		want = (enum file_state)i;
	}
	if (recurse && want != FS_DIRECTORY) {
		result_setstr(r, "path", path);
		return result_fail(r, "recurse option requires state to be "
		    "'directory'");
	}
	if (src != NULL && want != FS_LINK && want != FS_HARD) {
		result_setstr(r, "path", path);
		return result_fail(r, "src option requires state to be 'link' "
		    "or 'hard'");
	}

	/* file and directory work on a symlink's target when following. */
	if ((want == FS_FILE || want == FS_DIRECTORY) && follow &&
	    st.type == FT_LINK) {
		real = xstrdup(st.lnk_source);
		path = real;
		if (host_stat(ctx, path, 0, &st, &cause) != 0) {
			free(real);
			return file_failed(r, cause);
		}
		prev = file_prev_state(&st);
	}

	memset(&plan, 0, sizeof plan);
	plan.want = want;
	plan.st = &st;
	plan.path = path;
	plan.src = src;
	plan.force = force;
	if (src != NULL && (want == FS_LINK || want == FS_HARD)) {
		/* A relative symlink source is relative to the link's dir. */
		if (want == FS_LINK && src[0] != '/' && src[0] != '~') {
			char *dir = xstrdup(path), *sl;

			if (st.type != FT_DIR && (sl = strrchr(dir, '/')) != NULL)
				*sl = '\0';
			else if (st.type != FT_DIR)
				strcpy(dir, ".");
			absrc = xasprintf("%s/%s", dir, src);
			free(dir);
		}
		if (host_stat(ctx, absrc != NULL ? absrc : src, STAT_FOLLOW,
		    &srcst, &cause) != 0)
			goto fail;
		plan.srcst = &srcst;
	}
	if (want == FS_LINK && src == NULL && st.type == FT_LINK)
		plan.src = NULL;	/* keep the current target */
	if (st.type == FT_DIR && want == FS_LINK && force) {
		struct exec_result	 res = EXEC_RESULT_INIT;

		buf_adds(&s, "ls -A -- ");
		host_path_word(&s, path);
		if (file_script(ctx, &s, r, "cannot list directory", &res) != 0)
			goto out_failed;
		plan.dir_empty = res.out.len == 0;
		exec_result_release(&res);
	}
	if (file_decide(&plan, &action, &cause) != 0) {
		if (want == FS_LINK || want == FS_HARD)
			result_setstr(r, "dest", path);
		else
			result_setstr(r, "path", path);
		goto fail;
	}

	before = value_dict();
	after = value_dict();
	value_dict_setstr(before, "path", path);
	value_dict_setstr(after, "path", path);
	if (prev != want) {
		value_dict_setstr(before, "state", file_state_name(prev));
		value_dict_setstr(after, "state", file_state_name(want));
		if (want == FS_ABSENT && prev == FS_DIRECTORY &&
		    ctx_diff_mode(ctx))
			value_dict_set(before, "path_content",
			    file_walk(ctx, path));
	}
	if (want == FS_LINK && action == FA_LINK && prev == FS_LINK) {
		value_dict_setstr(before, "src", st.link);
		value_dict_setstr(after, "src", src);
	}

	buf_reset(&s);
	buf_adds(&s, "p=");
	host_path_word(&s, path);
	buf_adds(&s, "\n");
	switch (action) {
	case FA_NONE:
	case FA_ATTRS:
		break;
	case FA_REMOVE:
		changed = 1;
		if (check)
			break;
		buf_addf(&s, "rm -%sf -- \"$p\"", st.type == FT_DIR ? "r" : "");
		if (file_script(ctx, &s, r, "unable to remove", NULL) != 0)
			goto out_diff;
		break;
	case FA_MKDIR:
		changed = 1;
		if (check)
			break;
		/* Like Ansible: the mode and owner go on every new directory. */
		buf_adds(&s, "set --; q=\"$p\"\n"
		    "while [ ! -e \"$q\" ] && [ ! -L \"$q\" ]; do "
		    "set -- \"$q\" \"$@\"; q=$(dirname -- \"$q\"); done\n"
		    "for d in \"$@\"; do mkdir -- \"$d\" || exit 1\n");
		if (mode != NULL) {
			mode_t	mm;

			if (mode_target(mode, 0777 & ~st.umask, 1, st.umask,
			    &mm, &cause) != 0) {
				value_unref(before);
				value_unref(after);
				goto fail;
			}
			buf_addf(&s, "chmod %04o -- \"$d\" || exit 1\n",
			    (unsigned int)mm);
		}
		if (owner != NULL) {
			buf_adds(&s, "chown ");
			shell_quote_buf(&s, owner);
			buf_adds(&s, " -- \"$d\" || exit 1\n");
		}
		if (group != NULL) {
			buf_adds(&s, "chgrp ");
			shell_quote_buf(&s, group);
			buf_adds(&s, " -- \"$d\" || exit 1\n");
		}
		buf_adds(&s, "done");
		if (file_script(ctx, &s, r, "There was an issue creating "
		    "the directory", NULL) != 0)
			goto out_diff;
		break;
	case FA_LINK:
	case FA_HARDLINK:
		changed = 1;
		if (check)
			break;
		buf_adds(&s, "s=");
		host_path_word(&s, src);
		buf_addf(&s, "\n%s"
		    "if [ -e \"$p\" ] || [ -L \"$p\" ]; then "
		    "t=\"$(dirname -- \"$p\")/.cairn.$$.tmp\"; "
		    "ln %s-- \"$s\" \"$t\" && mv -fT -- \"$t\" \"$p\" || "
		    "{ rm -f -- \"$t\"; exit 1; }; "
		    "else ln %s-- \"$s\" \"$p\" || exit 1; fi",
		    st.type == FT_DIR ? "rmdir -- \"$p\" || exit 1\n" : "",
		    action == FA_LINK ? "-s " : "",
		    action == FA_LINK ? "-s " : "");
		if (file_script(ctx, &s, r, action == FA_LINK ? "Error while "
		    "linking" : "Error while linking", NULL) != 0)
			goto out_diff;
		break;
	case FA_TOUCH:
		changed = 1;
		if (check)
			break;
		buf_addf(&s, "touch %s-- \"$p\"", follow ? "" : "-h ");
		if (file_script(ctx, &s, r, "Error, could not touch target",
		    NULL) != 0)
			goto out_diff;
		break;
	}
	buf_release(&s);

	/* Attributes, on what the path is now. */
	now = st;
	if (want != FS_ABSENT && (mode != NULL || owner != NULL ||
	    group != NULL)) {
		int	attrs_follow = follow && want != FS_DIRECTORY &&
		    want != FS_FILE;

		tpath = path;
		if (action != FA_ATTRS && action != FA_NONE && !check) {
			if (host_stat(ctx, tpath, attrs_follow ? STAT_FOLLOW : 0,
			    &now, &cause) != 0)
				goto fail_diff;
		} else if (attrs_follow && st.type == FT_LINK) {
			if (host_stat(ctx, tpath, STAT_FOLLOW, &now,
			    &cause) != 0)
				goto fail_diff;
		}
		if (action == FA_MKDIR && !check) {
			/* Already applied to the new directories. */
		} else if (now.type != FT_NONE && !(check &&
		    action != FA_ATTRS && action != FA_NONE)) {
			if (host_set_attrs_st(ctx, tpath, &now, mode, owner,
			    group, recurse, follow, &ac, before, after,
			    &cause) != 0)
				goto fail_diff;
			changed |= ac;
		} else if (check && mode != NULL) {
			/* Created in check mode: the mode it would get. */
			mode_t	mm;

			if (mode_target(mode, 0666 & ~st.umask, 0, st.umask,
			    &mm, &cause) == 0) {
				mode_format(mm, m);
				value_dict_setstr(after, "mode", m);
			} else
				goto fail_diff;
		}
	}

	if (ctx_diff_mode(ctx) && changed)
		result_diff_dict(r, before, after);
	value_unref(before);
	value_unref(after);

	if (want == FS_LINK || want == FS_HARD || want == FS_TOUCH)
		key = "dest";
	result_setstr(r, key, path);
	if (want == FS_LINK || want == FS_HARD)
		result_set(r, "src", src != NULL ? value_str(src) :
		    value_null());
	if (want == FS_ABSENT) {
		result_setstr(r, "state", "absent");
	} else if (changed && !check) {
		if (host_stat(ctx, path, 0, &now, &cause) != 0)
			goto fail;
		file_path_info(r, &now);
	} else
		file_path_info(r, &st);
	free(real);
	free(absrc);
	return changed ? MOD_CHANGED : MOD_OK;

fail_diff:
	value_unref(before);
	value_unref(after);
fail:
	buf_release(&s);
	free(real);
	free(absrc);
	return file_failed(r, cause);
out_diff:
	value_unref(before);
	value_unref(after);
out_failed:
	buf_release(&s);
	free(real);
	free(absrc);
	return MOD_FAILED;	/* file_script filled the result */
}

const struct module_entry module_file = {
	.name = "file",
	.aliases = file_aliases,
	.params = file_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = file_run,
};
