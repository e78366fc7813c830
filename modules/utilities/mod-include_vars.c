/*
 * include_vars: loads YAML/JSON variable files from the controller (a file,
 * or a directory walked in Ansible's order) into the host's variables,
 * with Ansible's search path, filters and messages (action/include_vars.py).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "regex.h"

static const char *const include_vars_aliases[] = {
	"ansible.builtin.include_vars", "ansible.legacy.include_vars", NULL
};
static const char *const hash_choices[] = { "replace", "merge", NULL };

static const struct mod_param include_vars_params[] = {
	{ "_raw_params", P_STR, 0, NULL, NULL, NULL },
	{ "file", P_PATH, 0, NULL, NULL, NULL },
	{ "dir", P_PATH, 0, NULL, NULL, NULL },
	{ "name", P_STR, 0, NULL, NULL, NULL },
	/* No defaults below: a dir-only argument given with file is an error. */
	{ "depth", P_INT, 0, NULL, NULL, NULL },
	{ "files_matching", P_STR, 0, NULL, NULL, NULL },
	{ "ignore_files", P_LIST, 0, NULL, NULL, NULL },
	{ "extensions", P_LIST, 0, NULL, NULL, NULL },	/* yaml, yml, json */
	{ "ignore_unknown_extensions", P_BOOL, 0, NULL, NULL, NULL },
	{ "hash_behaviour", P_STR, 0, NULL, hash_choices, NULL },
	{ NULL }
};

struct incvars {
	struct task_ctx		*ctx;
	const struct mod_args	*args;
	struct value		*vars;		/* what the files give */
	struct value		*files;		/* ansible_included_var_files */
	struct regex		*matching;	/* files_matching, or NULL */
	char			*msg;		/* the failure, or NULL */
};

static const char *const incvars_default_ext[] = { "yaml", "yml", "json",
	NULL };

/* The i-th extension (extensions, or Ansible's default), or NULL. */
static const char *
incvars_ext(const struct mod_args *args, size_t i)
{
	const struct value	*l = args_get(args, "extensions");

	if (l == NULL)
		return i < 3 ? incvars_default_ext[i] : NULL;
	if (i >= l->u.list.n)
		return NULL;
	return l->u.list.items[i]->type == V_STR ?
	    l->u.list.items[i]->u.str.s : "";
}

/* "a.yml" has one of the extensions (Python's splitext). */
static int
incvars_ext_ok(const struct mod_args *args, const char *name)
{
	const char	*dot = strrchr(name, '.'), *e;

	if (dot == NULL || dot == name)
		return 0;
	for (size_t i = 0; (e = incvars_ext(args, i)) != NULL; i++)
		if (strcmp(e, dot + 1) == 0)
			return 1;
	return 0;
}

/* ignore_files: re.search('PATTERN$', name) for any of them. */
static int
incvars_ignored(struct incvars *iv, const char *name)
{
	const struct value	*l = args_get(iv->args, "ignore_files");
	struct regex		*re;
	char			*pat, *cause = NULL;
	int			 hit = 0;

	for (size_t i = 0; !hit && l != NULL && i < l->u.list.n; i++) {
		if (l->u.list.items[i]->type != V_STR)
			continue;
		pat = xasprintf("%s$", l->u.list.items[i]->u.str.s);
		if ((re = regex_compile(pat, REGEX_UNICODE, &cause)) == NULL) {
			free(cause);
			cause = NULL;
			if (iv->msg == NULL)
				iv->msg = xasprintf("Invalid regular expression: "
				    "%s", l->u.list.items[i]->u.str.s);
			hit = 1;
		} else
			hit = regex_search(re, name, strlen(name), 0, NULL,
			    &cause) > 0;
		free(cause);
		cause = NULL;
		regex_free(re);
		free(pat);
	}
	return hit;
}

/* One file into iv->vars; 0, or -1 with iv->msg. */
static int
incvars_load(struct incvars *iv, const char *path, int check_ext)
{
	struct value	*v = NULL;
	char		*cause = NULL;

	if (check_ext && !incvars_ext_ok(iv->args, path)) {
		struct buf	 b = BUF_INIT;
		const char	*e;

		for (size_t i = 0; (e = incvars_ext(iv->args, i)) != NULL; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", e);
		iv->msg = xasprintf("%s does not have a valid extension: %s",
		    path, buf_cstr(&b));
		buf_release(&b);
		return -1;
	}
	if (ctx_load_vars_file(iv->ctx, path, &v, &cause) != 0) {
		iv->msg = cause;
		return -1;
	}
	if (v->type == V_NULL) {
		value_unref(v);
		v = value_dict();
	}
	if (v->type != V_DICT) {
		value_unref(v);
		iv->msg = xasprintf("%s must be stored as a dictionary/hash",
		    path);
		return -1;
	}
	value_list_append(iv->files, value_str(path));
	value_dict_merge(iv->vars, v, 0);
	value_unref(v);
	return 0;
}

static int
incvars_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A directory as Ansible's os.walk sorted by path: this directory's files
 * in order, then each subdirectory's, down to depth (0: all).  A role's
 * vars/main.yml is read too: Ansible's check meant to skip it compares
 * two paths that never match.
 */
static int
incvars_walk(struct incvars *iv, const char *dir, long long level)
{
	long long	 depth = args_int(iv->args, "depth", 0);
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		**names = NULL, *path;
	size_t		 n = 0;
	int		 r = 0;

	if (depth != 0 && level > depth)
		return 0;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..")
		    == 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, incvars_name_cmp);
	/* The files first, as os.walk gives them... */
	for (size_t i = 0; r == 0 && i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if (stat(path, &sb) != 0 || S_ISDIR(sb.st_mode) ||
		    (iv->matching != NULL && regex_search(iv->matching,
		    names[i], strlen(names[i]), 0, NULL, NULL) <= 0) ||
		    incvars_ignored(iv, names[i]) || (args_bool(iv->args,
		    "ignore_unknown_extensions", 0) &&
		    !incvars_ext_ok(iv->args, names[i]))) {
			free(path);
			continue;
		}
		r = incvars_load(iv, path, 1);
		free(path);
	}
	/* ...then each directory below, in name order. */
	for (size_t i = 0; r == 0 && i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			r = incvars_walk(iv, path, level + 1);
		free(path);
	}
	if (iv->msg != NULL)
		r = -1;
	strv_free(names, n);
	return r;
}

/* As Ansible shows them: absolute (takes p). */
static char *
incvars_abs(char *p)
{
	char	*real = realpath(p, NULL);

	if (real == NULL)
		return p;
	free(p);
	return real;
}

/* dir: inside a role, ROLE/vars/DIR (or ROLE/DIR when it starts vars/). */
static char *
incvars_dir(struct task_ctx *ctx, const char *dir)
{
	const char	*role = ctx_role_dir(ctx), *pb = ctx_playbook_dir(ctx);
	struct stat	 sb;
	char		*p;

	if (dir[0] == '/')
		return xstrdup(dir);
	if (role != NULL) {
		if (str_startswith(dir, "vars/") || strcmp(dir, "vars") == 0) {
			p = xasprintf("%s/%s", role, dir);
			if (stat(p, &sb) == 0)
				return incvars_abs(p);
			free(p);
			return xstrdup(dir);
		}
		return incvars_abs(xasprintf("%s/vars/%s", role, dir));
	}
	p = xasprintf("%s/%s", pb != NULL ? pb : ".", dir);
	return incvars_abs(p);
}

/* Ansible's message for a file not found, with where it looked. */
static char *
incvars_not_found(struct task_ctx *ctx, const char *file)
{
	const char	*dirs[] = { ctx_role_dir(ctx), ctx_playbook_dir(ctx) };
	struct buf	 b = BUF_INIT;
	char		*d;

	buf_addf(&b, "Could not find or access '%s'\nSearched in:", file);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (dirs[i] == NULL)
			continue;
		d = incvars_abs(xstrdup(dirs[i]));
		buf_addf(&b, "\n\t%s/vars/%s\n\t%s/%s", d, file, d, file);
		free(d);
	}
	buf_adds(&b, " on the Ansible Controller.\nIf you are using a module "
	    "and expect the file to exist on the remote, see the remote_src "
	    "option");
	return buf_detach(&b, NULL);
}

static enum mod_status
include_vars_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	struct incvars	 iv = { ctx, args, value_dict(), value_list(), NULL,
			    NULL };
	const char	*file = args_str(args, "file"), *dir, *name, *hb;
	struct stat	 sb;
	char		*path = NULL, *cause = NULL;
	struct value	*scope, *old;
	enum mod_status	 st = MOD_OK;

	if (file == NULL && !args_has(args, "dir"))
		file = args_str(args, "_raw_params");
	if ((dir = args_str(args, "dir")) != NULL) {
		path = incvars_dir(ctx, dir);
		if (args_has(args, "files_matching") && (iv.matching =
		    regex_compile(args_str(args, "files_matching"),
		    REGEX_UNICODE, &cause)) == NULL)
			iv.msg = cause;
		else if (stat(path, &sb) != 0)
			iv.msg = xasprintf("%s directory does not exist", path);
		else if (!S_ISDIR(sb.st_mode))
			iv.msg = xasprintf("%s is not a directory", path);
		else
			incvars_walk(&iv, path, 1);
	} else if (file == NULL)
		iv.msg = xstrdup("One of 'file', 'dir' or a free-form file "
		    "name is required");
	else if ((path = ctx_find_file(ctx, "vars", file)) == NULL)
		iv.msg = incvars_not_found(ctx, file);
	else {
		path = incvars_abs(path);
		incvars_load(&iv, path, 0);
	}
	if (iv.msg == NULL && (hb = args_str(args, "hash_behaviour")) != NULL &&
	    strcmp(hb, "merge") == 0) {
		/* merge: each dict is combined with the variable it replaces */
		for (size_t i = 0; i < iv.vars->u.dict.n; i++) {
			old = ctx_var(ctx, iv.vars->u.dict.keys[i]);
			if (old != NULL && old->type == V_DICT &&
			    iv.vars->u.dict.vals[i]->type == V_DICT) {
				struct value *m = value_copy(old);

				value_dict_merge(m, iv.vars->u.dict.vals[i], 1);
				value_dict_set(iv.vars, iv.vars->u.dict.keys[i],
				    m);
			}
			value_unref(old);
		}
	}
	if ((name = args_str(args, "name")) != NULL) {
		scope = value_dict();
		value_dict_set(scope, name, iv.vars);
		iv.vars = scope;
	}
	result_set(r, "ansible_included_var_files", iv.files);
	if (iv.msg != NULL) {
		/* as Ansible's action: "message", and no facts set */
		result_set(r, "ansible_facts", value_dict());
		result_setstr(r, "message", iv.msg);
		value_unref(iv.vars);
		st = MOD_FAILED;
	} else
		result_set(r, "ansible_facts", iv.vars);
	free(iv.msg);
	free(path);
	regex_free(iv.matching);
	return st;
}

/* file-only and dir-only arguments do not mix, as Ansible says. */
static int
include_vars_validate(const struct mod_args *args, char **cause)
{
	static const char *const dir_only[] = { "dir", "depth",
	    "files_matching", "ignore_files", "extensions",
	    "ignore_unknown_extensions", NULL };
	int	dirs = 0;

	for (size_t i = 0; dir_only[i] != NULL; i++)
		dirs |= args_has(args, dir_only[i]);
	if (dirs && args_has(args, "file")) {
		*cause = xstrdup("You are mixing file only and dir only "
		    "arguments, these are incompatible");
		return -1;
	}
	return 0;
}

const struct module_entry module_include_vars = {
	.name = "include_vars",
	.aliases = include_vars_aliases,
	.params = include_vars_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL | MOD_FREE_FORM |
	    MOD_FACTS_ARE_VARS,
	.validate = include_vars_validate,
	.run = include_vars_run,
};
