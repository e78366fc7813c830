/*
 * fetch: copies a target file to the controller, under dest/<host>/<path>
 * or flat, as Ansible's fetch action does.  The read is one round trip on
 * the target (after a stat that tells whether the copy is already there);
 * the write happens here, on the controller, through a temp file renamed
 * into place, so a killed run never leaves half a file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "module.h"

static const char *const fetch_aliases[] = {
	"ansible.builtin.fetch", "ansible.legacy.fetch", NULL
};

static const struct mod_param fetch_params[] = {
	{ "src", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "dest", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "flat", P_BOOL, 0, "no", NULL, NULL },
	{ "fail_on_missing", P_BOOL, 0, "yes", NULL, NULL },
	{ "validate_checksum", P_BOOL, 0, "yes", NULL, NULL },
	{ NULL }
};

/* mkdir -p, as Ansible's makedirs_safe. */
static int
fetch_mkdirs(const char *dir, char **cause)
{
	char	*p = xstrdup(dir), *s = p;
	int	 r = 0, last = 0;

	while (!last) {
		s += strspn(s, "/");
		s += strcspn(s, "/");
		last = *s == '\0';
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			*cause = xasprintf("Failed to fetch the file: cannot "
			    "create directory '%s': %s", p, strerror(errno));
			r = -1;
			break;
		}
		if (!last)
			*s = '/';
	}
	free(p);
	return r;
}

/*
 * Writes data to path on the controller: a temp file in the same
 * directory, fsync, rename.  A new file gets 0666 less the umask, as
 * Python's open() would; an existing one keeps its mode.
 */
static int
fetch_write_local(const char *path, const void *data, size_t len,
    char **cause)
{
	struct stat	 sb;
	char		*dir, *tmp, *slash;
	const char	*p = data;
	mode_t		 um, mode;
	ssize_t		 n;
	int		 fd = -1, r = -1;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (fetch_mkdirs(*dir != '\0' ? dir : "/", cause) != 0) {
		free(dir);
		return -1;
	}
	tmp = xasprintf("%s/.cairn.fetch.XXXXXX", *dir != '\0' ? dir : "");
	free(dir);
	um = umask(0);
	umask(um);
	mode = stat(path, &sb) == 0 ? sb.st_mode & 07777 : 0666 & ~um;
	if ((fd = mkstemp(tmp)) == -1)
		goto fail;
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	r = 0;
	goto out;
fail:
	*cause = xasprintf("Failed to fetch the file: %s: %s", path,
	    strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return r;
}

/* Python's checksum(): sha1 of a local regular file, or "" if none. */
static void
fetch_local_sums(const char *path, char sha[41], char md5[33])
{
	struct buf	b = BUF_INIT;
	struct stat	sb;

	sha[0] = md5[0] = '\0';
	if (stat(path, &sb) != 0 || S_ISDIR(sb.st_mode) ||
	    read_file(path, &b) != 0) {
		buf_release(&b);
		return;
	}
	sha1_hex(b.s != NULL ? b.s : "", b.len, sha);
	files_md5_hex(b.s != NULL ? b.s : "", b.len, md5);
	buf_release(&b);
}

/* A "~" path as the target's shell expands it: one round trip. */
static int
fetch_expand(struct task_ctx *ctx, const char *src, char **out, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 r;

	if (src[0] != '~') {
		*out = xstrdup(src);
		return 0;
	}
	buf_adds(&s, "printf %s ");
	host_path_word(&s, src);
	r = host_run(ctx, buf_cstr(&s), &res, cause);
	buf_release(&s);
	if (r == 0)
		*out = xstrdup(buf_cstr(&res.out));
	exec_result_release(&res);
	return r;
}

/* The playbook's directory, where Ansible's path_dwim starts. */
static char *
fetch_base(struct task_ctx *ctx)
{
	struct value	*v = ctx_var(ctx, "playbook_dir");
	char		*s, cwd[4096];

	if (v != NULL && v->type == V_STR && v->u.str.len > 0)
		s = xstrdup(v->u.str.s);
	else
		s = xstrdup(getcwd(cwd, sizeof cwd) != NULL ? cwd : ".");
	value_unref(v);
	return s;
}

static enum mod_status
fetch_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*dest = args_str(args, "dest");
	int			 flat = args_bool(args, "flat", 0);
	int			 must = args_bool(args, "fail_on_missing", 1);
	int			 verify = args_bool(args, "validate_checksum", 1);
	int			 isdir;
	struct host_stat	 st;
	struct stat		 sb;
	struct buf		 data = BUF_INIT;
	char			*src = NULL, *base = NULL, *local = NULL, *full;
	char			*cause = NULL, lsha[41], lmd5[33], nsha[41];
	char			 nmd5[33];
	const char		*why = NULL;
	enum mod_status		 status = MOD_FAILED;

	if (ctx_check_mode(ctx)) {
		result_setstr(r, "msg", "check mode not (yet) supported for "
		    "this module");
		return MOD_SKIPPED;
	}
	if (fetch_expand(ctx, args_str(args, "src"), &src, &cause) != 0 ||
	    host_stat(ctx, src, STAT_FOLLOW | STAT_CHECKSUM, &st, &cause) != 0)
		goto fail;
	if (st.type == FT_NONE)
		why = "the remote file does not exist, not transferring, "
		    "ignored";
	else if (st.type == FT_DIR)
		why = must ? "remote file is a directory, fetch cannot work on "
		    "directories" : "remote file is a directory, fetch cannot "
		    "work on directories, not transferring, ignored";
	else if (!st.readable) {
		cause = xasprintf("file is not readable: %s", src);
		why = cause;
	}
	if (why != NULL) {
		if (must) {
			status = result_fail(r, "%s", why);
			goto out;
		}
		if (st.type != FT_DIR)
			result_setstr(r, "file", src);
		result_setstr(r, "msg", why);
		status = MOD_OK;
		goto out;
	}

	base = fetch_base(ctx);
	full = *dest == '/' ? xstrdup(dest) : xasprintf("%s/%s", base, dest);
	isdir = stat(full, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(full);
	if (files_fetch_dest(dest, src, ctx_host_name(ctx), flat, isdir, base,
	    &local, &cause) != 0)
		goto fail;
	fetch_local_sums(local, lsha, lmd5);
	if (strcmp(lsha, st.checksum) == 0) {
		result_setstr(r, "md5sum", lmd5);
		result_setstr(r, "file", src);
		result_setstr(r, "dest", local);
		result_setstr(r, "checksum", lsha);
		status = MOD_OK;
		goto out;
	}
	if (host_read(ctx, src, &data, &cause) != 0)
		goto fail;
	sha1_hex(buf_cstr(&data), data.len, nsha);
	files_md5_hex(buf_cstr(&data), data.len, nmd5);
	if (verify && strcmp(nsha, st.checksum) != 0) {
		/* The file changed between the stat and the read. */
		result_setstr(r, "md5sum", nmd5);
		result_setstr(r, "file", src);
		result_setstr(r, "dest", local);
		result_set(r, "remote_md5sum", value_null());
		result_setstr(r, "checksum", nsha);
		result_setstr(r, "remote_checksum", st.checksum);
		status = result_fail(r, "checksum mismatch");
		goto out;
	}
	if (fetch_write_local(local, data.s, data.len, &cause) != 0)
		goto fail;
	result_setstr(r, "md5sum", nmd5);
	result_setstr(r, "dest", local);
	result_set(r, "remote_md5sum", value_null());
	result_setstr(r, "checksum", nsha);
	result_setstr(r, "remote_checksum", st.checksum);
	status = MOD_CHANGED;
	goto out;
fail:
	status = result_fail(r, "%s", cause != NULL ? cause : "fetch failed");
out:
	free(cause);
	free(src);
	free(base);
	free(local);
	buf_release(&data);
	return status;
}

const struct module_entry module_fetch = {
	.name = "fetch",
	.aliases = fetch_aliases,
	.params = fetch_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = fetch_run,
};
