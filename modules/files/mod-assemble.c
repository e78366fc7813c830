/*
 * assemble: builds a file from a directory of fragments, sorted by name,
 * as Ansible's assemble.  The fragments come from the target in one round
 * trip (find -printf with base64 of each), or from a controller directory
 * with remote_src: false; the join is files_assemble, and the write goes
 * through host_write (atomic, verified, validate, backup).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "fileedit.h"
#include "files.h"
#include "module.h"
#include "regex.h"

static const char *const assemble_aliases[] = {
	"ansible.builtin.assemble", "ansible.legacy.assemble", NULL
};

static const struct mod_param assemble_params[] = {
	{ "src", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "dest", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "delimiter", P_STR, 0, NULL, NULL, NULL },
	{ "backup", P_BOOL, 0, "no", NULL, NULL },
	{ "remote_src", P_BOOL, 0, "yes", NULL, NULL },
	{ "regexp", P_STR, 0, NULL, NULL, NULL },
	{ "ignore_hidden", P_BOOL, 0, "no", NULL, NULL },
	{ "validate", P_STR, 0, NULL, NULL, NULL },
	/* Accepted: cairn has no vault, fragments are read as they are. */
	{ "decrypt", P_BOOL, 0, "yes", NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

/* The fragments read so far: names and contents owned here. */
struct assemble_set {
	struct files_fragment	*v;
	size_t			 n;
};

static void
assemble_add(struct assemble_set *set, const char *name, struct buf *data)
{
	struct files_fragment	*f;
	size_t			 len;

	set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
	f = &set->v[set->n++];
	f->name = xstrdup(name);
	buf_cstr(data);
	f->data = buf_detach(data, &len);
	f->len = len;
}

static void
assemble_set_free(struct assemble_set *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++) {
		free((char *)set->v[i].name);
		free((char *)set->v[i].data);
	}
	free(set->v);
}

static int
assemble_cmp(const void *a, const void *b)
{
	const struct files_fragment	*x = a, *y = b;

	/* Python sorts str by code point: UTF-8 byte order. */
	return strcmp(x->name, y->name);
}

/* Every regular file (symlinks followed) of a target directory. */
static int
assemble_remote(struct task_ctx *ctx, const char *src,
    struct assemble_set *set, char **cause)
{
	struct buf		 s = BUF_INIT, data = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*p, *end, *name, *b64;
	int			 r = -1;

	buf_adds(&s, "s=");
	host_path_word(&s, src);
	buf_adds(&s, "\n[ -e \"$s\" ] || exit 3\n[ -d \"$s\" ] || exit 4\n"
	    "exec find -L \"$s\" -mindepth 1 -maxdepth 1 -type f -printf "
	    "'%f\\0' \\( -exec base64 -w0 {} \\; -o -true \\) -printf '\\0'");
	if (host_run(ctx, buf_cstr(&s), &res, cause) != 0)
		goto out;
	if (res.rc == 3 || res.rc == 4) {
		*cause = xasprintf("Source (%s) %s", src, res.rc == 3 ?
		    "does not exist" : "is not a directory");
		goto out;
	}
	if (res.rc != 0 || res.err.len > 0) {
		while (res.err.len > 0 && res.err.s[res.err.len - 1] == '\n')
			res.err.s[--res.err.len] = '\0';
		*cause = xasprintf("cannot read the fragments of '%s': %s", src,
		    buf_cstr(&res.err));
		goto out;
	}
	p = buf_cstr(&res.out);
	end = p + res.out.len;
	while (p < end) {
		name = p;
		b64 = name + strlen(name) + 1;
		if (b64 >= end) {
			*cause = xstrdup("assemble: truncated answer from the "
			    "target");
			goto out;
		}
		buf_reset(&data);
		if (files_b64_decode(&data, b64, strlen(b64)) != 0) {
			*cause = xstrdup("assemble: malformed answer from the "
			    "target");
			goto out;
		}
		assemble_add(set, name, &data);
		p = b64 + strlen(b64) + 1;
	}
	r = 0;
out:
	buf_release(&s);
	buf_release(&data);
	exec_result_release(&res);
	return r;
}

/* The same from a controller directory (remote_src: false). */
static int
assemble_local(const char *dir, struct assemble_set *set, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	struct buf	 data = BUF_INIT;
	char		*path;
	int		 r = 0;

	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("Source (%s) is not a directory", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		*cause = xasprintf("cannot open directory '%s'", dir);
		return -1;
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			buf_reset(&data);
			if (read_file(path, &data) != 0) {
				*cause = xasprintf("cannot read '%s'", path);
				r = -1;
			} else
				assemble_add(set, de->d_name, &data);
		}
		free(path);
	}
	closedir(d);
	buf_release(&data);
	return r;
}

static enum mod_status
assemble_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*src = args_str(args, "src");
	const char		*dest = args_str(args, "dest");
	const char		*regexp = args_str(args, "regexp");
	int			 hidden = args_bool(args, "ignore_hidden", 0);
	struct assemble_set	 set = { NULL, 0 };
	struct files_fragment	*take = NULL;
	struct regex		*re = NULL;
	struct host_stat	 st;
	struct buf		 out = BUF_INIT, old = BUF_INIT;
	char			*cause = NULL, *local = NULL, *backup = NULL;
	char			 sha[41], md5[33], *header = NULL;
	size_t			 i, n = 0;
	int			 changed = 0, k;
	enum mod_status		 status = MOD_FAILED;

	if (regexp != NULL && (re = regex_compile(regexp, REGEX_UNICODE,
	    &cause)) == NULL) {
		status = result_fail(r, "Invalid Regexp (%s) in \"%s\"", cause,
		    regexp);
		goto out;
	}
	if (args_bool(args, "remote_src", 1)) {
		if (assemble_remote(ctx, src, &set, &cause) != 0)
			goto fail;
	} else {
		if ((local = ctx_find_file(ctx, "files", src)) == NULL) {
			cause = xasprintf("Could not find or access '%s'", src);
			goto fail;
		}
		if (assemble_local(local, &set, &cause) != 0)
			goto fail;
	}
	qsort(set.v, set.n, sizeof *set.v, assemble_cmp);
	take = xcalloc(set.n + 1, sizeof *take);
	for (i = 0; i < set.n; i++) {
		if ((k = files_assemble_take(set.v[i].name, re, hidden,
		    &cause)) == -1)
			goto fail;
		if (k)
			take[n++] = set.v[i];
	}
	files_assemble(take, n, args_str(args, "delimiter"), &out);
	sha1_hex(buf_cstr(&out), out.len, sha);
	files_md5_hex(buf_cstr(&out), out.len, md5);
	result_setstr(r, "src", src);
	result_setstr(r, "dest", dest);
	result_setstr(r, "checksum", sha);
	result_setstr(r, "md5sum", md5);

	if (host_stat(ctx, dest, STAT_FOLLOW | STAT_CHECKSUM, &st, &cause) != 0)
		goto fail;
	if (st.type == FT_DIR) {
		cause = xasprintf("Destination %s is a directory", dest);
		goto fail;
	}
	changed = st.type == FT_NONE || strcmp(st.checksum, sha) != 0;
	if (changed && ctx_diff_mode(ctx)) {
		if (st.type != FT_NONE && host_read(ctx, dest, &old,
		    &cause) != 0)
			goto fail;
		header = xstrdup(dest);
		result_diff(r, header, buf_cstr(&old), header, buf_cstr(&out));
	}
	if (fileedit_commit_text(ctx, args, dest, dest, &st, &out, &changed,
	    &backup, r, &cause) != 0)
		goto fail;
	if (backup != NULL)
		result_setstr(r, "backup_file", backup);
	result_setstr(r, "msg", "OK");
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;
fail:
	status = result_fail(r, "%s", cause != NULL ? cause :
	    "assemble failed");
out:
	regex_free(re);
	assemble_set_free(&set);
	free(take);
	free(cause);
	free(local);
	free(backup);
	free(header);
	buf_release(&out);
	buf_release(&old);
	return status;
}

static int
assemble_validate(const struct mod_args *args, char **cause)
{
	return fileedit_validate_cmd(args, cause);
}

const struct module_entry module_assemble = {
	.name = "assemble",
	.aliases = assemble_aliases,
	.params = assemble_params,
	.flags = MOD_SUPPORTS_DIFF,
	.validate = assemble_validate,
	.run = assemble_run,
};
