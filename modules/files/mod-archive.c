/* archive: packs host paths (globs allowed) into a tar, tar.gz/bz2/xz or zip archive, or compresses a single file, on the host. */
#include <stdlib.h>
#include <string.h>

#include "archive-plan.h"
#include "copy-plan.h"
#include "files.h"
#include "module.h"

static const char *const archive_aliases[] = {
	"community.general.archive", NULL
};
static const char *const format_choices[] = { "bz2", "gz", "tar", "xz",
	"zip", NULL };

static const struct mod_param archive_params[] = {
	{ "path", P_LIST, P_REQUIRED, NULL, NULL, NULL },
	{ "format", P_STR, 0, "gz", format_choices, NULL },
	{ "dest", P_PATH, 0, NULL, NULL, NULL },
	{ "exclude_path", P_LIST, 0, NULL, NULL, NULL },
	{ "exclusion_patterns", P_LIST, 0, NULL, NULL, NULL },
	{ "force_archive", P_BOOL, 0, "no", NULL, NULL },
	{ "remove", P_BOOL, 0, "no", NULL, NULL },
	MOD_FILE_COMMON_PARAMS,
	{ NULL }
};

/* One path of the probe: expanded from path or exclude_path, its type. */
struct archive_path {
	char	*path;
	char	 type;		/* f d l (lexists), or '-' when absent */
};

struct archive_job {
	const char		*format;
	char			*dest;
	struct archive_path	*exp, *exc;	/* expanded paths */
	size_t			 nexp, nexc;
	char			**paths;	/* sorted, without the excluded */
	size_t			 npaths;
	char			**walk;		/* W lines: under directories */
	size_t			 nwalk;
	char			*root;
	int			 must_archive, dest_exists;
	struct value		*archived, *names, *missing;
};

static void
archive_job_release(struct archive_job *j)
{
	size_t	i;

	free(j->dest);
	for (i = 0; i < j->nexp; i++)
		free(j->exp[i].path);
	for (i = 0; i < j->nexc; i++)
		free(j->exc[i].path);
	free(j->exp);
	free(j->exc);
	free(j->paths);
	for (i = 0; i < j->nwalk; i++)
		free(j->walk[i]);
	free(j->walk);
	free(j->root);
	value_unref(j->archived);
	value_unref(j->names);
	value_unref(j->missing);
}

/*
 * The probe's text for one path argument: a glob expanded by the shell
 * (no field splitting: IFS is empty) as glob.glob does, else the path
 * as it is; each printed with its type, and what lies under a directory.
 */
static void
archive_probe_path(struct buf *s, const char *tag, const char *path,
    int walk)
{
	buf_adds(s, "p=");
	host_path_word(s, path);
	if (archive_is_globby(path))
		buf_adds(s, "\nIFS=; set +f; for f in $p; do [ -e \"$f\" ] || "
		    "[ -L \"$f\" ] || continue; ");
	else
		buf_adds(s, "\nfor f in \"$p\"; do ");
	buf_addf(s, "t=-; if [ -d \"$f\" ]; then t=d; elif [ -L \"$f\" ]; "
	    "then t=l; elif [ -e \"$f\" ]; then t=f; fi\n"
	    "printf '%s\\t%%s\\t%%s\\n' \"$t\" \"$f\"\n", tag);
	if (walk)
		buf_adds(s, "[ $t = d ] && find -H \"$f\" -mindepth 1 "
		    "-printf 'W\\t%p\\n'\n");
	buf_adds(s, "done; unset IFS\n");
}

static int
archive_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses the probe: E (paths), X (exclusions), W (walk), D (dest). */
static void
archive_parse(struct archive_job *j, const char *out)
{
	char	*text = xstrdup(out), *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == 'W' && line[1] == '\t') {
			j->walk = xreallocarray(j->walk, j->nwalk + 1,
			    sizeof *j->walk);
			j->walk[j->nwalk++] = xstrdup(line + 2);
		} else if ((line[0] == 'E' || line[0] == 'X') &&
		    line[1] == '\t' && line[2] != '\0' && line[3] == '\t') {
			struct archive_path	**v;
			size_t			 *n;

			v = line[0] == 'E' ? &j->exp : &j->exc;
			n = line[0] == 'E' ? &j->nexp : &j->nexc;
			*v = xreallocarray(*v, *n + 1, sizeof **v);
			(*v)[*n].type = line[2];
			(*v)[(*n)++].path = xstrdup(line + 4);
		} else if (strcmp(line, "D\t1") == 0)
			j->dest_exists = 1;
	}
	free(text);
}

/* self.paths: sorted(set(expanded) - set(excluded)). */
static void
archive_paths(struct archive_job *j)
{
	size_t	i, k;
	int	skip;

	j->paths = xcalloc(j->nexp + 1, sizeof *j->paths);
	for (i = 0; i < j->nexp; i++) {
		skip = 0;
		for (k = 0; k < j->nexc && !skip; k++)
			skip = strcmp(j->exp[i].path, j->exc[k].path) == 0;
		for (k = 0; k < j->npaths && !skip; k++)
			skip = strcmp(j->exp[i].path, j->paths[k]) == 0;
		if (!skip)
			j->paths[j->npaths++] = j->exp[i].path;
	}
	qsort(j->paths, j->npaths, sizeof *j->paths, archive_cmp_str);
}

static char
archive_type(const struct archive_job *j, const char *path)
{
	size_t	i;

	for (i = 0; i < j->nexp; i++)
		if (strcmp(j->exp[i].path, path) == 0)
			return j->exp[i].type;
	return '-';
}

/* The walk lines below one directory target, in find's order. */
static void
archive_walk_of(const struct archive_job *j, const char *dir,
    const char ***out, size_t *n)
{
	size_t	i, dl = strlen(dir);

	for (i = 0; i < j->nwalk; i++)
		if (strncmp(j->walk[i], dir, dl) == 0 &&
		    j->walk[i][dl] == '/') {
			*out = xreallocarray(*out, *n + 1, sizeof **out);
			(*out)[(*n)++] = j->walk[i];
		}
}

static int
archive_probe(struct task_ctx *ctx, const struct mod_args *args,
    struct archive_job *j, char **cause)
{
	struct value		*v;
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	size_t			 i;
	int			 r;

	v = args_get(args, "path");
	for (i = 0; v != NULL && i < v->u.list.n; i++)
		if (v->u.list.items[i]->type == V_STR)
			archive_probe_path(&s, "E",
			    v->u.list.items[i]->u.str.s, 1);
	v = args_get(args, "exclude_path");
	for (i = 0; v != NULL && i < v->u.list.n; i++)
		if (v->u.list.items[i]->type == V_STR)
			archive_probe_path(&s, "X",
			    v->u.list.items[i]->u.str.s, 0);
	if (j->dest != NULL) {
		buf_adds(&s, "[ -e ");
		host_path_word(&s, j->dest);
		buf_adds(&s, " ] && echo 'D\t1'\n");
	}
	buf_adds(&s, ":");
	r = files_run_checked(ctx, buf_cstr(&s), NULL, 0,
	    "cannot expand the paths", &res, cause);
	buf_release(&s);
	if (r == 0)
		archive_parse(j, buf_cstr(&res.out));
	exec_result_release(&res);
	return r != 0 ? -1 : 0;
}

/* find_targets and the members: archived, names, missing. */
static void
archive_targets(struct archive_job *j, const struct mod_args *args)
{
	const char	**pat, **walk = NULL;
	size_t		  i, n, nw;
	char		  t;

	pat = files_arg_strings(args, "exclusion_patterns", &n);
	j->archived = value_list();
	j->names = value_list();
	j->missing = value_list();
	for (i = 0; i < j->npaths; i++) {
		t = archive_type(j, j->paths[i]);
		if (t == '-') {
			value_list_append(j->missing, value_str(j->paths[i]));
			continue;
		}
		nw = 0;
		if (t == 'd' && j->must_archive)
			archive_walk_of(j, j->paths[i], &walk, &nw);
		else {
			walk = xreallocarray(walk, 1, sizeof *walk);
			walk[nw++] = j->paths[i];
		}
		if (!j->must_archive && strcmp(j->format, "zip") != 0 &&
		    strcmp(j->format, "tar") != 0) {
			/* compressed: the file itself, no patterns */
			value_list_append(j->archived, value_str(walk[0]));
			value_list_append(j->names, value_str(walk[0]));
		} else
			archive_members(walk, nw, j->root, j->format, pat,
			    j->archived, j->names);
	}
	free(walk);
	free(pat);
}

/*
 * Builds the archive in a temp file beside dest, compares its listing
 * with the old dest's (is_different_from_original) and moves it over
 * dest only when it differs; removes the sources after (remove).  dry
 * (check mode): builds and compares, then only removes the temp file.
 * *changed.  0, or -1 and *cause.
 */
static int
archive_build(struct task_ctx *ctx, const struct mod_args *args,
    struct archive_job *j, int dry, int *changed, char **cause)
{
	struct buf		 s = BUF_INIT, names = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	int			 zip = strcmp(j->format, "zip") == 0;
	int			 single = !j->must_archive && !zip &&
				    strcmp(j->format, "tar") != 0;
	size_t			 i;
	int			 r;

	buf_addf(&s, "l() { %s; }\nd=", archive_list_cmd(j->format, single));
	host_path_word(&s, j->dest);
	buf_adds(&s, "\nr=");
	shell_quote_buf(&s, j->root[0] != '\0' ? j->root : ".");
	buf_adds(&s, "\no=; [ -e \"$d\" ] && o=$(l \"$d\")\n"
	    "t=\"$d.cairn-$$.tmp\"; rm -f -- \"$t\"\n"
	    "trap 'rm -f -- \"$t\"' EXIT\n");
	if (single) {
		buf_addf(&s, "%s -c <", archive_compressor(j->format));
		shell_quote_buf(&s, value_len(j->archived) > 0 ?
		    j->archived->u.list.items[0]->u.str.s : "");
		buf_adds(&s, " >\"$t\" || { echo 'Unable to write to "
		    "compressed file' >&2; exit 1; }\n");
	} else if (zip) {
		/* zip appends .zip to a name without one */
		buf_adds(&s, "t=\"$t.zip\"; (cd \"$r\" && zip -q \"$t\" -@ "
		    ">/dev/null) || { echo \"Error when writing zip archive "
		    "at $d\" >&2; exit 1; }\n");
		for (i = 0; i < j->names->u.list.n; i++)
			buf_addf(&names, "%s\n",
			    j->names->u.list.items[i]->u.str.s);
	} else {
		buf_addf(&s, "(cd \"$r\" && tar -c %s --no-recursion --null "
		    "-T - -f \"$t\") || { echo \"Error when writing %s%s "
		    "archive at $d\" >&2; exit 1; }\n",
		    archive_tar_flag(j->format),
		    strcmp(j->format, "tar") == 0 ? "" : "tar.",
		    strcmp(j->format, "tar") == 0 ? "tar" : j->format);
		for (i = 0; i < j->names->u.list.n; i++) {
			buf_adds(&names, j->names->u.list.items[i]->u.str.s);
			buf_addc(&names, '\0');
		}
	}
	buf_addf(&s, "if [ -e \"$d\" ] && [ \"$o\" = \"$(l \"$t\")\" ]; then "
	    "echo SAME; else %s echo DIFF; fi\n", dry ? "" :
	    "mv -f -- \"$t\" \"$d\" || exit 1;");
	if (!dry && args_bool(args, "remove", 0)) {
		for (i = 0; i < j->archived->u.list.n; i++) {
			buf_adds(&s, "rm -rf -- ");
			shell_quote_buf(&s,
			    j->archived->u.list.items[i]->u.str.s);
			buf_adds(&s, " || exit 2\n");
		}
		for (i = 0; i < j->npaths; i++) {
			if (archive_type(j, j->paths[i]) != 'd')
				continue;
			buf_adds(&s, "rm -rf -- ");
			shell_quote_buf(&s, j->paths[i]);
			buf_adds(&s, " || exit 2\n");
		}
	}
	r = host_run_stdin(ctx, buf_cstr(&s), names.s, names.len, &res,
	    cause);
	buf_release(&s);
	buf_release(&names);
	if (r == 0 && res.rc != 0) {
		*cause = res.rc == 2 ? xstrdup("Error deleting some source "
		    "files: ") : files_stderr(&res);
		r = -1;
	}
	if (r == 0)
		*changed = res.out.s != NULL && strstr(res.out.s, "DIFF") !=
		    NULL;
	exec_result_release(&res);
	return r != 0 ? -1 : 0;
}

static struct value *
archive_list_of(struct archive_path *v, size_t n)
{
	struct value	*l = value_list();
	size_t		 i;

	for (i = 0; i < n; i++)
		value_list_append(l, value_str(v[i].path));
	return l;
}

static void
archive_result(struct archive_job *j, const char *state, struct result *r)
{
	result_set(r, "archived", j->archived != NULL ?
	    value_ref(j->archived) : value_list());
	result_set(r, "dest", j->dest != NULL ? value_str(j->dest) :
	    value_null());
	result_setstr(r, "dest_state", state);
	result_setstr(r, "arcroot", j->root != NULL ? j->root : "");
	result_set(r, "missing", j->missing != NULL ? value_ref(j->missing) :
	    value_list());
	result_set(r, "expanded_paths", archive_list_of(j->exp, j->nexp));
	result_set(r, "expanded_exclude_paths", archive_list_of(j->exc,
	    j->nexc));
}

static enum mod_status
archive_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct archive_job	 j;
	struct host_stat	 st;
	struct value		*mode = args_get(args, "mode");
	const char		*state = "absent";
	char			*cause = NULL, *mtext = NULL, *prefix;
	int			 changed = 0, ac = 0, check = ctx_check_mode(ctx);
	size_t			 i;
	enum mod_status		 status;

	memset(&j, 0, sizeof j);
	j.format = args_str(args, "format");
	if (args_str(args, "dest") != NULL)
		j.dest = xstrdup(args_str(args, "dest"));
	if (archive_probe(ctx, args, &j, &cause) != 0)
		goto fail;
	archive_paths(&j);
	if (j.npaths == 0) {
		archive_result(&j, "absent", r);
		cause = xstrdup("Error, no source paths were found");
		goto fail;
	}
	j.root = archive_common_path((const char *const *)j.paths, j.npaths);
	j.must_archive = args_bool(args, "force_archive", 0);
	for (i = 0; i < args_get(args, "path")->u.list.n; i++)
		if (args_get(args, "path")->u.list.items[i]->type == V_STR &&
		    archive_is_globby(
		    args_get(args, "path")->u.list.items[i]->u.str.s))
			j.must_archive = 1;
	if (archive_type(&j, j.paths[0]) == 'd' || j.npaths > 1)
		j.must_archive = 1;
	if (j.dest == NULL && !j.must_archive) {
		j.dest = xasprintf("%s.%s", j.paths[0], j.format);
		if (host_stat(ctx, j.dest, 0, &st, &cause) != 0)
			goto fail;
		j.dest_exists = st.type != FT_NONE;
	}
	if (j.must_archive && j.dest == NULL) {
		cause = xstrdup("Error, must specify \"dest\" when archiving "
		    "multiple files or trees");
		goto fail;
	}
	if (args_bool(args, "remove", 0)) {
		for (i = 0; i < j.npaths; i++) {
			prefix = xasprintf("%s/", j.paths[i]);
			if (archive_type(&j, j.paths[i]) == 'd' &&
			    strncmp(j.dest, prefix, strlen(prefix)) == 0) {
				free(prefix);
				cause = xstrdup("Error, created archive can "
				    "not be contained in source paths when "
				    "remove=true");
				goto fail;
			}
			free(prefix);
		}
	}
	archive_targets(&j, args);
	if (value_len(j.archived) == 0 && value_len(j.missing) ==
	    j.npaths) {
		/* no targets: what dest is, if anything */
		if (j.dest_exists)
			state = archive_is_archive(j.dest) ? "archive" :
			    "compress";
	} else if (check) {
		/*
		 * Ansible says changed for any multi-path archive; building
		 * it beside dest and comparing says what a run would do.
		 */
		if (archive_build(ctx, args, &j, 1, &changed, &cause) != 0) {
			/* dest's directory is not there yet: Ansible's guess */
			free(cause);
			cause = NULL;
			changed = j.must_archive || !j.dest_exists;
		}
		state = "absent";
	} else {
		if (archive_build(ctx, args, &j, 0, &changed, &cause) != 0)
			goto fail;
		if (j.must_archive)
			state = value_len(j.missing) > 0 ? "incomplete" :
			    "archive";
		else
			state = strcmp(j.format, "zip") == 0 ||
			    strcmp(j.format, "tar") == 0 ? "archive" :
			    "compress";
		j.dest_exists = 1;
	}
	if (j.dest_exists && !(check && changed) && (mode != NULL ||
	    args_has(args, "owner") || args_has(args, "group"))) {
		if (mode != NULL &&
		    (mtext = copy_mode_text(mode, 0644, &cause)) == NULL)
			goto fail;
		if (host_set_attrs(ctx, j.dest, mtext, args_str(args, "owner"),
		    args_str(args, "group"), 0, 1, &ac, r, &cause) != 0)
			goto fail;
		changed |= ac;
	}
	archive_result(&j, state, r);
	status = changed ? MOD_CHANGED : MOD_OK;
	goto out;
fail:
	status = result_fail(r, "%s", cause != NULL ? cause : "archive failed");
out:
	free(mtext);
	free(cause);
	archive_job_release(&j);
	return status;
}

const struct module_entry module_archive = {
	.name = "archive",
	.aliases = archive_aliases,
	.params = archive_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = archive_run,
};
