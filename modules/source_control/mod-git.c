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

static enum mod_status
git_run(struct task_ctx *ctx, const struct mod_args *args, struct result *r)
{
	struct git_run		 g;
	struct git_state	 st;
	struct git_clone	 c;
	struct exec_result	 res = EXEC_RESULT_INIT;
	struct buf		 s = BUF_INIT;
	struct value		*um = args_get(args, "umask");
	const char		*refspec = args_str(args, "refspec");
	long long		 depth = args_int(args, "depth", 0);
	char			*cause = NULL, *before = NULL, *after = NULL;
	char			*url = NULL, *mods = NULL, *exists = NULL;
	char			 target[41];
	unsigned int		 mask = 0;
	int			 subs = 0, changed = 0;
	enum git_action		 action;
	enum mod_status		 status = MOD_FAILED;

	memset(&g, 0, sizeof g);
	g.ctx = ctx;
	g.args = args;
	g.r = r;
	g.repo = args_str(args, "repo");
	g.version = args_str(args, "version");
	g.remote = args_str(args, "remote");
	g.bare = args_bool(args, "bare", 0);
	if (git_validate(args, &cause) != 0 || (um != NULL &&
	    git_umask_parse(um, &mask, &cause) != 0)) {
		status = result_fail(r, "%s", cause);
		goto out;
	}
	git_preamble(&g, mask, um != NULL);

	/* What is at dest now. */
	git_probe_script(&s, g.bare);
	if (git_step(&g, buf_cstr(&s), NULL, &res) != 0)
		goto out;
	exists = git_field(&res.out, "exists");
	before = git_field(&res.out, "head");
	if (before != NULL && *before == '\0') {
		free(before);
		before = NULL;
	}
	url = git_field(&res.out, "url");
	mods = git_field(&res.out, "mods");

	memset(&st, 0, sizeof st);
	st.exists = exists != NULL;
	st.clone = args_bool(args, "clone", 1);
	st.update = args_bool(args, "update", 1);
	st.force = args_bool(args, "force", 0);
	st.check = ctx_check_mode(ctx);
	st.local_mods = mods != NULL;
	st.url_changed = st.exists && url != NULL && *url != '\0' &&
	    strcmp(url, g.repo) != 0;
	st.before = before;
	st.target = target;
	target[0] = '\0';
	action = git_decide(&st);

	if (action == GA_NONE) {
		git_set_sha(r, "before", before);
		git_set_sha(r, "after", before);
		status = MOD_OK;
		goto out;
	}
	if (action == GA_FAIL_MODS) {
		git_set_sha(r, "before", before);
		status = result_fail(r, "Local modifications exist in the "
		    "destination: %s (force=yes to override)",
		    args_str(args, "dest"));
		goto out;
	}

	/* What version names on the remote. */
	buf_reset(&s);
	buf_adds(&s, "\"$g\" ls-remote ");
	shell_quote_buf(&s, g.repo);
	if (git_step(&g, buf_cstr(&s), NULL, &res) != 0)
		goto out;
	st.kind = git_ref_resolve(buf_cstr(&res.out), g.version, target);
	if (target[0] == '\0' && (st.kind == GIT_REF_SHA ||
	    st.kind == GIT_REF_UNKNOWN))
		snprintf(target, sizeof target, "%.40s", g.version);

	if (st.exists)
		result_setbool(r, "remote_url_changed", st.url_changed);
	git_set_sha(r, "before", before);
	if (action == GA_PREDICT) {
		git_set_sha(r, "after", target);
		changed = git_predict_changed(&st);
		if (changed && ctx_diff_mode(ctx))
			goto diff;
		status = changed ? MOD_CHANGED : MOD_OK;
		goto out;
	}

	if (action == GA_CLONE) {
		memset(&c, 0, sizeof c);
		c.repo = g.repo;
		c.remote = g.remote;
		c.version = g.version;
		c.reference = args_str(args, "reference");
		c.refspec = refspec;
		c.depth = depth;
		c.bare = g.bare;
		c.single_branch = args_bool(args, "single_branch", 0);
		c.kind = st.kind;
		buf_reset(&s);
		buf_adds(&s, "mkdir -p -- \"$(dirname -- \"$d\")\" || exit 1\n"
		    "\"$g\" clone");
		if (git_clone_args(&s, &c))
			result_warn(r, "Ignoring depth argument. Shallow clones "
			    "are only available for HEAD, branches, tags or in "
			    "combination with refspec.");
		if (g.bare && strcmp(g.remote, "origin") != 0)
			buf_adds(&s, " && cd \"$d\" && \"$g\" remote add "
			    "\"$r\" \"$(\"$g\" config --get remote.origin.url)\"");
		if (refspec != NULL) {
			buf_adds(&s, " && cd \"$d\" && \"$g\" fetch");
			if (depth > 0)
				buf_addf(&s, " --depth %lld", depth);
			buf_adds(&s, " \"$r\" ");
			shell_quote_buf(&s, refspec);
		}
		if (git_step(&g, buf_cstr(&s), NULL, &res) != 0)
			goto out;
	} else {
		if (st.local_mods) {
			if (git_step(&g, "cd \"$d\" && \"$g\" reset --hard HEAD",
			    NULL, &res) != 0)
				goto out;
			result_set(r, "msg", value_strf("Local modifications "
			    "exist in the destination: %s",
			    args_str(args, "dest")));
		}
		buf_reset(&s);
		buf_adds(&s, "cd \"$d\" || exit 1\n");
		if (st.url_changed) {
			buf_adds(&s, "\"$g\" remote set-url \"$r\" ");
			shell_quote_buf(&s, g.repo);
			buf_adds(&s, " || exit 1\n");
		}
		git_fetch_script(&s, depth, g.bare, st.force, refspec);
		if (git_step(&g, buf_cstr(&s), NULL, &res) != 0)
			goto out;
	}
	if (!g.bare && (action == GA_UPDATE || st.kind != GIT_REF_HEAD) &&
	    git_switch(&g, st.kind, depth) != 0)
		goto out;
	if (!g.bare && args_bool(args, "recursive", 1) &&
	    git_submodules(&g, &subs) != 0)
		goto out;
	if ((after = git_head(&g)) == NULL)
		goto out;
	snprintf(target, sizeof target, "%.40s", after);
	git_set_sha(r, "after", after);
	changed = before == NULL || strcmp(before, after) != 0 ||
	    st.local_mods || subs || st.url_changed;
	if (!changed || !ctx_diff_mode(ctx)) {
		status = changed ? MOD_CHANGED : MOD_OK;
		goto out;
	}

diff:
	buf_reset(&s);
	buf_addf(&s, "%s\n", before != NULL ? before : "");
	{
		char *a = xasprintf("%s\n", target);

		result_diff(r, NULL, buf_cstr(&s), NULL, a);
		free(a);
	}
	status = MOD_CHANGED;
out:
	free(cause);
	free(before);
	free(after);
	free(url);
	free(mods);
	free(exists);
	buf_release(&s);
	buf_release(&g.pre);
	exec_result_release(&res);
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
