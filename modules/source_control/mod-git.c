/* git: clones a repository onto the host and keeps it at a version, with git run there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git.h"
#include "module.h"

static const char *const git_aliases[] = {
	"ansible.builtin.git", "ansible.legacy.git", NULL
};
static const char *const repo_aliases[] = { "name", NULL };
static const char *const allowlist_aliases[] = { "gpg_whitelist", NULL };

static const struct mod_param git_params[] = {
	{ "repo", P_STR, P_REQUIRED, NULL, NULL, repo_aliases },
	{ "dest", P_PATH, 0, NULL, NULL, NULL },
	{ "version", P_STR, 0, "HEAD", NULL, NULL },
	{ "remote", P_STR, 0, "origin", NULL, NULL },
	{ "refspec", P_STR, 0, NULL, NULL, NULL },
	{ "force", P_BOOL, 0, "no", NULL, NULL },
	{ "depth", P_INT, 0, NULL, NULL, NULL },
	{ "clone", P_BOOL, 0, "yes", NULL, NULL },
	{ "update", P_BOOL, 0, "yes", NULL, NULL },
	{ "bare", P_BOOL, 0, "no", NULL, NULL },
	{ "single_branch", P_BOOL, 0, "no", NULL, NULL },
	{ "recursive", P_BOOL, 0, "yes", NULL, NULL },
	{ "track_submodules", P_BOOL, 0, "no", NULL, NULL },
	{ "reference", P_STR, 0, NULL, NULL, NULL },
	{ "key_file", P_PATH, 0, NULL, NULL, NULL },
	{ "ssh_opts", P_STR, 0, NULL, NULL, NULL },
	{ "accept_hostkey", P_BOOL, 0, "no", NULL, NULL },
	{ "accept_newhostkey", P_BOOL, 0, "no", NULL, NULL },
	{ "umask", P_RAW, 0, NULL, NULL, NULL },
	{ "executable", P_PATH, 0, NULL, NULL, NULL },
	{ "verify_commit", P_BOOL, 0, "no", NULL, NULL },
	{ "gpg_allowlist", P_LIST, 0, NULL, NULL, allowlist_aliases },
	{ "archive", P_PATH, 0, NULL, NULL, NULL },
	{ "archive_prefix", P_STR, 0, NULL, NULL, NULL },
	{ "separate_git_dir", P_PATH, 0, NULL, NULL, NULL },
	{ NULL }
};

static int
git_validate(const struct mod_args *args, char **cause)
{
	struct value	*um = args_get(args, "umask"), *v;
	unsigned int	 mask;
	static const char *const unsupported[] = {
		"archive", "archive_prefix", "separate_git_dir", NULL
	};
	const char *const *u;

	if (args_bool(args, "accept_hostkey", 0) &&
	    args_bool(args, "accept_newhostkey", 0)) {
		*cause = xstrdup("parameters are mutually exclusive: "
		    "accept_hostkey|accept_newhostkey");
		return -1;
	}
	if (!args_has(args, "dest") && args_bool(args, "clone", 1)) {
		*cause = xstrdup("the destination directory must be "
		    "specified unless clone=no");
		return -1;
	}
	if ((v = args_get(args, "depth")) != NULL && v->type == V_INT &&
	    v->u.i < 1) {
		*cause = xstrdup("depth must be a positive integer");
		return -1;
	}
	if (um != NULL && !value_is_template(um) &&
	    git_umask_parse(um, &mask, cause) != 0)
		return -1;
	for (u = unsupported; *u != NULL; u++) {
		if (args_has(args, *u)) {
			*cause = xasprintf("%s is not supported", *u);
			return -1;
		}
	}
	if (args_bool(args, "verify_commit", 0)) {
		*cause = xstrdup("verify_commit is not supported");
		return -1;
	}
	return 0;
}

static void
git_set_sha(struct result *r, const char *key, const char *sha)
{
	if (sha == NULL || *sha == '\0')
		result_set(r, key, value_null());
	else
		result_setstr(r, key, sha);
}

/* What git_run gathered from the host and decided. */
struct git_job {
	struct git_run		 g;
	struct git_state	 st;
	struct exec_result	 res;
	struct buf		 s;
	const char		*refspec;
	long long		 depth;
	char			*before;	/* HEAD before, or NULL */
	char			*url, *mods, *exists;
	char			 target[41];
};

static void
git_job_release(struct git_job *j)
{
	free(j->before);
	free(j->url);
	free(j->mods);
	free(j->exists);
	buf_release(&j->s);
	buf_release(&j->g.pre);
	exec_result_release(&j->res);
}

/* What is at dest now; 0, or -1 with the result failed. */
static int
git_gather(struct git_job *j)
{
	const struct mod_args	*args = j->g.args;
	struct git_state	*st = &j->st;

	buf_reset(&j->s);
	git_probe_script(&j->s, j->g.bare);
	if (git_step(&j->g, buf_cstr(&j->s), NULL, &j->res) != 0)
		return -1;
	j->exists = git_field(&j->res.out, "exists");
	j->before = git_field(&j->res.out, "head");
	if (j->before != NULL && *j->before == '\0') {
		free(j->before);
		j->before = NULL;
	}
	j->url = git_field(&j->res.out, "url");
	j->mods = git_field(&j->res.out, "mods");

	st->exists = j->exists != NULL;
	st->clone = args_bool(args, "clone", 1);
	st->update = args_bool(args, "update", 1);
	st->force = args_bool(args, "force", 0);
	st->check = ctx_check_mode(j->g.ctx);
	st->local_mods = j->mods != NULL;
	st->url_changed = st->exists && j->url != NULL && *j->url != '\0' &&
	    strcmp(j->url, j->g.repo) != 0;
	st->before = j->before;
	st->target = j->target;
	return 0;
}

/* What version names on the remote; 0, or -1 with the result failed. */
static int
git_resolve(struct git_job *j)
{
	buf_reset(&j->s);
	buf_adds(&j->s, "\"$g\" ls-remote ");
	shell_quote_buf(&j->s, j->g.repo);
	if (git_step(&j->g, buf_cstr(&j->s), NULL, &j->res) != 0)
		return -1;
	j->st.kind = git_ref_resolve(buf_cstr(&j->res.out), j->g.version,
	    j->target);
	if (j->target[0] == '\0' && (j->st.kind == GIT_REF_SHA ||
	    j->st.kind == GIT_REF_UNKNOWN))
		snprintf(j->target, sizeof j->target, "%.40s", j->g.version);
	return 0;
}

/* Clones or fetches; 0, or -1 with the result failed. */
static int
git_fetch(struct git_job *j, enum git_action action)
{
	const struct mod_args	*args = j->g.args;
	struct git_clone	 c;

	buf_reset(&j->s);
	if (action == GA_CLONE) {
		memset(&c, 0, sizeof c);
		c.repo = j->g.repo;
		c.remote = j->g.remote;
		c.version = j->g.version;
		c.reference = args_str(args, "reference");
		c.refspec = j->refspec;
		c.depth = j->depth;
		c.bare = j->g.bare;
		c.single_branch = args_bool(args, "single_branch", 0);
		c.kind = j->st.kind;
		if (git_clone_script(&j->s, &c))
			result_warn(j->g.r, "Ignoring depth argument. Shallow "
			    "clones are only available for HEAD, branches, "
			    "tags or in combination with refspec.");
		return git_step(&j->g, buf_cstr(&j->s), NULL, &j->res);
	}
	if (j->st.local_mods) {
		if (git_step(&j->g, "cd \"$d\" && \"$g\" reset --hard HEAD",
		    NULL, &j->res) != 0)
			return -1;
		result_set(j->g.r, "msg", value_strf("Local modifications "
		    "exist in the destination: %s", args_str(args, "dest")));
	}
	git_update_script(&j->s, j->g.repo, j->st.url_changed, j->depth,
	    j->g.bare, j->st.force, j->refspec);
	return git_step(&j->g, buf_cstr(&j->s), NULL, &j->res);
}

/* Fetches, switches, updates submodules: HEAD after (malloc'd) or NULL. */
static char *
git_apply(struct git_job *j, enum git_action action, int *subs)
{
	struct git_run	*g = &j->g;

	if (git_fetch(j, action) != 0)
		return NULL;
	if (!g->bare && (action == GA_UPDATE || j->st.kind != GIT_REF_HEAD) &&
	    git_switch(g, j->st.kind, j->depth) != 0)
		return NULL;
	if (!g->bare && args_bool(g->args, "recursive", 1) &&
	    git_submodules(g, subs) != 0)
		return NULL;
	return git_head(g);
}

/* The --diff of a changed run: the commit before and after. */
static enum mod_status
git_diff(struct git_job *j)
{
	char	*b, *a;

	b = xasprintf("%s\n", j->before != NULL ? j->before : "");
	a = xasprintf("%s\n", j->target);
	result_diff(j->g.r, NULL, b, NULL, a);
	free(b);
	free(a);
	return MOD_CHANGED;
}

static enum mod_status
git_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct git_job		 j;
	struct value		*um = args_get(args, "umask");
	char			*cause = NULL, *after = NULL;
	unsigned int		 mask = 0;
	int			 subs = 0, changed;
	enum git_action		 action;
	enum mod_status		 status = MOD_FAILED;

	memset(&j, 0, sizeof j);
	j.res = (struct exec_result)EXEC_RESULT_INIT;
	j.g.ctx = ctx;
	j.g.args = args;
	j.g.r = r;
	j.g.repo = args_str(args, "repo");
	j.g.version = args_str(args, "version");
	j.g.remote = args_str(args, "remote");
	j.g.bare = args_bool(args, "bare", 0);
	j.refspec = args_str(args, "refspec");
	j.depth = args_int(args, "depth", 0);
	if (git_validate(args, &cause) != 0 || (um != NULL &&
	    git_umask_parse(um, &mask, &cause) != 0)) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	git_preamble(&j.g, mask, um != NULL);
	if (git_gather(&j) != 0)
		goto out;

	action = git_decide(&j.st);
	if (action == GA_NONE) {
		git_set_sha(r, "before", j.before);
		git_set_sha(r, "after", j.before);
		status = MOD_OK;
		goto out;
	}
	if (action == GA_FAIL_MODS) {
		git_set_sha(r, "before", j.before);
		status = result_fail(r, "Local modifications exist in the "
		    "destination: %s (force=yes to override)",
		    args_str(args, "dest"));
		goto out;
	}
	if (git_resolve(&j) != 0)
		goto out;
	if (j.st.exists)
		result_setbool(r, "remote_url_changed", j.st.url_changed);
	git_set_sha(r, "before", j.before);
	if (action == GA_PREDICT) {
		git_set_sha(r, "after", j.target);
		changed = git_predict_changed(&j.st);
	} else {
		if ((after = git_apply(&j, action, &subs)) == NULL)
			goto out;
		snprintf(j.target, sizeof j.target, "%.40s", after);
		git_set_sha(r, "after", after);
		changed = git_changed(j.before, after, &j.st, subs);
	}
	if (changed && ctx_diff_mode(ctx))
		status = git_diff(&j);
	else
		status = changed ? MOD_CHANGED : MOD_OK;
out:
	free(cause);
	free(after);
	git_job_release(&j);
	return status;
}

const struct module_entry module_git = {
	.name = "git",
	.aliases = git_aliases,
	.params = git_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_SUPPORTS_DIFF,
	.validate = git_validate,
	.run = git_run,
};
