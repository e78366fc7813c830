/* The host side of lineinfile, replace and blockinfile: stat, write, attributes. */
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

int
fileedit_stat(struct task_ctx *ctx, const char *path, char **real,
    struct host_stat *st, char **cause)
{
	*real = NULL;
	if (host_stat(ctx, path, 0, st, cause) != 0)
		return -1;
	if (st->type == FT_LINK && st->lnk_source[0] != '\0') {
		*real = xstrdup(st->lnk_source);
		if (host_stat(ctx, *real, STAT_FOLLOW, st, cause) != 0)
			return -1;
	} else
		*real = xstrdup(path);
	if (st->type == FT_DIR) {
		*cause = xasprintf("Path %s is a directory !", path);
		return -1;
	}
	return 0;
}

int
fileedit_commit(struct task_ctx *ctx, const struct mod_args *args,
    const char *path, const char *real, const struct host_stat *st,
    int content_changed, const char *data, size_t len, int attr_diff,
    struct buf *msg, int *changed, char **backup, struct result *r,
    char **cause)
{
	struct write_opts	 wo;
	struct host_stat	 now;
	struct value		*mode = args_get(args, "mode");
	struct value		*before, *after, *l, *d;
	const char		*owner = args_str(args, "owner");
	const char		*group = args_str(args, "group");
	int			 ac = 0, check = ctx_check_mode(ctx);

	*backup = NULL;
	if (content_changed && !check) {
		memset(&wo, 0, sizeof wo);
		wo.backup = args_bool(args, "backup", 0) && st->type != FT_NONE;
		wo.validate = args_str(args, "validate");
		wo.mkdirs = st->type == FT_NONE;
		if (host_write(ctx, real, data, len, &wo, backup, cause) != 0)
			return -1;
	}
	if (mode == NULL && owner == NULL && group == NULL)
		return 0;
	now = *st;
	if (st->type == FT_NONE) {
		/* Ansible stops here in check mode: nothing to compare. */
		if (check)
			return 0;
		if (host_stat(ctx, real, STAT_FOLLOW, &now, cause) != 0)
			return -1;
	}
	before = value_dict();
	after = value_dict();
	if (host_set_attrs_st(ctx, real, &now, mode, owner, group, 0, 1, &ac,
	    before, after, cause) != 0) {
		value_unref(before);
		value_unref(after);
		return -1;
	}
	if (ac) {
		if (*changed)
			buf_adds(msg, " and ");
		buf_adds(msg, "ownership, perms or SE linux context changed");
		*changed = 1;
		if (attr_diff && ctx_diff_mode(ctx)) {
			result_diff_dict(r, before, after);
			l = value_dict_get(r->v, "diff");
			d = l->u.list.items[l->u.list.n - 1];
			value_dict_set(d, "before_header", value_strf("%s (file "
			    "attributes)", path));
			value_dict_set(d, "after_header", value_strf("%s (file "
			    "attributes)", path));
		}
	}
	value_unref(before);
	value_unref(after);
	return 0;
}
