/* synchronize: mirrors a directory between the controller and the host as rsync would, over cairn's own connection. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "copy-plan.h"
#include "files.h"
#include "module.h"
#include "sync-local.h"
#include "sync-plan.h"

static const char *const sync_aliases[] = {
	"ansible.posix.synchronize", "community.general.synchronize", NULL
};
static const char *const mode_choices[] = { "pull", "push", NULL };

static const struct mod_param sync_params[] = {
	{ "src", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "dest", P_STR, P_REQUIRED, NULL, NULL, NULL },
	{ "mode", P_STR, 0, "push", mode_choices, NULL },
	{ "archive", P_BOOL, 0, "yes", NULL, NULL },
	{ "checksum", P_BOOL, 0, "no", NULL, NULL },
	{ "existing_only", P_BOOL, 0, "no", NULL, NULL },
	{ "delete", P_BOOL, 0, "no", NULL, NULL },
	{ "dirs", P_BOOL, 0, "no", NULL, NULL },
	/* no default: unset follows archive */
	{ "recursive", P_BOOL, 0, NULL, NULL, NULL },
	{ "links", P_BOOL, 0, NULL, NULL, NULL },
	{ "perms", P_BOOL, 0, NULL, NULL, NULL },
	{ "times", P_BOOL, 0, NULL, NULL, NULL },
	{ "owner", P_BOOL, 0, NULL, NULL, NULL },
	{ "group", P_BOOL, 0, NULL, NULL, NULL },
	{ "copy_links", P_BOOL, 0, "no", NULL, NULL },
	{ "rsync_opts", P_LIST, 0, NULL, NULL, NULL },
	/* the transfer is cairn's connection: accepted, no effect */
	{ "compress", P_BOOL, 0, "yes", NULL, NULL },
	{ "delay_updates", P_BOOL, 0, "yes", NULL, NULL },
	{ "partial", P_BOOL, 0, "no", NULL, NULL },
	{ "dest_port", P_INT, 0, NULL, NULL, NULL },
	{ "private_key", P_PATH, 0, NULL, NULL, NULL },
	{ "rsync_path", P_STR, 0, NULL, NULL, NULL },
	{ "rsync_timeout", P_INT, 0, "0", NULL, NULL },
	{ "set_remote_user", P_BOOL, 0, "yes", NULL, NULL },
	{ "use_ssh_args", P_BOOL, 0, "no", NULL, NULL },
	{ "ssh_connection_multiplexing", P_BOOL, 0, "no", NULL, NULL },
	{ "verify_host", P_BOOL, 0, "no", NULL, NULL },
	{ "link_dest", P_LIST, 0, NULL, NULL, NULL },
	{ NULL }
};

/* Both sides' listings and what to do about each entry. */
struct sync_job {
	struct sync_opts	 o;
	char			*root;		/* the dest side's top path */
	char			*sroot;		/* the source side's */
	char			*prefix;	/* of the names printed */
	struct sync_entry	*s, *d;
	size_t			 ns, nd;
	enum sync_action	*act;		/* per source entry */
	int			*in;		/* it is in the transfer */
	int			*del;		/* per dest entry */
	struct buf		 out;		/* the itemized lines */
	int			 changed;
};

static void
sync_job_release(struct sync_job *j)
{
	sync_opts_release(&j->o);
	free(j->root);
	free(j->sroot);
	free(j->prefix);
	sync_entries_free(j->s, j->ns);
	sync_entries_free(j->d, j->nd);
	free(j->act);
	free(j->in);
	free(j->del);
	buf_release(&j->out);
}

/* A listing of path on the host, in sync_parse's shape. */
static int
sync_list_remote(struct task_ctx *ctx, struct sync_job *j, const char *path,
    struct sync_entry **v, size_t *n, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*what;
	int			 r;

	buf_adds(&s, "R=");
	host_path_word(&s, path);
	buf_addf(&s, "\n[ -e \"$R\" ] || [ -L \"$R\" ] || exit 0\n"
	    "find %s\"$R\" %s-printf '%s' || exit 1\n",
	    j->o.copy_links ? "-L " : "", j->o.recursive ? "" :
	    "-maxdepth 0 ", SYNC_PRINTF);
	if (j->o.checksum)
		buf_adds(&s, "echo @@SUM\nif [ -d \"$R\" ]; then cd \"$R\" && "
		    "find . -type f -printf '%P\\0' | xargs -0 -r sha1sum --; "
		    "else printf '%s  \\n' \"$(sha1sum <\"$R\" | cut -c1-40)\"; "
		    "fi\n");
	what = xasprintf("cannot list '%s'", path);
	r = files_run_checked(ctx, buf_cstr(&s), NULL, 0, what, &res, cause);
	free(what);
	buf_release(&s);
	if (r == 0) {
		*n = sync_parse(buf_cstr(&res.out), v);
		if (j->o.checksum)
			sync_parse_sums(buf_cstr(&res.out), *v, *n);
	}
	exec_result_release(&res);
	return r != 0 ? -1 : 0;
}

static void
sync_list_local(struct sync_job *j, const char *path, struct sync_entry **v,
    size_t *n)
{
	struct sync_local_opts	lo;

	lo.recursive = j->o.recursive;
	lo.links = j->o.links;
	lo.copy_links = j->o.copy_links;
	lo.checksum = j->o.checksum;
	*n = sync_local_list(path, &lo, v);
}

/* Excluded, or below an excluded directory. */
static int
sync_skip(const struct sync_job *j, const char *rel, int isdir)
{
	char	*p, *slash;
	int	 hit = 0;

	if (*rel == '\0')
		return 0;
	if (sync_excluded(&j->o, rel, isdir))
		return 1;
	p = xstrdup(rel);
	while (!hit && (slash = strrchr(p, '/')) != NULL) {
		*slash = '\0';
		hit = sync_excluded(&j->o, p, 1);
	}
	free(p);
	return hit;
}

static void
sync_line(struct sync_job *j, const char *item, const struct sync_entry *e)
{
	if (*e->rel == '\0' && e->type == 'd')
		buf_addf(&j->out, "%s %s\n", item, *j->prefix != '\0' ?
		    j->prefix : "./");
	else if (*e->rel == '\0')
		buf_addf(&j->out, "%s %s\n", item, j->prefix);
	else
		buf_addf(&j->out, "%s %s%s%s%s%s\n", item, j->prefix,
		    e->rel, e->type == 'd' ? "/" : "",
		    e->type == 'l' ? " -> " : "", e->type == 'l' ? e->link :
		    "");
}

/* Every entry decided: the actions, the deletions, the lines. */
static void
sync_plan(struct sync_job *j)
{
	struct sync_entry	*d;
	char			 item[12];
	size_t			 i, k;
	int			 gone;

	j->act = xcalloc(j->ns + 1, sizeof *j->act);
	j->in = xcalloc(j->ns + 1, sizeof *j->in);
	j->del = xcalloc(j->nd + 1, sizeof *j->del);
	for (i = 0; i < j->ns; i++) {
		if ((j->s[i].type == 'l' && !j->o.links) ||
		    j->s[i].type == 'o' ||
		    sync_skip(j, j->s[i].rel, j->s[i].type == 'd'))
			continue;
		d = sync_find(j->d, j->nd, j->s[i].rel);
		if (d == NULL && j->o.existing_only)
			continue;
		j->in[i] = 1;
		j->act[i] = sync_decide(&j->s[i], d, &j->o, item);
		if (j->act[i] != SY_NONE) {
			sync_line(j, item, &j->s[i]);
			j->changed = 1;
		}
	}
	if (!j->o.delete || !j->o.recursive)
		return;
	for (k = j->nd; k-- > 0;) {
		d = &j->d[k];
		gone = *d->rel != '\0' && sync_find(j->s, j->ns, d->rel) ==
		    NULL && !sync_skip(j, d->rel, d->type == 'd');
		if (!gone)
			continue;
		j->del[k] = 1;
		buf_addf(&j->out, "*deleting   %s%s%s\n", j->prefix, d->rel,
		    d->type == 'd' ? "/" : "");
		j->changed = 1;
	}
}

/* chmod, chown and touch of "$p" for src as the options keep them. */
static void
sync_attrs_script(struct buf *s, const struct sync_entry *e,
    const struct sync_opts *o)
{
	if (o->perms && e->type != 'l')
		buf_addf(s, "chmod %04o -- \"$p\" || exit 1\n",
		    (unsigned int)e->mode);
	if (o->owner || o->group) {
		buf_adds(s, "chown -h -- ");
		if (o->owner)
			shell_quote_buf(s, e->owner);
		if (o->group) {
			buf_addc(s, ':');
			shell_quote_buf(s, e->group);
		}
		/* rsync maps by name, and by id where the name is unknown */
		buf_adds(s, " \"$p\" 2>/dev/null || chown -h -- ");
		if (o->owner)
			buf_addf(s, "%lld", e->uid);
		if (o->group)
			buf_addf(s, ":%lld", e->gid);
		buf_adds(s, " \"$p\" || exit 1\n");
	}
	if (o->times)
		buf_addf(s, "touch -h -d @%lld -- \"$p\" || exit 1\n",
		    e->mtime);
}

/* "$p" for an entry: the root itself, or below it. */
static void
sync_path_script(struct buf *s, const struct sync_entry *e)
{
	if (*e->rel == '\0')
		buf_adds(s, "p=$R\n");
	else {
		buf_adds(s, "p=\"$R\"/");
		shell_quote_buf(s, e->rel);
		buf_adds(s, "\n");
	}
}

/*
 * A push: directories, files (their contents on stdin, each cut off by
 * dd, checked and renamed), links, then the deletions and last the
 * directories' attributes, deepest first, so that nothing written into
 * them changes their times again.
 */
static int
sync_apply_push(struct task_ctx *ctx, struct sync_job *j, char **cause)
{
	struct buf		 s = BUF_INIT, in = BUF_INIT, data = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct sync_entry	*e;
	char			*path, *c = NULL, sum[41];
	size_t			 i;
	int			 r = -1;

	buf_adds(&s, "R=");
	host_path_word(&s, j->root);
	buf_adds(&s, "\n");
	for (i = 0; i < j->ns; i++) {
		e = &j->s[i];
		if (j->act[i] == SY_NONE)
			continue;
		sync_path_script(&s, e);
		if (j->act[i] == SY_REPLACE)
			buf_adds(&s, "rm -rf -- \"$p\" || exit 1\n");
		if (e->type == 'd' && j->act[i] != SY_ATTRS)
			buf_adds(&s, "mkdir -p -- \"$p\" || exit 1\n");
		else if (e->type == 'l' && j->act[i] != SY_ATTRS) {
			buf_adds(&s, "ln -sfn -- ");
			shell_quote_buf(&s, e->link);
			buf_adds(&s, " \"$p\" || exit 1\n");
		} else if (e->type == 'f' && j->act[i] != SY_ATTRS) {
			path = *e->rel != '\0' ? xasprintf("%s/%s", j->sroot,
			    e->rel) : xstrdup(j->sroot);
			if (ctx_read_file(ctx, path, 0, &data, &c) != 0) {
				free(path);
				*cause = c;
				goto out;
			}
			free(path);
			sha1_hex(data.s != NULL ? data.s : "", data.len, sum);
			buf_adds(&s, "t=\"${p%/*}/.cairn-sync.$$.tmp\"\n");
			if (data.len == 0)
				buf_adds(&s, ": >\"$t\" || exit 1\n");
			else
				buf_addf(&s, "dd bs=%zu count=1 iflag=fullblock "
				    "status=none >\"$t\" || exit 1\n", data.len);
			buf_addf(&s, "[ \"$(sha1sum <\"$t\" | cut -c1-40)\" = %s ] "
			    "|| { rm -f -- \"$t\"; echo \"$p: checksum "
			    "mismatch\" >&2; exit 1; }\nmv -f -- \"$t\" \"$p\" || "
			    "exit 1\n", sum);
			buf_add(&in, data.s, data.len);
			buf_release(&data);
		}
		if (e->type != 'd')
			sync_attrs_script(&s, e, &j->o);
	}
	for (i = j->nd; i-- > 0;) {
		if (!j->del[i])
			continue;
		sync_path_script(&s, &j->d[i]);
		buf_adds(&s, "rm -rf -- \"$p\" || exit 1\n");
	}
	/*
	 * Every directory of the transfer, changed or not: what was
	 * written into it changed its time, which rsync puts back.
	 */
	for (i = j->ns; i-- > 0;) {
		e = &j->s[i];
		if (!j->in[i] || e->type != 'd')
			continue;
		sync_path_script(&s, e);
		sync_attrs_script(&s, e, &j->o);
	}
	if (files_run_checked(ctx, buf_cstr(&s), in.s, in.len, NULL, &res,
	    cause) != 0)
		goto out;
	r = 0;
out:
	buf_release(&s);
	buf_release(&in);
	exec_result_release(&res);
	return r;
}

/* A pull: the files' contents in one round trip (base64, a line each). */
static int
sync_fetch(struct task_ctx *ctx, struct sync_job *j, struct buf **data,
    char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	const char		*p, *nl;
	size_t			 i;
	int			 r;

	*data = xcalloc(j->ns + 1, sizeof **data);
	buf_adds(&s, "R=");
	host_path_word(&s, j->sroot);
	buf_adds(&s, "\n");
	for (i = 0; i < j->ns; i++) {
		if (j->s[i].type != 'f' || j->act[i] == SY_NONE ||
		    j->act[i] == SY_ATTRS)
			continue;
		sync_path_script(&s, &j->s[i]);
		buf_adds(&s, "base64 -w0 <\"$p\" || exit 1; echo\n");
	}
	r = files_run_checked(ctx, buf_cstr(&s), NULL, 0,
	    "cannot read the source", &res, cause);
	buf_release(&s);
	p = res.out.s != NULL ? res.out.s : "";
	for (i = 0; r == 0 && i < j->ns; i++) {
		if (j->s[i].type != 'f' || j->act[i] == SY_NONE ||
		    j->act[i] == SY_ATTRS)
			continue;
		if ((nl = strchr(p, '\n')) == NULL ||
		    files_b64_decode(&(*data)[i], p, nl - p) != 0) {
			*cause = xasprintf("cannot read '%s' from the host",
			    j->s[i].rel);
			r = -1;
			break;
		}
		p = nl + 1;
	}
	exec_result_release(&res);
	return r != 0 ? -1 : 0;
}

static int
sync_apply_pull(struct task_ctx *ctx, struct sync_job *j, char **cause)
{
	struct sync_entry	*e;
	struct buf		*data = NULL;
	char			*path;
	size_t			 i;
	int			 r = 0;

	if (sync_fetch(ctx, j, &data, cause) != 0)
		r = -1;
	/* rsync creates dest itself when missing, not its parents */
	if (r == 0 && (path = xstrdup(j->root)) != NULL) {
		char	*slash = strrchr(path, '/');
		struct stat st;

		if (slash != NULL && slash != path) {
			*slash = '\0';
			if (stat(path, &st) != 0)
				r = sync_local_mkdir(path, cause);
		}
		free(path);
	}
	for (i = 0; r == 0 && i < j->ns; i++) {
		e = &j->s[i];
		if (j->act[i] == SY_NONE)
			continue;
		path = *e->rel != '\0' ? xasprintf("%s/%s", j->root, e->rel) :
		    xstrdup(j->root);
		if (j->act[i] == SY_REPLACE)
			r = sync_local_remove(path, cause);
		if (r == 0 && j->act[i] != SY_ATTRS) {
			if (e->type == 'd')
				r = sync_local_mkdir(path, cause);
			else if (e->type == 'l')
				r = sync_local_symlink(e->link, path, cause);
			else
				r = sync_local_write(path, data[i].s != NULL ?
				    data[i].s : "", data[i].len, cause);
		}
		if (r == 0 && e->type != 'd')
			r = sync_local_attrs(path, e, &j->o, cause);
		free(path);
	}
	for (i = j->nd; r == 0 && i-- > 0;) {
		if (!j->del[i])
			continue;
		path = xasprintf("%s/%s", j->root, j->d[i].rel);
		r = sync_local_remove(path, cause);
		free(path);
	}
	for (i = j->ns; r == 0 && i-- > 0;) {
		e = &j->s[i];
		if (!j->in[i] || e->type != 'd')
			continue;
		path = *e->rel != '\0' ? xasprintf("%s/%s", j->root, e->rel) :
		    xstrdup(j->root);
		r = sync_local_attrs(path, e, &j->o, cause);
		free(path);
	}
	for (i = 0; data != NULL && i < j->ns; i++)
		buf_release(&data[i]);
	free(data);
	return r;
}

/*
 * Where things go, as rsync reads its arguments: a source directory
 * "dir" lands in dest/dir, "dir/" in dest; a file in dest, or in it
 * when dest is a directory (or ends with "/").
 */
static void
sync_roots(struct sync_job *j, const char *src, const char *found,
    const char *dest, int src_is_dir, int dest_is_dir)
{
	char	*name = xstrdup(src);
	size_t	 n;

	for (n = strlen(name); n > 1 && name[n - 1] == '/'; n--)
		name[n - 1] = '\0';
	j->sroot = xstrdup(found);
	if (src_is_dir) {
		j->root = copy_tree_root(dest, src);
		j->prefix = str_endswith(src, "/") ? xstrdup("") :
		    xasprintf("%s/", copy_basename(name));
	} else {
		j->root = dest_is_dir || str_endswith(dest, "/") ?
		    xasprintf("%s%s%s", dest, str_endswith(dest, "/") ? "" :
		    "/", copy_basename(name)) : xstrdup(dest);
		j->prefix = xstrdup(copy_basename(name));
	}
	free(name);
}

static enum mod_status
sync_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	const char		*src = args_str(args, "src");
	const char		*dest = args_str(args, "dest");
	struct sync_job		 j;
	struct host_stat	 st;
	struct stat		 lst;
	struct value		*lines, *d;
	char			*cause = NULL, *found = NULL, *cmd, *line, *save;
	char			*text;
	int			 src_dir = 0, dest_dir = 0, check = ctx_check_mode(ctx);
	enum mod_status		 status = MOD_FAILED;

	memset(&j, 0, sizeof j);
	if (sync_opts_make(args, &j.o, &cause) != 0)
		goto fail;
	if (!j.o.pull) {
		/* the source is the controller's, found as copy's is */
		if ((found = ctx_find_file(ctx, "files", src)) == NULL ||
		    stat(found, &lst) != 0) {
			cause = xasprintf("Could not find or access '%s' on the "
			    "Ansible Controller.", src);
			goto fail;
		}
		src_dir = S_ISDIR(lst.st_mode);
		if (!src_dir) {
			if (host_stat(ctx, dest, STAT_FOLLOW, &st, &cause) != 0)
				goto fail;
			dest_dir = st.type == FT_DIR;
		}
	} else {
		found = xstrdup(src);
		if (host_stat(ctx, src, STAT_FOLLOW, &st, &cause) != 0)
			goto fail;
		if (st.type == FT_NONE) {
			cause = xasprintf("rsync: link_stat \"%s\" failed: No "
			    "such file or directory (2)", src);
			goto fail;
		}
		src_dir = st.type == FT_DIR;
		dest_dir = stat(dest, &lst) == 0 && S_ISDIR(lst.st_mode);
	}
	sync_roots(&j, src, found, dest, src_dir, dest_dir);
	if (src_dir && !j.o.recursive && !j.o.dirs) {
		buf_addf(&j.out, "skipping directory %s\n", *j.prefix != '\0' ?
		    j.prefix : ".");
	} else if (!j.o.pull) {
		sync_list_local(&j, j.sroot, &j.s, &j.ns);
		if (sync_list_remote(ctx, &j, j.root, &j.d, &j.nd, &cause) != 0)
			goto fail;
	} else {
		if (sync_list_remote(ctx, &j, j.sroot, &j.s, &j.ns, &cause) != 0)
			goto fail;
		sync_list_local(&j, j.root, &j.d, &j.nd);
	}
	sync_plan(&j);
	if (j.changed && !check && (j.o.pull ? sync_apply_pull(ctx, &j,
	    &cause) : sync_apply_push(ctx, &j, &cause)) != 0)
		goto fail;
	cmd = sync_cmd_text(args, &j.o, src, dest, check);
	result_set(r, "cmd", value_str_take(cmd));
	result_setint(r, "rc", 0);
	result_setstr(r, "msg", buf_cstr(&j.out));
	lines = value_list();
	text = xstrdup(buf_cstr(&j.out));
	save = NULL;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		value_list_append(lines, value_str(line));
	free(text);
	result_set(r, "stdout_lines", lines);
	if (ctx_diff_mode(ctx) && j.changed) {
		d = value_dict();
		value_dict_setstr(d, "prepared", buf_cstr(&j.out));
		result_set(r, "diff", d);
	}
	status = j.changed ? MOD_CHANGED : MOD_OK;
	goto out;
fail:
	status = result_fail(r, "%s", cause != NULL ? cause :
	    "synchronize failed");
out:
	free(cause);
	free(found);
	sync_job_release(&j);
	return status;
}

const struct module_entry module_synchronize = {
	.name = "synchronize",
	.aliases = sync_aliases,
	.params = sync_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.run = sync_run,
};
