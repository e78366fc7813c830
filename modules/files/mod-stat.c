/* stat: reports a path's type, mode, owner, size, times and checksum. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "module.h"

static const char *const stat_aliases[] = {
	"ansible.builtin.stat", "ansible.legacy.stat", NULL
};
static const char *const path_aliases[] = { "dest", "name", NULL };
static const char *const algo_aliases[] = { "checksum", "checksum_algo",
	NULL };
static const char *const algo_choices[] = { "md5", "sha1", "sha224",
	"sha256", "sha384", "sha512", NULL };
static const char *const mime_aliases[] = { "mime", "mime_type",
	"mime-type", NULL };
static const char *const attr_aliases[] = { "attr", "attributes", NULL };

static const struct mod_param stat_params[] = {
	{ "path", P_PATH, P_REQUIRED, NULL, NULL, path_aliases },
	{ "follow", P_BOOL, 0, "no", NULL, NULL },
	{ "get_checksum", P_BOOL, 0, "yes", NULL, NULL },
	{ "checksum_algorithm", P_STR, 0, "sha1", algo_choices,
	    algo_aliases },
	/* Accepted for compatibility; mime types and attributes not reported. */
	{ "get_mime", P_BOOL, 0, "yes", NULL, mime_aliases },
	{ "get_attributes", P_BOOL, 0, "yes", NULL, attr_aliases },
	{ NULL }
};

/* The checksum with another algorithm than sha1: one more round trip. */
static int
stat_checksum(struct task_ctx *ctx, const char *path, const char *algo,
    struct value **out, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 r;

	buf_addf(&s, "%ssum < ", algo);	/* algo is one of the choices */
	host_path_word(&s, path);
	buf_adds(&s, " | cut -d' ' -f1");
	r = host_run(ctx, buf_cstr(&s), &res, cause);
	buf_release(&s);
	if (r == 0 && res.rc != 0) {
		*cause = xasprintf("cannot compute the %s checksum of '%s'",
		    algo, path);
		r = -1;
	}
	if (r == 0) {
		while (res.out.len > 0 && res.out.s[res.out.len - 1] == '\n')
			res.out.len--;
		*out = value_strn(res.out.s, res.out.len);
	}
	exec_result_release(&res);
	return r;
}

static enum mod_status
stat_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*path = args_str(args, "path");
	const char		*algo = args_str(args, "checksum_algorithm");
	int			 follow = args_bool(args, "follow", 0);
	int			 sum = args_bool(args, "get_checksum", 1);
	int			 sha1 = algo == NULL || strcmp(algo, "sha1") == 0;
	struct host_stat	 st;
	struct value		*d = value_dict(), *ck;
	char			*cause = NULL, m[8];
	unsigned int		 rm;
	enum mod_status		 status;

	if (host_stat(ctx, path, (follow ? STAT_FOLLOW : 0) |
	    (sum && sha1 ? STAT_CHECKSUM : 0), &st, &cause) != 0) {
		value_unref(d);
		status = result_fail(r, "%s", cause);
		free(cause);
		return status;
	}
	if (st.type == FT_NONE) {
		value_dict_setbool(d, "exists", 0);
		result_set(r, "stat", d);
		return MOD_OK;
	}
	rm = st.rawmode;
	value_dict_setbool(d, "exists", 1);
	value_dict_setstr(d, "path", path);
	snprintf(m, sizeof m, "%04o", (unsigned int)st.mode);
	value_dict_setstr(d, "mode", m);
	value_dict_setbool(d, "isdir", S_ISDIR(rm));
	value_dict_setbool(d, "ischr", S_ISCHR(rm));
	value_dict_setbool(d, "isblk", S_ISBLK(rm));
	value_dict_setbool(d, "isreg", S_ISREG(rm));
	value_dict_setbool(d, "isfifo", S_ISFIFO(rm));
	value_dict_setbool(d, "islnk", S_ISLNK(rm));
	value_dict_setbool(d, "issock", S_ISSOCK(rm));
	value_dict_setint(d, "uid", st.uid);
	value_dict_setint(d, "gid", st.gid);
	value_dict_setint(d, "size", st.size);
	value_dict_setint(d, "inode", st.ino);
	value_dict_setint(d, "dev", st.dev);
	value_dict_setint(d, "nlink", st.nlink);
	value_dict_set(d, "atime", value_float(st.atime_f));
	value_dict_set(d, "mtime", value_float(st.mtime_f));
	value_dict_set(d, "ctime", value_float(st.ctime_f));
	value_dict_setbool(d, "wusr", (rm & S_IWUSR) != 0);
	value_dict_setbool(d, "rusr", (rm & S_IRUSR) != 0);
	value_dict_setbool(d, "xusr", (rm & S_IXUSR) != 0);
	value_dict_setbool(d, "wgrp", (rm & S_IWGRP) != 0);
	value_dict_setbool(d, "rgrp", (rm & S_IRGRP) != 0);
	value_dict_setbool(d, "xgrp", (rm & S_IXGRP) != 0);
	value_dict_setbool(d, "woth", (rm & S_IWOTH) != 0);
	value_dict_setbool(d, "roth", (rm & S_IROTH) != 0);
	value_dict_setbool(d, "xoth", (rm & S_IXOTH) != 0);
	value_dict_setbool(d, "isuid", (rm & S_ISUID) != 0);
	value_dict_setbool(d, "isgid", (rm & S_ISGID) != 0);
	value_dict_setstr(d, "pw_name", st.owner);
	value_dict_setstr(d, "gr_name", st.group);
	value_dict_setbool(d, "readable", st.readable);
	value_dict_setbool(d, "writeable", st.writeable);
	value_dict_setbool(d, "executable", st.executable);
	if (S_ISLNK(rm)) {
		value_dict_setstr(d, "lnk_source", st.lnk_source);
		value_dict_setstr(d, "lnk_target", st.link);
	}
	if (sum && S_ISREG(rm) && st.readable) {
		if (sha1)
			value_dict_setstr(d, "checksum", st.checksum);
		else if (stat_checksum(ctx, path, algo, &ck, &cause) == 0)
			value_dict_set(d, "checksum", ck);
		else {
			value_unref(d);
			status = result_fail(r, "%s", cause);
			free(cause);
			return status;
		}
	}
	result_set(r, "stat", d);
	return MOD_OK;
}

const struct module_entry module_stat = {
	.name = "stat",
	.aliases = stat_aliases,
	.params = stat_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = stat_run,
};
