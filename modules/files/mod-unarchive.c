/* unarchive: unpacks a tar (gz, bz2, xz, zst) or zip archive from the controller, the host or a URL into a directory. */
#include <stdlib.h>
#include <string.h>

#include "copy-plan.h"
#include "files.h"
#include "module.h"
#include "unarchive-plan.h"

static const char *const unarchive_aliases[] = {
	"ansible.builtin.unarchive", "ansible.legacy.unarchive", NULL
};

static const struct mod_param unarchive_params[] = {
	{ "src", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	{ "dest", P_PATH, P_REQUIRED, NULL, NULL, NULL },
	/* no defaults: giving both copy and remote_src is an error */
	{ "remote_src", P_BOOL, 0, NULL, NULL, NULL },
	{ "copy", P_BOOL, 0, NULL, NULL, NULL },
	{ "creates", P_PATH, 0, NULL, NULL, NULL },
	{ "list_files", P_BOOL, 0, "no", NULL, NULL },
	{ "keep_newer", P_BOOL, 0, "no", NULL, NULL },
	{ "exclude", P_LIST, 0, NULL, NULL, NULL },
	{ "include", P_LIST, 0, NULL, NULL, NULL },
	{ "extra_opts", P_LIST, 0, NULL, NULL, NULL },
	{ "validate_certs", P_BOOL, 0, "yes", NULL, NULL },
	/* the target's tools read as they like: accepted, ignored */
	{ "io_buffer_size", P_INT, 0, "65536", NULL, NULL },
	{ "decrypt", P_BOOL, 0, "yes", NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

static int
unarchive_validate(const struct mod_args *args, char **cause)
{
	if (args_has(args, "copy") && args_has(args, "remote_src")) {
		*cause = xstrdup("parameters are mutually exclusive: ('copy', "
		    "'remote_src')");
		return -1;
	}
	if (args_has(args, "include") && args_has(args, "exclude") &&
	    value_len(args_get(args, "include")) > 0 &&
	    value_len(args_get(args, "exclude")) > 0) {
		*cause = xstrdup("parameters are mutually exclusive: include|"
		    "exclude");
		return -1;
	}
	return 0;
}

/* What unarchive_run gathered: the arguments, the probe's sections. */
struct unarchive_job {
	struct unarchive_opts	 o;
	const char		**exclude, **include, **extra;
	const char		*src, *dest;
	int			 remote, url, temp;	/* temp: remove src */
	int			 validate_certs;
	struct buf		 data;			/* an upload */
	char			*local;
	struct exec_result	 probe;
	char			*rsrc;		/* the archive on the host */
	char			*handler;
	char			*zflag;
	int			 root;
	char			*run_user, *run_group;
	mode_t			 umask;
	struct value		*files;
	struct buf		 diff;
};

static void
unarchive_job_release(struct unarchive_job *j)
{
	free(j->exclude);
	free(j->include);
	free(j->extra);
	buf_release(&j->data);
	free(j->local);
	exec_result_release(&j->probe);
	free(j->rsrc);
	free(j->handler);
	free(j->zflag);
	free(j->run_user);
	free(j->run_group);
	value_unref(j->files);
	buf_release(&j->diff);
}

/* The text of section "@@X" of the probe's output, up to the next one. */
static const char *
unarchive_section(struct buf *out, const char *name, size_t *len)
{
	const char	*s = buf_cstr(out), *p, *e;
	char		 mark[8];

	snprintf(mark, sizeof mark, "\n@@%s\n", name);
	if ((p = strstr(s, mark)) == NULL) {
		*len = 0;
		return "";
	}
	p += strlen(mark);
	e = strstr(p, "\n@@");
	*len = e != NULL ? (size_t)(e - p) + 1 : strlen(p);
	return p;
}

/* A "@@R n" status after a section, or -1. */
static int
unarchive_status(struct buf *out, const char *after)
{
	const char	*p = strstr(buf_cstr(out), after);

	if (p == NULL || (p = strstr(p, "\n@@R ")) == NULL)
		return -1;
	return atoi(p + 5);
}

/* The probe's first lines: S (the archive), H (handler), Z, U (the user). */
static void
unarchive_parse_head(struct unarchive_job *j)
{
	const char	*p = buf_cstr(&j->probe.out), *nl;
	char		*head, *f[4], *q, *t, *save = NULL;
	size_t		 n;

	nl = strstr(p, "\nU\t");
	nl = nl != NULL ? strchr(nl + 1, '\n') : NULL;
	head = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
	for (q = strtok_r(head, "\n", &save); q != NULL;
	    q = strtok_r(NULL, "\n", &save)) {
		if (strncmp(q, "S\t", 2) == 0)
			j->rsrc = xstrdup(q + 2);
		else if (strncmp(q, "H\t", 2) == 0)
			j->handler = xstrdup(q + 2);
		else if (strncmp(q, "Z\t", 2) == 0)
			j->zflag = xstrdup(q + 2);
		else if (strncmp(q, "U\t", 2) == 0) {
			for (n = 0, t = q + 2; n < 4 && t != NULL; n++) {
				f[n] = t;
				if ((t = strchr(t, '\t')) != NULL)
					*t++ = '\0';
			}
			if (n == 4) {
				j->root = strcmp(f[0], "0") == 0;
				j->run_user = xstrdup(f[1]);
				j->run_group = xstrdup(f[2]);
				j->umask = (mode_t)strtoul(f[3], NULL, 8);
			}
		}
	}
	free(head);
}

/*
 * The probe, one round trip: the archive put in place (uploaded on
 * stdin, or fetched with curl), checked, its handler found as Ansible's
 * pick_handler does, then the listings is_unarchived reads.
 */
static int
unarchive_probe(struct task_ctx *ctx, struct unarchive_job *j, char **cause)
{
	struct buf	 s = BUF_INIT;
	int		 check = ctx_check_mode(ctx), r;

	buf_adds(&s, "d=");
	host_path_word(&s, j->dest);
	buf_adds(&s, "\n[ -d \"$d\" ] || { printf '%s\\n' ");
	shell_quote_buf(&s, "dest '");
	buf_adds(&s, "\"$d\"");
	shell_quote_buf(&s, "' must be an existing dir");
	buf_adds(&s, " >&2; exit 90; }\n");
	if (j->temp) {
		buf_adds(&s, "s=$(mktemp \"${TMPDIR:-/tmp}/cairn-unarchive."
		    "XXXXXXXX\") || exit 1\ntrap 'rm -f \"$s\"' EXIT\n");
		if (j->url) {
			buf_addf(&s, "curl -fsSL%s -o \"$s\" -- ", j->validate_certs ?
			    "" : "k");
			shell_quote_buf(&s, j->src);
			buf_adds(&s, " || { printf 'Failure downloading %s\\n' ");
			shell_quote_buf(&s, j->src);
			buf_adds(&s, " >&2; exit 90; }\n");
		} else
			buf_adds(&s, "cat >\"$s\" || exit 1\n");
	} else {
		buf_adds(&s, "s=");
		host_path_word(&s, j->src);
		buf_adds(&s, "\n[ -e \"$s\" ] || { printf \"Source '%s' does "
		    "not exist\\n\" \"$s\" >&2; exit 90; }\n"
		    "[ -r \"$s\" ] || { printf \"Source '%s' not readable\\n\" "
		    "\"$s\" >&2; exit 90; }\n");
	}
	buf_adds(&s, "[ -s \"$s\" ] || { printf \"Invalid archive '%s', the "
	    "file is 0 bytes\\n\" \"$s\" >&2; exit 90; }\n"
	    "h=; z=\nif unzip -l \"$s\" >/dev/null 2>&1; then h=ZipArchive\n"
	    "else for c in -z:TgzArchive :TarArchive -j:TarBzipArchive "
	    "-J:TarXzArchive --use-compress-program=zstd:TarZstdArchive; do\n"
	    "z=${c%%:*}\nif o=$(LC_ALL=C tar --list $z -f \"$s\" 2>/dev/null) "
	    "&& [ -n \"$o\" ]; then h=${c#*:}; break; fi\ndone; fi\n"
	    "[ -n \"$h\" ] || { printf 'Failed to find handler for \"%s\". "
	    "Make sure the required command to extract the file is "
	    "installed.\\n' \"$s\" >&2; exit 90; }\n"
	    "printf 'S\\t%s\\nH\\t%s\\nZ\\t%s\\nU\\t%s\\t%s\\t%s\\t%s\\n' \"$s\" "
	    "\"$h\" \"$z\" \"$(id -u)\" \"$(id -un)\" \"$(id -gn)\" "
	    "\"$(umask)\"\n");
	if (j->temp && !check)	/* kept for the apply round trip */
		buf_adds(&s, "trap - EXIT\n");
	if (check)	/* Ansible skips tar archives in check mode */
		buf_addf(&s, "[ \"$h\" = ZipArchive ] || exit 0\n");
	buf_adds(&s, "cd \"$d\" || exit 1\nif [ \"$h\" = ZipArchive ]; then\n"
	    "echo; echo @@L; ");
	unarchive_zip_cmd(&s, UA_LIST, &j->o);
	buf_adds(&s, "\necho; echo @@I; ");
	unarchive_zip_cmd(&s, UA_DIFF, &j->o);
	buf_adds(&s, "\necho; echo \"@@R $?\"; echo @@C; unzip -v \"$s\"\n"
	    "echo; echo @@F\nunzip -Z1 \"$s\" | while IFS= read -r f; do\n"
	    "t=\"$d/$f\"; t=${t%/}\n"
	    "if [ -L \"$t\" ]; then T=l; elif [ -d \"$t\" ]; then T=d; "
	    "elif [ -f \"$t\" ]; then T=f; elif [ -e \"$t\" ]; then T=o; "
	    "else printf '%s\\t-\\n' \"$f\"; continue; fi\n"
	    "c=0; [ $T = f ] && c=$(gzip -c <\"$t\" | tail -c8 | "
	    "od -An -tx4 -N4 | tr -d ' ')\n"
	    "printf '%s\\t%s\\t%s\\t%s\\n' \"$f\" $T \"$(stat -c "
	    "'%s\t%y\t%a\t%U\t%u\t%G\t%g' -- \"$t\")\" \"$c\"\ndone\n"
	    "else\necho; echo @@L; LC_ALL=C ");
	unarchive_tar_cmd(&s, UA_LIST, &j->o);
	buf_adds(&s, " || { echo \"@@R $?\"; exit 0; }\necho; echo @@D; "
	    "LC_ALL=C ");
	unarchive_tar_cmd(&s, UA_DIFF, &j->o);
	buf_adds(&s, " 2>&1\necho; echo \"@@R $?\"\nfi\n");
	if (j->temp && !j->url)
		r = host_run_stdin(ctx, buf_cstr(&s), j->data.s, j->data.len,
		    &j->probe, cause);
	else
		r = host_run(ctx, buf_cstr(&s), &j->probe, cause);
	buf_release(&s);
	if (r != 0)
		return -1;
	if (j->probe.rc != 0) {
		*cause = j->probe.err.len > 0 ? files_stderr(&j->probe) :
		    xasprintf("cannot inspect '%s' (exit status %d)", j->src,
		    j->probe.rc);
		return -1;
	}
	unarchive_parse_head(j);
	if (j->handler == NULL || j->rsrc == NULL) {
		*cause = xasprintf("cannot inspect '%s'", j->src);
		return -1;
	}
	return 0;
}

/*
 * is_unarchived on the probe's sections: 1 unarchived, 0 not, -1 and
 * *cause.  Fills j->files (files_in_archive) and, for zip, j->diff.
 */
static int
unarchive_decide(struct unarchive_job *j, const struct mod_args *args,
    char **cause)
{
	struct buf		*out = &j->probe.out;
	struct unarchive_zipctx	 zc;
	const char		*l, *d, *info, *crcs, *dest;
	size_t			 ll, dl, il, cl, fl;
	int			 rc;

	l = unarchive_section(out, "L", &ll);
	if (strcmp(j->handler, "ZipArchive") != 0) {
		if (unarchive_status(out, "\n@@L\n") >= 0 &&
		    strstr(buf_cstr(out), "\n@@D\n") == NULL) {
			*cause = xasprintf("Unable to list files in the "
			    "archive: %s", buf_cstr(&j->probe.err));
			return -1;
		}
		j->files = unarchive_tar_files(l, ll, &j->o);
		d = unarchive_section(out, "D", &dl);
		return unarchive_tar_done(d, dl, "", 0, j->root, &j->o,
		    args_has(args, "mode"));
	}
	j->files = unarchive_zip_files(l, ll, &j->o);
	info = unarchive_section(out, "I", &il);
	rc = unarchive_status(out, "\n@@I\n");
	crcs = unarchive_section(out, "C", &cl);
	dest = unarchive_section(out, "F", &fl);
	memset(&zc, 0, sizeof zc);
	zc.opts = &j->o;
	zc.mode = args_get(args, "mode");
	zc.fut_owner = j->o.owner != NULL ? j->o.owner : j->run_user;
	zc.fut_group = j->o.group != NULL ? j->o.group : j->run_group;
	zc.umask = j->umask;
	return unarchive_zip_done(info, il, rc, crcs, cl, dest, fl, &zc,
	    &j->diff, cause);
}

/*
 * The apply round trip: the extraction (when not unarchived), then the
 * attributes on every member and top folder as set_fs_attributes does
 * (when given), then the temp archive removed.  *extracted and
 * *attr_changed; 0, or -1 and *cause.
 */
static int
unarchive_apply(struct task_ctx *ctx, struct unarchive_job *j,
    const struct mod_args *args, int extract, int attrs, struct result *r,
    int *attr_changed, char **cause)
{
	struct value		*mode = args_get(args, "mode"), *top, *er;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT, cmd = BUF_INIT, list = BUF_INIT;
	char			*mtext = NULL;
	size_t			 i;
	int			 zip = strcmp(j->handler, "ZipArchive") == 0, rv;

	*attr_changed = 0;
	if (attrs && mode != NULL &&
	    (mtext = copy_mode_text(mode, 0644, cause)) == NULL)
		return -1;
	buf_adds(&s, "d=");
	host_path_word(&s, j->dest);
	buf_adds(&s, "\ns=");
	shell_quote_buf(&s, j->rsrc);
	buf_adds(&s, "\nz=");
	shell_quote_buf(&s, j->zflag != NULL ? j->zflag : "");
	buf_adds(&s, "\n");
	if (j->temp)
		buf_adds(&s, "trap 'rm -f \"$s\"' EXIT\n");
	if (extract) {
		if (zip)
			unarchive_zip_cmd(&cmd, UA_EXTRACT, &j->o);
		else {
			buf_adds(&cmd, "LC_ALL=C ");
			unarchive_tar_cmd(&cmd, UA_EXTRACT, &j->o);
		}
		buf_adds(&s, "cd \"$d\" || exit 1\n");
		buf_add(&s, cmd.s, cmd.len);
		buf_adds(&s, " || exit 95\n");
	}
	if (attrs) {
		buf_adds(&s, "while IFS= read -r f; do p=\"$d/$f\"\n"
		    "b=$(stat -c '%a:%u:%g' -- \"$p\" 2>/dev/null) || continue\n");
		if (j->o.owner != NULL) {
			buf_adds(&s, "chown -h ");
			shell_quote_buf(&s, j->o.owner);
			buf_adds(&s, " -- \"$p\" || exit 96\n");
		}
		if (j->o.group != NULL) {
			buf_adds(&s, "chgrp -h ");
			shell_quote_buf(&s, j->o.group);
			buf_adds(&s, " -- \"$p\" || exit 96\n");
		}
		if (mtext != NULL) {
			buf_adds(&s, "[ -L \"$p\" ] || chmod ");
			shell_quote_buf(&s, mtext);
			buf_adds(&s, " -- \"$p\" || exit 96\n");
		}
		buf_adds(&s, "[ \"$b\" = \"$(stat -c '%a:%u:%g' -- \"$p\")\" ] || "
		    "echo C\ndone\n");
		top = unarchive_top_folders(j->files);
		for (i = 0; i < j->files->u.list.n; i++)
			buf_addf(&list, "%s\n", j->files->u.list.items[i]->u.str.s);
		for (i = 0; i < top->u.list.n; i++)
			buf_addf(&list, "%s\n", top->u.list.items[i]->u.str.s);
		value_unref(top);
	}
	rv = host_run_stdin(ctx, buf_cstr(&s), list.s, list.len, &res, cause);
	free(mtext);
	buf_release(&s);
	buf_release(&list);
	if (rv != 0) {
		buf_release(&cmd);
		exec_result_release(&res);
		return -1;
	}
	if (extract) {
		er = value_dict();
		value_dict_setstr(er, "cmd", buf_cstr(&cmd));
		value_dict_setint(er, "rc", res.rc == 95 ? 1 : res.rc == 96 ?
		    0 : res.rc);
		value_dict_set(er, "out", value_strn(res.out.s != NULL ?
		    res.out.s : "", res.out.len));
		value_dict_set(er, "err", value_strn(res.err.s != NULL ?
		    res.err.s : "", res.err.len));
		result_set(r, "extract_results", er);
	}
	buf_release(&cmd);
	if (res.rc == 95)
		*cause = xasprintf("failed to unpack %s to %s", j->rsrc,
		    j->dest);
	else if (res.rc != 0) {
		char	*e = files_stderr(&res);

		*cause = xasprintf("Unexpected error when accessing exploded "
		    "file: %s", e);
		free(e);
	}
	else
		*attr_changed = res.out.s != NULL &&
		    memmem(res.out.s, res.out.len, "C\n", 2) != NULL;
	rv = res.rc != 0 ? -1 : 0;
	exec_result_release(&res);
	return rv;
}

/* The archive: from the controller (to upload), the host, or a URL. */
static int
unarchive_gather(struct task_ctx *ctx, const struct mod_args *args,
    struct unarchive_job *j, char **cause)
{
	char	*t = NULL;
	size_t	 n;
	int	 rc;

	j->src = args_str(args, "src");
	j->dest = args_str(args, "dest");
	j->remote = args_has(args, "copy") ? !args_bool(args, "copy", 1) :
	    args_bool(args, "remote_src", 0);
	j->validate_certs = args_bool(args, "validate_certs", 1);
	j->exclude = files_arg_strings(args, "exclude", &n);
	j->include = files_arg_strings(args, "include", &n);
	j->extra = files_arg_strings(args, "extra_opts", &n);
	j->o.exclude = j->exclude;
	j->o.include = j->include;
	j->o.extra = j->extra;
	j->o.owner = args_str(args, "owner");
	j->o.group = args_str(args, "group");
	j->o.keep_newer = args_bool(args, "keep_newer", 0);
	if (j->remote) {
		j->url = strstr(j->src, "://") != NULL;
		j->temp = j->url;
		return 0;
	}
	j->temp = 1;
	if ((j->local = ctx_find_file(ctx, "files", j->src)) == NULL) {
		*cause = xasprintf("Could not find or access '%s' on the "
		    "Ansible Controller.", j->src);
		return -1;
	}
	if ((rc = ctx_read_file(ctx, j->local, args_bool(args, "decrypt", 1),
	    &j->data, &t)) != 0) {
		if (rc == ERR_INVALID)
			*cause = t;
		else {
			free(t);
			*cause = xasprintf("Could not find or access '%s' on "
			    "the Ansible Controller.", j->src);
		}
		return -1;
	}
	return 0;
}

static enum mod_status
unarchive_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const char		*creates = args_str(args, "creates");
	struct unarchive_job	 j;
	struct host_stat	 st;
	struct value		*d;
	char			*cause = NULL;
	int			 done, check = ctx_check_mode(ctx), attrs;
	int			 changed = 0, ac;
	enum mod_status		 status = MOD_FAILED;

	memset(&j, 0, sizeof j);
	if (unarchive_validate(args, &cause) != 0)
		goto fail;
	if (creates != NULL) {
		if (host_stat(ctx, creates, STAT_FOLLOW, &st, &cause) != 0)
			goto fail;
		if (st.type != FT_NONE) {
			result_set(r, "msg", value_strf("skipped, since %s "
			    "exists", creates));
			status = MOD_SKIPPED;
			goto out;
		}
	}
	if (unarchive_gather(ctx, args, &j, &cause) != 0 ||
	    unarchive_probe(ctx, &j, &cause) != 0)
		goto fail;
	result_setstr(r, "handler", j.handler);
	result_setstr(r, "dest", j.dest);
	result_setstr(r, "src", j.rsrc);
	if (check && strcmp(j.handler, "ZipArchive") != 0) {
		result_set(r, "msg", value_strf("remote module (unarchive) "
		    "does not support check mode when using gtar"));
		status = MOD_SKIPPED;
		goto out;
	}
	if ((done = unarchive_decide(&j, args, &cause)) < 0)
		goto fail;
	changed = !done;
	if (j.diff.len > 0 || strcmp(j.handler, "ZipArchive") == 0) {
		d = value_dict();
		value_dict_set(d, "prepared", value_str(buf_cstr(&j.diff)));
		if (ctx_diff_mode(ctx) && j.diff.len > 0)
			result_set(r, "diff", d);
		else
			value_unref(d);
	}
	/* Ansible sets the attributes unless a zip showed no difference. */
	attrs = !check && (args_has(args, "owner") || args_has(args,
	    "group") || args_has(args, "mode")) &&
	    (strcmp(j.handler, "ZipArchive") != 0 || j.diff.len > 0);
	if (!check && (changed || attrs || j.temp)) {
		if (unarchive_apply(ctx, &j, args, changed, attrs, r, &ac,
		    &cause) != 0)
			goto fail;
		changed |= ac;
	}
	if (args_bool(args, "list_files", 0))
		result_set(r, "files", value_ref(j.files));
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;

fail:
	status = result_fail(r, "%s", cause != NULL ? cause :
	    "unarchive failed");
out:
	free(cause);
	unarchive_job_release(&j);
	return status;
}

const struct module_entry module_unarchive = {
	.name = "unarchive",
	.aliases = unarchive_aliases,
	.params = unarchive_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = unarchive_validate,
	.run = unarchive_run,
};
