/*
 * The file module's decisions: the wanted state, the link source, what to
 * do, the diff dicts and the shell text of each action.  No host access.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file-plan.h"
#include "module.h"

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

enum file_state
file_want(const char *state_s, enum file_state prev, int recurse)
{
	size_t	i;

	if (state_s == NULL) {
		if (prev != FS_ABSENT)
			return prev;
		return recurse ? FS_DIRECTORY : FS_FILE;
	}
	for (i = 0; i < ARRAY_SIZE(file_state_names); i++)
		if (strcmp(state_s, file_state_names[i]) == 0)
			break;
	return (enum file_state)i;
}

const char *
file_args_error(enum file_state want, int recurse, const char *src)
{
	if (recurse && want != FS_DIRECTORY)
		return "recurse option requires state to be 'directory'";
	if (src != NULL && want != FS_LINK && want != FS_HARD)
		return "src option requires state to be 'link' or 'hard'";
	return NULL;
}

char *
file_link_source(const char *path, int isdir, const char *src)
{
	char	*dir, *sl, *abs;

	if (src[0] == '/' || src[0] == '~')
		return NULL;
	dir = xstrdup(path);
	if (!isdir && (sl = strrchr(dir, '/')) != NULL)
		*sl = '\0';
	else if (!isdir)
		strcpy(dir, ".");
	abs = xasprintf("%s/%s", dir, src);
	free(dir);
	return abs;
}

void
file_diff_init(const struct file_plan *p, enum file_action action,
    struct value *before, struct value *after)
{
	enum file_state	prev = file_prev_state(p->st);

	value_dict_setstr(before, "path", p->path);
	value_dict_setstr(after, "path", p->path);
	if (prev != p->want) {
		value_dict_setstr(before, "state", file_state_name(prev));
		value_dict_setstr(after, "state", file_state_name(p->want));
	}
	if (p->want == FS_LINK && action == FA_LINK && prev == FS_LINK) {
		value_dict_setstr(before, "src", p->st->link);
		value_dict_setstr(after, "src", p->src);
	}
}

/* Like Ansible: the mode and owner go on every new directory. */
static int
file_mkdir_script(const struct file_plan *p, const struct file_attrs *a,
    struct buf *s, char **cause)
{
	mode_t	mm;

	buf_adds(s, "set --; q=\"$p\"\n"
	    "while [ ! -e \"$q\" ] && [ ! -L \"$q\" ]; do "
	    "set -- \"$q\" \"$@\"; q=$(dirname -- \"$q\"); done\n"
	    "for d in \"$@\"; do mkdir -- \"$d\" || exit 1\n");
	if (a->mode != NULL) {
		if (mode_target(a->mode, 0777 & ~p->st->umask, 1, p->st->umask,
		    &mm, cause) != 0)
			return -1;
		buf_addf(s, "chmod %04o -- \"$d\" || exit 1\n",
		    (unsigned int)mm);
	}
	if (a->owner != NULL) {
		buf_adds(s, "chown ");
		shell_quote_buf(s, a->owner);
		buf_adds(s, " -- \"$d\" || exit 1\n");
	}
	if (a->group != NULL) {
		buf_adds(s, "chgrp ");
		shell_quote_buf(s, a->group);
		buf_adds(s, " -- \"$d\" || exit 1\n");
	}
	buf_adds(s, "done");
	return 0;
}

int
file_action_script(const struct file_plan *p, enum file_action action,
    const struct file_attrs *a, struct buf *s, const char **what,
    char **cause)
{
	const char	*ln = action == FA_LINK ? "-s " : "";

	*what = NULL;
	if (action == FA_NONE || action == FA_ATTRS)
		return 0;
	buf_adds(s, "p=");
	host_path_word(s, p->path);
	buf_adds(s, "\n");
	switch (action) {
	case FA_REMOVE:
		*what = "unable to remove";
		buf_addf(s, "rm -%sf -- \"$p\"",
		    p->st->type == FT_DIR ? "r" : "");
		break;
	case FA_MKDIR:
		*what = "There was an issue creating the directory";
		return file_mkdir_script(p, a, s, cause);
	case FA_LINK:
	case FA_HARDLINK:
		*what = "Error while linking";
		buf_adds(s, "s=");
		host_path_word(s, p->src);
		buf_addf(s, "\n%s"
		    "if [ -e \"$p\" ] || [ -L \"$p\" ]; then "
		    "t=\"$(dirname -- \"$p\")/.cairn.$$.tmp\"; "
		    "ln %s-- \"$s\" \"$t\" && mv -fT -- \"$t\" \"$p\" || "
		    "{ rm -f -- \"$t\"; exit 1; }; "
		    "else ln %s-- \"$s\" \"$p\" || exit 1; fi",
		    p->st->type == FT_DIR ? "rmdir -- \"$p\" || exit 1\n" : "",
		    ln, ln);
		break;
	case FA_TOUCH:
		*what = "Error, could not touch target";
		if (a->touch_keep_times)
			buf_adds(s, "[ -e \"$p\" ] || [ -L \"$p\" ] || "
			    ": >\"$p\"");
		else
			buf_addf(s, "touch %s-- \"$p\"", a->follow ? "" :
			    "-h ");
		break;
	default:
		break;
	}
	return 0;
}

int
file_time_parse(const char *spec, const char *fmt, enum file_state want,
    struct file_time *out, char **cause)
{
	struct tm	 tm;
	const char	*end;
	time_t		 t;

	memset(out, 0, sizeof *out);
	if (spec == NULL)
		spec = want == FS_TOUCH ? "now" : "preserve";
	if (strcmp(spec, "preserve") == 0)
		return 0;
	if (strcmp(spec, "now") == 0) {
		out->kind = FTIME_NOW;
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_mday = 1;
	tm.tm_year = 0;
	if (fmt == NULL)
		fmt = "%Y%m%d%H%M.%S";
	if ((end = strptime(spec, fmt, &tm)) == NULL || *end != '\0') {
		*cause = xasprintf("Error while obtaining timestamp for time "
		    "%s using format %s: time data '%s' does not match "
		    "format '%s'", spec, fmt, spec, fmt);
		return -1;
	}
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1) {
		*cause = xasprintf("Error while obtaining timestamp for time "
		    "%s using format %s: mktime argument out of range", spec,
		    fmt);
		return -1;
	}
	out->kind = FTIME_AT;
	out->at = (double)t;
	return 0;
}

int
file_time_update(const struct file_time *m, const struct file_time *a,
    double prev_m, double prev_a, double now, double *new_m, double *new_a)
{
	if (m->kind == FTIME_NOW && a->kind == FTIME_NOW) {
		*new_m = *new_a = now;
		return 1;
	}
	if (m->kind == FTIME_PRESERVE && a->kind == FTIME_PRESERVE)
		return 0;
	*new_m = m->kind == FTIME_PRESERVE ? prev_m :
	    m->kind == FTIME_NOW ? now : m->at;
	*new_a = a->kind == FTIME_PRESERVE ? prev_a :
	    a->kind == FTIME_NOW ? now : a->at;
	return *new_m != prev_m || *new_a != prev_a;
}

/* touch -d takes "@seconds.fraction"; keeps the stat's nanoseconds. */
static void
file_time_touch(struct buf *s, const char *which, const struct file_time *t,
    double v, int follow)
{
	buf_addf(s, "touch %s%s", follow ? "" : "-h ", which);
	if (t->kind != FTIME_NOW)
		buf_addf(s, " -d @%.9f", v);
	buf_adds(s, " -- \"$p\" || exit 1\n");
}

void
file_time_script(struct buf *s, const struct file_time *m,
    const struct file_time *a, double new_m, double new_a, int follow)
{
	if (m->kind == FTIME_NOW && a->kind == FTIME_NOW) {
		buf_addf(s, "touch %s-- \"$p\" || exit 1\n", follow ? "" :
		    "-h ");
		return;
	}
	file_time_touch(s, "-m", m, new_m, follow);
	file_time_touch(s, "-a", a, new_a, follow);
}
