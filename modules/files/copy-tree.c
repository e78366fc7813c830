/*
 * copy's directory copies, the host side: the source tree walked (on the
 * controller, or on the host for remote_src), dest probed in one round
 * trip, every node decided by copy_node_decide, and everything applied
 * in one more: the files' contents travel together on the script's
 * stdin, each cut off by dd, checked by its sha1 and renamed into place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copy-plan.h"
#include "files.h"
#include "module.h"

struct copy_tree {
	struct copy_node	*v;
	size_t			 n;
	struct task_ctx		*ctx;
	int			 decrypt;
};

static struct copy_node *
copy_tree_add(struct copy_tree *t, char type, const char *rel)
{
	struct copy_node	*n;

	t->v = xreallocarray(t->v, t->n + 1, sizeof *t->v);
	n = &t->v[t->n++];
	memset(n, 0, sizeof *n);
	n->type = type;
	n->rel = xstrdup(rel);
	n->dtype = '-';
	return n;
}

/* Parents being walked, by device and inode: a followed link loop stops. */
struct copy_parents {
	dev_t	dev[64];
	ino_t	ino[64];
	size_t	n;
};

/*
 * _walk_dirs on the controller: files (a followed symlink to a file is
 * its target), directories, and symlinks kept as such without
 * local_follow (or when following would loop).
 */
static int
copy_tree_walk_local(struct copy_tree *t, const char *dir, const char *rel,
    int follow, struct copy_parents *pp, char **cause)
{
	struct stat	 lst, st;
	struct buf	 data = BUF_INIT;
	struct copy_node *n;
	char		**names = NULL, *path, *r, *c = NULL, lnk[4096];
	size_t		 nn = 0, i, k;
	ssize_t		 ll;
	int		 rv = 0, loop;

	if ((names = files_dir_names(dir, &nn)) == NULL) {
		*cause = xasprintf("cannot open directory '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < nn && rv == 0; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		r = *rel != '\0' ? xasprintf("%s/%s", rel, names[i]) :
		    xstrdup(names[i]);
		if (lstat(path, &lst) != 0) {
			free(path);
			free(r);
			continue;
		}
		if (S_ISLNK(lst.st_mode)) {
			ll = readlink(path, lnk, sizeof lnk - 1);
			lnk[ll < 0 ? 0 : ll] = '\0';
			loop = 0;
			if (follow && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				for (k = 0; k < pp->n; k++)
					loop |= pp->dev[k] == st.st_dev &&
					    pp->ino[k] == st.st_ino;
			if (!follow || stat(path, &st) != 0 || loop ||
			    (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
				n = copy_tree_add(t, 'l', r);
				n->link = xstrdup(lnk);
				free(path);
				free(r);
				continue;
			}
		} else
			st = lst;
		if (S_ISDIR(st.st_mode)) {
			copy_tree_add(t, 'd', r)->mode = st.st_mode & 07777;
			if (pp->n < 64) {
				pp->dev[pp->n] = st.st_dev;
				pp->ino[pp->n++] = st.st_ino;
				rv = copy_tree_walk_local(t, path, r, follow, pp,
				    cause);
				pp->n--;
			}
		} else if (S_ISREG(st.st_mode)) {
			n = copy_tree_add(t, 'f', r);
			n->local = realpath(path, NULL);
			if (n->local == NULL)
				n->local = xstrdup(path);
			n->mode = st.st_mode & 07777;
			if (ctx_read_file(t->ctx, n->local, t->decrypt, &data,
			    &c) != 0) {
				*cause = c;
				rv = -1;
			} else {
				sha1_hex(data.s != NULL ? data.s : "", data.len,
				    n->sum);
				n->size = (long long)data.len;
			}
			buf_release(&data);
		}
		free(path);
		free(r);
	}
	files_names_free(names, nn);
	return rv;
}

/* Splits a line on tabs into at most n fields; returns how many. */
static size_t
copy_tree_fields(char *line, char **f, size_t n)
{
	size_t	k = 0;

	while (k < n && line != NULL) {
		f[k++] = line;
		if ((line = strchr(line, '\t')) != NULL)
			*line++ = '\0';
	}
	return k;
}

/* The source tree on the host (remote_src): find, then a sha1 per file. */
static int
copy_tree_walk_remote(struct copy_tree *t, const char *src, int follow,
    char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct copy_node	*n;
	char			*text, *line, *save = NULL, *f[5], *e;
	int			 r;

	buf_adds(&s, "s=");
	host_path_word(&s, src);
	buf_addf(&s, "\ncd \"$s\" || exit 1\nfind %s. -mindepth 1 -printf "
	    "'%%y\\t%%P\\t%%m\\t%%l\\n' | LC_ALL=C sort -t '\t' -k2,2 | "
	    "while IFS='\t' read -r y p m l; do\n"
	    "c=; [ \"$y\" = f ] && c=$(sha1sum <\"$p\" | cut -c1-40)\n"
	    "printf '%%s\\t%%s\\t%%s\\t%%s\\t%%s\\n' \"$y\" \"$p\" \"$m\" "
	    "\"$c\" \"$l\"\ndone", follow ? "-L " : "");
	e = xasprintf("cannot read the source directory '%s'", src);
	r = files_run_checked(t->ctx, buf_cstr(&s), NULL, 0, e, &res, cause);
	free(e);
	buf_release(&s);
	if (r != 0) {
		exec_result_release(&res);
		return -1;
	}
	text = xstrndup(res.out.s != NULL ? res.out.s : "", res.out.len);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (copy_tree_fields(line, f, 5) != 5 || strchr("fdl",
		    f[0][0]) == NULL)
			continue;
		n = copy_tree_add(t, f[0][0], f[1]);
		n->mode = (mode_t)strtoul(f[2], NULL, 8);
		if (n->type == 'f')
			snprintf(n->sum, sizeof n->sum, "%s", f[3]);
		else if (n->type == 'l')
			n->link = xstrdup(f[4]);
	}
	free(text);
	exec_result_release(&res);
	return 0;
}

/* Dest as it is: one line per node, and the umask. */
static int
copy_tree_probe(struct copy_tree *t, const char *root, mode_t *umask,
    char **cause)
{
	struct buf		 s = BUF_INIT, in = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct copy_node	*n;
	char			*text, *line, *save = NULL, *f[9], *e;
	size_t			 i, k;
	int			 r;

	buf_adds(&s, "R=");
	host_path_word(&s, root);
	buf_adds(&s, "\numask\nwhile IFS= read -r f; do p=\"$R/$f\"\n"
	    "if [ -L \"$p\" ]; then printf 'l\\t%s\\t\\t\\t\\t\\t\\t\\t%s\\n' "
	    "\"$f\" \"$(readlink -- \"$p\")\"\n"
	    "elif [ -d \"$p\" ] || [ -f \"$p\" ]; then c=; [ -f \"$p\" ] && "
	    "c=$(sha1sum <\"$p\" | cut -c1-40)\n"
	    "printf '%s\\t%s\\t%s\\t\\n' \"$(stat -c '%F' -- \"$p\" | "
	    "cut -c1)\" \"$f\" \"$(stat -c '%a\t%u\t%g\t%U\t%G' -- \"$p\")\t$c\"\n"
	    "elif [ -e \"$p\" ]; then printf 'o\\t%s\\n' \"$f\"\n"
	    "else printf -- '-\\t%s\\n' \"$f\"; fi\ndone");
	for (i = 0; i < t->n; i++)
		buf_addf(&in, "%s\n", t->v[i].rel);
	e = xasprintf("cannot inspect '%s'", root);
	r = files_run_checked(t->ctx, buf_cstr(&s), in.s, in.len, e, &res,
	    cause);
	free(e);
	buf_release(&s);
	buf_release(&in);
	if (r != 0) {
		exec_result_release(&res);
		return -1;
	}
	text = xstrndup(res.out.s != NULL ? res.out.s : "", res.out.len);
	line = strtok_r(text, "\n", &save);
	*umask = line != NULL ? (mode_t)strtoul(line, NULL, 8) : 022;
	for (i = 0; line != NULL && (line = strtok_r(NULL, "\n", &save)) !=
	    NULL && i < t->n; i++) {
		n = &t->v[i];
		k = copy_tree_fields(line, f, 9);
		/* stat's %F: "regular file", "directory" */
		n->dtype = f[0][0] == 'r' ? 'f' : f[0][0];
		if (n->dtype == 'l' && k == 9)
			n->dlink = xstrdup(f[8]);
		else if ((n->dtype == 'f' || n->dtype == 'd') && k >= 7) {
			n->dmode = (mode_t)strtoul(f[2], NULL, 8);
			n->duid = strtoll(f[3], NULL, 10);
			n->dgid = strtoll(f[4], NULL, 10);
			n->downer = xstrdup(f[5]);
			n->dgroup = xstrdup(f[6]);
			if (k >= 8)
				snprintf(n->dsum, sizeof n->dsum, "%s", f[7]);
		} else if (n->dtype != 'l' && n->dtype != 'o')
			n->dtype = '-';
	}
	free(text);
	exec_result_release(&res);
	return 0;
}

/* chmod/chown/chgrp of "$p" from the task's arguments. */
static int
copy_tree_attrs(struct buf *s, const struct value *mode, mode_t src_mode,
    const char *owner, const char *group, char **cause)
{
	char	*m;

	if (mode != NULL) {
		if ((m = copy_mode_text(mode, src_mode, cause)) == NULL)
			return -1;
		buf_adds(s, "chmod ");
		shell_quote_buf(s, m);
		buf_adds(s, " -- \"$p\" || exit 1\n");
		free(m);
	}
	if (owner != NULL) {
		buf_adds(s, "chown ");
		shell_quote_buf(s, owner);
		buf_adds(s, " -- \"$p\" || exit 1\n");
	}
	if (group != NULL) {
		buf_adds(s, "chgrp ");
		shell_quote_buf(s, group);
		buf_adds(s, " -- \"$p\" || exit 1\n");
	}
	return 0;
}

/*
 * The apply script: directories first (parents before children, as
 * sorted), then files, then links; stdin carries the controller files'
 * contents in node order.
 */
static int
copy_tree_apply(struct copy_tree *t, const struct mod_args *args,
    const char *root, const char *src, int remote, char **cause)
{
	const struct value	*mode = args_get(args, "mode");
	const struct value	*dmode = args_get(args, "directory_mode");
	const char		*owner = args_str(args, "owner");
	const char		*group = args_str(args, "group");
	struct buf		 s = BUF_INIT, in = BUF_INIT, data = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct copy_node	*n;
	char			*c = NULL;
	size_t			 i;
	int			 pass, r = -1;

	buf_adds(&s, "R=");
	host_path_word(&s, root);
	if (remote) {
		buf_adds(&s, "\nS=");
		host_path_word(&s, src);
	}
	/* the missing directories up to the root, each with directory_mode
	 * and the owner, as the copy module makes them */
	buf_adds(&s, "\nset --; q=$R\nwhile [ ! -e \"$q\" ] && [ ! -L \"$q\" ]; "
	    "do set -- \"$q\" \"$@\"; q=$(dirname -- \"$q\"); done\n"
	    "for p in \"$@\"; do mkdir -- \"$p\" || exit 1\n");
	if (copy_tree_attrs(&s, dmode, 0755, owner, group, cause) != 0)
		goto out;
	buf_adds(&s, "done\n");
	for (pass = 0; pass < 3; pass++)
	for (i = 0; i < t->n; i++) {
		n = &t->v[i];
		if (n->action == CN_NONE || (pass == 0) != (n->type == 'd') ||
		    (pass == 2) != (n->type == 'l'))
			continue;
		buf_adds(&s, "p=\"$R\"/");
		shell_quote_buf(&s, n->rel);
		buf_adds(&s, "\n");
		switch (n->action) {
		case CN_MKDIR:
			buf_adds(&s, "mkdir -- \"$p\" || exit 1\n");
			/* FALLTHROUGH */
		case CN_ATTRS:
			if (copy_tree_attrs(&s, n->type == 'd' ? dmode : mode ?
			    mode : NULL, n->mode, owner, group, cause) != 0)
				goto out;
			if (n->type == 'f' && mode == NULL && remote) {
				buf_addf(&s, "chmod %04o -- \"$p\" || exit 1\n",
				    (unsigned int)n->mode);
			}
			break;
		case CN_LINK:
			buf_adds(&s, "ln -sfn -- ");
			shell_quote_buf(&s, n->link);
			buf_adds(&s, " \"$p\" || exit 1\n");
			break;
		case CN_WRITE:
			buf_adds(&s, "t=\"${p%/*}/.cairn-copy.$$.tmp\"; "
			    "rm -f -- \"$t\"\n");
			if (remote) {
				buf_adds(&s, "cp -- \"$S\"/");
				shell_quote_buf(&s, n->rel);
				buf_adds(&s, " \"$t\" || exit 1\n");
			} else if (n->size == 0)
				buf_adds(&s, ": >\"$t\" || exit 1\n");
			else {
				buf_addf(&s, "dd bs=%lld count=1 iflag=fullblock "
				    "status=none >\"$t\" || exit 1\n", n->size);
				if (ctx_read_file(t->ctx, n->local, t->decrypt,
				    &data, &c) != 0) {
					*cause = c;
					goto out;
				}
				buf_add(&in, data.s, data.len);
				buf_release(&data);
			}
			buf_addf(&s, "[ \"$(sha1sum <\"$t\" | cut -c1-40)\" = %s ] "
			    "|| { rm -f -- \"$t\"; echo \"copy of $p: checksum "
			    "mismatch\" >&2; exit 1; }\n", n->sum);
			/* an existing file keeps its mode and owner, as
			 * atomic_move does */
			buf_adds(&s, "[ -f \"$p\" ] && { chmod --reference=\"$p\" "
			    "-- \"$t\"; chown --reference=\"$p\" -- \"$t\"; } "
			    "2>/dev/null\nq=$p; p=$t\n");
			if (copy_tree_attrs(&s, mode, n->mode, owner, group,
			    cause) != 0)
				goto out;
			if (mode == NULL && remote)
				buf_addf(&s, "chmod %04o -- \"$p\" || exit 1\n",
				    (unsigned int)n->mode);
			buf_adds(&s, "mv -f -- \"$t\" \"$q\" || exit 1\n");
			break;
		default:
			break;
		}
	}
	if (files_run_checked(t->ctx, buf_cstr(&s), in.s, in.len,
	    "failed to copy", &res, cause) != 0)
		goto out;
	r = 0;
out:
	buf_release(&s);
	buf_release(&in);
	exec_result_release(&res);
	return r;
}

enum mod_status
copy_tree_run(struct task_ctx *ctx, const struct mod_args *args,
    const char *src, const char *found, int remote, struct result *r)
{
	struct copy_tree	 t;
	struct copy_node_want	 w;
	struct copy_parents	 pp;
	struct host_stat	 rst;
	struct value		*dmode = args_get(args, "directory_mode");
	char			*root, *cause = NULL, *dest;
	size_t			 i;
	int			 changed = 0;
	enum mod_status		 status = MOD_FAILED;

	memset(&t, 0, sizeof t);
	memset(&pp, 0, sizeof pp);
	t.ctx = ctx;
	t.decrypt = args_bool(args, "decrypt", 1);
	root = copy_tree_root(args_str(args, "dest"), src);
	if (remote) {
		if (copy_tree_walk_remote(&t, found, args_bool(args,
		    "local_follow", 1), &cause) != 0)
			goto fail;
	} else if (copy_tree_walk_local(&t, found, "", args_bool(args,
	    "local_follow", 1), &pp, &cause) != 0)
		goto fail;
	memset(&w, 0, sizeof w);
	w.mode = args_get(args, "mode");
	w.dir_mode = dmode;
	w.owner = args_str(args, "owner");
	w.group = args_str(args, "group");
	w.force = args_bool(args, "force", 1);
	w.preserve = remote;
	if (host_stat(ctx, root, STAT_FOLLOW, &rst, &cause) != 0)
		goto fail;
	if (rst.type != FT_NONE && rst.type != FT_DIR) {
		cause = xasprintf("Destination %s is not a directory", root);
		goto fail;
	}
	changed = rst.type == FT_NONE;
	if (t.n > 0 && copy_tree_probe(&t, root, &w.umask, &cause) != 0)
		goto fail;
	for (i = 0; i < t.n; i++) {
		if (copy_node_decide(&t.v[i], &w, &cause) != 0)
			goto fail;
		changed |= t.v[i].action != CN_NONE;
	}
	if (changed && !ctx_check_mode(ctx) &&
	    copy_tree_apply(&t, args, root, found, remote, &cause) != 0)
		goto fail;
	dest = xasprintf("%s%s", args_str(args, "dest"),
	    str_endswith(args_str(args, "dest"), "/") ? "" : "/");
	result_set(r, "dest", value_str_take(dest));
	result_setstr(r, "src", found);
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;
fail:
	status = result_fail(r, "%s", cause != NULL ? cause : "copy failed");
out:
	free(cause);
	free(root);
	copy_nodes_free(t.v, t.n);
	return status;
}
