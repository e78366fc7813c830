/* copy: puts a controller file or inline content on the host, atomically and idempotently. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
	{ "mode", P_RAW, 0, NULL, NULL, NULL },
	{ "owner", P_STR, 0, NULL, NULL, NULL },
	{ "group", P_STR, 0, NULL, NULL, NULL },
	{ "directory_mode", P_RAW, 0, NULL, NULL, NULL },
	{ "remote_src", P_BOOL, 0, "no", NULL, NULL },
	{ "validate", P_STR, 0, NULL, NULL, NULL },
	{ "checksum", P_STR, 0, NULL, NULL, NULL },
	{ "follow", P_BOOL, 0, "no", NULL, NULL },
	{ "local_follow", P_BOOL, 0, "yes", NULL, NULL },
	{ "decrypt", P_BOOL, 0, "yes", NULL, NULL },
	{ "unsafe_writes", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

/* Ansible's MAX_FILE_SIZE_FOR_DIFF. */
#define COPY_MAX_DIFF	104448

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

static int
copy_is_binary(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

/* The mode argument as chmod text ("preserve" is the source's mode). */
static char *
copy_mode_text(const struct value *mode, mode_t src_mode, char **cause)
{
	int	octal;

	if (mode->type == V_STR && strcmp(mode->u.str.s, "preserve") == 0)
		return xasprintf("%04o", (unsigned int)(src_mode & 07777));
	if (mode_parse(mode, &octal, cause) != 0)
		return NULL;
	if (octal >= 0)
		return xasprintf("%04o", (unsigned int)octal);
	return xstrdup(mode->u.str.s);
}

static const char *
copy_basename(const char *p)
{
	const char	*s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

static void
copy_diff(struct task_ctx *ctx, struct result *r, const char *dest,
    const struct host_stat *st, const char *data, size_t len,
    const char *after_header)
{
	struct buf	 old = BUF_INIT;
	struct value	*d = value_dict(), *l;
	char		*cause = NULL, *a;
	int		 ok = 1;

	value_dict_setstr(d, "before_header", dest);
	value_dict_setstr(d, "after_header", after_header);
	if (st->type == FT_FILE) {
		if (st->size > COPY_MAX_DIFF) {
			value_dict_setint(d, "dst_larger", COPY_MAX_DIFF);
			ok = 0;
		} else if (host_read(ctx, dest, &old, &cause) != 0) {
			free(cause);
			ok = 0;
		} else if (copy_is_binary(old.s != NULL ? old.s : "",
		    old.len)) {
			value_dict_setint(d, "dst_binary", 1);
			ok = 0;
		}
	}
	if (len > COPY_MAX_DIFF) {
		value_dict_setint(d, "src_larger", COPY_MAX_DIFF);
		ok = 0;
	} else if (copy_is_binary(data, len)) {
		value_dict_setint(d, "src_binary", 1);
		ok = 0;
	}
	if (ok) {
		value_dict_setstr(d, "before", buf_cstr(&old));
		a = xstrndup(data, len);
		value_dict_set(d, "after", value_str_take(a));
	}
	buf_release(&old);
	if (r->v == NULL || (l = value_dict_get(r->v, "diff")) == NULL) {
		l = value_list();
		result_set(r, "diff", l);
	}
	value_list_append(l, d);
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
	const char		*src = args_str(args, "src");
	const char		*dest = args_str(args, "dest");
	const char		*owner = args_str(args, "owner");
	const char		*group = args_str(args, "group");
	const char		*want_sum = args_str(args, "checksum");
	struct value		*content = args_get(args, "content");
	struct value		*mode = args_get(args, "mode");
	struct value		*dmode = args_get(args, "directory_mode");
	int			 remote = args_bool(args, "remote_src", 0);
	int			 check = ctx_check_mode(ctx), changed = 0, ac;
	struct buf		 data = BUF_INIT;
	struct host_stat	 st, sst;
	struct write_opts	 wo;
	struct stat		 lst;
	mode_t			 src_mode = 0644;
	char			*cause = NULL, *local = NULL, *final = NULL;
	char			*mtext = NULL, *dtext = NULL, *backup = NULL;
	char			 sum[41];
	int			 mkdirs = 0, same;
	enum mod_status		 status = MOD_FAILED;

	if (copy_validate(args, &cause) != 0)
		goto fail;

	/* What to write. */
	if (content != NULL) {
		if (content->type == V_LIST || content->type == V_DICT)
			value_to_json(&data, content, 0);
		else {
			char *t = value_to_string(content);

			buf_adds(&data, t);
			free(t);
		}
	} else if (remote) {
		if (host_stat(ctx, src, STAT_FOLLOW, &sst, &cause) != 0)
			goto fail;
		if (sst.type == FT_NONE) {
			cause = xasprintf("Source %s not found", src);
			goto fail;
		}
		if (sst.type == FT_DIR) {
			cause = xasprintf("copying a directory (%s) is not "
			    "supported yet", src);
			goto fail;
		}
		src_mode = sst.mode;
		if (host_read(ctx, src, &data, &cause) != 0)
			goto fail;
	} else {
		if ((local = ctx_find_file(ctx, "files", src)) == NULL) {
			cause = xasprintf("Could not find or access '%s' on the "
			    "Ansible Controller.\nIf you are using a module "
			    "and expect the file to exist on the remote, see "
			    "the remote_src option", src);
			goto fail;
		}
		if (stat(local, &lst) == 0 && S_ISDIR(lst.st_mode)) {
			cause = xasprintf("copying a directory (%s) is not "
			    "supported yet", src);
			goto fail;
		}
		if (stat(local, &lst) == 0)
			src_mode = lst.st_mode & 07777;
		if (read_file(local, &data) != 0) {
			cause = xasprintf("Could not find or access '%s' on the "
			    "Ansible Controller.", src);
			goto fail;
		}
	}
	sha1_hex(data.s != NULL ? data.s : "", data.len, sum);
	if (want_sum != NULL && strcmp(want_sum, sum) != 0) {
		cause = xstrdup("Copied file does not match the expected "
		    "checksum. Transfer failed.");
		goto fail;
	}

	/* Where to write it. */
	if (str_endswith(dest, "/")) {
		final = xasprintf("%s%s", dest, copy_basename(src));
		mkdirs = 1;
	} else
		final = xstrdup(dest);
	if (host_stat(ctx, final, STAT_FOLLOW | STAT_CHECKSUM, &st,
	    &cause) != 0)
		goto fail;
	if (st.type == FT_DIR) {
		if (content != NULL) {
			cause = xstrdup("can not use content with a dir as "
			    "dest");
			goto fail;
		}
		free(final);
		final = xasprintf("%s/%s", dest, copy_basename(src));
		if (host_stat(ctx, final, STAT_FOLLOW | STAT_CHECKSUM, &st,
		    &cause) != 0)
			goto fail;
	}
	result_setstr(r, "dest", final);
	if (src != NULL)
		result_setstr(r, "src", local != NULL ? local : src);
	result_setstr(r, "checksum", sum);
	if (st.type == FT_DIR) {
		cause = xasprintf("Destination %s is a directory", final);
		goto fail;
	}
	if (st.type != FT_NONE && !args_bool(args, "force", 1)) {
		copy_path_info(r, &st);
		status = MOD_OK;
		goto out;
	}

	if (mode != NULL &&
	    (mtext = copy_mode_text(mode, src_mode, &cause)) == NULL)
		goto fail;
	same = st.type == FT_FILE && strcmp(st.checksum, sum) == 0;
	if (same) {
		struct value	*m = mode;

		/* Only attributes can differ. */
		if (mode != NULL && mode->type == V_STR &&
		    strcmp(mode->u.str.s, "preserve") == 0)
			m = value_str(mtext);
		else if (m != NULL)
			value_ref(m);
		ac = 0;
		if ((mode != NULL || owner != NULL || group != NULL) &&
		    host_set_attrs_st(ctx, final, &st, m, owner, group, 0,
		    args_bool(args, "follow", 0), &ac, NULL, NULL,
		    &cause) != 0) {
			value_unref(m);
			goto fail;
		}
		value_unref(m);
		changed = ac;
	} else {
		if (ctx_diff_mode(ctx))
			copy_diff(ctx, r, final, &st, data.s != NULL ? data.s :
			    "", data.len, src != NULL ? (local != NULL ?
			    local : src) : "dynamically generated");
		if (dmode != NULL) {
			if ((dtext = copy_mode_text(dmode, 0755,
			    &cause)) == NULL)
				goto fail;
		}
		memset(&wo, 0, sizeof wo);
		wo.mode = mtext;
		wo.owner = owner;
		wo.group = group;
		wo.backup = args_bool(args, "backup", 0);
		wo.validate = args_str(args, "validate");
		wo.mkdirs = mkdirs;
		wo.dir_mode = dtext;
		if (host_write(ctx, final, data.s != NULL ? data.s : "",
		    data.len, &wo, &backup, &cause) != 0)
			goto fail;
		if (backup != NULL)
			result_setstr(r, "backup_file", backup);
		changed = 1;
	}
	if (changed && !check) {
		if (host_stat(ctx, final, STAT_FOLLOW, &st, &cause) != 0)
			goto fail;
	}
	copy_path_info(r, &st);
	if (st.type == FT_NONE)
		result_setint(r, "size", (long long)data.len);
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;

fail:
	status = result_fail(r, "%s", cause != NULL ? cause : "copy failed");
out:
	free(cause);
	free(local);
	free(final);
	free(mtext);
	free(dtext);
	free(backup);
	buf_release(&data);
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
