/*
 * find: lists files under paths by name, type, age, size and content, as
 * Ansible's find returns them.  One round trip runs find(1) with -printf
 * over every path; the filters run here (find-plan.c).  contains and
 * get_checksum need the files themselves: one more round trip each, for
 * the candidates only.
 */
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "module.h"

static const char *const find_aliases[] = {
	"ansible.builtin.find", "ansible.legacy.find", NULL
};
static const char *const paths_aliases[] = { "name", "path", NULL };
static const char *const patterns_aliases[] = { "pattern", NULL };
static const char *const excludes_aliases[] = { "exclude", NULL };
static const char *const type_choices[] = { "any", "directory", "file",
	"link", NULL };
static const char *const stamp_choices[] = { "atime", "ctime", "mtime",
	NULL };

static const struct mod_param find_params[] = {
	{ "paths", P_LIST, P_REQUIRED, NULL, NULL, paths_aliases },
	{ "patterns", P_LIST, 0, NULL, NULL, patterns_aliases },
	{ "excludes", P_LIST, 0, NULL, NULL, excludes_aliases },
	{ "contains", P_STR, 0, NULL, NULL, NULL },
	{ "read_whole_file", P_BOOL, 0, "no", NULL, NULL },
	{ "file_type", P_STR, 0, "file", type_choices, NULL },
	{ "age", P_STR, 0, NULL, NULL, NULL },
	{ "age_stamp", P_STR, 0, "mtime", stamp_choices, NULL },
	{ "size", P_STR, 0, NULL, NULL, NULL },
	{ "recurse", P_BOOL, 0, "no", NULL, NULL },
	{ "hidden", P_BOOL, 0, "no", NULL, NULL },
	{ "follow", P_BOOL, 0, "no", NULL, NULL },
	{ "get_checksum", P_BOOL, 0, "no", NULL, NULL },
	{ "use_regex", P_BOOL, 0, "no", NULL, NULL },
	{ "depth", P_INT, 0, NULL, NULL, NULL },
	/* Accepted (Ansible 2.17); contents are read as UTF-8. */
	{ "encoding", P_STR, 0, NULL, NULL, NULL },
	{ NULL }
};

struct find_opts {
	const char	**pat, **exc;
	size_t		  npat, nexc;
	const char	 *type;
	const char	 *stamp;
	int		  use_regex, hidden, has_age, has_size;
	long long	  age, size, depth;
	double		  now;
};

/* The filters of Ansible's main loop that need no file contents. */
static int
find_keep(const struct find_opts *o, const struct find_entry *e,
    char **cause)
{
	const char	*name = files_basename(e->path);
	double		 stamp;
	int		 r;

	if (o->depth > 0 && e->depth > o->depth)
		return 0;
	if (name[0] == '.' && !o->hidden)
		return 0;
	stamp = strcmp(o->stamp, "atime") == 0 ? e->atime :
	    strcmp(o->stamp, "ctime") == 0 ? e->ctime : e->mtime;
	if (strcmp(o->type, "any") != 0 &&
	    !(strcmp(o->type, "directory") == 0 && e->type == 'd') &&
	    !(strcmp(o->type, "file") == 0 && e->type == 'f') &&
	    !(strcmp(o->type, "link") == 0 && e->type == 'l'))
		return 0;
	if ((r = find_pfilter(name, o->pat, o->npat, o->exc, o->nexc,
	    o->use_regex, cause)) != 1)
		return r;
	if (!find_agefilter(o->now, stamp, o->has_age, o->age))
		return 0;
	if (e->type == 'f' && (strcmp(o->type, "any") == 0 ||
	    strcmp(o->type, "file") == 0))
		return find_sizefilter(e->size, o->has_size, o->size);
	return 1;
}

/*
 * One line per candidate from a shell loop over their paths: script is
 * run with the quoted paths after "for f in".  Lines go to lines[i].
 */
static int
find_per_file(struct task_ctx *ctx, struct find_entry **c, size_t n,
    const char *body, char ***lines, char **cause)
{
	struct buf		 s = BUF_INIT;
	struct exec_result	 res = EXEC_RESULT_INIT;
	char			*p, *nl;
	size_t			 i;
	int			 r;

	*lines = xcalloc(n + 1, sizeof **lines);
	buf_adds(&s, "for f in");
	for (i = 0; i < n; i++) {
		buf_addc(&s, ' ');
		shell_quote_buf(&s, c[i]->path);
	}
	buf_addf(&s, "; do %s; done", body);
	r = host_run(ctx, buf_cstr(&s), &res, cause);
	buf_release(&s);
	if (r != 0)
		goto out;
	p = (char *)buf_cstr(&res.out);
	for (i = 0; i < n && (nl = strchr(p, '\n')) != NULL; i++) {
		(*lines)[i] = xstrndup(p, (size_t)(nl - p));
		p = nl + 1;
	}
	for (; i < n; i++)
		(*lines)[i] = xstrdup("");
out:
	exec_result_release(&res);
	return r;
}

static void
find_lines_free(char **lines, size_t n)
{
	size_t	i;

	for (i = 0; lines != NULL && i < n; i++)
		free(lines[i]);
	free(lines);
}

static void
find_skip(struct result *r, struct value *skipped, const char *path,
    const char *why)
{
	value_dict_setstr(skipped, path, why);
	result_warn(r, "Skipped '%s' path due to this access issue: %s\n",
	    path, why);
}

static enum mod_status
find_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct find_opts	  o;
	const char		**paths = NULL, *age, *size, *contains;
	const char		 *p, *end, *rec;
	struct buf		  s = BUF_INIT, text = BUF_INIT;
	struct exec_result	  res = EXEC_RESULT_INIT;
	struct find_entry	 *all = NULL, **cand = NULL;
	struct value		 *files = NULL, *skipped = NULL, *d;
	char			 *cause = NULL, **lines = NULL;
	size_t			  npaths, i, j, nall = 0, ncand = 0, first;
	size_t			  examined = 0;
	int			  follow = args_bool(args, "follow", 0);
	int			  recurse = args_bool(args, "recurse", 0);
	int			  sum = args_bool(args, "get_checksum", 0);
	int			  whole = args_bool(args, "read_whole_file", 0);
	int			  k, warned = 0;
	enum mod_status		  status = MOD_FAILED;

	memset(&o, 0, sizeof o);
	o.type = args_str(args, "file_type");
	o.stamp = args_str(args, "age_stamp");
	o.use_regex = args_bool(args, "use_regex", 0);
	o.hidden = args_bool(args, "hidden", 0);
	o.depth = args_int(args, "depth", 0);
	contains = args_str(args, "contains");
	if ((age = args_str(args, "age")) != NULL) {
		if (find_parse_age(age, &o.age) != 0) {
			result_setstr(r, "age", age);
			return result_fail(r, "failed to process age");
		}
		o.has_age = 1;
	}
	if ((size = args_str(args, "size")) != NULL) {
		if (find_parse_size(size, &o.size) != 0) {
			result_setstr(r, "size", size);
			return result_fail(r, "failed to process size");
		}
		o.has_size = 1;
	}
	o.pat = files_arg_strings(args, "patterns", &o.npat);
	o.exc = files_arg_strings(args, "excludes", &o.nexc);
	paths = files_arg_strings(args, "paths", &npaths);

	/*
	 * One script: the target's clock, then for each path its records
	 * and an end mark carrying find's complaints ("E...") or "N" for a
	 * path that is not a directory.
	 */
	buf_adds(&s, "exec 3>&1; date +%s.%N");
	for (i = 0; i < npaths; i++) {
		buf_adds(&s, "\np=");
		host_path_word(&s, paths[i]);
		buf_addf(&s, "\nif [ -d \"$p\" ]; then e=$( { find %s \"$p\" "
		    "-mindepth 1", follow ? "-L" : "-H");
		if (!recurse)
			buf_adds(&s, " -maxdepth 1");
		else if (o.depth > 0)
			buf_addf(&s, " -maxdepth %lld", o.depth + 1);
		buf_adds(&s, " -printf ");
		shell_quote_buf(&s, FIND_PRINTF);
		buf_adds(&s, "; } 2>&1 >&3 ); printf 'E%s\\0' \"$e\"; "
		    "else printf 'N\\0'; fi");
	}
	if (host_run(ctx, buf_cstr(&s), &res, &cause) != 0)
		goto fail;
	p = buf_cstr(&res.out);
	end = p + res.out.len;
	o.now = strtod(p, NULL);
	if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL) {
		cause = xstrdup("find: no answer from the target");
		goto fail;
	}
	p++;
	files = value_list();
	skipped = value_dict();
	for (i = 0; i < npaths; i++) {
		first = nall;
		for (;;) {
			if (p >= end || (rec = memchr(p, '\0',
			    (size_t)(end - p))) == NULL) {
				cause = xstrdup("find: truncated answer from "
				    "the target");
				goto fail;
			}
			if (*p == 'E' || *p == 'N')
				break;
			if (find_parse(p, (size_t)(rec - p) + 1, &all,
			    &nall) != 1) {
				cause = xstrdup("find: malformed answer from "
				    "the target");
				goto fail;
			}
			p = rec + 1;
		}
		if (*p == 'N') {
			buf_reset(&text);
			buf_addf(&text, "'%s' is not a directory", paths[i]);
			find_skip(r, skipped, paths[i], buf_cstr(&text));
			warned = 1;
		} else if (p[1] != '\0') {
			buf_reset(&text);
			buf_add(&text, p + 1, strcspn(p + 1, "\n"));
			find_skip(r, skipped, paths[i], buf_cstr(&text));
			warned = 1;
		}
		p = rec + 1;
		examined += nall - first;
		find_walk_order(all + first, nall - first);
	}

	cand = xcalloc(nall + 1, sizeof *cand);
	for (i = 0; i < nall; i++) {
		if ((k = find_keep(&o, &all[i], &cause)) == -1)
			goto fail;
		if (k)
			cand[ncand++] = &all[i];
	}
	if (contains != NULL && strcmp(o.type, "file") == 0 && ncand > 0) {
		if (find_per_file(ctx, cand, ncand, "if [ -r \"$f\" ]; then "
		    "base64 -w0 < \"$f\" || :; echo; else echo '!'; fi",
		    &lines, &cause) != 0)
			goto fail;
		for (i = j = 0; i < ncand; i++) {
			buf_reset(&text);
			if (strcmp(lines[i], "!") != 0 &&
			    files_b64_decode(&text, lines[i],
			    strlen(lines[i])) == 0 &&
			    find_contentfilter(buf_cstr(&text), text.len,
			    contains, whole))
				cand[j++] = cand[i];
		}
		find_lines_free(lines, ncand);
		lines = NULL;
		ncand = j;
	}
	if (sum && ncand > 0) {
		if (find_per_file(ctx, cand, ncand, "s=$(sha1sum < \"$f\" "
		    "2>/dev/null) || s=; printf '%s\\n' \"${s%% *}\"", &lines,
		    &cause) != 0)
			goto fail;
	}
	for (i = 0; i < ncand; i++) {
		d = find_entry_dict(cand[i]);
		if (sum && cand[i]->type == 'f')
			value_dict_setstr(d, "checksum", lines[i]);
		value_list_append(files, d);
	}
	result_set(r, "files", value_ref(files));
	result_setstr(r, "msg", warned ? "Not all paths examined, check "
	    "warnings for details" : "All paths examined");
	result_setint(r, "matched", (long long)ncand);
	result_setint(r, "examined", (long long)examined);
	result_set(r, "skipped_paths", value_ref(skipped));
	status = MOD_OK;
	goto out;
fail:
	status = result_fail(r, "%s", cause != NULL ? cause : "find failed");
out:
	find_lines_free(lines, ncand);
	find_entries_free(all, nall);
	value_unref(files);
	value_unref(skipped);
	free(cand);
	free(cause);
	free(paths);
	free(o.pat);
	free(o.exc);
	buf_release(&s);
	buf_release(&text);
	exec_result_release(&res);
	return status;
}

const struct module_entry module_find_entry = {
	.name = "find",
	.aliases = find_aliases,
	.params = find_params,
	.flags = MOD_SUPPORTS_CHECK,
	.run = find_run,
};
